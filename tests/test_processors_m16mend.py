"""The substring pretests of the rules' patterns against the patterns they guard (m16mend): a
pretest that misses a form of its pattern silently turns that form off. Each verb alternation is
expanded into every word form it matches, and each form must hold a key of its pretest."""

from __future__ import annotations

import itertools
import re

# the parser behind re.compile; re._parser is its name since Python 3.11 (sre_parse before)
import re._parser as sre_parse  # type: ignore[import-not-found]
from re._constants import (  # type: ignore[import-not-found]
    ASSERT,
    ASSERT_NOT,
    AT,
    BRANCH,
    CATEGORY,
    CATEGORY_DIGIT,
    CATEGORY_SPACE,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    NEGATE,
    SUBPATTERN,
)

import pytest

from processors import dates
from processors.fastre import holds_any
from processors.rules import (
    _ACCIDENT_KEYS,
    _ACCIDENT_RE,
    _ACCIDENT_VERBS,
    _REACTION_BEFORE_RE,
    _REACTION_STEMS,
    _REACTION_VERBS,
    extract_from_text,
)
from tests.processors_support import PUB


def _forms(items: list) -> list[str]:
    """Every string a parsed run of literals, groups, alternations, one-character classes and
    bounded repeats matches; fails on any other element (the expansion would be incomplete)."""
    out = [""]
    for op, av in items:
        if op is LITERAL:
            alts = [chr(av)]
        elif op is IN:
            assert all(kind is LITERAL for kind, _ in av), av
            alts = [chr(code) for _, code in av]
        elif op is SUBPATTERN:
            alts = _forms(list(av[-1]))
        elif op is BRANCH:
            alts = [s for branch in av[1] for s in _forms(list(branch))]
        elif op is MAX_REPEAT:
            lo, hi, sub = av
            one = _forms(list(sub))
            alts = ["".join(p) for k in range(lo, hi + 1) for p in itertools.product(one, repeat=k)]
        else:
            raise AssertionError(f"cannot expand {op} {av}")
        out = [a + b for a in out for b in alts]
    return out


def _expand(pattern: str) -> list[str]:
    return _forms(list(sre_parse.parse(pattern)))


def test_the_expansion_reads_every_alternative() -> None:
    assert sorted(_expand(r"ab(?:c|de)?|x[yz]")) == ["ab", "abc", "abde", "xy", "xz"]


ACCIDENT_FORMS = _expand(_ACCIDENT_VERBS)
REACTION_FORMS = _expand(_REACTION_VERBS)


@pytest.mark.parametrize("form", ACCIDENT_FORMS)
def test_every_accident_verb_form_holds_a_pretest_key(form: str) -> None:
    # the form is one the pattern finds, and the pretest lets its sentence through
    assert _ACCIDENT_RE.search(f"A bus {form.upper()} near the town") is not None
    assert any(k in form.lower() for k in _ACCIDENT_KEYS), form


@pytest.mark.parametrize("form", REACTION_FORMS)
def test_every_reaction_verb_form_holds_a_pretest_stem(form: str) -> None:
    assert _REACTION_BEFORE_RE.search(f"The governor {form} the ") is not None
    assert any(stem in form.lower() for stem in _REACTION_STEMS), form


@pytest.mark.parametrize(
    "reaction",
    ["expressed anger at", "voiced shock over", "sent condolences for", "expressed sorrow at"],
)
def test_a_reaction_in_nouns_to_a_told_attack_adds_no_incident_nor_its_place(
    reaction: str,
) -> None:
    """The reaction nouns ("anger at", "shock over", "condolences for") tell no second
    incident, as "condemned" does: the pretest once let none of them through."""
    text = (
        "Gunmen killed five villagers in Kano on Monday. "
        f"On Tuesday the governor in Abuja {reaction} the attack."
    )
    incs = extract_from_text(text, PUB)
    assert [(i.fatalities, i.location and i.location.name) for i in incs] == [(5, "Kano")]


def test_the_pretests_hold_no_key_beyond_their_patterns() -> None:
    # a key no form holds is dead weight in the pretest, or a form dropped from the pattern
    for keys, forms in ((_ACCIDENT_KEYS, ACCIDENT_FORMS), (_REACTION_STEMS, REACTION_FORMS)):
        for key in keys:
            assert any(key in f for f in forms), key


def test_the_verb_alternations_are_whole_words_of_their_patterns() -> None:
    # the alternations are the very text compiled into the patterns (no second copy to drift)
    assert f"\\b(?:{_ACCIDENT_VERBS})\\b" in _ACCIDENT_RE.pattern
    assert _REACTION_BEFORE_RE.pattern.startswith(f"\\b(?:{_REACTION_VERBS})\\s")


# --------------------------------------------------------------------------- dates' pretests


def _samples(items: list) -> list[str]:
    """Strings a parsed pattern matches, one for every way through its alternations: each
    alternative and each literal character class is expanded in full (they hold the words a
    pretest must admit); a repeat is read zero or one time more than its least, a class of no
    literal characters (a category, a negated set) as one character of it, an anchor or a
    look-around as nothing (the caller keeps only the samples the pattern does match)."""
    out = [""]
    for op, av in items:
        if op is LITERAL:
            alts = [chr(av)]
        elif op is IN and all(kind is LITERAL for kind, _ in av):
            alts = [chr(code) for _, code in av]
        elif op is IN and av[0][0] is NEGATE:
            alts = ["x"]
        elif op is IN and av == [(CATEGORY, CATEGORY_SPACE)]:
            alts = [" "]
        elif op is IN and av == [(CATEGORY, CATEGORY_DIGIT)]:
            alts = ["1"]
        elif op is IN:
            alts = ["x"]  # \w
        elif op is SUBPATTERN:
            alts = _samples(list(av[-1]))
        elif op is BRANCH:
            alts = [s for branch in av[1] for s in _samples(list(branch))]
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, hi, sub = av
            one = _samples(list(sub))
            counts = range(lo, min(hi, lo + 1) + 1)
            alts = ["".join(p) for k in counts for p in itertools.product(one, repeat=k)]
        elif op in (AT, ASSERT, ASSERT_NOT):
            alts = [""]
        else:
            raise AssertionError(f"cannot sample {op} {av}")
        out = [a + b for a in out for b in alts]
    return out


# each literal pretest of dates.find_dates and the patterns it guards (a text that holds none of
# the words is never searched with them)
DATE_PRETESTS = [
    ("background", dates._BACKGROUND_WORDS, [dates._BACKGROUND_BEFORE_RE]),
    ("street", dates._STREET_WORDS, [dates._STREET_BEFORE_RE, dates._STREET_AFTER_RE]),
    ("issue", dates._ISSUE_WORDS, [dates._ISSUE_BEFORE_RE]),
    ("coming", dates._COMING_WORDS, [dates._COMING_DAY_RE]),
    ("eve", dates._EVE_WORDS, [dates._EVE_RE]),
    ("capture", dates._CAPTURE_WORDS, [dates._EARLIER_EVENT_RE]),
    # since_ago's other word, "ago", guards a group of the date pattern, not this one
    ("since", ("since",), [dates._SINCE_AGO_RE]),
]


def _matched_samples(pattern: re.Pattern[str]) -> list[str]:
    samples = _samples(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    return [s for s in samples if pattern.search(s) is not None]


def test_the_samples_read_every_alternative() -> None:
    sampled = _matched_samples(re.compile(r"\b(?:ab(?:c|de)?|x[yz])\s+\d$", re.IGNORECASE))
    # the repeat "\s+" is read once and twice
    assert sorted({" ".join(s.split()) for s in sampled}) == [
        "ab 1",
        "abc 1",
        "abde 1",
        "xy 1",
        "xz 1",
    ]
    assert "ab  1" in sampled


@pytest.mark.parametrize(
    ("keys", "patterns"),
    [(k, p) for _, k, p in DATE_PRETESTS],
    ids=[n for n, _, _ in DATE_PRETESTS],
)
def test_every_form_a_dates_pattern_matches_passes_its_pretest(
    keys: tuple[str, ...], patterns: list[re.Pattern[str]]
) -> None:
    samples = [s for pattern in patterns for s in _matched_samples(pattern)]
    # find_dates tests the words in the lowercased text; the patterns ignore case
    missed = [s for s in samples if not holds_any(s.lower(), keys)]
    assert not missed, missed
    # and the samples are the patterns' words: each key is held by one (no dead key either)
    assert [k for k in keys if not any(k in s.lower() for s in samples)] == []

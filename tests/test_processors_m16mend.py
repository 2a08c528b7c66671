"""The substring pretests of the rules' patterns against the patterns they guard (m16mend): a
pretest that misses a form of its pattern silently turns that form off. Each verb alternation is
expanded into every word form it matches, and each form must hold a key of its pretest."""

from __future__ import annotations

import itertools

# the parser behind re.compile; re._parser is its name since Python 3.11 (sre_parse before)
import re._parser as sre_parse  # type: ignore[import-not-found]
from re._constants import (  # type: ignore[import-not-found]
    BRANCH,
    IN,
    LITERAL,
    MAX_REPEAT,
    SUBPATTERN,
)

import pytest

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

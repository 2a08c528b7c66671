"""Helpers of the fourth speed round (s14rest): each gives exactly what the expression it
replaced gave."""

from __future__ import annotations

import random
import re

import pytest

from processors import classify
from processors import lexicon as lx


def _random_case(rng: random.Random, text: str) -> str:
    return "".join(rng.choice((c.upper(), c)) if rng.random() < 0.3 else c for c in text)


@pytest.mark.parametrize(
    ("pattern", "pieces"),
    [
        ("abc", ["abc"]),
        ("a|b", ["a", "b"]),
        (r"a\|b|c", [r"a\|b", "c"]),
        ("[|]x|y", ["[|]x", "y"]),
        ("[]|]x|y", ["[]|]x", "y"]),
        ("[^]|]x|y", ["[^]|]x", "y"]),
        (r"[\]|]x|y", [r"[\]|]x", "y"]),
        ("(?:a|b)c|(d|e)|f", ["(?:a|b)c", "(d|e)", "f"]),
        ("(?<!x |y )a|(?-i:B)", ["(?<!x |y )a", "(?-i:B)"]),
        ("a||b", ["a", "", "b"]),
    ],
)
def test_top_alternatives_cut_only_at_the_top_level(pattern: str, pieces: list[str]) -> None:
    assert classify.top_alternatives(pattern) == pieces


def test_every_trigger_rule_is_its_alternatives_joined() -> None:
    for pattern, _label, _weight in lx.TRIGGERS:
        pieces = classify.top_alternatives(pattern)
        assert "|".join(pieces) == pattern
        # each piece is a regex of its own, and the alternation of them is the rule's own
        assert all(re.compile(p) for p in pieces)
        assert len(pieces) == 1 or re.compile(pattern).groups == sum(
            re.compile(p).groups for p in pieces
        )


# words of the trigger rules themselves (so most rules and many of their alternatives meet a
# text they can match), function words, and the characters whose case folding differs
# (dotted and dotless i, long s, the Kelvin sign)
_TRIGGER_WORDS = sorted(
    {w for pattern, _l, _w in lx.TRIGGERS for w in re.findall(r"[a-z]{2,}", pattern)}
)
_OTHER_WORDS = (
    "the", "The", "a", "of", "in", "were", "was", "people", "two", "12", ",", ".", "-", "'",
    "ſhot", "\u212ailled", "İnjured", "kılled", "attaċk", "x", "\n",
)  # fmt: skip


def test_triggers_by_the_pruned_alternations_are_those_of_the_whole_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(14)
    texts = []
    for _ in range(2500):
        words = [
            rng.choice(_TRIGGER_WORDS) if rng.random() < 0.7 else rng.choice(_OTHER_WORDS)
            for _ in range(rng.randint(1, 14))
        ]
        texts.append(" ".join(_random_case(rng, w) if rng.random() < 0.5 else w for w in words))
    pruned = [classify.find_triggers(t) for t in texts]
    monkeypatch.setattr(classify, "_BY_HEAD_PRUNED", classify._whole_rules_by_head())
    whole = [classify.find_triggers(t) for t in texts]
    for text, got, expected in zip(texts, pruned, whole, strict=True):
        assert got == expected, text
    found = sum(map(len, whole))
    assert found > 1500
    assert len({t.label for ts in whole for t in ts}) > 25


def test_pruned_alternation_keeps_only_alternatives_that_start_so() -> None:
    # the attack verbs: "open fire", "shot at", "attacked", ... at a word starting "sho"
    rule = next(i for i, (p, _l, _w) in enumerate(lx.TRIGGERS) if p.startswith("open(?:ed)? fire"))
    pruned = classify._rule_source(rule, "sho", pruned=True)
    assert pruned != lx.TRIGGERS[rule][0]
    assert "shot at" in pruned.split("|")
    assert "open(?:ed)? fire" not in pruned
    assert classify._rule_source(rule, "sho", pruned=False) == lx.TRIGGERS[rule][0]


def test_pruned_alternatives_keep_the_rules_order() -> None:
    # the first alternative that matches wins: the pruned rule must try the kept ones in the
    # rule's order (a text rarely shows it: most alternatives at one word cannot both match)
    heads = sorted({p[:k] for _i, pres in classify._RULE_PREFIXES for p in pres for k in (2, 3)})
    cut = 0
    for i, (pattern, _l, _w) in enumerate(lx.TRIGGERS):
        whole = classify.top_alternatives(pattern)
        for head in heads:
            kept = classify.top_alternatives(classify._rule_source(i, head, pruned=True))
            positions = [whole.index(p) for p in kept]
            assert positions == sorted(positions), (i, head)
            cut += len(kept) < len(whole)
    assert cut > 100


# English and Spanish function words, capitalised names with Spanish words inside ("Praderas de
# la Sierra"), apostrophes, hyphens, "÷" (in the words' character range, not a word character)
# and the characters whose case folding differs
_LANGUAGE_PIECES = (
    "the", "of", "and", "a", "A", "in", "was", "said", "he", "el", "la", "los", "de", "del", "y",
    "en", "un", "una", "por", "que", "se", "sin", "El", "La", "De", "Y", "Praderas", "Sierra",
    "Estado", "Guerrero", "García", "Ángel", "Ñuñoa", "O'Brien", "d'Arc", "l'", "’", "-", "÷de",
    "de÷", "÷", "İ", "ı", "ſ", "\u212a", "men", "killed", "matan", "hombres", "5", ",", ".", "\n",
)  # fmt: skip


def test_english_outnumbers_spanish_as_when_names_are_always_cut_out() -> None:
    from processors import language

    rng = random.Random(1414)
    shortcut = cut = 0
    for _ in range(8000):
        text = " ".join(rng.choice(_LANGUAGE_PIECES) for _ in range(rng.randint(1, 20)))
        if rng.random() < 0.3:
            text = text.replace(" ", "")
        words = language._WORD_RE.findall(text[:1200].lower())
        english = language._english_words(words)
        expected = english > language._spanish_words(language._unnamed_words(text[:1200]))
        assert language._outnumbers_spanish(english, words, text) == expected, text
        if english > language._spanish_words(words):
            shortcut += 1
        elif expected:
            cut += 1
    assert shortcut > 800
    assert cut > 80

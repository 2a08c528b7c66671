"""Start-up round (s14start): text holding "İ", "ı", "ſ" or the Kelvin sign uses the cut
trigger table when an import-time check proves it finds what the whole rules find there;
otherwise the whole rules' table is built the first time such text arrives, never at import.
Either way the triggers are those of the whole rules."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from processors import classify
from processors import lexicon as lx

# the letters IGNORECASE matches against "i", "s" and "k" although str.lower() does not give them
_ODD_FOLDS = {"i": ("İ", "ı"), "s": ("ſ",), "k": ("\u212a",)}
_TRIGGER_WORDS = sorted(
    {w for pattern, _l, _w in lx.TRIGGERS for w in re.findall(r"[a-z]{2,}", pattern)}
)
_OTHER_WORDS = ("the", "The", "of", "in", "were", "people", "two", "12", ",", ".", "'", "\n")


def _odd_text(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 12)):
        word = rng.choice(_TRIGGER_WORDS) if rng.random() < 0.7 else rng.choice(_OTHER_WORDS)
        chars = []
        for ch in word:
            if ch in _ODD_FOLDS and rng.random() < 0.4:
                ch = rng.choice(_ODD_FOLDS[ch])
            elif rng.random() < 0.3:
                ch = ch.upper()
            chars.append(ch)
        words.append("".join(chars))
    text = " ".join(words)
    if not any(ch in text for chars in _ODD_FOLDS.values() for ch in chars):
        text += " \u212ailled"
    return text


def test_the_whole_rules_are_compiled_only_when_text_needs_them() -> None:
    script = (
        "from processors import classify as c\n"
        "built = c._whole_rules_by_head.cache_info().currsize\n"
        "c.find_triggers('Gunmen killed five villagers and injured two.')\n"
        "plain = c._whole_rules_by_head.cache_info().currsize\n"
        "found = c.find_triggers('Gunmen k\u0131lled five villagers.')\n"
        "print(built, plain, c._whole_rules_by_head.cache_info().currsize, len(found))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[:3] == ["0", "0", "1"]  # not at import, nor for plain text; then once
    assert int(out[3]) >= 1


_ALTERNATIONS: dict[tuple[int, ...], re.Pattern[str]] = {}


def _reference_triggers(text: str) -> list[classify.Trigger]:
    """find_triggers as specified, without its tables and candidate filters: at every word
    boundary not inside the last match, the rules one of whose prefixes begins the lowercased
    word beginning, whole, in table order; the first that matches wins."""
    negatives = [m.span() for m in classify._NEGATIVE_RE.finditer(text)]
    if classify.holds_any(text.lower(), lx.EXTRA_NEGATIVE_KEYS):
        negatives += [m.span() for m in classify._EXTRA_NEGATIVE_RE.finditer(text)]
    out, last = [], 0
    for boundary in re.finditer(r"\b", text):
        pos = boundary.start()
        if pos < last:
            continue
        head = text[pos : pos + classify._PREFIX_LEN].lower()
        rules = tuple(
            i for i, pres in classify._RULE_PREFIXES if any(head.startswith(p) for p in pres)
        )
        if not rules:
            continue
        if rules not in _ALTERNATIONS:
            _ALTERNATIONS[rules] = re.compile(
                "|".join(f"(?P<t{i}>(?:{lx.TRIGGERS[i][0]})\\b)" for i in rules), re.IGNORECASE
            )
        m = _ALTERNATIONS[rules].match(text, pos)
        if m is None:
            continue
        s, e = m.span()
        last = e
        if any(a <= s < b or a < e <= b for a, b in negatives):
            continue
        label, weight = classify._RULES[m.lastgroup or ""]
        out.append(classify.Trigger(s, e, label, weight, m.group()))
    return out


def test_triggers_of_text_with_odd_folds_are_those_of_the_whole_rules() -> None:
    rng = random.Random(1415)
    texts = [_odd_text(rng) for _ in range(1500)]
    got = [classify.find_triggers(t) for t in texts]
    expected = [_reference_triggers(t) for t in texts]
    for text, g, e in zip(texts, got, expected, strict=True):
        assert g == e, text
    assert sum(map(len, expected)) > 800
    # today's rules: the cut table serves such text too, and the whole rules are never built
    assert classify._CUT_SERVES_ODD_FOLDS
    assert classify._whole_rules_by_head() is classify._BY_HEAD_PRUNED


@pytest.mark.parametrize(
    ("alternatives", "prefixes", "serves"),
    [
        # "k\w+|kill": at "kılled" the key is "k" (the lowered "kıl" leaves the keys at "ı"),
        # where the rule is tried but the cut drops "kill", which IGNORECASE matches there
        ([[("k\\w+", ("k",)), ("kill", ("kil",))]], [(0, ("k", "kil"))], False),
        # the same with "İ": "kİll" lowers to "ki" and a dot, key "ki"
        ([[("k\\w+", ("k",)), ("kin", ("kin",))]], [(0, ("k", "kin"))], False),
        # "ſ" at the first letter: key "", the rule tried only if some prefix is ""
        ([[("\\w+", ("",)), ("shot", ("sho",))]], [(0, ("", "sho"))], False),
        ([[("bomb", ("bom",)), ("shot", ("sho",))]], [(0, ("bom", "sho"))], True),
        ([[("tir", ("tir",)), ("zz", ("zz",))], None], [(0, ("tir", "zz")), (1, ("t",))], True),
        # a letter outside ASCII in a prefix: other folds (σ ς) are not checked, whole rules
        ([[("σa", ("σa",)), ("b", ("b",))]], [(0, ("b", "σa"))], False),
    ],
)
def test_the_cut_serves_odd_folds_unless_a_dropped_alternative_could_match(
    alternatives: list[list[tuple[str, tuple[str, ...]]] | None],
    prefixes: list[tuple[int, tuple[str, ...]]],
    serves: bool,
) -> None:
    keys = {p[:k] for _i, pres in prefixes for p in pres for k in range(len(p) + 1)}
    assert classify.cut_serves_odd_folds(alternatives, prefixes, keys) is serves

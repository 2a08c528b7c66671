"""Helpers of the third speed round: each gives exactly what the expression it replaced gave."""

from __future__ import annotations

import random
import re

from processors import actors, casualties
from processors.fastre import folds_plainly

# count phrases before a kill or injury word in mixed case, the case-sensitive "KIA" and the
# look-behinds before it, and the characters whose case folding differs (dotted and dotless i,
# long s, the Kelvin sign)
_BEFORE_PIECES = (
    "two", "Three", "12", "5", "a", "dozen", "at", "least", "soldiers", "civilians", "and",
    "volunteer", "fighters", "members", "of", "the", "The", "village", "were", "was", "reportedly",
    "killed", "KILLED", "Dead", "wounded", "injured", "hurt", "KIA", "KIA,", "KIA.", "kia",
    "Kia.", "(KIA)",
    "the KIA", "by", "enemy", "cows", "days", "lost their lives", "shot to death", "bodies",
    "casualties", "tortured and", "kidnapped", "or", "in", ",", ".", "ſoldiers", "\u212ailled",
    "İn", "ı", "kılled", "x", "\n",
)  # fmt: skip


def _random_case(rng: random.Random, text: str) -> str:
    return "".join(rng.choice((c.upper(), c)) if rng.random() < 0.3 else c for c in text)


def test_before_counts_by_the_lowercase_pretest_are_the_case_insensitive_ones() -> None:
    rng = random.Random(13)
    hits = 0
    kia = 0
    for _ in range(6000):
        words = [rng.choice(_BEFORE_PIECES) for _ in range(rng.randint(1, 12))]
        seg = " ".join(
            w if w.startswith("KIA") or rng.random() < 0.5 else _random_case(rng, w) for w in words
        )
        # every word start (a superset of the count starts the pattern is tried at)
        starts = [
            i for i in range(len(seg)) if seg[i].isalnum() and (i == 0 or not seg[i - 1].isalnum())
        ]
        expected = [
            (m.span(), m.groupdict())
            for m in casualties._matches_at(casualties._BEFORE_RE, seg, starts)
        ]
        hits += bool(expected)
        kia += any(d["out"] == "KIA" for _span, d in expected)
        if not folds_plainly(seg):
            continue
        got = casualties._matches_at_lowered(
            casualties._BEFORE_RE, casualties._BEFORE_LOW_RE, seg, seg.lower(), starts
        )
        assert [(m.span(), m.groupdict()) for m in got] == expected, seg
    assert hits > 800
    assert kia > 50


def test_before_counts_found_through_the_pretest() -> None:
    seg = "Two soldiers were killed and 3 enemy KIA; the KIA lost 4 men, 5 civilians hurt"
    starts = casualties._count_starts(seg)
    got = casualties._matches_at_lowered(
        casualties._BEFORE_RE, casualties._BEFORE_LOW_RE, seg, seg.lower(), starts
    )
    assert [m.group("out") for m in got] == ["killed", "KIA", "hurt"]


# "<who> said" phrases in mixed case: names with inner periods, apostrophes and hyphens, "of" in
# names, appositions, keywords, and words that only start like them
_SAID_PIECES = (
    "the", "The", "police", "Police", "army", "military", "sources", "source", "officials",
    "spokesman", "spokeswoman", "witnesses", "residents", "ministry", "statement", "local",
    "security", "Ministry", "of", "for", "and", "Defence", "Interior", "U.S.", "Sana'a", "al-Assad",
    "Ahmed", "O’Brien", "Jr.", "Dr.", ",", ", who asked not to be named,", "said", "says", "told",
    "reported", "announced", "confirmed", "claimed", "stated", "saidx", "officer", "He", "It",
    "x", "5", "\n", "  ", "\t", "theater", "offers", "policeman", "ſources", "İnterior",
)  # fmt: skip


def test_said_scan_with_possessive_runs_finds_what_the_backtracking_one_found() -> None:
    rx_before = re.compile(
        r"(?<![\w'’.])(?P<who>(?:[A-Z][\w'’.-]*(?:\s+(?:of|for|and)\s+|\s+)){0,6}(?:[A-Z][\w'’.-]*"
        r"|spokes(?:man|woman|person))|(?:the\s+)?(?:\w+\s+){0,2}(?:sources?|officials?|"
        r"spokes(?:man|woman|person)|witnesses|residents|police|army|military|ministry|"
        r"statement))(?:,[^,]{1,40},)?\s+(?:said|says|told|reported|announced|confirmed|claimed|"
        r"stated)\b"
    )
    rng = random.Random(7)
    hits = 0
    for _ in range(5000):
        words = [rng.choice(_SAID_PIECES) for _ in range(rng.randint(1, 14))]
        text = "".join(w + rng.choice((" ", " ", "  ", "")) for w in words)
        expected = [(m.span(), m.group("who")) for m in rx_before.finditer(text)]
        hits += len(expected)
        assert [(m.span(), m.group("who")) for m in actors._SAID_RE.finditer(text)] == expected
    assert hits > 1000

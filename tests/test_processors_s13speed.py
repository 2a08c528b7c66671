"""Helpers of the third speed round: each gives exactly what the expression it replaced gave."""

from __future__ import annotations

import random

from processors import casualties
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

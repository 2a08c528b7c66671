"""Counts written in digits or words ("29", "twenty-nine", "a dozen", "two hundred", "several").

Casualty counts in news come in many spellings; this module turns one count phrase into a
:class:`Count` (exact value, or a lower bound for vague amounts such as "several" or "dozens").
The regex :data:`NUMBER_RE` finds such phrases; :func:`parse_count` interprets one match.
Everything is table-driven (see :mod:`processors.lexicon`) and compiled once at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from processors.lexicon import (
    MAGNITUDES,
    NUMBER_WORDS,
    QUALIFIER_MIN,
    VAGUE_AMOUNTS,
)

__all__ = [
    "NUMBER_PATTERN",
    "NUMBER_RE",
    "Count",
    "count_from_match",
    "parse_count",
    "parse_number",
]


@dataclass(frozen=True, slots=True)
class Count:
    """A parsed amount: ``value`` when the text gives a number, else ``minimum`` only."""

    value: int | None
    minimum: int | None

    @property
    def lower(self) -> int:
        """Best lower bound, for comparisons (0 when nothing is known)."""
        if self.value is not None:
            return self.value
        return self.minimum or 0


_WORD_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_MAG_ALT = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
_VAGUE_ALT = "|".join(sorted((re.escape(v) for v in VAGUE_AMOUNTS), key=len, reverse=True))
_QUAL_ALT = "|".join(sorted((re.escape(q) for q in QUALIFIER_MIN), key=len, reverse=True))

# one spelled-out number: "twenty-five", "two hundred and five", "a dozen", "1,200", "3.5 million"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_WORDNUM = (
    # "half a dozen": half of what follows
    rf"(?:half[\s-]+a[\s-]+(?:{_MAG_ALT})"
    rf"|(?:{_WORD_ALT})(?:[\s-]+(?:and\s+)?(?:{_WORD_ALT}|{_MAG_ALT}))*"
    rf"|a\s+(?:{_MAG_ALT})(?:[\s-]+(?:and\s+)?(?:{_WORD_ALT}))*)"
)
NUMBER_PATTERN = (
    rf"(?:(?P<qual>{_QUAL_ALT})\s+)?"
    rf"(?:(?P<digits>(?:{_DIGITS})(?:\s+(?:{_MAG_ALT}))?)"
    rf"|(?P<words>{_WORDNUM})"
    rf"|(?P<vague>{_VAGUE_ALT}))"
)
NUMBER_RE = re.compile(rf"\b{NUMBER_PATTERN}\b", re.IGNORECASE)


def _parse_words(words: str) -> int | None:
    low = words.lower()
    if low.startswith("half"):
        whole = _parse_words(re.sub(r"^half[\s-]+", "", low))
        return whole // 2 if whole is not None else None
    total = 0
    current = 0
    seen = False
    for tok in re.split(r"[\s-]+", words.lower()):
        if tok in ("and", ""):
            continue
        if tok == "a":
            current = max(current, 1)
            continue
        if tok in NUMBER_WORDS:
            current += NUMBER_WORDS[tok]
            seen = True
        elif tok in MAGNITUDES:
            mag = MAGNITUDES[tok]
            current = max(current, 1) * mag
            if mag >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_number(text: str) -> int | None:
    """Parse a plain number phrase ("29", "1,200", "twenty-nine", "a dozen"); None if vague."""
    count = parse_count(text)
    return count.value if count else None


def parse_count(text: str) -> Count | None:
    """Interpret one count phrase; None when the text holds no count at all.

    Exact numbers give ``value`` (qualifiers such as "at least" keep the number and set
    ``minimum`` too); vague amounts ("several", "dozens", "scores") give ``value=None`` and a
    conventional ``minimum`` (the seed annotation's convention: "several" -> 2).
    """
    m = NUMBER_RE.search(text)
    if not m:
        return None
    return count_from_match(m)


def count_from_match(m: re.Match[str]) -> Count | None:
    """Interpret a match of :data:`NUMBER_RE` (or a regex embedding :data:`NUMBER_PATTERN`)."""
    qual = (m.group("qual") or "").lower()
    digits = m.group("digits")
    words = m.group("words")
    vague = m.group("vague")
    value: int | None = None
    if digits:
        parts = digits.split()
        try:
            num = float(parts[0].replace(",", ""))
        except ValueError:
            return None
        if len(parts) > 1:
            num *= MAGNITUDES.get(parts[1].lower(), 1)
        value = int(num)
    elif words:
        value = _parse_words(words)
        if value is None:
            return None
    elif vague:
        return Count(None, VAGUE_AMOUNTS[re.sub(r"\s+", " ", vague.lower())])
    else:
        return None
    minimum = value if qual and QUALIFIER_MIN.get(re.sub(r"\s+", " ", qual)) else None
    return Count(value, minimum)

"""The date scanner's fast path (a candidate regex over the lowercased text) finds exactly what
trying _DATE_RE at every word of _FIRST_WORDS finds, whatever the casing and spacing."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from datetime import date

import pytest

from processors.dates import _date_matches, _date_matches_per_word, find_dates

# first words of date expressions, then what may follow them
_LEADS = """since until till by from before after between yesterday today this tonight last
overnight earlier on the one two three four five six seven a an early late in during may march
jan. sept. sep november monday tuesday's friday 5 22nd 31st 2024 2024-06-01 1999-13-40 123 ٣
ﬁve ſince thıs x said onmonday lastfriday""".split()
_FOLLOWS = """previous night day days week weeks weekend ago morning afternoon evening month of
the start monday sunday's may jan. 3 12th 2024 today this x""".split()
_SEPARATORS = [" ", "  ", ", ", ". ", ".", "\n", "-", "\t", "", " (", "'", " of ", "\u00a0"]


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int, dict[str, str | None]]]:
    return [(m.start(), m.end(), m.groupdict()) for m in matches]


def _random_text(rnd: random.Random) -> str:
    parts = []
    for _ in range(rnd.randint(1, 6)):
        for words in (_LEADS, _FOLLOWS):
            word = "".join(c.upper() if rnd.random() < 0.2 else c for c in rnd.choice(words))
            parts += [word, rnd.choice(_SEPARATORS)]
    return "".join(parts)


def _agree(text: str) -> int:
    fast = _spans(_date_matches(text))
    assert fast == _spans(_date_matches_per_word(text)), text
    return len(fast)


def test_fast_scan_finds_what_the_per_word_loop_finds() -> None:
    found = 0
    cases = [str.lower, str.upper, str.capitalize]
    for i, lead in enumerate(_LEADS):  # every pair, in three casings, with four separators
        for j, follow in enumerate(_FOLLOWS):
            case = cases[(i + j) % 3]
            for sep in (" ", "\n", ". ", ""):
                found += _agree(f"x {case(lead)}{sep}{follow} ago 12")
    rnd = random.Random(2024)
    for _ in range(2000):
        found += _agree(_random_text(rnd))
    assert found > 2000  # the generator does produce dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling hit the town ON MONDAY, officials said.", ["ON MONDAY"]),
        (
            "The raid came two Days ago, and on the previous day a strike.",
            ["two Days ago", "on the previous day"],
        ),
        (
            "It began in May 2024 and again on 22nd of November.",
            ["in May 2024", "22nd of November"],
        ),
        # letters IGNORECASE reads as "s" and "i": the per-word scan, and no crash on the weekday
        (
            "Since ſunday, nothing; since the start of Tuesday.",
            ["Since ſunday", "since the start of Tuesday"],
        ),
        ("Raids on FRİDAY, the weekend after Nov. 3", ["on FRİDAY", "the weekend", "after Nov. 3"]),
    ],
)
def test_dates_in_mixed_case_and_rare_letters(text: str, expected: list[str]) -> None:
    assert _spans(_date_matches(text)) == _spans(_date_matches_per_word(text))
    mentions = find_dates(text, date(2024, 12, 1))
    assert [text[d.start : d.end] for d in mentions] == expected

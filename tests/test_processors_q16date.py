"""Event dates the text gives and the rules missed (issue 18, dates round q16date).

General phrasing written for these tests; no sentence of the real evaluation data."""

from __future__ import annotations

from datetime import date

import pytest

from processors.rules import extract_from_text
from wirewatch.contracts import DATE_ASSUMED

MONDAY = date(2021, 3, 8)
WEDNESDAY = date(2021, 3, 10)


def _first(text: str, published: date):  # type: ignore[no-untyped-def]
    incidents = extract_from_text(text, published_at=published)
    assert incidents, text
    return incidents[0]


# --------------------------------------------------------------------------- a dated line


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # a headline with no date of its own, then a line that only labels a date and a place
        (
            "Air strikes hit villages in the eastern countryside\n"
            "March 6th 2021: (entry 12) Al Bustan village, north province",
            "2021-03-06",
        ),
        # a headline, then the dated title of the report it comes from
        (
            "Heavy shelling kills three farmers near the dam\nRegion Daily Report 07/03/2021",
            "2021-03-07",
        ),
        # a title over a story whose only date comes after the event sentence
        (
            "Gunmen killed four villagers near the market.\nMonitoring log, 5 March 2021.",
            "2021-03-05",
        ),
    ],
)
def test_a_dated_line_dates_the_events_that_name_no_day(text: str, day: str) -> None:
    inc = _first(text, WEDNESDAY)
    assert inc.date == day
    assert DATE_ASSUMED not in inc.warnings


@pytest.mark.parametrize(
    "text",
    [
        # a dated line after publication is its issue's date, not the event's
        "Shelling kills three farmers near the dam\nRegion Daily Report 11/03/2021",
        # a statement's day is no label of the text
        "Gunmen killed four villagers near the market.\n"
        "The governor said on 5 March 2021 it was sad.",
    ],
)
def test_no_label_date_from_a_later_issue_or_a_statement(text: str) -> None:
    inc = _first(text, WEDNESDAY)
    assert inc.date == WEDNESDAY.isoformat()
    assert DATE_ASSUMED in inc.warnings


def test_an_events_own_day_beats_a_dated_line() -> None:
    text = "Gunmen killed four villagers on Monday near the market\nRegion Daily Report 06/03/2021"
    assert _first(text, WEDNESDAY).date == MONDAY.isoformat()

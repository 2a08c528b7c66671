"""Event dates the text gives and the rules missed (issue 18, dates round q16date).

General phrasing written for these tests; no sentence of the real evaluation data."""

from __future__ import annotations

from datetime import date

import pytest

from processors.dates import find_dates
from processors.rules import _statement_dates, extract_from_text
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


def _assert_publication_day_assumed(text: str) -> None:
    """The incident of ``text`` (published on WEDNESDAY) takes the publication day, flagged as
    assumed: no day in the text is the event's."""
    inc = _first(text, WEDNESDAY)
    assert inc.date == WEDNESDAY.isoformat()
    assert DATE_ASSUMED in inc.warnings


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
    _assert_publication_day_assumed(text)


def test_an_events_own_day_beats_a_dated_line() -> None:
    text = "Gunmen killed four villagers on Monday near the market\nRegion Daily Report 06/03/2021"
    assert _first(text, WEDNESDAY).date == MONDAY.isoformat()


# --------------------------------------------------------------------------- a statement's day

SUNDAY = date(2021, 3, 7)


@pytest.mark.parametrize(
    "text",
    [
        # the reporting verb after its day
        "On Tuesday the army said its troops had killed 12 militants on Sunday.",
        "Police on Tuesday said gunmen had killed five villagers on Sunday night.",
        "On Tuesday, police said, gunmen killed five villagers in the town on Sunday.",
        # the reporting verb with its object or listener before the day
        "Officials told reporters on Tuesday that gunmen killed five villagers on Sunday.",
        "The group claimed responsibility on Tuesday for Sunday's bombing that killed 12 people.",
        "The ministry said in a statement issued on Tuesday that an air strike killed 8 on Sunday.",
        # the statement named by its day
        "The ministry said in a Tuesday statement that an air strike killed 8 fighters on Sunday.",
    ],
)
def test_a_statements_day_is_not_the_events(text: str) -> None:
    assert _first(text, WEDNESDAY).date == SUNDAY.isoformat()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # the event's own day before a later reporting verb stays the event's
        ("On Sunday gunmen killed five villagers in the town, police said on Tuesday.", SUNDAY),
        # a statement's day is still the best day a text without another one gives
        ("Gunmen killed five villagers in the town, police said on Tuesday.", date(2021, 3, 9)),
        # "said to be": no statement
        ("On Sunday gunmen said to be rebels killed five villagers.", SUNDAY),
        # an attack that claimed lives is no claim of responsibility
        ("On Sunday a car bomb claimed the lives of 12 people, police said on Tuesday.", SUNDAY),
    ],
)
def test_the_events_day_beside_a_statement_stays(text: str, day: date) -> None:
    assert _first(text, WEDNESDAY).date == day.isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "On Sunday, five soldiers were reported killed in an ambush, officials said on Tuesday.",
        "On Sunday three villagers were said to be missing, officials said on Tuesday.",
    ],
)
def test_reported_killed_is_no_statement(text: str) -> None:
    mentions = find_dates(text, WEDNESDAY)
    weak = _statement_dates(text, mentions)
    assert [m.start in weak for m in mentions] == [False, True]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # the event's day before the attribution that closes the sentence
        (
            "Troops shot dead 14 villagers in the district on March 5, a rights group said in a "
            "report that came out on Tuesday.",
            "03-05",
        ),
        (
            "Rebels overran the base on Sunday, its commander said in a video posted online "
            "on Tuesday.",
            "03-07",
        ),
        # the statement is the event: officers appeared on Sunday and said they had seized power
        (
            "Army officers appeared on television early on Sunday and said they had seized "
            "power, days after the president won Saturday's vote.",
            "03-07",
        ),
    ],
)
def test_the_events_day_before_an_attribution_stays(text: str, day: str) -> None:
    assert _first(text, WEDNESDAY).date == "2021-" + day


# --------------------------------------------------------------------------- names that are dates


@pytest.mark.parametrize(
    "text",
    [
        # streets, squares and neighbourhoods named after a date (common in Latin America)
        "Gunmen shot dead a shopkeeper on the avenue November 20 in the port city",
        "They kill a taxi driver in the colony October 2 of the state capital",
        "A man was murdered in the neighborhood of 16 September, police reported",
    ],
)
def test_a_place_named_after_a_date_is_no_date(text: str) -> None:
    _assert_publication_day_assumed(text)


def test_a_date_after_a_place_that_is_no_street_stays() -> None:
    text = "Gunmen killed five traders at the market March 5, police said."
    assert _first(text, WEDNESDAY).date == "2021-03-05"


# --------------------------------------------------------------------------- a background day


@pytest.mark.parametrize(
    "text",
    [
        # the day of an earlier event the report measures from, not this event's
        "Gunmen killed five villagers in the town, days after Sunday's attack on an army post.",
        "Gunmen killed five villagers in the town two days after a raid on Sunday left ten dead.",
        # an event the report compares this one with
        "Five people were killed when gunmen opened fire on a bus, in an attack that echoed a "
        "massacre on 12 February.",
    ],
)
def test_a_background_events_day_is_not_the_events(text: str) -> None:
    _assert_publication_day_assumed(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # the event's own day after a comma that closes the background clause
        ("Two days after the truce, on Sunday, gunmen killed five villagers.", SUNDAY),
        # "after" alone tells the event's cause, the same day
        ("Five villagers were killed after gunmen stormed the town on Sunday.", SUNDAY),
        # the event's own day before the background clause
        ("Gunmen killed five villagers on Sunday, days after a raid on 1 March.", SUNDAY),
    ],
)
def test_the_events_day_beside_a_background_clause_stays(text: str, day: date) -> None:
    assert _first(text, WEDNESDAY).date == day.isoformat()

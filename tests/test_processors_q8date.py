"""Event dates the text itself gives and the rules missed (issue 18, sixth round): numeric
day-first dates, a day named twice, weekend words, ranges, and dates after publication.

General phrasing written for these tests; no sentence of the real evaluation data."""

from __future__ import annotations

from datetime import date

import pytest

from processors.dates import _date_matches, _date_matches_per_word, find_dates
from processors.rules import extract_from_text

MONDAY = date(2021, 3, 8)
TUESDAY = date(2021, 3, 9)
SATURDAY = date(2021, 3, 13)


def _event_day(text: str, published: date) -> str | None:
    incidents = extract_from_text(text, published_at=published)
    assert incidents, text
    return incidents[0].date


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        # numeric dates, day first, with dots, slashes or hyphens
        ("Gunmen killed four villagers on 05/03/2021 near the market.", MONDAY, "2021-03-05"),
        ("Shelling killed two farmers in the valley, 6.3.2021.", MONDAY, "2021-03-06"),
        ("Field report 04-03-2021\nAn air strike killed five fighters.", MONDAY, "2021-03-04"),
        # month first only where day first is no date
        ("Police said gunmen shot dead a driver on 03/07/2021.", MONDAY, "2021-03-07"),
    ],
)
def test_numeric_day_month_year(text: str, published: date, day: str) -> None:
    assert _event_day(text, published) == day


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        # a report filed after midnight says "yesterday" of the day it names
        ("Shelling killed nine civilians yesterday, Tuesday, in the north.", TUESDAY, "2021-03-09"),
        ("Over 40 people were killed yesterday 07/03/2021 in the area.", TUESDAY, "2021-03-07"),
        ("Militants killed 12 soldiers on Friday 26/02/2021 in an ambush.", MONDAY, "2021-02-26"),
    ],
)
def test_a_day_named_twice_takes_the_exact_name(text: str, published: date, day: str) -> None:
    assert _event_day(text, published) == day


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        ("Rebels kill 12 soldiers in weekend clashes", MONDAY, "2021-03-07"),
        ("A Bloody Weekend in the port: seven people shot dead", MONDAY, "2021-03-07"),
        ("Troops killed six insurgents over weekend", TUESDAY, "2021-03-07"),
        ("Gunmen killed three people this weekend", SATURDAY, "2021-03-13"),
        ("Gunmen killed three people last weekend", SATURDAY, "2021-03-07"),
    ],
)
def test_weekend_words_date_the_sunday(text: str, published: date, day: str) -> None:
    assert _event_day(text, published) == day


def test_a_coming_weekend_is_no_event_day() -> None:
    assert find_dates("a curfew for next weekend and every weekend", MONDAY) == []
    assert [d.kind for d in find_dates("18 murders since weekend", MONDAY)] == ["since"]


@pytest.mark.parametrize(
    ("text", "published", "day"),
    [
        ("Clashes killed 20 fighters in the hills, 1-6 March 2021", MONDAY, "2021-03-01"),
        ("Gunmen shot dead four men between Friday and Saturday", MONDAY, "2021-03-05"),
        ("Fighting from Friday to Sunday killed 30 soldiers", MONDAY, "2021-03-05"),
    ],
)
def test_a_range_dates_its_first_day(text: str, published: date, day: str) -> None:
    assert _event_day(text, published) == day


def test_a_list_of_weekdays_is_no_apposition() -> None:
    found = find_dates("raids on Monday, Tuesday and Friday", TUESDAY)
    assert [d.date.isoformat() for d in found] == ["2021-03-08", "2021-03-09", "2021-03-05"]


@pytest.mark.parametrize(
    "text",
    [
        # a bulletin's issue date after the report's publication is no event day
        "Regional security memo: March 15, 2021\nGunmen killed three police officers",
        "Weekly update 15 March 2021\nAn explosion killed two soldiers",
    ],
)
def test_a_date_after_publication_is_no_event_day(text: str) -> None:
    assert _event_day(text, MONDAY) == "2021-03-08"
    assert [d.kind for d in find_dates(text, MONDAY)] == ["later"]


def test_new_forms_agree_with_the_per_word_scan() -> None:
    for text, count in (
        ("x 22/06/2016 y 5.3.2019 z 04-03-2021 1-6 April 3 to 5 May 2 and 3 June", 6),
        ("Weekend clashes over weekend, OVER WEEKEND; 12/13 score 3-1 win", 3),
        ("x on the 5th, THE 12th of this month; the 3rd floor, the 22nd", 3),
    ):
        fast = [(m.start(), m.end()) for m in _date_matches(text)]
        assert fast == [(m.start(), m.end()) for m in _date_matches_per_word(text)]
        assert len(fast) == count


@pytest.mark.parametrize(
    "text",
    [
        "A farmer is found dead after kidnappers abducted him 9 days ago",
        "Gunmen shot dead two hostages who were abducted 2 weeks ago",
        "Shelling killed a child, the first death since the ceasefire took hold 6 days ago",
        "Militants behead a trader after abducting him yesterday",
        "Gunmen kill two herders who were kidnapped on Sunday",
    ],
)
def test_a_relative_day_of_an_earlier_event_is_no_event_day(text: str) -> None:
    assert _event_day(text, TUESDAY) == "2021-03-09"


def test_a_relative_day_of_the_event_itself_dates_it() -> None:
    assert _event_day("Gunmen killed two soldiers three days ago", TUESDAY) == "2021-03-06"
    assert _event_day("Gunmen abducted 20 passengers on Sunday", TUESDAY) == "2021-03-07"
    text = "The worst attack since 2015 killed 20 people two days ago"
    assert _event_day(text, TUESDAY) == "2021-03-07"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Gunmen killed a teacher on the 5th, police said", "2021-03-05"),
        ("Gunmen killed a teacher on the 12th of this month", "2021-02-12"),
        ("Clashes killed 8 on the eve of March 7", "2021-03-06"),
        ("Bombing killed 11 on the eve of Sunday's vote", "2021-03-06"),
    ],
)
def test_day_of_month_alone_and_the_eve(text: str, day: str) -> None:
    assert _event_day(text, TUESDAY) == day


def test_an_ordinal_that_is_no_day_of_month() -> None:
    assert find_dates("shelling on the 5th day of the truce, on the 3rd floor", TUESDAY) == []


@pytest.mark.parametrize(
    "text",
    [
        "Talks resume next Monday. Gunmen killed five villagers in the hills.",
        "Gunmen killed five villagers ahead of local elections Sunday",
    ],
)
def test_a_weekday_still_to_come_is_no_event_day(text: str) -> None:
    assert _event_day(text, TUESDAY) == "2021-03-09"

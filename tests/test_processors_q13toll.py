"""Revised tolls in follow-up reports (issues 14 and 18): a report that the toll rose carries the
new toll, a stated total beats the increment that led to it, and the strike's own day beats the
day the toll was counted.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import PUB
from tests.processors_support import first_incident as _one


@pytest.mark.parametrize(
    "text",
    [
        # a toll noun, a phrase about the event, then the verb of the rise
        "A drone struck a wedding party near Marib on Sunday. The toll from the strike rose to 29.",
        "The number of dead in Sunday's air strike on a wedding party near Marib reached 29.",
        "The number of killed in the shelling of a bus station in Donetsk climbed to 29.",
        "The casualty toll of the car bombing in Mogadishu jumped to 29, a doctor said.",
        # a toll that stands at a figure
        "The toll of the suicide bombing at a mosque in Peshawar now stands at 29.",
        "The death toll of the ambush on a convoy near Gao stood at 29 on Thursday.",
        "The number of victims of the blast at a checkpoint in Kandahar has increased to 29.",
    ],
)
def test_a_toll_that_rose_or_stands_is_the_events_toll(text: str) -> None:
    assert _one(text).fatalities == 29


@pytest.mark.parametrize(
    "text",
    [
        # the increment is counted, then the total: the total is the event's toll
        "Rescuers pulled 12 more bodies from the ruins of the market hit by an air strike in "
        "Saada, raising the toll to 29.",
        "Three more victims of the bombing of a bus in Quetta died of their wounds, bringing the "
        "toll to 29.",
        "Two wounded soldiers died in hospital after the ambush near Menaka, taking the death "
        "toll to 29.",
        # the first report's toll, then a later sentence's total
        "An air strike killed 17 people at a market in Saada on Monday. Rescuers found 12 more "
        "bodies on Tuesday, bringing the death toll to 29.",
    ],
)
def test_a_stated_total_beats_the_increment(text: str) -> None:
    assert _one(text).fatalities == 29


@pytest.mark.parametrize(
    "text",
    [
        # "<weekday>'s <event noun>"
        "The toll climbed to 29 on Wednesday after Monday's air strike on a market in Saada.",
        # "the <event noun> on <weekday>"
        "The death toll rose to 29 on Wednesday after the air strike on Monday on a market in "
        "Saada.",
    ],
)
def test_the_strikes_day_beats_the_day_of_the_count(text: str) -> None:
    inc = _one(text)
    assert (inc.fatalities, inc.date) == (29, "2024-05-06")


def test_a_count_day_alone_still_dates_the_report() -> None:
    # no other day named: the day of the count is the only date the text gives
    inc = _one("The death toll from the bombing of a bus in Quetta rose to 29 on Wednesday.")
    assert (inc.fatalities, inc.date) == (29, "2024-05-08")


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        # a toll of another event named in the background
        (
            "A bomb killed 5 people at a bus stop in Kabul on Tuesday. Last year's attack on the "
            "same bus stop killed 40.",
            5,
        ),
        # a toll that may rise is no toll
        (
            "A bomb killed 5 people at a bus stop in Kabul on Tuesday. Doctors said the toll "
            "could rise to 100.",
            5,
        ),
        ("A bomb exploded at a bus stop in Kabul on Tuesday; the toll may rise to 100.", None),
        # the earlier figure of a rise is not the toll
        ("The death toll from the bombing of a bus stop in Kabul rose to 29 from 12.", 29),
        # percentages and economic figures
        (
            "A bomb killed 5 people at a bus stop in Kabul on Tuesday. Unemployment rose to 12.",
            5,
        ),
        (
            "A bomb killed 5 people at a bus stop in Kabul on Tuesday. Inflation climbed to 29 "
            "percent.",
            5,
        ),
        # an actor's toll over many events and a toll over a span are not this event's
        (
            "A coalition air strike killed 11 people in Saada on Monday, raising its civilian "
            "death toll to 317.",
            11,
        ),
        (
            "A bomb killed 5 people at a bus stop in Kabul on Tuesday, bringing the toll of "
            "attacks in the city this month to 40.",
            5,
        ),
        # a monitor's running count after the event's own: the event's count stays
        (
            "Warplanes kill 9 civilians in a village near Maarat al-Numan and raise the death "
            "toll to 140 in four days of bombardment",
            9,
        ),
        ("Rocket fire kills a shepherd near Kafr Nabl, raising the death toll to 312", 1),
    ],
)
def test_tolls_that_are_not_this_events(text: str, fatalities: int | None) -> None:
    incidents = extract_from_text(text, PUB)
    assert incidents, text
    assert incidents[0].fatalities == fatalities


def test_a_toll_of_an_event_in_another_place_stays_its_own() -> None:
    # a follow-up toll sentence details the event told before only when it names no place
    incidents = extract_from_text(
        "An air strike killed 17 people at a market in Saada on Monday. The toll from a car "
        "bombing in Taiz on Tuesday rose to 9.",
        PUB,
    )
    assert [(i.fatalities, i.date) for i in incidents] == [(17, "2024-05-06"), (9, "2024-05-07")]

"""Twelfth round (q14left): false incidents and the leftovers of the eleventh round. A subscriber
counts every incident we emit, so a text that reports no new event must give none. Each class
has a case that failed on main before its fix, and negatives against over-reach.

Every sentence here was written for this file in the style of wire leads, bulletins and
headlines; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import first_incident

PUB = "2024-05-10"


# ------------------------------------------------------------------ statistics of a period


@pytest.mark.parametrize(
    "text",
    [
        "Murders in Monterrey dropped by a third last year, state prosecutors said",
        "Homicides rose by a quarter in Acapulco, according to official figures",
        "Femicides in Puebla increased 12 percent in the first half of the year",
        "The number of homicides in Chihuahua fell 18 percent in 2023",
    ],
)
def test_a_change_in_a_periods_count_of_killings_is_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # a toll that rises by a number is an event's, not a statistic
        ("Gunmen shot dead two brothers in Culiacan on Tuesday", 2),
        ("Three murders in Tijuana overnight, police said", 3),
    ],
)
def test_a_nights_killings_stay_an_incident(text: str, killed: int) -> None:
    inc = first_incident(text, PUB)
    assert inc.fatalities == killed


# ------------------------------------------------------------------ reactions and statements


def test_a_condemnation_of_a_told_attack_adds_no_incident_nor_its_place() -> None:
    text = (
        "Bandits killed seven farmers in Katsina state on Sunday. "
        "On Tuesday the president, speaking in Abuja, condemned the attack."
    )
    incs = extract_from_text(text, PUB)
    assert len(incs) == 1
    assert incs[0].fatalities == 7
    assert incs[0].location is not None and incs[0].location.name != "Abuja"


def test_a_denunciation_in_another_city_does_not_move_the_event() -> None:
    text = (
        "Militiamen raided a village in Ituri, killing 14 civilians. "
        "The UN mission in Kinshasa denounced the massacre."
    )
    incs = extract_from_text(text, PUB)
    assert len(incs) == 1
    assert incs[0].fatalities == 14
    assert incs[0].location is not None and incs[0].location.name != "Kinshasa"


def test_an_attack_with_a_condemnation_in_the_next_sentence_keeps_its_toll() -> None:
    text = (
        "A suicide bomber killed 11 people at a market in Maiduguri. "
        "The governor condemned the bombing and ordered an inquiry."
    )
    incs = extract_from_text(text, PUB)
    assert len(incs) == 1
    assert incs[0].sub_event_type == "Suicide bomb"
    assert incs[0].fatalities == 11


def test_a_condemnation_of_an_untold_attack_still_reports_that_attack() -> None:
    # a careful analyst reads "condemned the attack on a police post in X" as news that an
    # attack on that post happened: with no other telling in the text it is the incident
    inc = first_incident("The interior minister condemned the attack on a police post in Kandahar")
    assert inc.location is not None and inc.location.name == "Kandahar"

"""Eleventh round (q13none): real reports that gave no incident at all. Each fix class has a case
that failed before its fix, and negatives against over-reach.

Every sentence here was written for this file in the style of wire headlines; none is taken
from the evaluation records."""

from __future__ import annotations

import pytest

from processors.language import detect_language
from processors.rules import extract_from_text
from tests.processors_support import first_incident

PUB = "2024-05-01"


# --------------------------------------------------------------------------- Spanish headlines


@pytest.mark.parametrize(
    "text",
    [
        # the Spanish "a" twice in a short headline is no English function word
        "Matan a dos hombres a balazos en Tlaquepaque",
        "Asesinan a balazos a tres taxistas en Celaya, Guanajuato",
        "Ejecutan a tiros a comerciante en Zamora",
    ],
)
def test_a_short_spanish_headline_with_two_a_is_spanish(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("Matan a dos hombres a balazos en Tlaquepaque", 2),
        ("Asesinan a balazos a tres taxistas en Celaya, Guanajuato", 3),
    ],
)
def test_a_short_spanish_killing_headline_is_an_incident(text: str, killed: int) -> None:
    inc = first_incident(text, PUB)
    assert inc.sub_event_type == "Attack"
    assert inc.fatalities == killed


@pytest.mark.parametrize(
    "text",
    [
        # English headlines with "a" stay English
        "Gunmen kill a man and a boy at a market in Lagos",
        "A soldier was killed in a raid on a village near Gao",
        "Police arrest a suspect after a shooting in a bar",
    ],
)
def test_english_headlines_with_a_stay_english(text: str) -> None:
    assert detect_language(text) == "en"


# --------------------------------------------------------------------------- over-reach


@pytest.mark.parametrize(
    "text",
    [
        # a threat, a warning, an anniversary, a trial of a past killing, a statistic
        "Cartel threatens to kill journalists in Tijuana",
        "Army puts its units on alert in Kachin State after rebel threats",
        "Town marks tenth anniversary of the massacre in Acteal",
        "Court opens trial of soldiers accused of killing farmers in 2019",
    ],
)
def test_no_event_told_is_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.xfail(strict=True, reason="not fixed: a year's fall in homicides read as a killing")
def test_a_years_homicide_statistic_is_no_incident() -> None:
    text = "Homicides fell by a fifth in Ciudad Juárez last year, the mayor's office said"
    assert extract_from_text(text, PUB) == []

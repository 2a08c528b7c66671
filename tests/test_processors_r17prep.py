"""Review of the background round (r17prep): phrasings q17prep's tests did not try.

A birth day told inside the event's own sentence is no day of the event; "there's" is as
existential as "there is" and refers to no place. General phrasing written for these tests; no
sentence of the real evaluation data."""

from __future__ import annotations

from datetime import date

import pytest

from processors.rules import extract_from_text
from wirewatch.contracts import DATE_ASSUMED, Incident

WEDNESDAY = date(2021, 3, 10)
MONDAY = "2021-03-08"


def _violent(text: str) -> Incident:
    """The incident of ``text`` that tells a killing."""
    incidents = extract_from_text(text, published_at=WEDNESDAY)
    violent = [i for i in incidents if i.event_type != "Strategic developments"]
    assert violent, [(i.sub_event_type, i.date, i.fatalities) for i in incidents]
    return violent[0]


# --------------------------------------------------------------------------- a birth day


@pytest.mark.parametrize(
    "text",
    [
        "The mayor, who was born on 3 May 1980, was shot dead on Monday.",
        "El periodista, quien nació el 3 de mayo de 1980, fue asesinado el lunes por hombres "
        "armados.",
    ],
)
def test_a_birth_day_in_the_event_s_sentence_is_not_its_day(text: str) -> None:
    assert _violent(text).date == MONDAY


@pytest.mark.parametrize(
    "text",
    [
        "The mayor, who was born on 3 May 1980, was shot dead by gunmen.",
        "Born on 3 May 1980, the mayor was shot dead by gunmen.",
        "Nacido el 3 de mayo de 1980, el alcalde fue asesinado por hombres armados.",
    ],
)
def test_an_event_whose_sentence_names_only_a_birth_day_takes_the_publication_day(
    text: str,
) -> None:
    inc = _violent(text)
    assert inc.date == WEDNESDAY.isoformat()
    assert DATE_ASSUMED in inc.warnings


def test_a_born_clause_that_is_no_birth_day_keeps_the_day() -> None:
    # "born" with a place, not a day, after it: the sentence's own day is the event's
    inc = _violent("A soldier born in Kandahar was killed by gunmen on 8 March 2021.")
    assert inc.date == MONDAY


# --------------------------------------------------------------------------- "there's"


@pytest.mark.parametrize(
    "there",
    [
        "There's been no claim of responsibility for the attack in which",
        "There’s no word yet on the attack in which",
        "There appears to be no claim for the attack in which",
    ],
)
def test_an_existential_there_takes_no_place_from_a_background_sentence(there: str) -> None:
    inc = _violent(
        f"The peace deal was signed on 12 February 2021 in Doha. {there} gunmen killed four "
        "soldiers."
    )
    assert inc.location is None or inc.location.name != "Doha"


def test_there_after_a_background_sentence_still_takes_its_place() -> None:
    inc = _violent(
        "The peace deal was signed on 12 February 2021 in Doha. Officials there said gunmen "
        "killed four soldiers."
    )
    assert inc.location is not None and inc.location.name == "Doha"


# --------------------------------------------------------------------------- a birthplace


@pytest.mark.parametrize(
    "text",
    [
        "The mayor, who was born in Culiacán, was shot dead in Mazatlán on Monday.",
        "Born in Culiacán, the mayor was shot dead by gunmen in Mazatlán on Monday.",
        "El alcalde, quien nació en Culiacán, fue asesinado en Mazatlán el lunes.",
    ],
)
def test_a_birthplace_in_the_event_s_sentence_is_not_its_place(text: str) -> None:
    inc = _violent(text)
    assert inc.location is not None and inc.location.name == "Mazatlán"


def test_there_refers_back_not_to_the_background_sentence_after_it() -> None:
    inc = _violent(
        "Gunmen killed four soldiers there on Monday. The peace deal was signed in Doha last year."
    )
    assert inc.location is None or inc.location.name != "Doha"


# --------------------------------------------------------------------------- a day is no toll


@pytest.mark.parametrize(
    "text",
    [
        "Monday marked ten years since the massacre of 12 March 2011. Gunmen killed two farmers "
        "near Bama.",
        "Gunmen killed two farmers near Bama. The massacre of 12 March 2011 is remembered.",
    ],
)
def test_the_day_of_a_past_massacre_is_no_toll(text: str) -> None:
    assert [i.fatalities for i in extract_from_text(text, published_at=WEDNESDAY)] == [2]

"""Eleventh round, review (r13rules): over-reach and under-reach of the q13none and q13place
rules, the way a subscriber meets them. Each defect has a case that failed on main before its
fix, and the wordings the new rules must keep.

Every sentence here was written for this file in the style of wire leads, bulletins and
headlines; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import first_incident, first_location

PUB = "2024-05-10"


# ------------------------------------------------------- fighting words outside a fight (q13none)


@pytest.mark.parametrize(
    "text",
    [
        # a counterattack in sport or in court
        "The team's counterattack produced the winning goal in Madrid",
        "Real Madrid scored on the counterattack in the 89th minute",
        "The company launched a legal counterattack against its rival in Lagos",
        # an engagement that is an appointment
        "The president had an engagement with the press on Monday in Kabul",
        "The minister has a speaking engagement with students in Nairobi",
        # an offensive of words against an armed side
        "The army launched a media offensive against the rebels' propaganda",
        "The government launched a diplomatic offensive against the rebels in the capital",
        # an armed side's losses at the polls, on the market, on the pitch
        "Government forces suffered heavy losses in the election count, the commission said",
        "The military regime suffered heavy losses on the stock market after the sanctions",
        "Army suffers heavy losses in the cup final against Navy",
        # places that fall to water, seats that fall to a party
        "Villages fall to floodwaters as the river rises in Bangladesh",
        "Town council posts fall to the opposition in local elections",
    ],
)
def test_fighting_words_outside_a_fight_are_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        "A counterattack by the Islamic State killed 12 soldiers near Deir ez-Zor",
        "Rebels launched a counterattack on army positions near Myawaddy",
        "Government troops counterattacked near Bakhmut on Tuesday",
        "Ukrainian forces repelled a Russian counterattack near Robotyne",
        "The army had a brief engagement with militants near Wana",
        "The army launched an offensive against the rebels in North Kivu on Monday",
        "Rebels launched a counteroffensive against the army in Rakhine State",
        "The junta suffers heavy losses in fighting with the resistance in Sagaing",
        "Myanmar military suffers heavy losses in Kayah State, rebels say",
        "Three junta outposts fall to the resistance in Kayah State",
    ],
)
def test_fighting_words_in_a_fight_stay_an_armed_clash_or_a_capture(text: str) -> None:
    inc = first_incident(text, PUB)
    assert inc.event_type == "Battles", inc.sub_event_type


# --------------------------------------------------------- an Arabic place name's head (q13place)


def test_an_arabic_head_does_not_keep_a_small_namesake_in_another_arabic_country() -> None:
    # Ras al-Ain beside Tal Abyad is the Syrian border town, not a village near Casablanca: the
    # Arabic-name countries decide between towns only when the article's countries did not
    loc = first_location("A bomb in Ras al-Ain and Tal Abyad kills 5.")
    assert loc.country_iso3 == "SYR", loc

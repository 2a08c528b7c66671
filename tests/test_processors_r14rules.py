"""Twelfth round, review (r14rules): the q14left rules read as a subscriber meets them. Each
defect has a case that failed on main `6a86896` before its fix; the negatives guard the rules
against over-reach.

Every sentence here was written for this file in the style of wire leads, bulletins and
headlines; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import PUB, first_incident

# ------------------------------------------------------------------ statistics of a period


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # a statistic in the clause after the event ("homicides" as its subject) is no reason to
        # drop the event told before it
        (
            "Gunmen murdered five people in Chilapa, Guerrero, on Thursday; homicides in the "
            "state this year reach 300.",
            5,
        ),
        (
            "Gunmen killed eight people at a bar in Celaya on Saturday, police said, as "
            "homicides in the city have doubled this year.",
            8,
        ),
        # a headline's day of killings before its year's tally
        ("Four Executed in Celaya, One Decapitated in Irapuato; 131 Murders This Year", 5),
        ("Gunmen kill four in Celaya, 131 murders so far this year in Guanajuato", 4),
    ],
)
def test_an_event_before_a_homicide_statistic_keeps_its_incident(text: str, killed: int) -> None:
    inc = first_incident(text)
    assert inc.fatalities == killed


@pytest.mark.parametrize(
    "text",
    [
        "Homicides in Guerrero fell by a fifth in the first four months of the year.",
        "In Zacatecas, murders rose by a third this year, the state prosecutor said.",
        "Murders in Baltimore halved last year.",
        "In Guanajuato, 131 murders so far this year",
    ],
)
def test_a_homicide_statistic_alone_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


# ------------------------------------------------------------- killers that are no armed party


@pytest.mark.parametrize(
    "text",
    [
        # "booby-trapped" is one weapon word, not "booby" and "trapped"
        "A booby-trapped car killed six people in Idlib on Monday.",
        "A truck bomb killed 15 people in Mogadishu on Saturday.",
        "Bandits riding motorcycles killed 20 villagers in Zamfara state on Sunday.",
    ],
)
def test_an_armed_vehicle_as_killer_stays_an_attack(text: str) -> None:
    inc = first_incident(text)
    assert inc.fatalities is not None and inc.fatalities >= 6


# ------------------------------------------------------------------ reactions and statements


def test_a_reaction_that_names_the_attacks_place_lends_it() -> None:
    # the place is in the object of the reaction ("the attack on the base in Damboa"): it is the
    # event's, not the statement's
    text = (
        "Suspected militants killed nine soldiers on Sunday, the army said. "
        "The governor of Borno condemned the attack on the army base in Damboa."
    )
    incs = extract_from_text(text, PUB)
    assert len(incs) == 1
    assert incs[0].location is not None and incs[0].location.name == "Damboa"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Bandits killed seven farmers in Katsina state on Sunday. The UN condemned the "
            "attack, hours after gunmen abducted 20 students in Kebbi.",
            marks=pytest.mark.xfail(
                strict=True,
                reason="one segment holds the reaction and the new event; reading the new event "
                "alone needs the segment split after the reaction's object (left: the told "
                "event is kept, the abduction lost, as on main)",
            ),
        ),
        "Bandits killed seven farmers in Katsina state on Sunday. The UN condemned the attack; "
        "separately, gunmen abducted 20 students in Kebbi.",
    ],
)
def test_a_new_event_in_a_reaction_sentence_is_still_told(text: str) -> None:
    incs = extract_from_text(text, PUB)
    assert [i.location.name if i.location else None for i in incs] == ["Katsina", "Kebbi"]
    assert incs[1].sub_event_type == "Abduction/forced disappearance"


# ------------------------------------------------------------- "the state of X" as the region


@pytest.mark.parametrize(
    "text",
    [
        # the capital's gazetteer name is longer ("Victoria de Durango", "Santiago de
        # Querétaro"): the state is the region named as written
        "Gunmen killed six people in the state of Durango on Monday.",
        "Hombres armados asesinaron a seis personas en el estado de Durango el lunes.",
        "Gunmen killed six people in the state of Querétaro on Monday.",
        # the state's name is longer than its town's ("Rio Grande"): the state, at its point
        "Police killed three men in the southern state of Rio Grande do Sul on Monday.",
    ],
)
def test_the_state_of_a_name_its_capital_shares_is_the_region(text: str) -> None:
    loc = first_incident(text).location
    assert loc is not None and loc.precision == "admin1"


def test_the_city_of_a_states_name_stays_the_city() -> None:
    loc = first_incident("Gunmen killed six people in the city of Durango on Monday.").location
    assert loc is not None and loc.precision == "town"


# --------------------------------------------------- a natural force as killer is a disaster


@pytest.mark.parametrize(
    "text",
    [
        # as "Floods killed 20" is: the force that kills is the disaster, not nothing
        "Floodwaters kill 12 in Kenya's Tana River county.",
        "Heavy rains killed 14 people in Kinshasa on Monday.",
        "Floods killed 20 people in Kenya's Tana River county on Monday.",
    ],
)
def test_a_natural_force_that_kills_is_a_natural_disaster(text: str) -> None:
    inc = first_incident(text)
    assert inc.event_type == "Disasters"
    assert inc.fatalities is not None and inc.fatalities >= 12


@pytest.mark.parametrize(
    "text",
    [
        "Heavy rains in Ivory Coast lifted hopes for the cocoa crop, traders said on Monday.",
        "Floodwaters receded from villages near Kisumu on Tuesday.",
    ],
)
def test_rains_and_floodwaters_that_kill_no_one_are_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


# ------------------------------------------------------------------ captures and markets


@pytest.mark.parametrize(
    "text",
    [
        # a market's fall is no capture, but the capture told with it stays one
        "Shares fell to a record low as rebels captured the port of Mocimboa da Praia.",
        "Insurgents seized the strategic port town of Mocimboa da Praia on Wednesday.",
    ],
)
def test_a_port_captured_is_territory_taken(text: str) -> None:
    inc = first_incident(text)
    assert inc.sub_event_type == "Non-state actor overtakes territory"
    assert inc.location is not None and inc.location.name == "Mocimboa da Praia"


def test_a_drug_seizure_at_a_port_is_no_capture() -> None:
    text = "Customs officers seized two tonnes of cocaine at the port of Durban on Monday."
    assert all(
        i.sub_event_type != "Non-state actor overtakes territory"
        for i in extract_from_text(text, PUB)
    )


# -------------------------------------------------------- statistics of a period, in Spanish


@pytest.mark.parametrize(
    "text",
    [
        "Los feminicidios se duplicaron en Veracruz este año.",
        "Los homicidios en Zacatecas se redujeron a la mitad en 2023, dijo la fiscalía.",
        "Los asesinatos en Colima cayeron una quinta parte en el último año.",
    ],
)
def test_a_spanish_statistic_that_doubles_or_halves_is_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


def test_a_spanish_event_before_a_doubled_statistic_keeps_its_incident() -> None:
    text = (
        "Hombres armados asesinaron a cinco personas en Chilapa el jueves; "
        "los homicidios en Guerrero se duplicaron este año."
    )
    assert first_incident(text).fatalities == 5

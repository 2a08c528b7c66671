"""Issue 18 classes of round q19agg: a range word that belongs to another clause than the
statistic's, and a coordinated list of victims before a passive kill verb.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors import spanish
from processors.classify import is_aggregate
from processors.rules import extract_from_text
from tests.processors_support import PUB, first_incident


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        # a reduced relative clause whose verb the range word dates
        (
            "The truce agreed last year broke down when militants ambushed a convoy and killed "
            "three police officers near Mosul on Friday.",
            3,
        ),
        # a relative clause between commas
        (
            "The peace deal, which was signed last year, collapsed as rebels attacked an army post "
            "in the hills and killed five soldiers on Tuesday.",
            5,
        ),
        # a fronted range word whose clause counts nothing
        (
            "Last year, the local council banned the militia; on Sunday its fighters shot dead two "
            "councillors in the town square.",
            2,
        ),
        # "since" dating another verb
        (
            "The governor, in office since 2019, was wounded and two of his guards were killed "
            "when a bomb hit his car on Wednesday.",
            2,
        ),
    ],
)
def test_a_range_word_of_another_clause_keeps_the_event(text: str, dead: int) -> None:
    # the deal itself may be an incident of its own: the attack's toll is the one asked for
    assert not is_aggregate(text, False)
    assert dead in [inc.fatalities for inc in extract_from_text(text, PUB)]


@pytest.mark.parametrize(
    "text",
    [
        "47 people have been killed in the province this year, officials said.",
        "There have been 66 attacks on health workers since 17 October.",
        "Since January, more than 200 civilians have been killed in the region.",
        "So far this year, roadside bombs have killed 130 people in the district.",
        "Violence has surged this year, with more than 300 killed in the north.",
        "The war has killed half a million people since 2011, the monitor said.",
        "Militants have carried out more than 40 attacks in the past two months.",
        # the range after a list that ends the counted noun phrase
        "The count rose to 300, the number of casualties of the army, the rebels, and their "
        "allies since the beginning of the offensive.",
        "The toll rose to 52, the number of civilians killed by the militia, its allies, and "
        "hired gunmen since the start of the campaign.",
    ],
)
def test_statistics_whose_range_qualifies_their_count_stay_statistics(text: str) -> None:
    assert is_aggregate(text, False)
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        ("Se registran tres muertos en el enfrentamiento entre sicarios y policías en Celaya.", 3),
        ("Suman cuatro muertos en el ataque armado contra un bar de Irapuato.", 4),
    ],
)
def test_spanish_toll_of_a_named_event_is_no_running_total(text: str, dead: int) -> None:
    assert not spanish.is_aggregate(text, False)
    assert first_incident(text).fatalities == dead


@pytest.mark.parametrize(
    "text",
    [
        "Suman 530 homicidios en el estado en lo que va del año.",
        "Ya van 11 ejecuciones en el mes en la capital del estado.",
        "Se registran 40 homicidios en la entidad.",
    ],
)
def test_spanish_running_totals_stay_statistics(text: str) -> None:
    assert spanish.is_aggregate(text, False)


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        ("The judge, her son and three bodyguards were shot dead on the highway on Monday.", 5),
        ("A farmer, a teacher and two students were killed when gunmen stormed the school.", 4),
        ("Two soldiers, a policeman and three civilians were killed in the ambush.", 6),
        (
            "The governor, his brother, a bodyguard and two police officers were killed in the "
            "blast on Friday.",
            5,
        ),
    ],
)
def test_every_item_of_a_victim_list_before_the_verb_is_counted(text: str, dead: int) -> None:
    assert first_incident(text).fatalities == dead


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        # a place before the list is no victim
        ("In the capital, the mayor and two guards were killed in an ambush on Monday.", 3),
        # a partitive before the list: the part is counted, not the whole
        ("Of the victims, the mayor and two guards were killed in the ambush.", 3),
    ],
)
def test_what_is_not_a_list_item_is_not_counted(text: str, dead: int) -> None:
    assert first_incident(text).fatalities == dead


@pytest.mark.parametrize(
    "text",
    [
        # a war-wide toll is a statistic, an aside between its subject and verb included (the
        # range "since 2011" qualifies the aside's verb, not the count)
        "The conflict, which has raged since 2011, has killed over 300,000 people.",
        "The war, now in its tenth year, has killed more than 350,000 people.",
        "The insurgency has killed more than 2,000 people since 2017.",
    ],
)
def test_a_war_wide_toll_with_an_aside_is_a_statistic(text: str) -> None:
    assert is_aggregate(text, False)
    assert extract_from_text(text, PUB, doc_id="war") == []

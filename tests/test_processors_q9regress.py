"""Issue 18, seventh round: hand-written reports that gave an incident before the 0.3.4 guard
"a death with no violent word is no incident" and none after it. One test per general class,
each with sentences that must stay without an incident (what the guard was written for).

Every sentence here was written for this file from the general description of a class; none is
taken from the labelled sets or the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import PUB
from tests.processors_support import first_incident as _one


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        # a toll told with the word for the disorder only ("unrest", "turmoil", "disorder")
        ("Officials say three dead in Kalay unrest after the disputed vote", 3),
        ("Five dead in post-election turmoil in the capital, police say", 5),
        ("Two people died in the civil disorder that followed the match in Bara on Sunday", 2),
        ("At least four deaths reported after a night of unrest in the northern districts", 4),
    ],
)
def test_a_toll_in_unrest_is_an_incident(text: str, fatalities: int) -> None:
    assert _one(text).fatalities == fatalities


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        # translated reports: "combats between A and B" is fighting between two armed sides
        (
            "Combats between the army and a rebel faction near Kalay left six fighters dead on "
            "Monday",
            6,
        ),
        ("Heavy combat between two militias in the hills killed at least eight men", 8),
        (
            "Combats between the army and dissidents in the rural zone of Kala left at least "
            "five dead and displaced some 200 families",
            5,
        ),
        (
            "The governor raised to nine the number of deaths left by the combats between the "
            "two armed groups in the rural area of Bara",
            9,
        ),
    ],
)
def test_combats_between_sides_are_an_armed_clash(text: str, fatalities: int) -> None:
    inc = _one(text)
    assert (inc.sub_event_type, inc.fatalities) == ("Armed clash", fatalities)


@pytest.mark.parametrize(
    "text",
    [
        # a raised toll names the number of the dead of an event told in the same sentence
        "The prosecutor raised to eleven the number of deaths left by the unrest in Bara",
        "The ministry raised to 14 the number of people dead in the riots of last week in Kala",
    ],
)
def test_a_raised_toll_counts(text: str) -> None:
    assert _one(text).fatalities in (11, 14)


@pytest.mark.parametrize(
    "text",
    [
        (
            "Hundreds of youths gathered in several districts of Kalay on Monday to contest the "
            "count, and the security forces intervened with gas."
        ),
        "Police dispersed the crowd with tear gas outside the electoral commission in Bara.",
        "Gendarmes fired tear gas against residents who had gathered at the town hall of Kala.",
    ],
)
def test_gas_used_on_a_gathering_is_a_protest_with_intervention(text: str) -> None:
    inc = _one(text)
    assert (inc.event_type, inc.sub_event_type) == ("Protests", "Protest with intervention")


@pytest.mark.parametrize(
    "text",
    [
        # what the 0.3.4 guard was written for: a death with no violence stays no incident
        "The informer died.",
        "An old man died in his sleep in Leon",
        "The former minister died on Monday after a long illness",
        # "combat" as a figure of speech, "unrest" with no death of it
        "Two people died of the fever, health officials said, as they stepped up the combat "
        "against the outbreak",
        "Gas prices rose again, and traders warned of unrest",
        "The singer died at 80 of a rare blood disorder, her family said",
        "A chemical plant worker died after inhaling gas in Kala",
    ],
)
def test_a_death_without_violence_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    ("text", "injured"),
    [
        # officers hurt in a disorder told with that word only
        ("Four officers were taken to hospital after disorder in the centre of Bara on Friday", 4),
        ("Three officers taken to hospital after violent disorder outside a hotel in Kala", 3),
    ],
)
def test_officers_hurt_in_disorder_are_a_riot(text: str, injured: int) -> None:
    inc = _one(text)
    assert (inc.sub_event_type, inc.injured) == ("Violent demonstration", injured)


@pytest.mark.parametrize(
    "text",
    [
        "President Kaba fled the country as rebels entered the capital",
        "The ousted leader has fled abroad, officials said on Monday",
        "The rebels formed a rival government in the northern town of Kalay",
        "The junta announced a transitional government on Monday",
    ],
)
def test_a_ruler_fleeing_or_a_rival_government_is_a_strategic_development(text: str) -> None:
    inc = _one(text)
    assert (inc.event_type, inc.sub_event_type) == ("Strategic developments", "Other")


@pytest.mark.parametrize(
    "text",
    [
        "She was treated for an eating disorder at a clinic in Bara",
        "The coalition formed a government three weeks after the election",
        "The king fled to his summer palace to escape the heat, the court said",
    ],
)
def test_disorder_and_government_words_without_an_event_stay_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # tear gas with another riot-control means before its target
        (
            "Police fired tear gas and rubber bullets at hundreds of dock workers who blocked "
            "the port road in Bara on Monday to demand their pay",
            "Protest with intervention",
        ),
        # a crowd gathered somewhere for a cause, told without the word "protest"
        (
            "Thousands of people gathered on Sunday in the main square of Kalay to support the "
            "military government, waving flags",
            "Peaceful protest",
        ),
        (
            "Students gathered at the gates of the university in Bara yesterday to reject the "
            "new fees",
            "Peaceful protest",
        ),
    ],
)
def test_a_gathering_for_a_cause_is_a_protest(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        "Investigators gathered evidence for months to support the charges",
        "The ministers gathered in Bara on Monday to sign the budget",
    ],
)
def test_a_gathering_without_a_cause_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # security forces sent in or arriving
        ("Soldiers arrived in Kalay on Monday to restore order", "Change to group/activity"),
        ("Police were deployed in force around the parliament in Bara", "Change to group/activity"),
        # ground taken, a ruler fleeing the city or abroad
        (
            "The militia captured ground east of the river near Kala",
            "Non-state actor overtakes territory",
        ),
        ("The governor fled the city as fighters advanced on Kalay", "Other"),
        ("The deposed president escaped to a neighbouring country on Sunday", "Other"),
        # gas used to break up a crowd; officers hurt after trouble in a town
        (
            "The forces of order used gas to disperse the crowd in Kalay",
            "Protest with intervention",
        ),
        (
            "Five police officers needed hospital treatment after trouble flared in the centre "
            "of Bara",
            "Violent demonstration",
        ),
    ],
)
def test_more_issue_18_families_give_an_incident(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


def test_officers_needing_hospital_treatment_are_injured() -> None:
    text = "Five police officers needed hospital treatment after trouble flared in Bara"
    assert _one(text).injured == 5


@pytest.mark.parametrize(
    "text",
    [
        "The opposition candidate gained ground in the polls in Bara",
        "The tourists arrived in Kalay on Monday for the festival",
        "There was trouble finding a parking space near the stadium",
    ],
)
def test_words_of_these_families_without_an_event_stay_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


def test_troops_arriving_and_opening_fire_are_the_violence_not_a_deployment() -> None:
    inc = _one("Soldiers arrived in the village near Kalay and opened fire on residents")
    assert inc.sub_event_type != "Change to group/activity"


def test_reinforcements_arriving_beside_torched_houses_stay_the_arson() -> None:
    inc = _one("More houses torched as army reinforcements arrive in a village near Kalay")
    assert inc.sub_event_type == "Looting/property destruction"


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        # barrels dropped on a place are barrel bombs, and a toll told as lives lost counts
        (
            "A military plane dropped barrels on a market in Kalay on Saturday, and six traders "
            "lost their lives",
            6,
        ),
        ("An army aircraft dropped barrels on a cattle market near Kala, witnesses said", None),
        ("A helicopter dropped two barrels over the village of Bara, killing four people", 4),
    ],
)
def test_barrels_dropped_on_a_place_are_an_air_strike(text: str, fatalities: int | None) -> None:
    inc = _one(text)
    assert (inc.sub_event_type, inc.fatalities) == ("Air/drone strike", fatalities)


def test_barrels_of_goods_dropped_stay_no_incident() -> None:
    assert extract_from_text("Workers dropped barrels of oil at the port of Bara", PUB) == []

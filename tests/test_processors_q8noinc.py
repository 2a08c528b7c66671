"""Issue 18, sixth round: UCDP headlines that gave no incident at all. One test per class of
miss seen on the development part of the UCDP records, each with sentences that must stay
without an incident.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import PUB
from tests.processors_support import first_incident as _one


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # an event, then the running total it adds to: the lead clause is the event
        (
            "Artillery fire hits the outskirts of Hama and raises the number of people killed "
            "to 60 since the start of the offensive",
            "Shelling/artillery/missile attack",
        ),
        (
            "Renewed air strikes on Douma kill more residents, raising to about 300 the number "
            "of people killed since the start of the escalation",
            "Air/drone strike",
        ),
        (
            "Fighting rages on two fronts north of Raqqa, rising to 210 the number of fighters "
            "killed since the beginning of the campaign",
            "Armed clash",
        ),
    ],
)
def test_event_told_before_a_running_total_is_an_incident(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        # a total alone stays a statistic
        (
            "Monitors say 300 people have been killed since the start of the war, raising the "
            "toll to 5,000"
        ),
        "More losses raise to 40 the number of people killed since March",
        "Casualties since the start of the year raise the toll to 1,200",
    ],
)
def test_running_total_without_an_event_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # headlines name the victim without an article or a count
        "Farmer killed by soldiers in Sagaing Region",
        "Police officer killed in Culiacan",
        "Mother and son are killed in Celaya",
        "Army troops die in a rebel minefield near Hpakant",
        "Three slain by gunmen in Zacatecas",
    ],
)
def test_victim_noun_before_killed_or_die_is_an_incident(text: str) -> None:
    assert _one(text).event_type in ("Violence against civilians", "Battles")


def test_slain_with_a_count_is_counted() -> None:
    # "slain" alone, with no other violent word, was no trigger at all
    assert _one("Four slain in a village near Mandalay").fatalities == 4


@pytest.mark.parametrize(
    "text",
    [
        "The informer died",
        "An old man died in his sleep in Leon",
        "No soldiers were killed in the exercise",
        # a statistic's subject, not a victim
        "The number of civilians killed in the province this month has risen to 57",
        "Old soldiers never die, a general said at the anniversary",
    ],
)
def test_a_death_without_violence_or_negated_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # "shell" before a place's name, or before places told by number
        "Regime forces shell Kafr Zita and nearby farms",
        "Government troops shell several areas in the countryside of Idlib",
    ],
)
def test_shell_before_a_place_name_is_shelling(text: str) -> None:
    assert _one(text).sub_event_type == "Shelling/artillery/missile attack"


@pytest.mark.parametrize(
    "text", ["Shell Oil shares rise after the results", "Investors bought Shell Plc shares"]
)
def test_the_company_shell_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # the victim between the verb and "dead", and the translated "sin vida"
        "Police find a man dead inside a car in Celaya",
        "They locate two women without life in a ravine near Leon",
        "The two young men deprived of life in Apatzingan were brothers",
    ],
)
def test_people_found_dead_or_without_life_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


@pytest.mark.parametrize(
    "text",
    ["Engineers found the battery dead on Monday", "A life without life insurance"],
)
def test_things_found_dead_stay_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # a singular body found, a human head told first, and the local words of Mexican reports
        # for bodies wrapped in blankets, bagged or left in drums
        "They found a body wrapped in a sheet near the highway to Celaya",
        "A hiker came across a corpse in a ravine near Uruapan",
        "Human head found beside a market in Tijuana",
        "Police locate an 'encobijado' next to the ring road in Culiacan",
        "Two 'entambados' left outside a warehouse in Guadalajara",
        "Searchers find a clandestine grave behind a house in Hermosillo",
    ],
)
def test_bodies_and_local_words_for_them_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


@pytest.mark.parametrize(
    "text",
    ["Leaders found a new body to oversee the vote", "Police found the body of evidence weak"],
)
def test_a_body_that_is_no_corpse_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # the headline passive without its verb, and present-tense shootings with their object
        "Young man shot in a bar in Irapuato",
        "Two civilians shot near a market in Monywa",
        "Hitmen shoot family outside their home in Cajeme",
        "They shoot one at a car wash in Zamora",
        "Unknown attackers gun down a tribal elder in Uruzgan",
    ],
)
def test_shootings_told_as_headlines_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


def test_shooters_named_first_stay_the_shooters() -> None:
    # "officers shot dead a man": the officers shot, they are no victims of a fight
    inc = _one("Police officers shot dead a young motorcyclist at a checkpoint in Bangui")
    assert inc.sub_event_type == "Attack"


@pytest.mark.parametrize(
    "text",
    ["Two men shot a film in Leon last summer", "The fight against corruption continues"],
)
def test_shooting_a_film_or_a_fight_against_a_vice_stays_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # fights told as nouns between two sides, or renewed, or "fights to" take a place
        "Confrontations between rival gangs cause panic in Fresnillo",
        "Fight renews between two factions in the desert east of Homs",
        "Residents flee as the junta fights to secure a town near Bago",
    ],
)
def test_fights_between_sides_are_an_armed_clash(text: str) -> None:
    assert _one(text).sub_event_type == "Armed clash"


@pytest.mark.parametrize(
    "text",
    [
        # translated Mexican wording: "privar de la vida", "rafaguear", "encobijado" rendered as
        # "sheltered" or "cowering" by machine translation
        "They deprive a young man of his life in a bar in Morelia",
        "They riddled a man outside a shop in Uruapan",
        "Police find a sheltered man near the market in Leon",
    ],
)
def test_translated_killing_and_body_words_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


def test_rescued_people_cowering_stay_no_incident() -> None:
    assert extract_from_text("Rescuers found two children cowering in a basement", PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # bodies in quoted local words, left rather than found, and heads counted
        'They locate a "shrouded" body in the Centro neighborhood of Leon',
        "They leave an 'encobijado' on a street corner in Celaya",
        "Police find three heads at a roundabout in Uruapan",
        "They leave the head of a man on a bridge in Fresnillo",
    ],
)
def test_quoted_or_left_bodies_and_counted_heads_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


def test_heads_of_an_office_stay_no_incident() -> None:
    assert extract_from_text("Party members found two heads of department guilty", PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # a pronoun opening a headline's passive, and "kill another"
        "They are killed inside a pickup truck in Celaya",
        "He is killed in front of his house in Leon",
        "They kill another man at a car wash in Zamora",
    ],
)
def test_pronoun_victims_and_kill_another_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


def test_a_pronoun_inside_a_reported_clause_makes_no_incident_alone() -> None:
    assert extract_from_text("Witnesses said they were killed later", PUB) == []


def test_shelling_told_as_a_habit_is_no_incident() -> None:
    text = "Forces on the far bank of the river shell Kherson region daily, officials say."
    assert extract_from_text(text, PUB) == []

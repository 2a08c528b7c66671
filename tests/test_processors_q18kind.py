"""Issue 18, kind of violence and "no incident" on real reports (q18kind): classes of UCDP dev
records typed on the wrong side of fighting / one-sided, or given no incident. General phrasing
written for these tests, not copied from any record."""

from __future__ import annotations

import pytest

from processors.language import detect_language
from processors.rules import extract_from_text

ATTACK = "Attack"
CLASH = "Armed clash"


def first_type(text: str) -> str | None:
    incidents = extract_from_text(text, published_at="2024-03-02")
    return incidents[0].sub_event_type if incidents else None


# A toll told in the passive whose breakdown names combatants among the dead ("N were killed,
# including M soldiers"): the dead are not all civilians, so the killing is fighting, not an
# Attack on civilians (before: the people / persons of the subject made it an Attack).
_TOLLS_WITH_COMBATANTS = [
    "At least 40 people were killed on Monday, including 12 soldiers and pro-government "
    "militiamen, and 20 other people.",
    "Thirty were killed across the province yesterday, including eight members of the security "
    "forces and 15 other persons.",
    "Fifty-two persons were killed including 9 fighters of the rebel factions and 30 other people.",
    "Dozens of people were killed in the north of the country, among them 14 members of the army.",
]


@pytest.mark.parametrize("text", _TOLLS_WITH_COMBATANTS)
def test_a_toll_that_includes_combatants_is_fighting(text: str) -> None:
    assert first_type(text) == CLASH


_TOLLS_OF_CIVILIANS = [
    "At least 40 people were killed on Monday, including 12 children and 9 women.",
    "Thirty civilians were killed yesterday, including eight children, in the shelling.",
    "Gunmen killed 12 villagers including two police officers on the road to the market.",
]


@pytest.mark.parametrize("text", _TOLLS_OF_CIVILIANS)
def test_a_toll_whose_breakdown_names_civilians_first_stays_an_attack(text: str) -> None:
    assert first_type(text) != CLASH


# Headlines in Title Case (the style of many English outlets) have almost no lowercase word, so
# the headline check that reads lowercase words could not speak and the n-gram model read the
# names' language: "Resistance Forces Attack Army Base In ..." was skipped as not English.
_ENGLISH_TITLES = [
    "Junta Artillery Shelling Kills Three Villagers In Northern Township",
    "Resistance Fighters Ambush Army Convoy Near Border Town",
    "Former Police Chief From Apatzingán Shot Dead",
    "Twin Explosions Target Federal Government Soldiers In Capital",
]


@pytest.mark.parametrize("text", _ENGLISH_TITLES)
def test_an_english_headline_in_title_case_is_english(text: str) -> None:
    assert detect_language(text) == "en"


_NOT_ENGLISH_TITLES = [
    "Matan A Tres Hombres En Culiacán",
    "Asesinan a balazos a un comerciante en la colonia Centro",
    "Enfrentamiento Entre Policías Y Sicarios Deja Cinco Muertos",
    "Ataque Armado Contra Una Patrulla De La Policía Estatal",
]


@pytest.mark.parametrize("text", _NOT_ENGLISH_TITLES)
def test_a_spanish_headline_in_title_case_stays_not_english(text: str) -> None:
    assert detect_language(text) != "en"


# A toll told with a bare "died" is no incident (a death alone is no event), but one whose
# breakdown names combatants among the dead is a toll of fighting: "N died yesterday, including M
# members of the army and K other people" (before: no incident at all).
_DIED_WITH_COMBATANTS = [
    "Forty-six people died yesterday, including 12 members of the regime forces and allied "
    "militiamen, and 20 other persons.",
    "At least 60 died on Sunday, among them 25 fighters of the rebel brigades.",
]


@pytest.mark.parametrize("text", _DIED_WITH_COMBATANTS)
def test_a_death_toll_that_includes_combatants_is_fighting(text: str) -> None:
    assert first_type(text) == CLASH


def test_a_death_toll_of_civilians_alone_is_still_no_incident() -> None:
    assert first_type("Twelve people died yesterday, including four children, in the heat.") is None


# "Junta" names the armed side of the state in Myanmar's news (as "regime" in Syria's): its
# offices, targets and casualties hit in an attack are an armed target, so the attack is
# fighting (before: no armed word was read and the attack was one on civilians).
_ATTACKS_ON_THE_JUNTA = [
    "Six killed in an attack on junta targets in the township on Monday.",
    "A local defence group attacked junta offices in the town, the group said.",
    "Junta casualties in resistance attacks near the town on Sunday.",
]


@pytest.mark.parametrize("text", _ATTACKS_ON_THE_JUNTA)
def test_an_attack_on_the_junta_is_fighting(text: str) -> None:
    assert first_type(text) == CLASH


_KILLINGS_BY_THE_JUNTA = [
    "Junta troops killed three villagers in the township on Monday.",
    "Nine killed in junta raids on two villages near the mine.",
    "Two men were killed in junta custody, their relatives said.",
    "A junta informer was shot dead in the town on Monday.",
]


@pytest.mark.parametrize("text", _KILLINGS_BY_THE_JUNTA)
def test_killings_by_the_junta_or_of_its_informers_stay_an_attack(text: str) -> None:
    assert first_type(text) == ATTACK


# A commander or an emir is a combatant whoever killed him, with or without his group named
# after him ("a commander in a brigade": the noun phrase stops before "in"); before: read as an
# unarmed person, an Attack.
_COMMANDERS_KILLED = [
    "Unknown gunmen assassinated a local commander near the town on Friday.",
    "Rival fighters beheaded an emir in the north of the province.",
    "A senior commander was shot dead in the eastern countryside on Monday.",
]


@pytest.mark.parametrize("text", _COMMANDERS_KILLED)
def test_a_commander_killed_is_fighting(text: str) -> None:
    assert first_type(text) == CLASH


# Breaches or violations of a truce told without their weapon ("breaches of the truce escalate",
# "violations on the third day of the ceasefire"): fighting between the truce's armed parties, not
# the truce itself (before: an Agreement, "other" for the kind).
_TRUCE_BREACHES = [
    "Violations of the ceasefire escalated on the third day of the truce in the south.",
    "Breaches of the truce continued in several areas of the province on Sunday.",
    "The truce ends its tenth day with new breaches in the northern countryside.",
]


@pytest.mark.parametrize("text", _TRUCE_BREACHES)
def test_breaches_of_a_truce_are_fighting(text: str) -> None:
    assert first_type(text) == CLASH


def test_a_truce_agreed_is_still_an_agreement() -> None:
    text = "The two sides agreed to a ceasefire in the province on Sunday."
    assert first_type(text) == "Agreement"


# A killing told before arrests in the same report ("one killed, four arrested in a raid"): the
# killing is the event, the arrests came with it (before: Arrests, which outranks a killing, as
# an abduction did before the same rule). A killing after the arrest is its background.
_KILLED_THEN_ARRESTED = [
    ("One civilian was killed and four were arrested in a police raid on the village.", ATTACK),
    ("Eight militants killed, four arrested in a security operation in the north.", CLASH),
]


@pytest.mark.parametrize(("text", "expected"), _KILLED_THEN_ARRESTED)
def test_a_killing_told_before_arrests_is_the_event(text: str, expected: str) -> None:
    assert first_type(text) == expected


def test_arrests_over_an_earlier_killing_stay_arrests() -> None:
    text = "Police arrested four men over the killing of a farmer last week."
    assert first_type(text) == "Arrests"

"""Issue 18, sixth round: the incident's type (ACLED sub-event type, and so the kind of violence)
for classes of real reports typed wrong. General phrasing written for these tests."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text

AIR = "Air/drone strike"
ATTACK = "Attack"
CLASH = "Armed clash"
GRENADE = "Grenade"
IED = "Remote explosive/landmine/IED"
MANMADE = "Man-made disaster"


def first_type(text: str) -> str | None:
    incidents = extract_from_text(text, published_at="2024-03-02")
    return incidents[0].sub_event_type if incidents else None


# An attack told with a generic verb whose weapon is a mine: ACLED codes the weapon first, an
# IED whoever was hit (before: an Armed clash, the target being armed).
_MINE_ATTACKS = [
    "On 3 March, local fighters attacked an army convoy with mines near the bridge.",
    "A rebel unit carried out a mine attack against soldiers on the highway. Four died.",
    "Resistance forces launched a landmine ambush on a military column; three troops were hurt.",
    "The group attacked two trucks carrying troops using remote mines and injured some of them.",
]


@pytest.mark.parametrize("text", _MINE_ATTACKS)
def test_an_attack_made_with_mines_is_a_remote_explosive(text: str) -> None:
    assert first_type(text) == IED


# A bomb thrown by hand is ACLED's Grenade; a petrol bomb is not an explosive device.
_THROWN_BOMBS = [
    "Two men on a motorbike threw a homemade bomb at the ward office on Tuesday.",
    "A bomb was hurled into a parked police truck in the town; one officer was hurt.",
    "Unknown people threw a hand-made bomb near a bus stop, injuring two people.",
]


@pytest.mark.parametrize("text", _THROWN_BOMBS)
def test_a_bomb_thrown_by_hand_is_a_grenade(text: str) -> None:
    assert first_type(text) == GRENADE


def test_a_petrol_bomb_thrown_is_no_grenade() -> None:
    assert first_type("Youths threw petrol bombs at the police station on Friday.") != GRENADE


def test_a_bomb_planted_is_still_a_remote_explosive() -> None:
    assert first_type("A bomb planted under a car exploded in the market, killing two.") == IED


# An explosion at a plant or a pipeline caused by an armed side is sabotage, not an accident.
_SABOTAGE = [
    "An unidentified armed group blew up the oil pipeline near the town. No one was hurt.",
    "There were two explosions at a military-owned garment factory in the township.",
    "A soldier was killed by a mine planted near the gas depot.",
]


@pytest.mark.parametrize("text", _SABOTAGE)
def test_sabotage_at_a_plant_is_not_a_man_made_disaster(text: str) -> None:
    assert first_type(text) == IED


def test_an_industrial_explosion_stays_a_man_made_disaster() -> None:
    assert first_type("A gas pipeline exploded at the plant, killing two workers.") == MANMADE


# Aircraft as the agent: gunfire from helicopters, raids told as a noun "by warplanes".
_AIRCRAFT = [
    "Three military helicopters opened fire on five villages, wounding three villagers.",
    "Troops arrived in the village with two helicopters and opened random fire.",
    "Eight dead in raids by warplanes on the eastern countryside.",
    "The warplanes' raids on the town leave six dead and dozens wounded.",
]


@pytest.mark.parametrize("text", _AIRCRAFT)
def test_aircraft_firing_or_raiding_is_an_air_strike(text: str) -> None:
    assert first_type(text) == AIR


def test_gunmen_opening_fire_stay_an_attack_not_a_blaze() -> None:
    assert first_type("Gunmen opened fire on a crowd of shoppers, killing four people.") == ATTACK


# Members of an armed side named by their group are combatants: their killing is a clash (before:
# an Attack, "members" naming no armed word).
_ARMED_MEMBERS = [
    "Militants kill three members of the regime forces near the airport.",
    "Insurgent cells kill two SDF members on the outskirts of the city.",
    "Four members of a village defence team shot dead in the township.",
    "Two PDF members killed in a village on Monday.",
]


@pytest.mark.parametrize("text", _ARMED_MEMBERS)
def test_members_of_an_armed_side_killed_are_a_clash(text: str) -> None:
    assert first_type(text) == CLASH


_UNARMED_MEMBERS = [
    "Gunmen kill two members of a family in their home.",
    "Two members of the teachers' union were shot dead outside the school.",
    "Gunmen kill three members of a cartel in a bar.",
]


@pytest.mark.parametrize("text", _UNARMED_MEMBERS)
def test_members_of_a_family_a_union_or_a_cartel_stay_an_attack(text: str) -> None:
    assert first_type(text) == ATTACK


# "Killed" in the passive with the victims before it: the subject says who died, a civilian word
# elsewhere (a funeral, a school nearby) does not.
_ARMED_SUBJECTS = [
    "Ten fighters of the front were killed, and a funeral was held for them in the village.",
    "Two soldiers killed near the school on the main road.",
]


@pytest.mark.parametrize("text", _ARMED_SUBJECTS)
def test_armed_victims_told_before_a_passive_killing_are_a_clash(text: str) -> None:
    assert first_type(text) == CLASH


def test_civilian_victims_told_before_a_passive_killing_stay_an_attack() -> None:
    assert first_type("Five villagers were killed near the army base on Sunday.") == ATTACK


# Civilians killed by armed men, told with the agent after the verb ("shot dead by troops": the
# troops are not the victims) or with victims the civilian cues do not name.
_UNARMED_VICTIMS = [
    "A boy was shot dead by army troops in the township.",
    "Regime forces kill a motorbike rider at the crossroads.",
    "Two herdsmen shot dead near a militia stronghold.",
    "Soldiers kill four teens near the village on Sunday.",
]


@pytest.mark.parametrize("text", _UNARMED_VICTIMS)
def test_unarmed_victims_of_armed_men_are_an_attack(text: str) -> None:
    assert first_type(text) == ATTACK


def test_armed_victims_with_the_agent_after_the_verb_stay_a_clash() -> None:
    assert first_type("Ten soldiers were killed by rebels in the north.") == CLASH


# A killing placed or dated by a truce ("in the ceasefire zones") is the killing, not an Agreement.
_KILLED_IN_TRUCE = [
    ("A second civilian was killed in the ceasefire zones on Monday.", ATTACK),
    ("Five soldiers were killed in the truce area near the border.", CLASH),
]


@pytest.mark.parametrize(("text", "expected"), _KILLED_IN_TRUCE)
def test_a_killing_in_a_truce_area_is_no_agreement(text: str, expected: str) -> None:
    assert first_type(text) == expected


def test_a_truce_signed_stays_an_agreement() -> None:
    assert first_type("The two sides signed a ceasefire in the capital on Monday.") == "Agreement"


# Protesters killed told in the present or with a count: lethal force against a protest.
_KILLED_PROTESTERS = [
    "Security forces kill at least 18 anti-coup protesters in the city.",
    "Troops kill two protesters at a rally in the market town.",
]


@pytest.mark.parametrize("text", _KILLED_PROTESTERS)
def test_protesters_killed_is_excessive_force(text: str) -> None:
    assert first_type(text) == "Excessive force against protesters"


def test_a_protest_without_force_stays_peaceful() -> None:
    assert first_type("Hundreds of protesters marched peacefully in the capital.") == (
        "Peaceful protest"
    )


# "Storm" as an assault or in an operation's name is no weather event.
_STORM_ASSAULTS = [
    ("Rebels storm a police base in the hills and kill four officers.", CLASH),
    ("Forces of the Northern Storm operation kill three villagers in the town.", ATTACK),
]


@pytest.mark.parametrize(("text", "expected"), _STORM_ASSAULTS)
def test_storming_a_place_is_no_natural_disaster(text: str, expected: str) -> None:
    assert first_type(text) == expected


def test_a_storm_that_kills_stays_a_natural_disaster() -> None:
    assert first_type("A storm killed ten people and destroyed homes on the coast.") == (
        "Natural disaster"
    )


# A blast told before any word of a protest: the protest is where or why it went off.
_BLAST_AT_PROTEST = [
    "A parcel bomb exploded beside a police car as officers came to take down a protest banner.",
    "There was an explosion near the venue of a rally and the marchers ran away.",
]


@pytest.mark.parametrize("text", _BLAST_AT_PROTEST)
def test_a_blast_at_a_protest_is_the_blast(text: str) -> None:
    assert first_type(text) == IED


def test_protesters_marching_after_a_blast_stay_a_protest() -> None:
    assert first_type("Protesters marched on Friday after a bomb blast last week killed two.") == (
        "Peaceful protest"
    )

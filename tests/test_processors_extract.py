"""Behaviour of the whole extractor on short reports: codebook distinctions, grouping,
aggregates, other languages."""

from __future__ import annotations

import pytest

from processors import extract_from_text
from processors.rules import NON_ENGLISH_WARNING

PUB = "2024-03-14"  # a Thursday


def _first(text: str) -> object:
    got = extract_from_text(text, PUB, doc_id="t")
    assert got, f"no incident in {text!r}"
    return got[0]


@pytest.mark.parametrize(
    ("text", "sub_event"),
    [
        # a missile from an aircraft or drone is an air strike; from the ground, shelling
        ("An Israeli drone fired a missile at a car in Nabatieh on Monday.", "Air/drone strike"),
        (
            "Russian forces fired ballistic missiles at Kharkiv on Monday.",
            "Shelling/artillery/missile attack",
        ),
        ("Warplanes struck a market in Idlib on Tuesday, killing 12 people.", "Air/drone strike"),
        (
            "Militants shelled the town with mortars on Tuesday.",
            "Shelling/artillery/missile attack",
        ),
        # a defused bomb is disrupted weapons use, not an explosion
        ("Police defused a roadside bomb near Kabul on Monday.", "Disrupted weapons use"),
        (
            "A roadside bomb exploded near a convoy in Kandahar, killing two soldiers.",
            "Remote explosive/landmine/IED",
        ),
        (
            "A suicide bomber blew himself up at a mosque in Peshawar, killing 30 worshippers.",
            "Suicide bomb",
        ),
        ("Attackers threw a grenade into a bar in Bujumbura on Monday.", "Grenade"),
        # violence: civilians targeted vs armed opponents
        ("Gunmen killed five villagers in Zamfara on Monday.", "Attack"),
        ("Soldiers clashed with militants near Djibo on Tuesday, leaving 11 dead.", "Armed clash"),
        (
            "Gunmen abducted 20 students from a school in Kaduna on Monday.",
            "Abduction/forced disappearance",
        ),
        (
            "Rebels seized control of the town of Rubaya on Tuesday.",
            "Non-state actor overtakes territory",
        ),
        # protests
        ("Thousands of people marched peacefully in Nairobi on Tuesday.", "Peaceful protest"),
        (
            "Police fired tear gas to disperse protesters in Dakar on Tuesday.",
            "Protest with intervention",
        ),
        (
            "Security forces opened fire on protesters in Khartoum, killing 5.",
            "Excessive force against protesters",
        ),
        (
            "Rioters threw stones at police and torched cars in Lagos on Monday.",
            "Violent demonstration",
        ),
        ("Police arrested 12 suspected gang members in Port-au-Prince on Monday.", "Arrests"),
        (
            "A magnitude 6.8 earthquake struck Morocco on Friday, killing 2,000 people.",
            "Natural disaster",
        ),
        ("A building collapsed in Lagos on Monday, killing 10 people.", "Man-made disaster"),
    ],
)
def test_codebook_distinctions(text: str, sub_event: str) -> None:
    assert _first(text).sub_event_type == sub_event


@pytest.mark.parametrize(
    ("text", "sub_event"),
    [
        # one-sided violence on unarmed people is an Attack, even by police
        (
            "Police officers shot dead a 17-year-old motorcyclist at a checkpoint in Bangui.",
            "Attack",
        ),
        (
            "Gunmen ambushed a convoy of vehicles carrying passengers near Parachinar on Monday.",
            "Attack",
        ),
        # a takeover after fighting is the takeover
        (
            "Rebels said they had taken full control of the city of Homs after hours of fighting.",
            "Non-state actor overtakes territory",
        ),
        (
            "The army said it had retaken control of Koumbri on Saturday.",
            "Government regains territory",
        ),
        # riot police are not a riot; stones thrown are
        (
            "Riot police used water cannon to disperse protesters in Tbilisi on Monday.",
            "Protest with intervention",
        ),
        (
            "Protesters threw bricks and bottles at police in Southport on Tuesday.",
            "Violent demonstration",
        ),
        (
            "A crowd beat two men accused of theft in the town of Zacatlan on Sunday.",
            "Mob violence",
        ),
        # chemical agents delivered by any means
        (
            "Troops fired shells filled with chlorine at the village of Kabani on Monday.",
            "Chemical weapon",
        ),
        # strategic developments
        (
            "Hezbollah on Tuesday named Naim Qassem as its new secretary-general.",
            "Change to group/activity",
        ),
        ("The armed group said on Monday it had decided to disband.", "Change to group/activity"),
        ("Authorities imposed a curfew in Gondar on Monday.", "Other"),
        ("Soldiers found a mass grave containing 20 bodies in Wad Madani.", "Other"),
        ("Russia and Ukraine exchanged 90 prisoners of war each on Tuesday.", "Agreement"),
    ],
)
def test_codebook_distinctions_more(text: str, sub_event: str) -> None:
    assert _first(text).sub_event_type == sub_event


@pytest.mark.parametrize(
    "text",
    [
        "There was no fighting in the village, residents said.",
        "The government has repeatedly denied using chemical weapons.",
        "Protesters marched on Monday demanding a ceasefire deal.",
    ],
)
def test_negated_or_demanded_events_are_not_incidents(text: str) -> None:
    subs = [i.sub_event_type for i in extract_from_text(text, PUB)]
    assert "Armed clash" not in subs and "Chemical weapon" not in subs and "Agreement" not in subs


def test_arrests_at_a_protest_are_its_intervention() -> None:
    text = (
        "Thousands of people rallied outside parliament in Tbilisi on Monday. "
        "The interior ministry said 107 people were detained."
    )
    got = extract_from_text(text, PUB)
    assert [i.sub_event_type for i in got] == ["Protest with intervention"]


def test_zero_casualties_said_after_the_event() -> None:
    text = (
        "Armed gangs ransacked and set fire to a police station in Tabarre on Monday. "
        "The officers had left the building before the gangs arrived, and nobody was hurt."
    )
    got = extract_from_text(text, PUB)
    assert len(got) == 1 and (got[0].fatalities, got[0].injured) == (0, 0)


def test_long_text_is_capped() -> None:
    para = "Gunmen killed {n} villagers in Zamfara on Monday, police said. "
    text = "\n".join(para.format(n=n + 2) + "Separately, " * (n % 2) for n in range(60))
    assert len(extract_from_text(text, PUB)) <= 8


def test_two_events_in_one_sentence_are_split() -> None:
    text = (
        "After militants attacked the base with rockets on Monday, wounding three soldiers, "
        "army helicopters conducted an air strike on the militants, killing 12."
    )
    got = extract_from_text(text, PUB)
    assert [i.sub_event_type for i in got] == [
        "Shelling/artillery/missile attack",
        "Air/drone strike",
    ]
    assert (got[0].fatalities, got[0].injured) == (0, 3)
    assert got[1].fatalities == 12


def test_follow_up_sentences_join_the_incident_and_counts_are_not_doubled() -> None:
    text = (
        "A car bomb exploded in a market in Mogadishu on Sunday, killing 9 people. "
        "The blast also wounded 20 others. The attack was claimed by al-Shabaab. "
        "Nine people were killed, police said."
    )
    got = extract_from_text(text, PUB)
    assert len(got) == 1
    inc = got[0]
    assert inc.sub_event_type == "Remote explosive/landmine/IED"
    assert (inc.fatalities, inc.injured) == (9, 20)
    assert inc.date == "2024-03-10"
    assert inc.location is not None and inc.location.country_iso3 == "SOM"
    assert any(a.name == "al-Shabaab" and a.role == "claimant" for a in inc.actors)


def test_separate_events_stay_apart() -> None:
    text = (
        "Gunmen killed three farmers in Benue on Monday. "
        "In a separate incident, gunmen abducted 10 travellers in Kaduna on Tuesday."
    )
    got = extract_from_text(text, PUB)
    assert [(i.sub_event_type, i.date) for i in got] == [
        ("Attack", "2024-03-11"),
        ("Abduction/forced disappearance", "2024-03-12"),
    ]


def test_aggregate_statistics_are_not_incidents() -> None:
    text = (
        "There have been 120 attacks on aid convoys since January, the UN said. "
        "These attacks killed at least 40 aid workers this year."
    )
    assert extract_from_text(text, PUB) == []


def test_no_events_in_plain_text() -> None:
    assert extract_from_text("The minister met the ambassador to discuss trade.", PUB) == []
    assert extract_from_text("", PUB) == []


def test_vague_fatalities_give_minimum_only() -> None:
    inc = _first("Several people were killed when an airstrike hit a house in Gaza on Monday.")
    assert (inc.fatalities, inc.fatalities_min) == (None, 2)


def test_near_keeps_anchor_with_near_precision() -> None:
    inc = _first("A roadside bomb exploded 30 km west of Baghdad on Monday, killing two.")
    assert inc.location is not None
    assert inc.location.precision == "near"
    assert inc.location.country_iso3 == "IRQ"
    assert "Baghdad" in inc.location.name


def test_no_published_date_keeps_only_explicit_dates() -> None:
    got = extract_from_text("Gunmen killed five villagers in Zamfara on Monday.", None)
    assert got[0].date is None
    got = extract_from_text("Gunmen killed five villagers in Zamfara on 4 March 2024.", None)
    assert got[0].date == "2024-03-04"


def test_non_english_text_is_low_confidence_and_flagged() -> None:
    text = (
        "Des hommes armés ont tué cinq villageois lundi dans le nord du pays, selon des sources "
        "locales. L'explosion d'une bombe a fait plusieurs blessés dans la capitale."
    )
    for inc in extract_from_text(text, PUB):
        assert inc.language == "fr"
        assert inc.confidence <= 0.2
        assert NON_ENGLISH_WARNING in inc.warnings


def test_english_incident_is_confident() -> None:
    inc = _first("An airstrike hit a market in Idlib on Tuesday, killing 12 civilians.")
    assert inc.language == "en"
    assert inc.confidence >= 0.6
    assert inc.warnings == []

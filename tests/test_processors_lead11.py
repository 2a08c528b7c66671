"""Issue 18, ninth round: classes met in monitoring-group headlines that gave no incident or the
wrong kind.

- A weapon's fire is shooting, not a blaze: "sniper fire", "machine-gun fire", "small arms fire"
  wounding or killing someone is an attack, never a man-made disaster; "sniper bullets" alone
  report shooting.
- "Detonating" / "detonates" a bomb is an explosion; "detonates himself" is a suicide bombing.
- An armed side's advance is fighting ("regime forces advance in the countryside", "achieve a
  new advancement"), not "in advance of" or "advances in medicine", and not an aim ("trying to
  achieve an advancement", "fail to achieve any advance").
- Control gained without a capture verb is territory: "expand their control", "take over the last
  pocket", "end the presence of <group> in", "restore all areas they lost".
- "forces shell al-<Town>": the Arabic article before the name keeps the verb.
- "raise to N the number of casualties in 53 days" is a count over days, not one event's toll.
- Headline territory in the present: "forces retake", "army recaptures".
- A military communique's kill words count combatants killed: "destroyed 65 soldiers",
  "neutralised 12 terrorists", "20 militants were neutralised", "decimated by the army"; not
  "destroyed three tanks", "eliminated from the cup", "locusts decimated crops".
- "suffer heavy casualties" is a fight; "the killing of 22 people" (with or without "the") counts.

Every sentence was written for this file from the class's description; none is taken from the
labelled sets or the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import PUB
from tests.processors_support import first_incident as _one


@pytest.mark.parametrize(
    "text",
    [
        "Sniper fire wounded a shepherd near Daraa on Sunday.",
        "Machine-gun fire killed two farmers outside Idlib, activists said.",
        "Small arms fire from a checkpoint wounded a driver in Homs.",
        "A regime sniper's fire killed a boy in Madaya, local activists reported.",
    ],
)
def test_a_weapons_fire_is_an_attack_not_a_blaze(text: str) -> None:
    incident = _one(text)
    assert incident.event_type == "Violence against civilians"
    assert incident.sub_event_type == "Attack"


def test_a_real_blaze_stays_a_disaster() -> None:
    incident = _one("A fire broke out in a crowded market in Aleppo, killing two vendors.")
    assert incident.sub_event_type == "Man-made disaster"


def test_sniper_bullets_alone_report_shooting() -> None:
    incident = _one("Sniper bullets wounded mourners during a funeral in Daraa.")
    assert incident.sub_event_type == "Attack"


@pytest.mark.parametrize(
    "text",
    [
        "The militants are detonating car bombs at the edge of Deir Ezzor, activists said.",
        "The group detonates a booby-trapped vehicle at an army post near Idlib.",
    ],
)
def test_detonating_a_bomb_is_an_explosion(text: str) -> None:
    assert _one(text).sub_event_type == "Remote explosive/landmine/IED"


def test_detonating_oneself_is_a_suicide_bombing() -> None:
    incident = _one("A militant detonates himself at a checkpoint in Idlib, killing three guards.")
    assert incident.sub_event_type == "Suicide bomb"
    assert incident.fatalities == 3


@pytest.mark.parametrize(
    "text",
    [
        "Regime forces advance in the eastern countryside of Hama.",
        "Rebels advance toward the airport of Aleppo amid heavy losses.",
        "Government troops achieve a new advancement near Palmyra.",
    ],
)
def test_an_armed_sides_advance_is_fighting(text: str) -> None:
    incident = _one(text)
    assert incident.event_type == "Battles"
    assert incident.sub_event_type == "Armed clash"


@pytest.mark.parametrize(
    "text",
    [
        "Shares advance in Damascus trading as the pound steadies.",
        "Researchers report advances in medicine at a conference in Aleppo.",
        "Delegates arrived in advance of the summit in Homs.",
        "The army is trying to achieve an advancement near Palmyra, a statement said.",
    ],
)
def test_other_advances_are_no_event(text: str) -> None:
    assert extract_from_text(text, published_at=PUB) == []


def test_failing_to_advance_is_fighting_not_territory() -> None:
    incident = _one("Rebels fail to achieve any advancement in Ras al-Ayn despite heavy fighting.")
    assert incident.sub_event_type == "Armed clash"


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        (
            "The rebel factions expand their control in the northern countryside of Hama.",
            "Non-state actor overtakes territory",
        ),
        (
            "Kurdish-led fighters take over the last pocket of the militants near Raqqa.",
            "Non-state actor overtakes territory",
        ),
        (
            "Government forces end the presence of the militants in the desert east of Homs.",
            "Government regains territory",
        ),
        (
            "The army restores all areas it lost in the countryside of Hama last week.",
            "Government regains territory",
        ),
    ],
)
def test_control_gained_without_a_capture_verb_is_territory(text: str, sub_event_type: str) -> None:
    assert _one(text).sub_event_type == sub_event_type


def test_ending_a_presence_as_an_aim_is_no_territory() -> None:
    incidents = extract_from_text(
        "The coalition sends reinforcements to end the presence of the militants near Hajin.",
        published_at=PUB,
    )
    assert all(i.event_type != "Strategic developments" for i in incidents)
    assert all("territory" not in i.sub_event_type for i in incidents)


@pytest.mark.parametrize(
    "text", ["The regime forces shell al-Lataminah at dawn.", "Troops shell al-Habit again."]
)
def test_shell_before_an_arabic_article_is_the_verb(text: str) -> None:
    assert _one(text).sub_event_type == "Shelling/artillery/missile attack"


def test_a_count_over_days_is_no_toll() -> None:
    incident = _one(
        "Regime forces shelled Daraa as more casualties raise to about 630, the number of "
        "casualties in 53 days."
    )
    assert incident.sub_event_type == "Shelling/artillery/missile attack"
    assert incident.fatalities is None


def test_a_running_toll_of_one_event_stays() -> None:
    incident = _one("Shelling on Daraa raises to 12 the number of people killed in the town.")
    assert incident.fatalities == 12


@pytest.mark.parametrize(
    "text",
    [
        "The army retakes the district centre from the rebels after two days of fighting.",
        "Government troops recapture the town of Kidal from the insurgents.",
    ],
)
def test_territory_retaken_in_the_present(text: str) -> None:
    assert _one(text).sub_event_type == "Government regains territory"


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        ("The defence ministry said its forces destroyed 65 enemy soldiers near Kupiansk.", 65),
        ("Security forces neutralised 12 terrorists in Borno state on Monday.", 12),
        ("Twelve militants were neutralised in an operation in Borno on Monday.", 12),
        ("Thirty insurgents were liquidated by the army near Palma, officials said.", 30),
    ],
)
def test_a_communiques_kill_words_count_the_dead(text: str, dead: int) -> None:
    incident = _one(text)
    assert incident.event_type == "Battles"
    assert incident.fatalities == dead


def test_destroyed_equipment_is_no_toll() -> None:
    assert _one("The army destroyed three tanks near Kupiansk on Friday.").fatalities is None


@pytest.mark.parametrize(
    "text",
    [
        "Brazil were eliminated from the World Cup in Doha on Friday.",
        "Locusts decimated crops in Borno state this season.",
        "The company suffered heavy losses in Lagos last year.",
    ],
)
def test_other_eliminations_are_no_event(text: str) -> None:
    assert extract_from_text(text, published_at=PUB) == []


def test_suffering_heavy_casualties_is_a_fight() -> None:
    text = "Militants suffer heavy casualties in army operations in Ghazni province."
    assert _one(text).sub_event_type == "Armed clash"


@pytest.mark.parametrize(
    "text",
    ["Killing of 22 people in a village near Kaya", "The killing of 22 villagers near Kaya"],
)
def test_a_killing_told_as_a_noun_counts(text: str) -> None:
    assert _one(text).fatalities == 22

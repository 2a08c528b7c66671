"""Classes of extraction errors from issue 18 (general phrasing written for these tests)."""

from __future__ import annotations

import pytest

from processors import casualties
from processors.casualties import find_casualties
from processors.rules import extract_from_text

# Outcomes told without the letters "to" anywhere: the casualty pre-check once passed nearly every
# text only because a bare "to" was one of its keys, and skipped these.
_NO_TO_OUTCOMES = [
    ("Five men were decapitated in a village on Sunday.", 5, None),
    ("Nobody was harmed in the blast.", 0, None),
    ("Three people lose their life in an ambush.", 3, None),
]


@pytest.mark.parametrize(("text", "dead", "injured"), _NO_TO_OUTCOMES)
def test_casualty_precheck_does_not_skip_outcomes_without_to(
    text: str, dead: int | None, injured: int | None
) -> None:
    assert "to" not in text.lower()
    found = find_casualties(text)
    assert (found.fatalities.value if found.fatalities else None) == dead
    assert (found.injured.value if found.injured else None) == injured


_PRECHECK_SAMPLES = [
    *(t for t, _, _ in _NO_TO_OUTCOMES),
    "Two villagers were hacked to death and a child was burned alive.",
    "A bomb went off near the market; no one was hurt.",
    "The rally passed off peacefully.",
    "A woman stepped on a mine and lost her leg.",
    "Gunmen shot him dead in front of his house.",
    "Militants execute two hostages.",
    "The death toll rose to 12 on Friday.",
    "Troops recovered the bodies of four fighters.",
    "Soldiers fired shells at the hills on Monday.",
    "Police stopped a car at a checkpoint.",
]


@pytest.mark.parametrize("text", _PRECHECK_SAMPLES)
def test_casualty_precheck_changes_no_result(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-check is a speed guard only: the counts are those of the full patterns."""
    with_check = find_casualties(text)
    monkeypatch.setattr(casualties, "_ANY_OUTCOME_KEYS", ("",))
    assert find_casualties(text) == with_check


def test_casualty_precheck_skips_text_without_outcome() -> None:
    """A common word is no key: a text that tells no outcome is skipped before any pattern."""
    low = "police stopped a car at a checkpoint to search it on the road to the town."
    assert not any(k in low for k in casualties._ANY_OUTCOME_KEYS)


# A definite victim named with what they belonged to ("the owner of the shop"), as the subject
# of the outcome verb in a sentence after the violent event.
@pytest.mark.parametrize(
    ("text", "dead", "injured"),
    [
        (
            "Gunmen opened fire on a tea shop in Monywa on Tuesday. The owner of the shop died.",
            1,
            None,
        ),
        ("A grenade hit a bus in Sagaing on Friday. The driver of the bus was killed.", 1, None),
        (
            "A bomb went off at a pharmacy in Mandalay on Monday. "
            "The owner of the pharmacy was injured.",
            0,
            1,
        ),
    ],
)
def test_victim_with_of_complement_is_counted(text: str, dead: int, injured: int | None) -> None:
    incidents = extract_from_text(text, published_at="2021-06-01")
    assert len(incidents) == 1
    assert incidents[0].fatalities == dead
    assert incidents[0].injured == injured


# Killings without a fight: an assassination or bodies found is an Attack (violence against
# civilians) unless the victims are named as armed or the text tells a fight.
@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("Police found two bodies in a field near Mandalay on Monday.", "Attack"),
        ("Soldiers discovered three corpses by a road in Sagaing on Monday.", "Attack"),
        ("Two ward administrators were assassinated in Monywa on Tuesday.", "Attack"),
        ("Two men were assassinated by gunmen in Monywa on Tuesday.", "Attack"),
        ("Two brothers were assassinated by soldiers in Sagaing on Friday.", "Attack"),
        ("Unknown gunmen assassinated a village head in Monywa on Tuesday.", "Attack"),
        ("Two soldiers were assassinated in Monywa on Tuesday.", "Armed clash"),
        ("Militia fighters found dead near Monywa on Monday.", "Armed clash"),
        ("Police found the bodies of five fighters near Monywa on Monday.", "Armed clash"),
        (
            "Troops clashed with rebels near Monywa and police later found two bodies.",
            "Armed clash",
        ),
    ],
)
def test_assassination_and_bodies_found_are_attacks(text: str, sub: str) -> None:
    incidents = extract_from_text(text, published_at="2021-06-01")
    assert incidents
    assert incidents[0].sub_event_type == sub


# Two explosions told as two events ("a second bomb", "another bomb") in the same town on the
# same day are two incidents: the second one's deaths are not lost as a near-duplicate.
@pytest.mark.parametrize(
    "text",
    [
        "A bomb exploded at a township office in Yangon on Monday. "
        "A second bomb killed two people near a bank in Yangon.",
        "On 3 May a bomb went off at a school in Hlaing township. "
        "Another bomb exploded at a market in Hlaing township, killing two people.",
    ],
)
def test_second_explosion_in_same_town_is_its_own_incident(text: str) -> None:
    incidents = extract_from_text(text, published_at="2021-05-04")
    assert len(incidents) == 2
    assert [i.fatalities for i in incidents] == [None, 2]


# "Assassinated" counts its victim like the other kill verbs.
@pytest.mark.parametrize(
    "text",
    [
        "Unknown gunmen assassinated a village head in Monywa on Tuesday.",
        "An official was assassinated in Monywa on Tuesday.",
        "A teacher was assassinated in Sagaing on Friday.",
    ],
)
def test_assassinated_victim_is_counted(text: str) -> None:
    incidents = extract_from_text(text, published_at="2021-06-01")
    assert [i.fatalities for i in incidents] == [1]

"""Casualty counts of coordinated victims: a counted group plus one more person ("eight commandos
and their civilian driver" = 9), one person named by a determiner ("killing the driver" = 1),
and the clauses that must not be summed."""

from __future__ import annotations

import pytest

from processors.casualties import find_casualties


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("Eight soldiers and their civilian driver were killed in the ambush.", 9, None),
        ("The blast killed eight soldiers and their civilian driver.", 9, None),
        ("Gunmen opened fire on the minibus, killing the driver.", 1, None),
        ("Gunmen opened fire on the minibus, killing the driver and two passengers.", 3, None),
        ("Three policemen and a civilian were killed on the road.", 4, None),
        ("The shell killed a farmer and his two sons in their field.", 3, None),
        ("Two guards and a child were wounded in the attack.", None, 3),
        ("Militants shot dead the village chief on Sunday.", 1, None),
        ("The raid killed a fighter and wounded his brother.", 1, 1),
    ],
)
def test_coordinated_victims_are_summed(text: str, killed: int | None, injured: int | None) -> None:
    cas = find_casualties(text)
    assert (cas.fatalities.value if cas.fatalities else None) == killed
    assert (cas.injured.value if cas.injured else None) == injured


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        # a second clause with its own verb is not part of the victim group
        ("Floods have killed 75 people since Monday, and 103 others are missing.", 75),
        ("The storm killed 12 people and two others remain unaccounted for.", 12),
        # a subset is never added
        ("The attack killed 12 people, including a child and her mother.", 12),
        # plural nouns and possessives are not one person
        ("The strike killed the fighters near the border.", None),
    ],
)
def test_no_sum_across_clauses_subsets_or_plurals(text: str, killed: int | None) -> None:
    cas = find_casualties(text)
    assert (cas.fatalities.value if cas.fatalities else None) == killed


def test_possessive_person_is_not_the_victim() -> None:
    """In "the commander's two sons" the commander is not killed: never count him as 1."""
    cas = find_casualties("Gunmen killed the commander's two sons.")
    assert cas.fatalities is None or cas.fatalities.value != 1

"""Classes of country misses on real headlines (issue 18, seventh round): a report that names
no place but an armed side, force or ruling body of one country, and a neighbourhood named in
Spanish. One test per class.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from tests.processors_support import first_incident, first_location
from wirewatch.contracts import Incident

PUB = "2019-05-10"


def _one(text: str) -> Incident:
    return first_incident(text, PUB)


def _country(text: str) -> str | None:
    loc = _one(text).location
    return None if loc is None else loc.country_iso3


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # state forces by the name news gives them, with no place named
        ("Regime forces shelled residential areas overnight, killing four civilians", "SYR"),
        ("Junta soldiers opened fire on a village, killing three farmers", "MMR"),
        ("Two fighters of the local People's Defence Force were killed in a clash", "MMR"),
        # armed groups and their operations
        ("Members of the Civilian JTF were killed in an ambush on a convoy", "NGA"),
        ("Naxalites ambushed a police patrol, killing two constables", "IND"),
        ("Anti-balaka militiamen attacked a camp, killing five people", "CAF"),
        ("Gunmen of the Los Viagras cartel killed four men at a checkpoint", "MEX"),
        ("Peshmerga fighters killed six militants in a clash", "IRQ"),
    ],
)
def test_an_actor_of_one_country_is_a_hint_of_the_country(text: str, iso3: str) -> None:
    assert _country(text) == iso3


@pytest.mark.parametrize(
    "text",
    [
        # a named place outranks the actor's country
        "Regime forces shelled Mosul overnight, killing four civilians",
        # so does a named country
        "In Iraq, junta soldiers opened fire on a village, killing three farmers",
    ],
)
def test_a_named_place_beats_an_actor_hint(text: str) -> None:
    assert _country(text) == "IRQ"


def test_a_towns_name_that_contains_an_actor_word_is_no_hint() -> None:
    # "La Junta" is a town's name, not Myanmar's junta
    assert _country("A man was found shot dead on the road to La Junta") != "MMR"


@pytest.mark.parametrize(
    "text",
    [
        "A man was shot dead in the Las Flores neighborhood on Tuesday night",
        "Gunmen killed a shopkeeper in the Santa María neighborhood",
        "Two bodies were found in Colonia Centro early on Sunday",
    ],
)
def test_a_spanish_neighbourhood_is_no_namesake_town_abroad(text: str) -> None:
    # the namesake towns (Las Flores in Argentina, Santa María in Brazil) are not the place
    assert _country(text) == "MEX"


def test_an_arabic_neighbourhood_is_no_spanish_one() -> None:
    assert _country("Clashes in the al-Sukkarí neighborhood kill three fighters") != "MEX"


@pytest.mark.parametrize(
    "text",
    [
        # the namesakes abroad (a Sokhna in India, a Shih in China) are no place of the event
        "Regime forces shelled the Al-Sokhna area, killing five fighters",
        "Barrel bombs fell on the besieged Khan al-Shih, killing four people",
    ],
)
def test_a_name_with_the_arabic_article_is_no_namesake_town_abroad(text: str) -> None:
    assert _country(text) == "SYR"


def test_a_name_with_the_arabic_article_still_names_its_town() -> None:
    loc = first_location("Shelling on al-Raqqa killed six civilians", PUB)
    assert loc.name is not None and "Raqq" in loc.name


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # a foreign state's forces beside a side of the country they fight in
        ("Fighters of the SDF and US forces clashed with militants, killing four", "SYR"),
        ("Fighting between the YPG and Turkish troops killed five fighters", "SYR"),
        ("Peshmerga fighters and Turkish soldiers clashed with militants, killing two", "IRQ"),
    ],
)
def test_foreign_forces_beside_a_home_side_are_not_the_place(text: str, iso3: str) -> None:
    assert _country(text) == iso3


def test_a_states_forces_alone_still_place_the_report_at_home() -> None:
    assert _country("Turkish forces killed three militants in a raid") == "TUR"

"""Places round q18place (issue 18): a side of a town in Spanish, and a force's nationality
beside a named town abroad. Sentences written for this file in the styles of wire leads,
bulletins and statements; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from tests.processors_support import first_incident, first_location, first_point

PUB = "2024-05-10"


def _es_town_point(name: str) -> tuple[float, float]:
    loc = first_point(f"Hombres armados asesinaron a dos campesinos en {name} el lunes.", PUB)
    assert loc.lat is not None and loc.lon is not None
    return loc.lat, loc.lon


# ------------------------------------------------------------ a side of a town, in Spanish


@pytest.mark.parametrize(
    ("text", "north_km", "east_km"),
    [
        ("Hombres armados asesinaron a tres personas al norte de Culiacán el domingo.", 20, 0),
        (
            "Un ataque armado dejó cuatro muertos en el sur de Culiacán, informó la Fiscalía.",
            -20,
            0,
        ),
        ("Localizan cinco cuerpos a 30 kilómetros al oeste de Culiacán, Sinaloa.", 0, -30),
        (
            "Emboscan a policías a unos 12 km al noreste del municipio de Culiacán; mueren dos.",
            8,
            8,
        ),
    ],
)
def test_a_spanish_side_of_a_town_moves_the_point_like_the_english_one(
    text: str, north_km: float, east_km: float
) -> None:
    loc = first_point(text, PUB)
    lat0, lon0 = _es_town_point("Culiacán")
    assert loc.lat is not None and loc.lon is not None
    assert loc.precision == "near"
    # moved to that side by the stated distance, or by the 20 km of a bare side (within 2 km)
    assert abs((loc.lat - lat0) * 111.0 - north_km) < 2.0
    assert abs((loc.lon - lon0) * 111.0 * 0.908 - east_km) < 2.0


# ----------------------------------------------- a side's nationality beside a town abroad


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # Palma: Mozambique's town, also Spain's much larger Palma de Mallorca
        ("Rwandan troops killed 12 insurgents in Palma on Sunday.", "MOZ"),
        (
            "Rwandan soldiers repelled an attack on Palma, killing nine militants, officials said.",
            "MOZ",
        ),
        # a nationality word without a forces' noun: a side's, abroad
        ("A Chadian contingent lost nine soldiers in an ambush in Gao on Monday.", "MLI"),
        ("Two Burundian peacekeepers were killed in a bomb attack in Beledweyne.", "SOM"),
    ],
)
def test_a_named_town_beats_a_sides_nationality_word(text: str, iso3: str) -> None:
    loc = first_location(text, PUB)
    assert loc.precision != "country", loc
    assert loc.country_iso3 == iso3


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # a force at home: its country has a town of the name, which stays the place
        ("Mexican soldiers killed five gunmen in Culiacán on Tuesday.", "MEX"),
        ("Nigerian troops repelled an attack on Maiduguri, the army said.", "NGA"),
    ],
)
def test_a_force_at_home_keeps_its_countrys_town(text: str, iso3: str) -> None:
    loc = first_location(text, PUB)
    assert loc.country_iso3 == iso3
    assert loc.precision != "country"


def test_a_forces_nationality_abroad_still_names_the_force() -> None:
    """The nationality word is not the place, but it still says whose troops they are."""
    inc = first_incident("Rwandan troops killed 12 insurgents in Palma on Sunday.", PUB)
    assert [a.name for a in inc.actors if a.role == "actor1"] == ["Rwanda military"]


# ------------------------------------------- a country as the owner of a unit after "of"


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("13 members of Iran's elite force were killed in Syria, state media said.", "SYR"),
        ("Five members of Egypt's security forces were killed in an ambush in Libya.", "LBY"),
        ("Three soldiers of Kenya's contingent died in an attack in Somalia on Monday.", "SOM"),
    ],
)
def test_a_country_owning_a_unit_is_not_the_place(text: str, iso3: str) -> None:
    """ "of Iran's elite force": whose force, not where; the country after "in" is the place."""
    loc = first_location(text, PUB)
    assert loc.country_iso3 == iso3


def test_a_countrys_part_after_of_is_still_the_place() -> None:
    """ "the north of Syria's Idlib", "of Syria's north": the country holds the place."""
    loc = first_location("Shelling killed four civilians in the north of Syria's Idlib province.")
    assert loc.country_iso3 == "SYR"

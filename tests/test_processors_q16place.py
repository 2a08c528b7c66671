"""Classes of place misses on real reports (issue 18, sixteenth round: UCDP and ACLED dev
country and location misses). One group of tests per class, with negatives that guard against
over-reach.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from tests.processors_support import first_incident, first_location, first_point, town_point

PUB = "2022-05-10"


# ------------------------------------------- a side of a town: "the northern countryside of X"


@pytest.mark.parametrize(
    ("text", "town", "north", "east"),
    [
        # a side's countryside: the villages on that side of the town, not the town itself
        (
            "Warplanes pounded villages in the northern countryside of Aleppo, killing six",
            "Aleppo",
            1,
            0,
        ),
        (
            "Three shepherds died when a mine went off in the southern countryside of Hama",
            "Hama",
            -1,
            0,
        ),
        ("Rebels shelled army posts in the western rural countryside of Homs", "Homs", 0, -1),
        # a side without a distance: somewhere on that side, not in the town
        ("A roadside bomb killed four soldiers west of Baghdad", "Baghdad", 0, -1),
        ("Militants ambushed a convoy northeast of Kirkuk, killing two policemen", "Kirkuk", 1, 1),
    ],
)
def test_a_side_of_a_town_moves_the_point_to_that_side(
    text: str, town: str, north: int, east: int
) -> None:
    loc, at = first_point(text, PUB), town_point(town, PUB)
    assert loc.precision == "near"
    assert at.lat is not None and at.lon is not None and loc.lat is not None and loc.lon is not None
    dn, de = loc.lat - at.lat, loc.lon - at.lon
    # moved towards the side the text names, by some kilometres (0.05 degree is about 5 km)
    for step, want in ((dn, north), (de, east)):
        if want:
            assert step * want > 0.05
        else:
            assert abs(step) < 0.05


@pytest.mark.parametrize(
    "text",
    [
        # the town itself stays the town's point
        "Warplanes pounded villages in Aleppo, killing six",
        # the town named with its noun
        "A car bomb killed nine people in the city of Aleppo",
    ],
)
def test_the_town_itself_keeps_its_point(text: str) -> None:
    loc, at = first_point(text, PUB), town_point("Aleppo", PUB)
    assert (loc.lat, loc.lon) == (at.lat, at.lon)


def test_a_stated_distance_still_decides() -> None:
    """ "30 km west of X": the stated distance, not the default side offset."""
    loc, at = (
        first_point("A roadside bomb killed four soldiers 30 km west of Baghdad", PUB),
        town_point("Baghdad", PUB),
    )
    assert loc.lon is not None and at.lon is not None
    # 30 km at Baghdad's latitude is about 0.32 degree of longitude
    assert 0.28 < at.lon - loc.lon < 0.36


# ------------------------------------------------ "al-Sham" (the Levant) ending a group's name


@pytest.mark.parametrize(
    "text",
    [
        # "of <group> al-Sham": the group's name, not Damascus (which al-Sham also names)
        "Unknown gunmen killed three members of Tahrir al-Sham at a checkpoint on Sunday",
        "Two commanders of Hayyaat Tahrir al-Sham died in an explosion on Sunday",
        "An ambush killed five fighters of Suqour al-Sham late on Sunday",
        "Fighters from Ahl al-Sham clashed with a rival faction, leaving four dead",
    ],
)
def test_a_group_named_after_al_sham_is_no_town(text: str) -> None:
    inc = first_incident(text, PUB)
    assert inc is not None
    loc = inc.location
    assert loc is None or loc.name != "al-Sham"
    assert loc is None or loc.precision == "country"


def test_al_sham_as_a_place_after_a_preposition_stays() -> None:
    """Without a name before it, "in al-Sham" is still read as the gazetteer's place."""
    loc = first_location("A car bomb killed six people in al-Sham on Sunday", PUB)
    assert loc is not None and loc.country_iso3 == "SYR" and loc.precision != "country"


@pytest.mark.parametrize(
    "text",
    [
        # the group is Syria's (the table of sides): with its name no longer a town, it still
        # says which country, under the spellings headlines use
        "Tahrir Al-Sham raided a hideout and killed a foreign commander",
        "Fatah al-Sham executed two men on charges of spying",
    ],
)
def test_a_syrian_group_named_after_al_sham_still_says_syria(text: str) -> None:
    assert first_location(text, PUB).country_iso3 == "SYR"


# ------------------------------- a state known only by its forces, beside a neighbour's towns


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # a foreign force across its border: the neighbour's towns say where
        ("Turkish forces and allied factions took two villages near Tal Abyad", "SYR"),
        ("Heavy shelling by Turkish troops hit houses in Ras al-Ayn, killing a child", "SYR"),
        ("Israeli soldiers shot dead a young man near Jenin at dawn", "PSE"),
    ],
)
def test_a_foreign_force_does_not_hide_the_neighbours_towns(text: str, iso3: str) -> None:
    inc = first_incident(text, PUB)
    assert inc is not None and inc.location is not None
    assert inc.location.country_iso3 == iso3
    assert inc.location.precision != "country"


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # the forces at home: a town of their own country named too
        (
            "Turkish soldiers killed three militants in Hakkari province near the Iraqi border",
            "TUR",
        ),
        # nothing else said: the forces' country stays the hint of where
        ("Two Turkish soldiers were killed in a roadside blast on Sunday", "TUR"),
    ],
)
def test_forces_at_home_keep_their_country(text: str, iso3: str) -> None:
    inc = first_incident(text, PUB)
    assert inc is not None and inc.location is not None
    assert inc.location.country_iso3 == iso3


def test_an_army_named_by_its_country_stays_at_home() -> None:
    """ "the Myanmar army" is named as at home: a village whose name also reads as a town of a
    neighbouring country does not move the report abroad."""
    inc = first_incident("Rebels and the Myanmar army clashed in Nam Kham township", PUB)
    assert inc is not None and inc.location is not None
    assert inc.location.country_iso3 == "MMR"


# ------------------------------ a small foreign namesake beside a large place of one country


@pytest.mark.parametrize(
    "text",
    [
        # no country named: the large town says where; the small one abroad is a namesake of
        # a part of it (a beach district, a bar) that the gazetteer lacks
        "Chilpancingo: two men were shot dead in Playas late on Sunday",
        "Gunmen killed three customers at the Basari bar in Chilpancingo",
    ],
)
def test_a_small_namesake_abroad_yields_to_the_large_place(text: str) -> None:
    assert first_location(text, PUB).country_iso3 == "MEX"


def test_a_named_country_keeps_its_small_town() -> None:
    """With the country named, the small town there is meant."""
    inc = first_incident("A bomb killed two police officers in Playas, Ecuador, on Sunday", PUB)
    assert inc is not None and inc.location is not None
    assert inc.location.country_iso3 == "ECU"
    assert inc.location.precision != "country"

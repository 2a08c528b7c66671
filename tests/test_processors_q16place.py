"""Classes of place misses on real reports (issue 18, sixteenth round: UCDP and ACLED dev
country and location misses). One group of tests per class, with negatives that guard against
over-reach.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from tests.processors_support import first_location
from wirewatch.contracts import Location

PUB = "2022-05-10"


def _point(text: str) -> Location:
    loc = first_location(text, PUB)
    assert loc.lat is not None and loc.lon is not None
    return loc


# ------------------------------------------- a side of a town: "the northern countryside of X"


def _town(name: str) -> Location:
    return _point(f"Gunmen killed two farmers in {name} on Monday")


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
    loc, at = _point(text), _town(town)
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
    loc, at = _point(text), _town("Aleppo")
    assert (loc.lat, loc.lon) == (at.lat, at.lon)


def test_a_stated_distance_still_decides() -> None:
    """ "30 km west of X": the stated distance, not the default side offset."""
    loc, at = _point("A roadside bomb killed four soldiers 30 km west of Baghdad"), _town("Baghdad")
    assert loc.lon is not None and at.lon is not None
    # 30 km at Baghdad's latitude is about 0.32 degree of longitude
    assert 0.28 < at.lon - loc.lon < 0.36

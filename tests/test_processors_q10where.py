"""Classes of place and date misses on real headlines (issue 18, eighth round). One test per
class.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from wirewatch.contracts import Incident

PUB = "2022-05-10"


def _one(text: str) -> Incident:
    incs = extract_from_text(text, PUB)
    assert incs, f"no incident for: {text}"
    return incs[0]


@pytest.mark.parametrize(
    "text",
    [
        # a township the gazetteer lacks, whose name is also a town abroad ("Kawlin" is an
        # alternate name of Kolin, a town of Czechia): the region that holds it is named by
        # its possessive, so the report is in that region's country
        "Four villagers shot dead during a night raid in Sagaing's Kawlin Township",
        "Soldiers killed two farmers in Sagaing’s Kawlin District on their way home",
    ],
)
def test_region_holding_a_named_township_is_the_country(text: str) -> None:
    loc = _one(text).location
    assert loc is not None
    assert loc.country_iso3 == "MMR"


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # a headline led by "Town, State:" and a town followed by its state in a sentence: the
        # state's name is the region, not the state capital of the same name far away
        ("Celaya, Guanajuato: Two Brothers Shot Dead Outside Their Shop", "Celaya"),
        ("Fresnillo, Zacatecas: Police Find Three Bodies Near A Ranch", "Fresnillo"),
        ("Cuernavaca, Morelos: A Taxi Driver Is Killed By Gunmen", "Cuernavaca"),
        ("Ciudad Juárez, Chihuahua: Four Murders Reported During The Night", "Ciudad Juárez"),
    ],
)
def test_town_before_the_state_that_holds_it_is_the_place(text: str, town: str) -> None:
    loc = _one(text).location
    assert loc is not None
    assert (loc.name, loc.precision, loc.country_iso3) == (town, "town", "MEX")

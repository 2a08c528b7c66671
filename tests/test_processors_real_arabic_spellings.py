"""Issue 18 class: Arabic-derived place names spelled otherwise than GeoNames' names and
alternate names (vowels, doubled letters, articles, word breaks), read by their consonant
skeleton among the towns of a country the text signals.

Every sentence here was written for this file; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.geo_data import fold, skeleton_key
from processors.places import _variant_spans, gazetteer
from tests.processors_support import first_incident, first_location
from wirewatch.contracts import Location

PUB = "2024-05-10"


def _location(text: str) -> Location | None:
    return first_incident(text, PUB).location


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Menbej", "Manbij"),  # e/a and e/i vowels
        ("Deir Ezzor", "Dayr az Zawr"),  # article, doubled letter, "aw" glide, word break
        ("al-Qaryatain", "Qaryatayn"),  # article dropped or kept, ai/ay
        ("Shekh Meskin", "Shaykh Maskin"),
        ("Talbiseh", "Tallbisah"),  # doubled letter, feminine ending
    ],
)
def test_spellings_of_one_arabic_name_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton_key(fold(a)) == skeleton_key(fold(b)) != ""


def test_a_skeleton_too_short_to_tell_names_apart_is_empty() -> None:
    assert skeleton_key(fold("Ein Essa")) == ""


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("Four fighters were killed in clashes in Menbej in northern Syria on Tuesday.", "Halab"),
        ("Syrian government shelling killed two civilians in Shekh Meskin on Monday.", "Dar'a"),
    ],
)
def test_a_variant_spelling_in_a_text_about_syria_is_the_syrian_town(
    text: str, admin1: str
) -> None:
    loc = first_location(text, PUB)
    assert loc.country_iso3 == "SYR"
    assert loc.precision == "town" and loc.admin1 == admin1


def test_a_variant_spelling_is_not_looked_up_without_a_country_of_arabic_names() -> None:
    # the same consonants as a Syrian town, in a report on Mexico: never read as Syria
    loc = _location("Gunmen killed three men in Talbiseh, a village of Oaxaca, Mexico, on Sunday.")
    assert loc is None or loc.country_iso3 != "SYR"


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        # title case: the common English words at a run's ends are no part of the name
        ("Continued Clashes Around Menbej", ["Menbej"]),
        ("shelling on al-Bokamal", ["al-Bokamal"]),
        # a run of unknown words is one name or none: "Sheikh" alone is not looked up
        ("Shells hit Sheikh Maqsood and Khan al-Shekh", ["Sheikh Maqsood", "Khan al-Shekh"]),
    ],
)
def test_skeleton_candidates_are_whole_runs_of_name_words(text: str, spans: list[str]) -> None:
    gaz = gazetteer()
    assert gaz is not None
    got = [text[a:b] for a, b, how in _variant_spans(gaz, text, ["SYR"]) if how == "skeleton"]
    assert got == spans


@pytest.mark.parametrize(
    "text",
    [
        "Four fighters were killed in clashes in Menbej on Tuesday.",
        "Warplanes target Menbej, killing four civilians.",  # what was struck is a place
    ],
)
def test_with_no_country_said_a_variant_of_a_large_arabic_name_town_is_that_town(
    text: str,
) -> None:
    loc = first_location(text, PUB)
    assert (loc.country_iso3, loc.admin1) == ("SYR", "Halab")


@pytest.mark.parametrize(
    "text",
    [
        # a person's name is no place: it is not after "in", "around", "targeting"
        "Gunmen killed Khaled and two other villagers on Monday.",
        # with no country said, a village (below the population bound) is not looked up
        "Two shepherds were killed by a landmine near Muhradah on Friday.",
    ],
)
def test_with_no_country_said_names_and_small_towns_are_not_variants(text: str) -> None:
    loc = _location(text)
    assert loc is None or loc.country_iso3 is None

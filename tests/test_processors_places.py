"""Where an incident happened: the most specific place of its own sentences, then neighbouring
sentences, the dateline and the country; foreign towns only when the article can mean them."""

from __future__ import annotations

from processors import extract_from_text
from wirewatch.contracts import Location


def _loc(text: str) -> Location:
    incidents = extract_from_text(text, "2024-05-20")
    assert incidents, "no incident extracted"
    loc = incidents[0].location
    assert loc is not None
    return loc


def test_town_in_a_neighbouring_country_of_the_actors_is_kept() -> None:
    loc = _loc("Russian shelling killed two people in the city of Kherson on Sunday.")
    assert (loc.name, loc.country_iso3, loc.precision) == ("Kherson", "UKR", "town")


def test_bare_congo_does_not_hide_goma() -> None:
    loc = _loc("GOMA, Congo — Rebels shelled Goma on Monday, killing five civilians.")
    assert (loc.name, loc.country_iso3) == ("Goma", "COD")


def test_far_foreign_town_of_the_same_name_is_dropped() -> None:
    loc = _loc(
        "Armed men of the Fano militia killed three health workers after stopping an ambulance "
        "on the road between Gondar and Metema in Ethiopia on Sunday."
    )
    assert loc.country_iso3 == "ETH"
    assert loc.name in ("Gondar", "Metema")


def test_town_elsewhere_in_the_sentence_beats_the_country() -> None:
    loc = _loc(
        "Gunmen on motorbikes killed four soldiers on Tuesday when they attacked an army post "
        "at a checkpoint near Ayorou in the Tillabéri region of Niger."
    )
    assert (loc.name, loc.country_iso3, loc.precision) == ("Ayorou", "NER", "near")


def test_road_named_after_a_town_is_not_the_town() -> None:
    loc = _loc(
        "Sixteen people were killed when two buses collided on the Tamale highway near the town "
        "of Kintampo in central Ghana on Sunday."
    )
    assert (loc.name, loc.precision) == ("Kintampo", "near")


def test_region_is_named_without_its_suffix_at_admin1_precision() -> None:
    loc = _loc("An earthquake killed 12 people in China's Gansu province on Monday.")
    assert (loc.name, loc.precision, loc.country_iso3) == ("Gansu", "admin1", "CHN")


def test_dateline_town_stands_in_when_the_report_names_only_the_country() -> None:
    loc = _loc("TRIPOLI, May 19 — Armed groups clashed overnight in Libya, killing three people.")
    assert (loc.name, loc.country_iso3) == ("Tripoli", "LBY")


def test_town_of_the_next_sentence_places_the_incident() -> None:
    loc = _loc(
        "Two Indian soldiers and four militants were killed in a gunfight in Kashmir on Monday. "
        "Troops had cordoned off the forests near Kokernag after a tip-off, police said."
    )
    assert (loc.name, loc.country_iso3) == ("Kokernag", "IND")


def test_country_only_location_has_country_coordinates() -> None:
    loc = _loc("Jihadists killed 20 soldiers in an ambush in Burkina Faso on Sunday.")
    assert (loc.country_iso3, loc.precision) == ("BFA", "country")
    assert loc.lat is not None and loc.lon is not None


def test_foreign_village_namesake_loses_to_the_region_named_in_the_text() -> None:
    # "Bahan" is also a village in Israel; the region places the text in Myanmar
    loc = _loc(
        "A parcel bomb went off on Tuesday in Bahan township, Yangon Region, wounding a guard."
    )
    assert loc.country_iso3 == "MMR"


def test_a_repeated_foreign_village_name_does_not_outvote_the_region() -> None:
    # "Muse" is also a US village; named three times it must not outweigh Shan State
    loc = _loc(
        "Two grenades exploded in Muse town, Shan State, on Friday. Residents of Muse said the "
        "blasts damaged a market in Muse."
    )
    assert loc.country_iso3 == "MMR"


def test_a_text_naming_its_own_districts_means_their_towns_not_namesakes_abroad() -> None:
    # "Yae" is also a Japanese town of 17,000; the district and state place the text in Myanmar
    loc = _loc(
        "A roadside bomb exploded on Monday near the market in Yae, a village of Loikaw "
        "District in Kayah State, wounding two soldiers."
    )
    assert loc.country_iso3 == "MMR"


def test_a_region_named_with_its_suffix_outweighs_a_foreign_spelling_variant() -> None:
    # "Kawlin" reads as Czechia's Kolín only through its spelling-free form
    loc = _loc(
        "Soldiers fired mortar shells at Kawlin on Sunday, killing a farmer, residents of "
        "Kawlin District in Sagaing Region said."
    )
    assert loc.country_iso3 == "MMR"


def test_a_word_of_an_arabic_group_name_is_not_a_place() -> None:
    # "Jund al-Aqsa": a Syrian faction, not the Jerusalem mosque
    loc = _loc("Warplanes target a meeting of Jund al-Aqsa commanders in the Idlib countryside")
    assert loc.country_iso3 == "SYR"


def test_a_region_with_a_compass_part_places_the_text_in_its_country() -> None:
    # "Shan-North": the northern part of Shan State; "Muse" is also a US village
    loc = _loc(
        "On Friday a grenade was thrown at a repair shop in Muse (Shan-North), residents said."
    )
    assert loc.country_iso3 == "MMR"

"""Issue 18, incident or not and its type on real headlines: one test per class of miss seen on
the development part of the UCDP records.

Every sentence here was written for this file from the general description of a class; none is
taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from tests.processors_support import PUB
from tests.processors_support import first_incident as _one


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # headlines tell killings in the present tense or the infinitive
        ("Rebels execute a village chief in the north of Tillaberi", "Attack"),
        ("The group executes two shepherds near Gao on charges of spying", "Attack"),
        ("Unknown men assassinating a councillor outside his home in Daraa", "Attack"),
        ("Militants behead a farmer in Cabo Delgado", "Attack"),
        ("Insurgents decapitate two traders on the road to Mopti", "Attack"),
        ("Hired killers enter a house and kill mother and son in Leon", "Attack"),
        ("Army Kills Villagers In Magway Region", "Attack"),
        ("They shoot a taxi driver outside his home in Juarez", "Attack"),
        ("A shopkeeper is shot in the market district of Kano", "Attack"),
        ("Two men are riddled with bullets in Culiacan", "Attack"),
        # armed victims of the same verbs fight back: an armed clash
        ("Rebels execute three soldiers captured near Kidal", "Armed clash"),
        ("Militants assassinate two policemen at a checkpoint in Quetta", "Armed clash"),
    ],
)
def test_present_tense_killing_verbs_report_an_event(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        "They leave a body wrapped in blankets on a road in Tijuana",
        "They dump three bodies on the highway near Celaya",
        "They throw a severed head in a park in Uruapan",
        "They locate a lifeless man in a ditch in Morelia",
        "A woman is found dead with signs of violence in Leon",
        "Couple found dismembered in a vacant lot in Irapuato",
        "A torso placed near the state border in Colima",
    ],
)
def test_bodies_left_or_found_lifeless_are_an_attack(text: str) -> None:
    assert _one(text).sub_event_type == "Attack"


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # shelling told with the verb "shell" or the noun "bombardment"
        (
            "Government forces shell villages in the south of Idlib",
            "Shelling/artillery/missile attack",
        ),
        (
            "The army shells Kafr Nabudah and the outskirts of Al-Lataminah",
            "Shelling/artillery/missile attack",
        ),
        (
            "Heavy bombardment targets the eastern countryside of Hama",
            "Shelling/artillery/missile attack",
        ),
        ("Bombardment on Aleppo leaves three dead", "Shelling/artillery/missile attack"),
        ("Injuries after bombardment on the city of Homs", "Shelling/artillery/missile attack"),
        ("Renewed aerial bombardments on the countryside of Idlib", "Air/drone strike"),
        ("Jets bombard towns of the eastern Ghouta", "Air/drone strike"),
        # "forces target" a place: shelling; armed people: a clash
        (
            "Government forces target areas in the western countryside of Aleppo",
            "Shelling/artillery/missile attack",
        ),
        ("The factions target regime positions in the countryside of Latakia", "Armed clash"),
    ],
)
def test_bombardment_shelling_and_targeting_verbs_report_an_event(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        "Shell Oil reports higher profits in the second quarter",
        "Investors exit a shell company registered in Panama",
        "The executive board will execute the plan next year",
    ],
)
def test_business_words_are_no_event(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        "Ten civilians killed by warplanes in the countryside of Idlib",
        "A massacre carried out by Russian warplanes in a village east of Aleppo",
        "Four farmers killed by a drone in the north of the province",
    ],
)
def test_civilians_killed_by_aircraft_are_an_air_strike(text: str) -> None:
    # ACLED codes the weapon (Air/drone strike), whoever was hit
    assert _one(text).sub_event_type == "Air/drone strike"


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen attack checkpoints of the YPG north of Raqqa",
        "Unknown attackers raid two outposts of the border brigade in the desert",
        "Gunmen attack patrols and convoys of the coalition near Hit",
    ],
)
def test_attacks_on_armed_posts_in_the_plural_are_armed_clashes(text: str) -> None:
    assert _one(text).sub_event_type == "Armed clash"


def test_gunmen_killing_civilians_stay_an_attack_and_clashes_stay_fighting() -> None:
    assert _one("Gunmen killed 12 civilians in a village near Kidal").sub_event_type == "Attack"
    clash = _one("Clashes between the army and rebels in the north of Shan State")
    assert clash.sub_event_type == "Armed clash"


def test_a_passive_shot_dead_keeps_its_civilian_victim() -> None:
    # guard: the passive "is shot" rule must not take the place of "shot dead"
    inc = _one(
        "A mayoral candidate was shot dead on Monday as he left a meeting in the north of the "
        "city. Four other people, including two police officers, were wounded. One attacker died "
        "in a shootout with his bodyguards."
    )
    assert inc.sub_event_type == "Attack"


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # the simple past and the agent of "shot", bullets and lives taken
        ("They shot a man to death in a bar in Celaya", "Attack"),
        ("They shot another man outside a shop in Uruapan", "Attack"),
        ("A bus driver shot 9 times at a terminal in Irapuato", "Attack"),
        ("Two teachers shot by soldiers at a roadblock near Monywa", "Attack"),
        ("Two men found shot on a dirt road near Zamora", "Attack"),
        ("They riddled a man with bullets in a village near Apatzingan", "Attack"),
        ("They take the life of a woman in a market of Fresnillo", "Attack"),
        ("A woman with gunshot wounds is located in a lot in Salamanca", "Attack"),
        # a named victim in quotes, a unit, an officer: the verb still tells a killing
        ('They kill "El Guero" outside a gym in Culiacan', "Attack"),
        ("Hooded men slaughter a shopkeeper and his son in Tierra Caliente", "Attack"),
        ("Troops kill unit of four guerrilla fighters on the highway", "Armed clash"),
        ("Road mines kill, injure scores of farmers in the north", "Remote explosive/landmine/IED"),
        # remains found: heads, corpses, lifeless people with a word between
        ("They found a corpse wrapped in plastic in Zaragoza", "Attack"),
        ("They locate a human head in a neighbourhood of Chilpancingo", "Attack"),
        ("They find three lifeless young men on a ranch in Jerez", "Attack"),
        ("Lifeless man found in a community of Tarimoro", "Attack"),
        # troops torching or razing villages: property destruction
        ("The army torches 10 villages in two days in Magway", "Looting/property destruction"),
        ("Soldiers raze houses in a village of Sagaing", "Looting/property destruction"),
    ],
)
def test_more_headline_forms_of_killing_and_destruction(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("Regime forces target Damascus, Homs and Hama", None),
        ("The targeting by warplanes of a market in Maarat al-Numan", "Air/drone strike"),
        ("Warplanes' targeting of a service centre in the town kills two", "Air/drone strike"),
    ],
)
def test_targeting_a_named_place_or_told_as_a_noun_is_an_event(text: str, sub: str | None) -> None:
    inc = _one(text)
    if sub is None:
        assert inc.event_type in ("Battles", "Explosions/Remote violence")
    else:
        assert inc.sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        "The crew shot a video of the festival in Oaxaca",
        "The torch relay passes through the old town",
        "Farmers slaughter cattle before the holiday",
    ],
)
def test_other_senses_of_the_new_verbs_are_no_event(text: str) -> None:
    assert extract_from_text(text, PUB) == []


def test_a_partys_account_of_whom_it_targeted_is_no_second_event() -> None:
    incs = extract_from_text(
        "Warplanes struck a school sheltering displaced families in the city on Thursday, killing "
        "20 people. The military said it had targeted Bravo fighters operating from the school.",
        PUB,
    )
    assert [i.sub_event_type for i in incs] == ["Air/drone strike"]


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # aircraft as the subject of a massacre or a killing: the weapon decides (ACLED)
        (
            "Warplanes carry out a massacre in a village in the countryside of Idlib",
            "Air/drone strike",
        ),
        ("Helicopters commit a new massacre of farmers in the plain", "Air/drone strike"),
        ("Jets kill a man and his wife in a camp for displaced people", "Air/drone strike"),
        # barrel bombs are dropped from helicopters
        ("Dozens of explosive barrels target the besieged camp", "Air/drone strike"),
        (
            "Barrels dropped by helicopters on the outskirts of the town kill four",
            "Air/drone strike",
        ),
        # a group's name with "People's" or a "local" official are not civilians by those words
        ("Ten soldiers killed by the People's Defence Force in the north", "Armed clash"),
        ("Local commander among 40 army personnel killed in two days", "Armed clash"),
        # security posts are armed targets
        ("Rebels attack six security posts in the state in three days", "Armed clash"),
    ],
)
def test_who_or_what_struck_decides_the_kind(text: str, sub: str) -> None:
    assert _one(text).sub_event_type == sub


def test_people_are_still_civilians() -> None:
    assert _one("Soldiers killed five people in a village").sub_event_type == "Attack"

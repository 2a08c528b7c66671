"""Datelines and tolls (issue 18, round q18line): a dateline ("KANDAHAR, 8 March 2021 -",
"CULIACÁN, Sin., 8 de marzo (EFE).-") is where and when a report was filed. Its day is never a
count and never the event's own day, but it is the day relative days of the report are counted
from; its town is the place when the event's sentence names none. Sentences written for this file
in wire, bulletin and statement styles; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.rules import extract_from_text
from processors.sentences import DATELINE_RE, datelines
from tests.processors_support import first_incident
from wirewatch.contracts import DATE_ASSUMED_FILED

# a Wednesday; the datelines below are filed on other days, so a relative day tells which
# day it was counted from
PUB = "2021-03-10"

ENGLISH_DATELINES = [
    "KANDAHAR, 8 March 2021 - ",
    "Kandahar, 8 March 2021 - ",
    "KANDAHAR, March 8 (Reuters) - ",
    "KANDAHAR, Mar. 8, 2021 (AFP) -- ",
    "KANDAHAR, Afghanistan, 8 March - ",
    "KANDAHAR, March 8: ",
    "KANDAHAR, 8 March 2021 (Xinhua) -- ",
    "KANDAHAR, Monday, 8 March 2021 - ",
    "KANDAHAR (Afghanistan), 8 March 2021 (AFP) - ",
]

SPANISH_DATELINES = [
    "CULIACÁN, Sin., 8 de marzo (EFE).- ",
    "CULIACÁN, Sinaloa, 8 de marzo de 2021 (EFE).- ",
    "Culiacán, Sinaloa, 8 de marzo.- ",
    "CULIACÁN, 8 de marzo de 2021.- ",
]


@pytest.mark.parametrize("head", ENGLISH_DATELINES + SPANISH_DATELINES)
def test_a_dateline_is_recognised_whole(head: str) -> None:
    text = head + "Gunmen killed four soldiers."
    assert [text[a:b] for a, b in datelines(text)] == [head]


@pytest.mark.parametrize(
    "text",
    [
        # a headline or a sentence that opens with a place is no dateline
        "Sinaloa: police find three bodies near a highway",
        "Kandahar: gunmen kill four soldiers",
        "Gunmen - some of them masked - killed two guards.",
    ],
)
def test_a_place_heading_a_sentence_is_no_dateline(text: str) -> None:
    assert datelines(text) == []


@pytest.mark.parametrize("head", ENGLISH_DATELINES)
@pytest.mark.parametrize(
    ("body", "dead"),
    [
        ("Gunmen killed four soldiers at a checkpoint.", 4),
        ("Two policemen were shot dead at a checkpoint, officials said.", 2),
        ("A roadside bomb killed a district governor and his driver.", 2),
    ],
)
def test_the_datelines_day_is_no_count_and_its_town_the_place(
    head: str, body: str, dead: int
) -> None:
    inc = first_incident(head + body, PUB)
    assert inc.fatalities == dead
    assert inc.location is not None and inc.location.country_iso3 == "AFG"
    assert inc.location.name is not None and inc.location.name.startswith("Kandah")


@pytest.mark.parametrize("head", SPANISH_DATELINES)
def test_a_spanish_datelines_day_is_no_count_and_its_town_the_place(head: str) -> None:
    inc = first_incident(head + "Hombres armados asesinaron a cuatro policías en un retén.", PUB)
    assert inc.fatalities == 4
    assert inc.location is not None and inc.location.name == "Culiacán"


def test_a_place_of_the_sentence_beats_the_datelines_town() -> None:
    inc = first_incident(
        "KABUL, 8 March 2021 (Reuters) - Gunmen killed four soldiers in Herat.", PUB
    )
    assert inc.fatalities == 4
    assert inc.location is not None and inc.location.name is not None
    assert inc.location.name.startswith("Her")


@pytest.mark.parametrize(
    ("head", "body", "day"),
    [
        # filed on Friday 5 March, published the next Wednesday: "on Monday" is 1 March
        ("KANDAHAR, 5 March 2021 - ", "Gunmen killed four soldiers on Monday.", "2021-03-01"),
        ("KANDAHAR, March 5 (Reuters) - ", "Gunmen killed four soldiers yesterday.", "2021-03-04"),
        ("KANDAHAR, Mar. 5 (AP) - ", "A bomb killed two guards on Saturday night.", "2021-02-27"),
        (
            "CULIACÁN, Sin., 5 de marzo (EFE).- ",
            "Hombres armados asesinaron a cuatro policías el lunes.",
            "2021-03-01",
        ),
        (
            "CULIACÁN, 5 de marzo de 2021.- ",
            "Hombres armados asesinaron ayer a cuatro policías.",
            "2021-03-04",
        ),
    ],
)
def test_relative_days_count_from_the_datelines_day(head: str, body: str, day: str) -> None:
    assert first_incident(head + body, PUB).date == day


@pytest.mark.parametrize(
    "text",
    [
        # the dateline's day is when it was filed: an event with no day of its own is assumed
        # on it, flagged as assumed (q19date: before, the publication day)
        "KANDAHAR, 5 March 2021 - Gunmen killed four soldiers at a checkpoint.",
        "CULIACÁN, Sin., 5 de marzo (EFE).- Hombres armados asesinaron a cuatro policías.",
    ],
)
def test_the_datelines_day_is_not_the_events(text: str) -> None:
    inc = first_incident(text, PUB)
    assert inc.date == "2021-03-05"
    assert DATE_ASSUMED_FILED in inc.warnings


def test_a_dateline_without_a_year_is_read_in_the_year_before_a_january_report() -> None:
    # filed Wednesday 30 December, published Tuesday 5 January: "on Monday" is 28 December 2020
    incs = extract_from_text(
        "KANDAHAR, Dec. 30 (Reuters) - Gunmen killed four soldiers on Monday.", "2021-01-05"
    )
    assert incs and incs[0].date == "2020-12-28"


@pytest.mark.timeout(20)
def test_a_long_line_of_hyphenated_capitals_is_read_and_is_no_dateline() -> None:
    # a page line of capitals joined by hyphens ("AL-...-AL-...") that ends in no dash: the
    # town pattern once read the hyphen both inside and between words and tried every split
    # (2^n); the guard above only stops the test, what it checks is the reading
    text = "AL-" * 60 + "x killed four soldiers."
    assert datelines(text) == []
    # read to its dash in linear time, then no dateline: 61 words are no town (r18rev)
    assert datelines("ALA-" * 60 + "ALA - Gunmen killed four soldiers.") == []
    assert DATELINE_RE.match("ALA-" * 60 + "ALA - Gunmen killed four soldiers.") is not None


# ----------------------------------------------------------------- tolls: kill words (issue 18)


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        # a headline's present-tense killing of one named or singular victim
        ("Unidentified gunmen assassinate a commander of a rebel faction in Daraa", 1),
        ("Militants execute a local council member in the northern countryside", 1),
        ("Insurgents behead a village chief near the border", 1),
        ("Mob lynches a police officer in the market town", 1),
        ("Militants slaughtered a soldier near the town on Monday", 1),
        # passive, one victim
        ("A soldier had been slaughtered by the militants near the town", 1),
        ("A local journalist was lynched by a crowd in the market town", 1),
    ],
)
def test_one_victim_of_a_kill_verb_is_one_dead(text: str, dead: int) -> None:
    assert first_incident(text, PUB).fatalities == dead


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        # a killing named by its noun, its victims counted after it (bulletin style)
        ("An assassination targets 3 members of the local council in the countryside of Daraa", 3),
        ("Assassination targets two fighters of a rebel brigade in Afrin city", 2),
        ("A beheading targets 2 members of the faction in Idlib countryside", 2),
        ("An execution by the militant group against six people in the town square", 6),
        ("Executions by shooting against 4 persons in the eastern countryside", 4),
        ("New assassination targets one of the council members in a town of Daraa", 1),
    ],
)
def test_a_killing_noun_with_its_victims_counts_them_dead(text: str, dead: int) -> None:
    assert first_incident(text, PUB).fatalities == dead


@pytest.mark.parametrize(
    "text",
    [
        # an attempt, or a count that is no victims, is no death toll
        "An assassination attempt targets 3 members of the local council in Daraa",
        "Gunmen execute a search warrant raid on a house in the town, wounding a guard",
        "Police foil an attempt to assassinate a commander of a rebel faction in the town",
        "Militants in the town failed to assassinate a local council member",
    ],
)
def test_an_attempt_or_a_thing_is_no_dead(text: str) -> None:
    incs = extract_from_text(text, PUB)
    assert not incs or not incs[0].fatalities


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        # "casualties" of a massacre are its dead (killed and wounded together otherwise)
        ("At least 15 casualties in a massacre by warplanes on a village in Idlib", 15),
        ("A massacre by warplanes leaves 12 casualties in a village in Idlib", 12),
    ],
)
def test_casualties_of_a_massacre_are_dead(text: str, dead: int) -> None:
    assert first_incident(text, PUB).fatalities == dead


def test_casualties_alone_stay_no_death_toll() -> None:
    assert first_incident("Shelling on the town causes 9 casualties", PUB).fatalities is None


@pytest.mark.parametrize(
    "text",
    [
        # the charge a victim was killed on is no second killing
        "Militants execute a man on charges of assassinating one of their commanders",
        "The group executes a young man accused of killing a fighter of the group",
    ],
)
def test_a_charge_is_no_second_victim(text: str) -> None:
    assert first_incident(text, PUB).fatalities == 1


def test_a_background_killing_noun_is_not_the_events_toll() -> None:
    inc = first_incident(
        "After the assassinations of about 200 people, the group arrests a cell and beheads its"
        " leader in the town",
        PUB,
    )
    assert inc.fatalities != 200


@pytest.mark.parametrize(
    "text",
    [
        # the same in Spanish: an attempt is no killing, a charge no second victim
        "Intentan asesinar a un comandante de la policía municipal en Fresnillo",
        "Sicarios trataron de matar a dos agentes en un retén de Culiacán",
    ],
)
def test_a_spanish_attempt_is_no_dead(text: str) -> None:
    incs = extract_from_text(text, PUB)
    assert not incs or not incs[0].fatalities


def test_a_spanish_charge_is_no_second_victim() -> None:
    text = "Ejecutan a un hombre acusado de asesinar a dos policías en Culiacán"
    assert first_incident(text, PUB).fatalities == 1

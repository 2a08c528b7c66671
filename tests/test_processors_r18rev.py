"""Review of the fourteenth rules round (issue 18, round r18rev): phrasings the rounds q18line,
q18place and q18kind did not try. Sentences written for this file in wire, bulletin and headline
styles; none is taken from the evaluation records."""

from __future__ import annotations

import pytest

from processors.language import detect_language
from processors.rules import extract_from_text
from processors.sentences import datelines
from tests.processors_support import first_incident

PUB = "2021-03-10"


@pytest.mark.parametrize(
    "text",
    [
        # a headline in capitals before a dash or colon is no dateline: its words are the
        # report's own (a dateline's words are no trigger and no count)
        "GUNMEN KILL FOUR SOLDIERS IN KANDAHAR - police said the attack began at dawn.",
        "TWO KILLED, FOURTEEN WOUNDED IN KANDAHAR: Police said on Monday.",
        "SOLDIERS KILLED: Police said on Monday that the attack began at dawn.",
        "TWO SOLDIERS KILLED IN KANDAHAR: Police said on Monday.",
        "THREE DEAD IN CULIACAN - police found the bodies on Monday.",
    ],
)
def test_a_headline_in_capitals_is_no_dateline(text: str) -> None:
    assert datelines(text) == []


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        ("GUNMEN KILL FOUR SOLDIERS IN KANDAHAR - police said the attack began at dawn.", 4),
        ("TWO SOLDIERS KILLED IN KANDAHAR: Police said the attack began at dawn.", 2),
    ],
)
def test_a_headline_in_capitals_keeps_its_toll(text: str, dead: int) -> None:
    assert first_incident(text, PUB).fatalities == dead


@pytest.mark.parametrize(
    "head",
    [
        "MEXICO CITY - ",
        "SAN LUIS POTOSÍ - ",
        "SAN CRISTÓBAL DE LAS CASAS, Chis., 8 de marzo (EFE).- ",
        "DERA ISMAIL KHAN, Pakistan, March 8 (Reuters) - ",
    ],
)
def test_a_town_of_several_words_still_heads_a_dateline(head: str) -> None:
    text = head + "Gunmen killed four soldiers."
    assert [text[a:b] for a, b in datelines(text)] == [head]
    assert extract_from_text(text, PUB)[0].fatalities == 4


@pytest.mark.parametrize(
    ("text", "dead"),
    [
        # a town whose name begins like an attempt verb ("Querétaro": quer-, "Buscalán": busc-)
        # before the kill verb is no attempt
        ("En Querétaro asesinan a dos policías municipales.", 2),
        ("En Querétaro matan a un hombre en la colonia Centro.", 1),
        ("En Buscalán matan a dos hombres.", 2),
    ],
)
def test_a_town_before_a_spanish_kill_verb_is_no_attempt(text: str, dead: int) -> None:
    assert first_incident(text, PUB).fatalities == dead


@pytest.mark.parametrize(
    "text",
    [
        "Intentan asesinar a un comandante en Culiacán.",
        "Buscaban matar a dos policías en Culiacán, dice la fiscalía.",
        "Quisieron ejecutar a un comandante en Culiacán.",
    ],
)
def test_a_spanish_attempt_to_kill_still_kills_no_one(text: str) -> None:
    incs = extract_from_text(text, PUB)
    assert all(not inc.fatalities for inc in incs)


@pytest.mark.parametrize(
    "text",
    [
        # a breach denied is no fighting: the truce is the news
        "The truce was not breached, officials said.",
        "The ceasefire has not been violated since Monday, officials said.",
        "The ceasefire hasn't been violated, the monitors said.",
    ],
)
def test_a_truce_not_breached_is_no_fighting(text: str) -> None:
    assert all(inc.sub_event_type != "Armed clash" for inc in extract_from_text(text, PUB))


@pytest.mark.parametrize(
    "text",
    [
        # "slaughter" of a single animal is no killing of people
        "Villagers slaughtered a cow for the festival in Kandahar on Monday.",
        "The family slaughters a goat every year in Kandahar.",
        "Residents slaughtered a buffalo and a pig for the wedding in Culiacan.",
    ],
)
def test_an_animal_slaughtered_is_no_incident(text: str) -> None:
    assert extract_from_text(text, PUB) == []


@pytest.mark.parametrize(
    "text",
    [
        # a toll's breakdown makes it fighting only when serving combatants are among the dead
        "Twelve people died yesterday in Idlib, including a retired police officer.",
        "Twelve people were killed yesterday in Idlib, including the wife of a soldier.",
        "Twelve people were killed yesterday in Idlib, including two soldiers' children.",
        "Twelve people died yesterday in Syria, including a former soldier and his wife.",
        # ... and when they died of violence
        "Twelve people died of COVID-19 yesterday in Idlib, including three soldiers.",
    ],
)
def test_a_breakdown_without_serving_combatants_is_no_fighting(text: str) -> None:
    assert all(inc.sub_event_type != "Armed clash" for inc in extract_from_text(text, PUB))


def test_a_toll_of_wounds_that_names_soldiers_is_still_fighting() -> None:
    text = "Twelve people died of their wounds yesterday in Idlib, including three soldiers."
    assert first_incident(text, PUB).sub_event_type == "Armed clash"


def test_a_breakdown_of_dozens_of_soldiers_is_fighting() -> None:
    text = "Forty people were killed yesterday in Idlib, including dozens of soldiers."
    assert first_incident(text, PUB).sub_event_type == "Armed clash"


@pytest.mark.parametrize(
    "text",
    [
        # a killing told as the cause of the arrests: the arrests are the event
        "After the killing of a farmer, police arrested four suspects in Culiacan.",
        "After a man was killed in Culiacan on Monday, police arrested four suspects.",
        "Following the killing of a journalist, police arrested four suspects in Culiacan.",
    ],
)
def test_arrests_after_a_killing_named_as_their_cause_stay_arrests(text: str) -> None:
    assert first_incident(text, PUB).sub_event_type == "Arrests"


@pytest.mark.parametrize(
    "text",
    [
        # a Spanish headline in Title Case whose words are half English-looking ("Hospital",
        # "Central", "Attack"): a Spanish function or number word says its language
        "Hospital General Sin Medicinas Ni Doctores",
        "Bar Central Attack Deja Tres Heridos",
    ],
)
def test_a_spanish_title_with_english_looking_words_is_not_english(text: str) -> None:
    assert detect_language(text) != "en"


@pytest.mark.parametrize(
    "text",
    ["Gunmen Kill Three In Culiacán", "Ex-Police Chief From Apatzingán Shot Dead"],
)
def test_an_english_title_naming_a_spanish_town_stays_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_a_killing_the_actor_did_before_arresting_is_the_event() -> None:
    # "after killing ...": the actor's own killing, told before its arrests
    text = "After killing about 40 civilians in Afrin and arresting 200 others, the factions left."
    assert first_incident(text, PUB).sub_event_type != "Arrests"


@pytest.mark.parametrize(
    "text",
    [
        # "execution" of a plan or an operation counts its targets, not dead
        "The execution of the military operation against 3 positions began in Idlib on Monday.",
        "The execution of the plan targeted 4 checkpoints of the army in Idlib on Monday.",
    ],
)
def test_an_execution_of_a_plan_counts_no_dead(text: str) -> None:
    assert all(not inc.fatalities for inc in extract_from_text(text, PUB))


def test_an_assassination_that_targets_people_still_counts_them() -> None:
    text = "An assassination targets 3 members of the council in Kandahar."
    assert first_incident(text, PUB).fatalities == 3

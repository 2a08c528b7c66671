"""Unit tests of the extractor's small steps: numbers, dates, sentences, casualties."""

from __future__ import annotations

from datetime import date

import pytest

from processors.casualties import find_casualties
from processors.dates import find_dates
from processors.numbers import Count, parse_count
from processors.sentences import datelines, split_sentences


@pytest.mark.parametrize(
    ("text", "value", "minimum"),
    [
        ("29", 29, None),
        ("at least 29", 29, 29),
        ("twenty-nine", 29, None),
        ("eight", 8, None),
        ("a dozen", 12, None),
        ("two dozen", 24, None),
        ("two hundred", 200, None),
        ("two hundred and five", 205, None),
        ("1,200", 1200, None),
        ("more than 100", 100, 100),
        ("several", None, 2),
        ("dozens of", None, 24),
        ("scores", None, 40),
    ],
)
def test_parse_count(text: str, value: int | None, minimum: int | None) -> None:
    assert parse_count(text) == Count(value, minimum)


def test_parse_count_none_without_number() -> None:
    assert parse_count("the army said") is None


@pytest.mark.parametrize(
    ("text", "fatalities", "injured"),
    [
        ("at least 29 people were killed", Count(29, 29), None),
        ("killing 6 civilians, including 2 women", Count(6, None), None),
        ("which resulted in eight injuries", None, Count(8, None)),
        ("This strike resulted in several enemy KIA [killed in action].", Count(None, 2), None),
        ("one person was injured, and the car was damaged", None, Count(1, None)),
        ("3 soldiers and 2 civilians were killed", Count(5, None), None),
        ("gunmen killed 10 people and wounded 4 others", Count(10, None), Count(4, None)),
        ("left 5 dead and 10 wounded", Count(5, None), Count(10, None)),
        ("No one was hurt in the blast", None, Count(0, None)),
        ("the blast killed a police officer", Count(1, None), None),
        ("Two hundred people died", Count(200, None), None),
        ("the death toll rose to 12", Count(12, None), None),
        ("The army said the town was calm", None, None),
    ],
)
def test_casualties(text: str, fatalities: Count | None, injured: Count | None) -> None:
    c = find_casualties(text)
    assert (c.fatalities, c.injured) == (fatalities, injured)


PUB = date(2023, 11, 23)  # a Thursday


@pytest.mark.parametrize(
    ("text", "iso", "precision", "kind"),
    [
        ("On the morning of November 22 in Iraq", "2023-11-22", "day", "explicit"),
        ("On Tuesday, the Pentagon said", "2023-11-21", "day", "relative"),
        ("on Thursday", "2023-11-23", "day", "relative"),
        ("last Thursday", "2023-11-16", "day", "relative"),
        ("Yesterday at dawn a drone", "2023-11-22", "day", "relative"),
        ("strikes overnight", "2023-11-22", "day", "relative"),
        ("last week", "2023-11-16", "week", "relative"),
        ("two days ago", "2023-11-21", "day", "relative"),
        ("on 30 December", "2022-12-30", "day", "explicit"),
        ("Nov. 5, 2022", "2022-11-05", "day", "explicit"),
        ("in March 2023", "2023-03-01", "month", "explicit"),
        ("since 17 October", "2023-10-17", "day", "since"),
    ],
)
def test_dates_resolved_against_publication(text: str, iso: str, precision: str, kind: str) -> None:
    found = find_dates(text, PUB)
    assert [(d.date.isoformat(), d.precision, d.kind) for d in found] == [(iso, precision, kind)]


def test_dates_without_publication_only_explicit_with_year() -> None:
    assert find_dates("on Tuesday, yesterday, on November 22", None) == []
    found = find_dates("on 22 November 2023", None)
    assert [d.date.isoformat() for d in found] == ["2023-11-22"]


def test_sentence_split_offsets_and_abbreviations() -> None:
    text = 'Mr. Smith met U.S. troops on Jan. 5. Then he left!\n"Yes." He did.\nREAD: other story'
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Mr. Smith met U.S. troops on Jan. 5.",
        "Then he left!",
        '"Yes."',
        "He did.",
        "READ: other story",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)
    assert [s.paragraph for s in sents] == [0, 0, 1, 1, 2]
    assert [s.furniture for s in sents] == [False, False, False, False, True]


def test_datelines_found_only_at_paragraph_start() -> None:
    text = "GOMA, Democratic Republic of Congo, Feb 8 — M23 rebels fought.\nGunmen - killed two."
    spans = datelines(text)
    assert len(spans) == 1
    assert text[spans[0][0] : spans[0][1]].startswith("GOMA")


def test_short_english_headline_full_of_spanish_names_is_english() -> None:
    from processors.language import detect_language

    # the n-gram model reads the names; the lowercase words are all English
    assert detect_language("Gunmen kill police chief in San Juan Evangelista, Veracruz") == "en"
    assert detect_language("Cartel leader El Gordo arrested in Zapopan, Jalisco") == "en"
    # Spanish ones stay Spanish: function words of Spanish, words English does not have
    assert detect_language("Matan a dos hombres en la colonia Las Flores de Zapopan") == "es"
    assert detect_language("Asesinan a un comerciante dentro de su negocio") == "es"

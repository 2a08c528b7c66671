"""Property-based tests of the incident extractor and its number and date parsers.

Texts are generated from a news-like vocabulary (event words, counts in digits and words,
dates, place names) mixed with arbitrary Unicode, so the rules fire on odd inputs. Properties:
nothing raises; counts round-trip; date mentions point into the text; every incident validates
against the committed JSON Schema (wirewatch/schemas/wirewatch.incidents.v1.json) and its
evidence is a verbatim slice of the text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import jsonschema
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from processors import extract_from_text, extract_incidents
from processors.dates import find_dates
from processors.numbers import parse_count, parse_number
from wirewatch import schemas
from wirewatch.contracts import Article, Incident

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALIDATOR = jsonschema.Draft202012Validator(schemas.load("incidents"))

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WORDS = [
    *"killed wounded injured dead died shot clashes clashed fighting protesters police army "
    "soldiers rebels militants airstrike drone strike shelling explosion bomb IED suicide "
    "attack attacked abducted kidnapped arrested looted rioters demonstrators troops gunmen "
    "at least more than nearly about several dozens scores hundreds of civilians people "
    "children women in near on the and a were was by yesterday today last night on Tuesday "
    "earlier this week since in Kabul Aleppo Gaza Khartoum Mosul Donetsk Lagos Mogadishu "
    "Sudan Syria Ukraine Nigeria".split(),
    "twenty-nine",
    "a dozen",
    "two hundred and five",
    "1,200",
    "3.5 million",
    ".",
    ",",
    "\n",
    "  ",
]


@st.composite
def news_texts(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 9))
        if kind < 6:
            parts.append(draw(st.sampled_from(WORDS)))
        elif kind == 6:
            parts.append(str(draw(st.integers(0, 10**7))))
        elif kind == 7:
            day = draw(st.integers(0, 32))
            parts.append(f"{day} {draw(st.sampled_from(MONTHS))} {draw(st.integers(1, 9999))}")
        else:
            parts.append(draw(st.text(max_size=8)))
    return " ".join(parts)


def _check_incidents(text: str, incidents: list[Incident]) -> None:
    for inc in incidents:
        doc = inc.model_dump(mode="json")
        errors = sorted(VALIDATOR.iter_errors(doc), key=str)
        assert not errors, (errors[0].message, doc)
        ev = inc.evidence
        assert 0 <= ev.start <= ev.end <= len(text), (ev.start, ev.end, len(text))
        assert text[ev.start : ev.end] == ev.text
        Incident.model_validate_json(inc.model_dump_json())  # round-trips


@FUZZ
@given(news_texts(), st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1))))
@example("", None)
@example(
    "Gunmen killed 12 civilians and wounded at least 30 in Kabul on Tuesday.", date(2024, 3, 5)
)
@example("x" * 5000 + " killed 3 people", None)
@example("\u0000\ufeff\u202e killed \U0001f4a5 two hundred and five in Gaza\u2028", None)
def test_extract_from_text_never_raises_and_validates(text: str, published: date | None) -> None:
    _check_incidents(text, extract_from_text(text, published_at=published))


@FUZZ
@given(
    news_texts(), st.one_of(st.none(), st.text(max_size=40)), st.sampled_from([None, "en", "ar"])
)
def test_extract_incidents_on_articles(text: str, title: str | None, language: str | None) -> None:
    article = Article(
        article_id="fuzz-1",
        url="https://example.test/a",
        title=title,
        text=text,
        language=language,
        published_at=datetime(2024, 3, 5, tzinfo=UTC),
    )
    incidents = extract_incidents(article)
    assert all(i.article_id == "fuzz-1" for i in incidents)
    _check_incidents(text, incidents)


@FUZZ
@given(st.text(max_size=200))
def test_parse_count_never_raises(text: str) -> None:
    count = parse_count(text)
    if count is not None:
        assert count.value is None or count.value >= 0
        assert count.minimum is None or count.minimum >= 0
        assert count.lower >= 0


@FUZZ
@given(st.integers(0, 10**9))
def test_numbers_in_digits_round_trip(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"about {n} people") == n


@FUZZ
@given(news_texts(), st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1))))
def test_find_dates_spans_point_into_the_text(text: str, published: date | None) -> None:
    mentions = find_dates(text, published)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end].strip()
        assert m.precision in ("day", "week", "month", "year")
        assert m.kind in ("explicit", "relative", "since", "later", "earlier")
    shifted = find_dates(text, published, offset=17)
    assert [(m.start + 17, m.end + 17, m.date) for m in mentions] == [
        (m.start, m.end, m.date) for m in shifted
    ]


@FUZZ
@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.text(max_size=20))  # 19xx-20xx years
def test_explicit_dates_are_found_exactly(day: date, noise: str) -> None:
    text = f"{noise} on {day.day} {MONTHS[day.month - 1]} {day.year}, fighting".replace("\n", " ")
    found = [m for m in find_dates(text, None) if m.kind == "explicit" and m.precision == "day"]
    assert day in {m.date for m in found}, (text, found)

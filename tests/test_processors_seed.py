"""The user's seed article gives the four hand-annotated incidents, field by field, in order."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from processors import EXTRACTOR_NAME, extract_incidents
from wirewatch.contracts import Article

FIXTURES = Path(__file__).parent / "fixtures"


def _fold(name: str) -> str:
    """Compare place names without accents, case or a leading "near"."""
    name = name.removeprefix("near ")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in name.lower() if c.isalnum())


@pytest.fixture(scope="module")
def seed() -> tuple[Article, dict, list]:
    doc = json.loads((FIXTURES / "seed-article.json").read_text())
    expected = json.loads((FIXTURES / "seed-expected.json").read_text())
    article = Article(
        article_id=doc["id"],
        url=doc["url"],
        title=doc["title"],
        text=doc["text"],
        published_at=doc["published_at"],
    )
    return article, expected, extract_incidents(article)


def test_seed_gives_four_incidents(seed) -> None:
    _article, expected, got = seed
    assert len(got) == len(expected["incidents"]) == 4


@pytest.mark.parametrize("i", range(4))
def test_seed_incident_fields(seed, i: int) -> None:
    _article, expected, got = seed
    exp, inc = expected["incidents"][i], got[i]
    assert inc.event_type == exp["event_type"]
    assert inc.sub_event_type == exp["sub_event_type"]
    assert inc.date == exp["date"]
    assert inc.date_precision == exp["date_precision"]
    assert inc.fatalities == exp["fatalities"]
    assert inc.fatalities_min == exp.get("fatalities_min")
    assert inc.injured == exp["injured"]
    assert inc.location is not None
    assert inc.location.country_iso3 == exp["location"]["country_iso3"]
    assert inc.location.precision == exp["location"]["precision"]
    assert _fold(inc.location.name) == _fold(exp["location"]["name"])
    if "admin1" in exp["location"]:
        assert _fold(inc.location.admin1 or "") == _fold(exp["location"]["admin1"])
    if "lat" in exp["location"]:
        assert inc.location.lat == pytest.approx(exp["location"]["lat"], abs=0.2)
        assert inc.location.lon == pytest.approx(exp["location"]["lon"], abs=0.2)


def test_seed_evidence_offsets_and_metadata(seed) -> None:
    article, _expected, got = seed
    ids = set()
    for inc in got:
        ev = inc.evidence
        assert 0 <= ev.start < ev.end <= len(article.text)
        assert article.text[ev.start : ev.end] == ev.text
        assert inc.article_id == article.article_id
        assert inc.extractor.name == EXTRACTOR_NAME
        assert 0.0 <= inc.confidence <= 1.0
        assert inc.language == "en"
        ids.add(inc.incident_id)
    assert len(ids) == 4
    # the aggregate paragraph and the READ: link are not incidents
    read_at = article.text.index("READ:")
    singh_at = article.text.index("In Washington")
    assert all(not (read_at <= inc.evidence.start < read_at + 50) for inc in got)
    assert all(inc.evidence.start < singh_at for inc in got)


def test_seed_is_deterministic(seed) -> None:
    article, _expected, got = seed
    again = extract_incidents(article)
    assert [i.model_dump() for i in again] == [i.model_dump() for i in got]


def test_seed_details(seed) -> None:
    _article, _expected, got = seed
    assert "close-range ballistic missile" in got[1].weapons
    assert any("AFP" in s for s in got[3].sources)
    assert any(a.role == "actor1" and a.type == "unidentified" for a in got[3].actors)

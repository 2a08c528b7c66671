"""Builders of valid contract records for tests and benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

from wirewatch.contracts import (
    Actor,
    Article,
    Evidence,
    ExtractorInfo,
    Incident,
    Location,
    stable_key,
)

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed-article.json"


def seed_articles(n: int) -> list[Article]:
    """``n`` copies of the seed article (which yields incidents) at https://x.test/<i>, each
    with its own id, for tests that put articles on a topic and wait for incidents."""
    seed = json.loads(SEED_ARTICLE.read_text())
    return [
        Article(
            article_id=stable_key(f"https://x.test/{i}"),
            url=f"https://x.test/{i}",
            text=seed["text"],
            title=seed["title"],
            published_at=seed["published_at"] + "T00:00:00Z",
        )
        for i in range(n)
    ]


def make_incident(i: int, *, text_size: int = 0) -> Incident:
    text = f"Incident number {i} happened." + ("x" * text_size)
    return Incident(
        incident_id=f"inc-{i:06d}",
        article_id=f"art-{i // 4:06d}",
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        date="2023-11-22",
        date_precision="day",
        actors=[Actor(name="Unidentified", role="actor1", type="unidentified")],
        location=Location(
            name="Abu Ghraib",
            country="Iraq",
            country_iso3="IRQ",
            lat=33.3,
            lon=44.18,
            precision="town",
        ),
        fatalities=i % 5,
        injured=None,
        evidence=Evidence(text=text, start=0, end=len(text)),
        confidence=0.8,
        extractor=ExtractorInfo(name="test", version="0"),
    )

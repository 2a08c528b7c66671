"""Builders of valid contract records for tests and benchmarks."""

from __future__ import annotations

from wirewatch.contracts import Actor, Evidence, ExtractorInfo, Incident, Location


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

"""Fixtures of the wirewatch ui tests: incident JSONL files and a server on a free port."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from wirewatch.contracts import Actor, Event, Evidence, ExtractorInfo, Incident, Location
from wirewatch.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES_OF
from wirewatch.ui import JsonlEventStore, make_server
from wirewatch.ui.health import STAGE_OUTPUTS, EmbeddedHealth

INCIDENTS_FILE = "wirewatch.incidents.v1.jsonl"
EVENTS_FILE = "wirewatch.events.v1.jsonl"
ARTICLES_FILE = "wirewatch.articles.v1.jsonl"
CANDIDATES = ("wirewatch.events.v1.jsonl", INCIDENTS_FILE)
COUNTRIES = ("Iraq", "Mali", "Peru", "Kenya", "Syria")  # names only: places are spread at random
AGENCIES = ("Agency A", "Agency B", "Agency C")


def incident(i: int, *, event_type: str | None = None, seed: int = 16) -> Incident:
    """A valid incident; types cycle through the taxonomy, places spread over the land."""
    rng = random.Random(seed * 100_003 + i)
    etype = event_type or EVENT_TYPES[i % len(EVENT_TYPES)]
    evidence = f"Witnesses said incident {i} left {i % 9} people dead near town {i}."
    return Incident(
        incident_id=f"inc-{i:06d}",
        article_id=f"art-{i:06d}",
        event_type=etype,
        sub_event_type=SUB_EVENT_TYPES_OF[etype][0],
        date=f"2026-11-{1 + i % 28:02d}",
        date_precision="day",
        actors=[Actor(name=f"Group {i % 5}", role="actor1", type="militia")],
        location=Location(
            name=f"Town {i}",
            country=COUNTRIES[i % len(COUNTRIES)],
            lat=round(rng.uniform(-50, 70), 4),
            lon=round(rng.uniform(-170, 170), 4),
            precision="town",
        ),
        fatalities=i % 9,
        injured=None,
        sources=[f"https://news.example/article/{i}", AGENCIES[i % len(AGENCIES)]],
        evidence=Evidence(text=evidence, start=0, end=len(evidence)),
        confidence=0.7,
        extractor=ExtractorInfo(name="test", version="0"),
    )


def event_of(incs: list[Incident], n: int) -> Event:
    """One event made of ``incs`` (same type and place), as the cluster stage writes it."""
    first = incs[0]
    dates = sorted(i.date for i in incs if i.date)
    return Event(
        event_id=f"ev-{n:06d}",
        version=len(incs),
        event_type=first.event_type,
        sub_event_type=first.sub_event_type,
        first_date=dates[0],
        last_date=dates[-1],
        location=first.location,
        fatalities=max(i.fatalities or 0 for i in incs),
        incident_ids=[i.incident_id for i in incs],
        article_ids=[i.article_id for i in incs],
        sources=sorted({s for i in incs for s in i.sources}),
        confidence=0.7,
        first_reported_at=datetime(2026, 11, 1, tzinfo=UTC),
        last_reported_at=datetime(2026, 11, 2, tzinfo=UTC),
    )


def write_incidents(path: Path, incidents: list[Incident] | list[Event]) -> None:
    with path.open("ab") as fh:
        for inc in incidents:
            fh.write(inc.model_dump_json().encode() + b"\n")


def article_url(i: int) -> str:
    return f"https://wire.example/story/{i}.html"


def write_articles(path: Path, numbers: range) -> None:
    """The fields of the articles topic the viewer uses (the text is left out)."""
    with path.open("a") as fh:
        for i in numbers:
            rec = {"article_id": f"art-{i:06d}", "url": article_url(i), "title": f"Story {i}"}
            fh.write(json.dumps(rec) + "\n")


@contextmanager
def ui_server(directory: Path) -> Iterator[str]:
    store = JsonlEventStore(
        directory, CANDIDATES, articles_file=ARTICLES_FILE, incidents_file=INCIDENTS_FILE
    )
    health = EmbeddedHealth(
        directory,
        {kind: f"wirewatch.{kind}.v1.jsonl" for kind in STAGE_OUTPUTS},
        directory / "state.db",
        stale_factor=5.0,
    )
    server = make_server(store, "127.0.0.1", 0, health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()

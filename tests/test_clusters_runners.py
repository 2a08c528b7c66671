"""The cluster stage in both runners: wire copies marked, one set of incidents, one event per
real event with its versions (embedded: JSONL; Kafka: the real broker, read_committed)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaProducer

from clusters.events import outlet_of, shard_key
from ingest import FeedSpec
from sinks.jsonl import JsonlSink
from testkit.http import ARTICLE_HTML, REPO, LocalServer, Reply, rss
from testkit.pipeline import read_topic, run_stage
from tests.broker_support import send_incidents
from tests.hostile_support import hostile_settings
from tests.test_clusters import ABU_GHRAIB, incident
from wirewatch.config import ClusterSettings, KafkaSettings, MetricsSettings, Settings
from wirewatch.contracts import Article, Incident
from wirewatch.runners.embedded import EmbeddedRunner, RunStats, SqliteTable
from wirewatch.topics import Topics

WIRE = [
    "BAGHDAD (Wire) - An air strike killed three people in Abu Ghraib, Iraq on Tuesday, "
    "police said.",
    "The strike hit a house on the edge of the town shortly after midnight, according to a "
    "police officer who spoke on condition of anonymity because he was not authorised to "
    "brief reporters.",
    "Residents said they heard aircraft overhead for several minutes before the explosion, "
    "which damaged neighbouring buildings and shattered windows along the main road.",
    "The provincial health directorate said the wounded were taken to a hospital in the "
    "capital, where doctors described the condition of two of them as critical.",
    "No party has said it carried out the strike, and the defence ministry declined to "
    "comment when contacted by telephone on Tuesday afternoon.",
]
# the same wire copy as five outlets run it: other headlines, boilerplate, trimmed paragraphs
COPIES = [
    ("Air strike kills three in Abu Ghraib", WIRE),
    ("Three dead in strike west of Baghdad", [*WIRE, "Follow us for more world news."]),
    ("Strike on house kills three", ["Advertisement.", *WIRE[:-1]]),
    ("Iraq: deadly air strike", [*WIRE[:4], "Sign up for our daily newsletter."]),
    ("Abu Ghraib strike: three killed", ["Breaking news.", *WIRE, "Copyright 2024."]),
]
# long enough for the fetcher to see an article, saying nothing about any incident, and
# different in each article (shared text would make them near-duplicates of each other)
FILLER = [
    [
        "The town lies on the main road west of the capital and is home to farmers and "
        "traders who moved there from the city over the past decade.",
        "Its market reopened last spring after repairs paid for by a foreign donor.",
    ],
    [
        "Doctors at the hospital said they were short of blood and asked residents to donate, "
        "while volunteers handed out water outside the emergency ward.",
        "The governor promised compensation to the families of the victims.",
    ],
    [
        "Organisers said the march would be repeated every week until the ministry publishes a "
        "schedule for repairing the grid, which summer heat has overloaded.",
        "Shops along the route closed their shutters as the crowd passed.",
    ],
]


LATER = [
    (
        "Toll rises to five",
        [
            "An air strike on Tuesday killed five people in Abu Ghraib, Iraq, police said on "
            "Wednesday, as rescuers pulled more bodies from the rubble of the house.",
            *FILLER[0],
        ],
    ),
    (
        "Toll rises to seven",
        [
            "An air strike killed seven people in Abu Ghraib, Iraq on Tuesday, hospital officials "
            "said on Wednesday.",
            *FILLER[1],
        ],
    ),
    (
        "Protest over power cuts",
        [
            "Hundreds of people protested peacefully in Abu Ghraib, Iraq on Tuesday against "
            "power cuts, marching to the municipal building.",
            *FILLER[2],
        ],
    ),
]


def _latest_events(bootstrap: str, topic: str) -> dict[str, dict]:
    """The latest record of each event on ``topic``, checking that versions rise by one."""
    latest: dict[str, dict] = {}
    for m in read_topic(bootstrap, topic):
        ev = json.loads(m.value)
        assert ev["version"] == latest.get(ev["event_id"], {"version": 0})["version"] + 1
        latest[ev["event_id"]] = ev
    return latest


def _page(slug: str, title: str, paragraphs: list[str]) -> bytes:
    ps = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return ARTICLE_HTML.format(title=title, slug=slug, paragraphs=ps).encode()


def serve_wire_story(stack: contextlib.ExitStack) -> list[LocalServer]:
    """One server per wire copy (outlet 127.0.0.1:<port>), entered on ``stack``; the feed
    (``/feed.xml``) and the later reports are on the first one."""
    servers = [stack.enter_context(LocalServer()) for _ in COPIES]
    srv = servers[0]
    items = []
    for i, (title, paras) in enumerate([*COPIES, *LATER]):
        path = f"/story/{i}"
        host = servers[i] if i < len(servers) else srv
        host.route(path, Reply(200, _page(f"s{i}", title, paras), {"Content-Type": "text/html"}))
        items.append({"title": title, "link": host.url(path), "guid": path})
    srv.route("/feed.xml", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
    return servers


@contextlib.contextmanager
def bounded_wire_story(
    max_event_members: int,
) -> Iterator[tuple[Settings, list[FeedSpec], list[LocalServer]]]:
    """The wire story served (:func:`serve_wire_story`) for the embedded runner: the hostile-input
    harness's settings with the cluster stage's member bound at ``max_event_members``, the
    story's feed and its servers (one per outlet)."""
    settings = hostile_settings()
    settings.cluster = ClusterSettings(max_event_members=max_event_members)
    with contextlib.ExitStack() as stack:
        servers = serve_wire_story(stack)
        yield settings, [FeedSpec(url=servers[0].url("/feed.xml"))], servers


def run_embedded_once(
    settings: Settings, feeds: list[FeedSpec], out: Path, state: SqliteTable | None = None
) -> RunStats:
    """One ``run(once=True)`` of the embedded runner over ``feeds``: its topics as JSONL files
    under ``out``, its stage tables in ``state`` (the caller's to close: it may read them)."""
    sink = JsonlSink(out, topics=Topics("wirewatch"))
    sink.setup()
    runner = EmbeddedRunner(settings, feeds, sink, state=state)
    try:
        return asyncio.run(runner.run(once=True, timeout=120))
    finally:
        sink.close()


def test_wire_copies_and_a_rising_toll_in_the_embedded_runner(tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        servers = serve_wire_story(stack)
        srv = servers[0]
        outlets = {outlet_of(s.url("/")) for s in servers}
        stats = run_embedded_once(
            hostile_settings(), [FeedSpec(url=srv.url("/feed.xml"))], tmp_path
        )
    assert stats.articles == 8 and stats.dead_letters == 0

    def read(kind: str) -> list[dict]:
        path = tmp_path / f"wirewatch.{kind}.v1.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]

    copies = [a for a in read("articles") if a["title"] in {t for t, _ in COPIES}]
    originals = [a for a in copies if a["duplicate_of"] is None]
    assert len(copies) == 5 and len(originals) == 1
    assert {a["duplicate_of"] for a in copies if a not in originals} == {originals[0]["article_id"]}
    assert all(a["duplicate_similarity"] >= 0.5 for a in copies if a not in originals)

    # one set of incidents: the copies have none of their own
    incidents = read("incidents")
    assert len({i["incident_id"] for i in incidents}) == len(incidents)
    by_article: dict[str, list[dict]] = {}
    for inc in incidents:
        by_article.setdefault(inc["article_id"], []).append(inc)
    assert set(by_article) <= {a["article_id"] for a in read("articles") if not a["duplicate_of"]}
    assert [i["fatalities"] for i in by_article[originals[0]["article_id"]]] == [3]

    latest: dict[str, dict] = {}
    for ev in read("events"):
        assert ev["version"] == latest.get(ev["event_id"], {"version": 0})["version"] + 1
        latest[ev["event_id"]] = ev
    strikes = [e for e in latest.values() if e["sub_event_type"] == "Air/drone strike"]
    protests = [e for e in latest.values() if e["event_type"] == "Protests"]
    assert len(strikes) == 1 and len(protests) == 1
    (strike,) = strikes
    assert strike["fatalities"] == 7
    assert [r["fatalities"] for r in strike["toll_history"]] == [3, 5, 7]
    # the 4 copies count as 4 more articles and outlets of the original's event (a copy
    # processed before its original joins the original's first version, so the number of
    # versions depends on the order; the check above holds it to one per record written)
    assert len(outlets) == 5 and set(strike["outlets"]) == outlets
    assert len(strike["incident_ids"]) == 3 and len(strike["article_ids"]) == 7
    copy_ids = {a["article_id"] for a in copies}
    assert copy_ids <= set(strike["article_ids"])
    assert {c["article_id"] for c in read("copies")} == copy_ids - {originals[0]["article_id"]}


@pytest.mark.kafka
def test_a_rising_toll_in_the_kafka_runner_and_state_restored_on_restart(
    kafka_settings: KafkaSettings, tmp_path: Path
) -> None:
    topics = Topics(kafka_settings.topic_prefix)
    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    far = ABU_GHRAIB.model_copy(update={"name": "Mosul", "lat": 36.34, "lon": 43.13})
    reports = [
        # three reports of one strike on three partitions, a strike elsewhere, a protest there
        (0, incident(1, killed=3, outlet="a.test")),
        (1, incident(2, killed=5, outlet="b.test", day="2024-03-06")),
        (2, incident(3, killed=7, outlet="c.test")),
        (1, incident(4, killed=2, where=far)),
        (2, incident(5, sub="Peaceful protest", event_type="Protests")),
    ]

    def send(items: list) -> None:
        for partition, inc in items:
            send_incidents(kafka_settings, inc, partition=partition)

    # one report at a time, so the order of the reports is known
    for item in reports[:3]:
        send([item])
        run_stage(settings, "cluster", 1)
    send(reports[3:])
    run_stage(settings, "cluster", 2)
    # a fourth report after a restart: the new worker restored the event from the topic
    send([(0, incident(6, killed=8, outlet="d.test", day="2024-03-06"))])
    run_stage(settings, "cluster", 1)

    out = read_topic(kafka_settings.bootstrap_servers, topics.name("events"))
    assert {h: v.decode() for h, v in out[0].headers}["ce_type"] == "io.wirewatch.event.v1"
    latest: dict[str, dict] = {}
    partitions: dict[str, set[int]] = {}
    for m in out:
        ev = json.loads(m.value)
        assert m.key.decode() == ev["event_id"]
        assert ev["version"] == latest.get(ev["event_id"], {"version": 0})["version"] + 1
        latest[ev["event_id"]] = ev
        partitions.setdefault(ev["event_id"], set()).add(m.partition)
    assert len(latest) == 3
    assert all(len(p) == 1 for p in partitions.values())  # one event, one partition
    (strike,) = [e for e in latest.values() if "inc-1" in e["incident_ids"]]
    assert strike["version"] == 4 and strike["fatalities"] == 8
    assert [r["fatalities"] for r in strike["toll_history"]] == [3, 5, 7, 8]
    assert strike["outlets"] == ["a.test", "b.test", "c.test", "d.test"]
    assert read_topic(kafka_settings.bootstrap_servers, topics.deadletter, idle_ms=1000) == []

    # the example consumer keeps the same latest version per event
    db = tmp_path / "events.db"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "examples" / "events_consumer.py"),
            "--bootstrap",
            kafka_settings.bootstrap_servers,
            "--topic",
            topics.name("events"),
            "--db",
            str(db),
            "--until-idle",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT event_id, version FROM events"))
    assert rows == {k: v["version"] for k, v in latest.items()}


@pytest.mark.kafka
def test_wire_copies_count_as_outlets_of_one_event_in_the_kafka_runner(
    kafka_settings: KafkaSettings,
) -> None:
    """The fetch stage's output for the five-host wire story (1 original + 4 copies marked
    ``duplicate_of``) through the process and cluster workers on the real broker."""
    topics = Topics(kafka_settings.topic_prefix)
    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    hosts = [f"https://outlet{i}.test/wire" for i in range(len(COPIES))]
    articles = [
        Article(
            article_id=f"art-{i}",
            url=url,
            title=title,
            text="\n".join(paras),
            language="en",
            published_at="2024-03-05T10:00:00+00:00",
            duplicate_of=None if i == 0 else "art-0",
            duplicate_similarity=None if i == 0 else 0.8,
        )
        for i, (url, (title, paras)) in enumerate(zip(hosts, COPIES, strict=True))
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")
    # the copies on another partition than the original: either may reach the cluster first
    for i, a in enumerate(articles):
        producer.send(
            topics.articles,
            key=a.article_id.encode(),
            value=a.model_dump_json().encode(),
            partition=0 if i == 0 else 1 + i % 2,
        )
    producer.flush(timeout=30)
    producer.close()

    run_stage(settings, "process", len(articles))
    incidents = read_topic(kafka_settings.bootstrap_servers, topics.incidents)
    assert [json.loads(m.value)["article_id"] for m in incidents] == ["art-0"]  # one set
    copies = read_topic(kafka_settings.bootstrap_servers, topics.name("copies"))
    assert sorted(json.loads(m.value)["article_id"] for m in copies) == [
        f"art-{i}" for i in range(1, 5)
    ]
    # the cluster reads them sharded: the incident by its shard, each copy on every partition
    sharded = read_topic(kafka_settings.bootstrap_servers, topics.name("sharded-incidents"))
    original = Incident.model_validate_json(incidents[0].value)
    assert [m.key.decode() for m in sharded] == [shard_key(original)]
    broadcast = read_topic(kafka_settings.bootstrap_servers, topics.name("broadcast-copies"))
    assert sorted(json.loads(m.value)["article_id"] for m in broadcast) == sorted(
        f"art-{i}" for i in range(1, 5) for _ in range(kafka_settings.partitions)
    )
    run_stage(settings, "cluster", len(sharded) + len(broadcast))

    latest = _latest_events(kafka_settings.bootstrap_servers, topics.name("events"))
    (event,) = latest.values()
    assert event["fatalities"] == 3 and len(event["incident_ids"]) == 1
    assert sorted(event["article_ids"]) == [a.article_id for a in articles]
    assert sorted(event["outlets"]) == [f"outlet{i}.test" for i in range(5)]
    assert read_topic(kafka_settings.bootstrap_servers, topics.deadletter, idle_ms=1000) == []


@pytest.mark.kafka
def test_a_copy_read_before_a_restart_counts_when_its_original_comes_after_it(
    kafka_settings: KafkaSettings,
) -> None:
    """A wire copy reaches the cluster worker before its original; the worker stops (a
    restart, a rebalance) before the original's incident comes; the new worker that reads the
    incident counts the copy as a source of the event (its waiting copies came back from the
    compacted copies topic)."""
    topics = Topics(kafka_settings.topic_prefix)
    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    (title, paras), (copy_title, copy_paras) = COPIES[0], COPIES[1]
    original, copy = (
        Article(
            article_id=f"art-{i}",
            url=f"https://outlet{i}.test/wire",
            title=t,
            text="\n".join(p),
            language="en",
            published_at="2024-03-05T10:00:00+00:00",
            duplicate_of=None if i == 0 else "art-0",
            duplicate_similarity=None if i == 0 else 0.8,
        )
        for i, (t, p) in enumerate([(title, paras), (copy_title, copy_paras)])
    )
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")

    def send(article: Article) -> None:
        producer.send(
            topics.articles,
            key=article.article_id.encode(),
            value=article.model_dump_json().encode(),
        )
        producer.flush(timeout=30)

    send(copy)
    run_stage(settings, "process", 1)
    # the cluster worker reads the copy (one record per partition) and stops: nothing holds
    # the original yet, so the copy waits; no event is written
    run_stage(settings, "cluster", kafka_settings.partitions)
    assert read_topic(kafka_settings.bootstrap_servers, topics.name("events"), 1000) == []
    send(original)
    run_stage(settings, "process", 1)
    run_stage(settings, "cluster", 1)  # a new worker: the original's incident

    latest = _latest_events(kafka_settings.bootstrap_servers, topics.name("events"))
    (event,) = latest.values()
    assert event["version"] == 1 and event["fatalities"] == 3
    assert event["article_ids"] == ["art-0", "art-1"]
    assert event["outlets"] == ["outlet0.test", "outlet1.test"]
    assert read_topic(kafka_settings.bootstrap_servers, topics.deadletter, idle_ms=1000) == []


# an article that reports no incident, long enough for the near-duplicate check
QUIET = [
    "The town's library reopened on Monday after a two-year renovation paid for by the "
    "provincial council, with new reading rooms, a children's section and a collection of local "
    "history documents given by families who have lived in the area for generations.",
    *FILLER[0],
]


def test_the_cluster_state_and_waiting_copies_survive_a_restart_of_the_embedded_runner(
    tmp_path: Path,
) -> None:
    """Run 1: a strike report (toll 3), an article that reports nothing yet and its wire copy
    on another outlet (the copy waits: its original has no incident). Run 2, same state file:
    the original's page was updated with a toll of five. The event of run 1 gets version 2
    with both tolls, and the copy waiting since run 1 counts as one of its sources."""
    with LocalServer() as srv, LocalServer() as other:
        html = {"Content-Type": "text/html"}
        strike_title, strike = COPIES[0]
        srv.route("/story/strike", Reply(200, _page("strike", strike_title, strike), html))
        quiet = _page("library", "Library reopens", QUIET)
        srv.route("/story/library", Reply(200, quiet, html))
        other.route("/story/library", Reply(200, quiet, html))
        items = {
            "strike": (strike_title, srv.url("/story/strike")),
            "first": ("Library reopens", srv.url("/story/library")),
            "second": ("Library reopens", other.url("/story/library")),
        }

        def feed(updated: dict[str, str]) -> None:
            rss_items = [
                {
                    "title": updated.get(k, title),
                    "link": link,
                    "guid": link,
                    "pubDate": "Tue, 05 Mar 2024 12:00:00 GMT"
                    if k in updated
                    else "Tue, 05 Mar 2024 10:00:00 GMT",
                }
                for k, (title, link) in items.items()
            ]
            srv.route(
                "/feed.xml", Reply(200, rss(rss_items), {"Content-Type": "application/rss+xml"})
            )

        def run_once() -> None:
            state = SqliteTable(tmp_path / "state.db")
            try:
                feeds = [FeedSpec(url=srv.url("/feed.xml"))]
                stats = run_embedded_once(hostile_settings(), feeds, tmp_path, state)
            finally:
                state.close()
            assert stats.dead_letters == 0

        def read(kind: str) -> list[dict]:
            path = tmp_path / f"wirewatch.{kind}.v1.jsonl"
            return [json.loads(line) for line in path.read_text().splitlines()]

        feed({})
        run_once()
        articles = {a["url"]: a for a in read("articles")}
        (copy,) = [a for a in articles.values() if a["duplicate_of"]]
        original = next(a for a in articles.values() if a["article_id"] == copy["duplicate_of"])
        assert {i["article_id"] for i in read("incidents")} == {
            articles[items["strike"][1]]["article_id"]
        }  # the library story reports nothing: its copy waits
        (first,) = read("events")
        assert first["version"] == 1 and first["fatalities"] == 3

        # the original's page (whichever outlet's was fetched first) now reports the strike
        later_title, later = LATER[0]
        which = next(k for k, (_, link) in items.items() if link == original["url"])
        host = srv if which == "first" else other
        host.route("/story/library", Reply(200, _page("library", later_title, later), html))
        feed({which: later_title})
        run_once()

    history: dict[str, list[int]] = {}
    latest: dict[str, dict] = {}
    for ev in read("events"):
        history.setdefault(ev["event_id"], []).append(ev["version"])
        latest[ev["event_id"]] = ev
    assert history == {first["event_id"]: [1, 2]}  # one event, its versions across the runs
    event = latest[first["event_id"]]
    assert [r["fatalities"] for r in event["toll_history"]] == [3, 5]
    assert copy["article_id"] in event["article_ids"]
    assert outlet_of(copy["url"]) in event["outlets"]


def test_the_embedded_state_file_keeps_only_what_the_cluster_stage_holds(tmp_path: Path) -> None:
    """Events out of the window and copies no longer waiting leave the state file when a run
    starts: it stays bounded by the window, not by the history."""
    from datetime import UTC, datetime

    from clusters.stage import ClusterStage
    from tests.test_clusters import wire_copy
    from wirewatch.contracts import Event

    def event(n: int, day: str) -> Event:
        at = datetime.fromisoformat(f"{day}T12:00:00+00:00")
        return Event(
            event_id=f"ev-{n}",
            version=1,
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            first_date=day,
            last_date=day,
            incident_ids=[f"inc-{n}"],
            article_ids=[f"art-{n}"],
            confidence=0.7,
            first_reported_at=at,
            last_reported_at=at,
        )

    waiting = wire_copy(1, original="art-elsewhere").model_copy(
        update={"published_at": datetime(2024, 3, 5, tzinfo=UTC)}
    )
    counted = wire_copy(2, original="art-1")
    state = SqliteTable(tmp_path / "state.db")
    try:
        for kind, records in (
            ("events", [event(1, "2024-03-05"), event(2, "2024-01-02")]),
            ("copies", [waiting, counted]),
        ):
            key = "event_id" if kind == "events" else "article_id"
            state.table(kind).put(
                [(getattr(r, key), r.model_dump_json().encode()) for r in records]
            )
        runner = EmbeddedRunner(Settings(), [], JsonlSink(tmp_path, topics=Topics("wirewatch")))
        runner.stages = {"cluster": ClusterStage(Settings())}
        runner._restore_stages(state)
        assert sorted(r.key for r in state.table("events").rows()) == ["ev-1"]
        assert sorted(r.key for r in state.table("copies").rows()) == ["copy-1"]
        assert sorted(r.key for r in state.rows()) == []  # the feed state is another table
    finally:
        state.close()

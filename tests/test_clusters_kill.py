"""A cluster worker killed with SIGKILL mid-run, then restarted: every event id ends with one
consistent history (versions 1..n, none twice, none missing, read_committed) and every report
in exactly one event, because the new worker restores the events from the compacted output
and resumes from the offsets committed with them. The same with wire copies waiting for their
originals at the kill, and for ``wirewatch run`` (the embedded runner: state file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from testkit.pipeline import Workers, read_topic, read_until, wait_for, worker_env
from tests.broker_support import hold_compaction, send_incidents
from tests.test_clusters import incident
from wirewatch.config import KafkaSettings
from wirewatch.contracts import Incident, Location
from wirewatch.topics import Topics

GROUPS = 300  # real events
ROUNDS = 12  # reports of each; rounds 1-10 are sent at once, so the kill lands inside them


def reports(round_: int) -> Iterator[Incident]:
    """Report ``round_`` of every event: its own town (0.5 degrees from the next one, farther
    than cluster.distance_km), the same day, a toll rising by one per round."""
    for g in range(GROUPS):
        where = Location(
            name=f"town{g}", country="Testland", country_iso3="TST", lat=-70 + g * 0.5, lon=g * 0.5
        )
        yield incident(
            g * 100 + round_,
            article=f"art-{g}-{round_}",
            where=where,
            killed=2 + round_,
            outlet=f"outlet{round_}.test",
        )


@pytest.mark.kafka
@pytest.mark.slow
def test_kill9_mid_run_leaves_each_event_with_one_consistent_history(
    kafka_settings: KafkaSettings, tmp_path: Path
) -> None:
    topics = Topics(kafka_settings.topic_prefix)
    bootstrap = kafka_settings.bootstrap_servers
    env = worker_env(bootstrap, kafka_settings.topic_prefix, WIREWATCH_KAFKA__PARTITIONS="3")

    def send(*rounds: int) -> None:
        send_incidents(kafka_settings, *(i for r in rounds for i in reports(r)), partition=None)

    events_topic = topics.name("events")
    # every version must stay on the topic for the history check (see hold_compaction)
    hold_compaction(bootstrap, events_topic, kafka_settings.incidents_retention_ms)

    def events() -> list[dict]:
        return [json.loads(m.value) for m in read_topic(bootstrap, events_topic, 1500)]

    def events_reach(n: int, timeout: float) -> bool:
        """Whether ``n`` event records are committed within ``timeout`` (one consumer)."""
        return read_until(bootstrap, events_topic, lambda records: len(records) >= n, timeout)[1]

    watcher = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    parts = [TopicPartition(events_topic, p) for p in range(3)]

    def committed_records() -> int:  # cheap: the last stable offsets of the events topic
        return sum(watcher.end_offsets(parts).values())

    workers = Workers(env, tmp_path)
    try:
        send(0)
        workers.start("cluster")
        assert events_reach(GROUPS, 180), workers.logs()
        send(*range(1, ROUNDS - 1))
        # kill as soon as the first transaction of those rounds is visible
        assert wait_for(lambda: committed_records() > GROUPS, 120, 0.02), workers.logs()
        workers.kill9("cluster")
        print(f"event records when killed: {len(events())} of {(ROUNDS - 1) * GROUPS}")
        workers.start("cluster")
        send(ROUNDS - 1)
        assert events_reach(ROUNDS * GROUPS, 300), workers.logs()
        assert workers.stop_all()[-1] == 0
    finally:
        workers.stop_all()
        watcher.close()

    history: dict[str, list[int]] = {}
    latest: dict[str, dict] = {}
    for ev in events():
        history.setdefault(ev["event_id"], []).append(ev["version"])
        latest[ev["event_id"]] = ev
    assert all(v == list(range(1, len(v) + 1)) for v in history.values()), history
    assert len(latest) == GROUPS
    joined = [i for ev in latest.values() for i in ev["incident_ids"]]
    expected = [f"inc-{g * 100 + r}" for g in range(GROUPS) for r in range(ROUNDS)]
    assert sorted(joined) == sorted(expected)
    assert all(
        ev["version"] == ROUNDS and len(ev["toll_history"]) == ROUNDS for ev in latest.values()
    )


COPIED = 30  # originals whose wire copy the cluster worker reads before the original's incident


@pytest.mark.kafka
def test_kill9_while_copies_wait_for_their_originals_counts_each_copy_once(
    kafka_settings: KafkaSettings, tmp_path: Path
) -> None:
    """Wire copies read (and their offsets committed) by a cluster worker, which is killed with
    SIGKILL mid-run, before their originals' incidents come: the new worker counts every copy
    in its original's event, once, each event with one consistent history (read_committed)."""
    from tests.test_clusters import wire_copy

    topics = Topics(kafka_settings.topic_prefix)
    bootstrap = kafka_settings.bootstrap_servers
    env = worker_env(bootstrap, kafka_settings.topic_prefix, WIREWATCH_KAFKA__PARTITIONS="3")
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    broadcast = topics.name("broadcast-copies")
    # every version must stay on the topic for the history check (see hold_compaction)
    hold_compaction(bootstrap, topics.name("events"), kafka_settings.incidents_retention_ms)

    def originals(round_: int) -> Iterator[Incident]:
        for g in range(COPIED):
            where = Location(
                name=f"town{g}", country="Testland", country_iso3="TST", lat=g * 0.5, lon=g * 0.5
            )
            yield incident(
                g * 100 + round_,
                article=f"art-{g}-{round_}",
                where=where,
                killed=3,  # the same toll: a later report with a lower one is another event
                outlet=f"outlet{round_}.test",
            )

    def send(*rounds: int) -> None:
        send_incidents(kafka_settings, *(i for r in rounds for i in originals(r)), partition=None)

    # as the process worker writes a copy: the copies topic, and every partition of the
    # broadcast topic (one transaction there; here acks=all before the worker starts)
    copies = [wire_copy(g, original=f"art-{g}-0", outlet="copy.test") for g in range(COPIED)]
    for c in copies:
        value = c.model_dump_json().encode()
        producer.send(topics.name("copies"), key=c.article_id.encode(), value=value)
        for p in range(3):
            producer.send(broadcast, key=c.article_id.encode(), value=value, partition=p)
    producer.flush(timeout=30)
    # reads the group's committed offsets only (never joins it)
    group = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"{kafka_settings.topic_prefix}.cluster",
        enable_auto_commit=False,
    )

    def copies_committed() -> bool:
        done = [group.committed(TopicPartition(broadcast, p)) for p in range(3)]
        return sum(o or 0 for o in done) == 3 * COPIED

    def events() -> list[dict]:
        return [json.loads(m.value) for m in read_topic(bootstrap, topics.name("events"), 1500)]

    workers = Workers(env, tmp_path)
    try:
        workers.start("cluster")
        assert wait_for(copies_committed, 120, 0.5), workers.logs()
        assert events() == []  # nothing holds the originals yet: the copies wait
        send(1)  # later reports first: they start the events, without the original
        assert wait_for(lambda: len(events()) >= 1, 120, 0.02), workers.logs()
        workers.kill9("cluster")
        workers.start("cluster")
        send(0)  # the originals' incidents
        assert wait_for(
            lambda: sum(len(ev["incident_ids"]) for ev in _latest(events()).values()) >= 2 * COPIED,
            180,
        ), workers.logs()
        assert workers.stop_all()[-1] == 0
    finally:
        workers.stop_all()
        producer.close()
        group.close()

    history: dict[str, list[int]] = {}
    for ev in events():
        history.setdefault(ev["event_id"], []).append(ev["version"])
    assert all(v == list(range(1, len(v) + 1)) for v in history.values()), history
    latest = _latest(events())
    assert len(latest) == COPIED
    for ev in latest.values():
        (g,) = {int(i.removeprefix("inc-")) // 100 for i in ev["incident_ids"]}
        assert sorted(ev["incident_ids"]) == sorted([f"inc-{g * 100}", f"inc-{g * 100 + 1}"])
        assert ev["article_ids"].count(f"copy-{g}") == 1, ev  # the copy counted, once
        assert "copy.test" in ev["outlets"]
    assert read_topic(bootstrap, topics.deadletter, idle_ms=1000) == []


def _latest(records: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for ev in records:
        out[ev["event_id"]] = ev
    return out


TOWNS = [
    ("Abu Ghraib", "Iraq"),
    ("Aleppo", "Syria"),
    ("Kharkiv", "Ukraine"),
    ("Maiduguri", "Nigeria"),
    ("Mogadishu", "Somalia"),
]
FEEDS = 3  # feed r lists report r of every town's strike


def test_kill9_of_wirewatch_run_mid_run_then_a_second_run_keeps_one_history_per_event(
    tmp_path: Path,
) -> None:
    """``wirewatch run --once``: feed 0's poll group is written and committed, the other feeds
    are held; the run is killed with SIGKILL. A second run polls the rest: every strike is
    one event id whose versions run 1..n once each in the events JSONL, the reports of both
    runs in it (the cluster state came back from the state file)."""
    import signal
    import sqlite3
    import threading

    from testkit.cli import cli_env, run_cli, started_cli, wirewatch_argv
    from testkit.http import ARTICLE_HTML, LocalServer, Reply, rss

    gate = threading.Event()
    served_before_the_kill: list[bytes] = []  # a held feed let go by the timeout: a bad test
    out = tmp_path / "out"
    html = {"Content-Type": "text/html"}
    with LocalServer() as srv:
        for r in range(FEEDS):
            items = []
            for g, (town, country) in enumerate(TOWNS):
                path = f"/story/{g}/{r}"
                # words of its own: reports of one strike are not near-copies of each other
                own = " ".join(f"note{g}x{r}w{i}" for i in range(45))
                paragraphs = (
                    f"<p>An air strike killed three people in {town}, {country} on Tuesday, "
                    f"police said.</p>\n<p>{own}.</p>"
                )
                page = ARTICLE_HTML.format(
                    title=f"Strike in {town}", slug=f"{g}-{r}", paragraphs=paragraphs
                )
                srv.route(path, Reply(200, page.encode(), html))
                items.append(
                    {"title": f"Strike in {town} ({r})", "link": srv.url(path), "guid": path}
                )
            body = rss(items)

            def feed(_seen: object, body: bytes = body, held: bool = r > 0) -> Reply:
                if held and not gate.wait(120):
                    served_before_the_kill.append(body)
                return Reply(200, body, {"Content-Type": "application/rss+xml"})

            srv.route(f"/feed/{r}", feed)
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            "feeds:\n" + "".join(f"  - url: {srv.url(f'/feed/{r}')}\n" for r in range(FEEDS))
        )
        cmd = wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out))
        env = cli_env(
            # the held feed requests must not take the slots the articles are fetched in
            WIREWATCH_HTTP__PER_HOST_CONCURRENCY="16",
            WIREWATCH_LOG_LEVEL="ERROR",
        )

        def read(kind: str) -> list[dict]:
            path = out / f"wirewatch.{kind}.v1.jsonl"
            return [json.loads(line) for line in path.read_text().splitlines()]

        def committed_feeds() -> int:
            db = out / "wirewatch-state.db"
            if not db.exists():
                return 0
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    return conn.execute("SELECT count(*) FROM feedstate").fetchone()[0]
            except sqlite3.Error:  # not created yet
                return 0

        try:
            with started_cli(cmd, env) as proc:
                assert wait_for(lambda: committed_feeds() >= 1, 180, 0.2), "feed 0 never committed"
                proc.send_signal(signal.SIGKILL)  # feeds 1.. are held: mid-run
                assert proc.wait(30) == -signal.SIGKILL
                assert committed_feeds() == 1 and not served_before_the_kill
                assert len(read("events")) == len(TOWNS)  # version 1 of each, from feed 0
        finally:
            gate.set()
        again = run_cli(cmd, env)
        assert again.returncode == 0, again.stderr[-3000:]

    assert len({i["incident_id"] for i in read("incidents")}) == len(TOWNS) * FEEDS
    history: dict[str, list[int]] = {}
    latest: dict[str, dict] = {}
    for ev in read("events"):
        history.setdefault(ev["event_id"], []).append(ev["version"])
        latest[ev["event_id"]] = ev
    assert len(latest) == len(TOWNS), history  # one event per strike, across both runs
    assert all(v == list(range(1, FEEDS + 1)) for v in history.values()), history
    assert sorted(i for ev in latest.values() for i in ev["incident_ids"]) == sorted(
        i["incident_id"] for i in read("incidents")
    )

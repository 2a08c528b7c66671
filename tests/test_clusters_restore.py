"""The cluster stage's state restore on partition assignment (issue 14), on a real broker.

``KafkaStageRunner.restore_state`` reads the assigned partitions of the compacted events topic
and the whole copies topic. Records older than the stage's window are pruned by the stage, so
they are not read at all: each partition is read from its first record within
``ClusterStage.restore_since``. A read that stops making progress fails with one line
(``kafka.table_read_stall_timeout``) instead of running into a fixed deadline.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kafka import KafkaProducer

from clusters.stage import ClusterStage
from tests.broker_support import read_table_stalling_once, send_incidents
from wirewatch.config import KafkaSettings, MetricsSettings, Settings
from wirewatch.contracts import Event, Location, TollReport, WireCopy
from wirewatch.errors import SinkError
from wirewatch.kafka_admin import create_topics, read_table
from wirewatch.runners.kafka import KafkaStageRunner, build_runner
from wirewatch.stage import TableRow
from wirewatch.topics import Topics

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=20)  # the default window is 7 days: far outside it


def _event(event_id: str, when: datetime, version: int = 1) -> Event:
    day = when.date().isoformat()
    return Event(
        event_id=event_id,
        version=version,
        event_type="Battles",
        sub_event_type="Armed clash",
        first_date=day,
        last_date=day,
        location=Location(name=f"town-{event_id}", country="Iraq", country_iso3="IRQ"),
        toll_history=[
            TollReport(
                incident_id=f"inc-{event_id}", article_id=f"art-{event_id}", reported_at=when
            )
        ],
        incident_ids=[f"inc-{event_id}"],
        article_ids=[f"art-{event_id}"],
        confidence=0.7,
        first_reported_at=when,
        last_reported_at=when,
    )


def _copy(article_id: str, when: datetime) -> WireCopy:
    return WireCopy(
        article_id=article_id,
        duplicate_of=f"original-of-{article_id}",
        url=f"http://127.0.0.1/{article_id}",
        published_at=when,
        reported_at=when,
    )


def _write(cfg: KafkaSettings, topic: str, records: list[tuple[int, str, Any, datetime]]) -> None:
    """(partition, key, record, write time) in this order, each with its write time as the
    record timestamp (what a worker that wrote it then would have given it)."""
    producer = KafkaProducer(bootstrap_servers=cfg.bootstrap_servers, acks="all")
    try:
        for partition, key, record, when in records:
            producer.send(
                topic,
                key=key.encode(),
                value=record.model_dump_json().encode(),
                partition=partition,
                timestamp_ms=int(when.timestamp() * 1000),
            )
        producer.flush(timeout=60)
    finally:
        producer.close()


def _cluster_runner(cfg: KafkaSettings) -> tuple[KafkaStageRunner, dict[str, list[TableRow]]]:
    """A cluster runner (not connected: restore_state reads with its own consumer) whose
    stage's restores are recorded: what the stage gets, by topic kind."""
    runner = build_runner(Settings(kafka=cfg, metrics=MetricsSettings(enabled=False)), "cluster")
    assert isinstance(runner, KafkaStageRunner)
    stage = runner.stage
    assert isinstance(stage, ClusterStage)
    got: dict[str, list[TableRow]] = {"events": [], "copies": []}
    restore, restore_shared = stage.restore, stage.restore_shared

    def recorded_restore(partitions: set[int], rows: Any) -> None:
        got["events"].extend(rows)
        restore(partitions, rows)

    def recorded_shared(kind: str, rows: Any) -> None:
        got[kind].extend(rows)
        restore_shared(kind, rows)

    stage.restore = recorded_restore  # type: ignore[method-assign]
    stage.restore_shared = recorded_shared  # type: ignore[method-assign]
    return runner, got


def test_restore_reads_the_window_and_not_what_is_older(kafka_settings: KafkaSettings) -> None:
    cfg = kafka_settings  # 3 partitions
    topics = Topics(cfg.topic_prefix)
    # partition 0: old events, then events of the window; partition 1: an event whose first
    # version is old and whose latest is in the window (a compacted key: the latest counts);
    # partition 2: old events only (the broker finds no offset that recent there)
    _write(
        cfg,
        topics.name("events"),
        [
            *[(0, f"old-{i}", _event(f"old-{i}", OLD), OLD) for i in range(5)],
            *[(0, f"new-{i}", _event(f"new-{i}", NOW), NOW) for i in range(3)],
            (1, "moved", _event("moved", OLD), OLD),
            (1, "moved", _event("moved", NOW, version=2), NOW),
            *[(2, f"older-{i}", _event(f"older-{i}", OLD), OLD) for i in range(4)],
        ],
    )
    _write(
        cfg,
        topics.name("copies"),
        [
            *[(i % 3, f"old-copy-{i}", _copy(f"old-copy-{i}", OLD), OLD) for i in range(6)],
            *[(i % 3, f"copy-{i}", _copy(f"copy-{i}", NOW), NOW) for i in range(2)],
        ],
    )
    runner, got = _cluster_runner(cfg)
    runner.restore_state({0, 1, 2})

    assert sorted((r.key, r.partition) for r in got["events"]) == [
        ("moved", 1),
        ("new-0", 0),
        ("new-1", 0),
        ("new-2", 0),
    ]
    moved = [r for r in got["events"] if r.key == "moved"]
    assert moved[0].value is not None and b'"version":2' in moved[0].value
    assert sorted(r.key for r in got["copies"]) == ["copy-0", "copy-1"]
    stage = runner.stage
    assert isinstance(stage, ClusterStage)
    assert sorted(stage.index.events) == ["moved", "new-0", "new-1", "new-2"]
    assert stage.index.events["moved"].event.version == 2
    assert sorted(c for waiting in stage.index.pending.values() for c in waiting) == [
        "copy-0",
        "copy-1",
    ]


def test_read_table_since_keeps_records_after_the_first_recent_one(
    kafka_settings: KafkaSettings,
) -> None:
    """Timestamps out of order in a partition (producers' clocks differ): everything from the
    first record at or after ``since_ms`` on is read, older-stamped records after it too; the
    records before it are not. Without ``since_ms`` the whole partition is read."""
    cfg = kafka_settings
    topic = Topics(cfg.topic_prefix).name("copies")
    recent = NOW - timedelta(days=1)
    _write(
        cfg,
        topic,
        [
            (0, "before", _copy("before", OLD), OLD),
            (0, "first-recent", _copy("first-recent", recent), recent),
            (0, "late-old-clock", _copy("late-old-clock", OLD), OLD),
            (0, "last", _copy("last", NOW), NOW),
        ],
    )
    since_ms = int((NOW - timedelta(days=9)).timestamp() * 1000)
    assert [k for _p, k, _v in read_table(cfg, topic, [0], since_ms=since_ms)] == [
        "first-recent",
        "late-old-clock",
        "last",
    ]
    assert [k for _p, k, _v in read_table(cfg, topic, [0])] == [
        "before",
        "first-recent",
        "late-old-clock",
        "last",
    ]
    assert read_table(cfg, topic, [1, 2], since_ms=since_ms) == []


def test_a_stalled_read_fails_with_one_line(private_broker: Any, monkeypatch) -> None:
    """The broker stops answering once the read has started (its end offsets known, nothing
    read yet): the read fails after ``table_read_stall_timeout`` seconds without progress, with
    one line that names the topic and the setting, as a SinkError (not a bare TimeoutError)."""
    import wirewatch.kafka_admin as kafka_admin

    cfg = KafkaSettings(
        bootstrap_servers=private_broker.bootstrap,
        topic_prefix="stall",
        partitions=1,
        bootstrap_timeout_ms=15_000,
        request_timeout_ms=3_000,
        table_read_stall_timeout=2.0,
    )
    create_topics(cfg)
    topic = Topics(cfg.topic_prefix).name("events")
    _write(cfg, topic, [(0, f"new-{i}", _event(f"new-{i}", NOW), NOW) for i in range(3)])

    class StopsTheBrokerFirst(kafka_admin.KafkaConsumer):  # type: ignore[misc]
        stopped = False

        def poll(self, *args: Any, **kwargs: Any) -> Any:
            if not StopsTheBrokerFirst.stopped:
                StopsTheBrokerFirst.stopped = True
                private_broker.stop()
            return super().poll(*args, **kwargs)

    monkeypatch.setattr(kafka_admin, "KafkaConsumer", StopsTheBrokerFirst)
    with pytest.raises(SinkError) as err:
        read_table(cfg, topic, [0])
    assert StopsTheBrokerFirst.stopped
    assert err.value.reason == "sink.read_stalled"
    message = str(err.value)
    assert "\n" not in message
    assert topic in message and "kafka.table_read_stall_timeout" in message
    assert "3 records still to read" in message


def test_a_worker_whose_restore_fails_retries_it_before_handling_its_partitions(
    kafka_settings: KafkaSettings, monkeypatch, caplog
) -> None:
    """A restore that fails (here: the first read of the events topic, as a stalled read
    would) is logged as one line and done again: the worker handles its partitions with their
    state, so a second report of a restored event joins it (version 2) instead of starting
    another event."""
    from testkit.pipeline import read_topic, run_stage
    from tests.test_clusters import incident

    cfg = kafka_settings.model_copy(update={"retry_backoff_s": 0.1})
    settings = Settings(kafka=cfg, metrics=MetricsSettings(enabled=False))
    topics = Topics(cfg.topic_prefix)

    send_incidents(cfg, incident(1, killed=3, outlet="a.test"))
    run_stage(settings, "cluster", 1)

    reads = read_table_stalling_once(monkeypatch)
    send_incidents(cfg, incident(2, killed=5, outlet="b.test"))
    with caplog.at_level("ERROR", logger="wirewatch.workers"):
        run_stage(settings, "cluster", 1)

    events = [json.loads(m.value) for m in read_topic(cfg.bootstrap_servers, topics.name("events"))]
    assert len({e["event_id"] for e in events}) == 1, events
    assert [(e["version"], e["fatalities"]) for e in events] == [(1, 3), (2, 5)]
    assert reads[:2] == [topics.name("events"), topics.name("events")]
    failures = [r for r in caplog.records if r.getMessage().startswith("state restore failed")]
    assert len(failures) == 1
    assert "stalled" in failures[0].getMessage() and failures[0].exc_info is None


@pytest.mark.kafka
@pytest.mark.slow
def test_a_restore_longer_than_the_session_timeout_keeps_the_worker_in_its_group(
    kafka_settings: KafkaSettings, monkeypatch
) -> None:
    """A restore that takes longer than the group's session timeout (a full window) runs
    once: the group heartbeats go on meanwhile, so the worker is not dropped from its group
    and given its partitions (and the restore) again."""
    import time

    import wirewatch.runners.kafka as runners_kafka
    from testkit.pipeline import read_topic, run_stage
    from tests.test_clusters import incident

    # the fixture's consumer group is this test's own: a member of a shared group (another
    # session's worker) would rebalance it and restore it again
    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    topics = Topics(kafka_settings.topic_prefix)
    send_incidents(kafka_settings, incident(1, killed=3, outlet="a.test"))

    reads: list[str] = []
    real_read_table = runners_kafka.read_table

    def slow_first_read(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[1])
        if len(reads) == 1:
            time.sleep(14)  # the worker's session timeout is 10 s
        return real_read_table(*args, **kwargs)

    monkeypatch.setattr(runners_kafka, "read_table", slow_first_read)
    run_stage(settings, "cluster", 1)
    events = [json.loads(m.value) for m in read_topic(kafka_settings.bootstrap_servers,
                                                      topics.name("events"))]  # fmt: skip
    assert [(e["version"], e["fatalities"]) for e in events] == [(1, 3)]
    # one restore: the events topic, then the waiting copies; no second assignment
    assert reads == [topics.name("events"), topics.name("copies")], reads


def test_restore_since_counts_back_from_the_newest_record_never_later_than_the_clock() -> None:
    stage = ClusterStage(Settings())
    days = stage.index.cfg.window_days + 2  # RESTORE_MARGIN_DAYS
    now = datetime(2026, 3, 20, 15, 30, tzinfo=UTC)
    by_clock = datetime(2026, 3, 20, tzinfo=UTC) - timedelta(days=days)
    assert stage.restore_since(now) == by_clock
    assert stage.restore_since(now, None) == by_clock
    stopped = now - timedelta(days=10)  # the state was last written 10 days ago
    assert stage.restore_since(now, stopped) == by_clock - timedelta(days=10)
    # a record stamped after the clock (another host's clock ahead) reads no less
    assert stage.restore_since(now, now + timedelta(days=3)) == by_clock


def test_newest_record_ms_skips_markers_and_aborted_records(kafka_settings: KafkaSettings) -> None:
    """The newest committed record of the partitions: the last offset of a transactional topic
    is a commit or abort marker, and an aborted record (newer) does not count; an empty
    partition has none."""
    from sinks.kafka import make_producer
    from wirewatch.kafka_admin import newest_record_ms

    cfg = kafka_settings
    topic = Topics(cfg.topic_prefix).name("events")
    committed = NOW - timedelta(days=10)
    producer = make_producer(cfg, transactional_id=f"{cfg.topic_prefix}-newest")
    try:
        producer.init_transactions()
        producer.begin_transaction()
        for i, when in enumerate([committed - timedelta(days=1), committed]):
            producer.send(
                topic,
                key=f"k{i}".encode(),
                value=_event(f"k{i}", when).model_dump_json().encode(),
                partition=0,
                timestamp_ms=int(when.timestamp() * 1000),
            )
        producer.commit_transaction()
        for _ in range(3):  # aborted records, newer than the committed one
            producer.begin_transaction()
            producer.send(
                topic,
                key=b"aborted",
                value=b"{}",
                partition=0,
                timestamp_ms=int(NOW.timestamp() * 1000),
            )
            producer.flush(timeout=30)
            producer.abort_transaction()
    finally:
        producer.close()
    assert newest_record_ms(cfg, topic, [0]) == int(committed.timestamp() * 1000)
    assert newest_record_ms(cfg, topic, [0, 1]) == int(committed.timestamp() * 1000)
    assert newest_record_ms(cfg, topic, [1, 2]) is None


def _latest_versions(events: list[dict[str, Any]]) -> dict[str, tuple[int, int | None]]:
    """Each event id's latest (version, fatalities) as a subscriber of the compacted topic
    keeps it. The broker may already have compacted an older version away (its records are
    stamped days ago, and the commit marker stamped now rolls their segment), so what is
    asserted is what the topic promises: each key's versions read in increasing order, and
    its latest."""
    latest: dict[str, tuple[int, int | None]] = {}
    for e in events:
        seen = latest.get(e["event_id"])
        assert seen is None or e["version"] > seen[0], events
        latest[e["event_id"]] = (e["version"], e["fatalities"])
    return latest


def _stopped_group_state(settings: Settings) -> tuple[str, str]:
    """The state a cluster group wrote before it stopped 10 days ago (window 7): the event of
    a first report of that day (3 killed) on partition 0 of the events topic, stamped then.
    Returns that day (ISO) and the event's id."""
    import asyncio

    from tests.test_clusters import incident
    from wirewatch.stage import Inbound

    stopped = NOW - timedelta(days=10)
    day = stopped.date().isoformat()
    first = incident(1, killed=3, outlet="a.test", day=day)
    written = asyncio.run(
        ClusterStage(settings).handle([Inbound(first, first.incident_id, partition=0)])
    )
    assert [e.kind for e in written] == ["events"]
    topic = Topics(settings.kafka.topic_prefix).name("events")
    _write(settings.kafka, topic, [(0, written[0].key, written[0].record, stopped)])
    return day, written[0].key


def test_a_group_stopped_for_longer_than_the_margin_restores_its_state(
    kafka_settings: KafkaSettings,
) -> None:
    """A cluster group stopped for 10 days (window 7) resumes a backlog of reports of that
    time: the events it wrote then (records stamped 10 days ago) are restored, because the
    restore counts back from the newest record of the state, not from the clock; so a late
    report joins its event (same event_id, version 2) instead of starting another."""
    from testkit.pipeline import read_topic, run_stage
    from tests.test_clusters import incident

    cfg = kafka_settings
    settings = Settings(kafka=cfg, metrics=MetricsSettings(enabled=False))
    topics = Topics(cfg.topic_prefix)
    day, event_id = _stopped_group_state(settings)

    late = incident(2, killed=5, outlet="b.test", day=day)  # the backlog: a late report
    send_incidents(cfg, late)
    run_stage(settings, "cluster", 1)

    events = [json.loads(m.value) for m in read_topic(cfg.bootstrap_servers, topics.name("events"))]
    assert _latest_versions(events) == {event_id: (2, 5)}, events


def test_a_restart_after_the_resumed_group_wrote_a_backlog_event_restores_the_older_events(
    kafka_settings: KafkaSettings,
) -> None:
    """A group stopped for 10 days (window 7) resumes a backlog, writes a new event of it,
    then restarts (a pod restart, a scale-out): the events written before the stop are still
    restored, because the stage stamps its records with their data time (the backlog's day),
    not the time it wrote them; so a late report of such an event joins it (version 2)
    instead of starting a second event."""
    from clusters.events import event_id_for
    from testkit.pipeline import read_topic, run_stage
    from tests.test_clusters import incident

    cfg = kafka_settings
    settings = Settings(kafka=cfg, metrics=MetricsSettings(enabled=False))
    topics = Topics(cfg.topic_prefix)
    day, event_id = _stopped_group_state(settings)

    # resumed: the worker writes a new event of the backlog (another kind, same old day)
    other = incident(3, sub="Armed clash", event_type="Battles", day=day, outlet="c.test")
    send_incidents(cfg, other)
    run_stage(settings, "cluster", 1)
    # restarted: a late report of the event written before the stop
    send_incidents(cfg, incident(2, killed=5, outlet="b.test", day=day))
    run_stage(settings, "cluster", 1)

    events = [json.loads(m.value) for m in read_topic(cfg.bootstrap_servers, topics.name("events"))]
    assert _latest_versions(events) == {
        event_id: (2, 5),
        event_id_for(other.incident_id): (1, None),
    }, events


def test_the_stage_stamps_its_events_with_their_data_time_never_later_than_now() -> None:
    """An event's record timestamp is the start of its last date (UTC), the day its window
    keeps it by, not the time the stage wrote it; a date ahead of the clock (a local date a
    day ahead of UTC) is stamped with the clock. Copies counted in an event stamp it alike."""
    import asyncio

    from clusters.events import event_id_for
    from tests.test_clusters import BAGHDAD, incident
    from wirewatch.stage import Inbound

    stage = ClusterStage(Settings(metrics=MetricsSettings(enabled=False)))
    past = (NOW - timedelta(days=3)).date()
    old, ahead = past.isoformat(), (NOW + timedelta(days=2)).date().isoformat()
    midnight = datetime(past.year, past.month, past.day, tzinfo=UTC)
    batch = [
        Inbound(incident(1, day=old), "inc-1", partition=0),
        Inbound(
            incident(2, day=ahead, where=BAGHDAD, sub="Armed clash", event_type="Battles"),
            "inc-2",
            partition=0,
        ),
    ]
    before = datetime.now(UTC)
    out = asyncio.run(stage.handle(batch))
    after = datetime.now(UTC)
    stage.on_commit(batch)
    stamps = {e.key: e.timestamp for e in out}
    assert stamps[event_id_for("inc-1")] == midnight
    future = stamps[event_id_for("inc-2")]
    assert future is not None and before <= future <= after
    # data older than half the events topic's time bound (30 days): stamped that far back
    # only, so the broker does not drop the record as soon as it is written
    ancient = [Inbound(incident(7, day="2024-03-05", where=BAGHDAD), "inc-7", partition=0)]
    before = datetime.now(UTC)
    (kept,) = asyncio.run(stage.handle(ancient))
    after = datetime.now(UTC)
    assert kept.timestamp is not None
    assert before - timedelta(days=15) <= kept.timestamp <= after - timedelta(days=15)

    copy = WireCopy(
        article_id="copy-1",
        duplicate_of="art-1",
        url="http://127.0.0.1/copy-1",
        published_at=NOW,
    )
    counted = asyncio.run(stage.handle([Inbound(copy, "copy-1", partition=0)]))
    assert [(e.key, e.record.version, e.timestamp) for e in counted] == [
        (event_id_for("inc-1"), 2, midnight)
    ]

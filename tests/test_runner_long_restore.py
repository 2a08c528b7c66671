"""A state restore longer than ``kafka.max_poll_interval_ms`` (issue 14), on a real broker.

kafka-python's heartbeat thread leaves the group when ``consumer.poll()`` has not been called
for ``max_poll_interval_ms``; a restore runs in the worker loop, so the runner polls its group
consumer (partitions paused) between the restore's read batches. Here the interval is made
small and the restore slow (the state read returns one record per fetch, each fetch slowed):
the worker keeps its membership, restores once and handles its records afterwards.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from kafka import KafkaProducer

from tests.test_clusters import incident
from tests.test_clusters_restore import _event, _write
from wirewatch.config import KafkaSettings, MetricsSettings, Settings
from wirewatch.topics import Topics

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

# the group consumer's max_poll_interval_ms here, and how many state records the slowed read
# takes one fetch each: together far longer than the interval
POLL_INTERVAL_MS = 4_000
FILLER_EVENTS = 24
FETCH_DELAY_S = 0.5


def _slow_table_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every fetch of a state read (wirewatch.kafka_admin's consumer, not the group one)
    returns at most one record and takes FETCH_DELAY_S longer; one item per fetch."""
    import wirewatch.kafka_admin as kafka_admin

    fetches: list[int] = []

    class SlowConsumer(kafka_admin.KafkaConsumer):  # type: ignore[misc]
        def poll(self, timeout_ms: int = 0, max_records: int | None = None, **kw: Any) -> Any:
            fetches.append(1)
            time.sleep(FETCH_DELAY_S)
            return super().poll(timeout_ms=timeout_ms, max_records=1, **kw)

    monkeypatch.setattr(kafka_admin, "KafkaConsumer", SlowConsumer)
    return fetches


def _recorded_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import wirewatch.runners.kafka as runners_kafka

    reads: list[str] = []
    real_read_table = runners_kafka.read_table

    def recorded(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[1])
        return real_read_table(*args, **kwargs)

    monkeypatch.setattr(runners_kafka, "read_table", recorded)
    return reads


def test_a_restore_longer_than_the_poll_interval_keeps_the_worker_in_its_group(
    kafka_settings: KafkaSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testkit.pipeline import read_topic, run_stage
    from wirewatch.runners.kafka import KafkaStageRunner

    today = datetime.now(UTC)
    day = today.date().isoformat()
    topics = Topics(kafka_settings.topic_prefix)
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")

    def send(report: Any) -> None:
        producer.send(
            topics.name("sharded-incidents"),
            key=b"shard",
            value=report.model_dump_json().encode(),
            partition=0,
        )
        producer.flush(timeout=30)

    # a first worker writes the event of the first report (the state to restore)
    send(incident(1, killed=3, outlet="a.test", day=day))
    run_stage(Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False)), "cluster", 1)
    # more state on the partition: other events, each read in a slowed fetch of its own
    _write(
        kafka_settings,
        topics.name("events"),
        [(0, f"other-{i}", _event(f"other-{i}", today), today) for i in range(FILLER_EVENTS)],
    )
    send(incident(2, killed=5, outlet="b.test", day=day))
    producer.close()

    cfg = kafka_settings.model_copy(update={"max_poll_interval_ms": POLL_INTERVAL_MS})
    settings = Settings(kafka=cfg, metrics=MetricsSettings(enabled=False))
    fetches = _slow_table_reads(monkeypatch)
    reads = _recorded_reads(monkeypatch)
    assignments: list[set[int]] = []
    real_assigned = KafkaStageRunner.assigned

    def recorded_assigned(self: KafkaStageRunner, parts: set[int]) -> None:
        assignments.append(set(parts))
        real_assigned(self, parts)

    monkeypatch.setattr(KafkaStageRunner, "assigned", recorded_assigned)
    runner = run_stage(settings, "cluster", 1, timeout=90)
    # the premise: the restore slept longer than the poll interval in its fetches alone
    assert len(fetches) * FETCH_DELAY_S > 2 * POLL_INTERVAL_MS / 1000, len(fetches)

    events = [
        json.loads(m.value)
        for m in read_topic(kafka_settings.bootstrap_servers, topics.name("events"))
        if m.key and not m.key.startswith(b"other-")
    ]
    assert len({e["event_id"] for e in events}) == 1, events
    assert [(e["version"], e["fatalities"]) for e in events] == [(1, 3), (2, 5)]
    # one assignment, one restore (the events, then the waiting copies): still in its group
    assert assignments == [{0, 1, 2}], assignments
    assert reads == [topics.name("events"), topics.name("copies")], reads
    assert runner.processed == 1


def test_a_rebalance_during_a_restore_drops_revoked_state_and_restores_what_is_assigned(
    kafka_settings: KafkaSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A is restoring all three partitions when worker B joins its group: A stays in
    the group through the rebalance (it polls between read batches), the partitions it lost
    do not keep their state once its restore ends, and those it was given again are restored
    again; each worker then holds exactly the events of the partitions it holds."""
    import threading

    import wirewatch.kafka_admin as kafka_admin
    from clusters.stage import ClusterStage
    from wirewatch.runners.kafka import KafkaStageRunner, build_runner

    today = datetime.now(UTC)
    per_partition = 4
    _write(
        kafka_settings,
        Topics(kafka_settings.topic_prefix).name("events"),
        [
            (p, f"p{p}-{i}", _event(f"p{p}-{i}", today), today)
            for p in range(3)
            for i in range(per_partition)
        ],
    )
    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    a, b = (build_runner(settings, "cluster") for _ in range(2))
    assert isinstance(a, KafkaStageRunner) and isinstance(b, KafkaStageRunner)
    b_assigned = threading.Event()
    assignments: dict[int, list[set[int]]] = {id(a): [], id(b): []}
    # per runner, per restore: (rebalances seen when it started, when it ended)
    restores: dict[int, list[tuple[int, int]]] = {id(a): [], id(b): []}
    # per runner: its rebalance callbacks in order, ("assigned" | "revoked", partitions)
    callbacks: dict[int, list[tuple[str, set[int]]]] = {id(a): [], id(b): []}
    real_assigned = KafkaStageRunner.assigned
    real_revoked = KafkaStageRunner.revoked
    real_restore_assigned = KafkaStageRunner._restore_assigned

    def recorded_assigned(self: KafkaStageRunner, parts: set[int]) -> None:
        assignments[id(self)].append(set(parts))
        callbacks[id(self)].append(("assigned", set(parts)))
        if self is b and parts:
            b_assigned.set()
        real_assigned(self, parts)

    def recorded_revoked(self: KafkaStageRunner, parts: set[int]) -> None:
        callbacks[id(self)].append(("revoked", set(parts)))
        real_revoked(self, parts)

    def recorded_restore(self: KafkaStageRunner) -> None:
        before = self._rebalances
        real_restore_assigned(self)
        restores[id(self)].append((before, self._rebalances))

    monkeypatch.setattr(KafkaStageRunner, "assigned", recorded_assigned)
    monkeypatch.setattr(KafkaStageRunner, "revoked", recorded_revoked)
    monkeypatch.setattr(KafkaStageRunner, "_restore_assigned", recorded_restore)

    class HeldUntilBJoins(kafka_admin.KafkaConsumer):  # type: ignore[misc]
        """A's state reads fetch nothing until B has been given partitions (B joins while A
        restores, whatever the machine's speed); A's loop polls its group meanwhile."""

        def poll(self, timeout_ms: int = 0, max_records: int | None = None, **kw: Any) -> Any:
            if threading.current_thread().name == "worker-a" and not b_assigned.is_set():
                time.sleep(FETCH_DELAY_S)
                return {}
            return super().poll(timeout_ms=timeout_ms, max_records=max_records, **kw)

    monkeypatch.setattr(kafka_admin, "KafkaConsumer", HeldUntilBJoins)

    # what each worker holds when it stops, taken in its own thread (closing revokes): the
    # events of its state, its last rebalance callback, and the partitions not restored yet
    held: dict[int, tuple[list[str], tuple[str, set[int]], set[int]]] = {}

    def work(runner: KafkaStageRunner) -> None:
        try:
            runner.setup()
            runner.run(timeout=180)
            stage = runner.stage
            assert isinstance(stage, ClusterStage)
            last = callbacks[id(runner)][-1]
            held[id(runner)] = (sorted(stage.index.events), last, set(runner._to_restore))
        finally:
            runner.close()

    def settled(runner: KafkaStageRunner) -> bool:
        """Assigned partitions last, restored since its last rebalance (read across threads:
        only to decide when to stop; what is checked is taken by the worker itself)."""
        done, seen = restores[id(runner)], callbacks[id(runner)]
        return bool(
            seen
            and seen[-1][0] == "assigned"
            and seen[-1][1]
            and not runner._to_restore
            and done
            and done[-1][1] == runner._rebalances
        )

    threads = [threading.Thread(target=work, args=(a,), name="worker-a")]
    threads[0].start()
    try:
        # B starts once A's first restore is under way (A was assigned all three partitions)
        deadline = time.monotonic() + 60
        while not assignments[id(a)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert assignments[id(a)] == [{0, 1, 2}]
        threads.append(threading.Thread(target=work, args=(b,), name="worker-b"))
        threads[1].start()
        deadline, calm = time.monotonic() + 150, 0
        while time.monotonic() < deadline and calm < 3:  # settled on three looks in a row
            calm = calm + 1 if settled(a) and settled(b) else 0
            time.sleep(0.5)
    finally:
        a.stop_event.set()
        b.stop_event.set()
        for t in threads:
            t.join(timeout=60)
    # A's first restore saw the rebalance B's joining made (it polled its group meanwhile)
    first_start, first_end = restores[id(a)][0]
    assert first_end > first_start and len(assignments[id(a)]) >= 2, (assignments, restores)
    a_events, (a_last, a_parts), a_pending = held[id(a)]
    b_events, (b_last, b_parts), b_pending = held[id(b)]
    assert a_last == b_last == "assigned", (held, callbacks)
    assert a_parts and b_parts and a_parts | b_parts == {0, 1, 2} and not a_parts & b_parts
    assert not a_pending and not b_pending, (held, assignments)
    for events, parts in [(a_events, a_parts), (b_events, b_parts)]:
        assert events == sorted(f"p{p}-{i}" for p in parts for i in range(per_partition)), held

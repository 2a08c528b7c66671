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

from tests.broker_support import send_incidents
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
# in the rebalance test: how many more (empty, slowed) state fetches A's restore makes once B
# has joined and restored, each followed by A polling its group; a group made to rebalance
# by those polls does so again and again meanwhile
HELD_AFTER_B = 20


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
    # a first worker writes the event of the first report (the state to restore)
    send_incidents(kafka_settings, incident(1, killed=3, outlet="a.test", day=day))
    run_stage(Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False)), "cluster", 1)
    # more state on the partition: other events, each read in a slowed fetch of its own
    _write(
        kafka_settings,
        topics.name("events"),
        [(0, f"other-{i}", _event(f"other-{i}", today), today) for i in range(FILLER_EVENTS)],
    )
    send_incidents(kafka_settings, incident(2, killed=5, outlet="b.test", day=day))

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
    again; each worker then holds exactly the events of the partitions it holds. A's polls
    during its restore complete that one rebalance: they do not make the group rebalance
    again and again while A goes on restoring (B restoring its partitions each time)."""
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
    # A's state fetches held after B's first restore (see HeldUntilBJoins)
    held_after_b: list[int] = []
    # how many of B's rebalance callbacks came before A's first restore ended
    b_seen_by_a_restored: list[int] = []
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
        if self is a and not b_seen_by_a_restored:
            b_seen_by_a_restored.append(len(callbacks[id(b)]))

    monkeypatch.setattr(KafkaStageRunner, "assigned", recorded_assigned)
    monkeypatch.setattr(KafkaStageRunner, "revoked", recorded_revoked)
    monkeypatch.setattr(KafkaStageRunner, "_restore_assigned", recorded_restore)

    def a_held() -> bool:
        """Until B has been given partitions and restored them, then for HELD_AFTER_B more
        fetches (A goes on restoring well after B joined, whatever the machine's speed), or
        until B has been revoked twice (the repeated rebalances this test is to catch)."""
        if not (b_assigned.is_set() and restores[id(b)]):
            return True
        b_revoked = sum(1 for kind, parts in callbacks[id(b)] if kind == "revoked" and parts)
        if len(held_after_b) >= HELD_AFTER_B or b_revoked >= 2:
            return False
        held_after_b.append(1)
        return True

    class HeldUntilBJoins(kafka_admin.KafkaConsumer):  # type: ignore[misc]
        """A's state reads fetch nothing while ``a_held()`` (B joins while A restores);
        A's loop polls its group after each of those fetches."""

        def poll(self, timeout_ms: int = 0, max_records: int | None = None, **kw: Any) -> Any:
            if threading.current_thread().name == "worker-a" and a_held():
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
    # once B had partitions, A's restore went on (the premise) without making the group
    # rebalance again and again: B saw at most one more revoke/assign pair until it ended
    assert held_after_b, (held_after_b, callbacks)
    b_during = callbacks[id(b)][: b_seen_by_a_restored[0]]
    first = next(i for i, (kind, parts) in enumerate(b_during) if kind == "assigned" and parts)
    later = b_during[first + 1 :]
    assert sum(1 for kind, _ in later if kind == "revoked") <= 1, b_during
    assert sum(1 for kind, _ in later if kind == "assigned") <= 1, b_during


class _FakeGroupConsumer:
    """Just what keep_membership uses of a group consumer: poll (raising ``error`` when set),
    pause and assignment, and kafka-python's private coordinator's ``need_rejoin`` (True for
    the first ``rejoin_polls`` polls)."""

    def __init__(self, error: Exception | None = None, rejoin_polls: int = 0) -> None:
        self.error = error
        self.rejoin_polls = rejoin_polls
        self.timeouts: list[int] = []
        self._coordinator = self

    def need_rejoin(self) -> bool:
        return len(self.timeouts) < self.rejoin_polls

    def poll(self, timeout_ms: int = 0) -> dict[Any, list[Any]]:
        self.timeouts.append(timeout_ms)
        if self.error is not None:
            raise self.error
        return {}

    def pause(self, *parts: Any) -> None:
        pass

    def assignment(self) -> set[Any]:
        return set()


class _CountedBeats:
    def __init__(self) -> None:
        self.beats = 0

    def heartbeat(self) -> None:
        self.beats += 1


def _restoring_runner(consumer: _FakeGroupConsumer) -> tuple[Any, _CountedBeats]:
    from wirewatch.runners.kafka import build_runner

    settings = Settings(
        kafka=KafkaSettings(bootstrap_servers="127.0.0.1:1"),
        metrics=MetricsSettings(enabled=False),
    )
    runner: Any = build_runner(settings, "cluster")
    runner.consumer = consumer
    runner.ops = beats = _CountedBeats()
    runner._revoked_mid_restore = set()  # a restore is under way
    return runner, beats


def test_a_failed_poll_during_a_restore_still_sends_the_ops_heartbeat() -> None:
    from kafka import errors as kerr

    consumer = _FakeGroupConsumer(error=kerr.KafkaConnectionError("broker gone"))
    runner, beats = _restoring_runner(consumer)
    runner.keep_membership()
    assert consumer.timeouts == [0]
    assert beats.beats == 1  # alive while restoring, though the poll failed


def test_a_poll_during_a_restore_waits_for_the_rebalance_the_group_is_in() -> None:
    from wirewatch.runners.kafka import REJOIN_POLL_MS

    consumer = _FakeGroupConsumer(rejoin_polls=3)
    runner, beats = _restoring_runner(consumer)
    runner.keep_membership()
    # each poll while a rejoin is needed waits for the join's answer; once joined, it returns
    assert consumer.timeouts == [REJOIN_POLL_MS] * 3, consumer.timeouts
    assert beats.beats == 3
    consumer = _FakeGroupConsumer()
    runner, beats = _restoring_runner(consumer)
    runner.keep_membership()
    assert consumer.timeouts == [0] and beats.beats == 1  # no rebalance: no wait

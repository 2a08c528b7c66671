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

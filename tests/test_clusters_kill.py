"""A cluster worker killed with SIGKILL mid-run, then restarted: every event id ends with one
consistent history (versions 1..n, none twice, none missing, read_committed) and every report
in exactly one event, because the new worker restores the events from the compacted output
and resumes from the offsets committed with them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from clusters.events import shard_key
from testkit.pipeline import Workers, read_topic, read_until, wait_for, worker_env
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
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")

    def send(*rounds: int) -> None:
        for inc in (i for r in rounds for i in reports(r)):
            producer.send(
                topics.name("sharded-incidents"),
                key=shard_key(inc).encode(),
                value=inc.model_dump_json().encode(),
            )
        producer.flush(timeout=30)

    events_topic = topics.name("events")

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
        producer.close()
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

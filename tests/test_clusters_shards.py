"""Two cluster workers share the shards (sub-event type, country) of the cluster stage's input,
one is killed with SIGKILL mid-run, the other takes its partitions: every event id still ends
with one consistent history (versions 1..n, none twice, none missing, read_committed), every
report in exactly one event, every wire copy counted once, and every event's records on the
partition of its shard (the partition the new owner restores)."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewPartitions, NewTopic

from clusters.events import shard_key
from testkit.cli import run_cli
from testkit.pipeline import Workers, read_topic, read_until, wait_for, worker_env
from tests.broker_support import hold_compaction
from tests.test_clusters import incident, wire_copy
from wirewatch.config import KafkaSettings
from wirewatch.contracts import Event, Incident, Location
from wirewatch.topology import TOPOLOGY

SUBS = {  # sub-event type -> its event type
    "Air/drone strike": "Explosions/Remote violence",
    "Armed clash": "Battles",
    "Peaceful protest": "Protests",
}
COUNTRIES = ("TST", "XTL", "QQL")
PER_SHARD = 8  # real events per (sub-event type, country)
ROUNDS = 5  # reports of each


def shards() -> list[tuple[str, str]]:
    return [(sub, country) for sub in SUBS for country in COUNTRIES]


def reports(round_: int) -> Iterator[Incident]:
    """Report ``round_`` of every event: each event in its own town (0.5 degrees apart, farther
    than cluster.distance_km), the same day, its toll rising by one per round."""
    for s, (sub, country) in enumerate(shards()):
        for g in range(PER_SHARD):
            n = s * PER_SHARD + g
            where = Location(
                name=f"town{n}", country=country, country_iso3=country, lat=-60 + n * 0.5, lon=n
            )
            yield incident(
                n * 100 + round_,
                article=f"art-{n}-{round_}",
                sub=sub,
                event_type=SUBS[sub],
                where=where,
                killed=2 + round_,
                outlet=f"outlet{round_}.test",
            )


def event_number(event: dict) -> int:
    """``n`` of the event whose reports are inc-<n * 100 + round>."""
    return int(event["incident_ids"][0].removeprefix("inc-")) // 100


def group_members(bootstrap: str, group: str) -> int:
    """Members of ``group`` holding partitions, once the group is stable (else 0)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        info = admin.describe_groups([group])[group]
    finally:
        admin.close()
    return len(info["members"]) if info["group_state"] == "Stable" else 0


@pytest.mark.kafka
@pytest.mark.slow
def test_two_cluster_workers_share_the_shards_and_survive_a_kill9(
    kafka_settings: KafkaSettings, tmp_path: Path
) -> None:
    prefix = kafka_settings.topic_prefix
    bootstrap = kafka_settings.bootstrap_servers
    sharded, events_topic = f"{prefix}.sharded-incidents.v1", f"{prefix}.events.v1"
    env = worker_env(bootstrap, prefix, WIREWATCH_KAFKA__PARTITIONS="3")
    # The history check below needs every version still on the topic. Events records are
    # stamped with their data time, at most half the time bound (15 days) before the clock, and
    # the broker counts min.compaction.lag.ms (1 hour) from that stamp: the first transaction's
    # commit marker (stamped with the clock) rolls the first segment, and the cleaner drops the
    # versions in it that the same transaction replaced (an event's report and its wire copy,
    # v1 and v2) seconds after they were written. A lag of the whole bound keeps them.
    hold_compaction(bootstrap, events_topic, kafka_settings.incidents_retention_ms)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    shard_partition: dict[str, int] = {}  # where the producer's partitioner put each shard

    def send(*rounds: int) -> None:
        futures = []
        for inc in (i for r in rounds for i in reports(r)):
            key = shard_key(inc)
            futures.append((key, producer.send(sharded, key=key.encode(), value=_json(inc))))
        producer.flush(timeout=30)
        for key, f in futures:
            shard_partition[key] = f.get(timeout=30).partition

    def send_copies() -> None:
        """One wire copy of each event's first report, on every partition (as the process
        worker's runner sends it)."""
        for n in range(len(shards()) * PER_SHARD):
            copy = wire_copy(n, original=f"art-{n}-0", outlet="copy.test")
            for p in range(3):
                producer.send(
                    f"{prefix}.broadcast-copies.v1",
                    key=copy.article_id.encode(),
                    value=_json(copy),
                    partition=p,
                )
        producer.flush(timeout=30)

    def latest(records: list) -> dict[str, dict]:
        return {m.key.decode(): json.loads(m.value) for m in records}

    def copies_counted(records: list) -> bool:
        events = latest(records).values()
        return sum(f"copy-{event_number(ev)}" in ev["article_ids"] for ev in events) == events_total

    def every_report_joined(records: list) -> bool:
        events = latest(records).values()
        return sum(len(ev["incident_ids"]) for ev in events) >= events_total * ROUNDS

    watcher = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    parts = [TopicPartition(events_topic, p) for p in range(3)]

    def committed_records() -> int:  # cheap: the last stable offsets of the events topic
        return sum(watcher.end_offsets(parts).values())

    events_total = len(shards()) * PER_SHARD
    workers = Workers(env, tmp_path)
    try:
        workers.start("cluster")
        workers.start("cluster")
        assert wait_for(lambda: group_members(bootstrap, f"{prefix}.cluster") == 2, 120), (
            workers.logs()
        )
        send(0)
        send_copies()
        # every event made, with its copy counted before a worker is killed (waiting copies
        # survive a restart too, test_clusters_kill.py shows that; this test is about events)
        assert read_until(bootstrap, events_topic, copies_counted, 180)[1], workers.logs()
        before_kill = committed_records()
        send(*range(1, ROUNDS))
        assert wait_for(lambda: committed_records() > before_kill, 120, 0.02), workers.logs()
        workers.kill9("cluster")
        assert read_until(bootstrap, events_topic, every_report_joined, 300)[1], workers.logs()
        assert workers.stop_all()[-1] == 0
    finally:
        workers.stop_all()
        producer.close()
        watcher.close()

    # both workers made events: the shards were shared
    for log in (tmp_path / "cluster-0.log", tmp_path / "cluster-1.log"):
        assert "events out" in log.read_text(errors="replace"), log.read_text()[-3000:]
    assert len(set(shard_partition.values())) > 1, shard_partition  # more than one partition used

    history: dict[str, list[int]] = {}
    final: dict[str, dict] = {}
    where: dict[str, set[int]] = {}
    for m in read_topic(bootstrap, events_topic, 1500):
        ev = json.loads(m.value)
        assert m.key.decode() == ev["event_id"]
        history.setdefault(ev["event_id"], []).append(ev["version"])
        final[ev["event_id"]] = ev
        where.setdefault(ev["event_id"], set()).add(m.partition)
    broken = {k: v for k, v in history.items() if v != list(range(1, len(v) + 1))}
    assert not broken, (broken, {k: where[k] for k in broken})
    assert len(final) == events_total
    joined = sorted(i for ev in final.values() for i in ev["incident_ids"])
    assert joined == sorted(
        f"inc-{n * 100 + r}" for n in range(events_total) for r in range(ROUNDS)
    )
    for ev in final.values():
        n = event_number(ev)
        assert [r["fatalities"] for r in ev["toll_history"]] == [2 + r for r in range(ROUNDS)]
        assert ev["fatalities"] == 1 + ROUNDS
        assert ev["article_ids"].count(f"copy-{n}") == 1  # the copy counted once
        assert "copy.test" in ev["outlets"]
        key = shard_key(Event.model_validate(ev))
        assert where[ev["event_id"]] == {shard_partition[key]}  # its shard's partition
    assert read_topic(bootstrap, f"{prefix}.deadletter.v1", idle_ms=1000) == []


def _json(record: Incident | object) -> bytes:
    return record.model_dump_json().encode()  # type: ignore[attr-defined]


@pytest.mark.kafka
def test_a_cluster_worker_refuses_topics_partitioned_unlike_each_other(
    kafka_settings: KafkaSettings,
) -> None:
    """Partition p of the events topic must hold the events of the shards of input partition
    p (a worker restores only its partitions' events): with one more events partition the
    worker stops at start with one line saying which topic has how many, no traceback."""
    prefix = kafka_settings.topic_prefix
    admin = KafkaAdminClient(bootstrap_servers=kafka_settings.bootstrap_servers)
    try:
        admin.create_partitions({f"{prefix}.events.v1": NewPartitions(total_count=4)})
    finally:
        admin.close()
    env = worker_env(kafka_settings.bootstrap_servers, prefix, WIREWATCH_KAFKA__PARTITIONS="3")
    done = run_cli([sys.executable, "-m", "wirewatch", "worker", "cluster"], env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("error:")]
    assert f"{prefix}.events.v1 has 4" in line and f"{prefix}.sharded-incidents.v1 has 3" in line
    assert "partitioned alike" in line


@pytest.mark.kafka
def test_a_process_worker_without_the_broadcast_topic_says_to_create_it(
    kafka_bootstrap: str,
) -> None:
    """A deployment from before the cluster stage was sharded has no broadcast-copies topic:
    the process worker stops at start with one line naming it and what to run, no
    traceback."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics(
            [
                NewTopic(f"{prefix}.{kind}.v1", num_partitions=3, replication_factor=1)
                for kind in TOPOLOGY.kinds()
                if kind != "broadcast-copies"
            ]
        )
    finally:
        admin.close()
    env = worker_env(kafka_bootstrap, prefix, WIREWATCH_KAFKA__PARTITIONS="3")
    done = run_cli([sys.executable, "-m", "wirewatch", "worker", "process"], env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("error")]
    assert f"topic {prefix}.broadcast-copies.v1 does not exist" in line
    assert "wirewatch topics create" in line

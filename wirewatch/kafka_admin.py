"""Topic administration: idempotent creation with the configured layout, and consumers for
humans (``wirewatch tail``). Kafka errors are translated by :mod:`sinks.kafka`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as kerr
from kafka.admin import ConfigResource, ConfigResourceType

from sinks.kafka import kafka_client_config, make_producer, translate_kafka_error
from wirewatch.config import KafkaSettings
from wirewatch.errors import SinkError, WirewatchError
from wirewatch.topics import Topics, cloudevent_headers
from wirewatch.topology import TOPOLOGY, Topology

if TYPE_CHECKING:
    from ingest.feeds import FeedSpec

__all__ = [
    "FeedRegistry",
    "TailRecord",
    "TopicPlan",
    "TopicState",
    "create_topics",
    "ensure_topics",
    "newest_record_ms",
    "plan_topics",
    "read_table",
    "tail",
]


@dataclass(frozen=True)
class TopicPlan:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]


@dataclass(frozen=True)
class TopicState:
    """What ``topics create`` found or did for one topic."""

    name: str
    state: str  # created | exists | drift | altered | failed
    #: config key -> (value on the broker, planned value), where an existing topic differs
    drift: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    error: str | None = None


def plan_topics(
    cfg: KafkaSettings, kinds: tuple[str, ...] | None = None, topology: Topology = TOPOLOGY
) -> list[TopicPlan]:
    """The topics of ``topology`` (every kind, or ``kinds``) as ``topics create`` makes them:
    each topic's cleanup policy and time bound come from its row in the topology table."""
    topics = Topics(cfg.topic_prefix, topology)
    plans = []
    for kind in kinds or tuple(topology.kinds()):
        spec = topology.topic(kind)
        configs = {
            "cleanup.policy": spec.cleanup_policy,
            "max.message.bytes": str(max(cfg.max_request_size, 1_048_588)),
        }
        if spec.compacted:
            # a value stays at least this long before compaction may drop it for a newer one
            configs["min.compaction.lag.ms"] = str(3600 * 1000)
        if spec.retention:
            bound = getattr(cfg, spec.retention, None)
            if not isinstance(bound, int):
                raise ValueError(
                    f"topic kind {kind!r}: retention names kafka.{spec.retention}, "
                    "which is no integer setting"
                )
            configs["retention.ms"] = str(bound)
        plans.append(TopicPlan(topics.name(kind), cfg.partitions, cfg.replication_factor, configs))
    return plans


def _admin(cfg: KafkaSettings) -> KafkaAdminClient:
    try:
        return KafkaAdminClient(
            **kafka_client_config(cfg), bootstrap_timeout_ms=cfg.bootstrap_timeout_ms
        )
    except Exception as exc:
        raise translate_kafka_error(exc, connecting=True) from exc


def _same_config(key: str, actual: str | None, wanted: str) -> bool:
    if actual is None:
        return False
    if key == "cleanup.policy":  # a list: "delete,compact" is "compact,delete"
        return {p.strip() for p in actual.split(",")} == {p.strip() for p in wanted.split(",")}
    return actual.strip() == wanted


def _drift(admin: KafkaAdminClient, plans: list[TopicPlan]) -> dict[str, dict[str, Any]]:
    """{topic: {key: (broker value, planned value)}} for the planned keys that differ."""
    if not plans:
        return {}
    described = admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, p.name) for p in plans], config_filter="all"
    )["topic"]
    out: dict[str, dict[str, Any]] = {}
    for p in plans:
        actual = described.get(p.name, {})
        out[p.name] = {
            key: ((actual.get(key) or {}).get("value"), wanted)
            for key, wanted in p.configs.items()
            if not _same_config(key, (actual.get(key) or {}).get("value"), wanted)
        }
    return out


def ensure_topics(
    cfg: KafkaSettings,
    kinds: tuple[str, ...] | None = None,
    topology: Topology = TOPOLOGY,
    *,
    apply: bool = False,
) -> list[TopicState]:
    """Create missing topics with their planned configs; compare existing ones with the plan
    (``drift``) and, with ``apply``, alter the keys that differ (incremental alter, so keys
    outside the plan are left as they are). Safe to repeat."""
    plans = plan_topics(cfg, kinds, topology)
    admin = _admin(cfg)
    try:
        existing = set(admin.list_topics())
        todo = [p for p in plans if p.name not in existing]
        states: dict[str, TopicState] = {}
        if todo:
            spec = {
                p.name: {
                    "num_partitions": p.partitions,
                    "replication_factor": p.replication_factor,
                    "configs": p.configs,
                }
                for p in todo
            }
            try:
                admin.create_topics(spec, raise_errors=False, wait_for_metadata=True)
            except kerr.TopicAlreadyExistsError:  # raced with another creator
                pass
            now = set(admin.list_topics())
            for p in todo:
                states[p.name] = TopicState(p.name, "created" if p.name in now else "failed")
        drift = _drift(admin, [p for p in plans if p.name in existing])
        for name, diff in drift.items():
            states[name] = TopicState(name, "drift" if diff else "exists", diff)
        if apply and any(drift.values()):
            wanted = {n: {k: v[1] for k, v in d.items()} for n, d in drift.items() if d}
            result = admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, n, c) for n, c in wanted.items()]
            ).get("topic", {})
            for name in wanted:
                outcome = result.get(name, "no answer from the broker")
                states[name] = TopicState(
                    name,
                    "altered" if outcome == "OK" else "failed",
                    drift[name],
                    None if outcome == "OK" else str(outcome),
                )
        return [states[p.name] for p in plans]
    except kerr.KafkaError as exc:
        raise translate_kafka_error(exc) from exc
    finally:
        admin.close()


def create_topics(
    cfg: KafkaSettings,
    kinds: tuple[str, ...] | None = None,
    topology: Topology = TOPOLOGY,
    *,
    apply: bool = False,
) -> dict[str, str]:
    """Create missing topics; returns {topic: 'created' | 'exists' | 'drift' | 'altered' |
    'failed'} (see :func:`ensure_topics`). Safe to repeat."""
    return {s.name: s.state for s in ensure_topics(cfg, kinds, topology, apply=apply)}


@dataclass(frozen=True)
class TailRecord:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: str | None
    headers: dict[str, str]
    value: Any

    def to_json(self) -> str:
        return json.dumps(
            {
                "topic": self.topic,
                "partition": self.partition,
                "offset": self.offset,
                "timestamp_ms": self.timestamp_ms,
                "key": self.key,
                "headers": self.headers,
                "value": self.value,
            },
            ensure_ascii=False,
        )


def tail(
    cfg: KafkaSettings,
    topic: str,
    *,
    from_beginning: bool = False,
    max_records: int | None = None,
    idle_timeout: float | None = None,
    group_id: str | None = None,
) -> Iterator[TailRecord]:
    """Yield records of ``topic`` (read_committed) until max_records or idle_timeout."""
    try:
        consumer = KafkaConsumer(
            **kafka_client_config(cfg),
            group_id=group_id,
            enable_auto_commit=group_id is not None,
            auto_offset_reset="earliest" if from_beginning else "latest",
            isolation_level="read_committed",
            consumer_timeout_ms=int(idle_timeout * 1000) if idle_timeout else float("inf"),
            bootstrap_timeout_ms=cfg.bootstrap_timeout_ms,
        )
    except Exception as exc:
        raise translate_kafka_error(exc, topic=topic, connecting=True) from exc
    try:
        if topic not in consumer.topics():
            raise translate_kafka_error(kerr.UnknownTopicOrPartitionError(), topic=topic)
        consumer.subscribe([topic])
        n = 0
        for msg in consumer:
            raw = msg.value or b""
            try:
                value: Any = json.loads(raw)
            except ValueError:
                value = raw.decode("utf-8", "replace")
            yield TailRecord(
                topic=msg.topic,
                partition=msg.partition,
                offset=msg.offset,
                timestamp_ms=msg.timestamp,
                key=msg.key.decode("utf-8", "replace") if msg.key is not None else None,
                headers={k: v.decode("utf-8", "replace") for k, v in (msg.headers or [])},
                value=value,
            )
            n += 1
            if max_records is not None and n >= max_records:
                return
    finally:
        consumer.close()


class FeedRegistry:
    """The feed list as a compacted topic keyed by feed id (tombstone = removed).

    Every failure to reach or write the topic is a :class:`~wirewatch.errors.SinkError`
    (``BrokerUnavailable`` within ``kafka.bootstrap_timeout_ms`` when no broker answers).
    """

    def __init__(self, cfg: KafkaSettings) -> None:
        self.cfg = cfg
        self.topic = Topics(cfg.topic_prefix).feeds

    def _producer(self) -> KafkaProducer:
        return make_producer(self.cfg, bootstrap_timeout_ms=self.cfg.bootstrap_timeout_ms)

    def _write(self, records: Iterable[tuple[str, FeedSpec | None]]) -> int:
        """Send ``(feed_id, spec)`` records (None: a tombstone) and wait for all of them. A feed
        record carries CloudEvents headers like every topic's records; a tombstone, which
        carries no event, none."""
        p = self._producer()
        n = 0
        try:
            for fid, spec in records:
                value = None if spec is None else spec.model_dump_json(exclude_none=True).encode()
                headers = (
                    []
                    if spec is None or value is None
                    else cloudevent_headers(spec, "wirewatch/feeds", value=value, kind="feeds")
                )
                p.send(self.topic, key=fid.encode(), value=value, headers=headers)
                n += 1
            p.flush(timeout=max(30.0, self.cfg.max_block_ms / 1000))
        except kerr.KafkaError as exc:
            raise translate_kafka_error(exc, topic=self.topic) from exc
        finally:
            p.close()
        return n

    def put(self, specs: Iterable[FeedSpec]) -> int:
        return self._write((spec.feed_id, spec) for spec in specs)

    def load(self) -> dict[str, FeedSpec]:
        from ingest.feeds import read_feed_record

        feeds: dict[str, FeedSpec] = {}
        for _tp, key, value in read_table(self.cfg, self.topic):
            if value is None:
                feeds.pop(key, None)
            else:
                feeds[key] = read_feed_record(value)
        return feeds

    def remove(self, feed_id_or_url: str) -> str:
        """Tombstone one feed, by id or URL; a feed that is not in the list is an error (a typo
        must not look like a removal)."""
        from ingest.feeds import feed_id_for

        feeds = self.load()
        fid = feed_id_or_url if feed_id_or_url in feeds else feed_id_for(feed_id_or_url)
        if fid not in feeds:
            raise WirewatchError(
                f"no feed {feed_id_or_url!r} in {self.topic} (`wirewatch feeds list` shows them)",
                reason="feeds.not_found",
            )
        self._write([(fid, None)])
        return fid

    def sync(self, specs: Sequence[FeedSpec], *, remove_missing: bool = False) -> tuple[int, int]:
        added = self.put(specs)
        removed = 0
        if remove_missing:
            keep = {s.feed_id for s in specs}
            removed = self._write((fid, None) for fid in self.load() if fid not in keep)
        return added, removed


def read_table(
    cfg: KafkaSettings,
    topic: str,
    partitions: Iterable[int] | None = None,
    *,
    since_ms: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[], None] | None = None,
) -> list[tuple[int, str, bytes | None]]:
    """Read committed records of ``topic`` (given partitions, else all) to the end it has when
    the read starts: from each partition's beginning, or with ``since_ms`` from the first offset
    whose record timestamp is at or after it (a partition with no such record is not read).

    No overall deadline: a large table takes as long as it takes. The read fails (a
    :class:`~wirewatch.errors.SinkError`, reason ``sink.read_stalled``) only when no partition's
    position moves for ``cfg.table_read_stall_timeout`` seconds; reason ``sink.read_stopped``
    as soon as ``should_stop()`` is true (a worker asked to stop does not finish a long read).
    ``on_progress()`` is called after every fetch of the read: a group worker restoring its
    state keeps its group membership there (its own consumer must be polled meanwhile)."""
    try:
        consumer = _table_consumer(cfg)
    except Exception as exc:
        raise translate_kafka_error(exc, topic=topic, connecting=True) from exc
    try:
        parts = (
            partitions
            if partitions is not None
            else (consumer.partitions_for_topic(topic) or set())
        )
        tps = [TopicPartition(topic, p) for p in parts]
        if not tps:
            return []
        consumer.assign(tps)
        # the end first: a record written after it is not read, whichever way the start is found
        end = consumer.end_offsets(tps)
        _seek_start(consumer, tps, end, since_ms)
        return [
            (m.partition, m.key.decode() if m.key else "", m.value)
            for m in _read_to(consumer, cfg, topic, tps, end, should_stop, on_progress)
        ]
    except kerr.KafkaError as exc:
        raise translate_kafka_error(exc, topic=topic, doing="reading") from exc
    finally:
        consumer.close()


def newest_record_ms(
    cfg: KafkaSettings,
    topic: str,
    partitions: Iterable[int],
    *,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[], None] | None = None,
) -> int | None:
    """The timestamp (ms) of the newest committed record of ``topic``'s ``partitions``: the
    largest timestamp among the last records of each partition; None when none of them holds
    a committed record. Fails as :func:`read_table` does.

    Why not just the record at end offset - 1: in a topic written by transactions the last
    offset is usually a commit marker, and aborted records read_committed skips may come
    before it; so the tail is read from a few offsets back, further back (eight times as far
    each time) until a committed record is found or the partition's beginning is reached."""
    try:
        consumer = _table_consumer(cfg)
    except Exception as exc:
        raise translate_kafka_error(exc, topic=topic, connecting=True) from exc
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        if not tps:
            return None
        consumer.assign(tps)
        end = consumer.end_offsets(tps)
        begin = consumer.beginning_offsets(tps)
        newest: int | None = None
        for tp in tps:
            consumer.assign([tp])
            back = 4
            while end[tp] > begin[tp]:
                start = max(begin[tp], end[tp] - back)
                consumer.seek(tp, start)
                stamps = [
                    m.timestamp
                    for m in _read_to(consumer, cfg, topic, [tp], end, should_stop, on_progress)
                ]
                if stamps:
                    newest = max(stamps) if newest is None else max(newest, *stamps)
                    break
                if start == begin[tp]:
                    break  # only markers and aborted records: no committed record
                back *= 8
        return newest
    except kerr.KafkaError as exc:
        raise translate_kafka_error(exc, topic=topic, doing="reading") from exc
    finally:
        consumer.close()


def _table_consumer(cfg: KafkaSettings) -> KafkaConsumer:
    """A consumer outside any group reading committed records (partitions assigned by hand)."""
    return KafkaConsumer(
        **kafka_client_config(cfg),
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        bootstrap_timeout_ms=cfg.bootstrap_timeout_ms,
    )


def _read_to(
    consumer: KafkaConsumer,
    cfg: KafkaSettings,
    topic: str,
    tps: list[TopicPartition],
    end: dict[Any, int],
    should_stop: Callable[[], bool] | None,
    on_progress: Callable[[], None] | None,
) -> Iterator[Any]:
    """The records of ``tps`` from their positions to ``end`` (see :func:`read_table` for
    the stall and stop rules and ``on_progress``)."""
    stall = cfg.table_read_stall_timeout
    position = {tp: consumer.position(tp) for tp in tps}
    moved = time.monotonic()
    while any(position[tp] < end[tp] for tp in tps):
        if should_stop is not None and should_stop():
            raise SinkError(f"reading {topic} stopped: asked to stop", reason="sink.read_stopped")
        for msgs in consumer.poll(timeout_ms=int(min(500, stall * 1000))).values():
            yield from msgs
        if on_progress is not None:
            on_progress()
        now = {tp: consumer.position(tp) for tp in tps}
        if now != position:
            position, moved = now, time.monotonic()
        elif time.monotonic() - moved > stall:
            left = sum(max(0, end[tp] - position[tp]) for tp in tps)
            raise SinkError(
                f"reading {topic} stalled: no progress for {stall:g} s with {left} "
                "records still to read (kafka.table_read_stall_timeout)",
                reason="sink.read_stalled",
            )


def _seek_start(
    consumer: KafkaConsumer, tps: list[TopicPartition], end: dict[Any, int], since_ms: int | None
) -> None:
    """Put each partition at its beginning, or at the first offset whose timestamp is at or
    after ``since_ms``. The broker answers that lookup with the earliest such offset even when
    timestamps are out of order (producers' clocks differ), so every record skipped is older
    than ``since_ms``; it answers none (None) when no record of the partition is that recent
    (an empty partition too), and then the partition is put at its end and nothing of it is
    read. (It would also answer None for records without timestamps, message format before
    0.10, which current brokers no longer write.)"""
    if since_ms is None:
        consumer.seek_to_beginning(*tps)
        return
    found = consumer.offsets_for_times({tp: since_ms for tp in tps})
    for tp in tps:
        at = found.get(tp)
        consumer.seek(tp, end[tp] if at is None else min(at.offset, end[tp]))

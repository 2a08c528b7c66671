"""Topic administration: idempotent creation with the configured layout, and consumers for
humans (``wirewatch tail``). Kafka errors are translated by :mod:`sinks.kafka`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer
from kafka import errors as kerr

from sinks.kafka import kafka_client_config, translate_kafka_error
from wirewatch.config import KafkaSettings
from wirewatch.topics import TOPIC_KINDS, Topics

__all__ = ["TailRecord", "TopicPlan", "create_topics", "plan_topics", "tail"]


@dataclass(frozen=True)
class TopicPlan:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]


def plan_topics(cfg: KafkaSettings, kinds: tuple[str, ...] | None = None) -> list[TopicPlan]:
    topics = Topics(cfg.topic_prefix)
    plans = []
    for kind in kinds or tuple(TOPIC_KINDS):
        compacted = TOPIC_KINDS[kind][1]
        configs = {"max.message.bytes": str(max(cfg.max_request_size, 1_048_588))}
        if compacted:
            # key is an identity: the latest value per key is the truth, older ones may go
            configs["cleanup.policy"] = "compact"
            configs["min.compaction.lag.ms"] = str(3600 * 1000)
        else:
            configs["cleanup.policy"] = "delete"
            configs["retention.ms"] = str(cfg.deadletter_retention_ms)
        if compacted and kind in ("entries", "articles", "incidents"):
            # tombstones and superseded versions kept long enough for slow consumers
            configs["delete.retention.ms"] = str(cfg.retention_ms)
        plans.append(TopicPlan(topics.name(kind), cfg.partitions, cfg.replication_factor, configs))
    return plans


def _admin(cfg: KafkaSettings) -> KafkaAdminClient:
    try:
        return KafkaAdminClient(
            **kafka_client_config(cfg), bootstrap_timeout_ms=cfg.bootstrap_timeout_ms
        )
    except Exception as exc:
        raise translate_kafka_error(exc, connecting=True) from exc


def create_topics(
    cfg: KafkaSettings,
    kinds: tuple[str, ...] | None = None,
) -> dict[str, str]:
    """Create missing topics; returns {topic: 'created' | 'exists'}. Safe to repeat."""
    plans = plan_topics(cfg, kinds)
    admin = _admin(cfg)
    try:
        existing = set(admin.list_topics())
        todo = [p for p in plans if p.name not in existing]
        result = {p.name: "exists" for p in plans if p.name in existing}
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
                result[p.name] = "created" if p.name in now else "failed"
        return result
    except kerr.KafkaError as exc:
        raise translate_kafka_error(exc) from exc
    finally:
        admin.close()


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

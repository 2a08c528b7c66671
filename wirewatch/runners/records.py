"""What the Kafka runner does with records that cannot go through: the size rules applied to
every output before its transaction, and which failures are the records' fault (poison) rather
than the broker's. Used by :mod:`wirewatch.runners.kafka`; the rules are in its docstring.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from kafka import errors as kerr

from sinks.kafka import kafka_client_config, shrink_dead_letter, truncate_article_text
from wirewatch.config import KafkaSettings
from wirewatch.contracts import Article, DeadLetter
from wirewatch.errors import ContractError, RecordTooLarge, WirewatchError
from wirewatch.stage import Emit, dead_letter
from wirewatch.topics import record_value

__all__ = ["RecordFitter", "is_poison", "poison_reason", "topic_size_limits"]

log = logging.getLogger("wirewatch.workers")


#: broker refusals of one record: retrying the same bytes can never succeed
_REFUSALS: tuple[type[BaseException], ...] = (
    kerr.MessageSizeTooLargeError,
    kerr.RecordListTooLargeError,
    kerr.InvalidRecordError,
    kerr.CorruptRecordError,
)


def is_poison(exc: BaseException) -> bool:
    """Whether a failed batch may fail again for the same records however long one waits.

    A broker refusal of a record or an error in the stage or serialisation (anything not from
    the Kafka client) is; every other Kafka client error (unreachable broker, timeouts, fencing,
    coordinator moves, a producer in a failed state) is about the broker, not the records.
    """
    if isinstance(exc, (*_REFUSALS, RecordTooLarge, ContractError)):
        return True
    return not isinstance(exc, kerr.KafkaError | WirewatchError)


def poison_reason(exc: BaseException, stage: str) -> str:
    if isinstance(exc, _REFUSALS):
        invalid = isinstance(exc, kerr.InvalidRecordError | kerr.CorruptRecordError)
        return "record.invalid" if invalid else "record.too_large"
    if isinstance(exc, WirewatchError):
        return exc.reason
    return f"{stage}.crash.{type(exc).__name__}"


def topic_size_limits(cfg: KafkaSettings, topics: Sequence[str]) -> dict[str, int]:
    """``max.message.bytes`` of each topic, as the broker reports it (missing: unknown)."""
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

    admin = KafkaAdminClient(
        **kafka_client_config(cfg), bootstrap_timeout_ms=cfg.bootstrap_timeout_ms
    )
    try:
        found = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics], config_filter="all"
        )
    finally:
        admin.close()
    out: dict[str, int] = {}
    for name, conf in (found.get("topic") or {}).items():
        entry = conf.get("max.message.bytes")
        value = entry.get("value") if isinstance(entry, dict) else entry
        if value is not None:
            out[name] = int(value)
    return out


class RecordFitter:
    """Makes every output fit its topic's size limit before the transaction (the rules are in
    the module docstring); ``limits`` are bytes per topic name, ``default`` for the others."""

    def __init__(
        self, stage: str, cfg: KafkaSettings, limits: dict[str, int], default: int
    ) -> None:
        self.stage = stage
        self.cfg = cfg
        self.limits = limits
        self.default = default

    def limit(self, topic: str) -> int:
        return min(self.limits.get(topic, self.default), self.default)

    def fit(self, out: Emit, topic: str, size: int) -> Emit:
        """``out`` itself if ``size`` (its bytes on the wire) fits ``topic``, else a record
        made to fit: a cut article, a dead letter with a bounded payload, or a dead letter
        ``record.too_large`` of the output."""
        limit = self.limit(topic)
        if size <= limit:
            return out
        rec = out.record
        if isinstance(rec, Article):
            room = len(rec.text.encode("utf-8")) - (size - limit) - 1024
            cut = truncate_article_text(rec, max(0, min(self.cfg.article_text_cap, room)))
            log.warning(
                "article text truncated to fit %s: %d bytes over %d",
                topic,
                size,
                limit,
                extra={"stage": self.stage, "key": out.key, "reason": "record.truncated"},
            )
            # replace, not a new Emit: every other field (the data-time stamp) stays
            return replace(out, record=cut)
        if isinstance(rec, DeadLetter):
            cap = max(0, min(self.cfg.dead_letter_payload_cap, limit // 2))
            return replace(out, record=shrink_dead_letter(rec, cap))
        value = record_value(rec)
        letter = dead_letter(
            self.stage,
            RecordTooLarge(
                f"{out.kind} record of {size} bytes exceeds the {limit} bytes {topic} accepts"
            ),
            reason="record.too_large",
            payload=value,
            key=out.key,
            source_topic=topic,
            context={"record_bytes": size, "limit_bytes": limit},
        )
        letter = shrink_dead_letter(letter, min(self.cfg.dead_letter_payload_cap, limit // 2))
        return Emit("deadletter", out.key, letter)

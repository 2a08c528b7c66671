"""Kafka sink on kafka-python: idempotent, acks=all, bounded, counted.

* Bounded buffering: at most ``max_pending`` records are in flight; ``add()`` blocks (up to
  ``max_block_ms``) for room, so a slow broker slows the producer down instead of growing
  memory. kafka-python 3 has no ``buffer_memory`` of its own.
* In-flight records sit in a FIFO of (future, record); the caller's thread reaps finished
  futures from its head. No per-record callbacks: they cost a closure and GIL hand-offs to the
  I/O thread per record (measured: ~20 us/record, a third of the produce path).
* Delivery results are counted from the futures' callbacks. A record the broker refuses for good
  (too large for the broker, invalid) is collected there and dead-lettered by the caller's thread
  on the next ``add``/``flush``: callbacks run on the I/O thread, which must never block on a send.
* Errors of kafka-python are translated into :mod:`wirewatch.errors` here and only here.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import ssl
import time
import uuid
from collections import deque
from datetime import datetime
from typing import Any, Literal, NamedTuple

from kafka import KafkaProducer
from kafka import errors as kerr
from pydantic import BaseModel

from sinks._base import DeliveryStats
from wirewatch.config import KafkaSettings
from wirewatch.contracts import Article, DeadLetter
from wirewatch.errors import (
    BrokerUnavailable,
    DeliveryFailed,
    MetadataTimeout,
    RecordTooLarge,
    SinkError,
    TopicMissing,
)
from wirewatch.metrics import DeadLettered, DeliveryResult, emit
from wirewatch.topics import Topics, cloudevent_headers, record_key, record_value

__all__ = [
    "RECORD_OVERHEAD",
    "KafkaSink",
    "bounded_payload",
    "kafka_client_config",
    "make_producer",
    "metadata_failure",
    "record_size",
    "shrink_dead_letter",
    "translate_kafka_error",
    "truncate_article_text",
]

log = logging.getLogger("wirewatch.sinks.kafka")

# payload kept in a dead letter of an oversized record: enough to identify it, never too large
_DEAD_LETTER_PAYLOAD_BYTES = 64 * 1024
# what a record costs beyond key, value and headers: the record batch header (61 bytes), the
# record's own varints and attributes, with room to spare; sizes are checked before the send
RECORD_OVERHEAD = 512


class _InFlight(NamedTuple):
    future: Any
    topic: str
    key: str | None
    value: bytes
    headers: list[tuple[str, bytes]]
    attempts: int
    sent_at: float  # time.monotonic() of the send, for the healthcheck
    timestamp_ms: int | None = None  # the record time it was given (None: its send time)


# ---------------------------------------------------------------------------- size rules
# Shared by the sink and the transactional runners: a record is checked against the limit
# before it is sent, and what does not fit is made to fit by these rules (or dead-lettered).


def record_size(key: str | bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> int:
    """Bytes a record takes in a request, uncompressed, with the batch overhead."""
    k = len(key.encode() if isinstance(key, str) else key or b"")
    return RECORD_OVERHEAD + k + len(value) + sum(len(h) + len(v) for h, v in headers)


def bounded_payload(
    value: bytes, cap: int
) -> tuple[str, Literal["utf-8", "base64"], dict[str, Any]]:
    """A dead letter's payload for ``value``: at most ``cap`` bytes of it (UTF-8 text, else
    base64 of a prefix), and the context that says what was kept: the original size in bytes,
    its SHA-256, and whether it was cut."""
    ctx: dict[str, Any] = {
        "payload_bytes": len(value),
        "payload_sha256": hashlib.sha256(value).hexdigest(),
        "payload_truncated": False,
    }
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        # base64 grows by 4/3: keep a prefix whose encoding is within the cap
        prefix = value[: cap // 4 * 3]
        ctx["payload_truncated"] = len(prefix) < len(value)
        return base64.b64encode(prefix).decode("ascii"), "base64", ctx
    if len(value) <= cap:
        return text, "utf-8", ctx
    ctx["payload_truncated"] = True
    # cut on a character boundary; JSON escaping may grow it, so keep a margin of half
    return value[: cap // 2].decode("utf-8", "ignore"), "utf-8", ctx


def shrink_dead_letter(letter: DeadLetter, cap: int) -> DeadLetter:
    """``letter`` with its payload bounded to ``cap`` bytes (see :func:`bounded_payload`)."""
    if letter.payload is None:
        return letter
    raw = (
        base64.b64decode(letter.payload)
        if letter.payload_encoding == "base64"
        else letter.payload.encode("utf-8")
    )
    text, encoding, ctx = bounded_payload(raw, cap)
    return letter.model_copy(
        update={
            "payload": text,
            "payload_encoding": encoding,
            "context": {**letter.context, **ctx},
            "error": letter.error[:2000],
        }
    )


def truncate_article_text(article: Article, max_bytes: int) -> Article:
    """``article`` with its text cut to at most ``max_bytes`` UTF-8 bytes (on a character
    boundary), marked ``truncated`` with the ``original_length`` in characters."""
    cut = article.text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return article.model_copy(
        update={
            "text": cut,
            "truncated": True,
            "original_length": article.original_length or len(article.text),
        }
    )


def kafka_client_config(cfg: KafkaSettings) -> dict[str, Any]:
    """Connection and security options shared by producers, consumers and admin clients."""
    out: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in (cfg.bootstrap_servers or "").split(",") if s],
        "client_id": cfg.client_id,
        "security_protocol": cfg.security_protocol,
        "request_timeout_ms": cfg.request_timeout_ms,
    }
    if cfg.sasl_mechanism:
        out["sasl_mechanism"] = cfg.sasl_mechanism
        out["sasl_plain_username"] = cfg.sasl_username
        out["sasl_plain_password"] = (
            cfg.sasl_password.get_secret_value() if cfg.sasl_password else None
        )
    if cfg.security_protocol in ("SSL", "SASL_SSL"):
        ctx = ssl.create_default_context(cafile=cfg.ssl_cafile)
        if cfg.ssl_certfile:
            ctx.load_cert_chain(
                cfg.ssl_certfile,
                cfg.ssl_keyfile,
                cfg.ssl_password.get_secret_value() if cfg.ssl_password else None,
            )
        out["ssl_context"] = ctx
    return out


_NO_BROKERS = tuple(
    c for c in (getattr(kerr, "NoBrokersAvailable", None), kerr.KafkaConnectionError) if c
)


def translate_kafka_error(
    exc: BaseException,
    *,
    topic: str | None = None,
    connecting: bool = False,
    doing: str = "producing to",
) -> SinkError:
    """Map kafka-python exceptions onto the wirewatch error tree (messages carry no secrets).

    ``connecting``: the error happened while bootstrapping, where kafka-python 3 reports an
    unreachable cluster as a timeout. ``doing``: what was done with ``topic``, for the message
    ("reading" for a consumer).
    """
    if isinstance(exc, SinkError):
        return exc
    if isinstance(exc, _NO_BROKERS) or (connecting and isinstance(exc, kerr.KafkaTimeoutError)):
        return BrokerUnavailable(f"no Kafka broker reachable: {exc}")
    if isinstance(exc, kerr.MessageSizeTooLargeError | kerr.RecordListTooLargeError):
        return RecordTooLarge(f"record too large for {topic}: {exc}")
    if isinstance(exc, kerr.UnknownTopicOrPartitionError):
        return TopicMissing(f"topic {topic} does not exist (auto-create is off): {exc}")
    if isinstance(exc, kerr.KafkaTimeoutError):
        return DeliveryFailed(f"timed out {doing} {topic}: {exc}", reason="sink.timeout")
    return DeliveryFailed(f"{type(exc).__name__} {doing} {topic}: {exc}")


def metadata_failure(producer: Any, topic: str, since_ms: float, max_block_ms: int) -> SinkError:
    """What a metadata timeout for ``topic`` (raised by ``send``/``partitions_for``) means:
    :class:`TopicMissing` when a broker answered a metadata request after ``since_ms``
    (``time.monotonic()`` in ms, taken before the call) and that answer had no such topic;
    :class:`MetadataTimeout` when no answer came at all (brokers down or unreachable).

    kafka-python raises the same ``KafkaTimeoutError`` for both; its cluster metadata records
    when the last answer arrived (a private field: without it, the cause stays open).
    """
    cluster = getattr(producer, "_metadata", None)
    answered = getattr(cluster, "_last_successful_refresh_ms", None)
    if isinstance(answered, int | float) and answered >= since_ms:
        return TopicMissing(
            f"topic {topic} does not exist and auto-create is off (run `wirewatch topics create`)"
        )
    unknown = "" if isinstance(answered, int | float) else " (or the topic does not exist)"
    return MetadataTimeout(
        f"no Kafka broker answered a metadata request for {topic} within max_block_ms "
        f"({max_block_ms} ms): the brokers are down or unreachable{unknown}"
    )


def make_producer(
    cfg: KafkaSettings, *, factory: type[KafkaProducer] = KafkaProducer, **options: Any
) -> KafkaProducer:
    """The one place wirewatch builds a producer: idempotent, ``acks=all``, the configured
    compression, linger and blocking bound, never auto-creating topics. ``options`` add what
    one use needs (a transactional id, the sink's batch and size limits)."""
    conf: dict[str, Any] = {
        **kafka_client_config(cfg),
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": None if cfg.compression == "none" else cfg.compression,
        "linger_ms": cfg.linger_ms,
        "max_block_ms": cfg.max_block_ms,
        "allow_auto_create_topics": False,
        **options,
    }
    try:
        return factory(**conf)
    except Exception as exc:
        raise translate_kafka_error(exc, connecting=True) from exc


class KafkaSink:
    """Publishes contract records with CloudEvents headers, keyed per topic contract."""

    def __init__(
        self,
        cfg: KafkaSettings,
        *,
        source: str = "wirewatch",
        topics: Topics | None = None,
        dead_letter_oversized: bool = True,
        producer_factory: type[KafkaProducer] = KafkaProducer,
    ) -> None:
        if not cfg.bootstrap_servers:
            raise SinkError("KafkaSink needs kafka.bootstrap_servers")
        self.cfg = cfg
        self.source = source
        self.topics = topics or Topics(cfg.topic_prefix)
        self.dead_letter_oversized = dead_letter_oversized
        self.stats = DeliveryStats()
        self._producer_factory = producer_factory
        self._producer: KafkaProducer | None = None
        self._emitted_ok = 0  # delivered count already reported as a metric
        self._inflight: deque[_InFlight] = deque()
        self._refused: deque[_InFlight] = deque()
        self.max_attempts = 2
        self._known_topics: set[str] = set()

    # ------------------------------------------------------------------ lifecycle
    def setup(self) -> None:
        self._producer = make_producer(
            self.cfg,
            factory=self._producer_factory,
            batch_size=self.cfg.batch_size,
            max_request_size=self.cfg.max_request_size,
            delivery_timeout_ms=self.cfg.delivery_timeout_ms,
            bootstrap_timeout_ms=self.cfg.bootstrap_timeout_ms,
        )

    @property
    def producer(self) -> KafkaProducer:
        if self._producer is None:
            self.setup()
        assert self._producer is not None
        return self._producer

    def healthcheck(self) -> bool:
        """Ready while the sink delivers: a producer that is not in a fatal state, and no
        record waiting for its ack longer than ``request_timeout_ms``. Why not
        ``bootstrap_connected()``: in kafka-python 3 it is True only while the client is still
        bootstrapping, so a connected producer would read as down for its whole life."""
        if self._producer is None or self._producer_is_fatal():
            return False
        try:
            oldest = self._inflight[0]
        except IndexError:  # nothing waiting: the last delivery (if any) went through
            return True
        return time.monotonic() - oldest.sent_at <= self.cfg.request_timeout_ms / 1000

    def check_topics(
        self, kinds: tuple[str, ...] = ("entries", "articles", "incidents", "deadletter")
    ) -> None:
        """Raise TopicMissing naming every configured topic that does not exist
        (MetadataTimeout when no broker answers, before any topic is named missing)."""
        missing = [t for t in (self.topics.name(k) for k in kinds) if not self._topic_exists(t)]
        if missing:
            raise TopicMissing(
                f"missing topics: {', '.join(missing)} (run `wirewatch topics create`)"
            )

    def _topic_exists(self, topic: str) -> bool:
        """Whether ``topic`` exists; MetadataTimeout when no broker answers to say."""
        if topic in self._known_topics:
            return True
        since_ms = time.monotonic() * 1000
        try:
            parts = self.producer.partitions_for(topic)
        except kerr.KafkaTimeoutError as exc:
            failure = metadata_failure(self.producer, topic, since_ms, self.cfg.max_block_ms)
            if isinstance(failure, TopicMissing):
                return False
            raise failure from exc
        if parts:
            self._known_topics.add(topic)
        return bool(parts)

    # ------------------------------------------------------------------ produce
    def add(
        self,
        record: BaseModel,
        *,
        source: str | None = None,
        topic: str | None = None,
        key: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        """Hand one record over; blocks for backpressure; raises a SinkError on refusal."""
        if not self.stats.added & 0xFF:  # keep counts and refusals fresh, cheaply
            self._reap()
        if self._refused:
            self._drain_refused()
        topic = topic or self.topics.for_record(record)
        key_s = key or record_key(record)
        value = record_value(record)
        headers = cloudevent_headers(record, source or self.source, value=value)
        stamp_ms = None if timestamp is None else int(timestamp.timestamp() * 1000)
        self._send(topic, key_s, value, headers, timestamp_ms=stamp_ms)

    def send_raw(
        self, topic: str, key: str | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        if not self.stats.added & 0xFF:
            self._reap()
        if self._refused:
            self._drain_refused()
        self._send(topic, key, value, headers)

    def _send(
        self,
        topic: str,
        key: str | None,
        value: bytes,
        headers: list[tuple[str, bytes]],
        attempts: int = 1,
        timestamp_ms: int | None = None,
    ) -> None:
        size = len(value) + len(key or "") + sum(len(k) + len(v) for k, v in headers)
        if size > self.cfg.max_request_size:
            err: SinkError = RecordTooLarge(
                f"record of {size} bytes for {topic} exceeds max_request_size "
                f"{self.cfg.max_request_size}"
            )
            self.stats.added += 1
            self.stats.failed += 1
            emit(DeliveryResult("kafka", topic, False))
            if self.dead_letter_oversized and topic != self.topics.deadletter:
                self._dead_letter(topic, key, value, err)
                return
            raise err
        if len(self._inflight) >= self.cfg.max_pending:
            self._wait_for_room(topic)
        since_ms = time.monotonic() * 1000
        # only when given: a record without one is sent exactly as before record times
        stamp = {} if timestamp_ms is None else {"timestamp_ms": timestamp_ms}
        try:
            fut = self.producer.send(
                topic,
                key=key.encode() if key is not None else None,
                value=value,
                headers=headers,
                **stamp,
            )
        except kerr.KafkaTimeoutError as exc:
            # send() blocks only for the topic's metadata: a broker that answered without
            # the topic, or no broker answering (an outage, not a missing topic)
            failure = metadata_failure(self.producer, topic, since_ms, self.cfg.max_block_ms)
            if isinstance(failure, TopicMissing):
                self._known_topics.discard(topic)  # deleted since it was seen
            raise failure from exc
        except Exception as exc:
            raise translate_kafka_error(exc, topic=topic) from exc
        if attempts == 1:
            self.stats.added += 1
        self._inflight.append(
            _InFlight(fut, topic, key, value, headers, attempts, time.monotonic(), timestamp_ms)
        )

    def _reap(self) -> None:
        """Count finished records at the head of the in-flight FIFO; collect refusals."""
        q = self._inflight
        while q and q[0].future.is_done:
            item = q.popleft()
            if item.future.exception is None:
                self.stats.delivered += 1
            else:
                log.warning(
                    "delivery to %s failed: %s", item.topic, type(item.future.exception).__name__
                )
                self._refused.append(item)
        done = self.stats.delivered
        if done > self._emitted_ok:  # metrics in bulk, not per record
            emit(DeliveryResult("kafka", self.topics.prefix, True, count=done - self._emitted_ok))
            self._emitted_ok = done

    def _wait_for_room(self, topic: str) -> None:
        """Backpressure: block the caller until the broker has acked enough, or give up."""
        deadline = time.monotonic() + self.cfg.max_block_ms / 1000
        self._reap()
        while len(self._inflight) >= self.cfg.max_pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DeliveryFailed(
                    f"backpressure: {len(self._inflight)} records pending for {topic} after "
                    f"{self.cfg.max_block_ms} ms",
                    reason="sink.backpressure",
                )
            try:
                self._inflight[0].future.get(timeout=min(left, 0.5))
            except Exception:  # noqa: S110 - its outcome is read by _reap
                pass
            self._reap()

    def _producer_is_fatal(self) -> bool:
        tm = getattr(self._producer, "_transaction_manager", None)
        return bool(tm is not None and tm.has_fatal_error())

    def _drain_refused(self) -> None:
        """Settle refused records in the caller's thread.

        kafka-python 3 turns an idempotent producer fatal on a non-retriable broker error (e.g.
        a record over the topic's max.message.bytes) and aborts every batch in flight with the
        same error. So: replace the producer, resend small records first, then the large ones
        one by one with a flush between, and dead-letter what is refused again.
        """
        if not self._refused:
            return
        batch = list(self._refused)
        self._refused.clear()
        if self._producer_is_fatal():
            old, self._producer = self._producer, None
            assert old is not None
            old.close(timeout=0)
            self.setup()
        retry = sorted((r for r in batch if self._retriable(r)), key=lambda r: len(r.value))
        todo = deque([*(r for r in batch if not self._retriable(r)), *retry])
        try:
            while todo:
                r = todo[0]
                if self._retriable(r):
                    self._send(
                        r.topic,
                        r.key,
                        r.value,
                        r.headers,
                        attempts=r.attempts + 1,
                        timestamp_ms=r.timestamp_ms,
                    )
                    todo.popleft()
                    if len(r.value) > self.cfg.batch_size:
                        self.producer.flush(timeout=self.cfg.delivery_timeout_ms / 1000)
                        self._reap()
                    continue
                if r.topic != self.topics.deadletter:
                    exc = r.future.exception or DeliveryFailed("refused")
                    self._dead_letter(
                        r.topic, r.key, r.value, translate_kafka_error(exc, topic=r.topic)
                    )
                todo.popleft()
                self.stats.failed += 1
                emit(DeliveryResult("kafka", r.topic, False))
        finally:
            # a resend or dead letter refused in turn (backpressure while the broker is still
            # down): the rest stays queued for the next add() or flush(). Dropped here, a
            # record was neither delivered nor failed, "pending" for ever: every later flush
            # failed, long after the broker was back
            self._refused.extendleft(reversed(todo))

    def _retriable(self, r: _InFlight) -> bool:
        return r.attempts < self.max_attempts and r.topic != self.topics.deadletter

    def _dead_letter(self, topic: str, key: str | None, value: bytes, err: SinkError) -> None:
        payload, encoding, ctx = bounded_payload(value, _DEAD_LETTER_PAYLOAD_BYTES)
        letter = DeadLetter(
            dead_letter_id=str(uuid.uuid4()),
            stage="sink",
            reason=err.reason,
            error=str(err),
            source_topic=topic,
            key=key,
            payload=payload,
            payload_encoding=encoding,
            context={
                "original_bytes": len(value),
                "truncated": len(value) > len(payload),
                **ctx,
            },
        )
        # sent first: a letter refused for backpressure is not counted, its record stays queued
        self._send(
            self.topics.deadletter,
            key or letter.dead_letter_id,
            record_value(letter),
            cloudevent_headers(letter, self.source),
        )
        self.stats.bump("dead_lettered")
        emit(DeadLettered("sink", err.reason))
        log.warning(
            "dead letter: %s",
            err.reason,
            extra={"stage": "sink", "reason": err.reason, "key": key, "topic": topic},
        )

    def flush(self, timeout: float | None = None) -> None:
        """Wait for every record handed over so far; dead-letter what the broker refused."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self.producer.flush(timeout=timeout)
        self._reap()
        while self._refused:
            self._drain_refused()
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            self.producer.flush(timeout=remaining)
            self._reap()
        if self.stats.pending > 0:
            raise DeliveryFailed(
                f"{self.stats.pending} records still pending after flush", reason="sink.timeout"
            )

    def close(self, timeout: float | None = 30.0) -> None:
        if self._producer is None:
            return
        try:
            self.flush(timeout)
        finally:
            self._producer.close(timeout=timeout)
            self._producer = None

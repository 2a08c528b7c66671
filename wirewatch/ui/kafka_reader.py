"""``wirewatch ui --kafka``: the records of the events topic (else incidents) read live.

A background thread consumes the topic from the beginning with ``isolation_level=
read_committed`` (a record of an aborted transaction never shows) and no consumer group (the page
is a viewer; it commits nothing). A broker that is down or a topic that does not exist yet is
shown on the page and retried with a doubling backoff; the server keeps serving meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from wirewatch.config import KafkaSettings
from wirewatch.errors import TopicMissing, WirewatchError
from wirewatch.ui.server import EventStore

log = logging.getLogger("wirewatch.ui")

__all__ = ["KafkaEventStore"]

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0
POLL_MS = 500


class KafkaEventStore(EventStore):
    def __init__(self, cfg: KafkaSettings, candidates: Sequence[str]) -> None:
        super().__init__()
        self.cfg = cfg
        self.candidates = tuple(candidates)
        self._topic: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ui-kafka-reader", daemon=True)
        self._started = False

    @property
    def source(self) -> str | None:
        return f"kafka topic {self._topic}" if self._topic else None

    def refresh(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._started:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        delay = RETRY_FIRST_S
        while not self._stop.is_set():
            try:
                self._consume()
                return
            except WirewatchError as exc:
                self.problem = f"kafka: {exc.reason}: {exc}; retrying"
                log.warning("%s (next try in %.0f s)", self.problem, delay)
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, RETRY_MAX_S)

    def _consumer(self) -> Any:
        from kafka import KafkaConsumer

        from sinks.kafka import kafka_client_config, translate_kafka_error

        try:
            return KafkaConsumer(
                **kafka_client_config(self.cfg),
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                isolation_level="read_committed",
                bootstrap_timeout_ms=self.cfg.bootstrap_timeout_ms,
            )
        except Exception as exc:
            raise translate_kafka_error(exc, connecting=True) from exc

    def _consume(self) -> None:
        from kafka import TopicPartition

        from sinks.kafka import translate_kafka_error

        consumer = self._consumer()
        try:
            present = consumer.topics()
            # events when that topic holds any record (it stays empty where no cluster stage
            # runs), else the next candidate
            topic = next(
                (
                    t
                    for n, t in enumerate(self.candidates)
                    if t in present and (n == len(self.candidates) - 1 or _has_records(consumer, t))
                ),
                None,
            )
            if topic is None:
                raise TopicMissing(f"none of {', '.join(self.candidates)} exists yet")
            # reading events, the incidents beside them give each event's evidence sentences
            side = self.candidates[-1] if topic != self.candidates[-1] else None
            if side is not None and side not in present:
                side = None
            partitions = [
                TopicPartition(t, p)
                for t in (topic, side)
                if t is not None
                for p in sorted(consumer.partitions_for_topic(t) or ())
            ]
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            with self._lock:
                # a reconnect reads the topic again from its start: the page reloads it whole
                self._reset()
                self._topic = topic
                self.problem = None
            log.info("reading kafka topic %s (read_committed)", topic)
            while not self._stop.is_set():
                try:
                    batches = consumer.poll(timeout_ms=POLL_MS)
                except Exception as exc:
                    raise translate_kafka_error(exc, topic=topic) from exc
                with self._lock:
                    for messages in batches.values():
                        for msg in messages:
                            if msg.value is None:  # a tombstone: nothing to show
                                continue
                            if msg.topic == side:
                                self._take_evidence(msg.value)
                                continue
                            self._take(msg.value, f"{topic}[{msg.partition}]@{msg.offset}")
        finally:
            consumer.close()


def _has_records(consumer: Any, topic: str) -> bool:
    from kafka import TopicPartition

    tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    if not tps:
        return False
    begin, end = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
    return any(end[tp] > begin[tp] for tp in tps)

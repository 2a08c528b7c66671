from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

if TYPE_CHECKING:
    from wirewatch.config import Settings

Healthcheck = Callable[[], bool]


@dataclass
class DeliveryStats:
    """Counts of what a sink was handed and what became of it.

    Each counter has one writer thread (``delivered`` the producer's I/O thread, the others the
    caller's), so plain increments are safe under the GIL and cost nothing on the hot path.
    """

    added: int = 0
    delivered: int = 0
    failed: int = 0
    dead_lettered: int = 0

    def bump(self, name: str, n: int = 1) -> None:
        setattr(self, name, getattr(self, name) + n)

    @property
    def pending(self) -> int:
        return self.added - self.delivered - self.failed


class Sink(Protocol):
    stats: DeliveryStats

    def setup(self) -> None: ...

    def add(
        self,
        record: BaseModel,
        *,
        source: str | None = None,
        topic: str | None = None,
        key: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        """Hand one record over: to ``topic`` (else the record's contract topic) under
        ``key`` (else its contract key; a file sink has no keys), with ``timestamp`` as its
        record time (else the time it is written; a file sink has no record times)."""
        ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self) -> None: ...

    def healthcheck(self) -> bool: ...


def build(
    settings: Settings, *, source: str = "wirewatch", out_dir: str | Path | None = None
) -> tuple[Sink, Healthcheck]:
    """The sink the config asks for: Kafka when bootstrap servers are set, else JSONL files."""
    from wirewatch.topics import Topics

    topics = Topics(settings.kafka.topic_prefix)
    if settings.embedded:
        from sinks.jsonl import JsonlSink

        jsonl = JsonlSink(Path(out_dir or settings.storage.out_dir), topics=topics)
        return jsonl, jsonl.healthcheck
    from sinks.kafka import KafkaSink

    kafka = KafkaSink(settings.kafka, source=source, topics=topics)
    return kafka, kafka.healthcheck

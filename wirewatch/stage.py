"""The stage contract: what a stage is, whichever runner runs it.

A stage turns a batch of input records into output records and dead letters. It does no
topic I/O of its own: a runner (:mod:`wirewatch.runners.kafka`: consumer group, one
transaction per batch; :mod:`wirewatch.runners.embedded`: in memory, JSONL and SQLite) reads
the input, validates it against the topic's contract (a record that does not validate never
reaches the stage: the runner dead-letters it), calls the stage, writes what it emits, and then
tells the stage whether the batch became real::

    setup() -> [ handle(batch) -> emits ; write ; on_commit(batch) | on_abort(batch) ]* -> close()

State that depends on the outputs being written (a fetch stage's "already fetched" marks) moves
on only in ``on_commit``, so a batch that is redone after a failed write is not skipped.

A **source stage** (poll) reads its input as a table (the feed list), decides itself when to
produce, and keeps per-key state in a compacted table (the feedstate topic, or SQLite in the
embedded runner) that the runner restores for it. See :class:`SourceStage`.

A **restoring stage** (cluster) keeps state that is its own compacted output: it declares
``state_kind`` and the Kafka runner reads that topic's assigned partitions (read_committed) into
``restore`` when partitions are assigned and calls ``revoke`` when they go; the state is then
the one of the last committed transaction, where the input offsets resume. A stage may also
name ``shared_state_kinds``: compacted topics not partitioned like its input, read (all
partitions) after ``state_kind`` into ``restore_shared(kind, rows)`` (the cluster stage's
waiting wire copies). A stage with ``restore_since(now, newest)`` (``newest``: the time of the
newest record of the assigned state partitions) has both read from that time on only.
The embedded runner keeps such state in its state file (one table per topic kind, written
before the feed state) and restores it when a run starts; without a state file, for the run
only. See :class:`RestoringStage`.

Stages are declared in :mod:`wirewatch.topology`; a stage class is built with the whole
:class:`~wirewatch.config.Settings` and reads its own section (``settings_section``).
"""

from __future__ import annotations

import base64
import logging
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

from wirewatch.contracts import DeadLetter
from wirewatch.errors import WirewatchError
from wirewatch.metrics import DeadLettered, emit

__all__ = [
    "Emit",
    "Inbound",
    "RestoringStage",
    "SourceStage",
    "Stage",
    "TableRow",
    "data_timestamp",
    "dead_letter",
    "letter_for",
]

log = logging.getLogger("wirewatch.stage")


@dataclass(slots=True)
class Inbound:
    """One input record, validated: its contract object, key and where it came from."""

    record: Any
    key: str | None = None
    raw: bytes | None = None  # the bytes as read (Kafka), kept for dead letters
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


@dataclass(slots=True)
class Emit:
    """One output record: the topic kind it goes to, its key, (rarely) its partition, and
    (rarely) its record timestamp: the time of its data, for a stage whose state is restored
    by record time (the cluster stage); None: the time it is written. The Kafka runner gives
    it to the record; the embedded runner, which restores by no time, hands it to its sink (a
    Kafka sink gives it to the record; a JSONL line has no record time)."""

    kind: str
    key: str
    record: BaseModel
    partition: int | None = None
    timestamp: datetime | None = None


def data_timestamp(kafka: Any, kind: str, data_time: datetime, now: datetime) -> datetime:
    """An :attr:`Emit.timestamp` for a ``kind`` record whose data is of ``data_time``: that
    time, never later than ``now`` (brokers refuse timestamps far ahead) and never earlier
    than half the topic's time bound (``kafka``: the
    :class:`~wirewatch.config.KafkaSettings`) before ``now``, as the bound counts from the
    timestamp: a record of older data (replayed old articles) is still kept at least half
    the bound after it is written, not dropped by the broker at once."""
    from wirewatch.topology import TOPOLOGY  # the topology imports stage modules

    stamp = min(now, data_time)
    bound = TOPOLOGY.topic(kind).retention
    kept_ms = None if bound is None else int(getattr(kafka, bound))
    if kept_ms is None or kept_ms < 0:  # no time bound
        return stamp
    return max(stamp, now - timedelta(milliseconds=kept_ms // 2))


@dataclass(slots=True)
class TableRow:
    """One row of a table a source stage reads or restores (``value`` None = deleted)."""

    key: str
    value: bytes | None
    partition: int = 0


@runtime_checkable
class Stage(Protocol):
    """A record-in, records-out stage (fetch, process)."""

    name: ClassVar[str]
    input_kind: ClassVar[str]
    output_kinds: ClassVar[tuple[str, ...]]
    settings_section: ClassVar[str]

    async def setup(self) -> None:
        """Open clients, load models. Called once, before the first batch."""
        ...

    async def handle(self, batch: Sequence[Inbound]) -> list[Emit]:
        """Outputs and dead letters (kind ``deadletter``) for the batch. Never raises for one
        bad record: that record becomes a dead letter and the others go on."""
        ...

    def on_commit(self, batch: Sequence[Inbound]) -> None:
        """The batch's outputs were written: state that waited for that may move on."""
        ...

    def on_abort(self, batch: Sequence[Inbound]) -> None:
        """The batch's outputs were not written; it will be handled again."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class RestoringStage(Stage, Protocol):
    """A stage whose state is rebuilt from its own compacted output (``state_kind``)."""

    state_kind: ClassVar[str]

    def restore(self, partitions: set[int], rows: Sequence[TableRow]) -> None:
        """The latest records of ``state_kind`` in newly assigned ``partitions`` (oldest first;
        ``value`` None is a tombstone)."""
        ...

    def revoke(self, partitions: set[int]) -> None:
        """Those partitions went to another worker: forget their state."""
        ...


@runtime_checkable
class SourceStage(Protocol):
    """A stage that produces on its own schedule from a table it reads (poll).

    The runner feeds it the table (``table``), restores its per-key state from the state table
    (``restore``) when it gains a partition, tells it when it loses one (``revoke``), and turns
    the results of ``run_due`` into outputs with ``emits`` and one write (a transaction).
    """

    name: ClassVar[str]
    input_kind: ClassVar[str]
    output_kinds: ClassVar[tuple[str, ...]]
    settings_section: ClassVar[str]
    state_kind: ClassVar[str]  # the topic kind of its state table

    async def setup(self) -> None: ...

    def table(self, rows: Sequence[TableRow]) -> None: ...

    def restore(self, partitions: set[int], rows: Sequence[TableRow]) -> None: ...

    def revoke(self, partitions: set[int]) -> None: ...

    async def run_due(self, *, once: bool = False) -> list[Any]:
        """Start what is due; return the results finished since the last call (maybe none)."""
        ...

    def busy(self) -> bool:
        """Work is in flight (the runner keeps its loop turning quickly)."""
        ...

    def emits(self, results: Sequence[Any]) -> list[Emit]: ...

    def on_commit(self, results: Sequence[Any]) -> None: ...

    def on_abort(self, results: Sequence[Any]) -> None: ...

    async def close(self) -> None: ...


def dead_letter(
    stage: str,
    exc: BaseException | str,
    *,
    reason: str | None = None,
    payload: BaseModel | bytes | str | None = None,
    key: str | None = None,
    source_topic: str | None = None,
    source_partition: int | None = None,
    source_offset: int | None = None,
    context: dict[str, Any] | None = None,
) -> DeadLetter:
    """A dead letter for ``exc`` with the original payload kept (UTF-8, else base64)."""
    if reason is None:
        reason = (
            exc.reason
            if isinstance(exc, WirewatchError)
            else (
                f"{stage}.crash.{type(exc).__name__}" if isinstance(exc, BaseException) else stage
            )
        )
    text: str | None
    encoding = "utf-8"
    if isinstance(payload, BaseModel):
        text = payload.model_dump_json()
    elif isinstance(payload, bytes):
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(payload).decode("ascii"), "base64"
    else:
        text = payload
    ctx = dict(context or {})
    if isinstance(exc, BaseException) and not isinstance(exc, WirewatchError):
        ctx["traceback"] = "".join(traceback.format_exception(exc, limit=5))[-4000:]
    emit(DeadLettered(stage, reason))
    log.warning(
        "dead letter: %s",
        reason,
        extra={"stage": stage, "reason": reason, "key": key, "error": str(exc)[:500]},
    )
    return DeadLetter(
        dead_letter_id=str(uuid.uuid4()),
        stage=stage,
        reason=reason,
        error=str(exc)[:2000] or type(exc).__name__,
        source_topic=source_topic,
        source_partition=source_partition,
        source_offset=source_offset,
        key=key,
        payload=text,
        payload_encoding=encoding,  # type: ignore[arg-type]
        context=ctx,
    )


def letter_for(
    stage: str,
    item: Inbound,
    exc: BaseException | str,
    *,
    key: str | None = None,
    reason: str | None = None,
) -> Emit:
    """The dead-letter output for input ``item``: its payload (the bytes read, else the record)
    and its coordinates."""
    payload: BaseModel | bytes | None = item.raw if item.raw is not None else item.record
    letter = dead_letter(
        stage,
        exc,
        reason=reason,
        payload=payload,
        key=key or item.key,
        source_topic=item.topic,
        source_partition=item.partition,
        source_offset=item.offset,
    )
    return Emit("deadletter", letter.key or letter.dead_letter_id, letter)

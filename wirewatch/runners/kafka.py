"""The Kafka runner: one stage of the topology as a member of its consumer group, every
consume -> produce hop one transaction.

    feeds --[poll]--> entries (+ feedstate) --[fetch]--> articles --[process]--> incidents
                                          (failures -> deadletter, in the same transaction)

Every hop has the same shape (:class:`KafkaStageRunner`):

1. ``consumer.poll()`` a batch (``isolation_level=read_committed``, no auto-commit); records
   that do not validate against the input topic's contract become dead letters here;
2. the stage handles the batch *outside* the transaction (HTTP, extraction), so transactions
   stay short and a worker killed mid-work leaves nothing open for long;
3. ``begin_transaction``; send outputs and dead letters; ``send_offsets_to_transaction`` with the
   consumer's group metadata (KIP-447: a zombie from an older generation is fenced at commit);
   ``commit_transaction``; then the stage's ``on_commit``;
4. on any failure: abort, the stage's ``on_abort``, rewind the consumer to the batch start, and
   retry. A crash or a rebalance therefore neither loses nor duplicates a record downstream.

A source stage (poll, :class:`KafkaSourceRunner`) reads the compacted feeds topic as a table of
its assigned partitions and keeps per-feed state in the compacted feedstate topic (same
partition as the feed), written in the same transaction as the entries the poll produced and
restored when a partition is assigned.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as kerr
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.structs import OffsetAndMetadata

from sinks.kafka import kafka_client_config, make_producer, translate_kafka_error
from wirewatch.config import Settings
from wirewatch.contracts import read_record
from wirewatch.errors import WirewatchError
from wirewatch.kafka_admin import read_table
from wirewatch.metrics import MemoryAtRest, StageLatency, emit
from wirewatch.ops import (
    ConsumerLagSampler,
    HeapTrimmer,
    MemoryTrace,
    OpsServer,
    limit_malloc_arenas,
    resident_bytes,
)
from wirewatch.stage import Emit, Inbound, SourceStage, Stage, TableRow, letter_for
from wirewatch.topics import Topics, cloudevent_headers, record_value
from wirewatch.topology import TOPOLOGY, StageSpec, Topology

__all__ = ["KafkaSourceRunner", "KafkaStageRunner", "build_runner", "run_worker"]

log = logging.getLogger("wirewatch.workers")


class _KafkaRunner:
    """What every Kafka stage runner shares: the consumer, the transactional producer, the
    transaction, rewind on assignment, liveness and lag."""

    def __init__(
        self,
        settings: Settings,
        spec: StageSpec,
        stage: Any,
        *,
        topology: Topology = TOPOLOGY,
        instance: str | None = None,
    ) -> None:
        self.settings = settings
        self.cfg = settings.kafka
        self.spec = spec
        self.stage = stage
        self.name = spec.name
        self.topology = topology
        self.topics = Topics(self.cfg.topic_prefix, topology)
        self.group_id = f"{self.cfg.group_prefix}.{self.name}"
        self.instance = instance or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.consumer: KafkaConsumer | None = None
        self.producer: KafkaProducer | None = None
        self.processed = 0  # input records whose transaction committed
        self.produced = 0
        self.transactions = 0
        self.aborts = 0
        self.stop_event = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.ops: OpsServer | None = None
        self.lag: ConsumerLagSampler | None = None
        self.trimmer = HeapTrimmer.from_env()  # freed C-heap memory back to the OS (ops.py)
        self._ce_types = {t.kind: t.ce_type for t in topology.topics}
        self._allowed = {*spec.outputs, "deadletter"}

    # ------------------------------------------------------------------ lifecycle
    def input_topic(self) -> str:
        return self.topics.name(self.spec.input)

    def listener(self) -> ConsumerRebalanceListener:
        raise NotImplementedError

    def setup(self) -> None:
        self.consumer = KafkaConsumer(
            **kafka_client_config(self.cfg),
            group_id=self.group_id,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
            max_poll_records=self.spec.batch_size,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=2_000,
            max_poll_interval_ms=300_000,
        )
        self.lag = ConsumerLagSampler(self.consumer, self.name)
        self.consumer.subscribe([self.input_topic()], listener=self.listener())
        self._new_producer()
        self.loop.run_until_complete(self.stage.setup())

    def _new_producer(self) -> None:
        if self.producer is not None:
            try:
                self.producer.close(timeout=1)
            except Exception:  # noqa: S110 - replacing a broken producer
                pass
        deadline = time.monotonic() + 120
        while True:
            try:
                self.producer = make_producer(
                    self.cfg,
                    transactional_id=f"{self.group_id}-{self.instance}-{uuid.uuid4().hex[:6]}",
                    transaction_timeout_ms=30_000,
                )
                self.producer.init_transactions()
                return
            except Exception as exc:
                if time.monotonic() > deadline or self.stop_event.is_set():
                    if isinstance(exc, WirewatchError):
                        raise
                    raise translate_kafka_error(exc, connecting=True) from exc
                log.warning(
                    "producer not ready, retrying: %s",
                    type(exc).__name__,
                    extra={"stage": self.name},
                )
                time.sleep(1.0)

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.stage.close())
        except Exception as exc:  # closing on the way out: log, go on closing
            log.warning("stage close failed: %s", exc, extra={"stage": self.name})
        for c in (self.consumer, self.producer):
            if c is not None:
                try:
                    c.close()
                except Exception:  # noqa: S110 - closing on the way out
                    pass
        self.loop.close()

    # ------------------------------------------------------------------ loop
    def poll_timeout(self) -> int:
        """Milliseconds ``consumer.poll`` may block this turn."""
        return 500

    def progress(self) -> int:
        """What ``run(max_records=)`` counts: committed input records."""
        return self.processed

    def run(self, *, max_records: int | None = None, timeout: float | None = None) -> None:
        """Consume until stopped, ``max_records`` of progress, or ``timeout`` seconds."""
        if self.consumer is None:
            self.setup()
        assert self.consumer is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.stop_event.is_set():
            if deadline is not None and time.monotonic() > deadline:
                break
            if max_records is not None and self.progress() >= max_records:
                break
            try:
                batch = self.consumer.poll(timeout_ms=self.poll_timeout())
            except kerr.KafkaError as exc:
                log.warning("poll failed: %s", exc, extra={"stage": self.name})
                time.sleep(0.5)
                continue
            self.step(batch)
            self.beat()

    def step(self, batch: dict[Any, list[Any]]) -> None:
        raise NotImplementedError

    def beat(self) -> None:
        """Liveness, readiness facts and lag, from the consumer's own thread, every turn."""
        if self.trimmer.maybe_trim():
            # between batches (the last one is committed) and right after the trim: the figure
            # a leak raises, without the megabytes of the batch in hand that make RSS sampled
            # at random instants swing (the soak judges memory growth on it)
            rss = resident_bytes()
            if rss is not None:
                emit(MemoryAtRest(self.name, rss))
        if self.lag is not None:
            try:
                self.lag.maybe_sample()
            except Exception as exc:  # lag is diagnostics: never stop the worker for it
                log.debug("lag sample failed: %s", exc)
        if self.ops is None or self.consumer is None:
            return
        self.ops.heartbeat()
        self.ops.mark("partitions_assigned", bool(self.consumer.assignment()))
        self.ops.mark("broker_reachable", bool(self.consumer.bootstrap_connected()))

    # ------------------------------------------------------------------ transaction
    def _transact(self, outputs: Sequence[Emit], offsets: dict[Any, Any]) -> None:
        assert self.consumer is not None and self.producer is not None
        p = self.producer
        source = f"wirewatch/{self.name}"
        p.begin_transaction()
        futures = []
        for out in outputs:
            if out.kind not in self._allowed:
                raise ValueError(f"stage {self.name} emitted {out.kind!r}, not in its topology row")
            value = record_value(out.record)
            futures.append(
                p.send(
                    self.topics.name(out.kind),
                    key=out.key.encode(),
                    value=value,
                    partition=out.partition,
                    headers=cloudevent_headers(
                        out.record, source, value=value, ce_type=self._ce_types[out.kind]
                    ),
                )
            )
        if offsets:
            p.send_offsets_to_transaction(offsets, self.consumer.group_metadata())
        p.commit_transaction()
        for f in futures:  # all acked by now; surface any per-record error
            f.get(timeout=0)
        self.produced += len(outputs)
        self.transactions += 1

    def _abort(self) -> None:
        try:
            assert self.producer is not None
            self.producer.abort_transaction()
        except Exception:
            self._new_producer()


class KafkaStageRunner(_KafkaRunner):
    """A record-in, records-out stage (fetch, process) with one transaction per batch."""

    stage: Stage

    def __init__(self, settings: Settings, spec: StageSpec, stage: Stage, **kw: Any) -> None:
        super().__init__(settings, spec, stage, **kw)
        self._reassigned: set[Any] = set()  # partitions to rewind to their committed offsets
        self._model = topology_model(self.topology, spec.input)

    def listener(self) -> ConsumerRebalanceListener:
        return _RewindOnAssign(self)

    def restore_state(self, parts: set[int]) -> None:
        """A stage whose state is its own compacted output (``state_kind``, a
        :class:`~wirewatch.stage.RestoringStage`) gets that state back for newly assigned
        partitions: those partitions of that topic, read_committed, to their end."""
        kind = getattr(self.stage, "state_kind", None)
        if kind is None or not parts:
            return
        rows = read_table(self.cfg, self.topics.name(kind), parts)
        self.stage.restore(parts, [TableRow(k, v, p) for p, k, v in rows])  # type: ignore[attr-defined]

    def forget_state(self, parts: set[int]) -> None:
        if getattr(self.stage, "state_kind", None) is not None and parts:
            self.stage.revoke(parts)  # type: ignore[attr-defined]

    def step(self, batch: dict[Any, list[Any]]) -> None:
        """One loop turn: handle the batch and commit it with its outputs."""
        if self._reassigned:
            self._rewind_to_committed(batch)
            return
        records = [m for msgs in batch.values() for m in msgs]
        if not records:
            return
        t0 = time.perf_counter()
        inbound, letters = self._read(records)
        try:
            outputs = [*letters, *self.loop.run_until_complete(self.stage.handle(inbound))]
        except Exception as exc:  # a bug in the stage: the batch is retried, not lost
            log.exception("stage failed on a batch", extra={"stage": self.name})
            self.stage.on_abort(inbound)
            self._rewind(batch, exc)
            return
        self._commit(batch, inbound, outputs)
        emit(StageLatency(self.name, (time.perf_counter() - t0) / len(records)))

    def _read(self, records: list[Any]) -> tuple[list[Inbound], list[Emit]]:
        """Records that validate against the input contract, and dead letters for the rest."""
        inbound: list[Inbound] = []
        letters: list[Emit] = []
        for m in records:
            key = m.key.decode("utf-8", "replace") if m.key else None
            item = Inbound(None, key, m.value, m.topic, m.partition, m.offset)
            try:
                item.record = read_record(self._model, m.value)
            except WirewatchError as exc:
                letters.append(letter_for(self.name, item, exc))
                continue
            inbound.append(item)
        return inbound, letters

    def _commit(self, batch: dict[Any, list[Any]], inbound: list[Inbound], outputs: Any) -> None:
        offsets = {
            tp: OffsetAndMetadata(msgs[-1].offset + 1, "", -1) for tp, msgs in batch.items() if msgs
        }
        try:
            self._transact(outputs, offsets)
        except Exception as exc:
            self.stage.on_abort(inbound)
            self._rewind(batch, exc)
            return
        self.processed += sum(len(m) for m in batch.values())
        self.stage.on_commit(inbound)

    def _rewind(self, batch: dict[Any, list[Any]], exc: BaseException) -> None:
        assert self.consumer is not None
        self.aborts += 1
        log.warning(
            "transaction failed, rewinding: %s: %s",
            type(exc).__name__,
            exc,
            extra={"stage": self.name},
        )
        self._abort()
        assigned = self.consumer.assignment()
        for tp, msgs in batch.items():
            if msgs and tp in assigned:
                self.consumer.seek(tp, msgs[0].offset)
        time.sleep(0.5)

    def _rewind_to_committed(self, batch: dict[Any, list[Any]]) -> None:
        """After a (re)assignment: continue exactly after the last committed transaction.

        The client may keep in-memory positions across a rebalance, and the batch this poll
        returned may start past an aborted transaction; so drop the batch and seek every
        (re)assigned partition to its committed offset, the others back to the batch start.
        """
        assert self.consumer is not None
        parts, self._reassigned = self._reassigned, set()
        assigned = self.consumer.assignment()
        for tp, msgs in batch.items():
            if msgs and tp in assigned and tp not in parts:
                self.consumer.seek(tp, msgs[0].offset)
        for tp in parts & assigned:
            try:
                committed = self.consumer.committed(tp)
            except kerr.KafkaError as exc:
                log.warning(
                    "committed offset unknown for %s: %s", tp, exc, extra={"stage": self.name}
                )
                self._reassigned.add(tp)
                continue
            if committed is None:
                self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)


class KafkaSourceRunner(_KafkaRunner):
    """A source stage (poll): the input topic is a table; outputs commit per round of polls."""

    stage: SourceStage

    def __init__(self, settings: Settings, spec: StageSpec, stage: SourceStage, **kw: Any) -> None:
        super().__init__(settings, spec, stage, **kw)
        self._pending_seek: set[int] = set()

    def listener(self) -> ConsumerRebalanceListener:
        return _TableAssignments(self)

    def take_partitions(self, parts: set[int]) -> None:
        """Restore the state of newly assigned partitions; re-read their table from the start."""
        state_topic = self.topics.name(self.stage.state_kind)
        rows = [TableRow(k, v, p) for p, k, v in read_table(self.cfg, state_topic, parts)]
        self.stage.restore(parts, rows)
        self._pending_seek |= parts
        log.info(
            "partitions assigned",
            extra={"stage": self.name, "partitions": sorted(parts), "states": len(rows)},
        )

    def drop_partitions(self, parts: set[int]) -> None:
        self.stage.revoke(parts)

    def poll_timeout(self) -> int:
        # short while work is in flight: its HTTP only advances while the loop runs
        return 10 if self.stage.busy() else 200

    def progress(self) -> int:
        return int(getattr(self.stage, "polls", 0))

    def step(self, batch: dict[Any, list[Any]]) -> None:
        """Apply table updates (their offsets commit with the next round), then run what is due."""
        assert self.consumer is not None
        if self._pending_seek:
            tps = [
                TopicPartition(self.input_topic(), p)
                for p in self._pending_seek
                if p in self.stage.partitions  # type: ignore[attr-defined]
            ]
            self._pending_seek.clear()
            if tps:
                self.consumer.seek_to_beginning(*tps)
        if batch:
            self.stage.table(
                [
                    TableRow(m.key.decode() if m.key else "", m.value, m.partition)
                    for msgs in batch.values()
                    for m in msgs
                ]
            )
        results = self.loop.run_until_complete(self.stage.run_due())
        if not results:
            return
        try:
            self._transact(self.stage.emits(results), self._table_offsets())
        except Exception as exc:
            self.aborts += 1
            log.warning("transaction failed: %s", exc, extra={"stage": self.name})
            self._abort()
            self.stage.on_abort(results)
            return
        self.stage.on_commit(results)

    def _table_offsets(self) -> dict[Any, Any]:
        assert self.consumer is not None
        out = {}
        for tp in self.consumer.assignment():
            try:
                out[tp] = OffsetAndMetadata(self.consumer.position(tp), "", -1)
            except Exception:  # noqa: S112 - position unknown while seeking; skip it
                continue
        return out


class _RewindOnAssign(ConsumerRebalanceListener):
    def __init__(self, runner: KafkaStageRunner) -> None:
        self.runner = runner

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.runner.forget_state({tp.partition for tp in revoked})

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner._reassigned |= set(assigned)
        self.runner.restore_state({tp.partition for tp in assigned})


class _TableAssignments(ConsumerRebalanceListener):
    def __init__(self, runner: KafkaSourceRunner) -> None:
        self.runner = runner

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.runner.drop_partitions({tp.partition for tp in revoked})

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner.take_partitions({tp.partition for tp in assigned})


def topology_model(topology: Topology, kind: str) -> Any:
    model = topology.topic(kind).model()
    if model is None:
        raise ValueError(f"topic kind {kind!r} has no contract to read")
    return model


def build_runner(
    settings: Settings,
    stage_name: str,
    *,
    topology: Topology = TOPOLOGY,
    instance: str | None = None,
) -> KafkaStageRunner | KafkaSourceRunner:
    """The runner of one stage of ``topology``, with its stage built from the settings."""
    spec = topology.stage(stage_name)
    stage = spec.load()(settings)
    cls = KafkaSourceRunner if spec.source else KafkaStageRunner
    return cls(settings, spec, stage, topology=topology, instance=instance)


def run_worker(
    settings: Settings,
    stage_name: str,
    *,
    max_records: int | None = None,
    timeout: float | None = None,
    topology: Topology = TOPOLOGY,
) -> KafkaStageRunner | KafkaSourceRunner:
    """Run one stage until SIGINT/SIGTERM (then finish the batch, commit, exit 0)."""
    limit_malloc_arenas()  # before any thread starts (ops.py: steadier RSS)
    runner = build_runner(settings, stage_name, topology=topology)
    if settings.metrics.enabled:
        runner.ops = OpsServer.from_settings(settings.metrics).start()

    def stop(_sig: int, _frame: Any) -> None:
        runner.stop_event.set()
        if runner.ops is not None:
            runner.ops.begin_shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    trace = MemoryTrace.from_env(stage_name)  # soak diagnostics; off unless WIREWATCH_TRACEMALLOC
    if trace is not None:
        trace.start()
    try:
        runner.setup()
        runner.run(max_records=max_records, timeout=timeout)
    finally:
        runner.close()
        if runner.ops is not None:
            runner.ops.stop()
        if trace is not None:
            trace.stop()
    return runner

"""The Kafka runner: one stage of the topology as a member of its consumer group, every
consume -> produce hop one transaction.

Which stage reads and writes which topics is the table in :mod:`wirewatch.topology` (print it
with ``wirewatch topology``); every stage's failures go to the deadletter topic in the same
transaction as its outputs.

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

One bad record never halts a stage (:class:`RecordFitter`, :meth:`KafkaStageRunner._isolate`):

* every output is checked against its topic's limit (the smaller of the topic's
  ``max.message.bytes``, read from the broker, and the producer's ``max_request_size``) *before*
  the transaction: an article too large has its text cut (``truncated``, ``original_length``), a
  dead letter keeps a bounded prefix of its payload with its size and SHA-256, anything else
  becomes a dead letter with reason ``record.too_large``;
* a batch that fails for a non-retriable reason (a record the broker refuses, a stage that
  raises) is retried ``kafka.poison_attempts`` times, then redone one input record per
  transaction: the record that still fails is dead-lettered with the reason (context
  ``isolated``) and the others commit. Broker errors that may pass (unreachable, timeouts,
  fencing) are retried with a capped exponential backoff, never dead-lettered;
* readiness mark ``progressing``: failing when the worker has had input and committed nothing
  for ``kafka.stall_after_s``.

A source stage (poll, :class:`KafkaSourceRunner`) reads the compacted feeds topic as a table of
its assigned partitions and keeps per-feed state in the compacted feedstate topic (same
partition as the feed), written in the same transaction as the entries the poll produced and
restored when a partition is assigned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as kerr
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.net import KafkaNetClient
from kafka.structs import OffsetAndMetadata

from sinks.kafka import (
    kafka_client_config,
    make_producer,
    metadata_failure,
    record_size,
    shrink_dead_letter,
    translate_kafka_error,
)
from wirewatch.config import Settings
from wirewatch.contracts import read_record
from wirewatch.errors import (
    BrokerUnavailable,
    ConfigError,
    MetadataTimeout,
    RecordTooLarge,
    SinkError,
    TopicMissing,
    WirewatchError,
)
from wirewatch.kafka_admin import newest_record_ms, read_table
from wirewatch.metrics import MemoryAtRest, StageLatency, emit
from wirewatch.ops import (
    BrokerProbe,
    ConsumerLagSampler,
    HeapTrimmer,
    MemoryTrace,
    OpsServer,
    limit_malloc_arenas,
    resident_bytes,
)
from wirewatch.runners.records import RecordFitter, is_poison, poison_reason, topic_size_limits
from wirewatch.stage import Emit, Inbound, SourceStage, Stage, TableRow, dead_letter, letter_for
from wirewatch.topics import Topics, cloudevent_headers, record_value
from wirewatch.topology import TOPOLOGY, StageSpec, Topology

__all__ = [
    "KafkaSourceRunner",
    "KafkaStageRunner",
    "RecordFitter",
    "build_runner",
    "is_poison",
    "run_worker",
    "topic_size_limits",
]

log = logging.getLogger("wirewatch.workers")

# readiness facts a worker reports (OpsServer.mark); all must hold for /readyz to answer 200
READY_FACTS = ("broker_reachable", "partitions_assigned")
# reconnect backoff while no broker answers: doubling from the first, capped
CONNECT_BACKOFF_FIRST = 1.0
CONNECT_BACKOFF_MAX = 30.0
# how long a worker waits for the answer to its commit, longer than for the other transactional
# calls: a commit the coordinator may already have taken must not be given up early, or the
# round is redone though it may be committed (given up after kafka.max_block_ms, one
# bench/chaos.py run across a broker outage duplicated entries; with this bound one did not)
COMMIT_ANSWER_MS = 60_000
# keep_membership while the group rebalances: each poll may wait REJOIN_POLL_MS for the
# JoinGroup answer, and the wait for one rebalance is bounded by REJOIN_WAIT_S, the group
# consumer's session timeout. Live members notice a rebalance within a heartbeat interval and
# rejoin at their next poll, so the answer normally comes well within it; a join left waiting
# on a stuck member (the broker may wait for it up to max_poll_interval_ms) does not hold the
# restore longer: the restore goes on and the next call polls again.
REJOIN_POLL_MS = 1_000
REJOIN_WAIT_S = 10.0


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
        self.probe: BrokerProbe | None = None
        self.trimmer = HeapTrimmer.from_env()  # freed C-heap memory back to the OS (ops.py)
        self._ce_types = {t.kind: t.ce_type for t in topology.topics}
        self._allowed = {*spec.outputs, "deadletter"}
        self.fitter = RecordFitter(self.name, self.cfg, {}, self.cfg.max_request_size)
        self.isolated = 0  # input records dead-lettered because their transaction kept failing
        self._stuck_since: float | None = None  # first failure since the last commit
        # partitions assigned by the last rebalance whose state is not restored yet
        self._to_restore: set[int] = set()
        # while a restore runs: the partitions revoked meanwhile (their state must go again
        # once the restore has loaded it); None when no restore runs
        self._revoked_mid_restore: set[int] | None = None
        # assignments and revocations seen: a batch polled before one is stale
        self._rebalances = 0
        self._failures = 0  # failed transactions since the last commit (for the backoff)
        self._in_transaction = False
        # output topic -> its partitions, for a broadcast topic (each record goes to every one)
        self._broadcast: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ lifecycle
    def input_topic(self) -> str:
        return self.topics.name(self.spec.input)

    def input_topics(self) -> list[str]:
        """Every topic it reads: ``input`` and the stage row's ``also_reads``."""
        return [self.topics.name(k) for k in self.spec.inputs]

    def listener(self) -> ConsumerRebalanceListener:
        raise NotImplementedError

    def attach_ops(self, ops: OpsServer) -> None:
        """Report through ``ops``: not ready until the consumer has connected and been assigned
        partitions (with no facts at all, ``/readyz`` would answer ready)."""
        self.ops = ops
        for fact in READY_FACTS:
            ops.mark(fact, False)

    def setup(self, *, deadline: float | None = None) -> None:
        """Connect (retrying while no broker answers), subscribe, start the stage. Returns with
        :attr:`consumer` None when stopped while connecting; raises
        :class:`~wirewatch.errors.BrokerUnavailable` when ``deadline`` (monotonic) passes first.

        A broker lost between connecting and reading the topics' partitions is the same outage
        as no broker at start: the clients are dropped and the worker connects again, alive and
        not ready meanwhile, rather than exiting for a supervisor to restart it."""
        delay = CONNECT_BACKOFF_FIRST
        while True:
            self.consumer = self._connect(deadline)
            if self.consumer is None:
                return
            try:
                self._start_connected()
                return
            except BrokerUnavailable as exc:
                self._drop_clients()
                if self.stop_event.is_set():
                    return  # stopped while waiting out the outage, as in _connect
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise
                if self.ops is not None:
                    self.ops.heartbeat()
                    self.ops.mark("broker_reachable", False)
                wait = delay if left is None else min(delay, left)
                log.warning(
                    "broker lost while reading topics at start: %s; connecting again in %.0f s, "
                    "not ready until connected",
                    exc,
                    wait,
                    extra={"stage": self.name, "reason": exc.reason},
                )
                self.stop_event.wait(wait)
                delay = min(delay * 2, CONNECT_BACKOFF_MAX)

    def _until_restored(self, restore_once: Callable[[], None]) -> None:
        """Run ``restore_once`` (a state restore for newly assigned partitions) until it
        succeeds or the worker is stopped. A failed read (a stall, a broker error) is logged as
        its one line and the whole restore done again with backoff (restoring the same rows
        twice changes nothing): raised from the assignment callback it would only be logged by
        the consumer, and the worker would go on without the state."""
        delay = self.cfg.retry_backoff_s
        while True:
            try:
                restore_once()
                return
            except TopicMissing:
                raise  # not an outage: the worker stops with its one line (topics create)
            except SinkError as exc:
                if self.stop_event.is_set():
                    return  # stopping (a read cut short by it, or failed meanwhile): not an error
                if self.ops is not None:
                    self.ops.heartbeat()  # alive, retrying; not ready meanwhile (no beat())
                log.error(
                    "state restore failed, retrying in %.1f s: %s",
                    delay,
                    exc,
                    extra={"stage": self.name, "reason": exc.reason},
                )
            if self._wait_in_group(delay):
                return  # stopping: the run loop rewinds to the committed offsets and ends
            delay = min(self.cfg.retry_backoff_max_s, delay * 2)

    def _wait_in_group(self, seconds: float) -> bool:
        """Wait ``seconds`` between restore attempts, polling the group consumer meanwhile
        (:meth:`keep_membership`) so that retrying does not cost the worker its group; whether
        the worker was stopped meanwhile."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            if self.stop_event.wait(min(left, 1.0)):
                return True
            self.keep_membership()
        return self.stop_event.is_set()

    def _drop_clients(self) -> None:
        """Close the consumer and producer of a start that failed half-way (nothing of theirs
        was committed: the stage had not started)."""
        # closing clients of a broker that is gone: bounded, and nothing to report
        if self.consumer is not None:
            with contextlib.suppress(Exception):
                self.consumer.close(autocommit=False)
        if self.producer is not None:
            with contextlib.suppress(Exception):
                self.producer.close(timeout=1)
        self.consumer = None
        self.producer = None

    def _start_connected(self) -> None:
        """Everything of :meth:`setup` after connecting; raises BrokerUnavailable when the
        broker goes away meanwhile."""
        assert self.consumer is not None
        self.lag = ConsumerLagSampler(self.consumer, self.name)
        self.probe = BrokerProbe(self.consumer)  # connecting was a metadata round-trip
        self.consumer.subscribe(self.input_topics(), listener=self.listener())
        self._new_producer()
        self._read_size_limits()
        self._read_partitions()
        self.loop.run_until_complete(self.stage.setup())

    def _read_partitions(self) -> None:
        """The partitions of each broadcast output topic (a record goes to each); for a
        co-partitioned stage, check that its inputs and its state topic have as many
        partitions (partition p of each holds the same shard)."""
        assert self.producer is not None
        self._broadcast = {}
        for kind in self.spec.outputs:
            if self.topology.topic(kind).broadcast:
                topic = self.topics.name(kind)
                self._broadcast[topic] = sorted(self._partitions_of(topic))
        state_kind = getattr(self.stage, "state_kind", None)
        if not self.spec.copartitioned or state_kind is None:
            return
        counts = {
            topic: len(self._partitions_of(topic))
            for topic in [*self.input_topics(), self.topics.name(state_kind)]
        }
        if len(set(counts.values())) > 1:
            found = ", ".join(f"{t} has {n}" for t, n in counts.items())
            raise ConfigError(
                f"the {self.name} stage needs its topics partitioned alike ({found}): "
                "recreate them with the same kafka.partitions"
            )

    def _consumer(self) -> KafkaConsumer:
        """The group consumer; raises when no broker answers within the bootstrap timeout."""
        clients: list[KafkaNetClient] = []

        def client(**config: Any) -> KafkaNetClient:
            clients.append(KafkaNetClient(**config))
            return clients[-1]

        try:
            return KafkaConsumer(
                **kafka_client_config(self.cfg),
                bootstrap_timeout_ms=self.cfg.bootstrap_timeout_ms,
                kafka_client=client,
                group_id=self.group_id,
                enable_auto_commit=False,
                isolation_level="read_committed",
                auto_offset_reset="earliest",
                max_poll_records=self.spec.batch_size,
                session_timeout_ms=10_000,
                heartbeat_interval_ms=2_000,
                max_poll_interval_ms=self.cfg.max_poll_interval_ms,
            )
        except BaseException:
            # the client's I/O thread is already running when bootstrapping fails: without this
            # every retry would leave one behind
            for c in clients:
                c.close()
            raise

    def _connect(self, deadline: float | None) -> KafkaConsumer | None:
        """:meth:`_consumer`, retried with a doubling backoff while no broker answers, alive
        (heartbeat) and not ready meanwhile; None when stopped first."""
        delay = CONNECT_BACKOFF_FIRST
        attempt = 0
        while not self.stop_event.is_set():
            attempt += 1
            try:
                consumer = self._consumer()
            except Exception as exc:
                error = translate_kafka_error(exc, connecting=True)
                if not isinstance(error, BrokerUnavailable):
                    raise error from exc
                if self.ops is not None:
                    self.ops.heartbeat()
                    self.ops.mark("broker_reachable", False)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise BrokerUnavailable(
                        f"no Kafka broker reachable at {self.cfg.bootstrap_servers} "
                        f"after {attempt} attempts"
                    ) from exc
                wait = delay if left is None else min(delay, left)
                log.warning(
                    "no Kafka broker reachable at %s (attempt %d); retrying in %.0f s, "
                    "not ready until connected",
                    self.cfg.bootstrap_servers,
                    attempt,
                    wait,
                    extra={"stage": self.name, "reason": error.reason},
                )
                self.stop_event.wait(wait)
                delay = min(delay * 2, CONNECT_BACKOFF_MAX)
                continue
            if attempt > 1:
                log.info("connected to Kafka", extra={"stage": self.name, "attempts": attempt})
            if self.ops is not None:
                self.ops.mark("broker_reachable", True)
            return consumer
        return None

    def _read_size_limits(self) -> None:
        """The limit each output topic really has: the broker's ``max.message.bytes`` and
        the producer's ``max_request_size``, whichever is smaller."""
        assert self.producer is not None
        producer_max = int(self.producer.config.get("max_request_size", self.cfg.max_request_size))
        names = [self.topics.name(k) for k in sorted(self._allowed)]
        try:
            limits = topic_size_limits(self.cfg, names)
        except Exception as exc:  # diagnostics: fall back to the producer's limit
            log.warning(
                "topic size limits unknown, using max_request_size: %s",
                exc,
                extra={"stage": self.name},
            )
            limits = {}
        self.fitter = RecordFitter(self.name, self.cfg, limits, producer_max)

    def _partitions_of(self, topic: str) -> set[int]:
        """The partitions of ``topic``; :class:`TopicMissing` when a broker answered without
        it (a deployment from before the topic was added: ``topics create`` adds it),
        :class:`MetadataTimeout` when no broker answered (an outage, not a missing topic)."""
        assert self.producer is not None
        since_ms = time.monotonic() * 1000
        try:
            parts = self.producer.partitions_for(topic)
        except kerr.KafkaTimeoutError as exc:
            failure = metadata_failure(self.producer, topic, since_ms, self.cfg.max_block_ms)
            if isinstance(failure, MetadataTimeout):  # which brokers to look at
                failure = MetadataTimeout(f"{failure} (at {self.cfg.bootstrap_servers})")
            raise failure from exc
        if not parts:
            raise TopicMissing(f"topic {topic} does not exist (run `wirewatch topics create`)")
        return set(parts)

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
                    max_request_size=self.cfg.max_request_size,
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
        deadline = None if timeout is None else time.monotonic() + timeout
        if self.consumer is None:
            self.setup(deadline=deadline)
        if self.consumer is None:  # stopped while connecting
            return
        while not self.stop_event.is_set():
            if deadline is not None and time.monotonic() > deadline:
                break
            if max_records is not None and self.progress() >= max_records:
                break
            try:
                batch = self.consumer.poll(timeout_ms=self.poll_timeout())
            except kerr.KafkaError as exc:
                log.warning("poll failed: %s", exc, extra={"stage": self.name})
                self.beat()  # still alive; readiness from a fresh probe
                time.sleep(0.5)
                continue
            if self._to_restore:
                rebalances = self._rebalances
                self._restore_assigned()
                if self.stop_event.is_set():
                    break  # stopped mid-restore: nothing is handled without its state
                if self._rebalances != rebalances:
                    # polled before a rebalance during the restore: read again after it
                    self._put_back(batch)
                    batch = {}
            self.step(batch)
            self.beat()
            self._mark_progressing()

    def step(self, batch: dict[Any, list[Any]]) -> None:
        raise NotImplementedError

    def _restore_assigned(self) -> None:
        """Restore the partitions assigned and not restored yet, staying in the group meanwhile.

        A restore may take longer than ``kafka.max_poll_interval_ms``, and kafka-python's
        heartbeat thread leaves the group when ``consumer.poll()`` has not been called for that
        long (then the partitions are assigned again, restore and all). So the assigned
        partitions are paused and the group consumer polled (nothing to fetch)
        between the restore's read batches (:meth:`keep_membership`). A rebalance may then
        happen mid-restore: a partition revoked meanwhile has its state dropped once the restore
        has loaded it, a partition assigned meanwhile is restored next, before any batch is
        handled. Then the partitions are resumed."""
        assert self.consumer is not None
        try:
            while self._to_restore and not self.stop_event.is_set():
                parts, self._to_restore = self._to_restore, set()
                self._revoked_mid_restore = set()
                self.consumer.pause(*self.consumer.assignment())
                self.restore_partitions(parts)
                gone, self._revoked_mid_restore = self._revoked_mid_restore & parts, None
                if gone:
                    self.forget_state(gone)
        finally:
            self._revoked_mid_restore = None
            self.consumer.resume(*self.consumer.assignment())

    def keep_membership(self) -> None:
        """Called between the read batches of a restore: poll the group consumer, which tells
        the heartbeat thread the worker is alive and completes a rebalance if one is under way
        (the listener then records what was revoked or assigned). Its partitions are paused,
        so it fetches nothing; a partition assigned by that poll is paused too, and any record
        it returned is read again after the restore (the worker is not ready to handle it).

        While the group rebalances, each poll waits for the JoinGroup answer (up to
        ``REJOIN_POLL_MS``, for at most ``REJOIN_WAIT_S`` in all): a poll that does not wait
        leaves the join to finish in the background with its assignment thrown away, and the
        next poll joins again, so the whole group would rebalance over and over for as long as
        the restore runs."""
        if self.consumer is None or self._revoked_mid_restore is None:
            return
        until = time.monotonic() + REJOIN_WAIT_S
        timeout_ms = REJOIN_POLL_MS if self._rejoining() else 0
        while True:
            try:
                got = self.consumer.poll(timeout_ms=timeout_ms)
            except kerr.KafkaError as exc:  # as in the run loop: the next call polls again
                log.warning("poll during a restore failed: %s", exc, extra={"stage": self.name})
                return
            finally:
                self.consumer.pause(*self.consumer.assignment())
                if self.ops is not None:
                    self.ops.heartbeat()  # alive, restoring; not ready meanwhile (no beat())
            self._put_back(got)
            if (
                not self._rejoining()
                or self.stop_event.is_set()
                or time.monotonic() + REJOIN_POLL_MS / 1000 > until
            ):
                return
            timeout_ms = REJOIN_POLL_MS

    def _rejoining(self) -> bool:
        """Whether the group consumer has a rebalance to join or a join under way. kafka-python
        has no public way to tell (the coordinator is private), so without it this is False
        and keep_membership polls once without waiting, as before."""
        coordinator = getattr(self.consumer, "_coordinator", None)
        need_rejoin = getattr(coordinator, "need_rejoin", None)
        if not callable(need_rejoin):
            return False
        try:
            return bool(need_rejoin())
        except Exception:  # a private API changed shape: fall back to polling once
            return False

    def _put_back(self, batch: dict[Any, list[Any]]) -> None:
        """Records polled but not handled: their partitions (those still assigned) are read
        again from the first of them."""
        assert self.consumer is not None
        assigned = self.consumer.assignment()
        for tp, msgs in batch.items():
            if msgs and tp in assigned:
                self.consumer.seek(tp, msgs[0].offset)

    def forget_state(self, parts: set[int]) -> None:
        """Drop the state of ``parts`` (revoked)."""

    def restore_partitions(self, parts: set[int]) -> None:
        """The state of newly assigned ``parts``, restored in the run loop before the batch
        of the poll that assigned them is handled. Not in the rebalance callback: kafka-python
        runs a listener on its I/O thread, and a restore there (seconds to minutes with a full
        window) would stop the group heartbeats, get the worker dropped from the group after
        the session timeout and its partitions assigned again, restore and all."""

    def assigned(self, parts: set[int]) -> None:
        """From the rebalance listener: ``parts`` are ours; restore them before handling."""
        self._rebalances += 1
        self._to_restore |= parts

    def revoked(self, parts: set[int]) -> None:
        """From the rebalance listener: ``parts`` are gone (restored or not)."""
        self._rebalances += 1
        self._to_restore -= parts
        if self._revoked_mid_restore is not None:
            self._revoked_mid_restore |= parts

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
        if self.probe is not None:
            self.ops.mark("broker_reachable", self.probe.maybe_probe())

    def _mark_progressing(self) -> None:
        """Readiness: not ready while input has kept failing to commit for too long."""
        if self.ops is None:
            return
        stuck = self._stuck_since
        self.ops.mark(
            "progressing",
            stuck is None or time.monotonic() - stuck < self.cfg.stall_after_s,
        )

    def _progressed(self) -> None:
        self._stuck_since = None

    def _failed(self) -> float:
        """Note a failure; the seconds to wait before retrying (capped exponential backoff)."""
        now = time.monotonic()
        if self._stuck_since is None:
            self._stuck_since = now
            self._failures = 0
        self._failures += 1
        return float(
            min(self.cfg.retry_backoff_max_s, self.cfg.retry_backoff_s * 2 ** (self._failures - 1))
        )

    # ------------------------------------------------------------------ transaction
    def _wire(self, out: Emit) -> tuple[Emit, str, bytes, list[tuple[str, bytes]]]:
        """``out`` made to fit its topic, with its topic, value and headers."""
        if out.kind not in self._allowed:
            raise ValueError(f"stage {self.name} emitted {out.kind!r}, not in its topology row")
        source = f"wirewatch/{self.name}"
        for _ in range(3):  # a record made to fit is checked again
            topic = self.topics.name(out.kind)
            value = record_value(out.record)
            headers = cloudevent_headers(
                out.record, source, value=value, ce_type=self._ce_types[out.kind], kind=out.kind
            )
            size = record_size(out.key, value, headers)
            fitted = self.fitter.fit(out, topic, size)
            if fitted is out:
                return out, topic, value, headers
            out = fitted
        raise RecordTooLarge(f"{out.kind} record {out.key} cannot be made to fit {topic}")

    def _transact(self, outputs: Sequence[Emit], offsets: dict[Any, Any]) -> None:
        assert self.consumer is not None and self.producer is not None
        p = self.producer
        wired = [self._wire(out) for out in outputs]  # before the transaction: may raise
        self._in_transaction = True  # from here on a failure needs an abort (or new producer)
        p.begin_transaction()
        futures = []
        for out, topic, value, headers in wired:
            targets: Sequence[int | None] = self._broadcast.get(topic) or [out.partition]
            stamp_ms = None if out.timestamp is None else int(out.timestamp.timestamp() * 1000)
            for partition in targets:
                futures.append(
                    p.send(
                        topic,
                        key=out.key.encode(),
                        value=value,
                        partition=partition,
                        headers=headers,
                        timestamp_ms=stamp_ms,
                    )
                )
        if offsets:
            self._bounded(
                "sending the offsets to the transaction",
                lambda tm: tm.send_offsets_to_transaction(offsets, self.consumer.group_metadata()),
            )
        self._bounded("committing the transaction", lambda tm: tm.begin_commit(), COMMIT_ANSWER_MS)
        self._in_transaction = False
        for f in futures:  # all acked by now; surface any per-record error
            f.get(timeout=0)
        self.produced += len(outputs)
        self.transactions += 1
        self._progressed()

    def _abort(self) -> None:
        if not self._in_transaction:
            return  # failed before the transaction began: nothing to abort
        self._in_transaction = False
        try:
            self._bounded("aborting the transaction", lambda tm: tm.begin_abort())
        except Exception:
            self._new_producer()

    def _bounded(self, what: str, start: Any, timeout_ms: int | None = None) -> None:
        """A transactional request, as KafkaProducer's send_offsets_to_transaction /
        commit_transaction / abort_transaction make it, but waited for at most
        ``kafka.max_block_ms`` (the bound the Java client puts on these calls).

        Why: kafka-python 3 waits for the coordinator's answer without a bound, and a request
        caught by a broker outage could stay unanswered after the broker was back: the worker
        then waited for ever (poll workers stopped for good in bench/chaos.py). A timeout here
        fails the transaction like any broker error: abort, the stage's on_abort, retry."""
        assert self.producer is not None
        result = start(self.producer._transaction_manager)
        self.producer._sender.wakeup()
        bound = self.cfg.max_block_ms if timeout_ms is None else timeout_ms
        if not result.wait(timeout_ms=bound):
            raise kerr.KafkaTimeoutError(f"{what}: no answer from the broker in {bound} ms")


class KafkaStageRunner(_KafkaRunner):
    """A record-in, records-out stage (fetch, process) with one transaction per batch."""

    stage: Stage

    def __init__(self, settings: Settings, spec: StageSpec, stage: Stage, **kw: Any) -> None:
        super().__init__(settings, spec, stage, **kw)
        self._reassigned: set[Any] = set()  # partitions to rewind to their committed offsets
        # the contract of each topic it reads (records reach the stage as their own models)
        self._models = {self.topics.name(k): topology_model(self.topology, k) for k in spec.inputs}
        # non-retriable failures of the batch starting at these offsets (one batch at a time)
        self._poison_batch: tuple[tuple[Any, int], ...] = ()
        self._poison_failures = 0

    def listener(self) -> ConsumerRebalanceListener:
        return _RewindOnAssign(self)

    def restore_state(self, parts: set[int]) -> None:
        """A stage whose state is its own compacted output (``state_kind``, a
        :class:`~wirewatch.stage.RestoringStage`) gets that state back for newly assigned
        partitions: those partitions of that topic, read_committed, to their end. A stage with
        a time window (``restore_since(now, newest)``, ``newest`` the time of the newest
        record of those partitions) names the oldest record time it can still hold, and each
        partition is read from the first record that recent (the stage prunes older ones
        anyway; why that is safe is the stage's to say): the read is then bounded by the
        window, not by how long the topics keep records.

        A read that stops making progress fails with a one-line error
        (``kafka.table_read_stall_timeout``, ``sink.read_stalled``); that, or any other broker
        error, restores again (:meth:`_until_restored`): without its state the worker would
        start a second event for every later report of a restored one."""
        kind = getattr(self.stage, "state_kind", None)
        if kind is None or not parts:
            return
        horizon = getattr(self.stage, "restore_since", None)

        def restore_once() -> None:
            since_ms = None if horizon is None else self._restore_horizon_ms(horizon, kind, parts)
            rows = read_table(
                self.cfg,
                self.topics.name(kind),
                parts,
                since_ms=since_ms,
                should_stop=self.stop_event.is_set,
                on_progress=self.keep_membership,
            )
            self.stage.restore(parts, [TableRow(k, v, p) for p, k, v in rows])  # type: ignore[attr-defined]
            # state not partitioned like the input (the cluster stage's waiting wire copies):
            # every partition, after the partitioned state it is checked against
            for shared in getattr(self.stage, "shared_state_kinds", ()):
                rows = read_table(
                    self.cfg,
                    self.topics.name(shared),
                    since_ms=since_ms,
                    should_stop=self.stop_event.is_set,
                    on_progress=self.keep_membership,
                )
                self.stage.restore_shared(shared, [TableRow(k, v, p) for p, k, v in rows])  # type: ignore[attr-defined]

        self._until_restored(restore_once)

    def _restore_horizon_ms(
        self, horizon: Callable[[datetime, datetime | None], datetime], kind: str, parts: set[int]
    ) -> int:
        """``restore_since(now, newest)`` in epoch ms, ``newest`` the timestamp of the newest
        committed record of the ``parts`` of the ``kind`` topic (None when they hold none): the
        stage counts its window back from the newest data time of its state (its records are
        stamped with their data time, ``Emit.timestamp``), not from the clock (a group stopped
        for days resumes with a window that ends where it stopped)."""
        newest_ms = newest_record_ms(
            self.cfg,
            self.topics.name(kind),
            parts,
            should_stop=self.stop_event.is_set,
            on_progress=self.keep_membership,
        )
        newest = None if newest_ms is None else datetime.fromtimestamp(newest_ms / 1000, UTC)
        return int(horizon(datetime.now(UTC), newest).timestamp() * 1000)

    def restore_partitions(self, parts: set[int]) -> None:
        self.restore_state(parts)

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
        if self._poison_failures >= self.cfg.poison_attempts and self._same_batch(batch):
            self._isolate(batch)
            return
        t0 = time.perf_counter()
        inbound, letters = self._read(records)
        try:
            outputs = [*letters, *self.loop.run_until_complete(self.stage.handle(inbound))]
        except Exception as exc:  # a bug in the stage: the batch is retried, then split
            log.exception("stage failed on a batch", extra={"stage": self.name})
            self.stage.on_abort(inbound)
            self._rewind(batch, exc)
            return
        self._commit(batch, inbound, outputs)
        emit(StageLatency(self.name, (time.perf_counter() - t0) / len(records)))

    def _same_batch(self, batch: dict[Any, list[Any]]) -> bool:
        """``batch`` starts where the batch that keeps failing started (in some partition)."""
        return bool(set(self._batch_id(batch)) & set(self._poison_batch))

    @staticmethod
    def _batch_id(batch: dict[Any, list[Any]]) -> tuple[tuple[Any, int], ...]:
        return tuple(sorted((tp, msgs[0].offset) for tp, msgs in batch.items() if msgs))

    def _isolate(self, batch: dict[Any, list[Any]]) -> None:
        """Redo a batch that keeps failing one input record per transaction; the record whose
        own transaction still fails for a non-retriable reason is dead-lettered (its input,
        bounded, with the reason) in a transaction of its own, and its offset committed."""
        assert self.consumer is not None
        self._poison_batch, self._poison_failures = (), 0
        log.warning(
            "batch kept failing: redoing it one record per transaction",
            extra={"stage": self.name, "records": sum(len(m) for m in batch.values())},
        )
        for tp, msgs in batch.items():
            for i, m in enumerate(msgs):
                offsets = {tp: OffsetAndMetadata(m.offset + 1, "", -1)}
                inbound, letters = self._read([m])
                try:
                    outputs = [*letters, *self.loop.run_until_complete(self.stage.handle(inbound))]
                    self._transact(outputs, offsets)
                except Exception as exc:
                    self.stage.on_abort(inbound)
                    self._abort()
                    if not is_poison(exc) or not self._dead_letter_isolated(m, exc, offsets):
                        self._rewind({tp: msgs[i:], **self._rest(batch, tp)}, exc)
                        return
                    continue
                self.processed += 1
                self.stage.on_commit(inbound)

    @staticmethod
    def _rest(batch: dict[Any, list[Any]], done: Any) -> dict[Any, list[Any]]:
        """The partitions of ``batch`` after ``done`` (in the order they are isolated)."""
        keys = list(batch)
        return {tp: batch[tp] for tp in keys[keys.index(done) + 1 :]}

    def _dead_letter_isolated(self, m: Any, exc: BaseException, offsets: dict[Any, Any]) -> bool:
        """Dead-letter input record ``m`` for ``exc``; whether that committed."""
        key = m.key.decode("utf-8", "replace") if m.key else None
        reason = poison_reason(exc, self.name)
        log.warning(
            "isolated record %s[%d]@%d: %s",
            m.topic,
            m.partition,
            m.offset,
            reason,
            extra={"stage": self.name, "reason": reason, "key": key},
        )
        letter = dead_letter(
            self.name,
            exc,
            reason=reason,
            payload=m.value,
            key=key,
            source_topic=m.topic,
            source_partition=m.partition,
            source_offset=m.offset,
            context={"isolated": True},
        )
        # bounded whatever the limits say: this letter must not fail the way its record did
        letter = shrink_dead_letter(letter, self.cfg.dead_letter_payload_cap)
        try:
            self._transact([Emit("deadletter", key or letter.dead_letter_id, letter)], offsets)
        except Exception as exc2:
            self._abort()
            log.warning(
                "dead letter of an isolated record failed: %s", exc2, extra={"stage": self.name}
            )
            return False
        self.isolated += 1
        self.processed += 1
        return True

    def _read(self, records: list[Any]) -> tuple[list[Inbound], list[Emit]]:
        """Records that validate against the input contract, and dead letters for the rest."""
        inbound: list[Inbound] = []
        letters: list[Emit] = []
        for m in records:
            key = m.key.decode("utf-8", "replace") if m.key else None
            item = Inbound(None, key, m.value, m.topic, m.partition, m.offset)
            try:
                item.record = read_record(self._models[m.topic], m.value)
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
        records = sum(len(m) for m in batch.values())
        self.processed += records
        self._poison_batch, self._poison_failures = (), 0
        self.stage.on_commit(inbound)
        self._log_batch(batch, outputs)

    def _log_batch(self, batch: dict[Any, list[Any]], outputs: Sequence[Emit]) -> None:
        """One INFO line per committed batch: what came in (by input topic kind: a stage with
        ``also_reads`` gets records of several), what went out (by topic kind)."""
        kinds = {self.topics.name(k): k for k in self.spec.inputs}
        came: dict[str, int] = {}
        for tp, msgs in batch.items():
            if msgs:
                kind = kinds.get(tp.topic, tp.topic)
                came[kind] = came.get(kind, 0) + len(msgs)
        records = sum(came.values())
        taken = ", ".join(f"{n} {kind}" for kind, n in sorted(came.items())) or "nothing"
        counts: dict[str, int] = {}
        for out in outputs:
            counts[out.kind] = counts.get(out.kind, 0) + 1
        made = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing"
        log.info(
            "batch committed: %s in, %s out",
            taken,
            made,
            extra={"stage": self.name, "records": records, "records_in": came, **counts},
        )

    def _rewind(self, batch: dict[Any, list[Any]], exc: BaseException) -> None:
        assert self.consumer is not None
        self.aborts += 1
        poison = is_poison(exc)
        log.warning(
            "transaction failed, rewinding (%s): %s: %s",
            "non-retriable" if poison else "retriable",
            type(exc).__name__,
            str(exc)[:500],
            extra={"stage": self.name},
        )
        self._abort()
        batch_id = self._batch_id(batch)
        if poison:
            if not self._same_batch(batch):
                self._poison_failures = 0
            self._poison_batch = batch_id
            self._poison_failures += 1
        wait = self._failed()
        assigned = self.consumer.assignment()
        for tp, msgs in batch.items():
            if msgs and tp in assigned:
                self.consumer.seek(tp, msgs[0].offset)
        # a poison batch is redone at once (it is isolated after poison_attempts); the broker
        # gets time to recover
        self.stop_event.wait(0.1 if poison else wait)

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
        rows: list[TableRow] = []

        def restore_once() -> None:
            table = read_table(
                self.cfg,
                state_topic,
                parts,
                should_stop=self.stop_event.is_set,
                on_progress=self.keep_membership,
            )
            rows[:] = [TableRow(k, v, p) for p, k, v in table]
            self.stage.restore(parts, rows)

        # without its feed states the worker would poll its feeds as new and repeat entries
        self._until_restored(restore_once)
        self._pending_seek |= parts
        log.info(
            "partitions assigned",
            extra={"stage": self.name, "partitions": sorted(parts), "states": len(rows)},
        )

    def restore_partitions(self, parts: set[int]) -> None:
        self.take_partitions(parts)

    def drop_partitions(self, parts: set[int]) -> None:
        self.stage.revoke(parts)

    def forget_state(self, parts: set[int]) -> None:
        self.drop_partitions(parts)

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
            self._failed()
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
        parts = {tp.partition for tp in revoked}
        self.runner.revoked(parts)
        self.runner.forget_state(parts)

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner._reassigned |= set(assigned)
        self.runner.assigned({tp.partition for tp in assigned})


class _TableAssignments(ConsumerRebalanceListener):
    def __init__(self, runner: KafkaSourceRunner) -> None:
        self.runner = runner

    def on_partitions_revoked(self, revoked: Any) -> None:
        parts = {tp.partition for tp in revoked}
        self.runner.revoked(parts)
        self.runner.drop_partitions(parts)

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner.assigned({tp.partition for tp in assigned})


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
        runner.attach_ops(OpsServer.from_settings(settings.metrics).start())

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
        runner.run(max_records=max_records, timeout=timeout)
    finally:
        runner.close()
        if runner.ops is not None:
            runner.ops.stop()
        if trace is not None:
            trace.stop()
    return runner

"""Stage workers on Kafka consumer groups, each consume -> produce hop one transaction.

    feeds topic --[poll worker]--> entries (+ feedstate) --[fetch worker]--> articles
                --[process worker]--> incidents        (failures -> deadletter, same txn)

Every hop follows the same shape (:class:`StageWorker`):

1. ``consumer.poll()`` a batch (``isolation_level=read_committed``, no auto-commit);
2. do the work *outside* the transaction (HTTP, extraction), so transactions stay short and a
   worker killed mid-work leaves nothing open for long;
3. ``begin_transaction``; send outputs and dead letters; ``send_offsets_to_transaction`` with the
   consumer's group metadata (KIP-447: a zombie from an older generation is fenced at commit);
   ``commit_transaction``;
4. on any failure: abort, rewind the consumer to the batch start, and retry. A crash or a
   rebalance therefore neither loses nor duplicates a record in the output topics.

Poll workers read the compacted feeds topic as a table of their assigned partitions and keep
per-feed state in the compacted feedstate topic (same partition as the feed), written in the
same transaction as the entries the poll produced and restored when a partition is assigned.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
import uuid
from array import array
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from hashlib import blake2b
from typing import Any, ClassVar

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as kerr
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.structs import OffsetAndMetadata
from pydantic import BaseModel, ValidationError

from ingest import ArticleFetcher, FeedSpec, HttpClient, MemoryStateStore, Poller, PollResult
from ingest.state import FeedState, SeenEntry
from sinks.kafka import kafka_client_config, translate_kafka_error
from wirewatch.config import KafkaSettings, Settings
from wirewatch.contracts import Article, DeadLetter, FeedEntry
from wirewatch.metrics import MemoryAtRest, StageLatency, emit
from wirewatch.ops import (
    ConsumerLagSampler,
    FeedActivity,
    HeapTrimmer,
    MemoryTrace,
    OpsServer,
    StaleFeedTracker,
    limit_malloc_arenas,
    resident_bytes,
)
from wirewatch.pipeline import dead_letter, process_article
from wirewatch.topics import Topics, cloudevent_headers, record_value

__all__ = [
    "FeedRegistry",
    "FetchWorker",
    "FetchedVersions",
    "PollWorker",
    "ProcessWorker",
    "StageWorker",
    "run_worker",
]

log = logging.getLogger("wirewatch.workers")

# seen entries kept per feed (in memory and in its state record): those of the entries its latest
# document lists, at most this many (see PollWorker._seen_to_keep)
_SEEN_PER_FEED = 500
# seconds a finished poll waits for the other polls in flight before its transaction: a Kafka
# transaction per poll cost more CPU than the poll, and 0.1 s is small against poll intervals
_COMMIT_LINGER = 0.1


# --------------------------------------------------------------------------- feed registry


class FeedRegistry:
    """The feed list as a compacted topic keyed by feed id (tombstone = removed)."""

    def __init__(self, cfg: KafkaSettings) -> None:
        self.cfg = cfg
        self.topic = Topics(cfg.topic_prefix).feeds

    def _producer(self) -> KafkaProducer:
        try:
            return KafkaProducer(
                **kafka_client_config(self.cfg), acks="all", enable_idempotence=True
            )
        except Exception as exc:
            raise translate_kafka_error(exc, connecting=True) from exc

    def put(self, specs: Iterable[FeedSpec]) -> int:
        p = self._producer()
        n = 0
        try:
            for spec in specs:
                p.send(
                    self.topic,
                    key=spec.feed_id.encode(),
                    value=spec.model_dump_json(exclude_none=True).encode(),
                )
                n += 1
            p.flush(timeout=30)
        finally:
            p.close()
        return n

    def load(self) -> dict[str, FeedSpec]:
        feeds: dict[str, FeedSpec] = {}
        for _tp, key, value in read_table(self.cfg, self.topic):
            if value is None:
                feeds.pop(key, None)
            else:
                feeds[key] = FeedSpec.model_validate_json(value)
        return feeds

    def remove(self, feed_id_or_url: str) -> str:
        from ingest.feeds import feed_id_for

        feeds = self.load()
        fid = feed_id_or_url if feed_id_or_url in feeds else feed_id_for(feed_id_or_url)
        p = self._producer()
        try:
            p.send(self.topic, key=fid.encode(), value=None)
            p.flush(timeout=30)
        finally:
            p.close()
        return fid

    def sync(self, specs: Sequence[FeedSpec], *, remove_missing: bool = False) -> tuple[int, int]:
        added = self.put(specs)
        removed = 0
        if remove_missing:
            keep = {s.feed_id for s in specs}
            for fid in self.load():
                if fid not in keep:
                    self.remove(fid)
                    removed += 1
        return added, removed


def read_table(
    cfg: KafkaSettings, topic: str, partitions: Iterable[int] | None = None
) -> list[tuple[int, str, bytes | None]]:
    """Read committed records of ``topic`` (given partitions, else all) from start to end."""
    consumer = KafkaConsumer(
        **kafka_client_config(cfg),
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
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
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        out: list[tuple[int, str, bytes | None]] = []
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {topic} to its end took over 60 s")
            for tp, msgs in consumer.poll(timeout_ms=500).items():
                for m in msgs:
                    out.append((tp.partition, m.key.decode() if m.key else "", m.value))
        return out
    finally:
        consumer.close()


# --------------------------------------------------------------------------- stage workers

Output = tuple[str, str, BaseModel, int | None]  # topic, key, record, partition


class StageWorker:
    """A consume -> transform -> produce loop with one Kafka transaction per batch."""

    stage = "stage"
    input_kind = "entries"
    batch_size = 50

    def __init__(self, settings: Settings, *, instance: str | None = None) -> None:
        self.settings = settings
        self.cfg = settings.kafka
        self.topics = Topics(self.cfg.topic_prefix)
        self.group_id = f"{self.cfg.group_prefix}.{self.stage}"
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
        self._reassigned: set[Any] = set()  # partitions to rewind to their committed offsets
        self.trimmer = HeapTrimmer.from_env()  # freed C-heap memory back to the OS (ops.py)

    # ------------------------------------------------------------------ lifecycle
    def input_topic(self) -> str:
        return self.topics.name(self.input_kind)

    def listener(self) -> ConsumerRebalanceListener | None:
        return _RewindOnAssign(self)

    def setup(self) -> None:
        self.consumer = KafkaConsumer(
            **kafka_client_config(self.cfg),
            group_id=self.group_id,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
            max_poll_records=self.batch_size,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=2_000,
            max_poll_interval_ms=300_000,
        )
        self.lag = ConsumerLagSampler(self.consumer, self.stage)
        listener = self.listener()
        if listener is not None:
            self.consumer.subscribe([self.input_topic()], listener=listener)
        else:
            self.consumer.subscribe([self.input_topic()])
        self._new_producer()

    def _new_producer(self) -> None:
        if self.producer is not None:
            try:
                self.producer.close(timeout=1)
            except Exception:  # noqa: S110 - replacing a broken producer
                pass
        compression = None if self.cfg.compression == "none" else self.cfg.compression
        deadline = time.monotonic() + 120
        while True:
            try:
                self.producer = KafkaProducer(
                    **kafka_client_config(self.cfg),
                    transactional_id=f"{self.group_id}-{self.instance}-{uuid.uuid4().hex[:6]}",
                    enable_idempotence=True,
                    acks="all",
                    compression_type=compression,
                    linger_ms=self.cfg.linger_ms,
                    transaction_timeout_ms=30_000,
                    max_block_ms=self.cfg.max_block_ms,
                    allow_auto_create_topics=False,
                )
                self.producer.init_transactions()
                return
            except Exception as exc:
                if time.monotonic() > deadline or self.stop_event.is_set():
                    raise translate_kafka_error(exc, connecting=True) from exc
                log.warning(
                    "producer not ready, retrying: %s",
                    type(exc).__name__,
                    extra={"stage": self.stage},
                )
                time.sleep(1.0)

    def close(self) -> None:
        for c in (self.consumer, self.producer):
            if c is not None:
                try:
                    c.close()
                except Exception:  # noqa: S110 - closing on the way out
                    pass
        self.loop.close()

    # ------------------------------------------------------------------ work
    def handle(self, records: list[Any]) -> list[Output]:
        raise NotImplementedError

    def _parse(self, msg: Any, model: type[BaseModel]) -> BaseModel | DeadLetter:
        try:
            return model.model_validate_json(msg.value)
        except (ValidationError, ValueError, TypeError) as exc:
            return self._letter_for(msg, exc, reason="contract.invalid")

    def _letter_for(
        self, msg: Any, exc: BaseException, *, key: str | None = None, reason: str | None = None
    ) -> DeadLetter:
        """A dead letter for the input record ``msg``, with its payload and coordinates."""
        return dead_letter(
            self.stage,
            exc,
            reason=reason,
            payload=msg.value,
            key=key or (msg.key.decode("utf-8", "replace") if msg.key else None),
            source_topic=msg.topic,
            source_partition=msg.partition,
            source_offset=msg.offset,
        )

    def _dl_output(self, letter: DeadLetter) -> Output:
        return (self.topics.deadletter, letter.key or letter.dead_letter_id, letter, None)

    poll_timeout_ms = 500

    def poll_timeout(self) -> int:
        """Milliseconds ``consumer.poll`` may block this turn."""
        return self.poll_timeout_ms

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
                log.warning("poll failed: %s", exc, extra={"stage": self.stage})
                time.sleep(0.5)
                continue
            self.step(batch)
            self.beat()

    def step(self, batch: dict[Any, list[Any]]) -> None:
        """One loop turn: transform the batch and commit it with its outputs."""
        if self._reassigned:
            self._rewind_to_committed(batch)
            return
        records = [m for msgs in batch.values() for m in msgs]
        if not records:
            return
        t0 = time.perf_counter()
        outputs = self.handle(records)
        self._commit(batch, outputs)
        emit(StageLatency(self.stage, (time.perf_counter() - t0) / len(records)))

    def beat(self) -> None:
        """Liveness, readiness facts and lag, from the consumer's own thread, every turn."""
        if self.trimmer.maybe_trim():
            # between batches (the last one is committed) and right after the trim: the figure
            # a leak raises, without the megabytes of the batch in hand that make RSS sampled
            # at random instants swing (the soak judges memory growth on it)
            rss = resident_bytes()
            if rss is not None:
                emit(MemoryAtRest(self.stage, rss))
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
                    "committed offset unknown for %s: %s", tp, exc, extra={"stage": self.stage}
                )
                self._reassigned.add(tp)
                continue
            if committed is None:
                self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)

    def _commit(self, batch: dict[Any, list[Any]], outputs: list[Output]) -> bool:
        assert self.consumer is not None and self.producer is not None
        offsets = {
            tp: OffsetAndMetadata(msgs[-1].offset + 1, "", -1) for tp, msgs in batch.items() if msgs
        }
        try:
            self._transact(outputs, offsets)
        except Exception as exc:
            self.aborts += 1
            log.warning(
                "transaction failed, rewinding: %s: %s",
                type(exc).__name__,
                exc,
                extra={"stage": self.stage},
            )
            self.on_aborted()
            self._abort_and_rewind(batch)
            return False
        self.processed += sum(len(m) for m in batch.values())
        self.on_committed()
        return True

    def on_committed(self) -> None:
        """The batch's transaction committed: in-memory bookkeeping may now move on."""

    def on_aborted(self) -> None:
        """The batch's transaction failed: forget bookkeeping made while handling it."""

    def _transact(self, outputs: list[Output], offsets: dict[Any, Any]) -> None:
        assert self.consumer is not None and self.producer is not None
        p = self.producer
        p.begin_transaction()
        futures = []
        for topic, key, record, partition in outputs:
            value = record_value(record)
            futures.append(
                p.send(
                    topic,
                    key=key.encode(),
                    value=value,
                    partition=partition,
                    headers=cloudevent_headers(record, f"wirewatch/{self.stage}", value=value),
                )
            )
        if offsets:
            p.send_offsets_to_transaction(offsets, self.consumer.group_metadata())
        p.commit_transaction()
        for f in futures:  # all acked by now; surface any per-record error
            f.get(timeout=0)
        self.produced += len(outputs)
        self.transactions += 1

    def _abort_and_rewind(self, batch: dict[Any, list[Any]]) -> None:
        assert self.consumer is not None
        try:
            assert self.producer is not None
            self.producer.abort_transaction()
        except Exception:
            self._new_producer()
        assigned = self.consumer.assignment()
        for tp, msgs in batch.items():
            if msgs and tp in assigned:
                self.consumer.seek(tp, msgs[0].offset)
        time.sleep(0.5)


class ProcessWorker(StageWorker):
    """articles -> incidents."""

    stage = "process"
    input_kind = "articles"
    batch_size = 100

    def handle(self, records: list[Any]) -> list[Output]:
        out: list[Output] = []
        for msg in records:
            article = self._parse(msg, Article)
            if isinstance(article, DeadLetter):
                out.append(self._dl_output(article))
                continue
            assert isinstance(article, Article)
            try:
                incidents = process_article(article, self.settings.process.language_set)
            except Exception as exc:
                log.exception("extractor crashed", extra={"article_id": article.article_id})
                out.append(self._dl_output(self._letter_for(msg, exc, key=article.article_id)))
                continue
            out.extend((self.topics.incidents, i.incident_id, i, None) for i in incidents)
        return out


class FetchedVersions:
    """Which version of which article this worker fetched lately, in fixed memory.

    Why: a dict of the last 100,000 URL keys cost about 300 bytes per new article, so a fetch
    worker's memory grew for days before the bound was reached (in the soak, 3-4 % per hour of
    its RSS), which is indistinguishable from a leak. This table is allocated once: ``slots``
    64-bit fingerprints of (URL key, version), the slot chosen by the URL key alone, so a new
    version replaces the old one and a key whose slot is taken by another evicts it. A
    forgotten key costs one repeated fetch, never a lost article; a false "seen" needs a 64-bit
    fingerprint collision in the same slot.
    """

    def __init__(self, slots: int = 1 << 17) -> None:
        if slots <= 0 or slots & (slots - 1):
            raise ValueError("slots must be a power of two")
        self._mask = slots - 1
        self._table = array("Q", bytes(8 * slots))  # 1 MiB for the default 131,072 slots

    def _slot_and_print(self, url_key: str, version: str) -> tuple[int, int]:
        slot = int.from_bytes(blake2b(url_key.encode(), digest_size=8).digest(), "little")
        fp = int.from_bytes(
            blake2b(f"{url_key}\0{version}".encode(), digest_size=8).digest(), "little"
        )
        return slot & self._mask, fp or 1  # 0 marks an empty slot

    def seen(self, url_key: str, version: str) -> bool:
        slot, fp = self._slot_and_print(url_key, version)
        return self._table[slot] == fp

    def add(self, url_key: str, version: str) -> None:
        slot, fp = self._slot_and_print(url_key, version)
        self._table[slot] = fp


class FetchWorker(StageWorker):
    """entries -> articles (HTTP + extraction outside the transaction)."""

    stage = "fetch"
    input_kind = "entries"
    batch_size = 16

    def __init__(self, settings: Settings, **kw: Any) -> None:
        super().__init__(settings, **kw)
        self.client: HttpClient | None = None
        self.fetcher: ArticleFetcher | None = None
        # versions already fetched (entries topic is keyed by url_key, so one partition sees
        # every copy of an article: skip re-fetching the same version)
        self._done = FetchedVersions()
        # marks become real only when their transaction commits: a redone batch must not be
        # skipped as "already fetched"
        self._pending_done: dict[str, str] = {}
        self._extract_pool = ThreadPoolExecutor(1, thread_name_prefix="extract")

    def setup(self) -> None:
        super().setup()

        async def make() -> None:
            self.client = HttpClient(self.settings.http)
            # one extraction thread: extraction is CPU-bound under the GIL, and a batch of
            # concurrent extractions in the default pool only adds lock convoys
            self.fetcher = ArticleFetcher(self.client, executor=self._extract_pool)

        self.loop.run_until_complete(make())

    def close(self) -> None:
        if self.client is not None:
            self.loop.run_until_complete(self.client.aclose())
        self._extract_pool.shutdown(wait=True)
        super().close()

    def handle(self, records: list[Any]) -> list[Output]:
        parsed: list[tuple[Any, BaseModel | DeadLetter]] = [
            (m, self._parse(m, FeedEntry)) for m in records
        ]
        todo: list[tuple[Any, FeedEntry]] = []
        out: list[Output] = []
        for msg, entry in parsed:
            if isinstance(entry, DeadLetter):
                out.append(self._dl_output(entry))
            elif isinstance(entry, FeedEntry):
                version = str(entry.updated_at or entry.published_at or "")
                if self._done.seen(entry.url_key, version) and not entry.is_update:
                    continue
                todo.append((msg, entry))

        async def fetch_all() -> list[Article | BaseException]:
            assert self.fetcher is not None
            return await asyncio.gather(
                *(self.fetcher.fetch(e) for _m, e in todo), return_exceptions=True
            )

        results = self.loop.run_until_complete(fetch_all()) if todo else []
        for (msg, entry), res in zip(todo, results, strict=True):
            if isinstance(res, BaseException):
                out.append(self._dl_output(self._letter_for(msg, res, key=entry.url_key)))
            else:
                out.append((self.topics.articles, res.article_id, res, None))
            self._pending_done[entry.url_key] = str(entry.updated_at or entry.published_at or "")
        return out

    def on_committed(self) -> None:
        for url_key, version in self._pending_done.items():
            self._done.add(url_key, version)
        self._pending_done.clear()

    def on_aborted(self) -> None:
        self._pending_done.clear()


class _RewindOnAssign(ConsumerRebalanceListener):
    def __init__(self, worker: StageWorker) -> None:
        self.worker = worker

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.worker._reassigned |= set(assigned)


class _PollAssignments(ConsumerRebalanceListener):
    def __init__(self, worker: PollWorker) -> None:
        self.worker = worker

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.worker.drop_partitions({tp.partition for tp in revoked})

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.worker.take_partitions({tp.partition for tp in assigned})


class PollWorker(StageWorker):
    """feeds (a table) -> entries + feedstate, in one transaction per round of due feeds."""

    stage = "poll"
    input_kind = "feeds"
    batch_size = 500

    def __init__(self, settings: Settings, **kw: Any) -> None:
        super().__init__(settings, **kw)
        self.store = MemoryStateStore()
        self.feeds: dict[str, tuple[int, FeedSpec]] = {}  # feed_id -> (partition, spec)
        self.partitions: set[int] = set()
        self.client: HttpClient | None = None
        self.poller: Poller | None = None
        self._pending_seek: set[int] = set()
        self.polls = 0
        self.stale = StaleFeedTracker(settings.poll.stale_factor)
        self._stale_checked = 0.0
        self._inflight: dict[str, asyncio.Task[PollResult]] = {}
        # polls whose task finished since the last commit, filled by a done-callback (so a tick
        # never walks every in-flight task), and the future the loop runs until it is woken
        self._finished: list[tuple[str, asyncio.Task[PollResult]]] = []
        self._wake: asyncio.Future[None] | None = None
        self._wake_all = False
        self._next_scan = 0.0
        self._seen_by_feed: dict[str, list[SeenEntry]] = {}

    def listener(self) -> ConsumerRebalanceListener:
        return _PollAssignments(self)

    def setup(self) -> None:
        super().setup()

        async def make() -> None:
            self.client = HttpClient(self.settings.http)
            self.poller = Poller(self.client, self.store, self.settings.poll)

        self.loop.run_until_complete(make())

    def close(self) -> None:
        for task in self._inflight.values():  # unfinished polls: never committed, redone later
            task.cancel()
        if self._inflight:
            self.loop.run_until_complete(
                asyncio.gather(*self._inflight.values(), return_exceptions=True)
            )
            self._inflight.clear()
        if self.client is not None:
            self.loop.run_until_complete(self.client.aclose())
        super().close()

    # ------------------------------------------------------------------ assignment
    def take_partitions(self, parts: set[int]) -> None:
        """Restore state of newly assigned partitions; re-read their feed table from the start."""
        self.partitions |= parts
        rows = read_table(self.cfg, self.topics.feedstate, parts)
        for _p, fid, value in rows:
            if value is None:
                self.store.feeds.pop(fid, None)
                continue
            try:
                state, kept = _restore_state(value)
            except (ValueError, TypeError, KeyError) as exc:
                # a record this version cannot read: the feed starts afresh (polled as new,
                # its entries deduplicated downstream by key) rather than the worker stopping
                log.warning(
                    "unreadable feed state record",
                    extra={"feed_id": fid, "reason": "feedstate.invalid", "error": str(exc)},
                )
                self.store.feeds.pop(fid, None)
                continue
            self.store.feeds[fid] = state
            for seen in kept:
                self.store.by_url[seen.url_key] = seen
                self.store.by_id[(seen.feed_id, seen.entry_id)] = seen
            if kept:
                self._seen_by_feed[fid] = kept
            else:
                self._seen_by_feed.pop(fid, None)
        self._pending_seek |= parts
        log.info(
            "partitions assigned",
            extra={"stage": self.stage, "partitions": sorted(parts), "states": len(rows)},
        )

    def drop_partitions(self, parts: set[int]) -> None:
        self.partitions -= parts
        for fid in [f for f, (p, _s) in self.feeds.items() if p in parts]:
            del self.feeds[fid]
            self.store.feeds.pop(fid, None)
            self._seen_by_feed.pop(fid, None)
            task = self._inflight.pop(fid, None)
            if task is not None:  # its result belongs to the partition's new owner now
                task.cancel()

    # ------------------------------------------------------------------ loop
    def handle(self, records: list[Any]) -> list[Output]:
        """Feed-table updates produce nothing by themselves (offsets still commit)."""
        for m in records:
            fid = m.key.decode() if m.key else ""
            if m.value is None:
                self.feeds.pop(fid, None)
                continue
            try:
                self.feeds[fid] = (m.partition, FeedSpec.model_validate_json(m.value))
            except (ValidationError, ValueError) as exc:
                log.warning("invalid feed record %s: %s", fid, exc, extra={"stage": self.stage})
        return []

    def poll_timeout(self) -> int:
        # short while polls are in flight: their HTTP only advances while the loop runs
        return 10 if self._inflight else 200

    def progress(self) -> int:
        return self.polls

    def step(self, batch: dict[Any, list[Any]]) -> None:
        """Apply feed-table updates (offsets commit with the next poll round), then poll."""
        assert self.consumer is not None
        if self._pending_seek:
            tps = [
                TopicPartition(self.input_topic(), p)
                for p in self._pending_seek
                if p in self.partitions
            ]
            self._pending_seek.clear()
            if tps:
                self.consumer.seek_to_beginning(*tps)
        if batch:
            self.handle([m for msgs in batch.values() for m in msgs])
        self.tick()

    def _due(self, now: float) -> list[FeedSpec]:
        """Feeds of assigned partitions that are due and not in flight, earliest first.

        Reads the in-memory states directly (no copies): this runs on every loop turn over every
        assigned feed, so it must stay a cheap scan.
        """
        due: list[tuple[float, FeedSpec]] = []
        states = self.store.feeds
        for fid, (part, spec) in self.feeds.items():
            if part not in self.partitions or fid in self._inflight:
                continue
            st = states.get(fid)
            if st is None or st.spec_url != spec.url:
                due.append((0.0, spec))
            elif not st.disabled_reason and st.next_due <= now:
                due.append((st.next_due, spec))
        due.sort(key=lambda d: d[0])  # a worker behind schedule must not starve any feed
        return [spec for _t, spec in due]

    def tick(self) -> None:
        """Keep up to ``poll.concurrency`` polls in flight; commit the finished ones.

        A rolling set, not rounds: one slow or hanging feed holds up only its own slot. Polls
        that finish within ``_COMMIT_LINGER`` of the first one share its transaction: a Kafka
        transaction (five broker round trips plus the producer thread's work) cost more CPU
        than a 304 poll, and one transaction per finished poll was the common case.
        """
        assert self.poller is not None and self.consumer is not None
        now = time.time()
        if now >= self._next_scan:
            self._next_scan = now + 0.25
            self._track_stale(now)
            room = self.settings.poll.concurrency - len(self._inflight)
            for spec in self._due(now)[: max(0, room)]:
                fid = spec.feed_id  # the task's name: its done-callback reports it
                task = self.loop.create_task(self.poller.poll_once(spec, commit=False), name=fid)
                task.add_done_callback(self._on_poll_done)
                self._inflight[fid] = task
        if not self._inflight:
            self._finished.clear()  # only polls cancelled with their partition can be left
            return
        self._run_loop(0.2, until_all=False)
        if not self._finished:
            return
        self._run_loop(_COMMIT_LINGER, until_all=True)
        finished, self._finished = self._finished, []
        results: list[PollResult] = []
        for fid, task in finished:
            if self._inflight.get(fid) is not task:  # cancelled when its partition was revoked
                continue
            del self._inflight[fid]
            if task.cancelled():
                continue
            exc = task.exception()
            if exc is not None:  # poll_once classifies errors itself; this is a bug
                log.error("poll crashed: %r", exc, extra={"stage": self.stage, "feed_id": fid})
                continue
            result = task.result()
            if self.feeds.get(fid, (-1, None))[0] in self.partitions:  # still ours
                results.append(result)
        if results:
            self._commit_polls(results)

    def _on_poll_done(self, task: asyncio.Task[PollResult]) -> None:
        self._finished.append((task.get_name(), task))
        wake = self._wake
        if wake is not None and not wake.done():
            if not self._wake_all or len(self._finished) >= len(self._inflight):
                wake.set_result(None)

    def _run_loop(self, timeout: float, *, until_all: bool) -> None:
        """Run the event loop until a poll finishes (``until_all``: every poll in flight has),
        for at most ``timeout`` seconds. A future woken by the tasks' done-callbacks, not
        ``asyncio.wait`` over every task in flight, which hooked and unhooked each of them on
        every loop turn."""
        if self._finished and (not until_all or len(self._finished) >= len(self._inflight)):
            return
        wake: asyncio.Future[None] = self.loop.create_future()
        timer = self.loop.call_later(timeout, _resolve, wake)
        self._wake, self._wake_all = wake, until_all
        try:
            self.loop.run_until_complete(wake)
        finally:
            timer.cancel()
            self._wake = None

    def _commit_polls(self, results: list[PollResult]) -> None:
        assert self.poller is not None
        self.polls += len(results)
        for r in results:
            if r.status in ("error", "disabled"):
                log.warning(
                    "feed poll failed" if r.status == "error" else "feed disabled",
                    extra={
                        "stage": self.stage,
                        "feed_id": r.feed.feed_id,
                        "reason": r.error_reason,
                        "url": r.url,
                        "error": (r.error_message or "")[:500],
                    },
                )
        outputs: list[Output] = []
        entries_topic, state_topic = self.topics.entries, self.topics.feedstate
        keep: dict[str, list[SeenEntry]] = {}
        for r in results:
            fid = r.feed.feed_id
            keep[fid] = marks = self._seen_to_keep(r)
            for e in r.entries:
                outputs.append((entries_topic, e.url_key, e, None))
            record = _StateRecord.build(r.state, [dict(vars(m)) for m in marks])
            outputs.append((state_topic, fid, record, self.feeds.get(fid, (None,))[0]))
        try:
            self._transact(outputs, self._table_offsets())
        except Exception as exc:
            self.aborts += 1
            log.warning(
                "poll transaction failed; feeds will be polled again: %s",
                exc,
                extra={"stage": self.stage},
            )
            try:
                assert self.producer is not None
                self.producer.abort_transaction()
            except Exception:
                self._new_producer()
            return
        for r in results:
            self.poller.commit(r)
            self._remember_seen(r.feed.feed_id, keep[r.feed.feed_id])

    def _seen_to_keep(self, result: PollResult) -> list[SeenEntry]:
        """The seen entries the feed keeps after ``result``: those of the entries its latest
        document lists (a newer mark of an entry replaces the older), at most _SEEN_PER_FEED.

        Why not "the last N seen": that grows with every new item until N (measured in the
        soak: ~580 bytes per entry, 500 per feed would be ~3 GB for 10,000 feeds), while the
        dedup only needs the feed's current items. An item that leaves the document and comes
        back later is emitted again; the fetch stage skips a version it already fetched. No
        document (304, error) or an empty one: nothing is forgotten.
        """
        marks = [*self._seen_by_feed.get(result.feed.feed_id, ()), *result.pending_seen]
        listed = result.parsed.entries if result.parsed is not None else []
        if listed:
            ids = {e.entry_id for e in listed}
            urls = {e.url_key for e in listed}
            newest = {
                (m.entry_id, m.url_key): m for m in marks if m.entry_id in ids or m.url_key in urls
            }
            marks = list(newest.values())
        return marks[-_SEEN_PER_FEED:]

    def _remember_seen(self, feed_id: str, keep: list[SeenEntry]) -> None:
        """Keep ``keep`` for the feed; forget its other seen entries (unless another feed's
        newer mark took their place in the store's indexes)."""
        kept = {id(m) for m in keep}
        for old in self._seen_by_feed.pop(feed_id, ()):
            if id(old) in kept:
                continue
            if self.store.by_id.get((old.feed_id, old.entry_id)) is old:
                del self.store.by_id[(old.feed_id, old.entry_id)]
            if self.store.by_url.get(old.url_key) is old:
                del self.store.by_url[old.url_key]
        if keep:
            self._seen_by_feed[feed_id] = keep

    def _track_stale(self, now: float) -> None:
        """Stale-feed gauge of the assigned feeds, every 10 s (the scan walks every feed)."""
        if now - self._stale_checked < 10:
            return
        self._stale_checked = now
        activity = []
        states = self.store.feeds
        for fid, (part, _spec) in self.feeds.items():
            st = states.get(fid)
            if part not in self.partitions or st is None or st.disabled_reason:
                continue
            activity.append(FeedActivity(fid, st.interval, st.last_new_entry or st.last_success))
        self.stale.update(activity, now)

    def _table_offsets(self) -> dict[Any, Any]:
        assert self.consumer is not None
        out = {}
        for tp in self.consumer.assignment():
            try:
                out[tp] = OffsetAndMetadata(self.consumer.position(tp), "", -1)
            except Exception:  # noqa: S112 - position unknown while seeking; skip it
                continue
        return out


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_STATE_FIELDS = frozenset(f.name for f in fields(FeedState))
_SEEN_FIELDS = frozenset(f.name for f in fields(SeenEntry))


def _restore_state(value: bytes) -> tuple[FeedState, list[SeenEntry]]:
    """A feedstate record read back. Fields this version does not know are ignored, so a
    record written by a newer worker during a rolling upgrade still restores (tolerant reader);
    missing ones take their defaults."""
    data = json.loads(value)
    state = FeedState(**{k: v for k, v in data["state"].items() if k in _STATE_FIELDS})
    seen = [
        SeenEntry(**{k: v for k, v in s.items() if k in _SEEN_FIELDS}) for s in data.get("seen", [])
    ]
    return state, seen


class _StateRecord(BaseModel):
    """Value of the feedstate topic: a feed's state and its recent seen entries."""

    topic_kind: ClassVar[str] = "feedstate"

    state: dict[str, Any]
    seen: list[dict[str, Any]]

    @classmethod
    def of(cls, result: PollResult, seen: list[SeenEntry]) -> _StateRecord:
        return cls.build(result.state, [dict(vars(s)) for s in seen])

    @classmethod
    def build(cls, state: FeedState, seen: list[dict[str, Any]]) -> _StateRecord:
        """Without validation (our own dataclasses' fields; the serialised JSON is the same):
        validating every field of every seen entry per poll was measurable."""
        values = dict(vars(state))
        values["recent_times"] = list(state.recent_times)
        return cls.model_construct(state=values, seen=seen)


WORKERS: dict[str, type[StageWorker]] = {
    "poll": PollWorker,
    "fetch": FetchWorker,
    "process": ProcessWorker,
}


def run_worker(
    settings: Settings, stage: str, *, max_records: int | None = None, timeout: float | None = None
) -> StageWorker:
    """Run one stage until SIGINT/SIGTERM (then finish the batch, commit, exit 0)."""
    import signal

    limit_malloc_arenas()  # before any thread starts (ops.py: steadier RSS)
    worker = WORKERS[stage](settings)
    if settings.metrics.enabled:
        worker.ops = OpsServer.from_settings(settings.metrics).start()

    def stop(_sig: int, _frame: Any) -> None:
        worker.stop_event.set()
        if worker.ops is not None:
            worker.ops.begin_shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    trace = MemoryTrace.from_env(stage)  # soak diagnostics; off unless WIREWATCH_TRACEMALLOC
    if trace is not None:
        trace.start()
    try:
        worker.setup()
        worker.run(max_records=max_records, timeout=timeout)
    finally:
        worker.close()
        if worker.ops is not None:
            worker.ops.stop()
        if trace is not None:
            trace.stop()
    return worker

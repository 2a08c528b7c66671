"""The embedded runner: every stage of the topology in one process (``wirewatch run``).

It runs the same stage objects as the Kafka runner. Records pass between stages in memory, in
the stages' batch sizes; every record of a published topic goes to the sink (JSONL files, or
Kafka when configured). The poll stage's state table is SQLite (:class:`SqliteTable`), the
stand-in for the compacted feedstate topic, written after everything a poll produced reached
the sink; only then do the stages' commit hooks run (a feed's seen marks, the fetch stage's
"already fetched" marks). A crash or a failed write therefore re-polls rather than loses
(at-least-once; the Kafka runner is exactly-once). A restoring stage's state (the cluster
stage's events and wire copies) is kept in the same file, one table per topic kind, written
just before the feed state and restored when a run starts.

A URL listed by two feeds in two poll groups is fetched by one of them; the other group commits
only once that one's records are written, and is polled again if they were not (its seen mark
would hide the entry from every feed).

The sink writes of a poll group happen in a worker thread after all its stages ran, never inside
the event loop: a sink that blocks (a Kafka sink waiting for a broker that is down) must not eat
the HTTP deadlines of the pages being fetched meanwhile, or healthy pages would be dead-lettered
for the sink's outage. A stop (``request_stop``) takes no new work; poll groups still in flight
get ``shutdown_grace`` seconds to finish, the rest are handed back: nothing of theirs is
committed, so their feeds are polled again by the next run.

Failures never stop the run: each becomes a dead letter with a reason and a metric.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.feeds import FeedSpec
from ingest.http import HttpClient
from ingest.state import MemoryStateStore
from sinks import Sink
from wirewatch.config import Settings
from wirewatch.contracts import DeadLetter
from wirewatch.errors import ConfigError, WirewatchError
from wirewatch.stage import Emit, Inbound, SourceStage, Stage, TableRow
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY, StageSpec, Topology

__all__ = ["EmbeddedRunner", "RunStats", "SqliteTable"]

log = logging.getLogger("wirewatch.embedded")

#: one record for the sink: topic kind, topic name, CloudEvents source, the record
_Write = tuple[str, str, str, Emit]

#: poll groups between their poll and their commit; beyond it no new poll starts. Why: while
#: the sink refuses writes, every failed group's feeds are polled again at once, and without a
#: bound the groups waiting for the writer grew for as long as the outage lasted
_GROUPS_IN_FLIGHT = 8

#: batches of one stage and one poll group handled at the same time (their records run
#: concurrently inside); with at most _GROUPS_IN_FLIGHT groups this bounds the whole run
_BATCHES_IN_FLIGHT = 4


@dataclass
class RunStats:
    polls: int = 0
    poll_errors: int = 0
    entries: int = 0
    articles: int = 0
    incidents: int = 0
    dead_letters: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    # poll groups whose write failed (nothing of theirs committed; their feeds are polled again)
    write_failures: int = 0
    # poll groups cut off by a stop after the grace period (re-polled by the next run)
    handed_back: int = 0
    # poll groups written but not committed because a copy of an entry they skipped (another
    # group held it) was not written; their feeds are polled again
    shared_unwritten: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


class SqliteTable:
    """A keyed table in SQLite: the embedded stand-in for a compacted topic (latest value per
    key). One writer: a second process on the same file is refused with a clear error."""

    def __init__(self, path: str | Path, name: str = "feedstate") -> None:
        self.path = Path(path)
        self.name = name
        self._lock_file: Any = _lock(self.path)
        try:
            self._db = sqlite3.connect(str(self.path), isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {name} (key TEXT PRIMARY KEY, value BLOB NOT NULL)"
            )
        except sqlite3.OperationalError as exc:  # cannot open or write: permissions, full disk
            self._lock_file.close()
            raise ConfigError(
                f"cannot write state file {self.path} ({exc}): check its permissions and the "
                "free space of its file system, or pass another --state"
            ) from exc
        except sqlite3.DatabaseError as exc:  # truncated or not SQLite at all
            self._lock_file.close()
            raise ConfigError(
                f"state file {self.path} is not a wirewatch state database ({exc}): "
                "move it away or pass another --state"
            ) from exc

    def table(self, name: str) -> SqliteTable:
        """Another keyed table in this file, on this one's connection and lock (closed with
        it): the state of a restoring stage beside the feed state."""
        other = object.__new__(SqliteTable)
        other.path, other.name, other._lock_file, other._db = self.path, name, None, self._db
        self._db.execute(
            f"CREATE TABLE IF NOT EXISTS {name} (key TEXT PRIMARY KEY, value BLOB NOT NULL)"
        )
        return other

    def rows(self) -> list[TableRow]:
        try:
            cur = self._db.execute(f"SELECT key, value FROM {self.name}")  # noqa: S608 - our name
            out = [TableRow(k, bytes(v)) for k, v in cur]
            return out or (self._migrate() if self.name == "feedstate" else [])
        except sqlite3.DatabaseError as exc:  # a file cut short or damaged after its header
            raise ConfigError(
                f"state file {self.path} is damaged ({exc}): move it away (its feeds are then "
                "polled as new) or pass another --state"
            ) from exc

    def put(self, rows: Sequence[tuple[str, bytes]]) -> None:
        if not rows:
            return
        self._db.execute("BEGIN")
        try:
            self._db.executemany(
                f"INSERT OR REPLACE INTO {self.name} VALUES (?, ?)",  # noqa: S608 - our name
                rows,
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def keep_only(self, keys: set[str]) -> None:
        """Delete every row whose key is not in ``keys``."""
        self._db.execute("BEGIN")
        try:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM kept")
            self._db.executemany("INSERT INTO kept VALUES (?)", [(k,) for k in keys])
            self._db.execute(
                f"DELETE FROM {self.name} WHERE key NOT IN (SELECT key FROM kept)"  # noqa: S608 - our name
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> list[TableRow]:
        """State written by versions before the state table (feed_state + seen_id tables)."""
        old = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "feed_state" not in old:
            return []
        rows = []
        for fid, data in self._db.execute("SELECT feed_id, data FROM feed_state"):
            seen = []
            if "seen_id" in old:
                seen = [
                    dict(
                        zip(
                            (
                                "url_key",
                                "feed_id",
                                "entry_id",
                                "version",
                                "content_hash",
                                "first_seen",
                            ),
                            r,
                            strict=True,
                        )
                    )
                    for r in self._db.execute(
                        "SELECT url_key, feed_id, entry_id, version, content_hash, first_seen"
                        " FROM seen_id WHERE feed_id=?",
                        (fid,),
                    )
                ]
            rows.append(
                TableRow(fid, json.dumps({"state": json.loads(data), "seen": seen}).encode())
            )
        return rows

    def close(self) -> None:
        if self._lock_file is None:  # a table of another one's file: closed with it
            return
        self._db.close()
        self._lock_file.close()


def _lock(path: Path) -> Any:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path.with_name(path.name + ".lock"), "a")  # held until close()
    except OSError as exc:
        raise ConfigError(
            f"cannot create state file {path} ({exc.strerror}): check the permissions of "
            f"{path.parent}, or pass another --state"
        ) from None
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise ConfigError(
            f"state file {path} is in use by another `wirewatch run`: stop it, or give this "
            "run its own --out/--state (two runs on one state would write every record twice)"
        ) from None
    return f


class EmbeddedRunner:
    """All stages of ``topology`` in one process. ``run(once=True)`` does one pass over the
    feeds; otherwise it polls until ``request_stop()`` or ``timeout``."""

    def __init__(
        self,
        settings: Settings,
        feeds: Sequence[FeedSpec],
        sink: Sink,
        *,
        state: SqliteTable | None = None,
        store: MemoryStateStore | None = None,
        client: HttpClient | None = None,
        topology: Topology = TOPOLOGY,
        shutdown_grace: float | None = None,
    ) -> None:
        self.settings = settings
        self.feeds = list(feeds)
        self.sink = sink
        self.state = state
        self.store = store if store is not None else MemoryStateStore()
        self._client = client
        self.topology = topology
        self.topics = Topics(settings.kafka.topic_prefix, topology)
        self.stats = RunStats()
        self.stop_event: asyncio.Event | None = None
        self.source: SourceStage | None = None
        self.stages: dict[str, Stage] = {}
        #: topic kind -> its table in the state file, for the restoring stages' state
        self._stage_tables: dict[str, SqliteTable] = {}
        self.shutdown_grace = (
            settings.run.shutdown_grace if shutdown_grace is None else shutdown_grace
        )
        #: set by a stop after the grace period: sink writes still running stop there
        self._hand_back = threading.Event()
        # one thread: writes of poll groups in the order they finished, never two at once
        # (a sink is not required to take records from two threads at the same time)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="sink-write")
        #: whether the last run() ended by request_stop()/timeout rather than running out
        self.stopped = False
        #: called once when a stop begins, with the poll groups in flight and the grace period
        self.on_stopping: Callable[[int, float], None] | None = None
        #: the first failed write of the run (the one-line error of ``wirewatch run --once``)
        self.first_write_error: Exception | None = None

    def request_stop(self) -> None:
        if self.stop_event is not None:
            self.stop_event.set()

    # ------------------------------------------------------------------ build
    def _build(self, client: HttpClient) -> None:
        for spec in self.topology.stages:
            if not spec.embedded:
                continue
            cls = spec.load()
            if spec.source:
                if self.source is not None:
                    raise ValueError("the embedded runner runs one source stage")
                self.source = cls(self.settings, client=client, store=self.store)
            else:
                kwargs = {"client": client} if _takes_client(cls) else {}
                self.stages[spec.name] = cls(self.settings, **kwargs)
        if self.source is None:
            raise ValueError("the topology has no source stage")

    def _restore_stages(self, state: SqliteTable) -> None:
        """A restoring stage (cluster) gets its state back from the state file: the latest
        record per key of its ``state_kind`` and ``shared_state_kinds`` topics, kept there as
        the run writes them (the embedded stand-in for those compacted topics)."""
        self._stage_tables = {}
        for stage in self.stages.values():
            kind = getattr(stage, "state_kind", None)
            if kind is None:
                continue
            shared = getattr(stage, "shared_state_kinds", ())
            for k in (kind, *shared):
                if k not in self._stage_tables:
                    self._stage_tables[k] = state.table(k.replace("-", "_"))
            stage.restore({0}, self._stage_tables[kind].rows())  # type: ignore[attr-defined]
            for k in shared:
                stage.restore_shared(k, self._stage_tables[k].rows())  # type: ignore[attr-defined]
            # what the stage no longer holds (out of its window) leaves the file, so the file
            # and the next start's reading stay bounded by the window, not by the history
            held = getattr(stage, "held_keys", None)
            if held is not None:
                for k in (kind, *shared):
                    self._stage_tables[k].keep_only(held(k))

    # ------------------------------------------------------------------ run
    async def run(self, *, once: bool = False, timeout: float | None = None) -> RunStats:
        self.stop_event = asyncio.Event()
        self.stopped = False
        self._hand_back.clear()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="sink-write")
        client = self._client or HttpClient(self.settings.http)
        self._build(client)
        assert self.source is not None
        source = self.source
        carries: set[asyncio.Task[None]] = set()
        try:
            starting: list[Any] = [source, *self.stages.values()]
            for stage in starting:
                try:
                    await stage.setup()
                except OSError as exc:  # e.g. a full disk where a stage unpacks a model
                    raise WirewatchError(
                        f"the {stage.name} stage could not start ({exc}): check the free space "
                        "and permissions of the temporary directory and --out, then run again",
                        reason="stage.setup_failed",
                    ) from exc
            if self.state is not None:
                source.restore({0}, self.state.rows())
                self._restore_stages(self.state)
            source.set_feeds(self.feeds)  # type: ignore[attr-defined]
            if timeout:
                asyncio.get_running_loop().call_later(timeout, self.stop_event.set)
            while not self.stop_event.is_set():
                if len(carries) >= _GROUPS_IN_FLIGHT:  # the sink is behind: poll no more
                    stopping = asyncio.ensure_future(self.stop_event.wait())
                    try:
                        await asyncio.wait(
                            [*carries, stopping], return_when=asyncio.FIRST_COMPLETED
                        )
                    finally:
                        stopping.cancel()
                    continue
                results = await source.run_due(once=once)
                if results:
                    task = asyncio.create_task(self._carry(results))
                    carries.add(task)
                    task.add_done_callback(carries.discard)
                if once and source.done_once():  # type: ignore[attr-defined]
                    break
                if not results and not source.busy():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stop_event.wait(), 0.25)
            self.stopped = self.stop_event.is_set()
            await self._finish(carries, grace=self.shutdown_grace if self.stopped else None)
        finally:
            self._hand_back.set()  # an error above: writes still running stop at their next record
            self._writer.shutdown(wait=False, cancel_futures=True)
            with contextlib.suppress(Exception):
                self.sink.flush()
            for stage in self.stages.values():
                await stage.close()
            await source.close()
            if self._client is None:
                await client.aclose()
        return self.stats

    async def _finish(self, carries: set[asyncio.Task[None]], *, grace: float | None) -> None:
        """Let the poll groups in flight finish; after a stop, for at most ``grace`` seconds,
        then hand the rest back (cancelled: nothing of theirs is committed)."""
        if grace is not None and self.on_stopping is not None:
            self.on_stopping(len(carries), grace)
        if not carries:
            return
        pending = set(carries)
        if grace is None:
            await asyncio.gather(*pending, return_exceptions=True)
            return
        if grace > 0:
            _done, pending = await asyncio.wait(pending, timeout=grace)
        if pending:
            self._hand_back.set()
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _carry(self, results: Sequence[Any]) -> None:
        """One poll group through every stage to the sink, then the commit hooks.

        A feed is in one group at a time: the poll stage does not poll a feed again until its
        group is committed or aborted, so no two groups hold the same feed's entries."""
        assert self.source is not None
        for r in results:
            self.stats.polls += 1
            if getattr(r, "status", None) == "error":
                self.stats.poll_errors += 1
        emits = self.source.emits(results)
        done: list[tuple[Stage, list[Inbound]]] = []
        state_rows: list[tuple[str, bytes]] = []
        writes: list[_Write] = []
        try:
            await self._route(self.source.name, emits, done, state_rows, writes)
            # in the writer thread: a sink that blocks must not stall the fetches of other groups
            await asyncio.get_running_loop().run_in_executor(self._writer, self._write, writes)
            if not await self._shared_written(done):
                self.stats.shared_unwritten += 1
                log.warning(
                    "an article this poll group shares with another group was not written; "
                    "these feeds will be polled again",
                    extra={"reason": "write.shared_unwritten"},
                )
                self._abort(done, results)
                return
            if self.state is not None:
                # before the feed state: a group whose feed state is not written is polled
                # again, and a restoring stage then finds what it already holds
                for kind, table in self._stage_tables.items():
                    table.put(
                        [
                            (e.key, e.record.model_dump_json().encode())
                            for k, _, _, e in writes
                            if k == kind
                        ]
                    )
                self.state.put(state_rows)
        except asyncio.CancelledError:  # a stop after the grace period: handed back
            self.stats.handed_back += 1
            self._abort(done, results)
            raise
        except Exception as exc:
            self.stats.write_failures += 1
            if self.first_write_error is None:
                self.first_write_error = exc
            log.error(
                "write failed; these feeds will be polled again: %s: %s",
                type(exc).__name__,
                exc,
                extra={"reason": _write_reason(exc)},
            )
            self._abort(done, results)
            return
        for stage, batch in done:
            stage.on_commit(batch)
        self.source.on_commit(results)

    async def _shared_written(self, done: list[tuple[Stage, list[Inbound]]]) -> bool:
        """Tell the stages this group is written, then wait for the groups holding copies of
        entries this group skipped (a URL listed by two feeds is fetched once): whether they
        were written too. Before the state write: a feed whose seen marks were committed would
        never list a skipped entry as new again. After this group's own write, so two groups
        that each skipped a copy the other holds do not wait for each other."""
        for stage, batch in done:
            written = getattr(stage, "on_written", None)
            if written is not None:
                written(batch)
        waits = [
            w for stage, batch in done for w in getattr(stage, "waits_for", lambda _b: [])(batch)
        ]
        return all(await asyncio.gather(*waits))

    def _abort(self, done: list[tuple[Stage, list[Inbound]]], results: Sequence[Any]) -> None:
        assert self.source is not None
        for stage, batch in done:
            stage.on_abort(batch)
        self.source.on_abort(results)

    def _write(self, writes: Sequence[_Write]) -> None:
        """A poll group's records to the sink, in order, then a flush (in a worker thread)."""
        for kind, topic, source, e in writes:
            if self._hand_back.is_set():
                raise _HandedBack("stopping: the rest of this poll group is handed back")
            # the record time a stage gave (the cluster stage's data time): a Kafka sink
            # stamps the record with it, as the Kafka runner does
            self.sink.add(e.record, source=source, topic=topic, key=e.key, timestamp=e.timestamp)
            self._count(kind, e)
        self.sink.flush()

    async def _route(
        self,
        stage_name: str,
        emits: Sequence[Emit],
        done: list[tuple[Stage, list[Inbound]]],
        state_rows: list[tuple[str, bytes]],
        writes: list[_Write],
    ) -> None:
        by_kind: dict[str, list[Emit]] = {}
        for e in emits:
            by_kind.setdefault(e.kind, []).append(e)
        source = f"wirewatch/{stage_name}"
        for kind, group in by_kind.items():
            spec = self.topology.topic(kind)
            if self.source is not None and kind == self.source.state_kind:
                state_rows.extend(
                    (e.key, e.record.model_dump_json().encode("utf-8")) for e in group
                )
                continue
            if spec.published:
                topic = self.topics.name(kind)
                writes.extend((kind, topic, source, e) for e in group)
            for consumer in self.topology.consumers_of(kind):
                stage = self.stages.get(consumer.name)
                if stage is not None:
                    await self._feed(consumer, stage, group, done, state_rows, writes)

    async def _feed(
        self,
        spec: StageSpec,
        stage: Stage,
        group: list[Emit],
        done: list[tuple[Stage, list[Inbound]]],
        state_rows: list[tuple[str, bytes]],
        writes: list[_Write],
    ) -> None:
        size = max(1, spec.batch_size)
        batches = [
            [Inbound(e.record, e.key) for e in group[i : i + size]]
            for i in range(0, len(group), size)
        ]

        # per poll group, not per stage: a group is written and committed as a whole, so one
        # group's batches must not queue behind another's (with at most _GROUPS_IN_FLIGHT
        # groups the run stays bounded)
        limit = asyncio.Semaphore(_BATCHES_IN_FLIGHT)

        async def one(batch: list[Inbound]) -> list[Emit]:
            async with limit:
                try:
                    out = await stage.handle(batch)
                except BaseException:  # an error, or a stop cancelling the group
                    stage.on_abort(batch)
                    raise
            done.append((stage, batch))
            return out

        outs = await asyncio.gather(*(one(b) for b in batches))
        for out in outs:
            await self._route(spec.name, out, done, state_rows, writes)

    def _count(self, kind: str, e: Emit) -> None:
        if kind == "entries":
            self.stats.entries += 1
        elif kind == "articles":
            self.stats.articles += 1
        elif kind == "incidents":
            self.stats.incidents += 1
        elif isinstance(e.record, DeadLetter):
            self.stats.dead_letters += 1
            reason = e.record.reason
            self.stats.reasons[reason] = self.stats.reasons.get(reason, 0) + 1


class _HandedBack(Exception):
    """A write cut off by a stop: its poll group is not committed."""


def _write_reason(exc: BaseException) -> str:
    if isinstance(exc, WirewatchError):
        return exc.reason
    if isinstance(exc, OSError):
        return "sink.os_error"
    if isinstance(exc, sqlite3.Error):
        return "state.write_failed"
    return "sink.failed"


def _takes_client(cls: Any) -> bool:
    import inspect

    try:
        return "client" in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False

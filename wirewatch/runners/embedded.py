"""The embedded runner: every stage of the topology in one process (``wirewatch run``).

It runs the same stage objects as the Kafka runner. Records pass between stages in memory, in
the stages' batch sizes; every record of a published topic goes to the sink (JSONL files, or
Kafka when configured). The poll stage's state table is SQLite (:class:`SqliteTable`), the
stand-in for the compacted feedstate topic, written after everything a poll produced reached
the sink; only then do the stages' commit hooks run (a feed's seen marks, the fetch stage's
"already fetched" marks). A crash or a failed write therefore re-polls rather than loses
(at-least-once; the Kafka runner is exactly-once). A restoring stage's state (the cluster
stage's events and wire copies) is kept in the same file, one table per topic kind, written
in the same transaction as the feed state and restored when a run starts. With the JSONL sink
that transaction also records how far each output file is committed (the files are synced to
disk first), and a run that finds lines past that (written by a run killed before it committed
them, or by another writer of the same files) skips the records they hold when the feeds polled
again produce them: a crash does not write a record twice, and the files stay append-only
(:class:`_CommittedOutputs`). A failed write (its group is polled again in the same run), or
more than ``_TAIL_CAP`` records past a file's offset, still can.

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
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.feeds import FeedSpec
from ingest.http import HttpClient
from ingest.state import MemoryStateStore
from sinks import JsonlSink, Sink
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

#: a JSONL output file's end: (byte offset, inode; None: the file did not exist)
_End = tuple[int, int | None]

#: the state file's table of how far each JSONL output file is committed (_CommittedOutputs)
OUTPUTS_TABLE = "jsonl_committed"

#: the fields naming a record of a published topic kind: the key it is keyed by (an event's
#: key and version: each update is a new record; a dead letter's input key, stage and reason:
#: its id is new on every failure). A record of a feed polled again after a crash is skipped
#: when a line past the committed offset carries the same values (_CommittedOutputs)
_IDENTITY: dict[str, tuple[str, ...]] = {
    "entries": ("url_key",),
    "articles": ("article_id",),
    "incidents": ("incident_id",),
    "events": ("event_id", "version"),
    "copies": ("article_id",),
    "deadletter": ("key", "stage", "reason"),
}

#: records past a file's committed offset whose identities a start keeps: the bound of that
#: set's memory (a file other writers appended much to since the last commit). The lines read
#: first are those right after the offset: a stopped run's own lines come before a later
#: writer's
_TAIL_CAP = 50_000

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
    # records of feeds polled again after a run stopped before committing them, not written
    # again: their line was already in the output past its committed offset
    already_in_output: int = 0

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
        self.put_together([(self, rows)])

    def put_together(
        self, writes: Sequence[tuple[SqliteTable, Sequence[tuple[str, bytes]]]]
    ) -> None:
        """Rows into tables of this file (this one, or from :meth:`table`) in one transaction:
        all of them are written, or none."""
        writes = [(t, rows) for t, rows in writes if rows]
        if not writes:
            return
        self._db.execute("BEGIN")
        try:
            for table, rows in writes:
                if table._db is not self._db:
                    raise ValueError(f"table {table.name} is not in state file {self.path}")
                self._db.executemany(
                    f"INSERT OR REPLACE INTO {table.name} VALUES (?, ?)",  # noqa: S608 - our name
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


class _CommittedOutputs:
    """How far each JSONL output file is committed: its size after the last line of the last
    committed poll group, kept in the state file in the same transaction as the feed state and
    the restoring stages' state (key: the file's path; value: offset and inode).

    Why: a group's lines are appended before its state is written, so a crash between the two
    left them in the file while the next run polled the same feeds again and wrote them a
    second time. The files are append-only (other writers share them: ``wirewatch backfill``,
    another run; readers tail them): nothing is cut or moved. On start, :meth:`recover` reads
    the lines past the committed offset and keeps the identity of each record there
    (:data:`_IDENTITY`, at most :data:`_TAIL_CAP` per file); while the feeds are polled again,
    :meth:`already_written` skips a record whose identity is among them (each one once). Past
    the cap a record of the re-polled feeds may be written a second time (a warning says so).

    The identities are kept until every feed was polled again and its group committed or
    handed back (:meth:`recovered`); until then the stored offset of a file with such lines
    stays where it was, so a crash during that first pass reads them again. A file that was
    replaced since (another inode) or that this state never committed is not read: its size is
    its new baseline. A file shorter than its committed offset on the same inode (cut short
    outside wirewatch, or lines lost to an OS crash) is logged with the missing byte count."""

    def __init__(self, sink: JsonlSink, table: SqliteTable, topics: dict[str, str]) -> None:
        self.sink = sink
        self.table = table
        #: topic name -> its file; topic name -> its topic kind
        self.paths = {t: str(sink.path_for(t).absolute()) for t in topics}
        self.kinds = {self.paths[t]: kind for t, kind in topics.items()}
        #: path -> committed end, as in the state file
        self.committed: dict[str, _End] = {}
        #: path -> the highest end a group committed (stored once recovery is over)
        self.high: dict[str, _End] = {}
        #: path -> identities of the records past its committed offset at start
        self.seen: dict[str, set[tuple[Any, ...]]] = {}
        #: records of the re-polled groups not written again (their line was already there)
        self.skipped = 0
        self.recovering = False
        #: poll group -> path -> the file's end before the group wrote (written, not settled):
        #: no commit of another group stores an offset past it (see :meth:`rows`)
        self.pending: dict[object, dict[str, _End]] = {}
        self._pending_lock = threading.Lock()  # written by the writer thread, read by the loop

    def recover(self) -> None:
        """Read the state's committed offsets and the records past them (see the class)."""
        try:
            self._recover()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot read the JSONL outputs or their committed offsets at start ({exc}): "
                "check the files and permissions of --out and --state, then run again"
            ) from None

    def _recover(self) -> None:
        stored: dict[str, _End] = {}
        for row in self.table.rows():
            if row.value is None:
                continue
            with contextlib.suppress(ValueError, KeyError, TypeError):  # not ours: a baseline
                value = json.loads(row.value)
                stored[row.key] = (int(value["offset"]), value["inode"])
        for path in self.paths.values():
            end = _end_of(path)
            known = stored.get(path)
            if end[1] is not None and known is not None and known[1] in (None, end[1]):
                if known[0] < end[0]:
                    self.seen[path] = self._identities(path, known[0], end[0])
                    end = (known[0], end[1])
                elif known[0] > end[0]:  # cut short outside wirewatch: what is left stands
                    log.warning(
                        "%s is %d bytes shorter than this state committed (cut short outside "
                        "wirewatch, or lost to a system crash); what is left stands",
                        path,
                        known[0] - end[0],
                        extra={"reason": "run.output_shorter_than_committed"},
                    )
            self.committed[path] = end
            self.high[path] = end
        self.recovering = any(self.seen.values())
        self.table.put([(p, _end_value(e)) for p, e in self.committed.items()])

    def _identities(self, path: str, start: int, stop: int) -> set[tuple[Any, ...]]:
        kind = self.kinds[path]
        found: set[tuple[Any, ...]] = set()
        with open(path, "rb") as fh:
            fh.seek(start)
            for line in fh:
                if fh.tell() > stop or not line.endswith(b"\n"):
                    break  # written after this start, or a torn tail (the sink moves it)
                if len(found) >= _TAIL_CAP:
                    log.warning(
                        "%s: more than %d records past its committed offset; records of the "
                        "feeds polled again past those may be written a second time",
                        path,
                        _TAIL_CAP,
                        extra={"reason": "run.uncommitted_over_cap"},
                    )
                    break
                with contextlib.suppress(ValueError, AttributeError):
                    identity = _identity(kind, json.loads(line))
                    if identity is not None:
                        found.add(identity)
        return found

    def already_written(self, topic: str, kind: str, record: Any) -> bool:
        """Whether ``record`` is past the committed offset already (in the writer thread);
        a match counts once."""
        seen = self.seen.get(self.paths.get(topic, ""))
        if not seen:
            return False
        identity = _identity(kind, record)
        if identity is None or identity not in seen:
            return False
        seen.discard(identity)
        self.skipped += 1
        return True

    def recovered(self) -> list[tuple[str, bytes]]:
        """The first pass over the feeds is committed: drop the identities, log what was
        skipped; the rows that move the stored offsets to the highest committed ends."""
        self.recovering = False
        self.seen.clear()
        if self.skipped:
            log.warning(
                "%d records of feeds polled again after a run stopped before committing them "
                "were already in the output and not written again",
                self.skipped,
                extra={"reason": "run.uncommitted_skipped"},
            )
        return [(p, _end_value(e)) for p, e in self.high.items()]

    def writing(self, group: object, topics: Iterable[str]) -> None:
        """``group`` is about to write to the files of ``topics`` (in the writer thread)."""
        starts = self.ends(topics)
        with self._pending_lock:
            self.pending[group] = starts

    def settled(self, group: object) -> None:
        """``group`` is committed, or aborted (its lines past the stored offsets stay)."""
        with self._pending_lock:
            self.pending.pop(group, None)

    def ends(self, topics: Iterable[str]) -> dict[str, _End]:
        """The ends of the files of ``topics`` now (in the writer thread, after a write)."""
        return {self.paths[t]: _end_of(self.paths[t]) for t in set(topics) if t in self.paths}

    def rows(self, group: object, ends: dict[str, _End]) -> list[tuple[str, bytes]]:
        """The state rows that commit ``group``, written up to ``ends``. A group written before
        another but committed after it keeps the later end (never moving back, unless the file
        is now shorter: cut in place by a rotation). The offset stored stays at the start of
        any other group written and not settled yet (committed out of order: its lines are
        read again if a crash stops it), and while recovering, at the offset of a file that had
        records past it at start (``high`` holds the end reached)."""
        with self._pending_lock:
            others = [starts for g, starts in self.pending.items() if g is not group]
        rows = []
        for path, end in ends.items():
            known = self.high.get(path)
            if known is not None and known[1] in (None, end[1]) and _end_of(path)[0] >= known[0]:
                end = (max(known[0], end[0]), end[1])
            stored = self.committed[path] if self.recovering and path in self.seen else end
            for starts in others:
                start = starts.get(path)
                if start is not None and start[1] in (None, end[1]) and start[0] < stored[0]:
                    stored = (start[0], end[1])
            value = {"offset": stored[0], "inode": stored[1], "high": end[0]}
            rows.append((path, json.dumps(value).encode()))
        return rows

    def committed_rows(self, rows: Sequence[tuple[str, bytes]]) -> None:
        for path, value in rows:
            data = json.loads(value)
            self.committed[path] = (data["offset"], data["inode"])
            self.high[path] = (data.get("high", data["offset"]), data["inode"])


def _identity(kind: str, record: Any) -> tuple[Any, ...] | None:
    """What names ``record`` (a model, or a JSONL line read back) in its topic kind's file;
    None: nothing does (it is never skipped)."""
    fields = _IDENTITY.get(kind)
    if fields is None:
        return None
    if isinstance(record, dict):
        values = tuple(record.get(f) for f in fields)
    else:
        values = tuple(getattr(record, f, None) for f in fields)
    if any(v is None or isinstance(v, dict | list) for v in values):
        return None
    return values


def _end_of(path: str) -> _End:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (0, None)
    return (st.st_size, st.st_ino)


def _end_value(end: _End) -> bytes:
    return json.dumps({"offset": end[0], "inode": end[1]}).encode()


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
        #: how far each JSONL output is committed (a JSONL sink and a state file only)
        self._outputs: _CommittedOutputs | None = None
        #: feeds due at start whose group is not committed again yet (while recovering)
        self._first_pass: set[str] = set()
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
                if isinstance(self.sink, JsonlSink):
                    published = {
                        self.topics.name(t.kind): t.kind
                        for t in self.topology.topics
                        if t.published
                    }
                    self._outputs = _CommittedOutputs(
                        self.sink, self.state.table(OUTPUTS_TABLE), published
                    )
                    self._outputs.recover()
                    # the lines on disk before the state that says they are committed: else a
                    # system crash leaves the file short of its committed offset (lines lost,
                    # never polled again)
                    self.sink.fsync = True
                    self._first_pass = self._due_at_start()
                    self._end_recovery()
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
        group = object()  # this poll group, for the outputs' offsets while it is in flight
        try:
            await self._route(self.source.name, emits, done, state_rows, writes)
            # in the writer thread: a sink that blocks must not stall the fetches of other groups
            ends = await asyncio.get_running_loop().run_in_executor(
                self._writer, self._write, writes, group
            )
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
                # one transaction: the restoring stages' state, how far the outputs are
                # written and the feed state are all this group's, or none is (a group whose
                # feed state is not written is polled again: its stages' state and output lines
                # must not be ahead of it, or its events would be held and not written again)
                together = [
                    (
                        table,
                        [
                            (e.key, e.record.model_dump_json().encode())
                            for k, _, _, e in writes
                            if k == kind
                        ],
                    )
                    for kind, table in self._stage_tables.items()
                ]
                outputs = [] if self._outputs is None else self._outputs.rows(group, ends)
                if self._outputs is not None:
                    together.append((self._outputs.table, outputs))
                self.state.put_together([*together, (self.state, state_rows)])
                if self._outputs is not None:
                    self._outputs.committed_rows(outputs)
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
        finally:
            if self._outputs is not None:
                self._outputs.settled(group)
        for stage, batch in done:
            stage.on_commit(batch)
        self.source.on_commit(results)
        if self._first_pass:
            self._first_pass.difference_update(r.feed.feed_id for r in results)
            self._end_recovery()

    def _due_at_start(self) -> set[str]:
        """The feeds a start polls at once (new, or due by their restored state): those of the
        groups a stopped run wrote without committing are among them."""
        now = time.time()
        states = self.store.feeds
        return {
            f.feed_id
            for f in self.feeds
            if (st := states.get(f.feed_id)) is None
            or (not st.disabled_reason and st.next_due <= now)
        }

    def _end_recovery(self) -> None:
        """Every feed due at start is committed again: the records read past the committed
        offsets at start are of no use any more, and the stored offsets may move on."""
        outputs = self._outputs
        if outputs is None or not outputs.recovering or self._first_pass:
            return
        assert self.state is not None
        rows = outputs.recovered()
        self.state.put_together([(outputs.table, rows)])
        outputs.committed_rows(rows)

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

    def _write(self, writes: Sequence[_Write], group: object) -> dict[str, _End]:
        """A poll group's records to the sink, in order, then a flush (in a worker thread);
        the ends of the JSONL files it wrote (none for another sink)."""
        if self._outputs is not None:
            self._outputs.writing(group, {topic for _, topic, _, _ in writes})
        for kind, topic, source, e in writes:
            if self._hand_back.is_set():
                raise _HandedBack("stopping: the rest of this poll group is handed back")
            self._count(kind, e)
            if self._outputs is not None and self._outputs.already_written(topic, kind, e.record):
                self.stats.already_in_output += 1
                continue  # in the output already: written by a run stopped before its commit
            # the record time a stage gave (the cluster stage's data time): a Kafka sink
            # stamps the record with it, as the Kafka runner does
            self.sink.add(e.record, source=source, topic=topic, key=e.key, timestamp=e.timestamp)
        self.sink.flush()
        if self._outputs is None:
            return {}
        return self._outputs.ends(topic for _, topic, _, _ in writes)

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

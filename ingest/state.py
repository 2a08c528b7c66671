"""Poll state behind one small interface: per-feed state and the entries already seen.

:class:`StateStore` is a Protocol so a Kafka-backed store (compacted topic + local cache) can
replace :class:`SqliteStateStore`, the embedded default. Times are UNIX seconds (floats).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = [
    "FeedState",
    "MemoryStateStore",
    "SeenEntry",
    "SqliteStateStore",
    "StateStore",
    "listed_digest",
]


@dataclass
class FeedState:
    feed_id: str
    url: str  # current URL (301/308 update it)
    spec_url: str = ""  # URL of the feed list; when it changes, url is reset to it
    etag: str | None = None
    last_modified: str | None = None
    interval: float | None = None
    next_due: float = 0.0
    error_count: int = 0
    last_error: str | None = None  # reason class, e.g. "http.status.500"
    last_error_message: str | None = None
    last_error_at: float | None = None
    last_status: int | None = None
    last_success: float | None = None
    last_new_entry: float | None = None
    disabled_reason: str | None = None
    recent_times: list[float] = field(default_factory=list)  # entry times for the interval
    polls: int = 0
    #: digest of the last document parsed without error (body, base URL, parse-relevant
    #: headers): the same document again holds no new entry, so it is not parsed again
    document_hash: str | None = None
    #: digests (:func:`listed_digest`) of the entry ids and URL keys of the items the latest
    #: document lists that keep no seen mark (a feed listing more than the marks kept): such
    #: an item is seen, not new (see ``PollStage._seen_to_keep``)
    listed_digests: list[str] = field(default_factory=list)
    #: items of the latest document beyond even the digests: an unmarked item dated at or
    #: before this time (UNIX seconds) is not new
    listed_before: float | None = None


def listed_digest(kind: str, value: str) -> str:
    """Short digest of an entry id (``kind`` "i") or URL key ("u") for ``listed_digests``:
    64 bits, so a new item is taken for a listed one only on a hash collision."""
    return hashlib.blake2b(
        f"{kind}\0{value}".encode("utf-8", "surrogatepass"), digest_size=8
    ).hexdigest()


@dataclass(frozen=True)
class SeenEntry:
    url_key: str
    feed_id: str
    entry_id: str
    version: float | None  # updated, else published time
    content_hash: str
    first_seen: float


def _copy(state: FeedState) -> FeedState:
    """A copy sharing nothing mutable (``recent_times`` is the only mutable field); ``asdict``'s
    deep walk was a measurable part of what a 304 poll cost."""
    return replace(
        state, recent_times=list(state.recent_times), listed_digests=list(state.listed_digests)
    )


@runtime_checkable
class StateStore(Protocol):
    def load_feed(self, feed_id: str) -> FeedState | None: ...

    def save_feed(self, state: FeedState) -> None: ...

    def all_feeds(self) -> list[FeedState]: ...

    def find_seen(self, feed_id: str, entry_id: str, url_key: str) -> SeenEntry | None:
        """The seen entry with this (feed, entry id), else the one with this canonical URL."""
        ...

    def commit(self, state: FeedState, seen: Sequence[SeenEntry]) -> None:
        """Save ``state`` and mark ``seen`` atomically (after the entries were handed on)."""
        ...

    def prune_seen(self, before: float) -> int: ...

    def close(self) -> None: ...


class MemoryStateStore:
    """In-process store (tests, one-shot diagnostics)."""

    def __init__(self) -> None:
        self.feeds: dict[str, FeedState] = {}
        self.by_url: dict[str, SeenEntry] = {}
        self.by_id: dict[tuple[str, str], SeenEntry] = {}

    def load_feed(self, feed_id: str) -> FeedState | None:
        s = self.feeds.get(feed_id)
        return None if s is None else _copy(s)

    def save_feed(self, state: FeedState) -> None:
        self.feeds[state.feed_id] = _copy(state)

    def all_feeds(self) -> list[FeedState]:
        return [_copy(s) for s in self.feeds.values()]

    def find_seen(self, feed_id: str, entry_id: str, url_key: str) -> SeenEntry | None:
        return self.by_id.get((feed_id, entry_id)) or self.by_url.get(url_key)

    def commit(self, state: FeedState, seen: Sequence[SeenEntry]) -> None:
        self.save_feed(state)
        for s in seen:
            self.by_url[s.url_key] = s
            self.by_id[(s.feed_id, s.entry_id)] = s

    def prune_seen(self, before: float) -> int:
        old = [k for k, s in self.by_url.items() if s.first_seen < before]
        for k in old:
            del self.by_url[k]
        ids = [k for k, s in self.by_id.items() if s.first_seen < before]
        for i in ids:
            del self.by_id[i]
        return len(old)

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_state (feed_id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen_url (
    url_key TEXT PRIMARY KEY, feed_id TEXT NOT NULL, entry_id TEXT NOT NULL,
    version REAL, content_hash TEXT NOT NULL, first_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS seen_id (
    feed_id TEXT NOT NULL, entry_id TEXT NOT NULL, url_key TEXT NOT NULL,
    version REAL, content_hash TEXT NOT NULL, first_seen REAL NOT NULL,
    PRIMARY KEY (feed_id, entry_id));
CREATE INDEX IF NOT EXISTS seen_url_first ON seen_url(first_seen);
CREATE INDEX IF NOT EXISTS seen_id_first ON seen_id(first_seen);
"""


class SqliteStateStore:
    """SQLite (WAL) store for the embedded mode; one connection, guarded by a lock."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def load_feed(self, feed_id: str) -> FeedState | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM feed_state WHERE feed_id=?", (feed_id,)
            ).fetchone()
        return None if row is None else FeedState(**json.loads(row[0]))

    def save_feed(self, state: FeedState) -> None:
        self.commit(state, ())

    def all_feeds(self) -> list[FeedState]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM feed_state ORDER BY feed_id").fetchall()
        return [FeedState(**json.loads(r[0])) for r in rows]

    def find_seen(self, feed_id: str, entry_id: str, url_key: str) -> SeenEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT url_key, feed_id, entry_id, version, content_hash, first_seen"
                " FROM seen_id WHERE feed_id=? AND entry_id=?",
                (feed_id, entry_id),
            ).fetchone()
            if row is None:
                row = self._db.execute(
                    "SELECT url_key, feed_id, entry_id, version, content_hash, first_seen"
                    " FROM seen_url WHERE url_key=?",
                    (url_key,),
                ).fetchone()
        return None if row is None else SeenEntry(*row)

    def commit(self, state: FeedState, seen: Sequence[SeenEntry]) -> None:
        rows = [
            (s.url_key, s.feed_id, s.entry_id, s.version, s.content_hash, s.first_seen)
            for s in seen
        ]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO feed_state VALUES (?, ?)",
                    (state.feed_id, json.dumps(asdict(state))),
                )
                if rows:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO seen_url VALUES (?,?,?,?,?,?)", rows
                    )
                    self._db.executemany(
                        "INSERT OR REPLACE INTO seen_id"
                        " (url_key, feed_id, entry_id, version, content_hash, first_seen)"
                        " VALUES (?,?,?,?,?,?)",
                        rows,
                    )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def prune_seen(self, before: float) -> int:
        with self._lock:
            n = self._db.execute("DELETE FROM seen_url WHERE first_seen < ?", (before,)).rowcount
            self._db.execute("DELETE FROM seen_id WHERE first_seen < ?", (before,))
        return int(n)

    def close(self) -> None:
        with self._lock:
            self._db.close()

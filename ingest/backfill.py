"""Backfill: the items of a time window from a source's sitemaps and feed archives, fetched
politely and pushed through the same stages as polled entries (``wirewatch backfill``).

Two phases, both resumable because their progress is a SQLite file (:class:`BackfillProgress`),
never Python memory:

1. **Listing.** Each source document is fetched with the pipeline's :class:`HttpClient` (the
   same politeness, caps, robots rules and SSRF guard as polling). A sitemap, sitemap index or
   robots.txt is streamed URL by URL (:func:`ingest.sitemaps.iter_sitemap`); a feed is read with
   the feed parser and its archive pages followed (RFC 5005 ``prev-archive``, else a paged
   feed's ``next``) until a page holds nothing newer than the window. Items whose
   ``news:publication_date`` (else ``lastmod``, else the feed's date) is in the window are
   inserted into the progress file; a document is marked listed with the children it names in
   one transaction, so a restart lists only what was not listed.
2. **Fetching.** Items still to do are read from the file a batch at a time, at the backfill's
   own rate (``backfill.rate``), and carried through the stages that read the entries topic
   (embedded: fetch -> process -> cluster, written to the JSONL sink; Kafka: published to the
   entries topic at ``backfill.kafka_rate`` for the fetch workers). A batch is marked done only
   after its records were flushed: a crash redoes at most the batch in flight.

Memory is bounded by one document body (capped by ``http.max_body_bytes``) and one batch,
whatever the number of URLs of a source.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from ingest import sitemaps
from ingest.feeds import FeedSpec, parse_duration
from ingest.http import HttpClient
from ingest.parse import parse_feed_document
from ingest.sitemaps import iso_utc
from ingest.urls import absolutize, strip_userinfo
from wirewatch.config import Settings
from wirewatch.contracts import DeadLetter, FeedEntry
from wirewatch.errors import ConfigError, FeedParseError, FetchError
from wirewatch.metrics import BackfillItems, BackfillListed, BackfillWritten, emit
from wirewatch.stage import Emit, Inbound, Stage
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY, Topology

__all__ = [
    "BackfillProgress",
    "BackfillRun",
    "Counts",
    "RateLimit",
    "Window",
    "archive_link",
    "parse_when",
]

log = logging.getLogger("wirewatch.backfill")

SOURCE_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "application/gzip;q=0.8, */*;q=0.5"
)
# a duration needs its unit here: a bare number is neither "ago" nor a date
_AGO = re.compile(r"^\s*\d+(?:\.\d+)?\s*[smhdw]\s*$", re.I)
#: items inserted into the progress file per transaction while a document is streamed
_INSERT_CHUNK = 500


def parse_when(text: str, now: datetime) -> datetime:
    """``7d``, ``36h``, ``90m``, ``2w`` before ``now`` (the feed lists' duration units), or an
    ISO date / date-time (UTC unless it says otherwise)."""
    if _AGO.match(text):
        return now - timedelta(seconds=parse_duration(text))
    when = iso_utc(text)
    if when is None:
        raise ValueError(
            f"{text!r} is neither a duration (7d, 36h, 90m, 2w) nor a date (2024-03-01, "
            "2024-03-01T12:00:00Z)"
        )
    return when


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime

    def holds(self, when: datetime | None) -> bool:
        return when is not None and self.since <= when <= self.until


def archive_link(body: bytes, base: str) -> str | None:
    """The URL of a feed's older page: RFC 5005 ``prev-archive`` (archived feeds), else
    ``next`` (paged feeds), from the feed's own ``<link>`` elements (never an entry's)."""
    try:
        root = etree.fromstring(body.lstrip(), sitemaps._parser(recover=True))
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    found: dict[str, str] = {}
    for container in (root, *[c for c in root if etree.QName(c).localname == "channel"]):
        for el in container:
            if not isinstance(el.tag, str) or etree.QName(el).localname != "link":
                continue
            rel = (el.get("rel") or "").strip().lower()
            href = (el.get("href") or "").strip()
            if rel in ("prev-archive", "next") and href:
                found.setdefault(rel, href)
    href = found.get("prev-archive") or found.get("next")
    if not href:
        return None
    url = strip_userinfo(absolutize(href, base))
    return url if url.startswith(("http://", "https://")) else None


# --------------------------------------------------------------------------- progress


class BackfillProgress:
    """The progress of a backfill in SQLite: the job (its window and sources), the source
    documents (to list / listed / failed) and the items (to do / done).

    One backfill per file: a second process on the same file is refused with a clear error.
    Items done stay done across jobs (a later, overlapping backfill does not fetch them again).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.path.with_name(self.path.name + ".lock"), "a")
        except OSError as exc:
            raise ConfigError(
                f"cannot create backfill progress file {self.path} ({exc.strerror}): check "
                "the permissions of its directory, or pass another --state"
            ) from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise ConfigError(
                f"backfill progress file {self.path} is in use by another `wirewatch "
                "backfill`: wait for it, or give this one its own --out/--state"
            ) from None
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            # a kill -9 loses nothing committed in WAL mode with NORMAL; only a power cut may
            # lose the last batches, which are then fetched again (progress is at-least-once)
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(
                """
                CREATE TABLE IF NOT EXISTS job (id INTEGER PRIMARY KEY CHECK (id = 1),
                    since TEXT NOT NULL, until TEXT NOT NULL, sources TEXT NOT NULL,
                    number INTEGER NOT NULL, finished INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE IF NOT EXISTS docs (url TEXT PRIMARY KEY, source TEXT NOT NULL,
                    depth INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'todo', note TEXT);
                CREATE TABLE IF NOT EXISTS items (url_key TEXT PRIMARY KEY, job INTEGER NOT NULL,
                    published TEXT, entry TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'todo');
                CREATE INDEX IF NOT EXISTS items_todo ON items (status, published, url_key);
                """
            )
        except sqlite3.DatabaseError as exc:
            self._lock.close()
            raise ConfigError(
                f"backfill progress file {self.path} cannot be used ({exc}): move it away "
                "(the backfill then starts over) or pass another --state"
            ) from None
        self.job = 0

    def begin(
        self, sources: Sequence[str], window: Window, *, fresh: bool = False
    ) -> tuple[Window, bool]:
        """Start a job for ``sources`` and ``window``, or resume the unfinished one for the
        same sources (with the window it was started with) unless ``fresh``. Returns the
        window and whether it resumes."""
        row = self.db.execute("SELECT since, until, sources, number, finished FROM job").fetchone()
        wanted = json.dumps(sorted(sources))
        if row is not None and not row[4] and row[2] == wanted and not fresh:
            self.job = int(row[3])
            return Window(datetime.fromisoformat(row[0]), datetime.fromisoformat(row[1])), True
        self.job = int(row[3]) + 1 if row is not None else 1
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM docs")
        self.db.execute("DELETE FROM items WHERE status != 'done'")
        self.db.execute("DELETE FROM job")
        self.db.execute(
            "INSERT INTO job (id, since, until, sources, number) VALUES (1, ?, ?, ?, ?)",
            (window.since.isoformat(), window.until.isoformat(), wanted, self.job),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO docs (url, source, depth) VALUES (?, ?, 0)",
            [(s, s) for s in sources],
        )
        self.db.execute("COMMIT")
        return window, False

    def finish(self) -> None:
        self.db.execute("UPDATE job SET finished = 1")

    def next_doc(self, source: str) -> tuple[str, int] | None:
        row = self.db.execute(
            "SELECT url, depth FROM docs WHERE source = ? AND status = 'todo' ORDER BY rowid "
            "LIMIT 1",
            (source,),
        ).fetchone()
        return (str(row[0]), int(row[1])) if row is not None else None

    def doc_count(self, source: str) -> int:
        return int(
            self.db.execute("SELECT count(*) FROM docs WHERE source = ?", (source,)).fetchone()[0]
        )

    def close_doc(
        self,
        url: str,
        status: str,
        *,
        source: str,
        depth: int,
        children: Sequence[str] = (),
        note: str | None = None,
    ) -> None:
        """``url`` listed (or failed) and the documents it names queued, in one transaction."""
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT OR IGNORE INTO docs (url, source, depth) VALUES (?, ?, ?)",
            [(c, source, depth + 1) for c in children],
        )
        self.db.execute("UPDATE docs SET status = ?, note = ? WHERE url = ?", (status, note, url))
        self.db.execute("COMMIT")

    def add_items(self, entries: Sequence[FeedEntry]) -> None:
        if not entries:
            return
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT OR IGNORE INTO items (url_key, job, published, entry) VALUES (?, ?, ?, ?)",
            [
                (
                    e.url_key,
                    self.job,
                    e.published_at.isoformat() if e.published_at else None,
                    e.model_dump_json(),
                )
                for e in entries
            ],
        )
        self.db.execute("COMMIT")

    def todo(self, limit: int) -> list[FeedEntry]:
        rows = self.db.execute(
            "SELECT entry FROM items WHERE status = 'todo' ORDER BY published, url_key LIMIT ?",
            (limit,),
        )
        return [FeedEntry.model_validate_json(r[0]) for r in rows]

    def done(self, keys: Sequence[str]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(
            "UPDATE items SET status = 'done' WHERE url_key = ?", [(k,) for k in keys]
        )
        self.db.execute("COMMIT")

    def counts(self) -> tuple[int, int]:
        """(items found, items done) of this job."""
        found, done = self.db.execute(
            "SELECT count(*), coalesce(sum(status = 'done'), 0) FROM items WHERE job = ?",
            (self.job,),
        ).fetchone()
        return int(found), int(done)

    def problems(self) -> list[str]:
        return [
            f"{strip_userinfo(u)}: {n}"
            for u, n in self.db.execute("SELECT url, note FROM docs WHERE note IS NOT NULL")
        ]

    def close(self) -> None:
        self.db.close()
        self._lock.close()


# --------------------------------------------------------------------------- rate


class RateLimit:
    """At most ``rate`` acquisitions per second, spaced evenly (no bursts)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0

    async def acquire(self) -> None:
        now = self.clock()
        wait = self._next - now
        self._next = max(now, self._next) + self.interval
        if wait > 0:
            await asyncio.sleep(wait)


# --------------------------------------------------------------------------- the run


@dataclass
class Counts:
    found: int = 0
    done: int = 0
    undated: int = 0  # no date at all: cannot be placed in the window
    articles: int = 0
    incidents: int = 0
    dead_letters: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


#: called with (phase, counts, seconds per item so far or None) as the backfill goes
Report = Callable[[str, Counts, float | None], None]


class BackfillRun:
    """One backfill: list ``feeds`` into ``progress``, then carry the items to ``sink``.

    ``stages`` False (Kafka mode) publishes the entries only; the fetch workers do the rest.
    """

    def __init__(
        self,
        settings: Settings,
        feeds: Sequence[FeedSpec],
        window: Window,
        progress: BackfillProgress,
        sink: Any,
        *,
        client: HttpClient | None = None,
        rate: float | None = None,
        stages: bool = True,
        topology: Topology = TOPOLOGY,
        report: Report | None = None,
    ) -> None:
        self.settings = settings
        self.feeds = list(feeds)
        self.window = window
        self.progress = progress
        self.sink = sink
        self._client = client
        self.rate = rate or (settings.backfill.rate if stages else settings.backfill.kafka_rate)
        self.use_stages = stages
        self.topology = topology
        self.topics = Topics(settings.kafka.topic_prefix, topology)
        self.counts = Counts()
        self.report = report or (lambda _phase, _counts, _eta: None)
        self.stop = asyncio.Event()
        self.resumed = False
        #: list the window into the progress file, fetch nothing (``--dry-run``)
        self.stop_after_listing = False
        #: start over instead of resuming an unfinished backfill (``--fresh``)
        self.fresh = False
        self._stages: dict[str, Stage] = {}

    # ------------------------------------------------------------------ listing
    async def _list(self, client: HttpClient, feed: FeedSpec) -> None:
        source = feed.url
        max_body = self.settings.http.max_body_bytes
        while not self.stop.is_set() and (doc := self.progress.next_doc(source)) is not None:
            url, depth = doc
            where = strip_userinfo(url)
            children: list[str] = []
            note: str | None = None
            try:
                resp = await client.get(
                    url, {**feed.headers, "Accept": SOURCE_ACCEPT}, purpose="feed"
                )
                if not 200 <= resp.status < 300:
                    raise FetchError(f"HTTP {resp.status}", reason=f"http.status.{resp.status}")
                body = sitemaps.maybe_gunzip(resp.body, max_body, where)
                if sitemaps.is_robots_txt(resp.url):
                    kind, children = "robots", sitemaps.robots_sitemaps(body)
                elif sitemaps.sitemap_kind(body) is not None:
                    kind = "sitemap"
                    children, note = self._list_sitemap(body, feed, resp.url)
                else:
                    kind = "feed"
                    children = self._list_feed(body, resp.headers, feed, resp.url)
            except (FetchError, FeedParseError) as exc:
                self.progress.close_doc(
                    url, "failed", source=source, depth=depth, note=f"{exc.reason}: {exc}"
                )
                emit(BackfillListed("", exc.reason))
                log.warning(
                    "backfill: %s not listed: %s: %s",
                    where,
                    exc.reason,
                    exc,
                    extra={"reason": exc.reason, "url": where},
                )
                continue
            # an index that names itself would take a place of the children's cap
            children = [c for c in dict.fromkeys(children) if c not in (url, resp.url)]
            children, capped = self._bounded(source, depth, children, sitemap=kind != "feed")
            note = "; ".join(n for n in (note, capped) if n) or None
            if note:
                log.warning("backfill: %s: %s", where, note, extra={"url": where})
            self.progress.close_doc(
                url, "listed", source=source, depth=depth, children=children, note=note
            )
            emit(BackfillListed(kind))
            self._tally()
            self.report("listing", self.counts, None)

    def _bounded(
        self, source: str, depth: int, children: list[str], *, sitemap: bool
    ) -> tuple[list[str], str | None]:
        """``children`` within the source's bounds: sitemap depth and child count, or the
        number of archive pages of a feed."""
        if not children:
            return [], None
        if sitemap:
            max_depth = self.settings.poll.sitemap_max_depth
            room = self.settings.poll.sitemap_max_children + 1 - self.progress.doc_count(source)
            if depth + 1 > max_depth:
                return [], f"sitemap nesting deeper than {max_depth} level(s) not followed"
        else:
            room = self.settings.backfill.max_pages + 1 - self.progress.doc_count(source)
        if len(children) > max(room, 0):
            what = "child sitemaps" if sitemap else "archive pages"
            return children[: max(room, 0)], f"{len(children) - max(room, 0)} {what} over the cap"
        return children, None

    def _list_sitemap(self, body: bytes, feed: FeedSpec, url: str) -> tuple[list[str], str | None]:
        children: list[str] = []
        chunk: list[FeedEntry] = []
        note = None
        try:
            for item in sitemaps.iter_sitemap(body, feed, url=url):
                if item.child is not None:
                    # a child sitemap last changed before the window holds nothing in it
                    old = item.lastmod is not None and item.lastmod < self.window.since
                    if not old and item.child not in children:
                        children.append(item.child)
                elif item.entry is not None:
                    self._keep(item.entry, chunk)
        except FeedParseError as exc:  # what was read before the break is kept
            note = f"{exc.reason}: {exc}"
        self.progress.add_items(chunk)
        return children, note

    def _list_feed(self, body: bytes, headers: Any, feed: FeedSpec, url: str) -> list[str]:
        parsed = parse_feed_document(body, headers, feed, url=url)
        chunk: list[FeedEntry] = []
        dated = [e.published_at for e in parsed.entries if e.published_at is not None]
        for e in parsed.entries:
            self._keep(e, chunk)
        self.progress.add_items(chunk)
        older = archive_link(body, url)
        # a page whose newest item is before the window: the pages after it are older still
        if older is None or (dated and max(dated) < self.window.since):
            return []
        return [older]

    def _keep(self, entry: FeedEntry, chunk: list[FeedEntry]) -> None:
        if entry.published_at is None:
            self.counts.undated += 1
            return
        if not self.window.holds(entry.published_at):
            return
        chunk.append(entry)
        if len(chunk) >= _INSERT_CHUNK:
            self.progress.add_items(chunk)
            chunk.clear()

    def _tally(self) -> None:
        self.counts.found, self.counts.done = self.progress.counts()
        emit(BackfillItems(self.counts.found, self.counts.done))

    # ------------------------------------------------------------------ fetching
    async def _build(self, client: HttpClient) -> None:
        if not self.use_stages:
            return
        wanted = {"entries"}
        for spec in self.topology.stages:  # the stages downstream of the entries topic
            if spec.source or not spec.embedded or spec.input not in wanted:
                continue
            cls = spec.load()
            import inspect

            takes_client = "client" in inspect.signature(cls).parameters
            stage = cls(self.settings, client=client) if takes_client else cls(self.settings)
            await stage.setup()
            self._stages[spec.name] = stage
            wanted.update(spec.outputs)

    async def _route(
        self,
        stage_name: str,
        emits: Sequence[Emit],
        done: list[tuple[Stage, list[Inbound]]],
        writes: list[tuple[str, Emit]],
    ) -> None:
        """Like the embedded runner: each record to the sink (published topics) and to the
        stages that read its topic."""
        by_kind: dict[str, list[Emit]] = {}
        for e in emits:
            by_kind.setdefault(e.kind, []).append(e)
        for kind, group in by_kind.items():
            if self.topology.topic(kind).published:
                writes.extend((self.topics.name(kind), e) for e in group)
            for consumer in self.topology.consumers_of(kind):
                stage = self._stages.get(consumer.name)
                if stage is None:
                    continue
                size = max(1, consumer.batch_size)
                for i in range(0, len(group), size):
                    batch = [Inbound(e.record, e.key) for e in group[i : i + size]]
                    try:
                        out = await stage.handle(batch)
                    except BaseException:
                        stage.on_abort(batch)
                        raise
                    done.append((stage, batch))
                    await self._route(consumer.name, out, done, writes)

    async def _carry(self, entries: list[FeedEntry]) -> None:
        emits = [Emit("entries", e.url_key, e) for e in entries]
        done: list[tuple[Stage, list[Inbound]]] = []
        writes: list[tuple[str, Emit]] = []
        try:
            await self._route("backfill", emits, done, writes)
            await asyncio.to_thread(self._write, writes)
        except BaseException:
            for stage, batch in done:
                stage.on_abort(batch)
            raise
        self.progress.done([e.url_key for e in entries])
        emit(BackfillWritten(len(entries)))
        for stage, batch in done:
            stage.on_commit(batch)

    def _write(self, writes: Sequence[tuple[str, Emit]]) -> None:
        for topic, e in writes:
            self.sink.add(e.record, source="wirewatch/backfill", topic=topic, key=e.key)
            if e.kind == "articles":
                self.counts.articles += 1
            elif e.kind == "incidents":
                self.counts.incidents += 1
            elif isinstance(e.record, DeadLetter):
                self.counts.dead_letters += 1
                reason = e.record.reason
                self.counts.reasons[reason] = self.counts.reasons.get(reason, 0) + 1
        self.sink.flush()

    async def _fetch_all(self) -> None:
        limit = RateLimit(self.rate)
        # about a second of the rate per batch, never more than the fetch stage's batch
        fetch_batch = self.topology.stage("fetch").batch_size if self.use_stages else 100
        size = max(1, min(fetch_batch, round(self.rate)))
        started = time.monotonic()
        carried = 0
        while not self.stop.is_set():
            entries = self.progress.todo(size)
            if not entries:
                break
            for _ in entries:
                await limit.acquire()
                if self.stop.is_set():
                    return
            await self._carry(entries)
            carried += len(entries)
            self._tally()
            per_item = (time.monotonic() - started) / carried
            self.report("fetching", self.counts, per_item)

    async def run(self) -> Counts:
        client = self._client or HttpClient(self.settings.http)
        try:
            self.window, self.resumed = self.progress.begin(
                [f.url for f in self.feeds], self.window, fresh=self.fresh
            )
            for feed in self.feeds:
                await self._list(client, feed)
            self._tally()
            self.report("listed", self.counts, None)
            if not self.stop.is_set() and not self.stop_after_listing:
                await self._build(client)
                await self._fetch_all()
            self._tally()
            if not self.stop.is_set() and self.counts.done >= self.counts.found:
                self.progress.finish()
            self.counts.problems = self.progress.problems()
            self.report("stopped" if self.stop.is_set() else "done", self.counts, None)
        finally:
            for stage in self._stages.values():
                await stage.close()
            if self._client is None:
                await client.aclose()
        return self.counts

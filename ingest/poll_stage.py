"""The poll stage: the feed list in, feed entries and per-feed state out (topology row ``poll``).

A source stage (:class:`wirewatch.stage.SourceStage`): the runner hands it the feed table
(the compacted feeds topic, or the feed list of ``wirewatch run``) and restores its per-feed
state from the state table (the compacted feedstate topic, or SQLite); the stage decides which
feeds are due, keeps up to ``poll.concurrency`` polls in flight, and turns finished polls into
entries plus one state record per feed. Its seen-entry marks are bounded the same way in both
runners (:meth:`PollStage._seen_to_keep`).

With ``websub.enabled`` the stage also serves the WebSub callback (:mod:`ingest.websub`): it
subscribes to the hub a polled feed declares, and a verified push for a feed of an owned
partition becomes a poll result of that feed here, so it takes the same path to the same
outputs and state (in Kafka mode, the same transaction as polls). While a feed's subscription is
live it is polled every ``websub.fallback_interval`` seconds only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import fields
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from ingest.feeds import FeedSpec, read_feed_record
from ingest.http import HttpClient
from ingest.poller import Poller, PollResult
from ingest.state import FeedState, MemoryStateStore, SeenEntry, listed_digest
from ingest.websub import PushFailure, WebSub, push_result
from wirewatch.config import Settings
from wirewatch.contracts import FeedEntry
from wirewatch.ops import FeedActivity, StaleFeedTracker
from wirewatch.stage import Emit, TableRow, dead_letter

__all__ = ["PollStage", "StateRecord", "restore_state"]

log = logging.getLogger("wirewatch.poll")

# seen entries kept per feed (in memory and in its state record): those of the entries its latest
# document lists, at most this many (see PollStage._seen_to_keep)
SEEN_PER_FEED = 500
# listed items beyond those marks that keep a digest in the feed's state (2 x 8 bytes each, about
# 40 bytes of JSON): with the marks, a state record stays far below Kafka's 1 MB record limit
LISTED_DIGESTS_PER_FEED = 5000
# seconds a finished poll waits for the other polls in flight before its write: a Kafka
# transaction per poll cost more CPU than the poll, and 0.1 s is small against poll intervals
COMMIT_LINGER = 0.1


class PollStage:
    """feeds (a table) -> entries + feedstate."""

    name: ClassVar[str] = "poll"
    input_kind: ClassVar[str] = "feeds"
    output_kinds: ClassVar[tuple[str, ...]] = ("entries", "feedstate")
    settings_section: ClassVar[str] = "poll"
    state_kind: ClassVar[str] = "feedstate"

    def __init__(
        self,
        settings: Settings,
        *,
        client: HttpClient | None = None,
        store: MemoryStateStore | None = None,
    ) -> None:
        self.settings = settings
        self.store = store if store is not None else MemoryStateStore()
        self.feeds: dict[str, tuple[int, FeedSpec]] = {}  # feed_id -> (partition, spec)
        self.partitions: set[int] = set()
        self.client = client
        self._own_client = client is None
        self.poller: Poller | None = None
        self.polls = 0
        self.stale = StaleFeedTracker(settings.poll.stale_factor)
        self._stale_checked = 0.0
        self._inflight: dict[str, asyncio.Task[PollResult]] = {}
        # polls whose task finished since the last call, filled by a done-callback (so a turn
        # never walks every in-flight task), and the future the loop waits on until woken
        self._finished: list[tuple[str, asyncio.Task[PollResult]]] = []
        self._wake: asyncio.Future[None] | None = None
        self._wake_all = False
        self._next_scan = 0.0
        self._seen_by_feed: dict[str, list[SeenEntry]] = {}
        self._polled_once: set[str] = set()  # run_due(once=True): feeds done this run
        self.websub: WebSub | None = None
        # feeds whose finished poll is not written yet (the embedded runner writes a poll group
        # while it polls on): not due again until on_commit / on_abort, else a feed whose state
        # still says "due" would be polled again every scan and its entries written twice
        self._unwritten: set[str] = set()

    # ------------------------------------------------------------------ lifecycle
    async def setup(self) -> None:
        if self.client is None:
            self.client = HttpClient(self.settings.http)
        self.poller = Poller(self.client, self.store, self.settings.poll)
        if self.settings.websub.enabled and self.websub is None:
            self.websub = WebSub(self.settings.websub, self.settings.http, self.client.guard)
            self.websub.start()

    async def close(self) -> None:
        for task in self._inflight.values():  # unfinished polls: never committed, redone later
            task.cancel()
        if self._inflight:
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)
            self._inflight.clear()
        if self.websub is not None:
            await self.websub.close()
            self.websub = None
        if self.client is not None and self._own_client:
            await self.client.aclose()

    # ------------------------------------------------------------------ tables
    def table(self, rows: Sequence[TableRow]) -> None:
        """Feed-table updates (a value of None removes the feed)."""
        for row in rows:
            if row.value is None:
                self.feeds.pop(row.key, None)
                if self.websub is not None:  # unsubscribed; deliveries meanwhile: 410
                    self.websub.subs.remove({row.key})
                continue
            try:
                self.feeds[row.key] = (row.partition, read_feed_record(row.value))
            except (ValidationError, ValueError) as exc:
                log.warning("invalid feed record %s: %s", row.key, exc, extra={"stage": self.name})

    def set_feeds(self, specs: Sequence[FeedSpec]) -> None:
        """The whole feed table at once, in partition 0 (the embedded runner's feed list): a
        feed no longer listed is removed, and unsubscribed at its hub, also when only its
        restored state named the hub (a run with a shorter list than the last one)."""
        self.partitions.add(0)
        listed = {spec.feed_id for spec in specs}
        for fid in [f for f, (p, _s) in self.feeds.items() if p == 0 and f not in listed]:
            del self.feeds[fid]
        if self.websub is not None:
            self.websub.subs.remove(self.websub.subs.feed_ids() - listed)
        for spec in specs:
            self.feeds[spec.feed_id] = (0, spec)

    def restore(self, partitions: set[int], rows: Sequence[TableRow]) -> None:
        """Take ``partitions`` over, with the state records of their feeds."""
        self.partitions |= partitions
        for row in rows:
            fid = row.key
            if row.value is None:
                self.store.feeds.pop(fid, None)
                continue
            try:
                state, kept = restore_state(row.value)
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
            if self.websub is not None:
                self._restore_hub(fid, row.value)
            for seen in kept:
                self.store.by_url[seen.url_key] = seen
                self.store.by_id[(seen.feed_id, seen.entry_id)] = seen
            if kept:
                self._seen_by_feed[fid] = kept
            else:
                self._seen_by_feed.pop(fid, None)

    def _restore_hub(self, fid: str, value: bytes) -> None:
        """The hub a feed's state record names: subscribed again without waiting for a poll
        that reads the document (a feed answering 304 would never show it)."""
        assert self.websub is not None
        hub = json.loads(value).get("websub")
        if isinstance(hub, dict) and all(isinstance(hub.get(k), str) for k in ("hub", "topic")):
            self.websub.subs.observe(fid, hub["hub"], hub["topic"])

    def revoke(self, partitions: set[int]) -> None:
        self.partitions -= partitions
        gone = {f for f, (p, _s) in self.feeds.items() if p in partitions}
        if self.websub is not None:  # the new owner subscribes with its own callback
            self.websub.subs.forget(gone)
            self.websub.inbox.drop(gone.__contains__)
        for fid in gone:
            del self.feeds[fid]
            self.store.feeds.pop(fid, None)
            self._seen_by_feed.pop(fid, None)
            self._unwritten.discard(fid)
            task = self._inflight.pop(fid, None)
            if task is not None:  # its result belongs to the partition's new owner now
                task.cancel()

    # ------------------------------------------------------------------ polling
    def busy(self) -> bool:
        return bool(self._inflight) or (self.websub is not None and self.websub.busy())

    def done_once(self) -> bool:
        """``run_due(once=True)``: every feed of the table was polled and nothing is in flight."""
        return not self._inflight and all(
            fid in self._polled_once for fid, (p, _s) in self.feeds.items() if p in self.partitions
        )

    def _due(self, now: float, once: bool) -> list[FeedSpec]:
        """Feeds of owned partitions that are due and not in flight, earliest first.

        Reads the in-memory states directly (no copies): this runs on every loop turn over every
        owned feed, so it must stay a cheap scan. ``once``: every feed not polled yet this run.
        """
        due: list[tuple[float, FeedSpec]] = []
        states = self.store.feeds
        websub = self.websub if not once else None
        for fid, (part, spec) in self.feeds.items():
            if part not in self.partitions or fid in self._inflight or fid in self._unwritten:
                continue
            if once:
                if fid not in self._polled_once:
                    due.append((0.0, spec))
                continue
            st = states.get(fid)
            if st is None or st.spec_url != spec.url:
                due.append((0.0, spec))
            elif not st.disabled_reason and st.next_due <= now:
                if websub is not None and self._pushed_to(websub, fid, st, now):
                    continue  # a live subscription: polled at the relaxed interval only
                due.append((st.next_due, spec))
        due.sort(key=lambda d: d[0])  # a worker behind schedule must not starve any feed
        return [spec for _t, spec in due]

    @staticmethod
    def _pushed_to(websub: WebSub, fid: str, st: FeedState, now: float) -> bool:
        """Whether a due feed waits because pushes are live for it (the fallback interval)."""
        fallback = websub.settings.fallback_interval
        return (st.last_success or 0.0) + fallback > now and websub.subs.live(fid, now)

    def _pushes(self) -> list[PollResult | PushFailure]:
        """Queued deliveries of owned feeds with no poll in flight or unwritten, as poll results."""
        assert self.websub is not None and self.poller is not None
        self.websub.tick()

        def ours(fid: str) -> bool:
            return self.feeds.get(fid, (-1, None))[0] in self.partitions and (
                fid not in self._inflight and fid not in self._unwritten
            )

        # a feed removed after its delivery was queued (its subscription is forgotten then);
        # a feed whose table row is still being read keeps its deliveries until it is known
        subs = self.websub.subs
        self.websub.inbox.drop(lambda fid: subs.get(fid) is None)
        out: list[PollResult | PushFailure] = []
        for delivery in self.websub.inbox.take(ours):
            spec = self.feeds[delivery.feed_id][1]
            out.append(push_result(self.poller, spec, delivery))
        return out

    async def run_due(
        self, *, once: bool = False, wait: float = 0.2
    ) -> list[PollResult | PushFailure]:
        """Keep up to ``poll.concurrency`` polls in flight; return the finished ones.

        A rolling set, not rounds: one slow or hanging feed holds up only its own slot. Polls
        that finish within ``COMMIT_LINGER`` of the first one are returned together, to share
        one write: a Kafka transaction (five broker round trips plus the producer thread's work)
        cost more CPU than a 304 poll, and one transaction per finished poll was the common case.
        """
        assert self.poller is not None, "setup() first"
        pushed = self._pushes() if self.websub is not None and not once else []
        now = time.time()
        if now >= self._next_scan:
            self._next_scan = now + 0.25
            self._track_stale(now)
            room = self.settings.poll.concurrency - len(self._inflight)
            for spec in self._due(now, once)[: max(0, room)]:
                fid = spec.feed_id  # the task's name: its done-callback reports it
                if once:
                    self._polled_once.add(fid)
                task = asyncio.get_running_loop().create_task(
                    self.poller.poll_once(spec, commit=False), name=fid
                )
                task.add_done_callback(self._on_poll_done)
                self._inflight[fid] = task
        if not self._inflight:
            self._finished.clear()  # only polls cancelled with their partition can be left
            if self.websub is not None and not pushed:
                await self.websub.settle(0.05)
            return list(pushed)
        await self._wait(wait, until_all=False)
        if not self._finished:
            return list(pushed)
        await self._wait(COMMIT_LINGER, until_all=True)
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
                log.error("poll crashed: %r", exc, extra={"stage": self.name, "feed_id": fid})
                continue
            result = task.result()
            if self.feeds.get(fid, (-1, None))[0] in self.partitions:  # still ours
                results.append(result)
        self.polls += len(results)
        if self.websub is not None and not once:
            for r in results:
                self.websub.observe(r)
        # pushes and polls alike: the feed is not polled or pushed again until written
        self._unwritten.update(r.feed.feed_id for r in [*pushed, *results])
        for r in results:
            if r.status in ("error", "disabled"):
                log.warning(
                    "feed poll failed" if r.status == "error" else "feed disabled",
                    extra={
                        "stage": self.name,
                        "feed_id": r.feed.feed_id,
                        "reason": r.error_reason,
                        "url": r.url,
                        "error": (r.error_message or "")[:500],
                    },
                )
        return [*pushed, *results]

    def _on_poll_done(self, task: asyncio.Task[PollResult]) -> None:
        self._finished.append((task.get_name(), task))
        wake = self._wake
        if wake is not None and not wake.done():
            if not self._wake_all or len(self._finished) >= len(self._inflight):
                wake.set_result(None)

    async def _wait(self, timeout: float, *, until_all: bool) -> None:
        """Wait until a poll finishes (``until_all``: every poll in flight has), for at most
        ``timeout`` seconds. A future woken by the tasks' done-callbacks, not ``asyncio.wait``
        over every task in flight, which hooked and unhooked each of them on every turn."""
        if self._finished and (not until_all or len(self._finished) >= len(self._inflight)):
            return
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(timeout, _resolve, wake)
        self._wake, self._wake_all = wake, until_all
        try:
            await wake
        finally:
            timer.cancel()
            self._wake = None

    # ------------------------------------------------------------------ outputs and commit
    def emits(self, results: Sequence[PollResult | PushFailure]) -> list[Emit]:
        """Each poll's entries, and the feed's state record in the feed's partition."""
        out: list[Emit] = []
        for r in results:
            if isinstance(r, PushFailure):
                out.append(self._push_letter(r))
                continue
            fid = r.feed.feed_id
            marks = self._seen_to_keep(r)
            for e in r.entries:
                out.append(Emit("entries", e.url_key, e))
            record = StateRecord.build(r.state, [dict(vars(m)) for m in marks])
            sub = self.websub.subs.get(fid) if self.websub is not None else None
            if sub is not None:
                record.websub = {"hub": sub.hub, "topic": sub.topic}
            out.append(Emit("feedstate", fid, record, self.feeds.get(fid, (None,))[0]))
        return out

    def _push_letter(self, failure: PushFailure) -> Emit:
        letter = dead_letter(
            self.name,
            failure.message,
            reason=f"websub.{failure.reason}",
            payload=failure.delivery.body,
            key=failure.feed.feed_id,
            context={"feed_url": failure.feed.url, "content_type": failure.delivery.content_type},
        )
        return Emit("deadletter", failure.feed.feed_id, letter)

    def on_commit(self, results: Sequence[PollResult | PushFailure]) -> None:
        assert self.poller is not None
        for r in results:
            self._unwritten.discard(r.feed.feed_id)
            if isinstance(r, PushFailure):
                continue
            keep = self._seen_to_keep(r)
            self.poller.commit(r)
            self._remember_seen(r.feed.feed_id, keep)

    def on_abort(self, results: Sequence[PollResult | PushFailure]) -> None:
        self._unwritten.difference_update(r.feed.feed_id for r in results)
        log.warning(
            "poll write failed; %d feeds will be polled again",
            len(results),
            extra={"stage": self.name},
        )

    def _seen_to_keep(self, result: PollResult) -> list[SeenEntry]:
        """The seen entries the feed keeps after ``result``: those of the entries its latest
        document lists (a newer mark of an entry replaces the older), the SEEN_PER_FEED newest
        of them (by the entry's time, else when it was first seen). Sets ``result.state``'s
        ``listed_digests``/``listed_before`` for the listed items left without a mark.

        Why not "the last N seen": that grows with every new item until N (measured in the
        soak: ~580 bytes per entry, 500 per feed would be ~3 GB for 10,000 feeds), while the
        dedup only needs the feed's current items. An item that leaves the document and comes
        back later is emitted again; the fetch stage skips a version it already fetched. No
        document (304, error) or an empty one: nothing is forgotten.

        Why the digests: a feed may list more items than the marks kept (an 800-item archive
        feed). Every listed item without a kept mark leaves a 64-bit digest of its entry id and
        of its URL key in the feed's state (about 40 bytes an item, against ~580 for a mark),
        so no item the document lists is taken for new after a restart; only its edits go
        unnoticed. The digests are bounded too (LISTED_DIGESTS_PER_FEED items, the newest by
        their time); for items beyond even those, ``listed_before`` is the newest time among
        them, and an unmarked item dated at or before it is not new. What can be re-admitted
        is thus only an undated item of a document listing more than SEEN_PER_FEED +
        LISTED_DIGESTS_PER_FEED items.
        """
        marks = [*self._seen_by_feed.get(result.feed.feed_id, ()), *result.pending_seen]
        listed = result.parsed.entries if result.parsed is not None else []
        if not listed:
            return marks[-SEEN_PER_FEED:]
        ids = {e.entry_id for e in listed}
        urls = {e.url_key for e in listed}
        newest = {
            (m.entry_id, m.url_key): m for m in marks if m.entry_id in ids or m.url_key in urls
        }
        marks = list(newest.values())
        if len(marks) > SEEN_PER_FEED:
            # stable: equal times keep their order (a document's, newest first in most feeds)
            marks = sorted(marks, key=_mark_time, reverse=True)[:SEEN_PER_FEED]
        kept_ids = {m.entry_id for m in marks}
        kept_urls = {m.url_key for m in marks}
        rest = [e for e in listed if e.entry_id not in kept_ids and e.url_key not in kept_urls]
        rest.sort(key=_entry_time, reverse=True)
        digests: list[str] = []
        for e in rest[:LISTED_DIGESTS_PER_FEED]:
            digests += (listed_digest("i", e.entry_id), listed_digest("u", e.url_key))
        beyond = [t for e in rest[LISTED_DIGESTS_PER_FEED:] if (t := _entry_time(e)) != _UNDATED]
        result.state.listed_digests = digests
        result.state.listed_before = max(beyond) if beyond else None
        return marks

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
        """Stale-feed gauge of the owned feeds, every 10 s (the scan walks every feed)."""
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


def _mark_time(mark: SeenEntry) -> float:
    return mark.version if mark.version is not None else mark.first_seen


_UNDATED = float("inf")  # sorts an undated entry with the newest: kept before dated ones


def _entry_time(entry: FeedEntry) -> float:
    when = entry.updated_at or entry.published_at
    return when.timestamp() if when is not None else _UNDATED


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_STATE_FIELDS = frozenset(f.name for f in fields(FeedState))
_SEEN_FIELDS = frozenset(f.name for f in fields(SeenEntry))


def restore_state(value: bytes) -> tuple[FeedState, list[SeenEntry]]:
    """A state record read back. Fields this version does not know are ignored, so a record
    written by a newer worker during a rolling upgrade still restores (tolerant reader);
    missing ones take their defaults."""
    data = json.loads(value)
    state = FeedState(**{k: v for k, v in data["state"].items() if k in _STATE_FIELDS})
    seen = [
        SeenEntry(**{k: v for k, v in s.items() if k in _SEEN_FIELDS}) for s in data.get("seen", [])
    ]
    return state, seen


class StateRecord(BaseModel):
    """Value of the feedstate table: a feed's state and its recent seen entries."""

    topic_kind: ClassVar[str] = "feedstate"

    state: dict[str, Any]
    seen: list[dict[str, Any]]
    #: the WebSub hub and topic the feed declared (None: none, or WebSub off)
    websub: dict[str, str] | None = None

    @classmethod
    def of(cls, result: PollResult, seen: list[SeenEntry]) -> StateRecord:
        return cls.build(result.state, [dict(vars(s)) for s in seen])

    @classmethod
    def build(cls, state: FeedState, seen: list[dict[str, Any]]) -> StateRecord:
        """Without validation (our own dataclasses' fields; the serialised JSON is the same):
        validating every field of every seen entry per poll was measurable."""
        values = dict(vars(state))
        values["recent_times"] = list(state.recent_times)
        values["listed_digests"] = list(state.listed_digests)
        return cls.model_construct(state=values, seen=seen)

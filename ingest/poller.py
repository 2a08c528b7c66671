"""Polling feeds politely: conditional GET, adaptive intervals, honest backoff, no silent drops.

``await poller.poll_once(feed)`` does one conditional GET and returns a :class:`PollResult`
with the new/updated entries and the feed's next state; ``run()`` is the scheduler loop that
polls due feeds with bounded concurrency. With ``commit=False`` the caller saves the state after
it has handed the entries on (``poller.commit(result)``), for at-least-once delivery.

Outcomes and what they do to the feed's state:

    200 + new entries  status "new"; validators stored; interval re-estimated
    200, nothing new   status "unchanged"
    304                status "not_modified"; nothing parsed, nothing emitted
    301/308            the stored URL moves to the redirect target
    410                feed disabled, reason "http.status.410" (visible in state and results)
    429/503            Retry-After honoured (capped at the backoff cap), counted as an error
    any other error    error_count+1, next poll after an exponential backoff with jitter
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from ingest import sitemaps
from ingest.feeds import FeedSpec
from ingest.http import HttpClient, Response
from ingest.parse import ParsedFeed, content_hash, parse_feed_document
from ingest.schedule import adaptive_interval, backoff_delay, freshness_lifetime, jittered
from ingest.state import FeedState, SeenEntry, StateStore, listed_digest
from wirewatch.config import PollSettings
from wirewatch.contracts import FeedEntry
from wirewatch.errors import FeedParseError, FetchError
from wirewatch.logs import mask_userinfo
from wirewatch.metrics import FeedPolled, FeedStale, StageLatency, emit

__all__ = ["FEED_ACCEPT", "PollResult", "Poller"]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/feed+json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
PollStatus = Literal["new", "unchanged", "not_modified", "error", "disabled"]
_RECENT = 20
log = logging.getLogger(__name__)


@dataclass
class PollResult:
    feed: FeedSpec
    status: PollStatus
    state: FeedState
    entries: list[FeedEntry] = field(default_factory=list)
    http_status: int | None = None
    error_reason: str | None = None
    error_message: str | None = None
    parsed: ParsedFeed | None = None
    url: str | None = None  # URL actually polled
    elapsed: float = 0.0
    pending_seen: list[SeenEntry] = field(default_factory=list)
    response: Response | None = None

    @property
    def new_count(self) -> int:
        return sum(1 for e in self.entries if not e.is_update)

    @property
    def updated_count(self) -> int:
        return sum(1 for e in self.entries if e.is_update)

    @property
    def ok(self) -> bool:
        return self.status in ("new", "unchanged", "not_modified")


def _ts(dt: datetime | None) -> float | None:
    return None if dt is None else dt.timestamp()


def _document_digest(feed: FeedSpec, resp: Response) -> str:
    """Digest of everything a parse of ``resp`` depends on: the body, the URL it came from
    (the base of relative links), the headers passed to the parser and the feed's identity."""
    h = hashlib.blake2b(resp.body, digest_size=16)
    for part in (
        resp.url,
        resp.headers.get("content-type", ""),
        resp.headers.get("content-language", ""),
        feed.feed_id,
        feed.url,
    ):
        h.update(b"\x00" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class Poller:
    def __init__(
        self,
        client: HttpClient,
        store: StateStore,
        settings: PollSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.settings = settings or PollSettings()
        self.clock = clock
        self.rng = rng or random.Random()

    # ----------------------------------------------------------------- state

    def state_for(self, feed: FeedSpec) -> FeedState:
        state = self.store.load_feed(feed.feed_id)
        if state is None or state.spec_url != feed.url:
            # new feed, or its configured URL changed: start from the configured URL
            old = state
            state = FeedState(feed_id=feed.feed_id, url=feed.url, spec_url=feed.url)
            if old is not None:
                state.recent_times = old.recent_times
        return state

    def _interval(self, feed: FeedSpec, state: FeedState, now: float) -> float:
        s = self.settings
        if feed.interval is not None:
            return min(max(feed.interval, s.min_interval), s.max_interval)
        return adaptive_interval(
            state.recent_times,
            now,
            minimum=s.min_interval,
            maximum=s.max_interval,
            default=s.default_interval,
        )

    def _schedule_ok(self, feed: FeedSpec, state: FeedState, resp: Response, now: float) -> None:
        interval = self._interval(feed, state, now)
        fresh = freshness_lifetime(
            resp.headers.get("cache-control"), resp.headers.get("expires"), now
        )
        if fresh is not None:
            interval = min(max(interval, fresh), self.settings.max_interval)
        state.interval = interval
        state.next_due = now + jittered(interval, self.settings.jitter, self.rng)
        state.error_count = 0
        state.last_success = now

    def _schedule_error(
        self,
        state: FeedState,
        reason: str,
        message: str,
        now: float,
        retry_after: float | None = None,
    ) -> None:
        s = self.settings
        state.error_count += 1
        state.last_error = reason
        state.last_error_message = mask_userinfo(message)[:500]  # state is published
        state.last_error_at = now
        delay = backoff_delay(
            state.error_count,
            base=s.backoff_base,
            cap=s.backoff_cap,
            jitter=s.jitter,
            rng=self.rng,
        )
        if retry_after is not None:
            delay = min(retry_after, s.backoff_cap)  # the server said when; believe it
        state.next_due = now + delay

    # ----------------------------------------------------------------- one poll

    def _request_headers(self, feed: FeedSpec, state: FeedState) -> dict[str, str]:
        headers = {"Accept": FEED_ACCEPT}
        headers.update(feed.headers)
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return headers

    async def poll_once(self, feed: FeedSpec, *, commit: bool = True) -> PollResult:
        """Poll ``feed`` once (whether due or not) and return what happened."""
        t0 = time.perf_counter()
        state = self.state_for(feed)
        result = await self._poll(feed, state)
        result.elapsed = time.perf_counter() - t0
        if result.error_message:  # HTTP errors name the URL, and a feed URL may carry a password
            result.error_message = mask_userinfo(result.error_message)
        if commit:
            self.commit(result)
        emit(
            FeedPolled(
                result="error." + (result.error_reason or "unknown")
                if result.status == "error"
                else result.status,
                new_entries=result.new_count,
                updated_entries=result.updated_count,
            )
        )
        emit(StageLatency("poll", result.elapsed))
        return result

    def commit(self, result: PollResult) -> None:
        """Persist the feed state and mark the result's entries as seen."""
        self.store.commit(result.state, result.pending_seen)
        result.pending_seen = []

    async def _poll(self, feed: FeedSpec, state: FeedState) -> PollResult:
        now = self.clock()
        if state.disabled_reason:
            return PollResult(
                feed,
                "disabled",
                state,
                error_reason=state.disabled_reason,
                error_message=state.last_error_message,
                url=state.url,
            )
        url = state.url
        state.polls += 1
        try:
            resp = await self.client.get(url, self._request_headers(feed, state), purpose="feed")
        except FetchError as exc:
            now = self.clock()
            self._schedule_error(state, exc.reason, str(exc), now)
            return PollResult(
                feed, "error", state, error_reason=exc.reason, error_message=str(exc), url=url
            )
        now = self.clock()
        state.last_status = resp.status
        if resp.permanent_url and resp.permanent_url != state.url:
            state.url = resp.permanent_url  # 301/308: poll the new address from now on
        if resp.status == 304:
            self._schedule_ok(feed, state, resp, now)
            return PollResult(feed, "not_modified", state, http_status=304, url=url, response=resp)
        if resp.status == 410:
            reason = "http.status.410"
            state.disabled_reason = reason
            state.last_error = reason
            state.last_error_message = mask_userinfo(f"410 Gone: {resp.url}; feed disabled")
            state.last_error_at = now
            return PollResult(
                feed,
                "disabled",
                state,
                http_status=410,
                error_reason=reason,
                error_message=state.last_error_message,
                url=url,
                response=resp,
            )
        if not 200 <= resp.status < 300:
            reason = f"http.status.{resp.status}"
            retry_after = resp.retry_after if resp.status in (429, 503) else None
            msg = f"HTTP {resp.status} from {resp.url}"
            if retry_after is not None:
                msg += f" (Retry-After {retry_after:g}s)"
            self._schedule_error(state, reason, msg, now, retry_after)
            return PollResult(
                feed,
                "error",
                state,
                http_status=resp.status,
                error_reason=reason,
                error_message=msg,
                url=url,
                response=resp,
            )
        digest = _document_digest(feed, resp)
        if digest == state.document_hash:
            # the document parsed last time (its entries were handed on and marked seen with
            # that state, atomically): parsing and dedup would find nothing new and the same
            # entry times, so skip both. Servers without validators send this on every poll.
            state.etag = resp.headers.get("etag")
            state.last_modified = resp.headers.get("last-modified")
            self._schedule_ok(feed, state, resp, now)
            return PollResult(
                feed, "unchanged", state, http_status=resp.status, url=url, response=resp
            )
        try:
            parsed = await self._parse(feed, resp)
        except FeedParseError as exc:
            self._schedule_error(state, exc.reason, str(exc), now)
            return PollResult(
                feed,
                "error",
                state,
                http_status=resp.status,
                error_reason=exc.reason,
                error_message=str(exc),
                url=url,
                response=resp,
            )
        if parsed.problems:  # parsed leniently, wrong charset, items skipped: say so
            log.warning(
                "feed parsed with problems: %s",
                "; ".join(parsed.problems)[:500],
                extra={"feed_id": feed.feed_id, "url": url, "reason": "feed.lenient"},
            )
        state.etag = resp.headers.get("etag")
        state.last_modified = resp.headers.get("last-modified")
        state.document_hash = digest
        entries, pending = self._dedup(feed, parsed.entries, now, state)
        times = [t for e in parsed.entries if (t := _ts(e.published_at)) is not None]
        if len(times) < 2:  # undated feed: use the times we first saw entries
            times = state.recent_times + [now] * min(1, len(entries))
        state.recent_times = sorted(times)[-_RECENT:]
        if entries:
            state.last_new_entry = now
        self._schedule_ok(feed, state, resp, now)
        return PollResult(
            feed,
            "new" if entries else "unchanged",
            state,
            entries=entries,
            http_status=resp.status,
            parsed=parsed,
            url=url,
            pending_seen=pending,
            response=resp,
        )

    async def _parse(self, feed: FeedSpec, resp: Response) -> ParsedFeed:
        """A feed document, or a sitemap / sitemap index / robots.txt read into the same
        entries (ingest/sitemaps.py)."""
        body = sitemaps.maybe_gunzip(
            resp.body, self.client.settings.max_body_bytes, mask_userinfo(resp.url)
        )
        if sitemaps.is_robots_txt(resp.url) or sitemaps.sitemap_kind(body) is not None:
            return await sitemaps.read_sitemap(
                self.client,
                body,
                feed,
                url=resp.url,
                settings=self.settings,
                max_body=self.client.settings.max_body_bytes,
            )
        return parse_feed_document(body, resp.headers, feed, url=resp.url)

    def _dedup(
        self,
        feed: FeedSpec,
        entries: list[FeedEntry],
        now: float,
        state: FeedState | None = None,
    ) -> tuple[list[FeedEntry], list[SeenEntry]]:
        """New entries, edited entries (as updates), and the seen-marks to commit.

        An entry without a seen mark is still not new when the feed's previous document listed
        it without a mark (``state.listed_digests``, ``state.listed_before``): a feed that lists
        more items than the marks kept per feed (see ``PollStage._seen_to_keep``).
        """
        out: list[FeedEntry] = []
        pending: list[SeenEntry] = []
        listed = set(state.listed_digests) if state is not None else set()
        listed_before = state.listed_before if state is not None else None
        for e in entries:
            version = _ts(e.updated_at) or _ts(e.published_at)
            digest = content_hash(e.title, e.summary, e.content)
            seen = self.store.find_seen(feed.feed_id, e.entry_id, e.url_key)
            mark = SeenEntry(e.url_key, feed.feed_id, e.entry_id, version, digest, now)
            if seen is None and (
                listed_digest("i", e.entry_id) in listed
                or listed_digest("u", e.url_key) in listed
                or (listed_before is not None and version is not None and version <= listed_before)
            ):
                continue  # listed by the previous document: seen, its mark not kept
            if seen is None:
                out.append(e)
                pending.append(mark)
                continue
            newer = version is not None and (seen.version is None or version > seen.version)
            if newer and digest != seen.content_hash:
                out.append(e.model_copy(update={"is_update": True}))
                pending.append(
                    SeenEntry(e.url_key, feed.feed_id, e.entry_id, version, digest, seen.first_seen)
                )
            elif seen.feed_id == feed.feed_id and seen.entry_id != e.entry_id:
                # same article under a new GUID: remember the alias, emit nothing
                pending.append(
                    SeenEntry(
                        e.url_key,
                        feed.feed_id,
                        e.entry_id,
                        seen.version,
                        seen.content_hash,
                        seen.first_seen,
                    )
                )
        return out, pending

    # ----------------------------------------------------------------- scheduler

    def due(self, feeds: Iterable[FeedSpec], now: float | None = None) -> list[FeedSpec]:
        now = self.clock() if now is None else now
        out = []
        for f in feeds:
            st = self.store.load_feed(f.feed_id)
            if st is None or st.spec_url != f.url:
                out.append(f)
            elif not st.disabled_reason and st.next_due <= now:
                out.append(f)
        return out

    def stale_count(self, feeds: Iterable[FeedSpec], now: float | None = None) -> int:
        """Feeds silent for ``stale_factor`` times their usual interval."""
        now = self.clock() if now is None else now
        n = 0
        for f in feeds:
            st = self.store.load_feed(f.feed_id)
            if st is None or st.disabled_reason or not st.interval:
                continue
            last = st.last_new_entry or st.last_success
            if last is not None and now - last > self.settings.stale_factor * st.interval:
                n += 1
        return n

    async def run(
        self,
        feeds: Iterable[FeedSpec],
        on_result: Callable[[PollResult], Awaitable[None]],
        *,
        stop: asyncio.Event | None = None,
        once: bool = False,
        tick: float = 1.0,
    ) -> None:
        """Poll due feeds with at most ``poll.concurrency`` in flight until ``stop`` is set
        (``once``: one round of due feeds). ``on_result`` is awaited before the state of that
        poll is committed, so a crash in between polls again instead of losing entries."""
        feeds = list(feeds)
        stop = stop or asyncio.Event()
        sem = asyncio.Semaphore(self.settings.concurrency)
        in_flight: set[str] = set()
        tasks: set[asyncio.Task[None]] = set()

        async def one(feed: FeedSpec) -> None:
            try:
                async with sem:
                    result = await self.poll_once(feed, commit=False)
                    try:
                        await on_result(result)
                    except Exception:
                        # entries not handed on: keep the old validators and seen-marks so the
                        # next poll (not before min_interval) emits them again
                        log.exception("handling poll result of %s failed", feed.url)
                        old = self.store.load_feed(feed.feed_id) or self.state_for(feed)
                        old.next_due = self.clock() + self.settings.min_interval
                        self.store.save_feed(old)
                        return
                    self.commit(result)
            finally:
                in_flight.discard(feed.feed_id)

        while not stop.is_set():
            for feed in self.due(feeds):
                if feed.feed_id in in_flight:
                    continue
                in_flight.add(feed.feed_id)
                task = asyncio.create_task(one(feed))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if once:
                break
            emit(FeedStale(self.stale_count(feeds)))
            try:
                await asyncio.wait_for(stop.wait(), timeout=tick)
            except TimeoutError:
                pass
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=once)


def utc(ts: float | None) -> str | None:
    """Readable UTC time of a state timestamp."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")

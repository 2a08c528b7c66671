"""``wirewatch check-feed``: fetch a feed once and say, for a human, what a poller would see."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import humanize

from ingest.feeds import FeedSpec
from ingest.http import HttpClient
from ingest.parse import parse_feed_document
from ingest.poller import FEED_ACCEPT
from ingest.schedule import adaptive_interval, freshness_lifetime
from ingest.urls import strip_userinfo
from wirewatch.config import PollSettings
from wirewatch.errors import FeedParseError, FetchError

__all__ = ["FeedReport", "check_feed"]


@dataclass
class FeedReport:
    url: str
    ok: bool = False
    final_url: str | None = None
    status: int | None = None
    redirects: list[str] = field(default_factory=list)
    permanent_redirect: str | None = None
    elapsed_ms: float | None = None
    content_type: str | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    cache_control: str | None = None
    format: str | None = None
    encoding: str | None = None
    title: str | None = None
    language: str | None = None
    entries: int = 0
    newest_entry: str | None = None
    suggested_interval: float | None = None
    error_reason: str | None = None
    #: what went wrong, for a human (set with error_reason)
    error_message: str | None = None
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        def row(k: str, v: object) -> str:
            return f"  {k:<19}{v}"

        if not self.ok:
            # the rows of a report that was not made (no validators, no entries) would read as
            # findings about the feed: a failure says what failed and nothing else
            return [
                f"feed {self.url}: FAILED",
                row("error", self.error_reason or "feed.failed"),
                row("message", self.error_message or "-"),
            ]
        out = [f"feed {self.url}: OK"]
        out.append(row("HTTP status", self.status if self.status is not None else "-"))
        if self.redirects:
            out.append(row("redirects", " -> ".join([*self.redirects, self.final_url or ""])))
        if self.permanent_redirect:
            out.append(row("moved permanently", self.permanent_redirect))
        for k, v in (
            ("time", f"{self.elapsed_ms:.0f} ms" if self.elapsed_ms is not None else None),
            ("content type", self.content_type),
            ("size", humanize.naturalsize(self.bytes) if self.bytes is not None else None),
            ("ETag", self.etag),
            ("Last-Modified", self.last_modified),
            ("Cache-Control", self.cache_control),
            ("format", self.format),
            ("encoding", self.encoding),
            ("title", self.title),
            ("language", self.language),
        ):
            out.append(row(k, v if v not in (None, "") else "-"))
        out.append(row("entries", self.entries))
        out.append(row("newest entry", self.newest_entry or "-"))
        if self.suggested_interval is not None:
            out.append(row("suggested interval", f"{self.suggested_interval:.0f} s"))
        for p in self.problems:
            out.append(row("problem", p))
        return out


async def check_feed(client: HttpClient, url: str, poll: PollSettings | None = None) -> FeedReport:
    poll = poll or PollSettings()
    report = FeedReport(url=url)
    feed = FeedSpec(url=url)
    t0 = time.perf_counter()
    try:
        resp = await client.get(url, {"Accept": FEED_ACCEPT}, purpose="feed")
    except FetchError as exc:
        report.error_reason = exc.reason
        report.error_message = str(exc)
        report.problems.append(str(exc))
        return report
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    report.status = resp.status
    report.final_url = resp.url
    report.redirects = [u for _s, u in resp.history]
    report.permanent_redirect = resp.permanent_url
    report.content_type = resp.headers.get("content-type")
    report.bytes = len(resp.body)
    report.etag = resp.headers.get("etag")
    report.last_modified = resp.headers.get("last-modified")
    report.cache_control = resp.headers.get("cache-control")
    if not 200 <= resp.status < 300:
        report.error_reason = f"http.status.{resp.status}"
        report.error_message = f"HTTP {resp.status} from {strip_userinfo(resp.url)}"
        if resp.retry_after is not None:
            report.problems.append(f"Retry-After: {resp.retry_after:g} s")
            report.error_message += f" (Retry-After: {resp.retry_after:g} s)"
        return report
    try:
        parsed = parse_feed_document(resp.body, resp.headers, feed, url=resp.url)
    except FeedParseError as exc:
        report.error_reason = exc.reason
        report.error_message = str(exc)
        report.problems.append(str(exc))
        return report
    report.ok = True
    if not (report.etag or report.last_modified):
        report.problems.append("no ETag or Last-Modified: every poll downloads the full feed")
    report.format = parsed.version
    report.encoding = parsed.encoding
    report.title = parsed.title
    report.language = parsed.language
    report.entries = len(parsed.entries)
    report.problems.extend(parsed.problems)
    times = [e.published_at.timestamp() for e in parsed.entries if e.published_at]
    if times:
        report.newest_entry = datetime.fromtimestamp(max(times), UTC).isoformat()
    elif parsed.entries:
        report.problems.append("entries carry no dates: the interval adapts from arrivals only")
    now = time.time()
    interval = adaptive_interval(
        times,
        now,
        minimum=poll.min_interval,
        maximum=poll.max_interval,
        default=poll.default_interval,
    )
    fresh = freshness_lifetime(report.cache_control, resp.headers.get("expires"), now)
    if fresh is not None:
        interval = min(max(interval, fresh), poll.max_interval)
    report.suggested_interval = interval
    if not parsed.entries:
        report.problems.append("the feed has no entries")
    return report

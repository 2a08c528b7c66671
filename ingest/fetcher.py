"""Fetch one article page politely and turn it into an :class:`Article`.

The request goes through the shared :class:`HttpClient` (robots.txt, SSRF guard, per-host
throttle, size and time caps). Extraction is CPU work, so it runs in a worker thread (or an
executor the caller passes, e.g. a process pool) to keep the event loop polling. When the page
is unusable (error, consent wall, paywall stub, nothing extracted) but the feed carried the full
article (``FeedEntry.content``), that text is used and ``extraction_path`` says "feed-content".
A redirect page (``<meta http-equiv=refresh>`` to another URL) is followed like an HTTP redirect,
through the same client (guard, robots, caps). A page that is not HTML at all (an archive, an
image, a feed document linked as an item) and no feed text is not an article:
:class:`ExtractionError` with reason ``page.not_html`` (a dead letter naming the content type),
never an article with no text.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from concurrent.futures import Executor

from ingest.http import HttpClient, Response
from ingest.pages import DEFAULT_OPTIONS, ExtractOptions, extract_article, meta_refresh_target
from ingest.urls import canonicalize_url, strip_userinfo
from wirewatch.contracts import Article, FeedEntry, Timings, stable_key
from wirewatch.errors import ExtractionError, FetchError, HttpStatusError
from wirewatch.logs import mask_userinfo
from wirewatch.metrics import ArticleFetched, StageLatency, emit

__all__ = ["ARTICLE_ACCEPT", "ArticleFetcher"]

ARTICLE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
log = logging.getLogger(__name__)
#: <meta http-equiv=refresh> redirects followed per article (HTTP redirects are the client's)
MAX_META_REFRESHES = 3
_READ_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/octet-stream")


class ArticleFetcher:
    def __init__(
        self,
        client: HttpClient,
        *,
        options: ExtractOptions = DEFAULT_OPTIONS,
        executor: Executor | None = None,
    ) -> None:
        self.client = client
        self.options = options
        self.executor = executor

    async def fetch(self, target: FeedEntry | str) -> Article:
        """Fetch and extract ``target`` (a feed entry, or a URL). Raises :class:`FetchError`
        (``.reason`` says why) when the page cannot be had, :class:`ExtractionError` (reason
        ``page.not_html``) when it is not HTML, and the feed has no full text."""
        entry = target if isinstance(target, FeedEntry) else None
        url = entry.link if entry is not None else str(target)
        t0 = time.perf_counter()
        try:
            resp = await self._get(url)
            # a redirect stub (<meta http-equiv=refresh>) has no text: the article is where it
            # sends the browser, within a few hops (a refresh loop ends there)
            for _hop in range(MAX_META_REFRESHES):
                onward = meta_refresh_target(resp.body, resp.headers.get("content-type"), resp.url)
                if onward is None or onward == resp.url:
                    break
                resp = await self._get(onward)
        except FetchError as exc:
            # its message becomes a dead letter's error: no credentials of the link in it
            exc.args = (mask_userinfo(str(exc)),)
            emit(ArticleFetched(status=exc.reason))
            log.info(
                "article fetch failed: %s", exc.reason, extra={"reason": exc.reason, "url": url}
            )
            if entry is not None and entry.content:
                return self._from_feed(entry, None, None)
            raise
        fetch_ms = (time.perf_counter() - t0) * 1000
        loop = asyncio.get_running_loop()
        work = functools.partial(
            extract_article,
            resp.body,
            url,
            resp.headers,
            options=self.options,
            final_url=resp.url if resp.url != url else None,
            http_status=resp.status,
            entry_id=entry.entry_id if entry is not None else None,
            feed_id=entry.feed_id if entry is not None else None,
            fetch_ms=fetch_ms,
        )
        article = await loop.run_in_executor(self.executor, work)
        if entry is not None:
            if article.page_kind != "article" and entry.content:
                article = self._from_feed(entry, article, fetch_ms)
            article = _fill_from_entry(article, entry)
        if article.page_kind == "not_html":  # no article: counted as a failed fetch
            kind = article.content_type or "no content type"
            emit(ArticleFetched(status="page.not_html"))
            log.info("page is not HTML: %s", kind, extra={"reason": "page.not_html", "url": url})
            emit(StageLatency("fetch", time.perf_counter() - t0))
            raise ExtractionError(
                f"not an HTML page ({kind}): {strip_userinfo(url)}; not an article",
                reason="page.not_html",
            )
        emit(ArticleFetched(status=str(resp.status), page_kind=article.page_kind))
        if article.page_kind != "article":
            log.info(
                "page is not an article: %s",
                article.page_kind,
                extra={"reason": f"page.{article.page_kind}", "url": url},
            )
        emit(StageLatency("fetch", time.perf_counter() - t0))
        return article

    async def _get(self, url: str) -> Response:
        resp = await self.client.get(
            url, {"Accept": ARTICLE_ACCEPT}, purpose="article", accept_types=_READ_TYPES
        )
        if resp.status >= 400:
            raise HttpStatusError(
                f"HTTP {resp.status} for {resp.url}",
                status=resp.status,
                reason=f"http.status.{resp.status}",
            )
        return resp

    @staticmethod
    def _from_feed(entry: FeedEntry, page: Article | None, fetch_ms: float | None) -> Article:
        text = entry.content or ""
        if entry.title and not text.startswith(entry.title):
            text = f"{entry.title}\n{text}"
        base = page.model_dump() if page is not None else {}
        base.update(
            article_id=stable_key(canonicalize_url(entry.link)),
            url=strip_userinfo(entry.link),
            entry_id=entry.entry_id,
            feed_id=entry.feed_id,
            text=text,
            page_kind="article",
            extraction_path="feed-content",
            timings=Timings(fetch_ms=fetch_ms),
        )
        return _fill_from_entry(Article.model_validate(base), entry)


def _fill_from_entry(article: Article, entry: FeedEntry) -> Article:
    update: dict[str, object] = {}
    if not article.title and entry.title:
        update["title"] = entry.title
    if article.published_at is None and entry.published_at is not None:
        update["published_at"] = entry.published_at
    if not article.authors and entry.authors:
        update["authors"] = list(entry.authors)
    if not article.language and entry.language:
        update["language"] = entry.language
    return article.model_copy(update=update) if update else article

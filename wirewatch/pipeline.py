"""The topology, assembled in one place: poll -> fetch -> process -> sink.

``Pipeline`` runs every stage in one process (``wirewatch run``): the embedded default writes
JSONL and keeps feed state in SQLite; with Kafka configured the same chain publishes to the
topics. Stages hand records on in memory; a feed's state (validators, seen entries) is
committed only after everything its poll produced reached the sink, so a crash re-polls rather
than loses (at-least-once; the Kafka workers in :mod:`wirewatch.workers` are exactly-once).

Failures never stop the run: each becomes a :class:`DeadLetter` with a reason and a metric.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
import uuid
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ingest import ArticleFetcher, FeedSpec, HttpClient, Poller, PollResult, StateStore
from sinks import Sink
from wirewatch.config import ProcessSettings, Settings
from wirewatch.contracts import Article, DeadLetter, FeedEntry, Incident
from wirewatch.errors import WirewatchError
from wirewatch.metrics import (
    ArticleSkipped,
    DeadLettered,
    IncidentsExtracted,
    StageLatency,
    emit,
)

__all__ = ["Pipeline", "RunStats", "dead_letter", "process_article"]

log = logging.getLogger("wirewatch.pipeline")

#: the languages the process stage runs the rules on by default (``process.languages``)
DEFAULT_LANGUAGES = ProcessSettings().language_set


@dataclass
class RunStats:
    polls: int = 0
    poll_errors: int = 0
    entries: int = 0
    articles: int = 0
    incidents: int = 0
    dead_letters: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def dead_letter(
    stage: str,
    exc: BaseException | str,
    *,
    reason: str | None = None,
    payload: BaseModel | bytes | str | None = None,
    key: str | None = None,
    source_topic: str | None = None,
    source_partition: int | None = None,
    source_offset: int | None = None,
    context: dict[str, Any] | None = None,
) -> DeadLetter:
    """A dead letter for ``exc`` with the original payload kept (UTF-8, else base64)."""
    import base64

    if reason is None:
        reason = (
            exc.reason
            if isinstance(exc, WirewatchError)
            else (
                f"{stage}.crash.{type(exc).__name__}" if isinstance(exc, BaseException) else stage
            )
        )
    text: str | None
    encoding = "utf-8"
    if isinstance(payload, BaseModel):
        text = payload.model_dump_json()
    elif isinstance(payload, bytes):
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(payload).decode("ascii"), "base64"
    else:
        text = payload
    ctx = dict(context or {})
    if isinstance(exc, BaseException) and not isinstance(exc, WirewatchError):
        ctx["traceback"] = "".join(traceback.format_exception(exc, limit=5))[-4000:]
    emit(DeadLettered(stage, reason))
    log.warning(
        "dead letter: %s",
        reason,
        extra={"stage": stage, "reason": reason, "key": key, "error": str(exc)[:500]},
    )
    return DeadLetter(
        dead_letter_id=str(uuid.uuid4()),
        stage=stage,
        reason=reason,
        error=str(exc)[:2000] or type(exc).__name__,
        source_topic=source_topic,
        source_partition=source_partition,
        source_offset=source_offset,
        key=key,
        payload=text,
        payload_encoding=encoding,  # type: ignore[arg-type]
        context=ctx,
    )


def process_article(
    article: Article, languages: Collection[str] | None = DEFAULT_LANGUAGES
) -> list[Incident]:
    """The process stage: article -> incidents (pure; raises on a bug, callers dead-letter).
    ``languages``: run the rules only on articles in these languages (None = all;
    ``settings.process.language_set``); others are counted as skipped and yield nothing."""
    from processors import article_language, extract_incidents

    if article.page_kind != "article" or not article.text.strip():
        return []
    t0 = time.perf_counter()
    language = article_language(article)
    if languages is not None and language not in languages:
        emit(ArticleSkipped("language", language))
        emit(StageLatency("process", time.perf_counter() - t0))  # detection was this record's work
        return []
    incidents = extract_incidents(article, language=language)
    emit(StageLatency("process", time.perf_counter() - t0))
    if incidents:
        emit(IncidentsExtracted(tuple(i.event_type for i in incidents)))
    return incidents


class Pipeline:
    """All stages in one process. ``run(once=True)`` does one pass over the feeds."""

    def __init__(
        self,
        settings: Settings,
        feeds: Sequence[FeedSpec],
        sink: Sink,
        store: StateStore,
        *,
        client: HttpClient | None = None,
        fetch_concurrency: int = 16,
        extract_workers: int = 1,
    ) -> None:
        self.settings = settings
        self.feeds = list(feeds)
        self.sink = sink
        self.store = store
        self._client = client
        self.fetch_concurrency = fetch_concurrency
        self.extract_workers = extract_workers
        self.stats = RunStats()
        self.stop_event: asyncio.Event | None = None
        self._seen_articles: set[str] = set()
        self.on_incident: Callable[[Incident], None] | None = None

    def request_stop(self) -> None:
        if self.stop_event is not None:
            self.stop_event.set()

    def _add(self, record: BaseModel, stage: str) -> None:
        self.sink.add(record, source=f"wirewatch/{stage}")
        if isinstance(record, DeadLetter):
            self.stats.dead_letters += 1
            self.stats.reasons[record.reason] = self.stats.reasons.get(record.reason, 0) + 1

    async def _handle_entry(
        self, fetcher: ArticleFetcher, entry: FeedEntry, sem: asyncio.Semaphore
    ) -> None:
        self._add(entry, "poll")
        self.stats.entries += 1
        if entry.url_key in self._seen_articles and not entry.is_update:
            return  # the same article through another feed in this run
        self._seen_articles.add(entry.url_key)
        async with sem:
            try:
                article = await fetcher.fetch(entry)
            except Exception as exc:
                self._add(dead_letter("fetch", exc, payload=entry, key=entry.url_key), "fetch")
                return
        self._add(article, "fetch")
        self.stats.articles += 1
        try:
            incidents = process_article(article, self.settings.process.language_set)
        except Exception as exc:
            log.exception("process stage failed", extra={"article_id": article.article_id})
            self._add(
                dead_letter("process", exc, payload=article, key=article.article_id), "process"
            )
            return
        for inc in incidents:
            self._add(inc, "process")
            if self.on_incident:
                self.on_incident(inc)
        self.stats.incidents += len(incidents)

    async def _on_poll(
        self, fetcher: ArticleFetcher, result: PollResult, sem: asyncio.Semaphore
    ) -> None:
        self.stats.polls += 1
        if result.status in ("error", "disabled"):
            if result.status == "error":
                self.stats.poll_errors += 1
            log.warning(
                "feed poll failed" if result.status == "error" else "feed disabled",
                extra={
                    "feed_id": result.feed.feed_id,
                    "reason": result.error_reason,
                    "url": result.url,
                    "error": (result.error_message or "")[:500],
                },
            )
            return
        await asyncio.gather(*(self._handle_entry(fetcher, e, sem) for e in result.entries))
        self.sink.flush()

    async def run(self, *, once: bool = False, timeout: float | None = None) -> RunStats:
        self.stop_event = asyncio.Event()
        client = self._client or HttpClient(self.settings.http)
        executor = ThreadPoolExecutor(self.extract_workers, thread_name_prefix="extract")
        try:
            fetcher = ArticleFetcher(client, executor=executor)
            poller = Poller(client, self.store, self.settings.poll)
            sem = asyncio.Semaphore(self.fetch_concurrency)
            poll_sem = asyncio.Semaphore(self.settings.poll.concurrency)

            async def on_result(result: PollResult) -> None:
                await self._on_poll(fetcher, result, sem)

            if once:

                async def one(feed: FeedSpec) -> None:
                    async with poll_sem:
                        if self.stop_event is not None and self.stop_event.is_set():
                            return  # shutting down: finish what is in flight only
                        result = await poller.poll_once(feed, commit=False)
                        await on_result(result)
                        poller.commit(result)

                work = asyncio.gather(*(one(f) for f in self.feeds))
                await asyncio.wait_for(work, timeout) if timeout else await work
            else:
                if timeout:
                    asyncio.get_running_loop().call_later(timeout, self.stop_event.set)
                await poller.run(self.feeds, on_result, stop=self.stop_event)
        finally:
            self.sink.flush()
            executor.shutdown(wait=True)
            if self._client is None:
                await client.aclose()
        return self.stats

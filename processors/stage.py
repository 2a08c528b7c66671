"""The process stage: articles in, incident events out (topology row ``process``).

Pure over the contracts: no I/O but the metrics it emits. An extractor that crashes on one
article dead-letters that article (``process.crash.<Error>``); the batch goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from typing import ClassVar

from wirewatch.config import ProcessSettings, Settings
from wirewatch.contracts import Article, Incident
from wirewatch.metrics import ArticleSkipped, IncidentsExtracted, StageLatency, emit
from wirewatch.stage import Emit, Inbound, letter_for

__all__ = ["DEFAULT_LANGUAGES", "ProcessStage", "process_article"]

log = logging.getLogger("wirewatch.process")

#: the languages the process stage runs the rules on by default (``process.languages``)
DEFAULT_LANGUAGES = ProcessSettings().language_set


def process_article(
    article: Article, languages: Collection[str] | None = DEFAULT_LANGUAGES
) -> list[Incident]:
    """Article -> incidents (pure; raises on a bug, callers dead-letter).
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


class ProcessStage:
    """articles -> incidents."""

    name: ClassVar[str] = "process"
    input_kind: ClassVar[str] = "articles"
    output_kinds: ClassVar[tuple[str, ...]] = ("incidents",)
    settings_section: ClassVar[str] = "process"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.process
        self.languages = self.settings.language_set

    async def setup(self) -> None:
        pass

    async def handle(self, batch: Sequence[Inbound]) -> list[Emit]:
        out: list[Emit] = []
        for item in batch:
            article: Article = item.record
            try:
                incidents = process_article(article, self.languages)
            except Exception as exc:
                log.exception("extractor crashed", extra={"article_id": article.article_id})
                out.append(letter_for(self.name, item, exc, key=article.article_id))
                continue
            out.extend(Emit("incidents", i.incident_id, i) for i in incidents)
        return out

    def on_commit(self, batch: Sequence[Inbound]) -> None:
        pass

    def on_abort(self, batch: Sequence[Inbound]) -> None:
        pass

    async def close(self) -> None:
        pass

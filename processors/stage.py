"""The process stage: articles in, incident events out (topology row ``process``).

The stage runs whichever extractor ``process.extractor`` names (:mod:`processors.extractor`),
under that extractor's language policy; ``wirewatch incidents`` runs the same extractor. Pure
over the contracts: no I/O but the metrics it emits. An extractor that crashes on one article
dead-letters that article (``process.crash.<Error>``); the batch goes on.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Collection, Sequence
from typing import ClassVar

from clusters.events import outlet_of, shard_key
from processors.extractor import Extractor, RuleExtractor, build_extractor
from wirewatch.config import ProcessSettings, Settings
from wirewatch.contracts import Article, Incident, WireCopy
from wirewatch.metrics import ArticleSkipped, BuildInfo, IncidentsExtracted, StageLatency, emit
from wirewatch.stage import Emit, Inbound, letter_for

__all__ = ["DEFAULT_LANGUAGES", "ProcessStage", "extract_one", "process_article"]

log = logging.getLogger("wirewatch.process")

#: originals whose having no incidents a process worker remembers (article ids, oldest forgotten
#: first): a wire copy of one of them goes to the public copies topic only, not to every
#: partition of the cluster stage's input (most articles report no incident)
ORIGINALS_REMEMBERED = 100_000

#: the languages the process stage runs the rules on by default (``process.languages``)
DEFAULT_LANGUAGES = ProcessSettings().language_set


def extract_one(extractor: Extractor, article: Article) -> list[Incident]:
    """One article through ``extractor`` with the stage's metrics (raises on a bug; callers
    dead-letter): a skipped article is counted by reason, latency is observed either way."""
    if article.duplicate_of is not None:  # a wire copy: the first copy has the incidents
        emit(ArticleSkipped("duplicate", article.language or "und"))
        return []
    t0 = time.perf_counter()
    verdict = extractor.policy(article)
    if not verdict.run:
        if verdict.skip_reason == "language":
            emit(ArticleSkipped("language", verdict.language))
            emit(StageLatency("process", time.perf_counter() - t0))  # detection was its work
        return []
    incidents = extractor.extract([article])[0]
    emit(StageLatency("process", time.perf_counter() - t0))
    if incidents:
        emit(IncidentsExtracted(tuple(i.event_type for i in incidents)))
    return incidents


def process_article(
    article: Article, languages: Collection[str] | None = DEFAULT_LANGUAGES
) -> list[Incident]:
    """Article -> incidents with the rule extractor, running on ``languages`` only (None = all;
    ``settings.process.language_set``); others are counted as skipped and yield nothing."""
    key = None if languages is None else tuple(sorted(languages))
    return extract_one(_rule_extractor(key), article)


@functools.lru_cache(maxsize=32)
def _rule_extractor(languages: tuple[str, ...] | None) -> RuleExtractor:
    """One rule extractor per language set (sorted; None = all): callers (the benches, tests)
    call :func:`process_article` once per article, and the extractor keeps no state between
    articles, so it is built (settings validated) once per set, not once per article."""
    settings = ProcessSettings(languages=["*"] if languages is None else list(languages))
    return RuleExtractor(settings)


class ProcessStage:
    """articles -> incidents."""

    name: ClassVar[str] = "process"
    input_kind: ClassVar[str] = "articles"
    output_kinds: ClassVar[tuple[str, ...]] = (
        "incidents",
        "copies",
        "sharded-incidents",
        "broadcast-copies",
    )
    settings_section: ClassVar[str] = "process"

    def __init__(self, settings: Settings) -> None:
        # built here so a bad process.extractor fails at start, before anything is consumed
        self.extractor = build_extractor(settings.process)
        # originals processed here that yielded no incidents (article_id -> None, oldest first)
        self.no_incidents: OrderedDict[str, None] = OrderedDict()
        self.originals_remembered = ORIGINALS_REMEMBERED

    async def setup(self) -> None:
        self.extractor.setup()
        emit(BuildInfo(self.extractor.version))

    async def handle(self, batch: Sequence[Inbound]) -> list[Emit]:
        out: list[Emit] = []
        for item in batch:
            article: Article = item.record
            try:
                incidents = extract_one(self.extractor, article)
            except Exception as exc:
                log.exception("extractor crashed", extra={"article_id": article.article_id})
                out.append(letter_for(self.name, item, exc, key=article.article_id))
                continue
            outlet = outlet_of(article.final_url or article.url)
            if article.duplicate_of is not None:  # the cluster stage counts it as a report
                copy = WireCopy(
                    article_id=article.article_id,
                    duplicate_of=article.duplicate_of,
                    similarity=article.duplicate_similarity,
                    url=article.final_url or article.url,
                    outlet=outlet,
                    published_at=article.published_at,
                )
                out.append(Emit("copies", article.article_id, copy))
                # the cluster stage counts a copy only in events holding its original: an
                # original known to have none needs no copy on every partition
                if article.duplicate_of not in self.no_incidents:
                    out.append(Emit("broadcast-copies", article.article_id, copy))
            else:
                self._remember(article.article_id, bool(incidents))
            for i in incidents:
                placed = i.model_copy(update={"outlet": outlet})
                out.append(Emit("incidents", i.incident_id, placed))
                # the cluster stage's input: keyed by shard, so its workers scale
                out.append(Emit("sharded-incidents", shard_key(placed), placed))
        return out

    def _remember(self, article_id: str, has_incidents: bool) -> None:
        """Whether an original yielded incidents, for its wire copies (an article processed
        again with incidents this time is forgotten: its copies go to every partition)."""
        if has_incidents:
            self.no_incidents.pop(article_id, None)
            return
        self.no_incidents[article_id] = None
        self.no_incidents.move_to_end(article_id)
        while len(self.no_incidents) > self.originals_remembered:
            self.no_incidents.popitem(last=False)

    def on_commit(self, batch: Sequence[Inbound]) -> None:
        pass

    def on_abort(self, batch: Sequence[Inbound]) -> None:
        pass

    async def close(self) -> None:
        pass

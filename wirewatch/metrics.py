"""Metrics as typed events: components ``emit(SomeEvent(...))``; one place maps events to
Prometheus series. No component touches prometheus_client directly.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
)

from wirewatch import __version__

__all__ = [
    "REGISTRY",
    "ArticleFetched",
    "ArticleSkipped",
    "BackfillItems",
    "BackfillListed",
    "BackfillWritten",
    "BuildInfo",
    "DeadLettered",
    "DeliveryResult",
    "FeedPolled",
    "FeedStale",
    "IncidentsExtracted",
    "MemoryAtRest",
    "StageLatency",
    "WebSubEvent",
    "emit",
]

REGISTRY = CollectorRegistry(auto_describe=True)
# the standard process_* (memory, CPU, file descriptors) and python_* (version, GC) series,
# which a registry of our own does not get by itself: the same collector objects as the
# default registry's, registered here too
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

#: the extractor_version of a worker that runs no extractor (poll, fetch, cluster)
NO_EXTRACTOR = "none"
_build = Info(
    "wirewatch_build",
    "Always 1: wirewatch's version, the incident extractor's version (the process stage's, "
    f"{NO_EXTRACTOR!r} in a worker without one) and the Python version",
    registry=REGISTRY,
)


def _set_build_info(extractor_version: str) -> None:
    _build.info(
        {
            "version": __version__,
            "extractor_version": extractor_version,
            "python": platform.python_version(),
        }
    )


_set_build_info(NO_EXTRACTOR)

_polls = Counter("wirewatch_polls_total", "Feed polls by result", ["result"], registry=REGISTRY)
_new_entries = Counter("wirewatch_entries_total", "Entries emitted", ["kind"], registry=REGISTRY)
_fetches = Counter(
    "wirewatch_fetches_total", "Article fetches by status", ["status"], registry=REGISTRY
)
_articles = Counter(
    "wirewatch_articles_total", "Articles by page kind", ["page_kind"], registry=REGISTRY
)
_skipped = Counter(
    "wirewatch_articles_skipped_total",
    "Articles the process stage ran no incident rules on, by reason and detected language",
    ["reason", "language"],
    registry=REGISTRY,
)
_incidents = Counter(
    "wirewatch_incidents_total", "Incidents by event type", ["event_type"], registry=REGISTRY
)
_events = Counter(
    "wirewatch_events_total",
    "Event versions the cluster stage wrote: a new event (version 1) or an update of one",
    ["version"],
    registry=REGISTRY,
)
_dead = Counter(
    "wirewatch_dead_letters_total",
    "Dead letters by stage and reason",
    ["stage", "reason"],
    registry=REGISTRY,
)
_delivery = Counter(
    "wirewatch_sink_deliveries_total",
    "Sink delivery results",
    ["sink", "topic", "result"],
    registry=REGISTRY,
)
_latency = Histogram(
    "wirewatch_stage_seconds",
    "Per-record stage latency",
    ["stage"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
_stale = Gauge(
    "wirewatch_stale_feeds", "Feeds silent for N times their usual interval", registry=REGISTRY
)
_rest_rss = Gauge(
    "wirewatch_resident_memory_at_rest_bytes",
    "Resident memory sampled by the worker between batches, right after a commit and a heap "
    "trim: the baseline a leak raises (process_resident_memory_bytes also counts the batch "
    "in hand, so it swings by megabytes)",
    ["stage"],
    registry=REGISTRY,
)
_lag = Gauge(
    "wirewatch_consumer_lag_records",
    "Consumer lag in records (end offset minus position) by stage and partition",
    ["stage", "topic", "partition"],
    registry=REGISTRY,
)
_websub = Counter(
    "wirewatch_websub_total",
    "WebSub traffic by kind (subscribe, unsubscribe, verification, delivery) and result "
    "(accepted, or why it was refused)",
    ["kind", "result"],
    registry=REGISTRY,
)


_backfill_pages = Counter(
    "wirewatch_backfill_pages_total",
    "Backfill source documents listed (sitemap, robots, feed page)",
    ["kind"],
    registry=REGISTRY,
)
_backfill_failures = Counter(
    "wirewatch_backfill_listing_failures_total",
    "Backfill source documents that could not be listed, by error class",
    ["reason"],
    registry=REGISTRY,
)
_backfill_written = Counter(
    "wirewatch_backfill_entries_written_total",
    "Backfill items carried to the sink (as entries, and through the stages in embedded mode)",
    registry=REGISTRY,
)
_backfill_items = Gauge(
    "wirewatch_backfill_items",
    "Items of the backfill window in its progress file: found (listed so far) and done",
    ["state"],
    registry=REGISTRY,
)


@dataclass(frozen=True)
class FeedPolled:
    result: str  # new | unchanged | not_modified | error.<class> | disabled
    new_entries: int = 0
    updated_entries: int = 0


@dataclass(frozen=True)
class ArticleFetched:
    status: str  # HTTP status code as text, or error class
    page_kind: str | None = None


@dataclass(frozen=True)
class ArticleSkipped:
    reason: str  # language (not one of process.languages)
    language: str


@dataclass(frozen=True)
class IncidentsExtracted:
    event_types: tuple[str, ...]


@dataclass(frozen=True)
class EventVersioned:
    """One event version written by the cluster stage (``new``: its first)."""

    new: bool


@dataclass(frozen=True)
class DeadLettered:
    stage: str
    reason: str


@dataclass(frozen=True)
class DeliveryResult:
    sink: str
    topic: str
    ok: bool
    count: int = 1


@dataclass(frozen=True)
class StageLatency:
    stage: str
    seconds: float


@dataclass(frozen=True)
class FeedStale:
    count: int


@dataclass(frozen=True)
class MemoryAtRest:
    stage: str
    rss_bytes: int


@dataclass(frozen=True)
class BuildInfo:
    """The extractor this process runs (its ``version``), for ``wirewatch_build_info``."""

    extractor_version: str


@dataclass(frozen=True)
class ConsumerLag:
    stage: str
    topic: str
    partition: int
    lag: int


@dataclass(frozen=True)
class WebSubEvent:
    kind: str  # subscribe | unsubscribe | verification | delivery | connection
    result: str  # accepted | live | bad_signature | oversize | rate_limited | ...


@dataclass(frozen=True)
class BackfillListed:
    """One source document of a backfill: listed (``reason`` None) or not (its error class)."""

    kind: str  # sitemap | robots | feed; "" when it could not be read
    reason: str | None = None


@dataclass(frozen=True)
class BackfillWritten:
    entries: int


@dataclass(frozen=True)
class BackfillItems:
    found: int
    done: int


Event = (
    FeedPolled
    | ArticleFetched
    | IncidentsExtracted
    | EventVersioned
    | ArticleSkipped
    | DeadLettered
    | DeliveryResult
    | StageLatency
    | FeedStale
    | MemoryAtRest
    | ConsumerLag
    | BuildInfo
    | WebSubEvent
    | BackfillListed
    | BackfillWritten
    | BackfillItems
)


def emit(event: Event) -> None:
    match event:
        case FeedPolled():
            _polls.labels(event.result).inc()
            if event.new_entries:
                _new_entries.labels("new").inc(event.new_entries)
            if event.updated_entries:
                _new_entries.labels("update").inc(event.updated_entries)
        case ArticleFetched():
            _fetches.labels(event.status).inc()
            if event.page_kind:
                _articles.labels(event.page_kind).inc()
        case IncidentsExtracted():
            for t in event.event_types:
                _incidents.labels(t).inc()
        case EventVersioned():
            _events.labels("new" if event.new else "update").inc()
        case ArticleSkipped():
            _skipped.labels(event.reason, event.language).inc()
        case DeadLettered():
            _dead.labels(event.stage, event.reason).inc()
        case DeliveryResult():
            _delivery.labels(event.sink, event.topic, "ok" if event.ok else "error").inc(
                event.count
            )
        case StageLatency():
            _latency.labels(event.stage).observe(event.seconds)
        case FeedStale():
            _stale.set(event.count)
        case MemoryAtRest():
            _rest_rss.labels(event.stage).set(event.rss_bytes)
        case ConsumerLag():
            _lag.labels(event.stage, event.topic, str(event.partition)).set(event.lag)
        case BuildInfo():
            _set_build_info(event.extractor_version)
        case WebSubEvent():
            _websub.labels(event.kind, event.result).inc()
        case BackfillListed():
            if event.reason is None:
                _backfill_pages.labels(event.kind).inc()
            else:
                _backfill_failures.labels(event.reason).inc()
        case BackfillWritten():
            _backfill_written.inc(event.entries)
        case BackfillItems():
            _backfill_items.labels("found").set(event.found)
            _backfill_items.labels("done").set(event.done)


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    """Current value of a series (tests and diagnostics)."""
    v = REGISTRY.get_sample_value(name, labels or {})
    return 0.0 if v is None else v

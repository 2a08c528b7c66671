"""Topic contracts: the records other teams code against.

Each model is the value of one topic and carries ``schema_version``. The JSON Schema files under
``wirewatch/schemas/`` are generated from these models (``wirewatch schemas write``) and a test
fails when the committed files drift from the models. Field names of :class:`Incident` are fixed:
downstream teams and the independent evaluation read them.

Breaking changes get a new major ``schema_version`` *and* a new topic suffix (``.v2``); additive
optional fields bump the minor version only.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Actor",
    "Article",
    "DeadLetter",
    "Evidence",
    "ExtractorInfo",
    "FeedEntry",
    "Incident",
    "Location",
    "MediaItem",
    "stable_key",
    "utcnow",
]

SCHEMA_VERSION: Literal["1.0"] = "1.0"


def stable_key(canonical_url: str) -> str:
    """Stable identity of an URL: hex SHA-256 (first 32 chars) of the canonical form.

    Used as the Kafka key of entries and articles and as ``article_id``.
    """
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- entries


class MediaItem(_Contract):
    url: str
    type: str | None = None
    medium: str | None = None


class FeedEntry(_Contract):
    """One item of a feed, normalized. Topic: ``<prefix>.entries.v1``, key: ``url_key``."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    entry_id: str = Field(description="GUID, else canonical link, else hash of title and date")
    url_key: str = Field(description="stable_key(canonical_url); the Kafka key")
    feed_id: str
    feed_url: str
    url: str = Field(description="canonical article URL (tracking parameters stripped)")
    link: str = Field(description="article URL as the feed gave it, made absolute")
    title: str | None = None
    summary: str | None = None
    content: str | None = Field(
        default=None, description="content:encoded / atom content when it holds the full article"
    )
    authors: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    media: list[MediaItem] = Field(default_factory=list)
    language: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    is_update: bool = Field(default=False, description="same entry seen before with older updated")


# --------------------------------------------------------------------------- articles

PageKind = Literal["article", "consent_wall", "paywall", "empty", "not_html", "error"]


class Timings(_Contract):
    fetch_ms: float | None = None
    extract_ms: float | None = None


class Article(_Contract):
    """Text and metadata of one page. Topic: ``<prefix>.articles.v1``, key: ``article_id``."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    article_id: str = Field(description="stable_key(canonical url)")
    url: str
    final_url: str | None = Field(default=None, description="after redirects")
    canonical_url: str | None = Field(default=None, description="<link rel=canonical> of the page")
    entry_id: str | None = None
    feed_id: str | None = None
    title: str | None = None
    text: str = ""
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = Field(
        default=None,
        description="the page's schema.org datePublished with the publisher's UTC offset "
        "(its date is the publisher's local date); else the page's date at 00:00 UTC; "
        "else the feed entry's time",
    )
    site_name: str | None = None
    language: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    charset: str | None = None
    page_kind: PageKind = "article"
    extraction_path: str = Field(
        default="trafilatura",
        description="trafilatura | trafilatura-fallback | feed-content | none",
    )
    fetched_at: datetime = Field(default_factory=utcnow)
    timings: Timings = Field(default_factory=Timings)


# --------------------------------------------------------------------------- incidents

ActorRole = Literal["actor1", "actor2", "target", "claimant"]


class Actor(_Contract):
    name: str
    role: ActorRole
    type: str | None = Field(
        default=None,
        description="state_forces | rebel_group | militia | identity_militia | rioters | protesters"
        " | civilians | external_force | unidentified | other",
    )


class Location(_Contract):
    name: str
    admin1: str | None = None
    country: str | None = None
    country_iso3: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = Field(
        default=None, description="exact | town | near | admin1 | country"
    )
    geonames_id: int | None = None


class Evidence(_Contract):
    text: str
    start: int = Field(ge=0, description="character offset into the article text")
    end: int = Field(ge=0)


class ExtractorInfo(_Contract):
    name: str
    version: str


class Incident(_Contract):
    """One incident event. Topic: ``<prefix>.incidents.v1``, key: ``incident_id``."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    incident_id: str
    article_id: str
    event_type: str
    sub_event_type: str
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    date_precision: str | None = Field(default=None, description="day | week | month | year")
    actors: list[Actor] = Field(default_factory=list)
    location: Location | None = None
    fatalities: int | None = Field(default=None, ge=0)
    fatalities_min: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0)
    injured_min: int | None = Field(default=None, ge=0)
    weapons: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)
    language: str | None = None
    warnings: list[str] = Field(
        default_factory=list, description="e.g. 'non-english-text: rules are English-only'"
    )
    extractor: ExtractorInfo


# --------------------------------------------------------------------------- dead letters


class DeadLetter(_Contract):
    """A record a stage could not handle. Topic: ``<prefix>.deadletter.v1``."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    dead_letter_id: str
    stage: str = Field(description="poll | fetch | process | sink")
    reason: str = Field(description="error class, e.g. 'http.status', 'parse.invalid_json'")
    error: str = Field(description="human-readable message")
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    key: str | None = None
    payload: str | None = Field(default=None, description="original value (UTF-8, else base64)")
    payload_encoding: Literal["utf-8", "base64"] = "utf-8"
    headers: dict[str, str] = Field(default_factory=dict)
    failed_at: datetime = Field(default_factory=utcnow)
    attempts: int = 1
    context: dict[str, Any] = Field(default_factory=dict)


CONTRACTS: dict[str, type[BaseModel]] = {
    "entries": FeedEntry,
    "articles": Article,
    "incidents": Incident,
    "deadletter": DeadLetter,
}

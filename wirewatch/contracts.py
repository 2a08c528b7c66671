"""Topic contracts: the records other teams code against.

Each model is the value of one topic and carries ``schema_version``. The JSON Schema files under
``wirewatch/schemas/`` are generated from these models (``wirewatch schemas write``) and a test
fails when the committed files drift from the models. Field names of :class:`Incident` are fixed:
downstream teams and the independent evaluation read them.

Breaking changes get a new major ``schema_version`` *and* a new topic suffix (``.v2``); additive
optional fields bump the minor version only, of the topic whose contract gained them: each
topic's contract has its own minor version (:class:`Event` is at "1.1", the others at "1.0"), so
a subscriber of one topic sees a new version only when its records changed.

Tolerant readers, strict writers. During a rolling upgrade a newer worker may write "1.1" records
with an optional field this version does not know. :func:`read_record` reads them anyway: it
accepts any ``schema_version`` "1.<n>" and ignores unknown fields at every nesting level; it
refuses another major version (:class:`~wirewatch.errors.ContractVersionError`). The models
themselves stay strict: constructing or validating them directly forbids unknown fields and any
version but their own, so this version only ever writes what it declares. A record of a later
minor version read and written again by this version is therefore written at its model's version
("1.0", or "1.1" for :class:`Event`) *without* the fields it did not know: the newer fields are
lost on such a round trip, by design.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from wirewatch.errors import ContractError, ContractVersionError
from wirewatch.taxonomy import EVENT_TYPE_OF, SUB_EVENT_TYPES_OF, EventType, SubEventType

__all__ = [
    "CIVILIANS",
    "GENERIC_ACTOR_NAMES",
    "GENERIC_STATE_FORCES",
    "PROTESTERS",
    "RIOTERS",
    "UNIDENTIFIED_ARMED_GROUP",
    "Actor",
    "Article",
    "DeadLetter",
    "Event",
    "Evidence",
    "ExtractorInfo",
    "FeedEntry",
    "Incident",
    "Location",
    "MediaItem",
    "TollReport",
    "WireCopy",
    "read_record",
    "stable_key",
    "utcnow",
]

SCHEMA_VERSION: Literal["1.0"] = "1.0"

#: the actor name the extractor gives a state's forces when the text does not say whose
#: ("security forces", "troops", "police": processors/actors.py); the clusterer reads it as
#: compatible with any named state force (clusters.events.parties_agree). Here, not in
#: processors, so the cluster stage compares with it without importing the extractor
GENERIC_STATE_FORCES: Final = "Security forces"

#: the actor names the extractor gives a side the text tells only by what it is, not who
#: (processors/actors.py, processors/spanish.py); the clusterer reads none of them as a named
#: party (clusters.events.parties_agree). Here for the same reason as GENERIC_STATE_FORCES
UNIDENTIFIED_ARMED_GROUP: Final = "Unidentified armed group"
PROTESTERS: Final = "Protesters"
RIOTERS: Final = "Rioters"
CIVILIANS: Final = "Civilians"
GENERIC_ACTOR_NAMES: Final = frozenset({UNIDENTIFIED_ARMED_GROUP, PROTESTERS, RIOTERS, CIVILIANS})

#: the warning the extractor (processors/rules.py) puts on an incident whose text states no
#: date: it is dated by its article's publication day. The clusterer reads it (a follow-up must
#: be dated by its text: clusters.events), so it is here, beside the names above
DATE_ASSUMED: Final = "date-assumed: publication date"
#: the warning on an incident whose text states no date of its own but opens with a dateline
#: naming a day ("KABUL, March 8 (Reuters) -"): it is dated by the day the report was filed, as a
#: subscriber reads it, not by a later publication day. Added in schema 1.x, so a reader that
#: knows only DATE_ASSUMED must read any warning starting with DATE_ASSUMED_PREFIX as one
DATE_ASSUMED_FILED: Final = "date-assumed: dateline date"
#: what every warning of an assumed date starts with (:func:`date_assumed`)
DATE_ASSUMED_PREFIX: Final = "date-assumed:"


def date_assumed(warnings: list[str]) -> bool:
    """Whether an incident's date was assumed, not stated by its text (any ``date-assumed:``
    warning: the publication day, the dateline's day, or one a later 1.x adds)."""
    return any(w.startswith(DATE_ASSUMED_PREFIX) for w in warnings)


#: the size of an event's membership digest (``Event.member_digest``, clusters.events)
MEMBER_DIGEST_BYTES: Final = 16 * 1024
# base64 of exactly MEMBER_DIGEST_BYTES bytes (16 KiB: 5,461 whole 3-byte groups, then one byte:
# two characters, the second with its low four bits zero, and "==")
_MEMBER_DIGEST_PATTERN: Final = rf"^[A-Za-z0-9+/]{{{MEMBER_DIGEST_BYTES // 3 * 4 + 1}}}[AQgw]==$"
READS_MAJOR: Final = 1
"""The major schema_version :func:`read_record` reads (any minor)."""

_VERSION = re.compile(r"(\d+)\.(\d+)")
# Validation context that tells the schema_version validator a tolerant reader is at work.
_READING: Final = {"wirewatch.read_record": True}


def stable_key(canonical_url: str) -> str:
    """Stable identity of an URL: hex SHA-256 (first 32 chars) of the canonical form.

    Used as the Kafka key of entries and articles and as ``article_id``.
    """
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Record(_Contract):
    """A topic value: carries the contract version."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION

    @field_validator("schema_version", mode="before")
    @classmethod
    def _read_any_minor_version(cls, value: Any, info: ValidationInfo) -> Any:
        if info.context is not _READING:
            return value  # writers: the Literal accepts "1.0" only
        match = _VERSION.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"schema_version must be '<major>.<minor>', e.g. '{READS_MAJOR}.0'")
        if int(match[1]) != READS_MAJOR:
            # Not a ValueError, so pydantic lets it through instead of collecting it with the
            # field errors: a record of another major version is refused as a whole.
            raise ContractVersionError(
                f"schema_version {value!r} cannot be read by this version (reads {READS_MAJOR}.x)",
                version=value,
            )
        # the version this model writes (a topic's contract may be at a later minor version)
        return cls.model_fields["schema_version"].default


# --------------------------------------------------------------------------- entries


class MediaItem(_Contract):
    url: str
    type: str | None = None
    medium: str | None = None


class FeedEntry(_Record):
    """One item of a feed, normalized. Topic: ``<prefix>.entries.v1``, key: ``url_key``."""

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


class Article(_Record):
    """Text and metadata of one page. Topic: ``<prefix>.articles.v1``, key: ``article_id``."""

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
    truncated: bool = Field(
        default=False,
        description="text was cut to fit the topic's record size limit (kafka.article_text_cap)",
    )
    original_length: int | None = Field(
        default=None, description="characters of text before it was cut (set when truncated)"
    )
    duplicate_of: str | None = Field(
        default=None,
        description="article_id of the first copy of the same text (wire copy on another "
        "host) this worker saw; a duplicate yields no incidents of its own",
    )
    duplicate_similarity: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="estimated Jaccard similarity of word shingles with duplicate_of",
    )


# --------------------------------------------------------------------------- incidents

if TYPE_CHECKING:
    # The extractor's rule tables (processors.lexicon) hand these over as plain str; the model
    # validates them against the taxonomy at run time, so type checkers need not insist on it.
    # Narrow these to the Literals once the processors carry SubEventType / EventType.
    _EventTypeField = str
    _SubEventTypeField = str
else:
    _EventTypeField = EventType
    _SubEventTypeField = SubEventType

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


class Incident(_Record):
    """One incident event. Topic: ``<prefix>.incidents.v1``, key: ``incident_id``."""

    # Lets JSON Schema consumers check the event / sub-event pair the validator below checks.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"event_type": {"const": event}}},
                    "then": {"properties": {"sub_event_type": {"enum": list(subs)}}},
                }
                for event, subs in SUB_EVENT_TYPES_OF.items()
            ]
        }
    )

    incident_id: str
    article_id: str
    event_type: _EventTypeField
    sub_event_type: _SubEventTypeField = Field(
        description="one of the sub-event types of event_type (wirewatch.taxonomy.EVENT_TYPE_OF)"
    )
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    date_precision: str | None = Field(default=None, description="day | week | month | year")
    actors: list[Actor] = Field(default_factory=list)
    location: Location | None = None
    fatalities: int | None = Field(
        default=None,
        ge=0,
        description="deaths stated for the event; 0 when the text states an outcome without "
        "deaths (nobody died, no casualties, only injuries, only property damaged); null when "
        "the text says nothing about deaths (not reported is not none), gives only a vague "
        "amount (then fatalities_min) or only a count of 'casualties' (killed and wounded "
        "together)",
    )
    fatalities_min: int | None = Field(
        default=None, ge=0, description="lower bound of a vague death count (several: 2)"
    )
    injured: int | None = Field(
        default=None,
        ge=0,
        description="injured stated for the event; 0 only when the text states that nobody "
        "was hurt (no one was hurt, no injuries or casualties reported, only property damaged, "
        "passed off peacefully); null when injuries are not stated (not reported is not none), "
        "given only vaguely (then injured_min) or only as a count of 'casualties'",
    )
    injured_min: int | None = Field(
        default=None, ge=0, description="lower bound of a vague injured count (dozens: 24)"
    )
    weapons: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)
    language: str | None = None
    warnings: list[str] = Field(
        default_factory=list,
        description=(
            "e.g. 'non-english-text: rules read English and Spanish only'; the text states no "
            "date of the event: 'date-assumed: publication date' (dated by the article's "
            "publication day) or 'date-assumed: dateline date' (dated by the day its dateline "
            "names, when the report was filed); read any 'date-assumed:' warning as an assumed "
            "date, later 1.x versions may add others"
        ),
    )
    extractor: ExtractorInfo
    outlet: str | None = Field(
        default=None, description="host of the reporting article (www. removed), where known"
    )

    @model_validator(mode="after")
    def _sub_event_type_belongs_to_event_type(self) -> Incident:
        # The two Literal fields accept any pair; the codebook allows one event type per sub type.
        if EVENT_TYPE_OF[self.sub_event_type] != self.event_type:
            raise ValueError(
                f"sub_event_type {self.sub_event_type!r} belongs to "
                f"{EVENT_TYPE_OF[self.sub_event_type]!r}, not {self.event_type!r}"
            )
        return self


# --------------------------------------------------------------------------- wire copies


class WireCopy(_Record):
    """An article that is a wire copy of an earlier one (its ``duplicate_of``): it yields no
    incidents of its own, and this record tells the cluster stage to count it as one more
    report of the original's events. Topic: ``<prefix>.copies.v1`` (compacted), key:
    ``article_id`` (the copy's)."""

    article_id: str = Field(description="the copy's article_id")
    duplicate_of: str = Field(description="article_id of the first copy (the original)")
    similarity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="the copy's duplicate_similarity"
    )
    url: str = Field(description="the copy's URL (after redirects, where known)")
    outlet: str | None = Field(default=None, description="host of the copy's URL (www. removed)")
    published_at: datetime | None = None
    reported_at: datetime = Field(default_factory=utcnow, description="when it was processed")


# --------------------------------------------------------------------------- events


class TollReport(_Contract):
    """What one report (incident) said about the toll, in the order the reports arrived."""

    incident_id: str
    article_id: str
    reported_at: datetime
    fatalities: int | None = Field(default=None, ge=0)
    fatalities_min: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0)
    injured_min: int | None = Field(default=None, ge=0)


#: the lists of an event record that are bounded (``cluster.max_event_members``)
EventList = Literal["incident_ids", "article_ids", "toll_history", "sources", "outlets", "actors"]


class Event(_Record):
    """One real-world event, from every report of it. Topic: ``<prefix>.events.v1`` (compacted),
    key: ``event_id``. Each update is a new record under the same key with ``version`` + 1: the
    latest record per key is the event's current state.

    Version 1.1 added ``member_digest`` and declared the member counts and ``cut_lists``, which
    the release before wrote in records still marked "1.0" (all optional: a record without
    them is read with none)."""

    schema_version: Literal["1.1"] = "1.1"  # type: ignore[assignment]

    event_id: str
    version: int = Field(ge=1, description="1 for the first report, +1 for each later one")
    event_type: _EventTypeField
    sub_event_type: _SubEventTypeField
    first_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    last_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    location: Location | None = None
    actors: list[Actor] = Field(
        default_factory=list, description="the reports' actors; when cut: the first ones"
    )
    fatalities: int | None = Field(
        default=None, ge=0, description="the latest stated death toll (see toll_history)"
    )
    fatalities_min: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0, description="the latest stated injured")
    injured_min: int | None = Field(default=None, ge=0)
    toll_history: list[TollReport] = Field(
        default_factory=list,
        description="the reports' tolls, oldest first; when cut (cut_lists): the first report, "
        "the first stating the lowest and the highest toll, and the latest reports",
    )
    incident_ids: list[str] = Field(
        description="the incidents that joined the event; when cut (cut_lists): the first and "
        "the latest ones"
    )
    article_ids: list[str] = Field(
        description="the articles of those incidents and their wire copies; when cut "
        "(cut_lists): the first and the latest ones"
    )
    sources: list[str] = Field(
        default_factory=list,
        description="who the reports cite (police, officials, ...); when cut: the first ones",
    )
    outlets: list[str] = Field(
        default_factory=list,
        description="hosts of the reporting articles, where known; when cut: the first ones",
    )
    confidence: float = Field(ge=0.0, le=1.0, description="highest confidence of its incidents")
    first_reported_at: datetime
    last_reported_at: datetime
    # counts of every member, cut list or not (absent in records written before they existed:
    # then the list's length is the count, as no list was cut)
    incident_count: int | None = Field(
        default=None, ge=1, description="incidents that joined the event (all of them)"
    )
    article_count: int | None = Field(
        default=None, ge=1, description="articles of the event, wire copies included (all)"
    )
    toll_report_count: int | None = Field(
        default=None, ge=0, description="reports in the toll history (all of them)"
    )
    source_count: int | None = Field(
        default=None,
        ge=0,
        description="distinct sources; once sources is cut, a report citing an unlisted "
        "source adds one (a source cut from the list may be counted again)",
    )
    outlet_count: int | None = Field(
        default=None,
        ge=0,
        description="distinct outlets; once outlets is cut, an article from an unlisted "
        "outlet adds one (an outlet cut from the list may be counted again)",
    )
    actor_count: int | None = Field(
        default=None,
        ge=0,
        description="distinct actors (by name); once actors is cut, counted like outlets",
    )
    cut_lists: list[EventList] = Field(
        default_factory=list,
        description="the lists of this record holding fewer entries than their count "
        "(cluster.max_event_members)",
    )
    member_digest: str | None = Field(
        default=None,
        # exactly base64 of MEMBER_DIGEST_BYTES bytes: the cluster stage reads a bit at any
        # position of the digest, so a digest of another size (another version's, a damaged
        # one) is refused when read, not met by every later incident of the worker
        pattern=_MEMBER_DIGEST_PATTERN,
        description="what the cut lists no longer hold (absent while none was cut): a Bloom "
        "filter, base64 of a fixed 16 KiB, of the incident ids, article ids and stated tolls "
        "cut from incident_ids, article_ids and toll_history; the cluster stage's state, not "
        "for subscribers (the counts say how many members there are)",
    )

    @model_validator(mode="after")
    def _sub_event_type_belongs_to_event_type(self) -> Event:
        if EVENT_TYPE_OF[self.sub_event_type] != self.event_type:
            raise ValueError(
                f"sub_event_type {self.sub_event_type!r} belongs to "
                f"{EVENT_TYPE_OF[self.sub_event_type]!r}, not {self.event_type!r}"
            )
        return self


# --------------------------------------------------------------------------- dead letters


class DeadLetter(_Record):
    """A record a stage could not handle. Topic: ``<prefix>.deadletter.v1``."""

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
    "events": Event,
    "copies": WireCopy,
    "deadletter": DeadLetter,
}


T = TypeVar("T", bound=_Record)


def read_record(model: type[T], raw: bytes | str) -> T:
    """Read one topic value as a tolerant reader (see the module docstring).

    Raises :class:`~wirewatch.errors.ContractVersionError` for another major schema_version and
    :class:`~wirewatch.errors.ContractError` for anything else that is not a valid record: bad
    JSON or UTF-8, not an object, a field of the wrong type.
    """
    try:
        # extra="ignore" overrides the models' "forbid" for this call, at every nesting level.
        return model.model_validate_json(raw, extra="ignore", context=_READING)
    except ValidationError as e:
        first = e.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        raise ContractError(f"invalid {model.__name__} record: {where}: {first['msg']}") from None

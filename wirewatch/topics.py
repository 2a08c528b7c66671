"""Topic names, record keys and CloudEvents headers (Kafka protocol binding, binary mode)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel

from wirewatch.contracts import Article, DeadLetter, FeedEntry, Incident
from wirewatch.topology import TOPOLOGY, Topology

__all__ = [
    "TOPIC_KINDS",
    "Topics",
    "cloudevent_headers",
    "kind_of_record",
    "record_key",
    "record_value",
    "schema_id",
]

#: where the topic contracts' JSON Schemas are published: each schema's ``$id`` and each
#: record's ``ce_dataschema`` is this plus the topic's name under the default prefix
SCHEMA_BASE = "https://wirewatch.dev/schemas/"

# kind -> (CloudEvents type, compacted?), read from the topology table
TOPIC_KINDS: dict[str, tuple[str, bool]] = {
    t.kind: (t.ce_type, t.compacted) for t in TOPOLOGY.topics
}


@dataclass(frozen=True)
class Topics:
    """Topic names of one prefix, for the kinds of a topology (wirewatch's by default)."""

    prefix: str = "wirewatch"
    topology: Topology = field(default=TOPOLOGY, compare=False, repr=False)

    def name(self, kind: str) -> str:
        return self.topology.topic(kind).name(self.prefix)

    @property
    def entries(self) -> str:
        return self.name("entries")

    @property
    def articles(self) -> str:
        return self.name("articles")

    @property
    def incidents(self) -> str:
        return self.name("incidents")

    @property
    def deadletter(self) -> str:
        return self.name("deadletter")

    @property
    def feeds(self) -> str:
        return self.name("feeds")

    @property
    def feedstate(self) -> str:
        return self.name("feedstate")

    def all(self) -> list[str]:
        return [self.name(k) for k in self.topology.kinds()]

    def for_record(self, record: BaseModel) -> str:
        """The topic a contract record is published on."""
        return self.name(kind_of_record(record))

    def kind_of(self, topic: str) -> str | None:
        for kind in self.topology.kinds():
            if self.name(kind) == topic:
                return kind
        return None


def record_key(record: BaseModel) -> str:
    """Kafka key: entries by URL hash, articles by article_id, incidents by incident_id."""
    if isinstance(record, FeedEntry):
        return record.url_key
    if isinstance(record, Article):
        return record.article_id
    if isinstance(record, Incident):
        return record.incident_id
    if isinstance(record, DeadLetter):
        return record.key or record.dead_letter_id
    event_id = getattr(record, "event_id", None)  # events
    if isinstance(event_id, str):
        return event_id
    raise TypeError(f"no key rule for {type(record).__name__}")


def record_value(record: BaseModel) -> bytes:
    return record.model_dump_json(exclude_none=False).encode("utf-8")


def kind_of_record(record: BaseModel) -> str:
    """The topic kind a record belongs to (``entries``, ``incidents``, ...): its class's
    ``topic_kind`` (internal records: feeds, feedstate), else the topology row whose contract
    it is."""
    kind = getattr(type(record), "topic_kind", None)
    if isinstance(kind, str):
        return kind
    try:
        return _contract_kinds()[_contract_path(type(record))]
    except KeyError:
        name = type(record).__name__
        raise KeyError(f"no topic of the topology has {name} as its contract") from None


@functools.cache
def _contract_kinds() -> dict[str, str]:
    # by import path, so finding an incident's kind does not import the models of the other
    # topics (the feedstate contract lives in the poll stage's module)
    # topics carrying one contract (the cluster stage's sharded inputs carry incidents
    # and copies again): the record's kind is the first, published one
    kinds: dict[str, str] = {}
    for t in TOPOLOGY.topics:
        if t.contract is not None:
            kinds.setdefault(t.contract, t.kind)
    return kinds


def _contract_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def schema_id(kind: str) -> str | None:
    """The ``$id`` of the JSON Schema of a topic kind of wirewatch's topology (None: a kind
    without a contract, or not in the topology). The same for every topic prefix: the prefix
    names a deployment, not a contract."""
    for t in TOPOLOGY.topics:
        if t.kind == kind and t.contract is not None:
            return f"{SCHEMA_BASE}{t.name('wirewatch')}.json"
    return None


def cloudevent_headers(
    record: BaseModel,
    source: str,
    *,
    event_id: str | None = None,
    time: datetime | None = None,
    value: bytes | None = None,
    ce_type: str | None = None,
    kind: str | None = None,
) -> list[tuple[str, bytes]]:
    """CloudEvents 1.0 Kafka binding, binary mode: attributes as ``ce_*`` headers.

    ``ce_id`` defaults to a digest of the serialized value: the same event re-sent (a retry, a
    replay) keeps its id, so consumers can de-duplicate on (ce_source, ce_id); and it avoids a
    uuid4 per record (os.urandom is a system call per record).

    ``ce_dataschema`` is the ``$id`` of the topic's JSON Schema (``wirewatch schemas write``),
    so a consumer can tell which contract a record follows without knowing the topic naming.
    ``kind`` is the record's topic kind; without it, the kind its class is the contract of.
    """
    if kind is None:
        try:
            kind = kind_of_record(record)
        except KeyError:
            if ce_type is None:
                raise
    if ce_type is None:
        assert kind is not None
        ce_type = TOPIC_KINDS[kind][0]
    if event_id is None:
        body = value if value is not None else record_value(record)
        event_id = hashlib.blake2b(body, digest_size=16).hexdigest()
    when = (time or datetime.now(UTC)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", event_id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", when.encode()),
        ("content-type", b"application/json"),
    ]
    dataschema = schema_id(kind) if kind is not None else None
    if dataschema is not None:
        headers.append(("ce_dataschema", dataschema.encode()))
    return headers

"""The topology, declared once: which topics exist and which stages join them.

Everything that needs the list of stages or topics reads it from here: the CLI's ``worker``
choices, the Kafka runner, the embedded runner, ``topics create``, ``wirewatch topology`` and
the deploy-manifest tests. Adding a stage is one module (a class following
:class:`wirewatch.stage.Stage`) plus one :class:`StageSpec` row; a new topic is one
:class:`TopicSpec` row.

Stage classes are named by import path, so reading the table imports neither trafilatura nor
the gazetteer.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["STAGES", "TOPICS", "TOPOLOGY", "StageSpec", "TopicSpec", "Topology", "load_object"]


@dataclass(frozen=True)
class TopicSpec:
    """One topic kind; its name is ``<prefix>.<kind>.v<major>``."""

    kind: str
    ce_type: str  # CloudEvents type of its records
    key: str  # what the record key is, for people
    compacted: bool  # the key is an identity: the latest value per key is the truth
    contract: str | None = None  # "module:Model" readers validate against (None: internal)
    published: bool = True  # written by the embedded runner as <topic>.jsonl
    major: int = 1
    #: the KafkaSettings key (milliseconds) bounding how long a record stays; None: no time
    #: bound, for a table (latest value per key kept until a tombstone removes it); a topic
    #: that is not compacted and has no bound keeps the broker's default retention
    retention: str | None = None
    #: every record goes to every partition of the topic (the Kafka runner sends one copy per
    #: partition): for records each shard of a sharded stage must see
    broadcast: bool = False

    def name(self, prefix: str) -> str:
        return f"{prefix}.{self.kind}.v{self.major}"

    @property
    def cleanup_policy(self) -> str:
        """Kafka's ``cleanup.policy``: a compacted topic with a time bound is ``compact,delete``
        (the latest value per key, for as long as the bound), else ``compact`` or ``delete``."""
        if not self.compacted:
            return "delete"
        return "compact,delete" if self.retention else "compact"

    def model(self) -> Any:
        return None if self.contract is None else load_object(self.contract)


@dataclass(frozen=True)
class StageSpec:
    """One stage: its class, the topic kind it reads, the kinds it may write."""

    name: str
    stage: str  # "module:Class" following wirewatch.stage.Stage (or SourceStage)
    input: str
    outputs: tuple[str, ...]
    batch_size: int = 50
    #: a source stage reads its input as a table (the feed list) and produces on its own
    #: schedule (poll); the others are record-in, records-out
    source: bool = False
    #: stages the embedded runner leaves out unless asked (none today)
    embedded: bool = True
    #: more topic kinds it reads besides ``input`` (same consumer group, one transaction per
    #: batch over all of them); records reach ``handle`` as their own contracts
    also_reads: tuple[str, ...] = ()
    #: its inputs and its ``state_kind`` topic must have the same partition count: partition p
    #: of each holds the same shard, so the worker assigned p restores just p of its state
    copartitioned: bool = False

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.input, *self.also_reads)

    def load(self) -> Any:
        return load_object(self.stage)


def load_object(path: str) -> Any:
    module, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


TOPICS: tuple[TopicSpec, ...] = (
    # keyed by identity and compacted (a re-sent record replaces the older one), and bounded in
    # time: without a bound a topic of unique keys grows forever
    TopicSpec(
        "entries",
        "io.wirewatch.entry.v1",
        "url_key",
        True,
        "wirewatch.contracts:FeedEntry",
        retention="retention_ms",
    ),
    TopicSpec(
        "articles",
        "io.wirewatch.article.v1",
        "article_id",
        True,
        "wirewatch.contracts:Article",
        retention="retention_ms",
    ),
    TopicSpec(
        "incidents",
        "io.wirewatch.incident.v1",
        "incident_id",
        True,
        "wirewatch.contracts:Incident",
        retention="incidents_retention_ms",
    ),
    TopicSpec(
        "deadletter",
        "io.wirewatch.deadletter.v1",
        "input key, else dead_letter_id",
        False,
        "wirewatch.contracts:DeadLetter",
        retention="deadletter_retention_ms",
    ),
    # one row per real event: each update is a new version under the same key; bounded like
    # the incidents it is made of
    TopicSpec(
        "events",
        "io.wirewatch.event.v1",
        "event_id",
        True,
        "wirewatch.contracts:Event",
        retention="incidents_retention_ms",
    ),
    # wire copies (articles with duplicate_of): no incidents of their own; the cluster stage
    # counts each as one more report of its original's events
    TopicSpec(
        "copies",
        "io.wirewatch.copy.v1",
        "article_id (the copy's)",
        True,
        "wirewatch.contracts:WireCopy",
        retention="incidents_retention_ms",
    ),
    # the cluster stage's own input (internal, not published): the incidents again, keyed by
    # their shard "<sub-event type, or its group>|<country>" (clusters.events.shard_key), so
    # every report a worker may join to an event reaches that event's worker; its partition is
    # also the
    # partition of the events it starts (the events topic has as many partitions). The
    # incidents topic stays keyed by incident_id (a compacted topic partitioned by place would
    # keep a stale copy of an incident that a newer extractor places elsewhere)
    TopicSpec(
        "sharded-incidents",
        "io.wirewatch.incident.v1",
        "sub_event_type or its group|country",
        False,
        "wirewatch.contracts:Incident",
        published=False,
        retention="incidents_retention_ms",
    ),
    # the wire copies again, one record per partition: the process worker knows a copy's
    # original only by id, not which shards hold the original's events, so every shard gets it
    # and counts it in the events of its own partition
    TopicSpec(
        "broadcast-copies",
        "io.wirewatch.copy.v1",
        "article_id, to every partition",
        False,
        "wirewatch.contracts:WireCopy",
        published=False,
        retention="incidents_retention_ms",
        broadcast=True,
    ),
    # tables: the latest value per feed is the truth for as long as the feed exists
    TopicSpec(
        "feeds", "io.wirewatch.feed.v1", "feed_id", True, "ingest.feeds:FeedSpec", published=False
    ),
    TopicSpec(
        "feedstate",
        "io.wirewatch.feedstate.v1",
        "feed_id",
        True,
        "ingest.poll_stage:StateRecord",
        published=False,
    ),
)

STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        "poll", "ingest.poll_stage:PollStage", "feeds", ("entries", "feedstate"), 500, source=True
    ),
    StageSpec("fetch", "ingest.fetch_stage:FetchStage", "entries", ("articles",), 16),
    StageSpec(
        "process",
        "processors.stage:ProcessStage",
        "articles",
        ("incidents", "copies", "sharded-incidents", "broadcast-copies"),
        100,
    ),
    # sharded by (sub-event type, country): its input and its events topic are partitioned
    # alike (checked when a worker starts), so it scales with its workers
    StageSpec(
        "cluster",
        "clusters.stage:ClusterStage",
        "sharded-incidents",
        ("events",),
        200,
        also_reads=("broadcast-copies",),
        copartitioned=True,
    ),
)


@dataclass(frozen=True)
class Topology:
    topics: tuple[TopicSpec, ...] = TOPICS
    stages: tuple[StageSpec, ...] = STAGES
    _by_kind: dict[str, TopicSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_kind = {t.kind: t for t in self.topics}
        for s in self.stages:
            for kind in (*s.inputs, *s.outputs):
                if kind not in by_kind:
                    raise ValueError(f"stage {s.name!r} names unknown topic kind {kind!r}")
        object.__setattr__(self, "_by_kind", by_kind)

    def with_stage(self, stage: StageSpec, *topics: TopicSpec) -> Topology:
        """This topology plus one stage (and the topics only it writes)."""
        return replace(self, topics=(*self.topics, *topics), stages=(*self.stages, stage))

    def topic(self, kind: str) -> TopicSpec:
        try:
            return self._by_kind[kind]
        except KeyError:
            known = ", ".join(self._by_kind)
            raise KeyError(f"unknown topic kind {kind!r}; known: {known}") from None

    def stage(self, name: str) -> StageSpec:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(f"unknown stage {name!r}; known: {', '.join(self.stage_names())}")

    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def kinds(self) -> list[str]:
        return [t.kind for t in self.topics]

    def consumers_of(self, kind: str) -> list[StageSpec]:
        return [s for s in self.stages if kind in s.inputs]

    def describe(self, prefix: str = "wirewatch") -> str:
        """The printout of ``wirewatch topology``: stages in order, with their topics."""
        lines = ["stage     input -> outputs (+ deadletter)"]
        for s in self.stages:
            outs = ", ".join(self.topic(k).name(prefix) for k in s.outputs)
            kind = "source stage, " if s.source else ""
            if s.copartitioned:
                kind = "sharded by input partition, "
            ins = " + ".join(self.topic(k).name(prefix) for k in s.inputs)
            lines.append(
                f"{s.name:<9} {ins} -> {outs}"
                f"   [{kind}batches of {s.batch_size}, group {prefix}.{s.name}]"
            )
        lines.append("")
        rows = [("topic", "key", "cleanup", "kept for")]
        for t in self.topics:
            if t.retention:
                kept = f"kafka.{t.retention}"
            else:
                kept = "until removed (table)" if t.compacted else "broker default"
            rows.append((t.name(prefix), t.key, t.cleanup_policy, kept))
        # columns as wide as their longest cell: a longer prefix or key never shifts a row
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines.extend(
            "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
            for r in rows
        )
        return "\n".join(lines)


def _check(names: Iterable[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"declared twice: {n}")
        seen.add(n)


_check(t.kind for t in TOPICS)
_check(s.name for s in STAGES)

#: the topology wirewatch runs
TOPOLOGY = Topology()

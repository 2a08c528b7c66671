"""The cluster stage: incidents in, events out (topology row ``cluster``).

Each incident joins the event it reports (:mod:`clusters.events`) or starts one; the event's
new version goes to the compacted events topic under its ``event_id``, so the topic always
holds the latest state of every event. An event's records all go to one partition: the
partition of the incident that started it (the embedded runner has none).

State is the events of the window. It is rebuilt from the stage's own output: when the Kafka
runner assigns partitions it reads those partitions of the events topic (read_committed) and
calls :meth:`ClusterStage.restore`, which is the state as of the last committed transaction,
the same point the input offsets resume from. Changes of a batch not yet written are undone on
``on_abort``, so a redone batch writes the same versions.

Sharding: the index only ever compares an incident with events of the same (sub-event type,
or its compatible group, country) (:func:`clusters.events.shard_key`; places in two countries
never join, whatever their distance), so that pair is an exact shard key: no day bucket is
needed, and none may be used (a day bucket would split the reports of adjacent days that the
index joins). The
incidents topic stays keyed and partitioned by ``incident_id`` (a compacted topic whose
partition followed the place would keep a stale copy of an incident that a newer extractor
places elsewhere), so the process stage writes each incident once more to the internal
``sharded-incidents`` topic keyed by its shard, which this stage reads: every report of an
event reaches the worker holding the event. An event's records go to the partition its first
incident came on, so partition p of the events topic holds the events of partition p's shards
and ``restore`` of the assigned partitions is exactly the state those partitions need (the
Kafka range assignor gives a worker the same partition numbers of each topic it reads; the
runner refuses to start unless input and events topics have as many partitions,
``StageSpec.copartitioned``). Wire copies: the process worker knows a copy's original only by
id, so it sends the copy to every partition of ``broadcast-copies``; on partition p the copy
counts only in the events of partition p, so each event gets it once, from its own worker. A
hot (type or group, country) pair stays on one worker. ``kill -9`` of one of N workers hands its
partitions, and the events of their shards, to the others by the same restore.

Copies waiting for their original's incidents are state too: a copy read, then a restart
(``kill -9``, a rebalance), then the original's incident must still count the copy. They are
not written again: every copy the stage has read is in the compacted ``copies`` topic (the
process stage writes it in the same transaction as the broadcast copies), which is not
partitioned by shard, so on each assignment the runner reads all its partitions
(``shared_state_kinds``) after the events, both from :meth:`ClusterStage.restore_since` on,
and :meth:`ClusterStage.restore_shared` makes the copies whose original no restored event
holds wait again, within the window (:meth:`clusters.events.EventIndex.restore_copies`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar

from clusters.events import EventIndex
from wirewatch.config import Settings
from wirewatch.contracts import Event, Incident, WireCopy, read_record
from wirewatch.errors import WirewatchError
from wirewatch.metrics import EventVersioned
from wirewatch.metrics import emit as emit_metric
from wirewatch.stage import Emit, Inbound, TableRow, data_timestamp, dead_letter, letter_for
from wirewatch.topics import record_value

__all__ = [
    "EVENT_RECORD_HEADROOM",
    "RESTORE_MARGIN_DAYS",
    "ClusterStage",
    "EventTooLarge",
    "event_time",
]

log = logging.getLogger("wirewatch.cluster")

#: whole days read back before the window on restore (:meth:`ClusterStage.restore_since`): an
#: incident's local date can be a day ahead of the UTC day its record was written, and the
#: newest date the stage has seen (where its window ends) can be a day behind today
RESTORE_MARGIN_DAYS = 2

#: bytes of an events record that are not its value (key, CloudEvents headers, the record
#: batch's overhead): an event value larger than ``kafka.max_request_size`` less this does not
#: fit the events topic
EVENT_RECORD_HEADROOM = 16 * 1024


class EventTooLarge(WirewatchError):
    """An event's new version would not fit the events topic, its lists bounded though
    (``cluster.max_event_members``): long names, or a bound set too high for the size limit."""

    reason = "record.too_large"


def event_time(event: Event) -> datetime:
    """The time of an event's data, for its record's timestamp on the events topic
    (:func:`wirewatch.stage.data_timestamp`): the start of its ``last_date`` (UTC), or its
    ``last_reported_at`` when undated: the day the window keeps it by
    (:meth:`clusters.events.EventIndex.restore`), not the day a worker wrote it, which is days
    later for a backlog."""
    if event.last_date is None:
        return event.last_reported_at
    return datetime.combine(date.fromisoformat(event.last_date), time(), UTC)


class ClusterStage:
    """incidents (and wire copies) -> events."""

    name: ClassVar[str] = "cluster"
    input_kind: ClassVar[str] = "sharded-incidents"
    output_kinds: ClassVar[tuple[str, ...]] = ("events",)
    settings_section: ClassVar[str] = "cluster"
    #: the compacted topic the runner restores this stage's state from: its own output
    state_kind: ClassVar[str] = "events"
    #: compacted topics read whole (every partition) after ``state_kind`` on each assignment:
    #: state not partitioned by shard (the copies that may be waiting for their original)
    shared_state_kinds: ClassVar[tuple[str, ...]] = ("copies",)

    def __init__(self, settings: Settings) -> None:
        self.index = EventIndex(settings.cluster)
        self.kafka = settings.kafka  # the events topic's time bound, for record timestamps
        self.max_event_bytes = settings.kafka.max_request_size - EVENT_RECORD_HEADROOM

    async def setup(self) -> None:
        pass

    async def handle(self, batch: Sequence[Inbound]) -> list[Emit]:
        out: list[Emit] = []
        now = datetime.now(UTC)
        for item in batch:
            if isinstance(item.record, WireCopy):
                out.extend(self._copy(item, batch, now))
                continue
            incident: Incident = item.record
            try:
                event = self.index.add(
                    incident, batch=id(batch), partition=item.partition, outlet=incident.outlet
                )
            except Exception as exc:
                log.exception("clustering failed", extra={"incident_id": incident.incident_id})
                out.append(letter_for(self.name, item, exc, key=incident.incident_id))
                continue
            if event is None:  # already in its event, nothing new
                continue
            too_large = self._too_large(event)
            if too_large is not None:
                out.append(letter_for(self.name, item, too_large, key=incident.incident_id))
                continue
            out.append(self._event_record(event, now))
        return out

    def _too_large(self, event: Event) -> EventTooLarge | None:
        """Why ``event``'s new version cannot be written (None: it fits). Then the change is
        taken back (:meth:`EventIndex.retract`), so the state stays the version the events
        topic holds and a restore gives back that same state, and the report that made it
        becomes a dead letter (its payload kept): the event's later reports still join it."""
        size = len(record_value(event))
        if size <= self.max_event_bytes:
            return None
        self.index.retract(event.event_id)
        stays = (
            f"the event stays at version {event.version - 1}"
            if event.version > 1
            else "no event is started"
        )
        return EventTooLarge(
            f"event {event.event_id} version {event.version} would be {size} bytes, over the "
            f"{self.max_event_bytes} bytes an events record's value may take "
            f"(kafka.max_request_size less {EVENT_RECORD_HEADROOM} for key and headers): {stays}"
        )

    def _event_record(self, event: Event, now: datetime) -> Emit:
        """The event's new version for the events topic: on its own partition, stamped with
        its data time (:func:`event_time`)."""
        emit_metric(EventVersioned(new=event.version == 1))
        return Emit(
            "events",
            event.event_id,
            event,
            partition=self.index.events[event.event_id].partition,
            timestamp=data_timestamp(self.kafka, "events", event_time(event), now),
        )

    def _copy(self, item: Inbound, batch: Sequence[Inbound], now: datetime) -> list[Emit]:
        copy: WireCopy = item.record
        try:
            events = self.index.add_copy(copy, batch=id(batch), partition=item.partition)
        except Exception as exc:
            log.exception("counting a wire copy failed", extra={"article_id": copy.article_id})
            return [letter_for(self.name, item, exc, key=copy.article_id)]
        out: list[Emit] = []
        for event in events:
            too_large = self._too_large(event)
            if too_large is not None:
                out.append(letter_for(self.name, item, too_large, key=copy.article_id))
            else:
                out.append(self._event_record(event, now))
        return out

    def on_commit(self, batch: Sequence[Inbound]) -> None:
        self.index.commit(id(batch))

    def on_abort(self, batch: Sequence[Inbound]) -> None:
        self.index.abort(id(batch))

    def restore_since(self, now: datetime, newest: datetime | None = None) -> datetime:
        """The oldest record time the runner reads back on assignment (events and copies):
        the start of the UTC day ``window_days + RESTORE_MARGIN_DAYS`` days before the time
        the state was last written: ``newest``, the timestamp of the newest record of the
        assigned events partitions (None: they hold none), and never later than the same
        horizon counted from ``now`` (the clock).

        Why seeking by record time loses nothing the stage would keep: the stage stamps each
        event with the time of its data, not the time it wrote it (:func:`event_time`: the
        start of its ``last_date``, or its ``last_reported_at`` when undated), never later than
        the clock at writing (:func:`wirewatch.stage.data_timestamp`); a copy keeps the time
        the process stage wrote it, not earlier than its day (its publication, else processing,
        time) but for a copy published in the future. So a record older than this time holds
        a day older than ``newest - window_days - 1`` (a capped stamp is the write time, and a
        local date is at most a day ahead of it), while the restored newest
        record (an event's stamp only grows with its versions) brings the window's end to
        ``newest``'s day or later, where :meth:`EventIndex.evict` drops such a day. A stamp is
        also never earlier than half the topic's time bound before the clock (so the broker
        keeps the record); such a raised stamp still holds an older day, so this direction
        holds, but the window's end may then be before ``newest``'s day: see below. It is a
        compacted topic, so a key's records are full states and the latest one is the one that
        counts: when that one is older than this time the key is dropped anyway, and when it is
        newer it is read whatever came before it. The runner's ``newest`` is the largest stamp
        among the last records of the partitions, which may be older than the newest stamp of
        all: that only reads more.

        Why from the newest record and not the clock: a group stopped for longer than the
        margin resumes with a window that ends where it stopped, days before today; its events
        are as old as its newest record, so counting from that record restores them. Because
        the stamps are data times, this holds after the resumed group has written new
        versions of a backlog's events too (they are stamped with the backlog's days, not
        today). Counting from an earlier time than the clock's only reads more (older records
        the stage drops on restore), never less. What this does not cover: input dates more
        than half the events topic's time bound behind the clock (replayed old articles;
        ``kafka.incidents_retention_ms``, 30 days: 15), whose stamps are raised to that bound,
        so events written more than ``window_days + 2`` days before the newest one may not be
        restored; and a copy published in the future, which may be skipped while its future
        day would still be in the window."""
        since = now if newest is None else min(now, newest)
        start = since.astimezone(UTC).date() - timedelta(
            days=self.index.cfg.window_days + RESTORE_MARGIN_DAYS
        )
        return datetime.combine(start, time(), UTC)

    def restore(self, partitions: set[int], rows: Sequence[TableRow]) -> None:
        """The events of newly assigned partitions, from the events topic (oldest first)."""
        loaded: list[tuple[int | None, Event | None, str]] = []
        for row in rows:
            if row.value is None:
                loaded.append((row.partition, None, row.key))
                continue
            try:
                loaded.append((row.partition, read_record(Event, row.value), row.key))
            except WirewatchError as exc:  # unreadable: skipped, logged and counted
                dead_letter(self.name, exc, payload=row.value, key=row.key)
        self.index.restore(loaded)
        log.info(
            "events restored",
            extra={"partitions": sorted(partitions), "events": len(self.index)},
        )

    def restore_shared(self, kind: str, rows: Sequence[TableRow]) -> None:
        """The rows of a ``shared_state_kinds`` topic (oldest first), after :meth:`restore`:
        wire copies whose original's events are not restored wait again."""
        if kind != "copies":
            raise ValueError(f"the cluster stage restores no {kind!r} topic")
        copies: list[WireCopy] = []
        for row in rows:
            if row.value is None:
                continue
            try:
                copies.append(read_record(WireCopy, row.value))
            except WirewatchError as exc:  # unreadable: skipped, logged and counted
                dead_letter(self.name, exc, payload=row.value, key=row.key)
        before = sum(len(c) for c in self.index.pending.values())
        self.index.restore_copies(copies)
        log.info(
            "waiting wire copies restored",
            extra={
                "copies_read": len(copies),
                "waiting": sum(len(c) for c in self.index.pending.values()) - before,
            },
        )

    def held_keys(self, kind: str) -> set[str]:
        """The keys of ``kind`` records the state holds (events of the window, waiting copies):
        a runner keeping the state in a table drops the others."""
        if kind == "events":
            return set(self.index.events)
        if kind == "copies":
            return {c for waiting in self.index.pending.values() for c in waiting}
        raise ValueError(f"the cluster stage holds no {kind!r} records")

    def revoke(self, partitions: set[int]) -> None:
        self.index.forget_partitions(partitions)

    async def close(self) -> None:
        pass

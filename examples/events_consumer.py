"""A downstream consumer of wirewatch.events.v1 to copy: one row per real event.

It reads the compacted events topic with ``read_committed`` (records of aborted or open
transactions are never seen), keeps the latest version of each event (a record whose ``version`` is
not higher than the stored one is a replay and is ignored), forgets an event whose key comes with
no value (a tombstone: wirewatch itself lets old events go by retention, but an operator may delete
one that way), and prints each change or stores it in SQLite (``--db``): table ``events(event_id
PRIMARY KEY, version, fatalities, record JSON)``. Offsets are committed after the rows are stored,
so a restart resumes without losing an update; a replayed one is ignored by the version check. A
record of another major ``schema_version`` than 1 is skipped with one line (a breaking change comes
on a new topic, ``.v2``); an unreachable broker, a missing topic or a ``--db`` that cannot be
opened is one ``error:`` line and exit status 1. The stored record leaves out ``member_digest``,
the cluster stage's internal state.

Needs only kafka-python::

    python examples/events_consumer.py --bootstrap 127.0.0.1:9092 --db events.db
    python examples/events_consumer.py --bootstrap ... --topic acme.events.v1 --until-idle 10
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError

#: the major schema version this reader understands (the topic's ``.v1``)
SCHEMA_MAJOR = "1"

#: fields of the record that are the cluster stage's own state, not the event's: dropped when
#: storing. ``member_digest`` (16 KiB of base64 once a list is cut) lets the cluster stage tell
#: members cut from its lists; a subscriber has the counts (``incident_count``, ...) instead, and
#: the field is internal and may change without a new topic.
INTERNAL_FIELDS = frozenset({"member_digest"})

SCHEMA = """CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, version INTEGER NOT NULL, fatalities INTEGER, record TEXT NOT NULL
)"""


class LatestEvents:
    """The latest version of every event, in memory or in SQLite."""

    def __init__(self, db: str | None) -> None:
        self.db = sqlite3.connect(db) if db else None
        self.versions: dict[str, int] = {}
        if self.db is not None:
            self.db.execute(SCHEMA)
            self.versions = dict(self.db.execute("SELECT event_id, version FROM events"))

    def offer(self, event: dict[str, Any]) -> bool:
        """Keep ``event`` if it is newer than what is stored; True when it was kept."""
        major = str(event.get("schema_version", "1.0")).split(".")[0]
        if major != SCHEMA_MAJOR:  # a reader of 1.x accepts any 1.x and no other major
            stated = event.get("schema_version")
            raise ValueError(f"schema_version {stated} is not {SCHEMA_MAJOR}.x")
        event_id, version = event["event_id"], int(event["version"])
        if self.versions.get(event_id, 0) >= version:
            return False
        self.versions[event_id] = version
        if self.db is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?)",
                (event_id, version, event.get("fatalities"), json.dumps(stored_record(event))),
            )
        return True

    def forget(self, event_id: str) -> bool:
        """Drop ``event_id`` (its tombstone was read); True when it was stored."""
        known = self.versions.pop(event_id, None) is not None
        if self.db is not None:
            self.db.execute("DELETE FROM events WHERE event_id = ?", (event_id,))
        return known

    def flush(self) -> None:
        if self.db is not None:
            self.db.commit()


def stored_record(event: dict[str, Any]) -> dict[str, Any]:
    """``event`` without its :data:`INTERNAL_FIELDS`."""
    return {k: v for k, v in event.items() if k not in INTERNAL_FIELDS}


def describe(event: dict[str, Any]) -> str:
    place = (event.get("location") or {}).get("name")
    return (
        f"{event['event_id']} v{event['version']} {event['sub_event_type']} {place}"
        f" {event.get('first_date')} killed={event.get('fatalities')}"
        f" reports={reports(event)}"
    )


def reports(event: dict[str, Any]) -> int:
    """How many reports an event has: ``incident_count`` (``incident_ids`` lists only the
    first and latest ones of a big event, see ``cut_lists``), else, in records written before
    the counts, the length of the list."""
    count = event.get("incident_count")
    return int(count) if count is not None else len(event["incident_ids"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap", required=True, help="host:port of a broker")
    ap.add_argument("--topic", default="wirewatch.events.v1")
    ap.add_argument("--group", default="events-example", help="consumer group id")
    ap.add_argument("--db", help="SQLite file to store the latest events in (else print them)")
    ap.add_argument(
        "--until-idle",
        type=float,
        help="stop after this many seconds without records, counted once the group has "
        "assigned partitions (joining a group can take longer than that)",
    )
    args = ap.parse_args(argv)

    try:
        store = LatestEvents(args.db)
    except sqlite3.Error as exc:
        print(f"error: cannot use --db {args.db}: {exc}", file=sys.stderr)
        return 1
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=args.bootstrap,
            group_id=args.group,
            isolation_level="read_committed",
            auto_offset_reset="earliest",  # a new subscriber reads every event still in the topic
            enable_auto_commit=False,
        )
        topics = consumer.topics()
    except KafkaError as exc:
        print(f"error: cannot reach a broker at {args.bootstrap}: {exc}", file=sys.stderr)
        return 1
    if args.topic not in topics:
        consumer.close()
        print(
            f"error: topic {args.topic} does not exist on {args.bootstrap}"
            " (`wirewatch topics create` makes it; --topic names another)",
            file=sys.stderr,
        )
        return 1
    consumer.subscribe([args.topic])
    last: float | None = None  # the idle clock starts once the group assigned partitions
    try:
        while True:
            batch = consumer.poll(timeout_ms=1000)
            if last is None and consumer.assignment():
                last = time.monotonic()
            for records in batch.values():
                for m in records:
                    last = time.monotonic()
                    if m.value is None:  # a tombstone: the event is gone
                        key = m.key.decode("utf-8", "replace") if m.key else ""
                        if store.forget(key) and args.db is None:
                            print(f"{key} removed")
                        continue
                    try:
                        event = json.loads(m.value)
                        kept = store.offer(event)
                    except (ValueError, KeyError, TypeError) as exc:
                        print(f"skipped a record at offset {m.offset}: {exc}", file=sys.stderr)
                        continue
                    if kept and args.db is None:
                        print(describe(event))
            if batch:
                store.flush()
                consumer.commit()
            idle = None if last is None else time.monotonic() - last
            if args.until_idle is not None and idle is not None and idle >= args.until_idle:
                break
    except KeyboardInterrupt:
        pass
    finally:
        store.flush()
        consumer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

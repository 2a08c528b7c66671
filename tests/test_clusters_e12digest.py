"""Issue 14, an event past the bound (``cluster.max_event_members``): what its cut lists no
longer hold is still decided as with whole lists, through the record's membership digest
(a Bloom filter of the cut members, :mod:`clusters.events`): a copy of a cut article joins, a
restore does not make counted copies wait again, the toll rules see every stated toll, an
incident written again is a member, the embedded runner's replay after a crash between its two
writes adds nothing, and an aborted batch gives back the counts. The events contract says it
changed (``schema_version`` 1.1) and a 1.0 reader still reads it."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from clusters import events as events_module
from clusters.stage import ClusterStage
from testkit.pipeline import read_topic, run_stage
from tests.broker_support import send_incidents
from tests.test_clusters import ABU_GHRAIB, incident, latest, run, run_items, wire_copy
from tests.test_clusters_runners import bounded_wire_story, run_embedded_once
from wirewatch import schemas
from wirewatch.config import ClusterSettings, KafkaSettings, MetricsSettings, Settings
from wirewatch.contracts import Event, FeedEntry, Incident, read_record
from wirewatch.runners.embedded import SqliteTable
from wirewatch.stage import Emit, TableRow
from wirewatch.topics import Topics, record_value


def _stage(cap: int = 4) -> ClusterStage:
    return ClusterStage(Settings(cluster=ClusterSettings(max_event_members=cap)))


def _rows(emits: list[Emit]) -> list[TableRow]:
    return [TableRow(e.key, record_value(e.record), 0) for e in emits if e.kind == "events"]


def _big_event(stage: ClusterStage, reports: int = 10) -> list[Emit]:
    """One event of ``reports`` reports (art-1 .. art-<reports>), each its own batch."""
    emits: list[Emit] = []
    for n in range(1, reports + 1):
        emits += run(stage, incident(n, outlet=f"o{n}.test"))
    return emits


# ---------------------------------------------------------------- 1. a copy of a cut article


def test_a_copy_of_an_article_cut_from_the_list_joins_its_event() -> None:
    stage = _stage()
    emits = _big_event(stage)
    (event,) = latest(emits).values()
    assert "art-3" not in event.article_ids and "article_ids" in event.cut_lists
    (joined,) = latest(run_items(stage, wire_copy(100, original="art-3"))).values()
    assert joined.event_id == event.event_id
    assert (joined.version, joined.article_count) == (event.version + 1, 11)
    assert stage.index.pending == {}
    # counted once: the same copy again, and after a restore from the topic, adds nothing
    assert run_items(stage, wire_copy(100, original="art-3")) == []
    restored = _stage()
    restored.restore({0}, _rows([*emits, Emit("events", joined.event_id, joined)]))
    assert run_items(restored, wire_copy(100, original="art-3")) == []


# ---------------------------------------------------------------- 2. restore re-pends copies


def test_a_restore_does_not_make_a_counted_copy_wait_again() -> None:
    stage = _stage()
    emits = _big_event(stage, 9)
    copy = wire_copy(100, original="art-9")
    emits += run_items(stage, copy)  # counted while art-9 is among the latest
    for n in range(10, 15):  # then art-9 is cut from the list
        emits += run(stage, incident(n))
    (event,) = latest(emits).values()
    assert "art-9" not in event.article_ids and event.article_count == 15
    restarted = _stage()
    restarted.restore({0}, _rows(emits))
    restarted.restore_shared("copies", [TableRow(copy.article_id, record_value(copy), 0)])
    assert restarted.index.pending == {}
    # an incident written again for art-9 is a member: no new version, the copy not twice
    assert run(restarted, incident(9)) == []
    assert restarted.index.events[event.event_id].event == event


# ---------------------------------------------------------------- 3. the toll rules


def _clash(n: int, killed: int | None, actors: tuple[str, ...] = ()) -> Incident:
    return incident(
        n, sub="Armed clash", event_type="Battles", killed=killed, actors=actors, where=ABU_GHRAIB
    )


def test_tolls_agree_with_a_toll_stated_only_by_a_cut_report() -> None:
    stage = _stage(6)
    # stated 2 (first, lowest), 5, 3, then 20 (highest), then reports stating none: 5 and 3 go
    for n, killed in enumerate([2, 5, 3, 20, None, None, None, None, None], start=1):
        run(stage, _clash(n, killed))
    ((event_id, live),) = stage.index.events.items()
    kept = [r.fatalities for r in live.event.toll_history if r.fatalities is not None]
    assert 5 not in kept and "toll_history" in live.event.cut_lists
    # an attack in the same town, that day, stating a toll a report of the clash stated
    attack = incident(50, sub="Attack", event_type="Violence against civilians", killed=5)
    (joined,) = latest(run(stage, attack)).values()
    assert joined.event_id == event_id
    # and one stating a toll no report stated is another event
    other = incident(51, sub="Attack", event_type="Violence against civilians", killed=4)
    (apart,) = latest(run(stage, other)).values()
    assert apart.event_id != event_id


def test_a_report_joins_the_event_whose_cut_reports_stated_its_toll() -> None:
    stage = _stage(6)
    # event A (party X): stated 1, 6, 30, then reports stating none: 6 is cut
    for n, killed in enumerate([1, 6, 30, None, None, None, None, None], start=1):
        run(stage, _clash(n, killed, ("X",)))
    # event B (party Y), at the same place and day: stated 1, 8, 30, whole
    for n, killed in enumerate([1, 8, 30], start=20):
        run(stage, _clash(n, killed, ("Y",)))
    assert len(stage.index) == 2
    a = next(e for e in stage.index.events.values() if e.event.actors[0].name == "X").event
    assert 6 not in [r.fatalities for r in a.toll_history]
    # a report naming no party, stating 6: the toll of a report of A (distance 0), 2 from B's
    (joined,) = latest(run(stage, _clash(40, 6))).values()
    assert joined.event_id == a.event_id


# ---------------------------------------------------------------- 4. an incident written again


def test_an_incident_cut_from_the_list_written_again_is_a_member() -> None:
    stage = _stage()
    (event,) = latest(_big_event(stage)).values()
    assert "inc-3" not in event.incident_ids and "art-3" not in event.article_ids
    assert run(stage, incident(3, outlet="o3.test")) == []
    assert stage.index.events[event.event_id].event == event
    assert len(stage.index) == 1


# ---------------------------------------------------------------- 5. the embedded runner's replay


class _Crash(Exception):
    """The process dies between the stage tables' write and the feed state's."""


def test_the_embedded_runner_replays_a_poll_group_after_a_crash_between_its_writes(
    tmp_path: Path,
) -> None:
    with bounded_wire_story(4) as (settings, feeds, _):

        def once(out: Path, *, crash: bool) -> None:
            state = SqliteTable(tmp_path / "state.db")
            if crash:  # the stage tables are written, the feed state is not
                state.put = lambda rows: (_ for _ in ()).throw(_Crash("killed"))  # type: ignore[method-assign]
            try:
                run_embedded_once(settings, feeds, out, state)
            finally:
                state.close()

        once(tmp_path / "first", crash=True)
        once(tmp_path / "again", crash=False)

    def events(out: Path) -> list[Event]:
        path = out / "wirewatch.events.v1.jsonl"
        lines = path.read_text().splitlines() if path.exists() else []
        return [read_record(Event, line) for line in lines]

    first = latest([Emit("events", e.event_id, e) for e in events(tmp_path / "first")])
    (strike,) = [e for e in first.values() if e.sub_event_type == "Air/drone strike"]
    assert strike.cut_lists == ["article_ids", "outlets"] and strike.article_count == 7
    # the whole group is processed again (its feed state was not written) against the state
    # that holds it: no new event, no new version
    incidents = (tmp_path / "again" / "wirewatch.incidents.v1.jsonl").read_text().splitlines()
    assert len(incidents) == strike.incident_count + 1  # the strike's and the protest's
    replayed = events(tmp_path / "again")
    assert [(e.event_id, e.version) for e in replayed] == []


# ---------------------------------------------------------------- 6. an aborted batch


def test_an_aborted_batch_gives_back_the_counts_and_the_digest() -> None:
    """The review's suspicion (a rollback loses the counts) is not borne out: the undo log
    keeps the event's whole record, counts and digest included."""
    stage = _stage()
    (event,) = latest(_big_event(stage)).values()
    assert event.member_digest is not None
    out = run_items(stage, incident(11), wire_copy(100, original="art-3"), commit=False)
    assert [e.record.article_count for e in out] == [11, 12]  # type: ignore[union-attr]
    assert stage.index.events[event.event_id].event == event
    redone = run_items(stage, incident(11), wire_copy(100, original="art-3"))
    assert [(e.record.version, e.record.article_count) for e in redone] == [  # type: ignore[union-attr]
        (11, 11),
        (12, 12),
    ]


# ---------------------------------------------------------------- the digest's error bound


def test_the_digest_false_positive_rate_stays_under_its_stated_bound() -> None:
    members = events_module.DIGEST_STATED_MEMBERS
    bound = events_module.digest_false_positive_rate(members)
    assert bound <= events_module.DIGEST_STATED_RATE
    digest = events_module.digest_with(None, (f"i:member-{n}" for n in range(members)))
    assert len(base64.b64decode(digest)) == events_module.DIGEST_BITS // 8
    assert all(events_module.in_digest(digest, f"i:member-{n}") for n in range(members))
    rng = random.Random(14)
    probes = 200_000
    false = sum(
        events_module.in_digest(digest, f"i:other-{rng.getrandbits(64)}") for _ in range(probes)
    )
    # the expected count is bound * probes; a margin of 1.5x keeps a fixed seed's draw inside
    assert false <= 1.5 * bound * probes, (false, bound)


def test_a_record_past_the_bound_with_its_digest_fits_well_under_the_size_limit() -> None:
    settings = Settings()
    stage = ClusterStage(settings)
    emits = []
    for n in range(1, 2 * settings.cluster.max_event_members + 2):
        emits += run(stage, incident(n, killed=n, outlet=f"o{n}.test"))
    (event,) = latest(emits).values()
    assert event.member_digest is not None and len(event.incident_ids) < event.incident_count  # type: ignore[operator]
    assert len(record_value(event)) < settings.kafka.max_request_size // 4


# ---------------------------------------------------------------- 7. the contract's version


def test_the_events_contract_is_version_1_1_and_the_other_topics_stay_1_0() -> None:
    stage = _stage()
    (event,) = latest(_big_event(stage)).values()
    value = json.loads(record_value(event))
    assert value["schema_version"] == "1.1" and "member_digest" in value
    entry = FeedEntry(entry_id="e", url_key="k", feed_id="f", feed_url="u", url="u", link="u")
    assert entry.schema_version == "1.0"
    committed = schemas.load("events")
    assert committed["x-compatibility"]["writes"] == "1.1"
    assert committed["properties"]["schema_version"]["default"] == "1.1"
    jsonschema.validate(value, committed)
    # a record written by a 1.0 writer is read as it was
    old = {**value, "schema_version": "1.0"}
    del old["member_digest"]
    assert read_record(Event, json.dumps(old)).member_digest is None


def test_a_1_0_reader_reads_the_1_1_record() -> None:
    """A 1.0 reader (the events schema as committed before 1.1: no ``member_digest``, unknown
    properties ignored, any 1.x) and the example consumer read the new record."""
    stage = _stage()
    (event,) = latest(_big_event(stage)).values()
    value: dict[str, Any] = json.loads(record_value(event))
    reader_1_0 = schemas.load("events")
    del reader_1_0["properties"]["member_digest"]
    reader_1_0["additionalProperties"] = {}  # what readers ignore: anything
    jsonschema.validate(value, reader_1_0)
    assert reader_1_0["properties"]["schema_version"]["pattern"] == r"^1\.\d+$"
    import importlib.util

    from testkit.http import REPO

    spec = importlib.util.spec_from_file_location(
        "events_consumer", REPO / "examples" / "events_consumer.py"
    )
    assert spec is not None and spec.loader is not None
    consumer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(consumer)
    assert consumer.describe(value).endswith(" reports=10")


# ---------------------------------------------------------------- the Kafka runner's restore


@pytest.mark.kafka
def test_the_kafka_runner_restores_the_digest_and_decides_the_cut_part_as_a_member(
    kafka_settings: KafkaSettings,
) -> None:
    settings = Settings(
        kafka=kafka_settings,
        metrics=MetricsSettings(enabled=False),
        cluster=ClusterSettings(max_event_members=4),
    )
    topics = Topics(kafka_settings.topic_prefix)
    reports = [incident(n, outlet=f"o{n}.test") for n in range(1, 11)]
    send_incidents(kafka_settings, *reports)
    run_stage(settings, "cluster", len(reports), timeout=300)
    out = read_topic(kafka_settings.bootstrap_servers, topics.name("events"))
    (event,) = {e.event_id: e for e in (read_record(Event, m.value) for m in out)}.values()
    assert event.version == 10 and event.member_digest is not None
    # a new worker restores it: the cut part delivered again is a member; a new report joins
    send_incidents(kafka_settings, reports[2], incident(11, outlet="o11.test"))
    run_stage(settings, "cluster", 2, timeout=300)
    out = read_topic(kafka_settings.bootstrap_servers, topics.name("events"))
    after = [read_record(Event, m.value) for m in out]
    assert len({e.event_id for e in after}) == 1
    # the latest version, not the 11th record: the broker may compact older versions away
    # (tests/broker_support.hold_compaction); a second join of the cut part would be v12
    newest = max(after, key=lambda e: e.version)
    assert (newest.version, newest.incident_count) == (11, 11)
    assert read_topic(kafka_settings.bootstrap_servers, topics.deadletter, idle_ms=1000) == []

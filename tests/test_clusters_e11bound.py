"""Issue 14's bound on the event record: a story reported by hundreds of outlets or sources keeps
publishing versions that fit the events topic, with counts of everything, the toll's first,
lowest, highest and latest reports, and ``cut_lists`` saying which lists are cut; the state
restored from the topic is the state that was written; an event too large for any other reason
is a dead letter, never a stop. Both runners (embedded: JSONL and the state file; Kafka: the
real broker)."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from clusters.events import DIGEST_BITS, digest_with, outlet_of
from clusters.stage import EVENT_RECORD_HEADROOM, ClusterStage
from testkit.http import REPO
from testkit.pipeline import read_topic, run_stage
from tests.broker_support import send_incidents
from tests.test_clusters import BAGHDAD, incident, latest, run, run_items, wire_copy
from tests.test_clusters_runners import bounded_wire_story, run_embedded_once
from wirewatch.config import ClusterSettings, KafkaSettings, MetricsSettings, Settings
from wirewatch.contracts import Actor, Event, Incident, TollReport, read_record
from wirewatch.metrics import sample
from wirewatch.runners.embedded import SqliteTable
from wirewatch.stage import Emit, Inbound, TableRow
from wirewatch.topics import Topics, record_value

#: the longest host name DNS allows, as an outlet
LONG_HOST = ("o" * 62 + ".") * 4


def _long(n: int, *, killed: int | None = None) -> Incident:
    """Report ``n`` of one big story: long ids, a long outlet name, a long source."""
    inc = incident(n, killed=killed, outlet=f"{n}{LONG_HOST}"[:253])
    return inc.model_copy(
        update={
            "incident_id": f"inc-{n}-" + "i" * 60,
            "article_id": f"art-{n}-" + "a" * 60,
            "sources": [f"source {n} " + "s" * 150],
            # one party every report names (else they contradict), and one of its own
            "actors": [
                Actor(name="Air Force", role="actor1"),
                Actor(name=f"actor {n} " + "n" * 80, role="actor2"),
            ],
        }
    )


def _emit_bytes(e: Emit) -> int:
    return len(record_value(e.record))


def test_a_big_story_keeps_publishing_versions_that_fit_with_counts_of_everything() -> None:
    settings = Settings()
    stage = ClusterStage(settings)
    limit = settings.kafka.max_request_size - EVENT_RECORD_HEADROOM
    reports = 2_000
    emits: list[Emit] = []
    for n in range(1, reports + 1):
        out = run(stage, _long(n, killed=n if n % 10 == 0 else None))
        assert [e.kind for e in out] == ["events"], out
        if n % 100 == 0:  # every version is checked below through its counts; sizes sampled
            assert _emit_bytes(out[0]) <= limit // 2, (n, _emit_bytes(out[0]))
        emits += out
    (event,) = latest(emits).values()
    assert event.version == reports
    assert event.incident_count == event.article_count == event.toll_report_count == reports
    assert event.outlet_count == event.source_count == event.actor_count - 1 == reports
    cap = settings.cluster.max_event_members
    assert all(
        len(getattr(event, f)) == cap
        for f in ("incident_ids", "article_ids", "toll_history", "sources", "outlets", "actors")
    )
    assert event.cut_lists == [
        "incident_ids",
        "article_ids",
        "toll_history",
        "sources",
        "outlets",
        "actors",
    ]
    # the first members and the latest ones
    assert event.incident_ids[0] == _long(1).incident_id
    assert event.incident_ids[-1] == _long(reports).incident_id
    assert event.article_ids[cap // 2 - 1] == _long(cap // 2).article_id
    assert event.article_ids[cap // 2] == _long(reports - (cap - cap // 2) + 1).article_id
    assert event.outlets[0] == _long(1).outlet and event.sources[0] == _long(1).sources[0]
    assert event.fatalities == reports


def test_the_toll_history_keeps_its_first_lowest_highest_and_latest_reports() -> None:
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=6)))
    # the first report states none, the second the lowest toll; a late report of a high
    # count in the middle (the highest), then a rising toll
    tolls: list[int | None] = [None, 2, 3, 40, 4, 5, 6, 7, 8, 9, 10]
    emits: list[Emit] = []
    for n, killed in enumerate(tolls, start=1):
        emits += run(stage, incident(n, killed=killed))
    (event,) = latest(emits).values()
    assert [r.fatalities for r in event.toll_history] == [None, 2, 40, 8, 9, 10]
    assert event.toll_report_count == len(tolls) and event.cut_lists[:3] == [
        "incident_ids",
        "article_ids",
        "toll_history",
    ]
    # the decisions that compare with the lowest and highest toll are those of the whole
    # history: a report of fewer deaths than the first count is another event, a revised toll
    # above the highest follows up
    assert len(latest(run(stage, incident(50, killed=1)))) == 1
    assert stage.index.events[event.event_id].event.version == event.version


def test_an_event_under_the_bound_keeps_every_member_and_no_list_is_cut() -> None:
    stage = ClusterStage(Settings())
    emits = [
        *run(stage, incident(1, killed=3, outlet="a.test")),
        *run(stage, incident(2, killed=5, outlet="b.test")),
        *run_items(stage, wire_copy(3, original="art-1", outlet="c.test")),
    ]
    (event,) = latest(emits).values()
    assert event.incident_ids == ["inc-1", "inc-2"]
    assert event.article_ids == ["art-1", "art-2", "copy-3"]
    assert event.outlets == ["a.test", "b.test", "c.test"]
    assert [r.fatalities for r in event.toll_history] == [3, 5]
    assert (event.incident_count, event.article_count, event.outlet_count) == (2, 3, 3)
    assert event.toll_report_count == 2 and event.cut_lists == []


def test_the_state_restored_from_the_topic_is_the_state_written_and_members_stay_members() -> None:
    settings = Settings(cluster=ClusterSettings(max_event_members=10))
    before = ClusterStage(settings)
    emits: list[Emit] = []
    for n in range(1, 41):
        emits += run(before, incident(n, killed=n, outlet=f"o{n}.test"))
    emits += run_items(before, *(wire_copy(100 + n, original="art-40") for n in range(3)))
    (written,) = latest(emits).values()
    assert written.cut_lists and written.article_count == 43
    after = ClusterStage(settings)
    after.restore({0}, [TableRow(e.key, record_value(e.record), 0) for e in emits])
    restored = after.index.events[written.event_id]
    assert restored.event == written == before.index.events[written.event_id].event
    assert read_record(Event, record_value(written)) == written
    # incidents and copies of this batch and the ones before it, delivered again, are members
    # (the latest half of the ids) and so are the event's first ones: no new version
    for stage in (before, after):
        assert run(stage, incident(40, killed=40), incident(39, killed=39)) == []
        assert run(stage, incident(1, killed=1)) == []
        assert run_items(stage, wire_copy(102, original="art-40")) == []
    # and a new report goes on from the written version, both sides alike
    one, two = run(before, incident(41, killed=41)), run(after, incident(41, killed=41))
    untimed = {"last_reported_at": True, "toll_history": {"__all__": {"reported_at"}}}
    assert [e.record.model_dump(exclude=untimed) for e in one] == [
        e.record.model_dump(exclude=untimed) for e in two
    ]
    assert one[0].record.version == written.version + 1  # type: ignore[union-attr]
    assert one[0].record.incident_count == 41  # type: ignore[union-attr]


def test_a_copy_of_the_events_first_article_still_joins_when_the_lists_are_cut() -> None:
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=4)))
    emits: list[Emit] = []
    for n in range(1, 11):
        emits += run(stage, incident(n, outlet=f"o{n}.test"))
    emits += run_items(stage, wire_copy(1, original="art-1", outlet="late.test"))
    (event,) = latest(emits).values()
    assert event.version == 11 and event.article_count == 11 and event.outlet_count == 11


def test_records_written_before_the_counts_are_read_and_counted_from_their_lists() -> None:
    stage = ClusterStage(Settings())
    (old,) = latest(run(stage, incident(1, killed=3, outlet="a.test"))).values()
    value = json.loads(record_value(old))
    for field in (
        "incident_count",
        "article_count",
        "toll_report_count",
        "source_count",
        "outlet_count",
        "actor_count",
        "cut_lists",
    ):
        del value[field]
    after = ClusterStage(Settings())
    after.restore({0}, [TableRow(old.event_id, json.dumps(value).encode(), 0)])
    (event,) = latest(run(after, incident(2, killed=5, outlet="b.test"))).values()
    assert (event.incident_count, event.article_count, event.outlet_count) == (2, 2, 2)
    assert event.toll_report_count == 2 and event.cut_lists == []


def test_the_example_consumer_counts_every_report_of_a_cut_event() -> None:
    spec = importlib.util.spec_from_file_location(
        "events_consumer", REPO / "examples" / "events_consumer.py"
    )
    assert spec is not None and spec.loader is not None
    consumer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(consumer)
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=4)))
    emits: list[Emit] = []
    for n in range(1, 8):
        emits += run(stage, incident(n))
    (event,) = latest(emits).values()
    value = json.loads(record_value(event))
    assert consumer.describe(value).endswith(" reports=7")
    del value["incident_count"]  # a record written before the counts: its list's length
    assert consumer.describe(value).endswith(" reports=4")


def test_max_event_members_is_validated() -> None:
    assert ClusterSettings().max_event_members == 300
    assert ClusterSettings(max_event_members=4).max_event_members == 4
    for bad in (0, 3, 1001):
        with pytest.raises(ValidationError, match="max_event_members"):
            ClusterSettings(max_event_members=bad)


def test_the_default_bound_keeps_a_record_of_long_names_well_under_the_size_limit() -> None:
    settings = Settings()
    cap = settings.cluster.max_event_members
    long = "x" * 253
    report = TollReport(
        incident_id="i" * 64,
        article_id="a" * 64,
        reported_at="2024-03-05T00:00:00Z",
        fatalities=10_000,
        fatalities_min=10_000,
        injured=10_000,
        injured_min=10_000,
    )
    (event,) = latest(run(ClusterStage(settings), incident(1))).values()
    full = event.model_copy(
        update={
            "incident_ids": ["i" * 64] * cap,
            "article_ids": ["a" * 64] * cap,
            "toll_history": [report] * cap,
            "sources": [long] * cap,
            "outlets": [long] * cap,
            "actors": [Actor(name=long, type=long, role="actor1")] * cap,
            # the membership digest of what was cut: fixed in size whatever it holds
            "member_digest": digest_with(None, (f"i:{n}" for n in range(50_000))),
        }
    )
    assert len(base64.b64decode(full.member_digest or "")) == DIGEST_BITS // 8
    assert len(record_value(full)) < settings.kafka.max_request_size // 2


def test_an_event_still_too_large_is_a_dead_letter_and_the_event_goes_on() -> None:
    settings = Settings(kafka=KafkaSettings(max_request_size=EVENT_RECORD_HEADROOM + 20_000))
    stage = ClusterStage(settings)
    (first,) = latest(run(stage, incident(1, killed=3))).values()
    huge = incident(2, killed=5).model_copy(update={"sources": ["police " + "p" * 30_000]})
    labels = {"stage": "cluster", "reason": "record.too_large"}
    before = sample("wirewatch_dead_letters_total", labels)
    batch = [Inbound(huge, huge.incident_id, topic="t.sharded-incidents", partition=2, offset=7)]
    out = asyncio.run(stage.handle(batch))
    stage.on_commit(batch)
    (letter,) = [e.record for e in out]
    assert [e.kind for e in out] == ["deadletter"]
    assert letter.reason == "record.too_large"  # type: ignore[union-attr]
    assert "\n" not in letter.error and first.event_id in letter.error  # type: ignore[union-attr]
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (  # type: ignore[union-attr]
        "t.sharded-incidents",
        2,
        7,
    )
    assert json.loads(letter.payload)["incident_id"] == "inc-2"  # type: ignore[union-attr,arg-type]
    assert sample("wirewatch_dead_letters_total", labels) == before + 1
    # the state is still the version written; the next report goes on from it
    assert stage.index.events[first.event_id].event == first
    (event,) = latest(run(stage, incident(3, killed=7))).values()
    assert event.version == 2 and event.incident_ids == ["inc-1", "inc-3"]
    # a first report too large starts no event
    mosul = BAGHDAD.model_copy(update={"name": "Mosul", "lat": 36.34, "lon": 43.13})
    alone = incident(4, where=mosul).model_copy(update={"sources": ["x" * 30_000]})
    (letter_out,) = run(stage, alone)
    assert letter_out.kind == "deadletter" and "no event is started" in letter_out.record.error  # type: ignore[union-attr]
    assert len(stage.index) == 1
    # a wire copy that would overflow the event is a dead letter too
    copy = wire_copy(9, original="art-1", outlet="c" * 200)
    copy = copy.model_copy(update={"article_id": "copy-" + "c" * 25_000})
    (letter_out,) = run_items(stage, copy)
    assert letter_out.kind == "deadletter"
    assert stage.index.events[first.event_id].event == event


def test_the_embedded_runner_writes_bounded_events_and_keeps_the_same_state(
    tmp_path: Path,
) -> None:
    with bounded_wire_story(4) as (settings, feeds, servers):
        outlets = [outlet_of(s.url("/")) for s in servers]
        state = SqliteTable(tmp_path / "state.db")
        stats = run_embedded_once(settings, feeds, tmp_path / "out", state)
    assert stats.dead_letters == 0
    lines = (tmp_path / "out" / "wirewatch.events.v1.jsonl").read_text().splitlines()
    written: dict[str, Event] = {}
    for line in lines:
        ev = read_record(Event, line)
        assert ev.version == (written[ev.event_id].version + 1 if ev.event_id in written else 1)
        assert all(len(getattr(ev, f)) <= 4 for f in ("incident_ids", "article_ids", "outlets"))
        written[ev.event_id] = ev
    (strike,) = [e for e in written.values() if e.sub_event_type == "Air/drone strike"]
    assert strike.fatalities == 7 and strike.incident_count == 3
    assert strike.article_count == 7 and strike.outlet_count == len(set(outlets)) == 5
    assert strike.cut_lists == ["article_ids", "outlets"]
    assert len(strike.article_ids) == 4 and strike.outlets == outlets[:4]
    assert [r.fatalities for r in strike.toll_history] == [3, 5, 7]
    # the state file holds what the JSONL holds, and a stage restored from it is that state
    try:
        rows = state.table("events").rows()
    finally:
        state.close()
    assert {r.key: read_record(Event, r.value) for r in rows} == written  # type: ignore[arg-type]
    restored = ClusterStage(settings)
    restored.restore({0}, rows)
    assert {k: v.event for k, v in restored.index.events.items()} == written


@pytest.mark.kafka
def test_a_big_story_in_the_kafka_runner_publishes_every_version_and_restores(
    kafka_settings: KafkaSettings,
) -> None:
    """Before the bound: past the size limit every version became a ``record.too_large`` dead
    letter while the worker's state went on, so the topic and the state diverged and a
    restart restored the last version that fitted."""
    cfg = kafka_settings.model_copy(update={"max_request_size": 150_000})
    # a topic limit of 150 kB: a bound of 100 members keeps these long names under it
    settings = Settings(
        kafka=cfg,
        metrics=MetricsSettings(enabled=False),
        cluster=ClusterSettings(max_event_members=100),
    )
    topics = Topics(cfg.topic_prefix)
    reports = [_long(n, killed=n) for n in range(1, 401)]
    send_incidents(cfg, *reports)
    run_stage(settings, "cluster", len(reports), timeout=600)
    assert read_topic(cfg.bootstrap_servers, topics.deadletter, idle_ms=1000) == []
    out = read_topic(cfg.bootstrap_servers, topics.name("events"))
    assert all(len(m.value) <= cfg.max_request_size - EVENT_RECORD_HEADROOM for m in out)
    (event,) = {e.event_id: e for e in (read_record(Event, m.value) for m in out)}.values()
    assert event.version == event.incident_count == event.toll_report_count == 400
    assert event.fatalities == 400 and "toll_history" in event.cut_lists
    # a new worker restores the event from the topic: the last report delivered again is a
    # member, a new one makes the next version with its counts
    send_incidents(cfg, reports[-1], _long(401, killed=401))
    run_stage(settings, "cluster", 2, timeout=300)
    out = read_topic(cfg.bootstrap_servers, topics.name("events"))
    last = read_record(Event, out[-1].value)
    assert (last.event_id, last.version, last.incident_count) == (event.event_id, 401, 401)
    assert last.toll_history[0] == event.toll_history[0]
    assert last.toll_history[-1].fatalities == 401
    assert read_topic(cfg.bootstrap_servers, topics.deadletter, idle_ms=1000) == []

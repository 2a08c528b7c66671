"""Many reports, one event: the cluster stage's joins, versions, window and undo; the
near-duplicate check of articles."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from clusters.dedupe import NearDuplicates
from clusters.stage import ClusterStage
from wirewatch.config import ClusterSettings, Settings
from wirewatch.contracts import (
    Actor,
    Event,
    Evidence,
    ExtractorInfo,
    Incident,
    Location,
    WireCopy,
)
from wirewatch.metrics import sample
from wirewatch.stage import Emit, Inbound, RestoringStage, Stage, TableRow
from wirewatch.topology import TOPOLOGY

ABU_GHRAIB = Location(
    name="Abu Ghraib", country="Iraq", country_iso3="IRQ", lat=33.3056, lon=44.1847
)
BAGHDAD = Location(name="Baghdad", country="Iraq", country_iso3="IRQ", lat=33.3406, lon=44.4009)


def incident(
    n: int,
    *,
    article: str | None = None,
    sub: str = "Air/drone strike",
    event_type: str = "Explosions/Remote violence",
    day: str = "2024-03-05",
    where: Location | None = ABU_GHRAIB,
    killed: int | None = None,
    actors: Sequence[str] = (),
    outlet: str | None = None,
) -> Incident:
    text = f"report {n}"
    return Incident(
        incident_id=f"inc-{n}",
        article_id=article or f"art-{n}",
        event_type=event_type,
        sub_event_type=sub,
        date=day,
        date_precision="day",
        actors=[Actor(name=a, role="actor1") for a in actors],
        location=where,
        fatalities=killed,
        evidence=Evidence(text=text, start=0, end=len(text)),
        confidence=0.7,
        extractor=ExtractorInfo(name="test", version="0"),
        outlet=outlet,
    )


def run(stage: ClusterStage, *incidents: Incident, commit: bool = True) -> list[Emit]:
    batch = [Inbound(i, i.incident_id, partition=0) for i in incidents]
    out = asyncio.run(stage.handle(batch))
    (stage.on_commit if commit else stage.on_abort)(batch)
    return out


def events_of(*incidents: Incident) -> dict[str, Event]:
    """The latest record per event after a fresh cluster stage handled ``incidents`` one by one
    (each in its own committed batch)."""
    stage = ClusterStage(Settings())
    emits: list[Emit] = []
    for inc in incidents:
        emits += run(stage, inc)
    return latest(emits)


def latest(emits: Sequence[Emit]) -> dict[str, Event]:
    """A compacted topic's view: the last record per key."""
    out: dict[str, Event] = {}
    for e in emits:
        assert e.kind == "events", e
        out[e.key] = e.record  # type: ignore[assignment]
    return out


def test_the_stage_follows_the_contract_and_is_in_the_topology() -> None:
    stage = ClusterStage(Settings())
    assert isinstance(stage, Stage) and isinstance(stage, RestoringStage)
    row = TOPOLOGY.stage("cluster")
    assert (row.input, row.outputs) == ("sharded-incidents", ("events",))
    assert row.also_reads == ("broadcast-copies",) and row.copartitioned
    assert TOPOLOGY.topic("broadcast-copies").broadcast
    events = TOPOLOGY.topic("events")
    assert (events.key, events.compacted, events.ce_type) == (
        "event_id",
        True,
        "io.wirewatch.event.v1",
    )


def test_a_rising_toll_across_three_reports_is_one_event_with_three_versions() -> None:
    stage = ClusterStage(Settings())
    emits = [
        *run(stage, incident(1, killed=3, outlet="a.test")),
        *run(stage, incident(2, killed=5, day="2024-03-06", outlet="b.test")),
        *run(
            stage,
            incident(
                3,
                killed=7,
                outlet="c.test",
                where=BAGHDAD.model_copy(
                    update={"name": "Abu Ghraib district", "lat": 33.29, "lon": 44.10}
                ),
            ),
        ),
    ]
    assert [e.record.version for e in emits] == [1, 2, 3]  # type: ignore[attr-defined]
    assert len({e.key for e in emits}) == 1
    (event,) = latest(emits).values()
    assert event.version == 3 and event.fatalities == 7
    assert [r.fatalities for r in event.toll_history] == [3, 5, 7]
    assert event.incident_ids == ["inc-1", "inc-2", "inc-3"]
    assert event.article_ids == ["art-1", "art-2", "art-3"]
    assert event.outlets == ["a.test", "b.test", "c.test"]
    assert (event.first_date, event.last_date) == ("2024-03-05", "2024-03-06")
    assert event.first_reported_at <= event.last_reported_at


def test_event_versions_are_counted_new_and_updated() -> None:
    def counts() -> tuple[float, float]:
        return (
            sample("wirewatch_events_total", {"version": "new"}),
            sample("wirewatch_events_total", {"version": "update"}),
        )

    before = counts()
    stage = ClusterStage(Settings())
    run(stage, incident(1, killed=3))
    run(stage, incident(2, killed=5))  # the same strike: an update
    run(stage, incident(3, where=BAGHDAD.model_copy(update={"lat": 30.5, "lon": 47.8})))  # apart
    after = counts()
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)


def test_two_different_stories_on_the_same_day_and_place_stay_apart() -> None:
    stage = ClusterStage(Settings())
    emits = [
        *run(stage, incident(1, killed=3)),
        *run(stage, incident(2, sub="Peaceful protest", event_type="Protests")),
        # same type, same place, same day, but two different named attackers
        *run(stage, incident(3, sub="Armed clash", event_type="Battles", actors=["ISIS"])),
        *run(stage, incident(4, sub="Armed clash", event_type="Battles", actors=["PKK"])),
        # and a strike in the same place a week later
        *run(stage, incident(5, killed=1, day="2024-03-12")),
    ]
    assert len(latest(emits)) == 5
    assert all(e.record.version == 1 for e in emits)  # type: ignore[attr-defined]


def test_places_too_far_apart_or_unknown_do_not_join() -> None:
    stage = ClusterStage(Settings())
    emits = [
        *run(stage, incident(1)),
        *run(stage, incident(2, where=BAGHDAD.model_copy(update={"lat": 36.34, "lon": 43.13}))),
        *run(stage, incident(3, where=None)),
        *run(stage, incident(4, where=None)),
    ]
    assert len(latest(emits)) == 4


def test_two_incidents_of_one_article_are_two_events() -> None:
    stage = ClusterStage(Settings())
    emits = run(stage, incident(1, article="same"), incident(2, article="same"))
    assert len(latest(emits)) == 2


def test_an_aborted_batch_is_undone_and_redone_with_the_same_versions() -> None:
    stage = ClusterStage(Settings())
    first = run(stage, incident(1, killed=3))
    aborted = run(
        stage,
        incident(2, killed=5),
        incident(10, sub="Peaceful protest", event_type="Protests"),
        commit=False,
    )
    redone = run(
        stage, incident(2, killed=5), incident(10, sub="Peaceful protest", event_type="Protests")
    )
    assert [
        (
            e.key,
            e.record.model_dump(exclude={"first_reported_at", "last_reported_at", "toll_history"}),
        )
        for e in aborted
    ] == [
        (
            e.key,
            e.record.model_dump(exclude={"first_reported_at", "last_reported_at", "toll_history"}),
        )
        for e in redone
    ]
    event = latest([*first, *redone])[first[0].key]
    assert event.version == 2 and event.incident_ids == ["inc-1", "inc-2"]
    assert len(stage.index) == 2


def test_the_window_bounds_the_state() -> None:
    stage = ClusterStage(Settings(cluster=ClusterSettings(window_days=7, max_events=3)))
    run(stage, incident(1, day="2024-03-01"))
    run(stage, incident(2, day="2024-03-20"))  # the first is now 19 days behind
    assert [live.event.incident_ids for live in stage.index.events.values()] == [["inc-2"]]
    # a late report of the forgotten strike starts a new event
    (late,) = run(stage, incident(3, day="2024-03-01"))
    assert late.record.version == 1  # type: ignore[attr-defined]
    for n in range(4, 10):
        run(stage, incident(n, day="2024-03-20", where=None))
    assert len(stage.index) <= 3


def test_state_is_restored_from_the_compacted_output() -> None:
    before = ClusterStage(Settings())
    emits = [*run(before, incident(1, killed=3)), *run(before, incident(2, killed=5))]
    rows = [TableRow(e.key, e.record.model_dump_json().encode(), 0) for e in emits]
    after = ClusterStage(Settings())
    after.restore({0}, [*rows, TableRow("gone", None, 0), TableRow("bad", b"{", 0)])
    (event,) = latest(run(after, incident(3, killed=7))).values()
    assert event.version == 3 and event.fatalities == 7
    after.revoke({0})
    assert len(after.index) == 0


WIRE = (
    "Gunmen attacked a police checkpoint on the outskirts of the city before dawn on Tuesday, "
    "killing four officers and wounding six others, a provincial spokesman said. The attackers "
    "arrived in two pickup trucks and opened fire with automatic weapons before fleeing into "
    "farmland to the north, according to the spokesman, who asked not to be named. No group "
    "claimed responsibility for the assault, the third on security forces in the province "
    "this month. Residents said the gunfire lasted for about twenty minutes and that "
    "ambulances took the wounded to the main hospital. Security forces sealed off the area "
    "and began searching nearby villages, the governor's office said in a statement."
)


def test_the_same_wire_copy_on_five_hosts_is_one_original_and_four_duplicates() -> None:
    index = NearDuplicates(ClusterSettings())
    paras = WIRE.split(". ")
    copies = [
        WIRE,
        "Share this story. " + WIRE + " Copyright 2024 Outlet B. All rights reserved.",
        ". ".join(paras[:-1]) + ". Subscribe to our newsletter for more news.",
        "Breaking: " + ". ".join(paras[1:]),
        WIRE.replace("Tuesday", "Tuesday (local time)") + " Read more: world news.",
    ]
    verdicts = [index.check(f"art-{i}", text) for i, text in enumerate(copies)]
    assert verdicts[0] is None
    assert [v.original if v else None for v in verdicts[1:]] == ["art-0"] * 4
    assert all(v is not None and 0.5 <= v.similarity <= 1.0 for v in verdicts[1:])
    other = WIRE.replace("police checkpoint", "army base").replace("four officers", "nine soldiers")
    assert index.check("art-9", "A different story entirely. " * 3 + other[:200]) is None
    assert index.check("art-0", WIRE) is None  # a redone batch: not a copy of itself


def test_the_duplicate_memory_is_bounded() -> None:
    index = NearDuplicates(ClusterSettings(duplicate_memory=5))
    for i in range(20):
        index.check(f"art-{i}", " ".join(f"word{i}x{j}" for j in range(60)))
    assert len(index) == 5


def test_an_incident_written_again_makes_no_new_version_and_no_second_event() -> None:
    stage = ClusterStage(Settings())
    first = incident(1, killed=3, outlet="a.test")
    emits = [*run(stage, first), *run(stage, first), *run(stage, incident(2, killed=4))]
    assert [e.record.version for e in emits] == [1, 2]  # type: ignore[attr-defined]
    (event,) = latest(emits).values()
    assert event.incident_ids == ["inc-1", "inc-2"]


def test_reports_a_day_apart_each_do_not_chain_a_week_into_one_event() -> None:
    stage = ClusterStage(Settings())  # cluster.max_day_gap = 1, cluster.follow_up_days = 2
    emits = [
        *run(stage, incident(1, day="2024-03-05")),
        *run(stage, incident(2, day="2024-03-06")),
        *run(stage, incident(3, day="2024-03-07")),
        *run(stage, incident(4, day="2024-03-08")),
    ]
    events = latest(emits)
    # the third, stating no toll and dated by its text, follows up the event of the 5th and
    # 6th (c14recall: within follow_up_days of its start); the fourth is past it
    assert sorted(len(e.incident_ids) for e in events.values()) == [1, 3]


def wire_copy(n: int, original: str = "art-1", outlet: str | None = None) -> WireCopy:
    return WireCopy(
        article_id=f"copy-{n}",
        duplicate_of=original,
        similarity=0.8,
        url=f"https://{outlet or 'copy.test'}/{n}",
        outlet=outlet,
    )


def run_items(
    stage: ClusterStage, *records: Incident | WireCopy, commit: bool = True
) -> list[Emit]:
    """Incidents and wire copies in one batch, as the runners hand them over."""
    batch = [
        Inbound(r, r.incident_id if isinstance(r, Incident) else r.article_id, partition=0)
        for r in records
    ]
    out = asyncio.run(stage.handle(batch))
    (stage.on_commit if commit else stage.on_abort)(batch)
    return out


def test_the_cluster_stage_reads_wire_copies_the_process_stage_writes() -> None:
    assert TOPOLOGY.stage("cluster").inputs == ("sharded-incidents", "broadcast-copies")
    assert "copies" in TOPOLOGY.stage("process").outputs
    assert "broadcast-copies" in TOPOLOGY.stage("process").outputs
    copies = TOPOLOGY.topic("copies")
    assert (copies.key, copies.compacted, copies.model()) == (
        "article_id (the copy's)",
        True,
        WireCopy,
    )
    # subscribers read the copies topic; the cluster stage reads the same records sent to
    # every partition of its own input
    assert [s.name for s in TOPOLOGY.consumers_of("copies")] == []
    assert [s.name for s in TOPOLOGY.consumers_of("broadcast-copies")] == ["cluster"]
    assert TOPOLOGY.topic("broadcast-copies").model() is WireCopy


def test_wire_copies_join_their_originals_event_as_more_articles_and_outlets() -> None:
    stage = ClusterStage(Settings())
    emits = [
        *run_items(stage, incident(1, killed=3, outlet="a.test")),
        *run_items(stage, wire_copy(1, outlet="b.test"), wire_copy(2, outlet="c.test")),
        *run_items(stage, wire_copy(1, outlet="b.test")),  # a replay: nothing new
        *run_items(stage, wire_copy(3, original="art-elsewhere", outlet="d.test")),
    ]
    assert [e.record.version for e in emits] == [1, 2, 3]  # type: ignore[attr-defined]
    (event,) = latest(emits).values()
    assert event.article_ids == ["art-1", "copy-1", "copy-2"]
    assert event.outlets == ["a.test", "b.test", "c.test"]
    assert event.incident_ids == ["inc-1"]  # one report's incidents, counted by three outlets
    assert [r.fatalities for r in event.toll_history] == [3] and event.fatalities == 3


def test_a_copy_before_its_original_waits_and_joins_the_originals_first_version() -> None:
    stage = ClusterStage(Settings())
    assert run_items(stage, wire_copy(1, outlet="b.test")) == []
    # the original's batch fails to be written once: the copy still waits for the redo
    assert run_items(stage, incident(1, killed=3, outlet="a.test"), commit=False)
    emits = run_items(stage, incident(1, killed=3, outlet="a.test"))
    (event,) = latest(emits).values()
    assert event.version == 1 and event.article_ids == ["art-1", "copy-1"]
    assert event.outlets == ["a.test", "b.test"]
    assert stage.index.pending == {}  # joined, no longer waiting
    # the copy read again later (a replay) makes no new version
    assert run_items(stage, wire_copy(1, outlet="b.test")) == []


def test_an_aborted_copy_is_undone() -> None:
    stage = ClusterStage(Settings())
    run_items(stage, incident(1, outlet="a.test"))
    assert run_items(stage, wire_copy(1, outlet="b.test"), commit=False)
    (again,) = run_items(stage, wire_copy(1, outlet="b.test"))
    assert again.record.version == 2  # type: ignore[attr-defined]


def test_copies_waiting_for_an_original_are_bounded() -> None:
    import clusters.events as events_module

    stage = ClusterStage(Settings())
    for n in range(events_module.PENDING_COPIES + 50):
        run_items(stage, wire_copy(n, original=f"orig-{n}"))
    assert len(stage.index.pending) == events_module.PENDING_COPIES
    assert "orig-0" not in stage.index.pending  # the oldest went first


def test_copies_counted_before_a_restart_are_not_counted_again() -> None:
    stage = ClusterStage(Settings())
    emits = run_items(stage, incident(1, outlet="a.test"), wire_copy(1, outlet="b.test"))
    rows = [TableRow(e.key, e.record.model_dump_json().encode(), 0) for e in emits]
    restarted = ClusterStage(Settings())
    restarted.restore({0}, rows)
    assert run_items(restarted, wire_copy(1, outlet="b.test")) == []
    (event,) = latest(run_items(restarted, wire_copy(2, outlet="c.test"))).values()
    assert event.version == 3 and event.article_ids == ["art-1", "copy-1", "copy-2"]


def test_the_process_stage_writes_a_wire_copy_and_no_incidents_for_a_duplicate() -> None:
    from processors.stage import ProcessStage
    from wirewatch.contracts import Article

    text = "An air strike killed three people in Abu Ghraib, Iraq on Tuesday, police said. " * 3
    copy = Article(
        article_id="copy-1",
        url="https://www.copy.test:8443/story",
        text=text,
        language="en",
        duplicate_of="art-1",
        duplicate_similarity=0.9,
    )
    stage = ProcessStage(Settings())
    asyncio.run(stage.setup())
    out, sent = asyncio.run(stage.handle([Inbound(copy, copy.article_id)]))
    assert (out.kind, out.key) == ("copies", "copy-1")
    # the same record for the cluster stage's shards (the runner sends it to every partition)
    assert (sent.kind, sent.key, sent.record) == ("broadcast-copies", "copy-1", out.record)
    assert out.record == WireCopy(
        article_id="copy-1",
        duplicate_of="art-1",
        similarity=0.9,
        url="https://www.copy.test:8443/story",
        outlet="copy.test:8443",
        reported_at=out.record.reported_at,  # type: ignore[attr-defined]
    )


def test_a_report_of_fewer_deaths_than_every_earlier_report_is_another_event() -> None:
    stage = ClusterStage(Settings())
    emits = [
        *run(stage, incident(1, killed=4, outlet="a.test")),
        *run(stage, incident(2, killed=6, outlet="b.test")),
        *run(stage, incident(3, killed=5, outlet="c.test")),  # a late report of an early count
        *run(stage, incident(4, killed=2, outlet="d.test")),  # fewer than any: another strike
    ]
    events = latest(emits)
    assert len(events) == 2
    by_incident = {i: e for e in events.values() for i in e.incident_ids}
    assert by_incident["inc-1"].incident_ids == ["inc-1", "inc-2", "inc-3"]
    assert by_incident["inc-4"].incident_ids == ["inc-4"]


def test_named_parties_are_compared_whatever_role_the_extractor_gave_them() -> None:
    def parties(n: int, **roles: str) -> Incident:
        return incident(n, sub="Armed clash", event_type="Battles").model_copy(
            update={"actors": [Actor(name=name, role=role) for name, role in roles.items()]}
        )

    stage = ClusterStage(Settings())
    emits = [
        *run(stage, parties(1, JNIM="actor1", **{"Security forces": "target"})),
        # the same clash told the other way round: one event
        *run(stage, parties(2, **{"Security forces": "actor1", "JNIM": "target"})),
        # another armed group named only as a target contradicts both: another event
        *run(stage, parties(3, **{"Islamic State Sahel": "target"})),
    ]
    events = latest(emits)
    assert sorted(e.incident_ids for e in events.values()) == [["inc-1", "inc-2"], ["inc-3"]]


def test_a_copy_sent_to_every_partition_is_counted_once_per_event_by_its_partition() -> None:
    """The process stage sends a wire copy to every partition of the cluster stage's input (one
    per shard): each partition's copy counts only in the events of that partition, so an
    original with incidents in two shards gets the copy in both events, each once."""
    stage = ClusterStage(Settings())
    strike = incident(1, article="art-1", killed=3)
    protest = incident(2, article="art-1", sub="Peaceful protest", event_type="Protests")
    made = asyncio.run(
        stage.handle([Inbound(strike, "k", partition=0), Inbound(protest, "k", partition=1)])
    )
    stage.on_commit([])
    by_partition = {e.partition: e.key for e in made}
    copy = wire_copy(1, original="art-1", outlet="b.test")
    seen: dict[int, list[Emit]] = {}
    for p in (0, 1, 2):  # partition 2 holds no event of the original: nothing, nothing waits
        batch = [Inbound(copy, copy.article_id, partition=p)]
        seen[p] = asyncio.run(stage.handle(batch))
        stage.on_commit(batch)
    # the worker of partition p may hold no other partition: it must write p's events only
    assert {p: [(e.partition, e.key) for e in out] for p, out in seen.items()} == {
        0: [(0, by_partition[0])],
        1: [(1, by_partition[1])],
        2: [],
    }
    for out in seen.values():
        assert all(e.record.article_ids == ["art-1", "copy-1"] for e in out)  # type: ignore[attr-defined]
    assert stage.index.pending == {}


def _rows(*records: Event | WireCopy) -> list[TableRow]:
    """Records as a compacted topic hands them back to ``restore`` (partition 0)."""
    key = {Event: "event_id", WireCopy: "article_id"}
    return [TableRow(getattr(r, key[type(r)]), r.model_dump_json().encode(), 0) for r in records]


def test_a_copy_waiting_when_the_worker_stops_joins_its_original_after_the_restart() -> None:
    stage = ClusterStage(Settings())
    copy = wire_copy(1, outlet="b.test")
    assert run_items(stage, copy) == []  # read, waiting for its original's incidents
    # a new worker: no event holds the original yet; the copies topic holds the copy
    restarted = ClusterStage(Settings())
    restarted.restore({0}, [])
    restarted.restore_shared("copies", _rows(copy))
    (event,) = latest(run_items(restarted, incident(1, killed=3, outlet="a.test"))).values()
    assert event.version == 1 and event.article_ids == ["art-1", "copy-1"]
    assert event.outlets == ["a.test", "b.test"]
    assert restarted.index.pending == {}


def test_copies_already_counted_do_not_wait_again_after_a_restart() -> None:
    stage = ClusterStage(Settings())
    copy = wire_copy(1, outlet="b.test")
    emits = run_items(stage, copy, incident(1, killed=3, outlet="a.test"))
    restarted = ClusterStage(Settings())
    restarted.restore({0}, [TableRow(e.key, e.record.model_dump_json().encode()) for e in emits])
    # read whole on every assignment: a copy of a restored event's article, and one read twice
    restarted.restore_shared("copies", _rows(copy, wire_copy(2, original="art-9"), copy))
    assert list(restarted.index.pending) == ["art-9"]
    assert run_items(restarted, copy) == []  # counted before the restart: no new version


def test_waiting_copies_are_bounded_by_the_window() -> None:
    from datetime import UTC, datetime

    window = ClusterSettings(window_days=7)
    old = wire_copy(1, original="art-old").model_copy(
        update={"published_at": datetime(2024, 2, 1, tzinfo=UTC)}
    )
    recent = wire_copy(2, original="art-new").model_copy(
        update={"published_at": datetime(2024, 3, 4, tzinfo=UTC)}
    )
    strike = Event(
        event_id="ev-1",
        version=1,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        first_date="2024-03-05",
        last_date="2024-03-05",
        incident_ids=["inc-1"],
        article_ids=["art-1"],
        confidence=0.7,
        first_reported_at=datetime(2024, 3, 5, tzinfo=UTC),
        last_reported_at=datetime(2024, 3, 5, tzinfo=UTC),
    )
    # restored: a copy published before the window of the newest event does not wait
    restarted = ClusterStage(Settings(cluster=window))
    restarted.restore({0}, _rows(strike))
    restarted.restore_shared("copies", _rows(old, recent))
    assert list(restarted.index.pending) == ["art-new"]
    # in memory: copies waiting leave once the window has moved past them
    stage = ClusterStage(Settings(cluster=window))
    run_items(stage, old, recent)
    assert list(stage.index.pending) == ["art-old", "art-new"]
    run_items(stage, incident(1, day="2024-03-05"))
    assert list(stage.index.pending) == ["art-new"]
    run_items(stage, incident(2, day="2024-03-20", where=BAGHDAD))
    assert stage.index.pending == {}


def test_a_copy_of_an_original_without_incidents_is_not_sent_to_every_partition() -> None:
    """The process worker remembers the originals that yielded no incident: their copies go to
    the public copies topic only (nothing for the cluster stage to count them in); a copy of an
    original with incidents, or of one this worker never saw, still goes to every partition."""
    from processors.stage import ProcessStage
    from wirewatch.contracts import Article

    strike = "An air strike killed three people in Abu Ghraib, Iraq on Tuesday, police said. " * 3
    quiet = "The town's market reopened on Tuesday after repairs, the mayor said. " * 3

    def article(article_id: str, text: str, original: str | None = None) -> Article:
        return Article(
            article_id=article_id,
            url=f"https://{article_id}.test/story",
            text=text,
            language="en",
            duplicate_of=original,
            duplicate_similarity=None if original is None else 0.9,
        )

    stage = ProcessStage(Settings())
    asyncio.run(stage.setup())
    items = [
        article("orig-quiet", quiet),
        article("orig-strike", strike),
        article("copy-quiet", quiet, "orig-quiet"),
        article("copy-strike", strike, "orig-strike"),
        article("copy-unseen", quiet, "orig-elsewhere"),
    ]
    out = asyncio.run(stage.handle([Inbound(a, a.article_id) for a in items]))
    kinds = [(e.kind, e.key) for e in out if e.kind in ("copies", "broadcast-copies")]
    assert kinds == [
        ("copies", "copy-quiet"),
        ("copies", "copy-strike"),
        ("broadcast-copies", "copy-strike"),
        ("copies", "copy-unseen"),
        ("broadcast-copies", "copy-unseen"),
    ]
    assert sum(e.kind == "incidents" for e in out) >= 1  # the strike's original has some
    # bounded: the oldest originals are forgotten first
    stage.originals_remembered = 2
    asyncio.run(stage.handle([Inbound(article(f"q{n}", quiet), f"q{n}") for n in range(3)]))
    assert list(stage.no_incidents) == ["q1", "q2"]

"""Issue 14, review of the tenth recall round (r13events).

The cut events are filed by digest bit (``clusters.events._CutEvents``: one row per bit
position, one bit per slot) instead of scanned one by one. These tests hold the matrix to the
plain scan it replaced, through everything that changes it: new events in fresh and reused
slots, new versions that gain or lose bits, the same bits filed again, digests becoming full,
events dropped by the window, aborted batches and a restore from the compacted topic; and its
memory to the cut events in the window: slots are reused, and a burst that left the window gives
its slots back (the defect found: the matrix never narrowed)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from clusters import events as events_module
from clusters.events import DIGEST_BITS, EventIndex, _CutEvents, _in_bits, digest_with
from clusters.stage import ClusterStage
from processors.actors import find_actors
from tests.test_clusters import incident, latest, run
from wirewatch.config import ClusterSettings, Settings
from wirewatch.contracts import Location

# ---------------------------------------------------------------- the matrix against a scan


def _bits_of(members: set[str]) -> bytes:
    """The digest bits of ``members`` (the bits of an event's member_digest)."""
    return events_module._decoded(digest_with(None, sorted(members)))[0]


def _column(cut: _CutEvents, slot: int) -> bytes:
    """Slot ``slot`` of the matrix read back as a digest's bytes."""
    column = (cut._rows[:, slot >> 3] >> (slot & 7)) & 1
    return np.packbits(column, bitorder="little").tobytes()


def _filed_exactly(cut: _CutEvents, scanned: dict[str, bytes]) -> None:
    """Every slot holds exactly its event's bits, a free slot none; the events are those of
    the scan, in its order."""
    assert cut.items() == list(scanned.items())
    empty = bytes(DIGEST_BITS // 8)
    for slot in range(cut._rows.shape[1] * 8):
        event_id = cut._at_slot[slot] if slot < len(cut._at_slot) else None
        assert _column(cut, slot) == (empty if event_id is None else scanned[event_id]), slot


def _scan(scanned: dict[str, bytes], member: str) -> list[str]:
    """What a look-up answered before the matrix: every cut event tested, in filing order."""
    return [event_id for event_id, bits in scanned.items() if _in_bits(bits, member)]


def test_random_puts_drops_and_versions_answer_as_a_scan() -> None:
    rng = random.Random(13)
    universe = [f"{kind}:{n}" for kind in ("i", "a") for n in range(60)]
    strangers = [f"a:never-{n}" for n in range(20)]
    cut = _CutEvents()
    # the dict of cut events the matrix replaced: filing again moves an event to the end
    scanned: dict[str, bytes] = {}
    members: dict[str, set[str]] = {}
    peak = 0
    for step in range(1_500):
        # growing for the first 600 steps (past 64 and 128 slots), then as many new events as
        # dropped (slots reused), then mostly dropped (the matrix narrowed, events filed again)
        op = rng.random() + (-0.4 if step < 600 else 0.0 if step < 1_100 else 0.3)
        live = list(scanned)
        if op < 0.35 or not live:  # a new event (a fresh slot or a reused one)
            event_id = f"ev-{rng.randrange(400)}"
            members[event_id] = set(rng.sample(universe, rng.randint(1, 6)))
        elif op < 0.55:  # a new version: members gained, lost or both (bits XORed)
            event_id = rng.choice(live)
            kept = {m for m in members[event_id] if rng.random() < 0.7}
            members[event_id] = kept | set(rng.sample(universe, rng.randint(0, 3)))
        elif op < 0.65:  # the same bits filed again
            event_id = rng.choice(live)
        else:  # dropped (the window, a retraction, a full digest), or never filed
            event_id = rng.choice([*live, "ev-none"])
            cut.drop(event_id)
            scanned.pop(event_id, None)
            members.pop(event_id, None)
            event_id = ""
        if event_id:
            bits = _bits_of(members[event_id])
            cut.put(event_id, bits)
            scanned.pop(event_id, None)
            scanned[event_id] = bits
        peak = max(peak, len(scanned))
        for member in rng.sample(universe, 8) + rng.sample(strangers, 2):
            assert cut.holding(member) == _scan(scanned, member), (step, member)
        if step % 150 == 0:
            _filed_exactly(cut, scanned)
    _filed_exactly(cut, scanned)
    assert peak > 128  # the matrix grew twice: past 64 and past 128 slots
    assert cut._rows.shape[1] * 8 <= max(64, 4 * len(scanned))  # and narrowed again


def test_a_reused_slot_holds_only_the_new_events_bits() -> None:
    cut = _CutEvents()
    cut.put("old", _bits_of({"i:1", "a:1"}))
    cut.put("other", _bits_of({"i:2"}))
    cut.drop("old")
    cut.put("new", _bits_of({"i:3"}))  # the freed slot
    assert cut._slot["new"] == 0
    assert cut.holding("i:1") == [] and cut.holding("a:1") == []
    assert cut.holding("i:3") == ["new"]
    _filed_exactly(cut, {"other": _bits_of({"i:2"}), "new": _bits_of({"i:3"})})


# ---------------------------------------------------------------- through the event index


def _town(k: int) -> Location:
    return Location(
        name=f"Town {k}", country="Iraq", country_iso3="IRQ", lat=30.0 + 0.5 * k, lon=44.0
    )


def _scanned(index: EventIndex) -> dict[str, bytes]:
    """The cut events the index held before the matrix, with their bits, in its order: every
    new version of an event was filed again at the end, in ``events`` as in that dict."""
    return {
        event_id: bits
        for event_id, live in index.events.items()
        if (bits := events_module._usable_bits(live.event.member_digest)) is not None
    }


def _index_filed_exactly(index: EventIndex) -> None:
    _filed_exactly(index._cut, _scanned(index))


def test_random_batches_aborts_and_evictions_keep_the_index_exact() -> None:
    rng = random.Random(1307)
    stage = ClusterStage(
        Settings(cluster=ClusterSettings(max_event_members=4, window_days=3, max_events=40))
    )
    index = stage.index
    start = date(2024, 3, 1)
    n = 0
    for step in range(160):
        day = (start + timedelta(days=step // 12)).isoformat()
        batch = []
        for _ in range(rng.randint(1, 3)):
            n += 1
            batch.append(incident(n, where=_town(rng.randrange(12)), day=day, outlet=f"o{n}.t"))
        run(stage, *batch, commit=rng.random() < 0.8)
        probes = [f"a:art-{rng.randint(1, n)}" for _ in range(6)]
        probes += [f"i:inc-{rng.randint(1, n)}" for _ in range(6)]
        scanned = _scanned(index)
        for member in probes:
            assert index._cut.holding(member) == _scan(scanned, member), member
        if step % 20 == 0:
            _index_filed_exactly(index)
    assert len(index._cut) > 0
    _index_filed_exactly(index)


def test_a_restored_state_files_the_same_cut_events() -> None:
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=4)))
    emits = []
    n = 0
    for k in range(70):  # past 64 slots
        for _ in range(5):
            n += 1
            emits += run(stage, incident(n, where=_town(k), outlet=f"o{n}.test"))
    topic = latest(emits)
    restored = EventIndex(stage.index.cfg)
    # the topic before compaction: every version of every event, oldest first
    restored.restore([(0, e.record, e.key) for e in emits])  # type: ignore[misc]
    assert len(restored._cut) == len(stage.index._cut) == 70
    assert set(restored.events) == set(topic)
    _index_filed_exactly(restored)
    for n_probe in (1, 7, 150, 349):
        member = f"a:art-{n_probe}"
        assert restored.holders(member[2:]) == stage.index.holders(member[2:])
    # tombstones of 60 of them: their slots are freed (and the matrix narrowed), the rest kept
    gone = list(topic)[:60]
    restored.restore([(0, None, event_id) for event_id in gone])
    assert len(restored._cut) == 10 and restored._cut._rows.shape == (DIGEST_BITS, 8)
    _index_filed_exactly(restored)
    for n_probe in range(1, 351, 7):
        holders = restored.holders(f"art-{n_probe}")
        assert holders == [e for e in stage.index.holders(f"art-{n_probe}") if e not in gone]


def test_a_version_whose_digest_became_full_is_no_longer_filed() -> None:
    """A full digest is not consulted: the event's older, usable bits must leave the matrix,
    or every look-up would take the event for holding any article its old bits hold."""
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=4)))
    emits = []
    for n in range(1, 8):
        emits += run(stage, incident(n, outlet=f"o{n}.test"))
    (event,) = latest(emits).values()
    assert event.member_digest is not None and len(stage.index._cut) == 1
    many = (f"a:copy-of-the-big-story-{n}" for n in range(60_000))
    full = event.model_copy(update={"member_digest": digest_with(event.member_digest, many)})
    assert events_module.digest_is_full(full.member_digest)  # type: ignore[arg-type]
    cut_article = next(f"art-{n}" for n in range(1, 8) if f"art-{n}" not in event.article_ids)
    assert stage.index.holders(cut_article) == [event.event_id]  # by its digest
    stage.index.restore([(0, full, full.event_id)])
    assert len(stage.index._cut) == 0
    # a full digest is not consulted: its cut members are unknown again, the old bits too
    assert stage.index.holders(cut_article) == []
    _index_filed_exactly(stage.index)


# ---------------------------------------------------------------- memory


def test_cycling_cut_events_through_the_window_keeps_the_matrix_at_its_peak() -> None:
    """Two cut events a day for 90 days, a window of 3 days: at most about 8 at a time, 180
    in all; the matrix keeps its first 64 slots (1 MiB) and its slots are reused."""
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=4, window_days=3)))
    index = stage.index
    start = date(2024, 1, 1)
    n = 0
    peak = 0
    for d in range(90):
        day = (start + timedelta(days=d)).isoformat()
        for k in (2 * d % 40, (2 * d + 1) % 40):
            for _ in range(5):
                n += 1
                run(stage, incident(n, where=_town(k), day=day, outlet=f"o{n}.test"))
        peak = max(peak, len(index._cut))
    assert 0 < peak <= 12
    assert index._cut._rows.shape == (DIGEST_BITS, 8)
    assert len(index._cut._at_slot) <= peak
    assert len(index._cut._filed) == len(index._cut)


def test_a_burst_of_cut_events_gives_its_memory_back_when_it_leaves_the_window() -> None:
    """Seventy big stories on one day (past the matrix's first 64 slots), then one a day: once
    the burst has left the window the matrix is back to its first 64 slots (1 MiB), not kept
    at the burst's 128 (2 MiB) for the life of the worker."""
    stage = ClusterStage(Settings(cluster=ClusterSettings(max_event_members=4, window_days=3)))
    index = stage.index
    n = 0
    for k in range(70):
        for _ in range(5):
            n += 1
            run(stage, incident(n, where=_town(k), day="2024-01-01", outlet=f"o{n}.test"))
    assert len(index._cut) == 70 and index._cut._rows.shape == (DIGEST_BITS, 16)
    for d in range(1, 8):
        day = (date(2024, 1, 1) + timedelta(days=d)).isoformat()
        for _ in range(5):
            n += 1
            run(stage, incident(n, where=_town(d), day=day, outlet=f"o{n}.test"))
    assert 0 < len(index._cut) <= 4
    assert index._cut._rows.shape == (DIGEST_BITS, 8)
    _index_filed_exactly(index)


# ---------------------------------------------------------------- the extractor's generic names


def test_the_clusterer_knows_every_generic_name_the_actor_reader_writes() -> None:
    """The party rule ignores names that say nothing about who it was and reads the generic
    state forces as any state force; both are names the actor reader writes, so a name renamed
    on one side only would split reports of one event (as GENERIC_STATE_FORCES now prevents
    for the state's forces)."""
    texts = {
        "unidentified": "Unidentified gunmen attacked the village on Monday.",
        "protesters": "Police fired on protesters in the capital on Monday.",
        "rioters": "A mob torched shops in the market on Monday.",
        "civilians": "An air strike killed civilians in the town on Monday.",
    }
    for kind, text in texts.items():
        names = {a.name for a in find_actors(text, 0, len(text), 0, {}) if a.type == kind}
        assert names, (kind, text)
        for name in names:
            assert name.strip().lower() in events_module._GENERIC_ACTORS, name
    text = "Security forces opened fire on the crowd on Monday."
    forces = [a for a in find_actors(text, 0, len(text), 0, {}) if a.type == "state_forces"]
    assert [a.name.strip().lower() for a in forces] == [events_module._GENERIC_STATE_FORCES]

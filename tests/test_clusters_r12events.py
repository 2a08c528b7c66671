"""Review of the membership digest (``member_digest``, e12digest): defects reproduced.

1. A record whose ``member_digest`` is not a digest of this version (not base64 of
   ``DIGEST_BITS // 8`` bytes) was read and restored, and then every incident of the worker
   failed (the digest is consulted for every incident): each a dead letter with a traceback.
2. A digest filled far past the members it is sized for says "member" to most values, and the
   look-ups that scan every cut event (:meth:`EventIndex.holding` for every incident,
   :meth:`EventIndex.holders` for every wire copy) applied that error to unrelated incidents
   and copies of any type and country: dropped as "already a member", counted in the wrong
   event and never waiting for their own original.
"""

from __future__ import annotations

import base64

import pytest

from clusters import events as events_module
from clusters.stage import ClusterStage
from tests.test_clusters import incident, latest, run, run_items, wire_copy
from tests.test_clusters_e12digest import _big_event, _stage
from wirewatch.contracts import Event, Location, read_record
from wirewatch.errors import ContractError
from wirewatch.stage import TableRow
from wirewatch.topics import record_value

ELSEWHERE = Location(name="Kandahar", country="Afghanistan", country_iso3="AFG", lat=31.6, lon=65.7)


def _cut_event(stage: ClusterStage) -> Event:
    (event,) = latest(_big_event(stage)).values()
    assert event.member_digest is not None
    return event


def _row(event_id: str, value: bytes) -> TableRow:
    return TableRow(event_id, value, 0)


NOT_DIGESTS = ["", "AAAA", base64.b64encode(bytes(100)).decode(), "not base64!"]


# ---------------------------------------------------------------- 1. a digest of another size


@pytest.mark.parametrize("digest", NOT_DIGESTS)
def test_a_record_with_a_digest_of_another_size_is_refused_with_a_reason(digest: str) -> None:
    event = _cut_event(_stage())
    bad = record_value(event).replace(
        event.member_digest.encode(),  # type: ignore[union-attr]
        digest.encode(),
    )
    with pytest.raises(ContractError, match="member_digest"):
        read_record(Event, bad)


def test_a_restored_record_with_a_bad_digest_does_not_stop_the_other_incidents() -> None:
    stage = _stage()
    event = _cut_event(stage)
    bad = record_value(event).replace(event.member_digest.encode(), b"AAAA")  # type: ignore[union-attr]
    restored = _stage()
    restored.restore({0}, [_row(event.event_id, bad)])  # skipped: a dead letter with its reason
    out = run(restored, incident(500, where=ELSEWHERE, sub="Armed clash", event_type="Battles"))
    assert [e.kind for e in out] == ["events"]
    copy_out = run_items(restored, wire_copy(501, original="art-500"))
    assert [e.kind for e in copy_out] == ["events"]


# ---------------------------------------------------------------- 2. a saturated digest


def _saturated(stage: ClusterStage) -> Event:
    """A cut event whose digest holds far more members than it is sized for (a story of tens
    of thousands of reports and copies in the window), restored into ``stage``."""
    event = _cut_event(_stage())
    members = (f"a:copy-of-the-big-story-{n}" for n in range(60_000))
    full = event.model_copy(
        update={"member_digest": events_module.digest_with(event.member_digest, members)}
    )
    assert events_module.digest_false_positive_rate(60_000) > 0.5
    stage.restore({0}, [_row(full.event_id, record_value(full))])
    return full


def test_a_saturated_digest_does_not_drop_unrelated_incidents_elsewhere() -> None:
    stage = _stage()
    _saturated(stage)
    # reports of other events: another type, another country, each its own article
    started = 0
    for n in range(1000, 1100):
        out = run(stage, incident(n, where=ELSEWHERE, sub="Armed clash", event_type="Battles"))
        started += sum(1 for e in out if e.kind == "events")
    assert started == 100


def test_a_saturated_digest_does_not_take_unrelated_wire_copies() -> None:
    stage = _stage()
    big = _saturated(stage)
    taken = 0
    for n in range(2000, 2100):
        out = run_items(stage, wire_copy(n, original=f"art-unrelated-{n}"))
        taken += sum(1 for e in out if e.kind == "events" and e.key == big.event_id)
    assert taken == 0
    # they wait for their originals instead
    assert len(stage.index.pending) == 100


def test_a_saturated_digest_is_full_and_its_own_story_still_joins_it() -> None:
    stage = _stage()
    big = _saturated(stage)
    # new reports of the big story, same place and day: not taken for members already
    joined = 0
    for n in range(3000, 3020):
        out = run(stage, incident(n))
        joined += sum(1 for e in out if e.key == big.event_id)
    assert joined == 20 and len(stage.index) == 1
    assert events_module.digest_is_full(big.member_digest)  # type: ignore[arg-type]
    # a digest at the members it is sized for is not full
    sized = events_module.digest_with(
        None, (f"i:member-{n}" for n in range(events_module.DIGEST_STATED_MEMBERS))
    )
    assert not events_module.digest_is_full(sized)


# ---------------------------------------------------------------- 3. waiting copies taken, cut


def test_copies_taken_by_a_report_whose_article_is_cut_at_once_stop_waiting() -> None:
    """Copies waiting for an original are counted when its report joins; when that version cuts
    the original's id from ``article_ids`` at once (more new articles than the latest half),
    they must stop waiting all the same: a restore does not make them wait (the digest holds
    the original), so the running worker must not either, or its next versions differ."""
    stage = _stage()
    emits = _big_event(stage)
    copies = [wire_copy(n, original="art-11") for n in (201, 202, 203)]
    assert run_items(stage, *copies) == []  # no event holds art-11 yet: they wait
    emits += run(stage, incident(11))
    (event,) = latest(emits).values()
    assert "art-11" not in event.article_ids and event.article_count == 14
    restarted = _stage()
    restarted.restore({0}, [_row(e.key, record_value(e.record)) for e in emits])
    restarted.restore_shared("copies", [_row(c.article_id, record_value(c)) for c in copies])
    assert restarted.index.pending == {}
    assert stage.index.pending == restarted.index.pending
    # another incident of that article, elsewhere: the same new event on both
    other = incident(12, article="art-11", where=ELSEWHERE, sub="Armed clash", event_type="Battles")

    def started(on: ClusterStage) -> list[tuple[str, int, int | None]]:
        return [(e.event_id, e.version, e.article_count) for e in latest(run(on, other)).values()]

    assert started(stage) == started(restarted)

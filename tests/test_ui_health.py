"""wirewatch ui's feed-health data in the embedded mode: feeds from the runner's state file
(read while the runner holds it), records per stage, dead letters by reason."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple

import pytest

from ingest.state import FeedState
from wirewatch.runners.embedded import SqliteTable
from wirewatch.ui.health import STAGE_OUTPUTS, EmbeddedHealth

FILES = {kind: f"wirewatch.{kind}.v1.jsonl" for kind in STAGE_OUTPUTS}


def make_wire(root: Path, now: float) -> SqliteTable:
    """A state file with an ok, a failing and a stale feed; output files with a few lines."""
    table = SqliteTable(root / "state.db")
    feeds = [
        FeedState(
            feed_id="ok",
            url="http://a.test/feed",
            interval=3600,
            last_status=200,
            last_success=now - 60,
            last_new_entry=now - 60,
            next_due=now + 3000,
            polls=4,
        ),
        FeedState(
            feed_id="failing",
            url="http://b.test/feed",
            interval=3600,
            last_status=500,
            last_success=now - 1800,
            last_new_entry=now - 1800,
            last_error="http.status.500",
            last_error_message="server said 500",
            last_error_at=now - 30,
            error_count=3,
            next_due=now + 120,
            polls=9,
        ),
        FeedState(
            feed_id="stale",
            url="http://c.test/feed",
            interval=600,
            last_status=304,
            last_success=now - 60,
            last_new_entry=now - 10 * 600,
            next_due=now + 500,
            polls=30,
        ),
    ]
    table.put([(f.feed_id, json.dumps({"state": asdict(f), "seen": []}).encode()) for f in feeds])
    (root / FILES["entries"]).write_bytes(b"{}\n" * 5 + b'{"torn')
    (root / FILES["articles"]).write_bytes(b"{}\n" * 3)
    letters = [
        {"stage": "fetch", "reason": "http.status"},
        {"stage": "fetch", "reason": "http.status"},
        {"stage": "process", "reason": "contract.invalid"},
    ]
    (root / FILES["deadletter"]).write_text(
        "".join(json.dumps(x) + "\n" for x in letters) + "not json\n"
    )
    return table


class Wire(NamedTuple):
    now: float
    table: SqliteTable  # open: the runner's writer lock is held until the test closes it
    health: EmbeddedHealth


def health_of(root: Path, state_file: str = "state.db") -> EmbeddedHealth:
    return EmbeddedHealth(root, FILES, root / state_file, stale_factor=5.0)


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[Wire]:
    """:func:`make_wire` in ``tmp_path``, its table held open, and the health view of it."""
    now = time.time()
    table = make_wire(tmp_path, now)
    try:
        yield Wire(now, table, health_of(tmp_path))
    finally:
        table.close()


def test_health_reports_feeds_stage_outputs_and_dead_letters(wire: Wire) -> None:
    now = wire.now
    snap = wire.health.snapshot()  # the runner's writer lock stays held while we read
    by_id = {f["feed_id"]: f for f in snap["feeds"]}
    assert snap["feeds_problem"] is None
    assert [f["feed_id"] for f in snap["feeds"]] == ["stale", "failing", "ok"]  # worst first
    assert (by_id["ok"]["result"], by_id["ok"]["stale"]) == ("ok (200)", False)
    assert by_id["failing"]["result"] == "http.status.500"
    assert by_id["failing"]["error_class"] == "http.status.500"
    assert by_id["failing"]["last_poll"] == now - 30
    assert by_id["stale"]["stale"] is True and by_id["stale"]["result"] == "ok (304)"
    assert snap["stage_output"] == {"entries": 5, "articles": 3, "incidents": 0, "deadletter": 4}
    assert snap["dead_letters"] == [
        {"stage": "fetch", "reason": "http.status", "count": 2},
        {"stage": "process", "reason": "contract.invalid", "count": 1},
        {"stage": "?", "reason": "unreadable dead letter", "count": 1},
    ]


def test_health_follows_appends_and_a_truncated_dead_letter_file(
    wire: Wire, tmp_path: Path
) -> None:
    wire.table.close()  # the runner has stopped
    health = wire.health
    health.snapshot()
    with (tmp_path / FILES["entries"]).open("ab") as fh:
        fh.write(b'":1}\n{}\n')  # completes the torn line, adds one
    (tmp_path / FILES["deadletter"]).write_text(json.dumps({"stage": "poll", "reason": "x"}) + "\n")
    snap = health.snapshot()
    assert snap["stage_output"]["entries"] == 7
    assert snap["dead_letters"] == [{"stage": "poll", "reason": "x", "count": 1}]


def test_missing_state_file_is_said_not_raised(tmp_path: Path) -> None:
    snap = health_of(tmp_path, "none.db").snapshot()
    assert snap["feeds"] == []
    assert snap["feeds_problem"] == f"no state file at {tmp_path / 'none.db'} yet"
    assert snap["stage_output"] == dict.fromkeys(STAGE_OUTPUTS, 0)

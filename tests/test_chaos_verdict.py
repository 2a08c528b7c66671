"""bench/chaos.py's verdict on the site's items: a run in which polling stopped (items never
served) or a served item never came through (neither article nor dead letter) FAILs."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import chaos  # noqa: E402


def _entry(i: int) -> dict[str, str]:
    return {"entry_id": f"e{i}", "url_key": f"k{i}", "link": f"http://127.0.0.1:1/page/{i}"}


def test_every_item_through_passes_and_counts() -> None:
    entries = [_entry(i) for i in range(3)]
    articles = [{"entry_id": "e0"}, {"url": "http://127.0.0.1:1/page/1"}]
    letters = [{"key": "k2", "reason": "fetch.http_status", "payload": "{}"}]
    v = chaos.served_verdict(3, {0, 1, 2}, *chaos._items_through(entries, articles, letters))
    assert v["ok"]
    assert (v["served"], v["articles"], v["dead_lettered"]) == (3, 2, 1)


def test_a_served_item_that_never_came_through_fails() -> None:
    entries = [_entry(i) for i in range(3)]
    articles = [{"entry_id": "e0"}, {"entry_id": "e1"}]
    v = chaos.served_verdict(3, {0, 1, 2}, *chaos._items_through(entries, articles, []))
    assert not v["ok"] and v["missing"] == [2]


def test_a_dead_letter_without_a_reason_does_not_account_for_an_item() -> None:
    entries = [_entry(0)]
    letters = [{"key": "k0", "reason": "", "payload": "{}"}]
    v = chaos.served_verdict(1, {0}, *chaos._items_through(entries, [], letters))
    assert not v["ok"] and v["missing"] == [0]


def test_polling_that_stopped_fails_though_all_it_served_came_through() -> None:
    """The gap the old verdict had: items 2 and 3 were never listed by a feed response."""
    v = chaos.served_verdict(4, {0, 1}, Counter({0: 1, 1: 1}), Counter())
    assert not v["ok"] and v["unserved"] == [2, 3] and not v["missing"]

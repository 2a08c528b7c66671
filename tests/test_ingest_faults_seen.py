"""Issue 19.2: a feed listing more items than the seen marks kept per feed. After a poll
worker restart (its state record written and restored), only the new item is emitted."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from ingest.feeds import FeedSpec
from ingest.http import HttpClient
from ingest.poll_stage import LISTED_DIGESTS_PER_FEED, SEEN_PER_FEED, PollStage
from ingest.poller import Poller
from testkit.http import rss
from wirewatch.config import HttpSettings, Settings
from wirewatch.stage import TableRow

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _items(count: int, *, dated: bool = True) -> list[dict[str, str]]:
    """Items ``count - 1`` .. 0, newest first (as feeds list them)."""
    out = []
    for j in range(count - 1, -1, -1):
        item = {"title": f"Story {j}", "link": f"http://news.test/s/{j}", "guid": f"g-{j}"}
        if dated:
            item["pubDate"] = format_datetime(BASE + timedelta(minutes=j))
        out.append(item)
    return out


def _poll_restart_poll(first: list[dict[str, str]], second: list[dict[str, str]]) -> list[int]:
    """Poll ``first`` with one worker, write its state record, restore it into a new worker
    (a restart), poll ``second`` there; the new-entry counts of both polls."""
    documents = [rss(first), rss(second)]
    served = 0

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=documents[min(served, 1)], headers={"Content-Type": "text/xml"}
        )

    spec = FeedSpec(url="http://news.test/feed.xml")

    async def poll(worker: PollStage) -> tuple[int, bytes]:
        client = HttpClient(
            HttpSettings(allowed_hosts=["news.test"], per_host_delay=0.0),
            transport=httpx.MockTransport(handler),
        )
        try:
            poller = Poller(client, worker.store, worker.settings.poll)
            worker.poller = poller
            result = await poller.poll_once(spec, commit=False)
            emits = worker.emits([result])
            worker.on_commit([result])
        finally:
            await client.aclose()
        (record,) = [e.record for e in emits if e.kind == "feedstate"]
        return result.new_count, record.model_dump_json().encode()

    first_worker = PollStage(Settings())
    first_worker.set_feeds([spec])
    new_first, record = asyncio.run(poll(first_worker))
    served = 1
    restarted = PollStage(Settings())
    restarted.set_feeds([spec])
    restarted.restore({0}, [TableRow(spec.feed_id, record)])
    new_second, record2 = asyncio.run(poll(restarted))
    assert len(record2) < 1_000_000  # a state record stays a valid Kafka record
    return [new_first, new_second]


def test_an_800_item_feed_gives_only_its_new_item_after_a_restart() -> None:
    assert _poll_restart_poll(_items(800), _items(801)) == [800, 1]


def test_an_800_item_undated_feed_gives_only_its_new_item_after_a_restart() -> None:
    assert _poll_restart_poll(_items(800, dated=False), _items(801, dated=False)) == [800, 1]


def test_a_feed_beyond_the_digests_refuses_its_older_items_by_time() -> None:
    """More items than marks and digests together: the dated ones beyond are covered by the
    time of the newest of them."""
    count = SEEN_PER_FEED + LISTED_DIGESTS_PER_FEED + 300
    assert _poll_restart_poll(_items(count), _items(count + 1)) == [count, 1]


def test_the_state_record_keeps_the_newest_marks_and_is_bounded() -> None:
    spec = FeedSpec(url="http://news.test/feed.xml")
    body = rss(_items(800))

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "text/xml"})

    async def run() -> bytes:
        worker = PollStage(Settings())
        worker.set_feeds([spec])
        client = HttpClient(
            HttpSettings(allowed_hosts=["news.test"], per_host_delay=0.0),
            transport=httpx.MockTransport(handler),
        )
        try:
            result = await Poller(client, worker.store, worker.settings.poll).poll_once(
                spec, commit=False
            )
            (emit,) = [e for e in worker.emits([result]) if e.kind == "feedstate"]
        finally:
            await client.aclose()
        return emit.record.model_dump_json().encode()

    record = json.loads(asyncio.run(run()))
    kept = {m["entry_id"].rsplit("/", 1)[-1] for m in record["seen"]}  # guids made absolute
    assert len(kept) == SEEN_PER_FEED
    assert kept == {f"g-{j}" for j in range(300, 800)}  # the newest, not the oldest
    assert len(record["state"]["listed_digests"]) == 2 * 300

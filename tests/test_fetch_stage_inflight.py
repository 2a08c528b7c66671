"""The fetch stage with concurrent batches (the embedded runner's poll groups): a second copy
of an entry whose first copy is still uncommitted is skipped, never waited for (two batches of
one group commit together, so waiting could wait for itself), and fetched once."""

from __future__ import annotations

import asyncio

from ingest import canonicalize_url
from ingest.fetch_stage import FetchStage
from testkit.http import LocalServer, Reply, article_html
from tests.hostile_support import hostile_settings
from wirewatch.contracts import FeedEntry, stable_key
from wirewatch.stage import Inbound


def _entry(url: str, feed: str) -> FeedEntry:
    canonical = canonicalize_url(url)
    return FeedEntry(
        entry_id=url,
        url_key=stable_key(canonical),
        feed_id=feed,
        feed_url=f"http://127.0.0.1/{feed}.xml",
        url=canonical,
        link=url,
    )


def test_a_copy_in_flight_in_another_batch_is_skipped_not_awaited() -> None:
    with LocalServer() as srv:
        srv.route("/story", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))

        async def run() -> tuple[int, int, int]:
            stage = FetchStage(hostile_settings())
            await stage.setup()
            try:
                first = [Inbound(_entry(srv.url("/story"), "feed-a"))]
                second = [Inbound(_entry(srv.url("/story"), "feed-b"))]
                out_first = await stage.handle(first)
                # the first batch is not committed yet: its group is still in flight
                out_second = await asyncio.wait_for(stage.handle(second), 60)
                stage.on_commit(first)
                stage.on_commit(second)
                third = [Inbound(_entry(srv.url("/story"), "feed-c"))]
                out_third = await stage.handle(third)  # fetched and committed: skipped too
                stage.on_commit(third)
                return len(out_first), len(out_second), len(out_third)
            finally:
                await stage.close()

        assert asyncio.run(run()) == (1, 0, 0)
        assert len(srv.hits("/story")) == 1


def test_an_aborted_batch_frees_its_keys_for_the_redo() -> None:
    with LocalServer() as srv:
        srv.route("/story", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))

        async def run() -> tuple[int, int]:
            stage = FetchStage(hostile_settings())
            await stage.setup()
            try:
                batch = [Inbound(_entry(srv.url("/story"), "feed-a"))]
                await stage.handle(batch)
                stage.on_abort(batch)  # its write failed
                redo = [Inbound(_entry(srv.url("/story"), "feed-a"))]
                out = await stage.handle(redo)
                stage.on_commit(redo)
                return len(out), len(stage._inflight)
            finally:
                await stage.close()

        assert asyncio.run(run()) == (1, 0)

"""The fetch stage with concurrent batches (the embedded runner's poll groups): a second copy
of an entry whose first copy is still uncommitted is skipped, never waited for (two batches of
one group commit together, so waiting could wait for itself), and fetched once; the skipping
batch is told whether the copy it skipped was written, for its group's commit (issue 19)."""

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


def test_a_batch_that_skipped_a_copy_learns_whether_the_holder_was_written() -> None:
    """Issue 19: the skipping batch's group commits only if the copy it skipped was written."""
    with LocalServer() as srv:
        srv.route("/story", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))

        async def run() -> tuple[list[bool], list[bool], list[bool], list[bool]]:
            stage = FetchStage(hostile_settings())
            await stage.setup()
            try:
                outcomes = []
                for settle in ("written", "aborted"):
                    holder = [Inbound(_entry(srv.url("/story"), "feed-a"))]
                    skipper = [Inbound(_entry(srv.url("/story"), "feed-b"))]
                    await stage.handle(holder)
                    await stage.handle(skipper)
                    waits = stage.waits_for(skipper)
                    outcomes.append([w.done() for w in waits])
                    if settle == "written":
                        stage.on_written(holder)
                        stage.on_abort(holder)  # its group failed later: the article is out
                    else:
                        stage.on_abort(holder)  # its write failed
                    outcomes.append([await w for w in waits])
                    stage.on_abort(skipper)
                return outcomes[0], outcomes[1], outcomes[2], outcomes[3]
            finally:
                await stage.close()

        before_write, written, before_abort, aborted = asyncio.run(run())
        assert before_write == [False] and written == [True]
        assert before_abort == [False] and aborted == [False]

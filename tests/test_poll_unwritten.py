"""A feed whose poll group is still being written (its pages are slow to fetch) is not polled
again meanwhile: the embedded runner writes a group while it polls on, and a feed whose state
still said "due" was polled on every scan, its entries written once per poll."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from ingest import FeedSpec
from sinks.jsonl import JsonlSink
from testkit.http import LocalServer, Reply, Seen, article_html, rss
from tests.hostile_support import hostile_settings
from wirewatch.runners.embedded import EmbeddedRunner


def test_a_feed_is_not_polled_again_while_its_group_is_unwritten(tmp_path: Path) -> None:
    def slow_page(_seen: Seen) -> Reply:
        time.sleep(3.0)  # the group stays unwritten for a while
        return Reply(200, article_html().encode(), {"Content-Type": "text/html"})

    with LocalServer() as srv:
        srv.route("/story", slow_page)
        items = [{"title": "Story", "link": srv.url("/story"), "guid": "s1"}]
        srv.route("/feed.xml", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
        sink = JsonlSink(tmp_path)
        sink.setup()
        runner = EmbeddedRunner(hostile_settings(), [FeedSpec(url=srv.url("/feed.xml"))], sink)
        try:
            asyncio.run(runner.run(timeout=8.0))  # continuous mode, stopped after 8 s
        finally:
            sink.close()
        feed_requests = len(srv.hits("/feed.xml"))
    entries = (tmp_path / "wirewatch.entries.v1.jsonl").read_text().splitlines()
    assert [json.loads(e)["entry_id"].rsplit("/", 1)[-1] for e in entries] == ["s1"]
    assert feed_requests == 1  # min_interval is 60 s: one poll in this run

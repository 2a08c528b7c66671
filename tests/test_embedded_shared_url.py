"""Issue 19: one URL listed by two feeds is fetched once, by the poll group that saw it first;
the other group skips its copy. If the fetching group's write fails, the skipping group must not
commit its feed's seen mark (which would make every later poll of either feed take the entry as
not new): the article is written on a later poll, once, and nothing is dead-lettered."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

from ingest import FeedSpec
from sinks.jsonl import JsonlSink
from testkit.http import LocalServer, Reply, Seen, article_html, rss
from tests.hostile_support import hostile_settings
from wirewatch.commands.runreport import RunOutput, progress_text, summary_lines
from wirewatch.contracts import Article, FeedEntry
from wirewatch.runners.embedded import EmbeddedRunner
from wirewatch.topics import Topics

#: a bound on every wait of the test, never reached when the runner works
_PATIENCE = 60.0


class _FailFirstArticle(JsonlSink):
    """Refuses the first article (a full disk), takes the rest; tells when feed b's entry is
    written and when an article is."""

    def __init__(self, out: Path, feed_b: str) -> None:
        super().__init__(out)
        self.feed_b = feed_b
        self.refused = 0
        self.b_written = threading.Event()
        self.on_article: Any = None

    def add(self, record, **kw):  # type: ignore[no-untyped-def,override]
        if isinstance(record, Article) and not self.refused:
            self.refused += 1
            raise OSError(28, "No space left on device")
        super().add(record, **kw)
        if isinstance(record, FeedEntry) and record.feed_id == self.feed_b:
            self.b_written.set()
        if isinstance(record, Article) and self.on_article is not None:
            self.on_article()


def test_an_article_skipped_by_one_feed_is_not_lost_when_the_other_feeds_write_fails(
    tmp_path: Path,
) -> None:
    with LocalServer() as srv:
        feed_a, feed_b = FeedSpec(url=srv.url("/a.xml")), FeedSpec(url=srv.url("/b.xml"))
        sink = _FailFirstArticle(tmp_path, feed_b.feed_id)
        story_asked = threading.Event()

        def story(_seen: Seen) -> Reply:
            # feed a's group holds the fetch until feed b's group, which skipped its copy,
            # has been written: the order in which the article was lost
            story_asked.set()
            sink.b_written.wait(_PATIENCE)
            return Reply(200, article_html().encode(), {"Content-Type": "text/html"})

        def b_xml(_seen: Seen) -> Reply:
            # feed b answers once feed a's group is fetching the story: a later poll group
            story_asked.wait(_PATIENCE)
            return Reply(200, rss(items), {"Content-Type": "application/rss+xml"})

        srv.route("/story", story)
        items = [{"title": "Story", "link": srv.url("/story"), "guid": "s1"}]
        srv.route("/a.xml", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
        srv.route("/b.xml", b_xml)
        sink.setup()
        settings = hostile_settings(read_timeout=_PATIENCE, total_timeout=_PATIENCE)
        settings.poll.min_interval = 1
        settings.poll.default_interval = 1
        runner = EmbeddedRunner(settings, [feed_a, feed_b], sink, shutdown_grace=_PATIENCE)

        async def run() -> None:
            loop = asyncio.get_running_loop()
            sink.on_article = lambda: loop.call_soon_threadsafe(runner.request_stop)
            await runner.run(timeout=_PATIENCE)

        try:
            asyncio.run(run())
        finally:
            sink.close()
    arts = tmp_path / "wirewatch.articles.v1.jsonl"
    urls = [json.loads(x)["url"] for x in arts.read_text().splitlines()] if arts.exists() else []
    assert sink.refused == 1
    assert urls == [srv.url("/story")], runner.stats.as_dict()
    assert runner.stats.dead_letters == 0
    assert runner.stats.write_failures == 1
    assert runner.stats.shared_unwritten == 1
    # the end-of-run summary and the progress line say so, next to the failed write
    output = RunOutput(str(tmp_path), tmp_path / "wirewatch-state.db", Topics())
    summary = summary_lines(runner.stats, 2, output, stopped=True)
    assert "1 poll group could not be written: the next run polls those feeds again" in summary
    assert (
        "1 poll group polled again: an article it shared with another poll group was not written"
        in summary
    )
    assert "1 poll group to re-poll" in progress_text(runner.stats, 2, once=False)

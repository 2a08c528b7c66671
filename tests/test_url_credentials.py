"""Issue 19.3: credentials in URLs (``http://user:password@host/``) are sent with the request
that needs them and appear in no log line, entry, article, error message, dead letter or
``check-feed`` output."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging

from click.testing import CliRunner

from ingest.feeds import FeedSpec
from ingest.fetch_stage import FetchStage
from ingest.pages import extract_article
from ingest.poller import Poller
from ingest.state import MemoryStateStore
from testkit.http import LocalServer, Reply, article_html, client, rss
from wirewatch.cli import cli
from wirewatch.config import PollSettings, Settings
from wirewatch.contracts import DeadLetter, FeedEntry, stable_key
from wirewatch.logs import setup_logging
from wirewatch.stage import Inbound

SECRET = "s3cret-pw"
RSS_TYPE = {"Content-Type": "application/rss+xml"}


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://reader:{SECRET}@", 1)


def _basic(seen_headers: dict[str, str]) -> str:
    value = seen_headers.get("authorization", "")
    return base64.b64decode(value.removeprefix("Basic ")).decode() if value else ""


def test_feed_credentials_go_to_the_request_only() -> None:
    items = [
        {"title": "Relative", "link": "/story/1", "guid": "/story/1"},
        {"title": "Absolute", "link": "http://user:other-pw@127.0.0.1/story/2"},
    ]
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, rss(items), RSS_TYPE))
        spec = FeedSpec(url=_with_credentials(srv.url("/feed.xml")))

        async def run() -> list[FeedEntry]:
            async with client() as c:
                result = await Poller(c, MemoryStateStore(), PollSettings()).poll_once(spec)
            return result.entries

        entries = asyncio.run(run())
        (hit,) = srv.hits("/feed.xml")
    assert _basic(hit.headers) == f"reader:{SECRET}"  # the poll still authenticates
    assert len(entries) == 2
    published = "".join(e.model_dump_json() for e in entries)
    assert SECRET not in published and "other-pw" not in published
    assert entries[0].link == srv.url("/story/1")


def test_error_messages_of_a_feed_with_credentials_do_not_show_them() -> None:
    with LocalServer() as srv:
        srv.route("/down.xml", Reply(500, b"oops"))
        srv.route("/page.xml", Reply(200, b"<!DOCTYPE html><html><body>x</body></html>"))

        async def run(path: str) -> tuple[str | None, str | None]:
            spec = FeedSpec(url=_with_credentials(srv.url(path)))
            async with client() as c:
                r = await Poller(c, MemoryStateStore(), PollSettings()).poll_once(spec)
            return r.error_message, r.state.last_error_message

        for path in ("/down.xml", "/page.xml"):
            message, stored = asyncio.run(run(path))
            assert message and stored and path in message
            assert SECRET not in message and SECRET not in stored


def test_articles_carry_no_credentials() -> None:
    page = article_html().replace(
        "https://news.test/story/floods", f"https://ed:{SECRET}@news.test/story/floods"
    )
    art = extract_article(
        page.encode(),
        f"http://ed:{SECRET}@news.test/story/floods",
        {"Content-Type": "text/html"},
        final_url=f"https://ed:{SECRET}@news.test/story/floods?x=1",
    )
    assert art.page_kind == "article"
    assert SECRET not in art.model_dump_json()
    assert art.url == "http://news.test/story/floods"
    assert art.canonical_url == "https://news.test/story/floods"


def test_a_failed_fetch_of_a_link_with_credentials_dead_letters_without_them() -> None:
    with LocalServer() as srv:
        srv.route("/gone", Reply(404, b"gone"))
        link = _with_credentials(srv.url("/gone"))
        entry = FeedEntry(
            entry_id="e1", url_key=stable_key(link), feed_id="f1", feed_url="http://x.test/f",
            url=srv.url("/gone"), link=link, title="Gone",
        )  # fmt: skip

        async def run() -> list[object]:
            stage = FetchStage(Settings(), client=client())
            await stage.setup()
            try:
                emits = await stage.handle([Inbound(entry, entry.url_key)])
            finally:
                await stage.close()
                assert stage.client is not None
                await stage.client.aclose()
            return [e.record for e in emits]

        (letter,) = asyncio.run(run())
        (hit,) = srv.hits("/gone")
    assert _basic(hit.headers) == f"reader:{SECRET}"
    assert isinstance(letter, DeadLetter) and letter.reason == "http.status.404"
    assert "/gone" in letter.error and SECRET not in letter.error


def test_log_lines_mask_url_credentials() -> None:
    stream = io.StringIO()
    handler = setup_logging("INFO", "json", stream=stream)
    try:
        log = logging.getLogger("wirewatch.test")
        url = f"http://reader:{SECRET}@feeds.test/f.xml"
        log.info("polling %s", url, extra={"url": url, "urls": [url]})
        try:
            raise RuntimeError(f"boom at {url}")
        except RuntimeError:
            log.exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert SECRET not in text
    first = json.loads(text.splitlines()[0])
    assert first["msg"] == "polling http://***@feeds.test/f.xml"
    assert first["url"] == "http://***@feeds.test/f.xml"


def test_check_feed_output_masks_credentials() -> None:
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, rss([{"title": "a", "link": "/a"}]), RSS_TYPE))
        srv.route("/down.xml", Reply(503, b"busy"))
        runner = CliRunner()
        outs = [
            runner.invoke(cli, ["--allow-host", "127.0.0.1", "check-feed", *args])
            for args in (
                [_with_credentials(srv.url("/feed.xml"))],
                ["--json", _with_credentials(srv.url("/feed.xml"))],
                [_with_credentials(srv.url("/down.xml"))],
            )
        ]
    assert [o.exit_code for o in outs] == [0, 0, 1]
    for o in outs:
        assert "127.0.0.1" in o.output and SECRET not in o.output

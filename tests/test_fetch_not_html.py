"""Issue 13.8: a linked page that is not HTML (an archive, a feed document) is a dead letter
with the reason and the content type, not an article with no text."""

from __future__ import annotations

import asyncio
import io
import tarfile

from ingest.fetch_stage import FetchStage
from ingest.fetcher import ArticleFetcher
from testkit.http import LocalServer, Reply, article_html, client, rss
from wirewatch.config import Settings
from wirewatch.contracts import Article, DeadLetter, FeedEntry, stable_key
from wirewatch.stage import Inbound


def _tar() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = b"report data\n" * 100
        info = tarfile.TarInfo("report.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _entry(url: str, **extra: object) -> FeedEntry:
    return FeedEntry(
        entry_id=url, url_key=stable_key(url), feed_id="f1", feed_url="http://x.test/f", url=url,
        link=url, title="Item", **extra,
    )  # fmt: skip


def _handle(srv: LocalServer, entries: list[FeedEntry]) -> list[Article | DeadLetter]:
    async def run() -> list[Article | DeadLetter]:
        stage = FetchStage(Settings(), client=client())
        await stage.setup()
        try:
            emits = await stage.handle([Inbound(e, e.url_key) for e in entries])
        finally:
            await stage.close()
            assert stage.client is not None
            await stage.client.aclose()
        return [e.record for e in emits]

    return asyncio.run(run())


def test_archives_and_feed_documents_are_dead_letters_with_the_reason() -> None:
    feed_doc = rss([{"title": "x", "link": "http://news.test/a"}])
    with LocalServer() as srv:
        srv.route("/files/data.tar", Reply(200, _tar(), {"Content-Type": "application/x-tar"}))
        srv.route("/feed.rss", Reply(200, feed_doc, {"Content-Type": "application/rss+xml"}))
        srv.route("/feed.xml", Reply(200, feed_doc, {"Content-Type": "text/xml"}))
        srv.route("/story", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))
        paths = ["/files/data.tar", "/feed.rss", "/feed.xml", "/story"]
        out = _handle(srv, [_entry(srv.url(p)) for p in paths])
    letters = [o for o in out if isinstance(o, DeadLetter)]
    articles = [o for o in out if isinstance(o, Article)]
    assert len(letters) == 3 and len(articles) == 1
    assert {d.reason for d in letters} == {"page.not_html"}
    assert {d.stage for d in letters} == {"fetch"}
    errors = {d.key: d.error for d in letters}
    tar_error = errors[stable_key(srv.url("/files/data.tar"))]
    assert "application/x-tar" in tar_error and "data.tar" in tar_error
    assert articles[0].page_kind == "article" and articles[0].text


def test_a_non_html_page_with_full_feed_text_still_gives_the_feed_article() -> None:
    text = "Floods cut off the river towns overnight. " * 30
    with LocalServer() as srv:
        srv.route("/files/data.tar", Reply(200, _tar(), {"Content-Type": "application/x-tar"}))
        (out,) = _handle(srv, [_entry(srv.url("/files/data.tar"), content=text)])
    assert isinstance(out, Article)
    assert out.extraction_path == "feed-content" and text.strip() in out.text


def test_extract_of_a_non_html_url_is_an_error_not_an_empty_article() -> None:
    import pytest

    from wirewatch.errors import ExtractionError

    async def run(url: str) -> Article:
        async with client() as c:
            return await ArticleFetcher(c).fetch(url)

    with LocalServer() as srv:
        srv.route("/a.tar", Reply(200, _tar(), {"Content-Type": "application/x-tar"}))
        with pytest.raises(ExtractionError) as err:
            asyncio.run(run(srv.url("/a.tar")))
    assert err.value.reason == "page.not_html"


def test_a_page_with_no_body_is_empty_not_a_dead_letter() -> None:
    with LocalServer() as srv:
        srv.route("/nothing", Reply(204))
        srv.route("/blank", Reply(200, b"  \n", {"Content-Type": "application/octet-stream"}))
        out = _handle(srv, [_entry(srv.url("/nothing")), _entry(srv.url("/blank"))])
    assert [type(o).__name__ for o in out] == ["Article", "Article"]
    assert {o.page_kind for o in out if isinstance(o, Article)} == {"empty"}

"""Article extraction (pure) and fetching (real local server), page kinds, CLI diagnostics."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.fetcher import ArticleFetcher
from ingest.pages import decode_html, extract_article
from tests.ingest_support import LocalServer, Reply, article_html, client, rss
from wirewatch.cli import cli
from wirewatch.contracts import FeedEntry, stable_key
from wirewatch.errors import FetchError

HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_article_text_and_metadata() -> None:
    a = extract_article(
        article_html().encode(), "https://news.test/story/floods?utm_source=x", HTML
    )
    assert a.page_kind == "article" and a.extraction_path == "trafilatura"
    assert a.text.startswith("Floods hit the river towns\n")
    assert "rescue teams worked" in a.text and "Copyright" not in a.text
    assert a.title == "Floods hit the river towns" and a.authors == ["Jane Reporter"]
    assert a.site_name == "News Test" and a.language == "en" and a.charset == "utf-8"
    assert a.canonical_url == "https://news.test/story/floods"
    assert a.published_at is not None and a.published_at.date().isoformat() == "2024-03-05"
    assert a.article_id == stable_key("https://news.test/story/floods")


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        ("Ærø".encode("cp1252"), "windows-1252", "Ærø"),
        (b'<meta charset="windows-1251">' + "Мир".encode("cp1251"), None, "Мир"),
        (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "iso-8859-1", "café"),  # BOM beats the header
        ("<p>naïve</p>".encode(), None, "naïve"),
    ],
)
def test_charset_from_header_meta_and_bom(body: bytes, header: str | None, expected: str) -> None:
    text, _charset = decode_html(body, header)
    assert expected in text


CONSENT = """<html><head><title>Before you continue</title></head><body><div class="cmp">
<h1>We value your privacy</h1><p>We and our partners store and access information on your device
such as cookies. Click Accept all cookies to consent, or manage your preferences.</p>
<button>Accept all</button><button>Reject all</button></div></body></html>"""
PAYWALL = """<html><head><title>Election result</title><script type="application/ld+json">
{"@type": "NewsArticle", "headline": "Election result", "isAccessibleForFree": false}</script>
</head><body><article><h1>Election result</h1><p>The vote count ended late on Sunday night
after a long day.</p><p>Subscribe now to continue reading this article.</p></article>
</body></html>"""
EMPTY = "<html><head><title>Home</title></head><body><p>Welcome.</p></body></html>"


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        (CONSENT, "consent_wall"),
        (PAYWALL, "paywall"),
        (EMPTY, "empty"),
    ],
)
def test_pages_that_are_not_articles_are_marked(html: str, kind: str) -> None:
    a = extract_article(html.encode(), "https://news.test/x", HTML)
    assert a.page_kind == kind
    if kind != "empty":
        assert a.text == ""


def test_consent_host_and_not_html() -> None:
    a = extract_article(
        article_html().encode(),
        "https://news.test/a",
        HTML,
        final_url="https://consent.news.test/?continue=x",
    )
    assert a.page_kind == "consent_wall"
    pdf = extract_article(
        b"%PDF-1.4 ...", "https://news.test/a.pdf", {"Content-Type": "application/pdf"}
    )
    assert pdf.page_kind == "not_html" and pdf.text == "" and pdf.extraction_path == "none"


def test_fetcher_against_local_server() -> None:
    with LocalServer() as srv:
        srv.route("/story", Reply(302, headers={"Location": "/story/final"}))
        srv.route(
            "/story/final",
            Reply(
                200, gzip.compress(article_html().encode()), {**HTML, "Content-Encoding": "gzip"}
            ),
        )
        srv.route("/gone", Reply(404, b"nope", HTML))
        srv.route("/wall", Reply(200, CONSENT.encode(), HTML))
        entry = FeedEntry(
            entry_id="e1",
            url_key="k",
            feed_id="f",
            feed_url="x",
            url="https://news.test/wall",
            link=srv.url("/wall"),
            title="Wall story",
            content="Full text from the feed. " * 40,
        )

        async def go():
            async with client() as c:
                f = ArticleFetcher(c)
                ok = await f.fetch(srv.url("/story"))
                walled = await f.fetch(entry)
                try:
                    await f.fetch(srv.url("/gone"))
                except FetchError as exc:
                    return ok, walled, exc
                return ok, walled, None

        ok, walled, err = asyncio.run(go())
    assert ok.page_kind == "article" and ok.http_status == 200
    assert ok.final_url == srv.url("/story/final") and ok.timings.fetch_ms is not None
    assert walled.extraction_path == "feed-content" and walled.text.startswith("Wall story\n")
    assert walled.entry_id == "e1"
    assert err is not None and err.reason == "http.status.404"
    assert srv.hits("/robots.txt")  # robots.txt consulted for article pages


def test_cli_extract_local_gzip_file(tmp_path: Path) -> None:
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip.compress(article_html().encode()))
    res = CliRunner().invoke(cli, ["extract", str(p), "--url", "https://news.test/story/floods"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["page_kind"] == "article" and data["title"] == "Floods hit the river towns"
    assert data["url"] == "https://news.test/story/floods"


def test_cli_check_feed_reports_and_fails_on_html() -> None:
    feed = rss(
        [
            {
                "title": "One",
                "link": "https://news.test/1",
                "pubDate": "Tue, 05 Mar 2024 10:00:00 GMT",
            }
        ]
    )
    with LocalServer() as srv:
        srv.route(
            "/feed.xml", Reply(200, feed, {"Content-Type": "application/rss+xml", "ETag": '"abc"'})
        )
        srv.route("/page", Reply(200, b"<!DOCTYPE html><html><body>x</body></html>", HTML))
        runner = CliRunner()
        good = runner.invoke(cli, ["--allow-host", "127.0.0.1", "check-feed", srv.url("/feed.xml")])
        bad = runner.invoke(cli, ["--allow-host", "127.0.0.1", "check-feed", srv.url("/page")])
        refused = runner.invoke(cli, ["check-feed", srv.url("/feed.xml")])
    assert good.exit_code == 0, good.output
    for needle in (
        "OK",
        "HTTP status",
        "200",
        '"abc"',
        "rss20",
        "entries",
        "2024-03-05",
        "suggested interval",
    ):
        assert needle in good.output
    assert bad.exit_code == 1 and "feed.html" in bad.output
    assert refused.exit_code == 1 and "http.blocked_address" in refused.output


def _with_jsonld(data: object) -> bytes:
    """The test article (its <meta> date is 2024-03-05) with one JSON-LD block in the head."""
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return article_html().replace("</head>", script + "</head>", 1).encode()


def test_published_at_is_the_article_nodes_timestamp_with_its_offset() -> None:
    page = _with_jsonld(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "datePublished": "2020-01-01T00:00:00Z"},
                {"@type": "NewsArticle", "datePublished": "2024-03-06T00:30:00+08:00"},
            ],
        }
    )
    a = extract_article(page, "https://news.test/story/floods", HTML)
    assert a.published_at == datetime(2024, 3, 6, 0, 30, tzinfo=timezone(timedelta(hours=8)))
    # the publisher's local date stays the date: relative dates in the text count from it
    assert a.published_at is not None and a.published_at.date().isoformat() == "2024-03-06"
    assert '"published_at":"2024-03-06T00:30:00+08:00"' in a.model_dump_json()


@pytest.mark.parametrize(
    "node",
    [
        {"@type": "NewsArticle", "datePublished": "2024-03-09"},  # no time of day
        {"@type": "NewsArticle", "datePublished": "1970-01-01T00:00:00Z"},  # a placeholder
        {"@type": "NewsArticle", "datePublished": "last Tuesday"},
        {"@type": "VideoObject", "datePublished": "2024-03-09T10:00:00Z"},  # not the article
    ],
)
def test_published_at_falls_back_to_the_page_date(node: dict[str, str]) -> None:
    a = extract_article(_with_jsonld(node), "https://news.test/story/floods", HTML)
    assert a.published_at == datetime(2024, 3, 5, tzinfo=UTC)


def test_relative_dates_count_from_the_publishers_local_date() -> None:
    from processors.stage import process_article
    from wirewatch.contracts import Article

    article = Article(
        article_id="a1",
        url="https://news.test/a1",
        text=(
            "Gunmen attack market\n"
            "Gunmen killed three people in an attack on a market in Kaduna yesterday, "
            "police said."
        ),
        # 00:30 on Wednesday in the publisher's zone is still Tuesday in UTC
        published_at=datetime(2024, 3, 6, 0, 30, tzinfo=timezone(timedelta(hours=8))),
        language="en",
    )
    incidents = process_article(article)
    assert incidents and incidents[0].date is not None
    assert incidents[0].date == "2024-03-05"  # the day before Wednesday 6 March, not the 4th

"""Issue 19.8: page text survives 100k-deep nesting and meta-refresh redirect pages; an IDN
host and its punycode form, and a link with a fragment, get one key; a page of huge tables is
bounded and gives no incident."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ingest.feeds import FeedSpec
from ingest.fetcher import ArticleFetcher
from ingest.pages import (
    MAX_MARKUP_CHARS,
    MAX_TABLE_ROWS,
    bound_markup,
    extract_article,
    meta_refresh_target,
)
from ingest.parse import parse_feed
from ingest.urls import canonicalize_url
from testkit.http import LocalServer, Reply, article_html, client, rss
from wirewatch.contracts import FeedEntry, stable_key

HTML = {"Content-Type": "text/html; charset=utf-8"}
REPO = Path(__file__).resolve().parent.parent
FEED = FeedSpec(url="https://feeds.test/f.xml")


def test_text_survives_100k_deep_nesting() -> None:
    page = article_html().replace(
        "<article>",
        "<article>" + "<div>" * 100_000 + "<p>The innermost paragraph.</p>" + "</div>" * 100_000,
    )
    art = extract_article(page.encode(), "https://news.test/story/floods", HTML)
    assert art.page_kind == "article"
    assert "Paragraph 7: residents of the river towns" in art.text
    assert "The innermost paragraph." in art.text


def test_deep_nesting_between_text_keeps_every_word() -> None:
    body = "".join(f"<span>w{i} " for i in range(3000)) + "</span>" * 3000
    bounded = bound_markup(f"<html><body><div>{body}</div></body></html>")
    assert all(f"w{i} " in bounded for i in range(3000))
    assert bounded.count("<span>") < 300


def _stub(target: str, delay: str = "0") -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="refresh" content="{delay}; url={target}">'
        f"<title>Redirecting</title></head><body><p>Redirecting...</p></body></html>"
    ).encode()


def _fetch(url: str) -> object:
    async def run() -> object:
        async with client() as c:
            entry = FeedEntry(
                entry_id=url, url_key=stable_key(canonicalize_url(url)), feed_id="f1",
                feed_url=FEED.url, url=canonicalize_url(url), link=url, title="Floods",
            )  # fmt: skip
            return await ArticleFetcher(c).fetch(entry)

    return asyncio.run(run())


def test_a_meta_refresh_redirect_page_is_followed() -> None:
    with LocalServer() as srv:
        srv.route("/stub", Reply(200, _stub("/story/floods"), HTML))
        srv.route("/story/floods", Reply(200, article_html().encode(), HTML))
        art = _fetch(srv.url("/stub"))
    assert art.page_kind == "article"  # type: ignore[attr-defined]
    assert "Paragraph 3" in art.text  # type: ignore[attr-defined]
    assert art.url == srv.url("/stub")  # type: ignore[attr-defined]
    assert art.final_url == srv.url("/story/floods")  # type: ignore[attr-defined]


def test_a_meta_refresh_loop_ends_and_a_reloading_page_is_not_followed() -> None:
    with LocalServer() as srv:
        srv.route("/a", Reply(200, _stub("/b"), HTML))
        srv.route("/b", Reply(200, _stub("/a"), HTML))
        art = _fetch(srv.url("/a"))
        assert art.page_kind == "empty"  # type: ignore[attr-defined]
        assert len(srv.hits("/a")) + len(srv.hits("/b")) == 4  # the first page and 3 hops
    page = article_html().replace("<title>", '<meta http-equiv="refresh" content="300"><title>')
    assert meta_refresh_target(page.encode(), "text/html", "https://news.test/x") is None
    later = _stub("/elsewhere", delay="600")
    assert meta_refresh_target(later, "text/html", "https://news.test/x") is None
    assert (
        meta_refresh_target(_stub("https://other.test/a"), "text/html", "https://news.test/x")
        == "https://other.test/a"
    )


def test_an_idn_host_and_its_punycode_form_are_one_key() -> None:
    forms = [
        "https://bücher.example/story/1",
        "https://xn--bcher-kva.example/story/1",
        "http://www.BÜCHER.example/story/1",
    ]
    assert {canonicalize_url(u) for u in forms} == {"https://xn--bcher-kva.example/story/1"}
    feed = rss([{"title": f"t{i}", "link": u, "guid": f"g{i}"} for i, u in enumerate(forms)])
    keys = {e.url_key for e in parse_feed(feed, None, FEED)}
    assert len(keys) == 1
    ids = {
        extract_article(article_html().encode(), u, HTML).article_id for u in forms
    }  # the article key of every form
    assert ids == keys


def test_a_link_with_a_fragment_is_the_same_article_as_without() -> None:
    feed = rss(
        [
            {"title": "Floods", "link": "https://news.test/floods", "guid": "g1"},
            {"title": "Comments", "link": "https://news.test/floods#comments", "guid": "g2"},
        ]
    )
    entries = parse_feed(feed, None, FEED)
    assert [e.url_key for e in entries] == [stable_key("https://news.test/floods")]
    other = rss([{"title": "Floods", "link": "https://news.test/floods#top", "guid": "x"}])
    (alone,) = parse_feed(other, None, FEED)
    assert alone.url_key == entries[0].url_key


def _table_page(rows: int) -> str:
    kinds = ["Shooting", "Explosion", "Fire", "Flood", "Attack", "Accident"]
    body = "".join(
        f"<tr><td>{i}</td><td>{kinds[i % 6]} in district {i % 50}</td><td>{i % 40} dead</td>"
        f"<td>{i % 9} injured</td><td>2024-03-{i % 28 + 1:02d}</td></tr>"
        for i in range(rows)
    )
    return (
        "<!DOCTYPE html><html lang=en><head><title>Incident statistics 2024</title></head><body>"
        "<h1>Incident statistics</h1><p>The table lists the reported incidents by district.</p>"
        "<table><tr><th>#</th><th>Incident</th><th>Killed</th><th>Injured</th><th>Date</th></tr>"
        + body
        + "</table></body></html>"
    )


def test_a_page_of_tables_is_bounded_and_not_an_article() -> None:
    page = _table_page(60_000)
    assert len(page) > 5_000_000
    bounded = bound_markup(page)
    assert len(bounded) <= MAX_MARKUP_CHARS
    assert bounded.count("<tr>") == MAX_TABLE_ROWS
    assert bounded.endswith("</table></body></html>")
    art = extract_article(page.encode(), "https://stats.test/incidents", HTML)
    assert art.page_kind == "empty"  # no prose: the process stage extracts nothing from it


def test_an_article_with_a_small_table_is_still_an_article() -> None:
    page = article_html().replace("</article>", _table_page(20).split("<body>")[1])
    art = extract_article(page.encode(), "https://news.test/story/floods", HTML)
    assert art.page_kind == "article" and "Paragraph 7" in art.text


def test_a_5mb_table_page_costs_little_memory() -> None:
    """Peak resident memory of a fresh interpreter extracting the page: 633 MB before the
    bound. Read from VmHWM (this process image's own peak): ``ru_maxrss`` keeps the parent's
    peak across fork and exec, so it reported pytest's memory, not the extraction's."""
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc (not Linux)")
    code = textwrap.dedent(
        f"""
        import json, re, sys
        sys.path.insert(0, {str(REPO)!r})
        from tests.test_pages_hostile_markup import _table_page
        from ingest.pages import extract_article
        art = extract_article(_table_page(60_000).encode(), "https://stats.test/t", {HTML!r})
        status = open("/proc/self/status").read()
        kb = int(re.search(r"VmHWM:\\s*(\\d+)", status).group(1))
        print(json.dumps({{"kind": art.page_kind, "peak_mb": kb // 1024}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["kind"] == "empty"
    assert result["peak_mb"] < 300, result

"""News sitemaps as feed sources, against a real local server: a Google News urlset, a sitemap
index with a gzip child, robots.txt ``Sitemap:`` lines, the recursion and size bounds, and a
sitemap through ``wirewatch run --once`` to articles."""

from __future__ import annotations

import asyncio
import gzip
import json

from ingest.feeds import FeedSpec
from ingest.poller import Poller, PollResult
from ingest.state import MemoryStateStore
from testkit.cli import cli_env, run_cli, wirewatch_argv
from testkit.http import Seen
from tests.ingest_support import LocalServer, Reply, client
from tests.pipeline_support import news_site
from wirewatch.config import PollSettings
from wirewatch.topics import Topics

XML = {"Content-Type": "application/xml"}
NS = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
)


def urlset(*urls: tuple[str, str, str]) -> bytes:
    """A news sitemap; each url is (loc, title, publication date)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS}>']
    for loc, title, date in urls:
        parts.append(
            f"<url><loc>{loc}</loc><lastmod>2024-01-01</lastmod><news:news><news:publication>"
            f"<news:name>News Test</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{date}</news:publication_date>"
            f"<news:title>{title}</news:title></news:news></url>"
        )
    parts.append("</urlset>")
    return "\n".join(parts).encode()


def index(*locs: str) -> bytes:
    body = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
    ).encode()


def poll(url: str, settings: PollSettings | None = None) -> PollResult:
    async def go() -> PollResult:
        async with client() as c:
            poller = Poller(c, MemoryStateStore(), settings or PollSettings())
            return await poller.poll_once(FeedSpec(url=url))

    return asyncio.run(go())


def test_news_sitemap_gives_entries_with_titles_and_dates() -> None:
    with LocalServer() as srv:
        srv.route(
            "/news.xml",
            Reply(
                200,
                urlset(
                    (srv.url("/a"), "Floods hit the river towns", "2024-03-05T10:00:00+01:00"),
                    (srv.url("/b"), "Quake &amp; aftershocks", "2024-03-06"),
                ),
                XML,
            ),
        )
        result = poll(srv.url("/news.xml"))
    assert result.status == "new", result.error_message
    by_url = {e.link: e for e in result.entries}
    a, b = by_url[srv.url("/a")], by_url[srv.url("/b")]
    assert a.title == "Floods hit the river towns"
    assert a.published_at is not None and a.published_at.isoformat() == "2024-03-05T09:00:00+00:00"
    assert b.title == "Quake & aftershocks"
    assert b.published_at is not None and b.published_at.date().isoformat() == "2024-03-06"
    assert a.language == "en" and a.feed_url == srv.url("/news.xml")


def test_lastmod_is_the_date_of_a_plain_sitemap_url() -> None:
    plain = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>/rel</loc><lastmod>2024-02-01T08:00:00Z</lastmod></url></urlset>"
    )
    with LocalServer() as srv:
        srv.route("/s.xml", Reply(200, plain, XML))
        result = poll(srv.url("/s.xml"))
    assert [e.link for e in result.entries] == [srv.url("/rel")]
    assert result.entries[0].published_at.isoformat() == "2024-02-01T08:00:00+00:00"


def test_sitemap_index_with_a_gzip_child_gives_all_entries() -> None:
    with LocalServer() as srv:
        srv.route("/index.xml", Reply(200, index(srv.url("/one.xml"), srv.url("/two.xml.gz")), XML))
        srv.route("/one.xml", Reply(200, urlset((srv.url("/a"), "A", "2024-03-05")), XML))
        srv.route(
            "/two.xml.gz",
            Reply(
                200,
                gzip.compress(
                    urlset((srv.url("/b"), "B", "2024-03-05"), (srv.url("/c"), "C", "2024-03-05"))
                ),
                {"Content-Type": "application/x-gzip"},
            ),
        )
        result = poll(srv.url("/index.xml"))
    assert result.status == "new", result.error_message
    assert sorted(e.title or "" for e in result.entries) == ["A", "B", "C"]
    assert {e.feed_url for e in result.entries} == {srv.url("/index.xml")}


def test_a_gzip_sitemap_configured_directly_is_read() -> None:
    with LocalServer() as srv:
        body = gzip.compress(urlset((srv.url("/a"), "A", "2024-03-05")))
        srv.route("/news.xml.gz", Reply(200, body, {"Content-Type": "application/gzip"}))
        result = poll(srv.url("/news.xml.gz"))
    assert [e.title for e in result.entries] == ["A"]


def test_gzip_bomb_is_refused_by_the_decompressed_size_cap() -> None:
    with LocalServer() as srv:
        srv.route("/index.xml", Reply(200, index(srv.url("/bomb.xml.gz"), srv.url("/ok.xml")), XML))
        # well under the body cap compressed, far over it decompressed
        bomb = gzip.compress(b" " * (50 * 1024 * 1024), compresslevel=9)
        srv.route("/bomb.xml.gz", Reply(200, bomb, {"Content-Type": "application/gzip"}))
        srv.route("/ok.xml", Reply(200, urlset((srv.url("/a"), "A", "2024-03-05")), XML))
        result = poll(srv.url("/index.xml"))
    assert [e.title for e in result.entries] == ["A"]  # the good child is kept
    assert any("sitemap.too_large" in p for p in result.parsed.problems), result.parsed.problems


def test_index_recursion_is_bounded() -> None:
    """An index whose every level links one level deeper: the poller stops at the depth bound,
    and an index listing itself is fetched once."""
    with LocalServer() as srv:
        for level in range(10):
            srv.route(
                f"/level{level}.xml",
                Reply(200, index(srv.url(f"/level{level + 1}.xml"), srv.url("/level0.xml")), XML),
            )
        result = poll(srv.url("/level0.xml"), PollSettings(sitemap_max_depth=2))
        fetched = {r.path for r in srv.requests}
    assert fetched == {"/level0.xml", "/level1.xml", "/level2.xml"}
    assert len(srv.hits("/level0.xml")) == 1
    assert any("deeper than 2" in p for p in result.parsed.problems)


def test_child_count_and_url_count_are_bounded() -> None:
    with LocalServer() as srv:
        children = [srv.url(f"/c{i}.xml") for i in range(6)]
        srv.route("/index.xml", Reply(200, index(*children), XML))
        for i in range(6):
            urls = [(srv.url(f"/a{i}-{j}"), f"T{i}-{j}", "2024-03-05") for j in range(3)]
            srv.route(f"/c{i}.xml", Reply(200, urlset(*urls), XML))
        settings = PollSettings(sitemap_max_children=3, sitemap_max_urls=7)
        result = poll(srv.url("/index.xml"), settings)
        fetched = sorted(r.path for r in srv.requests if r.path.startswith("/c"))
    assert fetched == ["/c0.xml", "/c1.xml", "/c2.xml"]
    assert len(result.entries) == 7


def test_robots_txt_sitemap_lines_are_a_source() -> None:
    with LocalServer() as srv:
        robots = f"User-agent: *\nDisallow: /private\nSitemap: {srv.url('/news.xml')}\n"
        srv.route("/robots.txt", Reply(200, robots.encode(), {"Content-Type": "text/plain"}))
        srv.route("/news.xml", Reply(200, urlset((srv.url("/a"), "A", "2024-03-05")), XML))
        result = poll(srv.url("/robots.txt"))
    assert [e.title for e in result.entries] == ["A"]


def test_malformed_sitemap_is_a_classified_error() -> None:
    with LocalServer() as srv:
        srv.route("/bad.xml", Reply(200, b"<urlset><url><lo&", XML))
        result = poll(srv.url("/bad.xml"))
    assert result.status == "error"
    assert result.error_reason == "sitemap.malformed", result.error_message


def test_sitemap_children_go_through_the_ssrf_guard() -> None:
    """A child sitemap on a host the client may not reach is a problem, never a request."""
    with LocalServer() as srv:
        srv.route(
            "/index.xml",
            Reply(200, index("http://10.0.0.1/internal.xml", srv.url("/ok.xml")), XML),
        )
        srv.route("/ok.xml", Reply(200, urlset((srv.url("/a"), "A", "2024-03-05")), XML))
        result = poll(srv.url("/index.xml"))
    assert [e.title for e in result.entries] == ["A"]
    assert any("10.0.0.1" in p for p in result.parsed.problems)


def test_sitemap_served_to_run_once_ends_as_articles(tmp_path) -> None:
    out = tmp_path / "out"
    with news_site(1) as site:
        srv = site.server
        urls = [(srv.url(f"/page/0/{j}"), f"Story {j}", "2024-03-05T10:00:00Z") for j in range(3)]
        srv.route("/news-sitemap.xml", Reply(200, urlset(*urls), XML))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - url: {srv.url('/news-sitemap.xml')}\n")
        proc = run_cli(
            wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out)),
            cli_env(),
            timeout=240,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    t = Topics()
    entries = [json.loads(x) for x in (out / f"{t.name('entries')}.jsonl").read_text().splitlines()]
    articles = [
        json.loads(x) for x in (out / f"{t.name('articles')}.jsonl").read_text().splitlines()
    ]
    assert sorted(e["title"] for e in entries) == ["Story 0", "Story 1", "Story 2"]
    assert len(articles) == 3


def test_truncated_sitemap_keeps_the_urls_it_could_read() -> None:
    with LocalServer() as srv:
        body = urlset((srv.url("/a"), "A", "2024-03-05"), (srv.url("/b"), "B", "2024-03-05"))
        srv.route("/cut.xml", Reply(200, body[: body.index(b"</url>", body.index(b"/b")) - 5], XML))
        result = poll(srv.url("/cut.xml"))
    assert "A" in [e.title for e in result.entries]
    assert any("parsed leniently" in p for p in result.parsed.problems)


def test_sitemap_is_polled_with_conditional_get_and_its_entries_are_deduplicated() -> None:
    """Second poll: a 304 for the index fetches no child; a changed index gives only the new
    URL, not the ones already seen."""
    with LocalServer() as srv:
        children = [srv.url("/one.xml")]

        def index_route(seen: Seen) -> Reply:
            etag = f'"v{len(children)}"'
            if seen.headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, index(*children), {**XML, "ETag": etag})

        srv.route("/index.xml", index_route)
        srv.route("/one.xml", Reply(200, urlset((srv.url("/a"), "A", "2024-03-05")), XML))
        srv.route("/two.xml", Reply(200, urlset((srv.url("/b"), "B", "2024-03-06")), XML))

        async def go() -> list[PollResult]:
            async with client() as c:
                poller = Poller(c, MemoryStateStore(), PollSettings())
                spec = FeedSpec(url=srv.url("/index.xml"))
                first = await poller.poll_once(spec)
                second = await poller.poll_once(spec)
                children.append(srv.url("/two.xml"))
                third = await poller.poll_once(spec)
                return [first, second, third]

        first, second, third = asyncio.run(go())
        one_hits = len(srv.hits("/one.xml"))
    assert [e.title for e in first.entries] == ["A"]
    assert second.status == "not_modified" and not second.entries
    assert one_hits == 2  # the first and third polls, not the 304
    assert [e.title for e in third.entries] == ["B"]


def test_credentials_in_a_child_url_are_dropped_and_never_shown() -> None:
    """As for an article link: the child is requested without them, and a failure names it
    without them."""
    with LocalServer() as srv:
        secret = "http://user:s3cret@10.0.0.1/internal.xml"  # refused by the SSRF guard
        srv.route("/index.xml", Reply(200, index(secret, srv.url("/ok.xml")), XML))
        srv.route("/ok.xml", Reply(200, urlset((srv.url("/a"), "A", "2024-03-05")), XML))
        result = poll(srv.url("/index.xml"), PollSettings())
    assert [e.title for e in result.entries] == ["A"]
    assert result.parsed.problems and not any("s3cret" in p for p in result.parsed.problems)

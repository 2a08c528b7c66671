"""Hostile sources for the backfill's listing (ingest/backfill.py): sitemap bombs in size, depth,
breadth and compression, loops, broken XML and refused addresses. Each costs a bounded number
of requests, becomes a note on its document (a reason, a log line), and the good documents of
the same source are still listed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest import FeedSpec
from ingest.backfill import BackfillProgress, BackfillRun, Counts, Window
from tests.ingest_support import LocalServer, Reply, client, gzip_bomb
from wirewatch.config import HttpSettings, Settings

SM = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
XML = {"Content-Type": "application/xml"}
NOW = datetime.now(UTC)
STAMP = (NOW - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


class ListSink:
    def __init__(self) -> None:
        self.records: list[Any] = []

    def add(self, record: Any, **_kw: Any) -> None:
        self.records.append(record)

    def flush(self, timeout: float | None = None) -> None:
        pass


def urlset(srv: LocalServer, *names: str) -> bytes:
    rows = "".join(
        f"<url><loc>{srv.url('/a/' + n)}</loc><lastmod>{STAMP}</lastmod></url>" for n in names
    )
    return f'<?xml version="1.0"?><urlset {SM}>{rows}</urlset>'.encode()


def index(*children: str) -> bytes:
    rows = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex {SM}>{rows}</sitemapindex>'.encode()


def backfill(url: str, tmp: Path, **http: Any) -> tuple[list[str], Counts]:
    sink = ListSink()
    progress = BackfillProgress(tmp / "progress.db")
    settings = Settings(http=HttpSettings(max_body_bytes=http.pop("max_body_bytes", 2_000_000)))
    run = BackfillRun(
        settings,
        [FeedSpec(url=url)],
        Window(NOW - timedelta(days=7), NOW),
        progress,
        sink,
        client=client(max_body_bytes=settings.http.max_body_bytes),
        rate=10_000,
        stages=False,
    )
    try:
        counts = asyncio.run(run.run())
    finally:
        progress.close()
    return sorted(r.link.rsplit("/", 1)[1] for r in sink.records), counts


def test_gzip_bomb_child_is_a_note_and_the_good_child_is_listed(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.WARNING)
    with LocalServer() as srv:
        srv.route("/good.xml", Reply(200, urlset(srv, "kept"), XML))
        srv.route("/bomb.xml.gz", Reply(200, gzip_bomb(100_000_000), {"Content-Type": "x/gzip"}))
        srv.route("/index.xml", Reply(200, index(srv.url("/bomb.xml.gz"), srv.url("/good.xml"))))
        links, counts = backfill(srv.url("/index.xml"), tmp_path)
    assert links == ["kept"]
    assert any("sitemap.too_large" in p and "bomb.xml.gz" in p for p in counts.problems)
    assert any(getattr(r, "reason", None) == "sitemap.too_large" for r in caplog.records)


def test_huge_sitemap_stops_at_the_body_cap(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><urlset {SM}>'.encode()
        row = f"<url><loc>http://127.0.0.1/a/x</loc><lastmod>{STAMP}</lastmod></url>".encode()
        for _ in range(50):
            yield row * ((1 << 20) // len(row))

    with LocalServer() as srv:
        srv.route("/huge.xml", Reply(200, chunks=chunks(), headers=XML))
        links, counts = backfill(srv.url("/huge.xml"), tmp_path)
    assert links == [] and counts.found == 0
    assert any("http.body_too_large" in p for p in counts.problems), counts.problems


def test_deep_index_recursion_stops_at_the_depth_bound(tmp_path: Path) -> None:
    with LocalServer() as srv:
        for level in range(12):
            srv.route(f"/deep/{level}.xml", Reply(200, index(srv.url(f"/deep/{level + 1}.xml"))))
        srv.route("/deep/12.xml", Reply(200, urlset(srv, "deepest"), XML))
        links, counts = backfill(srv.url("/deep/0.xml"), tmp_path)
    assert links == []
    # the source is depth 0; sitemap_max_depth (3) levels below it are read
    assert [len(srv.hits(f"/deep/{n}.xml")) for n in range(6)] == [1, 1, 1, 1, 0, 0]
    assert any("nesting deeper than 3" in p for p in counts.problems), counts.problems


def test_wide_index_and_loops_cost_a_bounded_number_of_requests(tmp_path: Path) -> None:
    with LocalServer() as srv:
        srv.route("/leaf.xml", Reply(200, urlset(srv, "leaf"), XML))
        many = [srv.url(f"/child/{i}.xml") for i in range(500)]
        for i in range(500):
            srv.route(f"/child/{i}.xml", Reply(200, urlset(srv, f"c{i}"), XML))
        # the index names itself, a loop partner, a leaf and 500 children
        srv.route("/loop.xml", Reply(200, index(srv.url("/index.xml")), XML))
        body = index(srv.url("/index.xml"), srv.url("/loop.xml"), srv.url("/leaf.xml"), *many)
        srv.route("/index.xml", Reply(200, body, XML))
        links, counts = backfill(srv.url("/index.xml"), tmp_path)
    assert len(srv.hits("/index.xml")) == 1 and len(srv.hits("/loop.xml")) == 1
    children = sum(len(srv.hits(f"/child/{i}.xml")) for i in range(500))
    # sitemap_max_children (50) documents per source besides the source itself
    assert 2 + children == 50
    assert "leaf" in links and len(links) == 1 + children
    assert any("over the cap" in p for p in counts.problems), counts.problems


def test_broken_sitemap_keeps_what_was_read_before_the_break(tmp_path: Path) -> None:
    with LocalServer() as srv:
        body = urlset(srv, "one", "two").replace(b"</urlset>", b"<url><loc>")
        srv.route("/broken.xml", Reply(200, body, XML))
        links, counts = backfill(srv.url("/broken.xml"), tmp_path)
    assert links == ["one", "two"]
    assert any("sitemap.malformed" in p for p in counts.problems), counts.problems


def test_child_on_a_refused_address_is_never_requested(tmp_path: Path) -> None:
    with LocalServer() as srv:
        srv.route("/good.xml", Reply(200, urlset(srv, "kept"), XML))
        meta = "http://169.254.169.254/latest/meta-data/sitemap.xml"
        srv.route("/index.xml", Reply(200, index(meta, srv.url("/good.xml")), XML))
        links, counts = backfill(srv.url("/index.xml"), tmp_path)
    assert links == ["kept"]
    assert any("http.blocked_address" in p for p in counts.problems), counts.problems

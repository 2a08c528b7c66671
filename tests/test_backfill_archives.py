"""Backfill from a feed's archive pages: RFC 5005 archived feeds (``prev-archive``) and paged
feeds (``next``), listed in process with the entries published to a collecting sink."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest import FeedSpec
from ingest.backfill import BackfillProgress, BackfillRun, Window, archive_link
from tests.ingest_support import LocalServer, Reply, client
from wirewatch.config import Settings

NOW = datetime.now(UTC).replace(microsecond=0)
ATOM = {"Content-Type": "application/atom+xml"}
RFC822 = "%a, %d %b %Y %H:%M:%S +0000"


class ListSink:
    def __init__(self) -> None:
        self.records: list[Any] = []

    def add(self, record: Any, **_kw: Any) -> None:
        self.records.append(record)

    def flush(self, timeout: float | None = None) -> None:
        pass


def atom(srv: LocalServer, name: str, ages: list[float], links: dict[str, str]) -> bytes:
    """An Atom page whose entries were published ``ages`` days ago, with feed-level links."""
    head = "".join(f'<link rel="{rel}" href="{href}"/>' for rel, href in links.items())
    entries = "".join(
        f"<entry><id>urn:{name}:{i}</id><title>{name} {i}</title>"
        f'<link href="{srv.url(f"/a/{name}-{i}")}"/>'
        f"<updated>{(NOW - timedelta(days=age)).isoformat()}</updated></entry>"
        for i, age in enumerate(ages)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="http://purl.org/syndication/history/1.0">'
        f"<id>urn:{name}</id><title>{name}</title><updated>{NOW.isoformat()}</updated>"
        f"{head}{entries}</feed>"
    ).encode()


def _run(srv: LocalServer, url: str, tmp: Path, days: float) -> tuple[list[Any], Any]:
    sink = ListSink()
    progress = BackfillProgress(tmp / "progress.db")
    settings = Settings()
    run = BackfillRun(
        settings,
        [FeedSpec(url=url)],
        Window(NOW - timedelta(days=days), NOW + timedelta(minutes=1)),
        progress,
        sink,
        client=client(),
        rate=10_000,
        stages=False,
    )
    try:
        counts = asyncio.run(run.run())
    finally:
        progress.close()
    return sink.records, counts


def test_rfc5005_archives_are_followed_back_to_the_window_start(tmp_path: Path) -> None:
    with LocalServer() as srv:
        # the subscription document, then archives going back in time; a page may hold items
        # on both sides of the window's start
        srv.route(
            "/feed.xml",
            Reply(
                200,
                atom(srv, "current", [0.5, 1, 1.5], {"prev-archive": "/archive/3.xml"}),
                ATOM,
            ),
        )
        pages = {
            3: ([2.5, 3.5, 4.5], "/archive/2.xml"),
            2: ([5.5, 6.5, 7.5], "/archive/1.xml"),
            1: ([8.5, 9.5], "/archive/0.xml"),  # all before the window: the walk stops here
            0: ([10.5, 11.5], None),
        }
        for n, (ages, prev) in pages.items():
            links = {"prev-archive": prev} if prev else {}
            srv.route(f"/archive/{n}.xml", Reply(200, atom(srv, f"arch{n}", ages, links), ATOM))
        entries, counts = _run(srv, srv.url("/feed.xml"), tmp_path, days=7)
        got = sorted(e.title for e in entries)
        want = ["current 0", "current 1", "current 2", "arch3 0", "arch3 1", "arch3 2"]
        assert got == sorted([*want, "arch2 0", "arch2 1"])
        for e in entries:  # the archive's own dates are kept
            assert e.published_at is not None and e.published_at >= NOW - timedelta(days=7)
        assert counts.found == counts.done == 8
        for path in ("/feed.xml", "/archive/3.xml", "/archive/2.xml", "/archive/1.xml"):
            assert len(srv.hits(path)) == 1, path
        assert srv.hits("/archive/0.xml") == []  # older than the window: not read


def test_paged_feed_next_links_are_followed(tmp_path: Path) -> None:
    with LocalServer() as srv:
        rss_page = (
            '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            "<channel><title>paged</title><link>http://news.test/</link>"
            '<atom:link rel="next" href="/feed?page={next}"/>{items}</channel></rss>'
        )

        def page(n: int) -> bytes:
            items = "".join(
                f"<item><title>p{n} {i}</title><link>{srv.url(f'/a/p{n}-{i}')}</link>"
                f"<pubDate>{(NOW - timedelta(days=2 * n + i)).strftime(RFC822)}</pubDate></item>"
                for i in range(2)
            )
            return rss_page.format(next=n + 1, items=items).encode()

        srv.route("/feed", lambda seen: Reply(200, page(int(seen.path.partition("page=")[2] or 0))))
        entries, _ = _run(srv, srv.url("/feed"), tmp_path, days=5.5)
        assert sorted(e.title for e in entries) == ["p0 0", "p0 1", "p1 0", "p1 1", "p2 0", "p2 1"]
        pages = [r.path for r in srv.hits("/feed")]
        # page 3 (6-7 days ago) is read and is all before the window: page 4 is never asked for
        assert pages == ["/feed", "/feed?page=1", "/feed?page=2", "/feed?page=3"]


def test_archive_link_reads_the_feeds_own_links_only() -> None:
    doc = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="/f"/>'
        b'<entry><link rel="next" href="/not-this"/></entry>'
        b'<link rel="next" href="/page2"/><link rel="prev-archive" href="/arch"/></feed>'
    )
    assert archive_link(doc, "http://x.test/f") == "http://x.test/arch"  # prev-archive first
    assert archive_link(doc.replace(b"prev-archive", b"other"), "http://x.test/f") == (
        "http://x.test/page2"
    )
    assert archive_link(b"<feed/>", "http://x.test/f") is None
    assert (
        archive_link(b'<feed><link rel="next" href="file:///etc/passwd"/></feed>', "http://x/")
        is None
    )


def test_dry_run_lists_only_and_the_next_run_fetches_what_it_listed(tmp_path: Path) -> None:
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, atom(srv, "current", [0.5, 1, 9], {}), ATOM))
        window = Window(NOW - timedelta(days=7), NOW + timedelta(minutes=1))
        feeds = [FeedSpec(url=srv.url("/feed.xml"))]

        def one(dry: bool, fresh: bool = False) -> tuple[ListSink, Any]:
            sink, progress = ListSink(), BackfillProgress(tmp_path / "progress.db")
            run = BackfillRun(
                Settings(), feeds, window, progress, sink, client=client(), rate=1e4, stages=False
            )
            run.stop_after_listing, run.fresh = dry, fresh
            try:
                return sink, asyncio.run(run.run())
            finally:
                progress.close()

        sink, counts = one(dry=True)
        assert sink.records == [] and (counts.found, counts.done) == (2, 0)
        sink, counts = one(dry=False)
        assert sorted(e.title for e in sink.records) == ["current 0", "current 1"]
        assert (counts.found, counts.done) == (2, 2)
        assert len(srv.hits("/feed.xml")) == 1  # listed once, by the dry run

        # a dry run, then --fresh: listed again, and what is done is still not carried again
        one(dry=True)
        window = Window(NOW - timedelta(days=10), NOW + timedelta(minutes=1))
        sink, counts = one(dry=False, fresh=True)
        assert [e.title for e in sink.records] == ["current 2"]  # 9 days old: the new window
        assert len(srv.hits("/feed.xml")) == 3

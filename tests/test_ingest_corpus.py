"""The shared corpus: 53 real feeds served from 127.0.0.1, and 38 real article pages.

Skips with a message when ../shared/corpus is absent. Set WIREWATCH_FEEDS_TABLE=path to write
the per-feed table (markdown) there as well as printing it (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import csv
import gzip
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.feeds import FeedSpec
from ingest.pages import extract_article
from ingest.poller import Poller, PollResult
from ingest.state import MemoryStateStore
from tests.ingest_support import CORPUS, LocalServer, Reply, client

pytestmark = pytest.mark.corpus
FEEDS = CORPUS / "feeds"
PAGES = CORPUS / "pages"
CTYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".xml": "application/xml",
}
CLASSIFIED = {"feed.html", "feed.not_a_feed", "feed.malformed", "feed.empty"}


def _need(path: Path) -> None:
    if not path.is_dir():
        pytest.skip(f"corpus not found at {path} (expected ../shared/corpus next to the repo)")


def _table(rows: list[PollResult]) -> str:
    lines = [
        "| feed | status | entries | format | encoding | error / problems |",
        "|---|---|---:|---|---|---|",
    ]
    for r in rows:
        p = r.parsed
        note = r.error_reason or "; ".join(p.problems if p else [])
        note = note.replace("|", "/")[:110]
        lines.append(
            f"| {r.feed.name} | {r.status} | {len(r.entries)} | "
            f"{p.version if p else '-'} | {p.encoding if p else '-'} | {note} |"
        )
    errors = Counter(r.error_reason for r in rows if r.error_reason)
    ok = sum(1 for r in rows if r.ok)
    lines += [
        "",
        f"{len(rows)} feeds: {ok} parsed, {len(rows) - ok} classified errors; "
        f"{sum(len(r.entries) for r in rows)} entries",
        "",
        "| error class | feeds |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v} |" for k, v in sorted(errors.items())]
    return "\n".join(lines) + "\n"


def test_all_corpus_feeds_parse_or_fail_with_a_classified_error() -> None:
    _need(FEEDS)
    files = sorted(p for p in FEEDS.iterdir() if p.suffix in CTYPES)
    assert len(files) == 53
    with LocalServer() as srv:
        for p in files:
            srv.route(f"/{p.name}", Reply(200, p.read_bytes(), {"Content-Type": CTYPES[p.suffix]}))

        async def go() -> list[PollResult]:
            async with client() as c:
                poller = Poller(c, MemoryStateStore())
                return list(
                    await asyncio.gather(
                        *(
                            poller.poll_once(FeedSpec(url=srv.url(f"/{p.name}"), name=p.name))
                            for p in files
                        )
                    )
                )

        rows = asyncio.run(go())
    table = _table(rows)
    print("\n" + table)
    if out := os.environ.get("WIREWATCH_FEEDS_TABLE"):
        Path(out).write_text(table)
    for r in rows:
        assert r.status in ("new", "unchanged", "error"), r.feed.name
        if r.status == "error":
            assert r.error_reason in CLASSIFIED, (r.feed.name, r.error_reason, r.error_message)
    parsed = [r for r in rows if r.ok]
    assert len(parsed) >= 48
    by_name = {r.feed.name: r for r in rows}
    assert by_name["broken_unrecognized.rss"].error_reason == "feed.html"
    assert by_name["reuters_mostread_invalid.xml"].error_reason == "feed.malformed"
    # charsets: declared or not, text comes out right
    assert any(
        "ã" in (e.title or "") or "ç" in (e.title or "")
        for e in by_name["jn_pt_ultimas.rss"].entries
    )
    assert any(
        re.search("[а-яА-Я]", e.summary or e.title or "")
        for e in by_name["ibash_windows-1251.rss"].entries
    )
    assert all(e.link.startswith("http") for r in parsed for e in r.entries)
    # relative links resolved against xml:base / the feed URL
    rel = by_name["relurl_kryogenix.rss"].entries[0]
    assert all(m.url.startswith("http") for m in rel.media)


def _tokens(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def token_f1(pred: str, expected: str, prefix: bool = False) -> float:
    p, e = _tokens(pred), _tokens(expected)
    if prefix:
        p = p[: len(e)]
    common = sum((Counter(p) & Counter(e)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(e)
    return 2 * precision * recall / (precision + recall)


def test_corpus_pages_are_articles_with_good_text() -> None:
    _need(PAGES)
    rows = list(csv.DictReader((PAGES / "MANIFEST.tsv").open(), delimiter="\t"))
    assert len(rows) == 38
    scores = []
    for row in rows:
        body = (PAGES / row["file"]).read_bytes()
        if row["file"].endswith(".gz"):
            body = gzip.decompress(body)
        a = extract_article(
            body, row["url"] or f"https://pages.test/{row['file']}", {"Content-Type": "text/html"}
        )
        assert a.page_kind == "article", (row["file"], a.page_kind)
        assert a.title, row["file"]
        expected = (PAGES / row["expected_file"]).read_text()
        scores.append(token_f1(a.text, expected, "PREFIX" in row["has_expected_text"]))
    assert sum(scores) / len(scores) > 0.9

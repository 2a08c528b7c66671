"""Coverage-guided fuzzing (atheris / libFuzzer) of feed parsing and entry normalisation.

The target feeds arbitrary bytes, with a Content-Type picked from the first byte, through
``ingest.parse.parse_feed_document`` (feedparser + our normalisation). A finding is any
exception other than :class:`FeedParseError`, an entry that breaks the contract invariants
(validates, ``url_key == stable_key(url)``, canonical URL, no control characters in text,
no impossible dates), or an input slower than ``-timeout`` seconds.

Run from the repository root (libFuzzer flags pass through)::

    .venv/bin/python bench/fuzz_feeds.py -runs=20000            # a number of inputs
    .venv/bin/python bench/fuzz_feeds.py -max_total_time=300    # a time budget in seconds
    .venv/bin/python bench/fuzz_feeds.py CORPUS_DIR -max_total_time=3600   # keep a corpus

Without a corpus directory the run is seeded from ../shared/corpus/feeds (when present) and a
few built-in documents, in a temporary directory. Crashing inputs are written as ``crash-*``
files in the working directory; replay one with ``python bench/fuzz_feeds.py crash-<hash>``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import atheris

from wirewatch.contracts import FeedEntry, stable_key
from wirewatch.errors import FeedParseError

with atheris.instrument_imports(include=["ingest", "feedparser", "sgmllib"]):
    from ingest.feeds import FeedSpec
    from ingest.parse import parse_feed_document
    from ingest.urls import canonicalize_url

REPO = Path(__file__).resolve().parent.parent
FEED = FeedSpec(url="http://feeds.example.test/rss.xml")
CONTENT_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "text/xml; charset=utf-8",
    "text/html",
    "application/octet-stream",
    "text/xml; charset=iso-8859-1",
    "",
)
SEEDS = [
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a &amp; b'
    b"</title><link>http://a.test/1?utm_source=x</link><guid>g1</guid><pubDate>Mon, 04 Mar "
    b"2024 10:00:00 GMT</pubDate><description>&lt;p&gt;x&lt;/p&gt;</description></item>"
    b"</channel></rss>",
    b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a.test/"><title>t</title>'
    b'<entry><id>tag:a,2024:1</id><link href="/p/1"/><updated>2024-03-04T10:00:00Z</updated>'
    b'<content type="html">&lt;p&gt;body&lt;/p&gt;</content></entry></feed>',
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><item><title>r</title><link>http://a.test/r</link>'
    b"</item></rdf:RDF>",
    b'<!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><item>'
    b"<title>&b;</title><link>http://a.test/e</link></item></channel></rss>",
    b"<!DOCTYPE html><html><head><link rel=alternate type=application/rss+xml href=/f>",
]
_EPOCH_FLOOR = datetime(1990, 1, 1, tzinfo=UTC)


def check(entry: FeedEntry) -> None:
    """The invariants every normalised entry must hold (AssertionError = finding)."""
    FeedEntry.model_validate(entry.model_dump())
    assert entry.url_key == stable_key(entry.url), entry
    base = entry.url.partition("#")[0]
    if base.startswith("https://"):
        assert canonicalize_url(entry.url) == base, entry.url
    for when in (entry.published_at, entry.updated_at):
        assert when is None or _EPOCH_FLOOR <= when, when
        assert when is None or when.timestamp() <= time.time() + 3 * 86400, when
    for text in (entry.title or "", entry.summary or "", entry.content or ""):
        bad = [c for c in text if ord(c) < 32 and c not in "\n\r\t"]
        assert not bad, (bad, text[:80])


def TestOneInput(data: bytes) -> None:  # the name atheris calls
    if not data:
        return
    ctype = CONTENT_TYPES[data[0] % len(CONTENT_TYPES)]
    try:
        parsed = parse_feed_document(data[1:], {"Content-Type": ctype} if ctype else {}, FEED)
    except FeedParseError:
        return
    keys = [e.url_key for e in parsed.entries]
    assert len(keys) == len(set(keys)), "duplicate entries in one document"
    for entry in parsed.entries:
        check(entry)


def _seed_dir() -> str:
    d = Path(tempfile.mkdtemp(prefix="wirewatch-fuzz-feeds-"))
    corpus = REPO.parent / "shared" / "corpus" / "feeds"
    docs = list(SEEDS)
    if corpus.is_dir():
        docs += [p.read_bytes()[:65536] for p in sorted(corpus.iterdir()) if p.suffix != ".tsv"]
    for i, doc in enumerate(docs):
        (d / f"seed-{i:03d}").write_bytes(bytes([i % len(CONTENT_TYPES)]) + doc)
    return str(d)


def main(argv: list[str]) -> None:
    args = list(argv)
    if not [a for a in args[1:] if not a.startswith("-")]:
        args.append(_seed_dir())
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)

"""Feed parsing and canonical URLs on feeds written here (corpus-independent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.feeds import FeedSpec
from ingest.parse import parse_feed, parse_feed_document
from ingest.urls import canonicalize_url
from tests.ingest_support import rss
from wirewatch.contracts import stable_key
from wirewatch.errors import FeedParseError

FEED = FeedSpec(url="https://news.test/feeds/world.xml")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "HTTP://WWW.News.Test:80/a/b/../c/?utm_source=x&b=2&a=1#frag",
            "https://news.test/a/c?a=1&b=2",
        ),
        ("https://news.test/story/?fbclid=1&gclid=2&mc_cid=3", "https://news.test/story"),
        ("https://news.test:443/", "https://news.test/"),
        ("https://news.test:8443/x", "https://news.test:8443/x"),
        ("https://news.test/p%7ea", "https://news.test/p~a"),
        ("https://news.test/search?q=a%20b&page=2", "https://news.test/search?page=2&q=a%20b"),
    ],
)
def test_canonicalize_url(raw: str, canonical: str) -> None:
    assert canonicalize_url(raw) == canonical
    assert canonicalize_url(canonical) == canonical  # idempotent


def test_relative_url_is_made_absolute() -> None:
    assert canonicalize_url("../b", "https://news.test/x/y/z.xml") == "https://news.test/x/b"


def test_charset_only_in_http_header_is_used() -> None:
    body = rss(
        [{"title": "Новости дня", "link": "https://news.test/ru"}], encoding="windows-1251"
    ).replace(b' encoding="windows-1251"', b"")
    right = parse_feed(body, {"Content-Type": "application/rss+xml; charset=windows-1251"}, FEED)
    wrong = parse_feed(body, {"Content-Type": "application/rss+xml"}, FEED)
    assert right[0].title == "Новости дня"
    assert wrong[0].title != right[0].title


def test_entry_fields_are_normalized() -> None:
    full = "<p>" + "Full article text, sentence after sentence. " * 30 + "</p>"
    body = rss(
        [
            {
                "title": "Quake &lt;b&gt;hits&lt;/b&gt; coast",
                "link": "/2024/03/quake?utm_medium=rss",
                'guid isPermaLink="false"': "urn:news:123",
                "pubDate": "Tue, 05 Mar 2024 12:00:00 +0200",
                "description": "&lt;p&gt;Short teaser&lt;/p&gt;",
                "content:encoded": f"<![CDATA[{full}]]>",
                "dc:creator": "Ana Lima",
                "category": "World",
                'enclosure url="/img/q.jpg" type="image/jpeg" length="1"/><x': "",
            }
        ]
    )
    [e] = parse_feed(body, {"Content-Type": "application/rss+xml"}, FEED)
    assert e.entry_id == "urn:news:123"
    assert e.link == "https://news.test/2024/03/quake?utm_medium=rss"
    assert e.url == "https://news.test/2024/03/quake"
    assert e.url_key == stable_key(e.url) and e.feed_id == FEED.feed_id
    assert e.title == "Quake hits coast" and e.summary == "Short teaser"
    assert e.content and e.content.startswith("Full article text")
    assert e.published_at == datetime(2024, 3, 5, 10, 0, tzinfo=UTC) and e.updated_at is None
    assert e.authors == ["Ana Lima"] and e.categories == ["World"] and e.language == "en"
    assert [m.url for m in e.media] == ["https://news.test/img/q.jpg"]


def test_teaser_content_is_not_kept_as_full_article() -> None:
    body = rss([{"title": "t", "link": "https://news.test/a", "content:encoded": "Just a teaser."}])
    assert parse_feed(body, None, FEED)[0].content is None


def test_entry_id_falls_back_to_link_then_hash() -> None:
    body = rss([{"title": "No guid", "link": "https://news.test/a?utm_source=x"}])
    assert parse_feed(body, None, FEED)[0].entry_id == "https://news.test/a"


def test_atom_xml_base_and_updated() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://other.test/blog/" xml:lang="de">
<title>t</title><id>urn:f</id><updated>2024-03-05T10:00:00Z</updated>
<entry><title>E</title><id>urn:e1</id><link href="posts/1"/>
<published>2024-03-01T08:00:00+01:00</published><updated>2024-03-05T10:00:00Z</updated>
<author><name>Max</name></author></entry></feed>"""
    [e] = parse_feed(body, {"Content-Type": "application/atom+xml"}, FEED)
    assert e.link == "https://other.test/blog/posts/1"
    assert e.published_at == datetime(2024, 3, 1, 7, 0, tzinfo=UTC)
    assert e.updated_at == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert e.language == "de" and e.authors == ["Max"]


def test_fragment_addressed_posts_stay_distinct() -> None:
    body = rss(
        [
            {
                "title": f"p{i}",
                "link": f"https://news.test/2024/03/05.html#a{i}",
                "guid": f"https://news.test/2024/03/05.html#a{i}",
            }
            for i in range(3)
        ]
    )
    entries = parse_feed(body, None, FEED)
    assert len({e.url_key for e in entries}) == 3


def test_leading_whitespace_before_xml_declaration_is_tolerated() -> None:
    body = b"\n\n  " + rss([{"title": "t", "link": "https://news.test/a"}])
    parsed = parse_feed_document(body, None, FEED)
    assert len(parsed.entries) == 1 and parsed.problems == []


@pytest.mark.parametrize(
    ("body", "ctype", "reason"),
    [
        (b"", "application/rss+xml", "feed.empty"),
        (b"<!DOCTYPE html><html><body><p>Hello</p></body></html>", "text/html", "feed.html"),
        (b"<html><head><title>Moved</title></head></html>", "application/rss+xml", "feed.html"),
        (b"<?xml version='1.0'?><config><a>1</a></config>", "application/xml", "feed.not_a_feed"),
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>a",
            "application/rss+xml",
            "feed.malformed",
        ),
    ],
)
def test_documents_that_are_not_feeds_raise_classified_errors(
    body: bytes, ctype: str, reason: str
) -> None:
    with pytest.raises(FeedParseError) as err:
        parse_feed(body, {"Content-Type": ctype}, FEED)
    assert err.value.reason == reason

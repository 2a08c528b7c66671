"""A declared charset is honoured before any guess, with real Hebrew text: a windows-1255 feed
(tests/fixtures/hebrew-windows-1255.xml) declared in its XML declaration or by the HTTP
charset, and the web's Hebrew label ``iso-8859-8-i``, which Python's codecs do not know by that
name (it used to end as windows-1252 mojibake)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ingest.diagnostics import check_feed
from ingest.feeds import FeedSpec
from ingest.pages import decode_html, extract_article
from ingest.parse import parse_feed_document
from testkit.http import LocalServer, Reply, client

FIXTURE = Path(__file__).parent / "fixtures" / "hebrew-windows-1255.xml"
TITLES = [
    "פיצוץ בתחנת האוטובוס בירושלים: שלושה הרוגים ועשרות פצועים",
    "רעידת אדמה בעוצמה 5.2 הורגשה בצפון הארץ",
]
FEED = FeedSpec(url="http://news.test/he/feed.xml")
RSS = "application/rss+xml"


def _undeclared(body: bytes) -> bytes:
    return body.replace(b' encoding="windows-1255"', b"")


def _relabelled(body: bytes, label: bytes) -> bytes:
    return body.replace(b"windows-1255", label)


CASES = {
    "xml declaration": (FIXTURE.read_bytes(), RSS),
    "xml declaration, text/xml": (FIXTURE.read_bytes(), "text/xml"),
    "http charset": (_undeclared(FIXTURE.read_bytes()), f"{RSS}; charset=windows-1255"),
    "xml declaration iso-8859-8-i": (_relabelled(FIXTURE.read_bytes(), b"iso-8859-8-i"), RSS),
    "http charset iso-8859-8-i": (
        _undeclared(FIXTURE.read_bytes()),
        f'{RSS}; charset="ISO-8859-8-I"',
    ),
}


def test_the_fixture_is_windows_1255_and_not_utf_8():
    raw = FIXTURE.read_bytes()
    assert b'encoding="windows-1255"' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert TITLES[0] in raw.decode("cp1255")


@pytest.mark.parametrize("case", list(CASES))
def test_a_declared_hebrew_feed_is_read_in_hebrew(case):
    body, content_type = CASES[case]
    parsed = parse_feed_document(body, {"Content-Type": content_type}, FEED)
    assert [e.title for e in parsed.entries] == TITLES
    assert parsed.title == "חדשות הבוקר"
    assert parsed.encoding in ("windows-1255", "iso-8859-8-i")
    assert not [p for p in parsed.problems if p.startswith("charset")]


def test_check_feed_reports_the_declared_encoding():
    body, content_type = CASES["http charset iso-8859-8-i"]

    async def go() -> tuple[str | None, str | None]:
        with LocalServer() as srv:
            srv.route("/he.xml", Reply(200, body, {"Content-Type": content_type}))
            async with client() as c:
                report = await check_feed(c, srv.url("/he.xml"))
        return report.encoding, report.title

    assert asyncio.run(go()) == ("iso-8859-8-i", "חדשות הבוקר")


PARAGRAPH = (
    "<p>פיצוץ בתחנת האוטובוס המרכזית בירושלים הבוקר: שלושה בני אדם נהרגו ועשרות נפצעו, "
    "כך מסרה המשטרה. כוחות הצלה רבים הוזעקו למקום והפצועים פונו לבתי החולים בעיר.</p>"
)


@pytest.mark.parametrize(
    ("head", "header"),
    [
        ('<meta charset="iso-8859-8-i">', None),
        ("", "iso-8859-8-i"),
        ('<meta charset="windows-1255">', None),
    ],
)
def test_a_declared_hebrew_page_is_decoded_as_declared(head, header):
    page = f"<html><head>{head}<title>חדשות</title></head><body>{PARAGRAPH * 4}</body></html>"
    text, used = decode_html(page.encode("cp1255"), header)
    assert "שלושה בני אדם נהרגו" in text and used in ("iso8859-8", "cp1255")


def test_a_hebrew_article_page_labelled_iso_8859_8_i():
    body = f"<article>{PARAGRAPH * 4}</article>"
    page = f"<html><head><title>חדשות</title></head><body>{body}</body></html>"
    article = extract_article(
        page.encode("cp1255"),
        "http://news.test/he/1",
        {"Content-Type": "text/html; charset=iso-8859-8-i"},
    )
    assert article.text and "שלושה בני אדם נהרגו" in article.text
    assert article.charset == "iso8859-8"

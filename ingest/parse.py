"""Feed bytes -> normalized :class:`FeedEntry` records.

feedparser gets the raw bytes *and* the HTTP headers, so the charset of Content-Type and the
base URL (Content-Location = the final feed URL) are used the way the server meant them.
Documents that are not feeds raise :class:`FeedParseError` with a stable ``reason``:

    feed.empty       no body
    feed.html        an HTML page, not a feed (the message names any advertised feed link)
    feed.not_a_feed  XML (or other) with no recognisable feed root
    feed.malformed   a feed so broken that not a single entry could be read
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import importlib.util
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import feedparser.api
import webencodings

from ingest.feeds import FeedSpec
from ingest.urls import absolutize, canonicalize_url, strip_userinfo
from wirewatch.contracts import FeedEntry, MediaItem, stable_key
from wirewatch.errors import FeedParseError

__all__ = [
    "ParsedFeed",
    "content_hash",
    "feed_entry",
    "html_to_text",
    "parse_feed",
    "parse_feed_document",
]

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|tr|section|article)\s*>|<br\s*/?>", re.I)
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html\b|head\b|body\b)", re.I | re.S
)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF)\b", re.I)
_ALT_LINK = re.compile(rb"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I)
_HREF = re.compile(rb"href=[\"']([^\"']+)", re.I)
#: content shorter than this (characters of text) is a teaser, not the article
FULL_CONTENT_MIN_CHARS = 600
_PASS_HEADERS = ("content-type", "content-language")
_XML_DECL_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']"""
)
_CHARSET_PARAM = re.compile(r"""\bcharset\s*=\s*["']?([^"';\s]+)""", re.I)
_MIN_YEAR = 1990
#: clock skew tolerated before a date in the future counts as impossible
_MAX_AHEAD = 2 * 86400

# feedparser asks xml.sax for the libxml2 driver first, on every parse; where it is not installed
# that is a failed import (a walk of sys.path) per document, about a third of feedparser's own
# time on a small feed. Without the driver the result is the expat parser either way.
if importlib.util.find_spec("drv_libxml2") is None:
    feedparser.api.PREFERRED_XML_PARSERS = []


@dataclass
class ParsedFeed:
    entries: list[FeedEntry]
    version: str
    encoding: str | None
    title: str | None = None
    language: str | None = None
    problems: list[str] = field(default_factory=list)
    skipped: int = 0  # items without any usable link


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, block elements on their own lines (cheap, no parser).

    Control characters (terminal escapes, BEL, NUL, C1) are dropped and the Unicode line
    separators become newlines: feed text is attacker-controlled and ends up in terminals,
    dashboards and line-oriented tools downstream.
    """
    fragment = _CONTROL.sub("", fragment.replace("\u2028", "\n").replace("\u2029", "\n"))
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    s = _DROP.sub(" ", fragment)
    s = _BLOCK_END.sub("\n", s)
    s = _CONTROL.sub("", html.unescape(_TAG.sub(" ", s)))
    lines = (_WS.sub(" ", line).strip() for line in s.split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(title: str | None, summary: str | None, content: str | None) -> str:
    h = hashlib.sha1(usedforsecurity=False)
    for part in (title, summary, content):
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


def _time(st: Any) -> datetime | None:
    if not st:
        return None
    try:
        ts = calendar.timegm(st)
        if st[0] < _MIN_YEAR or ts > time.time() + _MAX_AHEAD:  # impossible: no date at all
            return None
        return datetime.fromtimestamp(ts, UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _lang(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isalpha() else None


def _strip_leading_junk(body: bytes) -> bytes:
    # WordPress & co often emit blank lines before <?xml, which is fatal to an XML parser
    if body[:1].isspace():
        stripped = body.lstrip()
        if stripped.startswith(b"<?xml"):
            return stripped
    return body


def _sniff_html(body: bytes, content_type: str) -> bytes | None:
    head = body[:4096]
    if _FEED_ROOT.search(head):
        return None
    if content_type in ("text/html", "application/xhtml+xml") or _HTML_START.match(head):
        return head if _HTML_START.match(head) or b"<html" in head.lower() else None
    return None


def _advertised_feed(body: bytes, base: str) -> str | None:
    m = _ALT_LINK.search(body[:65536])
    if not m:
        return None
    h = _HREF.search(m.group(0))
    return strip_userinfo(absolutize(h.group(1).decode("utf-8", "replace"), base)) if h else None


def _transcode_web_label(body: bytes, fp_headers: dict[str, str]) -> tuple[bytes, str | None]:
    """``body`` in UTF-8 when its declared charset (HTTP ``charset``, else the XML declaration,
    the order feedparser uses) is a label of the web's encodings that Python's codecs do not
    know, such as ``iso-8859-8-i`` for Hebrew: feedparser would fall back to windows-1252 and
    turn every letter into mojibake. Returns the body to parse and that label (None: the
    body is left to feedparser as it is)."""
    ctype = fp_headers.get("content-type")
    match = _CHARSET_PARAM.search(ctype or "")
    label = match.group(1) if match else None
    if label is None:
        decl = _XML_DECL_ENCODING.match(body[:1024])
        label = decl.group(1).decode("ascii") if decl else None
        if label is not None and ctype and ctype.lower().startswith("text/"):
            # RFC 7303: without a charset parameter the XML declaration applies to text/xml
            # too; feedparser follows RFC 3023's us-ascii default there and reports a conflict
            fp_headers["content-type"] = f"{ctype.split(';', 1)[0]}; charset={label}"
    if label is None:
        return body, None
    try:
        codecs.lookup(label)
        return body, None  # a codec feedparser can use itself
    except LookupError:
        pass
    encoding = webencodings.lookup(label)
    if encoding is None:
        return body, None  # no encoding at all: feedparser reports it and falls back
    text = body.decode(encoding.codec_info.name, errors="replace")
    # the declaration is re-written to what the bytes now are, and the HTTP charset too
    text = re.sub(
        r"""^(\ufeff?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["'])[^"']*""", r"\1utf-8", text, count=1
    )
    ctype = fp_headers.get("content-type")
    if ctype:
        fp_headers["content-type"] = _CHARSET_PARAM.sub("charset=utf-8", ctype)
    return text.encode("utf-8"), encoding.name


def parse_feed_document(
    body: bytes, headers: Mapping[str, str] | None, feed: FeedSpec, *, url: str | None = None
) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` (default ``feed.url``).

    The credentials of a feed URL (``http://user:password@host/feed``) reach no entry and no
    message: relative links resolved against it and the entry's ``feed_url`` lose them.
    """
    base = url or feed.url
    where = strip_userinfo(base)  # the feed as messages name it
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    content_type = hdrs.get("content-type", "").split(";", 1)[0].strip().lower()
    if not body.strip():
        raise FeedParseError(f"empty response body from {where}", reason="feed.empty")
    if _sniff_html(body, content_type) is not None:
        alt = _advertised_feed(body, base)
        hint = f"; the page advertises a feed at {alt}" if alt else ""
        raise FeedParseError(f"{where} is an HTML page, not a feed{hint}", reason="feed.html")
    fp_headers = {k: hdrs[k] for k in _PASS_HEADERS if k in hdrs}
    fp_headers["content-location"] = base
    body, declared = _transcode_web_label(_strip_leading_junk(body), fp_headers)
    # entries become plain text, so feedparser's HTML sanitizer and relative-URI rewriting of
    # embedded markup are wasted work; links, enclosures and xml:base are still resolved
    try:
        # a stream, not bytes: given bytes, feedparser first tries them as a local file name
        # (an open() per document, and a body naming a local file would be read instead)
        d = feedparser.parse(
            io.BytesIO(body),
            response_headers=fp_headers,
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception as crash:  # feedparser itself breaks on some input (stray </width>)
        raise FeedParseError(
            f"{where}: feed parser failed ({type(crash).__name__}: {crash})",
            reason="feed.malformed",
        ) from crash
    problems: list[str] = []
    ill_formed = False
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        kind = type(exc).__name__
        if kind not in ("NonXMLContentType", "CharacterEncodingOverride"):
            ill_formed = True
            problems.append(f"not well-formed ({kind}: {exc}); parsed leniently")
        elif kind == "CharacterEncodingOverride":
            problems.append(f"charset: {exc}")
    version = d.get("version") or ""
    if not d.entries:
        if not version:
            raise FeedParseError(
                f"{where}: no RSS, Atom or RDF root element", reason="feed.not_a_feed"
            )
        if ill_formed:
            raise FeedParseError(f"{where}: {problems[0]}", reason="feed.malformed")
    meta = d.get("feed", {})
    language = _lang(meta.get("language")) or _lang(hdrs.get("content-language"))
    parsed: list[FeedEntry] = []
    skipped = 0
    for item in d.entries:
        entry = _entry(item, feed, base, language)
        if entry is None:
            skipped += 1
        else:
            parsed.append(entry)
    # distinct items whose links differ only in the fragment, each with its own (one page,
    # many posts): there the fragment is what identifies an item, so the whole group keeps it.
    # A page linked with and without a fragment ("a" and "a#comments") is one article: the
    # fragment is dropped, so it gets the one key it has in every other feed and document
    links: dict[str, set[str]] = {}
    for e in parsed:
        links.setdefault(e.url_key, set()).add(e.link)
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for e in parsed:
        if _fragments_identify(links[e.url_key]):
            e = _with_fragment(e)
        if e.url_key not in seen:  # the same item twice in one document
            seen.add(e.url_key)
            entries.append(e)
    if not entries and ill_formed:
        raise FeedParseError(f"{where}: {problems[0]}", reason="feed.malformed")
    if skipped:
        problems.append(f"{skipped} item(s) without a link skipped")
    return ParsedFeed(
        entries=entries,
        version=version,
        encoding=declared or d.get("encoding"),
        title=html_to_text(meta.get("title") or "") or None,
        language=language,
        problems=problems,
        skipped=skipped,
    )


def parse_feed(
    body: bytes, headers: Mapping[str, str] | None, feed: FeedSpec, *, url: str | None = None
) -> list[FeedEntry]:
    """Normalized entries of a feed document; see :func:`parse_feed_document`."""
    return parse_feed_document(body, headers, feed, url=url).entries


def _fragments_identify(links: set[str]) -> bool:
    """Whether the links of one canonical URL are told apart by their fragments alone: more
    than one, each with a fragment of its own."""
    if len(links) < 2:
        return False
    fragments = [urlsplit(link).fragment for link in links]
    return all(fragments) and len(set(fragments)) == len(fragments)


def _with_fragment(entry: FeedEntry) -> FeedEntry:
    fragment = urlsplit(entry.link).fragment
    if not fragment:
        return entry
    url = f"{entry.url}#{fragment}"
    return entry.model_copy(update={"url": url, "url_key": stable_key(url)})


def feed_entry(feed: FeedSpec, canonical: str, link: str, **fields: Any) -> FeedEntry:
    """The :class:`FeedEntry` of one item of ``feed`` (a feed item or a sitemap URL): keyed by
    its canonical URL, attributed to the feed, with the item's own ``fields``."""
    fields.setdefault("entry_id", canonical)
    return FeedEntry(
        url_key=stable_key(canonical),
        feed_id=feed.feed_id,
        feed_url=strip_userinfo(feed.url),
        url=canonical,
        link=link,
        **fields,
    )


def _entry(item: Any, feed: FeedSpec, base: str, language: str | None) -> FeedEntry | None:
    link = item.get("link") or ""
    guid = (item.get("id") or "").strip()
    if not link:
        for lk in item.get("links", ()):
            if lk.get("href") and lk.get("rel", "alternate") == "alternate":
                link = lk["href"]
                break
    if not link and guid.lower().startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    link = strip_userinfo(absolutize(link, base))
    canonical = canonicalize_url(link)
    title = html_to_text(item.get("title") or "") or None
    published = _time(item.get("published_parsed"))
    # dict.get: feedparser's own .get maps a missing updated to published (issue 310)
    updated = _time(dict.get(item, "updated_parsed"))
    summary = html_to_text(item.get("summary") or "") or None
    content = None
    for c in item.get("content", ()):
        text = html_to_text(c.get("value") or "")
        if len(text) >= FULL_CONTENT_MIN_CHARS and len(text) > 1.5 * len(summary or ""):
            content = text
            break
    if summary and content and summary == content:
        summary = None
    if guid:
        entry_id = strip_userinfo(guid)  # feedparser resolves a relative guid against base
    elif canonical:
        entry_id = canonical
    else:
        entry_id = stable_key(f"{title}|{published or updated}")
    authors = []
    for a in item.get("authors", ()):
        name = (a.get("name") or a.get("email") or "").strip()
        if name and name not in authors:
            authors.append(name)
    if not authors and item.get("author"):
        authors.append(str(item["author"]).strip())
    categories = []
    for t in item.get("tags", ()):
        term = (t.get("label") or t.get("term") or "").strip()
        if term and term not in categories:
            categories.append(term)
    media: list[MediaItem] = []
    media_urls: set[str] = set()

    def add_media(url: str | None, typ: str | None, medium: str | None) -> None:
        if not url:
            return
        url = strip_userinfo(absolutize(url, base))
        if url not in media_urls:
            media_urls.add(url)
            media.append(MediaItem(url=url, type=typ or None, medium=medium or None))

    for m in item.get("media_content", ()):
        add_media(m.get("url"), m.get("type"), m.get("medium"))
    for m in item.get("media_thumbnail", ()):
        add_media(m.get("url"), None, "image")
    for lk in item.get("links", ()):
        if lk.get("rel") == "enclosure":
            add_media(lk.get("href"), lk.get("type"), None)
    return feed_entry(
        feed,
        canonical,
        link,
        entry_id=entry_id,
        title=title,
        summary=summary,
        content=content,
        authors=authors,
        categories=categories,
        media=media,
        language=_lang((item.get("title_detail") or {}).get("language")) or language,
        published_at=published or updated,
        updated_at=updated,
    )

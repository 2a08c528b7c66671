"""Sitemaps as feed sources: ``<urlset>`` (with the Google News extension), ``<sitemapindex>``
and a site's ``robots.txt`` (its ``Sitemap:`` lines), turned into the :class:`FeedEntry`
records a feed gives, so everything after the poller (dedup, state, the entries topic) is the
same for both.

A sitemap index is followed through the poller's own :class:`HttpClient` (politeness, size cap,
SSRF guard), with its depth and its number of child sitemaps bounded by :class:`PollSettings`.
Gzip sitemaps are decompressed with the HTTP body cap applied to the decompressed size.

The XML is read with lxml, entities and DTDs off and no network: a sitemap is attacker input.
Reasons of :class:`FeedParseError` raised here:

    sitemap.too_large   a gzip sitemap that inflates beyond the body cap
    sitemap.gzip        gzip data that does not decompress
    sitemap.malformed   a sitemap whose XML breaks before a single URL could be read
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from lxml import etree

from ingest.feeds import FeedSpec
from ingest.http import HttpClient
from ingest.parse import ParsedFeed, feed_entry, html_to_text
from ingest.urls import absolutize, canonicalize_url, strip_userinfo
from wirewatch.config import PollSettings
from wirewatch.contracts import FeedEntry
from wirewatch.errors import FeedParseError, FetchError

__all__ = [
    "SitemapDocument",
    "SitemapItem",
    "is_robots_txt",
    "iter_sitemap",
    "parse_sitemap",
    "read_sitemap",
    "sitemap_kind",
]

_SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_GZIP_MAGIC = b"\x1f\x8b"
_MIN_YEAR = 1990
#: clock skew tolerated before a date in the future counts as impossible (as for feeds)
_MAX_AHEAD = timedelta(days=2)
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"


def _parser(*, recover: bool) -> etree.XMLParser:
    # no entity expansion (billion laughs), no DTD, no network, lxml's default tree limits
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover
    )


@dataclass
class SitemapDocument:
    kind: str  # "urlset" or "sitemapindex"
    entries: list[FeedEntry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def maybe_gunzip(body: bytes, limit: int, where: str) -> bytes:
    """``body`` decompressed when it is gzip data (a ``.xml.gz`` served as a file, as
    application/gzip or application/x-gzip, which the HTTP client does not undo the way it
    undoes a Content-Encoding), refusing more than ``limit`` decompressed bytes."""
    if body[:2] != _GZIP_MAGIC:
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as d:
            out = d.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedParseError(
            f"{where}: gzip data does not decompress ({exc})", reason="sitemap.gzip"
        ) from None
    if len(out) > limit:
        raise FeedParseError(
            f"{where}: gzip sitemap inflates beyond {limit} bytes", reason="sitemap.too_large"
        )
    return out


def sitemap_kind(body: bytes) -> str | None:
    """``"urlset"`` or ``"sitemapindex"`` when the document's root element is one, else None
    (only the root element is read)."""
    try:
        for _event, elem in etree.iterparse(
            io.BytesIO(body.lstrip()),
            events=("start",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            name = _local(elem.tag)
            return name if name in ("urlset", "sitemapindex") else None
    except etree.XMLSyntaxError:
        return None
    return None


def is_robots_txt(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


def robots_sitemaps(body: bytes) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order."""
    rp = RobotFileParser()
    rp.parse(body.decode("utf-8", "replace").splitlines())
    return list(rp.site_maps() or [])


def iso_utc(text: str | None) -> datetime | None:
    """A W3C / ISO 8601 date or date-time (``2024-03-05``, ``2024-03-05T10:00:00+01:00``,
    ``...Z``) as UTC, UTC when it names no offset; None if absent or unreadable."""
    if not text or not text.strip():
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def _date(text: str | None) -> datetime | None:
    """A sitemap's W3C datetime as UTC; None if absent, unreadable or impossible."""
    dt = iso_utc(text)
    if dt is None:
        return None
    if dt.year < _MIN_YEAR or dt > datetime.now(UTC) + _MAX_AHEAD:  # impossible: no date
        return None
    return dt


def _text(parent: etree._Element, ns: str, name: str) -> str | None:
    el = parent.find(f"{{{ns}}}{name}")
    if el is None:
        el = parent.find(name)  # sitemaps without the namespace declaration
    return el.text if el is not None and el.text else None


def parse_sitemap(body: bytes, feed: FeedSpec, *, url: str, max_urls: int) -> SitemapDocument:
    """Entries of a ``<urlset>`` or child sitemap URLs of a ``<sitemapindex>`` (at most
    ``max_urls`` of either; the rest are counted as a problem)."""
    where = strip_userinfo(url)
    broken: str | None = None
    try:
        root = etree.fromstring(body.lstrip(), _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        # like a feed: what can be read of a broken document is read, and the breakage said
        broken = f"{where}: sitemap is not well-formed XML ({exc})"
        root = etree.fromstring(body.lstrip(), _parser(recover=True))
    kind = _local(root.tag) if root is not None else ""
    doc = SitemapDocument(kind=kind)
    if root is None:
        raise FeedParseError(broken or f"{where}: empty sitemap", reason="sitemap.malformed")
    dropped = 0
    for item in root:
        name = _local(item.tag)
        if name not in ("url", "sitemap"):
            continue
        loc = _text(item, _SM_NS, "loc")
        if not loc or not loc.strip():
            continue
        link = strip_userinfo(absolutize(loc.strip(), url))
        if not link.startswith(("http://", "https://")):
            continue
        if len(doc.entries) + len(doc.children) >= max_urls:
            dropped += 1
            continue
        if kind == "sitemapindex":
            doc.children.append(link)
        else:
            doc.entries.append(_entry(item, link, feed))
    if broken is not None:
        if not doc.entries and not doc.children:
            raise FeedParseError(broken, reason="sitemap.malformed")
        doc.problems.append(broken + "; parsed leniently")
    if dropped:
        doc.problems.append(f"{where}: {dropped} URL(s) over the cap of {max_urls} skipped")
    return doc


@dataclass
class SitemapItem:
    """One ``<url>`` (``entry`` set) or ``<sitemap>`` (``child`` set) of a streamed sitemap."""

    entry: FeedEntry | None = None
    child: str | None = None
    lastmod: datetime | None = None


def iter_sitemap(body: bytes, feed: FeedSpec, *, url: str) -> Iterator[SitemapItem]:
    """The ``<url>`` entries or ``<sitemap>`` children of one sitemap, one at a time.

    Why a stream: a sitemap holds up to 50,000 URLs, and a backfill reads every one of a
    source's sitemaps; each element is dropped once read, so memory holds one URL, not the
    tree. XML that breaks part-way raises :class:`FeedParseError` (``sitemap.malformed``)
    after the items before the break were yielded.
    """
    where = strip_userinfo(url)
    kind = ""
    try:
        for event, elem in etree.iterparse(
            io.BytesIO(body.lstrip()),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            name = _local(elem.tag)
            if event == "start":
                if not kind:
                    kind = name
                continue
            if name not in ("url", "sitemap"):
                continue
            loc = _text(elem, _SM_NS, "loc")
            link = strip_userinfo(absolutize(loc.strip(), url)) if loc and loc.strip() else ""
            if link.startswith(("http://", "https://")):
                lastmod = _date(_text(elem, _SM_NS, "lastmod"))
                if kind == "sitemapindex":
                    yield SitemapItem(child=link, lastmod=lastmod)
                elif kind == "urlset":
                    yield SitemapItem(entry=_entry(elem, link, feed), lastmod=lastmod)
            elem.clear()  # the element is read: keep memory to one URL
            parent = elem.getparent()
            while parent is not None and elem.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(
            f"{where}: sitemap is not well-formed XML ({exc})", reason="sitemap.malformed"
        ) from None


def _entry(item: etree._Element, link: str, feed: FeedSpec) -> FeedEntry:
    news = item.find(f"{{{_NEWS_NS}}}news")
    title = published = None
    language = None
    if news is not None:
        title = html_to_text(_text(news, _NEWS_NS, "title") or "") or None
        published = _date(_text(news, _NEWS_NS, "publication_date"))
        pub = news.find(f"{{{_NEWS_NS}}}publication")
        if pub is not None:
            lang = (_text(pub, _NEWS_NS, "language") or "").strip().lower()
            language = lang if 2 <= len(lang) <= 3 and lang.isalpha() else None
    lastmod = _date(_text(item, _SM_NS, "lastmod"))
    return feed_entry(
        feed,
        canonicalize_url(link),
        link,
        title=title,
        language=language,
        published_at=published or lastmod,
        updated_at=lastmod,
    )


async def read_sitemap(
    client: HttpClient,
    body: bytes,
    feed: FeedSpec,
    *,
    url: str,
    settings: PollSettings,
    max_body: int,
) -> ParsedFeed:
    """All entries reachable from one sitemap, sitemap index or robots.txt document.

    Child sitemaps are fetched with ``client`` (so politeness, caps and the SSRF guard apply),
    at most ``settings.sitemap_max_depth`` levels below the first document and at most
    ``settings.sitemap_max_children`` fetches in all; a child that fails is a problem, not a
    failure of the whole source (the entries of the others are kept).
    """
    problems: list[str] = []
    entries: list[FeedEntry] = []
    seen_urls: set[str] = {url}
    fetched = 0

    def children_of(doc_body: bytes, doc_url: str) -> list[str]:
        if is_robots_txt(doc_url):
            return robots_sitemaps(doc_body)
        # the URL cap is for the whole source, so an index of many full children stays bounded
        room = max(settings.sitemap_max_urls - len(entries), 0)
        doc = parse_sitemap(doc_body, feed, url=doc_url, max_urls=room)
        problems.extend(doc.problems)
        entries.extend(doc.entries)
        return doc.children

    async def walk(children: list[str], depth: int) -> None:
        nonlocal fetched
        for child in children:
            if child in seen_urls:
                continue  # an index that lists itself, or a loop between indexes
            seen_urls.add(child)
            if depth > settings.sitemap_max_depth:
                problems.append(
                    f"{strip_userinfo(child)}: sitemap nesting deeper than "
                    f"{settings.sitemap_max_depth} level(s) not followed"
                )
                continue
            if fetched >= settings.sitemap_max_children:
                problems.append(
                    f"more than {settings.sitemap_max_children} child sitemaps; "
                    f"{strip_userinfo(child)} and later ones not fetched"
                )
                return
            fetched += 1
            where = strip_userinfo(child)
            try:
                resp = await client.get(child, {"Accept": SITEMAP_ACCEPT}, purpose="feed")
            except FetchError as exc:
                problems.append(f"{where}: {exc.reason}: {exc}")
                continue
            if not 200 <= resp.status < 300:
                problems.append(f"{where}: HTTP {resp.status}")
                continue
            try:
                child_body = maybe_gunzip(resp.body, max_body, where)
                if sitemap_kind(child_body) is None:
                    problems.append(f"{where}: not a sitemap (no <urlset> or <sitemapindex>)")
                    continue
                grandchildren = children_of(child_body, resp.url)
            except FeedParseError as exc:
                problems.append(f"{exc.reason}: {exc}")
                continue
            await walk(grandchildren, depth + 1)

    await walk(children_of(body, url), 1)
    unique: list[FeedEntry] = []
    keys: set[str] = set()
    for e in entries:  # one article listed by two child sitemaps is one entry
        if e.url_key not in keys:
            keys.add(e.url_key)
            unique.append(e)
    return ParsedFeed(entries=unique, version="sitemap", encoding=None, problems=problems)

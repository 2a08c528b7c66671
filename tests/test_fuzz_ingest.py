"""Property-based tests of the ingest normalisers: URL canonicalisation and feed parsing.

Inputs are generated (hypothesis); the properties are the contracts other stages rely on:
canonical URLs are idempotent https identities without tracking parameters, and a feed
document either parses into valid :class:`FeedEntry` records or raises :class:`FeedParseError`,
never anything else. Bounded: at most a few hundred examples each, no deadline (shared CI).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest import FeedSpec, canonicalize_url, parse_feed
from ingest.parse import parse_feed_document
from wirewatch.contracts import FeedEntry, stable_key
from wirewatch.errors import FeedParseError

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEED = FeedSpec(url="http://feeds.example.test/rss.xml")

# --------------------------------------------------------------------------- URLs

_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_host = st.one_of(
    st.builds(
        lambda ls, www: ("www." if www else "") + ".".join(ls),
        st.lists(_label, min_size=1, max_size=4),
        st.booleans(),
    ),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda ip: f"[{ip}]"),
    st.text(min_size=1, max_size=12).filter(lambda s: not set(s) & set("/?#@[]:\\")),
)  # fmt: skip
_text = st.text(max_size=12)
_segment = st.one_of(
    _text,
    st.sampled_from(["..", ".", "", "%2F", "%7e", "%41", "a%20b", "ü", "%zz", "%", ";p=1"]),
)
_key = st.one_of(
    st.sampled_from(["utm_source", "UTM_Medium", "utm_campaign", "fbclid", "gclid", "id", "q"]),
    _text,
)
_pair = st.tuples(_key, st.sampled_from(["=", ""]), _text)


@st.composite
def http_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "HttpS"]))
    host = draw(_host)
    port = draw(
        st.one_of(st.none(), st.integers(0, 65535)).map(lambda p: "" if p is None else f":{p}")
    )
    path = "/".join(draw(st.lists(_segment, max_size=5)))
    pairs = draw(st.lists(_pair, max_size=5))
    query = "&".join(k + s + v for k, s, v in pairs)
    frag = draw(st.one_of(st.just(""), _text.map(lambda f: "#" + f)))
    return f"{scheme}://{host}{port}/{path}" + (f"?{query}" if query else "") + frag  # fmt: skip


@FUZZ
@given(http_urls())
@example("HTTP://WWW.Example.COM:80/a/./b/../c/?utm_source=x&b=2&a=1#frag")
@example("https://example.com/%7Euser/?UTM_Medium=feed&id=%41")
@example("http://example.com/a b/?q=a+b&q=a%20b")
@example("http://0:443/")  # found by hypothesis: http on 443 must not keep the port
def test_canonicalize_url_is_an_idempotent_https_identity(url: str) -> None:
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    parts = urlsplit(once)
    assert parts.scheme == "https" and parts.fragment == ""
    keys = [k.lower() for k, _v in parse_qsl(parts.query, keep_blank_values=True)]
    assert not [k for k in keys if k.startswith("utm_") or k in ("fbclid", "gclid")]
    assert stable_key(once) == stable_key(canonicalize_url(url))  # deterministic


@FUZZ
@given(st.text(max_size=60), st.one_of(st.none(), http_urls()))
def test_canonicalize_url_never_raises_on_any_text(raw: str, base: str | None) -> None:
    out = canonicalize_url(raw, base)
    assert isinstance(out, str)


# --------------------------------------------------------------------------- feeds

_any_text = st.text(
    st.characters(exclude_categories=("Cs",)),  # lone surrogates cannot be encoded at all
    max_size=80,
)
_date = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ).map(format_datetime),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    _any_text,
)
_link = st.one_of(
    http_urls(), _any_text, st.just(""), st.sampled_from(["/relative/path", "//x.test/p"])
)


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 6))):
        fields = {
            "title": draw(_any_text),
            "link": draw(_link),
            "guid": draw(st.one_of(st.none(), _any_text)),
            "pubDate": draw(_date),
            "description": draw(st.one_of(st.none(), _any_text)),
        }
        raw = draw(st.booleans())  # sometimes unescaped: markup and stray ampersands
        body = "".join(
            f"<{k}>{v if raw else escape(v)}</{k}>" for k, v in fields.items() if v is not None
        )
        items.append(f"<item>{body}</item>")
    encoding = draw(st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "utf-16"]))
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{escape(draw(_any_text))}</title>{''.join(items)}</channel></rss>"
    )
    # declared and actual encodings may disagree: bytes the declared charset cannot read
    actual = draw(st.sampled_from(["utf-8", "cp1252", encoding]))
    return doc.encode(actual, errors="replace")


def _valid(entry: FeedEntry) -> None:
    FeedEntry.model_validate(entry.model_dump())
    assert entry.url_key == stable_key(entry.url)
    assert entry.feed_id == FEED.feed_id
    if entry.url.startswith("https://"):
        # canonical, except items told apart only by a fragment keep it (ingest.parse)
        base, _, fragment = entry.url.partition("#")
        assert canonicalize_url(entry.url) == base and (fragment or "#" not in entry.url)
    for when in (entry.published_at, entry.updated_at):
        assert when is None or datetime(1990, 1, 1, tzinfo=UTC) <= when
        assert when is None or when.timestamp() <= time.time() + 3 * 86400
    for text in (entry.title or "", entry.summary or ""):
        assert not [c for c in text if ord(c) < 32 and c not in "\n\r\t"]


@FUZZ
@given(rss_documents(), st.sampled_from(["application/rss+xml", "text/xml", "text/html", ""]))
def test_parse_feed_yields_valid_entries_or_feed_parse_error(body: bytes, ctype: str) -> None:
    try:
        parsed = parse_feed_document(body, {"Content-Type": ctype} if ctype else {}, FEED)
    except FeedParseError as exc:
        assert exc.reason.startswith("feed.")
        return
    keys = [e.url_key for e in parsed.entries]
    assert len(keys) == len(set(keys))  # one entry per article per document
    for entry in parsed.entries:
        _valid(entry)


@FUZZ
@given(st.binary(max_size=2000))
@example(b"")
@example(b"\xef\xbb\xbf<rss")
@example(b"<?xml version='1.0' encoding='utf-32'?><rss/>")
@example(b"<rss version='2.0'><channel><item><link>http://[::1</link></item></channel></rss>")
@example(b"<rss version='2.0'><channel><image></width></image></channel></rss>")  # fuzz find
@example(  # fuzz find: urljoin raised ValueError on an enclosure URL
    b"<rss version='2.0'><channel><item><link>http://a.test/1</link>"
    b"<enclosure url='http://[oops/x.mp3' type='audio/mpeg'/></item></channel></rss>"
)
def test_parse_feed_on_arbitrary_bytes_only_raises_feed_parse_error(body: bytes) -> None:
    try:
        entries = parse_feed(body, {"content-type": "application/rss+xml"}, FEED)
    except FeedParseError:
        return
    for entry in entries:
        _valid(entry)

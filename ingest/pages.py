"""Article pages -> :class:`Article`: charset, trafilatura text + metadata, page kind. No I/O.

Charset: BOM, then the Content-Type charset, then ``<meta charset>``, then strict UTF-8, then a
statistical guess (charset-normalizer). Before trafilatura runs, JSON-LD blocks are parsed once:
invalid ones and ``settings+json`` blobs are dropped and huge bodies (``articleBody``, live-blog
updates) pruned, because trafilatura falls back to slow regex scans over them. The title is
prepended to the text when the body does not start with it (as news corpora count it).

Publication time: the ``datePublished`` of the page's schema.org article node when it is a full
timestamp, kept with the publisher's UTC offset (so its date is the publisher's local date, the
one relative dates in the text count from); else the date trafilatura finds (htmldate: a date
without a time, at midnight UTC). On ../shared/corpus/pages 29 of 35 pages carry such a node,
and on 3 of them htmldate's date is a day off it (a live blog dated by its last update, a print
edition's date on an article published the evening before).

Pages that are not articles are marked, not passed on as junk: ``consent_wall``, ``paywall``,
``empty`` (too little text) and ``not_html``.

What a page may cost is bounded before trafilatura sees it (:func:`bound_markup`): libxml2 stops
parsing at 256 levels of nesting and drops the rest of the page, so tags nested deeper than
``MAX_DEPTH`` are taken out (their text stays); table rows past ``MAX_TABLE_ROWS`` are dropped
(a data page of tables is not an article, and its cells read as prose made numbers look like
casualty counts); and markup beyond ``MAX_MARKUP_CHARS`` is cut, scripts and styles first.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape as html_unescape
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
import webencodings

from ingest.urls import canonicalize_url, strip_userinfo
from wirewatch.contracts import Article, PageKind, Timings, stable_key

__all__ = [
    "ExtractOptions",
    "bound_markup",
    "classify_page",
    "decode_html",
    "extract_article",
    "maybe_gunzip",
    "meta_refresh_target",
]

_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
# the opening tag of a JSON-LD / settings+json script; its body ends at the next closing tag,
# found by a second search: one lazy ``(.*?)</script>`` regex crawled through the (often huge)
# JSON a character at a time, about 3x slower over the corpus for the same spans
_JSON_SCRIPT_OPEN = re.compile(
    r"""<script\b([^>]*)type\s*=\s*["']?application/(ld|settings)\+json["']?([^>]*)>""", re.I
)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.I)
_CANONICAL = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical["'\s>][^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_WORD = re.compile(r"\w+")

#: nesting kept for the parser: libxml2 gives up at 256 levels and loses the rest of the page
MAX_DEPTH = 200
#: table rows handed to the extractor per page: a news article's tables are short, and a data
#: page's thousands of rows cost hundreds of MB in trafilatura
MAX_TABLE_ROWS = 300
#: characters of markup handed to the extractor (the largest page of ../shared/corpus/pages has
#: 1.3 M, 0.43 M without scripts and styles)
MAX_MARKUP_CHARS = 2_000_000
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^>]*)?(/?)>")
_VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noembed", "noframes"})
#: elements whose end tag may be left out: a second one opens as the sibling of the first
_IMPLIED_END = frozenset("p li dt dd option optgroup tr td th tbody thead tfoot rb rt rp".split())
#: paragraphs and headings are kept a little deeper than wrappers: the extractor reads text in
#: them, not loose text in a wrapper; they are prose, so real pages do not nest them deeply
_TEXT_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 pre blockquote li".split())
_TEXT_BLOCK_MARGIN = 20
_TR_OPEN = re.compile(r"<tr\b", re.I)
_ROWS_END = re.compile(r"<tr\b|</table\s*>", re.I)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b([^>]*)>.*?</\1\s*>", re.I | re.S)
_META_REFRESH = re.compile(rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh\b[^>]*>", re.I)
_CONTENT_ATTR = re.compile(rb"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_REFRESH_VALUE = re.compile(
    r"^\s*(\d+)?(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?[\"']?([^\"'\s]*)", re.I
)
#: a refresh later than this is a page reloading itself or a slide show, not a redirect
META_REFRESH_MAX_DELAY = 10
_PRUNE_KEYS = frozenset({"articleBody", "liveBlogUpdate", "hasPart", "comment", "review", "text"})
# WHATWG: these labels mean windows-1252 in browsers, which is what pages are written for
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "unicode": "utf-8",
    "utf8": "utf-8",
}

# statistical guesses are limited to encodings web pages use (WHATWG): left alone, the detector
# happily picks DOS code pages such as cp775 for a mostly-ASCII Western page
_WEB_GUESSES = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "iso8859_2", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_13",
    "iso8859_15", "koi8_r", "koi8_u", "mac_cyrillic", "cp866", "cp874", "gb18030", "big5",
    "shift_jis", "euc_jp", "iso2022_jp", "euc_kr", "utf_16",
)  # fmt: skip

CONSENT_HOSTS = ("consent.", "guce.", "privacy.", "myprivacy.", "cmp.")
_CONSENT = re.compile(
    r"\b(?:we value your privacy|cookie (?:settings|preferences|policy)|accept all cookies|"
    r"accept (?:all|cookies)|manage (?:your )?(?:cookies|consent|preferences)|consent to (?:the )?"
    r"(?:use|processing)|before you continue|we and our (?:\d+ )?partners|"
    r"alle akzeptieren|cookie-einstellungen|zustimmen und weiter|einwilligung|"
    r"tout accepter|nous utilisons des cookies|aceptar (?:todo|todas)|utilizziamo (?:i )?cookie|"
    r"accetta tutti|alles accepteren)\b",
    re.I,
)
_PAYWALL = re.compile(
    r"\b(?:subscribe (?:now )?to (?:continue|read)|subscribers? only|for subscribers|"
    r"already a subscriber|to continue reading|this (?:article|content) is (?:only )?available to|"
    r"sign in to (?:continue|read)|create a free account to continue|premium (?:article|content)|"
    r"jetzt (?:abonnieren|weiterlesen)|nur für abonnenten|abo abschließen|"
    r"réservé aux abonnés|abonnez-vous|contenido exclusivo para suscriptores|"
    r"riservato agli abbonati)\b",
    re.I,
)


@dataclass(frozen=True)
class ExtractOptions:
    """Tuned on ../shared/corpus/pages (bench/bench_ingest.py): recall/precision presets both
    lowered token F1 there, so trafilatura's balanced default stays; comments are left out."""

    include_comments: bool = False
    include_tables: bool = True
    favor_recall: bool = False
    favor_precision: bool = False
    prepend_title: bool = True
    #: skip trafilatura's readability/jusText comparison (about 25% of its time; on the corpus
    #: the body is as good, and an empty result still gets the recall-oriented second pass)
    fast: bool = True
    #: fewer words than this and the page is "empty"
    min_words: int = 40
    #: consent walls and paywall stubs are short; longer pages are articles whatever they say
    stub_max_words: int = 200


DEFAULT_OPTIONS = ExtractOptions()


def maybe_gunzip(data: bytes, limit: int = 50 * 1024 * 1024) -> bytes:
    """Decompress gzip data (a saved ``.html.gz``), refusing more than ``limit`` bytes."""
    if data[:2] != b"\x1f\x8b":
        return data
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as d:
        out = d.read(limit + 1)
    if len(out) > limit:
        raise ValueError(f"decompressed page over {limit} bytes")
    return out


def _norm_charset(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        pass
    # a label of the web's encodings Python does not know by that name (iso-8859-8-i, the
    # usual Hebrew label; x-mac-cyrillic, ...): declared, so taken rather than guessed
    encoding = webencodings.lookup(label)
    return None if encoding is None else codecs.lookup(encoding.codec_info.name).name


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Text of an HTML page and the charset used (BOM > header > meta > UTF-8 > guess)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, errors="replace"), enc
    candidates: list[str | None] = [_norm_charset(header_charset)]
    m = _META_CHARSET.search(body[:8192])
    if m:
        candidates.append(_norm_charset(m.group(1).decode("ascii", "replace")))
    for label in candidates:
        if label:
            enc = label
            if enc.startswith("utf-16"):  # a meta tag in an ASCII-readable page cannot be UTF-16
                enc = "utf-8"
            try:
                return body.decode(enc), enc
            except UnicodeDecodeError:
                if enc != "utf-8":
                    return body.decode(enc, errors="replace"), enc
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        results = from_bytes(body[:200_000], cp_isolation=list(_WEB_GUESSES))
        best = results.best()
        if best is not None:
            # a page mislabelled as UTF-8 is most often windows-1252 (the WHATWG default):
            # when that decodes as cleanly as the best guess, take it
            for match in results:
                if match.encoding == "cp1252" and match.chaos <= best.chaos:
                    best = match
                    break
        if best is not None and best.encoding:
            return body.decode(best.encoding, errors="replace"), best.encoding
    except ImportError:  # pragma: no cover - shipped with trafilatura's dependencies
        pass
    return body.decode("cp1252", errors="replace"), "cp1252"


def _flatten_deep(html: str) -> str:
    """``html`` without the tags nested deeper than MAX_DEPTH (paragraphs and headings: a few
    levels more) and their end tags; their text stays. The nesting is counted as a browser
    would, roughly: void and self-closed elements do not nest, an end tag closes up to its
    element, an implied end (``<p>`` after ``<p>``) closes the sibling, and the content of
    script/style is not markup."""
    if html.count("<") <= MAX_DEPTH:
        return html
    stack: list[str] = []
    dropped: dict[str, int] = {}  # element name -> opened but dropped, their end tags pending
    cuts: list[tuple[int, int]] = []
    pos = 0
    while (m := _ANY_TAG.search(html, pos)) is not None:
        pos = m.end()
        closing, name, self_closed = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append(m.span())
            elif name in stack:
                while stack.pop() != name:
                    pass
            continue
        if name in _RAW_TEXT:
            raw_end = re.compile(rf"</{name}\s*>", re.I).search(html, pos)
            pos = raw_end.end() if raw_end is not None else len(html)
            continue
        if name in _VOID or self_closed:
            continue
        if name in _IMPLIED_END and stack and stack[-1] == name:
            stack.pop()
        if len(stack) >= (MAX_DEPTH + _TEXT_BLOCK_MARGIN if name in _TEXT_BLOCKS else MAX_DEPTH):
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append(m.span())
        else:
            stack.append(name)
    if not cuts:
        return html
    parts: list[str] = []
    last = 0
    for start, end in cuts:
        parts.append(html[last:start])
        last = end
    parts.append(html[last:])
    return "".join(parts)


def _drop_rows(html: str) -> str:
    """``html`` with the table rows after the first MAX_TABLE_ROWS of the page taken out."""
    rows = _TR_OPEN.finditer(html)
    for _ in range(MAX_TABLE_ROWS):
        if next(rows, None) is None:
            return html
    parts: list[str] = []
    last = 0
    for m in rows:
        if m.start() < last:
            continue
        parts.append(html[last : m.start()])
        rows_end = _ROWS_END.search(html, m.end())
        last = rows_end.start() if rows_end is not None else len(html)
    parts.append(html[last:])
    return "".join(parts)


def _without_scripts(html: str) -> str:
    """Scripts and styles out, JSON-LD kept (trafilatura reads authors and dates from it)."""
    return _SCRIPT_OR_STYLE.sub(
        lambda m: m.group(0) if "ld+json" in m.group(2).lower() else "", html
    )


def bound_markup(html: str) -> str:
    """What of ``html`` the extractor gets: nesting, table rows and size bounded (module doc)."""
    html = _drop_rows(_flatten_deep(html))
    if len(html) > MAX_MARKUP_CHARS:
        html = _without_scripts(html)
    if len(html) > MAX_MARKUP_CHARS:
        cut = html.rfind("<", 0, MAX_MARKUP_CHARS)
        html = html[: cut if cut > 0 else MAX_MARKUP_CHARS]
    return html


def meta_refresh_target(body: bytes, content_type: str | None, base: str) -> str | None:
    """The http(s) URL an HTML page sends the browser on to with ``<meta http-equiv=refresh>``
    within META_REFRESH_MAX_DELAY seconds, else None (a page reloading itself has none)."""
    if not _is_html(body, content_type):
        return None
    tag = _META_REFRESH.search(body[:32768])
    if tag is None:
        return None
    content = _CONTENT_ATTR.search(tag.group(0))
    if content is None:
        return None
    raw = next(g for g in content.groups() if g is not None).decode("utf-8", "replace")
    value = _REFRESH_VALUE.match(html_unescape(raw))
    if value is None or not value.group(2):
        return None
    if value.group(1) is not None and int(value.group(1)) > META_REFRESH_MAX_DELAY:
        return None
    target = urljoin(base, value.group(2))
    return target if urlsplit(target).scheme in ("http", "https") else None


def _prune(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _prune(v) for k, v in obj.items() if k not in _PRUNE_KEYS}
    if isinstance(obj, list):
        return [_prune(v) for v in obj[:50]]
    return obj


def _prepare_jsonld(html: str) -> tuple[str, list[Any]]:
    """Drop invalid/settings JSON scripts, prune valid JSON-LD; return the page and the data."""
    found: list[Any] = []
    if "+json" not in html:
        return html, found
    parts: list[str] = []
    last = 0
    while (m := _JSON_SCRIPT_OPEN.search(html, last)) is not None:
        close = _SCRIPT_CLOSE.search(html, m.end())
        if close is None:  # no closing tag after this one, so none after any later one either
            break
        parts.append(html[last : m.start()])
        parts.append(_jsonld_script(m.group(2), html[m.end() : close.start()], found))
        last = close.end()
    if not parts:
        return html, found
    parts.append(html[last:])
    return "".join(parts), found


def _jsonld_script(kind: str, body: str, found: list[Any]) -> str:
    """The replacement of one JSON script: nothing (settings, invalid) or pruned JSON-LD."""
    if kind.lower() == "settings":
        return ""
    try:
        data = json.loads(body, strict=False)
    except ValueError:
        return ""
    data = _prune(data)
    found.append(data)
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _jsonld_nodes(data: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            out.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return out


#: schema.org types whose datePublished is the article's own (by suffix: NewsArticle,
#: ReportageNewsArticle, LiveBlogPosting, ...), not a WebPage's, a video's or a list's
_ARTICLE_TYPES = ("Article", "BlogPosting", "Report")


def _jsonld_published(jsonld: list[Any]) -> datetime | None:
    """``datePublished`` of the first article node that has one with a time of day (date-only
    values and placeholders such as the epoch are left to htmldate)."""
    for node in (n for d in jsonld for n in _jsonld_nodes(d)):
        kinds = node.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(isinstance(k, str) and k.endswith(_ARTICLE_TYPES) for k in kinds):
            continue
        value = node.get("datePublished")
        if not isinstance(value, str) or "T" not in value:
            continue
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            continue
        if dt.year < 1995:
            continue
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return None


def _paywalled(jsonld: list[Any]) -> bool:
    for node in (n for d in jsonld for n in _jsonld_nodes(d)):
        free = node.get("isAccessibleForFree")
        if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
            return True
    return False


def _prose(text: str) -> str:
    """``text`` without its table rows."""
    if "|" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("|"))


def classify_page(
    text: str, title: str | None, url: str, *, paywall_marked: bool, options: ExtractOptions
) -> PageKind:
    """What kind of page this text came from (see module doc)."""
    # only compared with the two thresholds: counting past the larger one is wasted work on long
    # articles (a list of every word of the text). Table rows (the extractor writes them as
    # "| a | b |" lines) are not prose: a page of tables with a heading is a data page, whose
    # rows read as sentences gave incidents that never happened
    words = sum(
        1
        for _ in islice(
            _WORD.finditer(_prose(text)), max(options.stub_max_words, options.min_words)
        )
    )
    host = (urlsplit(url).hostname or "").lower()
    head = f"{title or ''}\n{text[:3000]}"
    if host.startswith(CONSENT_HOSTS) or (words < options.stub_max_words and _CONSENT.search(head)):
        return "consent_wall"
    if words < options.stub_max_words and (paywall_marked or _PAYWALL.search(head)):
        return "paywall"
    if words < options.min_words:
        return "empty"
    return "article"


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


#: content types (None: not declared) an empty body is an empty page of
_MAY_BE_EMPTY_HTML = frozenset(
    {None, "text/html", "application/xhtml+xml", "text/plain", "application/octet-stream"}
)


def _is_html(body: bytes, content_type: str | None) -> bool:
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    if ct in ("text/html", "application/xhtml+xml"):
        return True
    if ct and ct not in ("text/plain", "application/octet-stream", "application/xml", "text/xml"):
        return False
    return bool(_HTML_SNIFF.match(body[:2048]))


def extract_article(
    html_bytes: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    options: ExtractOptions = DEFAULT_OPTIONS,
    final_url: str | None = None,
    http_status: int | None = None,
    entry_id: str | None = None,
    feed_id: str | None = None,
    fetch_ms: float | None = None,
) -> Article:
    """Text and metadata of one page. Pure: bytes in, :class:`Article` out."""
    t0 = time.perf_counter()
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    content_type = hdrs.get("content-type")
    header_charset = None
    if content_type:
        for part in content_type.split(";")[1:]:
            k, _, v = part.partition("=")
            if k.strip().lower() == "charset":
                header_charset = v.strip()
    page_url = final_url or url
    base: dict[str, Any] = dict(
        article_id=stable_key(canonicalize_url(url)),
        # credentials in a page's URL are the request's business, not the article's
        url=strip_userinfo(url),
        final_url=strip_userinfo(final_url) if final_url else final_url,
        entry_id=entry_id,
        feed_id=feed_id,
        http_status=http_status,
        content_type=(content_type or "").split(";", 1)[0].strip().lower() or None,
    )
    if not html_bytes.strip() and base["content_type"] in _MAY_BE_EMPTY_HTML:
        # no body (a 204) and no other format declared: an empty page. A body of a type the
        # client does not read (an archive, an image) is left unread, and is not_html below
        return Article(
            **base, page_kind="empty", extraction_path="none", timings=Timings(fetch_ms=fetch_ms)
        )
    if not _is_html(html_bytes, content_type):
        return Article(
            **base, page_kind="not_html", extraction_path="none", timings=Timings(fetch_ms=fetch_ms)
        )
    html, charset = decode_html(html_bytes, header_charset)
    html, jsonld = _prepare_jsonld(bound_markup(html))
    canonical = None
    m = _CANONICAL.search(html)
    if m:
        h = _HREF.search(m.group(0))
        if h:
            canonical = urljoin(page_url, h.group(1).replace("&amp;", "&"))
    path = "trafilatura"
    doc: Any = trafilatura.bare_extraction(
        html,
        url=page_url,
        with_metadata=True,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        favor_recall=options.favor_recall,
        favor_precision=options.favor_precision,
        fast=options.fast,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        # second chance: recall-oriented settings (short pages, odd markup)
        path = "trafilatura-fallback"
        doc = trafilatura.bare_extraction(
            html,
            url=page_url,
            with_metadata=True,
            include_comments=False,
            favor_recall=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    text = ((doc.text if doc is not None else None) or "").strip()
    title = (doc.title if doc is not None else None) or None
    if text and title and options.prepend_title and not text.startswith(title):
        text = f"{title}\n{text}"
    if not text:
        path = "none"
    kind = classify_page(text, title, page_url, paywall_marked=_paywalled(jsonld), options=options)
    authors: list[str] = []
    if doc is not None and doc.author:
        authors = [a.strip() for a in doc.author.split(";") if a.strip()]
    language = None
    if doc is not None and doc.language:
        language = doc.language.split("-", 1)[0].lower()
    if language is None:
        lang_attr = re.search(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", html[:4096], re.I)
        language = lang_attr.group(1).lower() if lang_attr else None
    return Article(
        **base,
        canonical_url=strip_userinfo(canonical) if canonical else canonical,
        title=title,
        text="" if kind in ("consent_wall", "paywall") else text,
        authors=authors,
        published_at=_jsonld_published(jsonld) or _date(doc.date if doc is not None else None),
        site_name=(doc.sitename if doc is not None else None) or None,
        language=language,
        charset=charset,
        page_kind=kind,
        extraction_path=path,
        timings=Timings(fetch_ms=fetch_ms, extract_ms=(time.perf_counter() - t0) * 1000),
    )

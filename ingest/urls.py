"""Canonical URLs: one identity per article, whatever feed or tracking link it came through.

The canonical form is an *identity*, not necessarily a fetch address: the scheme is upgraded to
https, ``www.`` is dropped, tracking parameters, fragments, default ports and trailing slashes go
away, an internationalised host is written in punycode and the remaining query parameters are
sorted. Fetch the ``link`` the publisher gave; key, deduplicate and join on the canonical form
(``stable_key(canonicalize_url(link))``).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import idna

from wirewatch.logs import mask_userinfo

__all__ = [
    "TRACKING_PARAMS",
    "absolutize",
    "canonicalize_url",
    "is_tracking_param",
    "strip_userinfo",
]

#: Exact (lower-cased) query keys that only carry campaign/click tracking.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "icid", "ocid", "cmpid", "cmp", "xtor", "smid", "maca", "ref_src", "ref_url",
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "s_cid", "wt.mc_id",
        "oly_enc_id", "oly_anon_id", "vero_id", "vero_conv", "rb_clickid", "soc_src", "soc_trk",
        "sr_share", "spm", "share_id", "at_medium", "at_campaign", "at_custom1", "at_custom2",
        "at_custom3", "at_custom4", "ito", "guccounter", "guce_referrer", "guce_referrer_sig",
        "__twitter_impression", "rss", "ftag",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "itm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def is_tracking_param(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(_TRACKING_PREFIXES)


def absolutize(url: str, base: str | None) -> str:
    """``url`` made absolute against ``base`` (xml:base, feed URL); whitespace trimmed."""
    url = url.strip()
    if not base:
        return url
    try:
        return urljoin(base, url)
    except ValueError:  # e.g. "http://[" (invalid IPv6 literal): keep it as given
        return url


def strip_userinfo(url: str) -> str:
    """``url`` without its credentials (``http://user:password@host/`` -> ``http://host/``).

    What is published or stored (entries, articles, error messages) never carries them; only
    the request that needs them does (the feed's configured URL).
    """
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # not parseable as a URL: mask whatever looks like userinfo
        return mask_userinfo(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _norm_escapes(part: str, safe: str) -> str:
    # decode then re-encode: uppercase hex, unreserved characters unescaped, the rest escaped
    return quote(unquote(part), safe=safe)


def _norm_path(path: str) -> str:
    if not path:
        return "/"
    segments: list[str] = []
    for seg in path.split("/"):
        if seg == "..":
            if len(segments) > 1:
                segments.pop()
        elif seg != ".":
            segments.append(seg)
    out = "/".join(segments)
    if not out.startswith("/"):
        out = "/" + out
    out = _norm_escapes(out, _SAFE_PATH)
    while len(out) > 1 and out.endswith("/"):
        out = out[:-1]
    return out


def _ascii_host(host: str) -> str:
    """An internationalised host name in its ASCII (punycode) form, the one DNS and HTTP use,
    so ``bücher.example`` and ``xn--bcher-kva.example`` are one identity (UTS #46 mapping,
    as browsers do: case and width folded). A name IDNA refuses is kept as it is."""
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return host


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Canonical identity of ``url`` (made absolute against ``base`` first).

    Non-http(s) URLs (``mailto:``, ``tag:``) come back trimmed but otherwise unchanged.
    """
    raw = absolutize(url, base)
    try:
        parts = urlsplit(raw)
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return raw
    host = _ascii_host((parts.hostname or "").rstrip("."))
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    # The identity is always written as https, so 443 is implied there too: without this
    # http://host:443/ would become https://host:443/, which is not idempotent.
    if port is not None and port in (_DEFAULT_PORTS[scheme], _DEFAULT_PORTS["https"]):
        port = None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    query_pairs = []
    if parts.query:
        for item in parts.query.split("&"):
            if not item:
                continue
            key, sep, value = item.partition("=")
            if is_tracking_param(unquote(key)):
                continue
            query_pairs.append(
                (
                    _norm_escapes(key, "-._~!$'()*+,;:@/?"),
                    sep,
                    _norm_escapes(value, "-._~!$'()*+,;=:@/?"),
                )
            )
        query_pairs.sort()
    query = "&".join(k + s + v for k, s, v in query_pairs)
    return urlunsplit(("https", netloc, _norm_path(parts.path), query, ""))

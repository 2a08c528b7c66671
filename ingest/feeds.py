"""The feed list: a YAML file (``feeds:`` list) or an OPML import, validated into FeedSpecs.

Validation errors are :class:`ConfigError` naming the feed (position and URL or name) and the
field, because a list of 500 feeds with one typo must say which one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.urls import canonicalize_url
from wirewatch.contracts import stable_key
from wirewatch.errors import ConfigError

__all__ = [
    "FeedSpec",
    "dump_feed_list",
    "feed_id_for",
    "import_opml",
    "load_feed_list",
    "parse_duration",
    "read_feed_record",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$", re.I)
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


DURATION_HINT = "seconds or a duration like '90s', '15m', '2h'"


def parse_duration(value: str | float) -> float:
    """Seconds of a poll interval: a number (seconds) or ``<number><s|m|h|d|w>`` ("15m").
    The one parser of feed lists and ``feeds add --interval``; raises ValueError."""
    if isinstance(value, (int, float)):
        return float(value)
    m = _DURATION.match(value)
    if not m:
        raise ValueError(f"must be {DURATION_HINT}")
    return float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]


@lru_cache(maxsize=1 << 16)
def feed_id_for(url: str) -> str:
    """Stable id of a feed: ``stable_key`` of its canonical URL.

    Cached: ``FeedSpec.feed_id`` is read many times per poll (state, dedup, every entry, the
    worker's bookkeeping) and canonicalising the URL each time was a few percent of a poll.
    """
    return stable_key(canonicalize_url(url))


class FeedSpec(BaseModel):
    """One configured feed. ``interval`` (seconds, or "15m", "2h") pins the poll interval."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    name: str | None = None
    tags: tuple[str, ...] = ()
    interval: float | None = Field(default=None, gt=0)
    headers: dict[str, str] = Field(default_factory=dict)
    id: str | None = Field(default=None, min_length=1)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip()
        if not re.match(r"^https?://[^/\s]+", v, re.I):
            raise ValueError("must be an absolute http(s) URL")
        return v

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, v: Any) -> Any:
        if isinstance(v, str):
            return parse_duration(v)
        return v

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v

    @property
    def feed_id(self) -> str:
        return self.id or feed_id_for(self.url)

    def __hash__(self) -> int:
        return hash(self.feed_id)


def read_feed_record(value: bytes | str) -> FeedSpec:
    """A record of the feeds topic, read as a tolerant reader: properties this version does not
    know (a newer 1.x writer's, ``schema_version``) are ignored, unlike in a feed list file,
    where an unknown key is a typo to report."""
    return FeedSpec.model_validate_json(value, extra="ignore")


def _label(i: int, raw: Any) -> str:
    if isinstance(raw, dict):
        ident = raw.get("name") or raw.get("url") or raw.get("id")
        if ident:
            return f"feed #{i + 1} ({ident})"
    return f"feed #{i + 1}"


def _validate(items: list[Any], source: str) -> list[FeedSpec]:
    feeds: list[FeedSpec] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(items):
        if isinstance(raw, str):
            raw = {"url": raw}
        if not isinstance(raw, dict):
            problems.append(f"{_label(i, raw)}: must be a mapping with at least 'url'")
            continue
        try:
            spec = FeedSpec.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "(feed)"
                msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
                problems.append(f"{_label(i, raw)}: {field}: {msg}")
            continue
        if spec.feed_id in seen:
            problems.append(f"{_label(i, raw)}: url: duplicate of {seen[spec.feed_id]}")
            continue
        seen[spec.feed_id] = _label(i, raw)
        feeds.append(spec)
    if problems:
        raise ConfigError(f"invalid feed list {source}:\n  " + "\n  ".join(problems))
    return feeds


def load_feed_list(path: str | Path) -> list[FeedSpec]:
    """Feeds of a YAML file ``{feeds: [{url, name, tags, interval, headers, id}, ...]}``;
    an ``.opml`` / ``.xml`` file is imported as OPML."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"feed list not found: {p}")
    if p.suffix.lower() in (".opml", ".xml"):
        return import_opml(p)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"feed list {p} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list):
        raise ConfigError(f"feed list {p}: top level must be a mapping with a 'feeds:' list")
    return _validate(data["feeds"], str(p))


def import_opml(source: str | Path | bytes) -> list[FeedSpec]:
    """Feeds of an OPML subscription list; enclosing outline titles become tags."""
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"OPML is not well-formed XML: {exc}") from exc
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ConfigError("not an OPML document (no <opml><body>)")
    items: list[dict[str, Any]] = []

    def walk(node: Any, tags: tuple[str, ...]) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl") or outline.get("xmlurl")
            title = outline.get("title") or outline.get("text")
            if url:
                item: dict[str, Any] = {"url": url, "tags": list(tags)}
                if title:
                    item["name"] = title
                items.append(item)
            else:
                walk(outline, (*tags, title) if title else tags)

    walk(body, ())
    return _validate(items, "OPML")


def dump_feed_list(feeds: list[FeedSpec]) -> str:
    """YAML text of ``feeds`` in the format :func:`load_feed_list` reads."""
    out = [f.model_dump(exclude_defaults=True, mode="json") for f in feeds]
    return yaml.safe_dump({"feeds": out}, sort_keys=False, allow_unicode=True)

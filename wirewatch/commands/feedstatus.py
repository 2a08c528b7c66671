"""Per-feed health for operators: ``wirewatch feeds status`` and the lines of
``wirewatch tail feedstate``.

Both read the poll stage's state records (``{"state": {...}, "seen": [...]}``, the feedstate
table: the compacted feedstate topic, or the SQLite state of ``wirewatch run``) and show per
feed: when it was last polled, with what result and error class, when it is next due, how many
entries its state remembers as seen, and whether it is stale (silent for more than
``poll.stale_factor`` times its usual interval, the rule of the ``wirewatch_feeds_stale`` gauge).
A record this version cannot read is shown as unreadable, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wirewatch.errors import ConfigError
from wirewatch.logs import mask_userinfo

__all__ = [
    "FeedHealth",
    "feed_health",
    "read_sqlite_states",
    "render",
    "state_line",
]

#: the table of ``wirewatch run``'s state file (wirewatch.runners.embedded.SqliteTable)
STATE_TABLE = "feedstate"


@dataclass(frozen=True)
class FeedHealth:
    feed_id: str
    url: str | None
    name: str | None
    last_poll: float | None  # UNIX seconds
    result: str  # ok, not_modified, error, disabled, never (no poll yet), unreadable
    error: str | None  # reason class of the current error, e.g. "http.status.500"
    next_due: float | None
    seen: int | None  # entries the state remembers as seen
    stale: bool
    polls: int | None = None
    error_count: int | None = None
    listed: bool = True  # in the feed list (False: a state left by a removed feed)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["last_poll"] = _iso(self.last_poll)
        d["next_due"] = _iso(self.next_due)
        return d


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _parse(value: Any) -> dict[str, Any] | None:
    """The record as a dict (from bytes, text or an already decoded value), else None."""
    if isinstance(value, bytes | bytearray | str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict) and isinstance(value.get("state"), dict):
        return value
    return None


def feed_health(
    feed_id: str,
    record: Any,
    *,
    stale_factor: float,
    url: str | None = None,
    name: str | None = None,
    listed: bool = True,
    now: float | None = None,
) -> FeedHealth:
    """The health of one feed from its state record (None: never polled)."""
    now = time.time() if now is None else now
    if record is None:
        return FeedHealth(feed_id, url, name, None, "never", None, None, None, False, listed=listed)
    parsed = _parse(record)
    if parsed is None:
        return FeedHealth(
            feed_id, url, name, None, "unreadable", None, None, None, False, listed=listed
        )
    st: Mapping[str, Any] = parsed["state"]
    seen = parsed.get("seen")
    last_success = _num(st.get("last_success"))
    last_error_at = _num(st.get("last_error_at"))
    error_count = st.get("error_count") if isinstance(st.get("error_count"), int) else None
    polled = [t for t in (last_success, last_error_at) if t is not None]
    disabled = st.get("disabled_reason")
    error: str | None = None
    if disabled:
        result, error = "disabled", str(disabled)
    elif error_count:
        result, error = "error", str(st.get("last_error") or "unknown")
    elif last_success is not None:
        result = "not_modified" if st.get("last_status") == 304 else "ok"
    else:
        result = "never"
    interval = _num(st.get("interval"))
    last_new = _num(st.get("last_new_entry")) or last_success
    stale = (
        not disabled
        and bool(interval)
        and last_new is not None
        and now - last_new > stale_factor * (interval or 0.0)
    )
    return FeedHealth(
        feed_id=feed_id,
        url=url or _text(st.get("spec_url")) or _text(st.get("url")),
        name=name,
        last_poll=max(polled) if polled else None,
        result=result,
        error=error,
        next_due=None if disabled else _num(st.get("next_due")),
        seen=len(seen) if isinstance(seen, list) else None,
        stale=stale,
        polls=st.get("polls") if isinstance(st.get("polls"), int) else None,
        error_count=error_count,
        listed=listed,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _when(t: float | None, now: float) -> str:
    """``2026-12-06T20:31:05Z (3m ago)``, ``... (in 12m)``; ``-`` when unknown."""
    if t is None:
        return "-"
    delta = t - now
    span = abs(delta)
    if span < 60:
        rel = f"{span:.0f}s"
    elif span < 3600:
        rel = f"{span / 60:.0f}m"
    elif span < 86400:
        rel = f"{span / 3600:.1f}h"
    else:
        rel = f"{span / 86400:.1f}d"
    return f"{_iso(t)} ({'in ' + rel if delta > 0 else rel + ' ago'})"


def _label(h: FeedHealth) -> str:
    label = h.name or mask_userinfo(h.url or "") or h.feed_id
    return label if h.listed else f"{label} (not in the feed list)"


def state_line(h: FeedHealth, now: float | None = None) -> str:
    """One line per feed: ``tail feedstate`` and ``feeds status`` without a table."""
    now = time.time() if now is None else now
    parts = [
        h.feed_id,
        f"last poll {_when(h.last_poll, now)}",
        f"result {h.result}" + (f" [{h.error}]" if h.error else ""),
        f"next due {_when(h.next_due, now)}",
        f"seen {h.seen if h.seen is not None else '?'}",
    ]
    if h.stale:
        parts.append("STALE")
    line = "  ".join(parts)
    label = _label(h)
    return f"{line}  {label}" if label != h.feed_id else line


_COLUMNS = ("FEED", "LAST POLL", "RESULT", "ERROR", "NEXT DUE", "SEEN", "STALE", "URL/NAME")


def render(rows: Iterable[FeedHealth], now: float | None = None) -> list[str]:
    """An aligned table, one row per feed, with a header."""
    now = time.time() if now is None else now
    table = [list(_COLUMNS)]
    for h in rows:
        table.append(
            [
                h.feed_id,
                _when(h.last_poll, now),
                h.result,
                h.error or "-",
                _when(h.next_due, now),
                "?" if h.seen is None else str(h.seen),
                "stale" if h.stale else "-",
                _label(h),
            ]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(_COLUMNS) - 1)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in table
    ]


def read_sqlite_states(path: Path) -> dict[str, bytes]:
    """The state records of ``wirewatch run``'s state file, read-only: the run that writes it
    may be running (its lock is for writers)."""
    if not path.is_file():
        raise ConfigError(
            f"no state file at {path}: give the --out (or --state) of a `wirewatch run`, or run "
            "one first"
        )
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot open state file {path}: {exc}") from None
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if STATE_TABLE not in tables:
            raise ConfigError(
                f"{path} holds no feed state (no {STATE_TABLE} table): is it the state file of "
                "a `wirewatch run`?"
            )
        return {
            str(k): bytes(v)
            for k, v in db.execute(f"SELECT key, value FROM {STATE_TABLE}")  # noqa: S608
        }
    except sqlite3.DatabaseError as exc:
        raise ConfigError(
            f"state file {path} is not readable as a wirewatch state database ({exc})"
        ) from None
    finally:
        db.close()


def read_kafka_feeds(cfg: Any) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The feed list (feed id -> FeedSpec, unreadable records skipped) and the state records
    (feed id -> value) of the feeds and feedstate topics, each read to its end."""
    from pydantic import ValidationError

    from ingest.feeds import FeedSpec
    from wirewatch.kafka_admin import read_table
    from wirewatch.topics import Topics

    topics = Topics(cfg.topic_prefix)
    tables: dict[str, dict[str, bytes]] = {}
    for kind in ("feeds", "feedstate"):
        latest: dict[str, bytes] = {}
        # a stalled read raises its own one-line SinkError (sink.read_stalled)
        for _part, key, value in read_table(cfg, topics.name(kind)):
            if value is None:
                latest.pop(key, None)
            else:
                latest[key] = value
        tables[kind] = latest
    specs: dict[str, Any] = {}
    for key, value in tables["feeds"].items():
        try:
            specs[key] = FeedSpec.model_validate_json(value)
        except (ValidationError, ValueError):
            specs[key] = None  # listed, but its record is not readable: shown by id
    return specs, tables["feedstate"]


def healths(
    specs: Mapping[str, Any],
    states: Mapping[str, bytes],
    *,
    stale_factor: float,
    now: float | None = None,
) -> list[FeedHealth]:
    """Every listed feed (with its state, if any) and every state of a feed no longer listed,
    sorted by label. ``specs``: feed id -> FeedSpec or None; empty when there is no feed list
    to go by (``wirewatch run``'s state file), then every state counts as listed."""
    now = time.time() if now is None else now
    out = []
    for fid, spec in specs.items():
        out.append(
            feed_health(
                fid,
                states.get(fid),
                stale_factor=stale_factor,
                url=getattr(spec, "url", None),
                name=getattr(spec, "name", None),
                now=now,
            )
        )
    for fid, value in states.items():
        if fid not in specs:
            out.append(
                feed_health(fid, value, stale_factor=stale_factor, listed=not specs, now=now)
            )
    out.sort(key=lambda h: (_label(h).lower(), h.feed_id))
    return out


def summary(rows: list[FeedHealth]) -> str:
    """``3 feeds: 1 ok, 1 error, 1 never polled; 1 stale``."""
    counts: dict[str, int] = {}
    for h in rows:
        counts[h.result] = counts.get(h.result, 0) + 1
    words = {"never": "never polled", "not_modified": "not modified"}
    parts = [f"{n} {words.get(r, r)}" for r, n in sorted(counts.items())]
    stale = sum(h.stale for h in rows)
    text = f"{len(rows)} feed(s): " + (", ".join(parts) or "none")
    return text + (f"; {stale} stale" if stale else "")

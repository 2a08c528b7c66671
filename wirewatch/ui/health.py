"""The feed-health page's data in the embedded mode: the feeds from the runner's SQLite state
file (opened read-only, so a running ``wirewatch run`` keeps its writer lock), the records each
stage wrote (lines of its output JSONL, the count the delivery metrics keep) and the dead
letters by stage and reason."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

log = logging.getLogger("wirewatch.ui")

__all__ = ["STAGE_OUTPUTS", "EmbeddedHealth", "KafkaHealth"]

# the topic kinds whose records the stages write (poll, fetch, process; dead letters of all)
STAGE_OUTPUTS = ("entries", "articles", "incidents", "deadletter")

CHUNK = 1 << 20


class _LineCounter:
    """Complete lines of one file, counted as it grows; with ``per_line``, each is handed over.
    A file that shrank or was replaced is counted again from its start."""

    def __init__(self, path: Path, per_line: Any = None, on_restart: Any = None) -> None:
        self.path = path
        self.per_line = per_line
        self.on_restart = on_restart
        self.lines = 0
        self._inode: int | None = None
        self._offset = 0

    def update(self) -> None:
        """Reads what was appended."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return
        if st.st_ino != self._inode or st.st_size < self._offset:
            self._inode, self._offset, self.lines = st.st_ino, 0, 0
            if self.on_restart is not None:
                self.on_restart()
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            if self.per_line is None:
                while chunk := fh.read(min(CHUNK, st.st_size - self._offset)):
                    end = chunk.rfind(b"\n") + 1
                    if not end:
                        break
                    self.lines += chunk.count(b"\n", 0, end)
                    self._offset += end
                    fh.seek(self._offset)
            else:
                for line in iter(fh.readline, b""):
                    if not line.endswith(b"\n"):
                        break  # a line being written: next time
                    self.lines += 1
                    self._offset += len(line)
                    self.per_line(line)


def feed_rows(values: Any, now: float, stale_factor: float) -> list[dict[str, Any]]:
    """One row per feed-state record (the value of the feedstate table), worst first: stale,
    then failing, then by URL. Stale follows the poller's rule (silent for ``stale_factor``
    times the feed's interval)."""
    from ingest.poll_stage import restore_state

    out = []
    for value in values:
        try:
            st, _seen = restore_state(value)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("a feed state record is unreadable: %s", exc)
            continue
        last_poll = max((t for t in (st.last_success, st.last_error_at) if t), default=None)
        errored = bool(st.last_error) and (st.last_error_at or 0) >= (st.last_success or 0)
        active = st.last_new_entry or st.last_success
        stale = bool(
            not st.disabled_reason
            and st.interval
            and active is not None
            and now - active > stale_factor * st.interval
        )
        out.append(
            {
                "feed_id": st.feed_id,
                "url": st.url,
                "last_poll": last_poll,
                "result": st.last_error if errored else f"ok ({st.last_status})",
                "error_class": st.last_error,
                "error_message": st.last_error_message,
                "error_count": st.error_count,
                "next_due": st.next_due or None,
                "interval": st.interval,
                "disabled_reason": st.disabled_reason,
                "stale": stale,
                "polls": st.polls,
            }
        )
    out.sort(key=lambda f: (not f["stale"], f["error_class"] is None, f["url"]))
    return out


def count_dead_letters(counter: Counter[tuple[str, str]], raw: bytes) -> None:
    try:
        rec = json.loads(raw)
    except ValueError:
        rec = None
    if not isinstance(rec, dict):
        counter[("?", "unreadable dead letter")] += 1
        return
    counter[(str(rec.get("stage") or "?"), str(rec.get("reason") or "?"))] += 1


def dead_letter_rows(counter: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"stage": stage, "reason": reason, "count": n}
        for (stage, reason), n in counter.most_common()
    ]


class EmbeddedHealth:
    def __init__(
        self,
        directory: Path,
        topics: dict[str, str],
        state_path: Path,
        stale_factor: float,
    ) -> None:
        """``topics``: stage output kind (entries, articles, incidents, deadletter) -> file."""
        self.state_path = Path(state_path)
        self.stale_factor = stale_factor
        self.dead_letters: Counter[tuple[str, str]] = Counter()
        self._counters = {
            kind: _LineCounter(
                Path(directory) / name, self._take_dead_letter, self.dead_letters.clear
            )
            if kind == "deadletter"
            else _LineCounter(Path(directory) / name)
            for kind, name in topics.items()
        }
        self._lock = threading.Lock()

    def _take_dead_letter(self, raw: bytes) -> None:
        count_dead_letters(self.dead_letters, raw)

    def feeds(self, now: float) -> tuple[list[dict[str, Any]], str | None]:
        if not self.state_path.exists():
            return [], f"no state file at {self.state_path} yet"
        try:
            db = sqlite3.connect(f"file:{self.state_path}?mode=ro", uri=True)
            try:
                rows = db.execute("SELECT key, value FROM feedstate").fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            return [], f"state file {self.state_path} unreadable: {exc}"
        return feed_rows((bytes(v) for _k, v in rows), now, self.stale_factor), None

    def snapshot(self) -> dict[str, Any]:
        now = time.time()
        with self._lock:
            for counter in self._counters.values():
                counter.update()
            feeds, problem = self.feeds(now)
            return {
                "now": now,
                "feeds": feeds,
                "feeds_problem": problem,
                "stage_output": {k: c.lines for k, c in self._counters.items()},
                "dead_letters": dead_letter_rows(self.dead_letters),
            }


class KafkaHealth:
    """The same page from Kafka: the feedstate table and the dead letters by reason, each read
    whole (read_committed) at most every ``max_age_s``. Records per stage are not counted here
    (a topic's offsets also count transaction markers): the workers' ``/metrics`` have them."""

    def __init__(self, cfg: Any, stale_factor: float, max_age_s: float = 10.0) -> None:
        from wirewatch.topics import Topics

        self.cfg = cfg
        self.topics = Topics(cfg.topic_prefix)
        self.stale_factor = stale_factor
        self.max_age_s = max_age_s
        self._cached: dict[str, Any] | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            if self._cached is None or time.monotonic() - self._at > self.max_age_s:
                self._cached = self._read()
                self._at = time.monotonic()
            return self._cached

    def _read(self) -> dict[str, Any]:
        from wirewatch.errors import WirewatchError
        from wirewatch.kafka_admin import read_table

        now = time.time()
        feeds: list[dict[str, Any]] = []
        dead: Counter[tuple[str, str]] = Counter()
        problem = None
        try:
            latest: dict[str, bytes] = {}
            for _part, key, value in read_table(self.cfg, self.topics.feedstate):
                if value is None:
                    latest.pop(key, None)  # a tombstone: the feed was removed
                else:
                    latest[key] = value
            feeds = feed_rows(latest.values(), now, self.stale_factor)
            for _part, _key, value in read_table(self.cfg, self.topics.deadletter):
                if value is not None:
                    count_dead_letters(dead, value)
        except (WirewatchError, TimeoutError) as exc:
            problem = f"kafka: {getattr(exc, 'reason', 'timeout')}: {exc}"
        return {
            "now": now,
            "feeds": feeds,
            "feeds_problem": problem,
            "stage_output": None,
            "dead_letters": dead_letter_rows(dead),
        }

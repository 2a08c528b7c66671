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

__all__ = ["STAGE_OUTPUTS", "EmbeddedHealth"]

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
        try:
            rec = json.loads(raw)
        except ValueError:
            rec = None
        if not isinstance(rec, dict):
            self.dead_letters[("?", "unreadable dead letter")] += 1
            return
        self.dead_letters[(str(rec.get("stage") or "?"), str(rec.get("reason") or "?"))] += 1

    def feeds(self, now: float) -> tuple[list[dict[str, Any]], str | None]:
        if not self.state_path.exists():
            return [], f"no state file at {self.state_path} yet"
        from ingest.poll_stage import restore_state

        try:
            db = sqlite3.connect(f"file:{self.state_path}?mode=ro", uri=True)
            try:
                rows = db.execute("SELECT key, value FROM feedstate").fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            return [], f"state file {self.state_path} unreadable: {exc}"
        out = []
        for _key, value in rows:
            try:
                st, _seen = restore_state(bytes(value))
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("feed state %s unreadable: %s", _key, exc)
                continue
            last_poll = max((t for t in (st.last_success, st.last_error_at) if t), default=None)
            errored = bool(st.last_error) and (st.last_error_at or 0) >= (st.last_success or 0)
            active = st.last_new_entry or st.last_success
            stale = bool(
                not st.disabled_reason
                and st.interval
                and active is not None
                and now - active > self.stale_factor * st.interval
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
        return out, None

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
                "dead_letters": [
                    {"stage": stage, "reason": reason, "count": n}
                    for (stage, reason), n in self.dead_letters.most_common()
                ],
            }

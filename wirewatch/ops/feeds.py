"""Stale-feed tracking: which feeds have gone silent for much longer than they usually are."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wirewatch.metrics import FeedStale, emit

__all__ = ["FeedActivity", "StaleFeedTracker", "StaleReport"]

Emit = Callable[[Any], None]


@dataclass(frozen=True)
class FeedActivity:
    """What the tracker needs of a feed: its usual interval between new entries (seconds) and the
    time of its last new entry (epoch seconds). Either None: not judged (new or never produced)."""

    feed_id: str
    interval: float | None
    last_new_entry: float | None


@dataclass(frozen=True)
class StaleReport:
    stale: frozenset[str]
    newly_stale: tuple[str, ...]
    recovered: tuple[str, ...]


@dataclass
class StaleFeedTracker:
    """Flags feeds silent for more than ``stale_factor`` times their usual interval.

    Call :meth:`update` every tick with all enabled feeds; it logs one warning per feed when it
    *becomes* stale (and one info line when it recovers), and emits :class:`FeedStale` with the
    current count whenever the stale set changes, not every tick.
    """

    stale_factor: float
    emit: Emit = emit
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("wirewatch.feeds"))
    _stale: set[str] = field(default_factory=set, init=False)
    _emitted: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.stale_factor <= 1:
            raise ValueError("stale_factor must be > 1")

    def is_stale(self, feed: FeedActivity, now: float) -> bool:
        if not feed.interval or feed.interval <= 0 or feed.last_new_entry is None:
            return False
        return now - feed.last_new_entry > self.stale_factor * feed.interval

    def update(self, feeds: Iterable[FeedActivity], now: float) -> StaleReport:
        current: dict[str, tuple[float, float]] = {}  # feed_id -> (silent for, usual interval)
        for f in feeds:
            if f.interval and f.last_new_entry is not None and self.is_stale(f, now):
                current[f.feed_id] = (now - f.last_new_entry, f.interval)
        newly = tuple(sorted(set(current) - self._stale))
        recovered = tuple(sorted(self._stale - set(current)))
        for fid in newly:
            silent, usual = current[fid]
            self.logger.warning(
                "feed stale",
                extra={
                    "feed_id": fid,
                    "reason": "feed.stale",
                    "silent_seconds": round(silent, 1),
                    "usual_interval": round(usual, 1),
                    "stale_factor": self.stale_factor,
                },
            )
        for fid in recovered:
            self.logger.info("feed no longer stale", extra={"feed_id": fid})
        changed = bool(newly or recovered)
        self._stale = set(current)
        if changed or not self._emitted:
            self.emit(FeedStale(len(self._stale)))
            self._emitted = True
        return StaleReport(frozenset(self._stale), newly, recovered)

    @property
    def stale(self) -> frozenset[str]:
        return frozenset(self._stale)

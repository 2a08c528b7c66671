"""When to poll next: pure functions of the feed's history and the server's headers.

* adaptive interval: half the mean gap between the last entries, measured up to *now*, so a
  feed that falls silent is polled less and less often; clamped to the configured bounds;
* Cache-Control ``max-age`` / ``Expires`` push the next poll out (never past the maximum);
* errors back off exponentially with jitter up to a cap; Retry-After is honoured as given.
"""

from __future__ import annotations

import email.utils
import random
import re

__all__ = [
    "adaptive_interval",
    "backoff_delay",
    "freshness_lifetime",
    "jittered",
]

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.I)


def adaptive_interval(
    times: list[float],
    now: float,
    *,
    minimum: float,
    maximum: float,
    default: float,
    window: int = 10,
    factor: float = 0.5,
) -> float:
    """Poll interval from entry times (published, or when first seen)."""
    recent = sorted(t for t in times if t <= now)[-window:]
    if len(recent) < 2:
        return min(max(default, minimum), maximum)
    mean_gap = (now - recent[0]) / len(recent)
    return min(max(mean_gap * factor, minimum), maximum)


def jittered(seconds: float, jitter: float, rng: random.Random | None = None) -> float:
    """``seconds`` spread by ±``jitter`` (a fraction) so feeds do not poll in lockstep."""
    r = (rng or random).uniform(-jitter, jitter)
    return max(0.0, seconds * (1.0 + r))


def backoff_delay(
    error_count: int,
    *,
    base: float,
    cap: float,
    jitter: float = 0.1,
    rng: random.Random | None = None,
) -> float:
    """Delay after the ``error_count``-th consecutive error: base·2^(n-1), jittered downwards
    by up to ``jitter`` so it never exceeds ``cap``."""
    n = max(1, error_count)
    raw = min(cap, base * (2.0 ** min(n - 1, 32)))
    return raw * (1.0 - (rng or random).uniform(0.0, jitter))


def freshness_lifetime(cache_control: str | None, expires: str | None, now: float) -> float | None:
    """Seconds the response stays fresh per Cache-Control max-age (or Expires), if stated."""
    if cache_control:
        if re.search(r"\bno-(?:cache|store)\b", cache_control, re.I):
            return None
        m = _MAX_AGE.search(cache_control)
        if m:
            return float(m.group(1))
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - now)
    return None

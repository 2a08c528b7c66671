"""Per-host politeness shared by the poller and the article fetcher.

Each host gets at most ``concurrency`` requests in flight and a minimum ``delay`` between the
starts of two requests; robots.txt ``Crawl-delay`` can raise the delay of one host. One
:class:`HostThrottle` is shared by every component that talks to the same sites.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

__all__ = ["HostThrottle"]


@dataclass
class _Host:
    sem: asyncio.Semaphore
    next_start: float = 0.0
    delay: float | None = None
    waiting: int = field(default=0)


class HostThrottle:
    def __init__(
        self,
        concurrency: int = 2,
        delay: float = 1.0,
        *,
        max_delay: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrency = concurrency
        self.delay = delay
        self.max_delay = max_delay
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        h = self._hosts.get(host)
        if h is None:
            h = self._hosts[host] = _Host(asyncio.Semaphore(self.concurrency))
        return h

    def set_delay(self, host: str, seconds: float) -> None:
        """Raise (never lower below the default) the delay of ``host``, e.g. from Crawl-delay."""
        self._host(host.lower()).delay = min(max(seconds, self.delay), self.max_delay)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's request slots, after waiting out its minimum delay."""
        h = self._host(host.lower())
        async with h.sem:
            delay = self.delay if h.delay is None else h.delay
            if delay > 0:
                now = self._clock()
                start = max(now, h.next_start)
                h.next_start = start + delay
                if start > now:
                    await asyncio.sleep(start - now)
            yield

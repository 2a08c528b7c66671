"""Per-host politeness shared by the poller and the article fetcher.

Each host gets at most ``concurrency`` requests in flight and a minimum ``delay`` between the
starts of two requests; robots.txt ``Crawl-delay`` can raise the delay of one host. One
:class:`HostThrottle` is shared by every component that talks to the same sites.

Host state is bounded: a fetch worker meets a new host with almost every new site it links to,
so keeping every host forever grows without end. Once ``max_hosts`` hosts are known, the next
new host first drops every *idle* host (no request in flight or waiting, its delay window
over); forgetting such a host changes nothing about when its next request may start. A
Crawl-delay dropped with it comes back from the robots.txt cache, which passes it again on every
lookup (and every article request looks robots.txt up before it takes a slot here).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

__all__ = ["HostThrottle"]


@dataclass
class _Host:
    sem: asyncio.Semaphore
    next_start: float = 0.0
    delay: float | None = None
    users: int = 0  # requests holding or waiting for a slot


class HostThrottle:
    def __init__(
        self,
        concurrency: int = 2,
        delay: float = 1.0,
        *,
        max_delay: float = 60.0,
        max_hosts: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_hosts < 1:
            raise ValueError("max_hosts must be >= 1")
        self.concurrency = concurrency
        self.delay = delay
        self.max_delay = max_delay
        self.max_hosts = max_hosts
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._sweep_at = max_hosts

    @property
    def known_hosts(self) -> int:
        """Hosts currently remembered (no ``__len__``: an empty throttle must stay truthy for
        ``throttle or HostThrottle(...)``)."""
        return len(self._hosts)

    def _host(self, host: str) -> _Host:
        h = self._hosts.get(host)
        if h is None:
            if len(self._hosts) >= self._sweep_at:
                self._sweep()
            h = self._hosts[host] = _Host(asyncio.Semaphore(self.concurrency))
        return h

    def _sweep(self) -> None:
        """Forget idle hosts. When most hosts are busy, the next sweep waits until the table
        has doubled, so sweeping stays amortised O(1) per new host."""
        now = self._clock()
        idle = [n for n, h in self._hosts.items() if h.users == 0 and h.next_start <= now]
        for name in idle:
            del self._hosts[name]
        self._sweep_at = max(self.max_hosts, 2 * len(self._hosts))

    def set_delay(self, host: str, seconds: float) -> None:
        """Raise (never lower below the default) the delay of ``host``, e.g. from Crawl-delay."""
        self._host(host.lower()).delay = min(max(seconds, self.delay), self.max_delay)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's request slots, after waiting out its minimum delay."""
        h = self._host(host.lower())
        h.users += 1
        try:
            async with h.sem:
                delay = self.delay if h.delay is None else h.delay
                if delay > 0:
                    now = self._clock()
                    start = max(now, h.next_start)
                    h.next_start = start + delay
                    if start > now:
                        await asyncio.sleep(start - now)
                yield
        finally:
            h.users -= 1

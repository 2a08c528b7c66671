"""robots.txt, cached per host and obeyed for article pages (RFC 9309 semantics).

2xx: parsed rules; 4xx: no rules (all allowed); 5xx or unreachable: everything disallowed for a
short while. ``Crawl-delay`` raises the host's politeness delay; it is handed on again on every
lookup, so a host throttle that forgot an idle host (see :mod:`ingest.politeness`) gets it back
before that host's next article request.

Bounded: a fetch worker meets new origins for as long as it runs, so entries live in an LRU of
``max_origins`` (the least recently used origin goes first; an evicted one costs one more
robots.txt request when it comes back), and a per-origin lock exists only while a lookup for
that origin is under way.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from wirewatch.errors import FetchError

__all__ = ["RobotsCache"]

Fetch = Callable[[str], Awaitable[Any]]  # url -> ingest.http.Response


class _Entry:
    __slots__ = ("allow_all", "delay", "expires", "rules")

    def __init__(
        self, rules: Protego | None, allow_all: bool, expires: float, delay: float | None = None
    ) -> None:
        self.rules = rules
        self.allow_all = allow_all
        self.expires = expires
        self.delay = delay  # Crawl-delay for our agent, seconds


class RobotsCache:
    def __init__(
        self,
        fetch: Fetch,
        user_agent: str,
        *,
        ttl: float = 24 * 3600.0,
        error_ttl: float = 600.0,
        on_crawl_delay: Callable[[str, float], None] | None = None,
        max_origins: int = 2048,
    ) -> None:
        if max_origins < 1:
            raise ValueError("max_origins must be >= 1")
        self._fetch = fetch
        self._agent = user_agent.split("/", 1)[0]
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._on_crawl_delay = on_crawl_delay
        self.max_origins = max_origins
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # origin -> (lock, lookups holding or waiting for it); dropped when the count is 0
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @property
    def cached_origins(self) -> int:
        """Origins whose robots.txt is cached."""
        return len(self._entries)

    @staticmethod
    def robots_url(url: str) -> tuple[str, str]:
        p = urlsplit(url)
        origin = f"{p.scheme.lower()}://{p.netloc.lower()}"
        return origin, urlunsplit((p.scheme.lower(), p.netloc.lower(), "/robots.txt", "", ""))

    async def allowed(self, url: str) -> bool:
        origin, robots_url = self.robots_url(url)
        entry = await self._get(origin, robots_url)
        if entry.allow_all:
            return True
        if entry.rules is None:
            return False
        return bool(entry.rules.can_fetch(url, self._agent))

    async def _get(self, origin: str, robots_url: str) -> _Entry:
        entry = self._fresh(origin)
        if entry is not None:
            return entry
        lock, users = self._locks.get(origin, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[origin] = (lock, users + 1)
        try:
            async with lock:
                entry = self._fresh(origin)
                if entry is None:
                    entry = await self._load(robots_url)
                    self._entries[origin] = entry
                    self._entries.move_to_end(origin)
                    while len(self._entries) > self.max_origins:
                        self._entries.popitem(last=False)
                    self._apply_delay(origin, entry)
                return entry
        finally:
            lock, users = self._locks[origin]
            if users <= 1:
                del self._locks[origin]
            else:
                self._locks[origin] = (lock, users - 1)

    def _fresh(self, origin: str) -> _Entry | None:
        """The unexpired entry of ``origin`` (marked recently used), its Crawl-delay re-applied."""
        entry = self._entries.get(origin)
        if entry is None or entry.expires <= time.monotonic():
            return None
        self._entries.move_to_end(origin)
        self._apply_delay(origin, entry)
        return entry

    def _apply_delay(self, origin: str, entry: _Entry) -> None:
        if entry.delay and self._on_crawl_delay is not None:
            self._on_crawl_delay(urlsplit(origin).netloc, entry.delay)

    async def _load(self, robots_url: str) -> _Entry:
        now = time.monotonic()
        try:
            resp = await self._fetch(robots_url)
        except FetchError:
            return _Entry(None, False, now + self._error_ttl)
        if 200 <= resp.status < 300:
            text = resp.body.decode("utf-8", errors="replace")
            rules = Protego.parse(text)
            delay = rules.crawl_delay(self._agent)
            return _Entry(rules, False, now + self._ttl, float(delay) if delay else None)
        if 400 <= resp.status < 500:
            return _Entry(None, True, now + self._ttl)
        return _Entry(None, False, now + self._error_ttl)

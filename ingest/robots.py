"""robots.txt, cached per host and obeyed for article pages (RFC 9309 semantics).

2xx: parsed rules; 4xx: no rules (all allowed); 5xx or unreachable: everything disallowed for a
short while. ``Crawl-delay`` raises the host's politeness delay.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from wirewatch.errors import FetchError

__all__ = ["RobotsCache"]

Fetch = Callable[[str], Awaitable[Any]]  # url -> ingest.http.Response


class _Entry:
    __slots__ = ("allow_all", "expires", "rules")

    def __init__(self, rules: Protego | None, allow_all: bool, expires: float) -> None:
        self.rules = rules
        self.allow_all = allow_all
        self.expires = expires


class RobotsCache:
    def __init__(
        self,
        fetch: Fetch,
        user_agent: str,
        *,
        ttl: float = 24 * 3600.0,
        error_ttl: float = 600.0,
        on_crawl_delay: Callable[[str, float], None] | None = None,
    ) -> None:
        self._fetch = fetch
        self._agent = user_agent.split("/", 1)[0]
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._on_crawl_delay = on_crawl_delay
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

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
        now = time.monotonic()
        entry = self._entries.get(origin)
        if entry is not None and entry.expires > now:
            return entry
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is not None and entry.expires > time.monotonic():
                return entry
            entry = await self._load(robots_url)
            self._entries[origin] = entry
            return entry

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
            if delay and self._on_crawl_delay is not None:
                self._on_crawl_delay(urlsplit(robots_url).netloc.lower(), float(delay))
            return _Entry(rules, False, now + self._ttl)
        if 400 <= resp.status < 500:
            return _Entry(None, True, now + self._ttl)
        return _Entry(None, False, now + self._error_ttl)

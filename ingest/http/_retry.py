from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import ClassVar, Self

from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response
from wirewatch.errors import FetchError


class Retry:
    """Retry transient failures a few times, waiting Retry-After or an exponential backoff with
    jitter; a wait longer than ``max_wait`` is not slept here but handed up in the response."""

    name: ClassVar[str] = "retry"
    STATUSES = frozenset({429, 502, 503, 504})
    REASONS = frozenset({"http.connect", "http.timeout.connect"})
    #: first backoff in seconds, doubled per attempt
    BASE = 0.5

    def __init__(
        self,
        retries: int,
        *,
        max_wait: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.retries, max_wait=settings.retry_max_wait, sleep=settings.sleep)

    def _backoff(self, attempt: int) -> float:
        return self.BASE * (2**attempt) * random.uniform(0.5, 1.0)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        attempt = 0
        while True:
            try:
                resp = await call_next(request)
            except FetchError as exc:
                if exc.reason not in self.REASONS or attempt >= self.retries:
                    raise
                wait = self._backoff(attempt)
            else:
                if resp.status not in self.STATUSES or attempt >= self.retries:
                    resp.attempts = attempt + 1
                    return resp
                ra = resp.retry_after
                wait = ra if ra is not None else self._backoff(attempt)
                if wait > self.max_wait:
                    resp.attempts = attempt + 1
                    return resp
            attempt += 1
            await self.sleep(wait)

from __future__ import annotations

import asyncio
from typing import ClassVar, Self

from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response
from wirewatch.errors import FetchTimeout


class Deadline:
    """A total deadline over everything below, so a slow-drip body or a long chain is cut."""

    name: ClassVar[str] = "deadline"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.http.total_timeout)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        try:
            async with asyncio.timeout(self.seconds):
                return await call_next(request)
        except TimeoutError as exc:
            raise FetchTimeout(
                f"total deadline of {self.seconds:g}s exceeded: {request.url}",
                reason="http.timeout.total",
            ) from exc

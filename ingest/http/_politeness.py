from __future__ import annotations

from typing import ClassVar, Self
from urllib.parse import urlsplit

from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response
from ingest.politeness import HostThrottle


class Politeness:
    """Per-host concurrency limit and minimum delay (shared :class:`HostThrottle`)."""

    name: ClassVar[str] = "politeness"

    def __init__(self, throttle: HostThrottle) -> None:
        self.throttle = throttle

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.throttle)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        async with self.throttle.slot(urlsplit(request.url).netloc):
            return await call_next(request)

from __future__ import annotations

from typing import ClassVar, Self

from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response
from ingest.robots import RobotsCache
from wirewatch.errors import FetchError


class Robots:
    """Obey robots.txt for article pages (feeds are published to be polled)."""

    name: ClassVar[str] = "robots"

    def __init__(self, cache: RobotsCache) -> None:
        self.cache = cache

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.robots)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        if request.purpose == "article" and not await self.cache.allowed(request.url):
            raise FetchError(
                f"disallowed by robots.txt: {request.url}", reason="http.robots_disallowed"
            )
        return await call_next(request)

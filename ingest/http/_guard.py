from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, Self

from ingest.guard import AddressGuard
from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response


class Guard:
    """SSRF guard: refuse private/loopback/metadata targets before a request, and check the
    peer after; the default transport also refuses them when connecting (:mod:`ingest.guard`)."""

    name: ClassVar[str] = "guard"

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.guard)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        await self.guard.check_url(request.url)
        return await call_next(replace(request, peer_check=self.guard.check_peer))

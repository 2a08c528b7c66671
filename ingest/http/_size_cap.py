from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, Self

from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response


class SizeCap:
    """Cap the body (decoded bytes, so a gzip bomb is cut too)."""

    name: ClassVar[str] = "size_cap"

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.http.max_body_bytes)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        cap = self.max_bytes if request.max_body is None else min(request.max_body, self.max_bytes)
        return await call_next(replace(request, max_body=cap))

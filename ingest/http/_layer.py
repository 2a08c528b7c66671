"""The shape of a layer, and what layers are built from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol, Self

from ingest.guard import AddressGuard
from ingest.http._models import Handler, Request, Response
from ingest.politeness import HostThrottle
from ingest.robots import RobotsCache
from wirewatch.config import HttpSettings


@dataclass(frozen=True)
class LayerSettings:
    """What a layer is built from: the HTTP settings, the pieces one client shares between its
    layers (one guard, one throttle, one robots.txt cache), and the client's retry policy."""

    http: HttpSettings
    guard: AddressGuard
    throttle: HostThrottle
    robots: RobotsCache
    retries: int
    retry_max_wait: float
    sleep: Callable[[float], Awaitable[None]]


class Layer(Protocol):
    #: what ``HttpClient(disabled=...)`` refers to
    name: ClassVar[str]

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self: ...

    async def __call__(self, request: Request, call_next: Handler) -> Response: ...

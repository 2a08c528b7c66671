""":class:`HttpClient`, and :data:`CHAIN`, the table of its layers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

import httpx

from ingest.guard import AddressGuard
from ingest.http._deadline import Deadline
from ingest.http._guard import Guard
from ingest.http._layer import Layer, LayerSettings
from ingest.http._models import Handler, Purpose, Request, Response
from ingest.http._politeness import Politeness
from ingest.http._redirects import Redirects
from ingest.http._retry import Retry
from ingest.http._robots import Robots
from ingest.http._sender import Sender
from ingest.http._size_cap import SizeCap
from ingest.http._transport import GuardedTransport
from ingest.politeness import HostThrottle
from ingest.robots import RobotsCache
from wirewatch.config import HttpSettings

#: The chain of layers, outermost first: the one place their order is set.
CHAIN: tuple[type[Layer], ...] = (
    Deadline,  # total time budget of the whole exchange, redirects and retries included
    Redirects,  # each hop below runs again for the next URL
    Guard,  # SSRF: resolve + refuse (the default transport also pins), check the peer
    Robots,  # article pages only
    Retry,  # transient errors, short Retry-After
    Politeness,  # per-host slots and delay
    SizeCap,  # body cap, counted after decompression
)

#: The names of :data:`CHAIN`'s layers, in order: what ``HttpClient(disabled=...)`` refers to.
LAYERS: tuple[str, ...] = tuple(layer.name for layer in CHAIN)


class HttpClient:
    """Pooled async HTTP client with the layers of ``chain`` (default :data:`CHAIN`).

    Share one instance (and so one :class:`HostThrottle`) between poller and fetcher.
    """

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        throttle: HostThrottle | None = None,
        guard: AddressGuard | None = None,
        chain: Iterable[type[Layer]] = CHAIN,
        disabled: Iterable[str] = (),
        retries: int = 1,
        retry_max_wait: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_connections: int = 100,
    ) -> None:
        s = settings or HttpSettings()
        self.settings = s
        chain = tuple(chain)
        names = tuple(layer.name for layer in chain)
        unknown = frozenset(disabled) - set(names)
        if unknown:
            raise ValueError(f"unknown HTTP layers: {sorted(unknown)}; known: {names}")
        self.disabled = frozenset(disabled) | (frozenset() if s.obey_robots else {"robots"})
        self.throttle = throttle or HostThrottle(s.per_host_concurrency, s.per_host_delay)
        self.guard = guard or AddressGuard(s.allowed_hosts)
        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        if transport is None and "guard" not in self.disabled:
            transport = GuardedTransport(self.guard, verify=s.verify_tls, limits=limits)
        self._client = httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                connect=s.connect_timeout,
                read=s.read_timeout,
                write=s.read_timeout,
                pool=s.total_timeout,
            ),
            limits=limits,
            follow_redirects=False,
            verify=s.verify_tls,
            trust_env=False,
        )
        self.robots = RobotsCache(
            self._fetch_robots, s.user_agent, on_crawl_delay=self.throttle.set_delay
        )
        built_from = LayerSettings(
            http=s,
            guard=self.guard,
            throttle=self.throttle,
            robots=self.robots,
            retries=retries,
            retry_max_wait=retry_max_wait,
            sleep=sleep,
        )
        self.layers: tuple[tuple[str, Layer], ...] = tuple(
            (layer.name, layer.from_settings(built_from))
            for layer in chain
            if layer.name not in self.disabled
        )
        handler: Handler = Sender(self._client, s.max_body_bytes)
        for _name, layer in reversed(self.layers):
            handler = _bind(layer, handler)
        self._handler = handler

    async def request(self, request: Request) -> Response:
        return await self._handler(request)

    async def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        purpose: Purpose = "other",
        accept_types: tuple[str, ...] | None = None,
        max_body: int | None = None,
    ) -> Response:
        return await self.request(
            Request(url, dict(headers or {}), purpose, accept_types=accept_types, max_body=max_body)
        )

    async def _fetch_robots(self, url: str) -> Response:
        return await self.get(url, purpose="robots", max_body=512 * 1024)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _bind(layer: Layer, call_next: Handler) -> Handler:
    async def handler(request: Request) -> Response:
        return await layer(request, call_next)

    return handler

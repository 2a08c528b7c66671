"""The HTTP client of the ingest stage: one pooled httpx client behind a chain of small layers.

Each concern is one class in :data:`LAYERS`, outermost first; a layer can be switched off by name
(``HttpClient(disabled={"robots"})``; ``robots`` also follows ``http.obey_robots``). Redirects
are followed by :class:`Redirects`, not by httpx, so that every hop goes through the SSRF guard,
robots.txt and the per-host throttle again. The default transport is
:class:`GuardedTransport`, whose connections go only to addresses the SSRF guard vetted (see
:mod:`ingest.guard`); it is injectable (``httpx.MockTransport`` in unit tests), and an injected
transport is still covered by the ``guard`` layer and the peer check, not by the pinning.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import random
import select
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ingest.guard import AddressGuard, GuardedBackend
from ingest.politeness import HostThrottle
from ingest.robots import RobotsCache
from wirewatch.config import HttpSettings
from wirewatch.errors import BodyTooLarge, FetchError, FetchTimeout

__all__ = [
    "LAYERS",
    "GuardedTransport",
    "HttpClient",
    "Request",
    "Response",
    "parse_retry_after",
]

Purpose = Literal["feed", "article", "robots", "other"]
PeerCheck = Callable[[str, str | None], None]


@dataclass
class Request:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    purpose: Purpose = "other"
    #: media types whose body is read; any other type comes back with ``body_skipped``
    accept_types: tuple[str, ...] | None = None
    max_body: int | None = None
    peer_check: PeerCheck | None = None


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    history: list[tuple[int, str]] = field(default_factory=list)
    #: final URL when every redirect hop was permanent (301/308), else None
    permanent_url: str | None = None
    elapsed: float = 0.0
    peer: str | None = None
    body_skipped: bool = False
    attempts: int = 1

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


Handler = Callable[[Request], Awaitable[Response]]


class Layer(Protocol):
    async def __call__(self, request: Request, call_next: Handler) -> Response: ...


# --------------------------------------------------------------------------- layers


class Deadline:
    """A total deadline over everything below, so a slow-drip body or a long chain is cut."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        try:
            async with asyncio.timeout(self.seconds):
                return await call_next(request)
        except TimeoutError as exc:
            raise FetchTimeout(
                f"total deadline of {self.seconds:g}s exceeded: {request.url}",
                reason="http.timeout.total",
            ) from exc


class Redirects:
    """Follow redirects to a limit; detect loops; drop credentials on cross-origin hops."""

    CODES = frozenset({301, 302, 303, 307, 308})

    def __init__(self, max_redirects: int) -> None:
        self.max_redirects = max_redirects

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        history: list[tuple[int, str]] = []
        seen = {request.url}
        current = request
        permanent = True
        while True:
            resp = await call_next(current)
            location = resp.headers.get("location")
            if resp.status not in self.CODES or not location:
                resp.history = history
                if history and permanent:
                    resp.permanent_url = resp.url
                return resp
            permanent = permanent and resp.status in (301, 308)
            history.append((resp.status, current.url))
            target = urljoin(current.url, location.strip())
            if target in seen:
                raise FetchError(f"redirect loop at {target}", reason="http.redirect_loop")
            if len(history) > self.max_redirects:
                raise FetchError(
                    f"more than {self.max_redirects} redirects from {request.url}",
                    reason="http.too_many_redirects",
                )
            seen.add(target)
            headers = dict(current.headers)
            if _origin(target) != _origin(current.url):
                for name in list(headers):
                    if name.lower() in ("authorization", "cookie"):
                        del headers[name]
            current = replace(current, url=target, headers=headers)


class Guard:
    """SSRF guard: refuse private/loopback/metadata targets before a request, and check the
    peer after; the default transport also refuses them when connecting (:mod:`ingest.guard`)."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        await self.guard.check_url(request.url)
        return await call_next(replace(request, peer_check=self.guard.check_peer))


class Robots:
    """Obey robots.txt for article pages (feeds are published to be polled)."""

    def __init__(self, cache: RobotsCache) -> None:
        self.cache = cache

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        if request.purpose == "article" and not await self.cache.allowed(request.url):
            raise FetchError(
                f"disallowed by robots.txt: {request.url}", reason="http.robots_disallowed"
            )
        return await call_next(request)


class Retry:
    """Retry transient failures a few times, waiting Retry-After or an exponential backoff with
    jitter; a wait longer than ``max_wait`` is not slept here but handed up in the response."""

    STATUSES = frozenset({429, 502, 503, 504})
    REASONS = frozenset({"http.connect", "http.timeout.connect"})

    def __init__(
        self,
        retries: int,
        *,
        base: float = 0.5,
        max_wait: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.retries = retries
        self.base = base
        self.max_wait = max_wait
        self.sleep = sleep

    def _backoff(self, attempt: int) -> float:
        return self.base * (2**attempt) * random.uniform(0.5, 1.0)

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


class Politeness:
    """Per-host concurrency limit and minimum delay (shared :class:`HostThrottle`)."""

    def __init__(self, throttle: HostThrottle) -> None:
        self.throttle = throttle

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        async with self.throttle.slot(urlsplit(request.url).netloc):
            return await call_next(request)


class SizeCap:
    """Cap the body (decoded bytes, so a gzip bomb is cut too)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        cap = self.max_bytes if request.max_body is None else min(request.max_body, self.max_bytes)
        return await call_next(replace(request, max_body=cap))


#: The chain, outermost first. Names are what ``disabled`` refers to.
LAYERS: tuple[str, ...] = (
    "deadline",  # total time budget of the whole exchange, redirects and retries included
    "redirect",  # each hop below runs again for the next URL
    "guard",  # SSRF: resolve + refuse (the default transport also pins), check the peer
    "robots",  # article pages only
    "retry",  # transient errors, short Retry-After
    "politeness",  # per-host slots and delay
    "size_cap",  # body cap, counted after decompression
)


# --------------------------------------------------------------------------- sender


def _origin(url: str) -> tuple[str, str]:
    p = urlsplit(url)
    return p.scheme.lower(), p.netloc.lower()


def _peer(resp: httpx.Response) -> str | None:
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        addr = stream.get_extra_info("server_addr")
    except Exception:  # transports differ; no peer info means no peer check
        return None
    if isinstance(addr, tuple) and addr:
        return str(addr[0])
    return None


def _connect_reason(exc: BaseException) -> str:
    """Classify a failure to connect: TLS and name resolution are not worth a retry."""
    seen: BaseException | None = exc
    for _ in range(8):  # the chain is short (httpx -> httpcore -> OSError); never cyclic here
        if seen is None:
            break
        if isinstance(seen, ssl.SSLError):
            return "http.tls"
        if isinstance(seen, socket.gaierror):
            return "http.dns_failure"
        seen = seen.__cause__ or seen.__context__
    return "http.connect"


def _type_ok(content_type: str | None, accepted: tuple[str, ...]) -> bool:
    if not content_type:
        return True  # unknown: read it and sniff
    media = content_type.split(";", 1)[0].strip().lower()
    return any(media == a or (a.endswith("/") and media.startswith(a)) for a in accepted)


#: content codings decoded here with a bounded output; the Accept-Encoding we send
_BOUNDED_CODINGS = ("gzip", "x-gzip", "deflate")


def _content_coding(resp: httpx.Response) -> str:
    """The one content coding of ``resp`` ("" for identity).

    Anything else is refused rather than handed to httpx: its decoders (zstd, brotli, and
    stacked codings such as "gzip, gzip") inflate a whole network chunk at once, so a few KB
    become gigabytes in memory before the size cap could count them.
    """
    header = resp.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return ""
    if len(codings) > 1 or codings[0] not in _BOUNDED_CODINGS:
        raise FetchError(
            f"unsupported Content-Encoding {header.strip()!r} (gzip or deflate only)",
            reason="http.unsupported_encoding",
        )
    return codings[0]


async def _read_capped(resp: httpx.Response, cap: int) -> bytes:
    encoding = _content_coding(resp)
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and not encoding:
        raise BodyTooLarge(f"Content-Length {declared} over the cap of {cap} bytes")
    chunks: list[bytes] = []
    total = 0
    if encoding in ("gzip", "x-gzip", "deflate"):
        dec = zlib.decompressobj(47 if encoding != "deflate" else 15)
        first = True
        async for raw in resp.aiter_raw():
            try:
                out = dec.decompress(raw, cap + 1 - total)
            except zlib.error:
                if not (first and encoding == "deflate"):
                    raise FetchError(
                        "corrupt compressed body", reason="http.bad_encoding"
                    ) from None
                dec = zlib.decompressobj(-15)  # raw deflate without zlib header
                out = dec.decompress(raw, cap + 1 - total)
            first = False
            total += len(out)
            if total > cap or dec.unconsumed_tail:
                raise BodyTooLarge(f"decoded body over the cap of {cap} bytes")
            chunks.append(out)
        tail = dec.flush()
        total += len(tail)
        if total > cap:
            raise BodyTooLarge(f"decoded body over the cap of {cap} bytes")
        chunks.append(tail)
        return b"".join(chunks)
    async for out in resp.aiter_bytes():  # identity, or an encoding httpx decodes
        total += len(out)
        if total > cap:
            raise BodyTooLarge(f"body over the cap of {cap} bytes")
        chunks.append(out)
    return b"".join(chunks)


class _Sender:
    """The innermost handler: one GET on the pooled client, body streamed and capped."""

    NO_BODY = frozenset({204, 304, 301, 302, 303, 307, 308})

    def __init__(self, client: httpx.AsyncClient, default_cap: int) -> None:
        self.client = client
        self.default_cap = default_cap

    async def __call__(self, request: Request) -> Response:
        t0 = time.perf_counter()
        try:
            hreq = self.client.build_request("GET", request.url, headers=request.headers)
            resp = await self.client.send(hreq, stream=True)
        except httpx.TimeoutException as exc:
            kind = (
                "connect" if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout) else "read"
            )
            raise FetchTimeout(
                f"{kind} timeout: {request.url}", reason=f"http.timeout.{kind}"
            ) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(
                f"invalid URL {request.url!r}: {exc}", reason="http.invalid_url"
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                f"{type(exc).__name__}: {exc} ({request.url})", reason=_connect_reason(exc)
            ) from exc
        try:
            peer = _peer(resp)
            if request.peer_check is not None:
                request.peer_check(request.url, peer)
            body = b""
            skipped = False
            if resp.status_code not in self.NO_BODY:
                if request.accept_types is not None and not _type_ok(
                    resp.headers.get("content-type"), request.accept_types
                ):
                    skipped = True
                else:
                    cap = self.default_cap if request.max_body is None else request.max_body
                    body = await _read_capped(resp, cap)
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"read timeout: {request.url}", reason="http.timeout.read") from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                f"{type(exc).__name__}: {exc} ({request.url})", reason="http.read"
            ) from exc
        finally:
            await resp.aclose()
        return Response(
            url=request.url,
            status=resp.status_code,
            headers=resp.headers,
            body=body,
            elapsed=time.perf_counter() - t0,
            peer=peer,
            body_skipped=skipped,
        )


# --------------------------------------------------------------------------- transport

#: httpcore's errors as httpx names them, most specific first (the first match wins)
_HTTPCORE_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raise httpcore's errors as the httpx ones (what httpx's own transport does); anything
    else, :class:`~wirewatch.errors.BlockedAddress` from the backend included, passes as is."""
    try:
        yield
    except Exception as exc:
        for core, mapped in _HTTPCORE_ERRORS:
            if isinstance(exc, core):
                raise mapped(str(exc)) from exc
        raise


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self.stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self.stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self.stream, "aclose", None)
        if close is not None:
            await close()


class _HasFileno(Protocol):
    def fileno(self) -> int: ...


def _socket_readable(sock: _HasFileno) -> bool:
    """Whether a read would return at once (data, or the b"" of a peer's close)."""
    fd = sock.fileno()
    if fd < 0:  # closed here: the next read is the end of the stream
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _QuickInfoStream(httpcore.AsyncNetworkStream):
    """A network stream whose ``get_extra_info("is_readable")`` polls its socket directly.

    Why: httpcore asks every pooled connection "is_readable" (has the server hung up?) each
    time a request enters or leaves the pool, and the anyio stream answers by building its whole
    attribute table (a ``getpeername`` call included) every time: some 15% of the client's CPU
    per page in a profile (one host, 16 requests at a time), and it grows with the pool. The
    socket is the same for the life of the stream (TLS wraps it), so it is looked up once; the
    answer is the same poll httpcore makes. Everything else goes to the wrapped stream.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        # a socket.socket, or asyncio's TransportSocket view of one (what anyio hands out)
        sock = inner.get_extra_info("socket")
        self._sock: _HasFileno | None = sock if callable(getattr(sock, "fileno", None)) else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _QuickInfoStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable" and self._sock is not None:
            return _socket_readable(self._sock)
        return self._inner.get_extra_info(info)


class _QuickInfoBackend(httpcore.AsyncNetworkBackend):
    """Connects through ``inner`` (below the SSRF guard's backend) and wraps its streams."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _QuickInfoStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx's pooled HTTP/1.1 transport, over :class:`~ingest.guard.GuardedBackend`.

    httpx's ``AsyncHTTPTransport`` takes no network backend, so this is the same few lines over
    a public ``httpcore.AsyncConnectionPool``; no proxy support (the client never uses one).
    ``network_backend`` is the backend under the guard (tests put a recording one there).
    """

    def __init__(
        self,
        guard: AddressGuard,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        limits = limits or httpx.Limits()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            # the guard's backend vets every address; the one below it only makes the pool's
            # per-request liveness checks cheap (_QuickInfoStream)
            network_backend=GuardedBackend(
                guard, _QuickInfoBackend(network_backend or httpcore.AnyIOBackend())
            ),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            resp = await self._pool.handle_async_request(core)
        assert isinstance(resp.stream, AsyncIterable)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_Body(resp.stream),
            extensions=resp.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


# --------------------------------------------------------------------------- client


class HttpClient:
    """Pooled async HTTP client with the layers of :data:`LAYERS`.

    Share one instance (and so one :class:`HostThrottle`) between poller and fetcher.
    """

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        throttle: HostThrottle | None = None,
        guard: AddressGuard | None = None,
        disabled: Iterable[str] = (),
        retries: int = 1,
        retry_max_wait: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_connections: int = 100,
    ) -> None:
        s = settings or HttpSettings()
        self.settings = s
        self.disabled = frozenset(disabled) | (frozenset() if s.obey_robots else {"robots"})
        unknown = self.disabled - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown HTTP layers: {sorted(unknown)}; known: {LAYERS}")
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
        factories: dict[str, Callable[[], Layer]] = {
            "deadline": lambda: Deadline(s.total_timeout),
            "redirect": lambda: Redirects(s.max_redirects),
            "guard": lambda: Guard(self.guard),
            "robots": lambda: Robots(self.robots),
            "retry": lambda: Retry(retries, max_wait=retry_max_wait, sleep=sleep),
            "politeness": lambda: Politeness(self.throttle),
            "size_cap": lambda: SizeCap(s.max_body_bytes),
        }
        self.layers: tuple[tuple[str, Layer], ...] = tuple(
            (name, factories[name]()) for name in LAYERS if name not in self.disabled
        )
        handler: Handler = _Sender(self._client, s.max_body_bytes)
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

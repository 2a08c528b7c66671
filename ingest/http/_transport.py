"""The default transport: httpx's pooled HTTP/1.1 over the SSRF guard's network backend."""

from __future__ import annotations

import contextlib
import select
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Protocol

import httpcore
import httpx

from ingest.guard import AddressGuard, GuardedBackend

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

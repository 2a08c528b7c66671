"""The innermost handler: one GET on the pooled httpx client, the body streamed and capped."""

from __future__ import annotations

import socket
import ssl
import zlib

import httpx

from ingest.http._models import Request, Response
from wirewatch.errors import BodyTooLarge, FetchError, FetchTimeout


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


class Sender:
    """The innermost handler: one GET on the pooled client, body streamed and capped."""

    NO_BODY = frozenset({204, 304, 301, 302, 303, 307, 308})

    def __init__(self, client: httpx.AsyncClient, default_cap: int) -> None:
        self.client = client
        self.default_cap = default_cap

    async def __call__(self, request: Request) -> Response:
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
            # a body of a type the caller does not read is left unread
            if resp.status_code not in self.NO_BODY and (
                request.accept_types is None
                or _type_ok(resp.headers.get("content-type"), request.accept_types)
            ):
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
            peer=peer,
        )

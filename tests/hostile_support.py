"""Harness for the hostile-input catalogue (tests/test_hostile_*.py).

Everything here talks to 127.0.0.1 only, and makes sure of it:

* :class:`Resolver` replaces ``socket.getaddrinfo`` for the test: names under ``.invalid`` fail
  the way an RFC 6761 resolver fails them (NXDOMAIN, no query sent), ``localhost`` and IP
  literals resolve for real (``/etc/hosts``, numeric: no traffic), names given an answer table
  resolve to loopback addresses only, and any other name is refused and recorded.
* :class:`SafetyTransport` sits under the pipeline's HTTP client and refuses (and records) any
  request whose host is not a loopback literal or a name the resolver controls, so a test can
  also assert that the SSRF guard refused a URL *before* anything reached the transport.

Servers: :class:`~tests.ingest_support.LocalServer` for scripted HTTP replies, :class:`RawServer`
for byte-level misbehaviour (accept and never answer, reset mid-body), :func:`tls_server` for
HTTPS with a self-signed certificate made at test time.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import ssl
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ingest import FeedSpec, MemoryStateStore
from ingest.http import HttpClient
from ingest.state import FeedState
from sinks import JsonlSink
from wirewatch.config import HttpSettings, PollSettings, Settings
from wirewatch.metrics import REGISTRY
from wirewatch.runners.embedded import EmbeddedRunner, RunStats
from wirewatch.topics import Topics

LOOPBACK = "127.0.0.1"

# --------------------------------------------------------------------------- settings


def hostile_settings(**http: Any) -> Settings:
    """Settings for one catalogue run: loopback allowed, no politeness delay, short timeouts."""
    base: dict[str, Any] = {
        "allowed_hosts": [LOOPBACK],
        "per_host_delay": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 6.0,
        "max_body_bytes": 2_000_000,
        "obey_robots": False,
    }
    base.update(http)
    return Settings(
        http=HttpSettings.model_validate(base),
        poll=PollSettings(min_interval=60, backoff_base=60, backoff_cap=3600, jitter=0.1),
    )


# --------------------------------------------------------------------------- metrics


def _snapshot() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for metric in REGISTRY.collect():
        for s in metric.samples:
            if s.name.endswith("_total"):
                out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


class MetricDelta:
    """Counter increments between ``__enter__`` and :meth:`delta` (by name and exact labels)."""

    def __enter__(self) -> MetricDelta:
        self.before = _snapshot()
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def delta(self, name: str, labels: dict[str, str]) -> float:
        key = (name, tuple(sorted(labels.items())))
        return _snapshot().get(key, 0.0) - self.before.get(key, 0.0)

    def changed(self, prefix: str = "wirewatch_") -> dict[str, float]:
        """Every counter that moved, as ``name{k=v,...}`` -> increment (for messages)."""
        now = _snapshot()
        out = {}
        for key, value in now.items():
            d = value - self.before.get(key, 0.0)
            if d and key[0].startswith(prefix):
                labels = ",".join(f"{k}={v}" for k, v in key[1])
                out[f"{key[0]}{{{labels}}}"] = d
        return out


# --------------------------------------------------------------------------- resolver


class Resolver:
    """A ``socket.getaddrinfo`` stand-in that can never send a DNS query (see module doc)."""

    def __init__(self) -> None:
        self.real = socket.getaddrinfo
        #: name -> answers; each lookup takes the next answer, the last one repeats
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def answer(self, name: str, *answers: list[str]) -> None:
        for ips in answers:
            for ip in ips:
                # a fabricated answer may name any address (the guard must see it), but the
                # safety transport below only ever lets loopback literals through
                ipaddress.ip_address(ip)
        self.answers[name.lower()] = [list(a) for a in answers]

    def controls(self, host: str) -> bool:
        h = host.lower().strip("[]").rstrip(".")
        return h == "localhost" or h.endswith(".invalid") or h in self.answers

    def __call__(
        self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[Any]:
        name = (host.decode() if isinstance(host, bytes) else str(host or "")).strip("[]")
        low = name.lower().rstrip(".")
        with self._lock:
            self.lookups.append(low)
        try:
            ipaddress.ip_address(low.split("%", 1)[0])
        except ValueError:
            pass
        else:  # numeric: answered locally
            return self.real(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        if low == "localhost":  # /etc/hosts
            return self.real(name, port, family, type, proto, flags)
        if low.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if low in self.answers:
            with self._lock:
                queue = self.answers[low]
                ips = queue.pop(0) if len(queue) > 1 else queue[0]
            p = int(port or 0)
            out = []
            for ip in ips:
                addr = ipaddress.ip_address(ip)
                if addr.version == 6:
                    out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, p, 0, 0)))
                else:
                    out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, p)))
            return out
        with self._lock:
            self.refused.append(low)
        raise socket.gaierror(socket.EAI_NONAME, f"hostile-test resolver: no lookups of {name}")


# --------------------------------------------------------------------------- transport


class SafetyTransport(httpx.AsyncBaseTransport):
    """Real sockets, but only to loopback literals or names the :class:`Resolver` controls."""

    def __init__(self, resolver: Resolver | None = None, *, verify: bool = True) -> None:
        self.inner = httpx.AsyncHTTPTransport(verify=verify)
        self.resolver = resolver
        self.seen: list[str] = []
        self.refused: list[str] = []

    def _ok(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return self.resolver is not None and self.resolver.controls(host)
        return ip.is_loopback

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.seen.append(url)
        if not self._ok(request.url.host):
            self.refused.append(url)
            raise httpx.ConnectError(f"hostile-test safety net: refused {url}", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


# --------------------------------------------------------------------------- raw server

RawHandler = Callable[[socket.socket], None]


def read_request(conn: socket.socket, limit: int = 65536) -> bytes:
    """Read one request head (up to the blank line)."""
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class RawServer:
    """A TCP listener on 127.0.0.1 whose connections are handed to ``handler`` (a thread each)."""

    def __init__(self, handler: RawHandler) -> None:
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.closing = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.handler(conn)
        except OSError:
            pass

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.sock.close()
        for c in self._conns:
            try:
                c.close()
            except OSError:
                pass


def never_answer(server: RawServer) -> RawHandler:
    """Accept, read the request, then say nothing until the test ends."""

    def handle(conn: socket.socket) -> None:
        read_request(conn)
        server.closing.wait(30)

    return handle


def reset_mid_body(declared: int = 100_000, sent: bytes = b"<rss><channel><item>") -> RawHandler:
    """Promise ``declared`` bytes, send a few, then reset the connection (RST, not FIN)."""

    def handle(conn: socket.socket) -> None:
        read_request(conn)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Length: {declared}\r\n\r\n"
        ).encode()
        conn.sendall(head + sent)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    return handle


# --------------------------------------------------------------------------- TLS


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (cryptography, else the openssl CLI)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        import datetime as dt

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("neither cryptography nor openssl is available") from None
        subprocess.run(
            [
                *(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
                *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
                *("-addext", "subjectAltName=IP:127.0.0.1"),
                *("-keyout", str(key), "-out", str(cert)),
            ],
            check=True,
            capture_output=True,
        )
        return cert, key
    pk = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pk.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .sign(pk, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        pk.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def serve_tls(server: Any, cert: Path, key: Path) -> None:
    """Make a not-yet-entered :class:`LocalServer` speak HTTPS with ``cert``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.httpd.socket = ctx.wrap_socket(server.httpd.socket, server_side=True)


# --------------------------------------------------------------------------- pipeline run


@dataclass
class Run:
    """What one ``EmbeddedRunner.run(once=True)`` left behind."""

    stats: RunStats
    store: MemoryStateStore
    out: Path
    topics: Topics = field(default_factory=Topics)

    def records(self, kind: str) -> list[dict[str, Any]]:
        path = self.out / f"{self.topics.name(kind)}.jsonl"
        if not path.exists():
            return []
        lines = path.read_bytes().split(b"\n")
        assert lines[-1] == b"", f"{path.name} does not end with a newline"
        return [json.loads(line) for line in lines[:-1]]

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.records("deadletter")

    def state(self, feed: FeedSpec) -> FeedState:
        st = self.store.load_feed(feed.feed_id)
        assert st is not None, f"no state saved for {feed.url}"
        return st


async def run_pipeline(
    settings: Settings,
    feeds: list[FeedSpec],
    out: Path,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    store: MemoryStateStore | None = None,
    timeout: float = 60.0,
) -> Run:
    """One pass of the single-process pipeline into JSONL files under ``out``."""
    store = store if store is not None else MemoryStateStore()
    sink = JsonlSink(out)
    sink.setup()
    client = HttpClient(settings.http, transport=transport) if transport is not None else None
    pipeline = EmbeddedRunner(settings, feeds, sink, store=store, client=client)
    try:
        stats = await pipeline.run(once=True, timeout=timeout)
    finally:
        sink.close()
        if client is not None:
            await client.aclose()
    return Run(stats, store, out)


@contextmanager
def patched_resolver(monkeypatch: Any) -> Iterator[Resolver]:
    resolver = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    yield resolver

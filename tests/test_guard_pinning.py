"""The SSRF guard at the socket: the client connects only to addresses the guard vetted.

DNS is simulated (``tests.hostile_support.Resolver`` replaces ``socket.getaddrinfo``: made-up
names get scripted answers, no query is sent) and every TCP connect of httpcore's own backend
goes through the ``connects`` fixture, which records the host it was given and refuses, without
opening a socket, anything but the literal 127.0.0.1. So nothing leaves loopback even if the code
under test were wrong, and ``connects`` shows that the client connected to the vetted IP literal
(a host name there would mean a second, unvetted lookup).
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections.abc import Iterator
from typing import Any

import httpcore
import pytest

from ingest.guard import AddressGuard
from ingest.http import GuardedTransport, HttpClient, Response
from tests.hostile_support import RawServer, Resolver, patched_resolver, read_request
from tests.ingest_support import LOOPBACK, LocalServer, Reply
from wirewatch.config import HttpSettings
from wirewatch.errors import BlockedAddress, FetchError

PUBLIC = "93.184.215.14"  # never contacted: the connects fixture refuses it without a socket


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Resolver]:
    with patched_resolver(monkeypatch) as r:
        yield r


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Hosts httpcore's backend was asked to connect to; only 127.0.0.1 gets a socket."""
    seen: list[str] = []
    real = httpcore.AnyIOBackend.connect_tcp

    async def loopback_only(
        self: httpcore.AnyIOBackend, host: str, port: int, **kw: Any
    ) -> httpcore.AsyncNetworkStream:
        seen.append(host)
        if host != LOOPBACK:
            raise httpcore.ConnectError(f"test safety net: no connection to {host}")
        return await real(self, host, port, **kw)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", loopback_only)
    return seen


def settings(*allowed: str) -> HttpSettings:
    return HttpSettings(allowed_hosts=list(allowed), per_host_delay=0, total_timeout=10.0)


def fetch(url: str, *allowed: str, guard: AddressGuard | None = None, **kw: Any) -> Response:
    async def go() -> Response:
        async with HttpClient(settings(*allowed), guard=guard, retries=0, **kw) as c:
            return await c.get(url)

    return asyncio.run(go())


def lookups(resolver: Resolver, name: str) -> int:
    return resolver.lookups.count(name)


# --------------------------------------------------------------------------- rebinding


def test_rebinding_at_connect_time_is_refused_before_a_byte_is_sent(
    resolver: Resolver, connects: list[str]
) -> None:
    # the guard layer's lookup sees a public address; the lookup when the connection is opened
    # (a fresh one: no cache) sees loopback. That second answer must be refused, not connected.
    resolver.answer("rebind.test", [PUBLIC], [LOOPBACK])
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, b"inside"))
        with pytest.raises(BlockedAddress) as err:
            fetch(srv.url("/feed.xml", host="rebind.test"), guard=AddressGuard(cache_ttl=0))
    assert err.value.reason == "http.blocked_address"
    assert f"rebind.test resolves to {LOOPBACK} (loopback)" in str(err.value)
    assert lookups(resolver, "rebind.test") == 2  # the guard layer's, then the connection's
    assert connects == []  # no socket was even opened
    assert srv.requests == []


def test_the_connection_goes_to_the_address_the_guard_vetted(
    resolver: Resolver, connects: list[str]
) -> None:
    # with the guard's cache (the default), the name is looked up once: the connection is
    # made to the IP literal the guard layer vetted, so the rebound second answer is never used
    resolver.answer("rebind.test", [PUBLIC], [LOOPBACK])
    with LocalServer() as srv:
        with pytest.raises(FetchError) as err:
            fetch(srv.url("/feed.xml", host="rebind.test"))
    assert err.value.reason == "http.connect"  # the safety net refused the public address
    assert connects == [PUBLIC]
    assert lookups(resolver, "rebind.test") == 1
    assert srv.requests == []


def test_every_address_is_vetted_and_the_next_one_tried(
    resolver: Resolver, connects: list[str]
) -> None:
    resolver.answer("mixed.test", [PUBLIC, LOOPBACK])
    resolver.answer("multi.test", ["10.255.0.1", LOOPBACK])
    with LocalServer() as srv:
        srv.route("/x", Reply(200, b"ok"))
        with pytest.raises(BlockedAddress) as err:  # one loopback address among public ones
            fetch(srv.url("/x", host="mixed.test"))
        assert "loopback" in str(err.value) and connects == []
        # an allowed name: its first address does not answer, the second one does
        resp = fetch(srv.url("/x", host="multi.test"), "multi.test")
    assert resp.status == 200 and resp.body == b"ok" and resp.peer == LOOPBACK
    assert connects == ["10.255.0.1", LOOPBACK]
    assert len(srv.hits("/x")) == 1


# --------------------------------------------------------------------------- allowed_hosts


def test_allowed_hosts_still_reach_loopback(resolver: Resolver, connects: list[str]) -> None:
    resolver.answer("feed.test", [LOOPBACK])
    resolver.answer("other.test", [LOOPBACK])
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, b"feed"))
        assert fetch(srv.url("/feed.xml"), LOOPBACK).body == b"feed"
        assert fetch(srv.url("/feed.xml"), "127.0.0.0/8").body == b"feed"
        resp = fetch(srv.url("/feed.xml", host="feed.test"), "feed.test")
        assert resp.body == b"feed" and resp.peer == LOOPBACK
        assert lookups(resolver, "feed.test") == 1  # looked up by the guard only
        with pytest.raises(BlockedAddress):  # an allowed address does not allow a name for it
            fetch(srv.url("/feed.xml", host="other.test"), LOOPBACK)
        with pytest.raises(BlockedAddress):  # nor is loopback allowed by default
            fetch(srv.url("/feed.xml"))
    assert connects == [LOOPBACK] * 3  # always the literal, never a name
    assert len(srv.hits("/feed.xml")) == 3


def test_an_allowed_name_that_does_not_resolve_is_a_dns_failure(
    resolver: Resolver, connects: list[str]
) -> None:
    with pytest.raises(FetchError) as err:
        fetch("http://feed.invalid/feed.xml", "feed.invalid")
    assert err.value.reason == "http.dns_failure"
    assert "feed.invalid" in resolver.lookups and connects == []


# --------------------------------------------------------------------------- redirects


def test_redirects_to_private_addresses_are_refused(
    resolver: Resolver, connects: list[str]
) -> None:
    resolver.answer("inside.test", [PUBLIC], [LOOPBACK])  # rebinds between check and connect
    with LocalServer() as srv:
        srv.route("/meta", Reply(302, headers={"Location": "http://169.254.169.254/latest/"}))
        srv.route("/lan", Reply(302, headers={"Location": "http://10.0.0.5/admin"}))
        inside = srv.url("/secret", host="inside.test")
        srv.route("/rebind", Reply(302, headers={"Location": inside}))
        srv.route("/secret", Reply(200, b"secret"))
        for path, why in (
            ("/meta", "(cloud-metadata)"),
            ("/lan", "(private)"),
            ("/rebind", f"inside.test resolves to {LOOPBACK} (loopback)"),
        ):
            with pytest.raises(BlockedAddress) as err:
                fetch(srv.url(path), LOOPBACK, guard=AddressGuard([LOOPBACK], cache_ttl=0))
            assert why in str(err.value)
        assert srv.hits("/secret") == []
        assert [r.path for r in srv.requests] == ["/meta", "/lan", "/rebind"]
    assert set(connects) == {LOOPBACK}


# --------------------------------------------------------------------------- TLS


def test_tls_verifies_the_url_host_name_while_connecting_to_the_vetted_ip(
    resolver: Resolver, connects: list[str]
) -> None:
    trustme = pytest.importorskip("trustme", reason="trustme makes the test CA")
    ca = trustme.CA()
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("feed.test").configure_cert(server_ctx)
    sni: list[str | None] = []
    server_ctx.sni_callback = lambda _sock, name, _ctx: sni.append(name)
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    resolver.answer("feed.test", [LOOPBACK])
    resolver.answer("wrong.test", [LOOPBACK])
    allowed = ("feed.test", "wrong.test")

    srv = LocalServer()
    srv.httpd.socket = server_ctx.wrap_socket(srv.httpd.socket, server_side=True)
    srv.route("/x", Reply(200, b"ok"))
    with srv:

        def get(host: str, verify: ssl.SSLContext | None) -> Response:
            guard = AddressGuard(allowed)
            transport = None if verify is None else GuardedTransport(guard, verify=verify)
            url = f"https://{host}:{srv.port}/x"
            return fetch(url, *allowed, guard=guard, transport=transport)

        # the certificate names feed.test, not 127.0.0.1: this verifies only if the handshake
        # checks the URL's host name although the socket was connected to the IP literal
        assert get("feed.test", trusting).body == b"ok"
        assert sni == ["feed.test"]
        with pytest.raises(FetchError) as err:  # a certificate for another name
            get("wrong.test", trusting)
        assert err.value.reason == "http.tls" and "Hostname mismatch" in str(err.value)
        with pytest.raises(FetchError) as err:  # the default client does not trust the test CA
            get("feed.test", None)
        assert err.value.reason == "http.tls" and "CERTIFICATE_VERIFY_FAILED" in str(err.value)
    assert len(srv.requests) == 1
    assert connects == [LOOPBACK] * 3


# --------------------------------------------------------------------------- errors


def test_transport_errors_keep_their_classified_reasons(connects: list[str]) -> None:
    def truncated(conn: Any) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<rss>")
        conn.close()

    def garbage(conn: Any) -> None:
        read_request(conn)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        conn.close()

    for handler, reason in ((truncated, "http.read"), (garbage, "http.connect")):
        with RawServer(handler) as raw:
            with pytest.raises(FetchError) as err:
                fetch(raw.url("/feed.xml"), LOOPBACK)
        assert err.value.reason == reason, (reason, err.value)
        assert raw.connections == 1
    closed = RawServer(truncated)  # bound, never listening: connection refused
    closed.sock.close()
    with pytest.raises(FetchError) as err:
        fetch(closed.url("/feed.xml"), LOOPBACK)
    assert err.value.reason == "http.connect"


def test_expired_lookups_are_dropped_from_the_guard_cache(
    resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.guard._CACHE_PRUNE_AT", 2)
    for name in ("a.test", "b.test", "c.test"):
        resolver.answer(name, [PUBLIC])
    guard = AddressGuard(cache_ttl=0)

    async def go() -> None:
        for name in ("a.test", "b.test", "c.test"):
            assert await guard.vetted(name, 80) == [ipaddress.ip_address(PUBLIC)]

    asyncio.run(go())
    assert list(guard._cache) == [("c.test", 80)]  # a long-lived worker does not keep them all


def test_the_guard_cache_stays_bounded_when_every_lookup_is_live(
    resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.guard._CACHE_PRUNE_AT", 4)
    names = [f"h{i}.test" for i in range(10)]
    for name in names:
        resolver.answer(name, [PUBLIC])
    guard = AddressGuard(cache_ttl=3600)  # nothing expires during the test

    async def go() -> None:
        for name in names:
            await guard.vetted(name, 80)

    asyncio.run(go())
    assert len(guard._cache) <= 4
    assert ("h9.test", 80) in guard._cache  # the newest answer is kept, the oldest dropped
    assert ("h0.test", 80) not in guard._cache


def test_pooled_connections_notice_a_server_hang_up() -> None:
    """The pool's liveness check (``is_readable``, answered by a direct poll of the socket):
    false while an idle keep-alive connection is open, true once the server has closed it, so
    the pool drops the connection instead of sending a request into it."""
    import socket
    import threading

    from ingest.http._transport import _QuickInfoBackend

    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(1)
    accepted: list[socket.socket] = []
    ready = threading.Event()

    def accept() -> None:
        conn, _ = listener.accept()
        accepted.append(conn)
        ready.set()

    threading.Thread(target=accept, daemon=True).start()

    async def go() -> tuple[bool, bool, bool]:
        backend = _QuickInfoBackend(httpcore.AnyIOBackend())
        stream = await backend.connect_tcp(LOOPBACK, listener.getsockname()[1], timeout=5)
        try:
            assert await asyncio.to_thread(ready.wait, 5)
            idle = bool(stream.get_extra_info("is_readable"))
            accepted[0].close()  # the server hangs up
            for _ in range(100):
                if stream.get_extra_info("is_readable"):
                    break
                await asyncio.sleep(0.01)
            closed = bool(stream.get_extra_info("is_readable"))
            eof = await stream.read(1024, timeout=5) == b""
        finally:
            await stream.aclose()
            listener.close()
        return idle, closed, eof

    assert asyncio.run(go()) == (False, True, True)

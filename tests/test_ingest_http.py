"""HTTP layer and poller against a real server on 127.0.0.1 (the must-show behaviours)."""

from __future__ import annotations

import asyncio
import gzip
from itertools import pairwise
from typing import Any, ClassVar

import httpx
import pytest

from ingest.feeds import FeedSpec
from ingest.guard import AddressGuard
from ingest.http import CHAIN, LAYERS, HttpClient, Layer, LayerSettings, Request, Response
from ingest.poller import Poller
from ingest.state import MemoryStateStore
from tests.ingest_support import LocalServer, Reply, client, gzip_bomb, rss
from wirewatch.config import HttpSettings, PollSettings
from wirewatch.errors import BlockedAddress, BodyTooLarge, FetchError, FetchTimeout

FEED = rss(
    [
        {
            "title": "One",
            "link": "http://news.test/one",
            "guid": "g-1",
            "pubDate": "Mon, 04 Mar 2024 10:00:00 GMT",
        },
        {
            "title": "Two",
            "link": "http://news.test/two",
            "guid": "g-2",
            "pubDate": "Tue, 05 Mar 2024 10:00:00 GMT",
        },
    ]
)


class Clock:
    def __init__(self, t: float = 1_710_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def poll_settings(**kw: float) -> PollSettings:
    base = {
        "min_interval": 60,
        "max_interval": 3600,
        "default_interval": 600,
        "jitter": 0.1,
        "backoff_base": 60,
        "backoff_cap": 600,
    }
    base.update(kw)
    return PollSettings.model_validate(base)


def test_layer_table_is_one_visible_tuple() -> None:
    assert LAYERS.index("redirect") < LAYERS.index("guard") < LAYERS.index("politeness")
    c = HttpClient(HttpSettings(), disabled={"robots"})
    assert "robots" not in [n for n, _ in c.layers]
    with pytest.raises(ValueError, match="unknown HTTP layers"):
        HttpClient(HttpSettings(), disabled={"nope"})
    asyncio.run(c.aclose())


def test_client_runs_exactly_the_layers_of_its_table_in_table_order() -> None:
    class Mark:
        """A layer that notes its name and the body cap it is handed, then passes on."""

        name: ClassVar[str] = "mark"

        @classmethod
        def from_settings(cls, settings: LayerSettings) -> Mark:
            return cls()

        async def __call__(self, request: Request, call_next: Any) -> Response:
            seen.append((self.name, request.max_body))
            return await call_next(request)

    def mark(name: str) -> type[Mark]:
        return type(f"Mark_{name}", (Mark,), {"name": name})

    a, b, c = mark("a"), mark("b"), mark("c")
    size_cap = CHAIN[LAYERS.index("size_cap")]
    seen: list[tuple[str, int | None]] = []
    transport = httpx.MockTransport(lambda _req: httpx.Response(200, content=b"ok"))

    async def run(chain: tuple[type[Layer], ...]) -> tuple[list[str], list[tuple]]:
        seen.clear()
        settings = HttpSettings(max_body_bytes=1000)
        async with HttpClient(settings, transport=transport, chain=chain) as client:
            resp = await client.get("http://example.com/")
            assert resp.body == b"ok"
            return [name for name, _ in client.layers], list(seen)

    names, calls = asyncio.run(run((a, b, size_cap, c)))
    assert names == ["a", "b", "size_cap", "c"]
    assert calls == [("a", None), ("b", None), ("c", 1000)]
    names, calls = asyncio.run(run((c, size_cap, b, a)))
    assert names == ["c", "size_cap", "b", "a"]
    assert calls == [("c", None), ("b", 1000), ("a", 1000)]
    default = HttpClient(HttpSettings())
    assert [type(layer) for _, layer in default.layers] == list(CHAIN)
    asyncio.run(default.aclose())


def test_304_cycle_sends_validators_and_emits_nothing() -> None:
    def feed(seen: object) -> Reply:
        if getattr(seen, "headers", {}).get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(
            200,
            FEED,
            {
                "Content-Type": "application/rss+xml",
                "ETag": '"v1"',
                "Last-Modified": "Tue, 05 Mar 2024 10:00:00 GMT",
            },
        )

    with LocalServer() as srv:
        srv.route("/feed.xml", feed)

        async def go() -> tuple:
            async with client() as c:
                poller = Poller(c, MemoryStateStore(), poll_settings())
                spec = FeedSpec(url=srv.url("/feed.xml"))
                first = await poller.poll_once(spec)
                second = await poller.poll_once(spec)
                return first, second

        first, second = asyncio.run(go())
    assert first.status == "new" and len(first.entries) == 2
    assert second.status == "not_modified" and second.http_status == 304
    assert second.entries == []
    hits = srv.hits("/feed.xml")
    assert "if-none-match" not in hits[0].headers
    assert hits[1].headers["if-none-match"] == '"v1"'
    assert hits[1].headers["if-modified-since"] == "Tue, 05 Mar 2024 10:00:00 GMT"
    assert second.state.etag == '"v1"' and second.state.error_count == 0


def test_unchanged_200_emits_nothing_and_cache_control_delays_next_poll() -> None:
    with LocalServer() as srv:
        srv.route(
            "/feed.xml",
            Reply(
                200, FEED, {"Content-Type": "application/rss+xml", "Cache-Control": "max-age=3000"}
            ),
        )
        clock = Clock()

        async def go() -> tuple:
            async with client() as c:
                poller = Poller(c, MemoryStateStore(), poll_settings(jitter=0), clock=clock)
                spec = FeedSpec(url=srv.url("/feed.xml"), interval=600)
                return await poller.poll_once(spec), await poller.poll_once(spec)

        first, second = asyncio.run(go())
    assert first.status == "new" and second.status == "unchanged" and second.entries == []
    assert second.state.next_due - clock.t == pytest.approx(3000)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(status: int) -> None:
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(status, b"slow down", {"Retry-After": "120"}))
        clock = Clock()

        async def go():
            async with client() as c:
                poller = Poller(c, MemoryStateStore(), poll_settings(), clock=clock)
                return await poller.poll_once(FeedSpec(url=srv.url("/feed.xml")))

        result = asyncio.run(go())
    assert result.status == "error" and result.error_reason == f"http.status.{status}"
    assert result.state.next_due == pytest.approx(clock.t + 120)
    assert result.state.error_count == 1 and "Retry-After" in (result.error_message or "")


def test_short_retry_after_is_waited_out_and_retried() -> None:
    calls = {"n": 0}

    def feed(_seen: object) -> Reply:
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(503, b"", {"Retry-After": "2"})
        return Reply(200, FEED, {"Content-Type": "application/rss+xml"})

    slept: list[float] = []

    async def fake_sleep(s: float) -> None:
        slept.append(s)

    with LocalServer() as srv:
        srv.route("/feed.xml", feed)

        async def go():
            settings = HttpSettings(allowed_hosts=["127.0.0.1"], per_host_delay=0)
            async with HttpClient(settings, sleep=fake_sleep) as c:
                return await c.get(srv.url("/feed.xml"), purpose="feed")

        resp = asyncio.run(go())
    assert resp.status == 200 and resp.attempts == 2 and slept == [2.0]


def test_backoff_grows_caps_and_feed_keeps_being_retried() -> None:
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(500, b"boom"))
        clock = Clock()

        async def go():
            delays = []
            async with client() as c:
                poller = Poller(c, MemoryStateStore(), poll_settings(), clock=clock)
                spec = FeedSpec(url=srv.url("/feed.xml"))
                for _ in range(7):
                    r = await poller.poll_once(spec)
                    assert r.status == "error" and r.error_reason == "http.status.500"
                    delays.append(r.state.next_due - clock.t)
                    clock.t = r.state.next_due
                    assert poller.due([spec]) == [spec]  # never dropped: due again later
                return delays, r

        delays, last = asyncio.run(go())
    assert len(srv.hits("/feed.xml")) == 7
    assert all(b > a for a, b in pairwise(delays[:5]))
    assert all(d <= 600 for d in delays) and delays[-1] >= 540
    assert last.state.error_count == 7 and last.state.last_error == "http.status.500"


def test_redirect_loop_stops() -> None:
    with LocalServer() as srv:
        srv.route("/a", Reply(302, headers={"Location": "/b"}))
        srv.route("/b", Reply(302, headers={"Location": "/a"}))

        async def go():
            async with client() as c:
                await c.get(srv.url("/a"))

        with pytest.raises(FetchError) as err:
            asyncio.run(go())
    assert err.value.reason == "http.redirect_loop"
    assert len(srv.requests) == 2


def test_too_many_redirects() -> None:
    with LocalServer() as srv:
        for i in range(10):
            srv.route(f"/r{i}", Reply(302, headers={"Location": f"/r{i + 1}"}))

        async def go():
            async with client(max_redirects=3) as c:
                await c.get(srv.url("/r0"))

        with pytest.raises(FetchError) as err:
            asyncio.run(go())
    assert err.value.reason == "http.too_many_redirects"


def test_permanent_redirect_moves_feed_and_410_disables_it() -> None:
    with LocalServer() as srv:
        srv.route("/old.xml", Reply(301, headers={"Location": "/new.xml"}))
        srv.route("/new.xml", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))

        async def go():
            async with client() as c:
                poller = Poller(c, MemoryStateStore(), poll_settings())
                spec = FeedSpec(url=srv.url("/old.xml"))
                moved = await poller.poll_once(spec)
                srv.route("/new.xml", Reply(410, b"gone"))
                gone = await poller.poll_once(spec)
                after = await poller.poll_once(spec)
                return moved, gone, after, poller.due([spec], now=10**12)

        moved, gone, after, due = asyncio.run(go())
    assert moved.status == "new" and moved.state.url == srv.url("/new.xml")
    assert gone.status == "disabled" and gone.state.disabled_reason == "http.status.410"
    assert after.status == "disabled" and "410" in (after.error_message or "")
    assert due == []
    assert len(srv.hits("/old.xml")) == 1  # later polls went to the new URL


def test_gzip_bomb_is_cut_at_the_cap() -> None:
    with LocalServer() as srv:
        srv.route(
            "/bomb",
            Reply(
                200,
                gzip_bomb(20_000_000),
                {"Content-Encoding": "gzip", "Content-Type": "text/html"},
            ),
        )
        srv.route(
            "/small",
            Reply(
                200,
                gzip.compress(b"<p>ok</p>" * 10),
                {"Content-Encoding": "gzip", "Content-Type": "text/html"},
            ),
        )

        async def go(path: str):
            async with client(max_body_bytes=1_000_000) as c:
                return await c.get(srv.url(path))

        with pytest.raises(BodyTooLarge):
            asyncio.run(go("/bomb"))
        assert asyncio.run(go("/small")).body == b"<p>ok</p>" * 10


def test_oversized_body_is_cut_at_the_cap() -> None:
    big = b"x" * 300_000
    with LocalServer() as srv:
        srv.route("/big", Reply(200, big))
        srv.route("/big-chunked", Reply(200, chunks=[big[:100_000]] * 3))

        async def go(path: str):
            async with client(max_body_bytes=200_000) as c:
                return await c.get(srv.url(path))

        for path in ("/big", "/big-chunked"):
            with pytest.raises(BodyTooLarge) as err:
                asyncio.run(go(path))
            assert err.value.reason == "http.body_too_large"


def test_slow_drip_body_is_cut_at_the_total_deadline() -> None:
    with LocalServer() as srv:
        # each byte arrives well within the read timeout; the whole never within the deadline
        srv.route("/drip", Reply(200, chunks=[b"<p>"] + [b"x"] * 200, drip_delay=0.05))

        async def go():
            async with client(total_timeout=0.5, read_timeout=5.0) as c:
                await c.get(srv.url("/drip"))

        with pytest.raises(FetchTimeout) as err:
            asyncio.run(go())
    assert err.value.reason == "http.timeout.total"


def test_ssrf_refuses_loopback_unless_allowed() -> None:
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, FEED))

        async def go(allowed: list[str]):
            settings = HttpSettings(allowed_hosts=allowed, per_host_delay=0)
            async with HttpClient(settings) as c:
                return await c.get(srv.url("/feed.xml"))

        with pytest.raises(BlockedAddress) as err:
            asyncio.run(go([]))
        assert "loopback" in str(err.value)
        assert srv.requests == []  # refused before connecting
        resp = asyncio.run(go(["127.0.0.1"]))
    assert resp.status == 200 and resp.peer == "127.0.0.1"


def test_ssrf_refuses_after_a_redirect() -> None:
    with LocalServer() as srv:
        # the allowed host redirects to a name resolving to loopback: refused at that hop
        srv.route("/go", Reply(302, headers={"Location": srv.url("/inside", host="localhost")}))
        srv.route("/go2", Reply(302, headers={"Location": srv.url("/inside", host="127.0.0.2")}))
        srv.route("/meta", Reply(302, headers={"Location": "http://169.254.169.254/latest/"}))
        srv.route("/inside", Reply(200, b"secret"))

        async def go(path: str):
            async with client() as c:
                return await c.get(srv.url(path))

        for path, why in (("/go", "loopback"), ("/go2", "loopback"), ("/meta", "cloud-metadata")):
            with pytest.raises(BlockedAddress) as err:
                asyncio.run(go(path))
            assert why in str(err.value)
    assert srv.hits("/inside") == []


def test_ssrf_poll_of_blocked_feed_is_a_visible_error() -> None:
    async def go():
        async with HttpClient(HttpSettings(per_host_delay=0)) as c:
            poller = Poller(c, MemoryStateStore(), poll_settings())
            return await poller.poll_once(FeedSpec(url="http://10.0.0.1/feed.xml"))

    result = asyncio.run(go())
    assert result.status == "error" and result.error_reason == "http.blocked_address"
    assert result.state.error_count == 1


def test_peer_address_is_checked() -> None:
    guard = AddressGuard()
    with pytest.raises(BlockedAddress):
        guard.check_peer("http://example.com/", "127.0.0.1")
    guard.check_peer("http://example.com/", "93.184.215.14")
    AddressGuard(["example.com"]).check_peer("http://example.com/", "127.0.0.1")
    with pytest.raises(BlockedAddress):  # allowing an address does not allow names for it
        AddressGuard(["127.0.0.1"]).check_peer("http://rebind.example/", "127.0.0.1")


def test_per_host_concurrency_limit_is_respected() -> None:
    with LocalServer() as srv:
        srv.route("/slow", Reply(200, chunks=[b"a", b"b"], drip_delay=0.1))

        async def go():
            async with client(per_host_concurrency=2) as c:
                await asyncio.gather(*(c.get(srv.url("/slow")) for _ in range(6)))

        asyncio.run(go())
    assert len(srv.hits("/slow")) == 6 and srv.max_active <= 2


def test_robots_txt_is_obeyed_for_articles_only() -> None:
    with LocalServer() as srv:
        srv.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
        srv.route("/private/page", Reply(200, b"<html></html>"))

        async def go(purpose: str):
            async with client() as c:
                return await c.get(srv.url("/private/page"), purpose=purpose)  # type: ignore[arg-type]

        with pytest.raises(FetchError) as err:
            asyncio.run(go("article"))
        assert err.value.reason == "http.robots_disallowed"
        assert asyncio.run(go("feed")).status == 200
    assert len(srv.hits("/private/page")) == 1


def test_mock_transport_can_be_injected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=FEED, headers={"Content-Type": "application/rss+xml"})

    async def go():
        settings = HttpSettings(per_host_delay=0)
        async with HttpClient(
            settings, transport=httpx.MockTransport(handler), disabled={"guard"}
        ) as c:
            return await c.get("http://news.test/feed.xml")

    resp = asyncio.run(go())
    assert resp.status == 200 and resp.body == FEED and resp.peer is None

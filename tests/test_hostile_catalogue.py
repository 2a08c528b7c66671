"""The hostile-input catalogue: one bad input per param (ids are the class names).

Each class runs once through each runner of the same stages, against real loopback servers
(scripted HTTP, raw sockets, HTTPS): ``<id>[embedded]``, the single-process
:class:`~wirewatch.runners.embedded.EmbeddedRunner`, and ``<id>[kafka]``, the Kafka runners of
:mod:`wirewatch.runners.kafka` against the real broker (``WIREWATCH_TEST_BOOTSTRAP``; see
:func:`tests.hostile_support.run_pipeline`). Both must give, every time:

* the classified outcome: a feed error state (``last_error`` = reason, backoff scheduled), a
  disabled feed, a dead letter with the reason, or a clean normalised result;
* a log record carrying that reason;
* a counter increment (``wirewatch_polls_total``, ``wirewatch_dead_letters_total``,
  ``wirewatch_fetches_total``, ``wirewatch_articles_total`` or ``wirewatch_entries_total``);
* a pipeline that keeps going: a good "canary" feed in the same run is fully processed, and the
  run returns without an exception within its time budget.

Nothing leaves 127.0.0.1: names resolve through :class:`tests.hostile_support.Resolver` and
requests go through :class:`tests.hostile_support.SafetyTransport`, which also lets the SSRF
rows assert that a refused URL never reached the network layer.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from ingest import FeedSpec
from tests.hostile_support import (
    MetricDelta,
    RawServer,
    Resolver,
    Run,
    Runner,
    SafetyTransport,
    hostile_settings,
    never_answer,
    patched_resolver,
    reset_mid_body,
    run_pipeline,
    self_signed_cert,
    serve_tls,
)
from tests.ingest_support import LocalServer, Reply, article_html, gzip_bomb, rss
from tests.websub_support import Callback
from wirewatch.contracts import Article, DeadLetter, FeedEntry
from wirewatch.logs import JsonFormatter, TextFormatter

RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
SECRET = "WIREWATCH-XXE-SENTINEL-7f3a"


# --------------------------------------------------------------------------- harness


@dataclass
class Ctx:
    srv: LocalServer
    tmp: Path
    resolver: Resolver
    stack: ExitStack
    transport: SafetyTransport | None = None
    data: dict[str, Any] = field(default_factory=dict)
    runner: Runner = "embedded"

    def feed(self, path: str, reply: Reply) -> list[FeedSpec]:
        """Serve ``reply`` at ``path``; item links to http://a.test/X point at a local 204 page."""
        self.srv.route("/p", Reply(204))
        reply.body = reply.body.replace(b"http://a.test/", self.srv.url("/p?a=").encode())
        self.srv.route(path, reply)
        return [FeedSpec(url=self.srv.url(path))]

    def raw(self, handler_for: Callable[[RawServer], Any]) -> RawServer:
        server = RawServer(lambda conn: None)
        server.handler = handler_for(server)
        return self.stack.enter_context(server)


@dataclass
class Case:
    id: str
    build: Callable[[Ctx], list[FeedSpec]]
    outcome: Literal["feed_error", "feed_disabled", "dead_letter", "clean"]
    reason: str
    #: counter that must move: (name, labels); None = derived from outcome and reason
    metric: tuple[str, dict[str, str]] | None = None
    http: dict[str, Any] = field(default_factory=dict)
    check: Callable[[Ctx, Run], None] | None = None
    safety_transport: bool = True
    canary: bool = True
    timeout: float = 60.0
    marks: tuple[Any, ...] = ()

    def counter(self) -> tuple[str, dict[str, str]]:
        if self.metric is not None:
            return self.metric
        if self.outcome == "feed_error":
            return "wirewatch_polls_total", {"result": f"error.{self.reason}"}
        if self.outcome == "feed_disabled":
            return "wirewatch_polls_total", {"result": "disabled"}
        return "wirewatch_dead_letters_total", {"stage": "fetch", "reason": self.reason}


def feed_of(path: str, body: bytes, headers: dict[str, str] | None = None, status: int = 200):
    return lambda ctx: ctx.feed(
        path, Reply(status, body, dict(RSS if headers is None else headers))
    )


def article_feed(ctx: Ctx, reply: Reply | None, link: str | None = None, **item: str):
    """A good feed with one item whose page is ``reply`` (served at /hostile-article)."""
    if reply is not None:
        ctx.srv.route("/hostile-article", reply)
    entry = {
        "title": item.pop("title", "Hostile article"),
        "link": link or ctx.srv.url("/hostile-article"),
        "guid": "hostile-1",
    }
    entry.update(item)
    return ctx.feed("/article-feed.xml", Reply(200, rss([entry]), RSS))


def article_of(reply: Reply) -> Callable[[Ctx], list[FeedSpec]]:
    return lambda ctx: article_feed(ctx, reply)


def polls_clean(
    id: str, build: Callable[[Ctx], list[FeedSpec]], check: Callable[[Ctx, Run], None], reason: str
) -> Case:
    """A row whose feed still polls with new entries despite what is hostile in it: ``reason``
    is the lenient parse logged for it ("" for none), ``check`` looks at what was kept."""
    metric = ("wirewatch_polls_total", {"result": "new"})
    return Case(id, build, "clean", reason, metric=metric, check=check)


def article_clean(
    id: str, reply: Reply, page_kind: str, check: Callable[[Ctx, Run], None], reason: str = ""
) -> Case:
    """A row whose hostile article page (``reply``) still becomes an article of ``page_kind``."""
    metric = ("wirewatch_articles_total", {"page_kind": page_kind})
    return Case(id, article_of(reply), "clean", reason, metric=metric, check=check)


def blocked_url(url_for: Callable[[Ctx], str], why: str) -> Case:
    """Rows for URLs the SSRF guard must refuse before any connection."""

    def build(ctx: Ctx) -> list[FeedSpec]:
        ctx.srv.route("/inside.xml", Reply(200, rss([{"title": "x", "link": "http://x.test/"}])))
        ctx.data["url"] = url_for(ctx)
        return [FeedSpec(url=ctx.data["url"])]

    def check(ctx: Ctx, run: Run) -> None:
        st = run.state(FeedSpec(url=ctx.data["url"]))
        assert why in (st.last_error_message or ""), st.last_error_message
        assert ctx.srv.hits("/inside.xml") == []  # nothing reached the server
        assert ctx.transport is not None
        assert not [u for u in ctx.transport.seen if "/inside.xml" in u]  # nor the transport

    return Case("", build, "feed_error", "http.blocked_address", check=check)


def _one(items: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(items) == 1, items
    return items[0]


# --------------------------------------------------------------------------- bodies

MALFORMED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a & b</ti'
)
PARTLY_READABLE = (
    b'<?xml version="1.0"?><rss version="2.0"><channel>'
    b"<item><title>kept</title><link>http://a.test/1</link></item>"
    b"<item><title>no link <b></title></item>"
)
LOL = b'<!ENTITY lol "lol">\n' + b"".join(
    b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10)
    for i in range(1, 10)
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
    + LOL
    + b']>\n<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
    b"<link>http://a.test/lol</link><description>&lol9;&lol9;</description></item></channel></rss>"
)


def xxe_feed(ctx: Ctx) -> list[FeedSpec]:
    secret = ctx.tmp / "secret.txt"
    secret.write_text(SECRET)
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        f'<!ENTITY file SYSTEM "file://{secret}">\n'
        '<!ENTITY passwd SYSTEM "file:///etc/passwd">\n'
        f'<!ENTITY remote SYSTEM "{ctx.srv.url("/xxe-entity")}">\n'
        f'<!ENTITY % dtd SYSTEM "{ctx.srv.url("/xxe.dtd")}"> %dtd;\n'
        ']>\n<rss version="2.0"><channel><title>t &file;</title><item>'
        "<title>leak &file; &passwd; &remote;</title><link>http://a.test/xxe</link>"
        "<description>&file;&passwd;</description></item></channel></rss>"
    )
    ctx.srv.route("/xxe-entity", Reply(200, b"REMOTE-ENTITY-FETCHED"))
    ctx.srv.route("/xxe.dtd", Reply(200, b'<!ENTITY remote "REMOTE-DTD-FETCHED">'))
    return ctx.feed("/xxe.xml", Reply(200, doc.encode(), RSS))


def check_xxe(ctx: Ctx, run: Run) -> None:
    everything = b"".join(p.read_bytes() for p in run.out.glob("*.jsonl")).decode()
    assert SECRET not in everything
    assert "root:" not in everything and "/bin/" not in everything
    assert "FETCHED" not in everything
    assert ctx.srv.hits("/xxe-entity") == [] and ctx.srv.hits("/xxe.dtd") == []
    entry = next(e for e in run.records("entries") if e["link"].endswith("a=xxe"))
    assert "&file;" in entry["title"] or entry["title"] == "leak"  # left unexpanded


def check_laughs(ctx: Ctx, run: Run) -> None:
    entry = next(e for e in run.records("entries") if e["link"].endswith("a=lol"))
    assert len(entry["title"]) < 100 and "lollol" not in (entry["summary"] or "")


ZSTD_BOMB: bytes | None = None


def zstd_bomb() -> bytes:
    global ZSTD_BOMB
    if ZSTD_BOMB is None:
        import zstandard

        ZSTD_BOMB = zstandard.ZstdCompressor(level=19).compress(b"\0" * 200_000_000)
    return ZSTD_BOMB


def slow_drip(ctx: Ctx) -> list[FeedSpec]:
    # every piece well inside the read timeout, the whole never inside the total deadline
    return ctx.feed("/drip.xml", Reply(200, chunks=[b"<rss>"] + [b" "] * 100, drip_delay=0.1))


def never_answers(ctx: Ctx) -> list[FeedSpec]:
    server = ctx.raw(never_answer)
    return [FeedSpec(url=server.url("/feed.xml"))]


def resets(ctx: Ctx) -> list[FeedSpec]:
    server = ctx.raw(lambda _s: reset_mid_body())
    return [FeedSpec(url=server.url("/feed.xml"))]


def truncated(ctx: Ctx) -> list[FeedSpec]:
    def handle(_s: RawServer) -> Callable[[Any], None]:
        from tests.hostile_support import read_request

        def h(conn: Any) -> None:
            read_request(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<rss><channel>")
            conn.close()  # FIN after a fraction of the promised body

        return h

    server = ctx.raw(handle)
    return [FeedSpec(url=server.url("/feed.xml"))]


def redirect_loop(ctx: Ctx) -> list[FeedSpec]:
    ctx.srv.route("/loop-b", Reply(302, headers={"Location": "/loop-a"}))
    return ctx.feed("/loop-a", Reply(302, headers={"Location": "/loop-b"}))


def redirect_chain(ctx: Ctx) -> list[FeedSpec]:
    for i in range(10):
        ctx.srv.route(f"/hop{i}", Reply(302, headers={"Location": f"/hop{i + 1}"}))
    return [FeedSpec(url=ctx.srv.url("/hop0"))]


def redirect_to(target: str) -> Callable[[Ctx], list[FeedSpec]]:
    def build(ctx: Ctx) -> list[FeedSpec]:
        return ctx.feed("/moved.xml", Reply(302, headers={"Location": target}))

    return build


def check_never_sent(host: str) -> Callable[[Ctx, Run], None]:
    def check(ctx: Ctx, run: Run) -> None:
        assert ctx.transport is not None
        assert not [u for u in ctx.transport.seen if host in u], ctx.transport.seen
        assert ctx.transport.refused == []

    return check


def rebinding(ctx: Ctx) -> list[FeedSpec]:
    # the guard's lookup sees a public address, the connection then lands on loopback
    ctx.resolver.answer("rebind.test", ["93.184.215.14"], ["127.0.0.1"])
    ctx.srv.route("/rebind.xml", Reply(200, rss([{"title": "inside", "link": "http://in.test/"}])))
    ctx.data["url"] = ctx.srv.url("/rebind.xml", host="rebind.test")
    return [FeedSpec(url=ctx.data["url"])]


def check_rebinding(ctx: Ctx, run: Run) -> None:
    st = run.state(FeedSpec(url=ctx.data["url"]))
    assert "connected to 127.0.0.1 (loopback)" in (st.last_error_message or "")
    assert not [e for e in run.records("entries") if e["link"] == "http://in.test/"]


def dns_failure(ctx: Ctx) -> list[FeedSpec]:
    ctx.data["url"] = f"http://feed.invalid:{ctx.srv.port}/feed.xml"
    return [FeedSpec(url=ctx.data["url"])]


def check_dns(ctx: Ctx, run: Run) -> None:
    assert "feed.invalid" in ctx.resolver.lookups
    assert ctx.resolver.refused == []


def tls_feed(ctx: Ctx) -> list[FeedSpec]:
    cert, key = self_signed_cert(ctx.tmp)
    server = LocalServer()
    serve_tls(server, cert, key)
    server.route("/feed.xml", Reply(200, rss([{"title": "t", "link": "https://x.test/1"}]), RSS))
    ctx.stack.enter_context(server)
    ctx.data["tls"] = server
    return [FeedSpec(url=f"https://127.0.0.1:{server.port}/feed.xml")]


def check_tls(ctx: Ctx, run: Run) -> None:
    assert ctx.data["tls"].requests == []  # the handshake failed: no request was read
    st = run.state(FeedSpec(url=f"https://127.0.0.1:{ctx.data['tls'].port}/feed.xml"))
    assert "CERTIFICATE_VERIFY_FAILED" in (st.last_error_message or "")


def check_hits(path: str, n: int) -> Callable[[Ctx, Run], None]:
    def check(ctx: Ctx, run: Run) -> None:
        assert len(ctx.srv.hits(path)) == n

    return check


def check_backoff(lo: float, hi: float) -> Callable[[Ctx, Run], None]:
    def check(ctx: Ctx, run: Run) -> None:
        st = run.state(FeedSpec(url=ctx.srv.url(ctx.data.get("path", "/status.xml"))))
        assert st.error_count == 1 and st.last_error_at is not None
        assert lo <= st.next_due - st.last_error_at <= hi, st.next_due - st.last_error_at

    return check


def status_feed(status: int, **headers: str) -> Callable[[Ctx], list[FeedSpec]]:
    return lambda ctx: ctx.feed("/status.xml", Reply(status, b"nope", dict(headers)))


#: a budget, not a timing claim: 10,000 pages on a loaded machine
TEN_THOUSAND_BUDGET = 420.0


def ten_thousand(ctx: Ctx) -> list[FeedSpec]:
    ctx.srv.route("/tiny", Reply(204))  # no body: an empty page (no extraction to pay for)
    items = [
        {"title": f"Item {i}", "link": ctx.srv.url(f"/tiny?i={i}"), "guid": f"g{i}"}
        for i in range(10_000)
    ]
    return ctx.feed("/big-feed.xml", Reply(200, rss(items), RSS))


def check_ten_thousand(ctx: Ctx, run: Run) -> None:
    mine = [e for e in run.records("entries") if "/tiny?" in e["url"]]
    assert len(mine) == 10_000 and len({e["url_key"] for e in mine}) == 10_000
    for e in mine[:50]:
        FeedEntry.model_validate(e)
    kinds = [a["page_kind"] for a in run.records("articles") if "/tiny?" in a["url"]]
    assert len(kinds) == 10_000 and set(kinds) == {"empty"}


def duplicate_guids(ctx: Ctx) -> list[FeedSpec]:
    same = {"title": "Same", "link": "http://a.test/one", "guid": "dup"}
    other = {"title": "Other page, same GUID", "link": "http://a.test/two", "guid": "dup"}
    return ctx.feed("/dups.xml", Reply(200, rss([same, same, dict(same), other]), RSS))


def check_duplicates(ctx: Ctx, run: Run) -> None:
    # a bare GUID is a permalink by default: feedparser resolves it against the feed URL
    mine = [e for e in run.records("entries") if e["entry_id"].endswith("/dup")]
    # the same item repeated is one entry; a second page under the same GUID is not lost
    assert sorted(e["link"].rsplit("=", 1)[1] for e in mine) == ["one", "two"]
    again = asyncio.run(
        run_pipeline(
            hostile_settings(),
            [FeedSpec(url=ctx.srv.url("/dups.xml"))],
            run.out,
            store=run.store,
            transport=SafetyTransport(ctx.resolver),
            runner=ctx.runner,
        )
    )
    assert again.stats.entries == 0  # nothing new on the next poll


DATES = [
    ("impossible-day", "Fri, 30 Feb 2024 10:00:00 GMT"),
    ("year-99999", "Sat, 01 Jan 99999 00:00:00 GMT"),
    ("missing", None),
    ("garbage", "yesterday-ish"),
    ("epoch", "Thu, 01 Jan 1970 00:00:00 GMT"),
    ("negative", "-0001-11-30T00:00:00Z"),
    ("far-future", "Tue, 01 Jan 2999 00:00:00 GMT"),
    ("good", "Mon, 04 Mar 2024 10:00:00 GMT"),
]


def bad_dates(ctx: Ctx) -> list[FeedSpec]:
    items = []
    for name, value in DATES:
        item = {"title": name, "link": f"http://a.test/{name}", "guid": name}
        if value is not None:
            item["pubDate"] = value
        items.append(item)
    return ctx.feed("/dates.xml", Reply(200, rss(items), RSS))


def check_dates(ctx: Ctx, run: Run) -> None:
    got = {
        e["title"]: e["published_at"]
        for e in run.records("entries")
        if e["entry_id"].rsplit("/", 1)[-1] in dict(DATES)
    }
    assert set(got) == {name for name, _ in DATES}  # no entry lost over its date
    assert got["good"] == "2024-03-04T10:00:00Z"
    for name in ("impossible-day", "year-99999", "missing", "garbage", "epoch", "far-future"):
        assert got[name] is None, (name, got[name])
    # feedparser reads the MySQL zero date "-0001-11-30" as 2000-01-01: a wrong date, but at
    # least never an impossible one (before 1990 or in the future)
    assert got["negative"] is None or "1990" <= got["negative"] <= time.strftime("%Y-%m-%d")


CP1252_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
    "<title>Café crème à la une</title><link>http://a.test/1</link></item></channel></rss>"
).encode("cp1252")


def check_charset_feed(ctx: Ctx, run: Run) -> None:
    entry = next(e for e in run.records("entries") if e["link"].endswith("a=1"))
    assert entry["title"] == "Café crème à la une"


CP1252_PAGE = (
    article_html(title="Café crème à la une")
    .encode("cp1252")
    .replace(b'<meta charset="utf-8">', b"")
)


def check_charset_page(ctx: Ctx, run: Run) -> None:
    art = _hostile_article(run)
    assert "Café crème" in art["text"] and "\ufffd" not in art["text"]


def _hostile_article(run: Run) -> dict[str, Any]:
    return _one([a for a in run.records("articles") if a["url"].endswith("/hostile-article")])


def check_page_kind(kind: str) -> Callable[[Ctx, Run], None]:
    def check(ctx: Ctx, run: Run) -> None:
        art = _hostile_article(run)
        Article.model_validate(art)
        assert art["page_kind"] == kind and art["text"] == ""
        assert not [d for d in run.dead_letters() if d["key"] == art["article_id"]]

    return check


PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(50_000)
EMPTY_PAGE = b"<!DOCTYPE html><html><head><title></title></head><body></body></html>"


def fifty_mb() -> Iterator[bytes]:
    yield b"<!DOCTYPE html><html><body><p>"
    block = b"x" * (1 << 20)
    for _ in range(50):
        yield block


ENDLESS = (
    "<!DOCTYPE html><html><head><title>Endless</title></head><body><article><h1>Endless</h1><p>"
    + " ".join(f"word{i % 97} and more filler text" for i in range(30_000))
    + "</p></article></body></html>"
).encode()


def check_endless(ctx: Ctx, run: Run) -> None:
    art = _hostile_article(run)
    assert art["page_kind"] == "article" and len(art["text"]) > 500_000
    assert art["text"].count("\n") <= 1  # title line + the one endless line


INJECTION = "\n{level:CRITICAL,msg:forged}\r\x1b[2J\x07\u2028"


def control_titles(ctx: Ctx) -> list[FeedSpec]:
    title = f"Evil{INJECTION}title&#27;[31m&#x7;"
    body = rss([{"title": title, "link": "http://a.test/1", "guid": "ctl"}])
    return ctx.feed("/ctl.xml", Reply(200, body, RSS))


def check_control_titles(ctx: Ctx, run: Run) -> None:
    entry = next(e for e in run.records("entries") if e["entry_id"].endswith("/ctl"))
    title = entry["title"]
    assert title.startswith("Evil") and "forged" in title
    assert not [c for c in title if (ord(c) < 32 and c not in "\n\r\t") or 127 <= ord(c) < 160]
    assert "\u2028" not in title and "\u2029" not in title
    raw = (run.out / f"{run.topics.entries}.jsonl").read_bytes()
    assert raw.count(b"\n") == len(run.records("entries"))  # one line per record


def log_injection(ctx: Ctx) -> list[FeedSpec]:
    page = (
        "<!DOCTYPE html><html><head><link rel='alternate' type='application/rss+xml' "
        f"href='/feed{INJECTION}'></head><body>hi</body></html>"
    )
    return ctx.feed("/inject.xml", Reply(200, page.encode(), HTML))


def check_log_lines(ctx: Ctx, run: Run) -> None:
    records = ctx.data["records"]
    mine = [r for r in records if "forged" in str(getattr(r, "error", ""))]
    assert mine, "the attacker text should reach the log (escaped)"
    for r in mine:
        for fmt in (JsonFormatter(), TextFormatter()):
            line = fmt.format(r)
            assert "\n" not in line and "\r" not in line and "\x1b" not in line, line
            assert "\u2028" not in line and "\x07" not in line


# --------------------------------------------------------------------------- WebSub callback
#
# The callback endpoint the poll stage serves with websub.enabled (ingest/websub_server.py),
# built from the same classes with one live subscription. The hostile traffic is sent while the
# pipeline runs: from the handler of the row's feed, so the poll that fetches it waits for it.
# That a verified push goes through the runners is shown in tests/test_websub*.py.

WEBSUB_LIMITS = {
    "deliveries_per_minute": 20,
    "max_pending": 16,
    "max_connections": 6,
    "max_body_bytes": 64 * 1024,
}
#: the row's feed waits for its traffic: a generous read timeout on a loaded machine
WEBSUB_HTTP = {"read_timeout": 60.0, "total_timeout": 90.0}
DOC = rss([{"title": "pushed", "link": "http://a.test/pushed", "guid": "pushed"}])


def websub_feed(traffic: Callable[[Callback, dict[str, Any]], None]):
    def build(ctx: Ctx) -> list[FeedSpec]:
        cb = Callback(**WEBSUB_LIMITS)
        ctx.stack.callback(cb.close)
        ctx.data["callback"] = cb

        def route(_seen: Any) -> Reply:
            if not ctx.data.get("fired"):  # once, whichever runner polls
                ctx.data["fired"] = True
                traffic(cb, ctx.data)
            return Reply(200, rss([]), RSS)

        ctx.srv.route("/websub-feed.xml", route)
        return [FeedSpec(url=ctx.srv.url("/websub-feed.xml"))]

    return build


def websub_flood(cb: Callback, data: dict[str, Any]) -> None:
    """Many signed deliveries, then more connections than the server serves at once."""
    data["codes"] = [cb.post(DOC) for _ in range(60)]
    import socket as _socket

    idle = [_socket.create_connection(("127.0.0.1", cb.server.port)) for _ in range(12)]
    try:
        extra = _socket.create_connection(("127.0.0.1", cb.server.port))
        extra.settimeout(30)
        data["extra"] = extra.recv(200)
        extra.close()
    finally:
        for sock in idle:
            sock.close()


def check_websub_flood(ctx: Ctx, run: Run) -> None:
    codes, cb = ctx.data["codes"], ctx.data["callback"]
    assert set(codes) == {202, 429}, codes
    # bounded: no more queued than the rate admits, whatever was sent
    assert codes.count(202) <= WEBSUB_LIMITS["deliveries_per_minute"] + 1
    assert len(cb.inbox) == codes.count(202) <= WEBSUB_LIMITS["max_pending"] + 5
    assert ctx.data["extra"].startswith(b"HTTP/1.1 503"), ctx.data["extra"]
    # every refusal counted, but the flood is not a flood of log lines
    lines = [
        r for r in ctx.data["records"] if getattr(r, "reason", "") == "websub.delivery.rate_limited"
    ]
    assert len(lines) == 1 and codes.count(429) > 20, (len(lines), codes.count(429))


def websub_forged(cb: Callback, data: dict[str, Any]) -> None:
    import httpx

    base = cb.url.rsplit("/", 1)[0]
    tries = [
        (cb.url, {"hub.topic": "http://127.0.0.1:9/other.xml"}),  # not our topic
        (base + "/another-feed", {"hub.topic": cb.TOPIC}),  # not our feed
        (cb.url, {"hub.topic": cb.TOPIC, "hub.mode": "unsubscribe"}),  # not asked for
        (cb.url, {"hub.topic": cb.TOPIC}),  # ours, but no request of ours waits for it
        (cb.url, {"hub.topic": cb.TOPIC, "hub.lease_seconds": "-5"}),  # nonsense lease
        (cb.url, {"hub.topic": cb.TOPIC, "hub.challenge": "x" * 5000}),  # huge challenge
    ]
    data["answers"] = []
    for url, params in tries:
        query = {"hub.mode": "subscribe", "hub.challenge": "forged-challenge", **params}
        resp = httpx.get(url, params=query, timeout=10)
        data["answers"].append((resp.status_code, resp.text))


def check_websub_forged(ctx: Ctx, run: Run) -> None:
    assert all(code == 404 and "forged" not in text for code, text in ctx.data["answers"])
    cb = ctx.data["callback"]
    assert cb.subs.live(cb.FEED)  # the real subscription is untouched


def websub_oversize(cb: Callback, data: dict[str, Any]) -> None:
    import socket as _socket

    def raw(head: bytes) -> bytes:
        with _socket.create_connection(("127.0.0.1", cb.server.port), timeout=30) as sock:
            sock.sendall(head + b"<rss>")  # a start of the body, never the rest
            return sock.recv(200)

    path = cb.url.split(str(cb.server.port), 1)[1].encode()
    data["claimed"] = raw(
        b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n"
    )
    data["unsized"] = raw(
        b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    data["big"] = cb.post(b"<rss>" + b" " * (WEBSUB_LIMITS["max_body_bytes"] + 1) + b"</rss>")


def check_websub_oversize(ctx: Ctx, run: Run) -> None:
    assert ctx.data["claimed"].startswith(b"HTTP/1.1 413"), ctx.data["claimed"]
    assert ctx.data["unsized"].startswith(b"HTTP/1.1 411"), ctx.data["unsized"]
    assert ctx.data["big"] == 413
    assert len(ctx.data["callback"].inbox) == 0


def websub_bad_signatures(cb: Callback, data: dict[str, Any]) -> None:
    from ingest.websub import sign

    data["codes"] = [
        cb.post(DOC, signature="sha256=" + "0" * 64),  # wrong
        cb.post(DOC, signature=sign("another-secret", DOC)),  # another key
        cb.post(DOC, signature="md5=" + "0" * 32),  # no such method in the spec
        cb.post(DOC, signature="sha256"),  # no digest
        cb.post(DOC, signature=""),  # none at all
    ]


def check_websub_bad_signatures(ctx: Ctx, run: Run) -> None:
    # acknowledged (the spec: a subscriber MUST answer 2xx and ignore it), and nothing queued
    assert ctx.data["codes"] == [202] * 5
    assert len(ctx.data["callback"].inbox) == 0


def websub_row(
    id: str,
    traffic: Callable[[Callback, dict[str, Any]], None],
    kind: str,
    result: str,
    check: Callable[[Ctx, Run], None],
) -> Case:
    """A row of hostile ``traffic`` at the callback: counted and logged as websub.KIND.RESULT,
    the feed itself polling clean."""
    metric = ("wirewatch_websub_total", {"kind": kind, "result": result})
    reason = f"websub.{kind}.{result}"
    return Case(
        id, websub_feed(traffic), "clean", reason, metric=metric, http=WEBSUB_HTTP, check=check
    )


WEBSUB_ROWS = [
    websub_row(
        "websub_callback_flood", websub_flood, "delivery", "rate_limited", check_websub_flood
    ),
    websub_row(
        "websub_forged_verification", websub_forged, "verification", "unknown", check_websub_forged
    ),
    websub_row(
        "websub_oversize_body", websub_oversize, "delivery", "oversize", check_websub_oversize
    ),
    websub_row(
        "websub_bad_signature",
        websub_bad_signatures,
        "delivery",
        "bad_signature",
        check_websub_bad_signatures,
    ),
]


# --------------------------------------------------------------------------- sitemaps

SM = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
XML = {"Content-Type": "application/xml"}
GZIP = {"Content-Type": "application/gzip"}
#: index levels of the deep-recursion row (PollSettings.sitemap_max_depth is 3)
DEEP_LEVELS = 12


def _urlset(ctx: Ctx, *names: str) -> bytes:
    ctx.srv.route("/p", Reply(204))
    rows = "".join(f"<url><loc>{ctx.srv.url('/p?a=' + n)}</loc></url>" for n in names)
    return f'<?xml version="1.0"?><urlset {SM}>{rows}</urlset>'.encode()


def _index(*children: str) -> bytes:
    rows = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex {SM}>{rows}</sitemapindex>'.encode()


def sitemap_huge(ctx: Ctx) -> list[FeedSpec]:
    def chunks() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><urlset {SM}>'.encode()
        row = b"<url><loc>http://x.test/" + b"a" * 80 + b"</loc></url>"
        for _ in range(50):  # about 50 MB, far beyond the body cap
            yield row * ((1 << 20) // len(row))

    return ctx.feed("/huge-sitemap.xml", Reply(200, chunks=chunks(), headers=XML))


def sitemap_deep(ctx: Ctx) -> list[FeedSpec]:
    """An index whose first child is a good sitemap and whose second starts a chain of
    DEEP_LEVELS nested indexes, each naming the next."""
    ctx.srv.route("/good-sitemap.xml", Reply(200, _urlset(ctx, "shallow"), XML))
    for level in range(1, DEEP_LEVELS + 1):
        child = ctx.srv.url(f"/deep/{level + 1}.xml")
        ctx.srv.route(f"/deep/{level}.xml", Reply(200, _index(child), XML))
    ctx.srv.route(f"/deep/{DEEP_LEVELS + 1}.xml", Reply(200, _urlset(ctx, "deepest"), XML))
    top = _index(ctx.srv.url("/good-sitemap.xml"), ctx.srv.url("/deep/1.xml"))
    return ctx.feed("/deep-index.xml", Reply(200, top, XML))


def check_deep(ctx: Ctx, run: Run) -> None:
    links = [e["link"] for e in run.records("entries")]
    assert any(link.endswith("a=shallow") for link in links)
    assert not any(link.endswith("a=deepest") for link in links)
    # depth 1 is the top index's children: /deep/1 is level 1, so 3 levels are read in all
    assert [len(ctx.srv.hits(f"/deep/{n}.xml")) for n in range(1, 5)] == [1, 1, 1, 0]
    messages = [r.getMessage() for r in ctx.data["records"]]
    assert any("nesting deeper than 3 level(s)" in m for m in messages), messages


def sitemap_child_bomb(ctx: Ctx) -> list[FeedSpec]:
    ctx.srv.route("/good-sitemap.xml", Reply(200, _urlset(ctx, "kept"), XML))
    ctx.srv.route("/bomb-sitemap.xml.gz", Reply(200, gzip_bomb(100_000_000), GZIP))
    top = _index(ctx.srv.url("/bomb-sitemap.xml.gz"), ctx.srv.url("/good-sitemap.xml"))
    return ctx.feed("/bomb-index.xml", Reply(200, top, XML))


def check_child_bomb(ctx: Ctx, run: Run) -> None:
    _one([e for e in run.records("entries") if e["link"].endswith("a=kept")])
    messages = [r.getMessage() for r in ctx.data["records"]]
    assert any("sitemap.too_large" in m for m in messages), messages


# --------------------------------------------------------------------------- the catalogue


def _c(case: Case, id: str) -> Case:
    case.id = id
    return case


CATALOGUE: list[Case] = [
    # ---- documents
    Case("malformed_xml", feed_of("/bad.xml", MALFORMED), "feed_error", "feed.malformed"),
    polls_clean(
        "malformed_xml_partly_readable",
        feed_of("/partly.xml", PARTLY_READABLE),
        lambda ctx, run: _one([e for e in run.records("entries") if e["title"] == "kept"]),
        "feed.lenient",
    ),
    Case(
        "feed_parser_crash",  # found by bench/fuzz_feeds.py: feedparser raises TypeError
        feed_of(
            "/crash.xml", b'<rss version="2.0"><channel><image></width></image></channel></rss>'
        ),
        "feed_error",
        "feed.malformed",
    ),
    polls_clean(
        "invalid_url_in_enclosure",  # found by bench/fuzz_feeds.py: urljoin raised ValueError
        feed_of(
            "/enc.xml",
            b'<rss version="2.0"><channel><item><title>enc</title><link>http://a.test/enc</link>'
            b'<enclosure url="http://[oops/x.mp3" type="audio/mpeg"/></item></channel></rss>',
        ),
        lambda ctx, run: _one([e for e in run.records("entries") if e["title"] == "enc"]),
        "",
    ),
    polls_clean(
        "xml_billion_laughs", feed_of("/lol.xml", BILLION_LAUGHS), check_laughs, "feed.lenient"
    ),
    polls_clean(
        "xml_billion_laughs_one_line",
        feed_of("/lol1.xml", BILLION_LAUGHS.replace(b"\n<!ENTITY", b"<!ENTITY")),
        check_laughs,
        "feed.lenient",
    ),
    polls_clean("xml_external_entities", xxe_feed, check_xxe, "feed.lenient"),
    Case(
        "html_served_as_feed",
        feed_of("/page.xml", b"<!DOCTYPE html><html><body>hello</body></html>", HTML),
        "feed_error",
        "feed.html",
    ),
    Case("empty_feed_body", feed_of("/empty.xml", b"  \n "), "feed_error", "feed.empty"),
    Case(
        "json_served_as_feed",
        feed_of("/j.xml", b'{"items": []}', {"Content-Type": "application/json"}),
        "feed_error",
        "feed.not_a_feed",
    ),
    Case(
        "feed_with_10000_items",
        ten_thousand,
        "clean",
        "page.empty",
        metric=("wirewatch_entries_total", {"kind": "new"}),
        check=check_ten_thousand,
        timeout=TEN_THOUSAND_BUDGET,
        # the row is about the number of items, not about slow servers: no request gets a
        # deadline shorter than the whole run's budget, so a loaded machine (the feed document
        # of 1 MB, 10,000 page fetches against one local server) cannot turn into a timeout
        http={
            "connect_timeout": TEN_THOUSAND_BUDGET,
            "read_timeout": TEN_THOUSAND_BUDGET,
            "total_timeout": TEN_THOUSAND_BUDGET,
        },
        marks=(pytest.mark.slow,),
    ),
    polls_clean("duplicate_guids", duplicate_guids, check_duplicates, ""),
    polls_clean("impossible_or_missing_dates", bad_dates, check_dates, ""),
    polls_clean(
        "wrong_declared_charset_feed",
        feed_of("/cp.xml", CP1252_FEED, {"Content-Type": "application/rss+xml; charset=utf-8"}),
        check_charset_feed,
        "feed.lenient",
    ),
    polls_clean("control_chars_in_titles", control_titles, check_control_titles, "feed.lenient"),
    Case(
        "log_injection_in_error_message",
        log_injection,
        "feed_error",
        "feed.html",
        check=check_log_lines,
    ),
    # ---- bodies: size, encoding, time
    Case(
        "gzip_bomb",
        feed_of("/gz.xml", gzip_bomb(20_000_000), {**RSS, "Content-Encoding": "gzip"}),
        "feed_error",
        "http.body_too_large",
    ),
    Case(
        "zstd_bomb",
        lambda ctx: ctx.feed(
            "/z.xml", Reply(200, zstd_bomb(), {**RSS, "Content-Encoding": "zstd"})
        ),
        "feed_error",
        "http.unsupported_encoding",
    ),
    Case(
        "stacked_gzip_bomb",
        feed_of(
            "/gg.xml",
            gzip.compress(gzip.compress(b"\0" * 50_000_000, 9), 9),
            {**RSS, "Content-Encoding": "gzip, gzip"},
        ),
        "feed_error",
        "http.unsupported_encoding",
    ),
    Case(
        "brotli_body",
        feed_of("/br.xml", os.urandom(2000), {**RSS, "Content-Encoding": "br"}),
        "feed_error",
        "http.unsupported_encoding",
    ),
    Case(
        "corrupt_gzip_body",
        feed_of("/bad.gz", b"\x1f\x8b\x08\x00garbage" * 50, {**RSS, "Content-Encoding": "gzip"}),
        "feed_error",
        "http.bad_encoding",
    ),
    Case(
        "deflate_bomb",
        feed_of(
            "/df.xml", zlib.compress(b"\0" * 30_000_000, 9), {**RSS, "Content-Encoding": "deflate"}
        ),
        "feed_error",
        "http.body_too_large",
    ),
    Case(
        "body_over_size_cap",
        feed_of("/huge.xml", b"<rss>" + b" " * 3_000_000 + b"</rss>"),
        "feed_error",
        "http.body_too_large",
    ),
    Case(
        "slow_drip_body",
        slow_drip,
        "feed_error",
        "http.timeout.total",
        http={"total_timeout": 1.5, "read_timeout": 1.0},
    ),
    Case(
        "accepts_and_never_answers",
        never_answers,
        "feed_error",
        "http.timeout.read",
        http={"read_timeout": 1.0},
    ),
    Case("connection_reset_mid_body", resets, "feed_error", "http.read"),
    Case("truncated_body", truncated, "feed_error", "http.read"),
    # ---- sitemaps (ingest/sitemaps.py): bombs in size, depth and compression
    Case(
        "sitemap_huge",
        sitemap_huge,
        "feed_error",
        "http.body_too_large",
        http={"max_body_bytes": 2_000_000},
    ),
    Case(
        "sitemap_gzip_bomb",
        feed_of("/bomb-sitemap.xml.gz", gzip_bomb(100_000_000), GZIP),
        "feed_error",
        "sitemap.too_large",
    ),
    polls_clean("sitemap_child_gzip_bomb", sitemap_child_bomb, check_child_bomb, "feed.lenient"),
    polls_clean("sitemap_deep_index_recursion", sitemap_deep, check_deep, "feed.lenient"),
    # ---- redirects and SSRF
    Case("redirect_loop", redirect_loop, "feed_error", "http.redirect_loop"),
    Case("too_many_redirects", redirect_chain, "feed_error", "http.too_many_redirects"),
    Case(
        "redirect_to_private_address",
        redirect_to("http://10.0.0.5/feed.xml"),
        "feed_error",
        "http.blocked_address",
        check=check_never_sent("10.0.0.5"),
    ),
    Case(
        "redirect_to_cloud_metadata",
        redirect_to("http://169.254.169.254/latest/meta-data/"),
        "feed_error",
        "http.blocked_address",
        check=check_never_sent("169.254.169.254"),
    ),
    _c(
        blocked_url(lambda c: c.srv.url("/inside.xml", host="localhost"), "loopback"),
        "host_resolves_to_loopback",
    ),
    _c(
        blocked_url(lambda c: c.srv.url("/inside.xml", host="127.0.0.2"), "loopback"),
        "loopback_alias_127_0_0_2",
    ),
    _c(blocked_url(lambda c: c.srv.url("/inside.xml", host="[::1]"), "loopback"), "ipv6_loopback"),
    _c(
        blocked_url(lambda c: c.srv.url("/inside.xml", host="[::ffff:127.0.0.1]"), "loopback"),
        "ipv4_mapped_ipv6_loopback",
    ),
    _c(
        blocked_url(lambda c: "http://169.254.10.20/inside.xml", "link-local"), "link_local_address"
    ),
    _c(
        blocked_url(lambda c: "http://169.254.169.254/inside.xml", "cloud-metadata"),
        "cloud_metadata_address",
    ),
    _c(
        blocked_url(lambda c: "http://[fd00:ec2::254]/inside.xml", "cloud-metadata"),
        "cloud_metadata_ipv6",
    ),
    Case(
        "dns_rebinding_to_loopback",
        rebinding,
        "feed_error",
        "http.blocked_address",
        check=check_rebinding,
    ),
    Case(
        "dns_failure",
        dns_failure,
        "feed_error",
        "http.dns_failure",
        http={"allowed_hosts": ["127.0.0.1", "feed.invalid"]},
        check=check_dns,
    ),
    Case(
        "invalid_tls_certificate",
        tls_feed,
        "feed_error",
        "http.tls",
        check=check_tls,
        safety_transport=False,  # the client's own default transport: verification on
    ),
    # ---- HTTP status
    Case(
        "http_404", status_feed(404), "feed_error", "http.status.404", check=check_backoff(30, 70)
    ),
    Case("http_410_gone", status_feed(410), "feed_disabled", "http.status.410"),
    Case(
        "http_429_without_retry_after",
        status_feed(429),
        "feed_error",
        "http.status.429",
        check=lambda ctx, run: (
            check_hits("/status.xml", 2)(ctx, run),
            check_backoff(30, 70)(ctx, run),
        ),
    ),
    Case(
        "http_500", status_feed(500), "feed_error", "http.status.500", check=check_backoff(30, 70)
    ),
    Case(
        "http_503_with_retry_after",
        status_feed(503, **{"Retry-After": "120"}),
        "feed_error",
        "http.status.503",
        check=lambda ctx, run: (
            check_hits("/status.xml", 1)(ctx, run),
            check_backoff(119, 121)(ctx, run),
        ),
    ),
    # ---- article pages
    Case("article_http_404", article_of(Reply(404, b"gone")), "dead_letter", "http.status.404"),
    Case(
        "article_link_file_scheme",
        lambda ctx: article_feed(ctx, None, link="file:///etc/passwd"),
        "dead_letter",
        "http.blocked_scheme",
    ),
    Case(
        "article_redirect_to_private_address",
        article_of(Reply(302, headers={"Location": "http://192.168.1.10/admin"})),
        "dead_letter",
        "http.blocked_address",
        check=check_never_sent("192.168.1.10"),
    ),
    Case(
        "article_50_mb",
        article_of(Reply(200, chunks=fifty_mb(), headers=HTML)),
        "dead_letter",
        "http.body_too_large",
        http={"max_body_bytes": 5 * 1024 * 1024},
    ),
    # not HTML: a dead letter (issue 13.8), no article with empty text
    Case(
        "article_binary_file",
        article_of(Reply(200, PNG, {"Content-Type": "image/png"})),
        "dead_letter",
        "page.not_html",
    ),
    Case(
        "article_binary_as_octet_stream",
        article_of(Reply(200, os.urandom(50_000), {"Content-Type": "application/octet-stream"})),
        "dead_letter",
        "page.not_html",
    ),
    article_clean(
        "article_empty",
        Reply(200, EMPTY_PAGE, HTML),
        "empty",
        check_page_kind("empty"),
        "page.empty",
    ),
    article_clean(
        "article_wrong_declared_charset",
        Reply(200, CP1252_PAGE, HTML),
        "article",
        check_charset_page,
    ),
    article_clean("article_one_endless_line", Reply(200, ENDLESS, HTML), "article", check_endless),
    # ---- the WebSub callback
    *WEBSUB_ROWS,
]


def _canary(srv: LocalServer) -> FeedSpec:
    srv.route("/canary-article", Reply(200, article_html(slug="canary").encode(), HTML))
    item = {"title": "Canary", "link": srv.url("/canary-article"), "guid": "canary"}
    srv.route("/canary.xml", Reply(200, rss([item]), RSS))
    return FeedSpec(url=srv.url("/canary.xml"))


def _reason_logged(records: list[logging.LogRecord], reason: str) -> bool:
    return any(
        getattr(r, "reason", None) == reason or f": {reason}" in r.getMessage() for r in records
    )


#: marks of a class's Kafka variant only (known product defects, with their issue)
KAFKA_MARKS: dict[str, tuple[Any, ...]] = {}


def test_the_10000_item_row_gives_no_request_a_shorter_deadline_than_its_budget() -> None:
    # it failed once with http.timeout.total in a fresh-clone run on a loaded machine: the
    # catalogue's default per-request deadlines (seconds) are for the rows about timeouts
    (case,) = [c for c in CATALOGUE if c.id == "feed_with_10000_items"]
    http = hostile_settings(**case.http).http
    deadlines = (http.connect_timeout, http.read_timeout, http.total_timeout)
    assert min(deadlines) >= case.timeout, deadlines


def _params() -> list[Any]:
    """Every class against both runners: ``<id>[embedded]`` and ``<id>[kafka]`` (the real
    broker; skipped without ``WIREWATCH_TEST_BOOTSTRAP``, like every Kafka test)."""
    out = []
    for c in CATALOGUE:
        out.append(pytest.param(c, "embedded", id=f"{c.id}[embedded]", marks=c.marks))
        marks = (*c.marks, pytest.mark.kafka, *KAFKA_MARKS.get(c.id, ()))
        out.append(pytest.param(c, "kafka", id=f"{c.id}[kafka]", marks=marks))
    return out


@pytest.mark.parametrize(("case", "runner"), _params())
def test_hostile_input(
    case: Case, runner: Runner, tmp_path: Path, monkeypatch, caplog, request
) -> None:
    if runner == "kafka":
        request.getfixturevalue("kafka_bootstrap")  # skips (or fails under CI) without a broker
    caplog.set_level(logging.INFO)
    with ExitStack() as stack, patched_resolver(monkeypatch) as resolver:
        srv = stack.enter_context(LocalServer())
        ctx = Ctx(srv, tmp_path, resolver, stack, runner=runner)
        if case.safety_transport:
            ctx.transport = SafetyTransport(resolver)
        settings = hostile_settings(**case.http)
        feeds = case.build(ctx)
        canary = _canary(srv) if case.canary else None
        with MetricDelta() as metrics:
            started = time.time()
            run = asyncio.run(
                run_pipeline(
                    settings,
                    feeds + ([canary] if canary else []),
                    tmp_path / "out",
                    transport=ctx.transport,
                    timeout=case.timeout,
                    runner=runner,
                )
            )
            ctx.data["records"] = list(caplog.records)

            # the classified outcome
            dead = run.dead_letters()
            for d in dead:
                DeadLetter.model_validate(d)
            feed = feeds[0]
            if case.outcome in ("feed_error", "feed_disabled"):
                st = run.state(feed)
                if case.outcome == "feed_error":
                    assert st.last_error == case.reason, (st.last_error, st.last_error_message)
                    assert st.error_count == 1 and st.next_due > started
                else:
                    assert st.disabled_reason == case.reason
                assert not [e for e in run.records("entries") if e["feed_id"] == feed.feed_id]
                assert dead == []  # a feed error is state, not a dead letter
            elif case.outcome == "dead_letter":
                letter = _one([d for d in dead if d["stage"] == "fetch"])
                assert letter["reason"] == case.reason, letter
                FeedEntry.model_validate_json(letter["payload"])  # the input is kept
                assert metrics.delta("wirewatch_fetches_total", {"status": case.reason}) == 1
            else:
                assert dead == [], [d["reason"] for d in dead]

            # the counter
            name, labels = case.counter()
            assert metrics.delta(name, labels) >= 1, (name, labels, metrics.changed())

            # the log line
            if case.reason:
                assert _reason_logged(caplog.records, case.reason), [
                    (r.getMessage(), getattr(r, "reason", None)) for r in caplog.records
                ]

            # the pipeline kept going
            if canary is not None:
                arts = [a for a in run.records("articles") if a["url"].endswith("/canary-article")]
                assert len(arts) == 1 and arts[0]["page_kind"] == "article"
                assert run.state(canary).last_error is None
            if case.check is not None:
                case.check(ctx, run)
            if ctx.transport is not None:
                assert ctx.transport.refused == [], ctx.transport.refused
            assert resolver.refused == [], resolver.refused


def test_catalogue_is_complete() -> None:
    """The issue's list, by class: every one has a row (ids are unique)."""
    ids = [c.id for c in CATALOGUE]
    assert len(ids) == len(set(ids)) and all(ids)
    assert len(ids) >= 30

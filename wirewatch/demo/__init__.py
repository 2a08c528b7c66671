"""A tiny news site on 127.0.0.1 for ``wirewatch run --demo``: one RSS feed whose items link to
a few wire-style articles written for wirewatch (fictional events, real places). It lets a
newcomer run the whole chain offline; nothing leaves the loopback interface.

Its URLs name a fixed host, :data:`DEMO_HOST`, not the server's address: the server listens on a
random loopback port, and feed, entry and article ids are derived from URLs, so with the port in
them every run produced new ids and a second run into the same ``--out`` appended every record
again. The HTTP client of a demo run (:meth:`DemoSite.client`) sends what is addressed to
:data:`DEMO_HOST` to the loopback server; the publication times are fixed for the same reason
(a changed time is an updated entry).
"""

from __future__ import annotations

import html
import json
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from ingest.http import HttpClient
    from wirewatch.config import HttpSettings

__all__ = ["DEMO_HOST", "DemoSite"]

#: the host of every demo URL: ``.invalid`` never resolves (RFC 2606), so a demo URL that
#: escapes the demo run reaches nobody
DEMO_HOST = "demo.wirewatch.invalid"
#: "now" of the demo wire: fixed, so each run serves the same entries (see the module doc)
DEMO_CLOCK = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def _articles() -> list[dict[str, Any]]:
    raw = resources.files(__package__).joinpath("articles.json").read_text(encoding="utf-8")
    return json.loads(raw)  # type: ignore[no-any-return]


class DemoSite:
    """``with DemoSite() as site: site.feed_url``"""

    def __init__(self) -> None:
        self.articles = _articles()
        now = DEMO_CLOCK
        pages: dict[str, bytes] = {}
        items = []
        for n, a in enumerate(self.articles):
            published = now - timedelta(hours=3 * n + 1)
            body = "".join(f"<p>{html.escape(p)}</p>" for p in a["text"].split("\n"))
            pages[f"/articles/{a['slug']}.html"] = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f"<title>{html.escape(a['title'])}</title>"
                f'<meta property="article:published_time" content="{published.isoformat()}">'
                "</head><body><article>"
                f"<h1>{html.escape(a['title'])}</h1>{body}</article></body></html>"
            ).encode()
            items.append((a, published))
        self._pages = pages
        self._items = items
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                status, ctype = 200, "text/html; charset=utf-8"
                if path == "/feed.xml":
                    body, ctype = site._feed(), "application/rss+xml; charset=utf-8"
                elif path in site._pages:
                    body = site._pages[path]
                else:
                    status, body, ctype = 404, b"not found", "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        """The loopback port the server listens on (random)."""
        return int(self._httpd.server_address[1])

    @property
    def base(self) -> str:
        return f"http://{DEMO_HOST}"

    @property
    def loopback_base(self) -> str:
        """Where the server really is (reached by :meth:`client`'s requests)."""
        return f"http://127.0.0.1:{self.port}"

    def client(self, settings: HttpSettings) -> HttpClient:
        """An HTTP client like ``HttpClient(settings)`` whose requests to :data:`DEMO_HOST` go
        to this server; ``settings.allowed_hosts`` must allow ``DEMO_HOST`` and 127.0.0.1 (the
        guard still checks every request and every connection)."""
        from ingest.guard import AddressGuard
        from ingest.http import GuardedTransport, HttpClient

        guard = AddressGuard(settings.allowed_hosts)
        transport = _ToLoopback(
            GuardedTransport(guard, verify=settings.verify_tls), DEMO_HOST, self.port
        )
        return HttpClient(settings, transport=transport, guard=guard)

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def _feed(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
            "<title>wirewatch demo wire</title>",
            f"<link>{self.base}/</link>",
            "<language>en</language>",
        ]
        for a, published in self._items:
            link = f"{self.base}/articles/{a['slug']}.html"
            parts.append(
                f"<item><title>{html.escape(a['title'])}</title><link>{link}</link>"
                f'<guid isPermaLink="false">demo-{a["slug"]}</guid>'
                f"<pubDate>{format_datetime(published)}</pubDate></item>"
            )
        parts.append("</channel></rss>")
        return "".join(parts).encode("utf-8")

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _ToLoopback(httpx.AsyncBaseTransport):
    """Sends requests for ``host`` to ``127.0.0.1:port`` through ``inner``. The request the
    client holds keeps its URL (a copy is sent), so responses, redirects and the ids made from
    them name ``host``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, host: str, port: int) -> None:
        self.inner = inner
        self.host = host
        self.port = port

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == self.host:
            request = httpx.Request(
                request.method,
                request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port),
                headers=request.headers,
                stream=request.stream,
                extensions=request.extensions,
            )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

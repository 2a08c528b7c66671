"""A real HTTP server on 127.0.0.1 with scriptable routes, and the documents it serves (RSS,
article pages, gzip bombs), for the ingest tests and the benchmarks.

Routes map a path to a function ``(request) -> Reply``; the server records every request
(path, headers) so tests can assert what the client sent. No network beyond loopback.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ingest.http import HttpClient
from wirewatch.config import HttpSettings

# the source checkout (this package is used from an editable install, next to tests/ and bench/)
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
LOOPBACK = "127.0.0.1"


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: send the body in these pieces with ``drip_delay`` seconds between them
    chunks: Iterable[bytes] | None = None
    drip_delay: float = 0.0


Route = Callable[[Seen], Reply]


class LocalServer:
    """``with LocalServer() as srv: srv.route("/feed", fn); srv.url("/feed")``"""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                seen = Seen(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
                )
                with server._lock:
                    server.requests.append(seen)
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    route = server.routes.get(self.path.split("?", 1)[0])
                    reply = route(seen) if route else Reply(404, b"not found")
                    self.send_response(reply.status)
                    headers = dict(reply.headers)
                    if reply.chunks is None:
                        headers.setdefault("Content-Length", str(len(reply.body)))
                    else:
                        headers["Connection"] = "close"
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    try:
                        if reply.chunks is None:
                            self.wfile.write(reply.body)
                        else:
                            for chunk in reply.chunks:
                                self.wfile.write(chunk)
                                self.wfile.flush()
                                time.sleep(reply.drip_delay)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                finally:
                    with server._lock:
                        server.active -= 1

        self.httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, fn: Route | Reply) -> None:
        if isinstance(fn, Reply):
            reply = fn
            self.routes[path] = lambda _seen: reply
        else:
            self.routes[path] = fn

    def url(self, path: str, host: str = LOOPBACK) -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def local_status(port: int, path: str) -> int | None:
    """The HTTP status of ``path`` on 127.0.0.1:``port`` (a worker's /readyz, /healthz), None
    while nothing answers there."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return None


def free_port() -> int:
    """A loopback port nothing listens on now (another process may take it before it is used:
    for a server started later, such as a subprocess's metrics or callback port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client(**overrides: object) -> HttpClient:
    """An HttpClient that may talk to 127.0.0.1, with no per-host delay (tests are fast)."""
    kw: dict[str, object] = {
        "allowed_hosts": [LOOPBACK],
        "per_host_delay": 0.0,
        "total_timeout": 10.0,
    }
    kw.update(overrides)
    return HttpClient(HttpSettings.model_validate(kw))


def rss(
    items: Iterable[dict[str, str]],
    *,
    title: str = "Test feed",
    encoding: str = "utf-8",
    extra_ns: str = "",
) -> bytes:
    """A small RSS 2.0 document; each item maps element names to (already escaped) text."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/" {extra_ns}>',
        f"<channel><title>{title}</title><link>http://news.test/</link><language>en-gb</language>",
    ]
    for item in items:
        parts.append(
            "<item>" + "".join(f"<{k}>{v}</{k.split()[0]}>" for k, v in item.items()) + "</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding)


def gzip_bomb(decoded_size: int) -> bytes:
    """Gzip data that inflates to ``decoded_size`` zero bytes (about 1000:1)."""
    return gzip.compress(b"\0" * decoded_size, compresslevel=9)


ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><link rel="canonical" href="https://news.test/story/{slug}">
<meta name="author" content="Jane Reporter"><meta property="og:site_name" content="News Test">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>
<body><header><nav><a href="/">Home</a></nav></header><article><h1>{title}</h1>
{paragraphs}</article><footer>Copyright News Test</footer></body></html>"""


def article_html(
    title: str = "Floods hit the river towns", slug: str = "floods", paragraphs: int = 8
) -> str:
    ps = "\n".join(
        f"<p>Paragraph {i}: residents of the river towns described how the water rose "
        f"overnight, forcing families to leave their homes while rescue teams worked "
        f"through the night to reach those stranded on rooftops and bridges.</p>"
        for i in range(paragraphs)
    )
    return ARTICLE_HTML.format(title=title, slug=slug, paragraphs=ps)

"""The WebSub callback endpoint: ``GET`` verifications of intent and ``POST`` deliveries.

A stdlib ``ThreadingHTTPServer`` in a daemon thread, like the worker's metrics server
(:mod:`wirewatch.ops.server`): the poll stage's loop is never blocked by a hub. The server only
checks and queues; the poll stage turns queued deliveries into poll results.

Answers (every refusal is counted in ``wirewatch_websub_total{kind,result}`` and logged with a
reason):

    GET  ?hub.mode=subscribe&hub.topic=T&hub.challenge=C
         for a subscription this worker asked for, topic T       200, body C
         anything else (forged, unknown feed, other topic)        404
    GET  ?hub.mode=unsubscribe&hub.topic=T&hub.challenge=C
         while our unsubscribe of a removed feed waits for it     200, body C
         anything else                                            404
    GET  ?hub.mode=denied&hub.topic=T   for our subscription      200 (falls back to polling)
    POST a feed this worker has no subscription for, or a feed    410 (the hub may drop it),
         removed from the feed list (counted as ``removed``)      never queued
         no Content-Length                                        411
         body over websub.max_body_bytes                          413 (not read)
         over the feed's rate, or the inbox full                  429 with Retry-After
         signature missing or wrong                               202, ignored and counted:
                                                                  the spec (section 8) says a
                                                                  subscriber MUST still answer
                                                                  2xx and ignore the message
         signed with the feed's topic secret                      202, queued
    more than websub.max_connections connections at once          503, closed at once
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ingest.websub import Delivery, Inbox, Subscriptions, signature_ok
from wirewatch.config import WebSubSettings
from wirewatch.errors import ConfigError
from wirewatch.metrics import WebSubEvent, emit

__all__ = ["CallbackServer"]

log = logging.getLogger("wirewatch.websub")

#: seconds a connection may take to send its request: a slow sender holds one thread at most
#: this long
READ_TIMEOUT = 10.0


#: seconds between two log lines of the same refusal: a flood is counted in full, and logged
#: once per period with the number left out, so it cannot flood the logs too
LOG_EVERY = 10.0


class _Refusals:
    """Counts every refusal and logs it, one line per reason per LOG_EVERY seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, int]] = {}  # reason -> (when logged, left out since)

    def __call__(self, kind: str, result: str, message: str, feed_id: str | None = None) -> None:
        emit(WebSubEvent(kind, result))
        reason = f"websub.{kind}.{result}"
        now = time.monotonic()
        with self._lock:
            when, quiet = self._last.get(reason, (-LOG_EVERY, 0))
            if now - when < LOG_EVERY:
                self._last[reason] = (when, quiet + 1)
                return
            self._last[reason] = (now, 0)
        more = f" ({quiet} more like it not logged)" if quiet else ""
        log.warning(
            "websub %s refused: %s%s",
            kind,
            message,
            more,
            extra={"reason": reason, "feed_id": feed_id},
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: Any, max_connections: int) -> None:
        self.slots = threading.BoundedSemaphore(max_connections)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # bounded threads: a flood of connections beyond the slots gets a 503 from this thread
        if not self.slots.acquire(blocking=False):
            emit(WebSubEvent("connection", "too_many"))
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n"
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class CallbackServer:
    """The callback endpoint of one worker. ``port`` is the bound port after :meth:`start`."""

    def __init__(self, settings: WebSubSettings, subs: Subscriptions, inbox: Inbox) -> None:
        self.settings = settings
        self.subs = subs
        self.inbox = inbox
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.refused = _Refusals()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start() first"
        return int(self._httpd.server_address[1])

    def start(self) -> CallbackServer:
        s = self.settings
        try:
            httpd = _Server((s.listen_host, s.listen_port), _handler(self), s.max_connections)
        except OSError as exc:
            raise ConfigError(
                f"cannot serve the WebSub callback on {s.listen_host}:{s.listen_port} "
                f"({exc.strerror}): set websub.listen_port (WIREWATCH_WEBSUB__LISTEN_PORT) to a "
                "free port"
            ) from None
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="wirewatch-websub", kwargs={"poll_interval": 0.2}
        )
        self._thread.daemon = True
        self._thread.start()
        log.info(
            "websub callback listening on %s:%d (hubs are given %s/<feed id>)",
            s.listen_host,
            self.port,
            s.callback_base,
        )
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    # ------------------------------------------------------------------ requests
    def feed_of(self, path: str) -> str | None:
        """The feed id in a callback path (its last segment)."""
        segment = urlsplit(path).path.rstrip("/").rpartition("/")[2]
        return unquote(segment) or None

    def verification(self, path: str) -> tuple[int, bytes]:
        feed_id = self.feed_of(path)
        query = parse_qs(urlsplit(path).query, max_num_fields=20)

        def one(name: str) -> str:
            values = query.get(name) or [""]
            return values[0]

        mode, topic, challenge = one("hub.mode"), one("hub.topic"), one("hub.challenge")
        if feed_id is None:
            self.refused("verification", "unknown", "no feed in the callback path")
            return 404, b"not found"
        if mode == "denied":
            if self.subs.denied(feed_id, topic):
                emit(WebSubEvent("verification", "denied"))
                log.warning(
                    "websub hub denied the subscription; the feed is polled at its normal interval",
                    extra={"feed_id": feed_id, "reason": "websub.denied"},
                )
                return 200, b""
            self.refused("verification", "unknown", "a denial for no subscription of ours", feed_id)
            return 404, b"not found"
        if not challenge or len(challenge) > 1024:
            self.refused("verification", "bad_request", "no usable hub.challenge", feed_id)
            return 404, b"not found"
        if not self.subs.verify(feed_id, mode, topic, one("hub.lease_seconds") or None):
            self.refused(
                "verification",
                "unknown",
                f"hub.mode={mode[:20]!r} for a subscription this worker did not ask for",
                feed_id,
            )
            return 404, b"not found"
        if mode == "unsubscribe":
            emit(WebSubEvent("verification", "unsubscribed"))
            log.info(
                "websub unsubscribe verified: the feed was removed", extra={"feed_id": feed_id}
            )
        else:
            emit(WebSubEvent("verification", "live"))
            log.info("websub subscription verified", extra={"feed_id": feed_id})
        return 200, challenge.encode("utf-8")

    def delivery(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str]]:
        feed_id = self.feed_of(handler.path)
        secret = self.subs.secret_of(feed_id) if feed_id else None
        length_text = handler.headers.get("Content-Length")
        try:
            length = int(length_text) if length_text is not None else -1
        except ValueError:
            length = -1
        if feed_id is not None and secret is None and self.subs.is_leaving(feed_id):
            self.refused("delivery", "removed", "a push for a feed removed from the list", feed_id)
            return 410, {}
        if secret is None or feed_id is None:
            self.refused("delivery", "unknown", "no subscription of this worker", feed_id)
            return 410, {}
        if length < 0:
            self.refused("delivery", "no_length", "no Content-Length", feed_id)
            return 411, {}
        if length > self.settings.max_body_bytes:
            self.refused(
                "delivery",
                "oversize",
                f"body of {length} bytes over websub.max_body_bytes "
                f"({self.settings.max_body_bytes})",
                feed_id,
            )
            return 413, {}
        if not self.inbox.admit(feed_id):
            self.refused("delivery", "rate_limited", "over websub.deliveries_per_minute", feed_id)
            return 429, {"Retry-After": "60"}
        body = handler.rfile.read(length)
        if len(body) != length:
            self.refused("delivery", "truncated", "body shorter than its Content-Length", feed_id)
            return 400, {}
        verdict = signature_ok(secret, body, handler.headers.get("X-Hub-Signature"))
        if verdict != "ok":
            self.refused(
                "delivery",
                f"{verdict}_signature",
                f"{verdict} X-Hub-Signature; the delivery is ignored",
                feed_id,
            )
            return 202, {}
        if not self.inbox.put(Delivery(feed_id, body, handler.headers.get("Content-Type") or "")):
            self.refused("delivery", "inbox_full", "over websub.max_pending", feed_id)
            return 429, {"Retry-After": "10"}
        emit(WebSubEvent("delivery", "accepted"))
        return 202, {}


def _handler(server: CallbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = READ_TIMEOUT
        server_version = "wirewatch-websub"
        sys_version = ""

        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if status >= 400:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            try:
                status, body = server.verification(self.path)
            except Exception:  # a bug here must cost one request, not the server thread
                log.exception("websub verification failed", extra={"reason": "websub.crash"})
                status, body = 500, b""
            self._answer(status, body)

        def do_POST(self) -> None:
            try:
                status, headers = server.delivery(self)
            except (TimeoutError, OSError):
                server.refused("delivery", "read_failed", "the sender stopped mid-body")
                self.close_connection = True
                return
            except Exception:
                log.exception("websub delivery failed", extra={"reason": "websub.crash"})
                status, headers = 500, {}
            self._answer(status, b"", headers)

    return Handler

"""A small WebSub hub on 127.0.0.1 for the tests: subscribe requests, verification of intent,
signed content distribution.

``POST /hub`` with ``hub.mode=subscribe`` answers 202 and then, in a thread, verifies intent at
the callback (GET with ``hub.challenge``); a subscription whose callback echoes the challenge
is recorded with its secret and lease. ``hub.mode=unsubscribe`` is verified the same way, and
an echoed challenge ends the subscription of that topic and callback. :meth:`LocalHub.publish`
POSTs a document to every verified subscriber of a topic, signed with ``X-Hub-Signature`` (or
with the signature given). :meth:`LocalHub.stop` takes the hub away (its port refuses connections).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import httpx

from ingest.websub import sign

LOOPBACK = "127.0.0.1"

__all__ = ["HubSubscription", "LocalHub"]


@dataclass
class HubSubscription:
    topic: str
    callback: str
    secret: str | None
    lease_seconds: int
    verified_at: float
    #: the challenge the subscriber echoed
    challenge: str = ""


@dataclass
class SubscribeRequest:
    form: dict[str, str]
    at: float
    verified: bool | None = None  # None: verification not finished yet


@dataclass
class LocalHub:
    """``with LocalHub() as hub: hub.url; hub.publish(topic, body)``"""

    #: lease granted; None grants what the subscriber asked for
    lease_override: int | None = None
    requests: list[SubscribeRequest] = field(default_factory=list)
    subscriptions: dict[tuple[str, str], HubSubscription] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                req = SubscribeRequest(form, time.time())
                with hub._lock:
                    hub.requests.append(req)
                ok = form.get("hub.mode") in ("subscribe", "unsubscribe") and all(
                    form.get(k) for k in ("hub.topic", "hub.callback")
                )
                self.send_response(202 if ok else 400)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")  # stop() leaves no connection behind
                self.close_connection = True
                self.end_headers()
                if ok:  # verification of intent, after the answer (as hubs do)
                    threading.Thread(target=hub._verify, args=(req,), daemon=True).start()

        self.httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://{LOOPBACK}:{self.port}/hub"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._running = False

    def _verify(self, req: SubscribeRequest) -> None:
        form = req.form
        challenge = secrets.token_urlsafe(16)
        lease = self.lease_override or int(form.get("hub.lease_seconds") or 3600)
        params = {
            "hub.mode": form["hub.mode"],
            "hub.topic": form["hub.topic"],
            "hub.challenge": challenge,
            "hub.lease_seconds": str(lease),
        }
        sep = "&" if "?" in form["hub.callback"] else "?"
        try:
            resp = httpx.get(form["hub.callback"] + sep + urlencode(params), timeout=10)
        except httpx.HTTPError:
            req.verified = False
            return
        verified = resp.status_code == 200 and resp.text == challenge
        req.verified = verified
        if verified and form["hub.mode"] == "unsubscribe":
            with self._lock:
                self.subscriptions.pop((form["hub.topic"], form["hub.callback"]), None)
        elif verified:
            with self._lock:
                self.subscriptions[(form["hub.topic"], form["hub.callback"])] = HubSubscription(
                    form["hub.topic"],
                    form["hub.callback"],
                    form.get("hub.secret"),
                    lease,
                    time.time(),
                    challenge,
                )

    # ------------------------------------------------------------------ for the tests
    def subscribed(self, topic: str) -> list[HubSubscription]:
        with self._lock:
            return [s for (t, _cb), s in self.subscriptions.items() if t == topic]

    def subscribe_requests(self, topic: str, mode: str = "subscribe") -> list[SubscribeRequest]:
        with self._lock:
            return [
                r
                for r in self.requests
                if r.form.get("hub.topic") == topic and r.form.get("hub.mode") == mode
            ]

    def publish(
        self,
        topic: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml",
        method: str = "sha256",
        signature: str | None = None,
    ) -> list[int]:
        """Deliver ``body`` to every verified subscriber of ``topic``; their status codes.
        ``signature`` replaces the correct ``X-Hub-Signature`` ("" sends none)."""
        codes = []
        for sub in self.subscribed(topic):
            headers = {"Content-Type": content_type}
            if signature is None and sub.secret:
                headers["X-Hub-Signature"] = sign(sub.secret, body, method)
            elif signature:
                headers["X-Hub-Signature"] = signature
            resp = httpx.post(sub.callback, content=body, headers=headers, timeout=10)
            codes.append(resp.status_code)
        return codes

    def start(self) -> LocalHub:
        self._thread.start()
        self._running = True
        return self

    def stop(self) -> None:
        """The hub goes away: its port no longer accepts connections."""
        if self._running:
            self._running = False
            self.httpd.shutdown()
            self.httpd.server_close()

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for(predicate: Callable[[], object], timeout: float = 30.0, step: float = 0.05) -> bool:
    """Poll ``predicate`` until true or ``timeout`` (a generous deadline, not a timing claim)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())

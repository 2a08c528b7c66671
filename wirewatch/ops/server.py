"""HTTP endpoints of a worker process: ``/metrics``, ``/healthz``, ``/readyz``.

Why a tiny stdlib server: a worker needs three read-only endpoints, the Prometheus exposition
comes from prometheus_client, and a threaded ``http.server`` in a daemon thread keeps the worker
loop (asyncio or blocking Kafka polls) free of any web framework.

Liveness is a *heartbeat*: the worker loop calls :meth:`OpsServer.heartbeat` each turn; a loop
that is stuck (deadlock, a blocked call without timeout) stops touching it and ``/healthz`` turns
503 after ``heartbeat_timeout`` seconds, so the orchestrator restarts the process. Readiness is a
set of named checks; ``/readyz`` answers 503 with a JSON body naming the ones failing.

Checks run on the HTTP server's threads, never on the worker's: they must be cheap and must not
touch a KafkaConsumer (not thread-safe). The usual pattern is for the worker loop to record facts
with :meth:`OpsServer.mark` (``ops.mark("partitions_assigned", bool(consumer.assignment()))``).
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from wirewatch.config import MetricsSettings
from wirewatch.errors import ConfigError
from wirewatch.metrics import REGISTRY

__all__ = ["OpsServer"]

log = logging.getLogger("wirewatch.ops")

Check = Callable[[], bool]
Clock = Callable[[], float]


class OpsServer:
    """HTTP endpoints for Prometheus and the orchestrator's probes.

    ``port=0`` binds any free port (several workers on one host); :attr:`port` is the bound one
    after :meth:`start`. ``fallback_to_any``: when that port is in use, serve on any free port
    instead of failing (the default port that nobody chose: a second worker on one host must
    start as the README says); a port that was set explicitly and is in use is an error.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 9464,
        *,
        heartbeat_timeout: float = 60.0,
        registry: CollectorRegistry = REGISTRY,
        clock: Clock = time.monotonic,
        fallback_to_any: bool = False,
        port_setting: str = "metrics.port (WIREWATCH_METRICS__PORT)",
    ) -> None:
        if heartbeat_timeout <= 0:
            raise ValueError("heartbeat_timeout must be > 0")
        self.host = host
        self._requested_port = port
        self.fallback_to_any = fallback_to_any
        #: what the operator changes when the port cannot be bound (a command's own option
        #: names itself: telling its user to set metrics.port would send them elsewhere)
        self.port_setting = port_setting
        self.heartbeat_timeout = heartbeat_timeout
        self.registry = registry
        self._clock = clock
        self._last_beat = clock()
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._shutting_down = False

    @classmethod
    def from_settings(cls, metrics: MetricsSettings, **kwargs: Any) -> OpsServer:
        """Server bound to ``settings.metrics.host:port``; the default port, when nobody set
        ``metrics.port``, falls back to any free port if it is in use."""
        kwargs.setdefault("fallback_to_any", "port" not in metrics.model_fields_set)
        return cls(metrics.host, metrics.port, **kwargs)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> OpsServer:
        """Bind and serve in a daemon thread; logs the bound port (the one to scrape when the
        configured port is 0). An address that cannot be bound is a :class:`ConfigError`."""
        if self._httpd is not None:
            return self
        server_cls = _V6Server if ":" in self.host else _V4Server
        try:
            httpd = server_cls((self.host, self._requested_port), _handler_for(self))
        except OSError as exc:
            if not (self.fallback_to_any and exc.errno == errno.EADDRINUSE):
                raise ConfigError(self._bind_failure(exc)) from None
            try:
                httpd = server_cls((self.host, 0), _handler_for(self))
            except OSError as exc2:
                raise ConfigError(self._bind_failure(exc2)) from None
            log.warning(
                "metrics port %d (the default) is in use, serving on %d instead: set "
                "metrics.port (WIREWATCH_METRICS__PORT) to choose one",
                self._requested_port,
                httpd.server_address[1],
                extra={"port": httpd.server_address[1]},
            )
        self._httpd = httpd
        self._last_beat = self._clock()  # a fresh process counts as alive
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="wirewatch-ops", kwargs={"poll_interval": 0.2}
        )
        self._thread.daemon = True
        self._thread.start()
        log.info("metrics listening on %s", self.url, extra={"host": self.host, "port": self.port})
        return self

    def _bind_failure(self, exc: OSError) -> str:
        """One line for the operator: which setting to change, and to what."""
        port = self._requested_port
        if exc.errno == errno.EADDRINUSE:
            # typical cause: a second worker on the same host with the default port
            return (
                f"metrics port {port} is in use: set {self.port_setting} to a free port, "
                "or 0 for any free port"
            )
        if exc.errno == errno.EACCES:
            return (
                f"metrics port {port} needs privileges: set {self.port_setting} to a port "
                "above 1023, or 0 for any free port"
            )
        reason = exc.strerror or type(exc).__name__
        return (
            f"cannot serve metrics on {self.host}:{port} ({reason}): set metrics.host "
            "(WIREWATCH_METRICS__HOST) to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0"
        )

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> OpsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("OpsServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # ------------------------------------------------------------------ liveness

    def heartbeat(self) -> None:
        """Called by the worker loop each turn: proof that the loop still makes progress."""
        self._last_beat = self._clock()

    def heartbeat_age(self) -> float:
        return max(0.0, self._clock() - self._last_beat)

    def alive(self) -> bool:
        return self.heartbeat_age() <= self.heartbeat_timeout

    # ------------------------------------------------------------------ readiness

    def add_ready_check(self, name: str, fn: Check) -> None:
        """Register (or replace) a readiness check; it runs on an HTTP thread per request."""
        with self._lock:
            self._checks[name] = fn

    def remove_ready_check(self, name: str) -> None:
        with self._lock:
            self._checks.pop(name, None)

    def mark(self, name: str, ok: bool) -> None:
        """Record a readiness fact from the worker loop (thread-safe; no callable needed)."""
        self.add_ready_check(name, (lambda: True) if ok else (lambda: False))

    def begin_shutdown(self) -> None:
        """Report not-ready from now on so traffic and scaling drain before the process exits."""
        self._shutting_down = True

    def readiness(self) -> dict[str, str]:
        """Each check's state: ``ok``, ``failing`` or ``error:<ExceptionClass>``."""
        with self._lock:
            checks = list(self._checks.items())
        states: dict[str, str] = {}
        if self._shutting_down:
            states["shutting_down"] = "failing"
        for name, fn in checks:
            try:
                states[name] = "ok" if fn() else "failing"
            except Exception as exc:  # a broken check means not ready, never a 500
                states[name] = f"error:{type(exc).__name__}"
        return states

    def ready(self) -> bool:
        return all(v == "ok" for v in self.readiness().values())


class _V4Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a scraper hanging up mid-response is not worth a traceback on stderr
        log.debug("ops request failed", extra={"client": str(client_address)}, exc_info=True)


class _V6Server(_V4Server):
    address_family = socket.AF_INET6


def _handler_for(ops: OpsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "wirewatch-ops"
        sys_version = ""
        routes: ClassVar[dict[str, str]] = {
            "/metrics": "metrics",
            "/healthz": "healthz",
            "/readyz": "readyz",
        }

        def do_GET(self) -> None:
            self._dispatch(body=True)

        def do_HEAD(self) -> None:
            self._dispatch(body=False)

        def _dispatch(self, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            route = self.routes.get(path)
            if route == "metrics":
                encoder, ctype = choose_encoder(self.headers.get("Accept", ""))
                self._send(200, ctype, encoder(ops.registry), body)
            elif route == "healthz":
                age = ops.heartbeat_age()
                if age <= ops.heartbeat_timeout:
                    self._send(200, "text/plain; charset=utf-8", b"ok\n", body)
                else:
                    text = f"heartbeat stale: {age:.1f}s > {ops.heartbeat_timeout:g}s\n"
                    self._send(503, "text/plain; charset=utf-8", text.encode(), body)
            elif route == "readyz":
                states = ops.readiness()
                failing = sorted(k for k, v in states.items() if v != "ok")
                doc: dict[str, Any] = {
                    "status": "not_ready" if failing else "ready",
                    "failing": failing,
                    "checks": states,
                }
                payload = (json.dumps(doc, sort_keys=True) + "\n").encode()
                self._send(503 if failing else 200, "application/json", payload, body)
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n", body)

        def _send(self, status: int, ctype: str, payload: bytes, body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            # probes hit these endpoints every few seconds: debug, never stderr
            log.debug("ops request: " + format, *args)

    return Handler

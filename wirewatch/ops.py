"""Operations surface of a worker process: ``/metrics``, ``/healthz``, ``/readyz``; stale-feed
tracking and consumer-lag sampling.

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

import ctypes
import functools
import gc
import json
import logging
import os
import socket
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from wirewatch.config import MetricsSettings
from wirewatch.metrics import REGISTRY, ConsumerLag, FeedStale, emit

__all__ = [
    "ConsumerLagSampler",
    "FeedActivity",
    "HeapTrimmer",
    "MemoryTrace",
    "OpsServer",
    "StaleFeedTracker",
    "StaleReport",
    "limit_malloc_arenas",
    "resident_bytes",
]

log = logging.getLogger("wirewatch.ops")

Check = Callable[[], bool]
Clock = Callable[[], float]
Emit = Callable[[Any], None]


class OpsServer:
    """HTTP endpoints for Prometheus and the orchestrator's probes.

    ``port=0`` binds a free port (tests); :attr:`port` is the bound one after :meth:`start`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 9464,
        *,
        heartbeat_timeout: float = 60.0,
        registry: CollectorRegistry = REGISTRY,
        clock: Clock = time.monotonic,
    ) -> None:
        if heartbeat_timeout <= 0:
            raise ValueError("heartbeat_timeout must be > 0")
        self.host = host
        self._requested_port = port
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
        """Server bound to ``settings.metrics.host:port``."""
        return cls(metrics.host, metrics.port, **kwargs)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> OpsServer:
        """Bind and serve in a daemon thread. Raises OSError when the address is taken."""
        if self._httpd is not None:
            return self
        server_cls = _V6Server if ":" in self.host else _V4Server
        httpd = server_cls((self.host, self._requested_port), _handler_for(self))
        self._httpd = httpd
        self._last_beat = self._clock()  # a fresh process counts as alive
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="wirewatch-ops", kwargs={"poll_interval": 0.2}
        )
        self._thread.daemon = True
        self._thread.start()
        log.info("ops server listening", extra={"host": self.host, "port": self.port})
        return self

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


# ---------------------------------------------------------------------- stale feeds


@dataclass(frozen=True)
class FeedActivity:
    """What the tracker needs of a feed: its usual interval between new entries (seconds) and the
    time of its last new entry (epoch seconds). Either None: not judged (new or never produced)."""

    feed_id: str
    interval: float | None
    last_new_entry: float | None


@dataclass(frozen=True)
class StaleReport:
    stale: frozenset[str]
    newly_stale: tuple[str, ...]
    recovered: tuple[str, ...]


@dataclass
class StaleFeedTracker:
    """Flags feeds silent for more than ``stale_factor`` times their usual interval.

    Call :meth:`update` every tick with all enabled feeds; it logs one warning per feed when it
    *becomes* stale (and one info line when it recovers), and emits :class:`FeedStale` with the
    current count whenever the stale set changes, not every tick.
    """

    stale_factor: float
    emit: Emit = emit
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("wirewatch.feeds"))
    _stale: set[str] = field(default_factory=set, init=False)
    _emitted: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.stale_factor <= 1:
            raise ValueError("stale_factor must be > 1")

    def is_stale(self, feed: FeedActivity, now: float) -> bool:
        if not feed.interval or feed.interval <= 0 or feed.last_new_entry is None:
            return False
        return now - feed.last_new_entry > self.stale_factor * feed.interval

    def update(self, feeds: Iterable[FeedActivity], now: float) -> StaleReport:
        current: dict[str, tuple[float, float]] = {}  # feed_id -> (silent for, usual interval)
        for f in feeds:
            if f.interval and f.last_new_entry is not None and self.is_stale(f, now):
                current[f.feed_id] = (now - f.last_new_entry, f.interval)
        newly = tuple(sorted(set(current) - self._stale))
        recovered = tuple(sorted(self._stale - set(current)))
        for fid in newly:
            silent, usual = current[fid]
            self.logger.warning(
                "feed stale",
                extra={
                    "feed_id": fid,
                    "reason": "feed.stale",
                    "silent_seconds": round(silent, 1),
                    "usual_interval": round(usual, 1),
                    "stale_factor": self.stale_factor,
                },
            )
        for fid in recovered:
            self.logger.info("feed no longer stale", extra={"feed_id": fid})
        changed = bool(newly or recovered)
        self._stale = set(current)
        if changed or not self._emitted:
            self.emit(FeedStale(len(self._stale)))
            self._emitted = True
        return StaleReport(frozenset(self._stale), newly, recovered)

    @property
    def stale(self) -> frozenset[str]:
        return frozenset(self._stale)


# ---------------------------------------------------------------------- consumer lag


class ConsumerLagSampler:
    """Lag per assigned partition (end offset - position) of a kafka-python ``KafkaConsumer``,
    emitted as :class:`ConsumerLag` (``wirewatch_consumer_lag{stage,topic,partition}``).

    Call from the consumer's own thread (a KafkaConsumer is not thread-safe), e.g. each loop turn
    through :meth:`maybe_sample`, which samples at most every ``interval`` seconds. Partitions
    revoked since the last sample are reported once with lag 0 so a rebalanced-away partition
    does not keep its old value on this pod.
    """

    def __init__(
        self,
        consumer: Any,
        stage: str,
        *,
        interval: float = 15.0,
        timeout_ms: int = 5_000,
        emit: Emit = emit,
        clock: Clock = time.monotonic,
    ) -> None:
        self.consumer = consumer
        self.stage = stage
        self.interval = interval
        self.timeout_ms = timeout_ms
        self._emit = emit
        self._clock = clock
        self._last: float | None = None
        self._previous: set[tuple[str, int]] = set()

    def sample(self) -> dict[tuple[str, int], int]:
        """``{(topic, partition): lag}`` for the current assignment; emits one event each."""
        assigned = list(self.consumer.assignment())
        lags: dict[tuple[str, int], int] = {}
        if assigned:
            ends: Mapping[Any, int] = self.consumer.end_offsets(
                assigned, timeout_ms=self.timeout_ms
            )
            for tp in assigned:
                end = ends.get(tp)
                pos = self.consumer.position(tp, timeout_ms=self.timeout_ms)
                if end is None or pos is None:
                    continue
                lags[(tp.topic, tp.partition)] = max(0, int(end) - int(pos))
        for (topic, partition), lag in lags.items():
            self._emit(ConsumerLag(self.stage, topic, partition, lag))
        for topic, partition in self._previous - set(lags):
            self._emit(ConsumerLag(self.stage, topic, partition, 0))
        self._previous = set(lags)
        self._last = self._clock()
        return lags

    def maybe_sample(self) -> dict[tuple[str, int], int] | None:
        """:meth:`sample` when ``interval`` has passed since the last one, else None."""
        if self._last is not None and self._clock() - self._last < self.interval:
            return None
        return self.sample()


# ---------------------------------------------------------------------- memory tracing


def _proc_status() -> dict[str, int]:
    """``RssAnon``/``RssFile`` etc. of this process in bytes (Linux; empty elsewhere)."""
    out: dict[str, int] = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key.startswith(("Rss", "VmRSS")) and rest.strip().endswith("kB"):
                    out[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return out


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # mallinfo2 layout, glibc >= 2.33
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def malloc_stats() -> dict[str, int]:
    """glibc heap figures over all arenas: ``in_use`` (bytes handed out by malloc), ``free``
    (held by malloc but free: fragmentation, or not yet given back), ``mmap`` (large blocks).
    Empty off glibc."""
    libc = _libc()
    fn = getattr(libc, "mallinfo2", None) if libc is not None else None
    if fn is None:
        return {}
    fn.restype = _MallInfo2
    mi = fn()
    return {"in_use": int(mi.uordblks), "free": int(mi.fordblks), "mmap": int(mi.hblkhd)}


_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


def limit_malloc_arenas(env: Mapping[str, str] | None = None) -> int:
    """Cap glibc's malloc arenas for this process (``mallopt(M_ARENA_MAX)``): the cap applied,
    0 when none was (not glibc, or ``WIREWATCH_MALLOC_ARENA_MAX=0``). Call it before threads
    start. ``WIREWATCH_MALLOC_ARENA_MAX`` (default 1) is the cap.

    Why: glibc gives a thread that contends for the heap an arena of its own, and a fetch
    worker's extraction thread parses pages of up to megabytes there. Freed chunks of two arenas
    fragment apart, and what ``malloc_trim`` cannot hand back moved the worker's RSS at rest by
    a standard deviation of 1.1-1.3 MB between batches (the live heap: 0.3 MB). With one arena:
    0.33 MB, and 3.5 MB less RSS (``bench/README.md``, soak). The worker's threads take turns on
    the GIL anyway, so they seldom wait for the arena lock.
    """
    env = os.environ if env is None else env
    try:
        cap = int(env.get("WIREWATCH_MALLOC_ARENA_MAX", "1") or 1)
    except ValueError:
        log.warning("WIREWATCH_MALLOC_ARENA_MAX is not an integer; arenas left as they are")
        return 0
    libc = _libc() if cap > 0 else None
    mallopt = getattr(libc, "mallopt", None) if libc is not None else None
    if mallopt is None or mallopt(_M_ARENA_MAX, cap) != 1:
        return 0
    return cap


def resident_bytes() -> int | None:
    """This process's resident set size in bytes (Linux ``/proc/self/statm``); None elsewhere."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class HeapTrimmer:
    """Hands the C heap's free memory back to the OS between batches (glibc ``malloc_trim``).

    Why: a fetch worker parses pages of up to megabytes with lxml in a second thread; glibc
    keeps the freed chunks in that thread's arena (and in the main one) and returns to the OS
    only what sits at the top of a heap. Measured in the soak: the Python heap (tracemalloc)
    stayed flat while glibc's *free* bytes grew by some 15 MB in three minutes and RSS with
    them, so RSS drifted up with no live data behind it. ``malloc_trim(0)`` releases free
    pages of every arena (``madvise``), which costs about a millisecond per call on such a
    heap; calling it at most every ``every`` seconds, after a batch, keeps that negligible.
    A no-op where libc has no ``malloc_trim`` (musl, macOS) or when ``every`` is 0.
    """

    def __init__(self, every: float = 5.0, *, clock: Clock = time.monotonic) -> None:
        self.every = every
        self._clock = clock
        self._last = clock()
        libc = _libc() if every > 0 else None
        self._trim = getattr(libc, "malloc_trim", None) if libc is not None else None
        self.trims = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HeapTrimmer:
        """``WIREWATCH_MALLOC_TRIM_EVERY`` seconds between trims (default 5; 0 turns it off,
        e.g. to compare in a soak)."""
        env = os.environ if env is None else env
        return cls(float(env.get("WIREWATCH_MALLOC_TRIM_EVERY", "5") or 5))

    @property
    def available(self) -> bool:
        return self._trim is not None

    def maybe_trim(self) -> bool:
        """Trim when ``every`` seconds have passed since the last trim; True when it ran."""
        if self._trim is None or self._clock() - self._last < self.every:
            return False
        self._trim(0)
        self._last = self._clock()
        self.trims += 1
        return True


def _census() -> Counter[str]:
    """Live objects tracked by the garbage collector, counted by type name (cheap enough to run
    every few seconds, unlike tracemalloc; strings and numbers are not tracked)."""
    return Counter(type(o).__qualname__ for o in gc.get_objects())


class MemoryTrace:
    """Diagnostics for a soak: periodic ``tracemalloc`` snapshots written to a file.

    Why: RSS growth alone cannot tell a Python structure that keeps growing (a cache without
    eviction) from allocator behaviour (freed memory the C heap keeps) or C-library memory
    (libxml2) invisible to Python. ``delay`` seconds in, tracing starts (allocations before that
    are not seen; tracing slows the process, so a delay keeps warm-up realistic); ``interval``
    seconds later a baseline snapshot is taken, and every ``interval`` seconds after that a
    report is appended: RSS (anonymous/file-backed), the Python heap traced by tracemalloc,
    glibc's in-use/free figures, and the allocations grown most since the baseline, grouped by
    traceback (allocation site first). Off unless ``WIREWATCH_TRACEMALLOC=<seconds>``:
    :meth:`from_env` also reads ``WIREWATCH_TRACEMALLOC_DELAY`` (default 0),
    ``WIREWATCH_TRACEMALLOC_DIR`` (default: the working directory) and
    ``WIREWATCH_TRACEMALLOC_FRAMES`` (default 6; 0 = no tracemalloc, report the growth of live
    objects by type instead, which barely slows the process). Runs in a daemon thread.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        interval: float = 30.0,
        *,
        delay: float = 0.0,
        frames: int = 6,
        top: int = 25,
    ) -> None:
        self.path = os.fspath(path)
        self.interval = interval
        self.delay = delay
        self.frames = frames
        self.top = top
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._base: tracemalloc.Snapshot | None = None
        self._census: Counter[str] | None = None
        self._t0 = time.monotonic()

    @classmethod
    def from_env(cls, name: str, env: Mapping[str, str] | None = None) -> MemoryTrace | None:
        env = os.environ if env is None else env
        every = env.get("WIREWATCH_TRACEMALLOC", "").strip()
        if not every:
            return None
        folder = env.get("WIREWATCH_TRACEMALLOC_DIR", ".")
        path = os.path.join(folder, f"tracemalloc-{name}-{os.getpid()}.txt")
        return cls(
            path,
            float(every),
            delay=float(env.get("WIREWATCH_TRACEMALLOC_DELAY", "0")),
            frames=int(env.get("WIREWATCH_TRACEMALLOC_FRAMES", "6")),
        )

    def start(self) -> MemoryTrace:
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="wirewatch-tracemalloc")
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.write_report(final=True)
        if self.frames > 0:
            tracemalloc.stop()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        if self.frames > 0:
            tracemalloc.start(self.frames)
        with open(self.path, "a") as f:
            f.write(f"# tracing from {self._elapsed()}: {self._figures()}\n")
        if self._stop.wait(self.interval):
            return
        if self.frames > 0:
            self._base = self._snapshot()
            self._base.dump(self.path + ".base")
        else:
            self._census = _census()
        with open(self.path, "a") as f:
            f.write(f"# baseline at {self._elapsed()}: {self._figures()}\n")
        while not self._stop.wait(self.interval):
            self.write_report()

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._t0:.0f}s"

    @staticmethod
    def _snapshot() -> tracemalloc.Snapshot:
        return tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__),)
        )

    @staticmethod
    def _figures() -> str:
        mb = 2**20
        st = _proc_status()
        out = (
            f"rss {st.get('VmRSS', 0) / mb:.1f}M (anon {st.get('RssAnon', 0) / mb:.1f}M"
            f" file {st.get('RssFile', 0) / mb:.1f}M)"
        )
        if tracemalloc.is_tracing():
            traced, peak = tracemalloc.get_traced_memory()
            out += f" traced {traced / mb:.1f}M (peak {peak / mb:.1f}M)"
        ms = malloc_stats()
        if ms:
            out += (
                f" malloc in_use {ms['in_use'] / mb:.1f}M free {ms['free'] / mb:.1f}M"
                f" mmap {ms['mmap'] / mb:.1f}M"
            )
        return out + f" gc {gc.get_count()}"

    def write_report(self, *, final: bool = False) -> None:
        if self._census is not None:  # frames=0: object counts by type, no tracemalloc
            now = _census()
            diff = sorted(
                ((n - self._census.get(k, 0), k, n) for k, n in now.items()), reverse=True
            )
            lines = [f"## t={self._elapsed()} {self._figures()}"]
            lines += [f"{d:+9d} {name} (now {n})" for d, name, n in diff[: self.top] if d > 0]
            with open(self.path, "a") as f:
                f.write("\n".join(lines) + "\n")
            return
        if self._base is None or not tracemalloc.is_tracing():
            return
        snap = self._snapshot()
        stats = snap.compare_to(self._base, "traceback")
        stats.sort(key=lambda s: s.size_diff, reverse=True)
        lines = [f"## t={self._elapsed()} {self._figures()}"]
        for s in stats[: self.top]:
            lines.append(
                f"{s.size_diff / 1024:+9.1f} KiB {s.count_diff:+7d} blocks"
                f" (now {s.size / 1024:.1f} KiB)"
            )
            # allocation site first, then its callers
            lines.extend(f"      {fr.filename}:{fr.lineno}" for fr in reversed(s.traceback))
        with open(self.path, "a") as f:
            f.write("\n".join(lines) + "\n")
        if final:
            snap.dump(self.path + ".last")

"""Memory of a long-running worker: resident size, glibc heap figures, arena cap, heap trimming
and soak diagnostics (tracemalloc reports)."""

from __future__ import annotations

import ctypes
import functools
import gc
import logging
import os
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Mapping

__all__ = [
    "HeapTrimmer",
    "MemoryTrace",
    "limit_malloc_arenas",
    "malloc_stats",
    "resident_bytes",
]

log = logging.getLogger("wirewatch.ops")

Clock = Callable[[], float]


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

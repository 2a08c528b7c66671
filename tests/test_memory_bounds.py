"""Long-running workers must not grow without end: the per-host, per-origin and per-feed
structures they keep are bounded, and the soak diagnostics (tracemalloc reports, heap trims)
do what they say. See bench/README.md, "soak.py / soak"."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pytest

from ingest.politeness import HostThrottle
from ingest.robots import RobotsCache
from wirewatch.ops import HeapTrimmer, MemoryTrace, malloc_stats, resident_bytes


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


# --------------------------------------------------------------------------- host throttle


async def _one_request(throttle: HostThrottle, host: str) -> None:
    async with throttle.slot(host):
        pass


def test_host_throttle_forgets_idle_hosts_beyond_its_bound() -> None:
    clock = Clock()
    throttle = HostThrottle(concurrency=2, delay=1.0, max_hosts=5, clock=clock)

    async def many() -> None:
        for i in range(50):
            await _one_request(throttle, f"site{i}.test")
            clock.t += 2.0  # each host's delay window is over before the next one comes

    asyncio.run(many())
    assert throttle.known_hosts <= 5


def test_host_throttle_keeps_busy_hosts_and_open_delay_windows() -> None:
    clock = Clock()
    throttle = HostThrottle(concurrency=1, delay=10.0, max_hosts=2, clock=clock)

    async def scenario() -> tuple[float, float]:
        held = asyncio.Event()
        release = asyncio.Event()

        async def hold() -> None:
            async with throttle.slot("busy.test"):
                held.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await held.wait()
        await _one_request(throttle, "recent.test")  # its next start is 10 s away
        for i in range(20):
            await _one_request(throttle, f"other{i}.test")
        busy = throttle._hosts["busy.test"]
        recent = throttle._hosts["recent.test"]
        release.set()
        await holder
        return busy.next_start, recent.next_start

    busy_next, recent_next = asyncio.run(scenario())
    # neither was forgotten: their delay windows are still the ones their requests opened
    assert busy_next == 1010.0
    assert recent_next == 1010.0


# --------------------------------------------------------------------------- robots.txt


def _robots_fetcher(body: bytes) -> tuple[list[str], object]:
    calls: list[str] = []

    async def fetch(url: str) -> SimpleNamespace:
        calls.append(url)
        return SimpleNamespace(status=200, body=body)

    return calls, fetch


def test_robots_cache_is_an_lru_of_max_origins() -> None:
    calls, fetch = _robots_fetcher(b"User-agent: *\nDisallow: /private/\n")
    cache = RobotsCache(fetch, "wirewatch/1", max_origins=3)  # type: ignore[arg-type]

    async def scenario() -> None:
        for i in range(10):
            assert await cache.allowed(f"http://site{i}.test/a")
        assert await cache.allowed("http://site9.test/b")  # recent: still cached
        assert not await cache.allowed("http://site0.test/private/x")  # evicted: fetched again

    asyncio.run(scenario())
    assert cache.cached_origins <= 3
    assert not cache._locks  # no lock outlives its lookup
    assert calls.count("http://site9.test/robots.txt") == 1
    assert calls.count("http://site0.test/robots.txt") == 2


def test_robots_crawl_delay_is_handed_on_at_every_lookup() -> None:
    _calls, fetch = _robots_fetcher(b"User-agent: *\nCrawl-delay: 7\n")
    seen: list[tuple[str, float]] = []
    cache = RobotsCache(
        fetch,  # type: ignore[arg-type]
        "wirewatch/1",
        on_crawl_delay=lambda host, s: seen.append((host, s)),
    )

    async def scenario() -> None:
        await cache.allowed("http://Slow.test/a")
        await cache.allowed("http://slow.test/b")

    asyncio.run(scenario())
    # once when loaded, again on the cache hit (a throttle may have forgotten the host since)
    assert seen == [("slow.test", 7.0), ("slow.test", 7.0)]


def test_robots_lookups_of_one_origin_load_once() -> None:
    calls, fetch = _robots_fetcher(b"User-agent: *\nAllow: /\n")
    cache = RobotsCache(fetch, "wirewatch/1")  # type: ignore[arg-type]

    async def scenario() -> list[bool]:
        return await asyncio.gather(*(cache.allowed(f"http://one.test/{i}") for i in range(20)))

    assert all(asyncio.run(scenario()))
    assert calls == ["http://one.test/robots.txt"]
    assert not cache._locks


# --------------------------------------------------------------------------- heap trim


def test_heap_trimmer_runs_at_most_every_interval() -> None:
    clock = Clock()
    trimmer = HeapTrimmer(5.0, clock=clock)
    if not trimmer.available:
        pytest.skip("libc has no malloc_trim (not glibc)")
    assert not trimmer.maybe_trim()
    clock.t += 5.0
    assert trimmer.maybe_trim()
    assert not trimmer.maybe_trim()
    clock.t += 5.0
    assert trimmer.maybe_trim()
    assert trimmer.trims == 2


def test_heap_trimmer_off_with_zero_interval() -> None:
    trimmer = HeapTrimmer.from_env({"WIREWATCH_MALLOC_TRIM_EVERY": "0"})
    assert not trimmer.available
    assert not trimmer.maybe_trim()


def test_malloc_stats_reports_heap_figures_on_glibc() -> None:
    stats = malloc_stats()
    if not stats:
        pytest.skip("no mallinfo2 (not glibc >= 2.33)")
    assert stats["in_use"] > 0
    assert set(stats) == {"in_use", "free", "mmap"}


# --------------------------------------------------------------------------- tracemalloc


def _grow(keep: list[str]) -> None:
    keep.extend(f"allocation {i:06d} " * 4 for i in range(20_000))


def test_memory_trace_reports_the_growing_allocation_site(tmp_path: Path) -> None:
    assert MemoryTrace.from_env("x", {}) is None
    trace = MemoryTrace.from_env(
        "unit", {"WIREWATCH_TRACEMALLOC": "3600", "WIREWATCH_TRACEMALLOC_DIR": str(tmp_path)}
    )
    assert trace is not None
    was_tracing = tracemalloc.is_tracing()
    tracemalloc.start(4)
    keep: list[str] = []
    try:
        trace._base = trace._snapshot()
        _grow(keep)
        trace.write_report()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    lines = Path(trace.path).read_text().splitlines()
    assert lines[0].startswith("## t=") and " traced " in lines[0]
    assert "KiB" in lines[1] and "blocks" in lines[1]
    # the largest growth is the list built in _grow: its traceback (indented) names this file
    top = []
    for line in lines[2:]:
        if not line.startswith("      "):
            break
        top.append(line)
    assert any("test_memory_bounds.py" in line for line in top)
    assert len(keep) == 20_000


# --------------------------------------------------------------------------- poll worker


def test_poll_worker_keeps_seen_entries_of_the_current_document_only() -> None:
    """A feed listing its latest 5 items, one new item per poll: the worker keeps 5 seen
    entries however long it runs, and still recognises every item the feed lists."""
    import httpx

    from ingest.feeds import FeedSpec
    from ingest.http import HttpClient
    from ingest.poll_stage import PollStage
    from ingest.poller import Poller
    from tests.ingest_support import rss
    from wirewatch.config import HttpSettings, Settings

    newest = 5

    def handler(request: httpx.Request) -> httpx.Response:
        items = [
            {"title": f"Story {j}", "link": f"http://news.test/s/{j}", "guid": f"g-{j}"}
            for j in range(max(0, newest - 5), newest)
        ]
        return httpx.Response(200, content=rss(items), headers={"Content-Type": "text/xml"})

    worker = PollStage(Settings())
    spec = FeedSpec(url="http://news.test/feed.xml")

    async def run() -> list[int]:
        client = HttpClient(
            HttpSettings(allowed_hosts=["news.test"], per_host_delay=0.0),
            transport=httpx.MockTransport(handler),
        )
        poller = Poller(client, worker.store, worker.settings.poll)
        emitted = []
        try:
            for i in range(40):
                if i:
                    nonlocal newest
                    newest += 1  # the feed publishes one more item
                result = await poller.poll_once(spec, commit=False)
                keep = worker._seen_to_keep(result)
                poller.commit(result)
                worker._remember_seen(spec.feed_id, keep)
                emitted.append(result.new_count)
            result = await poller.poll_once(spec, commit=False)  # nothing new this time
            emitted.append(result.new_count)
        finally:
            await client.aclose()
        return emitted

    emitted = asyncio.run(run())
    assert emitted[0] == 5 and emitted[1:-1] == [1] * 39  # every new item once, none again
    assert emitted[-1] == 0
    assert len(worker._seen_by_feed[spec.feed_id]) == 5
    assert len(worker.store.by_id) == 5
    assert len(worker.store.by_url) == 5


# --------------------------------------------------------------------------- fetch worker


def test_fetched_versions_remember_the_latest_version_of_each_key() -> None:
    from ingest.fetch_stage import FetchedVersions

    done = FetchedVersions(slots=1 << 10)
    assert not done.seen("k1", "v1")
    done.add("k1", "v1")
    assert done.seen("k1", "v1")
    assert not done.seen("k1", "v2")  # an update is fetched again
    assert not done.seen("k2", "v1")
    done.add("k1", "v2")
    assert done.seen("k1", "v2") and not done.seen("k1", "v1")
    with pytest.raises(ValueError):
        FetchedVersions(slots=1000)


def test_fetched_versions_stay_in_fixed_memory_and_keep_recent_keys() -> None:
    """200,000 articles through a 4,096-slot table: no allocation grows with them, and most of
    the last few hundred keys are still recognised (a forgotten one is only fetched again)."""
    from ingest.fetch_stage import FetchedVersions

    done = FetchedVersions(slots=1 << 12)
    for i in range(1000):
        done.add(f"warm-{i}", "v")
    import ingest.fetch_stage as fetch_stage

    # only what the table's own code keeps: threads left by other tests in this process (Kafka
    # clients, servers) allocate while tracemalloc runs, and are not what is measured here
    own = [tracemalloc.Filter(True, fetch_stage.__file__)]
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot().filter_traces(own)
        for i in range(200_000):
            done.add(f"url-{i}", f"2026-11-{i % 28 + 1:02d}")
        after = tracemalloc.take_snapshot().filter_traces(own)
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 4096  # a dict of 200,000 keys would hold tens of MB
    recent = sum(
        done.seen(f"url-{i}", f"2026-11-{i % 28 + 1:02d}") for i in range(199_700, 200_000)
    )
    assert recent >= 270


def test_feed_state_records_restore_tolerantly() -> None:
    """A feedstate record from a newer worker (extra fields) restores; one this version cannot
    read is an error the worker catches (the feed starts afresh), not a crash."""
    import json

    from ingest.poll_stage import StateRecord as _StateRecord
    from ingest.poll_stage import restore_state as _restore_state
    from ingest.state import FeedState, SeenEntry

    state = FeedState(feed_id="f1", url="http://news.test/f.xml", polls=7, document_hash="ab")
    mark = SeenEntry("k", "f1", "e1", "v1", "h1", 1.0)
    record = _StateRecord.build(state, [dict(vars(mark))]).model_dump(mode="json")
    assert _restore_state(json.dumps(record).encode()) == (state, [mark])
    record["state"]["added_in_a_later_version"] = 1
    record["seen"][0]["also_new"] = "x"
    assert _restore_state(json.dumps(record).encode()) == (state, [mark])
    with pytest.raises((ValueError, TypeError, KeyError)):
        _restore_state(b'{"seen": []}')


# --------------------------------------------------------------------------- memory at rest


def test_resident_bytes_matches_the_kernels_figure() -> None:
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc (not Linux)")
    rss = resident_bytes()
    assert rss is not None
    vm_rss = next(
        int(line.split()[1]) * 1024
        for line in status.read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    assert abs(rss - vm_rss) < 8 * 2**20  # the two reads are moments apart


def test_worker_reports_memory_at_rest_after_each_trim() -> None:
    from wirewatch.config import Settings
    from wirewatch.metrics import REGISTRY, MemoryAtRest, emit
    from wirewatch.runners.kafka import build_runner

    worker = build_runner(Settings(), "process")
    try:
        clock = Clock()
        worker.trimmer = HeapTrimmer(5.0, clock=clock)
        if not worker.trimmer.available or resident_bytes() is None:
            pytest.skip("no malloc_trim or no /proc (not glibc on Linux)")
        name, labels = "wirewatch_resident_memory_at_rest_bytes", {"stage": "process"}
        emit(MemoryAtRest("process", 1))  # a marker the next report must replace
        worker.beat()  # no trim due yet: nothing reported
        assert REGISTRY.get_sample_value(name, labels) == 1
        clock.t += 5.0
        worker.beat()
        got = REGISTRY.get_sample_value(name, labels)
        assert got is not None and got > 10 * 2**20  # a Python process with its imports
    finally:
        worker.loop.close()


def _soak_module() -> object:
    import importlib
    import sys

    bench = Path(__file__).resolve().parent.parent / "bench"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    return importlib.import_module("soak")


def _samples(soak: object, rss: list[int], rest: list[int]) -> list[object]:
    sample = soak.Sample  # type: ignore[attr-defined]
    return [
        sample(
            t=10.0 * i,
            rss={"fetch0": r},
            fds={"fetch0": 20},
            threads={"fetch0": 5},
            cpu={"fetch0": 0.0},
            lag={"poll": 0, "fetch": 0, "process": 0},
            counters=[],
            rest={"fetch0": a},
        )
        for i, (r, a) in enumerate(zip(rss, rest, strict=True))
    ]


def test_soak_judges_memory_on_the_at_rest_series_when_workers_report_it() -> None:
    """A batch in hand swings outside RSS by 14 MB at random: that alone leaves 1 %/hour
    unresolved over ten minutes, while a flat at-rest series resolves it; a rising at-rest
    series fails, whatever the outside samples show."""
    import random

    soak = _soak_module()
    rng = random.Random(7)
    n, mb = 120, 2**20
    swinging = [int((98 + rng.random() * 14) * mb) for _ in range(n)]
    flat = [100 * mb + rng.randrange(0, 64 * 1024) for _ in range(n)]
    status, lines = soak.verdict(_samples(soak, swinging, flat), ["fetch0"], 0)  # type: ignore[attr-defined]
    assert status == "PASS", lines
    assert any("PASS fetch0" in line and "at rest" in line for line in lines)

    status, lines = soak.verdict(  # type: ignore[attr-defined]
        _samples(soak, swinging, [-1] * n), ["fetch0"], 0
    )
    assert status == "UNRESOLVED", lines  # no at-rest figures: the outside samples decide

    rising = [100 * mb + i * 40 * 1024 for i in range(n)]  # 40 KB per 10 s = ~14 %/hour
    status, lines = soak.verdict(_samples(soak, flat, rising), ["fetch0"], 0)  # type: ignore[attr-defined]
    assert status == "FAIL", lines


def test_malloc_arena_cap_is_applied_and_can_be_turned_off() -> None:
    from wirewatch.ops import limit_malloc_arenas

    assert limit_malloc_arenas({"WIREWATCH_MALLOC_ARENA_MAX": "0"}) == 0  # off: nothing applied
    assert limit_malloc_arenas({"WIREWATCH_MALLOC_ARENA_MAX": "many"}) == 0  # not a number
    if malloc_stats() == {}:
        pytest.skip("not glibc")
    assert limit_malloc_arenas({}) == 1  # the default cap
    assert limit_malloc_arenas({"WIREWATCH_MALLOC_ARENA_MAX": "4"}) == 4
    limit_malloc_arenas({})  # leave the test process as the workers run


def test_soak_with_too_few_samples_for_a_fit_is_unresolved_not_pass() -> None:
    soak = _soak_module()
    mb = 2**20
    status, lines = soak.verdict(  # type: ignore[attr-defined]
        _samples(soak, [100 * mb] * 10, [-1] * 10), ["fetch0"], 0
    )
    assert status == "UNRESOLVED", lines
    assert any("too few memory samples" in line for line in lines)

"""Pipeline benchmarks through the real broker and Kafka stage workers (not a test).

    WIREWATCH_TEST_BOOTSTRAP=127.0.0.1:9092 .venv/bin/python bench/bench_pipeline.py \
        [--feeds 100] [--items 3] [--drain-fetch 240] [--drain-process 2400] [--drain-rounds 1]
        [--latency-items 30] [--memory-feeds 10000] [--rounds 3] [--all-languages]
        [--only a,b,c,d]

Every figure is measured in this one run, side by side, because the machine is shared and noisy:

(a) end-to-end articles per CPU-second through ``wirewatch worker poll|fetch|process`` (one
    process per stage) on ``--feeds`` loopback feeds of ``--items`` items each, whose items
    link to the real pages of ../shared/corpus/pages (``testkit.pipeline.NewsSite``);
    wall time from the feed import to every article's incidents committed (the process
    group's committed offsets cover the last article record), CPU seconds of the worker
    processes over the same span; divided by bare ``trafilatura.extract`` articles per
    CPU-second on the very same page bodies (goal >= 0.8). ``--rounds`` rounds (bare, pipeline,
    bare, pipeline, ..., bare), each ratio against the faster bare figure beside it, verdict on
    the median round; ``--all-languages`` runs the incident rules on non-English pages too (by
    default the process stage skips them: ``process.languages``);
(b) scale-out of one stage: the fetch (and the process) stage alone, its input topic preloaded
    with the same records in one transaction, drained by 1 worker and by 2 workers (fresh
    topics and group each run; runs in the order 1,2,2,1); records/s from the commit of the
    input to the group's committed offsets covering it; ratio 2/1 (goal >= 1.8x), with the
    records each worker got and the machine's busy cores. Secondary: the (a) workload with two
    workers per stage (with one per stage the stages already run in parallel, so on 2 cores
    that ratio cannot show scale-out);
(c) p95 time from an item appearing in a feed to its incident on the topic, beyond the poll's
    due time: feeds pinned to a short interval, items added while the workers run, latency =
    incident arrival (read_committed consumer) - first feed request after the item was added
    (taken from the server's request log) (goal <= 3 s);
(d) resident memory of one poll worker holding ``--memory-feeds`` feeds (goal <= 300 MB),
    against a 304 server in its own process, sampled after every feed was polled once.

Workers are warmed up (imports, gazetteer, group joins) on a few extra feeds (records in (b))
before timing, so (a) and (b) measure the steady state. CPU of the broker and of the local
servers is not counted. psutil is used when installed, else /proc/<pid>/stat.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402

from ingest import FeedSpec  # noqa: E402
from sinks.kafka import kafka_client_config  # noqa: E402
from testkit.pipeline import (  # noqa: E402
    NewsSite,
    Workers,
    page_bodies,
    stop_processes,
    worker_env,
)
from wirewatch.config import KafkaSettings  # noqa: E402
from wirewatch.kafka_admin import FeedRegistry, create_topics, read_table  # noqa: E402
from wirewatch.topics import Topics, cloudevent_headers, record_value  # noqa: E402

warnings.filterwarnings("ignore")

__all__ = [
    "GroupWatch",
    "PageServer",
    "ProcStats",
    "bench_scaleout",
    "bootstrap",
    "fresh_kafka",
    "linear_slope",
    "main",
    "stage_drain",
    "wait_groups",
]

STAGES = ("poll", "fetch", "process")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def bootstrap() -> str:
    return os.environ.get("WIREWATCH_TEST_BOOTSTRAP", "127.0.0.1:9092")


# --------------------------------------------------------------------------- process figures


class ProcStats:
    """CPU seconds, resident memory, open fds and threads of one process (psutil or /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            import psutil

            self._ps: Any = psutil.Process(pid)
        except ImportError:
            self._ps = None

    def cpu(self) -> float:
        if self._ps is not None:
            t = self._ps.cpu_times()
            return float(t.user + t.system)
        raw = Path(f"/proc/{self.pid}/stat").read_text()
        fields = raw[raw.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def rss(self) -> int:
        if self._ps is not None:
            return int(self._ps.memory_info().rss)
        return int(Path(f"/proc/{self.pid}/statm").read_text().split()[1]) * PAGE_SIZE

    def peak_rss(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return self.rss()

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/task"))


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    vals = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(vals[:8])  # user nice system idle iowait irq softirq steal
    return (total - vals[3] - vals[4]) / CLK_TCK, total / CLK_TCK


def linear_slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 when there are fewer than two points)."""
    if len(xs) < 2:
        return 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 0.0 if den == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den


# --------------------------------------------------------------------------- kafka helpers


def fresh_kafka(partitions: int = 6) -> tuple[str, KafkaSettings]:
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    cfg = KafkaSettings(
        bootstrap_servers=bootstrap(),
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=partitions,
    )
    create_topics(cfg)
    return prefix, cfg


def _admin(cfg: KafkaSettings) -> KafkaAdminClient:
    return KafkaAdminClient(**kafka_client_config(cfg))


def wait_groups(cfg: KafkaSettings, members: dict[str, int], timeout: float = 120) -> None:
    """Wait until every stage group is Stable with the given number of members."""
    admin = _admin(cfg)
    groups = {f"{cfg.group_prefix}.{s}": n for s, n in members.items()}
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                desc = admin.describe_groups(list(groups))
            except Exception:
                desc = {}
            ok = all(
                str(desc.get(g, {}).get("group_state", "")).lower() == "stable"
                and len(desc.get(g, {}).get("members", [])) == n
                for g, n in groups.items()
            )
            if ok:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"stage groups not stable after {timeout:.0f}s: {desc}")
            time.sleep(0.5)
    finally:
        admin.close()


def committed(admin: KafkaAdminClient, group: str) -> dict[TopicPartition, int]:
    try:
        res = admin.list_group_offsets({group: None})
    except Exception:
        return {}
    return {tp: om.offset for tp, om in res.get(group, {}).items() if om.offset >= 0}


class GroupWatch:
    """Follows the articles and dead-letter topics (read_committed) and the process group's
    committed offsets: done when ``expected`` articles (or fetch dead letters) are there and
    the process stage committed past the last article record of every partition."""

    def __init__(self, cfg: KafkaSettings) -> None:
        self.cfg = cfg
        self.topics = Topics(cfg.topic_prefix)
        self.consumer = KafkaConsumer(
            **kafka_client_config(cfg),
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
        )
        tps = [
            TopicPartition(t, p)
            for t in (self.topics.articles, self.topics.deadletter)
            for p in range(cfg.partitions)
        ]
        self.consumer.assign(tps)
        self.consumer.seek_to_beginning(*tps)
        self.admin = _admin(cfg)
        self.articles: set[str] = set()
        self.dead: list[bytes] = []
        self.last_offset: dict[TopicPartition, int] = {}

    def drain(self, timeout_ms: int = 200) -> None:
        for tp, msgs in self.consumer.poll(timeout_ms=timeout_ms).items():
            for m in msgs:
                if tp.topic == self.topics.articles:
                    self.articles.add(m.key.decode())
                    self.last_offset[tp] = max(self.last_offset.get(tp, -1), m.offset)
                else:
                    self.dead.append(m.value)

    def processed(self) -> bool:
        got = committed(self.admin, f"{self.cfg.group_prefix}.process")
        return all(got.get(tp, -1) > off for tp, off in self.last_offset.items())

    def wait(self, expected: int, timeout: float) -> float:
        """Monotonic time at which the run was seen complete."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            if len(self.articles) + len(self.dead) >= expected and self.processed():
                return time.monotonic()
        raise TimeoutError(
            f"incomplete after {timeout:.0f}s: {len(self.articles)} articles, "
            f"{len(self.dead)} dead letters of {expected}"
        )

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()


# --------------------------------------------------------------------------- (a) and (b)


@dataclass
class RunResult:
    workers_per_stage: int
    articles: int
    wall: float
    cpu: dict[str, float] = field(default_factory=dict)
    dead: int = 0
    machine_busy: float = 0.0  # fraction of all cores busy during the timed span

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu.values())

    @property
    def rate(self) -> float:
        return self.articles / self.wall

    @property
    def per_cpu(self) -> float:
        return self.articles / self.cpu_total


def pipeline_run(
    site: NewsSite,
    warm: list[int],
    measured: list[int],
    per_stage: int,
    logs: Path,
    extra_env: dict[str, str] | None = None,
) -> RunResult:
    """Warm the workers on ``warm`` feeds, then time ``measured`` feeds end to end."""
    prefix, cfg = fresh_kafka()
    env = worker_env(
        cfg.bootstrap_servers or "", prefix, WIREWATCH_LOG_LEVEL="WARNING", **(extra_env or {})
    )
    run_dir = logs / f"{prefix}-{per_stage}"
    run_dir.mkdir()
    workers = Workers(env, run_dir)
    urls = site.feed_urls()
    per_feed = len(site.items[measured[0]])
    watch = GroupWatch(cfg)
    try:
        for stage in STAGES:
            for _ in range(per_stage):
                workers.start(stage)
        wait_groups(cfg, dict.fromkeys(STAGES, per_stage))
        FeedRegistry(cfg).put(FeedSpec(url=urls[i]) for i in warm)
        watch.wait(len(warm) * per_feed, 240)
        procs = {s: [ProcStats(p.pid) for p in ps] for s, ps in workers.procs.items()}
        cpu0 = {s: sum(p.cpu() for p in ps) for s, ps in procs.items()}
        m0 = machine_cpu()
        t0 = time.monotonic()
        FeedRegistry(cfg).put(FeedSpec(url=urls[i]) for i in measured)
        t1 = watch.wait((len(warm) + len(measured)) * per_feed, 600)
        cpu1 = {s: sum(p.cpu() for p in ps) for s, ps in procs.items()}
        m1 = machine_cpu()
        n = len(measured) * per_feed
        busy = (m1[0] - m0[0]) / max(m1[1] - m0[1], 1e-9)
        return RunResult(
            per_stage, n, t1 - t0, {s: cpu1[s] - cpu0[s] for s in STAGES}, len(watch.dead), busy
        )
    except TimeoutError:
        print(f"worker logs (tail):\n{workers.logs()[-4000:]}", file=sys.stderr)
        raise
    finally:
        watch.close()
        codes = workers.stop_all()
        if any(codes):
            print(f"   warning: worker exit codes {codes}; logs in {run_dir}", file=sys.stderr)


def bare_per_cpu(bodies: list[tuple[bytes, str]]) -> float:
    """Articles per CPU-second of bare ``trafilatura.extract`` on ``bodies`` (this process)."""
    import trafilatura

    trafilatura.extract(bodies[0][0], url=bodies[0][1])  # warm-up
    c0 = time.process_time()
    for body, url in bodies:
        trafilatura.extract(body, url=url)
    return len(bodies) / (time.process_time() - c0)


def bench_throughput(
    site: NewsSite,
    warm: list[int],
    measured: list[int],
    logs: Path,
    rounds: int = 3,
    extra_env: dict[str, str] | None = None,
) -> None:
    bodies = [
        (site.bodies[(i * 7 + j) % len(site.bodies)], site.server.url(f"/page/{i}/{j}"))
        for i in measured
        for j in site.items[i]
    ]
    # rounds of bare, pipeline, bare: each round's ratio is taken against the faster of the two
    # bare figures around it (the conservative denominator), and the verdict is on the median
    # round, because on this shared machine one run can be 1.5x slower than the next
    bares = [bare_per_cpu(bodies)]
    runs: list[RunResult] = []
    for _ in range(rounds):
        runs.append(pipeline_run(site, warm, measured, 1, logs, extra_env))
        bares.append(bare_per_cpu(bodies))
    ratios = [r.per_cpu / max(bares[k], bares[k + 1]) for k, r in enumerate(runs)]
    print(
        f"[a] {runs[0].articles} articles ({len(measured)} feeds x {len(bodies) // len(measured)}"
        f" items, {len({b for b, _ in bodies})} distinct corpus pages), 1 worker per stage,"
        f" {rounds} rounds{'; env ' + str(extra_env) if extra_env else ''}:"
    )
    for k, one in enumerate(runs):
        print(
            f"  round {k + 1}: wall {one.wall:.1f}s = {one.rate:.1f} articles/s; worker CPU"
            f" {one.cpu_total:.1f}s (poll {one.cpu['poll']:.2f}, fetch {one.cpu['fetch']:.2f},"
            f" process {one.cpu['process']:.2f}); machine {one.machine_busy:.0%} busy;"
            f" dead letters {one.dead}"
        )
        print(
            f"    pipeline {one.per_cpu:.2f} articles/CPU-s; bare trafilatura.extract"
            f" {max(bares[k], bares[k + 1]):.2f} articles/CPU-s (before {bares[k]:.2f}, after"
            f" {bares[k + 1]:.2f}); ratio {ratios[k]:.3f}; fetch stage alone"
            f" {one.articles / one.cpu['fetch'] / max(bares[k], bares[k + 1]):.3f} x bare"
        )
    print(f"    ratio, median of {rounds} rounds: {statistics.median(ratios):.3f}  (goal >= 0.8)")
    one = runs[0]
    two = pipeline_run(site, warm, measured, 2, logs, extra_env)
    cores = os.cpu_count() or 1
    print(
        f"[b'] whole pipeline, 2 workers per stage against (a)'s 1 (secondary: with 1 per stage"
        f" the fetch and process workers already run in parallel): wall {two.wall:.1f}s ="
        f" {two.rate:.1f} articles/s, worker CPU {two.cpu_total:.1f}s ({two.per_cpu:.2f}"
        f" articles/CPU-s); machine {two.machine_busy * cores:.2f} of {cores} cores busy"
        f" (1 per stage, round 1: {one.machine_busy * cores:.2f}); dead letters {two.dead}"
    )
    print(f"     throughput ratio 2/1 = {two.rate / one.rate:.2f}x")


# --------------------------------------------------------------------------- (b) stage drains


Record = tuple[bytes, bytes, list[tuple[str, bytes]]]  # key, value, headers


def _serve_pages(srv: Any) -> None:
    """Child process: serve the page routes of ``srv`` (a bound LocalServer) until killed."""
    srv.__enter__()
    threading.Event().wait()


class PageServer:
    """``/page/<k>`` -> corpus body ``k % len(bodies)``, served by a forked process (its own
    GIL: the bench's Kafka polling does not slow the pages down, and its CPU is on the machine
    busy figure, not on the workers')."""

    def __init__(self, bodies: list[bytes], n: int) -> None:
        from testkit.http import LocalServer, Reply

        srv = LocalServer()
        for k in range(n):
            srv.route(
                f"/page/{k}",
                Reply(200, bodies[k % len(bodies)], {"Content-Type": "text/html; charset=utf-8"}),
            )
        self.url = lambda k: srv.url(f"/page/{k}")
        self.proc = mp.get_context("fork").Process(target=_serve_pages, args=(srv,), daemon=True)
        self.proc.start()
        srv.httpd.server_close()  # the child owns the listening socket now

    def close(self) -> None:
        self.proc.terminate()
        self.proc.join()


def _entry_records(pages: PageServer, ks: Iterable[int]) -> list[Record]:
    """Fetch-stage input: one feed entry per page, as the poll worker publishes them."""
    from ingest import canonicalize_url
    from wirewatch.contracts import FeedEntry, stable_key

    out = []
    for k in ks:
        link = pages.url(k)
        entry = FeedEntry(
            entry_id=f"bench-{k}",
            url_key=stable_key(canonicalize_url(link)),
            feed_id="bench",
            feed_url=pages.url(-1),
            url=canonicalize_url(link),
            link=link,
            title=f"Story {k}",
        )
        value = record_value(entry)
        out.append((entry.url_key.encode(), value, cloudevent_headers(entry, "bench", value=value)))
    return out


def _article_records(bodies: list[bytes], ks: Iterable[int]) -> list[Record]:
    """Process-stage input: the articles the fetch stage makes of the corpus pages (each page
    extracted once here; record k is page ``k % len(bodies)`` under its own URL and id)."""
    from ingest.pages import extract_article
    from wirewatch.contracts import stable_key

    base = [
        extract_article(b, f"http://127.0.0.1/page/{i}", {"Content-Type": "text/html"})
        for i, b in enumerate(bodies)
    ]
    out = []
    for k in ks:
        url = f"http://127.0.0.1/page/{k}"
        art = base[k % len(base)].model_copy(update={"url": url, "article_id": stable_key(url)})
        value = record_value(art)
        out.append((art.article_id.encode(), value, cloudevent_headers(art, "bench", value=value)))
    return out


def _publish(
    cfg: KafkaSettings, topic: str, records: list[Record], *, spread: bool = False
) -> tuple[float, dict[TopicPartition, int], dict[int, int]]:
    """Publish ``records`` in ONE transaction (read_committed workers see all of them at once);
    returns (monotonic time just before the commit, last offset per partition, records per
    partition). Keyed
    partitioning as in production; ``spread`` puts record i on partition i % partitions."""
    p = KafkaProducer(
        **kafka_client_config(cfg),
        transactional_id=f"bench-load-{uuid.uuid4().hex[:8]}",
        enable_idempotence=True,
        acks="all",
    )
    try:
        p.init_transactions()
        p.begin_transaction()
        futs = [
            p.send(
                topic,
                key=k,
                value=v,
                headers=h,
                partition=i % cfg.partitions if spread else None,
            )
            for i, (k, v, h) in enumerate(records)
        ]
        p.flush(timeout=60)
        last: dict[TopicPartition, int] = {}
        count: dict[int, int] = {}
        for f in futs:
            md = f.get(timeout=30)
            tp = TopicPartition(topic, md.partition)
            last[tp] = max(last.get(tp, -1), md.offset)
            count[md.partition] = count.get(md.partition, 0) + 1
        t0 = time.monotonic()
        p.commit_transaction()
        return t0, last, count
    finally:
        p.close()


def _wait_committed(
    admin: KafkaAdminClient, group: str, last: dict[TopicPartition, int], timeout: float
) -> float:
    """Monotonic time at which ``group``'s committed offsets cover every record in ``last``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = committed(admin, group)
        if all(got.get(tp, -1) > off for tp, off in last.items()):
            return time.monotonic()
        time.sleep(0.05)
    raise TimeoutError(f"{group} did not commit past {last} in {timeout:.0f}s: {got}")


def _member_partitions(admin: KafkaAdminClient, group: str) -> list[set[int]]:
    """Partitions of the input topic assigned to each member of ``group``."""
    desc = admin.describe_groups([group]).get(group, {})
    out = []
    for m in desc.get("members", []):
        parts: set[int] = set()
        for tps in (m.get("member_assignment") or {}).get("assigned_partitions", []):
            parts |= set(tps["partitions"])
        out.append(parts)
    return out


@dataclass
class DrainResult:
    stage: str
    workers: int
    records: int
    wall: float
    cpu: list[float]  # per worker process
    shares: list[int]  # measured input records per group member (from its assignment)
    outputs: int  # records on the output topic (warm-up included)
    dead: int
    machine_busy: float

    @property
    def rate(self) -> float:
        return self.records / self.wall


def stage_drain(
    stage: str,
    n_workers: int,
    warm: list[Record],
    measured: list[Record],
    logs: Path,
    extra_env: dict[str, str] | None = None,
    cmd_prefix: list[str] | None = None,
) -> DrainResult:
    """Time ``n_workers`` workers of ``stage`` draining ``measured`` from their input topic.

    Fresh topics and group; workers started, group Stable, warmed on ``warm`` (spread over every
    partition, so each worker has imported, loaded and committed once); then ``measured`` is
    published in one transaction and the clock runs from just before its commit until the
    group's committed offsets (written in the workers' output transactions) cover every
    measured record."""
    prefix, cfg = fresh_kafka()
    topics = Topics(prefix)
    in_topic = topics.entries if stage == "fetch" else topics.articles
    out_topic = topics.articles if stage == "fetch" else topics.incidents
    group = f"{prefix}.{stage}"
    env = worker_env(cfg.bootstrap_servers or "", prefix, WIREWATCH_LOG_LEVEL="WARNING")
    env.update(extra_env or {})
    run_dir = logs / f"{prefix}-{stage}-{n_workers}"
    run_dir.mkdir()
    procs = []
    admin = _admin(cfg)
    try:
        for i in range(n_workers):
            with open(run_dir / f"{stage}-{i}.log", "wb") as log:
                procs.append(
                    subprocess.Popen(
                        [*(cmd_prefix or []), sys.executable, "-m", "wirewatch", "worker", stage],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        wait_groups(cfg, {stage: n_workers})
        _t, last_warm, _c = _publish(cfg, in_topic, warm, spread=True)
        _wait_committed(admin, group, last_warm, 240)
        members0 = _member_partitions(admin, group)
        stats = [ProcStats(p.pid) for p in procs]
        c0 = [s.cpu() for s in stats]
        m0 = machine_cpu()
        t0, last, per_part = _publish(cfg, in_topic, measured)
        t1 = _wait_committed(admin, group, last, 600)
        c1 = [s.cpu() for s in stats]
        m1 = machine_cpu()
        members1 = _member_partitions(admin, group)
        if sorted(map(sorted, members0)) != sorted(map(sorted, members1)):
            print(f"   warning: {group} was rebalanced during the drain", file=sys.stderr)
        shares = [sum(per_part.get(p, 0) for p in parts) for parts in members1]
        outputs = read_table(cfg, out_topic)
        dead = read_table(cfg, topics.deadletter)
    except TimeoutError:
        for f in run_dir.glob("*.log"):
            print(f"{f.name}:\n{f.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise
    finally:
        admin.close()
        codes = stop_processes(procs)
        if any(codes):
            print(f"   warning: worker exit codes {codes}; logs in {run_dir}", file=sys.stderr)
    return DrainResult(
        stage,
        n_workers,
        len(measured),
        t1 - t0,
        [b - a for a, b in zip(c0, c1, strict=True)],
        shares,
        len(outputs),
        len(dead),
        (m1[0] - m0[0]) / max(m1[1] - m0[1], 1e-9),
    )


def bench_scaleout(n_fetch: int, n_process: int, rounds: int, logs: Path) -> None:
    """(b) per stage: 1 worker vs 2 draining the same preloaded input, runs in ABBA order."""
    bodies = page_bodies()
    n_warm = 12
    pages = PageServer(bodies, 2 * (n_warm + n_fetch))
    try:
        inputs = {
            "fetch": (
                _entry_records(pages, range(n_warm)),
                _entry_records(pages, range(n_warm, n_warm + n_fetch)),
            ),
            "process": (
                _article_records(bodies, range(n_warm)),
                _article_records(bodies, range(n_warm, n_warm + n_process)),
            ),
        }
        order = [1, 2, 2, 1] * rounds  # ABBA: drift in the machine's load cancels out
        ncores = os.cpu_count()
        for stage, (warm, measured) in inputs.items():
            res: dict[int, list[DrainResult]] = {1: [], 2: []}
            for n in order:
                res[n].append(stage_drain(stage, n, warm, measured, logs))
            print(
                f"[b] {stage} stage alone, draining {len(measured)} preloaded"
                f" {'entries' if stage == 'fetch' else 'articles'} (6 partitions, fresh topics"
                f" and group per run, runs in the order {order}):"
            )
            for r in res[1] + res[2]:
                if len(r.shares) != r.workers or min(r.shares) == 0:
                    print(f"    warning: a worker got no records: {r.shares}", file=sys.stderr)
                print(
                    f"    {r.workers} worker{'s' if r.workers > 1 else ' '}: {r.wall:5.1f}s ="
                    f" {r.rate:6.1f} records/s; records per worker (by its partitions)"
                    f" {r.shares}; worker CPU"
                    f" {', '.join(f'{c:.1f}s' for c in r.cpu)} ({sum(r.cpu) / r.wall:.2f} cores,"
                    f" {sum(r.cpu) / r.records * 1000:.1f} ms/record); machine"
                    f" {r.machine_busy * (ncores or 1):.2f} of {ncores} cores busy;"
                    f" outputs {r.outputs}, dead letters {r.dead}"
                )
            one = statistics.median(r.rate for r in res[1])
            two = statistics.median(r.rate for r in res[2])
            print(f"    {stage}: 2 workers / 1 worker = {two / one:.2f}x  (goal >= 1.8x)")
            cpu1 = statistics.median(sum(r.cpu) / r.records for r in res[1])
            cpu2 = statistics.median(sum(r.cpu) / r.records for r in res[2])
            print(
                f"    worker CPU per record, 2 workers / 1 worker = {cpu2 / cpu1:.2f} (1.0:"
                f" splitting the input adds no work; the 2/1 ratio is then bounded by free cores)"
            )
    finally:
        pages.close()


# --------------------------------------------------------------------------- (c) latency


def _yields_incidents(site: NewsSite) -> list[bool]:
    """Per page body: does the pipeline make at least one incident of it?"""
    from ingest.pages import extract_article
    from processors.stage import process_article

    out = []
    for k, body in enumerate(site.bodies):
        art = extract_article(body, f"http://127.0.0.1/probe/{k}", {"Content-Type": "text/html"})
        out.append(bool(process_article(art)))
    return out


def bench_latency(n_feeds: int, n_items: int, interval: float, logs: Path) -> None:
    from ingest import canonicalize_url
    from wirewatch.contracts import stable_key

    with NewsSite(n_feeds) as site:
        has_incident = _yields_incidents(site)
        prefix, cfg = fresh_kafka()
        env = worker_env(
            cfg.bootstrap_servers or "",
            prefix,
            WIREWATCH_LOG_LEVEL="WARNING",
            WIREWATCH_POLL__MIN_INTERVAL=str(min(2.0, interval)),
        )
        run_dir = logs / f"{prefix}-latency"
        run_dir.mkdir()
        workers = Workers(env, run_dir)
        arrivals: dict[str, float] = {}
        stop = threading.Event()

        def follow() -> None:
            import json

            c = KafkaConsumer(
                **kafka_client_config(cfg),
                group_id=None,
                enable_auto_commit=False,
                isolation_level="read_committed",
                fetch_max_wait_ms=50,
            )
            tps = [TopicPartition(Topics(prefix).incidents, p) for p in range(cfg.partitions)]
            c.assign(tps)
            c.seek_to_beginning(*tps)
            while not stop.is_set():
                for msgs in c.poll(timeout_ms=100).values():
                    now = time.monotonic()
                    for m in msgs:
                        arrivals.setdefault(json.loads(m.value)["article_id"], now)
            c.close()

        follower = threading.Thread(target=follow, daemon=True)
        watch = GroupWatch(cfg)
        try:
            for stage in STAGES:
                workers.start(stage)
            wait_groups(cfg, dict.fromkeys(STAGES, 1))
            FeedRegistry(cfg).put(FeedSpec(url=u, interval=interval) for u in site.feed_urls())
            watch.wait(n_feeds, 240)  # first items through: steady state from here
            follower.start()
            rng = random.Random(5)
            added: list[tuple[int, str, float]] = []  # feed, article id, monotonic time
            while len(added) < n_items:
                cands = [
                    i
                    for i in range(n_feeds)
                    if len(site.items[i]) < 50
                    and has_incident[(i * 7 + len(site.items[i])) % len(site.bodies)]
                ]
                i = rng.choice(cands)
                t_add = time.monotonic()  # before the add: a poll racing it counts (conservative)
                url = site.add_item(i)
                added.append((i, stable_key(canonicalize_url(url)), t_add))
                time.sleep(rng.uniform(0.2, 1.0))
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not all(a in arrivals for _i, a, _t in added):
                time.sleep(0.5)
        except TimeoutError:
            print(f"worker logs (tail):\n{workers.logs()[-4000:]}", file=sys.stderr)
            raise
        finally:
            stop.set()
            watch.close()
            workers.stop_all()
    beyond, total, waits, missing = [], [], [], 0
    for i, aid, t_add in added:
        polls = [h.at for h in site.server.hits(f"/feed/{i}") if h.at >= t_add]
        if aid not in arrivals or not polls:
            missing += 1
            continue
        beyond.append(arrivals[aid] - polls[0])
        total.append(arrivals[aid] - t_add)
        waits.append(polls[0] - t_add)
    q = statistics.quantiles(beyond, n=20, method="inclusive") if len(beyond) > 1 else beyond
    print(
        f"[c] {len(beyond)} items added to {n_feeds} feeds (interval {interval:g}s, one worker"
        f" per stage){f', {missing} without an incident in time' if missing else ''}:"
    )
    print(
        f"    beyond the poll: p50 {statistics.median(beyond):.2f}s  p95 {q[-1]:.2f}s"
        f"  max {max(beyond):.2f}s  (goal p95 <= 3 s)"
    )
    print(
        f"    waiting for the poll: mean {statistics.fmean(waits):.2f}s; item to incident"
        f" overall: p50 {statistics.median(total):.2f}s  max {max(total):.2f}s"
    )


# --------------------------------------------------------------------------- (d) memory


_304 = (
    b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nCache-Control: max-age=60\r\n'
    b"Content-Length: 0\r\n\r\n"
)


def _serve_304(sock: socket.socket, count: Any) -> None:
    """A keep-alive server answering every request 304 (own process, no GIL sharing)."""

    class Proto(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.t: Any = transport
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while b"\r\n\r\n" in self.buf:
                _req, self.buf = self.buf.split(b"\r\n\r\n", 1)
                self.t.write(_304)
                with count.get_lock():
                    count.value += 1

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Proto, sock=sock)
        await server.serve_forever()

    asyncio.run(main())


def bench_memory(n_feeds: int, logs: Path) -> None:
    ctx = mp.get_context("fork")
    count = ctx.Value("q", 0)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    server = ctx.Process(target=_serve_304, args=(sock, count), daemon=True)
    server.start()
    sock.close()
    prefix, cfg = fresh_kafka()
    env = worker_env(
        cfg.bootstrap_servers or "",
        prefix,
        WIREWATCH_LOG_LEVEL="WARNING",
        WIREWATCH_HTTP__PER_HOST_CONCURRENCY="64",
        # one round only: what is measured is the memory of holding the feeds
        WIREWATCH_POLL__DEFAULT_INTERVAL="3600",
    )
    run_dir = logs / f"{prefix}-memory"
    run_dir.mkdir()
    workers = Workers(env, run_dir)
    try:
        t0 = time.monotonic()
        FeedRegistry(cfg).put(
            FeedSpec(url=f"http://127.0.0.1:{port}/feed/{i}.xml") for i in range(n_feeds)
        )
        t_import = time.monotonic() - t0
        proc = workers.start("poll")
        stats = ProcStats(proc.pid)
        wait_groups(cfg, {"poll": 1})
        t1, c1, n1 = time.monotonic(), stats.cpu(), count.value
        deadline = t1 + 900
        while count.value < n_feeds and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
        t2, c2 = time.monotonic(), stats.cpu()
        polled = count.value
        samples = []
        for _ in range(10):
            samples.append(stats.rss())
            time.sleep(1)
        t3, c3 = time.monotonic(), stats.cpu()
        peak = stats.peak_rss()
    finally:
        workers.stop_all()
        server.terminate()
        server.join()
    print(
        f"[d] poll worker holding {n_feeds} feeds ({polled} polled once, 304 server; import"
        f" {t_import:.1f}s, first round {t2 - t1:.1f}s = {(polled - n1) / (t2 - t1):.0f} polls/s,"
        f" {(c2 - c1) / max(polled - n1, 1) * 1000:.2f} ms CPU/poll):"
    )
    print(
        f"    RSS after the round {max(samples) / 2**20:.0f} MB (peak {peak / 2**20:.0f} MB)"
        f"  (goal <= 300 MB)"
    )
    print(
        f"    CPU with no feed due (scheduler loop over {n_feeds} feeds):"
        f" {(c3 - c2) / (t3 - t2) * 100:.0f}% of a core"
    )


# --------------------------------------------------------------------------- main


def main(argv: Iterable[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=100, help="feeds timed in (a)/(b)")
    ap.add_argument("--items", type=int, default=3, help="items (articles) per feed in (a)/(b)")
    ap.add_argument("--warm-feeds", type=int, default=12, help="warm-up feeds before timing")
    ap.add_argument("--latency-feeds", type=int, default=20)
    ap.add_argument("--latency-items", type=int, default=30, help="items added during (c)")
    ap.add_argument("--interval", type=float, default=5.0, help="feed interval in (c), seconds")
    ap.add_argument("--memory-feeds", type=int, default=10_000)
    ap.add_argument("--drain-fetch", type=int, default=240, help="entries drained in (b)")
    # 2,400: the process stage drains about 190 articles/s per worker, and a drain of a few
    # seconds is dominated by fixed costs (group fetches, the last transaction, offset polling)
    ap.add_argument("--drain-process", type=int, default=2400, help="articles drained in (b)")
    ap.add_argument(
        "--drain-rounds", type=int, default=1, help="(b) runs 1,2,2,1 workers this many times"
    )
    ap.add_argument("--rounds", type=int, default=3, help="(a) rounds; verdict on the median")
    ap.add_argument(
        "--all-languages",
        action="store_true",
        help="(a) with process.languages ['*']: the rules also run on non-English pages",
    )
    ap.add_argument("--only", default="a,b,c,d", help="comma list of a,b,c,d")
    args = ap.parse_args(list(argv) if argv is not None else None)
    only = set(args.only.split(","))
    print(f"broker {bootstrap()}; {os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        logs = Path(tmp)
        if "a" in only:
            n = args.warm_feeds + args.feeds
            with NewsSite(n, args.items) as site:
                bench_throughput(
                    site,
                    list(range(args.warm_feeds)),
                    list(range(args.warm_feeds, n)),
                    logs,
                    args.rounds,
                    {"WIREWATCH_PROCESS__LANGUAGES": '["*"]'} if args.all_languages else None,
                )
        if "b" in only:
            bench_scaleout(args.drain_fetch, args.drain_process, args.drain_rounds, logs)
        if "c" in only:
            bench_latency(args.latency_feeds, args.latency_items, args.interval, logs)
        if "d" in only:
            bench_memory(args.memory_feeds, logs)


if __name__ == "__main__":
    main()

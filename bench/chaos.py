"""Chaos run: the Kafka stage workers against kill -9, a broker outage and hostile pages;
with ``--embedded``, ``wirewatch run`` against a full disk and the same hostile pages.

    .venv/bin/python bench/chaos.py [--items 300] [--hostile 0.05] [--per-stage 2]
    .venv/bin/python bench/chaos.py --embedded [--items 300] [--disk-full 20]

A benchmark, not a test. It starts a PRIVATE single-node broker (deploy/kafka/start.sh on two
free ports, its own data directory; never the shared one, which it stops once), a loopback news
site of ``--items`` feed items on ``--feeds`` feeds, appearing one after another over
``--spread`` seconds, of which a ``--hostile`` share are hostile (a page whose text is 1.4 MB,
a feed item whose description is 1.5 MB, binary bytes served as HTML, a 500, a page that drips
slowly), and ``--per-stage`` ``wirewatch worker`` processes per stage. While they work it kills a
random worker with SIGKILL every ``--kill-every`` seconds (``--kills`` times; the worker is
started again at once) and stops the broker for ``--broker-down`` seconds once (its restart
takes longer). Every two seconds it samples each stage group's committed offsets: a *stall* is
a stretch during which a group had committed input records past its committed offsets and those
offsets did not move.

At the end (every group caught up and the entries no longer growing, or ``--settle`` seconds
after the chaos) it stops the workers, reads every topic with read_committed and prints: entries
in, articles + fetch dead letters out, duplicates (an entry, an article or an incident key
twice), losses (an entry with neither an article nor a dead letter), the longest stall, and
the site's items: how many it served (some feed response listed them), how many became
articles or dead letters with a reason, how many are missing and how many were never served.
(The wait for the end also waits for every item to have been served.) Exit status 0 when nothing
is lost, missing, never served or duplicated and no stall passed ``--max-stall`` seconds, 1
otherwise, 2 when it could not set up.

``--embedded`` (no broker, no Java): one ``wirewatch run`` (continuous, JSONL + SQLite state in a
temporary directory) on the same site. Half-way through ``--spread`` the disk fills for
``--disk-full`` seconds: the run is started through this file's ``_full-disk-run`` wrapper,
which replaces ``os`` in the JSONL sink by a stand-in that, while a flag file exists, lets the
first write take half of its line (what a filling disk does) and refuses every later one with
ENOSPC. (The SQLite state is not hit: its writes happen in C.) After the spell, once every
served item has an article or a dead letter (or ``--settle`` seconds), the run gets SIGTERM;
should anything be missing then, one ``wirewatch run --once`` collects what was handed back.
It prints entries in (distinct items the site served), articles + dead letters out,
duplicates (an entry, an article per entry or a dead letter written twice), losses (a served
item with neither article nor dead letter), torn lines (a line that is not whole JSON) and the
same site items row as above. Exit status 0 when nothing is lost, never served or torn
(duplicates are reported: the embedded mode is at-least-once across a failed write), 1
otherwise, 2 when it could not set up.

A short run: ``--items 40 --feeds 4 --spread 20 --settle 60`` (and, on Kafka, ``--kills 1
--kill-every 10 --broker-down 5``).
"""

from __future__ import annotations

import argparse
import atexit
import errno
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from kafka import KafkaConsumer, TopicPartition  # noqa: E402

from ingest import FeedSpec  # noqa: E402
from testkit.cli import cli_env, run_cli, started_cli, wirewatch_argv  # noqa: E402
from testkit.http import LocalServer, Reply, Seen, article_html, free_port, rss  # noqa: E402
from testkit.pipeline import Workers, stop_processes, worker_env  # noqa: E402
from wirewatch.config import KafkaSettings  # noqa: E402
from wirewatch.kafka_admin import FeedRegistry, create_topics  # noqa: E402
from wirewatch.topics import Topics  # noqa: E402
from wirewatch.topology import TOPOLOGY  # noqa: E402

HTML = {"Content-Type": "text/html; charset=utf-8"}
HOSTILE_KINDS = ("huge_text", "huge_item", "binary", "status_500", "drip")


def _sentences(n_bytes: int, seed: str) -> str:
    out, size, i = [], 0, 0
    while size < n_bytes:
        s = f"Line {i} of report {seed} tells of the flood in district {i * 7919 % 100003}. "
        out.append(s)
        size += len(s)
        i += 1
    return "".join(out)


class Broker:
    """A private broker from deploy/kafka (stopped, started again, wiped at the end)."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.env = {
            **os.environ,
            "WIREWATCH_PYTHON": sys.executable,
            "WIREWATCH_KAFKA_PORT": str(self.port),
            "WIREWATCH_KAFKA_CONTROLLER_PORT": str(free_port()),
        }
        self.bootstrap = f"127.0.0.1:{self.port}"

    def _script(self, name: str, *args: str) -> None:
        # argv: bash and a script of this repository, with a data directory of our own
        subprocess.run(
            ["bash", str(REPO / "deploy" / "kafka" / name), *args],
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._script("start.sh", str(self.data))

    def stop(self, wipe: bool = False) -> None:
        self._script("stop.sh", *(["--wipe"] if wipe else []), str(self.data))


class Site:
    """``feeds`` feeds sharing ``items`` items; a ``hostile`` share of them is hostile."""

    def __init__(self, feeds: int, items: int, hostile: float, seed: int, spread: float) -> None:
        self.server = LocalServer()
        self.spread = spread
        self.t0 = time.monotonic()
        self.feeds = feeds
        rnd = random.Random(seed)
        picks = rnd.sample(range(items), round(items * hostile))
        self.hostile = {i: HOSTILE_KINDS[n % len(HOSTILE_KINDS)] for n, i in enumerate(picks)}
        self.items = items
        self.served: set[int] = set()  # items some feed response listed

    def __enter__(self) -> Site:
        self.server.__enter__()
        for f in range(self.feeds):
            self.server.route(f"/feed/{f}", functools.partial(self._feed, f))
        for i in range(self.items):
            kind = self.hostile.get(i)
            if kind == "huge_text":
                body = (
                    "<html lang='en'><head><title>Huge</title></head><body><article>"
                    + "".join(
                        f"<p>{_sentences(2000, f'{i}-{p}')}</p>" for p in range(700)
                    )  # about 1.4 MB of text
                    + "</article></body></html>"
                ).encode()
                reply = Reply(200, body, HTML)
            elif kind == "binary":
                reply = Reply(200, bytes(range(256)) * 400, HTML)
            elif kind == "status_500":
                reply = Reply(500, b"oops")
            elif kind == "drip":
                page = article_html(title=f"Slow {i}", slug=f"slow{i}").encode()
                reply = Reply(
                    200,
                    b"",
                    HTML,
                    chunks=[page[k : k + 200] for k in range(0, len(page), 200)],
                    drip_delay=0.05,
                )
            else:
                reply = Reply(200, article_html(title=f"Story {i}", slug=f"s{i}").encode(), HTML)
            self.server.route(f"/page/{i}", reply)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def _feed(self, f: int, _seen: Seen) -> Reply:
        items = []
        # items appear one after another over ``spread`` seconds, so the chaos hits work
        revealed = self.items * min(1.0, (time.monotonic() - self.t0) / self.spread)
        for i in range(f, min(self.items, int(revealed) + 1), self.feeds):
            item = {"title": f"Story {i}", "link": self.server.url(f"/page/{i}"), "guid": f"g{i}"}
            if self.hostile.get(i) == "huge_item":
                item["description"] = _sentences(1_500_000, str(i))
            items.append(item)
            self.served.add(i)
        return Reply(200, rss(items, title=f"Feed {f}"), {"Content-Type": "application/rss+xml"})

    def feed_urls(self) -> list[str]:
        return [self.server.url(f"/feed/{f}") for f in range(self.feeds)]


_PAGE = re.compile(r"/page/(\d+)(?!\d)")


def _item_of(text: str | None) -> int | None:
    m = _PAGE.search(text or "")
    return int(m.group(1)) if m else None


def _items_through(
    entries: list[dict[str, Any]], articles: list[dict[str, Any]], letters: list[dict[str, Any]]
) -> tuple[Counter[int | None], Counter[int | None]]:
    """Per site item (its /page/N number): how many articles, and how many dead letters with a
    reason, came of it. A record is tied to its item by its entry (entry_id, url_key) or, for
    one without a known entry, by the page URL in it."""
    item_by_entry: dict[str, int] = {}
    item_by_key: dict[str, int] = {}
    for e in entries:
        i = _item_of(e.get("link"))
        if i is not None:
            item_by_entry[e["entry_id"]] = i
            item_by_key[e["url_key"]] = i
    with_article = Counter(
        item_by_entry.get(a.get("entry_id") or "", _item_of(a.get("url"))) for a in articles
    )
    with_letter = Counter(
        item_by_key.get(d.get("key") or "", _item_of(d.get("payload")))
        for d in letters
        if d.get("reason")
    )
    return with_article, with_letter


def served_verdict(
    items: int, served: set[int], with_article: Counter[Any], with_letter: Counter[Any]
) -> dict[str, Any]:
    """The site's side of the verdict: every item the site has must have been served (listed by
    some feed response: polling went on to the end), and every served item must have become an
    article or a dead letter with a reason. ``ok`` is False when either falls short; polling
    that stops leaves items unserved, items polled but dropped leave them missing."""
    articled = served & set(with_article)
    lettered = (served & set(with_letter)) - articled
    missing = sorted(served - articled - lettered)
    unserved = sorted(set(range(items)) - served)
    return {
        "items": items,
        "served": len(served),
        "articles": len(articled),
        "dead_lettered": len(lettered),
        "missing": missing,
        "unserved": unserved,
        "ok": not missing and not unserved,
    }


def _served_row(v: dict[str, Any]) -> tuple[str, str]:
    return (
        "site items",
        f"{v['items']} on the site, {v['served']} served, {v['articles']} became articles, "
        f"{v['dead_lettered']} dead-lettered, {len(v['missing'])} missing {v['missing'][:10]}, "
        f"{len(v['unserved'])} never served {v['unserved'][:10]}",
    )


def _read(bootstrap: str, topic: str) -> list[Any]:
    c = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=4000,
    )
    parts = c.partitions_for_topic(topic) or set()
    c.assign([TopicPartition(topic, p) for p in parts])
    out = list(c)
    c.close()
    return out


class Progress:
    """Committed offsets against end offsets per stage group; the longest stall."""

    def __init__(self, bootstrap: str, prefix: str, partitions: int) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.partitions = partitions
        self.last: dict[str, tuple[dict[int, int], float]] = {}
        self.longest: dict[str, float] = Counter()
        self.stuck_since: dict[str, float | None] = {}

    def _pending(self, stage: str) -> tuple[dict[int, int], int]:
        """The group's committed offsets, and how many committed input records lie past them
        (read with read_committed: transaction markers and aborted records are not input)."""
        topic = f"{self.prefix}.{TOPOLOGY.stage(stage).input}.v1"
        c = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=f"{self.prefix}.{stage}",
            isolation_level="read_committed",
            enable_auto_commit=False,
            request_timeout_ms=5000,
        )
        try:
            tps = [TopicPartition(topic, p) for p in range(self.partitions)]
            ends = c.end_offsets(tps)
            committed = {tp.partition: c.committed(tp) or 0 for tp in tps}
            behind = [tp for tp in tps if ends[tp] > committed[tp.partition]]
            pending = 0
            if behind:
                c.assign(behind)
                for tp in behind:
                    c.seek(tp, committed[tp.partition])
                for _ in range(3):  # a few fetches: markers alone give empty ones
                    pending += sum(len(v) for v in c.poll(timeout_ms=700).values())
                    if pending:
                        break
        finally:
            c.close()
        return committed, pending

    def sample(self) -> dict[str, int]:
        """Committed input records still to do, per stage (0: caught up, as far as one poll
        can tell); updates the stall figures. A failed read (broker down) is skipped."""
        pending_by_stage = {}
        now = time.monotonic()
        for stage in ("fetch", "process"):
            try:
                committed, pending = self._pending(stage)
            except Exception:  # broker down: the stall clock keeps running
                continue
            pending_by_stage[stage] = pending
            prev = self.last.get(stage)
            moved = prev is None or prev[0] != committed
            self.last[stage] = (committed, now)
            since = self.stuck_since.get(stage)
            if not pending:
                self.stuck_since[stage] = None
            elif moved or since is None:
                self.stuck_since[stage] = now
            else:
                self.longest[stage] = max(self.longest[stage], now - since)
        return pending_by_stage


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--feeds", type=int, default=30)
    ap.add_argument("--hostile", type=float, default=0.05)
    ap.add_argument("--per-stage", type=int, default=2)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--kill-every", type=float, default=20.0)
    ap.add_argument("--broker-down", type=float, default=20.0)
    ap.add_argument("--settle", type=float, default=300.0, help="s to catch up after the chaos")
    ap.add_argument("--max-stall", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--spread", type=float, default=120.0, help="s over which items appear")
    ap.add_argument("--keep-logs", action="store_true")
    ap.add_argument(
        "--embedded", action="store_true", help="wirewatch run (JSONL + SQLite) on a full disk"
    )
    ap.add_argument("--disk-full", type=float, default=20.0, help="s the disk stays full")
    args = ap.parse_args(argv)
    if args.embedded:
        return _embedded(args)
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        print("chaos: needs Java for its private broker (deploy/kafka)", file=sys.stderr)
        return 2
    rnd = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="ww-chaos-"))
    broker = Broker(work / "kafka")
    try:
        broker.start()
    except subprocess.CalledProcessError as exc:
        print(f"chaos: private broker did not start: {exc}", file=sys.stderr)
        return 2
    prefix = f"chaos{os.getpid()}"
    partitions = 4
    cfg = KafkaSettings(bootstrap_servers=broker.bootstrap, topic_prefix=prefix, partitions=4)
    procs: list[Any] = []
    try:
        create_topics(cfg)
        with Site(args.feeds, args.items, args.hostile, args.seed, args.spread) as site:
            FeedRegistry(cfg).put([FeedSpec(url=u) for u in site.feed_urls()])
            logs = work / "logs"
            logs.mkdir()
            workers = Workers(
                worker_env(
                    broker.bootstrap,
                    prefix,
                    WIREWATCH_HTTP__READ_TIMEOUT="5",
                    WIREWATCH_HTTP__TOTAL_TIMEOUT="15",
                    # feeds polled every few seconds: items are seen soon after they appear
                    WIREWATCH_POLL__DEFAULT_INTERVAL="5",
                    WIREWATCH_POLL__MAX_INTERVAL="10",
                ),
                logs,
            )
            for stage in TOPOLOGY.stage_names():
                for _ in range(args.per_stage):
                    workers.start(stage)
            print(
                f"chaos: broker {broker.bootstrap}, {args.items} items on {args.feeds} feeds, "
                f"{len(site.hostile)} hostile {dict(Counter(site.hostile.values()))}, "
                f"{args.per_stage} workers per stage, logs {logs}",
                flush=True,
            )
            progress = Progress(broker.bootstrap, prefix, partitions)
            t0 = time.monotonic()
            events = [(args.kill_every * (k + 1), "kill") for k in range(args.kills)]
            events.append((args.kill_every * 2.5, "broker"))
            events.sort()
            late = 0.0  # an event that took long (the broker restart) pushes the later ones
            for at, what in events:
                while time.monotonic() - t0 < at + late:
                    progress.sample()
                    time.sleep(2)
                if what == "kill":
                    stage = rnd.choice(TOPOLOGY.stage_names())
                    workers.kill9(stage)
                    workers.start(stage)
                    t = time.monotonic() - t0
                    print(f"chaos: t={t:.0f}s kill -9 a {stage} worker, restarted", flush=True)
                else:
                    broker.stop()
                    print(f"chaos: t={time.monotonic() - t0:.0f}s broker stopped", flush=True)
                    down = time.monotonic()
                    while time.monotonic() - down < args.broker_down:
                        time.sleep(1)
                    broker.start()
                    back = time.monotonic() - down
                    late += back
                    print(f"chaos: broker back after {back:.0f}s (restart included)", flush=True)
            deadline = time.monotonic() + args.settle
            entries_seen = -1
            while time.monotonic() < deadline:
                lags = progress.sample()
                n = len(_read(broker.bootstrap, f"{prefix}.entries.v1"))
                revealed = time.monotonic() - site.t0 >= args.spread
                settled = lags and not any(lags.values()) and n == entries_seen and n > 0
                if settled and revealed and len(site.served) == args.items:
                    break  # every item served, entries stopped growing, every group caught up
                entries_seen = n
                time.sleep(5)
            procs = [p for ps in workers.procs.values() for p in ps]
            codes = stop_processes(procs)
            elapsed = time.monotonic() - t0
        served = set(site.served)
        return _report(
            broker.bootstrap, prefix, progress, codes, elapsed, args.max_stall, args.items, served
        )
    finally:
        stop_processes([p for p in procs if p.poll() is None])
        try:
            broker.stop(wipe=True)
        except subprocess.CalledProcessError:
            print(f"chaos: could not stop the private broker in {broker.data}", file=sys.stderr)
        if not args.keep_logs:
            shutil.rmtree(work, ignore_errors=True)


def _report(
    bootstrap: str,
    prefix: str,
    progress: Progress,
    codes: list[int],
    elapsed: float,
    max_stall: float,
    items: int,
    served: set[int],
) -> int:
    def read(kind: str) -> list[dict[str, Any]]:
        return [json.loads(m.value) for m in _read(bootstrap, f"{prefix}.{kind}.v1")]

    entries, articles = read("entries"), read("articles")
    incidents, letters = read("incidents"), read("deadletter")
    fetch_letters = [d for d in letters if d["stage"] == "fetch"]
    entry_keys = Counter(e["url_key"] for e in entries if not e.get("is_update"))
    article_by_entry = Counter(a.get("entry_id") for a in articles)
    letter_keys = Counter(d.get("key") for d in fetch_letters)
    dup_entries = sum(n - 1 for n in entry_keys.values() if n > 1)
    dup_articles = sum(n - 1 for n in article_by_entry.values() if n > 1)
    dup_incidents = sum(
        n - 1 for n in Counter(i["incident_id"] for i in incidents).values() if n > 1
    )
    by_key = {e["url_key"]: e for e in entries}
    lost = [
        k
        for k, e in by_key.items()
        if k not in letter_keys and e["entry_id"] not in article_by_entry
    ]
    verdict = served_verdict(items, served, *_items_through(entries, articles, letters))
    stall = max(progress.longest.values(), default=0.0)
    truncated = sum(bool(a.get("truncated")) for a in articles)
    fetch_reasons = dict(Counter(d["reason"] for d in fetch_letters))
    other = dict(Counter(f"{d['stage']}:{d['reason']}" for d in letters if d["stage"] != "fetch"))
    stalls = {k: round(v) for k, v in progress.longest.items()}
    rows = [
        ("entries in", f"{len(entry_keys)}"),
        ("articles out", f"{len(article_by_entry)} ({truncated} truncated)"),
        ("fetch dead letters", f"{len(letter_keys)} {fetch_reasons}"),
        ("other dead letters", f"{other}"),
        ("incidents", f"{len(incidents)}"),
        (
            "duplicates",
            f"entries {dup_entries}, articles {dup_articles}, incidents {dup_incidents}",
        ),
        ("lost", f"{len(lost)}"),
        ("longest stall", f"{stall:.0f}s {stalls}"),
        _served_row(verdict),
    ]
    print(f"chaos: ran {elapsed:.0f}s; worker exit codes {codes}")
    for name, value in rows:
        print(f"  {name:<20} {value}")
    ok = (
        not lost
        and not (dup_entries or dup_articles or dup_incidents)
        and stall <= max_stall
        and verdict["ok"]
    )
    print(f"chaos: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


# ---------------------------------------------------------------- --embedded: a full disk


class _FullDisk:
    """Stands in for ``os`` in the JSONL sink of the ``wirewatch run`` under test. While the
    flag file exists the disk is full: the first write of the spell takes half of its bytes,
    as a file system with a little room left does, and every later one fails with ENOSPC."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag
        self.took_part = False
        self.refused = 0
        self.cut_short = 0

    def write(self, fd: int, data: Any) -> int:
        if not self.flag.exists():
            self.took_part = False
            return os.write(fd, data)
        if not self.took_part and len(data) > 1:
            self.took_part = True
            self.cut_short += 1
            return os.write(fd, bytes(data[: len(data) // 2]))
        self.refused += 1
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


def _full_disk_run(argv: list[str]) -> int:
    """``_full-disk-run FLAG ARGS...``: ``wirewatch ARGS...`` with the full-disk stand-in."""
    import sinks.jsonl
    from wirewatch.cli import main as wirewatch_main

    disk = _FullDisk(Path(argv[0]))
    sinks.jsonl.os = disk  # type: ignore[assignment]
    atexit.register(
        lambda: print(
            f"full disk: {disk.refused} writes refused, {disk.cut_short} cut short",
            file=sys.stderr,
        )
    )
    sys.argv = ["wirewatch", *argv[1:]]
    wirewatch_main()
    return 0


def _jsonl_rows(out: Path) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Every whole JSON line of each ``*.jsonl`` in ``out`` by file stem, and the number of
    torn lines (not whole JSON)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    torn = 0
    for path in sorted(out.glob("*.jsonl")):
        kept = rows.setdefault(path.stem, [])
        data = path.read_bytes()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for line in lines:
            try:
                kept.append(json.loads(line))
            except ValueError:
                torn += 1
    return rows, torn


def _embedded_figures(out: Path, site: Site) -> dict[str, Any]:
    rows, torn = _jsonl_rows(out)
    topics = Topics()

    def of(kind: str) -> list[dict[str, Any]]:
        return rows.get(topics.name(kind), [])

    entries, articles, letters = of("entries"), of("articles"), of("deadletter")
    with_article, with_letter = _items_through(entries, articles, letters)
    entry_count = Counter(e["url_key"] for e in entries if not e.get("is_update"))
    served = set(site.served)
    lost = sorted(i for i in served if i not in with_article and i not in with_letter)
    return {
        "verdict": served_verdict(site.items, served, with_article, with_letter),
        "served": served,
        "entries": entry_count,
        "articles": with_article,
        "letters": with_letter,
        "reasons": Counter(f"{d['stage']}:{d['reason']}" for d in letters),
        "truncated": sum(bool(a.get("truncated")) for a in articles),
        "lost": lost,
        "torn": torn,
        "torn_files": {p.name: p.stat().st_size for p in out.glob("*.torn")},
    }


def _summary(stderr: str) -> dict[str, Any]:
    """The run's closing JSON line (stats), or {} when it ended without one."""
    for line in reversed(stderr.strip().splitlines()):
        if line.startswith('{"feeds"'):
            try:
                parsed: dict[str, Any] = json.loads(line)
                return parsed
            except ValueError:
                break
    return {}


def _embedded(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="ww-chaos-disk-"))
    out, flag = work / "out", work / "disk-full"
    env = cli_env(
        WIREWATCH_HTTP__READ_TIMEOUT="5",
        WIREWATCH_HTTP__TOTAL_TIMEOUT="15",
        WIREWATCH_HTTP__PER_HOST_CONCURRENCY="16",
        # feeds polled every few seconds: items are seen soon after they appear
        WIREWATCH_POLL__DEFAULT_INTERVAL="5",
        WIREWATCH_POLL__MAX_INTERVAL="10",
    )
    run = wirewatch_argv("run")
    try:
        with Site(args.feeds, args.items, args.hostile, args.seed, args.spread) as site:
            feeds = work / "feeds.yaml"
            feeds.write_text("feeds:\n" + "".join(f"  - url: {u}\n" for u in site.feed_urls()))
            log = (work / "run.log").open("w")
            # argv: this interpreter, this file's wrapper, then wirewatch's own arguments
            wrapped = [
                sys.executable,
                str(Path(__file__).resolve()),
                "_full-disk-run",
                str(flag),
                *run[3:],
                *("--feeds", str(feeds), "--out", str(out)),
            ]
            with started_cli(wrapped, env, stderr=log.fileno()) as proc:
                print(
                    f"chaos: embedded `wirewatch run`, {args.items} items on {args.feeds} feeds, "
                    f"{len(site.hostile)} hostile {dict(Counter(site.hostile.values()))}, "
                    f"out {out}",
                    flush=True,
                )
                t0 = time.monotonic()
                while time.monotonic() - t0 < args.spread / 2 and proc.poll() is None:
                    time.sleep(1)
                flag.touch()
                print(f"chaos: t={time.monotonic() - t0:.0f}s disk full (ENOSPC)", flush=True)
                time.sleep(args.disk_full)
                flag.unlink()
                print(f"chaos: t={time.monotonic() - t0:.0f}s disk has room again", flush=True)
                deadline = time.monotonic() + args.settle
                while time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(5)
                    figures = _embedded_figures(out, site)
                    revealed = time.monotonic() - site.t0 >= args.spread
                    if revealed and len(figures["served"]) == args.items and not figures["lost"]:
                        break
                stop_processes([proc], timeout=120)  # SIGTERM; killed if still up after that
            log.close()
            stderr = (work / "run.log").read_text()
            elapsed = time.monotonic() - t0
            figures = _embedded_figures(out, site)
            once = None
            if figures["lost"]:  # what the stop handed back: the next run collects it
                once = run_cli(
                    [*run, "--once", "--feeds", str(feeds), "--out", str(out)], env, timeout=600
                )
                figures = _embedded_figures(out, site)
        return _embedded_report(proc.returncode, stderr, once, figures, elapsed)
    finally:
        if args.keep_logs:
            print(f"chaos: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _embedded_report(
    code: int,
    stderr: str,
    once: subprocess.CompletedProcess[str] | None,
    f: dict[str, Any],
    elapsed: float,
) -> int:
    stats = _summary(stderr)
    disk = [x for x in stderr.splitlines() if x.startswith("full disk: ")]
    tracebacks = stderr.count("Traceback") + (once.stderr.count("Traceback") if once else 0)
    dup_entries = sum(n - 1 for n in f["entries"].values() if n > 1)
    dup_articles = sum(n - 1 for n in f["articles"].values() if n > 1)
    dup_letters = sum(n - 1 for n in f["letters"].values() if n > 1)
    articles = len(set(f["articles"]) - {None})
    letters = len(set(f["letters"]) - {None} - set(f["articles"]))
    rows = [
        ("entries in", f"{len(f['served'])} served, {len(f['entries'])} entries"),
        ("articles out", f"{articles} ({f['truncated']} truncated)"),
        ("dead letters", f"{letters} items {dict(f['reasons'])}"),
        (
            "write failures",
            f"{stats.get('write_failures', '?')} poll groups (re-polled), "
            f"handed back {stats.get('handed_back', '?')}",
        ),
        (
            "duplicates",
            f"entries {dup_entries}, articles {dup_articles}, dead letters {dup_letters}",
        ),
        ("writes", disk[-1] if disk else "full disk: no count (the run did not exit)"),
        ("lost", f"{len(f['lost'])} {f['lost'][:10]}"),
        ("torn lines", f"{f['torn']} (moved to .torn: {f['torn_files']})"),
        ("tracebacks", f"{tracebacks}"),
        _served_row(f["verdict"]),
    ]
    extra = "" if once is None else f"; --once pass exit {once.returncode}"
    print(f"chaos: ran {elapsed:.0f}s; `wirewatch run` exit {code}{extra}")
    for name, value in rows:
        print(f"  {name:<20} {value}")
    ok = not f["lost"] and not f["torn"] and not tracebacks and code == 0 and f["verdict"]["ok"]
    print(f"chaos: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["_full-disk-run"]:
        sys.exit(_full_disk_run(sys.argv[2:]))
    sys.exit(main())

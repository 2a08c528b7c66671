"""Harness for full-pipeline tests: a loopback news site with N feeds whose items link to real
article pages, worker subprocesses (`wirewatch worker STAGE`), and read_committed topic reads.
"""

from __future__ import annotations

import functools
import gzip
import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from testkit.cli import cli_env
from testkit.http import CORPUS, REPO, LocalServer, Reply, Seen, article_html, rss

SEED_ARTICLE = REPO / "tests" / "fixtures" / "seed-article.json"


def _seed_html() -> str:
    seed = json.loads(SEED_ARTICLE.read_text())
    paras = "".join(f"<p>{p}</p>" for p in seed["text"].split("\n"))
    return (
        f"<html><head><title>{seed['title']}</title></head><body><article>"
        f"<h1>{seed['title']}</h1>{paras}</article></body></html>"
    )


def page_bodies() -> list[bytes]:
    """Real pages from ../shared/corpus/pages when present, else pages written here."""
    pages = sorted((CORPUS / "pages").glob("*.html.gz")) if CORPUS.is_dir() else []
    bodies = [gzip.decompress(p.read_bytes()) for p in pages]
    bodies.append(_seed_html().encode())
    if len(bodies) == 1:
        bodies += [article_html(title=f"Floods story {i}", slug=f"s{i}").encode() for i in range(5)]
    return bodies


class NewsSite:
    """N feeds (/feed/<i>), item i links to /page/<i>; items can be added while running."""

    def __init__(self, n_feeds: int, items_per_feed: int = 1) -> None:
        self.server = LocalServer()
        self.bodies = page_bodies()
        self.n = n_feeds
        self.items: dict[int, list[int]] = {i: list(range(items_per_feed)) for i in range(n_feeds)}
        self.added_at: dict[str, float] = {}

    def __enter__(self) -> NewsSite:
        self.server.__enter__()
        for i in range(self.n):
            self.server.route(f"/feed/{i}", functools.partial(self._feed_route, i))
            for j in range(50):
                body = self.bodies[(i * 7 + j) % len(self.bodies)]
                self.server.route(
                    f"/page/{i}/{j}", Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})
                )
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def _feed_route(self, i: int, _seen: Seen) -> Reply:
        return self._feed(i)

    def _feed(self, i: int) -> Reply:
        items = [
            {
                "title": f"Story {i}-{j}",
                "link": self.server.url(f"/page/{i}/{j}"),
                "guid": f"story-{i}-{j}",
            }
            for j in self.items[i]
        ]
        return Reply(200, rss(items, title=f"Feed {i}"), {"Content-Type": "application/rss+xml"})

    def add_item(self, i: int) -> str:
        j = len(self.items[i])
        self.items[i].append(j)
        url = self.server.url(f"/page/{i}/{j}")
        self.added_at[url] = time.time()
        return url

    def feed_urls(self) -> list[str]:
        return [self.server.url(f"/feed/{i}") for i in range(self.n)]

    def expected_urls(self) -> set[str]:
        return {self.server.url(f"/page/{i}/{j}") for i, js in self.items.items() for j in js}


def worker_env(bootstrap: str, prefix: str, **extra: str) -> dict[str, str]:
    """The environment of a worker subprocess on topics and groups under ``prefix``."""
    kafka = {
        "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "WIREWATCH_KAFKA__TOPIC_PREFIX": prefix,
        "WIREWATCH_KAFKA__GROUP_PREFIX": prefix,
        "WIREWATCH_HTTP__ALLOWED_HOSTS": '["127.0.0.1"]',
        # every feed of the test lives on one host: politeness would serialise the run
        "WIREWATCH_HTTP__PER_HOST_CONCURRENCY": "32",
        "WIREWATCH_POLL__MIN_INTERVAL": "2",
        "WIREWATCH_POLL__DEFAULT_INTERVAL": "30",
        "WIREWATCH_LOG_LEVEL": "INFO",
    }
    return cli_env(**{**kafka, **extra})


class Workers:
    """Worker subprocesses by stage; kill -9, restart, stop gracefully."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.procs: dict[str, list[subprocess.Popen[bytes]]] = {}

    def start(self, stage: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start one worker of ``stage``; ``env`` adds to (overrides) the shared environment."""
        n = sum(len(v) for v in self.procs.values())
        log = open(self.log_dir / f"{stage}-{n}.log", "wb")
        # argv is this interpreter and wirewatch itself; only the stage name varies
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "wirewatch", "worker", stage],
            env=self.env if not env else {**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.setdefault(stage, []).append(proc)
        return proc

    def kill9(self, stage: str) -> None:
        proc = next(p for p in self.procs[stage] if p.poll() is None)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> list[int]:
        return stop_processes([p for procs in self.procs.values() for p in procs])

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.log_dir.glob("*.log"))


def stop_processes(procs: list[subprocess.Popen[Any]], timeout: float = 30) -> list[int]:
    """SIGTERM every process still running, then collect exit codes in order; one that has not
    exited after ``timeout`` seconds is killed (its code is then negative)."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    codes = []
    for p in procs:
        try:
            codes.append(p.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(p.wait())
    return codes


def run_stage(settings: Any, stage: str, records: int, timeout: float = 120) -> Any:
    """One in-process Kafka worker of ``stage`` (``settings``) run until it has handled
    ``records`` input records, then closed; the runner, for its counts. Raises AssertionError
    when it handled another number within ``timeout``."""
    from wirewatch.runners.kafka import build_runner

    runner = build_runner(settings, stage)
    try:
        runner.setup()
        runner.run(max_records=records, timeout=timeout)
    finally:
        runner.close()
    if runner.processed != records:
        raise AssertionError(f"the {stage} worker handled {runner.processed} of {records} records")
    return runner


def read_topic(bootstrap: str, topic: str, idle_ms: int = 3000) -> list[Any]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"verify-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        enable_auto_commit=False,
        consumer_timeout_ms=idle_ms,
    )
    consumer.subscribe([topic])
    out = list(consumer)
    consumer.close()
    return out


def read_until(
    bootstrap: str, topic: str, done: Callable[[list[Any]], bool], timeout: float
) -> tuple[list[Any], bool]:
    """Read ``topic`` read_committed from its beginning until ``done(records read so far)``
    holds or ``timeout`` seconds have passed: the records read, and whether ``done`` held.

    One consumer for the whole wait: each check sees what the last one saw and what was
    committed since (``done`` must hold for every later prefix once it holds: "at least")."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        isolation_level="read_committed",
        enable_auto_commit=False,
    )
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise ValueError(f"topic {topic} does not exist")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        while True:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
            if done(records):
                return records, True
            if time.monotonic() >= deadline:
                return records, False
    finally:
        consumer.close()


def wait_for(predicate: Any, timeout: float, interval: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@contextmanager
def news_site(n_feeds: int, items_per_feed: int = 1) -> Iterator[NewsSite]:
    with NewsSite(n_feeds, items_per_feed) as site:
        yield site

"""Stage workers against the real broker and a real loopback news site.

Exactly-once is checked on the final topics with read_committed consumers: every feed item is
one article, every article's incidents appear once, nothing is dead-lettered unexpectedly.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from ingest import FeedSpec, canonicalize_url
from processors.stage import process_article
from testkit.records import seed_articles
from tests.pipeline_support import Workers, news_site, read_topic, wait_for, worker_env
from wirewatch.config import KafkaSettings, Settings
from wirewatch.contracts import Article, stable_key
from wirewatch.kafka_admin import FeedRegistry, create_topics
from wirewatch.runners.kafka import build_runner

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
REPO = Path(__file__).resolve().parent.parent


def _setup(bootstrap: str, partitions: int = 4) -> tuple[str, KafkaSettings]:
    prefix = f"w{uuid.uuid4().hex[:8]}"
    cfg = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix, partitions=partitions)
    create_topics(cfg)
    return prefix, cfg


def _articles(bootstrap: str, prefix: str) -> list:
    return read_topic(bootstrap, f"{prefix}.articles.v1", idle_ms=1500)


def _wait_complete(bootstrap: str, prefix: str, n_articles: int, timeout: float) -> bool:
    """All articles there, and the process stage caught up with them."""
    if not wait_for(lambda: len(_articles(bootstrap, prefix)) >= n_articles, timeout, 3):
        return False
    arts = _articles(bootstrap, prefix)
    want = sum(len(process_article(Article.model_validate_json(a.value))) for a in arts)
    return wait_for(
        lambda: len(read_topic(bootstrap, f"{prefix}.incidents.v1", idle_ms=1500)) >= want,
        120,
        3,
    )


def _assert_exactly_once(bootstrap: str, prefix: str, expected_urls: set[str]) -> None:
    arts = _articles(bootstrap, prefix)
    keys = Counter(a.key.decode() for a in arts)
    dupes = {k: n for k, n in keys.items() if n > 1}
    assert not dupes, f"articles duplicated: {dupes}"
    want = {stable_key(canonicalize_url(u)) for u in expected_urls}
    assert set(keys) == want, f"missing {len(want - set(keys))}, unexpected {len(set(keys) - want)}"

    incidents = read_topic(bootstrap, f"{prefix}.incidents.v1")
    ids = Counter(i.key.decode() for i in incidents)
    assert not {k: n for k, n in ids.items() if n > 1}, "incident duplicated"
    per_article = Counter(json.loads(i.value)["article_id"] for i in incidents)
    for a in arts:  # each article's incidents exactly as the extractor gives them, once
        article = Article.model_validate_json(a.value)
        assert per_article.get(article.article_id, 0) == len(process_article(article))
    assert sum(per_article.values()) > 0
    dead = read_topic(bootstrap, f"{prefix}.deadletter.v1", idle_ms=1000)
    assert dead == [], [json.loads(d.value)["reason"] for d in dead]


def _start_stages(workers: Workers, per_stage: int) -> None:
    for stage in ("poll", "fetch", "process"):
        for _ in range(per_stage):
            workers.start(stage)


def test_end_to_end_200_feeds_two_workers_per_stage(kafka_bootstrap, tmp_path):
    prefix, cfg = _setup(kafka_bootstrap)
    with news_site(200) as site:
        FeedRegistry(cfg).put([FeedSpec(url=u) for u in site.feed_urls()])
        workers = Workers(worker_env(kafka_bootstrap, prefix), tmp_path)
        try:
            _start_stages(workers, per_stage=2)
            assert _wait_complete(kafka_bootstrap, prefix, 200, 240), workers.logs()
        finally:
            codes = workers.stop_all()
        assert codes == [0] * 6, workers.logs()  # SIGTERM: finish, commit, exit 0
        _assert_exactly_once(kafka_bootstrap, prefix, site.expected_urls())


def test_kill_9_one_worker_per_stage_then_restart(kafka_bootstrap, tmp_path):
    prefix, cfg = _setup(kafka_bootstrap)
    with news_site(200) as site:
        FeedRegistry(cfg).put([FeedSpec(url=u) for u in site.feed_urls()])
        workers = Workers(worker_env(kafka_bootstrap, prefix), tmp_path)
        try:
            _start_stages(workers, per_stage=2)
            assert wait_for(lambda: len(_articles(kafka_bootstrap, prefix)) >= 20, 120, 1)
            for stage in ("poll", "fetch", "process"):
                workers.kill9(stage)
            for stage in ("poll", "fetch", "process"):
                workers.start(stage)
            assert _wait_complete(kafka_bootstrap, prefix, 200, 300), workers.logs()
        finally:
            workers.stop_all()
        _assert_exactly_once(kafka_bootstrap, prefix, site.expected_urls())


def test_poll_worker_added_mid_run_takes_feeds_over(kafka_bootstrap, tmp_path):
    prefix, cfg = _setup(kafka_bootstrap, partitions=6)
    interval = 6.0
    with news_site(30) as site:
        FeedRegistry(cfg).put([FeedSpec(url=u, interval=interval) for u in site.feed_urls()])
        workers = Workers(worker_env(kafka_bootstrap, prefix), tmp_path)
        try:
            workers.start("poll")
            assert wait_for(lambda: len(site.server.requests) >= 30, 60, 1)
            workers.start("poll")
            time.sleep(25)
        finally:
            workers.stop_all()
        logs = sorted(tmp_path.glob("poll-*.log"))
        second = logs[1].read_text()
        assigned = [
            json.loads(line) for line in second.splitlines() if '"partitions assigned"' in line
        ]
        assert assigned and any(a["partitions"] for a in assigned), second[-2000:]
        # no feed polled twice within its due period, and every feed kept being polled
        jitter = Settings().poll.jitter
        for i in range(30):
            times = sorted(r.at for r in site.server.hits(f"/feed/{i}"))
            assert len(times) >= 2, f"feed {i} polled {len(times)} times"
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert min(gaps) >= interval * (1 - jitter) - 0.5, (i, gaps)


def test_poison_article_goes_to_dead_letter_and_worker_continues(kafka_settings):
    from sinks.kafka import KafkaSink

    seed = json.loads((REPO / "tests" / "fixtures" / "seed-article.json").read_text())
    sink = KafkaSink(kafka_settings)
    topic = f"{kafka_settings.topic_prefix}.articles.v1"
    sink.send_raw(topic, "poison-1", b"{not json", [])
    sink.send_raw(topic, "poison-2", json.dumps({"article_id": "x"}).encode(), [])
    for article in seed_articles(5):
        sink.add(article)
    sink.close()
    worker = build_runner(Settings(kafka=kafka_settings), "process")
    try:
        worker.run(max_records=7, timeout=90)
    finally:
        worker.close()
    assert worker.processed == 7
    dead = read_topic(
        kafka_settings.bootstrap_servers, f"{kafka_settings.topic_prefix}.deadletter.v1"
    )
    letters = sorted((json.loads(d.value) for d in dead), key=lambda d: d["key"])
    assert [d["key"] for d in letters] == ["poison-1", "poison-2"]
    assert all(d["reason"] == "contract.invalid" and d["stage"] == "process" for d in letters)
    assert letters[0]["payload"] == "{not json"
    incidents = read_topic(
        kafka_settings.bootstrap_servers, f"{kafka_settings.topic_prefix}.incidents.v1"
    )
    assert len(incidents) == 5 * len(
        process_article(
            Article.model_validate(
                {
                    "article_id": "a",
                    "url": "u",
                    "text": seed["text"],
                    "published_at": seed["published_at"] + "T00:00:00Z",
                }
            )
        )
    )


def test_broker_restart_mid_run_workers_recover(kafka_bootstrap, tmp_path):
    data = os.environ.get("WIREWATCH_KAFKA_DATA")
    if not data:
        pytest.skip("WIREWATCH_KAFKA_DATA not set: the broker was not started by tests/run.sh")
    prefix, cfg = _setup(kafka_bootstrap)
    with news_site(120) as site:
        FeedRegistry(cfg).put([FeedSpec(url=u) for u in site.feed_urls()])
        workers = Workers(worker_env(kafka_bootstrap, prefix), tmp_path)
        try:
            for stage in ("poll", "fetch", "process"):
                workers.start(stage)
            assert wait_for(lambda: len(_articles(kafka_bootstrap, prefix)) >= 10, 120, 1)
            subprocess.run(
                ["bash", str(REPO / "deploy/kafka/stop.sh"), data], check=True, timeout=60
            )
            time.sleep(5)
            subprocess.run(
                ["bash", str(REPO / "deploy/kafka/start.sh"), data],
                check=True,
                timeout=180,
                stdout=subprocess.DEVNULL,
            )
            assert _wait_complete(kafka_bootstrap, prefix, 120, 300), workers.logs()
            alive = [p.poll() is None for ps in workers.procs.values() for p in ps]
            assert all(alive), workers.logs()
        finally:
            workers.stop_all()
        _assert_exactly_once(kafka_bootstrap, prefix, site.expected_urls())

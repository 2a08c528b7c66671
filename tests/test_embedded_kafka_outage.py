"""`wirewatch run` with the Kafka sink while its broker is down (a private broker this test
stops and starts again; the shared one is never touched).

The outage must show up as failed sink writes, retried until the broker is back, never as pages
dead-lettered for timeouts: a sink waiting for room must not hold up the fetches in flight.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid

from testkit.http import Reply
from tests.pipeline_support import REPO, news_site, read_topic, wait_for
from wirewatch.topics import Topics


def _env(bootstrap: str, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
            "WIREWATCH_KAFKA__TOPIC_PREFIX": prefix,
            "WIREWATCH_KAFKA__PARTITIONS": "1",
            # a sink with little room: while the broker is down, add() waits for room
            "WIREWATCH_KAFKA__MAX_PENDING": "1",
            "WIREWATCH_KAFKA__MAX_BLOCK_MS": "8000",
            "WIREWATCH_KAFKA__REQUEST_TIMEOUT_MS": "3000",
            "WIREWATCH_KAFKA__DELIVERY_TIMEOUT_MS": "8000",
            # pages take about 2 s; an HTTP deadline of 5 s is ample unless the loop stalls
            "WIREWATCH_HTTP__TOTAL_TIMEOUT": "5",
            "WIREWATCH_HTTP__READ_TIMEOUT": "5",
            "WIREWATCH_HTTP__PER_HOST_DELAY": "0",
            "WIREWATCH_HTTP__PER_HOST_CONCURRENCY": "32",
            "WIREWATCH_POLL__MIN_INTERVAL": "1",
            "WIREWATCH_POLL__DEFAULT_INTERVAL": "2",
            "WIREWATCH_POLL__MAX_INTERVAL": "4",
            "WIREWATCH_METRICS__ENABLED": "false",
            "WIREWATCH_LOG_LEVEL": "INFO",
        }
    )
    return env


def _urls(bootstrap: str, topic: str) -> set[str]:
    return {json.loads(m.value)["url"] for m in read_topic(bootstrap, topic, idle_ms=2000)}


def test_broker_outage_is_a_sink_error_not_dead_lettered_pages(private_broker, tmp_path):
    prefix = f"outage{uuid.uuid4().hex[:8]}"
    env = _env(private_broker.bootstrap, prefix)
    created = subprocess.run(
        [sys.executable, "-m", "wirewatch", "topics", "create"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr[-2000:]
    topics = Topics(prefix)
    log_path = tmp_path / "run.log"
    with news_site(6) as site:
        for i in range(site.n):  # slow pages: fetches are in flight while a write waits
            for j in range(50):
                body = site.bodies[(i * 7 + j) % len(site.bodies)]
                site.server.route(
                    f"/page/{i}/{j}",
                    Reply(
                        200,
                        body,
                        {"Content-Type": "text/html; charset=utf-8"},
                        chunks=[body[: len(body) // 2], body[len(body) // 2 :]],
                        drip_delay=1.0,
                    ),
                )
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text("feeds:\n" + "".join(f"  - url: {u}\n" for u in site.feed_urls()))
        with log_path.open("w") as log:
            run = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "wirewatch",
                    "--allow-host",
                    "127.0.0.1",
                    "run",
                    "--feeds",
                    str(feeds),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        try:
            first = site.expected_urls()
            assert wait_for(
                lambda: _urls(private_broker.bootstrap, topics.articles) >= first, 180, 2
            ), log_path.read_text()[-3000:]
            private_broker.stop()
            for i in range(site.n):  # new work arrives during the outage
                site.add_item(i)
                site.add_item(i)
            # the outage lasts until several pages were fetched and writes refused
            assert wait_for(lambda: log_path.read_text().count("write failed") >= 3, 180, 1), (
                log_path.read_text()[-3000:]
            )
            private_broker.start()
            everything = site.expected_urls()
            assert wait_for(
                lambda: _urls(private_broker.bootstrap, topics.articles) >= everything, 240, 2
            ), log_path.read_text()[-3000:]
        finally:
            run.send_signal(signal.SIGTERM)
            try:
                run.wait(timeout=120)
            except subprocess.TimeoutExpired:
                run.kill()
                run.wait()
    logs = log_path.read_text()
    # (the Kafka client logs connection resets with their stack inside a JSON record)
    assert not [x for x in logs.splitlines() if x.startswith("Traceback")], logs[-3000:]
    records = [json.loads(x) for x in logs.splitlines() if x.startswith('{"ts"')]
    reasons = {r.get("reason") for r in records if r.get("msg", "").startswith("write failed")}
    assert reasons and all(str(r).startswith("sink.") for r in reasons), reasons
    blamed = [r for r in records if str(r.get("reason", "")).startswith("http.")]
    assert not blamed, blamed[:5]
    letters = [json.loads(m.value) for m in read_topic(private_broker.bootstrap, topics.deadletter)]
    assert not [d for d in letters if d["reason"].startswith("http.")], letters[:5]
    assert run.returncode == 0, logs[-3000:]
    # the broker is back: the sink owes nothing at exit (records refused during the outage
    # were once dropped uncounted, and every later write then failed as "still pending")
    assert not [x for x in logs.splitlines() if "still pending after flush" in x], logs[-3000:]

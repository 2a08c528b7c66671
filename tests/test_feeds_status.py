"""Per-feed health for operators: ``wirewatch feeds status`` (the state file of ``wirewatch
run``, or the feeds and feedstate topics) and ``wirewatch tail feedstate``, one line per feed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.poll_stage import StateRecord
from ingest.state import FeedState
from testkit.cli import cli_env, run_cli
from tests.pipeline_support import news_site
from wirewatch.commands.feedstatus import feed_health, render, state_line

NOW = 1_800_000_000.0


def _wirewatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(
        [sys.executable, "-m", "wirewatch", *args],
        env or cli_env(),
        timeout=240,
        stdin=subprocess.DEVNULL,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _record(**state: object) -> bytes:
    seen = state.pop("seen", 0)
    st = FeedState(feed_id="f", url="https://news.example/feed.xml", **state)  # type: ignore[arg-type]
    marks = [{"url_key": f"u{i}", "entry_id": f"e{i}"} for i in range(int(seen))]  # type: ignore[call-overload]
    return StateRecord.build(st, marks).model_dump_json().encode()


# ---------------------------------------------------------------- what a state record says


def test_a_healthy_feed() -> None:
    rec = _record(last_success=NOW - 60, last_status=200, next_due=NOW + 600, seen=3, interval=900)
    h = feed_health("f", rec, stale_factor=4, now=NOW)
    assert (h.result, h.error, h.seen, h.stale) == ("ok", None, 3, False)
    assert h.last_poll == NOW - 60 and h.next_due == NOW + 600
    line = state_line(h, now=NOW)
    assert "result ok" in line and "seen 3" in line and "STALE" not in line
    assert "{" not in line


def test_a_failing_feed_names_its_error_class() -> None:
    rec = _record(
        last_success=NOW - 7200,
        last_error="http.status.500",
        last_error_at=NOW - 30,
        error_count=3,
        next_due=NOW + 120,
    )
    h = feed_health("f", rec, stale_factor=4, now=NOW)
    assert (h.result, h.error, h.last_poll) == ("error", "http.status.500", NOW - 30)
    assert "result error [http.status.500]" in state_line(h, now=NOW)


def test_a_silent_feed_is_stale_and_a_disabled_one_is_not_due() -> None:
    silent = feed_health(
        "f",
        _record(last_success=NOW - 60, last_new_entry=NOW - 10 * 3600, interval=3600),
        stale_factor=4,
        now=NOW,
    )
    assert silent.stale and "STALE" in state_line(silent, now=NOW)
    gone = feed_health(
        "f",
        _record(disabled_reason="http.status.410", last_error_at=NOW - 5, next_due=NOW - 5),
        stale_factor=4,
        now=NOW,
    )
    assert (gone.result, gone.error, gone.next_due) == ("disabled", "http.status.410", None)


def test_no_record_and_an_unreadable_one() -> None:
    assert feed_health("f", None, stale_factor=4, now=NOW).result == "never"
    bad = feed_health("f", b"\xff not json", stale_factor=4, now=NOW)
    assert bad.result == "unreadable"
    assert "result unreadable" in state_line(bad, now=NOW)
    assert render([bad], now=NOW)[0].startswith("FEED")


# ---------------------------------------------------------------- the embedded mode


def test_feeds_status_reads_the_state_of_wirewatch_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    down = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    with news_site(1) as site:
        good = site.feed_urls()[0]
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - url: {good}\n    name: good wire\n  - url: {down}\n")
        run = _wirewatch(
            "--allow-host", "127.0.0.1", "run", "--once", "--feeds", str(feeds), "--out", str(out)
        )
    assert run.returncode == 0, run.stderr[-3000:]

    proc = _wirewatch("feeds", "status", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["FEED", "LAST", "POLL"]
    assert len(lines) == 3, proc.stdout
    ok_line = next(line for line in lines if good in line)
    bad_line = next(line for line in lines if down in line)
    assert " ok " in ok_line and " 1 " in ok_line  # one entry seen
    assert " error " in bad_line and "http.connect" in bad_line
    assert "2 feed(s): 1 error, 1 ok" in proc.stderr

    js = _wirewatch("feeds", "status", "--out", str(out), "--json")
    rows = {r["url"]: r for r in map(json.loads, js.stdout.splitlines())}
    assert rows[good]["result"] == "ok" and rows[good]["seen"] == 1
    assert rows[down]["result"] == "error" and rows[down]["error"] == "http.connect"
    assert rows[down]["last_poll"] and rows[down]["next_due"]
    assert not rows[good]["stale"]


def test_feeds_status_without_a_state_file_is_one_clear_line(tmp_path: Path) -> None:
    proc = _wirewatch("feeds", "status", "--out", str(tmp_path / "nothing"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: no state file at {tmp_path / 'nothing' / 'wirewatch-state.db'}: give the "
        "--out (or --state) of a `wirewatch run`, or run one first"
    ]


# ---------------------------------------------------------------- Kafka


@pytest.fixture
def kafka_feeds(kafka_settings):
    """Three listed feeds on the feeds topic: one healthy, one failing, one never polled (no
    state record); the env that points wirewatch at them."""
    from kafka import KafkaProducer

    from ingest.feeds import FeedSpec
    from wirewatch.kafka_admin import FeedRegistry
    from wirewatch.topics import Topics

    now = time.time()
    feeds = {
        "healthy": FeedSpec(url="https://a.example/feed.xml", name="A wire"),
        "failing": FeedSpec(url="https://b.example/feed.xml"),
        "never": FeedSpec(url="https://c.example/feed.xml"),
    }
    FeedRegistry(kafka_settings).put(feeds.values())
    states = {
        feeds["healthy"].feed_id: _record(last_success=now - 60, next_due=now + 600, seen=2),
        feeds["failing"].feed_id: _record(
            last_error="http.dns_failure", last_error_at=now - 10, error_count=2, next_due=now + 50
        ),
    }
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers)
    try:
        topic = Topics(kafka_settings.topic_prefix).feedstate
        for fid, value in states.items():
            producer.send(topic, key=fid.encode(), value=value)
        producer.flush(30)
    finally:
        producer.close()
    env = cli_env(
        WIREWATCH_KAFKA__BOOTSTRAP_SERVERS=kafka_settings.bootstrap_servers or "",
        WIREWATCH_KAFKA__TOPIC_PREFIX=kafka_settings.topic_prefix,
    )
    return {k: f.feed_id for k, f in feeds.items()}, env


@pytest.mark.kafka
def test_feeds_status_on_kafka_reads_the_feeds_and_feedstate_topics(kafka_feeds) -> None:
    ids, env = kafka_feeds
    status = _wirewatch("feeds", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    rows = {r["feed_id"]: r for r in map(json.loads, status.stdout.splitlines())}
    assert rows[ids["healthy"]]["result"] == "ok" and rows[ids["healthy"]]["name"] == "A wire"
    assert rows[ids["healthy"]]["seen"] == 2
    assert rows[ids["failing"]]["error"] == "http.dns_failure"
    assert rows[ids["never"]]["result"] == "never"


@pytest.mark.kafka
def test_tail_feedstate_prints_one_readable_line_per_feed(kafka_feeds) -> None:
    ids, env = kafka_feeds
    tail = _wirewatch("tail", "feedstate", "-b", "-n", "2", "--timeout", "20", env=env)
    assert tail.returncode == 0, tail.stderr
    lines = tail.stdout.splitlines()
    assert len(lines) == 2, tail.stdout  # one line per feed
    assert not any("{" in line for line in lines), tail.stdout
    assert any(
        line.startswith(ids["failing"]) and "result error [http.dns_failure]" in line
        for line in lines
    )
    assert any(line.startswith(ids["healthy"]) and "seen 2" in line for line in lines)

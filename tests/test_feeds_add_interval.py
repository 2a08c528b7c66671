"""`wirewatch feeds add --interval` takes the durations a feed list takes ("5m", "2h")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ingest.feeds import FeedSpec, parse_duration
from wirewatch.config import KafkaSettings
from wirewatch.kafka_admin import FeedRegistry


def _wirewatch(*args: str, cfg: KafkaSettings | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if cfg is not None:
        env["WIREWATCH_KAFKA__BOOTSTRAP_SERVERS"] = cfg.bootstrap_servers or ""
        env["WIREWATCH_KAFKA__TOPIC_PREFIX"] = cfg.topic_prefix
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize(("text", "seconds"), [("5m", 300.0), ("90", 90.0), ("2h", 7200.0)])
def test_one_parser_for_feed_lists_and_the_cli(text, seconds):
    assert parse_duration(text) == seconds
    assert FeedSpec(url="https://example.org/f", interval=text).interval == seconds  # type: ignore[arg-type]


@pytest.mark.kafka
def test_feeds_add_takes_a_duration(kafka_settings: KafkaSettings):
    url = "https://example.org/feed.xml"
    out = _wirewatch("feeds", "add", url, "--interval", "5m", cfg=kafka_settings)
    assert out.returncode == 0, out.stderr
    (spec,) = FeedRegistry(kafka_settings).load().values()
    assert spec.url == url and spec.interval == 300.0


@pytest.mark.parametrize("bad", ["5 minutes", "0", "-3m", "m"])
def test_feeds_add_refuses_a_bad_duration_in_one_line(bad):
    # refused while parsing the options, before any broker is needed
    out = _wirewatch("feeds", "add", "https://example.org/f", "--interval", bad)
    assert out.returncode == 2
    assert "Invalid value for '--interval'" in out.stderr and "Traceback" not in out.stderr

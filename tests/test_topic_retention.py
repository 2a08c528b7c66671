"""Each topic's cleanup policy and retention: declared in the topology table, applied by
``topics create``, read back from the real broker; drift of existing topics reported, and
altered with ``--apply``."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

from wirewatch.config import KafkaSettings, load_settings
from wirewatch.errors import ConfigError
from wirewatch.kafka_admin import plan_topics
from wirewatch.topics import Topics

DAY_MS = 24 * 3600 * 1000

# What a subscriber can count on, per topic kind: (cleanup.policy, the setting bounding it)
EXPECTED = {
    "entries": ({"compact", "delete"}, "retention_ms"),
    "articles": ({"compact", "delete"}, "retention_ms"),
    "incidents": ({"compact", "delete"}, "incidents_retention_ms"),
    "events": ({"compact", "delete"}, "incidents_retention_ms"),
    "copies": ({"compact", "delete"}, "incidents_retention_ms"),
    "sharded-incidents": ({"delete"}, "incidents_retention_ms"),  # internal: cluster input
    "broadcast-copies": ({"delete"}, "incidents_retention_ms"),
    "deadletter": ({"delete"}, "deadletter_retention_ms"),
    "feeds": ({"compact"}, None),  # tables: no time bound
    "feedstate": ({"compact"}, None),
}


def _policy(value: str | None) -> set[str]:
    return {p.strip() for p in (value or "").split(",") if p.strip()}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def _configs(bootstrap: str, topics: list[str]) -> dict[str, dict[str, Any]]:
    """Every config of ``topics`` as the broker reports it: {topic: {key: {value, source}}}."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        res = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics], config_filter="all"
        )
        return dict(res["topic"])
    finally:
        admin.close()


# ---------------------------------------------------------------------- the plan


def test_plan_gives_each_topic_its_policy_and_time_bound():
    cfg = KafkaSettings(
        retention_ms=3 * DAY_MS, incidents_retention_ms=90 * DAY_MS, deadletter_retention_ms=DAY_MS
    )
    plans = {p.name: p for p in plan_topics(cfg)}
    topics = Topics(cfg.topic_prefix)
    assert set(plans) == {topics.name(k) for k in EXPECTED}
    for kind, (policy, bound) in EXPECTED.items():
        configs = plans[topics.name(kind)].configs
        assert _policy(configs["cleanup.policy"]) == policy, kind
        if bound is None:
            assert "retention.ms" not in configs, kind
        else:
            assert configs["retention.ms"] == str(getattr(cfg, bound)), kind
        # delete.retention.ms is how long tombstones stay, not a retention of the data
        assert "delete.retention.ms" not in configs, kind
    assert plans[topics.incidents].configs["retention.ms"] == str(90 * DAY_MS)


def test_retention_is_set_per_kind_from_the_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("WIREWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("WIREWATCH_KAFKA__INCIDENTS_RETENTION_MS", "-1")
    s = load_settings()
    plans = {p.name: p.configs for p in plan_topics(s.kafka)}
    assert plans[Topics().incidents]["retention.ms"] == "-1"  # forever
    assert plans[Topics().articles]["retention.ms"] == str(7 * DAY_MS)


def test_retention_zero_is_a_one_line_config_error(monkeypatch):
    for name in list(os.environ):
        if name.startswith("WIREWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("WIREWATCH_KAFKA__RETENTION_MS", "0")
    with pytest.raises(ConfigError) as err:
        load_settings()
    msg = str(err.value)
    assert "\n" not in msg and "WIREWATCH_KAFKA__RETENTION_MS" in msg and "-1" in msg


def test_topics_plan_prints_the_configs_without_a_broker():
    out = _run("topics", "plan", env={"WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": ""})
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines()}
    assert "cleanup.policy=compact,delete" in lines["wirewatch.incidents.v1"]
    assert f"retention.ms={30 * DAY_MS}" in lines["wirewatch.incidents.v1"]
    assert "retention.ms" not in lines["wirewatch.feeds.v1"]


def test_topology_printout_says_how_long_each_topic_keeps_records():
    out = _run("topology", env={})
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line for line in out.stdout.splitlines() if ".v1 " in line}
    assert "compact,delete" in rows["wirewatch.incidents.v1"]
    assert "kafka.incidents_retention_ms" in rows["wirewatch.incidents.v1"]
    assert "until removed" in rows["wirewatch.feeds.v1"]


# ---------------------------------------------------------------------- the broker


@pytest.mark.kafka
def test_topics_create_applies_the_policies_read_back_from_the_broker(kafka_bootstrap):
    prefix = f"ret{uuid.uuid4().hex[:8]}"
    env = {
        "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_KAFKA__TOPIC_PREFIX": prefix,
        "WIREWATCH_KAFKA__PARTITIONS": "1",
        "WIREWATCH_KAFKA__INCIDENTS_RETENTION_MS": str(45 * DAY_MS),
    }
    out = _run("topics", "create", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    topics = Topics(prefix)
    got = _configs(kafka_bootstrap, topics.all())
    bounds = {
        "retention_ms": 7 * DAY_MS,
        "incidents_retention_ms": 45 * DAY_MS,
        "deadletter_retention_ms": 30 * DAY_MS,
    }
    for kind, (policy, bound) in EXPECTED.items():
        c = got[topics.name(kind)]
        assert _policy(c["cleanup.policy"]["value"]) == policy, (kind, c["cleanup.policy"])
        if bound is not None:
            assert c["retention.ms"]["value"] == str(bounds[bound]), kind
            assert c["retention.ms"]["config_source"] == "DYNAMIC_TOPIC_CONFIG", kind
        else:  # a table: nothing set by us, compaction alone decides
            assert c["retention.ms"]["config_source"] != "DYNAMIC_TOPIC_CONFIG", kind

    again = _run("topics", "create", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.split().count("exists") == len(EXPECTED)


@pytest.mark.kafka
def test_existing_topics_with_other_configs_are_reported_then_altered(kafka_bootstrap):
    """Topics made by an older version (compacted incidents without a bound, tombstone
    retention standing in for a retention) are drift: reported, exit 1, left alone; ``--apply``
    alters the planned keys only."""
    prefix = f"drift{uuid.uuid4().hex[:8]}"
    topics = Topics(prefix)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics(
            [
                NewTopic(
                    topics.incidents,
                    1,
                    1,
                    topic_configs={
                        "cleanup.policy": "compact",
                        "delete.retention.ms": str(7 * DAY_MS),
                    },
                )
            ]
        )
    finally:
        admin.close()
    env = {
        "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_KAFKA__TOPIC_PREFIX": prefix,
        "WIREWATCH_KAFKA__PARTITIONS": "1",
    }
    report = _run("topics", "create", env=env)
    assert report.returncode == 1, report.stdout + report.stderr
    assert "Traceback" not in report.stderr
    (line,) = [ln for ln in report.stdout.splitlines() if topics.incidents in ln]
    assert line.startswith("drift")
    assert "cleanup.policy compact -> compact,delete" in line
    assert f"retention.ms {7 * DAY_MS} -> {30 * DAY_MS}" in line
    assert "--apply" in report.stderr
    assert report.stdout.split().count("created") == len(EXPECTED) - 1
    before = _configs(kafka_bootstrap, [topics.incidents])[topics.incidents]
    assert before["cleanup.policy"]["value"] == "compact"  # reported, not changed

    applied = _run("topics", "create", "--apply", env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    (line,) = [ln for ln in applied.stdout.splitlines() if topics.incidents in ln]
    assert line.startswith("altered")
    after = _configs(kafka_bootstrap, [topics.incidents])[topics.incidents]
    assert _policy(after["cleanup.policy"]["value"]) == {"compact", "delete"}
    assert after["retention.ms"]["value"] == str(30 * DAY_MS)
    assert after["min.compaction.lag.ms"]["value"] == str(3600 * 1000)
    # incremental: a key outside the plan keeps its value
    assert after["delete.retention.ms"]["value"] == str(7 * DAY_MS)

    clean = _run("topics", "create", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.split().count("exists") == len(EXPECTED)

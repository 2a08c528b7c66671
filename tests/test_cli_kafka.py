"""`wirewatch --help`, `topics create` and `tail` as a user runs them, against the real broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from kafka import KafkaAdminClient

from sinks.kafka import KafkaSink
from tests.factories import make_incident
from wirewatch.config import KafkaSettings
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_help_lists_the_commands():
    out = _run("--help")
    assert out.returncode == 0, out.stderr
    for cmd in ("topics", "tail", "config", "schemas"):
        assert cmd in out.stdout


@pytest.mark.kafka
def test_topics_create_is_idempotent_and_sets_cleanup_policy(kafka_bootstrap):
    prefix = f"cli{uuid.uuid4().hex[:8]}"
    env = {
        "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "WIREWATCH_KAFKA__TOPIC_PREFIX": prefix,
    }
    first = _run("topics", "create", "--partitions", "2", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("created") == len(TOPOLOGY.topics)  # every topic of the table
    second = _run("topics", "create", env=env)
    assert second.returncode == 0 and second.stdout.count("exists") == len(TOPOLOGY.topics)

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        described = {t["name"]: t for t in admin.describe_topics([f"{prefix}.incidents.v1"])}
        assert len(described[f"{prefix}.incidents.v1"]["partitions"]) == 2
        from kafka.admin import ConfigResource, ConfigResourceType

        res = admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, f"{prefix}.incidents.v1"),
                ConfigResource(ConfigResourceType.TOPIC, f"{prefix}.deadletter.v1"),
            ]
        )
        text = json.dumps(res, default=str)
        assert "compact" in text and "delete" in text
    finally:
        admin.close()


@pytest.mark.kafka
def test_tail_prints_records_for_humans_and_scripts(kafka_settings: KafkaSettings):
    sink = KafkaSink(kafka_settings, source="wirewatch/test")
    for i in range(3):
        sink.add(make_incident(i))
    sink.close()
    env = {
        "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers or "",
        "WIREWATCH_KAFKA__TOPIC_PREFIX": kafka_settings.topic_prefix,
    }
    human = _run("tail", "incidents", "--from-beginning", "-n", "3", "--timeout", "20", env=env)
    assert human.returncode == 0, human.stderr
    assert human.stdout.count("Air/drone strike") == 3 and "Abu Ghraib" in human.stdout
    js = _run(
        "tail",
        Topics(kafka_settings.topic_prefix).incidents,
        "-b",
        "-n",
        "3",
        "--json",
        "--timeout",
        "20",
        env=env,
    )
    rows = [json.loads(line) for line in js.stdout.splitlines()]
    assert sorted(r["key"] for r in rows) == ["inc-000000", "inc-000001", "inc-000002"]
    assert all(r["headers"]["ce_type"] == "io.wirewatch.incident.v1" for r in rows)
    assert all(r["value"]["incident_id"] == r["key"] for r in rows)


@pytest.mark.kafka
def test_tail_of_a_missing_topic_is_a_clear_error(kafka_bootstrap):
    env = {"WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap}
    out = _run("tail", f"nope-{uuid.uuid4().hex[:6]}", "--timeout", "5", env=env)
    assert out.returncode == 1 and "does not exist" in out.stderr


def test_kafka_commands_without_bootstrap_say_what_to_set(monkeypatch):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_KAFKA")}
    out = subprocess.run(
        [sys.executable, "-m", "wirewatch", "topics", "create"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2 and "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS" in out.stderr

"""A private Kafka broker a test may stop and start again (the shared one at
WIREWATCH_TEST_BOOTSTRAP is never stopped). The ``private_broker`` fixture is registered in
``tests/conftest.py``; it skips with a message when Java is absent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from clusters.events import shard_key
from testkit.http import free_port
from testkit.pipeline import wait_for
from wirewatch.config import KafkaSettings
from wirewatch.contracts import Incident
from wirewatch.topics import Topics

REPO = Path(__file__).resolve().parent.parent
START = REPO / "deploy" / "kafka" / "start.sh"
STOP = REPO / "deploy" / "kafka" / "stop.sh"


@dataclass
class Broker:
    data: Path
    env: dict[str, str]
    bootstrap: str

    def start(self) -> None:
        subprocess.run(
            ["bash", str(START), str(self.data)],
            env=self.env,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )

    def stop(self, *, wipe: bool = False) -> None:
        args = ["--wipe"] if wipe else []
        subprocess.run(
            ["bash", str(STOP), *args, str(self.data)], env=self.env, check=True, timeout=120
        )


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[Broker]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is absent: this test needs a private Kafka broker it can stop")
    port = free_port()
    env = {
        **os.environ,
        "WIREWATCH_PYTHON": sys.executable,
        "WIREWATCH_KAFKA_PORT": str(port),
        "WIREWATCH_KAFKA_CONTROLLER_PORT": str(free_port()),
        "WIREWATCH_KAFKA_READY_TIMEOUT": "180",
    }
    broker = Broker(tmp_path / "kafka", env, f"127.0.0.1:{port}")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop(wipe=True)


def read_table_stalling_once(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the workers' first state-table read fail as a stalled read would
    (``sink.read_stalled``) and later ones read for real; the topics read, in order."""
    import wirewatch.runners.kafka as runners_kafka
    from wirewatch.errors import SinkError

    reads: list[str] = []
    real_read_table = runners_kafka.read_table

    def fails_once(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[1])
        if len(reads) == 1:
            raise SinkError(
                f"reading {args[1]} stalled: no progress for 2 s with 1 records still to read "
                "(kafka.table_read_stall_timeout)",
                reason="sink.read_stalled",
            )
        return real_read_table(*args, **kwargs)

    monkeypatch.setattr(runners_kafka, "read_table", fails_once)
    return reads


def send_incidents(cfg: KafkaSettings, *incidents: Incident, partition: int | None = 0) -> None:
    """``incidents`` on ``cfg``'s sharded-incidents topic, in order, as the process stage
    writes them (keyed by their shard), on ``partition`` (None: the partition of their key);
    acknowledged by every replica when it returns."""
    from kafka import KafkaProducer

    topic = Topics(cfg.topic_prefix).name("sharded-incidents")
    producer = KafkaProducer(bootstrap_servers=cfg.bootstrap_servers, acks="all")
    try:
        for report in incidents:
            producer.send(
                topic,
                key=shard_key(report).encode(),
                value=report.model_dump_json().encode(),
                partition=partition,
            )
        producer.flush(timeout=30)
    finally:
        producer.close()


def hold_compaction(bootstrap: str, topic: str, lag_ms: int) -> None:
    """Set ``topic``'s ``min.compaction.lag.ms`` to ``lag_ms`` and wait until the broker
    reports it. A test that reads every version of an events topic needs it: events records are
    stamped with their data time (up to half the time bound before the clock) and the broker
    counts the lag from that stamp, so the versions one transaction replaced can be compacted
    seconds after the write."""
    resource = ConfigResource(ConfigResourceType.TOPIC, topic, {"min.compaction.lag.ms": lag_ms})
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.alter_configs([resource])

        def applied() -> bool:
            found = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
            entry = found["topic"][topic]["min.compaction.lag.ms"]
            return str(entry["value"] if isinstance(entry, dict) else entry) == str(lag_ms)

        assert wait_for(applied, 60, 0.2), f"{topic}: min.compaction.lag.ms not applied"
    finally:
        admin.close()

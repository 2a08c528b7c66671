"""A worker's ``/readyz`` reflects what it really has: a broker round-trip and an assignment.

* :class:`BrokerProbe` on a stand-in consumer: bounded round-trips, at most every few seconds;
* a worker started with no broker: alive, not ready, retrying with a clear log, no traceback;
* against a private broker of its own (started and stopped by this test): 200 while records
  flow, 503 naming ``broker_reachable`` while the broker is stopped, 200 again after restart.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from kafka import TopicPartition
from kafka import errors as kerr

from testkit.http import free_port, local_status
from testkit.pipeline import read_topic, wait_for
from testkit.records import seed_articles
from wirewatch.ops import BrokerProbe

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the probe, no broker


class FakeConsumer:
    def __init__(self, assigned: bool = True) -> None:
        self.assigned = {TopicPartition("t", 0)} if assigned else set()
        self.fail = False
        self.calls: list[int] = []

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    def end_offsets(self, partitions: list[TopicPartition], timeout_ms: int) -> dict[Any, int]:
        self.calls.append(timeout_ms)
        if self.fail:
            raise kerr.KafkaTimeoutError("Failed to get offsets by timestamps in 2000 ms")
        return dict.fromkeys(partitions, 10)

    def bootstrap_connected(self) -> bool:  # what readiness used to read: False once consuming
        return False


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_probe_is_a_bounded_round_trip_at_most_every_interval() -> None:
    consumer, clock = FakeConsumer(), Clock()
    probe = BrokerProbe(consumer, every=5.0, timeout_ms=2_000, clock=clock)
    assert probe.maybe_probe() is True
    assert consumer.calls == [2_000]  # bounded
    clock.now += 4.9
    consumer.fail = True
    assert probe.maybe_probe() is True  # not yet due: the last answer
    assert len(consumer.calls) == 1
    clock.now += 0.2
    assert probe.maybe_probe() is False  # due; the round-trip timed out
    clock.now += 5.0
    consumer.fail = False
    assert probe.maybe_probe() is True
    assert len(consumer.calls) == 3


def test_probe_without_assignment_keeps_last_answer() -> None:
    consumer = FakeConsumer(assigned=False)
    assert BrokerProbe(consumer, initial=True).probe() is True
    assert BrokerProbe(consumer, initial=False).probe() is False
    assert consumer.calls == []


def test_runner_marks_broker_reachable_from_the_probe_not_bootstrap_connected() -> None:
    """The mark a consuming worker reports (kafka-python 3's bootstrap_connected() is False on
    a consumer that has bootstrapped, which kept every worker at 503)."""
    from wirewatch.config import Settings
    from wirewatch.ops import OpsServer
    from wirewatch.runners.kafka import build_runner

    runner = build_runner(Settings(), "process")
    ops = OpsServer(port=0)
    runner.attach_ops(ops)
    assert not ops.ready()  # nothing connected yet: not ready
    consumer = FakeConsumer()
    runner.consumer = consumer  # type: ignore[assignment]
    runner.probe = BrokerProbe(consumer)
    runner.beat()
    assert ops.readiness() == {"broker_reachable": "ok", "partitions_assigned": "ok"}
    consumer.fail = True
    runner.probe = BrokerProbe(consumer)
    runner.beat()
    assert ops.readiness()["broker_reachable"] == "failing"
    runner.loop.close()


# ---------------------------------------------------------------- workers as subprocesses


def _readyz(port: int) -> tuple[int, dict[str, Any]] | None:
    """(status, body) of /readyz, None while the server does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    except OSError:
        return None


def _worker_env(bootstrap: str, prefix: str, metrics_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
            "WIREWATCH_KAFKA__TOPIC_PREFIX": prefix,
            "WIREWATCH_KAFKA__GROUP_PREFIX": prefix,
            "WIREWATCH_KAFKA__BOOTSTRAP_TIMEOUT_MS": "2000",
            "WIREWATCH_METRICS__ENABLED": "true",
            "WIREWATCH_METRICS__HOST": "127.0.0.1",
            "WIREWATCH_METRICS__PORT": str(metrics_port),
            "WIREWATCH_LOG_LEVEL": "INFO",
        }
    )
    return env


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # argv is this interpreter and wirewatch itself
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch", "worker", "process"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _crash_lines(log: str) -> list[str]:
    """Lines of a worker's output that are not log records: a traceback printed by a crash
    (library log records may carry a caught exception's traceback in their JSON)."""
    return [ln for ln in log.splitlines() if ln.strip() and not ln.startswith("{")]


def _stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def test_worker_without_broker_is_alive_not_ready_and_retries(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "worker.log"
    proc = _start_worker(_worker_env(f"127.0.0.1:{free_port()}", "nobroker", port), log)
    try:
        assert wait_for(lambda: "retrying in" in log.read_text(), 60, 0.5), log.read_text()
        assert wait_for(lambda: "attempt 2" in log.read_text(), 60, 0.5), log.read_text()
        answer = _readyz(port)
        assert answer is not None, log.read_text()
        status, body = answer
        assert status == 503, body
        assert body["checks"]["broker_reachable"] == "failing", body
        assert local_status(port, "/healthz") == 200  # retrying is not stuck: no restart wanted
        assert proc.poll() is None, log.read_text()
    finally:
        code = _stop(proc)
    text = log.read_text()
    assert code == 0, text
    assert _crash_lines(text) == [], text


# ---------------------------------------------------------------- a private broker


def _broker_env(port: int, controller_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "WIREWATCH_PYTHON": sys.executable,
        "WIREWATCH_KAFKA_PORT": str(port),
        "WIREWATCH_KAFKA_CONTROLLER_PORT": str(controller_port),
        "WIREWATCH_KAFKA_HEAP": "384m",
    }


def _broker(script: str, data: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        ["bash", str(REPO / "deploy" / "kafka" / script), *args, str(data)],
        env=env,
        check=True,
        timeout=240,
        stdout=subprocess.DEVNULL,
    )


@pytest.mark.kafka
@pytest.mark.slow
def test_readyz_follows_a_private_broker_through_start_stop_start(tmp_path: Path) -> None:
    """No broker at start: 503 and retrying; broker up and records flowing: 200; broker stopped:
    503 naming broker_reachable while the worker stays alive; broker back: 200."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("java is not installed: this test starts and stops a Kafka broker of its own")
    from sinks.kafka import KafkaSink
    from wirewatch.config import KafkaSettings
    from wirewatch.kafka_admin import create_topics

    kport, cport, mport = free_port(), free_port(), free_port()
    bootstrap = f"127.0.0.1:{kport}"
    data = tmp_path / "kafka"
    benv = _broker_env(kport, cport)
    prefix = f"r{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    proc = _start_worker(_worker_env(bootstrap, prefix, mport), log)

    def status() -> int | None:
        answer = _readyz(mport)
        return None if answer is None else answer[0]

    try:
        assert wait_for(lambda: "retrying in" in log.read_text(), 60, 0.5), log.read_text()
        assert status() == 503
        _broker("start.sh", data, benv)
        cfg = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix, partitions=1)
        create_topics(cfg)
        sink = KafkaSink(cfg)
        for article in seed_articles(3):
            sink.add(article)
        sink.close()
        incidents = f"{prefix}.incidents.v1"
        assert wait_for(lambda: len(read_topic(bootstrap, incidents, 1000)) > 0, 180, 2), (
            log.read_text()[-3000:]
        )
        assert wait_for(lambda: status() == 200, 60, 1), (_readyz(mport), log.read_text()[-3000:])

        _broker("stop.sh", data, benv)
        assert wait_for(lambda: status() == 503, 90, 1), (_readyz(mport), log.read_text()[-3000:])
        answer = _readyz(mport)
        assert answer is not None and answer[1]["checks"]["broker_reachable"] == "failing", answer
        assert local_status(mport, "/healthz") == 200
        assert proc.poll() is None, log.read_text()[-3000:]

        _broker("start.sh", data, benv)
        assert wait_for(lambda: status() == 200, 180, 1), (_readyz(mport), log.read_text()[-3000:])
    finally:
        code = _stop(proc)
        _broker("stop.sh", data, benv, "--wipe")
    text = log.read_text()
    assert code == 0, text[-3000:]
    assert _crash_lines(text) == [], text[-3000:]

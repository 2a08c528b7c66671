"""A worker that cannot read a topic's partitions at start says why: a topic the broker
answered without (``sink.topic_missing``: run ``wirewatch topics create``, exit 1) or no broker
answering at all (``sink.metadata_timeout``: an outage it waits out, like no broker at start).
kafka-python raises the same metadata timeout for both; the operator must not be sent to create
a topic that exists.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from testkit.http import free_port, local_status
from testkit.pipeline import wait_for, worker_env
from tests.broker_support import Broker
from wirewatch.config import KafkaSettings
from wirewatch.kafka_admin import create_topics
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY

# `wirewatch worker process`, paused once it is connected and its producer is ready, just
# before it reads the partitions of its broadcast topic: the test stops the broker there.
PAUSED_WORKER = """
import sys, time
from pathlib import Path
from wirewatch.cli import main
from wirewatch.runners.kafka import _KafkaRunner

paused, resume = Path(sys.argv[1]), Path(sys.argv[2])
read_size_limits = _KafkaRunner._read_size_limits

def read_size_limits_then_wait(self):
    read_size_limits(self)
    paused.touch()
    while not resume.exists():
        time.sleep(0.1)

_KafkaRunner._read_size_limits = read_size_limits_then_wait
sys.argv = ["wirewatch", "worker", "process"]
main()
"""

FAST_METADATA = {
    "WIREWATCH_KAFKA__PARTITIONS": "1",
    "WIREWATCH_KAFKA__MAX_BLOCK_MS": "3000",
    "WIREWATCH_KAFKA__REQUEST_TIMEOUT_MS": "3000",
    "WIREWATCH_METRICS__ENABLED": "false",
}


def _error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("error")]
    return line


@pytest.mark.kafka
def test_a_missing_topic_at_worker_start_is_topic_missing(kafka_bootstrap: str) -> None:
    """The shared broker answers, without the broadcast topic: exit 1, one line naming the
    topic and what to run."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics(
            [
                NewTopic(f"{prefix}.{kind}.v1", num_partitions=1, replication_factor=1)
                for kind in TOPOLOGY.kinds()
                if kind != "broadcast-copies"
            ]
        )
    finally:
        admin.close()
    env = worker_env(kafka_bootstrap, prefix, **FAST_METADATA)
    done = subprocess.run(
        [sys.executable, "-m", "wirewatch", "worker", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    line = _error_line(done.stderr)
    assert line.startswith("error [sink.topic_missing]:"), line
    assert f"topic {Topics(prefix).name('broadcast-copies')} does not exist" in line
    assert "wirewatch topics create" in line


@pytest.mark.kafka
@pytest.mark.slow
def test_a_broker_lost_while_the_worker_reads_its_topics_is_an_outage_it_waits_out(
    private_broker: Broker, tmp_path: Path
) -> None:
    """Every topic exists; the broker goes away after the worker connected and before it read
    the partitions of its broadcast topic. The worker says it is an outage (one warning line
    naming the topic and the bootstrap address, not a missing topic), stays alive and not
    ready, connects again when the broker is back, becomes ready and stops cleanly."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    cfg = KafkaSettings(
        bootstrap_servers=private_broker.bootstrap, topic_prefix=prefix, partitions=1
    )
    assert set(create_topics(cfg).values()) == {"created"}
    paused, resume = tmp_path / "paused", tmp_path / "resume"
    port = free_port()
    metrics = {"WIREWATCH_METRICS__ENABLED": "true", "WIREWATCH_METRICS__PORT": str(port)}
    env = worker_env(private_broker.bootstrap, prefix, **{**FAST_METADATA, **metrics})
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log_file:
        worker = subprocess.Popen(
            [sys.executable, "-c", PAUSED_WORKER, str(paused), str(resume)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            text=True,
        )
    try:
        assert wait_for(lambda: paused.exists() or worker.poll() is not None, 180, 0.2)
        assert worker.poll() is None, log_path.read_text()
        private_broker.stop()  # the outage: nothing answers any more
        resume.touch()
        assert wait_for(
            lambda: "sink.metadata_timeout" in log_path.read_text() or worker.poll() is not None,
            180,
            0.5,
        ), log_path.read_text()
        assert worker.poll() is None, log_path.read_text()  # waiting, not exited
        assert local_status(port, "/readyz") == 503
        private_broker.start()
        assert wait_for(
            lambda: local_status(port, "/readyz") == 200 or worker.poll() is not None, 300, 1.0
        ), log_path.read_text()
        assert worker.poll() is None, log_path.read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=120) == 0, log_path.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    stderr = log_path.read_text()
    assert "Traceback" not in stderr, stderr
    (line,) = [ln for ln in stderr.splitlines() if "sink.metadata_timeout" in ln][:1]
    assert Topics(prefix).name("broadcast-copies") in line, line
    assert "no Kafka broker answered" in line and private_broker.bootstrap in line, line
    assert "does not exist" not in stderr and "topics create" not in stderr

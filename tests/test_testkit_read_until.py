"""testkit.pipeline.read_until: what the Kafka tests wait with (a topic read read_committed until
a condition holds or a deadline passes)."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaProducer

from testkit.pipeline import read_until
from wirewatch.config import KafkaSettings


@pytest.mark.kafka
def test_read_until_sees_committed_records_only_and_says_when_the_condition_never_held(
    kafka_settings: KafkaSettings,
) -> None:
    topic = f"{kafka_settings.topic_prefix}.entries.v1"
    producer = KafkaProducer(
        bootstrap_servers=kafka_settings.bootstrap_servers,
        transactional_id=f"read-until-{uuid.uuid4().hex[:8]}",
    )
    try:
        producer.init_transactions()
        producer.begin_transaction()
        for i in range(3):  # one on each partition
            producer.send(topic, key=b"k", value=b"aborted", partition=i)
        producer.flush()
        producer.abort_transaction()
        producer.begin_transaction()
        for i in range(3):
            producer.send(topic, key=b"k", value=f"kept-{i}".encode(), partition=i)
        producer.commit_transaction()
    finally:
        producer.close()

    bootstrap = kafka_settings.bootstrap_servers
    records, held = read_until(bootstrap, topic, lambda rs: len(rs) >= 3, timeout=120)
    assert held
    assert sorted(r.value for r in records) == [b"kept-0", b"kept-1", b"kept-2"]

    # a condition that never holds: False once the deadline passes, with what was read
    records, held = read_until(bootstrap, topic, lambda rs: len(rs) > 3, timeout=3)
    assert not held
    assert {r.value for r in records} <= {b"kept-0", b"kept-1", b"kept-2"}


@pytest.mark.kafka
def test_read_until_names_a_topic_that_does_not_exist(kafka_bootstrap: str) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        read_until(kafka_bootstrap, f"t{uuid.uuid4().hex[:10]}.nothing", lambda rs: True, 5)

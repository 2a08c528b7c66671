"""A broker outage is not a missing topic: the Kafka sink names the one that happened.

kafka-python raises the same metadata timeout for a topic the broker says does not exist and
for a broker that does not answer; an operator told ``sink.topic_missing`` during an outage
looks for a topic that is there. A private broker (stopped by this test; the shared one is
never touched) shows both.
"""

from __future__ import annotations

import uuid

import pytest

from sinks.kafka import KafkaSink
from tests.broker_support import Broker
from tests.factories import make_incident
from wirewatch.config import KafkaSettings
from wirewatch.errors import BrokerUnavailable, MetadataTimeout, TopicMissing
from wirewatch.kafka_admin import create_topics
from wirewatch.topics import Topics


def _settings(bootstrap: str, prefix: str) -> KafkaSettings:
    return KafkaSettings(
        bootstrap_servers=bootstrap,
        topic_prefix=prefix,
        partitions=1,
        replication_factor=1,
        max_block_ms=3000,
        request_timeout_ms=3000,
        bootstrap_timeout_ms=30_000,
    )


def test_missing_topic_and_unreachable_broker_are_told_apart(private_broker: Broker) -> None:
    # a topic the broker answers for and does not have: TopicMissing
    missing = KafkaSink(_settings(private_broker.bootstrap, f"gone{uuid.uuid4().hex[:6]}"))
    missing.setup()
    try:
        with pytest.raises(TopicMissing) as err:
            missing.add(make_incident(1))
        assert err.value.reason == "sink.topic_missing"
        assert "wirewatch topics create" in str(err.value)
        with pytest.raises(TopicMissing, match="missing topics"):
            missing.check_topics()
    finally:
        missing.close(timeout=5)

    # topics that exist, and a sink that has not asked for their metadata yet
    cfg = _settings(private_broker.bootstrap, f"out{uuid.uuid4().hex[:6]}")
    assert set(create_topics(cfg).values()) == {"created"}
    sink = KafkaSink(cfg)
    sink.setup()
    try:
        private_broker.stop()  # the outage: nothing answers any more
        with pytest.raises(MetadataTimeout) as err:
            sink.add(make_incident(2))
        assert err.value.reason == "sink.metadata_timeout"
        assert isinstance(err.value, BrokerUnavailable)
        assert Topics(cfg.topic_prefix).incidents in str(err.value)
        assert "does not exist" not in str(err.value)
        with pytest.raises(MetadataTimeout):
            sink.check_topics()
    finally:
        sink.close(timeout=1)

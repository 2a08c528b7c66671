"""The Kafka sink against the real broker (WIREWATCH_TEST_BOOTSTRAP)."""

from __future__ import annotations

import json
import socket
import time
import uuid

import jsonschema
import pytest
from kafka import KafkaConsumer

from sinks.kafka import KafkaSink
from tests.factories import make_incident
from wirewatch import schemas
from wirewatch.config import KafkaSettings
from wirewatch.errors import BrokerUnavailable, TopicMissing
from wirewatch.metrics import sample
from wirewatch.topics import Topics

pytestmark = pytest.mark.kafka


def _consume_all(cfg: KafkaSettings, topic: str, expected: int, timeout: float = 60.0):
    consumer = KafkaConsumer(
        bootstrap_servers=cfg.bootstrap_servers,
        group_id=f"verify-{uuid.uuid4().hex[:8]}",  # a new group: reads from the start
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        enable_auto_commit=False,
        consumer_timeout_ms=5000,
    )
    consumer.subscribe([topic])
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=1000).values():
            out.extend(batch)
    # a short extra read to catch duplicates beyond the expected count
    for batch in consumer.poll(timeout_ms=1500).values():
        out.extend(batch)
    consumer.close()
    return out


def test_10000_incidents_exactly_once_with_keys_headers_and_schema(kafka_settings):
    sink = KafkaSink(kafka_settings, source="wirewatch/test")
    sink.setup()
    sink.check_topics()
    n = 10_000
    for i in range(n):
        sink.add(make_incident(i))
    sink.close()
    assert (sink.stats.added, sink.stats.delivered, sink.stats.failed) == (n, n, 0)

    topic = Topics(kafka_settings.topic_prefix).incidents
    records = _consume_all(kafka_settings, topic, n)
    keys = [r.key.decode() for r in records]
    assert len(records) == n and len(set(keys)) == n, "each incident exactly once"
    validator = jsonschema.Draft202012Validator(schemas.load("incidents"))
    for r in records:
        value = json.loads(r.value)
        assert r.key.decode() == value["incident_id"]
        headers = dict(r.headers)
        assert headers["ce_specversion"] == b"1.0"
        assert headers["ce_type"] == b"io.wirewatch.incident.v1"
        assert headers["ce_source"] == b"wirewatch/test"
        assert headers["content-type"] == b"application/json"
        assert headers["ce_id"] and headers["ce_time"]
        errors = list(validator.iter_errors(value))
        assert not errors, errors[0].message
    # same key -> same partition (ordering per incident)
    by_key = {}
    for r in records:
        assert by_key.setdefault(r.key, r.partition) == r.partition


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_broker_unreachable_at_start_is_a_clear_error_in_bounded_time():
    cfg = KafkaSettings(bootstrap_servers=f"127.0.0.1:{_closed_port()}", bootstrap_timeout_ms=3000)
    sink = KafkaSink(cfg)
    t0 = time.monotonic()
    with pytest.raises(BrokerUnavailable) as err:
        sink.setup()
    assert time.monotonic() - t0 < 20
    assert "no Kafka broker reachable" in str(err.value)
    assert err.value.reason == "sink.broker_unavailable"


def test_unknown_topic_with_auto_create_off_is_a_clear_error(kafka_bootstrap):
    cfg = KafkaSettings(
        bootstrap_servers=kafka_bootstrap,
        topic_prefix=f"missing{uuid.uuid4().hex[:6]}",
        max_block_ms=3000,
    )
    sink = KafkaSink(cfg)
    sink.setup()
    with pytest.raises(TopicMissing) as err:
        sink.check_topics()
    assert "wirewatch topics create" in str(err.value)
    t0 = time.monotonic()
    with pytest.raises(TopicMissing):
        sink.add(make_incident(1))
    assert time.monotonic() - t0 < 20
    sink.close(timeout=5)


def test_oversized_record_goes_to_dead_letter(kafka_settings):
    cfg = kafka_settings.model_copy(update={"max_request_size": 200_000})
    sink = KafkaSink(cfg, source="wirewatch/test")
    sink.setup()
    before = sample(
        "wirewatch_dead_letters_total", {"stage": "sink", "reason": "sink.record_too_large"}
    )
    sink.add(make_incident(1, text_size=500_000))  # over the limit: dead-lettered
    sink.add(make_incident(2))  # the next record is unaffected
    sink.close()
    assert sink.stats.dead_lettered == 1
    assert (
        sample("wirewatch_dead_letters_total", {"stage": "sink", "reason": "sink.record_too_large"})
        == before + 1
    )
    topics = Topics(cfg.topic_prefix)
    dead = _consume_all(cfg, topics.deadletter, 1, timeout=20)
    assert len(dead) == 1
    letter = json.loads(dead[0].value)
    jsonschema.validate(letter, schemas.load("deadletter"))
    assert letter["reason"] == "sink.record_too_large"
    assert letter["source_topic"] == topics.incidents and letter["key"] == "inc-000001"
    assert letter["context"]["original_bytes"] > 500_000 and letter["context"]["truncated"]
    ok = _consume_all(cfg, topics.incidents, 1, timeout=20)
    assert [r.key for r in ok] == [b"inc-000002"]


def test_record_over_broker_limit_is_dead_lettered(kafka_bootstrap):
    """The producer allows it, the broker (topic max.message.bytes) refuses it."""
    from wirewatch.kafka_admin import create_topics

    cfg = KafkaSettings(
        bootstrap_servers=kafka_bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}",
        max_request_size=3_000_000,
        partitions=1,
        compression="none",
    )
    create_topics(cfg.model_copy(update={"max_request_size": 1_000_000}))
    sink = KafkaSink(
        cfg,
        source="wirewatch/test",
    )
    sink.setup()
    sink.add(make_incident(1, text_size=2_000_000))
    sink.flush(timeout=30)
    sink.close()
    assert sink.stats.failed == 1 and sink.stats.dead_lettered == 1
    dead = _consume_all(cfg, Topics(cfg.topic_prefix).deadletter, 1, timeout=20)
    assert json.loads(dead[0].value)["reason"] == "sink.record_too_large"


def test_healthcheck_is_ready_while_records_are_delivered(kafka_settings):
    """A connected producer that delivers is ready (kafka-python 3's bootstrap_connected() is
    False once bootstrapped, which read as 'down' for the whole run); a record left without
    its ack beyond request_timeout_ms makes it not ready."""
    sink = KafkaSink(kafka_settings, source="test")
    assert not sink.healthcheck()  # not set up yet
    sink.setup()
    try:
        sink.add(make_incident(1))
        sink.flush(timeout=30)
        assert sink.healthcheck()
        from sinks.kafka import _InFlight

        never_acked = _InFlight(None, "t", None, b"", [], 1, time.monotonic() - 3600)
        sink._inflight.appendleft(never_acked)
        assert not sink.healthcheck()
        sink._inflight.popleft()
        assert sink.healthcheck()
    finally:
        sink.close()

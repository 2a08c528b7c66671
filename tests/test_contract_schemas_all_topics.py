"""Every topic of the topology with a contract has a committed JSON Schema, and every record
carries the schema's ``$id`` as ``ce_dataschema`` (the feeds topic's records included)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import jsonschema
import pytest
from kafka import KafkaConsumer

from ingest.feeds import FeedSpec, load_feed_list, read_feed_record
from ingest.poll_stage import StateRecord
from ingest.state import FeedState
from sinks.kafka import KafkaSink
from tests.factories import make_incident
from wirewatch import schemas
from wirewatch.config import KafkaSettings
from wirewatch.contracts import Article, DeadLetter, Event, FeedEntry, WireCopy, stable_key
from wirewatch.errors import ConfigError
from wirewatch.kafka_admin import FeedRegistry
from wirewatch.topics import Topics, cloudevent_headers, record_value
from wirewatch.topology import TOPOLOGY


def test_every_topic_of_the_topology_has_a_schema():
    assert (
        set(schemas.KINDS)
        == set(TOPOLOGY.kinds())
        == {
            "feeds",
            "feedstate",
            "entries",
            "articles",
            "incidents",
            "events",
            "copies",
            "sharded-incidents",
            "broadcast-copies",
            "deadletter",
        }
    )
    for kind in schemas.KINDS:
        committed = schemas.load(kind)
        assert committed["$id"].endswith(f"/{Topics().name(kind)}.json")
        jsonschema.Draft202012Validator.check_schema(committed)


def test_drift_of_a_table_schema_is_detected(tmp_path, monkeypatch):
    schemas.write_all(tmp_path)
    p = tmp_path / "wirewatch.feeds.v1.json"
    p.write_text(p.read_text().replace('"interval"', '"period"'))
    monkeypatch.setattr(schemas, "SCHEMA_DIR", tmp_path)
    assert schemas.drift() == ["wirewatch.feeds.v1.json"]


def _records() -> dict[str, object]:
    url = "https://example.org/a"
    now = datetime(2026, 1, 2, tzinfo=UTC)
    return {
        "feeds": FeedSpec(url="https://example.org/feed.xml", interval=900),
        "feedstate": StateRecord.build(FeedState(feed_id="f1", url="https://example.org/f"), []),
        "entries": FeedEntry(
            entry_id="g1", url_key=stable_key(url), feed_id="f", feed_url="u", url=url, link=url
        ),
        "articles": Article(article_id="a", url=url, text="t" * 50),
        "incidents": make_incident(1),
        "events": Event(
            event_id="e1",
            version=1,
            event_type=make_incident(1).event_type,
            sub_event_type=make_incident(1).sub_event_type,
            incident_ids=["inc-000001"],
            article_ids=["a"],
            confidence=0.5,
            first_reported_at=now,
            last_reported_at=now,
        ),
        "copies": WireCopy(article_id="c", duplicate_of="a", similarity=0.9, url=url),
        "sharded-incidents": make_incident(1),
        "broadcast-copies": WireCopy(article_id="c", duplicate_of="a", similarity=0.9, url=url),
        "deadletter": DeadLetter(dead_letter_id="d1", stage="fetch", reason="x", error="y"),
    }


# topics that carry another topic's contract: their records name their schema only when the
# runner gives their kind (without it, a record is of the first, published topic)
RESENT = {"sharded-incidents", "broadcast-copies"}


@pytest.mark.parametrize("kind", list(schemas.KINDS))
def test_each_record_names_its_schema_and_validates_against_it(kind):
    record = _records()[kind]
    kw = {"kind": kind} if kind in RESENT else {}
    headers = dict(cloudevent_headers(record, "wirewatch/test", **kw))  # type: ignore[arg-type]
    schema = schemas.load(kind)
    assert headers["ce_dataschema"].decode() == schema["$id"]
    assert headers["ce_type"].decode() == TOPOLOGY.topic(kind).ce_type
    jsonschema.validate(json.loads(record_value(record)), schema)  # type: ignore[arg-type]


def test_the_kind_given_by_a_runner_names_the_schema():
    headers = dict(
        cloudevent_headers(
            make_incident(1), "wirewatch/process", ce_type="io.wirewatch.incident.v1", kind="events"
        )
    )
    assert headers["ce_dataschema"] == schemas.load("events")["$id"].encode()


def test_a_feed_record_of_a_newer_minor_version_is_read():
    value = json.dumps(
        {"url": "https://example.org/feed.xml", "schema_version": "1.1", "priority": "high"}
    )
    assert read_feed_record(value) == FeedSpec(url="https://example.org/feed.xml")
    jsonschema.validate(json.loads(value), schemas.load("feeds"))


def test_a_feed_list_file_still_refuses_an_unknown_key(tmp_path):
    p = tmp_path / "feeds.yaml"
    p.write_text("feeds:\n  - url: https://example.org/feed.xml\n    intervall: 5m\n")
    with pytest.raises(ConfigError, match="intervall: unknown field"):
        load_feed_list(p)


def _headers_on(cfg: KafkaSettings, topic: str) -> list[dict[str, str]]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=cfg.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        consumer_timeout_ms=5000,
    )
    try:
        return [{k: v.decode() for k, v in m.headers} for m in consumer if m.value is not None]
    finally:
        consumer.close()


@pytest.mark.kafka
def test_feed_records_and_sink_records_carry_cloudevents_headers(kafka_settings: KafkaSettings):
    FeedRegistry(kafka_settings).put([FeedSpec(url=f"https://example.org/{uuid.uuid4().hex}")])
    sink = KafkaSink(kafka_settings, source="wirewatch/test")
    sink.add(make_incident(2))
    sink.close()
    topics = Topics(kafka_settings.topic_prefix)

    (feed,) = _headers_on(kafka_settings, topics.feeds)
    assert feed["ce_type"] == "io.wirewatch.feed.v1"
    assert feed["ce_specversion"] == "1.0" and feed["ce_id"] and feed["ce_time"]
    assert feed["ce_dataschema"] == schemas.load("feeds")["$id"]
    (incident,) = _headers_on(kafka_settings, topics.incidents)
    assert incident["ce_dataschema"] == schemas.load("incidents")["$id"]

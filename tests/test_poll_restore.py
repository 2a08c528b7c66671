"""A poll worker gets its feeds' states back when partitions are assigned (the compacted
feedstate topic). A read that fails there must not leave the worker polling without them: it
would take every feed for new and write their entries again. Real broker."""

from __future__ import annotations

from typing import Any

import pytest
from kafka import KafkaProducer

import wirewatch.runners.kafka as runners_kafka
from ingest.poll_stage import StateRecord
from ingest.state import FeedState
from tests.broker_support import read_table_stalling_once
from wirewatch.config import KafkaSettings, MetricsSettings, Settings
from wirewatch.errors import SinkError, TopicMissing
from wirewatch.kafka_admin import read_table
from wirewatch.runners.kafka import KafkaSourceRunner, build_runner
from wirewatch.topics import Topics


@pytest.mark.kafka
def test_a_poll_worker_whose_state_restore_fails_reads_it_again(
    kafka_settings: KafkaSettings, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    cfg = kafka_settings.model_copy(update={"retry_backoff_s": 0.1})
    topics = Topics(cfg.topic_prefix)
    state = FeedState(feed_id="feed-a", url="http://127.0.0.1:9/a.xml", polls=7, etag='"v7"')
    producer = KafkaProducer(bootstrap_servers=cfg.bootstrap_servers, acks="all")
    try:
        producer.send(
            topics.name("feedstate"),
            key=b"feed-a",
            value=StateRecord.build(state, []).model_dump_json().encode(),
            partition=1,
        )
        producer.flush(timeout=30)
    finally:
        producer.close()

    reads = read_table_stalling_once(monkeypatch)
    runner = build_runner(Settings(kafka=cfg, metrics=MetricsSettings(enabled=False)), "poll")
    assert isinstance(runner, KafkaSourceRunner)
    try:
        with caplog.at_level("ERROR", logger="wirewatch.workers"):
            runner.take_partitions({0, 1, 2})
        restored = runner.stage.store.feeds["feed-a"]  # type: ignore[attr-defined]
    finally:
        runner.close()
    assert (restored.polls, restored.etag) == (7, '"v7"')
    assert reads == [topics.name("feedstate")] * 2
    failures = [r for r in caplog.records if r.getMessage().startswith("state restore failed")]
    assert len(failures) == 1 and "stalled" in failures[0].getMessage()
    assert failures[0].exc_info is None


@pytest.mark.kafka
def test_a_state_topic_that_is_missing_stops_the_restore_instead_of_retrying(
    kafka_settings: KafkaSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not an outage: retrying would never end. The error reaches the worker's caller (one
    line naming the topic and `wirewatch topics create`)."""
    reads: list[str] = []

    def missing(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[1])
        raise TopicMissing(f"topic {args[1]} does not exist (run `wirewatch topics create`)")

    monkeypatch.setattr(runners_kafka, "read_table", missing)
    cfg = kafka_settings.model_copy(update={"retry_backoff_s": 0.1})
    runner = build_runner(Settings(kafka=cfg, metrics=MetricsSettings(enabled=False)), "poll")
    try:
        with pytest.raises(TopicMissing, match="topics create"):
            runner.take_partitions({0})
    finally:
        runner.close()
    assert len(reads) == 1


@pytest.mark.kafka
def test_a_table_read_ends_when_the_worker_is_asked_to_stop(kafka_settings: KafkaSettings) -> None:
    """A long restore does not outlive a stop request (SIGTERM, then the pod's grace period)."""
    topic = Topics(kafka_settings.topic_prefix).name("feedstate")
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")
    try:
        producer.send(topic, key=b"feed-a", value=b"{}", partition=0)
        producer.flush(timeout=30)
    finally:
        producer.close()
    assert len(read_table(kafka_settings, topic, {0})) == 1  # readable when not stopping
    with pytest.raises(SinkError, match="stopped") as raised:
        read_table(kafka_settings, topic, {0}, should_stop=lambda: True)
    assert raised.value.reason == "sink.read_stopped"


@pytest.mark.kafka
def test_a_restore_cut_short_by_a_stop_is_not_logged_as_a_failure(
    kafka_settings: KafkaSettings, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    runner = build_runner(
        Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False)), "poll"
    )

    def stopped(*args: Any, **kwargs: Any) -> Any:
        runner.stop_event.set()
        raise SinkError(f"reading {args[1]} stopped: asked to stop", reason="sink.read_stopped")

    monkeypatch.setattr(runners_kafka, "read_table", stopped)
    try:
        with caplog.at_level("ERROR", logger="wirewatch.workers"):
            runner.take_partitions({0})
    finally:
        runner.close()
    assert not [r for r in caplog.records if "restore failed" in r.getMessage()]

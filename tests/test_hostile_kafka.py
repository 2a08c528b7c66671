"""Hostile inputs that meet the broker: a record over the broker's size limit (through the
pipeline's :class:`~sinks.KafkaSink`) and poison records in the articles topic (through the
transactional process stage in :mod:`wirewatch.runners.kafka`). Both against the real broker
(``WIREWATCH_TEST_BOOTSTRAP``); each must give a dead letter with a classified reason, a metric,
a log line, and a stage that keeps going with the next record.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

import processors.extractor
from ingest import FeedSpec, MemoryStateStore
from ingest.http import HttpClient
from processors.stage import process_article
from sinks import KafkaSink
from tests.hostile_support import MetricDelta, hostile_settings
from tests.ingest_support import LocalServer, Reply, article_html, rss
from tests.pipeline_support import read_topic
from wirewatch.config import KafkaSettings, MetricsSettings, Settings
from wirewatch.contracts import Article, DeadLetter, stable_key
from wirewatch.kafka_admin import create_topics
from wirewatch.runners.embedded import EmbeddedRunner
from wirewatch.runners.kafka import build_runner
from wirewatch.topics import Topics

pytestmark = [pytest.mark.kafka]
REPO = Path(__file__).resolve().parent.parent
SEED = json.loads((REPO / "tests" / "fixtures" / "seed-article.json").read_text())


def _letters(bootstrap: str, topic: str) -> list[dict]:
    out = [json.loads(m.value) for m in read_topic(bootstrap, topic, idle_ms=2000)]
    for d in out:
        DeadLetter.model_validate(d)
    return out


def test_kafka_record_over_broker_size_limit(kafka_bootstrap: str, caplog) -> None:
    """The producer allows 3 MB, the topics (max.message.bytes) 1 MB: the broker refuses an
    entry whose feed summary is 1.5 MB; it becomes a sink dead letter, the rest flows on."""
    caplog.set_level(logging.INFO)
    cfg = KafkaSettings(
        bootstrap_servers=kafka_bootstrap,
        topic_prefix=f"h{uuid.uuid4().hex[:8]}",
        max_request_size=3_000_000,
        partitions=1,
        compression="none",
    )
    create_topics(cfg.model_copy(update={"max_request_size": 1_000_000}))
    topics = Topics(cfg.topic_prefix)
    settings = hostile_settings()
    settings.kafka = cfg
    huge = "word " * 300_000
    with LocalServer() as srv, MetricDelta() as metrics:
        srv.route("/p", Reply(204))
        srv.route("/canary", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))
        items = [
            {"title": "Huge", "link": srv.url("/p?huge"), "guid": "huge", "description": huge},
            {"title": "Canary", "link": srv.url("/canary"), "guid": "canary"},
        ]
        srv.route("/feed.xml", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
        sink = KafkaSink(cfg, source="wirewatch/test")
        sink.setup()

        async def go() -> None:
            async with HttpClient(settings.http) as client:
                pipeline = EmbeddedRunner(
                    settings, [FeedSpec(url=srv.url("/feed.xml"))], sink,
                    store=MemoryStateStore(), client=client,
                )  # fmt: skip
                await pipeline.run(once=True, timeout=90)

        asyncio.run(go())
        sink.close()
        reason = "sink.record_too_large"
        assert metrics.delta("wirewatch_dead_letters_total", {"stage": "sink", "reason": reason})
    dead = _letters(kafka_bootstrap, topics.deadletter)
    assert len(dead) == 1, [d["reason"] for d in dead]
    letter = dead[0]
    assert letter["reason"] == reason and letter["stage"] == "sink"
    assert letter["source_topic"] == topics.entries
    assert letter["context"]["original_bytes"] > 1_500_000 and letter["context"]["truncated"]
    assert any(getattr(r, "reason", None) == reason for r in caplog.records)
    # the pipeline kept going: the huge entry's article and the canary both arrived
    entries = [json.loads(m.value) for m in read_topic(kafka_bootstrap, topics.entries)]
    assert [e["title"] for e in entries] == ["Canary"]
    arts = {json.loads(m.value)["url"] for m in read_topic(kafka_bootstrap, topics.articles)}
    assert arts == {srv.url("/p?huge"), srv.url("/canary")}


def test_poison_records_in_articles_topic(kafka_settings: KafkaSettings, monkeypatch, caplog):
    """Bytes that are not JSON, JSON that is not an Article, and an Article that crashes the
    extractor each become a process dead letter in the same transaction; the good article
    after them is processed."""
    caplog.set_level(logging.INFO)
    topics = Topics(kafka_settings.topic_prefix)
    real = processors.extractor.extract_incidents

    def flaky(article: Article, **kw: Any):
        if article.article_id == "poison-1":
            raise RuntimeError("extractor exploded on this article")
        return real(article, **kw)

    monkeypatch.setattr(processors.extractor, "extract_incidents", flaky)
    good = Article(
        article_id=stable_key(SEED["url"]),
        url=SEED["url"],
        title=SEED["title"],
        text=SEED["text"],
        published_at=SEED["published_at"] + "T00:00:00Z",
        language="en",
    )
    poison = good.model_copy(update={"article_id": "poison-1", "url": "https://x.invalid/p"})
    records = [
        (b"garbage", b"\x00\xff\xfe not json at all"),
        (b"not-an-article", json.dumps({"hello": "world"}).encode()),
        (b"poison-1", poison.model_dump_json().encode()),
        (good.article_id.encode(), good.model_dump_json().encode()),
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")
    for key, value in records:  # one partition: the good record comes after the poison
        producer.send(topics.articles, key=key, value=value, partition=0)
    producer.flush(timeout=30)
    producer.close()

    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    worker = build_runner(settings, "process")
    with MetricDelta() as metrics:
        try:
            worker.setup()
            worker.run(max_records=len(records), timeout=90)
        finally:
            worker.close()
        assert worker.processed == len(records)
        assert (
            metrics.delta(
                "wirewatch_dead_letters_total", {"stage": "process", "reason": "contract.invalid"}
            )
            == 2
        )
        crash = "process.crash.RuntimeError"
        assert (
            metrics.delta("wirewatch_dead_letters_total", {"stage": "process", "reason": crash})
            == 1
        )
    dead = {d["key"]: d for d in _letters(kafka_settings.bootstrap_servers, topics.deadletter)}
    assert set(dead) == {"garbage", "not-an-article", "poison-1"}
    assert dead["garbage"]["reason"] == "contract.invalid"
    assert dead["garbage"]["payload_encoding"] == "base64"  # kept byte for byte
    assert dead["not-an-article"]["reason"] == "contract.invalid"
    assert dead["poison-1"]["reason"] == crash
    assert "extractor exploded" in dead["poison-1"]["error"]
    assert "RuntimeError" in dead["poison-1"]["context"]["traceback"]
    assert dead["poison-1"]["source_topic"] == topics.articles
    assert any(r.getMessage() == "extractor crashed" for r in caplog.records)
    assert {getattr(r, "reason", None) for r in caplog.records} >= {"contract.invalid", crash}
    incidents = read_topic(kafka_settings.bootstrap_servers, topics.incidents)
    want = process_article(good)
    assert want, "the seed article should yield incidents"
    assert sorted(json.loads(m.value)["incident_id"] for m in incidents) == sorted(
        i.incident_id for i in want
    )

"""Rolling upgrades: a worker reads any 1.x record and ignores fields it does not know; a record
of another major version is dead-lettered with a reason naming the version. Against the real
broker, through the fetch and process stages of the Kafka runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from ingest import canonicalize_url
from processors.stage import process_article
from testkit.http import LocalServer, Reply, article_html
from testkit.pipeline import read_topic, run_stage
from tests.hostile_support import hostile_settings
from wirewatch.config import KafkaSettings, MetricsSettings
from wirewatch.contracts import Article, FeedEntry, stable_key
from wirewatch.topics import Topics

pytestmark = [pytest.mark.kafka]
REPO = Path(__file__).resolve().parent.parent
SEED = json.loads((REPO / "tests" / "fixtures" / "seed-article.json").read_text())


def _entry(url: str, version: str, **extra: Any) -> tuple[str, bytes]:
    canonical = canonicalize_url(url)
    entry = FeedEntry(
        entry_id=url,
        url_key=stable_key(canonical),
        feed_id="f1",
        feed_url="http://127.0.0.1/feed.xml",
        url=canonical,
        link=url,
        title="A story",
    )
    value = {**json.loads(entry.model_dump_json()), "schema_version": version, **extra}
    return entry.url_key, json.dumps(value).encode()


def _article(url: str, version: str, **extra: Any) -> tuple[str, bytes]:
    article = Article(
        article_id=stable_key(url),
        url=url,
        title=SEED["title"],
        text=SEED["text"],
        published_at=SEED["published_at"] + "T00:00:00Z",
        language="en",
    )
    value = {**json.loads(article.model_dump_json()), "schema_version": version, **extra}
    value["timings"]["queue_ms"] = 3.5  # unknown nested field
    return article.article_id, json.dumps(value).encode()


def _send(bootstrap: str, topic: str, records: list[tuple[str, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for key, value in records:
        producer.send(topic, key=key.encode(), value=value, partition=0)
    producer.flush(timeout=30)
    producer.close()


def test_minor_versions_pass_and_a_major_version_is_dead_lettered(
    kafka_settings: KafkaSettings,
) -> None:
    bootstrap = kafka_settings.bootstrap_servers
    assert bootstrap is not None
    topics = Topics(kafka_settings.topic_prefix)
    settings = hostile_settings()
    settings.kafka = kafka_settings
    settings.metrics = MetricsSettings(enabled=False)
    with LocalServer() as srv:
        srv.route("/story", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))
        srv.route("/later", Reply(200, article_html().encode(), {"Content-Type": "text/html"}))
        _send(
            bootstrap,
            topics.entries,
            [
                _entry(srv.url("/story"), "1.1", priority=3, tags={"desk": "world"}),
                _entry(srv.url("/later"), "2.0"),
            ],
        )
        run_stage(settings, "fetch", 2)
        assert [h.path for h in srv.hits("/later")] == []  # a 2.0 entry is not fetched

    articles = [
        Article.model_validate_json(m.value) for m in read_topic(bootstrap, topics.articles)
    ]
    assert [a.url.rsplit("/", 1)[1] for a in articles] == ["story"]
    assert articles[0].schema_version == "1.0"  # written by this version, as 1.0

    _send(
        bootstrap,
        topics.articles,
        [
            _article("https://news.test/seed", "1.3", desk="world"),
            _article("https://news.test/next", "2.0"),
        ],
    )
    run_stage(settings, "process", 3)  # the fetched article and the two sent

    incidents = [json.loads(m.value) for m in read_topic(bootstrap, topics.incidents)]
    want = process_article(
        Article(
            article_id=stable_key("https://news.test/seed"),
            url="https://news.test/seed",
            title=SEED["title"],
            text=SEED["text"],
            published_at=SEED["published_at"] + "T00:00:00Z",
            language="en",
        )
    )
    assert want, "the seed article yields incidents"
    got = sorted(i["incident_id"] for i in incidents if i["article_id"] == want[0].article_id)
    assert got == sorted(i.incident_id for i in want)

    letters = [json.loads(m.value) for m in read_topic(bootstrap, topics.deadletter)]
    by_stage = {d["stage"]: d for d in letters}
    assert sorted(by_stage) == ["fetch", "process"] and len(letters) == 2
    for stage, letter in by_stage.items():
        assert letter["reason"] == "contract.version_unsupported", (stage, letter)
        assert "'2.0'" in letter["error"]
        assert json.loads(letter["payload"])["schema_version"] == "2.0"  # the input is kept
    assert by_stage["fetch"]["source_topic"] == topics.entries
    assert by_stage["process"]["source_topic"] == topics.articles

"""WebSub push with the Kafka runner against the real broker (WIREWATCH_TEST_BOOTSTRAP): the poll
worker serves the callback, and a verified push becomes an entries record written in the poll
stage's own transaction (the topology), with its state record beside it."""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
from kafka import KafkaConsumer

from ingest.websub import sign
from testkit.websub_hub import wait_for
from tests.websub_support import LocalHub, LocalServer, feed_doc, serve_feed, settings
from wirewatch.kafka_admin import FeedRegistry
from wirewatch.runners.kafka import build_runner
from wirewatch.topics import Topics

pytestmark = pytest.mark.kafka


def _records(cfg, kind: str) -> list[tuple[str, dict]]:
    consumer = KafkaConsumer(
        Topics(cfg.topic_prefix).name(kind),
        bootstrap_servers=cfg.bootstrap_servers,
        group_id=f"read-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    try:
        return [(m.key.decode(), json.loads(m.value)) for m in consumer]
    finally:
        consumer.close()


@contextlib.contextmanager
def _poll_worker(cfg) -> Iterator[None]:
    """A Kafka poll worker (its WebSub callback served) running in a thread, stopped on exit."""
    runner = build_runner(settings().model_copy(update={"kafka": cfg}), "poll")
    thread = threading.Thread(target=runner.run, kwargs={"timeout": 180}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        runner.stop_event.set()
        thread.join(60)
        runner.close()


def test_push_becomes_an_entry_record_with_the_kafka_runner(kafka_settings):
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        cfg = kafka_settings
        FeedRegistry(cfg).put([feed])
        with _poll_worker(cfg):
            assert wait_for(lambda: hub.subscribed(feed.url), timeout=90), hub.requests
            doc = feed_doc(site, hub.url, ["p1", "old1"])
            assert hub.publish(feed.url, doc) == [202]

            def pushed() -> bool:
                return any(e["title"] == "Story p1" for _k, e in _records(cfg, "entries"))

            assert wait_for(pushed, timeout=90)
        titles = [e["title"] for _k, e in _records(cfg, "entries")]
        assert titles.count("Story p1") == 1 and titles.count("Story old1") == 1
        # the push moved the feed's state on too: its seen marks include the pushed item
        states = [v for k, v in _records(cfg, "feedstate") if k == feed.feed_id]
        assert any(any(m["entry_id"].endswith("/p1") for m in st["seen"]) for st in states), states


def test_feeds_remove_unsubscribes_at_the_hub_with_the_kafka_runner(kafka_settings):
    """`wirewatch feeds remove` writes the feed's tombstone: the poll worker that owns it asks
    the hub to unsubscribe, and the hub's verification is echoed, so the pushes stop: the hub
    sends none, and one that still reaches the callback is refused (410) and written nowhere."""
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        cfg = kafka_settings
        registry = FeedRegistry(cfg)
        registry.put([feed])
        with _poll_worker(cfg):
            assert wait_for(lambda: hub.subscribed(feed.url), timeout=90), hub.requests
            (sub,) = hub.subscribed(feed.url)
            assert registry.remove(feed.url) == feed.feed_id
            assert wait_for(lambda: not hub.subscribed(feed.url), timeout=90), hub.requests
            doc = feed_doc(site, hub.url, ["p2", "old1"])
            assert hub.publish(feed.url, doc) == []  # no subscriber left to deliver to
            # a push the hub had in flight, signed with the old secret, as the hub would send it
            assert sub.secret is not None
            late = httpx.post(
                sub.callback,
                content=doc,
                headers={
                    "Content-Type": "application/rss+xml",
                    "X-Hub-Signature": sign(sub.secret, doc, "sha256"),
                },
                timeout=10,
            )
            assert late.status_code == 410, late.text
        (unsub,) = hub.subscribe_requests(feed.url, mode="unsubscribe")
        assert unsub.verified is True and unsub.form["hub.callback"] == sub.callback
        titles = [e["title"] for _k, e in _records(cfg, "entries")]
        assert "Story p2" not in titles, titles

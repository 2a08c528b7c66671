"""wirewatch ui --kafka: the reader shows committed records, live, never those of an aborted
transaction, and keeps the page served while the broker is unreachable."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Callable

import pytest

from sinks.kafka import make_producer
from tests.ui_support import incident
from wirewatch.config import KafkaSettings
from wirewatch.topics import Topics
from wirewatch.ui import make_server
from wirewatch.ui.kafka_reader import KafkaEventStore

WAIT_S = 90  # generous: a shared, loaded broker; the assertions are on what arrives, not when


def _until(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def _ids(store: KafkaEventStore) -> set[str]:
    return {r["incident_id"] for r in store.since(-1, 0)["records"]}


def _send(producer, topic: str, values: list[bytes], *, commit: bool) -> None:
    producer.begin_transaction()
    for n, v in enumerate(values):  # a compacted topic takes keyed records only
        producer.send(topic, key=f"k{n}-{hash(v)}".encode(), value=v)
    producer.flush()  # in the log before the outcome: an aborted record is there, not dropped
    if commit:
        producer.commit_transaction()
    else:
        producer.abort_transaction()


@pytest.mark.kafka
def test_reader_shows_committed_records_live_and_never_aborted_ones(kafka_settings) -> None:
    topic = Topics(kafka_settings.topic_prefix).incidents
    producer = make_producer(kafka_settings, transactional_id=f"{topic}-ui-test")
    producer.init_transactions()
    value = lambda i: incident(i).model_dump_json().encode()  # noqa: E731
    _send(producer, topic, [value(0), value(1), b"{not json", value(2)], commit=True)
    _send(producer, topic, [value(99)], commit=False)
    store = KafkaEventStore(kafka_settings, [f"{kafka_settings.topic_prefix}.events.v1", topic])
    try:
        assert _until(lambda: _ids(store) >= {"inc-000000", "inc-000001", "inc-000002"})
        # live: a transaction committed while the reader runs
        _send(producer, topic, [value(3)], commit=True)
        assert _until(lambda: "inc-000003" in _ids(store))
        got = store.since(-1, 0)
        assert {r["incident_id"] for r in got["records"]} == {f"inc-00000{i}" for i in range(4)}
        assert got["skipped"] == 1
        assert got["source"] == f"kafka topic {topic}"
        assert got["problem"] is None
    finally:
        store.close()
        producer.close()


def test_unreachable_broker_is_shown_on_the_page_and_the_server_keeps_serving() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    cfg = KafkaSettings(bootstrap_servers=f"127.0.0.1:{closed}", bootstrap_timeout_ms=1000)
    server = make_server(KafkaEventStore(cfg, ["wirewatch.incidents.v1"]), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:

        def problem() -> str | None:
            with urllib.request.urlopen(server.url + "api/records") as resp:
                return json.load(resp)["problem"]

        assert _until(lambda: problem() is not None)
        assert (problem() or "").startswith("kafka: sink.broker_unavailable")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.kafka
def test_feed_health_from_kafka_reads_feedstate_and_dead_letters(kafka_settings) -> None:
    import time
    from dataclasses import asdict

    from ingest.state import FeedState
    from wirewatch.ui.health import KafkaHealth

    names = Topics(kafka_settings.topic_prefix)
    now = time.time()
    ok = FeedState(
        feed_id="ok",
        url="http://a.test/feed",
        interval=3600,
        last_status=200,
        last_success=now - 60,
        last_new_entry=now - 60,
        polls=2,
    )
    gone = FeedState(feed_id="gone", url="http://b.test/feed", interval=3600)
    producer = make_producer(kafka_settings)
    try:
        for st in (ok, gone):
            value = json.dumps({"state": asdict(st), "seen": []}).encode()
            producer.send(names.feedstate, key=st.feed_id.encode(), value=value)
        producer.send(names.feedstate, key=b"gone", value=None)  # removed from the list
        for reason in ("http.status", "http.status", "fetch.timeout"):
            letter = {"stage": "fetch", "reason": reason}
            producer.send(names.deadletter, key=reason.encode(), value=json.dumps(letter).encode())
        producer.flush()
    finally:
        producer.close()
    snap = KafkaHealth(kafka_settings, stale_factor=5.0, max_age_s=0).snapshot()
    assert snap["feeds_problem"] is None
    assert [(f["feed_id"], f["result"], f["stale"]) for f in snap["feeds"]] == [
        ("ok", "ok (200)", False)
    ]
    assert snap["dead_letters"] == [
        {"stage": "fetch", "reason": "http.status", "count": 2},
        {"stage": "fetch", "reason": "fetch.timeout", "count": 1},
    ]
    assert snap["stage_output"] is None


@pytest.mark.kafka
def test_reader_prefers_events_and_gives_them_their_incidents_evidence(kafka_settings) -> None:
    from tests.ui_support import event_of

    names = Topics(kafka_settings.topic_prefix)
    events = names.name("events")
    incs = [incident(i, event_type="Protests") for i in range(2)]
    producer = make_producer(kafka_settings, transactional_id=f"{names.name('events')}-ui-test")
    producer.init_transactions()
    _send(producer, names.incidents, [i.model_dump_json().encode() for i in incs], commit=True)
    _send(producer, events, [event_of(incs, 7).model_dump_json().encode()], commit=True)
    store = KafkaEventStore(kafka_settings, [events, names.incidents])
    try:
        assert _until(lambda: len(store.since(-1, 0)["evidence"]) == 2)
        got = store.since(-1, 0)
        assert [r["event_id"] for r in got["records"]] == ["ev-000007"]
        assert got["evidence"] == {i.incident_id: i.evidence.text for i in incs}
        assert got["source"] == f"kafka topic {names.name('events')}"
    finally:
        store.close()
        producer.close()

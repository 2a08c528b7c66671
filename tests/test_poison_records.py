"""One bad record never halts a stage (issue 17), against the real broker.

Each class of bad record sits between good records in one partition: the good records come
out exactly once, the bad one as a dead letter (or a truncated record) with its reason, the
worker stays alive, and the group's committed offset passes the bad record within 30 s.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ingest import FeedSpec
from testkit.http import LocalServer, Reply, article_html, rss
from testkit.pipeline import read_topic
from wirewatch.config import HttpSettings, KafkaSettings, ProcessSettings, Settings
from wirewatch.contracts import (
    Article,
    Evidence,
    ExtractorInfo,
    FeedEntry,
    Incident,
    stable_key,
)
from wirewatch.kafka_admin import FeedRegistry
from wirewatch.metrics import sample
from wirewatch.runners.kafka import KafkaSourceRunner, KafkaStageRunner, build_runner
from wirewatch.topics import record_value

pytestmark = [pytest.mark.kafka]

PASS_WITHIN = 30.0  # seconds the committed offset has to pass the bad record


# ------------------------------------------------------------------------------ helpers
def _produce(cfg: KafkaSettings, kind: str, rows: Sequence[tuple[str, bytes]]) -> list[int]:
    """Write ``rows`` (key, value) in order to partition 0 of ``kind``; their offsets."""
    producer = KafkaProducer(
        bootstrap_servers=cfg.bootstrap_servers, acks="all", max_request_size=2_000_000
    )
    futures = [
        producer.send(f"{cfg.topic_prefix}.{kind}.v1", key=k.encode(), value=v, partition=0)
        for k, v in rows
    ]
    producer.flush()
    offsets = [f.get(timeout=30).offset for f in futures]
    producer.close()
    return offsets


def _committed(cfg: KafkaSettings, group: str, topic: str, partition: int) -> int | None:
    consumer = KafkaConsumer(bootstrap_servers=cfg.bootstrap_servers, group_id=group)
    try:
        return consumer.committed(TopicPartition(topic, partition))
    finally:
        consumer.close()


@contextmanager
def _running(
    runner: KafkaStageRunner | KafkaSourceRunner, after_setup: Any = None
) -> Iterator[threading.Thread]:
    """The runner's loop on a thread; stopped (and closed) on the way out."""
    failed: list[BaseException] = []

    def loop() -> None:
        try:
            runner.run(timeout=300)
        except BaseException as exc:  # surfaced by the test
            failed.append(exc)

    runner.setup()
    if after_setup is not None:
        after_setup(runner)
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        runner.stop_event.set()
        thread.join(60)
        runner.close()
    assert not failed, f"the worker died: {failed!r}"


def _wait_passed(cfg: KafkaSettings, runner: Any, topic: str, offset: int) -> float:
    """Seconds until the group's committed offset on partition 0 passed ``offset``."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < PASS_WITHIN + 60:
        got = _committed(cfg, runner.group_id, topic, 0)
        if got is not None and got > offset:
            return time.monotonic() - t0
        time.sleep(0.5)
    raise AssertionError(f"committed offset never passed {offset} on {topic}[0]")


def _read(cfg: KafkaSettings, kind: str) -> list[Any]:
    return read_topic(cfg.bootstrap_servers or "", f"{cfg.topic_prefix}.{kind}.v1", idle_ms=2000)


def _settings(cfg: KafkaSettings, **sections: Any) -> Settings:
    return Settings(kafka=cfg, **sections)


def _entry(url: str, title: str) -> FeedEntry:
    return FeedEntry(
        entry_id=url,
        url_key=stable_key(url),
        feed_id="f-poison",
        feed_url="http://127.0.0.1/feed",
        url=url,
        link=url,
        title=title,
    )


def _words(n_bytes: int, seed: str) -> str:
    """Distinct English-looking sentences (extractors drop repeated paragraphs)."""
    out, i, size = [], 0, 0
    while size < n_bytes:
        digest = hashlib.sha1(f"{seed}{i}".encode()).hexdigest()[:10]
        s = f"Sentence {i} of the long report mentions item {digest} in the river town. "
        out.append(s)
        size += len(s)
        i += 1
    return "".join(out)


def _huge_page(text_bytes: int) -> bytes:
    text = _words(text_bytes, "page")
    paras = "".join(f"<p>{text[i : i + 2000]}</p>\n" for i in range(0, len(text), 2000))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Huge report</title>"
        "</head><body><article><h1>Huge report</h1>" + paras + "</article></body></html>"
    ).encode()


# ------------------------------------------------------------------------------ the four classes
def test_article_text_of_1_4_mb_is_truncated_and_the_partition_moves_on(kafka_settings):
    html_headers = {"Content-Type": "text/html; charset=utf-8"}
    with LocalServer() as site:
        site.route("/good/1", Reply(200, article_html(slug="g1").encode(), html_headers))
        site.route("/huge", Reply(200, _huge_page(1_400_000), html_headers))
        site.route(
            "/good/2", Reply(200, article_html(title="Fire", slug="g2").encode(), html_headers)
        )
        urls = [site.url("/good/1"), site.url("/huge"), site.url("/good/2")]
        entries = [_entry(u, f"story {i}") for i, u in enumerate(urls)]
        offsets = _produce(
            kafka_settings, "entries", [(e.url_key, record_value(e)) for e in entries]
        )
        runner = build_runner(
            _settings(kafka_settings, http=HttpSettings(allowed_hosts=["127.0.0.1"])), "fetch"
        )
        with _running(runner) as thread:
            took = _wait_passed(kafka_settings, runner, runner.input_topic(), offsets[-1])
            assert thread.is_alive()
        assert took < PASS_WITHIN
        assert len(site.hits("/huge")) <= 2
    arts = [Article.model_validate_json(a.value) for a in _read(kafka_settings, "articles")]
    by_url = Counter(a.url for a in arts)
    assert by_url == Counter(urls), by_url  # each exactly once, the huge one included
    huge = next(a for a in arts if a.url == urls[1])
    assert huge.truncated and huge.original_length and huge.original_length > 1_300_000
    assert len(huge.text.encode()) <= kafka_settings.article_text_cap
    assert all(not a.truncated for a in arts if a.url != urls[1])
    assert _read(kafka_settings, "deadletter") == []


def test_feed_item_of_1_5_mb_is_dead_lettered_and_the_others_published(kafka_settings):
    items = [
        {"title": "Good one", "link": "http://news.test/a/1", "guid": "g-1"},
        {
            "title": "Huge one",
            "link": "http://news.test/a/2",
            "guid": "g-2",
            "description": _words(1_500_000, "feed"),
        },
        {"title": "Good two", "link": "http://news.test/a/3", "guid": "g-3"},
    ]
    with LocalServer() as site:
        site.route("/feed", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
        FeedRegistry(kafka_settings).put([FeedSpec(url=site.url("/feed"))])
        runner = build_runner(
            _settings(kafka_settings, http=HttpSettings(allowed_hosts=["127.0.0.1"])), "poll"
        )
        assert isinstance(runner, KafkaSourceRunner)
        with _running(runner) as thread:
            deadline = time.monotonic() + PASS_WITHIN + 60
            while time.monotonic() < deadline and len(_read(kafka_settings, "entries")) < 2:
                time.sleep(1)
            assert thread.is_alive()
    entries = [FeedEntry.model_validate_json(e.value) for e in _read(kafka_settings, "entries")]
    assert Counter(e.entry_id.rsplit("/", 1)[-1] for e in entries) == Counter(["g-1", "g-3"])
    letters = [json.loads(d.value) for d in _read(kafka_settings, "deadletter")]
    assert [(d["stage"], d["reason"]) for d in letters] == [("poll", "record.too_large")]
    ctx = letters[0]["context"]
    assert ctx["payload_bytes"] > 1_500_000 and ctx["payload_truncated"]
    assert len(letters[0]["payload"]) <= kafka_settings.dead_letter_payload_cap
    state = _read(kafka_settings, "feedstate")
    assert state, "the poll's transaction (feed state with its entries) never committed"


def test_non_json_article_value_of_0_9_mb_is_dead_lettered_with_a_bounded_payload(
    kafka_settings,
):
    seed = article_html(slug="seed")  # any text: the rule extractor may find nothing
    good = [
        Article(article_id=stable_key(f"https://x.test/{i}"), url=f"https://x.test/{i}", text=seed)
        for i in range(2)
    ]
    poison = bytes(range(256)) * (900_000 // 256)  # not UTF-8, not JSON; base64 is 1.2 MB
    offsets = _produce(
        kafka_settings,
        "articles",
        [
            (good[0].article_id, record_value(good[0])),
            ("poison", poison),
            (good[1].article_id, record_value(good[1])),
        ],
    )
    runner = build_runner(_settings(kafka_settings), "process")
    with _running(runner) as thread:
        took = _wait_passed(kafka_settings, runner, runner.input_topic(), offsets[-1])
        assert thread.is_alive()
    assert took < PASS_WITHIN
    letters = [json.loads(d.value) for d in _read(kafka_settings, "deadletter")]
    assert [(d["key"], d["reason"]) for d in letters] == [("poison", "contract.invalid")]
    letter = letters[0]
    assert letter["source_offset"] == offsets[1]
    assert letter["payload_encoding"] == "base64"
    assert poison.startswith(base64.b64decode(letter["payload"]))
    assert len(letter["payload"]) <= kafka_settings.dead_letter_payload_cap
    assert letter["context"]["payload_bytes"] == len(poison)
    assert letter["context"]["payload_sha256"] == hashlib.sha256(poison).hexdigest()
    assert runner.processed >= 3


class ManyIncidents:
    """Plug-in extractor: 5,000 incidents for an article titled "many", none for the others,
    one for an article titled "one"."""

    name = "many-incidents"
    version = "1"

    def __init__(self, settings: ProcessSettings) -> None:
        pass

    def setup(self) -> None:
        pass

    def policy(self, article: Article) -> Any:
        from processors.extractor import Verdict

        return Verdict("en", run=True)

    def extract(self, articles: Sequence[Article]) -> list[list[Incident]]:
        counts = {"many": 5000, "one": 1}
        return [
            [
                Incident(
                    incident_id=stable_key(f"{a.article_id}/{i}"),
                    article_id=a.article_id,
                    event_type="Protests",
                    sub_event_type="Peaceful protest",
                    evidence=Evidence(text=f"protest number {i} in the square", start=0, end=10),
                    confidence=0.5,
                    extractor=ExtractorInfo(name=self.name, version=self.version),
                )
                for i in range(counts.get(a.title or "", 0))
            ]
            for a in articles
        ]


def test_article_yielding_5000_incidents_commits_once_between_good_ones(kafka_settings):
    arts = [
        Article(article_id=stable_key(f"https://x.test/{t}"), url=f"https://x.test/{t}", title=t)
        for t in ("one", "many", "one")
    ]
    arts[2] = arts[2].model_copy(
        update={"article_id": stable_key("https://x.test/one2"), "url": "https://x.test/one2"}
    )
    offsets = _produce(kafka_settings, "articles", [(a.article_id, record_value(a)) for a in arts])
    settings = _settings(
        kafka_settings,
        process=ProcessSettings(extractor="tests.test_poison_records:ManyIncidents"),
    )
    runner = build_runner(settings, "process")
    with _running(runner) as thread:
        took = _wait_passed(kafka_settings, runner, runner.input_topic(), offsets[-1])
        assert thread.is_alive()
    assert took < PASS_WITHIN
    incidents = [json.loads(r.value) for r in _read(kafka_settings, "incidents")]
    per_article = Counter(i["article_id"] for i in incidents)
    assert per_article == {arts[0].article_id: 1, arts[1].article_id: 5000, arts[2].article_id: 1}
    assert len({i["incident_id"] for i in incidents}) == len(incidents)  # none twice
    assert _read(kafka_settings, "deadletter") == []


# ------------------------------------------------------------------------------ isolation
def _articles(titles: Sequence[str]) -> list[Article]:
    return [
        Article(article_id=stable_key(f"https://x.test/{uuid.uuid4()}"), url="u", title=t)
        for t in titles
    ]


def test_a_record_the_stage_keeps_failing_on_is_isolated_and_the_rest_commits(kafka_settings):
    arts = _articles(["a", "poison", "b"])
    offsets = _produce(kafka_settings, "articles", [(a.article_id, record_value(a)) for a in arts])
    runner = build_runner(_settings(kafka_settings), "process")
    assert isinstance(runner, KafkaStageRunner)
    handle = runner.stage.handle

    async def buggy(batch: Sequence[Any]) -> Any:  # a stage bug that one input triggers
        if any(item.record.title == "poison" for item in batch):
            raise RuntimeError("stage bug on this input")
        return await handle(batch)

    runner.stage.handle = buggy  # type: ignore[method-assign]
    labels = {"stage": "process", "reason": "process.crash.RuntimeError"}
    before = sample("wirewatch_dead_letters_total", labels)
    with _running(runner) as thread:
        took = _wait_passed(kafka_settings, runner, runner.input_topic(), offsets[-1])
        assert thread.is_alive()
    assert took < PASS_WITHIN
    letters = [json.loads(d.value) for d in _read(kafka_settings, "deadletter")]
    assert [(d["key"], d["source_offset"]) for d in letters] == [(arts[1].article_id, offsets[1])]
    assert letters[0]["reason"] == "process.crash.RuntimeError"
    assert letters[0]["context"]["isolated"] is True
    assert runner.isolated == 1
    assert runner.processed == 3
    assert sample("wirewatch_dead_letters_total", labels) == before + 1


def test_a_record_the_broker_refuses_is_isolated_with_a_bounded_dead_letter(kafka_settings):
    """Limits read at start can go stale (a topic's max.message.bytes lowered): the refusal
    itself is then what isolates the record."""
    poison = bytes(range(256)) * (900_000 // 256)
    arts = _articles(["a", "b"])
    offsets = _produce(
        kafka_settings,
        "articles",
        [
            (arts[0].article_id, record_value(arts[0])),
            ("poison", poison),
            (arts[1].article_id, record_value(arts[1])),
        ],
    )
    runner = build_runner(_settings(kafka_settings), "process")
    assert isinstance(runner, KafkaStageRunner)

    def stale_limits(r: Any) -> None:
        from wirewatch.runners.kafka import RecordFitter

        r.fitter = RecordFitter("process", kafka_settings, {}, 100 * 1024 * 1024)

    with _running(runner, stale_limits) as thread:
        took = _wait_passed(kafka_settings, runner, runner.input_topic(), offsets[-1])
        assert thread.is_alive()
    assert took < PASS_WITHIN
    letters = [json.loads(d.value) for d in _read(kafka_settings, "deadletter")]
    assert [(d["key"], d["reason"]) for d in letters] == [("poison", "record.too_large")]
    assert letters[0]["context"]["isolated"] is True
    assert letters[0]["context"]["payload_bytes"] == len(poison)
    assert runner.isolated == 1


def test_retriable_failures_keep_retrying_and_readiness_says_not_progressing(kafka_settings):
    """A broker error is never blamed on a record: no dead letter however often it repeats;
    readiness turns to not-progressing while input fails to commit, and back once it commits."""
    from kafka import errors as kerr

    from wirewatch.ops import OpsServer

    cfg = kafka_settings.model_copy(
        update={"stall_after_s": 0.2, "retry_backoff_s": 0.05, "retry_backoff_max_s": 0.2}
    )
    arts = _articles(["a", "b"])
    offsets = _produce(cfg, "articles", [(a.article_id, record_value(a)) for a in arts])
    runner = build_runner(_settings(cfg), "process")
    assert isinstance(runner, KafkaStageRunner)
    runner.ops = OpsServer(port=0)
    transact = runner._transact
    broker_down = threading.Event()
    broker_down.set()

    def flaky(outputs: Any, offsets: Any) -> None:
        if broker_down.is_set():
            raise kerr.KafkaTimeoutError("broker away")
        transact(outputs, offsets)

    runner._transact = flaky  # type: ignore[method-assign]
    with _running(runner) as thread:
        deadline = time.monotonic() + 60
        while runner.ops.readiness().get("progressing") != "failing":
            assert time.monotonic() < deadline, runner.ops.readiness()
            time.sleep(0.1)
        while runner.aborts <= cfg.poison_attempts:  # more failures than isolation allows
            assert time.monotonic() < deadline
            time.sleep(0.1)
        broker_down.clear()
        _wait_passed(cfg, runner, runner.input_topic(), offsets[-1])
        while runner.ops.readiness().get("progressing") != "ok":
            assert time.monotonic() < deadline, runner.ops.readiness()
            time.sleep(0.1)
        assert thread.is_alive()
    assert runner.isolated == 0
    assert _read(cfg, "deadletter") == []


def test_a_redone_fetch_batch_reuses_its_pages(tmp_path):
    """The HTTP work of a batch whose write failed is reused when it is redone."""
    import asyncio

    from ingest.fetch_stage import FetchStage
    from wirewatch.stage import Inbound

    html = {"Content-Type": "text/html; charset=utf-8"}
    with LocalServer() as site:
        site.route("/p/1", Reply(200, article_html(slug="p1").encode(), html))
        site.route("/p/2", Reply(404, b"gone"))
        entries = [_entry(site.url("/p/1"), "one"), _entry(site.url("/p/2"), "two")]
        stage = FetchStage(Settings(http=HttpSettings(allowed_hosts=["127.0.0.1"])))

        async def attempts() -> list[list[Any]]:
            await stage.setup()
            outs = []
            for _ in range(3):  # written, failed, redone (the last one commits)
                batch = [Inbound(e, e.url_key) for e in entries]
                outs.append(await stage.handle(batch))
                if len(outs) < 3:
                    stage.on_abort(batch)
                else:
                    stage.on_commit(batch)
            await stage.close()
            return outs

        outs = asyncio.run(attempts())
        assert len(site.hits("/p/1")) == 1 and len(site.hits("/p/2")) == 1
    kinds = [[(o.kind, o.key) for o in out] for out in outs]
    assert kinds[0] == kinds[1] == kinds[2]
    assert [k for k, _ in kinds[0]] == ["articles", "deadletter"]
    assert not stage._redo  # committed: nothing kept

"""A new stage is one class and one topology row, and both runners run it unchanged.

The stage below is defined here, in a test module, and added to the topology with one
:class:`StageSpec` row (plus the :class:`TopicSpec` of the topic only it writes): no file of the
product changes. It counts articles per language, with totals that move on only when the
runner says the batch was written (the commit hooks of the contract).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from kafka import KafkaProducer
from pydantic import BaseModel

from ingest import FeedSpec
from sinks.jsonl import JsonlSink
from testkit.http import LocalServer, Reply, article_html, rss
from testkit.pipeline import read_topic
from tests.hostile_support import hostile_settings
from wirewatch.config import KafkaSettings, MetricsSettings, Settings
from wirewatch.contracts import Article, stable_key
from wirewatch.kafka_admin import create_topics
from wirewatch.runners.embedded import EmbeddedRunner
from wirewatch.runners.kafka import build_runner
from wirewatch.stage import Emit, Inbound, Stage
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY, StageSpec, TopicSpec


class LanguageCount(BaseModel):
    language: str
    articles: int


class LanguageCountStage:
    """articles -> running count of articles per language."""

    name: ClassVar[str] = "langcount"
    input_kind: ClassVar[str] = "articles"
    output_kinds: ClassVar[tuple[str, ...]] = ("langcounts",)
    settings_section: ClassVar[str] = "process"

    def __init__(self, settings: Settings) -> None:
        self.totals: Counter[str] = Counter()
        self._pending: dict[int, Counter[str]] = {}

    async def setup(self) -> None:
        pass

    async def handle(self, batch: Sequence[Inbound]) -> list[Emit]:
        counts = Counter(item.record.language or "und" for item in batch)
        self._pending[id(batch)] = counts
        return [
            Emit("langcounts", lang, LanguageCount(language=lang, articles=self.totals[lang] + n))
            for lang, n in sorted(counts.items())
        ]

    def on_commit(self, batch: Sequence[Inbound]) -> None:
        self.totals.update(self._pending.pop(id(batch), Counter()))

    def on_abort(self, batch: Sequence[Inbound]) -> None:
        self._pending.pop(id(batch), None)

    async def close(self) -> None:
        pass


ROW = StageSpec("langcount", f"{__name__}:LanguageCountStage", "articles", ("langcounts",))
TOPIC = TopicSpec("langcounts", "io.wirewatch.test.langcount.v1", "language", True)
WITH_COUNTS = TOPOLOGY.with_stage(ROW, TOPIC)


def _latest(records: list[tuple[str, dict]]) -> dict[str, int]:
    """A compacted topic's view: the last value per key."""
    return {key: value["articles"] for key, value in records}


def test_the_stage_follows_the_contract() -> None:
    assert isinstance(LanguageCountStage(Settings()), Stage)
    assert WITH_COUNTS.consumers_of("articles") == [TOPOLOGY.stage("process"), ROW]
    assert TOPOLOGY.stage_names() == ["poll", "fetch", "process", "cluster"]  # table untouched


def test_a_row_naming_an_unknown_topic_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown topic kind 'nowhere'"):
        TOPOLOGY.with_stage(
            StageSpec("x", f"{__name__}:LanguageCountStage", "articles", ("nowhere",))
        )


def test_new_stage_runs_in_the_embedded_runner(tmp_path: Path) -> None:
    pages = {"/en-1": "en", "/en-2": "en", "/de-1": "de"}
    with LocalServer() as srv:
        for path, lang in pages.items():
            html = article_html(title=f"Story {path}", slug=path[1:]).replace(
                'lang="en"', f'lang="{lang}"'
            )
            srv.route(path, Reply(200, html.encode(), {"Content-Type": "text/html"}))
        items = [{"title": p, "link": srv.url(p), "guid": p} for p in pages]
        srv.route("/feed.xml", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
        sink = JsonlSink(tmp_path, topics=Topics("wirewatch", WITH_COUNTS))
        sink.setup()
        runner = EmbeddedRunner(
            hostile_settings(), [FeedSpec(url=srv.url("/feed.xml"))], sink, topology=WITH_COUNTS
        )
        try:
            stats = asyncio.run(runner.run(once=True, timeout=60))
        finally:
            sink.close()
    assert stats.articles == 3 and stats.dead_letters == 0
    lines = (tmp_path / "wirewatch.langcounts.v1.jsonl").read_text().splitlines()
    counts = [json.loads(line) for line in lines]
    assert _latest([(c["language"], c) for c in counts]) == {"en": 2, "de": 1}
    assert runner.stages["langcount"].totals == Counter({"en": 2, "de": 1})  # committed


@pytest.mark.kafka
def test_new_stage_runs_in_the_kafka_runner(kafka_settings: KafkaSettings) -> None:
    assert create_topics(kafka_settings, topology=WITH_COUNTS) == {
        **{t: "exists" for t in Topics(kafka_settings.topic_prefix).all()},
        f"{kafka_settings.topic_prefix}.langcounts.v1": "created",
    }
    topics = Topics(kafka_settings.topic_prefix, WITH_COUNTS)
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")
    for i, lang in enumerate(["en", "de", "en", "fr", "en"]):
        url = f"https://news.test/{i}"
        article = Article(article_id=stable_key(url), url=url, text="text", language=lang)
        producer.send(
            topics.articles,
            key=article.article_id.encode(),
            value=article.model_dump_json().encode(),
        )
    producer.flush(timeout=30)
    producer.close()

    settings = Settings(kafka=kafka_settings, metrics=MetricsSettings(enabled=False))
    runner = build_runner(settings, "langcount", topology=WITH_COUNTS)
    try:
        runner.setup()
        runner.run(max_records=5, timeout=90)
    finally:
        runner.close()
    assert runner.processed == 5
    out = read_topic(kafka_settings.bootstrap_servers, topics.name("langcounts"))
    assert {h: v.decode() for h, v in out[0].headers}["ce_type"] == TOPIC.ce_type
    assert out[0].topic == f"{kafka_settings.topic_prefix}.langcounts.v1"
    counts = [(m.key.decode(), json.loads(m.value)) for m in out]
    assert _latest(counts) == {"en": 3, "de": 1, "fr": 1}
    assert read_topic(kafka_settings.bootstrap_servers, topics.deadletter, idle_ms=1000) == []


def test_topology_printout_and_worker_choices_come_from_the_table() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "wirewatch", "topology"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    for spec in TOPOLOGY.stages:
        line = next(row for row in out.stdout.splitlines() if row.startswith(spec.name + " "))
        assert Topics().name(spec.input) in line
        assert all(Topics().name(k) in line for k in spec.outputs)
    help_text = subprocess.run(
        [sys.executable, "-m", "wirewatch", "worker", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "{" + "|".join(TOPOLOGY.stage_names()) + "}" in help_text.replace("\n", "")


def test_topology_printout_keeps_its_columns_aligned() -> None:
    # every row's cells start at the header's columns, whatever the longest key or prefix
    table = TOPOLOGY.describe("a-much-longer-topic-prefix").split("\n\n")[1].splitlines()
    header = table[0]
    starts = [header.index(word) for word in ("key", "cleanup", "kept for")]
    for row in table[1:]:
        for col in starts:
            assert row[col - 2 : col] == "  " and row[col] != " ", (row, col)

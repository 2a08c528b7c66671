"""Gaps around the runners: an output made to fit its topic keeps every field of its Emit
(its data-time stamp above all)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from testkit.records import seed_articles
from wirewatch.config import KafkaSettings, Settings
from wirewatch.contracts import DeadLetter
from wirewatch.runners.records import RecordFitter
from wirewatch.stage import Emit

#: a data time days before any clock the test runs at: the stamp a cluster stage would give
STAMP = datetime(2024, 3, 1, tzinfo=UTC)


def _fitter(limit: int) -> RecordFitter:
    return RecordFitter("process", KafkaSettings(), {}, limit)


def _without_record(e: Emit) -> dict[str, object]:
    return {f.name: getattr(e, f.name) for f in dataclasses.fields(e) if f.name != "record"}


def test_a_cut_article_keeps_every_field_of_its_emit():
    article = seed_articles(1)[0].model_copy(update={"text": "word " * 4000})
    out = Emit("articles", article.article_id, article, partition=3, timestamp=STAMP)
    fitted = _fitter(4096).fit(out, "t.articles", 30_000)
    assert fitted.record.truncated is True  # it was cut, not passed through
    assert _without_record(fitted) == _without_record(out)


def test_a_shrunk_dead_letter_keeps_every_field_of_its_emit():
    letter = DeadLetter(
        dead_letter_id="d", stage="process", reason="x.y", error="bad", payload="p" * 20_000
    )
    out = Emit("deadletter", "k", letter, partition=1, timestamp=STAMP)
    fitted = _fitter(4096).fit(out, "t.deadletter", 30_000)
    assert len(fitted.record.payload or "") < 20_000  # it was shrunk, not passed through
    assert _without_record(fitted) == _without_record(out)


def test_the_kafka_settings_fixture_gives_each_test_consumer_groups_of_its_own(kafka_settings):
    """Topics are prefixed per fixture instance; consumer groups must be too, or a worker of
    one test session joins (and rebalances) the same stage's group of another on the shared
    broker."""
    from wirewatch.runners.kafka import build_runner

    default = KafkaSettings().group_prefix
    assert kafka_settings.group_prefix != default
    assert kafka_settings.group_prefix == kafka_settings.topic_prefix  # fresh per instance
    runner = build_runner(Settings(kafka=kafka_settings), "cluster")
    assert not runner.group_id.startswith(f"{default}.")

"""Gaps around the runners: an output made to fit its topic keeps every field of its Emit
(its data-time stamp above all); the test fixture's consumer groups are its own; the embedded
runner gives a Kafka sink its events' data time."""

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


#: ``wirewatch run`` killed (SIGKILL, by itself) right after a poll group's lines reached the
#: JSONL files and before its state was written: the worst moment for the output
def test_the_embedded_runner_stamps_its_kafka_events_with_their_data_time(kafka_settings, tmp_path):
    """``wirewatch run`` with the Kafka sink writes each event record with the stage's
    ``Emit.timestamp`` (the event's data time), as the Kafka workers do: a cluster worker that
    later restores from that topic counts its horizon from data time, not from the day the
    embedded run wrote the record."""
    import asyncio
    import json
    from datetime import timedelta
    from email.utils import format_datetime

    from clusters.stage import event_time
    from ingest import FeedSpec
    from sinks.kafka import KafkaSink
    from testkit.http import ARTICLE_HTML, LocalServer, Reply, rss
    from testkit.pipeline import read_topic
    from tests.hostile_support import hostile_settings
    from wirewatch.contracts import Event
    from wirewatch.runners.embedded import EmbeddedRunner
    from wirewatch.topics import Topics

    settings = hostile_settings().model_copy(update={"kafka": kafka_settings})
    settings.metrics.enabled = False
    published = datetime.now(UTC) - timedelta(days=3)
    topics = Topics(kafka_settings.topic_prefix)
    with LocalServer() as srv:
        page = ARTICLE_HTML.format(
            title="Strike in Abu Ghraib",
            slug="strike",
            paragraphs="<p>An air strike killed three people in Abu Ghraib, Iraq, police "
            "said.</p>\n<p>" + " ".join(f"note{i}" for i in range(45)) + ".</p>",
        )
        page = page.replace("2024-03-05T10:00:00Z", published.strftime("%Y-%m-%dT%H:%M:%SZ"))
        srv.route("/story", Reply(200, page.encode(), {"Content-Type": "text/html"}))
        item = {
            "title": "Strike in Abu Ghraib",
            "link": srv.url("/story"),
            "guid": "/story",
            "pubDate": format_datetime(published),
        }
        srv.route("/feed", Reply(200, rss([item]), {"Content-Type": "application/rss+xml"}))
        sink = KafkaSink(kafka_settings, source="wirewatch/run", topics=topics)
        sink.setup()
        runner = EmbeddedRunner(settings, [FeedSpec(url=srv.url("/feed"))], sink)
        try:
            asyncio.run(runner.run(once=True, timeout=120))
        finally:
            sink.close()
    assert runner.stats.dead_letters == 0, runner.stats.reasons

    (record,) = read_topic(kafka_settings.bootstrap_servers, topics.name("events"))
    event = Event.model_validate(json.loads(record.value))
    stamp = datetime.fromtimestamp(record.timestamp / 1000, UTC)
    assert stamp == event_time(event)
    assert stamp <= published  # its data's day, not the time the run wrote it

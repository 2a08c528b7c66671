"""Gaps around the runners: an output made to fit its topic keeps every field of its Emit
(its data-time stamp above all); the test fixture's consumer groups are its own; the embedded
runner writes no JSONL line twice after a crash between its output and its state, and gives a
Kafka sink its events' data time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

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
_KILLED_BETWEEN_THE_WRITES = """
import os, runpy, signal
from wirewatch.runners import embedded

async def killed(self, done):  # called after the sink write, before the state write
    os.kill(os.getpid(), signal.SIGKILL)

embedded.EmbeddedRunner._shared_written = killed
runpy.run_module("wirewatch", run_name="__main__")
"""

STRIKES = [("Abu Ghraib", "Iraq"), ("Aleppo", "Syria")]
KINDS = ("entries", "articles", "incidents", "events")


def test_a_run_killed_between_its_output_and_its_state_writes_no_line_twice(tmp_path):
    """The first run is killed after its poll group's lines are in the JSONL files and before
    the group's state is committed; the second run polls the feed again. Every record is in
    each file once (the lines of the killed run were set aside as uncommitted, as an aborted
    Kafka transaction's), each event has one history, and lines that were in the output
    before the first run stay."""
    import json
    import signal

    from testkit.cli import cli_env, run_cli, wirewatch_argv
    from testkit.http import ARTICLE_HTML, LocalServer, Reply, rss

    out = tmp_path / "out"
    out.mkdir()
    earlier = b'{"entry_id": "from-an-earlier-run"}\n'  # no state of this run covers it
    (out / "wirewatch.entries.v1.jsonl").write_bytes(earlier)
    html = {"Content-Type": "text/html"}
    with LocalServer() as srv:
        items = []
        for g, (town, country) in enumerate(STRIKES):
            own = " ".join(f"note{g}w{i}" for i in range(45))  # not near-copies of each other
            paragraphs = (
                f"<p>An air strike killed three people in {town}, {country} on Tuesday, "
                f"police said.</p>\n<p>{own}.</p>"
            )
            page = ARTICLE_HTML.format(
                title=f"Strike in {town}", slug=str(g), paragraphs=paragraphs
            )
            srv.route(f"/story/{g}", Reply(200, page.encode(), html))
            items.append(
                {
                    "title": f"Strike in {town}",
                    "link": srv.url(f"/story/{g}"),
                    "guid": f"/story/{g}",
                }
            )
        srv.route("/feed", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - url: {srv.url('/feed')}\n")
        argv = wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out))
        env = cli_env(WIREWATCH_LOG_LEVEL="ERROR")

        killed = run_cli([argv[0], "-c", _KILLED_BETWEEN_THE_WRITES, *argv[3:]], env)
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        written = {k: (out / f"wirewatch.{k}.v1.jsonl").read_bytes() for k in KINDS}
        assert all(written[k].count(b"\n") >= len(STRIKES) for k in KINDS), written
        again = run_cli(argv, env)
        assert again.returncode == 0, again.stderr[-3000:]

    def lines(kind: str) -> list[dict]:
        text = (out / f"wirewatch.{kind}.v1.jsonl").read_text()
        return [json.loads(line) for line in text.splitlines()]

    entries = lines("entries")
    assert entries[0] == json.loads(earlier)
    assert len(entries) == 1 + len(STRIKES), entries
    assert len({e["entry_id"] for e in entries}) == len(entries)
    for key, kind in (("article_id", "articles"), ("incident_id", "incidents")):
        ids = [r[key] for r in lines(kind)]
        assert len(ids) == len(STRIKES) == len(set(ids)), ids
    events = [(e["event_id"], e["version"]) for e in lines("events")]
    assert len(events) == len(STRIKES) == len(set(events)), events
    # the killed run's lines were set aside, not lost
    for kind in KINDS:
        aside = (out / f"wirewatch.{kind}.v1.jsonl.uncommitted").read_bytes()
        before = written[kind].removeprefix(earlier) if kind == "entries" else written[kind]
        assert aside == before


def test_only_lines_past_what_this_state_committed_are_set_aside(tmp_path):
    """The committed offsets of the JSONL outputs (``_CommittedOutputs``): lines past the
    committed end of a file are set aside on start; a file that was never committed by this
    state, replaced since (another inode) or cut short is kept whole, its size the baseline."""
    import os

    from sinks.jsonl import JsonlSink
    from wirewatch.runners.embedded import OUTPUTS_TABLE, SqliteTable, _CommittedOutputs

    sink = JsonlSink(tmp_path)
    path = sink.path_for("t.a")
    state = SqliteTable(tmp_path / "state.db")

    def started() -> _CommittedOutputs:
        outputs = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), ["t.a"])
        outputs.recover()
        return outputs

    try:
        path.write_bytes(b"before\n")  # from before this state: kept
        outputs = started()
        with path.open("ab") as fh:
            fh.write(b"one\ntwo\n")
        committed = outputs.rows(outputs.ends(["t.a"]))
        state.put_together([(outputs.table, committed)])
        outputs.committed_rows(committed)
        with path.open("ab") as fh:
            fh.write(b"uncommitted\n")
        started()
        assert path.read_bytes() == b"before\none\ntwo\n"
        aside = path.with_name(path.name + ".uncommitted")
        assert aside.read_bytes() == b"uncommitted\n"

        replacement = path.with_name("replacement")
        replacement.write_bytes(b"another\nfile\nlonger\nthan\nthe\noffset\n")
        os.replace(replacement, path)  # a new inode where the output was
        started()
        assert path.read_bytes() == b"another\nfile\nlonger\nthan\nthe\noffset\n"
        path.write_bytes(b"cut\n")  # the same inode, shorter than its committed end
        started()
        with path.open("ab") as fh:
            fh.write(b"later\n")
        started()  # the baseline moved to the short file's end: "later" is past it
        assert path.read_bytes() == b"cut\n"
        assert aside.read_bytes() == b"uncommitted\nlater\n"
    finally:
        state.close()


@pytest.mark.kafka
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


def test_an_uncommitted_end_that_cannot_be_set_aside_is_one_clear_error(tmp_path):
    """Where the uncommitted lines cannot go (here the ``.uncommitted`` name is a directory),
    the start stops with one line about --out, and the output keeps every line."""
    from sinks.jsonl import JsonlSink
    from wirewatch.errors import ConfigError
    from wirewatch.runners.embedded import OUTPUTS_TABLE, SqliteTable, _CommittedOutputs

    sink = JsonlSink(tmp_path)
    path = sink.path_for("t.a")
    state = SqliteTable(tmp_path / "state.db")
    try:
        outputs = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), ["t.a"])
        outputs.recover()  # no file yet: committed up to its start
        path.write_bytes(b"uncommitted\n")
        path.with_name(path.name + ".uncommitted").mkdir()
        again = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), ["t.a"])
        with pytest.raises(ConfigError, match="permissions and free space of --out"):
            again.recover()
        assert path.read_bytes() == b"uncommitted\n"
    finally:
        state.close()

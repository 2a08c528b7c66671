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


def _strike_site(srv, tmp_path, strikes):
    """A feed listing one article page per strike; returns the feeds file."""
    from testkit.http import ARTICLE_HTML, Reply, rss

    html = {"Content-Type": "text/html"}
    items = []
    for g, (town, country) in enumerate(strikes):
        own = " ".join(f"note{g}w{i}" for i in range(45))  # not near-copies of each other
        paragraphs = (
            f"<p>An air strike killed three people in {town}, {country} on Tuesday, "
            f"police said.</p>\n<p>{own}.</p>"
        )
        page = ARTICLE_HTML.format(title=f"Strike in {town}", slug=str(g), paragraphs=paragraphs)
        srv.route(f"/story/{g}", Reply(200, page.encode(), html))
        items.append(
            {"title": f"Strike in {town}", "link": srv.url(f"/story/{g}"), "guid": f"/story/{g}"}
        )
    srv.route("/feed", Reply(200, rss(items), {"Content-Type": "application/rss+xml"}))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {srv.url('/feed')}\n")
    return feeds


def _lines(out, kind: str) -> list[dict]:
    import json

    text = (out / f"wirewatch.{kind}.v1.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def _assert_each_record_once(out, strikes: int) -> None:
    for key, kind in (("url_key", "entries"), ("article_id", "articles")):
        ids = [r[key] for r in _lines(out, kind) if key in r]
        assert len(ids) == strikes == len(set(ids)), ids
    ids = [r["incident_id"] for r in _lines(out, "incidents")]
    assert len(ids) == strikes == len(set(ids)), ids
    events = [(e["event_id"], e["version"]) for e in _lines(out, "events")]
    assert len(events) == strikes == len(set(events)), events
    assert not list(out.glob("*.uncommitted")), "no line is moved out of an output"


def test_a_run_killed_between_its_output_and_its_state_writes_no_line_twice(tmp_path):
    """The first run is killed after its poll group's lines are in the JSONL files and before
    the group's state is committed; the second run polls the feed again. Every record is in
    each file once (the killed run's lines stay; the second run skips the records it finds
    there past the committed offset), each event has one history, and lines that were in the
    output before the first run stay."""
    import json
    import signal

    from testkit.cli import cli_env, run_cli, wirewatch_argv
    from testkit.http import LocalServer

    out = tmp_path / "out"
    out.mkdir()
    earlier = b'{"entry_id": "from-an-earlier-run"}\n'  # no state of this run covers it
    (out / "wirewatch.entries.v1.jsonl").write_bytes(earlier)
    with LocalServer() as srv:
        feeds = _strike_site(srv, tmp_path, STRIKES)
        argv = wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out))
        env = cli_env(WIREWATCH_LOG_LEVEL="ERROR")

        killed = run_cli([argv[0], "-c", _KILLED_BETWEEN_THE_WRITES, *argv[3:]], env)
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        written = {k: (out / f"wirewatch.{k}.v1.jsonl").read_bytes() for k in KINDS}
        assert all(written[k].count(b"\n") >= len(STRIKES) for k in KINDS), written
        again = run_cli(argv, cli_env(WIREWATCH_LOG_LEVEL="WARNING"))
        assert again.returncode == 0, again.stderr[-3000:]

    assert "already in the output and not written again" in again.stderr  # logged once
    assert again.stderr.count("not written again") == 1
    (summary,) = [json.loads(x) for x in again.stderr.splitlines() if x.startswith('{"feeds"')]
    assert summary["already_in_output"] >= 4 * len(STRIKES), summary  # 4 kinds skipped
    entries = _lines(out, "entries")
    assert entries[0] == json.loads(earlier)
    assert len(entries) == 1 + len(STRIKES), entries
    _assert_each_record_once(out, len(STRIKES))
    for kind in KINDS:  # the killed run's lines are where it wrote them: the file only grew
        assert (out / f"wirewatch.{kind}.v1.jsonl").read_bytes().startswith(written[kind])


def test_a_reader_tailing_the_output_across_a_crash_sees_each_record_once(tmp_path):
    """A reader following the files (the UI's ``_JsonlTail``, ``tail -F``) reads the killed
    run's lines, then, after the restart (the feed has a new item by then), only whole new
    lines: every record once, no fragment of a line."""
    import json
    import signal

    from testkit.cli import cli_env, run_cli, wirewatch_argv
    from testkit.http import LocalServer
    from wirewatch.ui.server import _JsonlTail

    out = tmp_path / "out"
    more = [*STRIKES, ("Mosul", "Iraq")]
    tails = {k: _JsonlTail(out / f"wirewatch.{k}.v1.jsonl") for k in KINDS}
    seen: dict[str, list[bytes]] = {k: [] for k in KINDS}

    def follow() -> None:
        for kind, tail in tails.items():
            restarted, lines = tail.read()
            assert not restarted, f"{kind}: the file was cut under its reader"
            seen[kind].extend(lines)

    env = cli_env(WIREWATCH_LOG_LEVEL="ERROR")
    with LocalServer() as srv:
        feeds = _strike_site(srv, tmp_path, STRIKES)
        argv = wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out))
        killed = run_cli([argv[0], "-c", _KILLED_BETWEEN_THE_WRITES, *argv[3:]], env)
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
        follow()
        _strike_site(srv, tmp_path, more)  # a new item before the restart
        again = run_cli(argv, env)
        assert again.returncode == 0, again.stderr[-3000:]
        follow()

    records = {k: [json.loads(line) for line in lines] for k, lines in seen.items()}
    _assert_each_record_once(out, len(more))
    keys = {"entries": "url_key", "articles": "article_id", "incidents": "incident_id"}
    for kind, key in keys.items():
        ids = [r[key] for r in records[kind]]
        assert len(ids) == len(more) == len(set(ids)), (kind, ids)
    events = [(e["event_id"], e["version"]) for e in records["events"]]
    assert len(events) == len(more) == len(set(events)), events


def test_a_backfill_beside_the_run_keeps_its_lines(tmp_path):
    """``wirewatch backfill`` appends to the same --out files as ``wirewatch run`` (its state
    is its own): a run's next start keeps every line backfill wrote, moves nothing aside, and
    writes nothing twice."""
    from datetime import timedelta

    from testkit.cli import run_cli, wirewatch_argv
    from tests.backfill_support import Site, env
    from tests.ingest_support import LocalServer, Reply, rss

    out = tmp_path / "out"
    with LocalServer() as srv:
        site = Site(srv, articles=6, step=timedelta(days=1)).build()
        srv.route("/feed", Reply(200, rss([]), {"Content-Type": "application/rss+xml"}))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - url: {srv.url('/feed')}\n")
        run = wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out))
        first = run_cli(run, env())
        assert first.returncode == 0, first.stderr[-3000:]
        backfill = run_cli(
            wirewatch_argv(
                "backfill",
                "--since",
                "7d",
                "--source",
                site.index_url,
                "--out",
                str(out),
                "--rate",
                "1000",
            ),
            env(),
        )
        assert backfill.returncode == 0, backfill.stderr[-3000:]
        written = {p.name: p.read_bytes() for p in out.glob("*.jsonl")}
        assert written["wirewatch.articles.v1.jsonl"].count(b"\n") == 6, written
        second = run_cli(run, env())
        assert second.returncode == 0, second.stderr[-3000:]

    assert {p.name: p.read_bytes() for p in out.glob("*.jsonl")} == written
    assert not list(out.glob("*.uncommitted"))
    ids = [r["article_id"] for r in _lines(out, "articles")]
    assert len(ids) == len(set(ids)) == 6


def test_only_records_past_what_this_state_committed_are_skipped(tmp_path):
    """The committed offsets of the JSONL outputs (``_CommittedOutputs``): the records past
    the committed end of a file are skipped once when written again; nothing is cut; a file
    that was replaced since (another inode) is not read; one cut short is logged."""
    import os

    from sinks.jsonl import JsonlSink
    from wirewatch.runners.embedded import OUTPUTS_TABLE, SqliteTable, _CommittedOutputs

    sink = JsonlSink(tmp_path)
    path = sink.path_for("t.a")
    state = SqliteTable(tmp_path / "state.db")

    def started() -> _CommittedOutputs:
        outputs = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), {"t.a": "articles"})
        outputs.recover()
        return outputs

    def line(article_id: str) -> bytes:
        return f'{{"article_id": "{article_id}"}}\n'.encode()

    def article(article_id: str) -> object:
        return type("A", (), {"article_id": article_id})()

    try:
        path.write_bytes(line("before"))  # from before this state: a baseline, not read
        outputs = started()
        assert not outputs.already_written("t.a", "articles", article("before"))
        with path.open("ab") as fh:
            fh.write(line("one"))
        committed = outputs.rows(object(), outputs.ends(["t.a"]))
        state.put_together([(outputs.table, committed)])
        outputs.committed_rows(committed)
        with path.open("ab") as fh:
            fh.write(line("uncommitted") + b'{"article_id": "torn')
        kept = path.read_bytes()
        outputs = started()
        assert path.read_bytes() == kept  # nothing cut
        assert not list(tmp_path.glob("*.uncommitted"))
        assert not outputs.already_written("t.a", "articles", article("one"))  # committed
        assert not outputs.already_written("t.a", "articles", article("torn"))
        assert outputs.already_written("t.a", "articles", article("uncommitted"))
        assert not outputs.already_written("t.a", "articles", article("uncommitted"))  # once

        replacement = path.with_name("replacement")
        replacement.write_bytes(line("another") + line("file"))
        os.replace(replacement, path)  # a new inode where the output was
        outputs = started()
        assert not outputs.already_written("t.a", "articles", article("file"))
    finally:
        state.close()


def test_a_group_committed_before_an_earlier_written_one_leaves_its_lines_to_read(tmp_path):
    """Group A writes, then group B; B commits first (A waits for a shared URL), and A never
    does (a crash): the offset B stored is not past A's lines, so the next start reads them
    and the re-polled A skips its records."""
    from sinks.jsonl import JsonlSink
    from wirewatch.runners.embedded import OUTPUTS_TABLE, SqliteTable, _CommittedOutputs

    sink = JsonlSink(tmp_path)
    path = sink.path_for("t.a")
    state = SqliteTable(tmp_path / "state.db")

    def started() -> _CommittedOutputs:
        outputs = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), {"t.a": "articles"})
        outputs.recover()
        return outputs

    try:
        outputs = started()
        a, b = object(), object()
        for group, article_id in ((a, "of-a"), (b, "of-b")):
            outputs.writing(group, ["t.a"])
            with path.open("ab") as fh:
                fh.write(f'{{"article_id": "{article_id}"}}\n'.encode())
        committed = outputs.rows(b, outputs.ends(["t.a"]))
        state.put_together([(outputs.table, committed)])
        outputs.committed_rows(committed)
        outputs.settled(b)
        again = started()  # A was never committed
        assert again.already_written("t.a", "articles", type("A", (), {"article_id": "of-a"}))
    finally:
        state.close()


def test_an_output_cut_short_since_its_commit_is_logged(tmp_path, caplog):
    """A file shorter than its committed offset on the same inode (lost to a system crash,
    or cut outside wirewatch) is logged with the missing byte count."""
    from sinks.jsonl import JsonlSink
    from wirewatch.runners.embedded import OUTPUTS_TABLE, SqliteTable, _CommittedOutputs

    sink = JsonlSink(tmp_path)
    path = sink.path_for("t.a")
    path.write_bytes(b"")
    state = SqliteTable(tmp_path / "state.db")
    try:
        outputs = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), {"t.a": "articles"})
        outputs.recover()
        with path.open("ab") as fh:
            fh.write(b'{"article_id": "a"}\n{"article_id": "b"}\n')
        committed = outputs.rows(object(), outputs.ends(["t.a"]))
        state.put_together([(outputs.table, committed)])
        with path.open("r+b") as fh:
            fh.truncate(20)
        with caplog.at_level("WARNING", logger="wirewatch.embedded"):
            _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), {"t.a": "articles"}).recover()
        assert "20 bytes shorter" in caplog.text
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


def test_an_output_that_is_a_directory_at_start_gives_no_traceback(tmp_path):
    """A directory where an output file should be. Never committed by this state: the start
    takes it as it is (the run polls; nothing is read from it). Where the state committed
    that file as absent, the start would read it: it stops with one line about --out."""
    import shutil

    from testkit.cli import cli_env, run_cli, wirewatch_argv
    from tests.ingest_support import LocalServer, Reply, rss

    out = tmp_path / "out"
    in_place = out / "wirewatch.deadletter.v1.jsonl"
    in_place.mkdir(parents=True)
    with LocalServer() as srv:
        srv.route("/feed", Reply(200, rss([]), {"Content-Type": "application/rss+xml"}))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - url: {srv.url('/feed')}\n")
        argv = wirewatch_argv("run", "--once", "--feeds", str(feeds), "--out", str(out))
        env = cli_env(WIREWATCH_LOG_FORMAT="text")
        first = run_cli(argv, env)
        assert "Traceback" not in first.stderr, first.stderr[-3000:]
        assert first.returncode == 0, first.stderr[-3000:]
        shutil.rmtree(in_place)
        assert run_cli(argv, env).returncode == 0  # committed: the file is absent
        in_place.mkdir()
        again = run_cli(argv, env)
    assert "Traceback" not in again.stderr, again.stderr[-3000:]
    assert again.returncode != 0
    (message,) = [line for line in again.stderr.splitlines() if "--out" in line]
    assert str(in_place) in message or str(out) in message, again.stderr[-3000:]


def test_the_output_is_on_disk_before_the_state_commits_it(tmp_path, monkeypatch):
    """Each state commit of how far the JSONL outputs are written comes after those files
    were synced to disk: a system crash cannot leave a file short of its committed offset."""
    import asyncio
    import json
    import os
    from typing import Any

    import sinks.jsonl
    from ingest.feeds import FeedSpec
    from sinks import JsonlSink
    from tests.pipeline_support import news_site
    from wirewatch.runners.embedded import OUTPUTS_TABLE, EmbeddedRunner, SqliteTable

    synced: set[str] = set()
    done: dict[str, int] = {}  # file -> offset committed
    commits: list[tuple[set[str], set[str]]] = []  # (files grown by a commit, synced before)

    class RecordingOs:
        def fsync(self, fd: int) -> None:
            synced.add(os.readlink(f"/proc/self/fd/{fd}"))
            os.fsync(fd)

        def fdatasync(self, fd: int) -> None:
            self.fsync(fd)

        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

    monkeypatch.setattr(sinks.jsonl, "os", RecordingOs())
    put_together = SqliteTable.put_together

    def recording_put_together(self: SqliteTable, writes: Any) -> None:
        for table, rows in writes:
            if table.name == OUTPUTS_TABLE and rows:
                grown = {p for p, v in rows if json.loads(v)["offset"] > done.get(p, 0)}
                done.update((p, json.loads(v)["offset"]) for p, v in rows)
                commits.append((grown, set(synced)))
        synced.clear()
        put_together(self, writes)

    monkeypatch.setattr(SqliteTable, "put_together", recording_put_together)
    settings = Settings()
    settings.http.per_host_delay = 0
    settings.http.allowed_hosts = ["127.0.0.1"]
    out = tmp_path / "out"
    with news_site(2, items_per_feed=2) as site:
        sink = JsonlSink(out)
        sink.setup()
        state = SqliteTable(tmp_path / "state.db")
        feeds = [FeedSpec(url=u) for u in site.feed_urls()]
        runner = EmbeddedRunner(settings, feeds, sink, state=state)
        try:
            asyncio.run(runner.run(once=True, timeout=120))
        finally:
            sink.close()
            state.close()
    assert any(grown for grown, _ in commits), commits  # groups with lines were committed
    for grown, synced_before in commits:
        assert grown <= synced_before, (grown, synced_before)


def test_records_past_the_cap_are_not_kept_and_a_warning_says_so(tmp_path, monkeypatch, caplog):
    """The identities a start keeps are bounded (``_TAIL_CAP`` per file): those right after
    the committed offset are kept, the rest not, with a warning."""
    from sinks.jsonl import JsonlSink
    from wirewatch.runners import embedded
    from wirewatch.runners.embedded import OUTPUTS_TABLE, SqliteTable, _CommittedOutputs

    monkeypatch.setattr(embedded, "_TAIL_CAP", 1)
    sink = JsonlSink(tmp_path)
    path = sink.path_for("t.a")
    state = SqliteTable(tmp_path / "state.db")
    try:
        _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), {"t.a": "articles"}).recover()
        path.write_bytes(b'{"article_id": "first"}\n{"article_id": "second"}\n')
        outputs = _CommittedOutputs(sink, state.table(OUTPUTS_TABLE), {"t.a": "articles"})
        with caplog.at_level("WARNING", logger="wirewatch.embedded"):
            outputs.recover()
        assert "more than 1 records past its committed offset" in caplog.text
        assert outputs.already_written("t.a", "articles", type("A", (), {"article_id": "first"}))
        assert not outputs.already_written(
            "t.a", "articles", type("A", (), {"article_id": "second"})
        )
    finally:
        state.close()

"""``wirewatch backfill`` (ingest/backfill.py) against a local news site on 127.0.0.1: a news
sitemap index of 3 sitemaps (one gzip) and 300 articles over 10 days."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from testkit.cli import run_cli, started_cli, wirewatch_argv
from testkit.pipeline import stop_processes
from tests.backfill_support import Site, done_links, env
from tests.ingest_support import LocalServer, Reply, rss

pytestmark = pytest.mark.timeout(600)


def _records(out: Path, kind: str) -> list[dict]:
    path = out / f"wirewatch.{kind}.v1.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _backfill(site: Site, out: Path, *extra: str) -> list[str]:
    return wirewatch_argv(
        "backfill", "--since", "7d", "--source", site.index_url, "--out", str(out), *extra
    )


def _summary(stderr: str) -> dict:
    return json.loads(next(ln for ln in reversed(stderr.splitlines()) if ln.startswith("{")))


def test_backfill_fetches_exactly_the_items_in_the_window_once_each(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with LocalServer() as srv:
        site = Site(srv).build()
        proc = run_cli(_backfill(site, out, "--rate", "1000"), env())
        assert proc.returncode == 0, proc.stderr[-3000:]
        want = site.within(7)
        assert len(want) == 210  # 7 of the 10 days
        hits = site.article_hits()
        assert set(hits) == want, sorted(set(hits) ^ want)[:10]
        assert set(hits.values()) == {1}  # once each
        # every sitemap read once, the gzip one included
        for path in ("/sitemap-index.xml", "/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml.gz"):
            assert len(srv.hits(path)) == 1, path
        summary = _summary(proc.stderr)
        assert summary["found"] == summary["done"] == summary["articles"] == 210

        # through the same stages, with the sitemap's publication dates
        arts = _records(out, "articles")
        assert {a["url"].split(str(srv.port))[1] for a in arts} == want
        for a in arts:
            path = a["url"].split(str(srv.port))[1]
            assert datetime.fromisoformat(a["published_at"]) == site.published[path].replace(
                microsecond=0
            )
        assert len(_records(out, "entries")) == 210

        # the same backfill again: done stays done, nothing is fetched twice
        again = run_cli(_backfill(site, out, "--rate", "1000"), env())
        assert again.returncode == 0, again.stderr[-3000:]
        assert set(site.article_hits().values()) == {1}
        assert len(_records(out, "articles")) == 210


def test_backfill_killed_mid_way_resumes_without_refetching_what_was_done(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    state = out / "backfill-state.db"
    with LocalServer() as srv:
        site = Site(srv).build()
        proc = subprocess.Popen(
            _backfill(site, out, "--rate", "40"),
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            while len(done_links(state)) < 48:
                assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else ""
                time.sleep(0.05)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        done_before = done_links(state)
        hits_before = site.article_hits()
        want = site.within(7)
        assert 48 <= len(done_before) < len(want), "the kill did not land mid-backfill"

        # the restart (the clock moved on: it keeps the window it was started with)
        again = run_cli(_backfill(site, out, "--rate", "1000"), env())
        assert again.returncode == 0, again.stderr[-3000:]
        assert "resumed the unfinished backfill" in again.stderr

        hits = site.article_hits()
        assert set(hits) == want  # finished, nothing outside the window
        done_paths = {link.split(str(srv.port))[1] for link in done_before}
        for p in done_paths:  # what was done before the kill was not fetched again
            assert hits[p] == 1, p
        # at most the batch in flight at the kill is fetched twice
        twice = {p for p, n in hits.items() if n > 1}
        assert twice <= set(hits_before) - done_paths
        # the sitemaps were listed before the kill: not read again
        for path in ("/sitemap-index.xml", "/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml.gz"):
            assert len(srv.hits(path)) == 1, path
        # every article of the window is in the output once done
        arts = {a["url"].split(str(srv.port))[1] for a in _records(out, "articles")}
        assert arts == want


def test_live_polling_keeps_its_schedule_during_a_backfill(tmp_path: Path) -> None:
    with LocalServer() as srv, LocalServer() as live:
        site = Site(srv).build()
        live.route("/story", Reply(200, b"<html><body><p>live</p></body></html>"))
        item = {"title": "Live story", "link": live.url("/story"), "guid": "live-1"}
        live.route("/live.xml", Reply(200, rss([item]), {"Content-Type": "application/rss+xml"}))
        feeds = tmp_path / "live.yaml"
        feeds.write_text(f"feeds:\n  - url: {live.url('/live.xml')}\n    interval: 1\n")
        with started_cli(
            wirewatch_argv("run", "--feeds", str(feeds), "--out", str(tmp_path / "live-out")),
            env(WIREWATCH_POLL__MIN_INTERVAL="0.5"),
            stderr=subprocess.DEVNULL,
        ) as runner:
            try:
                while not live.hits("/live.xml"):  # the live run is up and polling
                    assert runner.poll() is None, "the live run exited"
                    time.sleep(0.1)
                started = time.monotonic()
                proc = run_cli(_backfill(site, tmp_path / "out", "--rate", "40"), env())
                ended = time.monotonic()
            finally:
                stop_processes([runner], timeout=60)  # SIGTERM; killed if still up after that
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert set(site.article_hits()) == site.within(7)
        during = [r for r in live.hits("/live.xml") if started <= r.at <= ended]
        assert len(during) >= 2, "the live feed was not polled while the backfill ran"


def test_backfill_options_are_checked_with_one_line_errors(tmp_path: Path) -> None:
    cases = [
        (["--since", "yesterday", "--source", "http://127.0.0.1:9/s.xml"], "--since"),
        (["--since", "1d", "--until", "2d", "--source", "http://127.0.0.1:9/s.xml"], "empty"),
        (["--since", "1d"], "--feeds FILE or one or more --source"),
        (["--since", "1d", "--source", "ftp://x/y"], "--source"),
    ]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    cases.append(
        (["--since", "1d", "--source", "http://127.0.0.1:9/s", "--state", str(garbage)], "--state")
    )
    for args, says in cases:
        proc = run_cli(
            wirewatch_argv("backfill", "--out", str(tmp_path / "o"), *args), env(), timeout=120
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert says in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_parse_when_reads_durations_and_dates() -> None:
    from ingest.backfill import parse_when

    now = datetime(2024, 3, 10, 12, tzinfo=UTC)
    assert parse_when("7d", now) == now - timedelta(days=7)
    assert parse_when("36h", now) == now - timedelta(hours=36)
    assert parse_when("2w", now) == now - timedelta(days=14)
    assert parse_when("2024-03-01", now) == datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_when("2024-03-01T12:00:00+01:00", now) == datetime(2024, 3, 1, 11, tzinfo=UTC)
    with pytest.raises(ValueError, match="neither a duration"):
        parse_when("last week", now)


@pytest.mark.kafka
def test_backfill_with_kafka_publishes_the_window_to_the_entries_topic(
    tmp_path: Path, kafka_settings
) -> None:
    from wirewatch.kafka_admin import tail
    from wirewatch.topics import Topics

    with LocalServer() as srv:
        site = Site(srv, articles=30, step=timedelta(days=10) / 30).build()
        proc = run_cli(
            _backfill(site, tmp_path / "out", "--rate", "1000"),
            env(
                WIREWATCH_KAFKA__BOOTSTRAP_SERVERS=kafka_settings.bootstrap_servers,
                WIREWATCH_KAFKA__TOPIC_PREFIX=kafka_settings.topic_prefix,
            ),
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        want = site.within(7)
        assert len(want) == 21
        # the fetch workers fetch the pages: the backfill itself reads only the sitemaps
        assert site.article_hits() == {}
        # progress lives in the SQLite file in --out in Kafka mode too
        assert (tmp_path / "out" / "backfill-state.db").exists()
    rows = list(
        tail(
            kafka_settings,
            Topics(kafka_settings.topic_prefix).entries,
            from_beginning=True,
            idle_timeout=10,
        )
    )
    links = {r.value["link"].split(str(srv.port))[1] for r in rows}
    assert links == want and len(rows) == len(want)


def test_progress_is_one_redrawn_line_on_a_terminal_and_log_lines_otherwise(capsys, caplog) -> None:
    import logging

    from ingest.backfill import Counts
    from wirewatch.commands.backfill import ProgressLine

    counts = Counts(found=210, done=70, incidents=4)
    ProgressLine(tty=True)("fetching", counts, 0.5)
    err = capsys.readouterr().err
    assert err.startswith("\r") and not err.endswith("\n")
    assert "found 210" in err and "fetched 70/210" in err and "incidents 4" in err
    assert "ETA 0:01:10" in err  # 140 items left at 0.5 s each

    caplog.set_level(logging.INFO, logger="wirewatch.backfill")
    plain = ProgressLine(tty=False)
    plain("listed", counts, None)
    plain("done", Counts(found=210, done=210, incidents=9), None)
    assert capsys.readouterr().err == ""
    lines = [r.getMessage() for r in caplog.records if r.name == "wirewatch.backfill"]
    assert len(lines) == 2 and "fetched 210/210" in lines[1] and "\r" not in "".join(lines)


def test_sigint_stops_after_the_batch_in_flight_and_the_next_run_finishes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with LocalServer() as srv:
        site = Site(srv).build()
        with started_cli(_backfill(site, out, "--rate", "40"), env()) as proc:
            while len(done_links(out / "backfill-state.db")) < 16:
                assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else ""
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        assert "run the same command again to finish" in err and "Traceback" not in err
        stopped_at = len(done_links(out / "backfill-state.db"))
        assert stopped_at < len(site.within(7))
        # a stop writes what it carried: nothing done is fetched again by the next run
        again = run_cli(_backfill(site, out, "--rate", "1000"), env())
        assert again.returncode == 0, again.stderr[-3000:]
        assert set(site.article_hits().values()) == {1}
        assert set(site.article_hits()) == site.within(7)

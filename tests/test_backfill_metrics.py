"""``wirewatch backfill`` serves the workers' metrics endpoint when asked (``--metrics-port``,
or ``metrics.port`` set): pages listed, listing failures by error class, entries written and
the progress of the window, scraped while a backfill of a local news site runs."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ingest import FeedSpec
from ingest.backfill import BackfillProgress, BackfillRun, Window
from testkit.cli import wirewatch_argv as wirewatch
from testkit.http import client, free_port
from tests.backfill_support import Site, env
from tests.hostile_support import MetricDelta
from tests.ingest_support import LocalServer, Reply
from wirewatch.config import Settings

pytestmark = pytest.mark.timeout(600)


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float] | None:
    try:
        resp = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    except httpx.HTTPError:
        return None  # not listening yet
    out = {}
    for family in text_string_to_metric_families(resp.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.mark.parametrize("asked_by", ["option", "environment"])
def test_backfill_metrics_are_scraped_while_it_runs(tmp_path: Path, asked_by: str) -> None:
    out = tmp_path / "out"
    port = free_port()
    with LocalServer() as srv:
        site = Site(srv).build()
        srv.route("/gone.xml", Reply(404, b"no such sitemap"))
        args = [
            "backfill",
            "--since",
            "7d",
            "--source",
            site.index_url,
            "--source",
            srv.url("/gone.xml"),
            "--out",
            str(out),
            "--rate",
            "2",  # slow enough to be scraped mid-way on any machine; stopped below
        ]
        extra_env = {}
        if asked_by == "option":
            args += ["--metrics-port", str(port)]
        else:
            extra_env = {"WIREWATCH_BACKFILL__METRICS_PORT": str(port)}
        proc = subprocess.Popen(
            wirewatch(*args),
            env=env(**extra_env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        want = len(site.within(7))
        found = ("wirewatch_backfill_items", (("state", "found"),))
        done = ("wirewatch_backfill_items", (("state", "done"),))
        written = ("wirewatch_backfill_entries_written_total", ())
        try:
            seen = None
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else ""
                m = _scrape(port)
                if m and m.get(written, 0) >= 2 and m.get(found) == want:
                    seen = m
                    break
                time.sleep(0.1)
            assert seen is not None, "no mid-run scrape showed entries written"
            # mid-run: the whole window listed, part of it done
            assert 2 <= seen[done] < want
            assert seen[written] <= seen[done]
            # the index and its three sitemaps listed; the missing one failed, by its class
            assert seen[("wirewatch_backfill_pages_total", (("kind", "sitemap"),))] == 4
            failed = ("wirewatch_backfill_listing_failures_total", (("reason", "http.status.404"),))
            assert seen[failed] == 1
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
            os.kill(proc.pid, signal.SIGTERM)  # stops after the batch in flight
            _out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err[-3000:]
        assert "run the same command again to finish" in err


@pytest.mark.parametrize(
    ("asked_by", "named", "not_named"),
    [
        ("option", "--metrics-port", "metrics.port"),
        (
            "environment",
            "backfill.metrics_port (WIREWATCH_BACKFILL__METRICS_PORT)",
            "--metrics-port",
        ),
    ],
)
def test_a_metrics_port_in_use_is_one_line_naming_how_it_was_asked_for(
    tmp_path: Path, asked_by: str, named: str, not_named: str
) -> None:
    """The port the user gave is busy: exit 2 and one line telling them to change what they
    set (the option or the setting), not the other one, and nothing listed or written."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["backfill", "--since", "1d", "--source", "http://127.0.0.1:9/x.xml"]
        args += ["--out", str(tmp_path / "out")]
        extra_env = {}
        if asked_by == "option":
            args += ["--metrics-port", str(port)]
        else:
            extra_env = {"WIREWATCH_BACKFILL__METRICS_PORT": str(port)}
        done = subprocess.run(
            wirewatch(*args), env=env(**extra_env), capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("error")]
    assert f"metrics port {port} is in use" in line and named in line, line
    assert not_named not in line, line


def test_a_backfill_does_not_take_or_need_the_workers_metrics_port(tmp_path: Path) -> None:
    """The shipped config sets metrics.port for the workers; a backfill on the same host, where
    a worker holds that port, runs to its end without serving metrics instead of stopping."""
    with socket.socket() as taken, LocalServer() as srv:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        site = Site(srv, articles=6).build()
        args = ["backfill", "--since", "7d", "--source", site.index_url]
        args += ["--out", str(tmp_path / "out"), "--rate", "50"]
        worker_port = {"WIREWATCH_METRICS__ENABLED": "true", "WIREWATCH_METRICS__PORT": str(port)}
        done = subprocess.run(
            wirewatch(*args), env=env(**worker_port), capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "in use" not in done.stderr, done.stderr[-3000:]
    assert (tmp_path / "out").is_dir()


def test_a_robots_txt_source_is_counted_as_a_robots_page(tmp_path: Path) -> None:
    """A robots.txt given as the source is one page of kind "robots" (what the README lists),
    and the sitemaps its ``Sitemap:`` line leads to are pages of kind "sitemap"."""
    with LocalServer() as srv:
        site = Site(srv, articles=6).build()
        robots = f"User-agent: *\nDisallow: /private/\nSitemap: {site.index_url}\n"
        srv.route("/robots.txt", Reply(200, robots.encode(), {"Content-Type": "text/plain"}))
        progress = BackfillProgress(tmp_path / "progress.db")
        now = datetime.now(UTC)
        run = BackfillRun(
            Settings(),
            [FeedSpec(url=srv.url("/robots.txt"))],
            Window(now - timedelta(days=7), now),
            progress,
            sink=None,  # listing only: nothing is fetched or written
            client=client(),
            rate=10_000,
            stages=False,
        )
        run.stop_after_listing = True
        try:
            with MetricDelta() as metrics:
                counts = asyncio.run(run.run())
        finally:
            progress.close()
    pages = "wirewatch_backfill_pages_total"
    assert metrics.delta(pages, {"kind": "robots"}) == 1, metrics.changed()
    # the index and its three sitemaps
    assert metrics.delta(pages, {"kind": "sitemap"}) == 4, metrics.changed()
    assert metrics.delta(pages, {"kind": "feed"}) == 0, metrics.changed()
    assert counts.found == len(site.within(7))

"""`wirewatch run` (the embedded runner) when its output fails: a full disk mid-run, a garbage
or locked state file, a read-only --out, and a stop with slow work queued.

Every user-facing case goes through the real CLI in a subprocess; failures are injected at the
OS level (RLIMIT_FSIZE: writes past the limit fail with EFBIG, as on a full file system) or at
the ``os`` calls of the JSONL sink. Nothing here asserts a timing except generous upper bounds.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import resource
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import sinks.jsonl
from ingest.feeds import FeedSpec
from sinks import JsonlSink
from testkit.cli import cli_env, run_cli, started_cli, wirewatch_argv
from tests.pipeline_support import news_site
from wirewatch.config import Settings
from wirewatch.runners.embedded import EmbeddedRunner, SqliteTable
from wirewatch.topics import Topics


def _env(**extra: str) -> dict[str, str]:
    return cli_env(**{"WIREWATCH_HTTP__PER_HOST_CONCURRENCY": "16", **extra})


def _feed_list(tmp_path: Path, site: Any) -> str:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n" + "".join(f"  - url: {u}\n" for u in site.feed_urls()))
    return str(feeds)


def _run_cmd(*args: str) -> list[str]:
    return wirewatch_argv("run", *args)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    """Every line of a JSONL output; a torn or garbled line fails the test, naming it."""
    rows = []
    for n, line in enumerate(path.read_bytes().split(b"\n")[:-1], 1):
        try:
            rows.append(json.loads(line))
        except ValueError:
            pytest.fail(f"{path.name} line {n} is not a whole JSON record: {line[:80]!r}")
    return rows


def _article_urls(out: Path) -> set[str]:
    path = out / f"{Topics().articles}.jsonl"
    return {a["url"] for a in _jsonl(path)} if path.exists() else set()


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


# ---------------------------------------------------------------- 19.1 a write that fails


class _FullDisk:
    """Stands in for ``os`` in the JSONL sink: ``room`` bytes fit, then a write takes what
    fits and the next one fails with ENOSPC, as a full file system does, until ``free()``."""

    def __init__(self, room: int) -> None:
        self.room: int | None = room
        self.refused = 0

    def free(self) -> None:
        self.room = None

    def write(self, fd: int, data: Any) -> int:
        if self.room is None:
            return os.write(fd, data)
        if self.room == 0:
            self.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = os.write(fd, bytes(data[: self.room]))
        self.room -= n
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


def test_a_full_disk_mid_run_loses_no_article_and_leaves_no_torn_line(tmp_path, monkeypatch):
    """Disk full after a few lines, space freed later: every article ends up written, each
    line of every file is a whole record (the failed line's fragment was cut back off)."""
    disk = _FullDisk(room=6000)
    monkeypatch.setattr(sinks.jsonl, "os", disk)
    settings = Settings()
    settings.http.per_host_delay = 0
    settings.http.per_host_concurrency = 16
    settings.http.allowed_hosts = ["127.0.0.1"]
    out = tmp_path / "out"
    with news_site(10, items_per_feed=5) as site:
        expected = site.expected_urls()
        sink = JsonlSink(out)
        sink.setup()
        state = SqliteTable(tmp_path / "state.db")
        runner = EmbeddedRunner(
            settings, [FeedSpec(url=u) for u in site.feed_urls()], sink, state=state
        )

        async def main() -> None:
            run = asyncio.create_task(runner.run(timeout=240))
            while not run.done() and disk.refused < 3:  # the disk stays full for a while
                await asyncio.sleep(0.05)
            disk.free()
            while not run.done() and _article_urls(out) != expected:
                await asyncio.sleep(0.2)
            runner.request_stop()
            await run

        try:
            asyncio.run(main())
        finally:
            sink.close()
            state.close()
    assert disk.refused >= 3
    for path in out.glob("*.jsonl"):
        _jsonl(path)  # every line whole
    assert _article_urls(out) == expected


def _gate_feeds(site: Any, gate: threading.Event) -> None:
    """Feed requests wait for ``gate``: the run has started up (its stages are set up) once
    the first one arrives, and writes nothing before the gate opens."""
    for i in range(site.n):

        def held(seen: Any, i: int = i) -> Any:
            gate.wait(120)
            return site._feed(i)

        site.server.route(f"/feed/{i}", held)


def test_run_once_on_a_full_disk_is_one_error_and_the_next_run_loses_nothing(tmp_path):
    """Once the run is up, RLIMIT_FSIZE stops every file at 20 KiB (EFBIG: what a full disk
    does, with ENOSPC): the run exits 1 with one error line, no traceback; a second run with
    room writes every article, and no file holds a torn line."""
    out = tmp_path / "out"
    gate = threading.Event()
    with news_site(10, items_per_feed=5) as site:
        _gate_feeds(site, gate)
        feeds = _feed_list(tmp_path, site)
        with started_cli(
            _run_cmd("--once", "--feeds", feeds, "--out", str(out)),
            _env(WIREWATCH_LOG_LEVEL="ERROR"),
        ) as proc:
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and not site.server.requests:
                    time.sleep(0.05)
                assert site.server.requests, "the run never polled"
                limit = 20 * 1024
                resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (limit, limit))
                gate.set()
                _, err = proc.communicate(timeout=300)
            finally:
                gate.set()  # a held feed request must not outlive the test
        assert proc.returncode == 1, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
        line = err.strip().splitlines()[-1]  # after the summary, and a log line per failure
        assert line.startswith("error [sink.write_failed]: ") and "run again" in line, line
        assert len(_article_urls(out)) < len(site.expected_urls())  # the limit did bite
        again = run_cli(_run_cmd("--once", "--feeds", feeds, "--out", str(out)), _env())
        assert again.returncode == 0, again.stderr[-3000:]
        assert _article_urls(out) == site.expected_urls()
    for path in out.glob("*.jsonl"):
        _jsonl(path)


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        # SQLite's shared-memory index of the state file (32 KiB) does not fit
        (16 * 1024, "error: cannot write state file "),
        # the state fits; the language model the process stage unpacks at start does not
        (64 * 1024, "error [stage.setup_failed]: the process stage could not start "),
    ],
)
def test_a_full_disk_at_start_is_one_error_line(tmp_path, limit, expected):
    proc = run_cli(
        _run_cmd("--once", "--demo", "--out", str(tmp_path / "out")),
        _env(),
        timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    line = _one_error_line(proc.stderr)
    assert line.startswith(expected), line
    assert proc.returncode == (2 if "state file" in expected else 1)


# ---------------------------------------------------------------- 19.5 state and --out


def test_garbage_state_file_is_one_line_exit_2(tmp_path):
    state = tmp_path / "state.db"
    state.write_bytes(b"this is not a database\n" * 200)
    proc = run_cli(
        _run_cmd("--once", "--demo", "--out", str(tmp_path / "out"), "--state", str(state)),
        _env(),
        timeout=120,
    )
    line = _one_error_line(proc.stderr)
    assert proc.returncode == 2
    assert "not a wirewatch state database" in line and "--state" in line


def test_truncated_state_file_is_one_line_exit_2(tmp_path):
    state = tmp_path / "state.db"
    table = SqliteTable(state)
    table.put([(f"feed-{i}", b'{"state": {}, "seen": []}' * 40) for i in range(300)])
    table.close()
    with sqlite3.connect(state) as db:  # everything into the main file, then cut it
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = state.stat().st_size
    assert size > 3 * 4096
    with state.open("rb+") as fh:
        fh.truncate(size // 3)
    proc = run_cli(
        _run_cmd("--once", "--demo", "--out", str(tmp_path / "out"), "--state", str(state)),
        _env(),
        timeout=120,
    )
    line = _one_error_line(proc.stderr)
    assert proc.returncode == 2
    assert str(state) in line and "--state" in line


def test_second_run_on_the_same_state_is_refused_in_one_line(tmp_path):
    out = tmp_path / "out"
    with news_site(2) as site:
        feeds = _feed_list(tmp_path, site)
        with started_cli(_run_cmd("--feeds", feeds, "--out", str(out)), _env()) as first:
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and len(_article_urls(out)) < 2:
                    time.sleep(0.3)
                assert len(_article_urls(out)) == 2
                lines_before = (out / f"{Topics().articles}.jsonl").read_text()
                second = run_cli(
                    _run_cmd("--once", "--feeds", feeds, "--out", str(out)), _env(), timeout=120
                )
            finally:
                first.send_signal(signal.SIGTERM)
                first.communicate(timeout=120)
    line = _one_error_line(second.stderr)
    assert second.returncode == 2
    assert "in use by another `wirewatch run`" in line
    assert (out / f"{Topics().articles}.jsonl").read_text() == lines_before  # nothing twice
    assert first.returncode == 0


def _without_root_override() -> list[str]:
    """Root writes anywhere: drop the capabilities that let it, so permissions apply."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only directory is writable")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}"]


def test_read_only_out_is_one_line_exit_2(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = run_cli(
            [
                *_without_root_override(),
                *_run_cmd("--once", "--demo", "--out", str(out)),
            ],
            _env(),
            timeout=120,
        )
    finally:
        out.chmod(0o755)
    line = _one_error_line(proc.stderr)
    assert proc.returncode == 2
    assert line == (
        f"error: --out directory {out} is not writable: fix its permissions or pass another --out"
    )
    assert not list(out.iterdir())


def test_state_in_a_read_only_directory_is_one_line_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc = run_cli(
            [
                *_without_root_override(),
                *_run_cmd(
                    "--once",
                    "--demo",
                    "--out",
                    str(tmp_path / "out"),
                    "--state",
                    str(locked / "state.db"),
                ),
            ],
            _env(),
            timeout=120,
        )
    finally:
        locked.chmod(0o755)
    line = _one_error_line(proc.stderr)
    assert proc.returncode == 2
    assert "state file" in line and "--state" in line


# ---------------------------------------------------------------- 13.9 shutdown


def test_sigint_with_slow_pages_queued_stops_within_grace_and_hands_back(tmp_path):
    """One feed of 30 pages on one host with a 6 s politeness delay: draining the queue would
    take minutes. SIGINT once the first page was requested: the run prints the stopping line
    and exits 0 well inside grace + a generous margin; what it did not finish is not committed,
    so the next run fetches every page."""
    out = tmp_path / "out"
    grace = 2.0
    with news_site(1, items_per_feed=30) as site:
        feeds = _feed_list(tmp_path, site)
        with started_cli(
            _run_cmd("--feeds", feeds, "--out", str(out)),
            _env(
                WIREWATCH_HTTP__PER_HOST_DELAY="6",
                WIREWATCH_HTTP__PER_HOST_CONCURRENCY="1",
                WIREWATCH_RUN__SHUTDOWN_GRACE=str(grace),
                WIREWATCH_LOG_LEVEL="ERROR",
            ),
        ) as proc:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not any(
                r.path.startswith("/page/") for r in site.server.requests
            ):
                time.sleep(0.1)
            assert any(r.path.startswith("/page/") for r in site.server.requests)
            proc.send_signal(signal.SIGINT)
            signalled = time.monotonic()
            _, err = proc.communicate(timeout=grace + 60)
            took = time.monotonic() - signalled
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
        # draining the rest at one page per 6 s would take over two minutes
        assert took < grace + 45, (took, err[-3000:])
        stopping = [x for x in err.splitlines() if x.startswith("stopping: ")]
        assert len(stopping) == 1 and "run.shutdown_grace" in stopping[0], err[-3000:]
        summary = json.loads(err.strip().splitlines()[-2])
        assert summary["handed_back"] >= 1, summary
        assert summary["dead_letters"] == 0, summary  # handed back, not blamed on the pages
        first_run = _article_urls(out)
        assert len(first_run) < 30
        again = run_cli(_run_cmd("--once", "--feeds", feeds, "--out", str(out)), _env())
        assert again.returncode == 0, again.stderr[-3000:]
        assert _article_urls(out) == site.expected_urls()

"""``wirewatch run`` for a person at a terminal, and for a script or a log collector.

On a terminal (a real one: a pty): readable text logs, a progress line rewritten in place, and
a summary naming the output files and how to look at them. Elsewhere: JSON logs and the JSON
end a script reads. Either way, httpx's line per HTTP request is not logged at INFO.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.pipeline_support import REPO
from wirewatch.topics import Topics

ERASE = "\r\x1b[K"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({"PYTHONPATH": str(REPO), "WIREWATCH_METRICS__ENABLED": "false", **extra})
    return env


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``wirewatch ARGS`` with stdout and stderr on a pty; its exit code and all it wrote
    (the pty's newlines, \\r\\n, made \\n again)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wirewatch", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def _bad_feed_list(tmp_path: Path) -> Path:
    # port 9 (discard) on loopback: nothing listens there, the poll fails at once
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - url: http://127.0.0.1:9/feed.xml\n")
    return feeds


def test_demo_run_on_a_terminal_shows_progress_and_a_summary(tmp_path: Path) -> None:
    code, text = _on_a_terminal(["run", "--once", "--demo", "--out", "out"], tmp_path, _env())
    assert code == 0, text
    assert '{"ts"' not in text and '{"feeds"' not in text, text  # no JSON for a person
    assert "HTTP Request" not in text, text  # httpx's per-request line
    assert re.search(re.escape(ERASE) + r"polled [01]/1 feeds · ", text), text  # drawn in place
    assert "done: 1 feed, 1 poll, 6 new entries, 6 articles, 5 incidents, 0 dead letters" in text
    summary = text[text.index("done: ") :]
    assert f"{Topics().incidents}.jsonl" in summary and f"{Topics().articles}.jsonl" in summary
    assert "wirewatch ui --from out" in summary
    assert "wirewatch feeds status --out out" in summary


def test_log_lines_on_a_terminal_are_text_unless_json_is_asked_for(tmp_path: Path) -> None:
    feeds = str(_bad_feed_list(tmp_path))
    args = ["--allow-host", "127.0.0.1", "run", "--once", "--feeds", feeds, "--out", "out"]
    code, text = _on_a_terminal(args, tmp_path, _env())
    assert code == 0, text
    assert "WARNING wirewatch.poll: feed poll failed" in text and '{"ts"' not in text, text

    for how, env in (
        ("--log-format json", _env()),
        ("WIREWATCH_LOG_FORMAT=json", _env(WIREWATCH_LOG_FORMAT="json")),
    ):
        chosen = [*args, "--log-format", "json"] if how.startswith("--") else args
        code, text = _on_a_terminal(chosen, tmp_path, env)
        assert code == 0, text
        logged = [
            json.loads(line[line.index('{"ts"') :]) for line in text.splitlines() if '{"ts"' in line
        ]
        assert any(d["msg"] == "feed poll failed" for d in logged), (how, text)


def test_without_a_terminal_logs_stay_json_without_httpx_request_lines(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wirewatch", "run", "--once", "--demo", "--out", "out"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env=_env(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stderr.splitlines()
    assert not any('"logger":"httpx"' in line for line in lines), proc.stderr[-3000:]
    assert ERASE not in proc.stderr  # no progress line in a log file
    summary = json.loads(lines[-2])  # the end a script reads, as before
    assert summary["articles"] == 6 and summary["feeds"] == 1
    assert lines[-1] == f"output: {(tmp_path / 'out').resolve()}"


def test_the_progress_line_is_cut_to_the_terminal_width() -> None:
    """A line wider than the terminal wraps, and "\\r erase" then clears only its last row."""
    import fcntl
    import struct
    import termios

    from wirewatch.logs import ProgressLine

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
    with open(slave, "w", encoding="utf-8", closefd=True) as stream:
        line = ProgressLine(stream)
        line.update("polled 3/5 feeds · " + "x" * 100)
        line.close()
    shown = os.read(master, 65536).decode("utf-8")
    os.close(master)
    drawn = shown.split(ERASE)[1]
    assert drawn.startswith("polled 3/5 feeds · ") and drawn.endswith("…")
    assert len(drawn) < 40

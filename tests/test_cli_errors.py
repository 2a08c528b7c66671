"""Every command of the CLI, run as a user would (a subprocess of ``python -m wirewatch``) with a
bad argument, with no Kafka configured and with the broker down: never a Python traceback, a
clear one-line error, exit code 2 for a usage or configuration mistake and 1 for a runtime
failure, and never longer than the configured Kafka timeouts allow.

The commands are found by walking the click command tree, so a command added later is covered
without editing this file; ``EXTRA`` only adds options that keep a command inside the test's
temporary directory or bounded in time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from wirewatch.cli import cli

REPO = Path(__file__).resolve().parent.parent

# options that keep a command off the repository and the user's home, or bound its run time
EXTRA: dict[str, list[str]] = {
    "schemas write": ["--dir", "{tmp}/schemas"],
    "poll": ["--state", "{tmp}/state.db"],
    "worker": ["--timeout", "3"],
}
# someone else owns this command's error handling; included only once it passes
SKIP = {
    "incidents",
    # builds the 170k-place index: tens of seconds of CPU, and takes neither argument nor Kafka
    "gazetteer build",
}

# the Kafka client must give up within this (ms); the whole command within RUN_LIMIT (s)
KAFKA_TIMEOUT_MS = 1000
RUN_LIMIT = 25.0  # before the fix, a command with the broker down took ~31 s


def _leaves(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            yield from _leaves(cmd, (*path, name))
        else:
            yield (*path, name)


def _command(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = cli
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    return cmd


COMMANDS = [p for p in _leaves(cli) if " ".join(p) not in SKIP]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    port = _closed_port()
    (tmp / "feeds.yaml").write_text(f"feeds:\n  - url: http://127.0.0.1:{port}/feed.xml\n")
    (tmp / "docs.jsonl").write_text(json.dumps({"id": "1", "text": "nothing happened"}) + "\n")
    return tmp


def _arg(param: click.Parameter, tmp: Path, *, bad: bool) -> str:
    t = param.type
    if isinstance(t, click.Choice):
        return "no-such-choice" if bad else str(t.choices[0])
    if isinstance(t, click.Path):
        return str(tmp / "missing.yaml") if bad else str(tmp / "feeds.yaml")
    if isinstance(t, click.File):
        return str(tmp / "missing.jsonl") if bad else str(tmp / "docs.jsonl")
    # a free string: a URL where one is expected, a name elsewhere
    return "::not a url::" if bad else f"http://127.0.0.1:{_closed_port()}/feed.xml"


def _argv(path: tuple[str, ...], tmp: Path, *, bad: bool) -> list[str]:
    cmd = _command(path)
    args = [_arg(p, tmp, bad=bad) for p in cmd.params if isinstance(p, click.Argument)]
    extra = [a.format(tmp=tmp) for a in EXTRA.get(" ".join(path), [])]
    return [*path, *extra, *args]


def _env(tmp: Path, bootstrap: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "WIREWATCH_STORAGE__OUT_DIR": str(tmp / "out"),
            "WIREWATCH_STORAGE__STATE_PATH": str(tmp / "state.db"),
            "WIREWATCH_METRICS__PORT": "0",
            "WIREWATCH_KAFKA__BOOTSTRAP_TIMEOUT_MS": str(KAFKA_TIMEOUT_MS),
            "WIREWATCH_KAFKA__REQUEST_TIMEOUT_MS": str(KAFKA_TIMEOUT_MS),
            "WIREWATCH_KAFKA__MAX_BLOCK_MS": str(KAFKA_TIMEOUT_MS),
            "WIREWATCH_HTTP__ALLOWED_HOSTS": '["127.0.0.1"]',
        }
    )
    if bootstrap:
        env["WIREWATCH_KAFKA__BOOTSTRAP_SERVERS"] = bootstrap
    return env


def run_cli(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # argv is this interpreter and wirewatch itself with the test's arguments
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=RUN_LIMIT,
        stdin=subprocess.DEVNULL,
    )


def _error_lines(stderr: str) -> list[str]:
    """Lines meant for the user: neither log records (JSON) nor click's usage banner."""
    out = []
    for line in stderr.splitlines():
        s = line.strip()
        if not s or s.startswith(("{", "Usage:", "Try ")):
            continue
        out.append(s)
    return out


def assert_clean(proc: subprocess.CompletedProcess[str], argv: list[str]) -> None:
    shown = f"wirewatch {' '.join(argv)} -> {proc.returncode}\n{proc.stderr[-3000:]}"
    assert "Traceback (most recent call last)" not in proc.stderr + proc.stdout, shown
    assert proc.returncode in (0, 1, 2), shown
    if proc.returncode:
        lines = _error_lines(proc.stderr)
        assert len(lines) == 1 and lines[0].lower().startswith("error"), shown
        assert "IndexError" not in lines[0] and "empty sequence" not in lines[0], shown


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_bad_argument_gives_one_line_error(path: tuple[str, ...], workdir: Path) -> None:
    argv = _argv(path, workdir, bad=True)
    proc = run_cli(argv, _env(workdir, f"127.0.0.1:{_closed_port()}"), workdir)
    assert_clean(proc, argv)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_no_kafka_configured_gives_one_line_error(path: tuple[str, ...], workdir: Path) -> None:
    argv = _argv(path, workdir, bad=False)
    proc = run_cli(argv, _env(workdir, None), workdir)
    assert_clean(proc, argv)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_broker_down_gives_one_line_error(path: tuple[str, ...], workdir: Path) -> None:
    argv = _argv(path, workdir, bad=False)
    proc = run_cli(argv, _env(workdir, f"127.0.0.1:{_closed_port()}"), workdir)
    assert_clean(proc, argv)


def test_every_command_is_covered() -> None:
    """The walk finds the commands a user sees (a command group that stopped registering would
    otherwise drop out of the tests above unnoticed)."""
    names = {" ".join(p) for p in COMMANDS}
    assert {"check-feed", "feeds add", "feeds list", "feeds remove", "worker", "tail"} <= names
    assert set(EXTRA) <= names | SKIP


# ---------------------------------------------------------------- the mistakes of the issue


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["feeds", "add", "example.com/feed"], "URL"),
        (["check-feed", "feed"], "URL"),
        (["feeds", "add", "http://127.0.0.1/feed.xml", "--interval", "-5"], "--interval"),
    ],
)
def test_bad_value_is_a_usage_error(argv: list[str], says: str, workdir: Path) -> None:
    proc = run_cli(argv, _env(workdir, f"127.0.0.1:{_closed_port()}"), workdir)
    assert_clean(proc, argv)
    assert proc.returncode == 2, proc.stderr
    assert says in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["feeds", "add", "http://127.0.0.1/feed.xml"],
        ["feeds", "import", "feeds.yaml"],
        ["feeds", "list"],
        ["feeds", "remove", "abc"],
    ],
)
def test_feeds_without_kafka_name_the_setting(argv: list[str], workdir: Path) -> None:
    proc = run_cli(argv, _env(workdir, None), workdir)
    assert_clean(proc, argv)
    assert proc.returncode == 2, proc.stderr
    assert "kafka.bootstrap_servers is not set" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [["feeds", "list"], ["feeds", "remove", "abc"], ["worker", "fetch", "--timeout", "3"]],
)
def test_broker_down_is_broker_unavailable(argv: list[str], workdir: Path) -> None:
    proc = run_cli(argv, _env(workdir, f"127.0.0.1:{_closed_port()}"), workdir)
    assert_clean(proc, argv)
    assert proc.returncode == 1, proc.stderr
    assert "[sink.broker_unavailable]" in proc.stderr


@pytest.mark.kafka
def test_feeds_remove_of_an_unknown_feed_fails(kafka_settings, workdir: Path) -> None:
    env = _env(workdir, kafka_settings.bootstrap_servers)
    env["WIREWATCH_KAFKA__TOPIC_PREFIX"] = kafka_settings.topic_prefix
    for key in ("BOOTSTRAP_TIMEOUT_MS", "REQUEST_TIMEOUT_MS", "MAX_BLOCK_MS"):
        env[f"WIREWATCH_KAFKA__{key}"] = "15000"  # a real broker, shared and maybe busy
    url = "http://127.0.0.1/known.xml"
    added = run_cli(["feeds", "add", url], env, workdir)
    assert added.returncode == 0, added.stderr
    unknown = run_cli(["feeds", "remove", "http://127.0.0.1/unknown.xml"], env, workdir)
    assert_clean(unknown, ["feeds", "remove"])
    assert unknown.returncode == 1, unknown.stderr
    assert "[feeds.not_found]" in unknown.stderr
    removed = run_cli(["feeds", "remove", url], env, workdir)
    assert removed.returncode == 0, removed.stderr
    listed = run_cli(["feeds", "list"], env, workdir)
    assert listed.returncode == 0 and url not in listed.stdout, listed.stderr

"""deploy/kafka/start.sh finds a Python with kafka-python by itself, and a start that fails
leaves no broker running. Each test starts (and stops) a private broker of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testkit.http import free_port

REPO = Path(__file__).resolve().parent.parent
START = REPO / "deploy" / "kafka" / "start.sh"
STOP = REPO / "deploy" / "kafka" / "stop.sh"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
        reason="java is not installed: these tests start a Kafka broker of their own",
    ),
]


def _env(**extra: str) -> dict[str, str]:
    """No WIREWATCH_PYTHON, no active virtualenv, and a PATH whose python3 has no kafka-python
    (the system's): what a developer's shell looks like."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("WIREWATCH_") and k not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    env["PATH"] = "/usr/bin:/bin"
    env.update(
        {
            "WIREWATCH_KAFKA_PORT": str(free_port()),
            "WIREWATCH_KAFKA_CONTROLLER_PORT": str(free_port()),
            "WIREWATCH_KAFKA_HEAP": "384m",
        }
    )
    env.update(extra)
    return env


def _brokers_of(data: Path) -> list[int]:
    """Pids of live processes running a broker on ``data``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"kafka.Kafka" in cmdline and str(data).encode() in cmdline:
            pids.append(int(proc.name))
    return pids


def _run(script: Path, data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(script), *args, str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_start_without_wirewatch_python_uses_the_project_venv(tmp_path: Path) -> None:
    venv_python = REPO / ".venv" / "bin" / "python"
    if not venv_python.exists():
        pytest.skip(f"no project virtualenv at {venv_python}")
    data = tmp_path / "kafka"
    env = _env()
    try:
        started = _run(START, data, env)
        assert started.returncode == 0, started.stderr[-3000:]
        assert started.stdout.strip() == f"127.0.0.1:{env['WIREWATCH_KAFKA_PORT']}"
        assert _brokers_of(data)
    finally:
        _run(STOP, data, env, "--wipe")
    assert not _brokers_of(data)


def test_start_with_wirewatch_python_keeps_working(tmp_path: Path) -> None:
    data = tmp_path / "kafka"
    env = _env(WIREWATCH_PYTHON=sys.executable)
    try:
        started = _run(START, data, env)
        assert started.returncode == 0, started.stderr[-3000:]
    finally:
        _run(STOP, data, env, "--wipe")


def test_python_without_kafka_client_fails_before_starting_a_broker(tmp_path: Path) -> None:
    data = tmp_path / "kafka"
    env = _env(WIREWATCH_PYTHON="/usr/bin/python3")
    if (
        subprocess.run(["/usr/bin/python3", "-c", "import kafka"], capture_output=True).returncode
        == 0
    ):
        pytest.skip("the system python3 has kafka-python")
    started = _run(START, data, env)
    assert started.returncode == 1
    assert "cannot import kafka-python" in started.stderr
    assert "Traceback" not in started.stderr
    assert not _brokers_of(data)
    assert not (data / "broker.pid").exists()


def test_broker_that_never_gets_ready_is_stopped(tmp_path: Path) -> None:
    """The readiness wait gives up (a timeout shorter than a JVM start): start.sh fails and
    stops the broker it started instead of leaving it running."""
    data = tmp_path / "kafka"
    env = _env(WIREWATCH_PYTHON=sys.executable, WIREWATCH_KAFKA_READY_TIMEOUT="0")
    try:
        started = _run(START, data, env)
        assert started.returncode != 0, started.stderr[-3000:]
        assert not _brokers_of(data), started.stderr[-3000:]
        assert not (data / "broker.pid").exists()
        assert (data / "broker.log").exists()  # kept for inspection
    finally:
        _run(STOP, data, env, "--wipe")

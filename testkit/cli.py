"""The ``wirewatch`` CLI in a subprocess, as a user runs it: its argv, an environment without the
caller's own WIREWATCH_* settings, and one run to its end or a start to drive (signal, kill)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from testkit.http import LOOPBACK, REPO


def wirewatch_argv(*args: str) -> list[str]:
    """``wirewatch ARGS`` on this interpreter, allowed to fetch from the loopback servers."""
    return [sys.executable, "-m", "wirewatch", "--allow-host", LOOPBACK, *args]


def cli_env(**settings: str) -> dict[str, str]:
    """This process's environment without its WIREWATCH_* variables (a developer's own must not
    leak into a test), with the repository importable, no metrics server (tests run side by
    side) and no politeness delay (every site of a test is one host); then ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "WIREWATCH_HTTP__PER_HOST_DELAY": "0",
            "WIREWATCH_METRICS__ENABLED": "false",
        }
    )
    env.update(settings)
    return env


def run_cli(
    argv: list[str], env: dict[str, str], timeout: float = 300, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to its end; its stdout and stderr as text."""
    # argv is this interpreter running wirewatch (wirewatch_argv), maybe behind a wrapper
    return subprocess.run(  # noqa: S603
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False, **popen
    )


@contextmanager
def started_cli(
    argv: list[str], env: dict[str, str], stderr: int | None = subprocess.PIPE
) -> Iterator[subprocess.Popen[str]]:
    """Start ``argv`` (stdout discarded, stderr a text pipe unless ``stderr`` says otherwise)
    for the caller to drive; killed on the way out if it is still running, so that a failed
    assertion leaves no process behind."""
    proc = subprocess.Popen(  # noqa: S603
        argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

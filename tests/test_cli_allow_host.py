"""``--allow-host`` where users type it (after the subcommand as well as before), and the SSRF
refusal saying how to allow a host."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testkit.cli import cli_env, run_cli
from tests.pipeline_support import news_site
from wirewatch.topics import Topics


def _wirewatch(*args: str) -> subprocess.CompletedProcess[str]:
    # not wirewatch_argv: where --allow-host stands (and whether it does) is what is tested
    return run_cli(
        [sys.executable, "-m", "wirewatch", *args], cli_env(), timeout=240, stdin=subprocess.DEVNULL
    )


def test_allow_host_after_the_subcommand_is_accepted() -> None:
    with news_site(2) as site:
        url = site.feed_urls()[0]
        after = _wirewatch("check-feed", url, "--allow-host", "127.0.0.1")
        before = _wirewatch("--allow-host", "127.0.0.1", "check-feed", url)
    assert after.returncode == 0, after.stderr[-2000:]
    assert before.returncode == 0, before.stderr[-2000:]
    assert "OK" in after.stdout.splitlines()[0]
    assert _entries(after.stdout) == _entries(before.stdout) == "1"  # one article per feed


def _entries(report: str) -> str | None:
    """The "entries" figure of a check-feed report."""
    for line in report.splitlines():
        words = line.split()
        if words[:1] == ["entries"]:
            return words[1]
    return None


def test_allow_host_after_a_nested_subcommand_and_on_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with news_site(2) as site:
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text("feeds:\n" + "".join(f"  - url: {u}\n" for u in site.feed_urls()))
        proc = _wirewatch(
            "run", "--once", "--feeds", str(feeds), "--out", str(out), "--allow-host", "127.0.0.1"
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len((out / f"{Topics().articles}.jsonl").read_text().splitlines()) == 2


def test_the_refusal_names_the_option_and_the_variable() -> None:
    with news_site(1) as site:
        proc = _wirewatch("check-feed", site.feed_urls()[0])
    assert proc.returncode == 1
    error = proc.stderr.strip().splitlines()[-1]
    assert error.startswith("error [http.blocked_address]: refused "), error
    assert "--allow-host 127.0.0.1" in error and "WIREWATCH_HTTP__ALLOWED_HOSTS" in error

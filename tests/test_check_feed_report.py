"""`wirewatch check-feed`: a failure says its error class and message only, sizes carry a unit;
and the example feed list's comments describe commands and fields that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from ingest.feeds import FeedSpec
from testkit.http import LocalServer, Reply, rss
from wirewatch.cli import cli

ROOT = Path(__file__).resolve().parents[1]
FEED = rss([{"title": "One", "link": "https://news.test/1"}])


def _check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--allow-host", "127.0.0.1", "check-feed", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_failed_fetch_prints_the_error_class_and_message_only():
    with LocalServer() as srv:
        url = srv.url("/gone")  # nothing listens there once the server is closed
    code, out, err = _check(url)
    assert code == 1
    assert "ETag" not in out and "Last-Modified" not in out and "entries" not in out
    lines = out.strip().splitlines()
    assert lines[0] == f"feed {url}: FAILED"
    assert lines[1].split() == ["error", lines[1].split()[1]]
    assert lines[1].split()[1].startswith("http.")
    assert lines[2].split()[0] == "message" and len(lines[2].split()) > 1
    assert len(lines) == 3
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error [{lines[1].split()[1]}]: ")


def test_an_http_error_prints_the_status_as_its_class():
    with LocalServer() as srv:
        srv.route("/missing", Reply(404, b"not here", {"Content-Type": "text/plain"}))
        code, out, err = _check(srv.url("/missing"))
    assert code == 1
    assert "  error              http.status.404" in out
    assert "HTTP 404 from" in out and "no ETag" not in out
    assert err.startswith("error [http.status.404]: HTTP 404 from ")


def test_size_has_a_unit():
    body = FEED + b"<!--" + b"x" * 12_000 + b"-->"
    with LocalServer() as srv:
        srv.route("/feed.xml", Reply(200, body, {"Content-Type": "application/rss+xml"}))
        code, out, _err = _check(srv.url("/feed.xml"))
    assert code == 0, out
    (size,) = [x for x in out.splitlines() if x.strip().startswith("size")]
    assert re.fullmatch(r"\s*size\s+\d+(\.\d)? kB", size), size
    assert "no ETag or Last-Modified" in out  # a finding about a feed that was read


def test_the_example_feed_list_describes_what_exists():
    path = ROOT / "deploy" / "feeds.example.yaml"
    comments = " ".join(
        line.lstrip("# ").rstrip() for line in path.read_text().splitlines() if line.startswith("#")
    )
    commands = re.findall(r"`(wirewatch [^`]+)`", comments)
    assert commands, "the comments name no command: this test checks nothing"
    readme = (ROOT / "README.md").read_text()
    for command in commands:
        argv = shlex.split(command)[1:]
        # every command and option exists (click refuses an unknown one with exit 2)
        result = CliRunner().invoke(cli, [*argv, "--help"])
        assert result.exit_code == 0, (command, result.output)
        for arg in argv:
            if arg.startswith("deploy/"):
                assert (ROOT / arg).is_file(), arg
        assert argv[0] in readme
    assert "wirewatch run --once --feeds deploy/feeds.example.yaml --out out" in readme
    fields = set(re.findall(r"\b(url|name|tags|interval|headers|id)\b \(", comments))
    fields |= set(re.findall(r"(?:, |: )(name|tags)(?=,)", comments))
    assert fields == set(FeedSpec.model_fields), fields

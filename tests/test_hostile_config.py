"""Hostile configuration: wrong types, unknown keys, broken YAML, bad environment overrides.

The outcome for this class differs from the runtime ones on purpose: a process with a bad
config must not start at all. ``load_settings`` raises :class:`ConfigError` naming every bad
key, and the CLI (the real entry point, in a subprocess) exits 2 with that message on stderr
and nothing on stdout, for ``config show`` as for ``run`` and ``worker``. Secret values never
appear in the message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wirewatch.config import load_settings
from wirewatch.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
BAD = """\
kafka:
  bootstrap_servers: 127.0.0.1:1
  linger_ms: soon
  sasl_password: hunter2-do-not-print
  colour: blue
http:
  max_body_bytes: [1, 2]
  verify_tls: maybe
  allowed_hostz: ["10.0.0.1"]
poll:
  jitter: 7
surprise: true
"""
EXPECTED_KEYS = (
    "kafka.linger_ms",
    "kafka.colour: unknown key",
    "http.max_body_bytes",
    "http.verify_tls",
    "http.allowed_hostz: unknown key",
    "poll.jitter",
    "surprise: unknown key",
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env["PYTHONPATH"] = str(REPO)
    return env


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", *args],
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_wrong_types_and_unknown_keys_name_every_key(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BAD)
    with pytest.raises(ConfigError) as err:
        load_settings(f)
    text = str(err.value)
    assert err.value.reason == "config.invalid"
    for key in EXPECTED_KEYS:
        assert key in text, (key, text)
    assert "hunter2" not in text


@pytest.mark.parametrize(
    "command",
    [["config", "show"], ["run", "--feeds", "FEEDS", "--once"], ["worker", "process"]],
    ids=["config-show", "run", "worker"],
)
def test_cli_refuses_to_start_with_exit_code_2(tmp_path: Path, command: list[str]) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BAD)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - url: http://127.0.0.1:9/feed.xml\n")
    args = [str(feeds) if a == "FEEDS" else a for a in command]
    proc = _cli("-c", str(f), *args)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("error: invalid configuration:")
    for key in EXPECTED_KEYS:
        assert key in proc.stderr, key
    assert "hunter2" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()  # nothing started


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("kafka: [unclosed\n", "is not valid YAML"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("http:\n  max_body_bytes: 0\n", "http.max_body_bytes"),
    ],
    ids=["invalid-yaml", "not-a-mapping", "out-of-range"],
)
def test_broken_config_files(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_settings(f)
    assert message in str(err.value)
    proc = _cli("-c", str(f), "config", "show")
    assert proc.returncode == 2 and message in proc.stderr


def test_bad_environment_override_is_named(tmp_path: Path) -> None:
    env = _env()
    env["WIREWATCH_HTTP__MAX_BODY_BYTES"] = "lots"
    env["WIREWATCH_KAFKA__SASL_PASSWORD"] = "hunter2-env-secret"
    proc = _cli("config", "show", env=env)
    assert proc.returncode == 2
    assert "http.max_body_bytes" in proc.stderr and "hunter2" not in proc.stderr


def test_opml_with_entities_reads_no_files_and_expands_nothing(tmp_path: Path) -> None:
    """An imported OPML list is XML from outside too: external entities stay unresolved."""
    from ingest import import_opml

    secret = tmp_path / "secret.txt"
    secret.write_text("OPML-XXE-SENTINEL")
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE opml [\n'
        f'<!ENTITY xxe SYSTEM "file://{secret}">\n'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        ']>\n<opml version="2.0"><body>'
        '<outline text="leak &xxe; &b;" xmlUrl="http://news.example/feed.xml"/>'
        "</body></opml>"
    )
    with pytest.raises(ConfigError) as err:  # lxml: entity references stay unresolved
        import_opml(doc.encode())
    assert "external entity 'xxe'" in str(err.value)
    assert "OPML-XXE-SENTINEL" not in str(err.value)

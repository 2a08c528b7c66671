import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from wirewatch.cli import cli
from wirewatch.config import load_settings
from wirewatch.errors import ConfigError


def test_defaults_are_embedded(monkeypatch):
    monkeypatch.delenv("WIREWATCH_KAFKA__BOOTSTRAP_SERVERS", raising=False)
    assert load_settings().embedded


def test_env_overrides_yaml(tmp_path, monkeypatch):
    f = tmp_path / "c.yaml"
    f.write_text("kafka:\n  bootstrap_servers: a:1\n  partitions: 4\n")
    monkeypatch.setenv("WIREWATCH_KAFKA__PARTITIONS", "9")
    s = load_settings(f)
    assert s.kafka.bootstrap_servers == "a:1" and s.kafka.partitions == 9 and not s.embedded


def test_errors_name_the_key(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("kafka:\n  partitions: many\n  colour: blue\nhttp:\n  read_timeout: -1\n")
    with pytest.raises(ConfigError) as err:
        load_settings(f)
    text = str(err.value)
    assert "kafka.partitions" in text and "kafka.colour: unknown key" in text
    assert "http.read_timeout" in text


def test_config_show_masks_secrets(monkeypatch):
    monkeypatch.setenv("WIREWATCH_KAFKA__SASL_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("WIREWATCH_KAFKA__SASL_USERNAME", "svc")
    out = CliRunner().invoke(cli, ["config", "show"])
    assert out.exit_code == 0, out.output
    assert "hunter2-secret" not in out.output and "sasl_username: svc" in out.output
    assert "'**********'" in out.output or "**********" in out.output


# ---------------------------------------------------------------------- values from the environment


def _cli_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(variables)
    return env


def _config_show(**variables: str) -> subprocess.CompletedProcess[str]:
    """``wirewatch config show --json`` in a subprocess: the real entry point, exit code and all."""
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", "config", "show", "--json"],
        env=_cli_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.mark.parametrize(
    "value",
    ["127.0.0.1,news.example", " 127.0.0.1 , news.example ", '["127.0.0.1", "news.example"]'],
    ids=["comma", "comma-spaces", "json"],
)
def test_list_setting_from_the_environment(value):
    proc = _config_show(WIREWATCH_HTTP__ALLOWED_HOSTS=value)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["http"]["allowed_hosts"] == ["127.0.0.1", "news.example"]


def test_single_value_list_setting_from_the_environment():
    """The reported case: one host, no brackets."""
    proc = _config_show(WIREWATCH_HTTP__ALLOWED_HOSTS="127.0.0.1")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["http"]["allowed_hosts"] == ["127.0.0.1"]


def test_bad_int_from_the_environment_is_one_line_naming_the_variable():
    line = _one_error_line(_config_show(WIREWATCH_HTTP__MAX_BODY_BYTES="lots"))
    assert line.startswith("error: invalid configuration: WIREWATCH_HTTP__MAX_BODY_BYTES")
    assert "http.max_body_bytes" in line and "valid integer" in line


def test_bad_json_list_from_the_environment_is_one_line_naming_the_form():
    line = _one_error_line(_config_show(WIREWATCH_HTTP__ALLOWED_HOSTS='["127.0.0.1",'))
    assert "WIREWATCH_HTTP__ALLOWED_HOSTS" in line
    assert 'a comma-separated list (a,b) or a JSON list (["a","b"])' in line


def test_bad_json_section_from_the_environment_is_one_line_naming_the_variable():
    line = _one_error_line(_config_show(WIREWATCH_HTTP="{max_body_bytes: 1}"))
    assert "WIREWATCH_HTTP is not valid JSON" in line and "WIREWATCH_HTTP__KEY" in line


def test_bad_env_value_of_a_secret_is_not_shown():
    line = _one_error_line(_config_show(WIREWATCH_KAFKA__LINGER_MS="hunter2-not-a-number"))
    assert "WIREWATCH_KAFKA__LINGER_MS" in line and "hunter2" not in line


def test_list_settings_from_yaml_and_environment(tmp_path, monkeypatch):
    f = tmp_path / "c.yaml"
    f.write_text("http:\n  allowed_hosts: [a.example, b.example]\n")
    monkeypatch.setenv("WIREWATCH_PROCESS__LANGUAGES", "en, DE")
    s = load_settings(f)
    assert s.http.allowed_hosts == ["a.example", "b.example"]
    assert s.process.languages == ["en", "de"]

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

"""``--out``, ``--state`` and ``--feeds`` mean the same kind of thing wherever a command takes
them: one definition each (wirewatch/commands/options.py), only the help differs."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from tests.test_cli_errors import _command, _leaves
from wirewatch.cli import cli

#: every command taking --out or --state: (its words, the options it takes)
TAKERS = [
    (("run",), ("--out", "--state")),
    (("backfill",), ("--out", "--state")),
    (("feeds", "status"), ("--out", "--state")),
    (("ui",), ("--state",)),
]


def _option(cmd: click.Command, flag: str) -> click.Option:
    (opt,) = [p for p in cmd.params if isinstance(p, click.Option) and flag in p.opts]
    return opt


def test_the_list_names_every_command_that_takes_out_or_state() -> None:
    found = {
        words
        for words in _leaves(cli)
        if any(
            isinstance(p, click.Option) and {"--out", "--state"} & set(p.opts)
            for p in _command(words).params
        )
    }
    # `poll --state` is the poller's own state store (any path, no --out beside it)
    assert found - {("poll",)} == {words for words, _ in TAKERS}


@pytest.mark.parametrize(("words", "flags"), TAKERS, ids=[" ".join(w) for w, _ in TAKERS])
def test_out_is_a_directory_and_state_a_file_everywhere(words, flags) -> None:
    cmd = _command(words)
    for flag, dest, kind in (("--out", "out_dir", "dir"), ("--state", "state_path", "file")):
        if flag not in flags:
            continue
        opt = _option(cmd, flag)
        assert opt.name == dest and opt.default is None and opt.help
        assert isinstance(opt.type, click.Path)
        assert (opt.type.file_okay, opt.type.dir_okay) == (kind == "file", kind == "dir")
    help_text = CliRunner().invoke(cli, [*words, "--help"]).output
    assert all(f"{flag} " in help_text for flag in flags), help_text


@pytest.mark.parametrize("words", [("run",), ("backfill",)], ids=["run", "backfill"])
def test_feeds_is_a_feed_list_that_must_exist(words, tmp_path) -> None:
    opt = _option(_command(words), "--feeds")
    assert opt.name == "feeds_path" and opt.default is None
    assert isinstance(opt.type, click.Path) and opt.type.exists and not opt.type.dir_okay
    missing = tmp_path / "nowhere.yaml"
    result = CliRunner().invoke(cli, [*words, "--feeds", str(missing)])
    assert result.exit_code == 2 and "does not exist" in result.output, result.output

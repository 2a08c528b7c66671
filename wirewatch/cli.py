"""The ``wirewatch`` command. Each command family lives in ``wirewatch/commands/<family>.py`` and
exposes ``register(group)``; this module only assembles them, in the order of ``COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from wirewatch import __version__
from wirewatch.config import Settings, load_settings
from wirewatch.errors import ConfigError, WirewatchError

COMMAND_MODULES = (
    "wirewatch.commands.config",
    "wirewatch.commands.kafka",
    "wirewatch.commands.ingest",
    "wirewatch.commands.incidents",
    "wirewatch.commands.gazetteer",
    "wirewatch.commands.run",
    "wirewatch.commands.backfill",
    "wirewatch.commands.ui",
)


class AppContext:
    """Lazily loaded settings shared by all commands."""

    def __init__(self, config_path: str | None, allow_hosts: tuple[str, ...]) -> None:
        self.config_path = config_path
        self.allow_hosts = allow_hosts
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            s = load_settings(self.config_path)
            if self.allow_hosts:
                s.http.allowed_hosts = [*s.http.allowed_hosts, *self.allow_hosts]
            self._settings = s
        return self._settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wirewatch")
@click.option(
    "-c",
    "--config",
    "config_path",
    envvar="WIREWATCH_CONFIG",
    type=click.Path(dir_okay=False),
    help="YAML config file (env: WIREWATCH_CONFIG; WIREWATCH_SECTION__KEY overrides keys).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST",
    help="Allow fetching from this otherwise refused (private/loopback) host. Repeatable.",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, allow_hosts: tuple[str, ...]) -> None:
    """wirewatch: feeds -> articles -> structured incident events, on Kafka or JSONL."""
    ctx.obj = AppContext(config_path, allow_hosts)


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # a family not built yet must not break the others
        if _exc.name != _name:
            raise
        continue
    _mod.register(cli)


def main() -> None:
    # kafka-python warns on every failed connection attempt; a command that did not configure
    # logging would print each through logging's last resort, burying the one error line. With
    # logging configured (workers, run) they still reach the root handler.
    logging.getLogger("kafka").addHandler(logging.NullHandler())
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except WirewatchError as exc:
        click.echo(f"error [{exc.reason}]: {exc}", err=True)
        sys.exit(1)

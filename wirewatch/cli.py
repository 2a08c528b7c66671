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


ALLOW_HOST_HELP = (
    "Allow fetching from this otherwise refused (private/loopback) host "
    "(env: WIREWATCH_HTTP__ALLOWED_HOSTS). Repeatable."
)
LOG_FORMAT_HELP = (
    "Log lines as JSON or text (setting log_format, env: WIREWATCH_LOG_FORMAT; "
    "default auto: text on a terminal, else JSON)."
)


class AppContext:
    """Lazily loaded settings shared by all commands."""

    def __init__(
        self,
        config_path: str | None,
        allow_hosts: tuple[str, ...],
        log_format: str | None = None,
    ) -> None:
        self.config_path = config_path
        self.allow_hosts = allow_hosts
        self.log_format = log_format
        self._settings: Settings | None = None

    def allow(self, hosts: tuple[str, ...]) -> None:
        """More ``--allow-host`` values (given after the subcommand)."""
        if not hosts:
            return
        self.allow_hosts = (*self.allow_hosts, *hosts)
        if self._settings is not None:  # already loaded: add them there too
            self._settings.http.allowed_hosts = [*self._settings.http.allowed_hosts, *hosts]

    def choose_log_format(self, fmt: str | None) -> None:
        """``--log-format`` (given after the subcommand)."""
        if fmt is None:
            return
        self.log_format = fmt
        if self._settings is not None:
            self._settings.log_format = fmt  # type: ignore[assignment]

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            s = load_settings(self.config_path)
            if self.allow_hosts:
                s.http.allowed_hosts = [*s.http.allowed_hosts, *self.allow_hosts]
            if self.log_format is not None:
                s.log_format = self.log_format  # type: ignore[assignment]
            self._settings = s
        return self._settings


_LOG_FORMATS = click.Choice(["json", "text"])


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
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST", help=ALLOW_HOST_HELP)
@click.option("--log-format", type=_LOG_FORMATS, default=None, help=LOG_FORMAT_HELP)
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    allow_hosts: tuple[str, ...],
    log_format: str | None,
) -> None:
    """wirewatch: feeds -> articles -> structured incident events, on Kafka or JSONL."""
    ctx.obj = AppContext(config_path, allow_hosts, log_format)


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # a family not built yet must not break the others
        if _exc.name != _name:
            raise
        continue
    _mod.register(cli)


def _more_allowed_hosts(
    ctx: click.Context, _param: click.Parameter, hosts: tuple[str, ...]
) -> None:
    app = ctx.find_object(AppContext)
    if app is not None:
        app.allow(hosts)


def _log_format_after(ctx: click.Context, _param: click.Parameter, fmt: str | None) -> None:
    app = ctx.find_object(AppContext)
    if app is not None:
        app.choose_log_format(fmt)


def _global_options() -> list[click.Option]:
    """The group's options that are accepted after the subcommand too: users type them there
    (``wirewatch check-feed URL --allow-host HOST``) as often as before it."""
    return [
        click.Option(
            ["--allow-host", "allow_hosts"],
            multiple=True,
            metavar="HOST",
            help=ALLOW_HOST_HELP,
            expose_value=False,
            callback=_more_allowed_hosts,
        ),
        click.Option(
            ["--log-format", "log_format"],
            type=_LOG_FORMATS,
            default=None,
            help=LOG_FORMAT_HELP,
            expose_value=False,
            callback=_log_format_after,
        ),
    ]


def _accept_global_options_everywhere(group: click.Group) -> None:
    for cmd in group.commands.values():
        if isinstance(cmd, click.Group):
            _accept_global_options_everywhere(cmd)
            continue
        for option in _global_options():
            if not any(p.name == option.name for p in cmd.params):
                cmd.params.append(option)


_accept_global_options_everywhere(cli)


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

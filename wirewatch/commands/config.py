"""``wirewatch config show`` and ``wirewatch schemas write|check``."""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from wirewatch import schemas


def register(cli: click.Group) -> None:
    @cli.group("config")
    def config_group() -> None:
        """Inspect the effective configuration."""

    @config_group.command("show")
    @click.option("--json", "as_json", is_flag=True, help="JSON instead of YAML.")
    @click.pass_obj
    def show(app: object, as_json: bool) -> None:
        """Print the effective config (file + environment), secrets masked."""
        data = app.settings.masked()  # type: ignore[attr-defined]
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            click.echo(yaml.safe_dump(data, sort_keys=False), nl=False)

    @cli.group("schemas")
    def schemas_group() -> None:
        """JSON Schemas of the topic contracts."""

    @schemas_group.command("write")
    @click.option("--dir", "directory", type=click.Path(file_okay=False), default=None)
    def write(directory: str | None) -> None:
        """(Re)generate the committed schema files from the models."""
        for path in schemas.write_all(Path(directory) if directory else None):
            click.echo(str(path))

    @schemas_group.command("check")
    def check() -> None:
        """Exit 1 when committed schema files drift from the models."""
        drift = schemas.drift()
        for name in drift:
            click.echo(f"drift: {name}", err=True)
        if drift:
            raise SystemExit(1)
        click.echo("schemas match the models")

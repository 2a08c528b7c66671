"""``wirewatch ui``: the incident map, served on loopback from the embedded runner's JSONL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def register(cli: click.Group) -> None:
    @cli.command("ui")
    @click.option(
        "--from",
        "from_dir",
        required=True,
        type=click.Path(file_okay=False),
        help="Directory of the embedded runner's JSONL files (wirewatch run --out).",
    )
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
    @click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=8765,
        show_default=True,
        help="Port to bind; 0 picks any free port (the URL is logged).",
    )
    @click.pass_obj
    def ui(app: Any, from_dir: str, host: str, port: int) -> None:
        """Serve the incident map: reads <prefix>.events.v1.jsonl if present, else
        <prefix>.incidents.v1.jsonl, and shows new lines as they are appended."""
        from wirewatch.logs import setup_logging_from_settings
        from wirewatch.topics import Topics
        from wirewatch.ui import make_server

        setup_logging_from_settings(app.settings)
        directory = Path(from_dir)
        if not directory.is_dir():
            raise click.UsageError(f"--from {from_dir}: no such directory")
        prefix = app.settings.kafka.topic_prefix
        topics = Topics(prefix)
        candidates = [f"{prefix}.events.v1.jsonl", f"{topics.incidents}.jsonl"]
        try:
            server = make_server(directory, candidates, host, port)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        click.echo(f"wirewatch ui: serving {server.url} from {directory}", err=True)
        if server.store.source is None:
            click.echo(f"wirewatch ui: waiting for {' or '.join(candidates)}", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

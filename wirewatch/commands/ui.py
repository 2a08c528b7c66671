"""``wirewatch ui``: the incident map, served on loopback, from the embedded runner's JSONL
files or live from Kafka."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from wirewatch.commands.options import state_path_option


def register(cli: click.Group) -> None:
    @cli.command("ui")
    @click.option(
        "--from",
        "from_dir",
        default=None,
        type=click.Path(file_okay=False),
        help="Directory of the embedded runner's JSONL files (wirewatch run --out).",
    )
    @click.option(
        "--kafka",
        "from_kafka",
        is_flag=True,
        help="Instead of --from: read the topic live from kafka.bootstrap_servers "
        "(read_committed).",
    )
    @state_path_option(
        "With --from: the runner's SQLite state file, for the feed-health page "
        "(default storage.state_path; opened read-only)."
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
    def ui(
        app: Any,
        from_dir: str | None,
        from_kafka: bool,
        state_path: str | None,
        host: str,
        port: int,
    ) -> None:
        """Serve the incident map of the events topic, else the incidents topic (files
        <prefix>.events.v1.jsonl / <prefix>.incidents.v1.jsonl with --from); records that
        arrive later appear on the open page."""
        from wirewatch.logs import setup_logging_from_settings
        from wirewatch.topics import Topics
        from wirewatch.ui import EventStore, JsonlEventStore, make_server
        from wirewatch.ui.health import STAGE_OUTPUTS, EmbeddedHealth, KafkaHealth

        if bool(from_dir) == from_kafka:
            raise click.UsageError("give either --from DIR or --kafka")
        settings = app.settings
        setup_logging_from_settings(settings)
        prefix = settings.kafka.topic_prefix
        topics = [f"{prefix}.events.v1", Topics(prefix).incidents]
        store: EventStore
        health: EmbeddedHealth | KafkaHealth | None = None
        if from_kafka:
            from wirewatch.commands.kafka import require_kafka
            from wirewatch.ui.kafka_reader import KafkaEventStore

            cfg = require_kafka(app)
            store = KafkaEventStore(cfg, topics)
            health = KafkaHealth(cfg, settings.poll.stale_factor)
            where = f"kafka {settings.kafka.bootstrap_servers}"
        else:
            assert from_dir is not None
            directory = Path(from_dir)
            if not directory.is_dir():
                raise click.UsageError(f"--from {from_dir}: no such directory")
            names = Topics(prefix)
            store = JsonlEventStore(
                directory,
                [f"{t}.jsonl" for t in topics],
                articles_file=f"{names.articles}.jsonl",
                incidents_file=f"{names.incidents}.jsonl",
            )
            health = EmbeddedHealth(
                directory,
                {kind: f"{names.name(kind)}.jsonl" for kind in STAGE_OUTPUTS},
                Path(state_path or settings.storage.state_path),
                settings.poll.stale_factor,
            )
            where = str(directory)
        try:
            server = make_server(store, host, port, health)
        except OSError as exc:
            store.close()
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        click.echo(f"wirewatch ui: serving {server.url} from {where}", err=True)
        if not from_kafka and store.source is None:
            click.echo(f"wirewatch ui: waiting for {' or '.join(topics)} (.jsonl)", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

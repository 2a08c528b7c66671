"""``wirewatch topics create|list|plan`` and ``wirewatch tail TOPIC``."""

from __future__ import annotations

from typing import Any

import click

from wirewatch.config import KafkaSettings
from wirewatch.errors import ConfigError
from wirewatch.topics import TOPIC_KINDS, Topics


def require_kafka(app: Any) -> KafkaSettings:
    cfg: KafkaSettings = app.settings.kafka
    if not cfg.bootstrap_servers:
        raise ConfigError(
            "kafka.bootstrap_servers is not set (config file or WIREWATCH_KAFKA__BOOTSTRAP_SERVERS)"
        )
    return cfg


def _summary(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)[:200]
    if "sub_event_type" in value:
        loc = value.get("location") or {}
        return (
            f"{value.get('date') or '?'}  {value.get('sub_event_type')}  "
            f"@ {loc.get('name', '?')} ({loc.get('country_iso3') or '?'})  "
            f"killed={value.get('fatalities')} injured={value.get('injured')}  "
            f"conf={value.get('confidence')}"
        )
    if "dead_letter_id" in value:
        return f"[{value.get('stage')}] {value.get('reason')}: {value.get('error')}"
    title = value.get("title") or ""
    return f"{title[:100]}  <{value.get('url', '')}>"


def register(cli: click.Group) -> None:
    @cli.group("topics")
    def topics_group() -> None:
        """Create and list wirewatch's Kafka topics."""

    @topics_group.command("create")
    @click.option("--partitions", type=int, default=None, help="Override kafka.partitions.")
    @click.option("--replication-factor", type=int, default=None)
    @click.pass_obj
    def create(app: Any, partitions: int | None, replication_factor: int | None) -> None:
        """Create all topics (idempotent): compacted where the key is an identity."""
        from wirewatch.kafka_admin import create_topics

        cfg = require_kafka(app)
        if partitions is not None:
            cfg = cfg.model_copy(update={"partitions": partitions})
        if replication_factor is not None:
            cfg = cfg.model_copy(update={"replication_factor": replication_factor})
        result = create_topics(cfg)
        for name, state in result.items():
            click.echo(f"{state:8} {name}")
        if any(s == "failed" for s in result.values()):
            raise SystemExit(1)

    @topics_group.command("list")
    @click.pass_obj
    def list_(app: Any) -> None:
        """Print the topic names this config uses."""
        for name in Topics(app.settings.kafka.topic_prefix).all():
            click.echo(name)

    @cli.command("tail")
    @click.argument("topic")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
    @click.option("-b", "--from-beginning", is_flag=True, help="Start at the earliest offset.")
    @click.option("-n", "--max", "max_records", type=int, default=None, help="Stop after N.")
    @click.option("--timeout", type=float, default=None, help="Stop after S idle seconds.")
    @click.option("--group", default=None, help="Consumer group (default: none, no commits).")
    @click.pass_obj
    def tail_cmd(
        app: Any,
        topic: str,
        as_json: bool,
        from_beginning: bool,
        max_records: int | None,
        timeout: float | None,
        group: str | None,
    ) -> None:
        """Print records of TOPIC (a full name, or a kind such as 'incidents')."""
        from wirewatch.kafka_admin import tail

        cfg = require_kafka(app)
        if topic in TOPIC_KINDS:
            topic = Topics(cfg.topic_prefix).name(topic)
        for rec in tail(
            cfg,
            topic,
            from_beginning=from_beginning,
            max_records=max_records,
            idle_timeout=timeout,
            group_id=group,
        ):
            if as_json:
                click.echo(rec.to_json())
            else:
                ce = rec.headers.get("ce_type", "-")
                click.echo(f"{rec.topic}[{rec.partition}]@{rec.offset} key={rec.key} {ce}")
                click.echo(f"    {_summary(rec.value)}")

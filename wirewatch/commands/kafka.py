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


def _known(value: Any) -> str:
    """A figure as printed: ``?`` when the record does not know it (None or missing)."""
    return "?" if value is None else str(value)


def _summary(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)[:200]
    if "sub_event_type" in value:
        loc = value.get("location") or {}
        when = value.get("date") or "?"
        more = f"conf={_known(value.get('confidence'))}"
        if "event_id" in value:  # an event: the days it spans (it has no single date), its version
            first, last = value.get("first_date"), value.get("last_date")
            when = (first or "?") if last in (None, first) else f"{first or '?'}..{last}"
            reports = len(value.get("incident_ids") or ())
            more = f"v{_known(value.get('version'))} reports={reports} {more}"
        return (
            f"{when}  {value.get('sub_event_type')}  "
            f"@ {loc.get('name', '?')} ({loc.get('country_iso3') or '?'})  "
            f"killed={_known(value.get('fatalities'))} injured={_known(value.get('injured'))}  "
            f"{more}"
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
    @click.option(
        "--apply",
        is_flag=True,
        help="Alter existing topics whose configs differ from the plan (only the planned keys).",
    )
    @click.pass_obj
    def create(
        app: Any, partitions: int | None, replication_factor: int | None, apply: bool
    ) -> None:
        """Create all topics (idempotent) with the cleanup policy and retention of the topology
        table; report existing topics whose configs differ (drift), alter them with --apply.
        Exit status 1 when a topic failed or drift is left."""
        from wirewatch.kafka_admin import ensure_topics

        cfg = require_kafka(app)
        if partitions is not None:
            cfg = cfg.model_copy(update={"partitions": partitions})
        if replication_factor is not None:
            cfg = cfg.model_copy(update={"replication_factor": replication_factor})
        states = ensure_topics(cfg, apply=apply)
        for st in states:
            line = f"{st.state:8} {st.name}"
            if st.drift:
                line += ": " + "; ".join(
                    f"{key} {actual if actual is not None else '(unset)'} -> {wanted}"
                    for key, (actual, wanted) in st.drift.items()
                )
            if st.error:
                line += f" ({st.error})"
            click.echo(line)
        drifted = [st.name for st in states if st.state == "drift"]
        if drifted:
            click.echo(
                f"{len(drifted)} existing topic(s) differ from the plan; "
                "`wirewatch topics create --apply` alters them",
                err=True,
            )
        if drifted or any(st.state == "failed" for st in states):
            raise SystemExit(1)

    @topics_group.command("plan")
    @click.pass_obj
    def plan(app: Any) -> None:
        """Print each topic with the configs `topics create` gives it (no broker needed)."""
        from wirewatch.kafka_admin import plan_topics

        for p in plan_topics(app.settings.kafka):
            configs = " ".join(f"{k}={v}" for k, v in p.configs.items())
            click.echo(f"{p.name}  partitions={p.partitions} rf={p.replication_factor} {configs}")

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
        from wirewatch.commands.feedstatus import feed_health, state_line
        from wirewatch.kafka_admin import tail

        cfg = require_kafka(app)
        if topic in TOPIC_KINDS:
            topic = Topics(cfg.topic_prefix).name(topic)
        feedstate = topic == Topics(cfg.topic_prefix).feedstate
        stale = app.settings.poll.stale_factor
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
            elif feedstate:  # a table of feeds: one line per feed
                if rec.value in (None, ""):  # a tombstone: the feed was removed
                    click.echo(f"{rec.key}  removed")
                else:
                    health = feed_health(rec.key or "?", rec.value, stale_factor=stale)
                    click.echo(state_line(health))
            else:
                ce = rec.headers.get("ce_type", "-")
                click.echo(f"{rec.topic}[{rec.partition}]@{rec.offset} key={rec.key} {ce}")
                click.echo(f"    {_summary(rec.value)}")

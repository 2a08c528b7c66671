"""``wirewatch run`` (all stages in one process), ``wirewatch worker STAGE`` (one stage on a
Kafka consumer group) and ``wirewatch feeds ...`` (the distributed feed list)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from wirewatch.commands.options import feed_list_option, out_and_state_options
from wirewatch.errors import SinkError, WirewatchError
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY


class _Duration(click.ParamType):
    """A poll interval as a feed list's ``interval`` takes it (the same parser)."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ingest.feeds import parse_duration

        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if seconds <= 0:
            self.fail("must be more than 0", param, ctx)
        return seconds


def _feeds_from(path: str) -> list[Any]:
    from ingest import import_opml, load_feed_list

    p = Path(path)
    if p.suffix.lower() in (".opml", ".xml"):
        return import_opml(p)
    return load_feed_list(p)


def _check_writable_dir(path: Path, option: str) -> None:
    """A clear error before anything runs, not a failed write per record."""
    from wirewatch.errors import ConfigError

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {option} directory {path}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{option} directory {path} is not writable: fix its permissions or pass another "
            f"{option}"
        )


def register(cli: click.Group) -> None:
    @cli.command("run")
    @feed_list_option("Feed list (YAML `feeds:` or OPML).")
    @click.option(
        "--demo",
        is_flag=True,
        help="Instead of --feeds: a bundled demo wire served on 127.0.0.1 (offline try-out).",
    )
    @click.option("--once", is_flag=True, help="One pass over the feeds, then exit.")
    @out_and_state_options(state_help="SQLite state file (default storage.state_path).")
    @click.option("--timeout", type=float, default=None, help="Stop after S seconds.")
    @click.pass_obj
    def run(
        app: Any,
        feeds_path: str | None,
        demo: bool,
        once: bool,
        out_dir: str | None,
        state_path: str | None,
        timeout: float | None,
    ) -> None:
        """Run poll -> fetch -> process -> sink in one process.

        Without kafka.bootstrap_servers this is the embedded mode: one JSONL file per topic in
        --out and feed state in SQLite. SIGINT/SIGTERM (and --timeout) take no new work, let
        what is in flight finish for up to run.shutdown_grace seconds, hand the rest back to the
        next run (nothing of it committed), and exit 0. Exit 2: a problem with --out, --state or
        the config; exit 1: a write failed during --once (nothing committed for it: run again).
        """
        from sinks import build
        from wirewatch.commands.runreport import (
            STATE_FILE,
            RunOutput,
            progress_text,
            summary_lines,
        )
        from wirewatch.logs import ProgressLine, is_terminal, setup_logging_from_settings
        from wirewatch.ops import limit_malloc_arenas
        from wirewatch.runners.embedded import EmbeddedRunner, SqliteTable

        if bool(feeds_path) == demo:
            raise click.UsageError("give either --feeds FILE or --demo")
        if not once:
            limit_malloc_arenas()  # long-running: steadier RSS; before any thread (ops.py)
        settings = app.settings
        handler = setup_logging_from_settings(settings)
        # a person at a terminal gets a progress line and a summary; a script, the JSON end
        progress = ProgressLine(sys.stderr).attach(handler) if is_terminal(sys.stderr) else None

        def say(text: str) -> None:
            if progress is not None:
                progress.erase()
            click.echo(text, err=True)
            if progress is not None:
                progress.redraw()

        site = None
        client = None
        if demo:
            from ingest import FeedSpec
            from wirewatch.demo import DEMO_HOST, DemoSite

            site = DemoSite().__enter__()
            settings.http.allowed_hosts = [*settings.http.allowed_hosts, DEMO_HOST, "127.0.0.1"]
            settings.http.per_host_delay = 0.0
            client = site.client(settings.http)
            feeds = [FeedSpec(url=site.feed_url, name="wirewatch demo wire")]
        else:
            assert feeds_path is not None
            feeds = _feeds_from(feeds_path)
        if out_dir:
            settings.storage.out_dir = out_dir
        if settings.embedded:
            _check_writable_dir(Path(settings.storage.out_dir), "--out")
        sink, _health = build(settings, source="wirewatch/run", out_dir=out_dir)
        sink.setup()
        state_file = Path(
            state_path
            or (
                Path(settings.storage.out_dir) / STATE_FILE
                if out_dir
                else settings.storage.state_path
            )
        )
        try:
            state = SqliteTable(state_file)
        except BaseException:
            sink.close()
            raise
        if client is None:
            pipeline = EmbeddedRunner(settings, feeds, sink, state=state)
        else:  # the demo's own client: its host is routed to the loopback server
            pipeline = EmbeddedRunner(settings, feeds, sink, state=state, client=client)

        def say_stopping(in_flight: int, grace: float) -> None:
            say(
                f"stopping: no new work; {in_flight} poll group(s) in flight get up to {grace:g} s"
                " (run.shutdown_grace), the rest is handed back to the next run"
            )

        pipeline.on_stopping = say_stopping

        ops = None
        if settings.metrics.enabled and not once:
            from wirewatch.ops import OpsServer

            ops = OpsServer.from_settings(settings.metrics).start()
            ops.add_ready_check("sink", _health)

        async def heartbeat() -> None:
            while ops is not None:
                ops.heartbeat()
                await asyncio.sleep(5)

        async def show_progress() -> None:
            while progress is not None:
                progress.update(progress_text(pipeline.stats, len(feeds), once=once))
                await asyncio.sleep(0.5)

        async def main() -> Any:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, pipeline.request_stop)
            beat = asyncio.create_task(heartbeat())
            shown = asyncio.create_task(show_progress())
            try:
                return await pipeline.run(once=once, timeout=timeout)
            finally:
                beat.cancel()
                shown.cancel()
                if client is not None:  # the runner closes only a client it made itself
                    await client.aclose()

        try:
            stats = asyncio.run(main())
        finally:
            try:
                sink.close()
            except WirewatchError as exc:
                # every committed poll group was flushed before its commit: what is left
                # belongs to groups not committed, which the next run polls again
                say(f"note: {exc} (not committed: the next run polls those feeds again)")
            state.close()
            if ops is not None:
                ops.stop()
            if site is not None:
                site.__exit__(None, None, None)
            if progress is not None:
                progress.close()
        if progress is not None:
            output = RunOutput(
                settings.storage.out_dir if settings.embedded else None,
                state_file,
                Topics(settings.kafka.topic_prefix),
            )
            for line in summary_lines(stats, len(feeds), output, stopped=pipeline.stopped):
                click.echo(line, err=True)
        else:
            click.echo(json.dumps({"feeds": len(feeds), **stats.as_dict()}), err=True)
            if settings.embedded:
                click.echo(f"output: {Path(settings.storage.out_dir).resolve()}", err=True)
        failed = pipeline.first_write_error
        if once and failed is not None:
            raise SinkError(
                f"{stats.write_failures} poll group(s) could not be written "
                f"({type(failed).__name__}: {failed}); nothing of them was committed: "
                "fix the output (free space, permissions, broker) and run again",
                reason="sink.write_failed",
            )

    @cli.command("worker")
    @click.argument("stage", type=click.Choice(TOPOLOGY.stage_names()))
    @click.option("--max-records", type=int, default=None, help="Stop after N input records.")
    @click.option("--timeout", type=float, default=None, help="Stop after S seconds.")
    @click.pass_obj
    def worker(app: Any, stage: str, max_records: int | None, timeout: float | None) -> None:
        """Run one stage as a member of its Kafka consumer group (exactly-once hops)."""
        from wirewatch.logs import setup_logging_from_settings
        from wirewatch.runners.kafka import run_worker

        settings = app.settings
        setup_logging_from_settings(settings)
        if settings.embedded:
            raise click.UsageError(
                "workers need Kafka: set kafka.bootstrap_servers "
                "(WIREWATCH_KAFKA__BOOTSTRAP_SERVERS); `wirewatch run` works without it"
            )
        run_worker(settings, stage, max_records=max_records, timeout=timeout)

    @cli.command("topology")
    @click.pass_obj
    def topology(app: Any) -> None:
        """Print the stages and topics (the one table in wirewatch/topology.py)."""
        click.echo(TOPOLOGY.describe(app.settings.kafka.topic_prefix))

    existing = cli.commands.get("feeds")  # shared with the ingest family (validate, OPML)
    if isinstance(existing, click.Group):
        feeds_group = existing
        feeds_group.help = "Feed lists: validate, import OPML, and the feeds topic (add/remove)."
    else:

        @cli.group("feeds")
        def feeds_group() -> None:
            """Manage the feed list in the compacted feeds topic (distributed mode)."""

    @feeds_group.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--sync", is_flag=True, help="Also remove feeds not in the file.")
    @click.pass_obj
    def feeds_import(app: Any, path: str, sync: bool) -> None:
        """Write every feed of a YAML or OPML list to the feeds topic."""
        from wirewatch.commands.kafka import require_kafka
        from wirewatch.kafka_admin import FeedRegistry

        reg = FeedRegistry(require_kafka(app))
        added, removed = reg.sync(_feeds_from(path), remove_missing=sync)
        click.echo(f"feeds written: {added}, removed: {removed}")

    @feeds_group.command("add")
    @click.argument("url")
    @click.option("--name", default=None)
    @click.option(
        "--interval",
        type=_Duration(),
        default=None,
        help="Poll interval: seconds or a duration like 90s, 15m, 2h, as in a feed list "
        "(default: adapts to the feed).",
    )
    @click.pass_obj
    def feeds_add(app: Any, url: str, name: str | None, interval: float | None) -> None:
        """Add (or update) one feed."""
        from ingest import FeedSpec
        from wirewatch.commands.ingest import feed_url
        from wirewatch.commands.kafka import require_kafka
        from wirewatch.kafka_admin import FeedRegistry

        spec = FeedSpec(url=feed_url(url), name=name, interval=interval)
        FeedRegistry(require_kafka(app)).put([spec])
        click.echo(f"added {spec.feed_id} {spec.url}")

    @feeds_group.command("remove")
    @click.argument("feed_id_or_url")
    @click.pass_obj
    def feeds_remove(app: Any, feed_id_or_url: str) -> None:
        """Remove one feed (a tombstone in the compacted topic)."""
        from wirewatch.commands.kafka import require_kafka
        from wirewatch.kafka_admin import FeedRegistry

        reg = FeedRegistry(require_kafka(app))
        fid = reg.remove(feed_id_or_url)
        click.echo(f"removed {fid}")

    @feeds_group.command("status")
    @out_and_state_options(
        out_help="The --out of a `wirewatch run`: read its state file (embedded mode).",
        state_help="A `wirewatch run` state file (default: --out's, else storage.state_path).",
    )
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per feed.")
    @click.pass_obj
    def feeds_status(app: Any, out_dir: str | None, state_path: str | None, as_json: bool) -> None:
        """Per feed: last poll, result, error class, next due, entries seen, stale.

        With Kafka configured (and neither --out nor --state): the feeds and feedstate topics.
        Otherwise the state file of `wirewatch run` (read-only: the run may be going on)."""
        from wirewatch.commands import feedstatus

        settings = app.settings
        specs: dict[str, Any] = {}
        if out_dir or state_path or settings.embedded:
            path = Path(
                state_path
                or (
                    Path(out_dir) / "wirewatch-state.db" if out_dir else settings.storage.state_path
                )
            )
            states = feedstatus.read_sqlite_states(path)
            source = f"{path}: `wirewatch run` has not polled yet"
        else:
            specs, states = feedstatus.read_kafka_feeds(settings.kafka)
            source = "the feeds topic: add some with `wirewatch feeds import FILE`"
        rows = feedstatus.healths(specs, states, stale_factor=settings.poll.stale_factor)
        if as_json:
            for h in rows:
                click.echo(json.dumps(h.as_dict(), ensure_ascii=False))
            return
        if not rows:
            click.echo(f"no feeds in {source}", err=True)
            return
        for line in feedstatus.render(rows):
            click.echo(line)
        click.echo(feedstatus.summary(rows), err=True)

    @feeds_group.command("list")
    @click.pass_obj
    def feeds_list(app: Any) -> None:
        """Print the current feed list (read from the topic)."""
        from wirewatch.commands.kafka import require_kafka
        from wirewatch.kafka_admin import FeedRegistry

        for spec in FeedRegistry(require_kafka(app)).load().values():
            sys.stdout.write(f"{spec.feed_id}  {spec.url}  {spec.name or ''}\n")

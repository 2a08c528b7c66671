"""``wirewatch backfill``: a time window of history from sitemaps and feed archives."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wirewatch.commands.options import feed_list_option, out_and_state_options
from wirewatch.errors import WirewatchError

if TYPE_CHECKING:
    from wirewatch.config import Settings
    from wirewatch.ops import OpsServer

log = logging.getLogger("wirewatch.backfill")

#: seconds between two plain progress log lines (a terminal's line is redrawn at most 4x/s)
_LOG_EVERY = 10.0
_DRAW_EVERY = 0.25


class ProgressLine:
    """Items found, fetched, incidents and ETA: one redrawn line on a terminal, plain log lines
    (every few seconds and at each phase's end) otherwise."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self._last = 0.0
        self._drawn = False

    def __call__(self, phase: str, counts: Any, per_item: float | None) -> None:
        now = time.monotonic()
        final = phase in ("listed", "done", "stopped")
        if not final and now - self._last < (_DRAW_EVERY if self.tty else _LOG_EVERY):
            return
        self._last = now
        left = max(counts.found - counts.done, 0)
        eta = "-"
        if per_item is not None and phase == "fetching":
            eta = str(timedelta(seconds=round(left * per_item)))
        line = (
            f"backfill {phase}: found {counts.found}, fetched {counts.done}/{counts.found}, "
            f"incidents {counts.incidents}, ETA {eta}"
        )
        if self.tty:
            click.echo("\r\x1b[2K" + line, nl=final, err=True)
            self._drawn = not final
        else:
            log.info(
                line,
                extra={"phase": phase, "found": counts.found, "fetched": counts.done},
            )


def _metrics_server(settings: Settings, port: int | None) -> OpsServer | None:
    """The workers' endpoints (:class:`wirewatch.ops.OpsServer`), started, when asked for: a
    port on the command line, or ``backfill.metrics_port``. Never ``metrics.port``, the
    workers' own port: a one-off command does not take it, or fail because a worker holds it."""
    from wirewatch.ops import OpsServer

    host = settings.metrics.host
    if port is not None:
        return OpsServer(host, port, port_setting="--metrics-port").start()
    if settings.backfill.metrics_port is not None:
        setting = "backfill.metrics_port (WIREWATCH_BACKFILL__METRICS_PORT)"
        return OpsServer(host, settings.backfill.metrics_port, port_setting=setting).start()
    return None


def register(cli: click.Group) -> None:
    @cli.command("backfill")
    @click.option(
        "--since",
        required=True,
        help="Start of the window: a duration before now (7d, 36h, 90m, 2w) or a date "
        "(2024-03-01, 2024-03-01T12:00:00Z).",
    )
    @click.option("--until", default=None, help="End of the window (same forms; default now).")
    @feed_list_option(
        "Feed list (YAML or OPML): every feed, sitemap or robots.txt in it is a source."
    )
    @click.option(
        "--source",
        "source_urls",
        multiple=True,
        metavar="URL",
        help="A feed, sitemap, sitemap index or robots.txt URL. Repeatable.",
    )
    @out_and_state_options(state_help="Progress file (SQLite; default backfill-state.db in --out).")
    @click.option(
        "--rate",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help="Articles per second (default backfill.rate, or backfill.kafka_rate with Kafka).",
    )
    @click.option(
        "--dry-run",
        is_flag=True,
        help="List the items in the window into the progress file and stop; a run without "
        "it fetches them.",
    )
    @click.option(
        "--fresh",
        is_flag=True,
        help="Start over with this window instead of resuming an unfinished backfill of the "
        "same sources (items already done are still not fetched again).",
    )
    @click.option(
        "--metrics-port",
        type=click.IntRange(0, 65535),
        default=None,
        help="Serve /metrics, /healthz and /readyz on this port while the backfill runs, like "
        "a worker (0: any free port, logged). Without it they are served only when "
        "backfill.metrics_port is set (WIREWATCH_BACKFILL__METRICS_PORT); never on the "
        "workers' metrics.port.",
    )
    @click.pass_obj
    def backfill(
        app: Any,
        since: str,
        until: str | None,
        feeds_path: str | None,
        source_urls: tuple[str, ...],
        out_dir: str | None,
        state_path: str | None,
        rate: float | None,
        dry_run: bool,
        fresh: bool,
        metrics_port: int | None,
    ) -> None:
        """Fetch the items of a time window from each source's sitemaps and feed archives and
        push them through the same stages as polled entries, with their own publication dates.

        Sources are sitemaps (news:publication_date, else lastmod), sitemap indexes, robots.txt
        (its Sitemap: lines) and feeds (their RFC 5005 prev-archive pages, or a paged feed's
        next pages). Progress is kept in the --state file: after a crash or a stop the same
        command resumes the unfinished backfill (its original window) without fetching again
        what was done (--fresh starts over with the new window instead). The backfill keeps to
        its own rate (--rate) so the live path is not crowded out; with Kafka it publishes the
        entries to the entries topic for the fetch workers. Exit 2: bad options or config;
        exit 1: a write failed (run again to resume); exit 0 otherwise (problems are noted).

        Metrics (with --metrics-port, or backfill.metrics_port set):
        wirewatch_backfill_pages_total{kind}, wirewatch_backfill_listing_failures_total{reason},
        wirewatch_backfill_entries_written_total and wirewatch_backfill_items{state=found|done},
        besides the stages' own series."""
        from ingest import FeedSpec
        from ingest.backfill import BackfillProgress, BackfillRun, Window, parse_when
        from sinks import build
        from wirewatch.commands.ingest import feed_url
        from wirewatch.commands.run import _check_writable_dir, _feeds_from
        from wirewatch.logs import setup_logging_from_settings

        if bool(feeds_path) == bool(source_urls):
            raise click.UsageError("give either --feeds FILE or one or more --source URL")
        now = datetime.now(UTC)
        try:
            start = parse_when(since, now)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from None
        try:
            end = parse_when(until, now) if until else now
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--until") from None
        if start >= end:
            raise click.BadParameter(
                f"the window is empty: {start.isoformat()} is not before {end.isoformat()}",
                param_hint="--since/--until",
            )
        settings = app.settings
        setup_logging_from_settings(settings)
        if feeds_path:
            feeds = _feeds_from(feeds_path)
        else:
            feeds = [FeedSpec(url=feed_url(u, "--source")) for u in source_urls]
        if out_dir:
            settings.storage.out_dir = out_dir
        out = Path(settings.storage.out_dir)
        _check_writable_dir(out, "--out")
        progress = BackfillProgress(state_path or out / "backfill-state.db")
        sink = None
        ops = None
        try:
            ops = _metrics_server(settings, metrics_port)
            if not dry_run:
                sink, _health = build(settings, source="wirewatch/backfill", out_dir=out_dir)
                sink.setup()
                if ops is not None:
                    ops.add_ready_check("sink", _health)
            job = BackfillRun(
                settings,
                feeds,
                Window(start, end),
                progress,
                sink,
                rate=rate,
                stages=settings.embedded,
                report=ProgressLine(sys.stderr.isatty()),
            )
            job.stop_after_listing = dry_run
            job.fresh = fresh

            async def heartbeat() -> None:
                while ops is not None:
                    ops.heartbeat()
                    await asyncio.sleep(5)

            async def main() -> Any:
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.add_signal_handler(sig, job.stop.set)
                beat = asyncio.create_task(heartbeat())
                try:
                    return await job.run()
                finally:
                    beat.cancel()

            try:
                counts = asyncio.run(main())
            except (sqlite3.Error, OSError) as exc:  # a full disk, a file gone read-only
                raise WirewatchError(
                    f"the backfill stopped: {type(exc).__name__}: {exc}; what was done is kept "
                    f"in {progress.path}: fix the cause and run the same command to resume",
                    reason="backfill.io_failed",
                ) from exc
        finally:
            if sink is not None:
                sink.close()
            progress.close()
            if ops is not None:
                ops.stop()
        w = job.window
        if job.resumed:
            click.echo(
                f"resumed the unfinished backfill of {w.since.isoformat()} .. "
                f"{w.until.isoformat()}",
                err=True,
            )
        for problem in counts.problems:
            click.echo(f"note: {problem}", err=True)
        summary = {"since": w.since.isoformat(), "until": w.until.isoformat()}
        click.echo(
            json.dumps({**summary, **counts.as_dict(), "problems": len(counts.problems)}), err=True
        )
        if job.stop.is_set() or counts.done < counts.found:
            click.echo(
                f"stopped with {counts.found - counts.done} item(s) to do: run the same "
                "command again to finish",
                err=True,
            )
        if settings.embedded and not dry_run:
            click.echo(f"output: {out.resolve()}", err=True)

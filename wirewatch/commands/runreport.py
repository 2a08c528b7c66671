"""What ``wirewatch run`` tells a person at a terminal: the progress line while it runs and the
summary at the end (what was done, where the output is, how to look at it).

Without a terminal ``run`` keeps its machine-readable end (one JSON object of counts, then the
output directory), which scripts read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirewatch.topics import Topics

__all__ = ["STATE_FILE", "RunOutput", "progress_text", "summary_lines"]

#: the state file of ``wirewatch run --out DIR`` inside DIR
STATE_FILE = "wirewatch-state.db"

#: the JSONL files of the embedded mode worth naming, most useful first, with what they hold
_FILES = (
    ("incidents", "one incident per report"),
    ("events", "one row per real event (reports merged)"),
    ("articles", "the fetched articles' text"),
    ("entries", "the feed items"),
    ("deadletter", "what failed, with a reason"),
)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def progress_text(stats: Any, feeds: int, *, once: bool) -> str:
    """``polled 3/5 feeds · 12 articles · 4 incidents · 0 dead letters`` (``once``), or with
    ``N polls`` when polling goes on."""
    polled = f"polled {stats.polls}/{feeds} feeds" if once else _n(stats.polls, "poll")
    parts = [
        polled,
        _n(stats.entries, "new entry", "new entries"),
        _n(stats.articles, "article"),
        _n(stats.incidents, "incident"),
        _n(stats.dead_letters, "dead letter"),
    ]
    if stats.poll_errors:
        parts.append(_n(stats.poll_errors, "failed poll"))
    if stats.write_failures:
        parts.append(_n(stats.write_failures, "failed write"))
    if stats.shared_unwritten:
        parts.append(_n(stats.shared_unwritten, "poll group") + " to re-poll")
    return " · ".join(parts)


@dataclass(frozen=True)
class RunOutput:
    """Where a run put its records: the ``--out`` directory as the user gave it (commands to
    copy stay short) or None on Kafka, the state file, and the topic names."""

    out_dir: str | None
    state_file: Path
    topics: Topics


def _quote(path: str) -> str:
    import shlex

    return shlex.quote(path)


def summary_lines(stats: Any, feeds: int, output: RunOutput, *, stopped: bool) -> list[str]:
    """The end of a run for a person: counts, the output files, and commands to look at them."""
    how = "stopped" if stopped else "done"
    lines = [
        f"{how}: {_n(feeds, 'feed')}, {_n(stats.polls, 'poll')}"
        + (f" ({stats.poll_errors} failed)" if stats.poll_errors else "")
        + f", {_n(stats.entries, 'new entry', 'new entries')}, {_n(stats.articles, 'article')}, "
        f"{_n(stats.incidents, 'incident')}, {_n(stats.dead_letters, 'dead letter')}"
    ]
    if stats.reasons:
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(stats.reasons.items()))
        lines.append(f"dead letters by reason: {reasons}")
    if stats.write_failures:
        lines.append(
            f"{_n(stats.write_failures, 'poll group')} could not be written: "
            "the next run polls those feeds again"
        )
    if stats.shared_unwritten:
        # a group that skipped an entry another group held, whose write then failed: the
        # group's seen marks are not committed, so its feeds are polled again
        lines.append(
            f"{_n(stats.shared_unwritten, 'poll group')} polled again: an article it shared "
            "with another poll group was not written"
        )
    if stats.handed_back:
        lines.append(f"{_n(stats.handed_back, 'poll group')} handed back to the next run")
    state = _quote(str(output.state_file))
    if output.out_dir is None:
        t = output.topics
        lines.append(
            f"published to Kafka: {t.incidents}, {t.name('events')}, {t.articles}, {t.entries}, "
            f"{t.deadletter}"
        )
        return lines + _look(
            [
                ("wirewatch tail incidents -b", "the incidents, one per report"),
                ("wirewatch ui --kafka", "map, timeline and table in the browser"),
                (f"wirewatch feeds status --state {state}", "per-feed health"),
            ]
        )
    out = output.out_dir
    if output.state_file == Path(out) / STATE_FILE:
        state_option = f"--out {_quote(out)}"
    else:
        state_option = f"--state {state}"
    lines.append(f"output in {Path(out).resolve()}:")
    files = [(output.topics.name(kind), what) for kind, what in _FILES]
    width = max(len(name) for name, _ in files) + len(".jsonl")
    for name, what in files:
        path = Path(out) / f"{name}.jsonl"
        if path.exists():
            lines.append(f"  {path.name:<{width}}  {what}")
    lines.append(f"  {output.state_file.name:<{width}}  feed state")
    commands = [
        (f"wirewatch ui --from {_quote(out)}", "map, timeline and table in the browser"),
        (f"wirewatch feeds status {state_option}", "per-feed health"),
    ]
    incidents = Path(out) / f"{output.topics.incidents}.jsonl"
    if incidents.exists():
        commands.append((f"head -n 3 {_quote(str(incidents))}", "the raw records (JSON lines)"))
    return lines + _look(commands)


def _look(commands: list[tuple[str, str]]) -> list[str]:
    width = max(len(c) for c, _ in commands)
    return ["look at it:", *(f"  {c:<{width}}   {what}" for c, what in commands)]

"""Click options that several commands take alike: one definition each, so that their names,
types and defaults cannot drift apart from one command to the next (only the help differs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: the help of ``--out`` where it names the JSONL output of the embedded mode
OUT_DIR_HELP = "JSONL output directory (embedded mode; default storage.out_dir)."


def out_dir_option(help: str = OUT_DIR_HELP) -> Callable[[F], F]:
    """``--out DIR`` into the parameter ``out_dir`` (None when not given)."""
    return click.option(
        "--out", "out_dir", type=click.Path(file_okay=False), default=None, help=help
    )


def state_path_option(help: str) -> Callable[[F], F]:
    """``--state FILE`` into the parameter ``state_path`` (None when not given)."""
    return click.option(
        "--state", "state_path", type=click.Path(dir_okay=False), default=None, help=help
    )


def feed_list_option(help: str) -> Callable[[F], F]:
    """``--feeds FILE`` (a feed list that exists: YAML or OPML) into ``feeds_path``."""
    return click.option(
        "--feeds",
        "feeds_path",
        default=None,
        type=click.Path(exists=True, dir_okay=False),
        help=help,
    )


def out_and_state_options(*, state_help: str, out_help: str = OUT_DIR_HELP) -> Callable[[F], F]:
    """``--out`` then ``--state`` (in that order in ``--help``): the output directory and state
    file of a command that writes or reads what ``wirewatch run`` keeps."""

    def apply(f: F) -> F:
        return out_dir_option(out_help)(state_path_option(state_help)(f))

    return apply

"""``wirewatch gazetteer build|find``: prepare the offline place index, and try it on text."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    @cli.group("gazetteer")
    def gazetteer_group() -> None:
        """Offline GeoNames gazetteer used by the incident extractor."""

    @gazetteer_group.command("build")
    @click.option(
        "--dir", "directory", type=click.Path(file_okay=False), default=None,
        help="Cache directory (default: $WIREWATCH_CACHE_DIR or ~/.cache/wirewatch).",
    )  # fmt: skip
    def build(directory: str | None) -> None:
        """Build the prepared index now (install time) instead of on first use."""
        from processors import build_gazetteer

        t0 = time.perf_counter()
        target = build_gazetteer.index_path(Path(directory) if directory else None)
        data = build_gazetteer.build_index()
        build_gazetteer.write_index(data, target)
        meta = data["meta"]
        click.echo(
            f"{target}: {meta['places']} places, {meta['keys']} names, "
            f"{time.perf_counter() - t0:.1f} s"
        )

    @gazetteer_group.command("find")
    @click.argument("text")
    def find(text: str) -> None:
        """Print the places found in TEXT, resolved with the text's own country context."""
        from processors.gazetteer import Gazetteer

        gaz = Gazetteer.default()
        mentions = gaz.find(text)
        ctx = gaz.context_countries(mentions)
        for m in mentions:
            place = gaz.resolve(m, ctx)
            loc = place.to_location().model_dump() if place else None
            click.echo(json.dumps({"surface": m.surface, "start": m.start, "location": loc}))

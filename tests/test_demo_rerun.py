"""`wirewatch run --once --demo --out DIR` run twice into one DIR: the second run adds nothing.

The demo server listens on a random loopback port; ids are derived from URLs, so while the port
was part of them every run wrote every record again under new ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.pipeline_support import REPO
from wirewatch.topics import Topics

# the id field of each JSONL file a demo run writes
ID_FIELDS = {
    "entries": "url_key",
    "articles": "article_id",
    "incidents": "incident_id",
    "events": "event_id",
}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({"PYTHONPATH": str(REPO), "WIREWATCH_METRICS__ENABLED": "false"})
    return env


def _demo_run(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", "run", "--once", "--demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
        env=_env(),
    )


def _ids(out: Path) -> dict[str, list[str]]:
    topics = Topics()
    ids: dict[str, list[str]] = {}
    for kind, field in ID_FIELDS.items():
        path = out / f"{topics.name(kind)}.jsonl"
        rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        ids[kind] = [str(r[field]) for r in rows]
    return ids


def test_two_demo_runs_into_one_out_dir_write_no_duplicate_ids(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _demo_run(out)
    assert first.returncode == 0, first.stderr[-3000:]
    after_first = _ids(out)
    assert len(after_first["articles"]) == 6 and after_first["incidents"]
    second = _demo_run(out)
    assert second.returncode == 0, second.stderr[-3000:]
    after_second = _ids(out)
    for kind, ids in after_second.items():
        repeated = [i for i, n in Counter(ids).items() if n > 1]
        assert not repeated, f"{kind}: ids written twice: {repeated}"
    # the same articles under new ids are duplicates too: the second run must add nothing
    added = {k: len(v) - len(after_first[k]) for k, v in after_second.items()}
    assert after_second == after_first, f"the second run wrote records again: {added}"


def test_demo_urls_name_the_demo_host_not_the_loopback_port(tmp_path: Path) -> None:
    from wirewatch.demo import DEMO_HOST, DemoSite

    with DemoSite() as site:
        assert site.feed_url == f"http://{DEMO_HOST}/feed.xml"
        assert str(site.port) not in site._feed().decode()

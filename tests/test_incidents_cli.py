"""``wirewatch incidents``: JSONL in, one JSON line per document out, in order; bad lines give
error records and the batch goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from wirewatch.cli import cli

DOCS = [
    {
        "id": "d1",
        "text": "Gunmen killed five villagers in Zamfara on Monday.",
        "published_at": "2024-03-14",
    },
    {"id": "d2", "text": "The minister met the ambassador to discuss trade."},
    {
        "id": 3,
        "text": "An airstrike hit a market in Idlib on Tuesday, killing 12 civilians.",
        "published_at": "2024-03-14T08:00:00Z",
        "title": "Airstrike in Idlib",
        "url": "https://x.invalid/a",
        "language": "en",
    },
]


def _run(stdin: str, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["incidents", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_one_line_per_document_in_input_order() -> None:
    out = _run("".join(json.dumps(d) + "\n" for d in DOCS), "-")
    assert [o["id"] for o in out] == ["d1", "d2", 3]
    assert out[0]["incidents"][0]["sub_event_type"] == "Attack"
    assert out[0]["incidents"][0]["fatalities"] == 5
    assert out[1]["incidents"] == []
    assert out[2]["incidents"][0]["sub_event_type"] == "Air/drone strike"
    assert out[2]["incidents"][0]["article_id"] == "3"


def test_bad_lines_give_errors_and_the_batch_goes_on() -> None:
    lines = [
        json.dumps(DOCS[0]),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "no-text"}),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "bad-date", "text": "x", "published_at": "yesterday-ish"}),
        "",
        json.dumps(DOCS[2]),
    ]
    out = _run("\n".join(lines) + "\n")
    assert [o.get("id") for o in out] == ["d1", None, None, "no-text", None, "bad-date", 3]
    assert "incidents" in out[0] and "incidents" in out[-1]
    for o in out[1:-1]:
        assert set(o) == {"id", "error"}
        assert o["error"]


def test_reads_a_file(tmp_path: Path) -> None:
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    out = _run("", str(src))
    assert [o["id"] for o in out] == ["d1", "d2", 3]


def test_output_is_flushed_per_line() -> None:
    """The first result arrives before the input is closed (incremental output)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wirewatch", "incidents", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(DOCS[0]) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())
        assert first["id"] == "d1"
        proc.stdin.write(json.dumps(DOCS[1]) + "\n")
        proc.stdin.close()
        second = json.loads(proc.stdout.readline())
        assert second["id"] == "d2"
    finally:
        proc.stdin.close() if not proc.stdin.closed else None
        assert proc.wait(timeout=60) == 0

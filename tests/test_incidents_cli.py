"""``wirewatch incidents``: JSONL in, one JSON line per document out, in order; bad lines give
error records and the batch goes on. Documents go through the extractor and language policy of
the process stage (``process.extractor``, ``process.languages``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner

from processors.extractor import Verdict
from processors.stage import process_article
from tests.test_process_languages import GERMAN
from wirewatch.cli import cli
from wirewatch.config import ProcessSettings
from wirewatch.contracts import Article, Evidence, ExtractorInfo, Incident

REPO = Path(__file__).resolve().parent.parent

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


def _run(stdin: str, *args: str, env: dict[str, str] | None = None) -> list[dict]:
    result = CliRunner().invoke(cli, ["incidents", *args], input=stdin, env=env)
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


class TitleExtractor:
    """A plug-in extractor (process.extractor=tests.test_incidents_cli:TitleExtractor): runs on
    every document, whatever its language, and gives one incident quoting the start of its
    text, with the configured languages in its warnings (to show it got the settings)."""

    name = "test-title"
    version = "9.9"

    def __init__(self, settings: ProcessSettings) -> None:
        self.languages = settings.languages

    def setup(self) -> None:
        pass

    def policy(self, article: Article) -> Verdict:
        return Verdict(language="xx", run=True)

    def extract(self, articles: Sequence[Article]) -> list[list[Incident]]:
        return [
            [
                Incident(
                    incident_id=f"{a.article_id}-title",
                    article_id=a.article_id,
                    event_type="Protests",
                    sub_event_type="Peaceful protest",
                    evidence=Evidence(text=a.text[:12], start=0, end=min(12, len(a.text))),
                    confidence=1.0,
                    warnings=[f"languages={','.join(self.languages)}"],
                    extractor=ExtractorInfo(name=self.name, version=self.version),
                )
            ]
            for a in articles
        ]


def _cli(stdin: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, run from the repository (so ``tests.`` imports)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", "incidents", "-"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**full, **env},
        timeout=120,
    )


def test_a_plugin_extractor_named_in_the_settings_is_used() -> None:
    docs = [DOCS[1], {"id": "de", "text": GERMAN}]
    proc = _cli(
        "".join(json.dumps(d) + "\n" for d in docs),
        WIREWATCH_PROCESS__EXTRACTOR="tests.test_incidents_cli:TitleExtractor",
        WIREWATCH_PROCESS__LANGUAGES='["en", "fr"]',
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["d2", "de"]
    for o, doc in zip(out, docs, strict=True):
        assert "skipped" not in o  # the plug-in's policy, not the rules' English-only one
        [inc] = o["incidents"]
        assert inc["extractor"] == {"name": "test-title", "version": "9.9"}
        assert inc["evidence"]["text"] == doc["text"][:12]
        assert inc["warnings"] == ["languages=en,fr"]


def test_an_unknown_extractor_exits_2_with_one_line() -> None:
    proc = _cli(json.dumps(DOCS[0]) + "\n", WIREWATCH_PROCESS__EXTRACTOR="spacy-ner")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "process.extractor" in line and "'spacy-ner'" in line and "rules" in line


def test_a_plugin_that_cannot_be_imported_exits_2_with_one_line() -> None:
    proc = _cli(json.dumps(DOCS[0]) + "\n", WIREWATCH_PROCESS__EXTRACTOR="tests.nowhere:X")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "process.extractor" in line and "tests.nowhere" in line


def _german_article() -> Article:
    return Article(article_id="de1", url="", text=GERMAN)


def test_a_non_english_document_is_skipped_as_in_production() -> None:
    docs = [{"id": "de1", "text": GERMAN}, DOCS[0], {"id": "blank", "text": "  \n "}]
    out = _run("".join(json.dumps(d) + "\n" for d in docs))
    assert out[0] == {"id": "de1", "incidents": [], "skipped": "language"}
    assert process_article(_german_article()) == []  # the process stage gives nothing either
    assert out[1]["incidents"][0]["fatalities"] == 5 and "skipped" not in out[1]
    assert out[2] == {"id": "blank", "incidents": [], "skipped": "empty"}


def test_the_languages_setting_lets_a_non_english_document_through() -> None:
    """The skip is the configured policy, not a rule of the command: with every language
    allowed the German text's English quotation gives its incident, as the stage would."""
    out = _run(
        json.dumps({"id": "de1", "text": GERMAN}) + "\n",
        env={"WIREWATCH_PROCESS__LANGUAGES": '["*"]'},
    )
    assert "skipped" not in out[0]
    expected = process_article(_german_article(), None)
    assert expected  # else this test would pass on a skip too
    assert out[0]["incidents"] == [i.model_dump(mode="json") for i in expected]

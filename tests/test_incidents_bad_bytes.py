"""Issue 19.6: ``wirewatch incidents`` on bad bytes, a BOM and non-JSON numbers: one error
record for the bad line, valid JSON on every output line, the batch goes on."""

from __future__ import annotations

import json

from click.testing import CliRunner

from wirewatch.cli import cli

GOOD = b'{"id": "a", "text": "Gunmen killed five villagers in Zamfara on Monday."}\n'
OTHER = b'{"id": "c", "text": "The minister met the ambassador to discuss trade."}\n'


def _run(stdin: bytes) -> list[dict]:
    result = CliRunner().invoke(cli, ["incidents", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    return [json.loads(line) for line in lines]  # every line valid JSON


def test_an_invalid_utf8_byte_is_one_error_line_and_the_batch_goes_on() -> None:
    out = _run(GOOD + b'{"id": "b", "text": "caf\xe9 bombing"}\n' + OTHER)
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["incidents"]
    assert out[1]["error"].startswith("parse.invalid_utf8: byte 0xe9")
    assert out[2]["incidents"] == []


def test_a_stray_byte_line_without_an_id() -> None:
    out = _run(GOOD + b"\xff\xfe\n" + OTHER)
    assert [o["id"] for o in out] == ["a", None, "c"]
    assert "parse.invalid_utf8" in out[1]["error"]


def test_a_utf8_bom_before_the_first_document_is_ignored() -> None:
    out = _run(b"\xef\xbb\xbf" + GOOD + OTHER)
    assert [o["id"] for o in out] == ["a", "c"]
    assert "error" not in out[0] and out[0]["incidents"]


def test_nan_infinity_and_huge_numbers_are_errors_not_invalid_json() -> None:
    out = _run(
        b'{"id": NaN, "text": "x"}\n'
        b'{"id": -Infinity, "text": "x"}\n'
        b'{"id": 1e999, "text": "x"}\n'
        b'{"id": "ok", "text": "x", "n": 1.5}\n'
    )
    assert len(out) == 4
    for record in out[:3]:
        assert record["id"] is None and record["error"].startswith("parse.invalid_json")
    assert "error" not in out[3]

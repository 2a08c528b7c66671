"""``wirewatch incidents [FILE|-]``: batch incident extraction over JSONL documents.

Input lines are ``{"id", "text", "published_at"?, "title"?, "url"?, "language"?}``; output is
one JSON line per input line, in input order: ``{"id": ..., "incidents": [...]}``, or
``{"id": ..., "error": ...}`` for a line that cannot be handled (the batch goes on): invalid
JSON or UTF-8, ``NaN``/``Infinity`` or a number out of range. A UTF-8 byte order mark before
the first line is ignored. Output is
flushed per line so that downstream tools see results as they come. This is the interface other
teams and the independent evaluation use.

Documents go through the extractor and the language policy of the process stage
(``process.extractor``, ``process.languages``; processors/extractor.py), so the dev set scores
what production publishes. A document the policy skips gives
``{"id": ..., "incidents": [], "skipped": "<reason>"}``, the reason being ``"language"`` (not in
``process.languages``; English and Spanish by default) or ``"empty"`` (no text).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from processors.extractor import Extractor
    from wirewatch.cli import AppContext

__all__ = ["decode_line", "process_line", "register"]


_ID_IN_BROKEN_LINE = re.compile(r'^\s*\{\s*"id"\s*:\s*"((?:[^"\\]|\\.)*)"')
_BOM = b"\xef\xbb\xbf"


def _no_constant(name: str) -> Any:
    # json accepts NaN and Infinity, which are not JSON: they could not be written back
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as inf
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _broken_line_id(line: str) -> str | None:
    """The caller's join key when it is still readable in a line that cannot be parsed."""
    m = _ID_IN_BROKEN_LINE.search(line)
    return m.group(1) if m else None


def decode_line(raw: bytes) -> str | dict[str, Any]:
    """One input line's text, or the error record of a line that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        return {
            "id": _broken_line_id(raw.decode("utf-8", "replace")),
            "error": f"parse.invalid_utf8: byte 0x{bad} at position {exc.start} is not UTF-8",
        }


def process_line(line: str, extractor: Extractor) -> dict[str, Any]:
    """One input line -> one output record by ``extractor`` (never raises for bad input)."""
    from pydantic import ValidationError

    from wirewatch.contracts import Article

    doc_id: Any = None
    try:
        doc = json.loads(line, parse_constant=_no_constant, parse_float=_finite)
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, a number out of range
        return {"id": _broken_line_id(line), "error": f"parse.invalid_json: {exc}"}
    if not isinstance(doc, dict):
        return {"id": None, "error": "parse.not_an_object: each line must be a JSON object"}
    doc_id = doc.get("id")
    text = doc.get("text")
    if doc_id is None:
        return {"id": None, "error": "input.missing_id: the document has no 'id'"}
    if not isinstance(text, str):
        return {"id": doc_id, "error": "input.missing_text: 'text' must be a string"}
    try:
        article = Article(
            article_id=str(doc_id),
            url=str(doc.get("url") or ""),
            title=doc.get("title"),
            text=text,
            published_at=doc.get("published_at") or None,
            language=doc.get("language"),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return {"id": doc_id, "error": f"input.invalid: {where}: {first.get('msg')}"}
    try:
        # the verdict is asked for separately only to tell why a document gets nothing;
        # extract() applies the same policy itself
        verdict = extractor.policy(article)
        if not verdict.run:
            return {"id": doc_id, "incidents": [], "skipped": verdict.skip_reason}
        results = extractor.extract([article])
        if len(results) != 1:
            raise RuntimeError(f"extract() gave {len(results)} results for one article")
    except Exception as exc:  # one bad document must not stop the batch
        return {"id": doc_id, "error": f"process.failed: {type(exc).__name__}: {exc}"}
    return {"id": doc_id, "incidents": [i.model_dump(mode="json") for i in results[0]]}


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Non-blank lines as bytes: each is decoded on its own, so one bad byte costs one line."""
    first = True
    for line in stream:
        if first:
            first = False
            line = line.removeprefix(_BOM)
        if line.strip():
            yield line


def register(cli: click.Group) -> None:
    @cli.command("incidents")
    @click.argument("source", default="-", type=click.File("rb"))
    @click.option(
        "-o",
        "--output",
        type=click.File("w", encoding="utf-8"),
        default="-",
        help="Where to write the JSON lines (default: stdout).",
    )
    @click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress on stderr (default: when stderr is a terminal).",
    )
    @click.pass_obj
    def incidents(
        app: AppContext, source: IO[bytes], output: IO[str], progress: bool | None
    ) -> None:
        """Extract incidents from JSONL documents (FILE or - for stdin), one result per line."""
        from processors.extractor import build_extractor

        # built and set up before the first line: a bad process.extractor fails with no output
        extractor = build_extractor(app.settings.process)
        extractor.setup()
        show = sys.stderr.isatty() if progress is None else progress
        lines = _lines(source)
        if show:
            with click.progressbar(
                lines, label="incidents", file=sys.stderr, show_pos=True, item_show_func=None
            ) as bar:
                _run(bar, output, extractor)
        else:
            _run(lines, output, extractor)


def _run(lines: Any, output: IO[str], extractor: Extractor) -> None:
    for raw in lines:
        line = decode_line(raw)
        record = line if isinstance(line, dict) else process_line(line, extractor)
        try:
            text = json.dumps(record, ensure_ascii=False, allow_nan=False)
        except ValueError as exc:  # a NaN in the results: never write invalid JSON
            text = json.dumps(
                {"id": _json_safe_id(record.get("id")), "error": f"output.invalid: {exc}"}
            )
        output.write(text + "\n")
        output.flush()


def _json_safe_id(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value

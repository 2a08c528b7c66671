"""JSON Schemas of the topic contracts, generated from :mod:`wirewatch.contracts`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wirewatch.contracts import CONTRACTS
from wirewatch.topics import Topics

SCHEMA_DIR = Path(__file__).parent
__all__ = ["SCHEMA_DIR", "drift", "generate", "load", "write_all"]


def generate(kind: str) -> dict[str, Any]:
    model = CONTRACTS[kind]
    topic = Topics().name(kind)
    schema = model.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://wirewatch.dev/schemas/{topic}.json",
        "title": f"{model.__name__} ({topic})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _render(kind: str) -> str:
    return json.dumps(generate(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _path(kind: str, directory: Path | None = None) -> Path:
    return (directory or SCHEMA_DIR) / f"{Topics().name(kind)}.json"


def write_all(directory: Path | None = None) -> list[Path]:
    out = []
    for kind in CONTRACTS:
        p = _path(kind, directory)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(_render(kind), encoding="utf-8")
        out.append(p)
    return out


def drift() -> list[str]:
    """Names of committed schema files that differ from what the models generate."""
    bad = []
    for kind in CONTRACTS:
        p = _path(kind)
        if not p.is_file() or p.read_text(encoding="utf-8") != _render(kind):
            bad.append(p.name)
    return bad


def load(kind: str) -> dict[str, Any]:
    return json.loads(_path(kind).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

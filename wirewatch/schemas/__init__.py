"""JSON Schemas of the topic contracts, generated from :mod:`wirewatch.contracts`.

The schemas describe what a reader accepts (tolerant readers, strict writers; see
:mod:`wirewatch.contracts`): any ``schema_version`` of the topic's major version, and unknown
properties, which readers ignore. Each schema says so in its ``description`` and, for tools, in
``x-compatibility``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from wirewatch.contracts import CONTRACTS, READS_MAJOR, SCHEMA_VERSION
from wirewatch.topics import Topics

SCHEMA_DIR = Path(__file__).parent
__all__ = ["SCHEMA_DIR", "drift", "generate", "load", "write_all"]


_COMPATIBILITY = (
    f"Compatibility: writers emit schema_version {SCHEMA_VERSION!r} and only the properties "
    f"declared here; readers accept any schema_version {READS_MAJOR}.x and ignore unknown "
    "properties (at every level), so a minor version may add optional properties. A breaking "
    f"change gets a new major schema_version ({READS_MAJOR + 1}.0) and a new topic suffix "
    f"(.v{READS_MAJOR + 1})."
)


class _ReaderJsonSchema(GenerateJsonSchema):
    """The models' JSON Schema as a tolerant reader sees it."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        # The models forbid unknown fields so that writers stay exact; readers ignore them.
        if json_schema.get("additionalProperties") is False:
            del json_schema["additionalProperties"]
        properties = json_schema.get("properties", {})
        if "schema_version" in properties:
            properties["schema_version"] = {
                "type": "string",
                "pattern": rf"^{READS_MAJOR}\.\d+$",
                "default": SCHEMA_VERSION,
                "description": f"contract version: writers emit {SCHEMA_VERSION!r}, readers "
                f"accept any {READS_MAJOR}.x",
            }
        return json_schema


def generate(kind: str) -> dict[str, Any]:
    model = CONTRACTS[kind]
    topic = Topics().name(kind)
    schema = model.model_json_schema(mode="serialization", schema_generator=_ReaderJsonSchema)
    description = "\n\n".join(d for d in (schema.get("description"), _COMPATIBILITY) if d)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://wirewatch.dev/schemas/{topic}.json",
        "title": f"{model.__name__} ({topic})",
        **{k: v for k, v in schema.items() if k != "title"},
        "description": description,
        "x-compatibility": {
            "writes": SCHEMA_VERSION,
            "reads": f"{READS_MAJOR}.x",
            "unknown_properties": "ignored by readers",
            "breaking_change": f"new major schema_version and a new topic suffix "
            f"(.v{READS_MAJOR + 1})",
        },
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

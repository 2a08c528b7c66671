"""JSON Schemas of the topic contracts: one per topic of :mod:`wirewatch.topology` with a
contract, generated from its model (:mod:`wirewatch.contracts`; the feed list's
:class:`ingest.feeds.FeedSpec` and the poll stage's state record for the two tables).

The schemas describe what a reader accepts (tolerant readers, strict writers; see
:mod:`wirewatch.contracts`): any ``schema_version`` of the topic's major version, and unknown
properties, which readers ignore. Each schema says so in its ``description`` and, for tools, in
``x-compatibility``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from wirewatch.contracts import READS_MAJOR, SCHEMA_VERSION
from wirewatch.topics import Topics, schema_id
from wirewatch.topology import TOPOLOGY

SCHEMA_DIR = Path(__file__).parent
__all__ = ["KINDS", "SCHEMA_DIR", "drift", "generate", "load", "write_all"]

#: the topic kinds that have a contract, hence a schema, in the topology's order
KINDS: tuple[str, ...] = tuple(t.kind for t in TOPOLOGY.topics if t.contract is not None)


def _schema_version_property(writes: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": rf"^{READS_MAJOR}\.\d+$",
        "default": writes,
        "description": f"contract version: writers emit {writes!r}, readers "
        f"accept any {READS_MAJOR}.x",
    }


def _compatibility(writes: str) -> str:
    return (
        f"Compatibility: writers emit schema_version {writes!r} and only the properties "
        f"declared here; readers accept any schema_version {READS_MAJOR}.x and ignore unknown "
        "properties (at every level), so a minor version may add optional properties. A "
        f"breaking change gets a new major schema_version ({READS_MAJOR + 1}.0) and a new "
        f"topic suffix (.v{READS_MAJOR + 1})."
    )


def _writes(model: type[BaseModel]) -> str:
    """The schema_version the model's writers emit (each topic's contract has its own minor
    version; a model without the field is a table record written without one: 1.0)."""
    field = model.model_fields.get("schema_version")
    return str(field.default) if field is not None else SCHEMA_VERSION


class _ReaderJsonSchema(GenerateJsonSchema):
    """The models' JSON Schema as a tolerant reader sees it."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        # The models forbid unknown fields so that writers stay exact; readers ignore them.
        if json_schema.get("additionalProperties") is False:
            del json_schema["additionalProperties"]
        properties = json_schema.get("properties", {})
        if "schema_version" in properties:
            default = properties["schema_version"].get("default", SCHEMA_VERSION)
            properties["schema_version"] = _schema_version_property(default)
        return json_schema


def generate(kind: str) -> dict[str, Any]:
    model = TOPOLOGY.topic(kind).model()
    if model is None:
        raise KeyError(f"topic kind {kind!r} has no contract")
    topic = Topics().name(kind)
    schema = model.model_json_schema(mode="serialization", schema_generator=_ReaderJsonSchema)
    properties = schema.setdefault("properties", {})
    writes = _writes(model)
    compatibility = _compatibility(writes)
    if "schema_version" not in properties:
        # the two tables' records (feeds, feedstate) were written without one, and poll
        # workers of earlier versions read feed records strictly: the field is optional (absent
        # means 1.0) so that a 1.x writer may add it once those workers are gone
        properties["schema_version"] = {
            **_schema_version_property(writes),
            "description": f"contract version; absent in records written so far, which are "
            f"{writes!r}; readers accept any {READS_MAJOR}.x",
        }
        compatibility = compatibility.replace(
            f"writers emit schema_version {writes!r}",
            f"writers emit {writes!r} records without a schema_version property",
        )
        writes = f"{writes} (schema_version absent)"
    description = "\n\n".join(d for d in (schema.get("description"), compatibility) if d)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(kind),
        "title": f"{model.__name__} ({topic})",
        **{k: v for k, v in schema.items() if k != "title"},
        "description": description,
        "x-compatibility": {
            "writes": writes,
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
    for kind in KINDS:
        p = _path(kind, directory)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(_render(kind), encoding="utf-8")
        out.append(p)
    return out


def drift() -> list[str]:
    """Names of committed schema files that differ from what the models generate."""
    bad = []
    for kind in KINDS:
        p = _path(kind)
        if not p.is_file() or p.read_text(encoding="utf-8") != _render(kind):
            bad.append(p.name)
    return bad


def load(kind: str) -> dict[str, Any]:
    return json.loads(_path(kind).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

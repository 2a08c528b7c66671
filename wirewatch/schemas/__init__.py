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

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from wirewatch.contracts import READS_MAJOR, SCHEMA_VERSION
from wirewatch.topics import Topics, schema_id
from wirewatch.topology import TOPOLOGY

SCHEMA_DIR = Path(__file__).parent
__all__ = ["KINDS", "SCHEMA_DIR", "drift", "generate", "load", "write_all"]

#: the topic kinds that have a contract, hence a schema, in the topology's order
KINDS: tuple[str, ...] = tuple(t.kind for t in TOPOLOGY.topics if t.contract is not None)

_SCHEMA_VERSION_PROPERTY = {
    "type": "string",
    "pattern": rf"^{READS_MAJOR}\.\d+$",
    "default": SCHEMA_VERSION,
    "description": f"contract version: writers emit {SCHEMA_VERSION!r}, readers "
    f"accept any {READS_MAJOR}.x",
}


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
            properties["schema_version"] = dict(_SCHEMA_VERSION_PROPERTY)
        return json_schema


def generate(kind: str) -> dict[str, Any]:
    model = TOPOLOGY.topic(kind).model()
    if model is None:
        raise KeyError(f"topic kind {kind!r} has no contract")
    topic = Topics().name(kind)
    schema = model.model_json_schema(mode="serialization", schema_generator=_ReaderJsonSchema)
    properties = schema.setdefault("properties", {})
    writes: str = SCHEMA_VERSION
    if "schema_version" not in properties:
        writes = f"{SCHEMA_VERSION} (schema_version absent)"
        # the two tables' records (feeds, feedstate) were written without one, and poll
        # workers of earlier versions read feed records strictly: the field is optional (absent
        # means 1.0) so that a 1.x writer may add it once those workers are gone
        properties["schema_version"] = {
            **_SCHEMA_VERSION_PROPERTY,
            "description": f"contract version; absent in records written so far, which are "
            f"{SCHEMA_VERSION!r}; readers accept any {READS_MAJOR}.x",
        }
    compatibility = _COMPATIBILITY
    if writes != SCHEMA_VERSION:
        compatibility = compatibility.replace(
            f"writers emit schema_version {SCHEMA_VERSION!r}",
            f"writers emit {SCHEMA_VERSION!r} records without a schema_version property",
        )
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

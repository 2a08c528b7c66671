"""The event taxonomy is declared once and the Incident contract enforces it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import get_args

import jsonschema
import pytest
from pydantic import ValidationError

from processors import lexicon
from tests.factories import make_incident
from wirewatch import schemas, taxonomy
from wirewatch.contracts import Incident


def test_acled_has_6_event_types_and_25_sub_event_types() -> None:
    assert len(taxonomy.ACLED_EVENT_TYPES) == 6
    assert len(taxonomy.ACLED_SUB_EVENT_TYPES) == 25
    assert set(taxonomy.EXTENSION_EVENT_TYPES) == {"Disasters"}
    # The Literal types (what the contract validates) and the tuples are the same lists.
    assert get_args(taxonomy.EventType) == taxonomy.EVENT_TYPES
    assert get_args(taxonomy.SubEventType) == taxonomy.SUB_EVENT_TYPES
    assert set(taxonomy.EVENT_TYPES) == set(taxonomy.ACLED_EVENT_TYPES) | {"Disasters"}


def test_every_sub_event_type_maps_to_exactly_one_declared_event_type() -> None:
    assert set(taxonomy.EVENT_TYPE_OF) == set(taxonomy.SUB_EVENT_TYPES)
    assert set(taxonomy.EVENT_TYPE_OF.values()) == set(taxonomy.EVENT_TYPES)
    listed = [sub for subs in taxonomy.SUB_EVENT_TYPES_OF.values() for sub in subs]
    assert len(listed) == len(set(listed)) == len(taxonomy.SUB_EVENT_TYPES)
    for sub in taxonomy.ACLED_SUB_EVENT_TYPES:
        assert taxonomy.EVENT_TYPE_OF[sub] in taxonomy.ACLED_EVENT_TYPES


def test_the_extractor_uses_the_declared_taxonomy() -> None:
    assert lexicon.EVENT_TYPE_OF is taxonomy.EVENT_TYPE_OF
    assert lexicon.CLASH == "Armed clash" and lexicon.PEACEFUL == "Peaceful protest"


def test_the_devset_annotation_taxonomy_agrees() -> None:
    # bench/devset checks the gold annotations against this taxonomy (it reads the declaration);
    # this catches the builder narrowing or widening it.
    path = Path(__file__).parents[1] / "bench" / "devset" / "build_devset.py"
    spec = importlib.util.spec_from_file_location("_build_devset_for_taxonomy", path)
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    assert {k: set(v) for k, v in builder.TAXONOMY.items()} == {
        k: set(v) for k, v in taxonomy.SUB_EVENT_TYPES_OF.items()
    }


def test_factory_incident_is_valid() -> None:
    inc = make_incident(1)
    assert Incident.model_validate(inc.model_dump()) == inc


@pytest.mark.parametrize(
    ("event_type", "sub_event_type"),
    [
        ("Battles", "Air/drone strike"),  # a real sub type under the wrong event type
        ("Protests", "Mob violence"),
        ("Explosions/Remote violence", "Drone sighting"),  # not a sub type at all
        ("Skirmishes", "Armed clash"),  # not an event type at all
    ],
)
def test_writer_rejects_a_pair_outside_the_taxonomy(event_type: str, sub_event_type: str) -> None:
    data = {**make_incident(1).model_dump(), "event_type": event_type}
    data["sub_event_type"] = sub_event_type
    with pytest.raises(ValidationError):
        Incident.model_validate(data)


def test_every_declared_pair_is_accepted() -> None:
    base = make_incident(1).model_dump()
    for sub, event in taxonomy.EVENT_TYPE_OF.items():
        inc = Incident.model_validate({**base, "event_type": event, "sub_event_type": sub})
        assert (inc.event_type, inc.sub_event_type) == (event, sub)


def test_committed_schema_lists_the_taxonomy_and_checks_the_pair() -> None:
    schema = schemas.load("incidents")
    props = schema["properties"]
    assert set(props["event_type"]["enum"]) == set(taxonomy.EVENT_TYPES)
    assert set(props["sub_event_type"]["enum"]) == set(taxonomy.SUB_EVENT_TYPES)
    value = make_incident(1).model_dump(mode="json")
    jsonschema.validate(value, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**value, "event_type": "Battles"}, schema)

import json

import jsonschema
import pytest
from pydantic import ValidationError

from tests.factories import make_incident
from wirewatch import schemas
from wirewatch.contracts import CONTRACTS, FeedEntry, stable_key
from wirewatch.topics import Topics, cloudevent_headers, record_key, record_value


def test_committed_schemas_match_models():
    assert schemas.drift() == [], "run `wirewatch schemas write` and commit the result"


def test_drift_is_detected(tmp_path, monkeypatch):
    schemas.write_all(tmp_path)
    p = tmp_path / "wirewatch.incidents.v1.json"
    p.write_text(p.read_text().replace('"fatalities"', '"deaths"'))
    monkeypatch.setattr(schemas, "SCHEMA_DIR", tmp_path)
    assert schemas.drift() == ["wirewatch.incidents.v1.json"]


@pytest.mark.parametrize("kind", list(CONTRACTS))
def test_every_schema_is_valid_draft_2020_12(kind):
    jsonschema.Draft202012Validator.check_schema(schemas.load(kind))


def test_incident_field_names_are_the_fixed_contract():
    required = {
        "incident_id",
        "article_id",
        "event_type",
        "sub_event_type",
        "date",
        "date_precision",
        "actors",
        "location",
        "fatalities",
        "fatalities_min",
        "injured",
        "injured_min",
        "weapons",
        "sources",
        "evidence",
        "confidence",
        "extractor",
        "schema_version",
    }
    props = set(schemas.load("incidents")["properties"])
    assert required <= props
    loc = schemas.load("incidents")["$defs"]["Location"]["properties"]
    assert {
        "name",
        "admin1",
        "country",
        "country_iso3",
        "lat",
        "lon",
        "precision",
        "geonames_id",
    } <= set(loc)


def test_incident_value_validates_against_committed_schema():
    value = json.loads(record_value(make_incident(3)))
    jsonschema.validate(value, schemas.load("incidents"))
    value["confidence"] = 3.0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, schemas.load("incidents"))


def test_models_reject_unknown_fields_and_bad_dates():
    with pytest.raises(ValidationError):
        make_incident(1).model_copy(update={}).model_validate(
            {**make_incident(1).model_dump(), "bogus": 1}
        )
    with pytest.raises(ValidationError):
        type(make_incident(1)).model_validate({**make_incident(1).model_dump(), "date": "22/11"})


def test_keys_and_topics():
    url = "https://example.org/a"
    entry = FeedEntry(
        entry_id="g1", url_key=stable_key(url), feed_id="f", feed_url="u", url=url, link=url
    )
    assert record_key(entry) == stable_key(url) == stable_key(url)
    assert len(stable_key(url)) == 32 and stable_key(url) != stable_key(url + "/b")
    assert record_key(make_incident(7)) == "inc-000007"
    t = Topics("acme")
    assert t.incidents == "acme.incidents.v1" and t.deadletter == "acme.deadletter.v1"
    assert Topics().all()[:4] == [
        "wirewatch.entries.v1",
        "wirewatch.articles.v1",
        "wirewatch.incidents.v1",
        "wirewatch.deadletter.v1",
    ]


def test_cloudevents_binary_mode_headers():
    headers = dict(cloudevent_headers(make_incident(1), "wirewatch/process"))
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"io.wirewatch.incident.v1"
    assert headers["ce_source"] == b"wirewatch/process"
    assert headers["content-type"] == b"application/json"
    assert headers["ce_time"].endswith(b"Z") and headers["ce_id"]

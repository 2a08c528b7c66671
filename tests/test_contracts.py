import json

import jsonschema
import pytest
from pydantic import ValidationError

from tests.factories import make_incident
from wirewatch import schemas
from wirewatch.contracts import (
    Article,
    FeedEntry,
    Incident,
    Location,
    read_record,
    stable_key,
)
from wirewatch.errors import ContractError, ContractVersionError, WirewatchError
from wirewatch.topics import Topics, cloudevent_headers, record_key, record_value


def test_committed_schemas_match_models():
    assert schemas.drift() == [], "run `wirewatch schemas write` and commit the result"


def test_drift_is_detected(tmp_path, monkeypatch):
    schemas.write_all(tmp_path)
    p = tmp_path / "wirewatch.incidents.v1.json"
    p.write_text(p.read_text().replace('"fatalities"', '"deaths"'))
    monkeypatch.setattr(schemas, "SCHEMA_DIR", tmp_path)
    assert schemas.drift() == ["wirewatch.incidents.v1.json"]


@pytest.mark.parametrize("kind", list(schemas.KINDS))
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


# --------------------------------------------------------------------------- tolerant readers


def _incident_from_a_newer_minor_version() -> dict:
    value = json.loads(record_value(make_incident(3)))
    value["schema_version"] = "1.1"
    value["severity"] = "high"  # an optional field 1.1 added
    value["location"]["elevation_m"] = 812  # ... also inside a nested object
    value["actors"][0]["aliases"] = ["x"]  # ... and inside a list of objects
    return value


@pytest.mark.parametrize("as_bytes", [True, False])
def test_reader_reads_a_newer_minor_version_and_ignores_unknown_fields(as_bytes):
    raw = json.dumps(_incident_from_a_newer_minor_version())
    incident = read_record(Incident, raw.encode() if as_bytes else raw)
    assert type(incident) is Incident
    assert incident == make_incident(3)  # everything this version knows, nothing else


def test_a_record_read_from_1_1_is_written_as_a_valid_1_0_record():
    incident = read_record(Incident, json.dumps(_incident_from_a_newer_minor_version()))
    written = json.loads(record_value(incident))
    assert written["schema_version"] == "1.0"
    assert "severity" not in written and "elevation_m" not in written["location"]
    Incident.model_validate(written)  # the strict writer model accepts it


def test_reader_reads_every_contract_it_writes():
    article = Article(article_id="a", url="https://example.org/a", text="t" * 50)
    assert read_record(Article, record_value(article)) == article
    assert read_record(Incident, record_value(make_incident(1))) == make_incident(1)


@pytest.mark.parametrize("version", ["2.0", "0.9", "10.1"])
def test_reader_refuses_another_major_version(version):
    value = {**_incident_from_a_newer_minor_version(), "schema_version": version}
    with pytest.raises(ContractVersionError) as err:
        read_record(Incident, json.dumps(value))
    assert err.value.reason == "contract.version_unsupported"
    assert f"'{version}'" in str(err.value) and "1.x" in str(err.value)
    assert isinstance(err.value, WirewatchError)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xffgarbage",
        b'{"article_id": "a", "url": "\xff\xfe"}',  # invalid UTF-8 inside a string
        b"[1, 2]",  # JSON, but not an object
        b'"just a string"',
        b"",
        '{"article_id": "a"',  # truncated
        '{"article_id": "a", "url": "u", "http_status": "two hundred"}',
        '{"article_id": "a", "url": "u", "schema_version": 1.1}',  # a number, not a version
        '{"article_id": "a", "url": "u", "timings": {"fetch_ms": "slow"}}',
    ],
)
def test_reader_refuses_invalid_input_with_a_one_line_contract_error(raw):
    with pytest.raises(ContractError) as err:
        read_record(Article, raw)
    assert type(err.value) is ContractError and err.value.reason == "contract.invalid"
    message = str(err.value)
    assert message.startswith("invalid Article record: ") and "\n" not in message


def test_reader_error_names_the_nested_field():
    raw = '{"article_id": "a", "url": "u", "timings": {"fetch_ms": "slow"}}'
    with pytest.raises(ContractError, match=r"timings\.fetch_ms: "):
        read_record(Article, raw)


def test_writers_stay_strict():
    value = _incident_from_a_newer_minor_version()
    with pytest.raises(ValidationError):  # 1.1 and unknown fields: not through the writer model
        Incident.model_validate_json(json.dumps(value))
    value["schema_version"] = "1.0"
    with pytest.raises(ValidationError):  # the unknown fields alone are refused too
        Incident.model_validate(value)
    with pytest.raises(ValidationError):
        Incident.model_validate({**make_incident(1).model_dump(), "schema_version": "1.1"})
    with pytest.raises(ValidationError):
        Location(name="x", elevation_m=3)  # type: ignore[call-arg]


@pytest.mark.parametrize("kind", list(schemas.KINDS))
def test_committed_schemas_say_readers_are_tolerant(kind):
    schema = schemas.load(kind)
    assert schema["x-compatibility"]["reads"] == "1.x"
    assert "new topic suffix" in schema["description"]
    validator = jsonschema.Draft202012Validator(schema)
    version = schema["properties"]["schema_version"]
    assert validator.evolve(schema=version).is_valid("1.7")
    assert not validator.evolve(schema=version).is_valid("2.0")


def test_committed_incident_schema_accepts_what_a_reader_accepts():
    schema = schemas.load("incidents")
    jsonschema.validate(_incident_from_a_newer_minor_version(), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**_incident_from_a_newer_minor_version(), "schema_version": "2.0"}, schema
        )

"""The hand-annotated dev set is well formed and the scorer's metrics behave as documented.

The dev set is the yardstick for the incident extractor, so a malformed line, a misspelled
sub-event type or a stale ``devset.jsonl`` (sources edited but not rebuilt) must fail here rather
than silently skew the scores. The scorer tests use tiny hand-made gold/prediction pairs with
known answers, including wrong predictions that must lower the scores.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from wirewatch import taxonomy

REPO = Path(__file__).resolve().parents[1]
DEVSET = REPO / "bench" / "devset" / "devset.jsonl"
SHARED_SEED = REPO.parent / "shared" / "examples"


def _load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


scorer = _load("score_devset", REPO / "bench" / "score_devset.py")
builder = _load("build_devset", REPO / "bench" / "devset" / "build_devset.py")

TAXONOMY: dict[str, set[str]] = {k: set(v) for k, v in builder.TAXONOMY.items()}
# ACLED's 25 and wirewatch's two disaster types: what the gold is annotated in
ACLED_SUB_EVENTS = set(taxonomy.SUB_EVENT_TYPES)


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    lines = DEVSET.read_text(encoding="utf-8").splitlines()
    out = []
    for n, line in enumerate(lines, 1):
        assert line.strip(), f"blank line {n}"
        out.append(json.loads(line))
    return out


# --------------------------------------------------------------------------- dev set format


def test_taxonomy_is_the_acled_one() -> None:
    flat = {sub for subs in TAXONOMY.values() for sub in subs}
    assert flat == ACLED_SUB_EVENTS
    assert set(TAXONOMY) == {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
        "Disasters",
    }


def test_size_and_unique_ids(docs: list[dict[str, Any]]) -> None:
    assert len(docs) >= 300
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids))


def test_documents_have_required_fields(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        assert isinstance(d["id"], str) and d["id"]
        assert isinstance(d["text"], str) and len(d["text"]) > 80, d["id"]
        dt.date.fromisoformat(d["published_at"])
        assert isinstance(d["incidents"], list)
        assert set(d) <= {"id", "text", "published_at", "title", "incidents", "note"}, d["id"]


def test_incidents_are_valid(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        published = dt.date.fromisoformat(d["published_at"])
        for inc in d["incidents"]:
            where = f"{d['id']}: {inc.get('evidence')!r}"
            sub, ev = inc["sub_event_type"], inc["event_type"]
            assert ev in TAXONOMY, where
            assert sub in TAXONOMY[ev], f"{where}: {sub!r} is not a {ev!r} sub-event"
            if inc["date"] is not None:
                day = dt.date.fromisoformat(inc["date"])
                assert day <= published, where
                assert (published - day).days <= 31, where
                assert inc["date_precision"] in {"day", "week", "month", "year"}, where
            loc = inc["location"]
            assert loc["name"], where
            iso3 = loc["country_iso3"]
            assert isinstance(iso3, str) and len(iso3) == 3 and iso3.isupper(), where
            assert loc["precision"] in {"exact", "town", "near", "admin1", "country"}, where
            if loc.get("lat") is not None:
                assert -90 <= loc["lat"] <= 90 and -180 <= loc["lon"] <= 180, where
            elif loc["precision"] != "country" and d["id"] != "seed-0001":
                pytest.fail(f"{where}: sub-country location without coordinates")
            for key in ("fatalities", "injured", "fatalities_min", "injured_min"):
                v = inc.get(key)
                assert v is None or (isinstance(v, int) and v >= 0), where
            if inc.get("fatalities_min") is not None:
                assert inc["fatalities"] is None, where
            if d["id"] == "seed-0001":  # the user's annotation drops the quotation marks
                assert scorer.find_quote(d["text"], inc["evidence"]) is not None, where
            else:
                assert inc["evidence"] in d["text"], where


def test_coverage_of_every_sub_event_type(docs: list[dict[str, Any]]) -> None:
    counts = Counter(i["sub_event_type"] for d in docs for i in d["incidents"])
    thin = {sub: counts[sub] for sub in ACLED_SUB_EVENTS if counts[sub] < 5}
    assert not thin, f"sub-event types with fewer than 5 gold incidents: {thin}"


def test_negative_and_multi_incident_documents(docs: list[dict[str, Any]]) -> None:
    assert sum(1 for d in docs if not d["incidents"]) >= 15
    assert sum(1 for d in docs if len(d["incidents"]) >= 2) >= 10


def test_places_on_several_continents(docs: list[dict[str, Any]]) -> None:
    countries = {i["location"]["country_iso3"] for d in docs for i in d["incidents"]}
    for needed in ("NGA", "SOM", "SYR", "AFG", "IND", "MMR", "PHL", "MEX", "COL", "UKR", "FRA"):
        assert needed in countries
    assert "USA" in countries or "CAN" in countries
    assert len(countries) >= 50


def test_jsonl_is_in_sync_with_sources(docs: list[dict[str, Any]]) -> None:
    built = builder.load_sources()
    committed = [d for d in docs if d["id"] != "seed-0001"]
    assert [d["id"] for d in built] == [d["id"] for d in committed]
    assert built == committed, "devset.jsonl is stale: run bench/devset/build_devset.py"


def test_seed_document_included(docs: list[dict[str, Any]]) -> None:
    seed = {d["id"]: d for d in docs}["seed-0001"]
    assert len(seed["incidents"]) == 4
    expected_p = SHARED_SEED / "seed-expected.json"
    if not expected_p.exists():
        pytest.skip(f"{expected_p} not present")
    expected = json.loads(expected_p.read_text(encoding="utf-8"))
    article = json.loads((SHARED_SEED / "seed-article.json").read_text(encoding="utf-8"))
    assert seed["incidents"] == expected["incidents"]
    assert seed["text"] == article["text"]


def test_relative_dates_resolve_against_published_at() -> None:
    published = dt.date(2023, 11, 23)  # a Thursday
    assert builder.resolve_date("tue", published) == "2023-11-21"
    assert builder.resolve_date("thu", published) == "2023-11-23"
    assert builder.resolve_date(-1, published) == "2023-11-22"
    assert builder.resolve_date(dt.date(2023, 11, 2), published) == "2023-11-02"


# --------------------------------------------------------------------------- scorer metrics

TEXT = (
    "Gunmen killed six villagers in Bama on Monday, officials said. "
    "Separately, an air strike hit a market in Gwoza on Tuesday, wounding four people."
)


def _gold(sub: str, ev: str, **kw: Any) -> dict[str, Any]:
    event = {s: e for e, subs in TAXONOMY.items() for s in subs}[sub]
    inc = {"event_type": event, "sub_event_type": sub, "evidence": ev}
    inc.update(kw)
    return inc


def _pred(sub: str, ev: str, **kw: Any) -> dict[str, Any]:
    inc = _gold(sub, ev, **kw)
    start = TEXT.index(ev)
    inc["evidence"] = {"text": ev, "start": start, "end": start + len(ev)}
    return inc


BAMA = {"name": "Bama", "country_iso3": "NGA", "lat": 11.52, "lon": 13.69}
GWOZA = {"name": "Gwoza", "country_iso3": "NGA", "lat": 11.08, "lon": 13.69}
GOLD_DOC = {
    "id": "t1",
    "text": TEXT,
    "published_at": "2024-03-06",
    "incidents": [
        _gold(
            "Attack",
            "Gunmen killed six villagers",
            date="2024-03-04",
            location=BAMA,
            fatalities=6,
            injured=None,
        ),
        _gold(
            "Air/drone strike",
            "an air strike hit a market in Gwoza",
            date="2024-03-05",
            location=GWOZA,
            fatalities=None,
            injured=4,
        ),
    ],
}


def _perfect() -> list[dict[str, Any]]:
    return [
        _pred(
            "Attack",
            "Gunmen killed six villagers",
            date="2024-03-04",
            location=BAMA,
            fatalities=6,
            injured=None,
        ),
        _pred(
            "Air/drone strike",
            "an air strike hit a market in Gwoza",
            date="2024-03-05",
            location=GWOZA,
            fatalities=None,
            injured=4,
        ),
    ]


def test_weighted_f1_by_hand() -> None:
    # gold A A B, predicted A B B: F1(A) = F1(B) = 2/3, weighted (2*2/3 + 1*2/3) / 3 = 2/3
    tp, fp, fn = scorer.label_counts([("A", "A"), ("A", "B"), ("B", "B")])
    assert scorer.weighted_f1(tp, fp, fn) == pytest.approx(2 / 3)
    # gold A A A B, predicted A A B B: F1(A) = 0.8 (support 3), F1(B) = 2/3 (support 1)
    pairs = [("A", "A"), ("A", "A"), ("A", "B"), ("B", "B")]
    assert scorer.weighted_f1(*scorer.label_counts(pairs)) == pytest.approx((3 * 0.8 + 2 / 3) / 4)
    tp, fp, fn = scorer.label_counts([("A", "A"), ("B", "B")])
    assert scorer.weighted_f1(tp, fp, fn) == pytest.approx(1.0)
    tp, fp, fn = scorer.label_counts([("A", scorer.NO_INCIDENT), ("B", "B")])
    assert scorer.weighted_f1(tp, fp, fn) == pytest.approx(0.5)


def test_perfect_prediction_scores_one() -> None:
    s = scorer.score_documents([GOLD_DOC], {"t1": _perfect()})
    assert (s.n_gold, s.n_pred, s.n_matched) == (2, 2, 2)
    assert s.sub_event_weighted_f1 == pytest.approx(1.0)
    assert s.primary_weighted_f1 == pytest.approx(1.0)
    for key in ("fatalities", "injured", "country", "date", "location_within_50km"):
        assert s.rate(key) == pytest.approx(1.0), key
    assert s.median_km == pytest.approx(0.0)


def test_matching_follows_evidence_not_order() -> None:
    preds = list(reversed(_perfect()))
    text = GOLD_DOC["text"]
    pairs = scorer.match_incidents(
        [scorer.normalize(p, text) for p in preds],
        [scorer.normalize(g, text) for g in GOLD_DOC["incidents"]],
        text,
    )
    assert pairs == [(1, 0), (0, 1)]


def test_wrong_sub_event_lowers_scores_but_still_matches() -> None:
    preds = _perfect()
    preds[1]["sub_event_type"] = "Shelling/artillery/missile attack"
    s = scorer.score_documents([GOLD_DOC], {"t1": preds})
    assert s.n_matched == 2
    assert s.sub_event_weighted_f1 == pytest.approx(0.5)  # Attack F1 1, Air strike F1 0
    assert s.event_type_weighted_f1 == pytest.approx(1.0)  # both still Explosions/VAC right
    assert s.rate("sub_event_type") == pytest.approx(0.5)
    assert s.rate("fatalities") == pytest.approx(1.0)


def test_primary_f1_uses_first_prediction() -> None:
    preds = list(reversed(_perfect()))  # first prediction is now the air strike
    s = scorer.score_documents([GOLD_DOC], {"t1": preds})
    assert s.sub_event_weighted_f1 == pytest.approx(1.0)
    assert s.primary_weighted_f1 == pytest.approx(0.0)


def test_extra_and_missing_predictions_count_as_fp_and_fn() -> None:
    lagos = {"name": "Lagos", "country_iso3": "NGA", "lat": 6.52, "lon": 3.38}
    preds = [*_perfect()[:1], _pred("Peaceful protest", "officials said", location=lagos)]
    s = scorer.score_documents([GOLD_DOC], {"t1": preds})
    # the protest shares the first sentence with the Attack but the Attack prediction wins it
    assert s.n_matched == 1
    p, r, _ = s.detection_prf
    assert (p, r) == (0.5, 0.5)
    assert s.sub_fp["Peaceful protest"] == 1
    assert s.sub_fn["Air/drone strike"] == 1
    assert s.sub_event_weighted_f1 < 1.0


def test_wrong_fields_lower_field_metrics() -> None:
    preds = _perfect()
    preds[0]["fatalities"] = 5
    preds[1]["fatalities"] = 0  # gold null: exact match fails, lenient (null as 0) passes
    preds[1]["date"] = "2024-03-06"
    preds[1]["location"] = {"name": "Maiduguri", "country_iso3": "NGA", "lat": 11.85, "lon": 13.16}
    s = scorer.score_documents([GOLD_DOC], {"t1": preds})
    assert s.n_matched == 2
    assert s.rate("fatalities") == pytest.approx(0.0)
    assert s.rate("fatalities_null_as_0") == pytest.approx(0.5)
    assert s.rate("date") == pytest.approx(0.5)
    assert s.rate("location_within_50km") == pytest.approx(0.5)
    assert s.median_km is not None and s.median_km > 40


def test_country_from_name_and_missing_coordinates() -> None:
    preds = _perfect()
    preds[0]["location"] = {"name": "Bama", "country": "Nigeria"}
    preds[1]["location"] = {"name": "Gwoza", "country_iso3": "CMR"}
    s = scorer.score_documents([GOLD_DOC], {"t1": preds})
    assert s.rate("country") == pytest.approx(0.5)
    assert s.rate("location_within_50km") == pytest.approx(0.0)
    assert s.distances == []


def test_empty_gold_document() -> None:
    doc = {"id": "n1", "text": "Markets rallied on Monday as investors cheered.", "incidents": []}
    clean = scorer.score_documents([doc], {"n1": []})
    assert (clean.empty_docs, clean.empty_docs_clean) == (1, 1)
    noisy = scorer.score_documents(
        [doc],
        {
            "n1": [
                {
                    "sub_event_type": "Attack",
                    "event_type": "Violence against civilians",
                    "evidence": "Markets rallied",
                }
            ]
        },
    )
    assert noisy.empty_docs_clean == 0
    assert noisy.sub_fp["Attack"] == 1
    missing = scorer.score_documents([doc], {})
    assert missing.missing_docs == 1


def test_haversine_known_distance() -> None:
    # Paris - London is about 344 km
    assert scorer.haversine_km(48.8566, 2.3522, 51.5072, -0.1276) == pytest.approx(344, abs=3)
    assert scorer.haversine_km(0, 0, 0, 0) == 0


def test_find_quote_ignores_quotation_marks_and_case() -> None:
    text = 'He said the base was attacked “using a missile,” and "nobody" died.'
    span = scorer.find_quote(text, "attacked using a missile, and nobody died")
    assert span is not None and text[span[0] : span[1]].endswith("died")
    assert text[span[0] : span[1]].startswith("attacked")
    assert scorer.find_quote(text, "something else entirely") is None


def test_sentence_span_widens_to_sentence() -> None:
    start = TEXT.index("air strike")
    s, e = scorer.sentence_span(TEXT, start, start + 10)
    assert TEXT[s:e].strip().startswith("Separately")
    assert TEXT[s:e].strip().endswith("people.")


def test_cli_scores_prediction_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devset = tmp_path / "dev.jsonl"
    devset.write_text(json.dumps(GOLD_DOC) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "t1", "incidents": _perfect()[:1]}) + "\n", "utf-8")
    summary = tmp_path / "summary.json"
    rc = scorer.main(
        ["--devset", str(devset), "--pred", str(pred), "--show-errors", "3", "--json", str(summary)]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert "matched 1" in out and "MISSED gold: Air/drone strike" in out
    data = json.loads(summary.read_text())
    assert data["matched"] == 1 and data["detection"]["recall"] == 0.5


def test_cli_exits_2_when_extractor_missing(tmp_path: Path) -> None:
    devset = tmp_path / "dev.jsonl"
    devset.write_text(json.dumps(GOLD_DOC) + "\n", encoding="utf-8")
    rc = scorer.main(["--devset", str(devset), "--cmd", str(tmp_path / "no-such-wirewatch")])
    assert rc == 2

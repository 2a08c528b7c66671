"""The "rules+classifier" extractor: the rules' incidents re-typed or dropped by the shipped
classifier under its confidence rule; the model is named in every incident, loads from the
package with no network, and a missing model fails at start-up with one line."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import processors.classifier as clf
from processors import EXTRACTOR_VERSION
from processors.classifier import ClassifierExtractor, EventClassifier, features, load_classifier
from processors.extractor import BUILTIN_EXTRACTORS, build_extractor
from processors.training.compose import compose
from processors.training.ucdp import label_of, part_of
from tests.test_incidents_cli import DOCS
from tests.test_processors_extractor import _seed
from wirewatch.cli import cli
from wirewatch.cli import main as wirewatch_main
from wirewatch.config import ProcessSettings
from wirewatch.contracts import Evidence, ExtractorInfo, Incident
from wirewatch.errors import ConfigError
from wirewatch.taxonomy import ACLED_SUB_EVENT_TYPES, EVENT_TYPE_OF

HYBRID = ProcessSettings(extractor="rules+classifier")


@pytest.fixture(autouse=True)
def _fresh_model_cache() -> Iterator[None]:
    # tests below load broken or absent weights: none of that may leak into another test
    load_classifier.cache_clear()
    yield
    load_classifier.cache_clear()


def _shipped() -> bytes:
    return resources.files("processors").joinpath("data", clf.WEIGHTS_FILE).read_bytes()


def _model_bytes(
    vocab: list[str],
    weights: list[list[float]],
    labels: list[str],
    rerank: list[str],
    thresholds: tuple[float, float, float] = (0.9, 0.6, 0.3),
) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        vocab=np.array("\n".join(vocab)),
        labels=np.array("\n".join(labels)),
        rerank=np.array("\n".join(rerank)),
        weights=np.array(weights, dtype=np.float16),
        bias=np.zeros(len(labels), dtype=np.float16),
        thresholds=np.array(thresholds, dtype=np.float64),
    )
    return buf.getvalue()


LABELS = ["Attack", "Air/drone strike", "Peaceful protest", "none"]


def _toy() -> EventClassifier:
    # "warplanes" points hard at Air/drone strike, "march" at Peaceful protest, "forecast" at
    # none; "market" leans weakly towards Air/drone strike only
    return EventClassifier.from_bytes(
        _model_bytes(
            ["warplanes", "march", "forecast", "market"],
            [[0, 30, 0, 0], [0, 0, 30, 0], [0, 0, 0, 30], [0, 1, 0, 0]],
            LABELS,
            rerank=["Attack", "Air/drone strike"],
        )
    )


def _incident(sub: str, text: str) -> Incident:
    return Incident(
        incident_id="i-" + hashlib.sha256(text.encode()).hexdigest()[:8],
        article_id="a1",
        event_type=EVENT_TYPE_OF[sub],  # type: ignore[index]
        sub_event_type=sub,  # type: ignore[arg-type]
        evidence=Evidence(text=text, start=0, end=len(text)),
        confidence=0.7,
        extractor=ExtractorInfo(name="wirewatch-rules", version=EXTRACTOR_VERSION),
    )


# --------------------------------------------------------------------------- confidence rule


def test_a_confident_other_type_retypes_the_incident_and_its_event_type() -> None:
    ex = ClassifierExtractor(model=_toy())
    [out] = ex.refine([_incident("Attack", "warplanes hit the village")])
    assert out.sub_event_type == "Air/drone strike"
    assert out.event_type == "Explosions/Remote violence"
    assert out.evidence.text == "warplanes hit the village"  # structure is the rules'
    assert out.extractor == ExtractorInfo(name=ex.name, version=ex.version)


def test_an_unsure_classifier_leaves_the_rules_type() -> None:
    [out] = ClassifierExtractor(model=_toy()).refine([_incident("Attack", "a market in town")])
    assert out.sub_event_type == "Attack"


def test_types_outside_the_real_trained_set_are_left_to_the_rules() -> None:
    # confident, but Peaceful protest is not among the types learned from real reports
    [out] = ClassifierExtractor(model=_toy()).refine([_incident("Attack", "a march in town")])
    assert out.sub_event_type == "Attack"


def test_a_sentence_that_reports_no_event_is_dropped_and_the_others_kept() -> None:
    ex = ClassifierExtractor(model=_toy())
    kept = ex.refine(
        [_incident("Attack", "the forecast for tomorrow"), _incident("Attack", "a market")]
    )
    assert [i.evidence.text for i in kept] == ["a market"]


def test_a_weak_no_event_verdict_keeps_the_incident() -> None:
    model = EventClassifier.from_bytes(
        _model_bytes(["forecast"], [[0, 0, 0, 1.5]], LABELS, rerank=["Attack"])
    )
    assert model.predict_proba("forecast").argmax() == LABELS.index("none")
    [out] = ClassifierExtractor(model=model).refine([_incident("Attack", "forecast")])
    assert out.sub_event_type == "Attack"


# --------------------------------------------------------------------------- the shipped model


def test_the_hybrid_is_built_by_name_and_its_version_names_the_weights() -> None:
    assert "rules+classifier" in BUILTIN_EXTRACTORS
    ex = build_extractor(HYBRID)
    sha = hashlib.sha256(_shipped()).hexdigest()
    assert ex.version == f"{EXTRACTOR_VERSION}+clf-{sha[:12]}"
    incidents = ex.extract([_seed()])[0]
    assert incidents
    assert {(i.extractor.name, i.extractor.version) for i in incidents} == {(ex.name, ex.version)}


def test_the_seed_article_keeps_its_four_incidents_under_the_hybrid() -> None:
    rules = build_extractor(ProcessSettings()).extract([_seed()])[0]
    hybrid = build_extractor(HYBRID).extract([_seed()])[0]
    assert len(hybrid) == 4
    strip = {"extractor"}
    assert [i.model_dump(exclude=strip) for i in hybrid] == [
        i.model_dump(exclude=strip) for i in rules
    ]


def test_the_shipped_model_is_small_and_covers_the_taxonomy() -> None:
    raw = _shipped()
    assert len(raw) < 3_000_000
    model = EventClassifier.from_bytes(raw)
    assert set(ACLED_SUB_EVENT_TYPES) | {"none"} <= set(model.labels)
    assert model.rerank and model.rerank <= set(model.labels)


def test_the_model_loads_and_runs_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the classifier tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    ex = build_extractor(HYBRID)
    ex.setup()
    assert ex.extract([_seed()])[0]


def test_missing_weights_fail_at_build_with_one_config_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(clf, "WEIGHTS_FILE", "absent.npz")
    with pytest.raises(ConfigError) as info:
        build_extractor(HYBRID)
    message = str(info.value)
    assert "\n" not in message and "process.extractor" in message and "absent.npz" in message
    # the CLI's entry point (as installed) turns it into one line and exit 2, with no output
    monkeypatch.setenv("WIREWATCH_PROCESS__EXTRACTOR", "rules+classifier")
    monkeypatch.setattr(sys, "argv", ["wirewatch", "incidents"])
    line = (json.dumps(DOCS[0]) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line)))  # read as bytes
    with pytest.raises(SystemExit) as exited:
        wirewatch_main()
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.strip().splitlines()
    assert "process.extractor" in line and "absent.npz" in line


@pytest.mark.parametrize(
    "raw",
    [
        b"not a weights file",
        _model_bytes(["a"], [[1, 0]], ["Attack", "Riot"], rerank=[]),  # not a taxonomy type
        _model_bytes(["a", "b"], [[1, 0]], ["Attack", "none"], rerank=[]),  # sizes disagree
    ],
)
def test_a_broken_weights_file_is_refused(raw: bytes) -> None:
    with pytest.raises((ValueError, OSError)):
        EventClassifier.from_bytes(raw)


def test_incidents_output_keeps_its_form_under_the_hybrid() -> None:
    stdin = "".join(json.dumps(d) + "\n" for d in DOCS)
    runs = {}
    for name in ("rules", "rules+classifier"):
        result = CliRunner().invoke(
            cli, ["incidents"], input=stdin, env={"WIREWATCH_PROCESS__EXTRACTOR": name}
        )
        assert result.exit_code == 0, result.output
        runs[name] = [json.loads(line) for line in result.stdout.splitlines()]
    rules, hybrid = runs["rules"], runs["rules+classifier"]
    assert [sorted(o) for o in hybrid] == [sorted(o) for o in rules]
    for r, h in zip(rules, hybrid, strict=True):
        assert len(h["incidents"]) <= len(r["incidents"])
        for inc in h["incidents"]:
            assert sorted(inc) == sorted(r["incidents"][0])
            Incident.model_validate(inc)
            assert "+clf-" in inc["extractor"]["version"]


# --------------------------------------------------------------------------- training


def test_the_featurizer_reads_numbers_as_one_token() -> None:
    assert features("Gunmen killed 12 people") == [
        "gunmen", "killed", "0", "people", "gunmen killed", "killed 0", "0 people",
    ]  # fmt: skip


def test_written_reports_cover_every_type_and_are_reproducible() -> None:
    rows = compose(per_class=5)
    assert rows == compose(per_class=5)
    labels = {label for _t, label in rows}
    assert set(ACLED_SUB_EVENT_TYPES) | {"none"} <= labels
    assert len({t for t, _l in rows}) == len(rows)  # no duplicate reports


def test_training_is_deterministic_and_serving_reproduces_it() -> None:
    pytest.importorskip("sklearn")
    from processors.training.train import fit, matrix, train

    rows = compose(per_class=12, seed=7)
    raw = train(rows, rerank=set())
    assert raw == train(rows, rerank=set())
    model = EventClassifier.from_bytes(raw)
    vocab, labels, fitted = fit(rows)
    assert list(model.labels) == labels
    texts = [t for t, _l in rows[::7]] + ["a text of words the model never saw"]
    expected = fitted.predict_proba(matrix(texts, {f: i for i, f in enumerate(vocab)}))
    served = np.array([model.predict_proba(t) for t in texts])
    # the same probabilities as scikit-learn's, up to the float16 storage of the weights
    np.testing.assert_allclose(served, expected, atol=0.02)
    assert (served.argmax(axis=1) == expected.argmax(axis=1)).mean() > 0.97


@pytest.mark.parametrize(
    ("text", "violence", "label"),
    [
        ("Warplanes pound a village near the front, killing four", 1, "Air/drone strike"),
        ("Army and rebels clash for a second day near the border", 1, "Armed clash"),
        ("Two soldiers killed in the east", 1, "Armed clash"),
        ("Gunmen kill three farmers in their fields", 3, "Attack"),
        ("Gunmen kill three in a bar", 2, None),  # non-state, no sign of fighting
        ("Rockets and airstrikes hit the suburbs", 1, None),  # two weapon families
        ("A suicide bomber blows himself up at a checkpoint", 3, "Suicide bomb"),
    ],
)
def test_ucdp_labels_only_where_headline_and_kind_agree(
    text: str, violence: int, label: str | None
) -> None:
    assert label_of(text, violence) == label


def test_ucdp_labelling_never_reads_the_blind_part(tmp_path: Path) -> None:
    ids = [f"ucdp-test-{n}" for n in range(40)]
    blind = [i for i in ids if part_of(i) == "blind"]
    assert blind and len(blind) < len(ids)
    path = tmp_path / "ucdp.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in ids:
            rec = {
                "id": i,
                "text": "Army and rebels clash for a second day near the border town",
                "gold": {"type_of_violence": 1},
            }
            fh.write(json.dumps(rec) + "\n")
    from processors.training.ucdp import build, held_for_tuning

    got = {row["id"] for row in build(path)}
    assert got
    assert not got & set(blind)
    assert got == {i for i in ids if part_of(i) == "dev" and not held_for_tuning(i)}


_PROBA_SCRIPT = """
import sys
from processors.classifier import load_classifier
c = load_classifier()
for text in sys.stdin.read().split("\\n"):
    print(c.predict_proba(text).tobytes().hex())
"""


def test_probabilities_are_the_same_bits_in_every_process() -> None:
    """Two workers (two hash seeds) give the same probabilities for the same text: set order
    depends on the seed, and float32 sums on their order (these seeds differed before)."""
    texts = "\n".join(
        [
            "Gunmen on motorcycles stormed a village market on Tuesday, killing twelve traders "
            "and wounding several others, local officials said.",
            "An air strike hit a crowded school sheltering displaced families in the north of "
            "the city, killing at least 17 people including children, the ministry said.",
            "Police fired tear gas and rubber bullets at protesters who blocked the highway; "
            "dozens were arrested and 4 were injured.",
        ]
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", _PROBA_SCRIPT],
            input=texts,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "4")
    ]
    assert outputs[0].count("\n") == 3
    assert outputs[0] == outputs[1]

"""Sixth speed round: the classifier decides on Python-float probabilities and falls back to the
float32 ones near a boundary; every decision is the one the float32 path gives."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest

from processors import classifier
from processors.classifier import NONE_LABEL, EventClassifier, load_classifier

DEVSET = Path(__file__).resolve().parent.parent / "bench" / "devset" / "devset.jsonl"


def _devset_sentences() -> list[str]:
    texts = [json.loads(line)["text"] for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    # whole reports and each of their sentences: the evidence texts the rules hand over
    return texts + [s for t in texts for s in t.split(". ") if s]


def _rule_types(model: EventClassifier) -> list[str]:
    # every label, and a type the model never learned
    return [*model.labels, "Chemical weapon", "Looting/property destruction"]


def test_decisions_equal_the_float32_path_on_the_dev_set_reports() -> None:
    model = load_classifier()
    texts = _devset_sentences()
    assert len(texts) > 1000
    rng = random.Random(16)
    for text in texts:
        for rule_type in rng.sample(_rule_types(model), 6):
            assert model.decide(text, rule_type) == model.decide_float32(text, rule_type), (
                text,
                rule_type,
            )


def test_decisions_equal_the_float32_path_on_word_salads_of_the_vocabulary() -> None:
    # strings of known unigrams and bigrams: scores far from the dev set's, many near-ties
    model = load_classifier()
    words = sorted(model.vocab)
    rng = random.Random(1618)
    for _ in range(600):
        text = " ".join(rng.choices(words, k=rng.randint(1, 40)))
        for rule_type in rng.sample(_rule_types(model), 4):
            assert model.decide(text, rule_type) == model.decide_float32(text, rule_type), (
                text,
                rule_type,
            )


def test_the_python_float_probabilities_are_the_float32_ones_to_float32_rounding() -> None:
    model = load_classifier()
    for text in _devset_sentences()[:400]:
        feats = classifier._feature_set(text)
        rows = model._rows(feats)
        fast = np.array(model._proba_float64(feats, rows))
        exact = model._proba_float32(feats, rows).astype(np.float64)
        assert np.abs(fast - exact).max() < classifier.DECISION_GUARD / 20, text


def _bias_only(lead: float, thresholds: tuple[float, float, float]) -> EventClassifier:
    # no weights: every text gets the bias's probabilities; Attack's bias ``lead`` above the
    # others' (log 2: Attack 0.5, Armed clash and none 0.25 each; 0: all three 1/3)
    labels = ("Attack", "Armed clash", NONE_LABEL)
    return EventClassifier(
        vocab={"gunmen": 0},
        weights=np.zeros((1, len(labels)), dtype=np.float32),
        bias=np.array([lead, 0.0, 0.0], dtype=np.float32),
        labels=labels,
        rerank=frozenset({"Attack", "Armed clash"}),
        drop_threshold=thresholds[0],
        override_threshold=thresholds[1],
        override_margin=thresholds[2],
        sha256="0" * 64,
    )


@pytest.mark.parametrize(
    ("lead", "thresholds", "boundary"),
    [
        (0.0, (0.9, 0.9, 0.9), "a tie of the top two"),
        (math.log(2), (0.5, 0.9, 0.9), "the drop threshold"),
        (math.log(2), (0.9, 0.5, 0.9), "the override threshold"),
        (math.log(2), (0.9, 0.9, 0.25), "the margin over the rules' type"),
        (math.log(2), (0.9, 0.9, 0.9), None),
    ],
)
def test_near_a_boundary_the_float32_probabilities_decide(
    lead: float,
    thresholds: tuple[float, float, float],
    boundary: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _bias_only(lead, thresholds)
    feats = classifier._feature_set("gunmen")
    rows = model._rows(feats)
    assert model._near_boundary(model._proba_float64(feats, rows), "Armed clash") is (
        boundary is not None
    )
    expected = model._choose(model._proba_float32(feats, rows), "Armed clash")
    calls: list[str] = []
    reference = EventClassifier._proba_float32

    def spy(self: EventClassifier, feats: set[str], rows: list[int]) -> np.ndarray:
        calls.append("float32")
        return reference(self, feats, rows)

    monkeypatch.setattr(EventClassifier, "_proba_float32", spy)
    assert model.decide("gunmen", "Armed clash") == expected
    assert calls == (["float32"] if boundary else [])


def test_far_from_every_boundary_the_python_floats_decide_alone() -> None:
    model = load_classifier()
    p = [0.0] * len(model.labels)
    p[model.labels.index("Air/drone strike")] = 0.7
    p[model.labels.index("Attack")] = 0.3
    assert not model._near_boundary(p, "Attack")
    assert model._choose(p, "Attack") == "Air/drone strike"
    p_tie = [0.0] * len(model.labels)
    p_tie[0] = p_tie[1] = 0.5
    assert model._near_boundary(p_tie, "Attack")


def test_the_top_class_is_the_first_of_equal_maxima_as_numpy_argmax() -> None:
    model = _bias_only(0.0, (0.9, 0.3, 0.0))
    tied = np.array([0.4, 0.4, 0.2], dtype=np.float32)
    assert model.labels[int(tied.argmax())] == "Attack"
    assert model._choose(tied, "Armed clash") == "Attack"
    assert model._choose(tied.tolist(), "Armed clash") == "Attack"

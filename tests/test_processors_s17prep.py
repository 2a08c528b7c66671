"""Speed preparation (s17prep): the classifier's serving features (a number read as the empty
token, so no per-token Python step) give exactly the features, rows and probabilities of the
training featurizer."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from processors import classifier

DEVSET = Path(__file__).resolve().parent.parent / "bench" / "devset" / "devset.jsonl"


def _random_texts(alphabet: str, seed: int, count: int = 3000) -> Iterator[str]:
    """``count`` texts of 0 to 40 characters drawn from ``alphabet``, the same for a seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choices(alphabet, k=rng.randint(0, 40)))


def _devset_texts() -> list[str]:
    lines = DEVSET.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    assert len(texts) > 300
    return texts


def _training_proba(model: classifier.EventClassifier, text: str) -> np.ndarray:
    """The probabilities as computed before this round: training's features, its vocabulary."""
    feats = classifier._feature_set(text)
    return model.proba_of_rows(model.known_rows(feats), len(feats))


# numbers alone, beside words, doubled; separators; digits outside ASCII (Arabic-Indic three, a
# superscript two that is no decimal digit); letters outside [a-z]; more than _MAX_CHARS
_ALPHABET = "ab z0 9-'’ ٣²Àé.\n"


def test_serving_features_are_the_training_features_in_serving_form() -> None:
    texts = [*_random_texts(_ALPHABET, seed=17), "0 " * 400, "a1" * 400, *_devset_texts()]
    for text in texts:
        training = set(classifier.features(text))
        serving = classifier._serving_feature_set(text)
        assert serving == {classifier._serving_form(f) for f in training}, text
        assert len(serving) == len(training), text


def test_serving_rows_are_the_known_rows_of_the_training_features() -> None:
    model = classifier.load_classifier()
    words = [f for f in model.vocab if " " not in f][:400]
    rng = random.Random(18)
    texts = [" ".join(rng.choices([*words, "7", "x"], k=rng.randint(0, 60))) for _ in range(300)]
    texts += [*_random_texts(_ALPHABET, seed=18, count=500), *_devset_texts()]
    reached = 0
    for text in texts:
        want = model.known_rows(classifier._feature_set(text))
        serving = model.serving_rows(classifier._serving_feature_set(text))
        # s18speed: serving rows count from the end of the weight rows
        assert [r + len(model.vocab) for r in serving] == want, text
        reached += len(want)
    assert reached > 10_000  # the texts reach many known rows, not only empty sets


def test_the_serving_vocabulary_keeps_every_feature_apart() -> None:
    model = classifier.load_classifier()
    assert len(model.serving_vocab) == len(model.vocab)
    numbered = [f for f in model.vocab if "0" in f.split(" ")]
    assert numbered  # the shipped model knows number features: the test checks something
    for feature in numbered:
        row = model.serving_vocab[classifier._serving_form(feature)]
        assert row + len(model.vocab) == model.vocab[feature]


def test_probabilities_are_bit_identical_to_the_training_featurizer() -> None:
    model = classifier.load_classifier()
    # words the model knows, numbers, separators: texts that reach many known rows
    words = [f for f in model.vocab if " " not in f][:400]
    rng = random.Random(17)
    texts = [" ".join(rng.choices([*words, "12", "3", "-", "’s"], k=rng.randint(0, 60)))]
    texts += [" ".join(rng.choices([*words, "12", "3"], k=rng.randint(0, 60))) for _ in range(500)]
    texts += _devset_texts()
    for text in texts:
        got, want = model.predict_proba(text), _training_proba(model, text)
        assert got.dtype == want.dtype
        assert got.tobytes() == want.tobytes(), text

"""The ``"rules+classifier"`` extractor: the rule engine for structure (counts, places, dates,
actors, evidence), a learned linear classifier for the sub-event type and for whether the
evidence sentence reports an event at all.

The model is a multinomial logistic regression over word unigrams and bigrams of the evidence
text, trained by ``processors/training/train.py`` (fixed seed, data in
``processors/training/data/``) and shipped as ``processors/data/event_classifier.npz``: a
vocabulary, a weight matrix and the labels. Loading reads that file with numpy alone
(``allow_pickle=False``): nothing is downloaded and nothing from the network is needed.

Confidence rule, per incident the rules emit (the thresholds ship inside the weights file, so
a model and the rule it was tuned with travel together):

* the classifier's top class is ``none`` with probability >= ``drop_threshold``: the incident
  is dropped (the sentence reports no event);
* its top class is another sub-event type with probability >= ``override_threshold`` and a lead
  of at least ``override_margin`` over the rules' type, and both types are among those the
  model learned from real reports (``rerank``: the types of the UCDP-derived training rows):
  the incident is re-typed (event type from :data:`wirewatch.taxonomy.EVENT_TYPE_OF`). Between
  other types the rules stand: there the model knows only our own written reports, and on our
  regression sets it re-typed more incidents wrongly than rightly;
* otherwise the rules' type stands.

Spanish incidents (:mod:`processors.spanish`) keep the rules' type and are never dropped: the
model reads English words (its few Spanish training headlines carry labels derived from UCDP's
kind of violence, which made every Spanish clash, bomb and drone strike tried an Attack).

Every incident it returns names the model in ``extractor.version``:
``<rules version>+clf-<first 12 hex of the weights file's sha256>``.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from processors.extractor import RuleExtractor, Verdict
from processors.rules import EXTRACTOR_NAME, EXTRACTOR_VERSION
from processors.spanish import LANGUAGE as SPANISH
from wirewatch.config import ProcessSettings
from wirewatch.contracts import Article, ExtractorInfo, Incident
from wirewatch.errors import ConfigError
from wirewatch.taxonomy import EVENT_TYPE_OF

__all__ = [
    "CLASSIFIER_EXTRACTOR",
    "NONE_LABEL",
    "ClassifierExtractor",
    "EventClassifier",
    "features",
    "load_classifier",
]

CLASSIFIER_EXTRACTOR = "rules+classifier"
NONE_LABEL = "none"
WEIGHTS_FILE = "event_classifier.npz"

_TOKEN_RE = re.compile(r"[a-z]+(?:['’-][a-z]+)*|\d+")
_MAX_CHARS = 600  # evidence past this adds words, not signal, and costs time
# float64 against float32 probabilities differ by a few float32 roundings (about 1e-6 at the
# scores' size); a decision this close to a tie or a threshold is taken on the float32 ones
DECISION_GUARD = 1e-4


def features(text: str) -> list[str]:
    """Word unigrams and bigrams of ``text``, lowercased, every number read as ``0``. The one
    featurizer of both training and serving, so they cannot drift apart."""
    toks = _tokens(text)
    # bigrams joined by a builtin (no Python-level loop)
    return toks + list(map(" ".join, itertools.pairwise(toks)))


def _tokens(text: str) -> list[str]:
    return ["0" if t[0].isdigit() else t for t in _TOKEN_RE.findall(text[:_MAX_CHARS].lower())]


def _feature_set(text: str) -> set[str]:
    """``set(features(text))``, built without the list of all features in between."""
    toks = _tokens(text)
    feats = set(toks)
    feats.update(map(" ".join, itertools.pairwise(toks)))
    return feats


@dataclass(frozen=True)
class EventClassifier:
    """A loaded model: ``predict_proba`` over ``labels`` for a text."""

    vocab: dict[str, int]
    weights: np.ndarray  # (len(vocab), len(labels)), float32
    bias: np.ndarray  # (len(labels),), float32
    labels: tuple[str, ...]
    rerank: frozenset[str]  # the types an override may move between (learned from real reports)
    drop_threshold: float
    override_threshold: float
    override_margin: float
    sha256: str
    # derived from the above for :meth:`decide`'s Python-float path
    _bias_values: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _label_index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_bias_values", tuple(self.bias.tolist()))
        # the first index of a label, as tuple.index
        index: dict[str, int] = {}
        for i, label in enumerate(self.labels):
            index.setdefault(label, i)
        object.__setattr__(self, "_label_index", index)

    @classmethod
    def from_bytes(cls, raw: bytes) -> EventClassifier:
        import io

        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            vocab_list = str(z["vocab"][()]).split("\n")
            labels = tuple(str(z["labels"][()]).split("\n"))
            rerank = frozenset(x for x in str(z["rerank"][()]).split("\n") if x)
            weights = z["weights"].astype(np.float32)
            bias = z["bias"].astype(np.float32)
            drop, override, margin = (float(x) for x in z["thresholds"])
        if weights.shape != (len(vocab_list), len(labels)) or bias.shape != (len(labels),):
            raise ValueError("weights, vocabulary and labels disagree in size")
        known = {*EVENT_TYPE_OF, NONE_LABEL}
        unknown = sorted({lab for lab in (*labels, *rerank) if lab not in known})
        if unknown:
            raise ValueError(f"labels not in the taxonomy: {unknown}")
        return cls(
            vocab={f: i for i, f in enumerate(vocab_list)},
            weights=weights,
            bias=bias,
            labels=labels,
            rerank=rerank,
            drop_threshold=drop,
            override_threshold=override,
            override_margin=margin,
            sha256=hashlib.sha256(raw).hexdigest(),
        )

    def predict_proba(self, text: str) -> np.ndarray:
        feats = _feature_set(text)
        return self._proba_float32(feats, self._rows(feats))

    def _rows(self, feats: set[str]) -> list[int]:
        # in row order: float32 sums depend on the order of their terms, and a set's order
        # on the process's hash seed, so without it two workers could differ in the last bit
        rows = [r for r in map(self.vocab.get, feats) if r is not None]
        rows.sort()
        return rows

    def _proba_float32(self, feats: set[str], rows: list[int]) -> np.ndarray:
        """The model's probabilities as trained and shipped (float32 arithmetic, fixed order):
        the reference that :meth:`decide` falls back to near a boundary."""
        scores = self.bias.copy()
        # the ufuncs themselves rather than the ndarray methods that wrap them (same
        # arithmetic in the same order, so the same bits, without the wrappers' Python
        # overhead on a 28-element vector)
        if rows:
            # as in training: each present feature weighs 1/sqrt(n), n the text's distinct
            # features, known or not (a float64 divisor, as np.sqrt gave)
            scores += np.add.reduce(self.weights.take(rows, axis=0), axis=0) / np.float64(
                math.sqrt(len(feats))
            )
        scores -= np.maximum.reduce(scores)
        p = np.exp(scores)
        return p / np.add.reduce(p)

    def _proba_float64(self, feats: set[str], rows: list[int]) -> list[float]:
        """The same probabilities with the softmax in Python floats: one numpy call for the
        row sums instead of about ten on a 28-vector (each costs more than its arithmetic).
        They differ from :meth:`_proba_float32` by float32 rounding only (far below
        :data:`DECISION_GUARD`)."""
        if rows:
            sums = np.add.reduce(self.weights.take(rows, axis=0), axis=0).tolist()
            root = math.sqrt(len(feats))
            scores = [b + s / root for b, s in zip(self._bias_values, sums, strict=True)]
        else:
            scores = list(self._bias_values)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def _near_boundary(self, p: list[float], rule_type: str) -> bool:
        """Whether float32 rounding could change what :meth:`_choose` makes of ``p``: the top
        two classes or the top's probability (alone, or less the rules' type's) within
        :data:`DECISION_GUARD` of each other or of a threshold."""
        first, second = heapq.nlargest(2, p)
        if first - second < DECISION_GUARD:
            return True
        if (
            abs(first - self.drop_threshold) < DECISION_GUARD
            or abs(first - self.override_threshold) < DECISION_GUARD
        ):
            return True
        rule_index = self._label_index.get(rule_type)
        rule_p = p[rule_index] if rule_index is not None else 0.0
        return abs(first - rule_p - self.override_margin) < DECISION_GUARD

    def decide(self, text: str, rule_type: str) -> str | None:
        """The sub-event type to emit for an incident the rules typed ``rule_type`` with
        ``text`` as evidence; None: drop it (no event reported). Decided on the float64
        probabilities unless they lie near a boundary, where the float32 ones decide: the
        same answer as the float32 path for every text."""
        feats = _feature_set(text)
        rows = self._rows(feats)
        fast = self._proba_float64(feats, rows)
        if self._near_boundary(fast, rule_type):
            return self._choose(self._proba_float32(feats, rows), rule_type)
        return self._choose(fast, rule_type)

    def _choose(self, p: Sequence[float] | np.ndarray, rule_type: str) -> str | None:
        """The confidence rule (module docstring) on the probabilities ``p``."""
        # the first of equal maxima, as numpy's argmax
        top = max(range(len(p)), key=p.__getitem__)
        label = self.labels[top]
        if label == NONE_LABEL:
            return None if p[top] >= self.drop_threshold else rule_type
        if label == rule_type or p[top] < self.override_threshold:
            return rule_type
        if label not in self.rerank or rule_type not in self.rerank:
            return rule_type
        rule_p = p[self.labels.index(rule_type)] if rule_type in self.labels else 0.0
        return label if p[top] - rule_p >= self.override_margin else rule_type

    def decide_float32(self, text: str, rule_type: str) -> str | None:
        """:meth:`decide` on the float32 probabilities alone (the reference path)."""
        return self._choose(self.predict_proba(text), rule_type)


@lru_cache(maxsize=1)
def load_classifier() -> EventClassifier:
    """The shipped model (cached process-wide). Raises :class:`ConfigError` (one line) when the
    weights file is missing or unreadable."""
    try:
        raw = resources.files("processors").joinpath("data", WEIGHTS_FILE).read_bytes()
        return EventClassifier.from_bytes(raw)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"process.extractor {CLASSIFIER_EXTRACTOR!r}: cannot load processors/data/"
            f"{WEIGHTS_FILE}: {exc} (rebuild it with processors/training/train.py)"
        ) from None


class ClassifierExtractor:
    """Rules for structure, the shipped classifier for the type (see the module docstring)."""

    name = f"{EXTRACTOR_NAME}+classifier"

    def __init__(
        self, settings: ProcessSettings | None = None, model: EventClassifier | None = None
    ) -> None:
        self._rules = RuleExtractor(settings)
        # loaded here, at start-up: a missing or broken weights file fails before any article
        self.model = model if model is not None else load_classifier()
        self.version = f"{EXTRACTOR_VERSION}+clf-{self.model.sha256[:12]}"
        self._info = ExtractorInfo(name=self.name, version=self.version)

    def setup(self) -> None:
        self._rules.setup()

    def policy(self, article: Article) -> Verdict:
        return self._rules.policy(article)

    def extract(self, articles: Sequence[Article]) -> list[list[Incident]]:
        return [self.refine(incidents) for incidents in self._rules.extract(articles)]

    def refine(self, incidents: Sequence[Incident]) -> list[Incident]:
        """The rules' ``incidents`` of one text, re-typed or dropped by the confidence rule."""
        model, info = self.model, self._info
        kept: list[Incident] = []
        for inc in incidents:
            if inc.language == SPANISH:
                kept.append(inc.model_copy(update={"extractor": info}))
                continue
            sub = model.decide(inc.evidence.text, inc.sub_event_type)
            if sub is None:
                continue
            update: dict[str, Any] = {"extractor": info}
            if sub != inc.sub_event_type:
                update["sub_event_type"] = sub
                update["event_type"] = EVENT_TYPE_OF[sub]  # type: ignore[index]
            kept.append(inc.model_copy(update=update))
        return kept

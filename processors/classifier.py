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
* the rules' Armed clash or Explosions sub-type is never re-typed an Attack
  (:data:`RULES_STAND`). The rules type an Armed clash only on a reading of two armed sides
  (fighting words, combatants named among the dead, an armed target), and an Explosions
  sub-type only on a named weapon, which ACLED codes before the victims; their Attack is also
  their fallback when they read neither. Word n-grams cannot overturn such a reading:
  "regime forces", "killed", "yesterday" are as common in one-sided reports as in tolls of
  fighting ("N killed yesterday, including M members of the regime forces" is fighting; the
  model, trained on both, said Attack). The other way, an Attack re-typed an Armed clash or a
  weapon's type, stays open: there the rules may have read no side and no weapon;
* otherwise the rules' type stands.

Spanish incidents (:mod:`processors.spanish`) keep the rules' type and are never dropped: the
model reads English words (its few Spanish training headlines carry labels derived from UCDP's
kind of violence, which made every Spanish clash, bomb and drone strike tried an Attack).

Every incident it returns names the model in ``extractor.version``:
``<rules version>+clf-<first 12 hex of the weights file's sha256>``.
"""

from __future__ import annotations

import hashlib
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
    "RULES_STAND",
    "ClassifierExtractor",
    "EventClassifier",
    "features",
    "load_classifier",
]

CLASSIFIER_EXTRACTOR = "rules+classifier"
NONE_LABEL = "none"
WEIGHTS_FILE = "event_classifier.npz"

# a word, its apostrophe or hyphen parts, or a number; possessive quantifiers: nothing follows
# that could make the greedy ones give back, so the matches are those of the plain
# ``[a-z]+(?:['’-][a-z]+)*|\d+``, found without the regex engine's backtracking bookkeeping
_TOKEN_RE = re.compile(r"[a-z]++(?:['’-][a-z]++)*+|\d++")
# (rules' type, model's type) pairs where the rules' type stands however sure the model is (see
# the module docstring)
RULES_STAND: frozenset[tuple[str, str]] = frozenset(
    (rule_type, "Attack")
    for rule_type in (
        "Armed clash",
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
    )
)
_MAX_CHARS = 600  # evidence past this adds words, not signal, and costs time


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


# serving reads a number as the empty token, not ``0``: the pattern's one group holds a word and
# is empty for a number, so ``findall`` gives the tokens with no per-token Python step. The
# serving vocabulary (:func:`_serving_form`) spells its features the same way; the mapping is
# one-to-one (tokens hold no space and are otherwise never empty), so a text has as many
# distinct features, and the same known ones, as under :func:`features`
_SERVING_TOKEN_RE = re.compile(r"([a-z]++(?:['’-][a-z]++)*+)|\d++")


def _serving_form(feature: str) -> str:
    """``feature`` (as :func:`features` spells it) with every number token ``0`` made empty."""
    return " ".join("" if t == "0" else t for t in feature.split(" "))


def _serving_feature_set(text: str) -> set[str]:
    """``{_serving_form(f) for f in features(text)}``, the form the serving vocabulary reads."""
    toks = _SERVING_TOKEN_RE.findall(text[:_MAX_CHARS].lower())
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
    # ``vocab`` keyed by :func:`_serving_form`, for :meth:`predict_proba`, each row counted from
    # the end (``row - len(vocab)``, negative): no row is 0, so :meth:`serving_rows` drops the
    # unknown features' None in C (``filter(None, ...)``), and ``take`` reads the same rows
    serving_vocab: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.vocab)
        serving = {_serving_form(f): i - n for f, i in self.vocab.items()}
        object.__setattr__(self, "serving_vocab", serving)

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
        feats = _serving_feature_set(text)
        return self.proba_of_rows(self.serving_rows(feats), len(feats))

    def serving_rows(self, feats: set[str]) -> list[int]:
        """:meth:`known_rows` of features in serving form (from :func:`_serving_feature_set`),
        each counted from the end of the weight rows (negative; ``take`` reads the same row)."""
        # a look-up per feature, the unknown ones' None dropped by filter in C: ``sorted(map(
        # vocab.__getitem__, vocab.keys() & feats))`` ran more instructions (s17prep: the
        # intersection builds a set of its own)
        rows = list(filter(None, map(self.serving_vocab.get, feats)))
        rows.sort()  # the order of known_rows (see there): the offset keeps it
        return rows

    def known_rows(self, feats: set[str]) -> list[int]:
        """The weight rows of the known features of ``feats``, in row order: float32 sums
        depend on the order of their terms, and a set's order on the process's hash seed, so
        without it two workers could differ in the last bit."""
        rows = [r for r in map(self.vocab.get, feats) if r is not None]
        rows.sort()
        return rows

    def proba_of_rows(self, rows: list[int], n_features: int) -> np.ndarray:
        """The label probabilities of a text whose known features are ``rows`` (from
        :meth:`known_rows` or :meth:`serving_rows`) among ``n_features`` distinct features, known
        or not."""
        scores = self.bias.copy()
        # the ufuncs themselves rather than the ndarray methods that wrap them (same
        # arithmetic in the same order, so the same bits, without the wrappers' Python
        # overhead on a 28-element vector)
        if rows:
            # as in training: each present feature weighs 1/sqrt(n), n the text's distinct
            # features, known or not (a float64 divisor, as np.sqrt gave)
            scores += np.add.reduce(self.weights.take(rows, axis=0), axis=0) / np.float64(
                math.sqrt(n_features)
            )
        scores -= np.maximum.reduce(scores)
        p = np.exp(scores)
        return p / np.add.reduce(p)

    def decide(self, text: str, rule_type: str) -> str | None:
        """The sub-event type to emit for an incident the rules typed ``rule_type`` with
        ``text`` as evidence; None: drop it (no event reported)."""
        p = self.predict_proba(text)
        top = int(p.argmax())
        label = self.labels[top]
        if label == NONE_LABEL:
            return None if p[top] >= self.drop_threshold else rule_type
        if label == rule_type or p[top] < self.override_threshold:
            return rule_type
        if label not in self.rerank or rule_type not in self.rerank:
            return rule_type
        if (rule_type, label) in RULES_STAND:
            return rule_type
        rule_p = p[self.labels.index(rule_type)] if rule_type in self.labels else 0.0
        return label if p[top] - rule_p >= self.override_margin else rule_type


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

"""Train the event-type classifier and write ``processors/data/event_classifier.npz``.

Data (all in the repo, so the weights rebuild identically from a checkout):

* ``compose.compose()``: reports written for wirewatch from clause templates, all 25 ACLED
  sub-event types, the 2 disaster types and non-events (``none``), drawn with a fixed seed;
* ``data/ucdp-dev-labelled.jsonl.gz``: UCDP GED headlines of the development part labelled by
  ``ucdp.py`` (CC BY 4.0, UCDP; see the README's credits). ``--refresh-ucdp`` rebuilds it from
  ``../shared/eval`` when that folder is there; without the flag the committed file is used.

The model: binary word unigrams and bigrams (:func:`processors.classifier.features`, the same
function serving uses), each row scaled by 1/sqrt(its distinct features), features seen in
fewer than 2 reports dropped, multinomial logistic regression (scikit-learn, lbfgs,
deterministic). Weights are stored as float16 so that the file stays small and last-bit
differences of the solver between machines rarely change it; ``--check`` retrains and fails
when the result differs from the shipped file.

Usage::

    .venv/bin/python -m processors.training.train [--refresh-ucdp] [--check]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from processors.classifier import WEIGHTS_FILE, features
from processors.training.compose import compose

HERE = Path(__file__).resolve().parent
UCDP_DATA = HERE / "data" / "ucdp-dev-labelled.jsonl.gz"
OUT = HERE.parent / "data" / WEIGHTS_FILE
EVAL_UCDP = HERE.parents[1].parent / "shared" / "eval" / "ucdp-ged-headlines.jsonl.gz"

# The confidence rule of processors/classifier.py, chosen on the development parts of
# ../shared/eval (bench/score_eval.py --part dev), never on the blind parts.
DROP_THRESHOLD = 0.9
OVERRIDE_THRESHOLD = 0.4
OVERRIDE_MARGIN = 0.15
C = 20.0
MIN_DF = 2


def load_ucdp() -> list[tuple[str, str]]:
    with gzip.open(UCDP_DATA, "rt", encoding="utf-8") as fh:
        return [(r["text"], r["label"]) for r in map(json.loads, fh) if r]


def write_ucdp() -> int:
    from processors.training.ucdp import build

    rows = build(EVAL_UCDP, per_label_cap=1200)
    buf = io.BytesIO()
    # mtime=0 and no file name: the same rows give the same bytes
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        for row in rows:
            gz.write((json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode())
    UCDP_DATA.write_bytes(buf.getvalue())
    return len(rows)


def real_labels() -> set[str]:
    return {label for _text, label in load_ucdp()} if UCDP_DATA.exists() else set()


def training_rows(per_class: int = 260) -> list[tuple[str, str]]:
    rows = compose(per_class=per_class)
    if UCDP_DATA.exists():
        rows += load_ucdp()
    return rows


def matrix(texts: list[str], vocab: dict[str, int]) -> Any:
    """The rows the model is fitted on: binary n-grams of ``vocab``, each present feature
    weighing 1/sqrt(n), n the text's distinct features known or not, as serving computes it."""
    from scipy.sparse import csr_matrix

    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for text in texts:
        feats = set(features(text))
        known = sorted(vocab[f] for f in feats if f in vocab)
        cols += known
        data += [1.0 / np.sqrt(max(1, len(feats)))] * len(known)
        indptr.append(len(cols))
    return csr_matrix((data, cols, indptr), shape=(len(texts), len(vocab)))


def fit(rows: list[tuple[str, str]]) -> tuple[list[str], list[str], Any]:
    """(vocabulary, labels, fitted scikit-learn model) for ``rows``; deterministic."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for t, _ in rows]
    # the classes the rows have, in sorted order: sklearn's coef_ rows are in this order
    labels = sorted({lab for _, lab in rows})
    y = np.array([labels.index(lab) for _, lab in rows])
    vec = CountVectorizer(analyzer=features, min_df=MIN_DF, binary=True)
    vec.fit(texts)
    vocab = vec.get_feature_names_out().tolist()
    model = LogisticRegression(C=C, max_iter=3000, random_state=0)
    model.fit(matrix(texts, {f: i for i, f in enumerate(vocab)}), y)
    return vocab, labels, model


def train(rows: list[tuple[str, str]], rerank: set[str] | None = None) -> bytes:
    """The weights file's bytes for ``rows`` (deterministic); ``rerank``: the types an override
    may move between (default: those of the real, UCDP-derived rows)."""
    vocab, labels, model = fit(rows)
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        vocab=np.array("\n".join(vocab)),
        labels=np.array("\n".join(labels)),
        rerank=np.array("\n".join(sorted(rerank if rerank is not None else real_labels()))),
        weights=model.coef_.T.astype(np.float16),
        bias=model.intercept_.astype(np.float16),
        thresholds=np.array(
            [DROP_THRESHOLD, OVERRIDE_THRESHOLD, OVERRIDE_MARGIN], dtype=np.float64
        ),
    )
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--refresh-ucdp", action="store_true")
    ap.add_argument("--check", action="store_true", help="fail if retraining changes the file")
    args = ap.parse_args(argv)
    if args.refresh_ucdp:
        if not EVAL_UCDP.exists():
            print(f"--refresh-ucdp: {EVAL_UCDP} is absent", file=sys.stderr)
            return 2
        print(f"ucdp rows: {write_ucdp()}")
    rows = training_rows()
    raw = train(rows)
    digest = hashlib.sha256(raw).hexdigest()
    if args.check:
        same = OUT.exists() and OUT.read_bytes() == raw
        print(f"{'identical' if same else 'DIFFERENT'}: {digest[:12]} ({len(rows)} rows)")
        return 0 if same else 1
    OUT.write_bytes(raw)
    print(f"wrote {OUT} ({len(raw)} bytes, sha256 {digest[:12]}, {len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

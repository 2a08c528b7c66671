"""Pair precision and recall of the cluster stage on real headlines nobody here wrote: the UCDP
records of ``../shared/eval/ucdp-ged-headlines.jsonl.gz`` (not a test).

UCDP Georeferenced Event Dataset (Sundberg & Melander 2013; Davies et al.), CC BY 4.0. The data
is read at run time from ``../shared/eval`` (the project's parent folder); nothing of it is
written into the project. When the file is absent the script says so and exits 0.

How the set is built, from one part of the committed split of ``bench/score_eval.py`` (the
same hash of the record id; ``--part blind`` is for milestones only and never prints a
headline):

* A record with several headlines (one per source, one per line) is one real event: each
  headline becomes one report (article), gold event = the record id.
* Negatives: every single-headline record of the same part in the same country whose event
  starts within ``--days`` days (3) of a several-headline record's start becomes one report of
  its own event, so that joining reports of different events costs precision.
* A headline string found in more than one record of the part is one source that reported
  several events (a daily round-up coded as several UCDP events): its report would belong to
  several gold events, so it is dropped from all of them (counted); a record left with one
  headline stays as a single report, one left with none is gone.
* Time: a record has one ``published_at`` (the earliest source date, a day). Its i-th headline
  is published that day at 06:00 + 7*i minutes, so the copies of one event are distinct reports
  interleaved with the other records of the day, and reports go to the stage in that order
  (then by article id). The extractor resolves weekdays against that day, as the reports'
  real dates are unknown (UCDP keeps only the earliest).
* Language: the reports are not declared; the extractor's language policy detects them and
  skips the non-English ones (Spanish Mexican headlines): they yield no incident and, like
  every report without an incident, are left out of the pairs and counted.

Scoring is ``bench_clusters.pair_scores``: each report through the real extractor
(``process_article``) and the cluster stage; two reports are together when their first
incidents are in one event. Figures are printed for the whole part and per source extract of
the file (``meta.subset``: Syria 2016-2019, Mexico, Myanmar, a global sample). ``--pairs``
(dev only) prints the wrong pairs by class, with the gold record ids.

Usage: .venv/bin/python bench/score_clusters_ucdp.py --part dev|blind [--days 3] [--pairs]
       [--cache DIR]

``--cache DIR`` keeps each report's incidents in ``DIR`` (keyed by the extractor's version and
the report), for repeated runs while changing the clusterer only.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import bench_clusters  # noqa: E402
from score_eval import EVAL_DIR, FILES, UCDP_CITATION, part_of  # noqa: E402

from processors.stage import process_article  # noqa: E402
from wirewatch.contracts import Article, Incident  # noqa: E402

DATA = EVAL_DIR / FILES["ucdp"]
FIRST_MINUTE = 6 * 60  # 06:00 on the record's day
SPREAD_MINUTES = 7


def headlines(rec: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for line in rec["text"].split("\n"):
        line = line.strip()
        if line and line not in out:
            out.append(line)
    return out


def load_part(part: str) -> list[dict[str, Any]]:
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        return [
            rec
            for rec in (json.loads(line) for line in fh if line.strip())
            if part_of(rec["id"]) == part
        ]


def build_set(records: list[dict[str, Any]], days: int = 3) -> tuple[list[dict], dict]:
    """Reports (article dicts as ``bench_clusters`` takes them) in publication order, and what
    was kept and dropped."""
    owners: Counter[str] = Counter()
    for rec in records:
        owners.update(headlines(rec))
    shared = {h for h, n in owners.items() if n > 1}
    kept: dict[str, list[str]] = {}
    stats: Counter[str] = Counter()
    for rec in records:
        mine = headlines(rec)
        unique = [h for h in mine if h not in shared]
        stats["headlines_shared_dropped"] += len(mine) - len(unique)
        if len(mine) > 1:
            stats["records_with_several_headlines"] += 1
            if len(unique) > 1:
                kept[rec["id"]] = unique
            elif unique:
                stats["several_left_with_one"] += 1
            else:
                stats["several_left_with_none"] += 1
    multi_by_country: dict[str, list[int]] = {}
    for rec in records:
        if rec["id"] in kept:
            day = datetime.fromisoformat(rec["gold"]["date_start"][:10]).toordinal()
            multi_by_country.setdefault(rec["gold"]["country"], []).append(day)

    def near_a_multi(rec: dict[str, Any]) -> bool:
        day = datetime.fromisoformat(rec["gold"]["date_start"][:10]).toordinal()
        return any(abs(day - d) <= days for d in multi_by_country.get(rec["gold"]["country"], ()))

    articles: list[dict] = []
    for rec in records:
        if rec["id"] in kept:
            texts = kept[rec["id"]]
        else:
            unique = [h for h in headlines(rec) if h not in shared]
            if not unique or not near_a_multi(rec):
                continue
            texts = unique[:1]
            stats["negative_records"] += 1
        base = datetime.fromisoformat(rec["published_at"][:10] + "T00:00:00+00:00")
        for i, text in enumerate(texts):
            at = base + timedelta(minutes=FIRST_MINUTE + SPREAD_MINUTES * i)
            articles.append(
                {
                    "article_id": f"{rec['id']}-h{i}",
                    "event": rec["id"],
                    "outlet": f"source{i}.ucdp.example",
                    "published_at": at.isoformat(),
                    "text": text,
                    "subset": str(rec["meta"].get("subset")),
                }
            )
    stats["events_with_several_reports"] = len(kept)
    stats["reports"] = len(articles)
    articles.sort(key=bench_clusters.publication_order)
    return articles, dict(stats)


class Extractor:
    """The real extractor on an undeclared-language report, optionally cached on disk."""

    def __init__(self, cache: Path | None) -> None:
        from processors.rules import EXTRACTOR_VERSION

        self.path = None
        self.memo: dict[str, list[dict]] = {}
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            self.path = cache / f"ucdp-incidents-{EXTRACTOR_VERSION}.jsonl"
            if self.path.exists():
                for line in self.path.read_text().splitlines():
                    row = json.loads(line)
                    self.memo[row["key"]] = row["incidents"]

    def __call__(self, a: dict) -> list[Incident]:
        key = hashlib.sha256(
            json.dumps([a["article_id"], a["text"], a["published_at"]]).encode()
        ).hexdigest()
        if key in self.memo:
            return [Incident.model_validate(i) for i in self.memo[key]]
        article = Article(
            article_id=a["article_id"],
            url=f"https://{a['outlet']}/{a['article_id']}",
            text=a["text"],
            language=None,
            published_at=a["published_at"],
        )
        incidents = process_article(article)
        rows = [i.model_dump(mode="json") for i in incidents]
        self.memo[key] = rows
        if self.path is not None:
            with self.path.open("a") as fh:
                fh.write(json.dumps({"key": key, "incidents": rows}) + "\n")
        return incidents


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("dev", "blind"), required=True)
    ap.add_argument("--days", type=int, default=3, help="negatives: start within N days")
    ap.add_argument("--pairs", action="store_true", help="print wrong pairs by class (dev)")
    ap.add_argument("--cache", type=Path, help="keep extracted incidents in this folder")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (see ../shared/eval/README.md)")
        return 0
    if args.pairs and args.part == "blind":
        print("--pairs is for the dev part only: blind records are not looked at")
        return 2
    articles, stats = build_set(load_part(args.part), days=args.days)
    extract = Extractor(args.cache)
    scores = bench_clusters.pair_scores(articles, show_pairs=args.pairs, extract=extract)
    # per source extract (Syria 2016-19, Mexico, Myanmar, the global sample), each through a
    # stage of its own: events never join across countries, so this only splits the figure
    by_subset = {
        name: bench_clusters.pair_scores(
            [a for a in articles if a["subset"] == name], extract=extract
        )
        for name in sorted({a["subset"] for a in articles})
    }
    print(
        json.dumps(
            {"part": args.part, "set": stats, "quality": scores, "by_subset": by_subset},
            indent=2,
        )
    )
    print(f"data: {UCDP_CITATION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

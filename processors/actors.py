"""Actors, weapons and sources of an event mention.

* Named armed groups come from :data:`GROUPS` (canonical name, ACLED-like actor type, variant
  spellings); state forces from "<Country|demonym> military/army/police/forces" and well-known
  commands (Pentagon, CENTCOM, IDF); "unidentified gunmen" and similar give an Unidentified
  armed group. The first actor before the trigger is ``actor1``; actors after "against",
  "targeting", "on", "at" are the ``target``; the group that "claimed responsibility" is the
  ``claimant``.
* Weapons are matched from :data:`WEAPONS`.
* Sources: news agencies and "according to ..." / "... said" attributions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

from processors.fastre import finditer_named, folds_plainly, guarded, holds_any, unnamed
from wirewatch.contracts import (
    CIVILIANS,
    GENERIC_STATE_FORCES,
    PROTESTERS,
    RIOTERS,
    UNIDENTIFIED_ARMED_GROUP,
    Actor,
    ActorRole,
)

__all__ = ["GROUPS", "WEAPONS", "find_actors", "find_sources", "find_weapons"]

# canonical name, actor type, variant spellings (regex)
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("Hamas", "rebel_group", r"Hamas|Qassam Brigades|Izz ad-Din al-Qassam"),
    ("Hezbollah", "rebel_group", r"Hezbollah|Hizbollah|Hizballah|Hizbullah"),
    ("Houthis (Ansar Allah)", "rebel_group", r"Houthis?|Huthis?|Ansar Allah|Ansarallah"),
    (
        "Islamic State (ISIS)",
        "rebel_group",
        r"Islamic State(?! (?:West Africa|Sahel|Khorasan))|ISIS|ISIL|IS militants|Daesh|Da'esh",
    ),
    ("ISWAP", "rebel_group", r"ISWAP|Islamic State West Africa(?: Province)?"),
    ("Islamic State Sahel", "rebel_group", r"Islamic State (?:in the )?Sahel|ISSP|ISGS"),
    ("ISKP", "rebel_group", r"ISKP|ISIS-K|Islamic State Khorasan(?: Province)?"),
    ("al-Shabaab", "rebel_group", r"al-Shabaab|al-Shabab|Al Shabaab|Shabaab|Shabab"),
    ("Boko Haram", "rebel_group", r"Boko Haram|JAS|Jama'atu Ahlis Sunna"),
    ("JNIM", "rebel_group", r"JNIM|Jama'at Nusrat al-Islam wal-Muslimin|GSIM"),
    ("al-Qaeda", "rebel_group", r"al-Qaeda|al Qaeda|al-Qaida|AQAP|AQIM"),
    ("Taliban", "rebel_group", r"Taliban"),
    ("TTP", "rebel_group", r"TTP|Tehrik-e-Taliban Pakistan|Pakistani Taliban"),
    ("RSF", "rebel_group", r"Rapid Support Forces|RSF"),
    ("M23", "rebel_group", r"M23|March 23 Movement"),
    ("ADF", "rebel_group", r"ADF|Allied Democratic Forces"),
    ("Wagner Group", "external_force", r"Wagner(?: Group)?|Africa Corps"),
    ("PKK", "rebel_group", r"PKK|Kurdistan Workers' Party"),
    ("SDF", "rebel_group", r"SDF|Syrian Democratic Forces"),
    ("HTS", "rebel_group", r"HTS|Hayat Tahrir al-Sham"),
    ("ELN", "rebel_group", r"ELN|National Liberation Army"),
    ("FARC dissidents", "rebel_group", r"FARC(?: dissidents)?|EMC|Estado Mayor Central"),
    ("Clan del Golfo", "rebel_group", r"Clan del Golfo|Gulf Clan|AGC"),
    (
        "Popular Mobilisation Forces",
        "militia",
        r"Popular Mobili[sz]ation (?:Forces|Units)|PMF|PMU|Hashd al-Shaabi",
    ),
    ("Islamic Resistance in Iraq", "militia", r"Islamic Resistance in Iraq"),
    ("Kataib Hezbollah", "militia", r"Kata'?ib Hezbollah|Kataeb Hezbollah"),
    ("Fano militia", "identity_militia", r"Fano"),
    ("Palestinian Islamic Jihad", "rebel_group", r"Islamic Jihad|PIJ|Al-Quds Brigades"),
    ("Arakan Army", "rebel_group", r"Arakan Army"),
    ("PDF (Myanmar)", "rebel_group", r"People's Defen[cs]e Forces?|PDF"),
    ("Sinaloa Cartel", "rebel_group", r"Sinaloa Cartel"),
    ("CJNG", "rebel_group", r"CJNG|Jalisco New Generation Cartel|Jalisco cartel"),
    ("drug cartel", "militia", r"(?:drug |criminal )?cartels?"),
    ("gang", "militia", r"gang members|gangs?|Viv Ansanm|G9"),
    ("bandits", "militia", r"bandits"),
    (
        "Iran-backed militia",
        "militia",
        r"Iran(?:ian)?-backed (?:groups?|militias?|factions?)|pro-Iran(?:ian)? (?:militias?|"
        r"factions?|groups?)",
    ),
)
_STATE_UNITS = (
    r"military|army|armed forces|forces|troops|soldiers|police|policemen|air force|navy|"
    r"security forces|defen[cs]e forces|border guards?|gendarmerie|special forces|marines|"
    r"Central Command|warplanes|jets|aircraft|drones?|coast guard"
)
_STATE_RE = re.compile(
    rf"\b(?P<who>(?:U\.S\.|US|UK|[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)(?:-led)?)\s+(?:(?:military|"
    rf"government|state|federal|national|regular|coalition|allied)\s+)?(?P<unit>(?i:{_STATE_UNITS}))\b"
)
_UNIT_RE = guarded(rf"\b(?:{_STATE_UNITS})\b", re.IGNORECASE)
_COMMANDS = (
    (r"US Central Command|USCENTCOM|CENTCOM|Centcom", "US Central Command (CENTCOM)"),
    (r"Pentagon", "US military"),
    (r"Israel Defen[cs]e Forces|IDF", "Israeli military"),
    (r"FARDC", "DR Congo military"),
    (r"Tatmadaw", "Myanmar military"),
)
_GENERIC_STATE_RE = guarded(
    r"\b(?:security forces|government forces|troops|soldiers|the army|the military|police|"
    r"policemen|gendarmes)\b",
    re.IGNORECASE,
)
_UNIDENTIFIED_RE = re.compile(
    r"\b(?:unidentified|unknown|suspected|masked)\s+(?:gunmen|assailants|attackers|armed men|"
    r"militants|men|perpetrators)|\bgunmen\b|\barmed men\b|\bassailants\b|\bunidentified\b|"
    r"without being able to identify",
    re.IGNORECASE,
)
_CROWD_RE = guarded(
    r"\b(?:protesters|demonstrators|rioters|mob|residents|students|workers)\b", re.IGNORECASE
)
_CIVILIAN_RE = guarded(
    r"\b(?:civilians?|villagers|residents|worshippers|farmers|passengers|children|women)\b",
    re.IGNORECASE,
)
_GROUP_RE = guarded(
    "\\b(?=[A-Za-z])(?:"
    + "|".join(f"(?P<g{i}>(?:{pat})\\b)" for i, (_n, _t, pat) in enumerate(GROUPS))
    + ")"
)
# the same alternation without a group per name: finds where a name is, fast (fastre.unnamed)
_GROUP_ANY_RE = unnamed(_GROUP_RE)
_COMMAND_RE = re.compile(
    "|".join(f"(?P<c{i}>\\b(?:{p})\\b)" for i, (p, _n) in enumerate(_COMMANDS))
)
_TARGET_CUE_RE = guarded(
    r"\b(?:against|targeting|targeted|on|at|attacked|hit|struck|killed|killing|abducted|"
    r"kidnapped|belonging to)\b",
    re.IGNORECASE,
)
_BY_RE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_CLAIM_RE = guarded(
    r"\bclaim(?:ed|s|ing)? (?:responsibility|the (?:attack|bombing|strike|killing)s?)\b",
    re.IGNORECASE,
)
_CLAIMED_BY_RE = re.compile(
    r"\b(?:claimed|was claimed|were claimed) by\s+(?:the\s+)?$", re.IGNORECASE
)

_NOT_STATE = frozenset(
    {
        "The",
        "A",
        "An",
        "Its",
        "Their",
        "His",
        "Her",
        "Some",
        "Two",
        "Three",
        "Many",
        "Several",
        "Special",
        "Security",
        "Government",
        "Allied",
        "Coalition",
        "Enemy",
        "Rebel",
        "Foreign",
    }
)


def _state_name(who: str, unit: str) -> str:
    unit_l = unit.lower()
    kind = "police" if unit_l.startswith("police") else "military"
    return f"{who} {kind}"


# Keyword pre-checks: a pattern runs only when one of its words occurs at all.
_UNIDENTIFIED_KEYS = (
    "unidentified",
    "unknown",
    "suspected",
    "masked",
    "gunmen",
    "armed men",
    "assailants",
    "without being able",
)
_WEAPON_KEYS = tuple(
    """missile rocket drone uav mortar artiller howitzer explosive ied bomb landmine vest grenade
    rpg ak-47 kalashnikov rifle gun pistol kni machete ac-130 f-16 tear rubber ammunition cannon
    chlorine munition himars iskander tank""".split()
)


# Lower-case substrings one of which every match of the pattern contains.
_GENERIC_STATE_KEYS = (
    "security forces",
    "government forces",
    "troops",
    "soldiers",
    "the army",
    "the military",
    "police",
    "gendarmes",
)
_CROWD_KEYS = ("protesters", "demonstrators", "rioters", "mob", "residents", "students", "workers")
_CIVILIAN_KEYS = (
    "civilian",
    "villagers",
    "residents",
    "worshippers",
    "farmers",
    "passengers",
    "children",
    "women",
)
# Case-sensitive substrings one of which every _COMMANDS pattern contains.
_COMMAND_KEYS = ("Command", "CENTCOM", "Centcom", "Pentagon", "Defen", "IDF", "FARDC", "Tatmadaw")


_has_any = holds_any


def find_actors(
    text: str, start: int, end: int, trigger_pos: int, demonyms: dict[str, str]
) -> list[Actor]:
    """Actors named in ``text[start:end]``; roles relative to the trigger at ``trigger_pos``.

    ``demonyms`` maps adjectives and names to country names ("Iraqi" -> "Iraq") so that state
    forces are named after their country.
    """
    found: list[tuple[int, str, str]] = []  # (pos, name, type)
    for m in finditer_named(_GROUP_RE, _GROUP_ANY_RE, text, start, end):
        name, typ, _p = GROUPS[int((m.lastgroup or "g0")[1:])]
        found.append((m.start(), name, typ))
    seg = text[start:end]
    commands = _has_any(seg, _COMMAND_KEYS)
    for m in _COMMAND_RE.finditer(text, start, end) if commands else ():
        found.append((m.start(), _COMMANDS[int((m.lastgroup or "c0")[1:])][1], "state_forces"))
    for m in _STATE_RE.finditer(text, start, end) if _UNIT_RE.search(text, start, end) else ():
        who = m.group("who")
        if who in _NOT_STATE or who.split()[0] in _NOT_STATE:
            continue
        country = demonyms.get(who.lower())
        if country is None and who not in ("US", "U.S.", "UK"):
            continue
        country = country or ("United States" if who in ("US", "U.S.") else "United Kingdom")
        found.append((m.start(), _state_name(country, m.group("unit")), "state_forces"))
    low = seg.lower()
    if not any(t == "state_forces" for _p, _n, t in found) and _has_any(low, _GENERIC_STATE_KEYS):
        g = _GENERIC_STATE_RE.search(text, start, end)
        if g is not None:
            found.append((g.start(), GENERIC_STATE_FORCES, "state_forces"))
    u = _UNIDENTIFIED_RE.search(text, start, end) if _has_any(low, _UNIDENTIFIED_KEYS) else None
    if u is not None:
        found.append((u.start(), UNIDENTIFIED_ARMED_GROUP, "unidentified"))
    c = _CROWD_RE.search(text, start, end) if _has_any(low, _CROWD_KEYS) else None
    if c is not None:
        word = c.group().lower()
        found.append(
            (
                c.start(),
                RIOTERS if word in ("rioters", "mob") else PROTESTERS,
                "rioters" if word in ("rioters", "mob") else "protesters",
            )
        )
    v = _CIVILIAN_RE.search(text, start, end) if _has_any(low, _CIVILIAN_KEYS) else None
    if v is not None:
        found.append((v.start(), CIVILIANS, "civilians"))
    found.sort()
    actors: list[Actor] = []
    seen: set[str] = set()
    claim = _CLAIM_RE.search(text, start, end) if "claim" in low else None
    for pos, name, typ in found:
        if name in seen:
            continue
        seen.add(name)
        between = text[trigger_pos:pos] if pos > trigger_pos else ""
        if (
            claim is not None
            and pos < claim.start()
            and typ != "civilians"
            and claim.start() - pos < 80
        ):
            role = "claimant"
        elif _CLAIMED_BY_RE.search(text, max(start, pos - 30), pos):
            role = "claimant"
        elif typ == "unidentified" and not any(a.role == "actor1" for a in actors):
            role = "actor1"
        elif pos > trigger_pos and _BY_RE.search(text, max(start, pos - 12), pos):
            role = "actor1" if not any(a.role == "actor1" for a in actors) else "actor2"
        elif typ == "civilians" or (between and _TARGET_CUE_RE.search(between)):
            role = "target"
        elif not any(a.role == "actor1" for a in actors):
            role = "actor1"
        elif pos > trigger_pos:
            role = "target"
        else:
            role = "actor2"
        actors.append(Actor(name=name, role=cast(ActorRole, role), type=typ))
    return actors


WEAPONS = (
    r"(?:close-range |short-range |long-range )?(?:ballistic|cruise|guided|anti-tank|"
    r"surface-to-air|surface-to-surface|hypersonic) missiles?|missiles?|rockets?|"
    r"(?:kamikaze |suicide |armed |attack )?drones?|UAVs?|mortars?|artillery|howitzers?|"
    r"improvised explosive devices?|IEDs?|roadside bombs?|car bombs?|landmines?|explosive vests?|"
    r"suicide vests?|grenades?|rocket-propelled grenades?|RPGs?|AK-47s?|Kalashnikovs?|"
    r"rifles?|machine guns?|guns?|pistols?|knives|knife|machetes?|AC-130(?: aircraft)?|"
    r"F-16s?|helicopter gunships?|tear ?gas|rubber bullets|live ammunition|water cannons?|"
    r"chlorine gas|barrel bombs?|cluster munitions?|Shahed drones?|Grad rockets?|HIMARS|"
    r"Iskander missiles?|tanks?"
)
_WEAPON_RE = guarded(rf"\b(?:{WEAPONS})\b", re.IGNORECASE)
# The same words, lowercase, matched case-sensitively in lowercased text: the same matches where
# lowercasing keeps every offset and matches what ignoring case matches (``folds_plainly``),
# without a case-folding call per character tried in each alternative.
_WEAPON_LOW_RE = guarded(rf"\b(?:{WEAPONS.lower()})\b")


def find_weapons(text: str, start: int, end: int) -> list[str]:
    """Weapons named in ``text[start:end]``, lower-cased and singular, in order."""
    if not _has_any(text[start:end].lower(), _WEAPON_KEYS):
        return []
    if folds_plainly(text):  # the whole text: a word boundary at ``start`` reads the one before
        found = _WEAPON_LOW_RE.finditer(text.lower(), start, end)
    else:
        found = _WEAPON_RE.finditer(text, start, end)
    return weapon_names(found)


def weapon_names(matches: Iterable[re.Match[str]]) -> list[str]:
    """The weapons ``matches`` of the weapon pattern name, lower-cased and singular, in order;
    a name inside another one found (``drone`` of ``shahed drone``) is kept once, as the longer."""
    out: list[str] = []
    for m in matches:
        w = m.group().lower()
        if w.endswith("s") and not w.endswith(("ss", "us", "gas")) and w not in ("himars",):
            w = w[:-3] + "fe" if w.endswith("knives") else w[:-1]
        if any(w in o for o in out):
            continue
        out = [o for o in out if o not in w]
        out.append(w)
    return out


_AGENCIES = (
    r"AFP|Agence France-Presse|Reuters|AP|Associated Press|Xinhua|Anadolu(?: Agency)?|TASS|"
    r"RIA Novosti|Interfax|Al Jazeera|BBC|CNN|SANA|IRNA|WAFA|NNA|Ukrinform|dpa|EFE|ANSA|"
    r"Kyodo|Yonhap|PTI|ANI|Bernama|Antara|KUNA|SPA|QNA|MENA|Fars|Tasnim|Mehr|IRNA|Rudaw|"
    r"Shafaq News|Kurdistan24|Al-Masirah|Al Arabiya|Sky News|Fox News|NBC|CBS|ABC|Telegram|X"
)
_AGENCY_RE = re.compile(
    rf"(?:\b(?:told|to|according to|reported by|cited by|quoted by|said|says)\s+(?:the\s+)?)"
    rf"(?P<a>{_AGENCIES})\b"
)
_ACCORDING_RE = guarded(
    r"\baccording to (?P<who>(?:the\s+)?(?:[\w'’-]+\s+){0,5}?[\w'’-]+)(?=[,.;:”\"]|\s+(?:who|"
    r"which|and|in|on)\b|$)",
    re.IGNORECASE,
)
# The runs of name characters, word characters and spaces are possessive (``*+``, ``++``): what
# follows each can never start with a character of the run (a space after a word, a word or a
# keyword after a space), so no shorter run can lead to a match, and giving back one character
# at a time on every failed attempt (at each word start before a reporting verb) is wasted.
_SAID_RE = re.compile(
    r"(?<![\w'’.])(?P<who>(?:[A-Z][\w'’.-]*+(?:\s++(?:of|for|and)\s++|\s++)){0,6}(?:[A-Z][\w'’.-]*+|"
    r"spokes(?:man|woman|person))|(?:the\s++)?(?:\w++\s++){0,2}(?:sources?|"
    r"officials?|spokes(?:man|woman|person)|witnesses|residents|police|army|military|ministry|"
    r"statement))(?:,[^,]{1,40},)?\s+(?:said|says|told|reported|announced|confirmed|claimed|"
    r"stated)\b"
)
_SAID_VERB_RE = re.compile(r"\b(?:said|says|told|reported|announced|confirmed|claimed|stated)\b")
_SAID_MAX = 400  # longer than any "<who>, <apposition>, said" match
_POST_ON_X_RE = re.compile(r"\bin a (?:post|statement) on (?:X|Twitter|Telegram|Facebook)\b")


def find_sources(text: str, start: int, end: int) -> list[str]:
    """Who reported the event, e.g. ["AFP", "US Central Command post on X"]."""
    out: list[str] = []
    seg = text[start:end]
    for m in _AGENCY_RE.finditer(seg):
        a = m.group("a")
        if a == "X":
            continue
        out.append(a)
    according = "ccording" in seg or "CCORDING" in seg
    for m in _ACCORDING_RE.finditer(seg) if according else ():
        who = re.sub(r"^the\s+", "", m.group("who"), flags=re.IGNORECASE)
        if who.lower() in ("reports", "the sources", "sources") and out:
            continue
        out.append(who)
    # a "<who> said" match ends at its verb: start the scan shortly before the first verb and
    # end it at the end of the last one (every match ends at a verb, with a word boundary after
    # it that the cut keeps; the words after the last verb are most of a sentence's words)
    verb = _SAID_VERB_RE.search(seg)
    scan: Iterable[re.Match[str]] = ()
    if verb is not None:
        last_end = verb.end()
        for later in _SAID_VERB_RE.finditer(seg, last_end):
            last_end = later.end()
        scan = _SAID_RE.finditer(seg, max(0, verb.start() - _SAID_MAX), last_end)
    for m in scan:
        who = re.sub(r"^(?:The|the)\s+", "", m.group("who")).strip()
        if not who or who.split()[0] in ("He", "She", "It", "They", "We", "I", "This", "That"):
            continue
        if _POST_ON_X_RE.search(seg, m.end(), m.end() + 40):
            who = f"{who} post on X"
        out.append(who)
    uniq: list[str] = []
    for s in out:
        if s not in uniq:
            uniq.append(s)
    return uniq[:4]

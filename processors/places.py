"""Event locations: gazetteer hits of an article, weighed by how the text uses them.

The gazetteer (:mod:`processors.gazetteer`) finds every name; this module decides which ones
place an event. A name after a locative preposition ("in Iraq", "near the town of Djibo") or
followed by a place noun ("the Abu Ghraib area") is a location; a demonym ("Iraqi") or a name
used as a subject ("Washington said") is context only. "30 km west of Baghdad" keeps Baghdad as
the anchor with precision ``near`` and moves the point by the stated distance. The article's
countries (named places and demonyms) disambiguate names such as "Baghdad" or "Tripoli".

The gazetteer is loaded once per process (lazily, by :func:`gazetteer`); if it cannot be
loaded, extraction still works and incidents carry no location (and say so in warnings).
"""

from __future__ import annotations

import difflib
import logging
import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from processors import lexicon as lx
from processors.fastre import (
    finditer_named,
    first_char_dispatch,
    folds_plainly,
    guarded,
    holds_any,
    lowercase_twin,
    lowered_document,
)
from processors.geo_data import (
    ADMIN_SUFFIXES,
    ARABIC_NAME_COUNTRIES,
    PARTICLES,
    canon_key,
    data_text,
    fold,
    fold_token,
)
from wirewatch.contracts import Location

if TYPE_CHECKING:
    from processors.gazetteer import Gazetteer, Place

__all__ = [
    "ArticlePlaces",
    "PlaceHit",
    "article_places",
    "choose_location",
    "coordinated_places",
    "gazetteer",
]

log = logging.getLogger(__name__)

_RANK = {"country": 0, "admin1": 1, "near": 2, "city": 3, "landmark": 4}
_AREA_KINDS = frozenset({"region", "sea", "corridor"})
# A town outside the article's countries is its own place when it is this populous ("London" in
# a report on Gaza protests); smaller ones must lie in a neighbouring country ("Goma" when the
# text says "Congo", "Kherson" when it says only "Russian shelling").
_FOREIGN_TOWN_POP = 500_000
# the last word of a name that makes it a region's: "Sagaing Region", "Shan-North"
_REGION_WORDS = ADMIN_SUFFIXES | {"north", "south", "east", "west"}
# A town of another region than the ones a text names is a namesake unless this populous
# ("Man Aung" village in a note on Mon State is not Manaung, a town of 50,000 in Rakhine), or
# the town its own region is named after ("Daraa" next to "Raqqa province")
_OTHER_REGION_TOWN_POP = 100_000
# A town this small names its country only weakly (processors.gazetteer.SMALL_TOWN)
_VILLAGE_POP = 15_000
# A town of a country bordering the one of a side the text names (and no country) is the side's
# raid across the border from this size ("Mandera", Kenya, with al-Shabaab); smaller ones are
# taken for namesakes.
_NEIGHBOUR_SIDE_TOWN_POP = 50_000
# "west of X" or "X's northern countryside" with no distance: the point this far from the town
# towards that side (a town's countryside reaches a few tens of kilometres out)
_SIDE_KM = 20.0
_DIRECTIONS = {
    "north": (1.0, 0.0),
    "south": (-1.0, 0.0),
    "east": (0.0, 1.0),
    "west": (0.0, -1.0),
    "northeast": (0.7071, 0.7071),
    "northwest": (0.7071, -0.7071),
    "southeast": (-0.7071, 0.7071),
    "southwest": (-0.7071, -0.7071),
}
# the Spanish sides ("al norte de", "en el sur de", "a 30 kilómetros al oeste de"), read as
# their English twins
_ES_DIRECTIONS = {
    "norte": "north", "sur": "south", "este": "east", "oeste": "west", "oriente": "east",
    "poniente": "west", "noreste": "northeast", "nororiente": "northeast",
    "noroeste": "northwest", "norponiente": "northwest", "sureste": "southeast",
    "sudeste": "southeast", "suroriente": "southeast", "suroeste": "southwest",
    "sudoeste": "southwest", "surponiente": "southwest",
}  # fmt: skip
_ES_DIRECTION = "|".join(sorted(_ES_DIRECTIONS, key=len, reverse=True))
# The nouns that call a name a town ("Killi village", "the town of X"): _MARKED_AFTER_RE and
# _MARKED_BEFORE_RE add a few of their own to these
_TOWN_NOUN = r"town|city|village|municipality"
_PLACE_NOUN = (
    rf"{_TOWN_NOUN}|villages|district|province|region|state|county|area|governorate|capital|"
    r"suburb|neighbou?rhood|outskirts|camp|commune|locality|department|prefecture|"
    r"territory|oblast|settlement|port|border|island|valley|river|base|market"
)
_LOCATIVE_RE = guarded(
    rf"(?:\b(?:in|at|near|outside|inside|into|across|around|from|to|toward|towards|on|off|"
    rf"within|between|via|through|throughout|hit|struck|targeted|shelled|bombed|attacked|"
    # "(Sagaing Region)": a parenthesised region says where the place before it lies
    rf"entered|captured|seized|of|and)\s+|,\s*|\(\s*)(?:the\s+)?"
    rf"(?:[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?['’]s\s+)?"  # "in Ethiopia's Amhara region"
    rf"(?:(?:(?:north|south|east|west)"
    rf"(?:ern|-?(?:east|west)(?:ern)?)?|central|northern|southern|eastern|western|"
    rf"restive|besieged|embattled|occupied|rural|coastal|border)\s+)*"
    # "in the Kenyan capital Nairobi", "the Syrian city of Aleppo"
    rf"(?:(?:[A-Z][a-z]+\s+)?(?:{_PLACE_NOUN})\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
# its lowercase twin (see fastre.lowercase_twin): "[A-Z]" ignoring case is "[a-z]" in lowercase
_LOCATIVE_LOW_RE = lowercase_twin(_LOCATIVE_RE.pattern.replace("[A-Z]", "[a-z]"))


def _locative_before(text: str, start: int, low: str | None = None) -> bool:
    """``_LOCATIVE_RE.search(text, max(0, start - 40), start) is not None``, by its lowercase
    twin in the lowercased window (and the character before it, for a word boundary at the
    window's start) where case folding is plain there. ``low``: the whole text lowercased
    where case folding is plain in all of it (:func:`fastre.lowered_document`), searched in
    place instead of lowering a window for each name."""
    lo = max(0, start - 40)
    if low is not None:
        return _LOCATIVE_LOW_RE.search(low, lo, start) is not None
    a = max(0, lo - 1)
    window = text[a:start]
    if not folds_plainly(window):
        return _LOCATIVE_RE.search(text, lo, start) is not None
    return _LOCATIVE_LOW_RE.search(window.lower(), lo - a) is not None


_NEAR_RE = re.compile(
    r"(?:(?:(?P<dist>\d+(?:\.\d+)?)\s*-?\s*(?:km|kms|kilometres|kilometers|kilometre|kilometer|"
    r"(?P<mi>miles?|mi))\s+(?:\(\s*\d+\s*(?:miles?|km)\s*\)\s+)?(?:to\s+the\s+)?)?"
    r"(?P<dir>(?:north|south)"
    # "the northern countryside of Aleppo": the villages on that side of the town
    r"(?:-?(?:east|west))?|east|west)(?:ern)?\s+(?P<side>(?:rural\s+)?countryside\s+)?of|"
    r"\bnear|\bnearby|\boutside|outskirts of|"
    r"close to|vicinity of|not far from|on the road (?:to|between)|just off)\s+(?:the\s+)?"
    rf"(?:(?:{_PLACE_NOUN})\s+(?:of\s+)?)?$"
    # "a 30 kilómetros al norte de", "en el sur del municipio de": the Spanish sides
    r"|(?:\ba\s+(?:unos\s+|poco\s+más\s+de\s+)?(?P<dist_es>\d+(?:[.,]\d+)?)\s*"
    r"(?:km|kms|kilómetros?|kilometros?)\s+)?"
    rf"\b(?:al|hacia\s+el|en\s+el|en\s+la\s+zona|zona)\s+(?P<dir_es>{_ES_DIRECTION})\s+del?\s+"
    r"(?:(?:la\s+)?(?:ciudad|municipio|localidad|comunidad|poblado|población|cabecera\s+"
    r"municipal|puerto)\s+(?:de\s+)?)?$",
    re.IGNORECASE,
)
# A distance in words before a side ("two kilometres west of X", "a few miles north of X") or a
# short way off ("just west of X"): that distance, not the default of a bare side
_WORDED_DISTANCE_BEFORE_RE = re.compile(
    r"\b(?:(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|a\s+couple\s+of)\s+"
    r"(?:km|kms|kilomet(?:re|er)s?|(?P<mi>miles?))|(?P<just>just|immediately|slightly))\s+"
    r"(?:to\s+the\s+)?$",
    re.IGNORECASE,
)
# the worded distances that are no number (lx.NUMBER_WORDS holds "one" to "ten"), in km
_VAGUE_DISTANCE_KM = {"a few": 3.0, "a couple of": 2.0}
_PLACE_NOUN_AFTER_RE = re.compile(rf"\s+(?:{_PLACE_NOUN})\b", re.IGNORECASE)
# "Kenya has deployed": an auxiliary after a name makes it a subject (_SUBJECT_AFTER_RE) unless
# the name follows its preposition (_AUXILIARY_AFTER_RE, see _hit)
_AUXILIARY = r"has|have|will|would"
_SUBJECT_AFTER_RE = re.compile(
    r"\s*(?:'s\s+(?:government|president|army|military|leader|foreign|prime|envoy)|said|says|"
    rf"announced|claimed|accused|denied|{_AUXILIARY})\b",
    re.IGNORECASE,
)
_AUXILIARY_AFTER_RE = re.compile(rf"\s*(?:{_AUXILIARY})\b", re.IGNORECASE)
_ROAD_AFTER_RE = re.compile(
    r"[\s-]+(?:[A-Z][\w'’-]*\s+)?(?i:highway|road|motorway|expressway|freeway)\b"
)
# A name that is part of an armed group's name is not a place of the event ("the Sinaloa cartel",
# "the West Papua National Liberation Army", "Arakan Army").
_GROUP_AFTER_RE = re.compile(
    r"\s+(?:cartels?|gangs?|militias?|(?-i:Army)|(?:National )?(?-i:Liberation)|(?-i:Front)|"
    r"(?-i:Movement)|(?-i:Brigades?))\b",
    re.IGNORECASE,
)
# A country's name that begins an organisation's (civic, business) name says nothing about
# where the event is: "Palestine Action", "Ukraine Solidarity Campaign", "Kenya Airways".
_BIG_CITY_POP = 1_000_000
_ORG_AFTER_RE = re.compile(
    r"\s+(?-i:Action|Campaign|Solidarity|Coalition|Foundation|Institute|Airways|Airlines|"
    r"Telecom|Bank|Fund|Trust|Society|Forum|Cup|Open)\b"
)
# Route ends and destinations are not where the event happened: "a bus travelling from Quetta to
# Lahore", "residents fled to the city of Cucuta".
_ROUTE_FROM_RE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_ROUTE_TO_AFTER_RE = re.compile(r"\s+to\s+(?:the\s+)?[A-Z]")
_ROUTE_TO_RE = guarded(r"\bfrom\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s+to\s+(?:the\s+)?$")
_DESTINATION_RE = guarded(
    r"\b(?:fled|flee|fleeing|fled|evacuated|rushed|airlifted|transferred|flown|bound|headed|"
    r"heading|travell?ing|returned|deported)\b[^.,;]{0,30}?\b(?:to|for|towards?)\s+(?:the\s+)?"
    r"(?:(?:[a-z]+\s+)?(?:city|town|capital|village|port)\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
# A capitalised word right after a town's name that continues it ("Adan Yabaal", "Kibbutz Be'eri"
# is fine, "Mosul Dam" is a landmark): the town is part of an unknown longer name, unless the word
# is a date or a place noun.
_NAME_GOES_ON_RE = re.compile(
    r" (?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|City|Town|Province|State|"
    r"Region|District|Oblast|Governorate|County|Prefecture|Department|Municipality|Island|"
    r"Islands|Valley|Camp|Port|Airport|Police|On|In|At|And|The|Local|National|International|"
    r"Township|Village|Division|Territory|Zone|Area|Road|Highway|Street|Market|Bridge)\b)"
    r"(?-i:[A-Z][a-z'’]{2,})\b"
)
_POSSESSIVE_AFTER_RE = re.compile(r"['’]s\s")
_PRO_ANTI_RE = re.compile(r"(?:\bpro|\banti)-$", re.IGNORECASE)
# "on the Monguno-Baga road": a route named by its end towns, near the first one
_ROUTE_NAME_RE = re.compile(
    r"-[A-Z][\w'’]+(?:\s+[A-Z][\w'’]+)?\s+(?i:highway|road|motorway|expressway|axis|route)\b"
)
# Armed groups whose names hold words that are also towns somewhere ("Haram" in Norway, "Adl").
_ORG_NAME_RE = re.compile(
    r"\bBoko Haram\b|\bal-Shabaa?b\b|\bJaish[\s-]al-[\w-]+|\bJama'?at [\w' -]{3,60}?"
    r"(?=[,.;]|\s(?:fighters|militants|group|members))|\bAnsar(?:[\s-]al)?[\s-][\w-]+|"
    r"\bLashkar[\s-]e[\s-][\w-]+|\bTehreek[\s-]e[\s-][\w-]+(?: [A-Z][\w-]+)?|"
    r"\bHayat Tahrir al-Sham\b|\bAhrar al-Sham\b|\bHarakat[\s-][\w-]+|\bKata'?ib [\w-]+|"
    r"\bAsa'?ib Ahl al-Haq\b|\bFaylaq [\w-]+|\bLiwa [\w-]+(?: al-[\w-]+)?|"
    r"\bIslamic State (?:in|of) (?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+)?(?: Province)?|"
    # Arabic group names: "Jund al-Aqsa" is no Jerusalem mosque, "Jaysh al-Islam" no town
    r"\b(?:Jund|Jaysh|Jabhat|Saraya|Quwat|Alwiyat)[\s-](?:al-)?[\w'’-]+"
    r"(?:[\s-]al-[\w'’-]+)?|"
    # "Tahrir al-Sham", "Suqour al-Sham", "Ahl al-Sham": "of the Levant" ends many groups'
    # names under many spellings of their heads; al-Sham is also Damascus's name
    r"\b(?!(?:In|At|Of|From|To|Near|And|The|On|Across|Around|Throughout|Outside|Inside|Within|"
    r"Into|Through|Towards?|Beyond|Along|Over|Under|By|For|With|Between|Via|Past|"
    # a preposition opening a sentence ("Outside al-Sham, ..."), English or Spanish ("En al-Sham")
    r"En|Desde|Hacia|Hasta|De|Del|Y)\b)(?-i:[A-Z])[\w'’]+"
    r"[\s-]al-Sham\b",
    re.IGNORECASE,
)
_ORG_HINT_WORDS = (
    "haram", "shabab", "jaish", "jama", "ansar", "lashkar", "tehreek", "tahrir", "ahrar",
    "harakat", "kata", "asa", "faylaq", "liwa", "islamic state", "jund", "jaysh", "jabhat",
    "saraya", "quwat", "alwiyat", "l-sham",
)  # fmt: skip
_ORG_HINT_RE = re.compile("|".join(map(re.escape, _ORG_HINT_WORDS)), re.IGNORECASE)

# "Saudi-led", "Iranian-backed": a sponsor's country, not the event's
# ("U.S led coalition": headlines drop the hyphen; only "led" is taken without it, since "Turkey
# backed the plan" is a verb)
_BACKED_AFTER_RE = re.compile(
    r"(?:-(?:led|backed|supported|allied|sponsored|funded|trained|armed|aligned|affiliated|"
    r"loyal)|\s+led\s+(?:coalition|forces|alliance|troops|operation|campaign|strikes?))\b",
    re.IGNORECASE,
)
# "Russian shelling", "Israeli air strikes", "Turkish drones": whose weapons, not where
# "Russian “guarantor’s” warplanes", "the Russian and regime's warplanes": the same, across a
# quoted word or a second owner
_ATTACKER_AFTER_RE = re.compile(
    r"(?:\s+(?:and|as\s+well\s+as)\s+(?:the\s+)?[\w'’]+|"
    r"\s*[“”\"‘’'][^“”\"\n]{1,24}[“”\"’'](?:[’']s)?|\s*[–—-]\s*[\w'’]+)?"
    # "Russian aerial bombing", "a Turkish attack on X" (what follows "on" is the target)
    r"\s+(?:shelling|(?:air |aerial |drone |missile |rocket )?(?:strikes?|raids?)|airstrikes?|"
    r"aerial\s+(?:bombing|bombardments?|attacks?)|(?:drone |missile |rocket )?attacks?\s+on\b|"
    r"drones?|"
    r"warplanes?|war planes?|planes|jets|aircraft|helicopters?|artillery|missiles?|rockets?|"
    r"bombardments?|bombing|incursions?|guarantor|aggression|occupation|"
    # foreign militias or a truce between two powers: who, not where (home forces, "Syrian
    # troops", and "Mexican border city" stay a hint of where)
    r"militias?|militiamen|mercenaries|truce|allegations?|"
    # a foreign power's presence or promises ("the Turkish patrols", "Russian guarantees")
    r"patrols?|guarantees?|guarantors?|offensive)\b",
    re.IGNORECASE,
)
# A state's forces by its name or demonym ("Turkish forces", "US troops"): at home, or abroad
# beside a side of the country they are in (article_places weighs that)
_FORCES_AFTER_RE = re.compile(
    r"\s+(?:(?:special|security|armed|ground|military|border)\s+)?(?:forces|troops|army|"
    r"soldiers|military|guards|(?-i:Jandarma)|gendarmerie|tanks|commandos|marines)\b",
    re.IGNORECASE,
)
# "warplanes believed to be Russian": the demonym after the weapon
_ATTACKER_BEFORE_RE = guarded(
    r"\b(?:warplanes?|war planes|planes|jets|aircraft|helicopters?|drones?|strikes|raids)"
    r"(?:\s+(?:believed|thought|said|suspected)\s+to\s+be)?\s+$",
    re.IGNORECASE,
)
# "Jabal al-Akrad" read up to "Jabal al": an Arabic name cut at its article is no town
_ARTICLE_END_RE = re.compile(r"[\s-](?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|ez|en)$", re.I)
# A country named as an actor ("a US military base", "US gives ...") or a demonym of people
# ("an American volunteer", "Russian officers") says whose, not where: a weak hint, as for an
# attacker's weapons. (Home forces, "Myanmar military", "Syrian troops", stay a hint of where.)
_COUNTRY_ACTOR_AFTER_RE = re.compile(
    r"\s+(?:(?:military\s+|army\s+|air\s+)?bases?|officials?|embassy|envoy|"
    # "US citizens", "UK nationals": the victims' nationality, as a demonym before "man"
    r"citizens?|(?-i:nationals?)|"
    r"gives|gave|sends|sent|backs|supports)\b",
    re.IGNORECASE,
)
_PEOPLE_AFTER_RE = re.compile(
    r"\s+(?:volunteers?|fighters?|officers?|advisers?|advisors?|mercenar(?:y|ies)|"
    r"journalists?|citizens?|contractors?|instructors?|experts?|pilots?|"
    # a victim's nationality ("a Colombian man found dead", "a Moroccan commander"): news name
    # it when the victim is abroad (home forces, "Mexican soldiers", stay a hint of where)
    r"man|men|woman|women|(?-i:nationals?)|tourists|commanders?|workers?|students?|"
    r"businessm[ae]n|doctors?|engineers?|priests?|missionar(?:y|ies)|"
    # who was hit, not where: "an Iraqi refugee family", "Syrian refugees", "Iranian pilgrims"
    r"refugees?|(?:refugee\s+)?famil(?:y|ies)|hostages?|captives?|pilgrims?|spies)\b",
    re.IGNORECASE,
)
# A country's name as one of several actors ("the regime and Russia", "Russia, Turkey and the
# coalition"), as a group's patron ("gunmen loyal to Iran", "a faction close to Turkey") or as
# the other side of a border ("near the border with Jordan"): whose, not where
# "of Iran's elite force", "of Kenya's contingent": a possessive country after "of" owns a unit
# (whose), unlike "of Syria's Idlib", "of Syria's north" (where)
_OWNER_AFTER_RE = re.compile(
    r"['’]s\s+(?!(?:north|south|east|west|northern|southern|eastern|western|central|"
    r"north-?(?:east|west)(?:ern)?|south-?(?:east|west)(?:ern)?|capital|cities|city|towns?|"
    r"provinces?|regions?|borders?|territory|territories|soil|side|coast|waters|airspace|"
    r"frontier|interior|countryside|mainland)\b)[a-z]"
)
_OF_BEFORE_RE = re.compile(r"\bof\s+$")
_ACTOR_NOUNS = r"regime|government|coalition|alliance|forces|militias?|factions|rebels|army"
_COUNTRY_COACTOR_AFTER_RE = re.compile(
    rf"\s+and\s+(?:the\s+)?(?:[\w'’]+\s+)?(?:{_ACTOR_NOUNS})\b", re.IGNORECASE
)
_COUNTRY_COACTOR_BEFORE_RE = re.compile(
    rf"\b(?:{_ACTOR_NOUNS})(?:\s*,\s*|\s+and\s+)$"
    r"|\b(?:loyal|close|allied|affiliated|linked|aligned)\s+(?:to|with)\s+(?:the\s+)?$"
    r"|\bbacked\s+by\s+(?:the\s+)?$|\bborders?\s+with\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# Names of armed sides, forces and ruling bodies that belong to one country
# (processors/data/actors.tsv): a weak hint of the country when the text names no place
# ("clashes between the SDF and IS" is in Syria, "junta troops torch a village" in Myanmar).
# Case-sensitive: "KIA" is also "killed in action" in lowercase text only.
def _actor_table() -> tuple[tuple[tuple[str, float], ...], re.Pattern[str], re.Pattern[str]]:
    """The rows (country, weight), the names with a group each (read back with ``lastgroup``),
    and the same names without groups, regrouped by first character (finds where a name is)."""
    rows: list[tuple[str, float]] = []
    alts: list[str] = []
    plain: list[str] = []
    for line in data_text("actors.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        iso3, weight, names = line.split("\t")
        for name in names.split("|"):
            pat = re.escape(name).replace("'", "['’]")
            if name[:1].islower():  # "junta" also heads a sentence: "Junta troops ..."
                pat = f"[{name[0]}{name[0].upper()}]{pat[1:]}"
            alts.append(f"(?P<g{len(rows)}>{pat})")
            plain.append(pat)
            rows.append((iso3, float(weight)))
    # longest names first: "Karenni Army" before "Karenni", "regime forces" before "regime"
    order = sorted(range(len(alts)), key=lambda i: -len(alts[i]))
    # "La Junta" is a town's name, not the junta
    before, after = r"(?<!\bLa )(?<!\bEl )\b(?:", r")\b"
    names = "|".join(alts[i] for i in order)
    # without a group per name (fastre.unnamed: over 20x faster) and tried only among the names
    # that start with the character found (first_char_dispatch: about 3x faster again); the
    # same matches as the grouped pattern's, in the same order
    any_name = first_char_dispatch([plain[i] for i in order])
    return tuple(rows), guarded(before + names + after), guarded(before + any_name + after)


_HOME_ACTORS, _HOME_GROUP_RE, _HOME_ANY_RE = _actor_table()
# a side's weapon that reaches far abroad: "Houthi drone", "Hezbollah rockets"
_LONG_RANGE_AFTER_RE = re.compile(
    r"\b(?:drones?|missiles?|rockets?|ballistic)\b.{0,60}?\b(?:struck|hit|hits|strikes|targeted|"
    r"targets|landed|fell)\b",
    re.IGNORECASE,
)
# several names of one country add up to this much: still less than one named place (1.0)
_HOME_HINT_MAX = 0.9
# the weight of an own name of one country's side (a generic word weighs less)
_HOME_NAME_WEIGHT = 0.6
# A neighbourhood named in Spanish ("the Las Flores neighborhood", "Colonia Centro"): a part of a
# town the text does not name, not the namesake town abroad (Las Flores, Argentina). With
# nothing else to place the report, it hints at the Spanish-speaking country with the most
# reported violence.
_NEIGHBOURHOOD_KEYS = ("eighbo", "subdivision", "colon", "Colon", "raccionamiento", "sector")
_ES_NAME = r"[A-ZÁÉÍÓÚÑ][\w'’.-]*(?:\s+(?:[A-ZÁÉÍÓÚÑ0-9][\w'’.-]*|de|del|la|las|los|y)){0,5}"
_ES_NEIGHBOURHOOD_RE = re.compile(
    rf"\b(?P<name>{_ES_NAME})\s+(?:neighbou?rhoods?|subdivisions?|colon(?:y|ia)|sector|"
    rf"fraccionamiento)\b|\b(?:Colonia|Fraccionamiento|Fracc\.)\s+(?P<after>{_ES_NAME})"
)
_ES_MARK_RE = re.compile(
    r"[áéíóúñ]|\b(?:La|Las|Los|El|San|Santa|Santo|Villa|Villas|Lomas|Loma|Valle|Barrio|Real|"
    r"Jardines|Rinconada|Cerro|Hacienda|Campestre|Residencial|Nuevo|Nueva|Infonavit|Colinas|"
    r"Praderas|Arboledas|Paseo|Paseos|Prados|Bosques|Mirador|de|del)\b"
)
_NEIGHBOURHOOD_COUNTRY = "MEX"


# A name written with the Arabic article ("al-Khair", "Khan al-Shih") is a place where places
# have Arabic names; a namesake elsewhere (a Sokhna in India, a Zara in Croatia) is not it.
_ARTICLE_BEFORE_RE = re.compile(r"\b(?:al|Al|AL)[-‐]$")
_ARTICLE_START_RE = re.compile(r"(?:al|Al|AL)[-‐]")
_ARABIC_PLACE_COUNTRIES = ARABIC_NAME_COUNTRIES | {
    "ISR", "IRN", "TUR", "TCD", "ERI", "MLI", "NER", "NGA", "AFG", "PAK",
}  # fmt: skip


def _arabic_name_abroad(gaz: Gazetteer, text: str, start: int, mention: Any) -> bool:
    """Whether ``mention`` carries the Arabic article but names no place of a country where
    places have Arabic names."""
    if not (
        _ARTICLE_START_RE.match(mention.surface)
        or _ARTICLE_BEFORE_RE.search(text, max(0, start - 3), start)
    ):
        return False
    return not any(
        gaz.place(i).country_iso3 in _ARABIC_PLACE_COUNTRIES or gaz.place(i).feature == "country"
        for i in mention.ids[:8]
    )


_ES_NAME_GOES_ON_RE = re.compile(r" (?:de|del|de la|de las|de los) [A-ZÁÉÍÓÚÑ]")
_ES_NAME_BEFORE_RE = re.compile(
    r"\b(?!(?:Universidad|University|Ciudad|City|Estado|State|Puerto|Port|Municipio)\b)"
    r"[A-ZÁÉÍÓÚÑ][\w'’.-]* (?:de|del|de la|de las|de los) $"
)


_ES_PARTICLE_START_RE = re.compile(r"(?:San|Santa|Santo|La|Las|Los|El)\b")
# what every match of _ES_NAME_BEFORE_RE ends with ("$" also matches before a final newline):
# a name without one before it is no tail, and the pattern's scan of 40 characters is spared
_ES_NAME_BEFORE_ENDS = tuple(
    f" {w} {nl}" for w in ("de", "del", "la", "las", "los") for nl in ("", "\n")
)


def _piece_of_spanish_name(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is the head or the tail of a longer Spanish name
    ("Santa Ana" of "Santa Ana del Conde", "San José" of "Parajes de San José")."""
    if _ES_NAME_GOES_ON_RE.match(text, end):
        return True
    # a tail only after "del", "de la/las/los" or when it is itself a saint's or article-led
    # name: "Periférico de Iguala" is Iguala's ring road, in Iguala
    lo = max(0, start - 40)
    if not text.endswith(_ES_NAME_BEFORE_ENDS, lo, start):
        return False
    before = _ES_NAME_BEFORE_RE.search(text, lo, start)
    return before is not None and (
        not before.group().endswith(" de ") or _ES_PARTICLE_START_RE.match(text, start) is not None
    )


def _spanish_neighbourhoods(text: str) -> list[tuple[int, int]]:
    """Spans of the Spanish neighbourhood names of ``text``."""
    if not any(k in text for k in _NEIGHBOURHOOD_KEYS):
        return []
    out = []
    for m in _ES_NEIGHBOURHOOD_RE.finditer(text):
        key = "after" if m.group("after") else "name"
        # "the al-Sukkari neighborhood" is an Arabic name, whatever its accents
        a, b = m.span(key)
        if "l-" not in text[max(0, a - 2) : b] and (
            key == "after" or _ES_MARK_RE.search(text, a, b)
        ):
            out.append((a, b))
    return out


_IN_AREA_RE = guarded(r"\b(?:in the (?:area|vicinity|region)|nearby|near there)\b", re.I)

_GAZ: Any = None
_GAZ_FAILED = False


def gazetteer() -> Gazetteer | None:
    """The process-wide gazetteer, loaded on first use; None when it cannot be loaded."""
    global _GAZ, _GAZ_FAILED
    if _GAZ is None and not _GAZ_FAILED:
        try:
            from processors.gazetteer import Gazetteer

            _GAZ = Gazetteer.default()
        except Exception as exc:  # a broken gazetteer must not stop extraction
            log.warning("gazetteer unavailable, incidents get no location: %s", exc)
            _GAZ_FAILED = True
    return _GAZ  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A gazetteer name at ``start:end`` resolved to ``place``, with how the text uses it."""

    start: int
    end: int
    surface: str
    place: Place
    locative: bool
    near: bool
    demonym: bool
    offset_km: tuple[float, float] | None  # (north, east) displacement for "30 km west of X"
    route: bool = False  # "the Monguno-Baga road": near its first town, less sure than a town
    directional: bool = False  # "west of Baghdad": somewhere on one side, less sure than a town
    partial: bool = False  # "Adan Yabaal": the first word of a longer name the gazetteer lacks

    @property
    def precise(self) -> bool:
        """A town or a point (base, camp, crossing), as opposed to a region or a country."""
        return self.place.feature == "city" or (
            self.place.feature == "landmark" and self.place.kind not in _AREA_KINDS
        )

    @property
    def rank(self) -> int:
        feature = self.place.feature
        if feature == "landmark" and self.place.kind in _AREA_KINDS:
            return _RANK["admin1"]  # "Kashmir", "the Red Sea": a region, not a point
        if self.near and (feature not in ("country", "city") or self.route or self.directional):
            return _RANK["near"]  # "near Idlib province"; "near Djibo" is as specific as Djibo
        return _RANK.get(feature, 0)


@dataclass(frozen=True, slots=True)
class ArticlePlaces:
    hits: list[PlaceHit]
    countries: tuple[str, ...]  # ISO3, most mentioned first
    main_country: Place | None
    dateline: tuple[PlaceHit, ...] = ()  # towns of the datelines ("GOMA, Congo —")


# The heads of Arabic place names ("Wadi Barada", "Deir Hafer", "Kafr Nabl", "Tal Rifaat");
# not the ones that also head people's names (Abu, Umm, Khan)
_ARABIC_HEAD_RE = re.compile(
    r"\b(?:Wadi|Jabal|Jebel|Deir|Dayr|Kafr|Kfar|Tal|Tall|Tell|Bir|Ras|Ayn|Ain|Beit|Bayt)"
    r"[ -](?:al-|el-|ad-|ar-|as-|at-|az-|an-)?[A-Z][a-z]"
)
# "in Mogoke Township (Mandalay Region)": a town the text ties to a region by name
_TOWNSHIP_RE = re.compile(r"\b([A-Z][a-z]{4,})\s+(?i:township|town)\b")

# A run of up to three capitalised words, each maybe after an Arabic article ("al-", "ez-")
_CAP_WORD = r"[A-Z][a-z]*(?:[’'ʿ](?!s\b)[a-z]+)*"  # "Ma’arat", not the "’s" of "Islam’s"
_ARABIC_NAME_RE = guarded(
    r"(?<![\w’'-])(?:(?:[Aa][lnrsdtz]|[Ee][lnrsdtz]|[Aa]sh|[Ee]sh)[-‐ ])?"
    + _CAP_WORD
    + r"(?:[-‐ ](?:(?:al|el|a[nrsdtz]|e[nrsdtz]|ash|esh)[-‐ ])?"
    + _CAP_WORD
    + "){0,2}"
)
# With no country signalled, only towns this populous are looked up, in all of
# ARABIC_NAME_COUNTRIES: on UCDP dev, below it the matches were mostly people's names
# ("Mahmoud", "Bashar") and villages of one word; see also the locative check.
_SKELETON_ANYWHERE_POP = 20_000
# "airstrikes target X", "shelling on X": what was struck is a place, as after "in"
_STRUCK_BEFORE_RE = guarded(
    r"\b(?:target(?:s|ed|ing)?|hit|hits|bomb(?:s|ed|ing)?|shell(?:s|ed|ing)?|struck|"
    r"(?:raids?|strikes?|airstrikes?|shelling|bombardment|attacks?)\s+on)\s+(?:the\s+)?$",
    re.I,
)
_NAME_WORD_RE = re.compile(r"[A-Za-z]+(?:[’'ʿ](?!s\b)[a-z]+)*")
# A capitalised word this common in English ("Clashes" in a title-case headline) is no part of
# an unknown name; the name words of Arabic place names ("Sheikh", "Abu") are.
_NAME_WORD_MAX_ZIPF = 3.5
_NAME_WORDS = frozenset(
    """sheikh shaykh abu umm tal tel tell ter bab ras khan bir ain ayn ein deir kafr jabal jebel
    wadi beit bayt""".split()
)


def _variant_spans(
    gaz: Gazetteer, text: str, skeleton_countries: list[str]
) -> list[tuple[int, int, str]]:
    """Candidate spans for :func:`_variant_hits`: "X Township" / "X town", and, when the text
    signals a country of Arabic-derived names, each run of capitalised words with the common
    English words at its ends trimmed ("Continued Clashes Around Menbej" -> "Menbej"). Never a
    part of a run of unknown words: "Sheikh" of "Sheikh Maqsoud" is not a town of its own."""
    out = [(m.start(1), m.end(1), "township") for m in _TOWNSHIP_RE.finditer(text)]
    if not skeleton_countries:
        return out
    for m in _ARABIC_NAME_RE.finditer(text):
        # the cached fold of geo_data (fold_token): the words of such names recur
        words = [
            (w.start(), w.end(), fold_token(w.group())) for w in _NAME_WORD_RE.finditer(m.group())
        ]
        common = [
            k not in PARTICLES
            and k not in _NAME_WORDS
            and gaz.english_zipf(k) >= _NAME_WORD_MAX_ZIPF
            for _x, _y, k in words
        ]
        i, j = 0, len(words)
        while i < j and (common[i] or words[i][2] in PARTICLES):
            i += 1
        while j > i and (common[j - 1] or words[j - 1][2] in PARTICLES):
            j -= 1
        if i == j or any(common[i:j]):
            continue
        if i > 0 and words[i - 1][2] in PARTICLES:
            i -= 1  # "Around al-Bab": the article belongs to the name
        out.append((m.start() + words[i][0], m.start() + words[j - 1][1], "skeleton"))
    return out


def _variant_hits(
    gaz: Gazetteer,
    text: str,
    found: list[Any],
    named_regions: dict[str, set[str]],
    skeleton_countries: list[str],
    exclude: list[tuple[int, int]] | None,
    regions: list[tuple[int, int]] | None,
    orgs: list[tuple[int, int]],
    anywhere: bool = False,
    low: str | None = None,
) -> list[PlaceHit]:
    """Towns that no gazetteer key spells, read as spelling variants of a town of a country the
    text signals: "X Township" or "X town" as a town of a region the text names ("Mogoke" for
    Mogok), and, in countries of Arabic-derived names, a capitalised name with the consonant
    skeleton of one of its towns ("Menbej" for Manbij). A fallback: names the gazetteer knows
    are never looked at again."""
    out: list[PlaceHit] = []
    # names the gazetteer knows, groups' names ("Jaish al-Islam"), and variants already read
    taken: list[tuple[int, int]] = [(s, e) for s, e, _m in found] + orgs
    for a, b, how in _variant_spans(gaz, text, skeleton_countries):
        if any(s < b and a < e for s, e in taken):
            continue
        if exclude and any(x <= a < y for x, y in exclude):
            continue
        if regions is not None and not any(x <= a < y for x, y in regions):
            continue
        surface = text[a:b]
        if how == "township":
            for iso, names in named_regions.items():
                cands = gaz.variants_in(surface, iso, sorted(names))
                if cands:
                    out.append(_hit(text, a, b, surface, cands[0], False, low))
                    taken.append((a, b))
                    break
            continue
        if anywhere:
            cands = [
                p
                for p in gaz.variants_in(surface, None, None, skeleton=True)
                if p.population >= _SKELETON_ANYWHERE_POP
            ]
            if len({p.country_iso3 for p in cands}) == 1:
                hit = _hit(text, a, b, surface, max(cands, key=lambda p: p.population), False, low)
                if hit.locative or _STRUCK_BEFORE_RE.search(text, max(0, a - 30), a):
                    # "in Menbej", "raids target Menbej"; not "gunmen killed Khaled"
                    out.append(hit)
                    taken.append((a, b))
            continue
        for iso in skeleton_countries:
            cands = gaz.variants_in(surface, iso, None, skeleton=True)
            if cands:
                out.append(_hit(text, a, b, surface, cands[0], False, low))
                taken.append((a, b))
                break
    return out


def _cut_at_article(text: str, end: int, mention: Any) -> bool:
    """Whether a mention ends on an Arabic article that the text goes on from ("Jabal al" of
    "Jabal al-Akrad", read as Jebel in Turkmenistan) and its place is some other name: "Daraa
    al" of "Daraa al-Balad" is still Daraa."""
    if text[end : end + 1] not in "-‐" or not _ARTICLE_END_RE.search(mention.surface):
        return False
    words = [w for w in mention.surface.replace("-", " ").split() if w[:1].isupper()]
    head = fold(words[0])[:3] if words else ""
    return not fold(mention.candidates[0].name).startswith(head)


def _find(gaz: Gazetteer, text: str, regions: list[tuple[int, int]] | None) -> list[Any]:
    """Gazetteer mentions of ``text`` (or only of ``regions`` of it), offsets into ``text``."""
    if regions is None:
        return [(m.start, m.end, m) for m in gaz.find(text)]
    out: list[Any] = []
    for a, b in regions:
        out.extend((a + m.start, a + m.end, m) for m in gaz.find(text[a:b]))
    return out


# a region's noun before its name ("the state of Zacatecas", "la provincia de"): read on the
# lowercased 24 characters before a town's name
_ADMIN_OF_BEFORE_RE = re.compile(
    r"\b(?:state|province|department|governorate|estado|provincia|departamento) (?:of|de) $"
)


# the bracketed agency that ends a dateline span, right before its dash or colon
_DATELINE_AGENCY_RE = re.compile(r"\(([^()]{2,20})\)[ \t]*(?:—|–|--|-|\.-|\.—|\.–|:)[ \t]+$")


def article_places(
    text: str,
    title: str | None = None,
    exclude: list[tuple[int, int]] | None = None,
    regions: list[tuple[int, int]] | None = None,
    event_words: list[tuple[int, int]] | None = None,
) -> ArticlePlaces:
    """Resolve every place name of ``text`` with the article's countries as context.

    Names inside ``exclude`` (datelines) count as country context but never as event places.
    ``regions`` (sorted, disjoint spans) limits the search on long texts to the parts that
    matter (the lead and the sentences that tell events). A name inside one of ``event_words``
    (the spans of the event's own words) is neither a place nor a context.
    """
    gaz = gazetteer()
    if gaz is None:
        return ArticlePlaces([], (), None)
    found = _find(gaz, text, regions)
    # lowered once for the searches before each name (None where case folding is not plain)
    low = lowered_document(text)
    orgs: list[tuple[int, int]] = []
    if (
        holds_any(low, _ORG_HINT_WORDS)
        if low is not None
        else _ORG_HINT_RE.search(text) is not None
    ):
        orgs = [m.span() for m in _ORG_NAME_RE.finditer(text)]
        # "Boko Haram", "Jaish al-Adl": a word of a group's name is not a town
        found = [f for f in found if not any(a <= f[0] < b for a, b in orgs)]
    if exclude:
        # the agency of a dateline ("KANDAHAR, March 8 (Xinhua) -"): a name, not a place, and
        # no country context either (Xinhua is also a town of Yunnan)
        agencies = [
            (a + m.start(1), a + m.end(1))
            for a, b in exclude
            if (m := _DATELINE_AGENCY_RE.search(text, a, b)) is not None
        ]
        if agencies:
            found = [f for f in found if not any(a <= f[0] < b for a, b in agencies)]
    if event_words:
        # a Spanish headline opens with its verb or noun capitalised ("Dejan restos ...",
        # "Ataque en ..."), which may spell a village abroad: as a context it would outvote
        # the real town of the headline ("en Fresnillo") as a namesake
        found = [f for f in found if not any(a <= f[0] and f[1] <= b for a, b in event_words)]
    found = [f for f in found if not _cut_at_article(text, f[1], f[2])]
    if "l-" in text:
        found = [f for f in found if not _arabic_name_abroad(gaz, text, f[0], f[2])]
    neighbourhoods = _spanish_neighbourhoods(text)
    if neighbourhoods:
        found = [f for f in found if not any(a <= f[0] < b for a, b in neighbourhoods)]
    if " de" in text:
        # "Santa Ana del Conde", "Parajes de San José": a piece of a longer Spanish name the
        # gazetteer lacks, not the namesake town abroad it spells; like a neighbourhood, the
        # name hints at Mexico when nothing else says where
        kept = [f for f in found if not _piece_of_spanish_name(text, f[0], f[1])]
        if len(kept) < len(found):
            found = kept
            neighbourhoods = neighbourhoods or [(0, 0)]
    if len(found) > 1:
        found = _drop_foreign_alternates(gaz, found)
    mentions = [m for _s, _e, m in found]
    starts = [s for s, _e, _m in found]
    title_mentions = gaz.find(title) if title else []
    weights: dict[str, float] = {}
    city_weights: dict[str, float] = {}
    attacker: dict[str, float] = {}  # countries known only as an attacker's ("Russian shelling")
    forces: dict[str, float] = {}  # what "Turkish forces", "US troops" add to their country
    people: dict[str, float] = {}  # countries named only by a plural nationality ("Syrians")
    force_names: dict[int, str] = {}  # their starts, and the country of each
    # the countries of the places the text names, by each name's first reading ("Tal Abyad",
    # "Jenin"): a foreign force's country, known only by its forces, does not hide them (below)
    place_countries: set[str] = set()
    home_forces: set[str] = set()  # countries whose forces are named by the country's name
    by_demonym: dict[str, float] = {}  # what a country's demonyms add to its weight
    # a village's country is a weak hint: the name may be a foreign namesake ("Bahan", Israel,
    # in a note on Yangon Region's Bahan township); each village's name counts once. So is a
    # town's when the text names regions or districts of other countries only.
    towns: list[tuple[str, str, bool]] = []  # (iso3, key, village)
    regional: set[str] = set()  # countries whose regions or districts the text names
    actor_names: set[int] = set()  # starts of country names read as actors
    for i, m in enumerate([*mentions, *title_mentions]):
        cands = list(map(gaz.place, m.ids[:8]))  # the first 8 only: no Place built for the rest
        isos = {p.country_iso3 for p in cands if p.country_iso3}
        first = cands[0] if cands else None
        if first is None:
            continue
        in_title = i >= len(mentions)
        if not in_title and not m.demonym and first.feature != "country" and first.country_iso3:
            place_countries.add(first.country_iso3)
        if not in_title and _metonym(m, first, text, starts[i], found[i][1]):
            # "a pro-Palestinian encampment", "pro-Turkey factions", "Ankara-loyal groups":
            # a country or its capital as a side, nothing about where it is
            if not m.demonym:
                actor_names.add(starts[i])
            continue
        if first.feature == "country" and first.country_iso3:
            if not in_title and _ORG_AFTER_RE.match(text, found[i][1]):
                continue  # "the banned group Palestine Action" (in London): an organisation
            w = 1.0 if m.demonym else 2.0
            after = "" if in_title else text[found[i][1] : found[i][1] + 40]
            if _BACKED_AFTER_RE.match(after):
                continue  # "Saudi-led coalition", "Iranian-backed militias": the sponsor
            iso0 = first.country_iso3
            if not in_title and (
                (
                    not m.demonym
                    and (
                        _COUNTRY_ACTOR_AFTER_RE.match(after)
                        or _COUNTRY_COACTOR_AFTER_RE.match(after)
                        or _COUNTRY_COACTOR_BEFORE_RE.search(
                            text, max(0, starts[i] - 40), starts[i]
                        )
                    )
                )
                or (
                    m.demonym
                    and (_PEOPLE_AFTER_RE.match(after) or _party_of_people(gaz, text, starts[i], m))
                )
                or (
                    _BORDER_AFTER_RE.match(after)
                    and _THE_NEAR_BEFORE_RE.search(text, max(0, starts[i] - 6), starts[i])
                )
            ):
                attacker[iso0] = max(attacker.get(iso0, 0.0), 0.3)
                if not m.demonym:
                    actor_names.add(starts[i])  # "loyal to Iran": not a place of the event
                continue
            if m.demonym and not in_title and m.key.endswith("s") and gaz.country(m.key[:-1]):
                # a plural nationality is people ("including 7 Russians"): where they are only
                # when nothing else says ("200 Syrians were killed yesterday"), see below
                people[iso0] = 0.5
                continue
            if m.demonym and not in_title:
                if _ATTACKER_AFTER_RE.match(after) or _ATTACKER_BEFORE_RE.search(
                    text, max(0, starts[i] - 40), starts[i]
                ):
                    # "Russian shelling": whose weapons, a weak hint of where they hit; repeated,
                    # it stays weak (the attacker's country is not the place)
                    attacker[iso0] = 0.3
                    continue
            if (
                not m.demonym
                and not in_title
                and _locative_before(text, starts[i], low)
                and not _owner_of_unit(text, starts[i], found[i][1])
            ):
                w += 1.0
            iso = first.country_iso3
            weights[iso] = weights.get(iso, 0.0) + w * (1.5 if in_title else 1.0)
            if m.demonym:
                by_demonym[iso] = by_demonym.get(iso, 0.0) + w * (1.5 if in_title else 1.0)
            if not in_title and _FORCES_AFTER_RE.match(after):
                forces[iso] = forces.get(iso, 0.0) + w
                force_names[starts[i]] = iso
                if not m.demonym:
                    home_forces.add(iso)  # "Myanmar army", "Burma Army": named as at home
        elif (
            not in_title  # a title repeats the text; its towns must not outvote named countries
            and len(isos) == 1
            and first.feature in ("city", "landmark", "admin1")
            and (first.feature != "city" or first.population >= 1000)
        ):
            only = next(iter(isos))
            if (
                first.kind == "admin2"
                or (
                    first.feature == "admin1"
                    and (m.admin_suffix or m.key.rpartition(" ")[2] in _REGION_WORDS)
                )
                or _HOLDS_UNIT_AFTER_RE.match(text, found[i][1])
            ):
                regional.add(only)  # "Shan State", "Hpapun District", "Sagaing's X Township"
            village = first.feature == "city" and first.population < _VILLAGE_POP
            towns.append((only, m.key, village))
    # countries named in the article decide; towns' countries only break ties or fill in, and
    # villages' (or towns' outside the named regions) only where nothing else says where it is
    named_any = bool(weights)
    explicit = set(weights)  # countries named by name or adjective
    home_sides: tuple[str, ...] = ()
    near_sides: set[str] = set()
    # whether the text names a side of one country (the actor table): one scan of the large
    # pattern, read by both places below that ask
    names_a_side = None if weights else _HOME_ANY_RE.search(text) is not None
    if names_a_side:
        # a text that names no country but a side of one by its name ("the PDF", "the SDF")
        # is in that country: a town of the name abroad is a namesake ("Kani Township" with
        # the PDF is not Kani, Japan), and only that country's towns count
        home_sides = tuple(
            dict.fromkeys(
                iso
                for gm in finditer_named(_HOME_GROUP_RE, _HOME_ANY_RE, text)
                for iso, w in (_HOME_ACTORS[int(str(gm.lastgroup)[1:])],)
                if w >= _HOME_NAME_WEIGHT  # a side by name: "junta" is also a Mexican council
            )
        )
        if regional - set(home_sides):
            # the text names a region of another country ("Muse Township, Shan State" beside a
            # "PMF" that is also an Iraqi acronym): its own regions say where, not the side
            home_sides = ()
        if home_sides:
            # a side raids across its border ("Al-Shabaab ... in Mandera", Kenya): a town of a
            # neighbouring country is no namesake when it is a sizeable one (not a village,
            # "Houla" in Lebanon for Syria's al-Houla)
            near_sides = {n for iso in home_sides for n in gaz.neighbours(iso)}
            if _LONG_RANGE_AFTER_RE.search(text):
                # "a Houthi drone struck a ship near Eilat": a side's long-range weapon reaches
                # towns far abroad; a sizeable one there is its target, not a namesake
                near_sides = {
                    t[0] for t in towns if not t[2] and t[0] not in home_sides
                } | near_sides
            towns = [t for t in towns if t[0] in home_sides or (t[0] in near_sides and not t[2])]
    village_weights: dict[str, float] = {}
    counted: set[str] = set()
    for iso, key, village in towns:
        if village or (regional and iso not in regional):
            if key not in counted:
                counted.add(key)
                village_weights[iso] = village_weights.get(iso, 0.0) + 1.0
        else:
            city_weights[iso] = city_weights.get(iso, 0.0) + 1.0
    village_share = 0.25 if (named_any or city_weights) else 1.0
    for iso, w in village_weights.items():
        city_weights[iso] = city_weights.get(iso, 0.0) + village_share * w
    for iso, w in city_weights.items():
        weights[iso] = weights.get(iso, 0.0) + ((0.5 * w) if named_any else w)
    for iso, w in attacker.items():
        weights[iso] = weights.get(iso, 0.0) + w
    if forces and all(w - forces.get(iso, 0.0) < 0.5 for iso, w in weights.items()):
        # "the SDF and US forces clash with ISIS": with one country's own side named, the
        # forces of states known only as forces are foreign troops there, not the place
        sides = {
            _HOME_ACTORS[int(str(gm.lastgroup)[1:])]
            for gm in finditer_named(_HOME_GROUP_RE, _HOME_ANY_RE, text)
        }
        if any(w >= _HOME_NAME_WEIGHT and iso not in forces for iso, w in sides):
            for iso in forces:
                weights[iso] = min(weights[iso], 0.3)
                attacker[iso] = 0.3
            actor_names.update(force_names)  # "US forces": not a place of the event
    for iso, w in forces.items():
        if (
            weights[iso] - w < 0.5
            and weights[iso] > 0.3
            and iso not in home_forces
            and iso not in place_countries
            and place_countries.intersection(gaz.neighbours(iso))
        ):
            # "Turkish forces shell Tal Abyad": a state known only by its forces' demonym, beside
            # a place of a neighbouring country and none of its own, is a force across the
            # border; its country would otherwise hide the neighbour's towns as namesakes abroad
            weights[iso] = 0.3
            attacker[iso] = 0.3
            actor_names.update(k for k, v in force_names.items() if v == iso)
    abroad_sides = _demonyms_abroad(gaz, text, found, by_demonym, weights, home_forces, low)
    for iso in abroad_sides:
        # "Rwandan troops killed 12 insurgents in Palma", "shelling opposite Deir Ezzor city
        # before the Russian crossing": a state known only by its demonym, where no town the
        # text places the event in lies, is a side's nationality (a force abroad); the town is
        # the place (its country would otherwise drop the town as a namesake abroad). The
        # demonym stays a hit: no place of the event, but whose troops they are (the actors).
        weights[iso] = 0.3
        attacker[iso] = 0.3
    if names_a_side is None and not neighbourhoods and all(w < 0.5 for w in weights.values()):
        names_a_side = _HOME_ANY_RE.search(text) is not None
    if all(w < 0.5 for w in weights.values()) and (neighbourhoods or names_a_side):
        hints: dict[str, dict[str, float]] = {}  # country -> {name: weight}
        if neighbourhoods:
            hints[_NEIGHBOURHOOD_COUNTRY] = {"": 0.5}
        for gm in finditer_named(_HOME_GROUP_RE, _HOME_ANY_RE, text):
            iso, w = _HOME_ACTORS[int(str(gm.lastgroup)[1:])]
            if attacker and w < _HOME_NAME_WEIGHT:
                continue  # "the Russian and regime warplanes": whose regime is not said
            hints.setdefault(iso, {})[gm.group().lower()] = w
        for iso, names in hints.items():
            hint = min(_HOME_HINT_MAX, sum(names.values()))
            weights[iso] = max(weights.get(iso, 0.0), hint)
    for iso, w in people.items():
        weights[iso] = max(weights.get(iso, 0.0), w)
    ranked = tuple(sorted(weights, key=lambda k: -weights[k]))
    named = {iso for iso in ranked if weights[iso] >= 1.0}
    admin1 = tuple(  # distinct names: each resolve() below folds all of them
        dict.fromkeys(
            gaz.place(m.ids[0]).name
            for m in mentions
            # the first candidate only (``candidates`` would build every Place of the name)
            if m.ids
            and gaz.place(m.ids[0]).feature == "admin1"
            # "Rabat" is Morocco's capital, not context for Malta's Rabat district
            and (m.admin_suffix or _resolves_to_admin1(gaz, m, ranked[:4]))
        )
    )
    # regions named as regions ("Kachin State", "Bago Region", "Shan-North"), by country: a
    # village of that country in another region is a namesake ("Kan", Yangon, in a note on
    # Bago Region), not the place
    named_regions: dict[str, set[str]] = {}
    for m in mentions:
        if not (m.admin_suffix or m.key.rpartition(" ")[2] in _REGION_WORDS):
            continue
        first = gaz.place(m.ids[0])  # the first only: candidates would build every Place
        if first.feature == "admin1" and first.country_iso3:
            named_regions.setdefault(first.country_iso3, set()).add(first.name)
    near_named: set[str] = set()
    for iso in named:
        near_named.update(gaz.neighbours(iso))
    context: tuple[str, ...] = ranked[:4]
    arabic_context: tuple[str, ...] = ()
    if all(w < 0.5 for w in weights.values()) and _ARABIC_HEAD_RE.search(text):
        # no country said, but a name the gazetteer lacks is an Arabic place name by its head
        # ("Wadi Barada", "Kafr Nabl"): a town read outside the Arabic-name countries is read
        # again with them first ("Madaya" beside it is the Syrian town, not Myanmar's); a town
        # already read in one of them keeps its reading, so that a small namesake in another
        # Arabic-name country ("Ras al-Ain", a Moroccan village) is no context for all of them
        arabic_context = context + tuple(sorted(ARABIC_NAME_COUNTRIES - set(context)))
    hits: list[PlaceHit] = []
    dateline: list[PlaceHit] = []
    nearest: dict[tuple[str, Place], Place] = {}  # _nearest_namesake's, by name and reading
    for start, end, m in found:
        place = gaz.resolve(m, context_countries=context, context_admin1=admin1)
        if (
            arabic_context
            and place is not None
            and place.feature != "country"
            and place.country_iso3 not in ARABIC_NAME_COUNTRIES
        ):
            place = gaz.resolve(m, context_countries=arabic_context, context_admin1=admin1)
        if place is None:
            place = _marked_small_town(text, start, end, m, named)
        if place is None:
            continue
        if named and place.feature != "country" and place.country_iso3 not in named:
            if not _foreign_ok(m, place, near_named):
                continue  # "Fano" (Italy) in a report on Ethiopia's Fano militia
        if (
            home_sides
            and place.feature == "city"
            and place.population < _FOREIGN_TOWN_POP
            and place.country_iso3 not in home_sides
            and (
                place.country_iso3 not in near_sides or place.population < _NEIGHBOUR_SIDE_TOWN_POP
            )
        ):
            continue
        if (
            regional
            and place.feature == "city"
            and place.population < _FOREIGN_TOWN_POP
            and place.country_iso3 not in regional
            and place.country_iso3 not in explicit
        ):
            # "in X village (Y District, Kayah State)": a text that names its own regions means
            # a town of theirs, not a namesake abroad, unless it names that other country too
            continue
        if (
            place.feature == "city"
            and place.population < _OTHER_REGION_TOWN_POP
            and place.admin1 is not None
            and place.admin1 not in named_regions.get(place.country_iso3 or "", (place.admin1,))
            and (place.population < _VILLAGE_POP or fold(place.name) != fold(place.admin1))
        ):
            continue  # a village of another region than the ones the text names
        if place.feature == "country" and (
            _ORG_AFTER_RE.match(text, end) or _BACKED_AFTER_RE.match(text, end)
        ):
            continue
        if start in actor_names:
            continue
        if place.feature == "admin1" and not m.admin_suffix:
            # "in Buenos Aires", "BUENOS AIRES —": the big city, not the province named after it
            big = [
                c
                for c in m.candidates
                if c.feature == "city"
                and c.country_iso3 == place.country_iso3
                and c.population >= _BIG_CITY_POP
            ]
            if big:
                place = max(big, key=lambda c: c.population)
        if place.feature == "city" and _ADMIN_OF_BEFORE_RE.search(
            text[max(0, start - 24) : start].lower()
        ):
            # "in the state of Zacatecas": the state, not its capital of the same name (or the
            # state the capital lies in, among the name's places: the capital of Durango is
            # "Victoria de Durango")
            state_names = {fold(place.name), fold(place.admin1 or place.name)}
            region = [
                c
                for c in m.candidates
                if c.feature == "admin1"
                and c.country_iso3 == place.country_iso3
                and fold(c.name) in state_names
            ]
            if region:
                place = region[0]
        if abroad_sides and place.feature == "city" and not named:
            if (m.key, place) not in nearest:  # a long page repeats its towns
                nearest[m.key, place] = _nearest_namesake(gaz, m, place, abroad_sides)
            place = nearest[m.key, place]
        hit = _hit(text, start, end, m.surface, place, m.demonym, low)
        if hit.partial and place.country_iso3 in named:
            # "the village of Mangu Halle in Plateau state": near the town it is named after
            hit = PlaceHit(start, end, m.surface, place, True, True, False, None, route=True)
        if exclude and any(a <= start < b for a, b in exclude):
            if place.feature == "city":
                dateline.append(hit)
            continue
        hits.append(hit)
    if len({h.place.country_iso3 for h in hits if h.place.feature != "country"}) > 1:
        _drop_namesakes_beside_home(text, hits, explicit)
        if not explicit:
            _drop_small_namesakes_beside_big_place(hits)
    if len(hits) > 1:
        mentions_at = {s: m for s, _e, m in found}
        _town_then_its_region(text, hits, mentions_at)
        _locality_of_town(text, hits, mentions_at)
    if hits:
        _town_then_its_state_abbreviation(text, hits, found)
    skeleton_countries = [
        iso for iso in ranked[:2] if weights[iso] >= 0.5 and iso in ARABIC_NAME_COUNTRIES
    ]
    # nothing says where: a variant of a large town of one Arabic-name country, after "in"
    anywhere = not skeleton_countries and all(w < 0.5 for w in weights.values())
    if anywhere:
        skeleton_countries = sorted(ARABIC_NAME_COUNTRIES)
    if skeleton_countries or (named_regions and _TOWNSHIP_RE.search(text)):
        hits.extend(
            _variant_hits(
                gaz,
                text,
                found,
                named_regions,
                skeleton_countries,
                exclude,
                regions,
                orgs,
                anywhere,
                low,
            )
        )
        hits.sort(key=lambda h: h.start)
    if not dateline:
        us = _us_dateline(gaz, text)
        if us is not None:
            dateline.append(us)
    # a country known only from an attacker's demonym is no place of the event
    main = gaz.country(ranked[0]) if ranked and weights[ranked[0]] >= 0.5 else None
    return ArticlePlaces(hits, ranked, main, tuple(dateline))


def _demonyms_abroad(
    gaz: Gazetteer,
    text: str,
    found: list[tuple[int, int, Any]],
    by_demonym: dict[str, float],
    weights: dict[str, float],
    home_forces: set[str],
    low: str | None,
) -> list[str]:
    """The countries known only by their demonym ("Rwandan troops", "the Russian crossing") in
    a text that places the event in a town of 15,000 people or more or a region (a name after a
    preposition) while no namesake of the places it names so lies in that country: the
    demonym is a side's nationality, abroad there."""
    only_demonym = [
        iso
        for iso, w in by_demonym.items()
        if weights[iso] - w < 0.5 and weights[iso] > 0.3 and iso not in home_forces
    ]
    if not only_demonym:
        return []
    town_countries: set[str] = set()
    placing = 0
    read: set[str] = set()  # each name read once (a long page repeats its towns)
    for start, _end, m in found:
        if m.demonym or not m.ids or m.key in read or not _locative_before(text, start, low):
            continue
        read.add(m.key)
        cands = [gaz.place(i) for i in m.ids]
        first = cands[0]
        if first.feature == "country":
            continue  # a country named by name weighs as such
        if first.feature != "city" or first.population >= _VILLAGE_POP:
            placing += 1  # a village's name is too often a namesake of one the index lacks
        town_countries.update(c.country_iso3 for c in cands if c.country_iso3)
    if not placing:
        return []
    return [iso for iso in only_demonym if iso not in town_countries]


# A town named beside a force abroad: its namesake nearest the force's home of at least this
# size (a force is sent mostly to a country of its region; a village is more often a namesake)
def _nearest_namesake(gaz: Gazetteer, mention: Any, place: Place, homes: list[str]) -> Place:
    """Among the town's namesakes of ``_VILLAGE_POP`` people or more, the one nearest the home
    country of a force abroad: the nationality is a weak hint among namesakes, not the place."""
    home_points = [h for h in map(gaz.country, homes) if h is not None and h.lat is not None]
    namesakes = [
        c
        for c in mention.candidates
        if c.feature == "city" and c.population >= _VILLAGE_POP and _by_own_name(mention, c)
    ]
    if not home_points or not namesakes or place not in namesakes:
        return place
    return min(namesakes, key=lambda c: min(_km_between(c, h) for h in home_points))


# AP-style US datelines name the state in its AP abbreviation: "MADISON, Wis. (AP) —".
_US_STATES = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania",
    "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington",
    "W.Va.": "West Virginia", "Wis.": "Wisconsin", "Wyo.": "Wyoming", "Texas": "Texas",
    "Ohio": "Ohio", "Utah": "Utah", "Iowa": "Iowa", "Maine": "Maine", "Alaska": "Alaska",
    "Hawaii": "Hawaii", "Idaho": "Idaho",
}  # fmt: skip
_US_DATELINE_RE = re.compile(
    r"\s*(?P<town>[A-Z][A-Z.'’ -]{1,40}?),\s+(?P<state>"
    + "|".join(re.escape(k) for k in sorted(_US_STATES, key=len, reverse=True))
    + r")(?=\s*(?:\(|—|–|-|,|$))"
)


def _us_dateline(gaz: Gazetteer, text: str) -> PlaceHit | None:
    """The town of an AP-style US dateline ("MADISON, Wis. (AP) —"): a town of that state,
    even when its name is also a common first name or surname."""
    m = _US_DATELINE_RE.match(text)
    if m is None:
        return None
    state = _US_STATES[m.group("state")]
    town = m.group("town").strip().title()
    cands = [
        p
        for p in (*gaz.lookup(town), *gaz.lookup(f"{town} {state}"))
        if p.country_iso3 == "USA" and p.admin1 == state and p.feature == "city"
    ]
    if not cands:
        return None
    best = max(cands, key=lambda p: p.population)
    return PlaceHit(m.start("town"), m.end("town"), m.group("town"), best, True, False, False, None)


_PATRON_BEFORE_RE = guarded(
    r"\b(?:loyal|close|allied|aligned)\s+(?:to|with)\s+$|\bbacked\s+by\s+$", re.IGNORECASE
)
_THE_BEFORE_RE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# "near the Iraq border", "the Lebanese border": the other side of a border, seen from the
# country where the event is ("Thai-Myanmar border" names both sides and stays a hint)
_THE_NEAR_BEFORE_RE = re.compile(r"\b(?:the|near)\s+$", re.IGNORECASE)
_BORDER_AFTER_RE = re.compile(r"\s+(?:border|frontier)\b", re.IGNORECASE)
# "Sagaing's Kawlin Township", "Shan State's Kyaukme District": the possessor holds the unit
# named after it, so the text names that region (a namesake town abroad is not the place)
_HOLDS_UNIT_AFTER_RE = re.compile(
    r"['’]s\s+(?:[A-Z][\w-]*\s+){1,3}(?:Township|District|Region|State|Province|Division)\b"
)


def _metonym(mention: Any, first: Place, text: str, start: int, end: int) -> bool:
    """Whether a country, its demonym or a capital-sized city names a side ("pro-Turkey",
    "anti-American", "Ankara-loyal factions") rather than a place."""
    capital = first.feature != "country" and any(
        c.feature == "city" and c.population >= _BIG_CITY_POP for c in mention.candidates[:8]
    )
    if not (mention.demonym or first.feature == "country" or capital):
        return False
    if _PRO_ANTI_RE.search(text, max(0, start - 5), start):
        return True
    return capital and bool(
        _BACKED_AFTER_RE.match(text, end)
        or _PATRON_BEFORE_RE.search(text, max(0, start - 30), start)
    )


def _party_of_people(gaz: Gazetteer, text: str, start: int, mention: Any) -> bool:
    """Whether a demonym is a plural noun after "the" ("the Russians", "the Iranians"): a
    country's forces as a party to the fighting, not the place of the event. ("60 Syrians were
    killed", "Mexicans discover a body" are the home country's people: a hint of where.)"""
    if not _THE_BEFORE_RE.search(text, max(0, start - 5), start):
        return False
    surface = mention.surface
    if len(surface) < 5 or not surface.endswith("s") or surface.isupper():
        return False
    singular = gaz.country(surface[:-1])
    return singular is not None and singular.country_iso3 == mention.candidates[0].country_iso3


def _resolves_to_admin1(gaz: Gazetteer, mention: Any, countries: tuple[str, ...]) -> bool:
    """Whether a name read as a region is that region or a town in it ("DHAKA": the city, in
    Dhaka division), not a bigger town elsewhere ("Rabat": Morocco's capital, not Malta's)."""
    region = mention.candidates[0]
    if all(
        c.country_iso3 == region.country_iso3 and (c is region or c.admin1 == region.name)
        for c in mention.candidates
    ):
        return True  # the region and its own towns only ("Kharkiv")
    place = gaz.resolve(mention, context_countries=countries)
    if place is None:
        return False
    return place.feature == "admin1" or (
        place.country_iso3 == region.country_iso3 and place.admin1 == region.name
    )


# Between a town and the region named right after it: "Celaya, Guanajuato", "Sonoyta Sonora"
_TOWN_REGION_GAP_RE = re.compile(r",?[ \t]+")


# The actor table is one large pattern: scanned for this on report-sized texts only (a page names
# its countries, which settle its namesakes)
_HOME_SCAN_CHARS = 2_000


def _by_own_name(mention: Any, place: Place) -> bool:
    """Whether the text spells the place's own name, a spelling of it or its distinctive part
    ("Acapulco" for Acapulco de Juárez), not one of its alternate names ("Tarde" is one of
    Taranto's)."""
    own, said = canon_key(fold(place.name)), canon_key(mention.key)
    return own == said or _spelling_variant(own, said) or said in own.split()


# A city whose alternate name is its exonym in the news ("Kiev" for Kyiv), not a stray word
_EXONYM_CITY_POP = 2_000_000


def _drop_foreign_alternates(
    gaz: Gazetteer, found: list[tuple[int, int, Any]]
) -> list[tuple[int, int, Any]]:
    """A one-word name that is only an alternate name of towns of one country ("Tarde",
    Taranto; "Coss", Jos) beside a place of another country named by its own name ("Ciudad
    Juárez", "Nuevo León", "Homs"): a word of the headline or another transliteration, not a
    second theatre abroad."""
    firsts = [
        (k, m, first)
        for k, (_s, _e, m) in enumerate(found)
        if not m.demonym and m.ids
        for first in (gaz.place(m.ids[0]),)
        if first.feature != "country" and first.country_iso3 is not None
    ]
    if len({first.country_iso3 for _k, _m, first in firsts}) < 2:
        return found  # most texts: every name read in one country first, nothing to weigh
    alternates: dict[int, str] = {}  # index in found -> the country its towns are in
    own_countries: set[str] = set()
    for k, m, first in firsts:
        iso = str(first.country_iso3)  # not None: filtered above
        cands = [first, *map(gaz.place, m.ids[1:8])]
        if any(_by_own_name(m, p) for p in cands):
            if first.feature == "admin1" or first.population >= 1000:
                own_countries.add(iso)
        elif " " not in m.key.removeprefix("al ") and first.population < _EXONYM_CITY_POP:
            # (a city this big is news under its exonym: "Kiev", "Rangoon", "Bombay")
            isos = {p.country_iso3 for p in cands}
            if len(isos) == 1 and first.feature == "city":
                alternates[k] = iso
    if not alternates or not own_countries:
        return found
    return [f for k, f in enumerate(found) if k not in alternates or alternates[k] in own_countries]


def _drop_namesakes_beside_home(text: str, hits: list[PlaceHit], explicit: set[str]) -> None:
    """A text whose armed sides are of one country and which names a place of that country
    ("regime forces shell al-Ghouta"): a town of another country that no country name in the
    text supports is a namesake ("al-Marj" read as Al Marj in Libya), not a second theatre."""
    if len(text) > _HOME_SCAN_CHARS or not any(
        h.place.feature == "city"
        and h.place.country_iso3 not in explicit
        and h.place.population < _FOREIGN_TOWN_POP
        for h in hits
    ):
        return
    home = {
        _HOME_ACTORS[int(str(gm.lastgroup)[1:])][0]
        for gm in finditer_named(_HOME_GROUP_RE, _HOME_ANY_RE, text)
    }
    if len(home) != 1:
        return
    (iso,) = home
    if not any(h.place.country_iso3 == iso and h.place.feature != "country" for h in hits):
        return
    hits[:] = [
        h
        for h in hits
        if h.place.feature != "city"
        or h.place.country_iso3 in (iso, None)
        or h.place.country_iso3 in explicit
        or h.place.population >= _FOREIGN_TOWN_POP
    ]


def _drop_small_namesakes_beside_big_place(hits: list[PlaceHit]) -> None:
    """A text that names no country but a region or a large town ("Tijuana: couple shot in
    Playas", "three killed in a bar in Chilpancingo"): a smaller town of another country is a
    namesake of a place of the large one's the gazetteer lacks (a beach district, a bar's name),
    not a second theatre abroad."""
    big = {
        h.place.country_iso3
        for h in hits
        if not h.demonym
        and (
            h.place.feature == "admin1"
            or (h.place.feature == "city" and h.place.population >= _OTHER_REGION_TOWN_POP)
        )
    }
    if len(big) != 1:
        return  # none, or large places of two countries: nothing to weigh them by
    hits[:] = [
        h
        for h in hits
        if h.place.feature != "city"
        or h.place.country_iso3 in big
        or h.place.population >= _OTHER_REGION_TOWN_POP
    ]


# Mexican states as news abbreviates them after a town: "La Paz, BCS", "Marin, NL", "Cuauhtemoc,
# Chih" (GeoNames admin1 names); the words that are also English ones need the comma
_MX_STATES = {
    "BC": "Baja California", "BCS": "Baja California Sur", "NL": "Nuevo Leon",
    "Gto": "Guanajuato", "Chih": "Chihuahua", "Son": "Sonora", "Sin": "Sinaloa",
    "Tamps": "Tamaulipas", "Mich": "Michoacan de Ocampo", "Jal": "Jalisco", "Gro": "Guerrero",
    "Zac": "Zacatecas", "SLP": "San Luis Potosi", "Edomex": "Mexico", "CDMX": "Ciudad de Mexico",
    "Coah": "Coahuila de Zaragoza", "Dgo": "Durango", "Ver": "Veracruz de Ignacio de la Llave",
    "Oax": "Oaxaca", "Mor": "Morelos", "PUE": "Puebla", "Pue": "Puebla", "Chis": "Chiapas",
    "Tab": "Tabasco", "Col": "Colima", "Nay": "Nayarit", "Ags": "Aguascalientes",
    "Hgo": "Hidalgo", "Qro": "Queretaro", "Tlax": "Tlaxcala", "Yuc": "Yucatan",
}  # fmt: skip
_MX_STATE_RE = re.compile(
    r"(?:,\s*(?P<any>BCS|BC|NL|Gto|Chih|Son|Sin|Tamps|Mich|Jal|Gro|Zac|SLP|Edomex|CDMX|Coah|Dgo|"
    r"Ver|Oax|Mor|PUE|Pue|Chis|Tab|Col|Nay|Ags|Hgo|Qro|Tlax|Yuc)|"
    r"\s+(?P<caps>BCS|BC|NL|Gto|Chih|Tamps|Mich|Gro|SLP|Edomex|CDMX|Coah|Oax|PUE|Chis|Ags|Tlax))"
    r"\.?(?=[\s:;,)]|$)"
)


def _town_then_its_state_abbreviation(
    text: str, hits: list[PlaceHit], found: list[tuple[int, int, Any]]
) -> None:
    """A town followed by its Mexican state's abbreviation ("La Paz, BCS", "Marin, NL"): the
    town of that name in that state, not a namesake elsewhere (La Paz, Bolivia)."""
    for k, town in enumerate(hits):
        if town.place.feature != "city":
            continue
        abbr = _MX_STATE_RE.match(text, town.end)
        if abbr is None:
            continue
        m = next((m for s, _e, m in found if s == town.start), None)
        if m is None:
            continue
        state = fold(_MX_STATES[abbr.group("any") or abbr.group("caps")])
        same = [
            p
            for p in m.candidates
            if p.feature == "city" and p.country_iso3 == "MEX" and fold(p.admin1 or "") == state
        ]
        if same:
            hits[k] = replace(town, place=max(same, key=lambda p: p.population), locative=True)


def _town_then_its_region(text: str, hits: list[PlaceHit], mentions_at: dict[int, Any]) -> None:
    """A town followed by the name of the region that holds it ("Celaya, Guanajuato: ...", "in
    Fresnillo, Zacatecas"): the second name is that region, not its namesake capital
    (Guanajuato city lies 50 km from Celaya), and the town is where, as after a locative."""
    for k in range(len(hits) - 1):
        town, after = hits[k], hits[k + 1]
        if (
            town.place.feature != "city"
            or town.place.admin1 is None
            or after.place.feature not in ("city", "admin1")
            or _TOWN_REGION_GAP_RE.fullmatch(text, town.end, after.start) is None
        ):
            continue
        m = mentions_at.get(after.start)
        region = next(
            (
                p
                for p in (m.candidates if m is not None else ())
                if p.feature == "admin1"
                and p.country_iso3 == town.place.country_iso3
                and p.name == town.place.admin1
            ),
            None,
        )
        if region is None:
            continue
        hits[k] = replace(town, locative=True)
        hits[k + 1] = replace(after, place=region, locative=False, near=False)


# Between a locality and the town it lies in: "La Esperanza, Morelia", "the Libertad neighborhood
# of Tijuana", "in La Primavera in Culiacan", "on Melchor Ocampo street in Iguala"
_LOCALITY_GAP_RE = re.compile(
    r"(?:\s+(?:neighbou?rhood|colonia|community|street|avenue|boulevard|area|sector))?"
    r"(?:,\s*(?:in\s+)?|\s+(?:of|in)\s+(?:the\s+(?:city|town|municipality)\s+of\s+)?)",
    re.IGNORECASE,
)
# A locality and its town lie this close; a reading of the locality farther away is a namesake
_LOCALITY_KM = 40.0


_LIST_GAP_RE = re.compile(r"\s*,\s*|\s+and\s+|\s*,\s*and\s+")


def _in_town_list(text: str, hits: list[PlaceHit], k: int) -> bool:
    """Whether towns ``k`` and ``k + 1`` are items of a list of towns ("shelling on Idlib, Hama
    and Aleppo"): a town before them or after them joined by a comma or "and"."""
    for a, b in ((k - 1, k), (k + 1, k + 2)):
        if (
            0 <= a
            and b < len(hits)
            and hits[a].place.feature == "city"
            and hits[b].place.feature == "city"
            and _LIST_GAP_RE.fullmatch(text, hits[a].end, hits[b].start)
        ):
            return True
    return False


def _km_between(a: Place, b: Place) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return 0.0
    dx = (a.lon - b.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(a.lat - b.lat, dx) * 111.0


def _locality_of_town(text: str, hits: list[PlaceHit], mentions_at: dict[int, Any]) -> None:
    """A locality named before the town it lies in ("La Esperanza, Morelia", "the Renacimiento
    of Acapulco"): a reading of it far from that town is a namesake elsewhere. The locality's
    reading near the town is kept when the gazetteer has one; otherwise the town is the place."""
    drop: set[int] = set()
    for k in range(len(hits) - 1):
        part, town = hits[k], hits[k + 1]
        if (
            part.place.feature != "city"
            or town.place.feature != "city"
            or part.place.population >= min(town.place.population, _BIG_CITY_POP)
            or _LOCALITY_GAP_RE.fullmatch(text, part.end, town.start) is None
            or _km_between(part.place, town.place) <= _LOCALITY_KM
            or _in_town_list(text, hits, k)
            # a town of the region named after the second town ("Ain Issa in Raqqa")
            or part.place.admin1 == town.place.admin1
        ):
            continue
        gap = text[part.end : town.start]
        if (
            not gap.strip(" ,")
            and part.place.population >= _VILLAGE_POP
            and part.place.country_iso3 == town.place.country_iso3
        ):
            continue  # "Idlib, Hama": two towns of a list, not a place and its town
        after = mentions_at.get(town.start)
        if after is not None and any(
            p.feature == "city" and _km_between(p, part.place) <= _LOCALITY_KM
            for p in after.candidates
        ):
            continue  # "Cieneguitas, Guadalupe": a namesake of the town lies by the locality
        m = mentions_at.get(part.start)
        near = [
            p
            for p in (m.candidates if m is not None else ())
            if p.feature == "city" and _km_between(p, town.place) <= _LOCALITY_KM
        ]
        if near:
            hits[k] = replace(part, place=max(near, key=lambda p: p.population))
        else:
            drop.add(k)
    if drop:
        hits[:] = [h for k, h in enumerate(hits) if k not in drop]


# A name the text itself calls a place: "Killi village", "the town of X", "X countryside"
_MARKED_AFTER_RE = re.compile(
    rf"\s+(?:{_TOWN_NOUN}|countryside|neighbou?rhood|township)\b", re.IGNORECASE
)
_MARKED_BEFORE_RE = re.compile(
    rf"\b(?:{_TOWN_NOUN}|countryside|outskirts|vicinity|township) of\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _marked_small_town(
    text: str, start: int, end: int, mention: Any, named: set[str]
) -> Place | None:
    """A town too small to be taken on its name alone (GeoNames lists many Syrian towns with no
    population: "Maskanah", "Tal Abyad") when the text calls the name a town, village or
    countryside, and every reading of it lies in one country, one the text names if it names
    any: the name is that town, not a word or a surname."""
    if not (
        _MARKED_AFTER_RE.match(text, end)
        or _MARKED_BEFORE_RE.search(text, max(0, start - 30), start)
        or _locative_before(text, start)
    ):
        return None
    said = canon_key(mention.key)
    # by its own name: "Killi" is an alternate name of a village in Ireland, not a Syrian one
    towns = [p for p in mention.candidates if p.feature == "city"]
    if not any(
        canon_key(fold(p.name)) == said or _spelling_variant(canon_key(fold(p.name)), said)
        for p in towns
    ):
        return None
    isos = {p.country_iso3 for p in towns}
    if len(isos) != 1 or (named and not isos <= named):
        return None
    return max(towns, key=lambda p: p.population)


def _foreign_ok(mention: Any, place: Place, near_named: set[str]) -> bool:
    """Whether a place outside every country the article names may still be an event place:
    a sea, a big city, or a town or point in a neighbouring country (the article's main country
    is often read from actors' demonyms: "Israeli strike on Nuseirat", "Russian shelling of
    Kherson"). Towns must be named by their own name, not by a rare alternate one ("Khalil")."""
    if place.country_iso3 is None:
        return True
    if place.feature == "landmark":
        return place.country_iso3 in near_named
    if place.feature == "admin1":  # "Kursk region" in a report on Ukraine, not "Somali border"
        return mention.admin_suffix and place.country_iso3 in near_named
    if place.feature != "city":
        return False
    own, said = canon_key(fold(place.name)), canon_key(mention.key)
    if own != said and not (place.population >= 100_000 and _spelling_variant(own, said)):
        return False  # but a big city's transliteration is a news spelling ("Zaporizhzhia")
    return place.country_iso3 in near_named or place.population >= _FOREIGN_TOWN_POP


def _spelling_variant(a: str, b: str) -> bool:
    """Two spellings of one name ("zaporizhzhya" / "zaporizhzhia"), not two names."""
    if a[:4] != b[:4] or abs(len(a) - len(b)) > 2:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


# In a title-case headline a town this populous is taken even when a capitalised word follows;
# a smaller one may still be the first word of a longer name ("Agua" of "Agua Prieta").
_TITLE_TOWN_POP = 100_000
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]{3,}")
_TITLE_SMALL_WORDS = frozenset({"from", "with", "into", "over", "after", "amid", "near", "than"})


def _title_case_line(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is a headline in title case ("Four Killed In Monterrey
    Bar Shooting"): there a capitalised word after a town does not continue the town's name."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    line = text[a : b if b >= 0 and b - a <= 200 else min(len(text), a + 200)]
    words = [w for w in _WORD_RE.findall(line) if w.lower() not in _TITLE_SMALL_WORDS]
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words)


# a word every match of _NEAR_RE holds, searched before it
_NEAR_HINT = rf"\b(?:of|near|nearby|outside|close|vicinity|from|road|off|{_ES_DIRECTION})\s"
_NEAR_HINT_RE = guarded(_NEAR_HINT, re.I)
_NEAR_HINT_LOW_RE = lowercase_twin(_NEAR_HINT)  # see fastre.lowercase_twin


_NEAR_LOW_RE = lowercase_twin(_NEAR_RE.pattern)  # see fastre.lowercase_twin


def _near_before(text: str, lo: int, start: int, low: str | None = None) -> re.Match[str] | None:
    """``_NEAR_RE.search(text, lo, start)``, found by its lowercase twin in the lowercased
    window (and the character before it, for a word boundary at ``lo``) where case folding is
    plain there, or in ``low`` (as for :func:`_locative_before`)."""
    if low is not None:
        a = 0
        m = _NEAR_LOW_RE.search(low, lo, start)
    else:
        a = max(0, lo - 1)
        window = text[a:start]
        if not folds_plainly(window):
            return _NEAR_RE.search(text, lo, start)
        m = _NEAR_LOW_RE.search(window.lower(), lo - a)
    if m is None:
        return None
    found = _NEAR_RE.match(text, a + m.start(), start)  # its own match there: groups of text
    if found is None or found.end() != a + m.end():  # cannot happen: see lowercase_twin
        raise AssertionError("_NEAR_RE and its lowercase twin disagree")
    return found


def _side_of(near_m: re.Match[str] | None) -> tuple[str | None, float | None]:
    """The side (an English key of ``_DIRECTIONS``) and the stated distance (in the text's
    unit) of a ``_NEAR_RE`` match, English or Spanish."""
    if near_m is None:
        return None, None
    if near_m.group("dir_es"):
        dist = near_m.group("dist_es")
        side_es = _ES_DIRECTIONS.get(near_m.group("dir_es").lower())
        return side_es, float(dist.replace(",", ".")) if dist else None
    side = near_m.group("dir")
    dist = near_m.group("dist")
    return (side.lower().replace("-", "") if side else None), (float(dist) if dist else None)


def _owner_of_unit(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` follows "of" and owns what comes after it ("members of
    Iran's elite force"): whose unit, not where."""
    return bool(
        _OWNER_AFTER_RE.match(text, end) and _OF_BEFORE_RE.search(text, max(0, start - 4), start)
    )


def _hit(
    text: str,
    start: int,
    end: int,
    surface: str,
    place: Place,
    demonym: bool,
    low: str | None = None,
) -> PlaceHit:
    """How the text uses the place named at ``start:end``; ``low`` as for
    :func:`_locative_before`."""
    if demonym:  # "Iraqi": country context only, never a place of the event
        return PlaceHit(start, end, surface, place, False, False, True, None)
    lo = max(0, start - 60)
    if low is not None:
        hinted = _NEAR_HINT_LOW_RE.search(low, lo, start) is not None
    else:
        hinted = _NEAR_HINT_RE.search(text, lo, start) is not None
    near_m = _near_before(text, lo, start, low) if hinted else None
    after_preposition = _locative_before(text, start, low) and not (
        place.feature == "country" and _owner_of_unit(text, start, end)
    )
    locative = after_preposition or bool(_PLACE_NOUN_AFTER_RE.match(text, end))
    # "Kenya has deployed" names a side; "the bomb in Mogadishu has killed" does not: a name
    # right after its preposition is that phrase's object, not the auxiliary's subject. ("Police
    # in Sydney said": the speaker's town, which a suburb named later beats.)
    subject = _SUBJECT_AFTER_RE.match(text, end)
    if (
        subject
        and not (after_preposition and _AUXILIARY_AFTER_RE.match(text, end))
        and not _PLACE_NOUN_AFTER_RE.match(text, end)
    ):
        locative = False
    if place.feature == "city" and _ROAD_AFTER_RE.match(text, end):
        locative = False  # "on the Tamale highway": a road named after the town, not the town
        if _ROUTE_NAME_RE.match(text, end):
            return PlaceHit(start, end, surface, place, True, True, demonym, None, route=True)
    if _GROUP_AFTER_RE.match(text, end):
        locative, near_m = False, None
    if (
        place.feature == "city"
        and _NAME_GOES_ON_RE.match(text, end)
        and not (
            place.population >= _TITLE_TOWN_POP
            and place.kind != "admin2"  # "The Capital Damascus": "Capital District" is no town
            and _title_case_line(text, start)
        )
    ):
        return PlaceHit(start, end, surface, place, False, False, demonym, None, partial=True)
    if place.feature == "city" and (locative or near_m is not None):
        before = text[lo:start]
        route = "from " in before and (
            (_ROUTE_FROM_RE.search(before) and _ROUTE_TO_AFTER_RE.match(text, end))
            or _ROUTE_TO_RE.search(before)
        )
        if route or (("to " in before or "for " in before) and _DESTINATION_RE.search(before)):
            locative, near_m = False, None
    if near_m is not None and _POSSESSIVE_AFTER_RE.match(text, end):
        near_m = None  # "outside Istanbul's city hall": in Istanbul
    offset = None
    side, dist_said = _side_of(near_m)
    if near_m is not None and dist_said is not None and side:
        dist = dist_said * (1.609 if near_m.group("mi") else 1.0)
        dn, de = _DIRECTIONS.get(side, (0.0, 0.0))
        # "30 km west of X": the event is west of X, so move from X towards the west
        offset = (dn * dist, de * dist)
    elif near_m is not None and side and place.feature == "city":
        # "west of X", "the northern countryside of X" without a distance: somewhere on that
        # side of the town, so a point a short way off on that side rather than the town's own
        dn, de = _DIRECTIONS.get(side, (0.0, 0.0))
        side_km = _SIDE_KM
        worded = _WORDED_DISTANCE_BEFORE_RE.search(
            text, max(0, near_m.start() - 30), near_m.start()
        )
        if worded is not None and worded.group("just"):
            side_km = 0.0
        elif worded is not None:
            num = re.sub(r"\s+", " ", worded.group("num").lower())
            count = lx.NUMBER_WORDS.get(num) or _VAGUE_DISTANCE_KM.get(num, _SIDE_KM)
            side_km = count * (1.609 if worded.group("mi") else 1.0)
        offset = (dn * side_km, de * side_km) if side_km else None
    return PlaceHit(
        start,
        end,
        surface,
        place,
        locative or near_m is not None,
        near_m is not None,
        demonym,
        offset,
        # "west of X" is less sure than X; "the western countryside of X" is as sure as X (the
        # text names where, on that side, less precisely than a village but not vaguely)
        directional=near_m is not None
        and bool(side)
        and dist_said is None
        and not near_m.group("side"),
    )


def _moved(place: Place, offset: tuple[float, float] | None) -> tuple[float | None, float | None]:
    if place.lat is None or place.lon is None or offset is None:
        return place.lat, place.lon
    dn, de = offset
    lat = place.lat + dn / 111.0
    lon = place.lon + de / (111.0 * max(0.1, math.cos(math.radians(place.lat))))
    return round(lat, 4), round(lon, 4)


_SUFFIX_TAIL_RE = re.compile(
    r"(?:[\s-]+(?:province|governorate|oblast|region|state|prefecture|department|county|krai|"
    r"kray|republic|district))+$",
    re.IGNORECASE,
)


def _no_spanish_en(surface: str, place: Place) -> str:
    # the index holds some places with the Spanish "en" ("en Culiacán") or a match runs over
    # one ("Hermosillo en la colonia ...", "en el Cauca"): a preposition or an article that is
    # not in the place's own name is not part of it
    name = place.name.lower()
    for word in ("en ", "el ", "la "):
        if surface[:3].lower() == word and not name.startswith(word):
            surface = surface[3:]
    for word in (" en", " el", " la", " de"):
        if surface[-3:].lower() == word and not name.endswith(word):
            surface = surface[:-3]
    return surface


def to_location(hit: PlaceHit, force_near: bool = False) -> Location:
    precision = "near" if (hit.near or force_near) else None
    place = hit.place
    name = None
    if not hit.surface.isupper():
        if place.feature == "city":
            name = _no_spanish_en(hit.surface, place)  # the article's spelling ("Abu Ghraib")
        elif place.feature == "admin1":
            # regions are named as the text names them, without "province" ("Gansu")
            name = _SUFFIX_TAIL_RE.sub("", _no_spanish_en(hit.surface, place)) or None
    if place.feature == "admin1" and precision == "near":
        precision = None  # "near Idlib province" is still the province
    loc = place.to_location(precision=precision, name=name)
    if hit.offset_km is not None:
        lat, lon = _moved(place, hit.offset_km)
        loc = loc.model_copy(update={"lat": lat, "lon": lon})
    return loc


Span = tuple[int, int]


def _tier(hit: PlaceHit, tiers: tuple[list[Span], ...]) -> int:
    for k, spans in enumerate(tiers):
        for a, b in spans:
            if a <= hit.start and hit.end <= b:
                return k
    return -1


def choose_location(
    text: str,
    hits: list[PlaceHit],
    spans: list[Span],
    anchor: Span,
    main_country: Place | None,
    *,
    sentences: list[Span] | None = None,
    context: list[Span] | None = None,
    dateline: tuple[PlaceHit, ...] = (),
) -> tuple[Location | None, float]:
    """Best location for an incident told in ``spans`` (anchor span first), with a quality 0..1.

    The most specific place wins, looked for in this order: the anchor clause, the incident's
    other clauses, their whole ``sentences``, then neighbouring ``context`` sentences (towns
    only); a town or landmark beats a region, a region beats a country. "X km north of Y" is
    ``near`` Y. Without a town, a dateline town in the same country stands in, then the
    country named in the incident's sentences, then the article's main country.
    """
    tiers = ([anchor], spans, sentences or [], context or [])
    # every span of every tier lies within [lo, hi): the article's other hits (most of them, in
    # a long text) are passed over without trying each span
    lo = min(a for spans_ in tiers for a, _b in spans_)
    hi = max(b for spans_ in tiers for _a, b in spans_)
    best: tuple[tuple[float, ...], PlaceHit] | None = None  # most specific place
    broad: tuple[tuple[float, ...], PlaceHit] | None = None  # best region or country
    for hit in hits:
        if hit.demonym or hit.start < lo or hit.end > hi:
            continue
        tier = _tier(hit, tiers)
        if tier < 0:
            continue
        feature = hit.place.feature
        if (
            feature == "city"
            and _ROAD_AFTER_RE.match(text, hit.end)
            and not _ROUTE_NAME_RE.match(text, hit.end)
        ):
            continue  # "on the Tamale highway": a road named after a town, not the town
        if hit.partial:
            continue
        # a region named as a region ("rock Idlib Province") is a place whatever precedes it
        usable = (
            hit.locative
            or feature == "landmark"
            or (feature == "admin1" and _SUFFIX_TAIL_RE.search(hit.surface) is not None)
        )
        penalty = 0
        bare_region = not usable and feature == "admin1"
        if bare_region:
            # "Sinaloa: police find bodies", "a Jalisco restaurant": a region's bare name is
            # the region, unless it heads a statement or names a group ("Jalisco cartel"), or
            # is a namesake outside the article's country ("Magdalena, Sonora")
            usable = not (
                _SUBJECT_AFTER_RE.match(text, hit.end)
                or _GROUP_AFTER_RE.match(text, hit.end)
                or (
                    main_country is not None and hit.place.country_iso3 != main_country.country_iso3
                )
            )
        if not usable and feature == "city" and hit.place.population >= 5000:
            usable = not _SUBJECT_AFTER_RE.match(text, hit.end)
            penalty = 1
        if not usable:
            continue
        rank = hit.rank - penalty
        dist = (
            0
            if anchor[0] <= hit.start < anchor[1]
            else min(abs(hit.start - anchor[1]), abs(anchor[0] - hit.end))
        )
        if hit.precise and rank >= _RANK["near"]:
            group = 0 if tier < 2 else tier - 1  # the incident's clauses, its sentences, context
            key: tuple[float, ...] = (-group, rank, 1 if tier == 0 else 0, -dist)
            if best is None or key > best[0]:
                best = (key, hit)
        elif tier < 3:
            key = (rank, 0 if bare_region else 1, -tier, -dist)  # "Magdalena, Sonora": Sonora
            if broad is None or key > broad[0]:
                broad = (key, hit)
    a0, a1 = anchor
    in_area = _IN_AREA_RE.search(text, a0, a1) is not None
    if best is not None:
        b = best[1]
        tier = _tier(b, tiers)
        same_country = broad is None or broad[1].place.country_iso3 == b.place.country_iso3
        if tier < 3 or same_country:
            # "... the base was attacked; an aircraft in the area struck back": near the base
            return to_location(b, force_near=in_area and tier > 0), 1.0 if tier < 2 else 0.8
    # "in the area": near the last precise place named before the incident's anchor
    if in_area:
        prior = [h for h in hits if h.end <= a0 and h.rank >= _RANK["city"] and a0 - h.end < 600]
        if prior:
            return to_location(prior[-1], force_near=True), 0.8
    region = broad[1] if broad is not None else None
    if region is not None and region.rank >= _RANK["admin1"]:
        for d in dateline:  # "KADUNA, Nigeria — ... in Kaduna state": the state's main town
            if region.place.feature == "admin1" and d.place.admin1 == region.place.name:
                return to_location(d), 0.6
        return _with_country(to_location(region), main_country), 0.7
    country = region.place.country_iso3 if region is not None else None
    if country is None and main_country is not None:
        country = main_country.country_iso3
    for d in dateline:  # "TRIPOLI, Libya — ..." with no town in the report itself
        # "KANDAHAR, March 8 (Reuters) — ..." names no country: the town's own is the one
        if country is None or d.place.country_iso3 == country:
            return to_location(d), 0.5
    if region is not None:
        return to_location(region), 0.4
    if main_country is not None:
        return main_country.to_location(precision="country"), 0.4
    return None, 0.0


def _with_country(loc: Location, main_country: Place | None) -> Location:
    """A sea or a cross-border region takes the article's country ("the Red Sea" off Yemen)."""
    if loc.country_iso3 is not None or main_country is None:
        return loc
    return loc.model_copy(
        update={"country": main_country.country, "country_iso3": main_country.country_iso3}
    )


# What may stand between two towns of one list: "Munich and Berlin", "Buenos Aires, Cordoba and
# Rosario", "in Ankara and in Izmir".
_LIST_SEP_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:in\s+)?")


def coordinated_places(
    text: str, hits: list[PlaceHit], anchor: Span, chosen: Location
) -> list[Location]:
    """The other towns listed together with an incident's town in its anchor clause.

    The dev set's codebook reading (ACLED codes one event per location and day): "thousands
    marched in New York, Chicago and Philadelphia" is three protests. Only a plain list of towns
    of one country counts; a town named elsewhere in the clause does not.
    """
    a0, a1 = anchor
    towns = [h for h in hits if a0 <= h.start < a1 and h.place.feature == "city" and not h.demonym]
    if len(towns) < 2:
        return []
    chains: list[list[PlaceHit]] = [[towns[0]]]
    for h in towns[1:]:
        prev = chains[-1][-1]
        sep = _LIST_SEP_RE.fullmatch(text, prev.end, h.start)
        if sep is not None and h.place.country_iso3 == prev.place.country_iso3:
            chains[-1].append(h)
        else:
            chains.append([h])
    for chain in chains:
        if len(chain) < 2:
            continue
        names = [h.surface for h in chain]
        if chosen.name not in names and chosen.name not in [h.place.name for h in chain]:
            continue
        return [
            to_location(h)
            for h in chain
            if h.surface != chosen.name and h.place.name != chosen.name and h.locative
        ]
    return []

"""The rule-based incident extractor: Article in, Incidents out (pure functions, no I/O).

Pipeline, each step a small function of the modules next to this one:

1. split the text into sentences (offsets kept), drop page furniture, flag aggregate statistics;
2. find event triggers, dates and place names once over the whole text;
3. per sentence: mask back-references ("in response to ..."), cluster triggers into mentions
   (one sentence may tell two events), classify each mention's sub-event type, read its counts,
   date, places;
4. group mentions into incidents: a mention joins an earlier incident of a compatible type when
   it refers back to it ("the strike", "this attack") or directly continues it (next sentence),
   unless dates or places disagree or the text says it is another event;
5. fill each incident from its most informative mention (the anchor) and the others, order them
   by salience (position of the anchor; old background events last).

Work is bounded per article: only the first MAX_TEXT_CHARS characters are analysed (incidents
then carry a "truncated-text" warning) and sentences are at most MAX_SENTENCE_CHARS long, so the
cost is linear in the text and capped (the process stage has no per-article time budget).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from processors import lexicon as lx
from processors import spanish as es_rules
from processors.actors import find_actors, find_sources, find_weapons
from processors.casualties import Casualties, find_casualties, zero_statement
from processors.classify import (
    GENERIC_LABELS,
    Resolution,
    Trigger,
    cluster,
    combatants_among_dead,
    find_triggers,
    grievance_arrest,
    irrealis,
    is_aggregate,
    resolve,
    suppressed_spans,
)
from processors.dates import NOT_EVENT_KINDS, DateMention, find_dates
from processors.fastre import guarded, lowered_document, may_hold
from processors.language import detect_language, english_words_prevail
from processors.numbers import NUMBER_PATTERN, Count, parse_number
from processors.places import (
    ArticlePlaces,
    PlaceHit,
    article_places,
    choose_location,
    coordinated_places,
)
from processors.sentences import Sentence, datelines, split_sentences
from wirewatch.contracts import (
    DATE_ASSUMED,
    DATE_ASSUMED_FILED,
    Article,
    Evidence,
    ExtractorInfo,
    Incident,
    Location,
)

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "MAX_TEXT_CHARS",
    "TRUNCATED_WARNING",
    "article_language",
    "extract_from_text",
    "extract_incidents",
]

EXTRACTOR_NAME = "wirewatch-rules"
EXTRACTOR_VERSION = "0.4.5"  # issue 18 fourteenth round: background, datelines, kind, places
_EXTRACTOR = ExtractorInfo(name=EXTRACTOR_NAME, version=EXTRACTOR_VERSION)

# the code before the colon is kept for subscribers who filter on it (it predates the Spanish
# rules); the text says what the rules read
NON_ENGLISH_WARNING = "non-english-text: rules read English and Spanish only"
# Languages with incident rules: English (the tables of lexicon/classify/casualties/dates) and
# Spanish (processors/spanish.py, called only for a text detected as "es"). A text in another
# language (run only under process.languages ["*"]) is read with the English rules, capped.
RULE_LANGUAGES = frozenset({"en", es_rules.LANGUAGE})
_WEAK = 0.6  # weight of bare outcome words (killed, wounded): they alone do not make an event

# A death alone is no incident ("the informer died"): a new incident needs a violent word
# beside a bare "died"/"dead"; "killed", "injured" and their kin are violent themselves.
_BARE_DEATH_RE = re.compile(r"(?:died|dies|die|dead|deaths?)", re.IGNORECASE)
_VIOLENT_WORD_RE = guarded(
    r"\b(?:kill|shot|shoot|gun|stab|attack|bomb|blast|explo|mine|shell|strike|raid|clash|fight|"
    r"violen|murder|execut|massacr|beat|tortur|lynch|assault|wound|injur|ambush|fire|confront|"
    r"aggress|armed|commando|sicario|hitm|riddl|toll|casualt|bound|hanged|wars?\b|crime|crucif|"
    r"ston|behead|decapit|slay|slain|"
    # the disorder itself named ("two dead in the capital's unrest", translated "the combats
    # between A and B"), not an illness ("a blood disorder") or a campaign ("combat against")
    r"unrest|turmoil|(?:civil|public) disorder|combats\b|combat between|in combat\b|"
    # "two men found dead on the highway": told like bodies found, a killing in this news
    r"(?:found|find|finds|locate[sd]?|discovered|left|leaves?|leaving)\b(?:\s+[\w-]+){0,3}?\s+dead)",
    re.IGNORECASE,
)
# A headline names its victim without an article or a count ("Villager killed by troops",
# "Turkish soldier killed in Syria", "Mother and son are killed", "Regime troops die in a
# minefield"): the person noun right before the outcome word makes it an event even though no
# count can be read. Checked on the words just before a bare outcome trigger.
_VICTIM_KILLED_RE = guarded(
    rf"\b(?:{'|'.join(lx.VICTIM_NOUNS)}|{'|'.join(lx.VICTIM_NOUN_PLURALS)}|"
    r"teens?|minors?|troops|police|policewom[ae]n|businessm[ae]n|workers?|captains?|sons?|"
    r"daughters?|mothers?|fathers?|brothers?|sisters?|wife|husband|family|couple|vendors?|"
    r"merchants?|traders?|migrants?|nurses?|guards?|militiam[ae]n|gunm[ae]n|insurgents?|"
    r"squadron|person|people|elders?|informants?|lawyers?|judges?|councill?ors?|candidates?|"
    r"pastors?|monks?|shepherds?|herders?|fishermen|fisherman|employees?|agents?|inmates?|"
    r"prisoners?|citizens?|nationals?)"
    r"(?:\s+(?:is|are|was|were|been|being|gets?|got))?\s+$",
    re.IGNORECASE,
)
# a pronoun opening a headline's passive: "They are killed inside a truck", "He is killed"
_PRONOUN_VICTIM_RE = guarded(
    r"[\"'“‘\[(]*(?:he|she|they) (?:is|are|was|were|gets?|got) $", re.IGNORECASE
)
_COUNT_OF_RE = guarded(
    r"\b(?:number|toll|total|tally|count|numbers)\s+of\s+(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE
)
# A victim's noun and the few words that qualify it, up to a bare "killed" (no verb, conjunction
# or relative word between: "the number of civilians who were killed" is no victim here).
_VICTIM_PHRASE_RE = guarded(
    rf"\b(?:{'|'.join(lx.VICTIM_NOUNS)}|emir|amir)"
    r"(?:\s+(?!(?:who|which|that|were|was|are|is|been|being|have|has|had|and|or|to|not|as|"
    r"after|when|while|since|says?|said|claims?|blamed)\b)[\w'’.-]+){1,5},?\s+$",
    re.IGNORECASE,
)
# A named victim: two to four capitalised words (a comma may follow) before a bare "killed"
_NAMED_VICTIM_RE = re.compile(
    r"(?:^|(?<=[\s\"“‘(:]))[A-ZÁÉÍÓÚÑ][\w'’.-]+(?:\s+(?:(?:de|del|la|al|el|bin|ibn)\s+)?"
    r"[A-ZÁÉÍÓÚÑ][\w'’.-]+){1,3},?\s+$"
)
# a victim's name or nickname in quotes: "'El Flaco' killed in ...", "singer \"X Y\" killed"
_NICKNAME_RE = re.compile(r"[\"“‘'][^\"“”‘’'\n]{2,30}[\"”’'],?\s+$")
_NOT_NAME_WORDS = frozenset(
    "the a an who which that was were is are has have had been be of and or to for with his her "
    "their its as at on in by after before how why what when where this these those more most "
    "another other two three four five six seven eight nine ten dozens many several".split()
)
# the Spanish articles and particles of a nickname or a name ("El Tepo", "Los Viagras")
_SPANISH_NAME_WORDS = frozenset({"el", "la", "los", "las", "de", "del"})
# what may follow a headline's bare "killed": the end, a punctuation mark, the place or the
# killer ("... killed in Culiacán", "... killed by gunmen")
_CLAUSE_END_AFTER_RE = re.compile(r"\s*(?:$|[,.;:!?)]|(?:in|near|by|during|on|outside|inside)\b)")
_VICTIM_OUTCOME_RE = guarded(r"(?:killed|slain|died|dies|die|dead)", re.IGNORECASE)
# "... kill more citizens and raise the death toll to 193 since the start of the escalation",
# "clashes rage on three fronts, raising to about 490 the number of casualties since ...": a
# sentence that tells an event and then a running total. The total makes the sentence an
# aggregate; the clause before it is the event.
_TOLL_RISE_RE = guarded(
    r"\b(?:rais|ris|increas)(?:e|es|ed|ing)\s+(?:to\b|the\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:number|(?:death\s+)?toll|tally|total)\b)|"
    r"\b(?:the\s+)?(?:(?:death|casualty)\s+)?(?:toll|number|tally)\s+(?:rises|rose|climbs|"
    r"climbed|increases|increased|reaches|reached)\b",
    re.IGNORECASE,
)
# "Gunmen murdered five ...; homicides in the state this year reach 300", "..., as homicides in
# the city have doubled", "..., 131 murders so far this year": a statistic of a period in the
# clause after the event, with a count of killings as its subject. The clause before it is the
# event (see _event_before_total).
_STAT_CLAUSE_RE = guarded(
    r"(?:[;,:]|\s[–—-])\s+(?:(?:as|while|and|but|where|with)\s+)?(?:the\s+)?"
    r"(?:(?:number|total|tally)\s+of\s+|(?:more\s+than\s+)?\d[\d,.]*\s+)?"
    rf"(?:{'|'.join(lx.KILLING_TALLY_NOUNS)}|killings)\b",
    re.IGNORECASE,
)
_ANAPHOR_RE = guarded(
    r"\b(?:the|this|that|these|those|its|their|same|said|last|latest|today's|yesterday's|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day's)\s+(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NEW_EVENT_RE = guarded(
    r"\b(?:another|a separate|separately|a second|a third|in a separate|in another|elsewhere|"
    r"meanwhile|earlier that day|later that day|a similar|in a similar|similarly|also on)\b",
    re.IGNORECASE,
)
# a word every match of _NEW_EVENT_RE holds: a segment with none of them is not scanned
_NEW_EVENT_KEYS = (
    "another", "separate", "second", "third", "elsewhere", "meanwhile", "that day", "similar",
    "also on",
)  # fmt: skip
# the start of a kill verb's clause, for reading its subject (see _unarmed_subject)
_SUBJECT_CLAUSE_RE = re.compile(r"[.,;:!?()\n]|\s[–—-]\s|\b(?:and|but|while|after|as|when)\s")
_WORD_RE = re.compile(r"\w+")
# "... found after a house fire": the words between a death and its cause (see _cause_decides)
_DISASTER_LABELS = frozenset({lx.FIRE, lx.NATURAL, lx.MANMADE})
_AFTER_CAUSE_RE = re.compile(r"\s+(?:\w+\s+)?after (?:a |an |the )?(?:[\w-]+ )?", re.IGNORECASE)
# a vehicle's accident (see _accident_told); the keys are its verbs' lowercase stems (a test
# expands _ACCIDENT_VERBS and checks that every form holds one)
_ACCIDENT_KEYS = ("overturn", "crash", "collid", "derail", "capsiz", "plunge", "skid")
_ACCIDENT_VERBS = (
    r"overturn(?:ed|s)?|crash(?:ed|es)?|collid(?:ed|es)|"
    r"derail(?:ed|s)?|capsiz(?:ed|es)|plunged|plunges|skidded|skids"
)
_ACCIDENT_RE = re.compile(
    r"\b(?:bus|buses|minibus|car|cars|truck|lorry|train|boat|ferry|vehicle|van|tanker|"
    r"motorcycle|taxi|coach)\b[^.;]{0,40}?\b(?:" + _ACCIDENT_VERBS + r")\b",
    re.IGNORECASE,
)
# A reaction to an event ("the governor condemned the attack", "X denounced the killings"): in
# a text that has already told an event, the reaction tells no new one, and its place and date
# are the statement's. The stems are the pretest (a lowercase substring before the trigger; a
# test expands _REACTION_VERBS and checks that every form holds one).
_REACTION_STEMS = (
    "condemn", "denounc", "deplor", "decri", "decry", "mourn", "lament", "outrage", "anger",
    "shock", "condolence", "sorrow",
)  # fmt: skip
_REACTION_VERBS = (
    r"condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|deplor(?:e|es|ed|ing)|decr(?:y|ies|ied|"
    r"ying)|mourn(?:s|ed|ing)?|lament(?:s|ed|ing)?|(?:outrage|outraged|anger|shock|condolences|"
    r"sorrow) (?:at|over|after|for)"
)
_REACTION_BEFORE_RE = re.compile(
    r"\b(?:" + _REACTION_VERBS + r")\s+(?:[\w'’-]+\s+){0,3}?$",
    re.IGNORECASE,
)
# a new event told after a reaction's object ("condemned the attack; separately, gunmen
# abducted 20 students"): that event is read as any other. (Not "after": the segment's
# reaction then attaches to the told event and the new one takes it over.)
_REACTION_BREAK_RE = re.compile(r"[;:]|\b(?:separately|meanwhile|elsewhere)\b", re.IGNORECASE)
# the words between a reaction's object and a place in it ("attack| on the army base in |Damboa")
_OBJECT_PLACE_RE = re.compile(
    r"\s+(?:(?:on|at|against)\s+(?:[\w'’-]+\s+){0,4}?)?(?:in|near|at)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_TRIM = " \t\n\"'“”‘’«»,;:—–-([)]"
_ESCALATION = (lx.PEACEFUL, lx.INTERVENTION, lx.EXCESSIVE, lx.VIOLENT_DEMO, lx.MOB)
_PROTEST_RANK = {lx.PEACEFUL: 0, lx.INTERVENTION: 1, lx.EXCESSIVE: 2, lx.VIOLENT_DEMO: 3}
_TERRITORY = (lx.NSA_OVERTAKES, lx.GOV_REGAINS)
_BARE = frozenset({lx.VIOLENCE, lx.FIRE})
_MEASURES = frozenset(
    {lx.OTHER, lx.AGREEMENT, lx.CHANGE_GROUP, lx.HQ}
)  # labels of bare violence words
_SUPPORT_GAP = 4  # sentences: a mention this close to an incident, with nothing new, details it


@dataclass(slots=True)
class _Mention:
    sentence: Sentence
    start: int
    end: int
    triggers: list[Trigger]
    res: Resolution
    generic: bool
    casualty_only: bool
    anaphoric: bool
    new_cue: bool
    own_date: DateMention | None
    ctx_date: DateMention | None
    casualties: Casualties
    specific_place: PlaceHit | None
    masked: str = ""  # the sentence with back-references blanked
    specificity: float = 0.0
    support: bool = False  # a detail of an incident told before (never its anchor or type)


class _Incident:
    """Mentions of one event, with the summaries grouping asks about on every later mention
    (type, anchor, date, place): updated from each added mention alone, instead of once per
    comparison or from all mentions, which matters on long texts where each mention is compared
    with many incidents and one incident may gather hundreds of mentions.
    """

    __slots__ = (
        "_lead_any",
        "_lead_main",
        "_takeover",
        "_top_protest",
        "anchor",
        "date",
        "generic_only",
        "last_sentence",
        "mentions",
        "place",
        "sub",
        "zero_region",
        "zero_tail",
    )

    def __init__(self) -> None:
        self.mentions: list[_Mention] = []
        self.last_sentence = -1
        self.zero_region: tuple[int, int] | None = None
        # the report's closing lines after its last incident ("Another bomb exploded near the
        # bank. There were no casualties."): read for an incident that states no count at all
        self.zero_tail: tuple[int, int] | None = None
        self.anchor: _Mention  # set by the first add(); an incident is never empty when read
        self.sub = ""
        # only bare violence words so far ("the attack", "killed"): any kind may follow
        self.generic_only = True
        self.date: DateMention | None = None  # the first mention's own date
        self.place: PlaceHit | None = None  # the first specific place of a mention
        # what the anchor and the type are read from, kept as mentions come (reading every
        # mention again on each add was quadratic in a page that repeats one event): the most
        # specific mention that is no support, and of all; the first takeover told; the first
        # mention of the highest protest rank
        self._lead_main: _Mention | None = None
        self._lead_any: _Mention | None = None
        self._takeover: str | None = None
        self._top_protest: str | None = None

    def add(self, m: _Mention, sent_index: int) -> None:
        """Append a mention (final: its fields must not change afterwards)."""
        self.mentions.append(m)
        self.last_sentence = sent_index
        # the first of the most specific, as max() over the mentions in order
        if self._lead_any is None or _lead_key(m) > _lead_key(self._lead_any):
            self._lead_any = m
        if not m.support and (self._lead_main is None or _lead_key(m) > _lead_key(self._lead_main)):
            self._lead_main = m
        self.anchor = self._lead_main or self._lead_any
        if self._takeover is None and not m.casualty_only and m.res.sub_event_type in _TERRITORY:
            self._takeover = m.res.sub_event_type
        protest = _protest_sub(m)
        if _PROTEST_RANK.get(protest, -1) > _PROTEST_RANK.get(self._top_protest or "", -1):
            self._top_protest = protest
        self.sub = self._sub()
        self.generic_only = self.generic_only and {t.label for t in m.triggers} <= _BARE
        if self.date is None:
            self.date = m.own_date
        if self.place is None:
            self.place = m.specific_place

    def _sub(self) -> str:
        """The anchor's type, raised by what the other mentions add: a clash that ends in a
        takeover is the takeover; a protest met with arrests or tear gas had an intervention."""
        sub = self.anchor.res.sub_event_type
        if sub == lx.CLASH:
            return self._takeover or sub
        if sub in _PROTEST_RANK:
            top = self._top_protest
            if top is not None and _PROTEST_RANK[top] > _PROTEST_RANK[sub]:
                return top
            return sub
        return sub


def _lead_key(m: _Mention) -> tuple[float, int]:
    """How well a mention leads its incident: the most specific, then the earliest."""
    return (m.specificity, -m.start)


def _protest_sub(m: _Mention) -> str:
    """A mention's type as a protest's: arrests at a protest are an intervention (not
    "protested against the arrest of ...")."""
    arrests = [t for t in m.triggers if t.label == lx.ARRESTS]
    if any(not grievance_arrest(m.masked, t, m.sentence.start) for t in arrests):
        return lx.INTERVENTION
    return m.res.sub_event_type


def _to_date(value: datetime | date | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _masked(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> str:
    """The sentence text with suppressed spans blanked (same length, offsets unchanged)."""
    seg = text[s:e]
    if not spans:
        return seg
    chars = list(seg)
    for a, b in spans:
        for i in range(max(a, s) - s, min(b, e) - s):
            chars[i] = " "
    return "".join(chars)


def _filed_day(text: str, filed: list[tuple[int, int]], published: date | None) -> date | None:
    """The day the first dateline names ("KABUL, March 8 (Reuters) -", "CULIACÁN, Sin., 8 de
    marzo (EFE).-"), read with the publication's year, when it is no later than publication nor
    older than a background date; None without one."""
    if not filed:
        return None
    return _dateline_day(text, filed[0], published)


def _dateline_day(text: str, span: tuple[int, int], published: date | None) -> date | None:
    """The day one dateline names, on the terms of :func:`_filed_day`."""
    a, b = span
    head = text[a:b]
    if not any(c.isdigit() for c in head):
        return None
    for read in (find_dates, es_rules.find_dates):
        for d in read(head, published):
            if d.kind != "explicit" or d.precision != "day":
                continue
            if published is not None and not (
                published - timedelta(days=_BACKGROUND_DAYS) <= d.date <= published
            ):
                return None
            return d.date
    return None


def _report_filed_day(
    text: str,
    filed: list[tuple[int, int]],
    filed_starts: list[int],
    pos: int,
    published: date | None,
) -> date | None:
    """The day named by the last dateline before ``pos`` (``filed``: the text's dateline spans,
    ``filed_starts`` their starts): on a page of several filed reports, each event's own
    report's. Looked up by bisection, read only for an event that names no day of its own."""
    k = bisect_right(filed_starts, pos) - 1
    return _dateline_day(text, filed[k], published) if k >= 0 else None


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _in_sorted_spans(pos: int, starts: list[int], spans: list[tuple[int, int]]) -> bool:
    """:func:`_in_spans` for spans in text order that do not overlap (``starts``: theirs), by
    bisection: a page of many datelines has many dates too."""
    k = bisect_right(starts, pos) - 1
    return k >= 0 and pos < spans[k][1]


def _compatible(m: _Mention, inc: _Incident) -> bool:
    sub = inc.sub
    if inc.generic_only and not m.casualty_only:
        # "killed dozens of civilians ... Authorities imposed a curfew": not one event
        type_ok = m.generic or m.res.sub_event_type not in _MEASURES
    elif m.generic:
        labels = {t.label for t in m.triggers}
        if labels <= {lx.VIOLENCE, lx.FIRE}:
            type_ok = True
        elif lx.STRIKE in labels or lx.MISSILE in labels:
            type_ok = sub in (lx.AIR, lx.SHELL)
        else:  # explosion
            type_ok = lx.EVENT_TYPE_OF[sub] == "Explosions/Remote violence" or sub in (
                lx.MANMADE,
                lx.DISRUPTED,
            )
    else:
        ms = m.res.sub_event_type
        type_ok = ms == sub or (ms in _ESCALATION and sub in _ESCALATION)
    if not type_ok:
        return False
    d = inc.date
    if m.own_date is not None and d is not None and m.own_date.precision == d.precision == "day":
        if m.own_date.date != d.date:
            return False
    p = inc.place
    if m.specific_place is not None and p is not None:
        a, b = m.specific_place.place, p.place
        if a.name != b.name and (a.country_iso3 != b.country_iso3 or _km(a, b) > 40):
            return False
    return True


def _km(a: object, b: object) -> float:
    la1, lo1 = getattr(a, "lat", None), getattr(a, "lon", None)
    la2, lo2 = getattr(b, "lat", None), getattr(b, "lon", None)
    if None in (la1, lo1, la2, lo2):
        return 0.0
    return float(((la1 - la2) ** 2 + (lo1 - lo2) ** 2) ** 0.5 * 111.0)  # type: ignore[operator]


# The day of a statement, not of the event: "the KIA said on Monday its fighters had captured
# the town on Saturday" is dated Saturday. Used only when the sentence has another date.
_STATEMENT_BEFORE_RE = guarded(
    r"\b(?:said|says|told(?: \w+){0,3}?|announced|reported|confirmed|added|stated|"
    r"claimed(?: responsibility)?|"
    r"statement(?: (?:issued|released|published|posted|sent))?|(?:press )?conference|tweeted|"
    r"posted|wrote|"
    # Spanish: "la policía informó el jueves que ... el martes"
    r"inform[oó]|informaron|report[oó]|reportaron|dijo|dijeron|declar[oó]|confirm[oó]|"
    r"confirmaron|señal[oó]|indic[oó]|precis[oó]|detall[oó]|anunci[oó])"
    r"\s+(?:late |early )?(?:on )?$",
    re.IGNORECASE,
)


# The day a toll was counted, right after the count: "the toll climbed to 29 on Wednesday after
# Monday's strike" (the strike's day, where the text names it, is the event's)
_COUNT_DAY_BEFORE_RE = guarded(
    r"\b(?:toll|number of [\w'’-]+)\b[^.;:!?]{0,80}?\b(?:rose|risen|rises|climbed|climbs|reached|"
    r"jumped|increased|st(?:ood|ands) at)(?:\s+to)?\s+(?:at least\s+|about\s+)?[\w,]+"
    r"(?:\s+(?:dead|people|deaths))?\s+(?:on|by|as of)?\s*$",
    re.IGNORECASE,
)


# Words that open a clause of its own after a day: what follows them is no subject of a
# statement made that day ("killed ten on Monday in what police said was revenge", "on Monday
# as officials said ...": the day is the event's)
_CLAUSE_OPENERS = (
    r"(?:and|or|but|that|which|who|then|what|as|when|while|where|after|before|because|"
    r"since|though|although|if|y|que|pero|cuando|mientras|donde|tras)"
)
# A reporting verb after the day it was made on, in English and Spanish like
# _STATEMENT_BEFORE_RE ("El jueves, la Fiscalía informó que ... el martes"; "the group on
# Tuesday claimed responsibility for Sunday's attack"; not "the bombing on Sunday claimed 12
# lives"). "said to be" and "were reported killed" are no statement.
_STATEMENT_VERB_AFTER = (
    r"(?:said|says|told|announced|reported|confirmed|stated|claimed\s+responsibility|"
    r"inform[oó]|informaron|report[oó]|reportaron|dijo|dijeron|declar[oó]|confirm[oó]|"
    r"confirmaron|señal[oó]|indic[oó]|precis[oó]|detall[oó]|anunci[oó])\b"
    r"(?!\s+(?:to|killed|dead|missing|injured|wounded|kidnapped|abducted|arrested)\b)"
)
# The day of a statement told before its reporting verb: "On Tuesday the army said ...",
# "Police on Tuesday said ...", "in a Tuesday statement": the verb's subject (at most three
# words, no conjunction: "in the early hours of Wednesday and said they had seized power" tells
# the event) between.
_STATEMENT_AFTER_RE = re.compile(
    rf"(?:'s)?\s+(?:(?!{_CLAUSE_OPENERS}\b)[\w-]+\s+){{0,3}}?"
    rf"(?:{_STATEMENT_VERB_AFTER}|"
    r"(?:statement|press conference|news conference|briefing)\b)",
    re.IGNORECASE,
)
# "On Tuesday, police said, ...": a comma after the day only where the day opens its sentence
# ("killed 223 villagers on February 25, Human Rights Watch said" is the event's day, told
# before the attribution)
_STATEMENT_AFTER_COMMA_RE = re.compile(
    rf",\s+(?:(?!{_CLAUSE_OPENERS}\b)[\w-]+\s+){{0,3}}?{_STATEMENT_VERB_AFTER}",
    re.IGNORECASE,
)
_SENTENCE_OPENS_RE = re.compile(r"(?:\A|[.!?\n][\"'”’)]*)\s*\Z")


def _statement_dates(text: str, dates: list[DateMention]) -> dict[int, int]:
    """Rank of the date mentions that are weak evidence of the event's day (others rank 0):
    1 for the day of a statement or of a toll's count, 2 for a bare "overnight" (the night that
    ended on the day of the statement, when the sentence has one)."""
    weak: dict[int, int] = {}
    for d in dates:
        if (
            _STATEMENT_BEFORE_RE.search(text, max(0, d.start - 40), d.start)
            or _COUNT_DAY_BEFORE_RE.search(text, max(0, d.start - 140), d.start)
            or _STATEMENT_AFTER_RE.match(text, d.end)
            or (
                _STATEMENT_AFTER_COMMA_RE.match(text, d.end)
                and _SENTENCE_OPENS_RE.search(text[max(0, d.start - 8) : d.start]) is not None
            )
        ):
            weak[d.start] = 1
        elif text[d.start : d.end].lower() == "overnight":
            weak[d.start] = 2
    return weak


def _other_headline(text: str, anchor: _Mention, m: _Mention) -> bool:
    """Whether ``m`` lies on another line than ``anchor`` in a text made of one-line headlines
    (lines without a full stop: a list of separate reports, not a title over its story)."""
    if m is anchor:
        return False
    a, b = sorted((anchor.start, m.start))
    if "\n" not in text[a:b]:
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return len(lines) > 1 and not any(". " in ln or ln.rstrip().endswith(".") for ln in lines)


# An event day this long before publication is background to the report
_BACKGROUND_DAYS = 45
# The words of a birth, English and Spanish (_BACKGROUND_SENTENCE_RE, _BORN_BEFORE_RE)
_BORN = r"born|nacid[oa]s?|naci[óo]"
# A sentence that tells background to the report's events, not one of them: a biography ("Born
# on 3 May 1980, the mayor ..."), an agreement ("The peace deal was signed on 12 February in
# Doha"), an anniversary ("marked the tenth anniversary of the massacre"). Its date and place are
# no context for an event another sentence tells, unless that sentence refers to them (_SAME_DAY_RE,
# _THERE_RE).
_BACKGROUND_SENTENCE_RE = re.compile(
    rf"\b(?:{_BORN}|anniversary|commemorat\w*|"
    r"(?:deal|agreement|accord|treaty|truce|cease-?fire)\s+(?:[\w-]+\s+){0,3}?signed|"
    r"signed\s+(?:[\w-]+\s+){0,3}?(?:deal|agreement|accord|treaty|truce|cease-?fire)|"
    r"aniversario|conmemor\w*|se\s+cumpli[óo]\w*|"
    r"(?:acuerdo|tratado|tregua|pacto)\s+(?:[\w-]+\s+){0,4}?firm\w*|"
    r"firm\w*\s+(?:[\w-]+\s+){0,3}?(?:acuerdo|tratado|tregua|pacto))\b",
    re.IGNORECASE,
)
# A birth day or birthplace is no day or place of any event, even inside the event's own
# sentence ("the mayor, who was born on 3 May 1980 in Culiacán, was shot dead in Mazatlán on
# Monday", "quien nació el 3 de mayo de 1980")
_BORN_BEFORE_RE = re.compile(
    rf"\b(?:{_BORN})\s+(?:on\s+|in\s+|el\s+|en\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# The object of an anniversary is a past event, not one of the report: "the tenth anniversary of
# the massacre", "un año de la masacre"
_ANNIVERSARY_OF_RE = re.compile(
    r"\b(?:anniversary\s+of|aniversario\s+de|cumpl\w*\s+(?:[\w]+\s+){0,2}?años?\s+de)"
    r"\s+(?:[\w'’-]+\s+){0,3}$",
    re.IGNORECASE,
)
# An event's sentence that takes the day of the sentence before it: "that day", "the same day"
_SAME_DAY_RE = re.compile(
    r"\b(?:that|the\s+same|that\s+same)\s+day\b|\b(?:ese|aquel|el\s+mismo|ese\s+mismo)\s+d[ií]a\b",
    re.IGNORECASE,
)
# An event's sentence dated by a step from the day of the sentence before it: "the next day", "two
# days later", "the day before", "al día siguiente", "tres días después". It tells another event
# than the one before it (_NEW_EVENT_RE), so it is read as a new incident and dated by the step.
_DAY_STEP_RE = re.compile(
    r"\b(?:(?P<next>the\s+(?:next|following)\s+day|the\s+day\s+after|a\s+day\s+later|"
    r"al\s+d[ií]a\s+siguiente|al\s+otro\s+d[ií]a|un\s+d[ií]a\s+despu[ée]s)|"
    r"(?P<prev>the\s+(?:previous|preceding)\s+day|the\s+day\s+before|a\s+day\s+earlier|"
    r"el\s+d[ií]a\s+anterior|un\s+d[ií]a\s+antes)|"
    r"(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?\s+later|"
    r"d[ií]as\s+despu[ée]s))\b",
    re.IGNORECASE,
)


# A killing with its victims after the verb ("troops killed 12 insurgents", "mataron a cinco"): told
# a day or more after another event, a new killing, where "two of the wounded died the next day"
# or "were killed" tells more dead of the event before
_ACTIVE_KILL_RE = re.compile(
    r"(?<!was )(?<!were )(?<!been )(?<!fue )(?<!fueron )"
    r"\b(?:kill(?:ed|ing|s)?|mat(?:aron|ó|an)\s+a)\s+(?:at\s+least\s+|al\s+menos\s+)?"
    r"(?:\d|a\b|an\b|one|two|three|four|five|six|seven|eight|nine|ten|several|dozens|un[oa]?\b|"
    r"dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|varios)",
    re.IGNORECASE,
)


def _day_step(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """The first day step in ``text[start:end]`` (_DAY_STEP_RE): its span and its days."""
    m = _DAY_STEP_RE.search(text, start, end)
    if m is None:
        return None
    if m.group("next"):
        days = 1
    elif m.group("prev"):
        days = -1
    else:
        days = parse_number(m.group("n")) or 0
    return (m.start(), m.end(), days) if days else None


# ... or its place: "there" (not the existential "there were", "there's been", "there appears to
# be"), "allí", "ahí"
_THERE_RE = re.compile(
    r"\bthere\b(?!['’](?:s|ve|d|ll)\b|\s+(?:was|were|is|are|has|have|had|will|would|may|might|"
    r"could|can|must|should|seem(?:s|ed)?|appear(?:s|ed)?|remain(?:s|ed)?|exist(?:s|ed)?|"
    r"(?:is|are|was|were|has|have|had)n['’]t)\b)|"
    r"\b(?:all[ií]|ah[ií])\b",
    re.IGNORECASE,
)


def _without_birthplaces(text: str, places: ArticlePlaces) -> ArticlePlaces:
    """``places`` without the names a person was born in (_BORN_BEFORE_RE)."""
    hits = [
        h for h in places.hits if not _BORN_BEFORE_RE.search(text, max(0, h.start - 24), h.start)
    ]
    return places if len(hits) == len(places.hits) else dataclasses.replace(places, hits=hits)


def _background_sentence(sentence: str) -> bool:
    """Whether a sentence tells background rather than an event of the report: a biography, an
    agreement, an anniversary. Not by its day's age: a note filed years after its event ("On 5
    May 2021, in Kani Township, ...") opens with the event's own day."""
    return _BACKGROUND_SENTENCE_RE.search(sentence) is not None


# A line that dates a photo or the page, not the story: "FILE PHOTO: ... June 12, 2019",
# "Updated 9 March 2021", "Last modified: ..."
_CAPTION_OR_STAMP_RE = re.compile(
    r"\b(?:photo|photograph|picture|image|updated|posted|published|modified|copyright)\b|©",
    re.IGNORECASE,
)


def _label_date(
    mentions: list[DateMention], weak: dict[int, int], published: date | None, line: str
) -> DateMention | None:
    """The first explicit day of ``mentions`` that is no statement's or count's day, nor after
    publication (a daily bulletin dated the day after the report was filed dates its issue, not
    the events of that report), nor an old day (a background date, as in _draft), in a ``line``
    that is no photo caption or page stamp."""
    if not mentions or _CAPTION_OR_STAMP_RE.search(line):
        return None
    for d in mentions:
        if (
            d.kind == "explicit"
            and d.precision == "day"
            and d.start not in weak
            and (
                published is None
                or published - timedelta(days=_BACKGROUND_DAYS) <= d.date <= published
            )
        ):
            return d
    return None


def _pick_date(
    mentions: list[DateMention], lo: int, hi: int, weak: dict[int, int] | None = None
) -> DateMention | None:
    best: DateMention | None = None
    best_rank = 3
    for d in mentions:
        if lo <= d.start < hi and d.kind not in NOT_EVENT_KINDS:
            rank = weak.get(d.start, 0) if weak else 0
            if rank == 0:
                return d
            if rank < best_rank:
                best, best_rank = d, rank
    return best


def _extract(
    text: str,
    *,
    article_id: str,
    published: date | None,
    title: str | None,
    declared_language: str | None,
    language: str | None = None,
) -> list[Incident]:
    if not text.strip():
        return []
    full_len = len(text)
    raw = text = _analysed_prefix(text)
    text, origin = decode_entities(text)
    if language is None:
        language = detect_language(text, declared_language)
    warnings: list[str] = []
    if language not in RULE_LANGUAGES:
        warnings.append(NON_ENGLISH_WARNING)
    es = language == es_rules.LANGUAGE
    if len(raw) < full_len:
        warnings.append(f"{TRUNCATED_WARNING}: analysed the first {len(raw)} of {full_len} chars")
    if published is None:
        warnings.append("no-published-date: relative dates left unresolved")

    if es and english_words_prevail(text):
        # an English story full of Spanish names (a Mexico desk's "... during a marcha in
        # Tixtla"): its own words are English, and so are the rules
        es, language = False, "en"
    triggers = es_rules.find_triggers(text) if es else find_triggers(text)
    if es and not triggers:
        # an English headline full of Spanish names reads as Spanish ("Celaya, Guanajuato: Santa
        # Rosa de Lima Cartel Kills Opponent"): its own words are English, and so are the rules
        triggers = find_triggers(text)
        if triggers:
            es, language = False, "en"
    if not triggers:
        return []  # every incident starts at a trigger: dates and places would go unread
    sentences = split_sentences(text)
    low_text = lowered_document(text)  # once per document: each sentence's cue scan reads it
    trig_pos = [t.start for t in triggers]
    filed = datelines(text)
    filed_starts = [a for a, _b in filed]
    # relative days ("on Monday", "yesterday") are counted from the day the report was filed,
    # which its dateline names when it was published later
    reference = _filed_day(text, filed, published) or published
    dates = [
        d
        for d in (es_rules.find_dates if es else find_dates)(text, reference)
        if not _in_sorted_spans(d.start, filed_starts, filed)
        and not _BORN_BEFORE_RE.search(text, max(0, d.start - 24), d.start)
    ]
    aggregate = es_rules.is_aggregate if es else is_aggregate
    date_pos = [d.start for d in dates]
    said = _statement_dates(text, dates)
    # resolved on the first sentence that keeps a trigger: the place search is the largest
    # single step, and a text whose triggers are all figurative or hypothetical needs none
    places: ArticlePlaces | None = None
    hit_pos: list[int] = []

    incidents: list[_Incident] = []
    reactions: set[int] = set()  # sentences that only react to an event told before
    background: set[int] = set()  # sentences that tell background (_background_sentence)
    closed: set[int] = set()  # ids of incidents a background sentence told: none continues them
    # the incidents a mention may still continue, oldest first, by id: kept as incidents start
    # and close (rebuilding it from all incidents for each mention was quadratic on a page of
    # many events)
    still_open: dict[int, _Incident] = {}
    # the day of the latest dated sentence, background or not: an event's "that day" refers to it
    latest_date: DateMention | None = None
    current: _Incident | None = None
    prev_aggregate = False
    context_date: DateMention | None = None
    # the first explicit day of a sentence that tells no event ("March 6th 2021: (entry 12) a
    # village", "Region Daily Report 07/03/2021"): the day of the text's events that name none of
    # their own and have no dated sentence before them (a dated line after a headline)
    text_date: DateMention | None = None

    for sent in sentences:
        if sent.furniture:
            continue
        s0, s1 = sent.start, sent.end
        told_here: dict[int, _Incident] = {}  # the incidents this sentence's mentions tell
        if aggregate(sent.text, prev_aggregate):
            prev_aggregate = True
            current = None
            lead = (es_rules.event_before_total if es else _event_before_total)(sent.text)
            if lead is None:
                continue
            s1 = s0 + lead  # only the event's own clause is read
        else:
            prev_aggregate = False
        i0, i1 = bisect_left(trig_pos, s0), bisect_left(trig_pos, s1)
        sent_dates_all = dates[bisect_left(date_pos, s0) : bisect_left(date_pos, s1)]
        if i0 == i1:
            picked = _pick_date(sent_dates_all, s0, s1, said)
            latest_date = picked or latest_date
            if _background_sentence(text[s0:s1]):
                background.add(sent.index)
                continue
            context_date = picked or context_date
            text_date = text_date or _label_date(sent_dates_all, said, published, text[s0:s1])
            continue
        supp = suppressed_spans(text, s0, s1, low_text)
        j = bisect_left(filed_starts, s1)
        if j and filed[j - 1][1] > s0:
            # a dateline's day and town are when and where the report was filed: no count
            # ("KABUL, 8 March - Gunmen killed four": 4, not 12), no trigger, no date of its own.
            # Datelines open lines and sentences never cross one: one dateline at most.
            supp = [*supp, filed[j - 1]]
        trigs = [
            t
            for t in triggers[i0:i1]
            if not _in_spans(t.start, supp)
            and not irrealis(text, t, s0)
            and not _ANNIVERSARY_OF_RE.search(text, max(s0, t.start - 50), t.start)
        ]
        sent_dates = [d for d in sent_dates_all if not _in_spans(d.start, supp)]
        sentence_date = _pick_date(sent_dates, s0, s1, said)
        step = _day_step(text, s0, s1) if trigs else None
        if (
            step is not None
            and sentence_date is None
            and latest_date is not None
            and latest_date.precision == "day"
        ):
            stepped = latest_date.date + timedelta(days=step[2])
            if published is None or stepped <= published:
                sentence_date = DateMention(step[0], step[1], stepped, "day", "explicit")
        if not trigs:
            latest_date = sentence_date or latest_date
            if _background_sentence(text[s0:s1]):
                background.add(sent.index)
                continue
            context_date = sentence_date or context_date
            text_date = text_date or _label_date(sent_dates, said, published, text[s0:s1])
            continue
        # an event's sentence that says "that day" takes the day of the sentence before it even
        # when that one tells background
        sent_ctx_date = (
            latest_date
            if latest_date is not None and _SAME_DAY_RE.search(text, s0, s1)
            else context_date
        )
        if places is None:
            regions = _place_regions(text, sentences, trig_pos)
            places = article_places(
                text,
                title,
                exclude=filed,
                regions=regions,
                event_words=[(t.start, t.end) for t in triggers] if es else None,
            )
            if es:  # an event word is no place ("Choque de cárteles ...": Choque is a town too)
                places = es_rules.without_event_words(places, triggers)
            places = _without_birthplaces(text, places)
            hit_pos = [h.start for h in places.hits]
        masked = _masked(text, s0, s1, supp)
        sent_hits = places.hits[bisect_left(hit_pos, s0) : bisect_left(hit_pos, s1)]
        for seg_start, seg_end, members in cluster(trigs, text, s0, s1):
            seg = masked[seg_start - s0 : seg_end - s0]
            if not es:
                members = _cause_decides(text, members)
            res = (es_rules.resolve if es else resolve)(members, seg, seg_start)
            strength = max(t.weight for t in members)
            labels = {t.label for t in members}
            generic = labels <= (GENERIC_LABELS | {lx.STRIKE, lx.MISSILE}) and not res.explicit_cue
            first = members[0]
            anaphoric = bool(_ANAPHOR_RE.search(text, max(s0, first.start - 40), first.start))
            own_date = _pick_date(sent_dates, seg_start, seg_end, said) or sentence_date
            spec_hits = [
                h
                for h in sent_hits
                if seg_start <= h.start < seg_end
                and h.rank >= 3
                and (h.locative or h.rank == 4)
                and not _in_spans(h.start, supp)
            ]
            cas = (es_rules.find_casualties if es else find_casualties)(
                masked, seg_start - s0, seg_end - s0
            )
            m = _Mention(
                sentence=sent,
                start=seg_start,
                end=seg_end,
                triggers=members,
                res=res,
                generic=generic,
                casualty_only=strength <= _WEAK,
                anaphoric=anaphoric,
                new_cue=step is not None
                or (may_hold(seg, _NEW_EVENT_KEYS) and _NEW_EVENT_RE.search(seg) is not None),
                own_date=own_date,
                ctx_date=sent_ctx_date,
                casualties=cas,
                specific_place=spec_hits[0] if spec_hits else None,
                masked=masked,
            )
            m.specificity = (
                strength
                + (1.0 if res.explicit_cue else 0.0)
                + (0.3 if spec_hits else 0.0)
                + (0.3 if cas.fatalities or cas.injured else 0.0)
                + (0.2 if own_date else 0.0)
                - (1.0 if m.casualty_only else 0.0)
            )
            if current is not None and _PAST_EVENT_BEFORE_RE.search(
                text, max(s0, first.start - 40), first.start
            ):
                continue  # another event in the background: neither this one's toll nor a report
            if (
                incidents
                and not (cas.fatalities or cas.injured)
                and _reaction_to_told_event(text, first.start, seg_start)
                and not any(_REACTION_BREAK_RE.search(text, first.end, t.start) for t in members)
            ):
                # the governor "condemned the attack" the text told before: no new event, and
                # the statement's place is no context for the event's (a reaction that tells
                # its own toll, "condemned the massacres that killed 50", is read as before).
                # A place in the reaction's object ("condemned the attack on the base in
                # Damboa") is the event's, so that sentence stays context.
                if not any(_OBJECT_PLACE_RE.fullmatch(text, first.end, h.start) for h in sent_hits):
                    reactions.add(sent.index)
                continue
            target = _attach(m, _latest_open(still_open), current, sent.index)
            if target is None:
                if m.casualty_only and not es and _unarmed_killer(text, members):
                    continue  # "Cholera kills three children": a toll, but of no armed party
                if not es and (
                    _unarmed_subject(text, members, s0)
                    or _accident_told(text, members, s0, s1)
                    or _suicide_hanging(text, members, s0, s1)
                ):
                    continue  # the killer or the cause is no armed party
                if (
                    m.casualty_only
                    and not (cas.fatalities and cas.fatalities.lower)
                    and not (cas.injured and cas.injured.lower)
                    and not _victim_named(text, members, seg_start)
                ):
                    continue
                bare_death, violent_word = (
                    (es_rules.BARE_DEATH_RE, es_rules.VIOLENT_WORD_RE)
                    if es
                    else (_BARE_DEATH_RE, _VIOLENT_WORD_RE)
                )
                if (
                    m.casualty_only
                    and all(bare_death.fullmatch(t.text) for t in members)
                    and violent_word.search(seg) is None
                    and not (
                        not es
                        and any(combatants_among_dead(seg, t.end - seg_start) for t in members)
                    )
                ):
                    continue
                target = _Incident()
                incidents.append(target)
                still_open[id(target)] = target
            if not target.mentions:
                m.specificity += 0.3  # the first telling of an event is its lead
            target.add(m, sent.index)
            told_here[id(target)] = target
            current = target
        latest_date = sentence_date or latest_date
        if (
            told_here
            and _BACKGROUND_SENTENCE_RE.search(text, s0, s1)
            and all(
                lx.EVENT_TYPE_OF[inc.sub] == "Strategic developments" for inc in told_here.values()
            )
        ):
            # an agreement told with its own triggers is an incident of its own, but neither its
            # day nor the incident itself continues into the next sentence (a violent event's
            # sentence that mentions an anniversary tells that event)
            background.add(sent.index)
            closed.update(told_here)
            for key in told_here:
                still_open.pop(key, None)
            current = None
            continue
        context_date = sentence_date or context_date

    if places is None:  # no sentence kept a trigger, so no incident either
        return []
    _zero_regions(incidents, sentences)
    built = _build(
        incidents,
        text,
        article_id,
        published,
        places,
        language,
        warnings,
        sentences,
        reactions,
        text_date,
        background,
        (filed, filed_starts),
    )
    return built if origin is None else [_evidence_in(raw, origin, inc) for inc in built]


def _event_before_total(sentence: str) -> int | None:
    """Length of the clause that tells an event before a running total ("... and raise the death
    toll to N since ..."), or None when there is no such clause or it is itself a statistic."""
    cuts = [
        m.start() for m in (_TOLL_RISE_RE.search(sentence), _STAT_CLAUSE_RE.search(sentence)) if m
    ]
    if not cuts or min(cuts) == 0:
        return None
    lead = sentence[: min(cuts)]
    if is_aggregate(lead, False):
        return None
    return len(lead.rstrip(" ,;:-–—"))


# "kills" after a killer that is no armed party (weather, a disease, an animal, a vehicle): the
# same look-behinds as the trigger table's, so that a counted victim ("Cholera kills three
# children") does not make the bare outcome word an incident either
_ARMED_KILL_VERB_RE = re.compile(lx.NOT_ARMED_KILLER_BEFORE + r"kills?\b", re.IGNORECASE)
_KILL_VERB_RE = re.compile(r"kills?", re.IGNORECASE)


def _unarmed_killer(text: str, members: list[Trigger]) -> bool:
    """True when a bare "kill(s)" of ``members`` has a killer that is no armed party just
    before it."""
    return any(
        _KILL_VERB_RE.fullmatch(t.text) and not _ARMED_KILL_VERB_RE.match(text, t.start)
        for t in members
    )


def _lower_words(text: str, a: int, b: int) -> list[str]:
    """The words (``\\w+``) of ``text[a:b]``, lowercased as the lexicon's word sets are."""
    return [w.lower() for w in _WORD_RE.findall(text, a, b)]


def _weapon_named(words: list[str]) -> bool:
    """True when one of ``words`` (lowercased) is a weapon word: the clause tells an armed act."""
    return not lx.KILLER_WEAPON_WORDS.isdisjoint(words)


def _unarmed_subject(text: str, members: list[Trigger], lo: int) -> bool:
    """True when a kill verb of ``members`` has for subject a killer that is no armed party ("A
    speeding minibus killed two pedestrians", "Rabies kills three children"): the first killer
    or agent noun of its clause decides, and a weapon word in the clause arms it. Not when a
    disaster word is among ``members`` ("Heavy rains killed 14": the disaster is the event)."""
    if any(t.label != lx.VIOLENCE for t in members):
        return False
    for t in members:
        if t.text[:4].lower() != "kill":
            continue
        a = lo
        for m in _SUBJECT_CLAUSE_RE.finditer(text, max(lo, t.start - 60), t.start):
            a = m.end()
        words = _lower_words(text, a, t.start)
        if _weapon_named(words) or not lx.KILLER_AGENT_NOUNS.isdisjoint(words):
            return False
        # the subject's head is its last word before the verb (adverbs aside): "A Taxi Driver Is
        # Killed" has none (a passive), "taxi driver" is a driver
        head = [w for w in words if not w.endswith("ly")]
        if head and head[-1] in lx.NOT_ARMED_KILLER_NOUNS:
            return True
    return False


def _cause_decides(text: str, members: list[Trigger]) -> list[Trigger]:
    """``members`` without the bodies found or the deaths told just before "after a (house)
    fire", "after the floods" ("Bodies of five were found after a house fire"): the disaster
    word after "after" is the cause, so it decides the type, unless a weapon is named."""
    disasters = [t for t in members if t.label in _DISASTER_LABELS]
    if not disasters or len(disasters) == len(members):
        return members
    dropped = [
        t
        for t in members
        if t.label == lx.VIOLENCE
        and any(
            0 <= d.start - t.end <= 30 and _AFTER_CAUSE_RE.fullmatch(text, t.end, d.start)
            for d in disasters
        )
    ]
    if not dropped or _weapon_named(_lower_words(text, members[0].start, members[-1].end)):
        return members
    return [t for t in members if t not in dropped]


def _accident_told(text: str, members: list[Trigger], lo: int, hi: int) -> bool:
    """True when the only event word is an outcome ("causing casualties", "killed") after a
    vehicle's accident told in the same sentence with no weapon ("A bus overturned, causing
    casualties"): a road or river accident, no armed event."""
    if any(t.label != lx.VIOLENCE or t.weight > 1.0 for t in members):
        return False
    low = text[lo:hi].lower()
    if not any(k in low for k in _ACCIDENT_KEYS):
        return False
    m = _ACCIDENT_RE.search(text, lo, members[0].start)
    if m is None:
        return False
    return not _weapon_named(_lower_words(text, lo, hi))


def _suicide_hanging(text: str, members: list[Trigger], lo: int, hi: int) -> bool:
    """True when a hanging is the only event word and its sentence tells a suicide ("In an
    apparent suicide, a man hanged from a tree"; the trigger's own look-ahead reads only the
    words after the hanging)."""
    return (
        all("hang" in t.text.lower() or "hung" in t.text.lower() for t in members)
        and "suicid" in text[lo:hi].lower()
    )


def _reaction_to_told_event(text: str, trigger_start: int, lo: int) -> bool:
    """True when the trigger at ``trigger_start`` is the object of a reaction verb just before
    it ("condemned the attack", "denounced Sunday's killings"); the caller asks only when the
    text has already told an event."""
    a = max(lo, trigger_start - 60)
    window = text[a:trigger_start].lower()
    if not any(stem in window for stem in _REACTION_STEMS):
        return False
    return _REACTION_BEFORE_RE.search(text, a, trigger_start) is not None


def _victim_named(text: str, members: list[Trigger], lo: int) -> bool:
    """True when a bare outcome word has a person noun just before it ("Villager killed"), not
    as a statistic's subject ("the number of civilians killed ... has risen")."""
    for t in members:
        if not _VICTIM_OUTCOME_RE.fullmatch(t.text):
            continue
        if _PRONOUN_VICTIM_RE.fullmatch(text, lo, t.start):
            return True
        a = max(lo, t.start - 40)
        m = _VICTIM_KILLED_RE.search(text, a, t.start)
        if m is not None and not _COUNT_OF_RE.search(text, max(lo, m.start() - 40), m.start()):
            return True
        # a headline's victim told with a few words after the noun, or by name, before a bare
        # "killed" that ends the clause or gives the place ("A commander of the brigade killed
        # in Daraa", "Juan Pérez López, killed in Culiacán")
        if t.text.lower() in ("killed", "slain") and _CLAUSE_END_AFTER_RE.match(text, t.end):
            a = max(lo, t.start - 80)
            m = _VICTIM_PHRASE_RE.search(text, a, t.start) or _NICKNAME_RE.search(text, a, t.start)
            if m is None:
                m = _NAMED_VICTIM_RE.search(text, a, t.start)
                # a title-case headline's words are no name: "The Man Who Was Killed", and a
                # title-case headline that is only capitalised words and "Killed" ("Senate Bill
                # Killed in Committee", "Apple Watch Killed in Update"), unless a Spanish
                # article says a nickname ("La Plaza's El Tepo Killed in Guaymas")
                if m is not None and (
                    _NOT_NAME_WORDS & set(words := m.group().lower().split())
                    or (
                        t.text[0].isupper()
                        and not text[lo : m.start()].strip(" \"“‘'(")
                        and not _SPANISH_NAME_WORDS & set(words)
                    )
                ):
                    m = None
            if m is not None and not _COUNT_OF_RE.search(text, max(lo, m.start() - 40), m.start()):
                return True
    return False


# Per-article work bound. Every step is linear in the text, but the pipeline has no per-article
# time budget, so a huge text (a mis-extracted page, a whole live blog, a 300 KB one-line dump)
# must not hold the process stage: only this many characters are analysed, cut at the last line
# or sentence break before the limit. Incidents told later in such a text are not extracted (the
# per-article cap of eight incidents and the salience order favour the lead anyway); each
# incident of a cut text carries a "truncated-text" warning.
MAX_TEXT_CHARS = 60_000
TRUNCATED_WARNING = "truncated-text"


# An HTML character reference left in the text ("Dar&#8217;a", "the &#8220;Islamic State&#8221;")
# splits a name into a short namesake ("Dar") and hides quotes and dashes from the rules: feeds
# that escape twice, and plain-text dumps of web pages, keep them after ingest's one unescape.
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> tuple[str, list[int] | None]:
    """``text`` with its HTML character references decoded, and for each character of the result
    (and its end) the offset in ``text`` it came from; None for a text without any (the usual
    case, no copy). Unknown names ("&foo;") stay as they are."""
    if "&" not in text or _ENTITY_RE.search(text) is None:
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _ENTITY_RE.finditer(text):
        decoded = html.unescape(m.group())
        if decoded == m.group():
            continue
        parts.append(text[pos : m.start()])
        origin.extend(range(pos, m.start()))
        parts.append(decoded)
        origin.extend([m.start()] * len(decoded))
        pos = m.end()
    if not parts:
        return text, None
    parts.append(text[pos:])
    origin.extend(range(pos, len(text) + 1))
    return "".join(parts), origin


def _evidence_in(raw: str, origin: list[int], inc: Incident) -> Incident:
    """``inc`` with its evidence offsets and text taken back to the text as given (an offset
    into the article's own text, as the contract says), from the decoded text's."""
    start, end = origin[inc.evidence.start], origin[inc.evidence.end]
    return inc.model_copy(update={"evidence": Evidence(text=raw[start:end], start=start, end=end)})


def _analysed_prefix(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    floor = MAX_TEXT_CHARS * 3 // 4
    for brk in ("\n", ". ", " "):
        i = text.rfind(brk, floor, MAX_TEXT_CHARS)
        if i >= 0:
            return text[: i + 1]
    return text[:MAX_TEXT_CHARS]


def _zero_regions(incidents: list[_Incident], sentences: list[Sentence]) -> None:
    """Where each incident may say "nobody was hurt" outside its mentions: its own sentences and
    up to three after its last one, stopping where the next incident begins."""
    firsts = sorted(inc.mentions[0].sentence.index for inc in incidents if inc.mentions)
    for inc in incidents:
        if not inc.mentions:
            continue
        a = inc.mentions[0].sentence.index
        b = max(m.sentence.index for m in inc.mentions) + 3
        after_a = bisect_right(firsts, a)  # the next incident's first sentence
        if after_a < len(firsts):
            b = min(b, firsts[after_a] - 1)
        b = min(b, len(sentences) - 1)
        inc.zero_region = (sentences[a].start, sentences[max(a, b)].end)
    # the closing lines after the last incident's own sentences, never its sentences (they may
    # count that incident's victims: "..., but nobody else was hurt")
    last = max((i for i in incidents if i.mentions), key=lambda i: i.last_sentence, default=None)
    if last is not None and last.zero_region is not None:
        after = last.last_sentence + 1
        if after < len(sentences) and sentences[after].start < last.zero_region[1]:
            for inc in incidents:
                if inc is not last and inc.mentions:
                    inc.zero_tail = (sentences[after].start, last.zero_region[1])


_LEAD_CHARS = 1500  # long texts: search places in the lead and in sentences with triggers only


def _place_regions(
    text: str, sentences: list[Sentence], trig_pos: list[int]
) -> list[tuple[int, int]] | None:
    if len(text) <= 2 * _LEAD_CHARS:
        return None
    lead = max((s.end for s in sentences if s.end <= _LEAD_CHARS), default=_LEAD_CHARS)
    regions: list[tuple[int, int]] = [(0, lead)]
    for sent in sentences:
        if sent.end <= lead:
            continue
        if bisect_left(trig_pos, sent.start) == bisect_left(trig_pos, sent.end):
            continue
        a = max(sent.start, regions[-1][1])
        if a == regions[-1][1] and a > 0:
            regions[-1] = (regions[-1][0], sent.end)
        elif a < sent.end:
            regions.append((a, sent.end))
    return regions


# At most this many open incidents, the latest, are weighed for each mention. A report tells a
# few events; a page telling more is a roll of attacks (a daily digest, a list scraped whole),
# where a later mention continues an event told shortly before, not the 65th-latest one. Bounds
# the work per mention: comparing each mention with every incident was quadratic in a page's
# events (seconds of one worker on a 60 KB roll).
MAX_OPEN_INCIDENTS = 64


def _latest_open(still_open: dict[int, _Incident]) -> list[_Incident]:
    """The latest ``MAX_OPEN_INCIDENTS`` open incidents, oldest first."""
    if len(still_open) <= MAX_OPEN_INCIDENTS:
        return list(still_open.values())
    latest = list(islice(reversed(still_open.values()), MAX_OPEN_INCIDENTS))
    latest.reverse()
    return latest


def _attach(
    m: _Mention, incidents: list[_Incident], current: _Incident | None, sent_index: int
) -> _Incident | None:
    """The incident a mention continues, or None when it starts a new one."""
    if m.new_cue and not m.casualty_only:
        return None
    if (
        m.new_cue
        and _DAY_STEP_RE.search(m.masked) is not None
        and _ACTIVE_KILL_RE.search(m.masked) is not None
    ):
        return None  # "Two days later, troops killed 12 insurgents": another killing
    # the latest compatible incident, but a bare "the strike" goes to the latest incident of its
    # own default kind first: the search stops there
    best: _Incident | None = None
    for inc in reversed(incidents):
        if _compatible(m, inc):
            if inc.sub == m.res.sub_event_type:
                best = inc
                break
            if best is None:
                best = inc
    if best is not None:
        if m.anaphoric and (m.generic or m.casualty_only or sent_index - best.last_sentence <= 6):
            return best
        if sent_index - best.last_sentence <= 1 and (
            best is current or m.casualty_only or m.generic
        ):
            return best
        if sent_index - best.last_sentence <= 1 and best.sub == m.res.sub_event_type:
            return best
    if m.casualty_only and current is not None and sent_index - current.last_sentence <= 2:
        return current
    # arrests at a protest are its intervention, wherever the text tells them
    if m.res.sub_event_type == lx.ARRESTS:
        for inc in reversed(incidents):
            if inc.sub in _PROTEST_RANK and _same_where_when(m, inc):
                m.support = True
                return inc
    # weapons recovered at the scene of an incident told just before are a detail of it, not
    # another event ("... Rifles were recovered from the site")
    if (
        m.res.sub_event_type == lx.DISRUPTED
        and current is not None
        and current.sub != lx.DISRUPTED
        and 0 <= sent_index - current.last_sentence <= 2
        and _AT_SCENE_RE.search(m.masked)
    ):
        m.support = True
        return current
    # a follow-up with no place, date or new-event cue of its own details the latest incident
    # ("two civilians were killed when shells struck homes in the town")
    if current is not None and 0 < sent_index - current.last_sentence <= _SUPPORT_GAP:
        if (
            m.specific_place is None
            and m.casualties.fatalities is not None
            and _TOLL_WORD_RE.search(m.masked, *_span_in(m))
        ):
            # "12 more bodies were found on Tuesday, bringing the toll to 29": the toll of the
            # event told before, on the day it was counted
            m.support = True
            return current
        if m.specific_place is None and m.own_date is None:
            m.support = True
            return current
        if _same_where_when(m, current) and (m.specific_place is None or m.own_date is None):
            m.support = True
            return current
    return None


_AT_SCENE_RE = re.compile(
    r"\b(?:from|at|near) the (?:site|scene|spot|area|hideout|camp|bodies)\b|"
    r"\bfrom (?:the )?(?:slain|dead|killed|arrested|captured|fleeing) |"
    r"\bfrom (?:them|their bodies)\b",
    re.IGNORECASE,
)


def _span_in(m: _Mention) -> tuple[int, int]:
    """``m``'s offsets in its sentence's masked text."""
    s0 = m.sentence.start
    return m.start - s0, m.end - s0


def _same_where_when(m: _Mention, inc: _Incident) -> bool:
    d = inc.date
    if m.own_date is not None and d is not None and m.own_date.date != d.date:
        return False
    p = inc.place
    if m.specific_place is not None:
        if p is None:
            return False
        a, b = m.specific_place.place, p.place
        if a.name != b.name and (a.country_iso3 != b.country_iso3 or _km(a, b) > 40):
            return False
    return True


# A later sentence that counts another group's dead: "... were also killed", "Two of the
# attackers were killed in return fire", "died in the exchange of fire".
_ADDITIVE_RE = re.compile(
    # "Two more died", "three more soldiers were killed": more dead than those counted
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+more\s+(?:[\w-]+\s+){0,2}?"
    r"(?:(?:were|was)\s+)?(?:killed|died|dead|slain)\b|"
    # "... were injured and one of them died", "the injured later died": wounded who died
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|all)\s+of\s+(?:them|those|the\s+"
    r"(?:injured|wounded))\s+(?:[\w-]+\s+){0,2}?(?:later\s+|subsequently\s+)?(?:died|succumbed)\b|"
    r"\b(?:injured|wounded)\s+(?:[\w-]+\s+){0,3}?(?:later|subsequently)\s+(?:died|succumbed)\b|"
    r"\b(?:were|was|had been|have been|has been)\s+also\s+(?:killed|shot dead|slain)\b|"
    r"\balso\s+(?:killed|died|dead|perished)\b|"
    r"\b(?:attackers|assailants|raiders)\s+(?:were|was|had been|have been)\s+(?:\w+\s+)?"
    r"(?:killed|shot dead|slain)\b|"
    r"\b(?:killed|died|shot dead)\s+(?:in|during)\s+(?:the\s+)?(?:return(?:ed)? fire|"
    r"retaliatory fire|exchange of fire|ensuing (?:gun ?battle|firefight|shoot-?out|clash(?:es)?))",
    re.IGNORECASE,
)


_TOLL_RE = re.compile(r"\b(?:toll|total)\b", re.IGNORECASE)
_TOLL_WORD_RE = re.compile(r"\btoll\b", re.IGNORECASE)
# An event of an earlier period named by its time, told as background to the report's own:
# "Last year's attack on the same market killed 40", "the 2019 bombing of the shrine"
_PAST_EVENT_BEFORE_RE = guarded(
    r"\b(?:(?:last|previous|past)\s+(?:year|month)['’]s|(?:19|20)\d\d['’]s|the\s+(?:19|20)\d\d)"
    r"\s+(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)


# Which side a counted group of dead belongs to: the security forces, armed groups, civilians.
_SIDES = (
    (
        "state",
        r"soldiers?|troops?|servicem[ae]n|policem[ae]n|police officers?|gendarmes?|"
        r"guards?|personnel|marines|paratroopers|commandos",
    ),
    (
        "armed",
        r"militants?|fighters?|insurgents?|rebels?|jihadists?|attackers?|assailants?|"
        r"gunmen|terrorists?|bandits|militiam[ae]n|extremists|separatists|raiders|bombers?",
    ),
    ("civ", r"civilians?|villagers?|residents?|passers-by|bystanders|farmers|worshippers"),
)
_GROUP_RE = re.compile(
    rf"\b(?:{NUMBER_PATTERN}|a|an|one)\s+(?:[\w'’()-]+\s+){{0,6}}?(?:"
    + "|".join(f"(?P<{name}>{nouns})" for name, nouns in _SIDES)
    + r")\b",
    re.IGNORECASE,
)


def _sides(m: _Mention) -> set[str]:
    s0 = m.sentence.start
    out: set[str] = set()
    for g in _GROUP_RE.finditer(m.masked, m.start - s0, m.end - s0):
        out.update(name for name, _ in _SIDES if g.group(name))
    return out


def _additive(m: _Mention, counted: set[str]) -> bool:
    """Whether ``m``'s dead are another group than those already counted (``counted``: the
    sides named by the mentions whose dead are counted): "... were also killed", "Two of the
    attackers were killed", or the dead of the other side ("Troops killed 17 fighters ... Two
    soldiers died")."""
    s0 = m.sentence.start
    if _TOLL_RE.search(m.masked, m.start - s0, m.end - s0):
        return False  # "the death toll rose to 7 after two of the wounded died": the whole toll
    if _ADDITIVE_RE.search(m.masked, m.start - s0, m.end - s0):
        return True
    new = _sides(m)
    if len(new) != 1:
        return False
    return bool(counted) and not (new & counted)


def _max_count(a: Count | None, b: Count | None) -> Count | None:
    c = Casualties(a, None)
    c.merge_max(Casualties(b, None))
    return c.fatalities


def _count_fields(count: Count | None) -> tuple[int | None, int | None]:
    if count is None:
        return None, None
    return count.value, count.minimum


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


@dataclass(slots=True)
class _Draft:
    """What ranking and pruning need of an incident; the rest (actors, weapons, sources) is
    read only for the drafts that survive :func:`_prune`, which on long texts drop a third of
    them."""

    inc: _Incident
    sub: str
    when: str | None
    precision: str | None
    location: Location | None
    warnings: list[str]
    ev_s: int
    ev_e: int
    confidence: float
    background: bool
    fatalities: int | None
    fatalities_min: int | None
    injured: int | None
    injured_min: int | None
    copy: int = 0  # > 0: the same protest in the k-th other town of a list ("Munich and Berlin")


def _build(
    incidents: list[_Incident],
    text: str,
    article_id: str,
    published: date | None,
    places: ArticlePlaces,
    language: str,
    base_warnings: list[str],
    sentences: list[Sentence],
    reactions: set[int],
    text_date: DateMention | None = None,
    background: frozenset[int] | set[int] = frozenset(),
    filed: tuple[list[tuple[int, int]], list[int]] = ([], []),
) -> list[Incident]:
    # sentences that tell some incident, or only react to one: not neighbouring context for
    # another one
    told = {m.sentence.index for inc in incidents for m in inc.mentions} | reactions
    drafts: list[_Draft] = []
    hit_starts = [h.start for h in places.hits]  # in text order, as the sentence loop reads them
    for inc in incidents:
        d = _draft(
            inc,
            text,
            published,
            places,
            language,
            base_warnings,
            sentences,
            told,
            text_date,
            background,
            hit_starts,
            filed,
        )
        drafts.append(d)
        if (
            lx.EVENT_TYPE_OF[d.sub] == "Protests"
            and d.location is not None
            and not (d.fatalities or d.injured)
        ):  # "marched in Munich and Berlin": one protest per named town (not one shared toll)
            anchor = (inc.anchor.start, inc.anchor.end)
            for k, other in enumerate(coordinated_places(text, places.hits, anchor, d.location), 1):
                drafts.append(dataclasses.replace(d, location=other, copy=k))
    drafts.sort(key=lambda d: (1 if d.background else 0, d.ev_s))
    kept = _prune(drafts, len(text))
    demonyms: dict[str, str] = {}
    for h in places.hits:
        if h.place.feature == "country" and h.place.country:
            demonyms[h.surface.lower()] = h.place.country
    source_cache: dict[int, list[str]] = {}
    return [_finish(d, text, article_id, language, demonyms, source_cache) for d in kept]


def _draft(
    inc: _Incident,
    text: str,
    published: date | None,
    places: ArticlePlaces,
    language: str,
    base_warnings: list[str],
    sentences: list[Sentence],
    told: set[int],
    text_date: DateMention | None = None,
    background_sents: frozenset[int] | set[int] = frozenset(),
    hit_starts: list[int] | None = None,
    filed: tuple[list[tuple[int, int]], list[int]] = ([], []),
) -> _Draft:
    anchor = inc.anchor
    res = anchor.res
    warnings = list(base_warnings)
    ordered = [anchor, *[m for m in inc.mentions if m is not anchor]]
    # date: the anchor's own date, else any mention's, else context, else a dated line that
    # tells no event (see _label_date), else the day its report's dateline names (when it was
    # filed: a subscriber assumes an undated event of a filed report on that day, not on a later
    # publication day), else publication day
    # a mention on another line of a bare list of headlines (one report each, "\n" between
    # them) dates its own report, not the anchor's: its "yesterday" is another day's
    dated = [m for m in ordered if not _other_headline(text, anchor, m)]
    d = next((m.own_date for m in dated if m.own_date is not None), None)
    d = d or next((m.ctx_date for m in dated if m.ctx_date is not None), None)
    d = d or text_date
    filed_day = None if d is not None else _report_filed_day(text, *filed, anchor.start, published)
    if d is not None:
        when, precision = d.date.isoformat(), d.precision
    elif filed_day is not None:
        when, precision = filed_day.isoformat(), "day"
        warnings.append(DATE_ASSUMED_FILED)
    elif published is not None:
        when, precision = published.isoformat(), "day"
        warnings.append(DATE_ASSUMED)
    else:
        when, precision = None, None
    spans = [(m.start, m.end) for m in ordered]
    own = sorted({m.sentence.index for m in inc.mentions})
    # a background sentence's place is context only for an event that says "there", and only
    # before it: "there" refers back
    there = _THERE_RE.search(text, anchor.sentence.start, anchor.sentence.end) is not None
    location, loc_quality = choose_location(
        text,
        places.hits,
        spans,
        (anchor.start, anchor.end),
        places.main_country,
        sentences=[(sentences[k].start, sentences[k].end) for k in own],
        context=[
            (sentences[k].start, sentences[k].end)
            for k in (own[0] - 1, own[-1] + 1)
            if 0 <= k < len(sentences)
            # "there" refers back to the sentence before, even when that one told another
            # event ("Two days later, troops killed 12 insurgents there")
            and ((there and k < own[0]) or (k not in background_sents and k not in told))
        ],
        dateline=places.dateline,
        starts=hit_starts,
    )
    if location is None:
        warnings.append("no-location")
    ev_s, ev_e = _trim(text, anchor.start, anchor.end)
    if ev_e <= ev_s:
        ev_s, ev_e = anchor.start, anchor.end
    background = (
        published is not None
        and d is not None
        and d.kind not in NOT_EVENT_KINDS
        and d.date < published - timedelta(days=_BACKGROUND_DAYS)
    )
    conf = 0.3 + 0.1 * min(res.score, 3.0) + (0.1 if res.explicit_cue else 0.0)
    conf += 0.1 * loc_quality + (0.05 if d is not None else 0.0)
    conf += 0.05 if len(inc.mentions) > 1 else 0.0
    if anchor.generic:
        conf -= 0.1
    if background:
        conf *= 0.5
        warnings.append("background: event long before publication")
    if language not in RULE_LANGUAGES:
        conf = min(conf, 0.2)
    conf = round(max(0.05, min(conf, 0.95)), 3)
    cas = Casualties()
    extra = 0  # deaths of a disjoint group told after the main toll ("Two attackers were also
    # killed"): added, where restatements of the same toll keep the largest
    # the sides of the counted mentions, kept as one running union: re-reading every counted
    # mention for each new one was quadratic in a text that repeats one toll hundreds of times
    counted: set[str] = set()
    for m in inc.mentions:
        f, base = m.casualties.fatalities, cas.fatalities
        if f and f.value and base and base.value is not None and _additive(m, counted):
            extra += f.value
            cas.injured = _max_count(cas.injured, m.casualties.injured)
        else:
            cas.merge_max(m.casualties)
        if f and f.value:
            counted |= _sides(m)
    if extra and cas.fatalities is not None and cas.fatalities.value is not None:
        cas.fatalities = Count(cas.fatalities.value + extra, None)
    if inc.zero_region is not None and (cas.fatalities is None or cas.injured is None):
        zero = zero_statement(text, *inc.zero_region)
        cas.fatalities = cas.fatalities or zero.fatalities
        cas.injured = cas.injured or zero.injured
    if inc.zero_tail is not None and cas.fatalities is None and cas.injured is None:
        tail = zero_statement(text, *inc.zero_tail)
        # only its stated zeros: a count there belongs to the incident told in those lines
        cas.fatalities = tail.fatalities if tail.fatalities and tail.fatalities.value == 0 else None
        cas.injured = tail.injured if tail.injured and tail.injured.value == 0 else None
    fatalities, fatalities_min = _count_fields(cas.fatalities)
    injured, injured_min = _count_fields(cas.injured)
    if cas.fatalities is None and cas.injured is not None:
        fatalities = 0  # injuries reported, no deaths: the seed annotation's convention
    return _Draft(
        inc,
        inc.sub,
        when,
        precision,
        location,
        warnings,
        ev_s,
        ev_e,
        conf,
        background,
        fatalities,
        fatalities_min,
        injured,
        injured_min,
    )


def _finish(
    draft: _Draft,
    text: str,
    article_id: str,
    language: str,
    demonyms: dict[str, str],
    source_cache: dict[int, list[str]],
) -> Incident:
    inc = draft.inc
    anchor = inc.anchor
    ordered = [anchor, *[m for m in inc.mentions if m is not anchor]]
    a0 = anchor.sentence.start
    actors_of = es_rules.find_actors if language == es_rules.LANGUAGE else find_actors
    actors = actors_of(anchor.masked, 0, anchor.end - a0, anchor.triggers[0].start - a0, demonyms)
    for m in ordered[1:]:  # "The attack was claimed by ..." in a follow-up sentence
        if "claim" not in m.sentence.text:
            continue
        m0 = m.sentence.start
        for actor in actors_of(m.masked, 0, m.end - m0, m.triggers[0].start - m0, demonyms):
            if actor.role == "claimant" and all(a.name != actor.name for a in actors):
                actors.append(actor)
    weapons: list[str] = []
    sources: list[str] = []
    for m in ordered:
        s0 = m.sentence.start
        for w in find_weapons(m.masked, m.start - s0, m.end - s0):
            if w not in weapons:
                weapons.append(w)
        key = m.sentence.index
        if key not in source_cache:
            source_cache[key] = find_sources(text, m.sentence.start, m.sentence.end)
        for s in source_cache[key]:
            if s not in sources:
                sources.append(s)
    sub, ev_s, ev_e = draft.sub, draft.ev_s, draft.ev_e
    digest = hashlib.sha256(f"{article_id}|{ev_s}-{ev_e}|{sub}".encode()).hexdigest()[:32]
    if draft.copy:
        digest = f"{digest[:28]}{draft.copy:04d}"
    return Incident(
        incident_id=digest,
        article_id=article_id,
        event_type=lx.EVENT_TYPE_OF[sub],
        sub_event_type=sub,
        date=draft.when,
        date_precision=draft.precision,
        actors=actors,
        location=draft.location,
        fatalities=draft.fatalities,
        fatalities_min=draft.fatalities_min,
        injured=draft.injured,
        injured_min=draft.injured_min,
        weapons=weapons,
        sources=sources,
        evidence=Evidence(text=text[ev_s:ev_e], start=ev_s, end=ev_e),
        confidence=draft.confidence,
        language=language,
        warnings=draft.warnings,
        extractor=_EXTRACTOR,
    )


_MAX_INCIDENTS = 8  # per article: live blogs and long features must not explode into dozens
_LONG_TEXT = 6000
_DEEP = 3000  # in a long text, incidents told past this offset need stronger evidence
_DEEP_MIN_CONFIDENCE = 0.6


def _prune(drafts: list[_Draft], text_len: int) -> list[_Draft]:
    """Drop near-duplicates (same type, date and place, not told as another event), weak
    incidents deep in long texts, and everything past the per-article cap (the list is in
    salience order)."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out: list[_Draft] = []
    for d in drafts:
        loc = d.location
        key = (d.sub, d.when, loc.name if loc is not None else None)
        # "A second bomb killed two people near the bank": the text itself says it is another
        # event at the same town and day, so it is no near-duplicate (its deaths were lost)
        if key in seen and not d.inc.mentions[0].new_cue:
            continue
        deep = text_len > _LONG_TEXT and d.ev_s > _DEEP
        if deep and d.confidence < _DEEP_MIN_CONFIDENCE:
            continue
        seen.add(key)
        out.append(d)
        if len(out) >= _MAX_INCIDENTS:
            break
    return out


def extract_incidents(article: Article, *, language: str | None = None) -> list[Incident]:
    """Incidents told by ``article``, most salient first (pure; deterministic). ``language``:
    the text's language when the caller already detected it (:func:`article_language`)."""
    return _extract(
        article.text,
        article_id=article.article_id,
        published=_to_date(article.published_at),
        title=article.title,
        declared_language=article.language,
        language=language,
    )


def article_language(article: Article) -> str:
    """The language the extractor will take ``article``'s text to be (ISO 639-1, "und")."""
    return detect_language(_analysed_prefix(article.text), article.language)


def extract_from_text(
    text: str,
    published_at: datetime | date | str | None = None,
    title: str | None = None,
    doc_id: str = "text",
    language: str | None = None,
) -> list[Incident]:
    """Like :func:`extract_incidents` for a bare text (``doc_id`` becomes the article_id)."""
    return _extract(
        text,
        article_id=doc_id,
        published=_to_date(published_at),
        title=title,
        declared_language=language,
    )

"""Event dates: explicit dates and relative expressions resolved against the publication date.

News gives event dates as "on Tuesday", "yesterday at dawn", "on the morning of November 22",
"last week" or "overnight"; each is resolved against ``published_at`` (a weekday means the most
recent such day on or before publication, the usual newsroom convention). Without a publication
date only explicit dates that carry their year are resolved. "since 7 October" and similar
range openers are marked ``kind="since"`` so that callers do not take them as event dates, and
so are dates after publication (``kind="later"``); a range gives its first day ("1-6 April",
"between Sunday and Tuesday"); a day named twice ("yesterday, Tuesday", "on Friday 6/02/2015")
gives the more exact name; numeric dates are read day first ("22/06/2016", "5.3.2019").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from processors import lexicon as lx
from processors.fastre import guarded, holds_any

__all__ = ["NOT_EVENT_KINDS", "DateMention", "find_dates"]

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# the counts of days and weeks a relative date is told with ("two days ago", "a week ago"): the
# number words up to a week's days, and the article
_SMALL = {**{w: n for w, n in lx.NUMBER_WORDS.items() if 1 <= n <= 7}, "a": 1, "an": 1}

_MONTH = (
    r"(?P<mon>(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)"
)
_MONTH2 = _MONTH.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_YEAR2 = r"(?P<year2>(?:19|20)\d\d)"

_MONTH_M = _MONTH.replace("?P<mon>", "?P<mmon>")
_YEAR_M = _YEAR.replace("?P<year>", "?P<myear>")

_DATE_RE = re.compile(
    r"\b(?=\w)(?P<since>\b(?:since|until|till|by|from|before|after|between)\s+(?:the\s+)?(?:\w+\s+of\s+)?)?"
    r"(?:"
    rf"(?P<iso>\b(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b)"
    r"|(?P<dmy>\b(?P<dd>[0-3]?\d)(?P<sep>[./-])(?P<dm>[0-3]?\d)(?P=sep)(?P<dy>(?:19|20)\d\d)\b)"
    rf"|\b{_MONTH}\s+{_DAY}(?:\s*[-–]\s*[0-3]?\d\b)?(?:,?\s+{_YEAR})?\b"
    rf"|\b(?:(?P<rday>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:[-–]|to|and)\s*)?{_DAY2}(?:\s+of)?\s+"
    rf"{_MONTH2}(?:,?\s+{_YEAR2})?\b"
    r"|\b(?P<rel>yesterday|today|this morning|this afternoon|this evening|tonight|last night|"
    r"overnight|earlier today|on the previous day|the previous night|"
    r"(?P<nago>\d+|one|two|three|four|five|six|seven|a|an)\s+(?P<unit>days?|weeks?)\s+ago|"
    r"last week|earlier this week|this week|last weekend|this weekend|last month|"
    r"the weekend|"
    r"earlier this month|this month)\b"
    r"|\b(?P<wkend>(?:over\s+)?weekend)\b"
    r"|\b(?:on\s+)?the\s+(?P<nth>[0-3]?\d)(?:st|nd|rd|th)"
    r"(?:\s+of\s+(?:this|the)\s+month\b|(?=\s*[,.;)]|\s*$))"
    r"|\b(?P<wmod>last|this|on|early|late|since)?\s*(?P<wd>monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)(?:'s)?\b"
    rf"|\b(?:in|during|since)\s+{_MONTH_M}\s+{_YEAR_M}\b"
    r")",
    re.IGNORECASE,
)


# The first word of every alternative of _DATE_RE (besides numbers): the regex is tried only at
# words of the text that are one of these or start with a digit, instead of at every word
# boundary. Same matches (every match begins with such a word), a fraction of the regex work.
_FIRST_WORDS = frozenset(
    """since until till by from before after between yesterday today this tonight last overnight
    earlier on the one two three four five six seven a an early late in during over
    weekend""".split()
    + list(_MONTHS)
    + list(_WEEKDAYS)
)
_WORD_RE = re.compile(r"\w+")

# Where _DATE_RE may match, found by one regex scan instead of a Python loop over every word:
# a digit, or a word of _FIRST_WORDS followed by what the alternatives of _DATE_RE starting with
# it need next. The common words ("the", "a", "on", "in", "this", "last" ...) are rarely followed
# by a date word, so the costly _DATE_RE is tried at a quarter of the places. Each lookahead is a
# loose superset of the continuations _DATE_RE allows after its word (so no match is lost); the
# openers of "since ..." ranges, relative words, weekdays may be followed by anything.
_WD = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NEXT = {
    "the": r"\s+(?:previous|weekend|\d)",  # "the previous night", "the weekend", "the 5th"
    "on": rf"\s+(?:the|{_WD})",  # "on the previous day", "on Monday"
    "this": rf"\s+(?:morning|afternoon|evening|week|month|{_WD})",
    "last": rf"\s+(?:night|week|month|{_WD})",
    "earlier": r"\s+(?:today|this)",
    "early": rf"\s+(?:{_WD})",
    "late": rf"\s+(?:{_WD})",
    "over": r"\s+weekend",  # "over weekend"
    "in": r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",  # "in May 2024"
    "during": r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    **{w: r"\s+(?:day|week)" for w in _SMALL},  # "two days ago", "a week ago"
    **{w: r"\.?\s+\d" for w in _MONTHS},  # "Nov. 22", "May 5"
}


_Trie = dict[str, "_Trie"]


def _trie_regex(words: dict[str, str]) -> str:
    """One alternation of ``words`` (lowercase), factored by shared prefixes so the regex engine
    rules out most alternatives on their first letter; each word is followed by ``\\b`` and its
    lookahead (empty: none)."""
    tree: _Trie = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie, prefix: str) -> str:
        alts = []
        for ch in sorted(node):
            if ch == "":
                look = words[prefix]
                alts.append(r"\b" + (f"(?={look})" if look else ""))
            else:
                alts.append(re.escape(ch) + emit(node[ch], prefix + ch))
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree, "")


# a number: "2024-06-01", "22nd of November", "3 days ago", "22/06/2016", "1-6 April"
_NUMBER_NEXT = (
    r"\d(?=\d{3}-|\d?(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)|\d*\s+(?:day|week)|\d?[./-]\d|\d?(?:st|nd|rd|th)?\s*(?:[-–]|to|and)\s*\d)"
)
_CANDIDATE_RE = re.compile(
    r"\b(?:"
    + _NUMBER_NEXT
    + "|"
    + _trie_regex({w: _NEXT.get(w, "") for w in sorted(_FIRST_WORDS)})
    + ")"
)


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """``_DATE_RE.finditer(text)``, trying the regex only where _CANDIDATE_RE says it may match.

    _CANDIDATE_RE is case-sensitive and runs on the lowercased text (an IGNORECASE alternation
    of this size costs more than it saves); that is the same as IGNORECASE when lowercasing
    keeps every offset and the text has neither of the two letters that IGNORECASE also takes
    for an ASCII one ("ı" for "i", "ſ" for "s"; "İ" changes the length). Otherwise, the loop
    over every word.
    """
    low = text.lower()
    if len(low) != len(text) or "ı" in low or "ſ" in low:
        yield from _date_matches_per_word(text)
        return
    last = 0
    for c in _CANDIDATE_RE.finditer(low):
        pos = c.start()
        if pos < last:
            continue
        if not low[pos].isdecimal():
            # the word as _FIRST_WORDS spells it: "ﬁve" lowercases to itself, casefolds to "five"
            word = text[pos : c.end()]
            if word.casefold() not in _FIRST_WORDS:
                continue
        m = _DATE_RE.match(text, pos)
        if m is not None:
            last = m.end()
            yield m


def _date_matches_per_word(text: str) -> Iterator[re.Match[str]]:
    """``_DATE_RE.finditer(text)``, trying the regex at the words of _FIRST_WORDS only."""
    last = 0
    for w in _WORD_RE.finditer(text):
        pos = w.start()
        if pos < last:
            continue
        word = w.group()
        if not word[0].isdecimal() and word.casefold() not in _FIRST_WORDS:
            continue
        m = _DATE_RE.match(text, pos)
        if m is not None:
            last = m.end()
            yield m


_OVERNIGHT_NOUN_RE = re.compile(
    r"\s+(?:rains?|downpours?|storms?|raids?|attacks?|strikes?|shelling|bombardments?|fighting|"
    r"clashes|assaults?|operations?|curfews?|vigils?|stays?|flights?)\b",
    re.IGNORECASE,
)
# "overnight, ... said on Saturday" / "overnight, ... said Friday" within the same sentence
_SAID_DAY_RE = re.compile(
    r"[^.!?]{0,240}?\bsaid (?:on )?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression at ``start:end`` of the searched text."""

    start: int
    end: int
    date: date
    precision: str  # day | week | month | year
    kind: str  # explicit | relative | since | later | earlier (see find_dates)


def _month_day(mon: str, day: str, year: str | None, pub: date | None) -> tuple[date, str] | None:
    month = _MONTHS.get(mon.lower().rstrip("."))
    if month is None:
        return None
    d = int(day)
    if year:
        y = int(year)
    elif pub is not None:
        y = pub.year
    else:
        return None
    try:
        value = date(y, month, d)
    except ValueError:
        return None
    if not year and pub is not None and value > pub + timedelta(days=7):
        try:
            value = date(y - 1, month, d)
        except ValueError:
            return None
    return value, "day"


def _relative(rel: str, m: re.Match[str], pub: date) -> tuple[date, str] | None:
    r = " ".join(rel.lower().split())
    if r in ("today", "this morning", "this afternoon", "this evening", "tonight", "earlier today"):
        return pub, "day"
    if r in ("overnight", "yesterday", "last night", "on the previous day", "the previous night"):
        return pub - timedelta(days=1), "day"
    if m.group("nago"):
        raw = m.group("nago").lower()
        n = int(raw) if raw.isdigit() else _SMALL.get(raw, 1)
        if m.group("unit").lower().startswith("week"):
            return pub - timedelta(days=7 * n), "week"
        return pub - timedelta(days=n), "day"
    if r == "last week":
        return pub - timedelta(days=7), "week"
    if r in ("earlier this week", "this week"):
        return pub - timedelta(days=pub.weekday()), "week"
    if r == "the weekend":  # "at / over the weekend"
        return pub - timedelta(days=(pub.weekday() - 6) % 7), "week"  # the Sunday
    if r in ("last weekend", "this weekend"):
        back = (pub.weekday() - 5) % 7 or 7
        return pub - timedelta(days=back), "week"
    if r == "last month":
        first = pub.replace(day=1) - timedelta(days=1)
        return first.replace(day=1), "month"
    if r in ("earlier this month", "this month"):
        return pub.replace(day=1), "month"
    return None


# Letters IGNORECASE takes for "i" and "s" ("FRİDAY", "ſunday"), back to them for the lookup.
_LOOKALIKES = str.maketrans({"ı": "i", "ſ": "s", "\u0307": None})


def _weekday(name: str, modifier: str | None, pub: date) -> date:
    target = _WEEKDAYS[name.lower().translate(_LOOKALIKES)]
    back = (pub.weekday() - target) % 7
    if back == 0 and (modifier or "").lower() == "last":
        back = 7
    return pub - timedelta(days=back)


def _numeric_day(d: int, m: int, y: int, pub: date | None) -> tuple[date, str] | None:
    """A numeric date read day first ("22/06/2016", "5.3.2019"), as most of the world writes it;
    month first only when the day-first reading is no date, or when it lies after the
    publication and the month-first one does not ("06/22/2016" published in June)."""
    readings = []
    for day, month in ((d, m), (m, d)):
        try:
            readings.append(date(y, month, day))
        except ValueError:
            continue
    if not readings:
        return None
    if pub is not None and len(readings) == 2:
        if readings[0] > pub + timedelta(days=1) and readings[1] <= pub + timedelta(days=1):
            return readings[1], "day"
    return readings[0], "day"


def _day_of_month(day: int, pub: date) -> tuple[date, str] | None:
    """ "on the 5th" (a month's day without its month, as many languages write it): the last
    such day on or before publication."""
    month_start = pub.replace(day=1)
    for _ in range(3):  # the 31st: the last month that has one
        try:
            value = month_start.replace(day=day)
        except ValueError:
            value = None
        if value is not None and value <= pub:
            return value, "day"
        month_start = (month_start - timedelta(days=1)).replace(day=1)
    return None


def _weekend(modifier: str, pub: date) -> tuple[date, str]:
    """The Sunday of the weekend a report means ("last weekend", "weekend clashes"): the last
    one on or before publication, the Saturday itself when published on a Saturday ("this
    weekend"), the one before when "last weekend" is published on a Sunday."""
    back = (pub.weekday() - 6) % 7
    if modifier == "last" and back == 0:
        back = 7
    elif modifier != "last" and pub.weekday() == 5:
        back = 0
    return pub - timedelta(days=back), "week"


# A weekday still to come: "next Monday", "ahead of Sunday's vote", "ahead of elections Sunday".
_COMING_DAY_RE = re.compile(
    r"\b(?:next|coming|upcoming)\s+$|\bahead\s+of\b[^.;:!?\n,]{0,40}$", re.IGNORECASE
)
_EVE_RE = re.compile(r"\beve\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# The literal pretests of find_dates: a text that holds none of a pattern's words is not searched
# with it (each pattern's every form holds one: tests/test_processors_m16mend.py)
_COMING_WORDS = ("next", "coming", "ahead")
_EVE_WORDS = ("eve",)
_CAPTURE_WORDS = ("kidnap", "abduct", "arrest", "detain", "captur")
# A weekend that is no past event: "next weekend", "every weekend", "a weekend curfew".
_NOT_PAST_WEEKEND_RE = guarded(
    r"\b(?:next|every|each|coming|a|one|long|holiday|upcoming)\s+$", re.IGNORECASE
)
# What may join two names of one day: "yesterday, Tuesday", "on Friday 6/02/2015".
_APPOSITION_RE = re.compile(r"[\s,(]{0,3}(?:the\s+)?")
# What joins the two ends of a range: "between Friday and Saturday", "from Monday to Wednesday".
_RANGE_JOIN_RE = re.compile(r"\s*(?:and|to|until|till|-|–)\s*", re.IGNORECASE)
# Relative words a following weekday or date names more exactly.
_APPOSED_RELATIVES = frozenset(
    ("yesterday", "today", "tonight", "overnight", "last night", "this morning", "this evening")
)
# A relative day in a clause that tells an earlier event than the report's: "kills a man after
# kidnapping him a week ago", "hostages who were abducted on Sunday", "deaths since the truce
# began 11 days ago". A capture told as the main verb ("gunmen abducted 20 on Sunday") is the
# event itself, so the capture verb counts only after "after" or a relative pronoun.
_EARLIER_EVENT_RE = guarded(
    r"\b(?:after|(?:who|that|which)\s+(?:was|were|had\s+been))\s+(?:being\s+)?"
    r"(?:\w+\s+){0,2}?(?:kidnapp?|abduct|arrest|detain|captur)\w*\b[^.;:!?\n]{0,60}$",
    re.IGNORECASE,
)
# The day of an earlier event that the report measures from or compares with: "days after
# Sunday's attack", "two days after a raid on Sunday left ten dead", "an attack that echoed a
# massacre on 12 February". Not "after" alone ("killed after gunmen stormed the town on Sunday":
# the cause, the same day), nor across a comma ("Two days after the truce, on Sunday, gunmen
# killed ...": the event's own day) or a verb of the event ("days after the truce gunmen killed").
_BACKGROUND_BEFORE_RE = guarded(
    r"\b(?:(?:days?|weeks?|months?|years?)\s+(?:after|since|before)|"
    # "echoed a massacre", "recalling the attack": with their object, an earlier event; not
    # "explosions echoed across Kabul on Monday", "residents recalled that the gunmen arrived
    # on Monday" (the event's own account)
    r"(?:echo(?:ed|es|ing)|recall(?:ed|ing|s)?)\s+(?:an?|the|last|earlier|previous)\b|"
    r"reminiscent\s+of)\b"
    r"(?:(?!\b(?:killed|attacked|shot|shelled|bombed|struck|stormed|clashed|ambushed|fired|"
    r"died|opened)\b)[^.,;:!?\n]){0,60}$",
    re.IGNORECASE,
)
_BACKGROUND_WORDS = ("after", "since", "before", "echo", "reminiscent", "recall")
# "since <a start> N days ago", with no killing told in between ("the first death since the
# truce began 11 days ago"; not "the worst attack since 2015 killed 20 two days ago").
_SINCE_AGO_RE = re.compile(
    r"\bsince\b(?:(?!\b(?:kill|die|dead|death|wound|injur))[^.;:!?\n,]){0,60}$", re.IGNORECASE
)
# The date a bulletin is issued under, not a day of the events it reports: "Mexico security
# update 22 October 2020", "Security Memo: Aug. 27, 2007"
_ISSUE_BEFORE_RE = re.compile(
    # a report's or a daily bulletin's date is the day it covers ("Field report 04-03-2021",
    # "Daily Briefing 9 May")
    r"(?<!daily )\b(?:update|review|memo|briefing|bulletin|roundup|digest)\s*:?\s*"
    r"(?:no\.?\s*\d+\s*)?[(\[]?\s*$",
    re.IGNORECASE,
)
_ISSUE_WORDS = ("update", "review", "memo", "briefing", "bulletin", "roundup", "digest")
# A street, square or neighbourhood named after a date ("the avenue November 20", "in the colony
# October 2", "the neighborhood of 16 September"; Mexican towns name many after national days):
# a place, no day. Spanish names ("la colonia 10 de Mayo") are `spanish._STREET_BEFORE_RE`'s.
_STREET_BEFORE_RE = re.compile(
    r"\b(?:street|st\.|avenue|ave\.|av\.|boulevard|blvd\.?|colony|colonia|col\.|"
    r"neighbou?rhood|subdivision|fraccionamiento|square|plaza|calle|avenida|calzada)"
    r"\s+(?:of\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# ... or with its noun after the name, in capitals as a name's ("on November 20 Street", "the
# 16 September Avenue"; not "on March 8 street vendors")
_STREET_AFTER_RE = re.compile(r"\s+(?:(?:Street|Avenue|Boulevard|Blvd|Square|Plaza)\b|Ave\.)")
_STREET_WORDS = (
    "street", "st.", "ave", "av.", "boulevard", "blvd", "colon", "col.", "neighbo", "subdivision",
    "fraccionamiento", "square", "plaza", "calle", "calzada",
)  # fmt: skip
# Kinds of mention that are no candidate for the event's day.
NOT_EVENT_KINDS = frozenset(("since", "later", "earlier", "issue"))


_FROM_POSSESSIVE_RE = re.compile(r"from\s+\w+['’]s", re.IGNORECASE)
# "after Monday's air strike": the day of the event the sentence follows up on, not a range that
# starts on Monday ("after Monday's vote, protesters ..." stays a range opener)
_AFTER_POSSESSIVE_RE = re.compile(r"after\s+\w+['’]s", re.IGNORECASE)
_EVENT_NOUN_AFTER_RE = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:attack|strikes?|air ?strikes?|drone strike|bombing|blast|"
    r"explosion|shelling|raid|ambush|massacre|assault|shooting|clash(?:es)?|fighting)\b",
    re.IGNORECASE,
)


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """All date expressions in ``text`` (offsets shifted by ``offset``), resolved if possible.

    ``kind``: ``explicit`` or ``relative`` for a candidate event day; ``since`` for a range
    opener ("since 7 October") or a range's last day ("between Friday and Saturday": Friday is
    the candidate, Saturday ``since``); ``later`` for a date more than a day after publication
    (a schedule, a bulletin's issue date: no event of a report happened after it was filed) or a
    weekday still to come ("next Monday", "ahead of elections on Sunday");
    ``earlier`` for a relative day that dates an earlier event of the sentence ("after
    kidnapping him a week ago", "hostages who were abducted on Sunday") or a day the report
    measures from or compares with ("days after Sunday's attack", "echoed a massacre on 12
    February"); ``issue`` for the date
    a bulletin is issued under ("security update 22 October 2020"), not an event's day."""
    out: list[DateMention] = []
    # the context rules below search a window before each mention; most texts have none of their
    # key words, so each is tried only when its word occurs in the text at all
    low = text.lower()
    coming = holds_any(low, _COMING_WORDS)
    eve = holds_any(low, _EVE_WORDS)
    capture = holds_any(low, _CAPTURE_WORDS)
    since_ago = "since" in low and "ago" in low
    issue = holds_any(low, _ISSUE_WORDS)
    street = holds_any(low, _STREET_WORDS)
    background = holds_any(low, _BACKGROUND_WORDS)
    prev: re.Match[str] | None = None
    for m in _date_matches(text):
        kind = "since" if m.group("since") else "explicit"
        resolved: tuple[date, str] | None = None
        if m.group("iso"):
            try:
                resolved = date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), "day"
            except ValueError:
                resolved = None
        elif m.group("dmy"):
            resolved = _numeric_day(
                int(m.group("dd")), int(m.group("dm")), int(m.group("dy")), published
            )
        elif m.group("mon") or m.group("mon2"):
            if street and (
                _STREET_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
                or _STREET_AFTER_RE.match(text, m.end())
            ):
                continue
            if m.group("mon"):
                resolved = _month_day(m.group("mon"), m.group("day"), m.group("year"), published)
            else:
                # "1-6 April 2021": the range's first day
                day = m.group("rday") or m.group("day2")
                resolved = _month_day(m.group("mon2"), day, m.group("year2"), published)
        elif m.group("mmon"):
            month = _MONTHS.get(m.group("mmon").lower().rstrip("."))
            if month:
                resolved = date(int(m.group("myear")), month, 1), "month"
        elif published is not None and m.group("rel"):
            rel = " ".join(m.group("rel").lower().split())
            if rel in ("last weekend", "this weekend"):
                resolved = _weekend(rel.split()[0], published)
            else:
                resolved = _relative(m.group("rel"), m, published)
            kind = "since" if kind == "since" else "relative"
        elif published is not None and m.group("wkend"):
            if _NOT_PAST_WEEKEND_RE.search(text, max(0, m.start() - 12), m.start()):
                continue
            resolved = _weekend("", published)
            kind = "since" if kind == "since" else "relative"
        elif published is not None and m.group("nth"):
            resolved = _day_of_month(int(m.group("nth")), published)
        elif published is not None and m.group("wd"):
            mod = m.group("wmod")
            if mod and mod.lower() == "since":
                kind = "since"
            resolved = _weekday(m.group("wd"), mod, published), "day"
            if kind == "since" and (
                _FROM_POSSESSIVE_RE.fullmatch(m.group())
                or (
                    _AFTER_POSSESSIVE_RE.fullmatch(m.group())
                    and _EVENT_NOUN_AFTER_RE.match(text, m.end())
                )
            ):
                # "the death toll from Wednesday's air strike": the day of the strike, not a
                # range that starts on Wednesday
                kind = "relative"
            kind = "since" if kind == "since" else "relative"
            if coming and _COMING_DAY_RE.search(text, max(0, m.start() - 50), m.start()):
                kind = "later"
        if resolved is None:
            continue
        if m.group("rel") and m.group("rel").lower() == "overnight":
            if _OVERNIGHT_NOUN_RE.match(text, m.end()):
                continue  # "overnight rain", "an overnight raid": the day is told elsewhere
            said = _SAID_DAY_RE.match(text, m.end())
            if said is not None and published is not None:
                # "... overnight, the ministry said on Saturday": the night that ended on the day
                # of the statement (without one, "overnight" is read as last night)
                resolved = _weekday(said.group("wd"), None, published), "day"
        if m.group("mon") and m.group("mon").lower() == "may" and not m.group("year"):
            # "may 5" is usually the month, but "may" alone is a verb; require a capital
            if not m.group("mon")[0].isupper():
                continue
        if eve and _EVE_RE.search(text, max(0, m.start() - 16), m.start()):
            resolved = resolved[0] - timedelta(days=1), resolved[1]  # "on the eve of May 9"
        if published is not None and resolved[0] > published + timedelta(days=1):
            kind = "later"
        elif (
            issue
            and kind == "explicit"
            and _ISSUE_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
        ):
            kind = "issue"
        elif kind in ("relative", "explicit") and (
            background
            # "days after Sunday's attack": "after" opens the match, the day follows it
            and _BACKGROUND_BEFORE_RE.search(
                text, max(0, m.start() - 80), m.start("wd") if m.group("wd") else m.start()
            )
        ):
            kind = "earlier"
        elif kind == "relative" and (
            (capture and _EARLIER_EVENT_RE.search(text, max(0, m.start() - 100), m.start()))
            or (
                since_ago
                and m.group("nago")
                and _SINCE_AGO_RE.search(text, max(0, m.start() - 70), m.start())
            )
        ):
            kind = "earlier"
        mention = DateMention(m.start() + offset, m.end() + offset, resolved[0], resolved[1], kind)
        if out and prev is not None:
            last = out[-1]
            gap = text[prev.end() : m.start()]
            if (
                prev.group("since")
                and prev.group("since").split()[0].lower() in ("between", "from")
                and _RANGE_JOIN_RE.fullmatch(gap)
            ):
                # "between Sunday and Tuesday": the event began on the first day
                if last.kind == "since":
                    out[-1] = _with_kind(last, "explicit" if prev.group("mon") else "relative")
                mention = _with_kind(mention, "since")
            elif _APPOSITION_RE.fullmatch(gap) and _names_same_day(prev, m):
                # "yesterday, Tuesday", "on Friday 6/02/2015": one day named twice, the second
                # name the more exact (a report filed after midnight still says "yesterday")
                out[-1] = DateMention(
                    last.start, mention.end, mention.date, mention.precision, last.kind
                )
                prev = m
                continue
        out.append(mention)
        prev = m
    return out


def _with_kind(d: DateMention, kind: str) -> DateMention:
    return DateMention(d.start, d.end, d.date, d.precision, kind)


def _names_same_day(first: re.Match[str], second: re.Match[str]) -> bool:
    """Whether ``second`` names the day ``first`` told relatively: a relative day word then a
    weekday or a date, or a weekday then a date (a weekday then a weekday is a list)."""
    if first.group("since") or second.group("since"):
        return False
    explicit = bool(second.group("dmy") or second.group("mon") or second.group("mon2"))
    if first.group("wd"):
        return explicit and (first.group("wmod") or "on").lower() == "on"
    rel = " ".join((first.group("rel") or "").lower().split())
    return rel in _APPOSED_RELATIVES and (explicit or bool(second.group("wd")))

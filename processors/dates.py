"""Event dates: explicit dates and relative expressions resolved against the publication date.

News gives event dates as "on Tuesday", "yesterday at dawn", "on the morning of November 22",
"last week" or "overnight"; each is resolved against ``published_at`` (a weekday means the most
recent such day on or before publication, the usual newsroom convention). Without a publication
date only explicit dates that carry their year are resolved. "since 7 October" and similar
range openers are marked ``kind="since"`` so that callers do not take them as event dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateMention", "find_dates"]

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
_SMALL = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "a": 1,
    "an": 1,
}

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
    rf"|\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b"
    rf"|\b{_DAY2}(?:\s+of)?\s+{_MONTH2}(?:,?\s+{_YEAR2})?\b"
    r"|\b(?P<rel>yesterday|today|this morning|this afternoon|this evening|tonight|last night|"
    r"overnight|earlier today|on the previous day|the previous night|"
    r"(?P<nago>\d+|one|two|three|four|five|six|seven|a|an)\s+(?P<unit>days?|weeks?)\s+ago|"
    r"last week|earlier this week|this week|last weekend|this weekend|last month|"
    r"the weekend|"
    r"earlier this month|this month)\b"
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
    earlier on the one two three four five six seven a an early late in during""".split()
    + list(_MONTHS)
    + list(_WEEKDAYS)
)
_WORD_RE = re.compile(r"\w+")


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """``_DATE_RE.finditer(text)``, trying the regex at candidate words only."""
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
    r"[^.!?]{0,120}?\bsaid (?:on )?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|"
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
    kind: str  # explicit | relative | since


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


def _weekday(name: str, modifier: str | None, pub: date) -> date:
    target = _WEEKDAYS[name.lower()]
    back = (pub.weekday() - target) % 7
    if back == 0 and (modifier or "").lower() == "last":
        back = 7
    return pub - timedelta(days=back)


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """All date expressions in ``text`` (offsets shifted by ``offset``), resolved if possible."""
    out: list[DateMention] = []
    for m in _date_matches(text):
        kind = "since" if m.group("since") else "explicit"
        resolved: tuple[date, str] | None = None
        if m.group("iso"):
            try:
                resolved = date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), "day"
            except ValueError:
                resolved = None
        elif m.group("mon"):
            resolved = _month_day(m.group("mon"), m.group("day"), m.group("year"), published)
        elif m.group("mon2"):
            resolved = _month_day(m.group("mon2"), m.group("day2"), m.group("year2"), published)
        elif m.group("mmon"):
            month = _MONTHS.get(m.group("mmon").lower().rstrip("."))
            if month:
                resolved = date(int(m.group("myear")), month, 1), "month"
        elif published is not None and m.group("rel"):
            resolved = _relative(m.group("rel"), m, published)
            kind = "since" if kind == "since" else "relative"
        elif published is not None and m.group("wd"):
            mod = m.group("wmod")
            if mod and mod.lower() == "since":
                kind = "since"
            resolved = _weekday(m.group("wd"), mod, published), "day"
            kind = "since" if kind == "since" else "relative"
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
        out.append(
            DateMention(m.start() + offset, m.end() + offset, resolved[0], resolved[1], kind)
        )
    return out

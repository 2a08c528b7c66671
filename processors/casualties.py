"""Fatality and injury counts of one event mention.

Patterns, tried on the mention's segment text (back-references already masked out):

* number before the outcome: "at least 29 people were killed", "eight injured", "a soldier was
  wounded", "several enemy KIA";
* outcome before the number: "killing 6 civilians", "death toll rose to 12", "the death of many
  fighters", "injuring two";
* outcome nouns: "eight injuries", "3 deaths";
* negatives: "no one was hurt", "no casualties", "without injuries" (count 0).

Each number is used once; subsets ("..., including 2 women") are skipped so that nothing is
counted twice. Within one segment distinct counts of the same outcome add up ("3 soldiers and 2
civilians were killed"); across the sentences of an incident the caller keeps the largest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from processors.numbers import NUMBER_PATTERN, Count, count_from_match

__all__ = ["Casualties", "find_casualties", "zero_statement"]

_F = re.IGNORECASE
_KILL = (
    r"killed|dead|died|dies|slain|perished|lost (?:their|his|her) lives|KIA|were killed|"
    r"killed in action|deaths?|fatalit(?:y|ies)|bodies|lives|drowned"
)
_INJ = (
    r"wounded|injured|injuries|injury|hurt|wounds|hospitali[sz]ed|casualties|poisoned|"
    r"suffered (?:\w+ ){0,2}?(?:symptoms|injuries|burns|wounds)"
)
_AUX = (
    r"(?:(?:were|was|have been|has been|had been|are|is|got|being|been|reportedly|also|all|"
    r"later|each|allegedly|critically|seriously|severely|fatally|badly|slightly|lightly|"
    r"mortally|left|found)\s+){0,3}"
)
_NP = r"(?:(?!(?:and|or|but|were|was|in|on|at|after|when|while)\b)[\w'’-]+\s+){0,4}?"
_NUM = NUMBER_PATTERN

_BEFORE_RE = re.compile(rf"\b{_NUM}\s+{_NP}{_AUX}(?P<out>{_KILL}|{_INJ})\b", _F)
_ARTICLE_RE = re.compile(
    r"\b(?P<art>a|an|one)\s+(?P<np>(?:[\w'’-]+\s+){1,6}?)(?:was|has been|had been|is|got)\s+"
    r"(?:\w+ly\s+)?(?:shot and (?:\w+ly\s+)?)?"
    r"(?P<out>killed|wounded|injured|hurt|shot dead|slain|stabbed to death)\b",
    _F,
)
_AFTER_RE = re.compile(
    rf"\b(?P<verb>killing|killed|kills|kill|wounding|injuring|injured|wounded|executed|executing|"
    rf"massacred|slaughtered|shot dead|gunned down|hacked to death|beheaded|burned to death|"
    rf"claim(?:ed|ing)? the lives of|the (?:deaths?|killing) of|death toll (?:\w+\s+){{0,3}}?"
    rf"(?:to|at|of|reached|hit|stood at|stands at|is|was)|toll (?:rose|climbed|rises|reached|"
    rf"stood|stands|is|was|of)(?: to| at)?)\s+(?:at least\s+|all\s+)?{_NUM}",
    _F,
)
_LEFT_RE = re.compile(
    rf"\b(?:left|leaving)\s+{_NUM}(?P<tail>(?:\s+[\w'’-]+){{0,3}}?\s+(?P<out>dead|killed|"
    rf"wounded|injured|hurt))",
    _F,
)
_AFTER_ONE_RE = re.compile(
    r"\b(?P<verb>killing|killed|kills|wounding|injuring|injured|wounded|shot dead)\s+"
    r"(?P<art>a|an|one)\s+(?!number|total|series|few|dozen|hundred|thousand|day|week|month|"
    r"year|time|way|bid|attack|strike|statement)[\w'’-]+",
    _F,
)
_COORD_RE = re.compile(rf"{_NUM}\s+[\w'’-]+(?:\s+[\w'’-]+)?\s*(?:,\s*and|,|and)\s*$", _F)
_NOUN_RE = re.compile(
    rf"\b{_NUM}\s+(?:(?:more|other|further|additional|new|civilian|military)\s+)?"
    rf"(?P<out>deaths|fatalities|injuries|dead|wounded|injured)\b",
    _F,
)
_NOUN_HINT_RE = re.compile(r"deaths|fatalities|injuries|dead|wounded|injured", _F)
_ZERO_RE = re.compile(
    r"\b(?:no (?:one|body)|nobody|none)\b(?:\s+\w+){0,3}?\s+(?P<o1>killed|hurt|injured|wounded|"
    r"died|harmed)|\bno (?:immediate )?(?:reports? of )?(?P<o2>casualties|deaths|fatalities|"
    r"injuries|one was (?:killed|hurt|injured))|\bwithout (?:any )?(?P<o3>casualties|"
    r"injuries|loss of life)|\bno (?:lives were lost|loss of life)|"
    r"\b(?:passed off|ended|dispersed|went off|proceeded) (?:\w+ )?(?P<o4>peacefully)|"
    r"\bwithout (?P<o5>incident)",
    _F,
)
_SUBSET_RE = re.compile(
    r"(?:including|among them|among whom|of whom|of them|among the (?:dead|victims|injured)|"
    r"among those)\s*(?:\w+\s+)?$",
    _F,
)
_ANY_OUTCOME_RE = re.compile(
    r"kill|dead|died|dies|death|wound|injur|hurt|slain|perish|lives|fatalit|KIA|casualt|bodies|"
    r"hospitali|toll|peaceful|incident|suffer|poison|drown|execut|massacr|slaughter|behead|"
    r"gunned|hacked",
    _F,
)
_APPOSITIVE_RE = re.compile(r",\s*(?:among them|including|mostly|many of them)\s[^,;.]{1,40},", _F)
_YEAR_CONTEXT = re.compile(r"(?:in|since|of|by|from)\s+$", _F)


@dataclass(slots=True)
class Casualties:
    """Counts found in one segment; ``None`` fields mean "not mentioned"."""

    fatalities: Count | None = None
    injured: Count | None = None

    def merge_max(self, other: Casualties) -> None:
        """Combine with another mention of the same incident: keep the larger count."""
        self.fatalities = _max(self.fatalities, other.fatalities)
        self.injured = _max(self.injured, other.injured)


def _max(a: Count | None, b: Count | None) -> Count | None:
    if a is None:
        return b
    if b is None:
        return a
    if a.value is not None and b.value is not None:
        return a if a.value >= b.value else b
    if a.value is not None:
        return a
    if b.value is not None:
        return b
    return a if (a.minimum or 0) >= (b.minimum or 0) else b


def _add(a: Count | None, b: Count) -> Count:
    if a is None:
        return b
    if a.value is not None and b.value is not None:
        mins = [m for m in (a.minimum, b.minimum) if m is not None]
        return Count(a.value + b.value, (a.value + b.value) if mins else None)
    return _max(a, b) or b


def _outcome(word: str) -> str:
    w = word.lower()
    if re.match(_INJ, w):
        return "inj"
    return "kill"


def find_casualties(text: str, start: int = 0, end: int | None = None) -> Casualties:
    """Casualty counts in ``text[start:end]`` (spans outside are ignored)."""
    end = len(text) if end is None else end
    seg = text[start:end]
    if not _ANY_OUTCOME_RE.search(seg):
        return Casualties()
    seg = _APPOSITIVE_RE.sub(lambda m: " " * len(m.group()), seg)
    used: list[tuple[int, int]] = []
    found: dict[str, Count] = {}
    zero: set[str] = set()

    def take(kind: str, m: re.Match[str], num_span: tuple[int, int]) -> None:
        s, e = num_span
        if any(a < e and s < b for a, b in used):
            return
        if _SUBSET_RE.search(seg, 0, s):
            return
        digits = m.group("digits")
        if digits and re.fullmatch(r"(?:19|20)\d\d", digits) and _YEAR_CONTEXT.search(seg, 0, s):
            return
        count = count_from_match(m)
        if count is None:
            return
        used.append((s, e))
        found[kind] = _add(found.get(kind), count)

    for m in _ZERO_RE.finditer(seg):
        used.append(m.span())
        word = m.group("o1") or m.group("o2") or m.group("o3") or "killed"
        if m.group("o4") or m.group("o5"):
            word = "casualties"
        if word.lower() in ("casualties", "loss of life") and m.group("o3") != "injuries":
            zero.update(("kill", "inj") if word.lower() == "casualties" else ("kill",))
        else:
            zero.add(_outcome(word) if "one was" not in word.lower() else _outcome(word[8:]))
    for m in _LEFT_RE.finditer(seg):
        take(_outcome(m.group("out")), m, (_num_start(m), _num_end(m)))
    for m in _AFTER_RE.finditer(seg):
        verb = m.group("verb").lower()
        if verb.startswith(("wound", "injur")):
            kind = "inj"
        else:
            kind = "kill"
        num_start = m.start("qual") if m.group("qual") else _num_start(m)
        take(kind, m, (num_start, _num_end(m)))
    for m in _NOUN_RE.finditer(seg) if _NOUN_HINT_RE.search(seg) else ():
        take(_outcome(m.group("out")), m, (m.start(), _num_end(m)))
    for m in _BEFORE_RE.finditer(seg):
        out = m.group("out")
        if out.lower() in ("bodies", "lives") and not re.search(r"\bbodies\b", out, _F):
            if out.lower() == "lives" and not re.search(r"lost", seg[m.start() : m.end()], _F):
                continue
        before = len(used)
        take(_outcome(out), m, (m.start(), _num_end(m)))
        if len(used) > before:
            c = _COORD_RE.search(seg, max(0, m.start() - 60), m.start())
            if c is not None:
                take(_outcome(out), c, (c.start(), _num_end(c)))
    for m in _AFTER_ONE_RE.finditer(seg):
        s = m.start("art")
        if any(a < m.end() and s < b for a, b in used) or _SUBSET_RE.search(seg, 0, s):
            continue
        used.append((s, m.end("art")))
        kind = "inj" if m.group("verb").lower().startswith(("wound", "injur")) else "kill"
        found[kind] = _add(found.get(kind), Count(1, None))
    for m in _ARTICLE_RE.finditer(seg):
        s = m.start()
        if any(a < m.end() and s < b for a, b in used):
            continue
        if _SUBSET_RE.search(seg, 0, s):
            continue
        kind = _outcome(m.group("out")) if "dead" not in m.group("out") else "kill"
        used.append((s, m.start("np")))
        found[kind] = _add(found.get(kind), Count(1, None))

    result = Casualties()
    result.fatalities = found.get("kill") or (Count(0, None) if "kill" in zero else None)
    result.injured = found.get("inj") or (Count(0, None) if "inj" in zero else None)
    return result


def _num_start(m: re.Match[str]) -> int:
    for g in ("digits", "words", "vague"):
        if m.group(g):
            return m.start(g)
    return m.start()


def _num_end(m: re.Match[str]) -> int:
    for g in ("digits", "words", "vague"):
        if m.group(g):
            return m.end(g)
    return m.end()


def zero_statement(text: str, start: int = 0, end: int | None = None) -> Casualties:
    """Counts of 0 said in ``text[start:end]`` outside any event mention ("nobody was hurt",
    "the rallies passed off peacefully", "No injuries were reported")."""
    seg = text[start : len(text) if end is None else end]
    if not _ZERO_RE.search(seg):
        return Casualties()
    return find_casualties(seg)

"""Sentence splitting with character offsets into the original text.

Offsets matter more than linguistic finesse: every incident's evidence must satisfy
``text[start:end] == evidence.text``. Paragraphs are split on line breaks first, then sentences
on terminal punctuation followed by a capital, a digit or an opening quote, unless the word
before the period is a known abbreviation or an initial ("U.S.", "Lt.", "Jan."). Lines that are
page furniture ("READ: ...", "Related: ...", "Watch: ...") are flagged so they never become
incidents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DATELINE_RE", "MAX_SENTENCE_CHARS", "Sentence", "datelines", "split_sentences"]

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm brig cmdr gov sen rep rev st
    mt ft jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc inc corp ltd co jr sr
    approx est dept univ ave blvd hon pres supt insp det cdr u.s u.k u.n e.g i.e a.m p.m""".split()
)

_BOUNDARY = re.compile(r"[.!?]+[\"”’'»)\]]*(?=\s+[\"“‘'«(\[]?[A-Z0-9])")
# The word before a period: the run of word characters and periods that ends the text before
# it, read backwards (a match at the start of the reversed text) because an end-anchored search
# would retry at every position of the look-back window.
_WORD_BEFORE_REVERSED = re.compile(r"[\w.]+")
_FURNITURE = re.compile(
    r"^\s*(?:READ(?: MORE| ALSO)?|Read (?:more|also)|Also read|ALSO READ|Related(?: articles?| "
    r"stories| coverage)?|RELATED|Watch|WATCH|Listen|Subscribe|Sign up|Click here|Follow us|"
    r"Advertisement|ADVERTISEMENT|Photo|Image|Video|Copyright|©|Share this|More on this)"
    r"(?:\s*[:|>»–-]|\s*$)"
)


# "GOMA, Democratic Republic of Congo, Feb 8 (Reuters) — ...", "CULIACÁN, Sin., 8 de marzo
# (EFE).- ...": where and when it was filed, not where and when the event happened. A town in
# capitals or title case (accented letters too), up to two regions or a country (after a comma
# or in brackets), a weekday, a day in any of the usual orders (English or Spanish, with or
# without its year, or in digits), an agency in brackets, then a dash, ".-" or a colon. Mexican
# papers write the town and state alone before ".-" ("Culiacán, Sinaloa.- ", "Ciudad de
# México.- "): a title-case town may hold the connectors inside Spanish names.
_DL_UPPER = "A-ZÀ-ÖØ-Þ"
_DL_LOWER = "a-zß-öø-ÿ"
DATELINE_RE = re.compile(
    # a space or hyphen only before a capital: one way to read each character, so a long line
    # of capitals and hyphens is read in linear time (a word pattern repeated with the hyphen
    # both in and between its words backtracked exponentially: 22 "AA-" took 4 s)
    rf"^[ \t]*(?:(?P<caps>[{_DL_UPPER}](?:[{_DL_UPPER}.'’/]|[ -](?=[{_DL_UPPER}]))+)"
    rf"|(?P<title>[{_DL_UPPER}][{_DL_LOWER}]+"
    rf"(?:(?: (?:de|del|la|las|los|el)){{0,2}} [{_DL_UPPER}][{_DL_LOWER}]+){{0,2}}))"
    rf"(?:,[ \t]*[{_DL_UPPER}][\w.'’ -]{{1,40}}?|[ \t]*\([{_DL_UPPER}][\w.'’ -]{{1,40}}?\)){{0,2}}"
    r"(?:,[ \t]*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)?"
    r"(?:,[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}[ \t]+[A-Z][a-z]{2,8}\.?"
    r"|\d{1,2}[ \t]+de[ \t]+[A-Za-z]{4,10}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
    r"(?:,?[ \t]+(?:de[ \t]+)?\d{4})?)?"
    r"[ \t]*(?:\([A-Za-z ]{2,20}\)[ \t]*)?"  # (Reuters), (AP), (EFE), (Xinhua), ...
    r"(?P<end>—|–|--|-|\.-|\.—|\.–|:)[ \t]+",
    re.MULTILINE,
)


# A town in capitals runs to a few words besides the connectors inside names ("SAN CRISTÓBAL
# DE LAS CASAS", "DERA ISMAIL KHAN"); a longer run of capitals is a headline ("GUNMEN KILL FOUR
# SOLDIERS IN KANDAHAR - police said ..."), and so is one that tells a toll ("TWO KILLED,
# FOURTEEN WOUNDED IN AFRIN:"): a dateline's words are no trigger and no count (rules._extract)
_DL_TOWN_MAX_WORDS = 3
_DL_NAME_CONNECTORS = frozenset(
    {"DE", "DEL", "LA", "LAS", "LOS", "EL", "AL", "DI", "DA", "DO", "DOS"}
)
# the labels a page puts before a headline as a dateline puts its town ("BREAKING: ...",
# "WATCH - ...", "Última hora.- ..."): no town
_DL_LABELS = frozenset(
    {
        *"""breaking watch live update updated updates exclusive video videos photo photos
        analysis opinion explainer factbox urgent alert developing flash editorial comment
        correction corrected refile feature interview urgente alerta exclusiva exclusivo fotos
        opinión análisis""".split(),
        *("breaking news", "just in", "live updates", "última hora", "en vivo", "en directo"),
    }
)
_DL_HEADLINE_WORD_RE = re.compile(
    r"\b(?:KILLS?|KILLED|KILLING|DEAD|DIES|DIED|WOUNDED|INJURED|MURDERED|SHOT|ATTACKS?|ATTACKED|"
    r"BLASTS?|CLASH(?:ES)?|MUERTOS?|HERIDOS?|ASESINA[NDO]*|MATAN?|EJECUTAN|BALEAN|ATACAN|HALLAN|"
    r"ENCUENTRAN|LOCALIZAN|DETIENEN|CAPTURAN)\b"
)


def datelines(text: str) -> list[tuple[int, int]]:
    """Spans of datelines at the start of paragraphs."""
    out = []
    for m in DATELINE_RE.finditer(text):
        head = m.group()
        caps = m.group("caps")
        if caps is not None and (
            sum(w not in _DL_NAME_CONNECTORS for w in re.split(r"[ -]", caps)) > _DL_TOWN_MAX_WORDS
            or _DL_HEADLINE_WORD_RE.search(head)
        ):
            continue
        town = caps if caps is not None else m.group("title")
        if town is not None and town.rstrip(".").casefold() in _DL_LABELS:
            continue
        # a real dateline has an all-caps place, a date or an agency tag; or it is a Mexican
        # paper's title-case town (and state) before ".-", unless it tells a toll or an event
        # ("Matan Policías.- ")
        if re.search(r"[A-Z]{3,}|\d|\(", head) or (
            m.group("end").startswith(".") and not _DL_HEADLINE_WORD_RE.search(head.upper())
        ):
            out.append(m.span())
    return out


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text == article_text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    furniture: bool = False


def _is_abbreviation(chunk: str) -> bool:
    m = _WORD_BEFORE_REVERSED.match(chunk[::-1])
    if not m:
        return False
    word = m.group()[::-1].lower().rstrip(".")
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "John F. Kennedy"
        return True
    return word in _ABBREVIATIONS


# A "sentence" longer than this (a run-on page, a list glued into one line, text without
# punctuation) is cut into pieces of at most this size at a clause break (";", ",") or a space:
# every later step works per sentence, so this bounds their cost per piece and keeps the whole
# extractor linear in the text length. Real news sentences are far shorter.
MAX_SENTENCE_CHARS = 1200
_CLAUSE_BREAKS = ("; ", ", ", " ")


def _bounded(line: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut ``line[a:b]`` into pieces of at most :data:`MAX_SENTENCE_CHARS` characters."""
    out: list[tuple[int, int]] = []
    while b - a > MAX_SENTENCE_CHARS:
        limit = a + MAX_SENTENCE_CHARS
        cut = -1
        for brk in _CLAUSE_BREAKS:
            i = line.rfind(brk, a + MAX_SENTENCE_CHARS // 2, limit)
            if i >= 0:
                cut = i + len(brk)
                break
        if cut <= a:
            cut = limit
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with exact offsets, paragraph numbers and furniture flags."""
    out: list[Sentence] = []
    pos = 0
    para = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        furniture = bool(_FURNITURE.match(line))
        cut = 0
        pieces: list[tuple[int, int]] = []
        for m in _BOUNDARY.finditer(line):
            end = m.end()
            period_at = m.start()
            # only the word before the period matters: a bounded look-back keeps this linear
            before = line[max(cut, period_at - 64) : period_at]
            if line[period_at] == "." and _is_abbreviation(before):
                continue
            pieces.append((cut, end))
            cut = end
        pieces.append((cut, len(line)))
        if any(b - a > MAX_SENTENCE_CHARS for a, b in pieces):
            pieces = [p for a, b in pieces for p in _bounded(line, a, b)]
        for a, b in pieces:
            seg = line[a:b]
            stripped_left = len(seg) - len(seg.lstrip())
            stripped_right = len(seg) - len(seg.rstrip())
            s = line_start + a + stripped_left
            e = line_start + b - stripped_right
            if e <= s:
                continue
            out.append(Sentence(len(out), s, e, text[s:e], para, furniture))
        para += 1
    return out

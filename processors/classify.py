"""Event triggers and their ACLED sub-event type.

Steps, all driven by the tables of :mod:`processors.lexicon`:

* :func:`find_triggers` scans the whole text once with one alternation of all trigger patterns
  (``lastgroup`` names the rule) and drops figurative uses ("heart attack", "strike a deal").
* :func:`suppressed_spans` finds back-references ("in response to attacks by ...") whose
  triggers and numbers belong to other, earlier events.
* :func:`is_aggregate` recognises statistics over many events ("66 attacks since 17 October").
* :func:`cluster` groups the triggers of one sentence into event mentions, splitting a sentence
  where two different kinds of event are told in different clauses.
* :func:`resolve` decides the sub-event type of a mention from its triggers and context cues,
  following the codebook's distinctions (air-launched vs ground-launched, civilians vs armed
  targets, protests with or without intervention, defused bombs as disrupted weapons use).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from processors import lexicon as lx
from processors.fastre import class_chars as _class_chars
from processors.fastre import first_chars as _first_chars
from processors.fastre import (
    folds_plainly,
    guarded,
    holds_any,
    lowercase_twin,
    may_hold,
)

__all__ = [
    "GENERIC_LABELS",
    "Trigger",
    "cluster",
    "combatants_among_dead",
    "find_triggers",
    "grievance_arrest",
    "irrealis",
    "is_aggregate",
    "local_label",
    "resolve",
    "suppressed_spans",
]

_FLAGS = re.IGNORECASE

_RULES = {f"t{i}": (label, weight) for i, (_p, label, weight) in enumerate(lx.TRIGGERS)}
# Each trigger rule parsed once: the indexes below all read the parse trees (never change them),
# and parsing the long rules again for each was a good part of the import.
_PARSED_TRIGGERS = [_parser.parse(pat, _FLAGS) for pat, _l, _w in lx.TRIGGERS]


def _first_letters() -> set[str]:
    """The characters a trigger rule can start with (lowercase), for the word starts that
    _WORD_START_RE lets through. Only the characters are kept: an alternation per character
    would be compiled at import for nothing."""
    letters: set[str] = set()
    for parsed in _PARSED_TRIGGERS:
        chars, nullable = _first_chars(parsed)
        if chars is not None and not nullable:
            letters |= chars
    return letters


_TRIGGER_FIRST_LETTERS = _first_letters()

# A finer index: the first _PREFIX_LEN characters a rule can start with. "(string, complete)"
# pairs: ``complete`` means the pattern may end right after the string; a string shorter than
# _PREFIX_LEN that is not complete means "anything may follow" (unknown construct). A rule is
# tried at a word only when one of its prefixes is a prefix of the word's first characters.
_PREFIX_LEN = 3
_Prefixes = set[tuple[str, bool]]
_ANYTHING: _Prefixes = {("", False)}


def _seq_prefixes(items: Any, k: int) -> _Prefixes:
    states: _Prefixes = {("", True)}
    for item in items:
        nxt: _Prefixes = set()
        for done, complete in states:
            if not complete or len(done) >= k:
                nxt.add((done, False))
                continue
            for more, c in _item_prefixes(item, k - len(done)):
                nxt.add((done + more, c))
        states = nxt
    return states


def _item_prefixes(item: Any, k: int) -> _Prefixes:
    op, av = item
    if op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
        return {("", True)}  # zero-width
    if op is _c.LITERAL:
        return {(chr(av).lower(), True)}
    if op is _c.IN:
        chars = _class_chars(av)
        return _ANYTHING if chars is None else {(ch, True) for ch in chars}
    if op is _c.SUBPATTERN:
        return _seq_prefixes(av[-1], k)
    if op is _c.BRANCH:
        out: _Prefixes = set()
        for alt in av[1]:
            out |= _seq_prefixes(alt, k)
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        out = set()
        for n in range(lo, min(hi, k) + 1):
            out |= _seq_prefixes(list(sub) * n, k)
        if hi > k:  # more repetitions only lengthen strings already cut at k
            out = {(st, c if len(st) < k else False) for st, c in out}
        return out
    return _ANYTHING


def _rule_prefixes() -> list[tuple[int, tuple[str, ...]]]:
    """Per trigger rule, the strings (at most _PREFIX_LEN long) its matches can start with."""
    out = []
    for i, parsed in enumerate(_PARSED_TRIGGERS):
        prefixes = _seq_prefixes(list(parsed), _PREFIX_LEN)
        out.append((i, tuple(sorted({st for st, _c2 in prefixes}))))
    return out


_RULE_PREFIXES = _rule_prefixes()


def top_alternatives(pattern: str) -> list[str]:
    """``pattern`` cut at its top-level "|" (outside groups and character classes): the
    alternatives, in order; one string when it has none."""
    pieces: list[str] = []
    depth, start, i, n = 0, 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: "]" right after "[" or "[^" is a member, not its end
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            pieces.append(pattern[start:i])
            start = i + 1
        i += 1
    pieces.append(pattern[start:])
    return pieces


def _alternative_prefixes(pattern: str) -> list[tuple[str, tuple[str, ...]]] | None:
    """The top-level alternatives of a rule with the strings (at most _PREFIX_LEN long) each
    can start with; None when the rule has one alternative or its alternatives do not stand
    alone (a piece that fails to compile: the cut would be wrong)."""
    pieces = top_alternatives(pattern)
    if len(pieces) < 2:
        return None
    out = []
    for piece in pieces:
        try:
            parsed = _parser.parse(piece, _FLAGS)
        except re.error:
            return None
        starts = {st for st, _c2 in _seq_prefixes(list(parsed), _PREFIX_LEN)}
        out.append((piece, tuple(sorted(starts))))
    return out


def _rule_source(i: int, head: str, pruned: bool) -> str:
    """Rule ``i``'s pattern as tried at a word starting with ``head``: with ``pruned``, only
    the top-level alternatives that can start so (in their order, so the rule finds the same
    match: an alternative that cannot start there matches nothing there, whatever follows)."""
    pattern = lx.TRIGGERS[i][0]
    alternatives = _ALTERNATIVES[i] if pruned else None
    if alternatives is None:
        return pattern
    kept = [p for p, pres in alternatives if any(head.startswith(x) for x in pres)]
    if not kept or len(kept) == len(alternatives):
        return pattern
    return "|".join(kept)


def _alternations_by_head(pruned: bool = False) -> dict[str, re.Pattern[str] | None]:
    """Per word beginning that some rule's prefix begins with (every prefix of every prefix,
    so the table is closed under taking prefixes), the alternation of the rules that can match
    at a word starting so: rules in table order, so the longest-first rule still holds; one
    compiled pattern per distinct source. ``pruned``: each rule cut to its top-level
    alternatives that can start with the beginning (see _BY_HEAD_PRUNED)."""
    heads = {p[:k] for _i, pres in _RULE_PREFIXES for p in pres for k in range(len(p) + 1)}
    compiled: dict[str, re.Pattern[str]] = {}
    out: dict[str, re.Pattern[str] | None] = {}
    for head in sorted(heads):
        rules = tuple(i for i, pres in _RULE_PREFIXES if any(head.startswith(p) for p in pres))
        if not rules:
            out[head] = None
            continue
        source = "|".join(f"(?P<t{i}>(?:{_rule_source(i, head, pruned)})\\b)" for i in rules)
        if source not in compiled:
            compiled[source] = re.compile(source, _FLAGS)
        out[head] = compiled[source]
    return out


_ALTERNATIVES = [_alternative_prefixes(pat) for pat, _l, _w in lx.TRIGGERS]

# Compiled here, at import, once per process: a long-running worker imports the extractor once,
# and a page then never pays for compiling the rules of a word beginning met for the first time
# (compiling them on first use cost a first page round about 25 ms). No cache grows at run time.
# Each rule is cut to the alternatives that can start with the word's beginning (long rules
# such as the attack verbs are otherwise entered branch by branch at every candidate word).
# Where folds_plainly holds the lowercased beginning is what IGNORECASE compares, so an
# alternative left out cannot match; for other text see cut_serves_odd_folds.
_BY_HEAD_PRUNED = _alternations_by_head(pruned=True)


# Letters IGNORECASE reads as ASCII ones that str.lower() does not lower to them: "ı" and "ſ"
# (matched by "i" and "s" but lowered to themselves) and "İ" (matched by "i", lowered to "i"
# and a combining dot). The Kelvin sign lowers to "k". In text holding them the lowered word
# beginning can leave the table's keys early, at the odd letter, and a shorter key is used.
_ODD_FOLDS = {"i": ("\u0130", "\u0131"), "s": ("\u017f",)}


def cut_serves_odd_folds(
    alternatives: list[list[tuple[str, tuple[str, ...]]] | None],
    rule_prefixes: list[tuple[int, tuple[str, ...]]],
    keys: set[str],
) -> bool:
    """Whether the cut rules find at every word what the whole rules find there, also in text
    with "İ", "ı" or "ſ". A whole rule finds more only through an alternative the cut drops
    at the word's key h though its match starts with one of its prefixes x: then the lowered
    beginning runs off x at some first character j, which only an odd letter does (for x[j]
    "i" or "s"), and h is the longest key beginning x[:j] (x[:j + 1] for "İ", lowered to "i"
    and a dot). So it suffices to try, for every prefix of every alternative, each odd letter
    at each such j: no rule with that key may drop that alternative. False (use the whole
    rules) when some rule's prefixes are not ASCII (other letters fold in other ways)."""
    if not all(p.isascii() for _i, pres in rule_prefixes for p in pres):
        return False
    for i, alts in enumerate(alternatives):
        for _piece, pres in alts or ():
            for x in pres:
                for j, ch in enumerate(x):
                    for odd in _ODD_FOLDS.get(ch, ()):
                        low = (x[:j] + odd).lower()
                        head = next(low[:k] for k in range(len(low), -1, -1) if low[:k] in keys)
                        in_rule = any(head.startswith(p) for p in rule_prefixes[i][1])
                        kept = any(head.startswith(y) for y in pres)
                        if in_rule and not kept:
                            return False
    return True


_CUT_SERVES_ODD_FOLDS = cut_serves_odd_folds(_ALTERNATIVES, _RULE_PREFIXES, set(_BY_HEAD_PRUNED))


@functools.cache
def _whole_rules_by_head() -> dict[str, re.Pattern[str] | None]:
    """The table for text holding "İ", "ı", "ſ" or the Kelvin sign: the cut one when it finds
    the same there (cut_serves_odd_folds, checked at import), else the whole rules per word
    beginning, built the first time such text arrives, then kept."""
    return _BY_HEAD_PRUNED if _CUT_SERVES_ODD_FOLDS else _alternations_by_head()


def _rules_for(
    head: str, by_head: dict[str, re.Pattern[str] | None] | None = None
) -> re.Pattern[str] | None:
    """The alternation of the rules that can match at a word starting with ``head`` (its first
    _PREFIX_LEN characters, lowercased), from ``by_head`` (default: the whole rules). A rule's
    prefix begins ``head`` exactly when it begins the longest beginning of ``head`` in the
    table (the table is closed under prefixes)."""
    table = _whole_rules_by_head() if by_head is None else by_head
    rx = table.get(head, _MISSING)
    while rx is _MISSING:  # ends: "" is in the table
        head = head[:-1]
        rx = table.get(head, _MISSING)
    return rx  # type: ignore[no-any-return]


_MISSING: Any = object()
_WORD_START_RE = re.compile(
    "\\b(?:" + "|".join(re.escape(c) for c in sorted(_TRIGGER_FIRST_LETTERS)) + ")", _FLAGS
)


def _trie_pattern(words: set[str]) -> str:
    """One regex matching any of ``words``, as a trie ("a(?:bc|tt)"): the engine then rejects
    most positions after one character instead of trying every word in turn."""
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if "" in node:
            alts.append("")  # the word ends here: tried after the longer ones
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


def _candidate_re() -> re.Pattern[str] | None:
    """Word starts (in lowercased text) whose first _PREFIX_LEN characters begin some rule; None
    when a rule may start with fewer known characters (then every word start is a candidate)."""
    prefixes = {p for _i, pres in _RULE_PREFIXES for p in pres}
    if not prefixes or any(len(p) != _PREFIX_LEN for p in prefixes):
        return None
    return re.compile("\\b" + _trie_pattern(prefixes))


# Candidate words found by the regex engine over the lowercased text: the Python loop below then
# runs at the few words that can start a trigger (a fifth of all words) instead of at every one.
_CANDIDATE_RE = _candidate_re()

# A finer filter of the same kind: a word start where the first _FINE_LEN characters begin as
# some rule's can (a quarter of _CANDIDATE_RE's words; each costs a Python iteration and a
# failed match). Zero-width (a look-ahead), so that a prefix running into the next word ("set
# f") does not hide that word's own start. Prefixes may be shorter than _FINE_LEN (a rule that
# ends there, or an unknown construct after them): a shorter prefix lets more through, never
# less. Every match of a rule starts with one of its prefixes in the lowercased text unless the
# text holds one of the two letters IGNORECASE also reads as ASCII ones ("ı", "ſ"): find_triggers
# then keeps to _CANDIDATE_RE.
_FINE_LEN = 5


def _fine_candidate_re() -> re.Pattern[str] | None:
    prefixes = {
        st
        for parsed in _PARSED_TRIGGERS
        for st, _complete in _seq_prefixes(list(parsed), _FINE_LEN)
    }
    if not prefixes or "" in prefixes or not all(p.isascii() for p in prefixes):
        return None
    return re.compile("\\b(?=" + _trie_pattern(prefixes) + ")")


_FINE_CANDIDATE_RE = _fine_candidate_re()
# The cue lists below are scanned over whole texts and sentences: guarded() makes most word
# starts fail on one character test (same matches).
_NEGATIVE_RE = guarded(rf"\b(?:{lx.NEGATIVE_CONTEXTS})\b", _FLAGS)
_NEGATIVE_LOW_RE = lowercase_twin(rf"\b(?:{lx.NEGATIVE_CONTEXTS})\b")  # for lowercased text
_EXTRA_NEGATIVE_RE = guarded(rf"\b(?:{lx.EXTRA_NEGATIVE_CONTEXTS})\b", _FLAGS)

_AIR_RE = guarded(rf"\b(?:{lx.AIR_CUES})\b", _FLAGS)
_GROUND_RE = guarded(rf"\b(?:{lx.GROUND_LAUNCH_CUES})\b", _FLAGS)


def _civilian_re() -> re.Pattern[str]:
    """The civilian cues with the look-ahead of guarded(), which reads no start characters
    from the cues' one "\\d+" branch: the cues without it give them, and \\d is added (the
    same matches; most word starts fail on one test)."""
    digitless = lx.CIVILIAN_CUES.replace(r"|\d+)", ")")
    first, nullable = _first_chars(_parser.parse(rf"\b(?:{digitless})\b", _FLAGS))
    if (
        digitless == lx.CIVILIAN_CUES
        or first is None
        or nullable
        or any(len(c) != 1 for c in first)
    ):
        return guarded(rf"\b(?:{lx.CIVILIAN_CUES})\b", _FLAGS)
    chars = "".join(re.escape(ch) for ch in sorted(first))
    return re.compile(rf"\b(?=(?i:[{chars}])|\d)(?:{lx.CIVILIAN_CUES})\b", _FLAGS)


_CIVILIAN_RE = _civilian_re()
_ARMED_RE = guarded(rf"\b(?:{lx.ARMED_CUES})\b", _FLAGS)
_PERPETRATOR_RE = guarded(
    r"\b(?:gunmen|armed men|assailants|attackers|bandits|terrorists|unknown|unidentified|"
    r"suspected|militants? (?:attacked|killed|stormed|raided|abducted|opened)|jihadists "
    r"(?:attacked|killed))\b",
    _FLAGS,
)
_INTERVENTION_RE = guarded(rf"\b(?:{lx.PROTEST_INTERVENTION_CUES})\b", _FLAGS)
_EXCESSIVE_RE = guarded(rf"\b(?:{lx.PROTEST_EXCESSIVE_CUES})\b", _FLAGS)
_VIOLENT_DEMO_RE = guarded(rf"\b(?:{lx.PROTEST_VIOLENT_CUES})\b", _FLAGS)
_ARSON_RE = guarded(rf"\b(?:{lx.ARSON_CUES})\b", _FLAGS)
_SUICIDE_RE = re.compile(rf"\b(?:{lx.SUICIDE_CUES})\b", _FLAGS)
_DEFUSED_RE = guarded(rf"\b(?:{lx.DEFUSED_CUES})\b", _FLAGS)
_GRENADE_RE = re.compile(r"\bgrenades?\b", _FLAGS)
_STATE_RE = guarded(
    r"\b(?:army|military|troops|soldiers|government forces|security forces|armed forces|"
    r"forces loyal|national guard|police|gendarmerie|junta|regime|IDF|FARDC|SAF)\b",
    _FLAGS,
)
_NONSTATE_RE = guarded(
    r"\b(?:militants?|rebels?|insurgents?|jihadists?|fighters|militi(?:a|as)|gunmen|"
    r"armed groups?|resistance|"
    r"Islamic State|ISIS|ISIL|al-Shabaab|Shabaab|Boko Haram|ISWAP|JNIM|Taliban|M23|RSF|"
    r"Rapid Support Forces|Houthis?|Hamas|Hezbollah|Wagner|PKK|ELN|FARC|cartel|gang|"
    r"(?-i:[A-Z][\w'-]+) (?:Liberation|Independence|Salvation|Resistance|Revolutionary|"
    r"Republican|Defen[cs]e) Army|"
    r"(?-i:Arakan|Kachin|Karen|Ta'ang|Free Syrian|Syrian National) Army)\b",
    _FLAGS,
)
_CLAUSE_PUNCT = re.compile(r"[,;:()\[\]]|\s[–—-]\s")

# Labels that carry no kind of their own and join whatever event they sit next to.
GENERIC_LABELS = frozenset({lx.VIOLENCE, lx.EXPLOSION, lx.FIRE})

_PROTEST_FAMILY = frozenset(
    {lx.PROTEST, lx.VIOLENT_DEMO, lx.MOB, lx.ARRESTS, lx.CLASH, lx.LOOTING, lx.FIRE}
)
_COMPATIBLE = {
    frozenset(p)
    for p in (
        (lx.VIOLENT_DEMO, lx.MOB),
        (lx.VIOLENT_DEMO, lx.LOOTING),
        (lx.MOB, lx.LOOTING),
        (lx.CLASH, lx.GOV_REGAINS),
        (lx.CLASH, lx.NSA_OVERTAKES),
        (lx.SUICIDE, lx.IED),
        (lx.ARRESTS, lx.DISRUPTED),
        (lx.NATURAL, lx.MANMADE),
        (lx.AIR, lx.MISSILE),
        (lx.ABDUCTION, lx.LOOTING),
        (lx.ATTACK, lx.LOOTING),
    )
}


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    label: str
    weight: float
    text: str


def find_triggers(text: str) -> list[Trigger]:
    """All trigger matches of ``text`` in order, figurative uses removed."""
    low = text.lower()
    plain = folds_plainly(text)  # then the lowercase twin finds the same spans in ``low``
    negatives = [
        m.span() for m in (_NEGATIVE_LOW_RE.finditer(low) if plain else _NEGATIVE_RE.finditer(text))
    ]
    if holds_any(low, lx.EXTRA_NEGATIVE_KEYS):
        negatives += [(m.start(), m.end()) for m in _EXTRA_NEGATIVE_RE.finditer(text)]
    out: list[Trigger] = []
    last = 0
    if _CANDIDATE_RE is not None and len(low) == len(text):  # offsets of both agree
        fine = _FINE_CANDIDATE_RE if "ı" not in low and "ſ" not in low else None
        words = (fine or _CANDIDATE_RE).finditer(low)
    else:
        words = _WORD_START_RE.finditer(text)
    by_head = _BY_HEAD_PRUNED if plain else _whole_rules_by_head()
    for w in words:
        pos = w.start()
        if pos < last:
            continue
        head = text[pos : pos + _PREFIX_LEN].lower()
        # most heads are in the table: its lookup inline, _rules_for (a call) for the rest
        rx = by_head.get(head, _MISSING)
        if rx is _MISSING:
            rx = _rules_for(head, by_head)
        m = rx.match(text, pos) if rx is not None else None
        if m is None:
            continue
        s, e = m.span()
        last = e
        if negatives and any(a <= s < b or a < e <= b for a, b in negatives):
            continue
        label, weight = _RULES[m.lastgroup or ""]
        out.append(Trigger(s, e, label, weight, m.group()))
    return out


# ----------------------------------------------------------------------------- back-references

_BACKREF = (
    r"\b(?:in (?:direct |apparent )?(?:response|retaliation|reprisal|revenge) (?:to|for)|"
    r"retaliat(?:ion|ing) (?:for|against)|to avenge|in the wake of|years? after|months? after|"
    r"weeks? after|who (?:had )?(?:took|taken) part in|accountability for|justice for|"
    r"in memory of|to (?:commemorate|mourn)|"
    # an earlier event named as background: "following the clash between X and Y, ..."
    r"(?:following|after) (?:the|a|an|earlier|heavy) (?:\w+ )?(?:clash(?:es)?|fighting|battles?|"
    r"skirmish(?:es)?)(?= (?:between|with|in|on|earlier)\b|,)|"
    r"(?:over|against) the (?:killings?|deaths?) of|"
    r"anniversary of|similar to|reminiscent of|the latest in a series of|despite|"
    r"after (?:\w+ ){0,3}(?:hours|days|weeks|months|years) of|"
    r"for (?:their|his|her|its) (?:role|part|involvement) in|(?:a|an|the) (?:19|20)\d\d(?= \w))\b"
)
_BACKREF_RE = guarded(_BACKREF, _FLAGS)
_BACKREF_LOW_RE = lowercase_twin(_BACKREF)  # for lowercased text (see lowercase_twin)
_CONTINUATION_RE = re.compile(
    r"\s*(?:including|which|that|who|where|when|such as|especially|notably|the one|one of)\b",
    _FLAGS,
)
_CLAUSE_END_RE = re.compile(r"[,;:.!?]")


def suppressed_spans(
    text: str, start: int, end: int, low: str | None = None
) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` that refer back to other events ("in response to ...").

    A span runs from the cue to the end of its clause, and on through following clauses that
    continue it ("..., including the one on November 21, which involved ...").

    ``low``: ``fastre.lowered_document(text)``, lowered once by the caller for the whole
    document (its sentences are read one after another); the cues are then found by their
    lowercase twin. None: the case-insensitive scan of ``text`` (same spans).
    """
    spans: list[tuple[int, int]] = []
    if low is not None:
        cues = _BACKREF_LOW_RE.finditer(low, start, end)
    else:
        cues = _BACKREF_RE.finditer(text, start, end)
    for m in cues:
        pos = m.end()
        while True:
            c = _CLAUSE_END_RE.search(text, pos, end)
            if c is None:
                pos = end
                break
            pos = c.end()
            if text[c.start()] in ".!?" or not _CONTINUATION_RE.match(text, pos, end):
                break
        spans.append((m.start(), pos))
    return spans


# ----------------------------------------------------------------------------- irrealis

# Words before a trigger (in its clause) that say the event did not happen, or not yet: "there
# was no fighting", "denied using chemical weapons", "talks on a possible ceasefire", "demanding
# a ceasefire deal", "aimed at ending fighting", "expected to rule on her detention".
_IRREALIS_RE = guarded(
    r"\b(?:no|not|never|nor|denied|denies|deny|denying|possible|potential|proposed|planned|"
    r"future|next|would|could|might|should|demand(?:s|ed|ing)?|call(?:s|ed|ing)? for|"
    r"urg(?:e|es|ed|ing)|aim(?:s|ed)? at|"
    r"to (?:end|stop|halt|prevent|avoid|discuss|negotiate|contain|quell|curb|suppress)|"
    r"ending|end to|talks (?:on|over|about)|negotiations (?:on|over|for)|(?:threat|risk|fear)s? "
    r"of|threatened to|plans? to|expected to|intends? to|vow(?:s|ed)? to|pledged to|"
    r"promised to|violat(?:e|es|ed|ing)|record of|"
    r"without|ban on|banned)\s+(?:[\w'’-]+\s+){0,3}$|"
    # "tried to overrun the base": the attempted act itself, not what follows it
    r"\b(?:tried|trying|attempt(?:ed|ing|s)?|sought|failed) to\s+$",
    _FLAGS,
)
_IRREALIS_LOW_RE = lowercase_twin(_IRREALIS_RE.pattern)  # see fastre.lowercase_twin
_CLAUSE_START_RE = re.compile(r"[,;:.!?()\n]|\s[–—-]\s|\b(?:and|but|while|after|as)\s")


def irrealis(text: str, trigger: Trigger, lo: int) -> bool:
    """True when the clause before ``trigger`` (from ``lo`` on) says the event is negated,
    denied, demanded or only planned."""
    a = max(lo, trigger.start - 45)
    window = text[a : trigger.start]
    cut = 0
    for m in _CLAUSE_START_RE.finditer(window):
        cut = m.end()
    clause = window[cut:]
    if folds_plainly(clause):
        return _IRREALIS_LOW_RE.search(clause.lower()) is not None
    return _IRREALIS_RE.search(clause) is not None


# ----------------------------------------------------------------------------- aggregates

_AGG_RANGE_RE = guarded(
    r"\b(?:since (?:the (?:start|beginning|outbreak)|"
    r"the (?:war|conflict|fighting|insurgency|crisis|uprising|offensive|invasion|siege|coup|"
    r"revolution|rebellion) (?:began|started|broke out|erupted|escalated)|"
    r"(?:19|20)\d\d|\d{1,2} \w+|\w+ \d{1,2}|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    # (not "since last night", "since early morning": one event told as it goes on)
    r"then|last(?! night| evening)|early(?! (?:morning|hours))|mid|late)|so far (?:this|in)|"
    r"this year(?!['’]s)|last year(?!['’]s)|"
    r"in the (?:past|last) "
    r"(?:\w+ )?(?:days|weeks|months|years|decade)|over the (?:past|last) (?:\w+ )?(?:days|weeks|"
    r"months|years|decade)|a total of|in total|in all\b|cumulative|tally|tallies|per cent|"
    r"percent|on average|every (?:day|week|month|year)|each (?:day|week|month|year)|"
    # a war-wide toll, its aside between commas included ("The conflict, which has raged since
    # 2011, has killed over 300,000 people")
    r"the (?:(?:civil )?war|conflict|fighting|offensive|insurgency|violence)"
    r"(?:,[^,.;]{1,80},)? (?:has|have) (?:killed|left|claimed)|"
    r"the (?:increase|rise|surge|escalation) in|frequency of|statistics|figures show|"
    r"death toll (?:in|of) the (?:war|conflict)|"
    r"(?:in|during|over) the first (?:half|quarter|(?:\w+ )?(?:months|weeks)) of|"
    # a share of a count over time: "homicides fell by a fifth", "murders halved" (a toll that
    # rises "by three" is an event's, so only fractions)
    r"(?:fell|rose|dropped|declined|decreased|increased|grew|jumped|climbed) by (?:a|one|two) "
    r"(?:fifth|third|quarter|half|tenth)s?|(?:halved|doubled|tripled))",
    _FLAGS,
)
_AGG_SUBJECT_RE = guarded(
    r"\b(?:attacks|strikes|airstrikes|incidents|operations|raids|explosions|bombings|protests|"
    r"clashes|killings|deaths|casualties|fatalities|killed|wounded|injured|dead|abductions|"
    rf"kidnappings|arrests|assaults|{'|'.join(lx.KILLING_TALLY_NOUNS)})\b",
    _FLAGS,
)
_AGG_ANAPHOR_RE = guarded(
    r"\b(?:these|those|such|the|most of the|many of the|all the) (?:attacks|strikes|"
    r"incidents|operations|raids|bombings|protests|clashes|killings|abductions)\b",
    _FLAGS,
)


# Lower-case substrings one of which every match of _AGG_RANGE_RE contains (a cheap pre-check:
# most sentences hold none of them).
_AGG_RANGE_KEYS = (
    "since",
    "so far",
    "this year",
    "last year",
    "in the past",
    "in the last",
    "over the past",
    "over the last",
    "a total of",
    "in total",
    "in all",
    "cumulative",
    "tall",
    "per cent",
    "percent",
    "on average",
    "every ",
    "each ",
    " has killed",
    " have killed",
    " has left",
    " have left",
    "increase in",
    "rise in",
    "surge in",
    "escalation in",
    "frequency of",
    "statistics",
    "figures show",
    "death toll",
    "the first ",
    "by a fifth",
    "by a third",
    "by a quarter",
    "by a half",
    "by a tenth",
    "by one ",
    "by two ",
    "halved",
    "doubled",
    "tripled",
)
# All keys in one regex, as a trie over the lowercased sentence: one scan by the regex engine
# instead of one substring scan per key in a Python generator (is_aggregate runs on every sentence).
_AGG_RANGE_KEYS_RE = re.compile(_trie_pattern(set(_AGG_RANGE_KEYS)))


# "the deadliest day ... since the 1975-1990 civil war": a comparison, not a count over time
_SUPERLATIVE_RE = guarded(
    r"\b(?:deadliest|worst|largest|biggest|heaviest|bloodiest|highest|most \w+|first)\b"
    r"[^.;]{0,60}$",
    _FLAGS,
)


# Where a clause ends inside a sentence: punctuation (not before a phrase that carries the
# clause's own toll on: ", killing 40", ", with 300 dead") and the words that open a subordinate
# or relative clause ("collapsed when gunmen killed ...", "the war that began ...").
_AGG_CLAUSE_END_RE = re.compile(
    r"\s*(?:[;:()\u2013\u2014]|,(?!\s+(?:with|including|bringing|taking|leaving|killing|"
    r"wounding|injuring|most|many|mostly|among)\b))\s*|"
    r"\s+(?=(?:when|after|before|while|because|until|who|which|that|where|whereas|but|"
    r"although|though)\b)",
    _FLAGS,
)
# A finite verb or participle of the clause ("signed", "began", "has"): a clause with one of its
# own and no subject word or number is what its range word qualifies
_AGG_CLAUSE_VERB_RE = re.compile(
    # (an "-ed" word after an article, a possessive or "and" is an adjective: "hired gunmen")
    r"\b(?:(?<!\bthe )(?<!\ba )(?<!\ban )(?<!\bits )(?<!\btheir )(?<!\bhis )(?<!\bher )"
    r"(?<!\band )(?<!\bor )(?<!\bof )(?<!\bby )(?!hundred\b)\w{2,}ed|"
    r"has|have|had|was|were|is|are|began|begun|broke|came|took|became|made|held|fell|rose|went|won|led|ran|struck|fled|grew|sought|brought|fought|told|said|"
    r"wrote|spent|kept|built|chose|drew|froze|gave|sat|stood|lost|met|paid|sent|sold|swore)\b",
    _FLAGS,
)
_AGG_NUMBER_RE = re.compile(r"\d|\b(?:dozens|hundreds|thousands|millions)\b", _FLAGS)


def _clause_around(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the clause of ``sentence`` that holds the span ``start``-``end``."""
    lo, hi = 0, len(sentence)
    for b in _AGG_CLAUSE_END_RE.finditer(sentence):
        if b.end() <= start:
            lo = b.end()
        elif b.start() >= end:
            hi = b.start()
            break
    return lo, hi


def _counts_in(sentence: str, lo: int, hi: int, cue: re.Match[str]) -> bool:
    """Whether the clause ``lo``-``hi`` names what a statistic counts (a subject word or a
    number outside the range words themselves)."""
    rest = sentence[lo : cue.start()] + " " + sentence[cue.end() : hi]
    return bool(_AGG_SUBJECT_RE.search(rest) or _AGG_NUMBER_RE.search(rest))


def _qualifies_count(sentence: str, cue: re.Match[str]) -> bool:
    """Whether the range words ``cue`` qualify a count or its events ("47 people have been
    killed this year", "attacks since January", "Since January, 200 people ...") rather than
    another clause's verb ("the ceasefire signed last year collapsed when gunmen killed ...")."""
    lo, hi = _clause_around(sentence, cue.start(), cue.end())
    if _counts_in(sentence, lo, hi, cue):
        return True
    own = sentence[lo : cue.start()] + " " + sentence[cue.end() : hi]
    if _AGG_CLAUSE_VERB_RE.search(own):
        return False  # the range is the time of this clause's own verb, which counts nothing
    # a range phrase with no verb of its own qualifies the clause after it when it opens the
    # sentence ("So far this year, ..."), else what comes before it back to the nearest verb
    # ("the governor, in office since 2019, ..." counts nothing; "raise to 475, the number of
    # casualties of the regime, its allies and the group since July" does)
    if lo == 0:
        if hi >= len(sentence):
            return True
        nlo, nhi = _clause_around(sentence, hi + 1, hi + 1)
        near = sentence[nlo:nhi]
        return bool(_AGG_SUBJECT_RE.search(near) or _AGG_NUMBER_RE.search(near))
    while lo > 0:
        plo, phi = _clause_around(sentence, max(0, lo - 2), max(0, lo - 2))
        near = sentence[plo:phi]
        if _AGG_SUBJECT_RE.search(near) or _AGG_NUMBER_RE.search(near):
            return True
        if _AGG_CLAUSE_VERB_RE.search(near) or plo >= lo:
            return False
        lo = plo
    return False


def _range_cue(sentence: str) -> bool:
    for m in _AGG_RANGE_RE.finditer(sentence):
        if m.group().lower().startswith("since") and _SUPERLATIVE_RE.search(
            sentence, max(0, m.start() - 70), m.start()
        ):
            continue
        if not _qualifies_count(sentence, m):
            continue
        return True
    return False


def is_aggregate(sentence: str, previous_was_aggregate: bool) -> bool:
    """True for statistics over many events and their follow-up sentences."""
    if (
        _AGG_RANGE_KEYS_RE.search(sentence.lower())
        and _AGG_SUBJECT_RE.search(sentence)
        and _range_cue(sentence)
    ):
        return True
    return previous_was_aggregate and bool(_AGG_ANAPHOR_RE.search(sentence))


# ----------------------------------------------------------------------------- clustering


def _clause_bounds(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    a = lo
    for m in _CLAUSE_PUNCT.finditer(text, lo, pos):
        a = m.end()
    m2 = _CLAUSE_PUNCT.search(text, pos, hi)
    return a, (m2.start() if m2 else hi)


def local_label(trigger: Trigger, text: str, lo: int, hi: int) -> str:
    """Label of a trigger decided from its own clause (for splitting sentences only)."""
    if trigger.label not in (lx.STRIKE, lx.MISSILE):
        return trigger.label
    a, b = _clause_bounds(text, trigger.start, lo, hi)
    clause = text[a:b]
    if trigger.label == lx.MISSILE:
        return lx.AIR if _AIR_RE.search(clause) else lx.SHELL
    if _GROUND_RE.search(clause) and not _AIR_RE.search(clause):
        return lx.SHELL
    return lx.AIR


def _compatible(a: str, b: str) -> bool:
    if a == b or a in GENERIC_LABELS or b in GENERIC_LABELS:
        return True
    if lx.PROTEST in (a, b) and (a in _PROTEST_FAMILY and b in _PROTEST_FAMILY):
        return True
    return frozenset((a, b)) in _COMPATIBLE


# "..., while a separate march in Lagos went ahead": another event of the same kind
_NEW_SAME_KIND_RE = re.compile(
    r"\b(?:a separate|another|a second|a similar|a smaller|a rival|a counter)\s+(?:[\w-]+\s+)?$",
    _FLAGS,
)


def cluster(
    triggers: list[Trigger], text: str, lo: int, hi: int
) -> list[tuple[int, int, list[Trigger]]]:
    """Group one sentence's triggers into mentions: ``(segment_start, segment_end, triggers)``.

    A new mention starts where a trigger of another kind of event follows after a clause
    boundary (comma, semicolon, colon, dash); the cut is made at the last such boundary.
    """
    groups: list[tuple[int, list[Trigger], str | None]] = []  # (seg_start, triggers, main)
    for t in triggers:
        lab = local_label(t, text, lo, hi)
        if not groups:
            groups.append((lo, [t], None if lab in GENERIC_LABELS else lab))
            continue
        seg_start, members, main = groups[-1]
        fresh = _NEW_SAME_KIND_RE.search(text, max(lo, t.start - 30), t.start) is not None
        if not fresh and (lab in GENERIC_LABELS or main is None or _compatible(main, lab)):
            members.append(t)
            if main is None and lab not in GENERIC_LABELS:
                groups[-1] = (seg_start, members, lab)
            continue
        last_end = members[-1].end
        cut = None
        for m in _CLAUSE_PUNCT.finditer(text, last_end, t.start):
            cut = m.end()
        if cut is None:
            members.append(t)
            continue
        groups.append((cut, [t], lab))
    out: list[tuple[int, int, list[Trigger]]] = []
    for i, (seg_start, members, _main) in enumerate(groups):
        seg_end = groups[i + 1][0] if i + 1 < len(groups) else hi
        out.append((seg_start, seg_end, members))
    return out


# ----------------------------------------------------------------------------- resolution

_PRIORITY = (
    lx.NATURAL,
    lx.SUICIDE,
    lx.CHEMICAL,
    lx.DISRUPTED,
    lx.AIR,
    lx.GRENADE,
    lx.IED,
    lx.SHELL,
    lx.MISSILE,
    lx.STRIKE,
    lx.PROTEST,
    lx.MOB,
    lx.VIOLENT_DEMO,
    lx.MANMADE,
    lx.TRANSFER,
    lx.GOV_REGAINS,
    lx.NSA_OVERTAKES,
    lx.SEXUAL,
    lx.ABDUCTION,
    lx.OTHER,
    lx.CHANGE_GROUP,
    lx.CLASH,
    lx.HQ,
    lx.LOOTING,
    lx.ARRESTS,
    lx.EXPLOSION,
    lx.AGREEMENT,
    lx.FIRE,
    lx.VIOLENCE,
)
_RANK = {label: i for i, label in enumerate(_PRIORITY)}


@dataclass(frozen=True, slots=True)
class Resolution:
    sub_event_type: str
    event_type: str
    score: float  # evidence strength, roughly 0..5
    explicit_cue: bool  # decided by an explicit cue (aircraft named, tear gas, ...)


_VICTIM_LEAD_RE = re.compile(r"\s*(?:(?:on|against|at|upon)\s+)?", _FLAGS)
_NP_STOP_RE = re.compile(
    r"[,;:.!?()]|\s[–—-]\s|\b(?:in|near|at|on|after|before|when|while|during|as|outside|"
    r"inside|killing|wounding|injuring|leaving|and (?:killed|wounded|injured|fled)|who|which|"
    r"that|with|from|along|late|early|overnight|last|this|yesterday|today|on)\b",
    _FLAGS,
)


_ARMED_THING_RE = re.compile(
    r"checkpoints?|bases?|outposts?|barracks|convoys?|patrols?|positions?|forces", _FLAGS
)
_ARMED_PERSON_RE = guarded(
    r"\b(?:soldiers?|troops?|servicem[ae]n|officers?|police(?:men|man)?|gendarmes?|militants?|"
    r"fighters?|insurgents?|rebels?|jihadists?|militi(?:a|as|amen)|guards?|combatants|"
    r"terrorists?|bandits|gunmen|personnel)\b",
    _FLAGS,
)


# Members of an armed side named by its group ("three SDF members", "members of the regime
# forces", "a commander of the Islamic State"): combatants, whoever killed them. Cartels and
# gangs are left out: ACLED codes Mexico's cartel killings of people as an Attack.
_ARMED_SIDE = (
    r"(?:forces|army|regime|organi[sz]ation|Islamic State|(?-i:IS|ISIS|ISIL|SDF|YPG|NDF|PDFs?|"
    r"KIA|KNLA|TNLA|AA|MNDAA)|Daesh|militias?|factions?|brigades?|battalions?|guerrillas?|"
    r"resistance|defen[cs]e (?:forces?|teams?)|Pyu Saw Htee|Tahrir al-Sham|Nusra|Shabaab|Taliban|"
    r"rebels?|insurgents?|armed groups?|Hezbollah|Boko Haram)"
)
_ARMED_MEMBER_RE = re.compile(
    rf"\b(?:members?|commanders?|cadres?|elements|leaders?) (?:of|from|in) (?:the )?"
    rf"(?:[\w“”\"'’-]+ ){{0,3}}?{_ARMED_SIDE}\b|"
    rf"\b{_ARMED_SIDE}[“”\"'’]?s? (?:[\w-]+ )?(?:members?|commanders?|cadres?|elements|leaders?)\b",
    _FLAGS,
)
# every match names one of these (lowercase): the pre-check of may_hold()
_ARMED_MEMBER_KEYS = ("member", "commander", "cadre", "element", "leader")


# People the lexicon's civilian cues do not name, seen as victims of killings by armed men
# ("a motorbike rider", "four teens", "two herdsmen"): unarmed, so an Attack (kept here, not in
# the cues, which also decide protests and crowds)
_UNARMED_VICTIM_RE = guarded(
    r"\b(?:man|teens?|teenagers?|youths?|riders?|workers?|herds(?:men|man)|engineers?|"
    r"vendors?|monks?|nuns?|informers?|activists?|hostages?|detainees?|prisoners?|"
    r"relatives|elderly)\b",
    _FLAGS,
)


def _civilian(np: str) -> re.Match[str] | None:
    return _CIVILIAN_RE.search(np) or _UNARMED_VICTIM_RE.search(np)


def _victim_kind(seg: str, pos: int) -> str | None:
    """Who the violence at ``seg[pos:]`` (the trigger's end) hit: the noun phrase after the verb
    ("shot dead a village council member"), else the subject of a passive ("five soldiers were
    killed"). ``ATTACK`` for civilians, ``CLASH`` for armed opponents, None when unknown."""
    lead = _VICTIM_LEAD_RE.match(seg, pos)
    start = lead.end() if lead else pos
    stop = _NP_STOP_RE.search(seg, start, start + 90)
    np = seg[start : stop.start() if stop else min(len(seg), start + 90)]
    if re.match(r"\s*by\b", np, _FLAGS):
        return None  # "shot dead by junta troops": the agent; the victims are named before
    if np.strip():
        civ, arm = _civilian(np), _ARMED_RE.search(np)
        if civ and arm and _ARMED_THING_RE.fullmatch(arm.group()):
            arm = _ARMED_PERSON_RE.search(np)  # "a convoy ... carrying passengers": who is in it
        if civ and (not arm or civ.start() <= arm.start()):
            return lx.ATTACK
        if arm or (may_hold(np, _ARMED_MEMBER_KEYS) and _ARMED_MEMBER_RE.search(np)):
            return lx.CLASH
        if re.match(
            r"\s*(?:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|\d+|"
            r"several|dozens|many)\b",
            np,
            _FLAGS,
        ):
            return lx.ATTACK  # a person or thing not armed: "shot dead a motorcyclist"
    return None


_ATTRIBUTION_RE = guarded(
    r"\b(?:(?:the )?(?:police|army|military|security (?:forces|officials|sources)|officials?|"
    r"spokes(?:man|woman|person)|troops|soldiers)\s+(?:said|say|says|told|reported|confirmed|"
    r"added|stated)|(?:said|told|according to)\s+(?:the\s+)?(?:\w+\s+)?(?:police|army|military|"
    r"security (?:forces|officials|sources)|officials?))\b",
    _FLAGS,
)


_DIED_RE = guarded(r"(?:killed|shot dead|slain|gunned down|died)\b", _FLAGS)
_SUBJECT_END_RE = re.compile(
    r"\s*(?:(?:were|was|have been|had been|are|is|reportedly|reported|allegedly|all)\s+)*$",
    _FLAGS,
)
_SUBJECT_START_RE = re.compile(r".*(?:[,;:.!?()|\n]|\s[–—-]\s|\b(?:after|as|while|when)\s)", _FLAGS)


# The breakdown of a passive toll ("N were killed yesterday, including M soldiers and K other
# people", "... died, among them ..."): the group it names first says who the dead were
_BREAKDOWN_RE = re.compile(
    r"[^.;:()]{0,40}?\b(?:including|among them|among whom|among the dead|of whom)\s+", _FLAGS
)


# A death of a cause other than fighting ("died of COVID-19", "died from an illness"; not "died of
# their wounds"), told right after the outcome word: its breakdown says nothing of fighting
_NOT_WAR_CAUSE_RE = re.compile(
    r"\s+(?:of|from)\s+(?!(?:(?:their|his|her|the)\s+)?(?:[\w-]+\s+)?(?:wounds|injuries|"
    r"gunshot|bullet|shrapnel)\b)",
    _FLAGS,
)
# Before the armed noun of a breakdown: a civilian it belonged to ("the wife of a soldier") or
# a service that is over ("a former soldier", "a retired police officer")
_NOT_SERVING_RE = re.compile(
    r"\b(?:former|retired|ex|(?:wi(?:fe|ves)|husbands?|sons?|daughters?|child(?:ren)?|"
    r"mothers?|fathers?|brothers?|sisters?|famil(?:y|ies)|relatives?|widows?)\s+of)\b",
    _FLAGS,
)
_OWNER_AFTER_ARMED_RE = re.compile(r"['’]s?\s", _FLAGS)


def _breakdown_kind(seg: str, end: int) -> str | None:
    """``CLASH`` when the breakdown after a passive killing at ``seg[:end]`` names combatants
    before any civilians: dead on an armed side make the killing fighting, whoever else died."""
    m = _BREAKDOWN_RE.match(seg, end)
    if m is None or _NOT_WAR_CAUSE_RE.match(seg, end):
        return None
    group = seg[m.end() : m.end() + 90]
    arm = _ARMED_PERSON_RE.search(group)
    if may_hold(group, _ARMED_MEMBER_KEYS):
        member = _ARMED_MEMBER_RE.search(group)
        if member and (arm is None or member.start() < arm.start()):
            arm = member
    if arm is None or _NOT_SERVING_RE.search(group, 0, arm.start()):
        return None
    if _OWNER_AFTER_ARMED_RE.match(group, arm.end()):
        return None  # "two soldiers' children": whose the dead were, not who
    civ = _civilian(group)
    return lx.CLASH if civ is None or arm.start() < civ.start() else None


def combatants_among_dead(seg: str, end: int) -> bool:
    """Whether the breakdown after an outcome word ending at ``seg[:end]`` names combatants
    first ("N died yesterday, including M members of the regime forces ..."): a toll of
    fighting, an event even when told with a bare "died"."""
    return _breakdown_kind(seg, end) == lx.CLASH


def _subject_kind(triggers: list[Trigger], seg: str, seg_start: int | None) -> str | None:
    """Who died when the first killing is told in the passive with its victims before it ("ten
    fighters of the group were killed", "two soldiers killed in the north"): ``CLASH`` for an
    armed side, ``ATTACK`` for civilians, None when the subject names neither or both."""
    if seg_start is None:
        return None
    t = next((t for t in triggers if t.label == lx.VIOLENCE), None)
    if t is None or not _DIED_RE.match(t.text):
        return None
    pos, end = t.start - seg_start, t.end - seg_start
    if _breakdown_kind(seg, end) == lx.CLASH:
        return lx.CLASH
    after = seg[end : end + 40].lstrip()
    if after and not _NP_STOP_RE.match(after) and not after.startswith("by"):
        return None  # an object follows: "troops killed two" is active, its victims come after
    head = seg[max(0, pos - 90) : pos]
    head = head[: _SUBJECT_END_RE.search(head).start()]  # type: ignore[union-attr]
    cut = _SUBJECT_START_RE.match(head)
    subject = head[cut.end() :] if cut else head
    if not re.search(r"\w", subject):
        return None
    civ = bool(_civilian(subject))
    arm = bool(
        _ARMED_RE.search(subject)
        or (may_hold(subject, _ARMED_MEMBER_KEYS) and _ARMED_MEMBER_RE.search(subject))
    )
    if arm and not civ:
        return lx.CLASH
    if civ and not arm:
        return lx.ATTACK
    return None


def _violence_kind(
    seg: str, pos: int | None = None, subject: str | None = None
) -> tuple[str, bool]:
    """Generic violence: Attack when the victims are civilians, Armed clash when both sides are
    armed (the codebook: an Armed clash needs two organised armed sides). ``subject``: the kind
    of the victims named before a passive killing (:func:`_subject_kind`), read after the ones
    named after the verb."""
    if pos is not None:
        victim = _victim_kind(seg, pos)
        if victim is not None:
            return victim, True
    if subject is not None:
        return subject, True
    if _CIVILIAN_RE.search(seg):
        return lx.ATTACK, True
    seg = _ATTRIBUTION_RE.sub(" ", seg)  # "police said": the source, not a side of the fight
    perp = len(_PERPETRATOR_RE.findall(seg))
    members = _ARMED_MEMBER_RE.findall(seg) if may_hold(seg, _ARMED_MEMBER_KEYS) else ()
    if len(_ARMED_RE.findall(seg)) + len(members) > perp:
        return lx.CLASH, True
    return lx.ATTACK, False


# Aircraft or drones as the agent or instrument of an attack told with a generic verb.
_AIR_AGENT_RE = re.compile(
    r"\b(?:drones?|warplanes?|war planes|fighter jets?|military aircraft|helicopter gunships?|"
    r"UAVs?)\b(?: [\w'’-]+){0,8}? (?:struck|hit|attacked|bombed|targeted|dropped|"
    r"carr(?:y|ies|ied) out|commit(?:s|ted)?|kill(?:s|ed)?)\b|"
    # "jets kill a man", "helicopters commit a massacre": these words alone may be civilian
    r"\b(?:jets|helicopters|aircraft|planes)\b(?: [\w'’-]+){0,3}? (?:(?:carr(?:y|ies|ied) out|"
    r"commit(?:s|ted)?) (?:an? )?(?:\w+ )?(?:massacres?|raids?|strikes?)|kill(?:s|ed)?)\b|"
    # "helicopters opened fire on villages": gunfire from the air is an air strike in ACLED
    r"\b(?:drones?|warplanes?|war planes|fighter jets?|jets|(?:military )?helicopters?|"
    r"helicopter gunships?|gunships?|aircraft)\b(?: [\w'’-]+){0,3}? (?:opened|open|opening) "
    r"(?:\w+ )?fire\b|"
    # "warplanes' raids on the town": the raid's own aircraft
    r"\b(?:warplanes|war planes|drones|jets|helicopters)['’] (?:\w+ )?(?:raids?|strikes?|"
    r"bombing|bombardment|attacks?|massacres?|shelling)\b|"
    r"\b(?:attacked|struck|hit|targeted|fired (?:at|on|upon|into|towards?)|fired)\b[^.;]{0,80}? "
    r"with (?:[\w-]+ ){0,3}?(?:drones?|UAVs?|(?:fighter )?jets?|warplanes?|war planes|aircraft|"
    r"helicopters?|gunships?)\b|"
    r"\bused (?:[\w-]+ )?drones? to\b|"
    # the passive: "civilians killed by warplanes", "a massacre carried out by drones"
    r"\b(?:killed|killing|wounded|injured|massacred?|carried out|committed|struck|hit|targeted|"
    r"bombed|dropped|raids?|strikes?|bombing|bombardment|attacks?|massacres) "
    r"(?:[\w'’-]+ ){0,2}?by (?:an? |the )?(?:[\w'’-]+ )?(?:drones?|warplanes?|"
    r"war planes|fighter jets?|jets|(?:military |government )?aircraft|helicopters?|"
    r"helicopter gunships?|UAVs?)\b",
    _FLAGS,
)
# every branch above names an aircraft with one of these (lowercase): the pre-check of may_hold()
_AIR_AGENT_KEYS = ("drone", "plane", "jet", "helicopter", "aircraft", "gunship", "uav")


def _air_agent(seg: str) -> bool:
    return may_hold(seg, _AIR_AGENT_KEYS) and _AIR_AGENT_RE.search(seg) is not None


# Protesters killed, told in the present or as a count ("troops kill 18 anti-coup protesters"):
# lethal force against a protest, ACLED's Excessive force, not a peaceful protest
_KILLED_PROTESTERS_RE = guarded(
    r"\b(?:kill(?:s|ed|ing)?|shoot(?:s|ing)? dead|murder(?:s|ed)?|gun(?:s|ned)? down|massacr\w*)"
    r" (?:[\w-]+ ){0,4}?(?:protesters|demonstrators|marchers|people at (?:a|the) (?:rally|protest))"
    r"\b",
    _FLAGS,
)
# "Storm" as a verb or in an operation's name ("rebels storm a base", "the Jazeera Storm
# Operation"), not the weather
_STORM_ASSAULT_RE = re.compile(
    r"\bstorm(?:s|ed|ing)? (?:a|an|the|into|police|military|army|their|its|his|her)\b|"
    r"\bstorm[”\"'’]? operation|(?-i:\b(?!A |An |The |This )[A-Z][\w-]+ Storm)\b",
    _FLAGS,
)
_WEATHER_RE = guarded(
    r"\b(?:rain\w*|winds?|flood\w*|cyclones?|hurricanes?|typhoons?|tropical|snow\w*|hail|"
    r"lightning|tornado\w*|weather)\b",
    _FLAGS,
)
_TRUCE_WORD_RE = re.compile(r"ceasefires?|cease-fires?|truces?", _FLAGS)
_TRUCE_BREACH_RE = re.compile(r"\b(?:breach(?:es|ed)?|violations?|violat(?:e|es|ed|ing))\b", _FLAGS)
# "the truce was not breached", "no violations of the ceasefire", "hasn't been violated": no breach
_NOT_BEFORE_BREACH_RE = re.compile(
    r"(?:\b(?:not|never|no|without|nor)|n['’]t)\s+(?:\w+\s+){0,2}$", _FLAGS
)


def _truce_breached(seg: str) -> bool:
    """Whether ``seg`` tells a breach of a truce that is not denied."""
    return any(
        not _NOT_BEFORE_BREACH_RE.search(seg, max(0, m.start() - 30), m.start())
        for m in _TRUCE_BREACH_RE.finditer(seg)
    )


_HARM_RE = re.compile(
    r"shot|kill|beat|stab|hack|attack|assault|murder|execut|lynch|massacr|behead|open",
    _FLAGS,
)
_KILL_WORD_RE = guarded(r"\b(?:killed|killing|shot dead|massacred|beheaded)\b", _FLAGS)
# "the killing of a farmer": a killing named, mostly as the cause of what the sentence tells
_KILLING_NAMED_RE = re.compile(r"\s+of\b", _FLAGS)
# a clause that tells a killing as the reason or the time of another event ("after a man was
# killed", "over the killing"; not the actor's own "after killing 400 civilians, arresting ...")
_CAUSE_BEFORE_KILL_RE = re.compile(
    r"\b(?:after|over|for|following|since|in connection with)\s+\S[^,;]*$", _FLAGS
)


def _killing_before(
    triggers: list[Trigger], seg: str, seg_start: int | None, label: str = lx.ABDUCTION
) -> bool:
    """True when the segment tells killings before its first ``label`` trigger ("killed at
    least 124 people ..., adding that dozens of women were abducted": an Attack; "one killed,
    four arrested in a raid": the killing, not the arrests)."""
    if seg_start is None:
        return False
    first = next((t for t in triggers if t.label == label), None)
    if first is None:
        return False
    end = first.start - seg_start
    if label != lx.ARRESTS:
        return bool(_KILL_WORD_RE.search(seg, 0, end))
    # arrests after a killing told as their cause ("after the killing of a farmer, police
    # arrested four", "over the killing of", "after a man was killed, ...") are the event
    return any(
        not (m.group().lower() == "killing" and _KILLING_NAMED_RE.match(seg, m.end()))
        and not _CAUSE_BEFORE_KILL_RE.search(seg, max(0, m.start() - 40), m.start())
        for m in _KILL_WORD_RE.finditer(seg, 0, end)
    )


_RELEASED_RE = guarded(
    r"\b(?:(?:have|has|had) been|were|was) (?:\w+ )?(?:released|freed|rescued)\b|\brelease of\b",
    _FLAGS,
)


# "protested against the arrest of ...", "demanding the release of detained ...": the arrest is
# what the protest is about, not an intervention in it
_GRIEVANCE_RE = guarded(
    r"\b(?:against|over|denounc\w*|condemn\w*|protest\w*|demand\w*|angered by|outrage at|"
    r"release of|free(?:ing)?)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?$",
    _FLAGS,
)
_GRIEVANCE_SPAN_RE = re.compile(
    r"\b(?:against|over|denouncing|condemning|demanding the release of)\s+(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,3}?(?:arrests?|detention|arrested|detained)\b[^,.;]*",
    _FLAGS,
)


def grievance_arrest(seg: str, t: Trigger, seg_start: int | None) -> bool:
    """Whether the arrest trigger ``t`` (in ``seg``, which starts at ``seg_start``) names what a
    protest is about ("against the arrest of ...") rather than an arrest at it."""
    if seg_start is None:
        return False
    pos = t.start - seg_start
    return bool(_GRIEVANCE_RE.search(seg, max(0, pos - 60), pos))


def _grievance_masked(seg: str) -> str:
    return _GRIEVANCE_SPAN_RE.sub(lambda m: " " * len(m.group()), seg)


_WENT_OFF_RE = re.compile(r"\b(?:exploded|explosion|blast|went off|detonated)\b", _FLAGS)
_HARMED_RE = guarded(r"\b(?:killed|killing|died|dead|injured|injuring|wounded|wounding)\b", _FLAGS)


def _found_only(triggers: list[Trigger]) -> bool:
    """The disrupted-weapons triggers are all finds or seizures (not defusals or intercepts)."""
    return all(_FIND_RE.match(t.text) for t in triggers if t.label == lx.DISRUPTED)


_FIND_RE = guarded(
    r"(?:found|discovered|seized|recovered|confiscated|unearthed|uncovered|weapons|arms|rifles|"
    r"guns|ammunition|explosives|caches?)\b",
    _FLAGS,
)


def _went_off(triggers: list[Trigger], seg: str) -> bool:
    """A device that exploded and hurt people, told next to the words of a find or a defusal."""
    if not any(t.label in (lx.EXPLOSION, lx.IED, lx.GRENADE, lx.SHELL) for t in triggers):
        return False
    return bool(_WENT_OFF_RE.search(seg) and _HARMED_RE.search(seg)) and not re.search(
        r"\bsafely detonated\b|controlled explosion", seg, _FLAGS
    )


# Killings told without a fight: an assassination, or bodies found (ACLED codes them as an
# Attack, whoever the victims were, unless the text tells an exchange between two armed sides).
_ONE_SIDED_KILL_RE = re.compile(
    r"assassinat|\bbod(?:y|ies)\b|\bcorpses?\b|\bremains\b|\blifeless\b|\bfound (?:dead|slain)\b|"
    # the same finds in headline words: "find a man dead", "without life", "human head",
    # "clandestine grave", and the local words for wrapped, bagged or drummed bodies
    r"^(?:finds?|found|locates?|located|discover(?:s|ed)?)\b.*\bdead$|without life|"
    r"depriv|\bsheltered\b|\bcowering\b|\bcadavers?\b|\bheads?\b|\bgraves?\b|\bfosas?\b|\bbagged\b|encobijad|"
    r"\bcobijad|entambad|embolsad",
    _FLAGS,
)
_FIGHT_RE = guarded(
    r"\b(?:clash(?:ed|es)?|fight(?:ing)?|fought|battles?|battled|gun ?battles?|firefights?|"
    r"exchanges? of (?:gun)?fire|exchanged fire|skirmish(?:es)?|returned fire|return fire|"
    r"ambush(?:ed)?|crossfire|shoot-?outs?)\b",
    _FLAGS,
)


def _one_sided_killing(triggers: list[Trigger], seg: str, seg_start: int | None) -> bool:
    """An assassination or a find of bodies whose victims are not named as armed ("two soldiers
    were assassinated", "bodies of five fighters" stay a clash: the dead were one armed side),
    and no word of a fight."""
    if _FIGHT_RE.search(seg):
        return False
    for t in triggers:
        if t.label != lx.VIOLENCE or not _ONE_SIDED_KILL_RE.search(t.text):
            continue
        if seg_start is None:
            return True
        pos, end = t.start - seg_start, t.end - seg_start
        stop = _NP_STOP_RE.search(seg, end, end + 60)
        after = seg[end : stop.start() if stop else end + 60]  # the victims' noun phrase
        armed = _victim_kind(seg, end) == lx.CLASH or bool(_ARMED_VICTIM_RE.search(after))
        if _PASSIVE_BEFORE_RE.search(seg, max(0, pos - 20), pos) or _FOUND_DEAD_RE.match(t.text):
            # "two soldiers were assassinated", "fighters found dead": the subject is the victim
            subject = _SENTENCE_PART_END_RE.split(seg[max(0, pos - 90) : pos])[-1]
            armed = bool(_ARMED_VICTIM_RE.search(subject)) and not _CIVILIAN_RE.search(subject)
        if not armed:
            return True
    return False


def _blast_before_protest(triggers: list[Trigger], seg: str) -> bool:
    """A blast told before any word of a protest, in a segment that says it went off: the protest
    is where or why it happened, not the event ("protesters marched after a blast" is)."""
    first_protest = min(t.start for t in triggers if t.label == lx.PROTEST)
    return any(
        t.label in (lx.EXPLOSION, lx.IED, lx.GRENADE) and t.start < first_protest for t in triggers
    ) and bool(_WENT_OFF_RE.search(seg))


def _thrown_bomb(seg: str) -> bool:
    return bool(_THROWN_BOMB_RE.search(seg)) and not _PETROL_BOMB_RE.search(seg)


_PASSIVE_BEFORE_RE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?$", _FLAGS)
_SENTENCE_PART_END_RE = re.compile(r"[.;:!?]")
_FOUND_DEAD_RE = re.compile(r"found (?:dead|slain)\b", _FLAGS)
# Victims that are one armed side: armed people, or members and leaders of an armed group
_ARMED_VICTIM_RE = guarded(
    r"\b(?:soldiers?|troops?|servicem[ae]n|officers?|police(?:men|man)?|gendarmes?|militants?|"
    r"fighters?|insurgents?|rebels?|jihadists?|militi(?:a|as|amen)|guards?|combatants|"
    r"terrorists?|gunmen|personnel|members?|commanders?|leaders?|cadres?|resistance)\b",
    _FLAGS,
)


# An attack told with a generic verb whose weapon is a mine or an explosive device ("attacked the
# convoy with mines", "carried out a mine attack on troops"): ACLED codes the weapon first
_MINE_WEAPON_RE = guarded(
    r"\b(?:with|using|by) (?:[\w-]+ ){0,3}?(?:(?:land)?mines|(?:land)?mine|explosives|"
    r"explosive devices?|IEDs?)\b|\b(?:land|remote |remote-controlled )?mines? (?:attacks?|"
    r"ambush(?:es)?|blasts?)\b",
    _FLAGS,
)
# every match holds one of these (lowercase; "IED" comes after a space): the pre-check
_MINE_WEAPON_KEYS = ("mine", "explosive", " ied")
# A bomb thrown by hand ("threw a homemade bomb at the office", "a bomb was hurled into a truck"):
# ACLED's Grenade covers any hand-thrown explosive; a petrol bomb is no explosive device
_THROWN_BOMB_RE = re.compile(
    r"\b(?:threw|throw(?:s|ing)?|hurl(?:ed|s|ing)?|lobb(?:ed|ing)|toss(?:ed|ing)?)\b "
    r"(?:[\w'’-]+ ){0,3}?(?:bombs?|explosives?|explosive devices?)\b|"
    r"\b(?:bombs?|explosives?|explosive devices?) (?:was|were) (?:\w+ )?(?:thrown|hurled|lobbed|"
    r"tossed)\b",
    _FLAGS,
)
_PETROL_BOMB_RE = guarded(r"\b(?:petrol|molotov|fire|gasoline|incendiary)[\s-]bombs?\b", _FLAGS)
# An explosion at a plant or a pipeline caused by an armed side: sabotage, not an accident
_SABOTAGE_RE = guarded(
    r"\b(?:planted|blew up|blown up|unexploded|improvised|armed groups?|military-owned|"
    r"army-owned|(?:land)?mines? (?:attacks?|blasts?|planted)|mine attacks?|"
    # "an explosion in a military factory ... guards fired back", "... claimed responsibility"
    r"military (?:[\w-]+ )?(?:factory|factories|plant|depot|warehouse)|fired back|"
    r"claimed responsibility|guerrillas?)\b",
    _FLAGS,
)
_OPENED_FIRE_RE = re.compile(r"\bopen(?:ed|s|ing)? (?:\w+ )?fire\b", _FLAGS)
_SIDE_NOTE_WORDS_RE = re.compile(r"collapsed?|mass graves?", _FLAGS)
# Labels that outrank violence in _PRIORITY but, beside a strong act of violence, only tell what
# came with it, when every trigger of theirs passes the test: a fire that is no gunfire, any
# defection; for the man-made disaster and "other" labels only these words of theirs ("a plane
# crash", "a coup attempt" stay the event).
_SIDE_NOTES: dict[str, Callable[[str], object]] = {
    lx.FIRE: lambda text: not _OPENED_FIRE_RE.search(text),
    lx.CHANGE_GROUP: lambda text: True,
    lx.MANMADE: _SIDE_NOTE_WORDS_RE.fullmatch,
    lx.OTHER: _SIDE_NOTE_WORDS_RE.fullmatch,
}
# an act of violence: "attacked", "shot", "murdered", "gunmen" (1.2 and up), not an outcome
# ("killing 49": a fire or a collapse kills too)
_STRONG_VIOLENCE = 1.2
_OUTCOME_RE = re.compile(r"kill", _FLAGS)


def _side_note(top: str, triggers: list[Trigger]) -> bool:
    passes = _SIDE_NOTES.get(top)
    if passes is None:
        return False
    if not any(
        t.label == lx.VIOLENCE and t.weight >= _STRONG_VIOLENCE and not _OUTCOME_RE.match(t.text)
        for t in triggers
    ):
        return False
    return all(passes(t.text) for t in triggers if t.label == top)


_FALLS_TO_RE = re.compile(r"\b(?:falls?|fell) (?:to|into the hands of)$", _FLAGS)


# where a clause before a capture verb starts: its subject is the side that took the place
_CLAUSE_START_RE = re.compile(r"(?:[,;:!?]|//|\b(?:as|while|after|when|amid)\b)\s*", _FLAGS)
# armed alliances and groups the side table does not hold as non-state by name
_NONSTATE_SUBJECT_RE = guarded(
    r"\b(?:alliance|allies|factions|PDFs?|KIA|TNLA|MNDAA|SDF|YPG|HTS)\b", _FLAGS
)
# a state side named as the owner of the places taken: "rebels seize junta bases"
_STATE_OWNER_RE = guarded(
    r"\b(?:army|military|junta|regime|government)(?:'s|’s)? (?:[\w-]+ )?(?:bases?|outposts?|"
    r"camps?|positions|posts|strongholds?|garrisons?|headquarters|barracks|checkpoints?)\b",
    _FLAGS,
)


def _first_side(part: str) -> str | None:
    """ "state" or "nonstate": the side named first in ``part`` (a state word inside a group's
    name, "Arakan Army", is the group's); None when it names neither."""
    nonstate = _NONSTATE_RE.search(part)
    state = _STATE_RE.search(part)
    while state and nonstate and nonstate.start() <= state.start() < nonstate.end():
        state = _STATE_RE.search(part, nonstate.end())
    if state and (not nonstate or state.start() < nonstate.start()):
        return "state"
    return "nonstate" if nonstate else None


def _taker(seg: str, triggers: list[Trigger], seg_start: int) -> str | None:
    """Which side took a place, "state" or "nonstate", read where the text tells the taker:
    after "fall(s) to" ("junta outposts fall to the resistance"), else in the capture verb's own
    clause subject ("the KIA and allies seize junta bases" is the KIA's gain, though the junta is
    named first); a state named only as the owner of the places taken lost them. None: not told
    there (the whole segment decides)."""
    capture = next((t for t in triggers if t.label in (lx.GOV_REGAINS, lx.NSA_OVERTAKES)), None)
    if capture is None:
        return None
    if _FALLS_TO_RE.search(capture.text):
        return _first_side(seg[capture.end - seg_start :])
    before = seg[: capture.start - seg_start]
    starts = [m.end() for m in _CLAUSE_START_RE.finditer(before)]
    subject = before[starts[-1] if starts else 0 :]
    side = _first_side(subject)
    if side is None and (
        _NONSTATE_SUBJECT_RE.search(subject) or _STATE_OWNER_RE.search(capture.text)
    ):
        side = "nonstate"
    return side


def resolve(triggers: list[Trigger], seg: str, seg_start: int | None = None) -> Resolution:
    """Sub-event type of a mention with triggers ``triggers`` inside segment text ``seg``
    (``seg_start``: offset of ``seg`` in the text, to read each trigger's own context)."""
    scores: dict[str, float] = {}
    for t in triggers:
        scores[t.label] = scores.get(t.label, 0.0) + t.weight
    labels = sorted(scores, key=lambda lab: _RANK.get(lab, 99))
    top = labels[0]
    strength = max(t.weight for t in triggers)
    cue = False

    # Disrupted weapons use only when the trigger says so (defused, intercepted) and no blast hit.
    if (
        top == lx.NATURAL
        and len(scores) > 1
        and all(re.fullmatch(r"storm\w*", t.text, _FLAGS) for t in triggers if t.label == top)
        and _STORM_ASSAULT_RE.search(seg)
        and not _WEATHER_RE.search(seg)
    ):
        # "rebels storm a police base", "the Jazeera Storm Operation": no weather event
        return resolve([t for t in triggers if t.label != lx.NATURAL], seg, seg_start)
    if _side_note(top, triggers):
        # "gang members attacked residents, killing five and setting houses on fire", "killed
        # 100 villagers in reprisals after a commander defected", "civilians injured as houses
        # collapsed": the attack is the event; the blaze, the defection, the collapse, the
        # graves are what came with it
        return resolve([t for t in triggers if t.label != top], seg, seg_start)
    if top == lx.PROTEST and _blast_before_protest(triggers, seg):
        # "a bomb exploded where police were posted to deter the protest": the blast is the event
        return resolve([t for t in triggers if t.label != lx.PROTEST], seg, seg_start)
    if top == lx.ARRESTS and _killing_before(triggers, seg, seg_start, lx.ARRESTS):
        return resolve([t for t in triggers if t.label != lx.ARRESTS], seg, seg_start)
    if top == lx.DISRUPTED and lx.ARRESTS in scores and _found_only(triggers):
        sub = lx.ARRESTS  # "arrested 14 suspects and recovered two rifles": the arrests
    elif top == lx.DISRUPTED and lx.SUICIDE not in scores and not _went_off(triggers, seg):
        sub = lx.DISRUPTED
    elif top == lx.DISRUPTED and lx.SUICIDE not in scores:
        # "an unexploded bomb was found ... it exploded, killing two": the blast is the event
        rest = [t for t in triggers if t.label != lx.DISRUPTED]
        return resolve(rest, seg, seg_start)
    elif top == lx.SUICIDE or (top in (lx.EXPLOSION, lx.IED) and _SUICIDE_RE.search(seg)):
        sub, cue = lx.SUICIDE, True
    elif top == lx.CHEMICAL:
        sub = lx.CHEMICAL
    elif top in (lx.AIR, lx.GRENADE, lx.IED, lx.SHELL):
        sub = top
        if top == lx.IED and _DEFUSED_RE.search(seg):
            sub, cue = lx.DISRUPTED, True
        elif top == lx.IED and _air_agent(seg):
            sub, cue = lx.AIR, True  # explosives dropped by a drone
        elif top == lx.IED and _thrown_bomb(seg):
            sub, cue = lx.GRENADE, True
    elif top in (lx.MISSILE, lx.STRIKE):
        air = bool(_AIR_RE.search(seg))
        ground = bool(_GROUND_RE.search(seg))
        if top == lx.MISSILE:
            sub, cue = (lx.AIR, True) if air and not ground else (lx.SHELL, ground or air)
            if air and ground:
                sub = (
                    lx.AIR
                    if re.search(
                        r"\b(?:fired|launched) from\b.{0,30}\b(?:aircraft|"
                        r"jets?|drones?|helicopters?|planes?)",
                        seg,
                        _FLAGS,
                    )
                    else lx.SHELL
                )
        else:
            sub, cue = (lx.SHELL, True) if ground and not air else (lx.AIR, air)
    elif top in (lx.PROTEST, lx.MOB, lx.VIOLENT_DEMO):
        has_protest = lx.PROTEST in scores
        if (_EXCESSIVE_RE.search(seg) or _KILLED_PROTESTERS_RE.search(seg)) and has_protest:
            sub, cue = lx.EXCESSIVE, True
        elif lx.MOB in scores and lx.PROTEST not in scores:
            sub = lx.MOB
        elif lx.VIOLENT_DEMO in scores or _VIOLENT_DEMO_RE.search(seg) or lx.LOOTING in scores:
            sub, cue = lx.VIOLENT_DEMO, True
            if lx.MOB in scores and not has_protest:
                sub = lx.MOB
        elif _INTERVENTION_RE.search(_grievance_masked(seg)) or any(
            t.label == lx.ARRESTS and not grievance_arrest(seg, t, seg_start) for t in triggers
        ):
            sub, cue = lx.INTERVENTION, True
        else:
            sub = lx.PEACEFUL
    elif top in (lx.GOV_REGAINS, lx.NSA_OVERTAKES):
        # the side that took the place where the text tells it, else the side named first in
        # the segment ("Arakan Army", "Free Syrian Army": the state word inside a group's name)
        side = _taker(seg, triggers, seg_start) if seg_start is not None else None
        side = side or _first_side(seg)
        sub = {"state": lx.GOV_REGAINS, "nonstate": lx.NSA_OVERTAKES}.get(side or "", top)
        cue = side is not None
    elif top == lx.EXPLOSION:
        if _DEFUSED_RE.search(seg):
            sub, cue = lx.DISRUPTED, True
        elif _GRENADE_RE.search(seg) or _thrown_bomb(seg):
            sub, cue = lx.GRENADE, True
        elif (
            re.search(
                r"\b(?:gas|factory|plant|pipeline|boiler|fireworks|mine|depot|warehouse|"
                r"cylinder|tanker|refinery)\b",
                seg,
                _FLAGS,
            )
            # a bomb at a factory is an attack on it, not an industrial accident
            and not re.search(r"\b(?:attack|militants|gunmen|targeted|bomb\w*)\b", seg, _FLAGS)
            and not _SABOTAGE_RE.search(seg)
        ):
            sub, cue = lx.MANMADE, True
        elif _AIR_RE.search(seg):
            sub, cue = lx.AIR, True
        else:
            sub = lx.IED
    elif top == lx.FIRE and _OPENED_FIRE_RE.search(seg):
        # gunfire, not a blaze: "troops arrived with helicopters and opened random fire"
        if _air_agent(seg):
            sub, cue = lx.AIR, True
        else:
            sub, cue = _violence_kind(seg)
    elif top == lx.FIRE:
        if _ARSON_RE.search(seg):
            sub, cue = lx.LOOTING, True
        else:
            sub = lx.MANMADE
    elif top in (lx.VIOLENCE, lx.CLASH) and _air_agent(seg):
        sub, cue = lx.AIR, True  # "drones struck ...", "attacked ... with drones"
    elif (
        top in (lx.VIOLENCE, lx.CLASH)
        and may_hold(seg, _MINE_WEAPON_KEYS)
        and _MINE_WEAPON_RE.search(seg)
    ):
        sub, cue = lx.IED, True  # "attacked the convoy with mines", "a mine attack on troops"
    elif top == lx.ABDUCTION and _killing_before(triggers, seg, seg_start):
        sub, cue = _violence_kind(seg)  # killings come first; abductions are part of the raid
    elif top == lx.VIOLENCE:
        pos = None
        if seg_start is not None:
            # the victim of the most telling verb ("gunmen shot dead a chief": after "shot dead")
            strong = [t for t in triggers if t.label == lx.VIOLENCE and t.weight >= 2.0]
            strong = strong or [t for t in triggers if t.label == lx.VIOLENCE and t.weight >= 1.0]
            if strong:
                pos = strong[0].end - seg_start
        sub, cue = _violence_kind(seg, pos, _subject_kind(triggers, seg, seg_start))
        if sub == lx.CLASH and _one_sided_killing(triggers, seg, seg_start):
            sub, cue = lx.ATTACK, True
    elif top == lx.CLASH:
        sub = lx.CLASH
        ambush = [t for t in triggers if t.label == lx.CLASH]
        if seg_start is not None and all(t.text.lower().startswith("ambush") for t in ambush):
            # an ambush on civilians ("ambushed a convoy carrying passengers") is an Attack
            if _victim_kind(seg, ambush[0].end - seg_start) == lx.ATTACK:
                sub = lx.ATTACK
    elif top == lx.LOOTING and any(
        t.label == lx.VIOLENCE and _HARM_RE.match(t.text) for t in triggers
    ):
        # people attacked as well as property: "set fire to homes ... and beat residents"
        sub, cue = _violence_kind(seg)
    elif (
        top == lx.AGREEMENT
        and lx.VIOLENCE in scores
        and all(_TRUCE_WORD_RE.fullmatch(t.text) for t in triggers if t.label == lx.AGREEMENT)
        and any(t.label == lx.VIOLENCE and _HARM_RE.match(t.text) for t in triggers)
    ):
        # "two civilians killed in the truce areas": a killing dated or placed by a truce
        return resolve([t for t in triggers if t.label != lx.AGREEMENT], seg, seg_start)
    elif (
        top == lx.AGREEMENT
        and all(_TRUCE_WORD_RE.fullmatch(t.text) for t in triggers if t.label == lx.AGREEMENT)
        and _truce_breached(seg)
    ):
        # "breaches of the truce escalate": fighting between its armed parties, not the truce
        sub = lx.CLASH
    elif top == lx.ABDUCTION and _RELEASED_RE.search(seg):
        sub = lx.OTHER  # the release of abductees
    else:
        sub = top
    return Resolution(sub, lx.EVENT_TYPE_OF[sub], strength, cue)

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

import re
from dataclasses import dataclass

from processors import lexicon as lx

__all__ = [
    "GENERIC_LABELS",
    "Trigger",
    "cluster",
    "find_triggers",
    "is_aggregate",
    "local_label",
    "resolve",
    "suppressed_spans",
]

_FLAGS = re.IGNORECASE

# one word-boundary test up front, so that positions inside words fail before the alternation
_TRIGGER_RE = re.compile(
    "\\b(?=\\w)(?:"
    + "|".join(f"(?P<t{i}>(?:{pat})\\b)" for i, (pat, _l, _w) in enumerate(lx.TRIGGERS))
    + ")",
    _FLAGS,
)
_RULES = {f"t{i}": (label, weight) for i, (_p, label, weight) in enumerate(lx.TRIGGERS)}
_NEGATIVE_RE = re.compile(rf"\b(?:{lx.NEGATIVE_CONTEXTS})\b", _FLAGS)

_AIR_RE = re.compile(rf"\b(?:{lx.AIR_CUES})\b", _FLAGS)
_GROUND_RE = re.compile(rf"\b(?:{lx.GROUND_LAUNCH_CUES})\b", _FLAGS)
_CIVILIAN_RE = re.compile(rf"\b(?:{lx.CIVILIAN_CUES})\b", _FLAGS)
_ARMED_RE = re.compile(rf"\b(?:{lx.ARMED_CUES})\b", _FLAGS)
_PERPETRATOR_RE = re.compile(
    r"\b(?:gunmen|armed men|assailants|attackers|bandits|terrorists|unknown|unidentified|"
    r"suspected|militants? (?:attacked|killed|stormed|raided|abducted|opened)|jihadists "
    r"(?:attacked|killed))\b",
    _FLAGS,
)
_INTERVENTION_RE = re.compile(rf"\b(?:{lx.PROTEST_INTERVENTION_CUES})\b", _FLAGS)
_EXCESSIVE_RE = re.compile(rf"\b(?:{lx.PROTEST_EXCESSIVE_CUES})\b", _FLAGS)
_VIOLENT_DEMO_RE = re.compile(rf"\b(?:{lx.PROTEST_VIOLENT_CUES})\b", _FLAGS)
_ARSON_RE = re.compile(rf"\b(?:{lx.ARSON_CUES})\b", _FLAGS)
_SUICIDE_RE = re.compile(rf"\b(?:{lx.SUICIDE_CUES})\b", _FLAGS)
_DEFUSED_RE = re.compile(rf"\b(?:{lx.DEFUSED_CUES})\b", _FLAGS)
_GRENADE_RE = re.compile(r"\bgrenades?\b", _FLAGS)
_STATE_RE = re.compile(
    r"\b(?:army|military|troops|soldiers|government forces|security forces|armed forces|"
    r"forces loyal|national guard|police|gendarmerie|junta|regime|IDF|FARDC|SAF)\b",
    _FLAGS,
)
_NONSTATE_RE = re.compile(
    r"\b(?:militants?|rebels?|insurgents?|jihadists?|fighters|militi(?:a|as)|gunmen|"
    r"Islamic State|ISIS|ISIL|al-Shabaab|Shabaab|Boko Haram|ISWAP|JNIM|Taliban|M23|RSF|"
    r"Rapid Support Forces|Houthis?|Hamas|Hezbollah|Wagner|PKK|ELN|FARC|cartel|gang)\b",
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
    negatives = [(m.start(), m.end()) for m in _NEGATIVE_RE.finditer(text)]
    out: list[Trigger] = []
    for m in _TRIGGER_RE.finditer(text):
        s, e = m.span()
        if negatives and any(a <= s < b or a < e <= b for a, b in negatives):
            continue
        label, weight = _RULES[m.lastgroup or ""]
        out.append(Trigger(s, e, label, weight, m.group()))
    return out


# ----------------------------------------------------------------------------- back-references

_BACKREF_RE = re.compile(
    r"\b(?:in (?:direct |apparent )?(?:response|retaliation|reprisal|revenge) (?:to|for)|"
    r"retaliat(?:ion|ing) (?:for|against)|to avenge|in the wake of|years? after|months? after|"
    r"anniversary of|similar to|reminiscent of|the latest in a series of)\b",
    _FLAGS,
)
_CONTINUATION_RE = re.compile(
    r"\s*(?:including|which|that|who|where|when|such as|especially|notably|the one|one of)\b",
    _FLAGS,
)
_CLAUSE_END_RE = re.compile(r"[,;:.!?]")


def suppressed_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` that refer back to other events ("in response to ...").

    A span runs from the cue to the end of its clause, and on through following clauses that
    continue it ("..., including the one on November 21, which involved ...").
    """
    spans: list[tuple[int, int]] = []
    for m in _BACKREF_RE.finditer(text, start, end):
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


# ----------------------------------------------------------------------------- aggregates

_AGG_RANGE_RE = re.compile(
    r"\b(?:since (?:the (?:start|beginning|outbreak)|(?:19|20)\d\d|\d{1,2} \w+|\w+ \d{1,2}|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"then|last|early|mid|late)|so far (?:this|in)|this year|last year|in the (?:past|last) "
    r"(?:\w+ )?(?:days|weeks|months|years|decade)|over the (?:past|last) (?:\w+ )?(?:days|weeks|"
    r"months|years|decade)|a total of|in total|in all\b|cumulative|tally|tallies|per cent|"
    r"percent|on average|every (?:day|week|month|year)|each (?:day|week|month|year)|"
    r"the (?:war|conflict|fighting|offensive) (?:has|have) (?:killed|left)|"
    r"the (?:increase|rise|surge|escalation) in|frequency of|statistics|figures show|"
    r"death toll (?:in|of) the (?:war|conflict))",
    _FLAGS,
)
_AGG_SUBJECT_RE = re.compile(
    r"\b(?:attacks|strikes|airstrikes|incidents|operations|raids|explosions|bombings|protests|"
    r"clashes|killings|deaths|casualties|fatalities|killed|wounded|injured|dead|abductions|"
    r"kidnappings|arrests|assaults)\b",
    _FLAGS,
)
_AGG_ANAPHOR_RE = re.compile(
    r"\b(?:these|those|such|the|most of the|many of the|all the) (?:attacks|strikes|"
    r"incidents|operations|raids|bombings|protests|clashes|killings|abductions)\b",
    _FLAGS,
)


def is_aggregate(sentence: str, previous_was_aggregate: bool) -> bool:
    """True for statistics over many events and their follow-up sentences."""
    if _AGG_RANGE_RE.search(sentence) and _AGG_SUBJECT_RE.search(sentence):
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
        if lab in GENERIC_LABELS or main is None or _compatible(main, lab):
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
    lx.CLASH,
    lx.HQ,
    lx.LOOTING,
    lx.ARRESTS,
    lx.EXPLOSION,
    lx.AGREEMENT,
    lx.CHANGE_GROUP,
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


def _violence_kind(seg: str) -> tuple[str, bool]:
    """Generic violence: Attack when the victims are civilians, Armed clash when armed."""
    if _CIVILIAN_RE.search(seg):
        return lx.ATTACK, True
    perp = len(_PERPETRATOR_RE.findall(seg))
    if len(_ARMED_RE.findall(seg)) > perp:
        return lx.CLASH, True
    return lx.ATTACK, False


def resolve(triggers: list[Trigger], seg: str) -> Resolution:
    """Sub-event type of a mention with triggers ``triggers`` inside segment text ``seg``."""
    scores: dict[str, float] = {}
    for t in triggers:
        scores[t.label] = scores.get(t.label, 0.0) + t.weight
    labels = sorted(scores, key=lambda lab: _RANK.get(lab, 99))
    top = labels[0]
    strength = max(t.weight for t in triggers)
    cue = False

    # Disrupted weapons use only when the trigger says so (defused, intercepted) and no blast hit.
    if top == lx.DISRUPTED and lx.SUICIDE not in scores:
        sub = lx.DISRUPTED
    elif top == lx.SUICIDE or (top in (lx.EXPLOSION, lx.IED) and _SUICIDE_RE.search(seg)):
        sub, cue = lx.SUICIDE, True
    elif top == lx.CHEMICAL:
        sub = lx.CHEMICAL
    elif top in (lx.AIR, lx.GRENADE, lx.IED, lx.SHELL):
        sub = top
        if top == lx.IED and _DEFUSED_RE.search(seg):
            sub, cue = lx.DISRUPTED, True
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
        if _EXCESSIVE_RE.search(seg) and has_protest:
            sub, cue = lx.EXCESSIVE, True
        elif lx.MOB in scores and lx.PROTEST not in scores:
            sub = lx.MOB
        elif lx.VIOLENT_DEMO in scores or _VIOLENT_DEMO_RE.search(seg) or lx.LOOTING in scores:
            sub, cue = lx.VIOLENT_DEMO, True
            if lx.MOB in scores and not has_protest:
                sub = lx.MOB
        elif _INTERVENTION_RE.search(seg) or lx.ARRESTS in scores:
            sub, cue = lx.INTERVENTION, True
        else:
            sub = lx.PEACEFUL
    elif top in (lx.GOV_REGAINS, lx.NSA_OVERTAKES):
        state = _STATE_RE.search(seg)
        nonstate = _NONSTATE_RE.search(seg)
        if state and (not nonstate or state.start() < nonstate.start()):
            sub = lx.GOV_REGAINS
        elif nonstate:
            sub = lx.NSA_OVERTAKES
        else:
            sub = top
        cue = bool(state or nonstate)
    elif top == lx.EXPLOSION:
        if _DEFUSED_RE.search(seg):
            sub, cue = lx.DISRUPTED, True
        elif _GRENADE_RE.search(seg):
            sub, cue = lx.GRENADE, True
        elif re.search(
            r"\b(?:gas|factory|plant|pipeline|boiler|fireworks|mine|depot|warehouse|"
            r"cylinder|tanker|refinery)\b",
            seg,
            _FLAGS,
        ) and not re.search(r"\b(?:attack|militants|gunmen|targeted)\b", seg, _FLAGS):
            sub, cue = lx.MANMADE, True
        elif _AIR_RE.search(seg):
            sub, cue = lx.AIR, True
        else:
            sub = lx.IED
    elif top == lx.FIRE:
        if _ARSON_RE.search(seg):
            sub, cue = lx.LOOTING, True
        else:
            sub = lx.MANMADE
    elif top == lx.VIOLENCE:
        sub, cue = _violence_kind(seg)
    elif top == lx.CLASH:
        sub = lx.CLASH
    else:
        sub = top
    return Resolution(sub, lx.EVENT_TYPE_OF[sub], strength, cue)

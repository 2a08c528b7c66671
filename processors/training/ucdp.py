"""Label the development part of the UCDP GED headlines (``../shared/eval``) with ACLED
sub-event types where the mapping is sound, for the classifier's training data.

UCDP GED (Uppsala Conflict Data Program; Sundberg & Melander 2013, Davies et al.) is CC BY 4.0:
the labelled headlines may ship with the project, with the attribution in the README. Only the
development part of bench/score_eval.py's committed split is read, the blind part never is, and
a fifth of the development part (:func:`held_for_tuning`) is kept out of training.

UCDP's ``type_of_violence`` is not a sub-event type, so a record is labelled only when its
headline and its kind of violence agree on one type, and skipped otherwise:

* a headline naming one way of killing (warplanes / drones; shelling / rockets / missiles;
  mines / IEDs / roadside or car bombs; suicide bombers) gets that Explosions sub-type, whatever
  the kind of violence (ACLED codes the weapon first);
* state-based or non-state violence (1, 2) with fighting words (clash, battle, fighting,
  ambush, gunfight, attack on a post ...) or combatant victims of state-based violence
  (soldiers, rebels, fighters killed) gets "Armed clash";
* one-sided violence (3) with kill words and no weapon above gets "Attack";
* headlines not in English (many Mexican ones), with two or more of the weapon families, or with
  none of the signals above are skipped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

from processors.language import detect_language

SPLIT_SALT = "wirewatch-eval-split-v1:"  # bench/score_eval.py's committed split
BLIND_PERCENT = 30

_WEAPONS = {
    "Air/drone strike": r"\b(?:air ?strikes?|air ?raids?|warplanes?|war planes?|jets?|drones?|"
    r"aircraft|helicopters?|airstrikes?|aerial|bombers?|air force|barrel bombs?)\b",
    "Shelling/artillery/missile attack": r"\b(?:shell(?:s|ed|ing)?|artillery|mortars?|rockets?|"
    r"missiles?|grad|cannon)\b",
    "Remote explosive/landmine/IED": r"\b(?:(?:land)?mines?|ieds?|improvised explosive|"
    r"roadside bomb|car bomb|bomb blast|explosive device|booby.trap\w*|explosions?|blasts?|"
    r"detonat\w+)\b",
    "Suicide bomb": r"\bsuicide\b",
}
_WEAPON_RE = {k: re.compile(v, re.I) for k, v in _WEAPONS.items()}
_FIGHT_RE = re.compile(
    r"\b(?:clash\w*|battles?|fight\w*|combat|ambush\w*|gunfights?|firefights?|offensive|"
    r"skirmish\w*|exchange of fire|assault\w*|attacks? (?:on|against) (?:an? )?(?:army|military|"
    r"police|regime|junta|checkpoint|post|base|outpost|positions?|camp|convoy)\w*)\b",
    re.I,
)
_COMBATANT_RE = re.compile(
    r"\b(?:soldiers?|troops?|rebels?|fighters?|militants?|insurgents?|militiamen|gunmen|"
    r"members of the (?:regime|army|factions?)|servicemen|combatants?|policemen|officers?)\b",
    re.I,
)
_KILL_RE = re.compile(
    r"\b(?:kill\w*|dead|death|died|murder\w*|massacre\w*|execut\w+|shot|gunned|slain|bodies|"
    r"body|beheaded|martyrs?)\b",
    re.I,
)


TUNE_SALT = "wirewatch-classifier-tune-v1:"
TUNE_PERCENT = 20


def part_of(record_id: str) -> str:
    h = int(hashlib.sha256((SPLIT_SALT + record_id).encode()).hexdigest()[:8], 16)
    return "blind" if h % 100 < BLIND_PERCENT else "dev"


def held_for_tuning(record_id: str) -> bool:
    """A fifth of the development part is never trained on: the confidence rule is chosen on
    it, so that its figures are not in-sample."""
    h = int(hashlib.sha256((TUNE_SALT + record_id).encode()).hexdigest()[:8], 16)
    return h % 100 < TUNE_PERCENT


def label_of(text: str, type_of_violence: int) -> str | None:
    """The ACLED sub-event type this headline and its kind of violence agree on, or None."""
    weapons = [k for k, rx in _WEAPON_RE.items() if rx.search(text)]
    if "Suicide bomb" in weapons:
        weapons = ["Suicide bomb"]
    if len(weapons) == 1:
        return weapons[0]
    if weapons:
        return None
    if type_of_violence in (1, 2) and _FIGHT_RE.search(text):
        return "Armed clash"
    if type_of_violence == 1 and _COMBATANT_RE.search(text) and _KILL_RE.search(text):
        return "Armed clash"
    if type_of_violence == 3 and _KILL_RE.search(text):
        return "Attack"
    return None


def build(source: Path, per_label_cap: int = 1500) -> list[dict[str, str]]:
    """Labelled dev-part headlines, in file order, at most ``per_label_cap`` per label (the
    first ones by a hash of the id, so the cut does not follow the file's country order)."""
    rows: list[tuple[str, dict[str, str]]] = []
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if part_of(rec["id"]) != "dev" or held_for_tuning(rec["id"]):
                continue
            text = " ".join(rec["text"].split("\n")[:1]).strip()
            if len(text) < 20 or detect_language(text) != "en":
                continue
            label = label_of(text, int(rec["gold"]["type_of_violence"]))
            if label is None:
                continue
            key = hashlib.sha256(rec["id"].encode()).hexdigest()
            rows.append((key, {"id": rec["id"], "text": text, "label": label}))
    rows.sort(key=lambda kv: kv[0])
    taken: dict[str, int] = {}
    out = []
    for _key, row in rows:
        if taken.get(row["label"], 0) < per_label_cap:
            taken[row["label"]] = taken.get(row["label"], 0) + 1
            out.append(row)
    return out

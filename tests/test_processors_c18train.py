"""rules+classifier and the rules' kind (c18train): the model may re-type the rules' Attack
as an Armed clash, never their Armed clash or Explosions sub-type as an Attack. The rules type
an Armed clash only on a reading of armed sides (fighting words, combatants among the dead, an
armed target) and an Explosions sub-type only on a named weapon, which word n-grams cannot
overturn: "regime forces" and "killed" are as common in one-sided reports."""

from __future__ import annotations

import pytest

from processors.classifier import ClassifierExtractor, EventClassifier
from processors.extractor import RuleExtractor
from tests.test_processors_classifier import _incident, _model_bytes
from wirewatch.contracts import Article

LABELS = ["Armed clash", "Attack", "none"]


def _toy() -> EventClassifier:
    # "regime" points hard at Attack, "clashes" hard at Armed clash; both learned from real
    # reports, so both may be moved between
    return EventClassifier.from_bytes(
        _model_bytes(
            ["regime", "clashes"],
            [[0, 30, 0], [30, 0, 0]],
            LABELS,
            rerank=["Armed clash", "Attack"],
        )
    )


def test_a_confident_attack_verdict_leaves_the_rules_armed_clash() -> None:
    model = _toy()
    assert model.labels[int(model.predict_proba("regime forces killed").argmax())] == "Attack"
    [out] = ClassifierExtractor(model=model).refine(
        [_incident("Armed clash", "ten members of the regime forces killed")]
    )
    assert out.sub_event_type == "Armed clash"
    assert out.event_type == "Battles"


def test_a_confident_armed_clash_verdict_still_retypes_the_rules_attack() -> None:
    [out] = ClassifierExtractor(model=_toy()).refine([_incident("Attack", "clashes in the town")])
    assert out.sub_event_type == "Armed clash"
    assert out.event_type == "Battles"


def test_decide_keeps_armed_clash_against_attack() -> None:
    assert _toy().decide("regime forces", "Armed clash") == "Armed clash"
    assert _toy().decide("clashes", "Attack") == "Armed clash"


# Tolls written for this test in the shape of monitoring-group bulletins: a passive toll whose
# breakdown names combatants first is fighting (the rules' q18kind reading).
TOLLS = [
    "73 killed yesterday including 21 regime forces",
    "At least 48 people were killed on Monday, including 17 members of the regime forces and "
    "militiamen loyal to them, the monitoring group said.",
]


@pytest.mark.parametrize("text", TOLLS)
def test_the_shipped_model_keeps_a_breakdown_toll_of_fighting(text: str) -> None:
    article = Article(article_id="c18", url="https://example.org/c18", text=text)
    [[rule_inc, *_]] = RuleExtractor().extract([article])
    assert rule_inc.sub_event_type == "Armed clash"  # the rules' structural reading
    [[inc, *_]] = ClassifierExtractor().extract([article])
    assert inc.sub_event_type == "Armed clash"


# ACLED codes the means first: a killing by a named weapon is its Explosions sub-type whoever
# died, and the rules type one only on a named weapon, so the model's Attack does not move it
WEAPON_TYPES = [
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
]


@pytest.mark.parametrize("rule_type", WEAPON_TYPES)
def test_a_confident_attack_verdict_leaves_the_rules_weapon_type(rule_type: str) -> None:
    model = EventClassifier.from_bytes(
        _model_bytes(
            ["killed"],
            [[0, 30, 0, 0]],
            [rule_type, "Attack", "Armed clash", "none"],
            rerank=[rule_type, "Attack", "Armed clash"],
        )
    )
    assert model.decide("two men killed", rule_type) == rule_type
    # an Armed clash verdict is not held back by this rule
    clash = EventClassifier.from_bytes(
        _model_bytes(
            ["killed"],
            [[0, 0, 30, 0]],
            [rule_type, "Attack", "Armed clash", "none"],
            rerank=[rule_type, "Attack", "Armed clash"],
        )
    )
    assert clash.decide("two men killed", rule_type) == "Armed clash"


BOMBINGS = [
    "A bombing killed a shopkeeper and his son in Quetta, police said",
    "Two brothers killed in bombing outside their home in Kandahar",
]


@pytest.mark.parametrize("text", BOMBINGS)
def test_the_shipped_model_keeps_a_bombing_the_rules_read(text: str) -> None:
    article = Article(article_id="c18b", url="https://example.org/c18b", text=text)
    [[rule_inc, *_]] = RuleExtractor().extract([article])
    assert rule_inc.sub_event_type == "Remote explosive/landmine/IED"
    [[inc, *_]] = ClassifierExtractor().extract([article])
    assert inc.sub_event_type == "Remote explosive/landmine/IED"

"""The speed helpers of processors/fastre.py give the matches of the patterns they stand for."""

from __future__ import annotations

import re

import pytest

from processors import actors, places
from processors.actors import find_sources
from processors.fastre import finditer_named, unnamed

NAMED = re.compile(
    r"(?<!\bLa )\b(?:(?P<g0>Red Army)|(?P<g1>Red)|(?P<g2>[jJ]unta)|(?P<g3>Blue Brigade))\b"
)
TEXT = (
    "Junta troops and the Red Army met the Blue Brigade; La Junta stayed calm, the junta's Red "
    "units did not, and Redwood was quiet."
)


def _seen(matches: object) -> list[tuple[tuple[int, int], str | None, str]]:
    return [(m.span(), m.lastgroup, m.group()) for m in matches]  # type: ignore[attr-defined]


def test_unnamed_keeps_the_matches_and_drops_the_groups() -> None:
    plain = unnamed(NAMED)
    assert plain.groupindex == {}
    assert [m.span() for m in plain.finditer(TEXT)] == [m.span() for m in NAMED.finditer(TEXT)]
    # same alternatives in the same order: "Red Army" before "Red" at the same place
    assert plain.search("the Red Army").group() == "Red Army"  # type: ignore[union-attr]


@pytest.mark.parametrize("bounds", [(0, len(TEXT)), (10, 60), (30, 95), (0, 20)])
def test_finditer_named_is_finditer_of_the_named_pattern(bounds: tuple[int, int]) -> None:
    a, b = bounds
    got = _seen(finditer_named(NAMED, unnamed(NAMED), TEXT, a, b))
    assert got == _seen(NAMED.finditer(TEXT, a, b))
    assert got  # the cases find something: the comparison is not between two empty lists


def test_a_pattern_that_refers_back_to_a_group_is_refused() -> None:
    with pytest.raises(ValueError, match="refers back"):
        unnamed(re.compile(r"(?P<q>['\"])\w+(?P=q)"))
    with pytest.raises(ValueError, match="refers back"):
        unnamed(re.compile(r"(\w)\1"))


def test_the_module_tables_find_what_their_named_patterns_find() -> None:
    text = (
        "Regime forces and the SDF shelled a village while Tatmadaw troops and the junta's police "
        "fought the Arakan Army; Hamas and the RSF said nothing, La Junta is a town."
    )
    for named, plain in (
        (places._HOME_GROUP_RE, places._HOME_ANY_RE),
        (actors._GROUP_RE, actors._GROUP_ANY_RE),
    ):
        got = _seen(finditer_named(named, plain, text))
        assert got == _seen(named.finditer(text))
        assert len(got) >= 2


def _sources_scanning_everything(seg: str) -> list[str]:
    """The "<who> said" part of find_sources as it was before the scan was cut at the last
    verb: every position from shortly before the first verb to the end of the text."""
    verb = actors._SAID_VERB_RE.search(seg)
    out: list[str] = []
    for m in actors._SAID_RE.finditer(seg, max(0, verb.start() - actors._SAID_MAX)) if verb else ():
        who = re.sub(r"^(?:The|the)\s+", "", m.group("who")).strip()
        if who and who.split()[0] not in ("He", "She", "It", "They", "We", "I", "This", "That"):
            out.append(who)
    return out


@pytest.mark.parametrize(
    "sentence",
    [
        "Police said five people were killed when gunmen opened fire on a bus near the town.",
        "Five people were killed, local officials told reporters, and the army said it was "
        "searching the area where the attack took place after midnight.",
        "Residents reported hearing blasts, a provincial spokesman confirmed two deaths and "
        "Red Cross workers said they had treated nine people, the Health Ministry stated.",
        "The attack killed three people, the ministry said in a statement issued on Sunday "
        "night after residents reported hearing two loud explosions near the market.",
    ],
)
def test_sources_end_their_scan_at_the_last_reporting_verb(sentence: str) -> None:
    # the scan stops at the end of the last verb: the same sources as a scan to the text's end
    expected = _sources_scanning_everything(sentence)
    assert expected
    assert find_sources(sentence, 0, len(sentence)) == expected[:4]

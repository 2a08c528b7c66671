"""The trigger alternations are compiled once, at import, into a table that does not grow."""

from __future__ import annotations

import itertools

from processors import classify


def _expected_rules(head: str) -> tuple[int, ...]:
    return tuple(
        i for i, prefixes in classify._RULE_PREFIXES if any(head.startswith(p) for p in prefixes)
    )


def test_rules_for_gives_the_rules_whose_prefixes_begin_the_word() -> None:
    letters = "abcdefghijklmnopqrstuvwxyz0-' é"
    for size in range(4):
        for chars in itertools.product(letters, repeat=size):
            head = "".join(chars)
            rules = _expected_rules(head)
            rx = classify._rules_for(head)
            if not rules:
                assert rx is None, head
                continue
            assert rx is not None, head
            assert rx.groupindex.keys() == {f"t{i}" for i in rules}, head
            assert list(rx.groupindex) == [f"t{i}" for i in rules], head  # table order kept


def test_the_table_of_alternations_stays_the_same_size_whatever_the_text() -> None:
    size = len(classify._whole_rules_by_head())
    words = ("".join(w) for w in itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=3))
    text = " ".join(f"{w}q{w}" for w in words)  # 17,576 word beginnings, most never seen
    found = classify.find_triggers(text + " Gunmen attacked a village and killed five people.")
    assert found and all(t.start > len(text) for t in found)
    assert len(classify._whole_rules_by_head()) == size


def test_a_countrys_skeleton_table_holds_the_towns_of_a_scan_over_every_key() -> None:
    from processors import gazetteer as gz
    from processors.geo_data import skeleton_key
    from processors.places import gazetteer

    gaz = gazetteer()
    for iso in ("SYR", "MMR"):
        cid = gaz._iso3_country[iso]
        expected: dict[str, set[int]] = {}
        for key, v in gaz._keys.items():
            for i in (v,) if isinstance(v, int) else v:
                if gaz._country[i] == cid and gaz._feature[i] == gz._F_CITY:
                    skel = skeleton_key(key)
                    if skel:
                        expected.setdefault(skel, set()).add(i)
        table = gaz._country_skeletons(cid)
        assert table and {k: set(v) for k, v in table.items()} == expected
        assert all(len(v) == len(set(v)) for v in table.values())


# Phrases written for these tests: each pre-checked or guarded pattern must find exactly what
# its plain form finds, also in text with the letters whose case folding differs ("ı", "ſ").
_PHRASES = (
    "Drones struck a market in the town on Monday.",
    "Two villagers were killed when helicopters opened fire on the village.",
    "Warplanes' raids on the district left homes in ruins.",
    "Civilians killed by military aircraft were buried on Friday.",
    "The convoy was attacked with landmines and explosive devices near the bridge.",
    "Rebels attacked the base using IEDs, a spokesman said.",
    "A mine blast hit a truck; a remote mine attack followed.",
    "Members of the armed group and two commanders of the militia were arrested.",
    "The militia's leaders met three elements from the brigades.",
    "Gunmen shot dead 3 men and ٣ men at a checkpoint near the school.",
    "Soldiers clashed with insurgents; no civilians were hurt.",
    "The aırcraft struck the vıllage; mınes were laid by the ſoldiers.",
    "DRONES STRUCK THE DEPOT AND JETS KILLED TWO PEOPLE.",
    "Police arrested a man at the hospital.",
)


def test_pre_checked_and_guarded_cue_patterns_find_what_their_plain_forms_find() -> None:
    import re

    def plain(rx: re.Pattern[str]) -> re.Pattern[str]:
        pattern = re.sub(r"^\\b\(\?=\(\?i:\[[^\]]*\]\)(?:\|\\d)?\)", r"\\b", rx.pattern)
        assert pattern != rx.pattern or not rx.pattern.startswith("\\b(?=")
        return re.compile(pattern, rx.flags)

    civilian = plain(classify._CIVILIAN_RE)
    mine = plain(classify._MINE_WEAPON_RE)
    assert civilian.pattern != classify._CIVILIAN_RE.pattern  # the look-ahead is there
    for text in _PHRASES:
        assert [m.span() for m in classify._CIVILIAN_RE.finditer(text)] == [
            m.span() for m in civilian.finditer(text)
        ], text
        assert classify._air_agent(text) == bool(classify._AIR_AGENT_RE.search(text)), text
        for rx, keys in (
            (mine, classify._MINE_WEAPON_KEYS),
            (classify._ARMED_MEMBER_RE, classify._ARMED_MEMBER_KEYS),
        ):
            found = rx.findall(text)
            assert not found or classify.may_hold(text, keys), (text, rx.pattern[:40])
    assert classify._air_agent(_PHRASES[0]) and not classify._air_agent(_PHRASES[-1])
    assert [m.group() for m in classify._CIVILIAN_RE.finditer(_PHRASES[9])] == [
        "3 men",
        "٣ men",
        "school",
    ]


def test_every_one_victim_subject_holds_a_key_of_its_pre_check() -> None:
    from processors import casualties

    phrases = (
        "A farmer died after the attack on the road.",
        "The driver of the bus was shot dead at the gate.",
        "One man was hacked to death by the mob.",
        "Her son had been reportedly gunned down near the market.",
        "A guard succumbed to his wounds on Tuesday.",
        "The chairman was assassinated outside his office.",
        "Three soldiers were wounded in the blast.",
    )
    found = 0
    for text in phrases:
        if casualties._ONE_SUBJECT_RE.search(text):
            found += 1
            assert casualties._has_any(text, casualties._ONE_SUBJECT_KEYS), text
    assert found == len(phrases) - 1
    fatalities = casualties.find_casualties(phrases[2]).fatalities
    assert fatalities is not None and fatalities.value == 1

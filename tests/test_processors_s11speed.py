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
    size = len(classify._BY_HEAD)
    words = ("".join(w) for w in itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=3))
    text = " ".join(f"{w}q{w}" for w in words)  # 17,576 word beginnings, most never seen
    found = classify.find_triggers(text + " Gunmen attacked a village and killed five people.")
    assert found and all(t.start > len(text) for t in found)
    assert len(classify._BY_HEAD) == size


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

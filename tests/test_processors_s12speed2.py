"""Helpers of the second speed round: each gives exactly what the expression it replaced gave."""

from __future__ import annotations

import random

from processors import casualties, places, rules
from processors.fastre import may_hold

# words of _LOCATIVE_RE's cues and names in mixed case, with the characters whose case folding
# differs (dotted and dotless i, long s, the Kelvin sign) and word characters before a cue
_LOCATIVE_PIECES = (
    "in", "IN", "near", "Outside", "struck", "the", "The", "northern", "North-East", "restive",
    "Kenyan", "capital", "city", "of", "Nairobi", "Ethiopia's", "Amhara", "region", "(", ",",
    "and", "x", "ſtruck", "\u212aenyan", "İn", "ın", "ıN", "Sagaing", "village", "xin", "5",
    "\n", "  ", "Zambia's", "zimbabwean", "Z", "southern", "rural", "xin", "xnear",
)  # fmt: skip


def test_locative_before_is_the_case_insensitive_search_before_a_place() -> None:
    rng = random.Random(18)
    for _ in range(600):
        words = [rng.choice(_LOCATIVE_PIECES) for _ in range(rng.randint(0, 14))]
        text = " ".join("".join(rng.choice((c.upper(), c)) for c in w) for w in words) + " X"
        for start in range(len(text) + 1):
            expected = places._LOCATIVE_RE.search(text, max(0, start - 40), start) is not None
            assert places._locative_before(text, start) is expected, (text, start)


def test_locative_before_reads_the_character_before_its_window() -> None:
    # the window's first word ("in") follows a letter: no word boundary there, no match
    rng = random.Random(40)
    modifiers = ("northern", "rural", "East", "south-west", "restive", "coastal", "Central")
    for _ in range(300):
        cue = rng.choice(("xin", "XIN", "near", "zNear", "x(", "xand"))
        words = [rng.choice(modifiers) for _ in range(rng.randint(0, 7))]
        text = " ".join((cue, *words, "Harare"))
        for start in range(len(text) + 1):
            expected = places._LOCATIVE_RE.search(text, max(0, start - 40), start) is not None
            assert places._locative_before(text, start) is expected, (text, start)
    for cue in ("xin", "in", "x in", "Xnear", "near"):
        for k in range(8):
            text = f"{cue} " + "northern " * k + "Zimbabwean city of Harare"
            start = text.index("Harare")
            expected = places._LOCATIVE_RE.search(text, max(0, start - 40), start) is not None
            assert places._locative_before(text, start) is expected, (text, start)


def test_locative_before_finds_the_cues_it_is_for() -> None:
    text = "Gunmen struck in the Kenyan capital Nairobi and ſtruck in \u212aenya"
    assert places._locative_before(text, text.index("Nairobi"))
    assert places._locative_before(text, text.index("\u212aenya"))  # by the regex itself
    assert not places._locative_before(text, text.index("struck"))


_COORD_PIECES = (
    "two", "Three", "soldiers", "a", "soldier", "and", "AND", "aNd", ",", " ,", "at", "least",
    "5", "12", "civilians", "police", "officer", "\n", "\t", "\u00a0", "ſoldiers", "\u212aids",
    "İn", "ıN", "x", "hand", "band,", "sand",
)  # fmt: skip


def test_may_coordinate_is_true_wherever_a_coordination_regex_matches() -> None:
    rng = random.Random(873)
    for _ in range(500):
        words = [rng.choice(_COORD_PIECES) for _ in range(rng.randint(0, 12))]
        seg = "".join(w + rng.choice((" ", "  ", "", "\n")) for w in words)
        for start in range(len(seg) + 1):
            lo = max(0, start - 60)
            found = (
                casualties._COORD_RE.search(seg, lo, start) is not None
                or casualties._ONE_COORD_RE.search(seg, lo, start) is not None
            )
            if found:
                assert casualties._may_coordinate(seg, start), (seg, start)


def test_may_coordinate_is_false_before_a_count_with_no_coordination() -> None:
    assert casualties._may_coordinate("two soldiers AND ", 17)
    assert casualties._may_coordinate("a soldier,\n", 11)
    assert not casualties._may_coordinate("they said two soldiers ", 23)
    assert not casualties._may_coordinate("", 0)


_NEW_EVENT_PIECES = (
    "another", "a separate", "separately", "a second", "A THIRD", "in", "elsewhere", "Meanwhile",
    "earlier", "later", "that", "day", "a", "similar", "similarly", "also", "on", "ſeparately",
    "\u212a", "İn", "ıN", "x", ",", "attack", "secondary", "sAme",
)  # fmt: skip


def test_new_event_keys_hold_every_new_event_cue() -> None:
    rng = random.Random(139)
    for _ in range(3000):
        words = [rng.choice(_NEW_EVENT_PIECES) for _ in range(rng.randint(0, 6))]
        seg = " ".join("".join(rng.choice((c.upper(), c)) for c in w) for w in words)
        expected = rules._NEW_EVENT_RE.search(seg) is not None
        assert (may_hold(seg, rules._NEW_EVENT_KEYS) and expected) is expected, seg

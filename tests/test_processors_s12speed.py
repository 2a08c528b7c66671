"""Helpers of the twelfth speed round: each gives exactly what the expression it replaced gave."""

from __future__ import annotations

import itertools
import random

import pytest

from processors import actors, casualties, classifier, classify, language, places
from processors.fastre import (
    finditer_lowered,
    folds_plainly,
    holds_any,
    lowercase_twin,
    lowered_document,
)

_TEXTS = (
    "",
    "a",
    "gunmen killed five villagers",
    "No one was hurt, police said.",
    "the bodies of 3 men were found; 2 more died in hospital",
    "Matan a policía en Fresnillo",
    "Kılıçdaroğlu ſaid İstanbul",
)


def test_holds_any_is_true_exactly_when_a_key_is_a_substring() -> None:
    keys_choices = ((), ("kill",), ("hurt", "dead", "bodies"), ("", "x"), ("a", "police"))
    for text, keys in itertools.product(_TEXTS, keys_choices):
        assert holds_any(text, keys) is any(k in text for k in keys), (text, keys)


def test_the_feature_set_is_the_set_of_the_features() -> None:
    texts = (
        *_TEXTS,
        "Five killed, 12 wounded as a car bomb hits a market in Kabul - police",
        "kill kill kill the the 12 12 don't non-state x" * 40,  # past the character cap
    )
    for text in texts:
        assert classifier._feature_set(text) == set(classifier.features(text)), text


def test_counts_of_function_words_are_those_of_the_word_by_word_counts() -> None:
    for text in _TEXTS:
        words = language._WORD_RE.findall(text.lower())
        english = sum(1 for w in words if w in language._EN_STOP and w != "a")
        spanish = sum(1 for w in words if w in language._ES_STOP)
        assert language._english_words(words) == english, text
        assert language._spanish_words(words) == spanish, text


def _count_starts_word_by_word(seg: str) -> list[int]:
    # the loop _count_starts replaced: every word, tested in Python
    return [
        m.start()
        for m in casualties._WORD_RE.finditer(seg)
        if (m.group()[0].isdecimal() or m.group().casefold() in casualties._COUNT_FIRST_WORDS)
        and casualties._COUNT_START_RE.match(seg, m.start()) is not None
    ]


def test_count_starts_are_those_of_the_word_by_word_scan() -> None:
    pieces = (
        "At least", "AT LEAST", "about", "About", "a", "A", "an", "as", "in", "inland", "no",
        "more than", "Some", "dozens", "half", "12", "٣", "3rd", "1,200", "five", "FIVE",
        "ﬁve", "ﬁfty", "eﬆimated", "Straße", "İn", "ıt", "ſome", "\u212aill", "a_b", "a-b",
        "killed", "were", "people", "’s", ",", ".", "(", "\n",
    )  # fmt: skip
    rng = random.Random(12)
    for _ in range(3000):
        seg = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.3:
            seg = seg.replace(" ", "")
        assert casualties._count_starts(seg) == _count_starts_word_by_word(seg), seg


def _weapons_ignoring_case(text: str, start: int, end: int) -> list[str]:
    # find_weapons before the lowercase pattern: the case-insensitive one over the text itself
    if not any(k in text[start:end].lower() for k in actors._WEAPON_KEYS):
        return []
    return actors.weapon_names(actors._WEAPON_RE.finditer(text, start, end))


def test_weapons_in_lowercased_text_are_those_found_ignoring_case() -> None:
    pieces = (
        "Drones", "DRONE", "drones", "UAVs", "uav", "IEDs", "ak-47s", "AK-47", "F-16s", "AC-130",
        "AC-130 aircraft", "tear gas", "Teargas", "HIMARS", "himars", "knives", "Knife",
        "Grad rockets", "Shahed drones", "tanks", "ſhahed", "\u212anife", "İEDs", "gunship",
        "Gunmen", "guns", "machine guns", "x", "-", "'", "fired", "at", "the", ",", ".",
    )  # fmt: skip
    rng = random.Random(47)
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        if rng.random() < 0.2:
            text = text.replace(" ", "")
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        expected = _weapons_ignoring_case(text, start, end)
        assert actors.find_weapons(text, start, end) == expected, (text, start, end)


def test_the_aggregate_cue_is_found_in_lowercased_text_as_ignoring_case() -> None:
    pattern = casualties._AGGREGATE_RE.pattern
    assert pattern == pattern.lower()  # its words lowercase, no escape like \S or \W
    pieces = (
        "Killed", "yesterday,", "including", "in", "the", "Past", "two", "Days", "3", "weeks",
        "of", "Clashes", "SINCE", "the", "Coup", "2021", "so far", "This Year", "across",
        "Several", "Areas", "in separate attacks", "ſince", "\u212ailled", "İn", "days", "x",
    )  # fmt: skip
    rng = random.Random(9)
    hits = 0
    for _ in range(3000):
        seg = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        expected = casualties._AGGREGATE_RE.search(seg) is not None
        hits += expected
        assert casualties._says_aggregate(seg) is expected, seg
    assert hits > 100  # the cue is met, not only missed


def test_a_lowercase_twin_refuses_a_pattern_with_uppercase() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        lowercase_twin(r"\bUS\b")
    with pytest.raises(ValueError, match="lowercase"):
        lowercase_twin(r"a\Sb")  # lowercased, \S would become \s


def _random_case(rng: random.Random, text: str) -> str:
    return "".join(ch.upper() if rng.random() < 0.3 else ch for ch in text)


def test_lowercase_twins_find_the_spans_found_ignoring_case() -> None:
    pieces = (
        "heart attack", "Cyber attacks", "under fire", "trade war", "shot at the title",
        "in response to", "in retaliation for", "the 2019", "a 1998 raid", "despite", "after",
        "two years of", "months after", "in memory of", "following the clashes between",
        "struck by lightning", "strike a deal", "ſtrike", "\u212ailled", "İn", "ı", "x", ",", ".",
    )  # fmt: skip
    twins = (
        (classify._NEGATIVE_RE, classify._NEGATIVE_LOW_RE),
        (classify._BACKREF_RE, classify._BACKREF_LOW_RE),
    )
    rng = random.Random(5)
    hits = 0
    for _ in range(2000):
        text = _random_case(rng, " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))))
        start = rng.randint(0, len(text))
        for rx, twin in twins:
            expected = [m.span() for m in rx.finditer(text, start)]
            hits += bool(expected)
            if folds_plainly(text):
                assert [m.span() for m in twin.finditer(text.lower(), start)] == expected, text
        expected_spans = _suppressed_ignoring_case(text, start, len(text))
        low = lowered_document(text)
        assert classify.suppressed_spans(text, start, len(text), low) == expected_spans, text
    assert hits > 500


def _suppressed_ignoring_case(text: str, start: int, end: int) -> list[tuple[int, int]]:
    # suppressed_spans before the twin: no lowered document, the case-insensitive cues over
    # the text itself
    return classify.suppressed_spans(text, start, end, None)


def test_lowered_scans_give_the_matches_and_groups_of_the_case_insensitive_ones() -> None:
    pieces = (
        "no one was killed", "nobody was hurt", "killing a soldier", "wounding one civilian",
        "killed the driver", "killed their two guards", "a villager was shot dead",
        "an officer was injured", "one man was beaten to death", "no casualties",
        "ſhot", "\u212ailled", "İn", "and", ",", ".", "x",
    )  # fmt: skip
    pairs = (
        (casualties._ZERO_RE, casualties._ZERO_LOW_RE),
        (casualties._AFTER_ONE_RE, casualties._AFTER_ONE_LOW_RE),
        (casualties._DEF_ONE_AFTER_RE, casualties._DEF_ONE_AFTER_LOW_RE),
        (casualties._ARTICLE_RE, casualties._ARTICLE_LOW_RE),
        (classify._IRREALIS_RE, classify._IRREALIS_LOW_RE),
    )
    rng = random.Random(21)
    hits = 0
    for _ in range(1500):
        text = _random_case(rng, " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 7))))
        if not folds_plainly(text):
            continue
        for rx, twin in pairs:
            expected = [(m.span(), m.groupdict()) for m in rx.finditer(text)]
            hits += bool(expected)
            got = [
                (m.span(), m.groupdict()) for m in finditer_lowered(rx, twin, text, text.lower())
            ]
            assert got == expected, (rx.pattern[:40], text)
    assert hits > 500


def test_a_lowercase_twin_keeps_named_groups() -> None:
    twin = lowercase_twin(r"\b(?P<verb>killed|shot)\s+(?P=verb)?")
    assert twin.match("killed ").group("verb") == "killed"  # type: ignore[union-attr]


def test_the_kill_verb_before_a_count_is_found_by_its_lowercase_twin() -> None:
    pieces = (
        "killing", "Killed", "at least", "12", "five", "soldiers", "destroyed", "65", "troops",
        "the bodies of", "raising the death toll to", "neutralised", "terrorists", "ſoldiers",
        "\u212ailled", "İn", "and", ",", "x",
    )  # fmt: skip
    rng = random.Random(33)
    hits = 0
    for _ in range(1500):
        text = _random_case(rng, " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))))
        if not folds_plainly(text):
            continue
        rx, twin = casualties._AFTER_RE, casualties._AFTER_LOW_RE
        expected = [(m.span(), m.groupdict()) for m in rx.finditer(text)]
        hits += bool(expected)
        got = [(m.span(), m.groupdict()) for m in finditer_lowered(rx, twin, text, text.lower())]
        assert got == expected, text
    assert hits > 50


def test_the_near_cue_before_a_place_is_the_one_found_ignoring_case() -> None:
    assert "(?<" not in places._NEAR_RE.pattern  # the window keeps one character before it
    pieces = (
        "30 km", "North", "of", "near", "Outskirts of", "close to", "the", "village of",
        "12 miles", "south-east", "on the road to", "ſouth", "\u212am", "İn", "\n", ",", "x",
    )  # fmt: skip
    rng = random.Random(8)
    hits = 0
    for _ in range(3000):
        text = _random_case(rng, " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))))
        text += " " + rng.choice(("", " ", "\n"))
        start = len(text)
        lo = rng.randint(0, start)
        m = places._NEAR_RE.search(text, lo, start)
        hits += m is not None
        got = places._near_before(text, lo, start)
        assert (got and (got.span(), got.groupdict())) == (m and (m.span(), m.groupdict())), text
    assert hits > 300


def test_lowered_document_is_the_lowered_text_where_case_folds_plainly() -> None:
    """The document is lowered once by its reader (rules._extract) and passed down to
    suppressed_spans, not lowered once per sentence (a quarter of a long page's time)."""
    text = "Gunmen KILLED five. " * 50
    assert lowered_document(text) == text.lower()
    other = "Police Said " + text
    assert lowered_document(other) == other.lower()
    # a character whose case folding changes offsets or matches: no lowered text
    assert lowered_document("İstanbul " + text) is None
    assert lowered_document("\u212aILLED " + text) is None

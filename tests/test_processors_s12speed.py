"""Helpers of the twelfth speed round: each gives exactly what the expression it replaced gave."""

from __future__ import annotations

import itertools

from processors import classifier, language
from processors.fastre import holds_any

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

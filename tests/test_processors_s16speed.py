"""Sixth speed round: each rewritten computation gives exactly what the one it replaced gave."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from processors import classifier, geo_data

DEVSET = Path(__file__).resolve().parent.parent / "bench" / "devset" / "devset.jsonl"

# the classifier's word pattern before this round
_PLAIN_TOKEN_RE = re.compile(r"[a-z]+(?:['’-][a-z]+)*|\d+")


def _same_matches(pattern: re.Pattern[str], plain: re.Pattern[str], text: str) -> None:
    assert pattern.findall(text) == plain.findall(text), text
    spans = [m.span() for m in pattern.finditer(text)]
    assert spans == [m.span() for m in plain.finditer(text)], text
    for pos in range(len(text) + 1):
        got, want = pattern.match(text, pos), plain.match(text, pos)
        assert (got and got.span()) == (want and want.span()), (text, pos)


def _random_texts(alphabet: str, seed: int) -> Iterator[str]:
    """3,000 texts of 0 to 24 characters drawn from ``alphabet``, the same for a seed."""
    rng = random.Random(seed)
    for _ in range(3000):
        yield "".join(rng.choices(alphabet, k=rng.randint(0, 24)))


def test_the_word_pattern_matches_what_the_plain_one_did_on_random_text() -> None:
    # separators doubled, at ends, before digits; letters outside [a-z]; other digits
    alphabet = "ab z-'’'-- 09٣²AÀé.\n"
    for text in _random_texts(alphabet, seed=16):
        _same_matches(classifier._TOKEN_RE, _PLAIN_TOKEN_RE, text)


def test_the_features_of_the_dev_set_reports_are_those_of_the_plain_pattern() -> None:
    texts = [json.loads(line)["text"] for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 300
    for text in texts:
        lowered = text[: classifier._MAX_CHARS].lower()
        assert classifier._TOKEN_RE.findall(lowered) == _PLAIN_TOKEN_RE.findall(lowered), text


# the gazetteer's word pattern before this round
_PLAIN_PLACE_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ.][^\W\d_]+)*\.?")


def test_the_place_word_pattern_matches_what_the_plain_one_did_on_random_text() -> None:
    # inner and trailing separators, doubled, at the start; digits and "_" (not letters);
    # letters outside ASCII and outside Latin-1
    alphabet = "aZ ş'’ʼ..-_09ÀİK\n"
    for text in _random_texts(alphabet, seed=1616):
        _same_matches(geo_data.TOKEN_RE, _PLAIN_PLACE_TOKEN_RE, text)


def test_the_place_words_of_the_dev_set_reports_are_those_of_the_plain_pattern() -> None:
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        got = [m.span() for m in geo_data.TOKEN_RE.finditer(text)]
        assert got == [m.span() for m in _PLAIN_PLACE_TOKEN_RE.finditer(text)], text

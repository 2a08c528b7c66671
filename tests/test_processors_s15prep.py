"""Speed round, fifth, preparation (s15prep): each rewritten pattern against the one it replaced,
on generated mixed-case text with İ ı ſ K, accents and apostrophes (bench/README.md)."""

from __future__ import annotations

import random
import re

import pytest

from processors import places
from processors.fastre import first_char_dispatch, unnamed
from processors.geo_data import data_text

# letters whose case folding is odd (İ ı ſ K), accented ones, apostrophes, a hyphen, a space
_ALPHABET = ["a", "A", "b", "B", "é", "É", "i", "I", "İ", "ı", "s", "ſ", "k", "K", "K", "'", "’"]
_ALPHABET += ["-", " "]


def _word(rng: random.Random, longest: int = 4) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, longest)))


def _alternative(rng: random.Random) -> str:
    """An escaped literal, at times starting with a class of a letter in both cases."""
    word = _word(rng)
    if rng.random() < 0.25 and word[0].isalpha():
        return f"[{word[0]}{word[0].swapcase()}]{re.escape(word[1:])}"
    return re.escape(word)


@pytest.mark.parametrize("seed", range(40))
def test_first_char_dispatch_finds_what_the_alternation_finds(seed: int) -> None:
    rng = random.Random(seed)
    alts = [_alternative(rng) for _ in range(rng.randint(1, 30))]
    # prefixes of one another and the same name twice: the order among them decides the match
    alts += [a[: rng.randint(1, len(a))] for a in rng.sample(alts, min(5, len(alts)))]
    alts = [a for a in alts if not a.endswith("\\") and not a.endswith("[")]
    alts = [a for a in alts if a.count("[") == a.count("]")]
    rng.shuffle(alts)
    tail = rng.choice(["", r"\b", r"(?!a)", "b?"])
    old = re.compile(f"(?:{'|'.join(alts)}){tail}")
    new = re.compile(f"(?:{first_char_dispatch(alts)}){tail}")
    for _ in range(30):
        text = " ".join(_word(rng, 6) for _ in range(rng.randint(1, 12)))
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]
        for pos in range(len(text) + 1):
            a, b = old.match(text, pos), new.match(text, pos)
            assert (a and a.span()) == (b and b.span()), (alts, text, pos)


def test_first_char_dispatch_keeps_the_order_within_a_first_character() -> None:
    # the first alternative that matches wins, not the longest: "ab" before "abc"
    rx = re.compile(first_char_dispatch(["ab", "x", "abc", "a"]))
    assert rx.match("abc").group() == "ab"
    rx = re.compile(first_char_dispatch(["a", "abc"]))
    assert rx.match("abc").group() == "a"


@pytest.mark.parametrize("alt", ["(a)", ".x", "a*", "a?", "a{2}", "[a]+b", "[a-z]b", "[^a]", r"\d"])
def test_first_char_dispatch_refuses_other_starts(alt: str) -> None:
    with pytest.raises(ValueError, match="does not start with a literal"):
        first_char_dispatch(["ok", alt])


def _actor_names() -> list[str]:
    names: list[str] = []
    for line in data_text("actors.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            names += line.split("\t")[2].split("|")
    return names


def _garbled(rng: random.Random, name: str) -> str:
    """The name as is, or with one letter's case changed, an odd letter put in, or cut short."""
    pick = rng.random()
    if pick < 0.4 or not name:
        return name
    i = rng.randrange(len(name))
    if pick < 0.6:
        return name[:i] + name[i].swapcase() + name[i + 1 :]
    if pick < 0.8:
        return name[:i] + rng.choice("İıſKé’'") + name[i + 1 :]
    return name[:i]


def test_home_actor_names_are_found_where_the_grouped_names_are() -> None:
    rng = random.Random(15)
    names = _actor_names()
    grouped = unnamed(places._HOME_GROUP_RE)  # the pattern _HOME_ANY_RE was before
    seps = [" ", ", ", " and ", "-", "'s ", "La ", "El ", " la ", "’", "", "x", "İ"]
    for _ in range(400):
        parts = [_garbled(rng, rng.choice(names)) for _ in range(rng.randint(1, 6))]
        text = "".join(rng.choice(seps) + p for p in parts) + rng.choice(seps)
        if rng.random() < 0.3:
            text = text.lower() if rng.random() < 0.5 else text.upper()
        found = [m.span() for m in places._HOME_ANY_RE.finditer(text)]
        assert found == [m.span() for m in grouped.finditer(text)], text
        for pos in range(0, len(text) + 1, 3):
            a, b = grouped.search(text, pos), places._HOME_ANY_RE.search(text, pos)
            assert (a and a.span()) == (b and b.span()), (text, pos)

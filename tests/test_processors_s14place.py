"""Helpers of the fourth speed round (the place reader): each gives exactly what the expression
it replaced gave, on generated text with mixed case and the characters whose case folding
differs (dotted and dotless i, long s, the Kelvin sign)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest

from processors import places
from processors.fastre import lowered_document
from processors.gazetteer import Place

# cues of _LOCATIVE_RE, _NEAR_RE and _NEAR_HINT_RE in mixed case, with distances, directions,
# accents, Arabic transliterations and the characters whose case folding differs
_PIECES = (
    "in", "IN", "near", "Near", "NEARBY", "outside", "Outskirts", "of", "OF", "close", "to",
    "vicinity", "from", "road", "off", "not", "far", "just", "the", "The", "struck", "northern",
    "North-East", "west", "WEST", "southeastern", "30", "km", "12.5", "kilometres", "miles",
    "(20", "miles)", "-", "Kenyan", "capital", "city", "town", "village", "Nairobi", "Ethiopia's",
    "Amhara", "region", "(", ",", "and", "x", "xnear", "xof", "ſtruck", "\u212aenyan", "İn",
    "ın", "ıN", "Sagaing", "Dayr", "az-Zawr", "al-Bāb", "Ma’arat", "Ḥalab", "Mosul", "São",
    "Paulo", "Zürich", "\n", "  ", "\t", "rural", "restive", "province", "\u212am", "ſouth",
)  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = [rng.choice(_PIECES) for _ in range(rng.randint(0, 18))]
        out.append(
            " ".join("".join(rng.choice((c.upper(), c)) for c in w) for w in words) + " Harare"
        )
    return out


def test_generated_texts_cover_both_paths() -> None:
    texts = _texts(14, 500)
    plain = sum(lowered_document(t) is not None for t in texts)
    assert 100 < plain < 450  # both the lowered document and the per-window path are tested


def test_locative_before_in_the_lowered_document_is_the_case_insensitive_search() -> None:
    for text in _texts(14, 500):
        low = lowered_document(text)
        for start in range(len(text) + 1):
            expected = places._LOCATIVE_RE.search(text, max(0, start - 40), start) is not None
            assert places._locative_before(text, start, low) is expected, (text, start)


def _match(m: object) -> tuple[object, ...] | None:
    assert m is None or isinstance(m, re.Match)
    return None if m is None else (m.span(), m.groupdict())


def test_near_before_in_the_lowered_document_is_the_case_insensitive_search() -> None:
    for text in _texts(15, 500):
        low = lowered_document(text)
        for start in range(len(text) + 1):
            lo = max(0, start - 60)
            expected = _match(places._NEAR_RE.search(text, lo, start))
            assert _match(places._near_before(text, lo, start, low)) == expected, (text, start)


def test_near_hint_twin_finds_what_the_case_insensitive_hint_finds() -> None:
    for text in _texts(16, 500):
        low = lowered_document(text)
        if low is None:
            continue
        for start in range(len(text) + 1):
            lo = max(0, start - 60)
            expected = _match(places._NEAR_HINT_RE.search(text, lo, start))
            assert _match(places._NEAR_HINT_LOW_RE.search(low, lo, start)) == expected


_TOWN = Place("Harare", None, "Zimbabwe", "ZW", "ZWE", -17.8, 31.0, 1, 1_500_000, "city")


def test_hit_with_the_lowered_document_is_the_hit_without() -> None:
    for text in _texts(17, 400):
        low = lowered_document(text)
        start = text.rindex("Harare")
        for end in (start + 6, len(text)):
            args = (text, start, end, text[start:end], _TOWN, False)
            assert places._hit(*args, low) == places._hit(*args), text


def test_hit_sees_the_cues_in_the_lowered_document() -> None:
    text = "Gunmen struck 30 KM North of Harare"
    start = text.index("Harare")
    hit = places._hit(text, start, len(text), "Harare", _TOWN, False, lowered_document(text))
    assert hit.locative and hit.near and hit.offset_km is not None
    assert hit.offset_km[0] == pytest.approx(30.0)


class _CountingSearch:
    """The actor-table pattern, counting its ``search`` calls."""

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx = rx
        self.searches = 0

    def search(self, *args: Any) -> re.Match[str] | None:
        self.searches += 1
        return self.rx.search(*args)

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        return self.rx.finditer(*args)


@pytest.mark.parametrize(
    "text",
    [
        "Clashes between the SDF and IS fighters left five dead.",  # no country named at all
        "Russian shelling hit positions of the SDF, killing five.",  # only an attacker's country
    ],
)
def test_a_side_of_one_country_is_searched_for_once_and_places_the_text(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    spy = _CountingSearch(places._HOME_ANY_RE)
    monkeypatch.setattr(places, "_HOME_ANY_RE", spy)
    found = places.article_places(text)
    assert found.main_country is not None and found.main_country.country_iso3 == "SYR"
    assert spy.searches == 1


_SPANISH_PIECES = (
    "Santa", "Ana", "de", "DE", "De", "del", "la", "La", "las", "los", "Los", "Conde", "Parajes",
    "San", "José", "Universidad", "Ciudad", "\n", " ", "Iguala", "Periférico", "İzmir", "ſan",
    "ıla", "x", "-", "Ñuñoa", "El", "Oro", "Álamo", "d'Or", "O’Higgins", "de\n", "los\n", "Villa",
)  # fmt: skip


def _old_piece_of_spanish_name(text: str, start: int, end: int) -> bool:
    # the expression before this round: the name pattern searched before every name
    if places._ES_NAME_GOES_ON_RE.match(text, end):
        return True
    before = places._ES_NAME_BEFORE_RE.search(text, max(0, start - 40), start)
    return before is not None and (
        not before.group().endswith(" de ")
        or places._ES_PARTICLE_START_RE.match(text, start) is not None
    )


def test_piece_of_spanish_name_is_the_search_it_replaced() -> None:
    rng = random.Random(19)
    tails = 0
    for _ in range(1500):
        words = [rng.choice(_SPANISH_PIECES) for _ in range(rng.randint(1, 16))]
        text = " ".join(words)
        for m in re.finditer(r"\S+", text):
            old = _old_piece_of_spanish_name(text, m.start(), m.end())
            assert places._piece_of_spanish_name(text, m.start(), m.end()) is old, (text, m)
            tails += old and not places._ES_NAME_GOES_ON_RE.match(text, m.end())
    assert tails > 100  # the tails (found by the pattern before the name) are tested too
    # "$" matches before a final newline: a tail after "de" at the end of a line
    text = "Parajes de \nSan José"
    assert _old_piece_of_spanish_name(text, text.index("San"), len(text))
    assert places._piece_of_spanish_name(text, text.index("San"), len(text))


_ARTICLES = (
    "Gunmen killed five people 30 km north of Maiduguri in Borno State on Monday.",
    "Airstrikes TARGET Menbej and the outskirts of al-Bab, near Aleppo, Syria.",
    "Clashes in Mogoke Township (Mandalay Region) left three soldiers dead.",
    "Two men were shot outside Istanbul's city hall, police in İstanbul said.",
    "Matan a dos hombres en la colonia Santa Ana del Conde, en Celaya, Guanajuato.",
    "Russian shelling on the road between Kherson and Mykolaiv killed a ſoldier.",
    "A bomb exploded near the \u212aabul airport; the Taliban blamed IS.",
)


def test_article_places_with_the_lowered_text_is_article_places_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new = [repr(places.article_places(t)) for t in _ARTICLES]
    monkeypatch.setattr(places, "lowered_document", lambda text: None)  # the per-window path
    assert [repr(places.article_places(t)) for t in _ARTICLES] == new
    assert sum(lowered_document(t) is not None for t in _ARTICLES) == 4  # both paths above

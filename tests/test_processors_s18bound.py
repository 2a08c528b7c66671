"""Bounded work per article on hostile pages: the process stage has no per-article time budget,
so a page of many events or many place names must cost work in proportion to its length. These
tests count the work done (comparisons, spans looked at), never time it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from processors import extract_from_text
from processors import places as pl
from processors import rules as ex
from processors.rules import MAX_OPEN_INCIDENTS, MAX_TEXT_CHARS


def _roll_of_attacks(chars: int) -> str:
    """A digest of distinct attacks, one a day: no two can be one incident (each names its own
    day), so every mention starts an incident of its own."""
    day = date(2001, 1, 1)
    lines: list[str] = []
    total = 0
    n = 0
    while total < chars:
        line = f"On {day.day} {day:%B} {day.year} gunmen killed {3 + n % 40} people in Kano."
        lines.append(line)
        total += len(line) + 1
        day += timedelta(days=1)
        n += 1
    return " ".join(lines)


def test_a_roll_of_attacks_compares_each_mention_with_a_bounded_number_of_incidents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    real = ex._compatible

    def spy(m: ex._Mention, inc: ex._Incident) -> bool:
        nonlocal calls
        calls += 1
        return real(m, inc)

    monkeypatch.setattr(ex, "_compatible", spy)
    text = _roll_of_attacks(MAX_TEXT_CHARS - 200)
    got = extract_from_text(text, "2024-05-01", doc_id="roll")
    assert got
    mentions = text.count(" killed ")
    assert mentions > 1000
    # each mention with at most the latest open incidents (every incident with every later
    # mention was quadratic in the page's events)
    assert calls <= MAX_OPEN_INCIDENTS * mentions


def test_a_mention_still_continues_the_incident_told_just_before() -> None:
    text = (
        "Gunmen killed 12 people in Kano on Monday. "
        "The attackers also burned houses in the town, police said. "
        "Separately, soldiers clashed with bandits in Zamfara on Tuesday."
    )
    got = extract_from_text(text, "2024-05-01", doc_id="two")
    assert len(got) == 2
    assert got[0].fatalities == 12


class _CountedSpan(tuple[int, int]):
    """A (start, end) pair that counts each time it is read."""

    reads = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        _CountedSpan.reads += 1
        return super().__iter__()


def test_variant_names_are_checked_against_known_names_once_each() -> None:
    """Unknown capitalised names of a text that names no country are each checked against the
    spans already read (known names, groups' names): each span is read a bounded number of times,
    not once per candidate name (quadratic in a long page's place names)."""
    gaz = pl.gazetteer()
    if gaz is None:
        pytest.skip("no gazetteer")
    names = ["Qarmoud", "Zahbeen", "Tal Fasra", "Kafr Moun", "Deir Balout"]
    text = " ".join(f"Families fled from {names[k % len(names)]} {k}." for k in range(400))
    # spans that no candidate overlaps: each word "Families"
    orgs = [_CountedSpan((i, i + 8)) for i in range(len(text)) if text.startswith("Families", i)]
    assert len(orgs) == 400
    _CountedSpan.reads = 0
    pl._variant_hits(gaz, text, [], {}, ["SYR"], None, None, list(orgs), anywhere=True)
    spans = len(pl._variant_spans(gaz, text, ["SYR"]))
    assert spans >= 400
    assert _CountedSpan.reads <= 2 * len(orgs)


class _CountedHits(list[pl.PlaceHit]):
    """A page's place hits that count how many are visited."""

    visited = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for hit in super().__iter__():
            _CountedHits.visited += 1
            yield hit

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        got = super().__getitem__(key)
        return _CountedHits(got) if isinstance(key, slice) else got


def test_each_incident_of_a_roll_looks_at_its_own_places_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    real = ex.choose_location

    def spy(text: str, hits: list[pl.PlaceHit], *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(text, _CountedHits(hits), *args, **kwargs)

    monkeypatch.setattr(ex, "choose_location", spy)
    _CountedHits.visited = 0
    text = _roll_of_attacks(MAX_TEXT_CHARS - 200)
    assert extract_from_text(text, "2024-05-01", doc_id="roll")
    assert calls > 1000  # one per incident
    # the places of an incident's sentence and its neighbours (every place of the page for each
    # incident was quadratic)
    assert _CountedHits.visited <= 10 * calls


_PROTEST = (
    "Hundreds of people protested in Lagos on Monday against fuel prices, and police arrested "
    "12 protesters. "
)


def test_a_repeated_protest_reads_each_mentions_arrests_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One protest told in every sentence (a mirror loop): whether a mention's arrests are an
    intervention is read once per mention, not once per mention for every later one."""
    calls = 0
    real = ex.grievance_arrest

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(ex, "grievance_arrest", spy)
    text = _PROTEST * (MAX_TEXT_CHARS // len(_PROTEST))
    got = extract_from_text(text, "2024-05-01", doc_id="protest")
    assert [inc.sub_event_type for inc in got] == ["Protest with intervention"]
    mentions = text.count("arrested")
    assert mentions > 400
    assert calls <= 2 * mentions


def test_a_repeated_toll_picks_its_lead_mention_with_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lead (anchor) mention of one incident of hundreds of mentions is kept as mentions
    come: the items all max() calls of the extractor read grow with the mentions, not with their
    square."""
    items = 0
    real = max

    def counting_max(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal items
        seq = list(args[0]) if len(args) == 1 else list(args)
        items += len(seq)
        return real(seq, **kwargs)

    monkeypatch.setattr(ex, "max", counting_max, raising=False)
    sentence = "Gunmen killed four soldiers at a checkpoint near Kandahar on Monday, police said. "
    text = sentence * (MAX_TEXT_CHARS // len(sentence))
    got = extract_from_text(text, "2021-03-09", doc_id="repeated")
    assert len(got) == 1 and got[0].fatalities == 4
    mentions = text.count("killed")
    assert mentions > 500
    assert items <= 40 * mentions


class _CountedSpans(list[tuple[int, int]]):
    """A text's dateline spans that count how many are visited."""

    visited = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for span in super().__iter__():
            _CountedSpans.visited += 1
            yield span


def test_dates_are_checked_against_many_datelines_by_bisection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page of many filed reports, each with its dateline and a date: whether a date lies in a
    dateline is looked up, not scanned over every dateline for every date."""
    real = ex.datelines
    monkeypatch.setattr(ex, "datelines", lambda text: _CountedSpans(real(text)))
    _CountedSpans.visited = 0
    line = "KABUL, March 8 (Reuters) - Gunmen killed 4 people on 7 May 2021.\n"
    text = line * (MAX_TEXT_CHARS // len(line))
    assert extract_from_text(text, "2024-05-01", doc_id="filed")
    lines = text.count("\n")
    assert lines > 500
    assert _CountedSpans.visited <= 4 * lines

"""Very long texts: the extractor's work is bounded per article (no per-article time budget exists
in the process stage, so a 300 KB page must not hold it). These tests check the bounds by
counting what is analysed, never by timing."""

from __future__ import annotations

import itertools
import random

import pytest

from processors import extract_from_text
from processors import rules as ex
from processors.casualties import find_casualties
from processors.rules import MAX_TEXT_CHARS, TRUNCATED_WARNING
from processors.sentences import MAX_SENTENCE_CHARS, Sentence, split_sentences

_TEMPLATES = (
    "at least {n} people were killed and {m} wounded when gunmen attacked a market in Kano",
    "police said {n} suspects were arrested after the clash, including {m} women",
    "the death toll rose to {n} on Tuesday, officials said, with {m} injured",
    "an air strike killed {n} fighters near Aleppo, leaving {m} dead and several hurt",
    "protesters gathered in the capital; {n} were injured and {m} detained by security forces",
    "in 2019, {n} soldiers died in a similar ambush, and {m} civilians were wounded",
)


def _news_like(size: int, sep: str, seed: int = 7) -> str:
    """Casualty sentences with many numbers, joined by ``sep`` (", " makes one run-on line)."""
    rnd = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        s = rnd.choice(_TEMPLATES).format(n=rnd.randint(2, 300), m=rnd.randint(1, 50))
        if sep == ". ":
            s = s[0].upper() + s[1:]
        parts.append(s)
        total += len(s) + len(sep)
    return sep.join(parts) + "."


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[list[Sentence]]:
    """Records the sentences the extractor analyses (wraps its sentence splitter)."""
    seen: list[list[Sentence]] = []
    real = ex.split_sentences

    def spy(text: str) -> list[Sentence]:
        out = real(text)
        seen.append(out)
        return out

    monkeypatch.setattr(ex, "split_sentences", spy)
    return seen


@pytest.mark.parametrize("sep", [", ", ". ", "\n"])
def test_300kb_text_is_analysed_up_to_the_cap(sep: str, analysed: list[list[Sentence]]) -> None:
    text = _news_like(300_000, sep)
    assert len(text) >= 300_000
    got = extract_from_text(text, "2024-05-01", doc_id="long")
    assert 1 <= len(got) <= 8
    for inc in got:
        assert text[inc.evidence.start : inc.evidence.end] == inc.evidence.text
        assert inc.evidence.end <= MAX_TEXT_CHARS
        assert any(w.startswith(TRUNCATED_WARNING) for w in inc.warnings)
        assert inc.fatalities is None or inc.fatalities >= 0
    (sentences,) = analysed
    assert sentences[-1].end <= MAX_TEXT_CHARS
    assert max(s.end - s.start for s in sentences) <= MAX_SENTENCE_CHARS
    # bounded work: no more sentences than the analysed prefix can hold
    assert len(sentences) <= MAX_TEXT_CHARS // 40


def test_text_under_the_cap_has_no_truncation_warning() -> None:
    text = _news_like(20_000, ". ")
    got = extract_from_text(text, "2024-05-01", doc_id="mid")
    assert got
    assert all(not w.startswith(TRUNCATED_WARNING) for inc in got for w in inc.warnings)


def test_run_on_line_is_cut_into_bounded_sentences_with_exact_offsets() -> None:
    text = "Intro line.\n" + _news_like(20_000, ", ")
    sentences = split_sentences(text)
    assert len(sentences) > 20_000 // MAX_SENTENCE_CHARS
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert 0 < len(s.text) <= MAX_SENTENCE_CHARS
    # pieces are cut at clause breaks, not inside words
    for a, b in itertools.pairwise(sentences[1:]):
        assert text[a.end : b.start].strip() == ""
        assert text[a.end - 1] in ",;"


def test_subset_and_year_cues_still_work_far_into_a_long_segment() -> None:
    filler = "officials said the situation was calm, " * 200
    cas = find_casualties(filler + "gunmen killed 12 people, including 3 women, on Monday")
    assert cas.fatalities is not None and cas.fatalities.value == 12
    cas = find_casualties(filler + "as in 2019 soldiers were killed, 7 soldiers were killed")
    assert cas.fatalities is not None and cas.fatalities.value == 7


def test_one_toll_repeated_in_every_sentence_reads_each_mentions_sides_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page that repeats one toll in every sentence (a mirror loop, a scraper's duplicate
    paragraphs) makes one incident of hundreds of mentions. Whether a mention's dead are another
    group reads the sides named by every mention counted before it: read once per mention, not
    once per pair (which was quadratic: seconds of one worker on one 60 KB page)."""
    calls = 0
    real = ex._sides

    def spy(m: object) -> set[str]:
        nonlocal calls
        calls += 1
        return real(m)  # type: ignore[arg-type]

    monkeypatch.setattr(ex, "_sides", spy)
    sentence = "Gunmen killed four soldiers at a checkpoint near Kandahar on Monday, police said. "
    text = sentence * (MAX_TEXT_CHARS // len(sentence))
    got = extract_from_text(text, "2021-03-09", doc_id="repeated")
    assert len(got) == 1
    assert got[0].fatalities == 4
    mentions = text.count("killed")
    assert mentions > 500
    assert calls <= 2 * mentions

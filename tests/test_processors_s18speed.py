"""Speed round seven (s18speed): the gazetteer's word scan skips a run of dropped lowercase words
in one regex call (``gazetteer._DROPPED_RUN_RE``) and keeps exactly the tokens of the
word-by-word loop it replaces (kept here as the reference)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from processors import gazetteer
from processors.geo_data import PARTICLES, TOKEN_RE, fold_token

DEVSET = Path(__file__).resolve().parent.parent / "bench" / "devset" / "devset.jsonl"


def _reference_tokens(text: str) -> list[tuple[int, int, str, bool, bool, bool, bool]]:
    """``gazetteer._tokens`` as it was before this round (one Python step per word), as tuples."""
    toks: list[list] = []
    prev_end = 0
    lower_run = gazetteer._MAX_LOWER_RUN
    last: list | None = None
    for m in TOKEN_RE.finditer(text):
        s, end = m.span()
        cap = text[s].isupper()
        if cap:
            lower_run = 0
        else:
            if last is None or lower_run >= gazetteer._MAX_LOWER_RUN:
                if (
                    end - s > gazetteer._PARTICLE_CHARS
                    or text[s : end - (text[end - 1] == ".")] not in PARTICLES
                ):
                    last = None
                    prev_end = end
                    continue
            lower_run += 1
        word = text[s:end]
        e = end
        if word[-1] == "." and "." not in word[:-1]:
            word = word[:-1]
            e -= 1
        if word.endswith(("'s", "’s")) and len(word) > 3:
            word = word[:-2]
            e -= 2
        if not toks:
            sent_start = True
        elif s - prev_end == 1 and text[prev_end] == " ":
            if last is not None:
                last[6] = True
            sent_start = False
        else:
            gap = text[prev_end:s]
            if last is not None and len(gap) <= 3:
                last[6] = gap.strip(" \t\u00a0") in ("", "-")
            sent_start = not gazetteer._SENTENCE_BREAK.isdisjoint(gap)
        last = [s, e, fold_token(word), cap, cap and len(word) > 1 and word.isupper(), sent_start]
        last.append(False)  # joinable
        toks.append(last)
        prev_end = end
    return [tuple(t) for t in toks]  # type: ignore[misc]


def _tokens(text: str) -> list[tuple[int, int, str, bool, bool, bool, bool]]:
    return [
        (t.start, t.end, t.key, t.cap, t.upper, t.sent_start, t.joinable)
        for t in gazetteer._tokens(text)
    ]


# words of a-z, the particles (alone, with a full stop, with a joiner and a letter after them, as
# a word's start), capitals, letters outside ASCII (lowercase, uppercase, uncased, titlecase),
# the joiners and the full stop doubled and at word ends, digits, the underscore, gaps that do
# and do not break a sentence
_WORDS = (
    "al el ad as ash an es en al. al- al' al’ alx ala x kill in the of village Al AL El Kabul US "
    "U.S. é égypte Émile ǅ مدينة ß ſ İ ı K ' ’ ʼ . .. - _ 1 ٣ , : 's ’s"
)
_PIECES = [*_WORDS.split(), " ", " ", "  ", ", ", ". ", "\n", '"', "“", "\u00a0"]


def _random_texts(seed: int, count: int = 4000) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        parts = rng.choices(_PIECES, k=rng.randint(0, 30))
        # glue some pieces together, put spaces between others
        yield "".join(p + rng.choice(["", " ", " ", " "]) for p in parts)


def test_tokens_match_the_word_by_word_loop_on_random_texts() -> None:
    differ = [t for t in _random_texts(18) if _tokens(t) != _reference_tokens(t)]
    assert differ == []


def test_tokens_match_the_word_by_word_loop_on_the_dev_set() -> None:
    lines = DEVSET.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    assert len(texts) > 300
    kept = 0
    for text in texts:
        ref = _reference_tokens(text)
        assert _tokens(text) == ref
        kept += len(ref)
    assert kept > 1000  # the texts hold kept words, so the comparison is not vacuous


def test_particles_and_capitals_after_a_dropped_run_are_kept() -> None:
    text = "gunmen attacked the village of al-Hol near the town of Kabul. later the al. and el"
    keys = [t[2] for t in _tokens(text)]
    assert keys == [t[2] for t in _reference_tokens(text)]
    assert "hol" in " ".join(keys) and "kabul" in " ".join(keys)
    assert [k for k in keys if k in ("al", "el")] == ["al", "al", "el"]


def test_dropped_run_stops_before_any_word_the_loop_would_keep() -> None:
    # the run ends at a word's end, never past a capital, a particle or a non-ASCII start
    for text, stop in [
        ("the men of Kabul", 10),
        ("the men al-Hol", 7),
        ("the men al. x", 7),
        ("the men élite x", 7),
        ("the men alx y", 13),
        ("the U.S. men", 3),
        ("  ", 0),
    ]:
        m = gazetteer._DROPPED_RUN_RE.match(text, 0)
        assert m is not None and m.end() == stop, text


def test_the_classifier_keeps_the_first_and_last_weight_rows() -> None:
    # serving rows count from the end so that none is 0 (unknown features' None is dropped by
    # truth value): row 0 and the last row must both survive as known features
    from processors import classifier

    model = classifier.load_classifier()
    n = len(model.vocab)
    by_row = {i: f for f, i in model.vocab.items()}
    for row in (0, 1, n - 1):
        feats = {classifier._serving_form(by_row[row]), "no-such-feature"}
        rows = model.serving_rows(feats)
        assert [r + n for r in rows] == [row]
        assert model.weights.take(rows, axis=0).tobytes() == model.weights[row : row + 1].tobytes()

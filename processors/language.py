"""Language of an article: the rules are English-only, so other languages must be recognised.

A cheap stopword count settles clearly English text without a model; anything else goes to
``py3langid`` (a small bundled n-gram model, ~40 µs per call). A declared language
(``Article.language``) is trusted only when the text agrees with it.
"""

from __future__ import annotations

import re

__all__ = ["detect_language"]

_WORD_RE = re.compile(r"[a-zà-ÿ']+")
_EN_STOP = frozenset(
    "the of and to in a is was were that for on with by at from as it said has have been his her "
    "their they he she an are which who after this its not but or also had".split()
)


def detect_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code of ``text`` ("en", "fr", ...); "und" when there is nothing to judge."""
    sample = text[:1200].lower()
    words = _WORD_RE.findall(sample)
    if not words:
        return (declared or "und").split("-")[0].lower()
    en = sum(1 for w in words if w in _EN_STOP)
    if len(words) >= 8 and en / len(words) >= 0.2:
        return "en"
    import py3langid

    lang, _score = py3langid.classify(sample)
    if lang != "en" and len(words) < 8 and en / len(words) >= 0.25:
        return "en"
    if lang != "en" and len(words) <= _HEADLINE_WORDS and _english_headline(text[:1200]):
        return "en"
    return str(lang)


# A headline is short and full of names ("Gunman kills police reporter in Mexico"): the n-gram
# model reads the names' language. Its lowercase words say the language instead: all of them
# common English words and none a function word of a language that shares those names.
_HEADLINE_WORDS = 30
_HEADLINE_MIN_ZIPF = 3.0
_LOWER_WORD_RE = re.compile(r"(?<![\w'’-])[a-zà-ÿ][a-zà-ÿ'’-]*")
_OTHER_FUNCTION_WORDS = frozenset(
    # Spanish, Portuguese, French, Italian function words that English text does not use
    "el la los las del al y e o u un una unos unas por para con sobre entre hasta desde de en "
    "que se su sus es fue fueron como pero muy más tras durante contra "
    "da dos das na nos em um uma com pelo pela ao à é são foi "
    "le les du des et ou une dans sur avec sans pour par est sont été "
    "gli della dei delle nel nella tra fra è sono".split()
)


def _english_headline(text: str) -> bool:
    words = _LOWER_WORD_RE.findall(text)
    if len(words) < 2:
        return False
    try:
        from processors.places import gazetteer

        gaz = gazetteer()
    except Exception:  # the gazetteer is optional here; without it the model decides
        return False
    if gaz is None:
        return False
    for w in words:
        if w in _OTHER_FUNCTION_WORDS:
            return False
        if w != "a" and gaz.english_zipf(w) < _HEADLINE_MIN_ZIPF:  # "a": both languages
            return False
    return True

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
    return str(lang)

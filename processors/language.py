"""Language of an article: the rules read English and Spanish, so others must be recognised.

A cheap stopword count settles clearly English text without a model; anything else goes to
``py3langid`` (a small bundled n-gram model, ~40 µs per call). A declared language
(``Article.language``) is trusted only when the text agrees with it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from processors.gazetteer import Gazetteer

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
    en = sum(map(_EN_STOP.__contains__, words))
    english = en - words.count("a")  # _english_words(words)
    # "a" is a Spanish word too: a Spanish headline with two of them ("Asesinan a balazos a
    # mujer en un mercado") is not English when Spanish function words outnumber English ones,
    # and "a" is counted for neither side there ("Matan a tres hombres a balazos en ...")
    # (nor are the Spanish words inside names: "They murder a man in Praderas de la Sierra")
    if len(words) >= 8 and en / len(words) >= 0.2 and _outnumbers_spanish(english, words, text):
        return "en"
    import py3langid

    lang, _score = py3langid.classify(sample)
    # (the Spanish "a" alone is no English sign when the model leans Spanish: "Asesinan a
    # balazos a hombre en ...")
    if (
        lang != "en"
        and len(words) < 8
        and en / len(words) >= 0.25
        and (english > 0 or lang not in _SPANISH_LIKE)
    ):
        return "en"
    if (
        lang != "en"
        and len(words) <= _HEADLINE_WORDS
        and (_english_headline(text[:1200]) or _english_title(text[:1200]))
    ):
        return "en"
    if lang in _SPANISH_MINOR or (lang in _SPANISH_NEIGHBOURS and len(words) <= _HEADLINE_WORDS):
        return _spanish_or(str(lang), sample, words)
    return str(lang)


# A short Spanish headline ("Matan a policía en Fresnillo") often scores highest as a minor
# Iberian language the model knows (Aragonese, Extremaduran, Asturian, Latin), whose news is
# negligible beside Spanish: read as Spanish when its Spanish function words outnumber English
# ones. A short one may also score as Galician, Catalan or Portuguese by a hair: Spanish too
# when Spanish scores within _SPANISH_MARGIN (log-probability per character) of the top.
_SPANISH_MINOR = frozenset({"an", "ext", "ast", "la"})
_SPANISH_NEIGHBOURS = frozenset({"gl", "ca", "pt", "oc", "it"})
_SPANISH_MARGIN = 0.25
_SPANISH_LIKE = _SPANISH_MINOR | _SPANISH_NEIGHBOURS | {"es"}


# Galician and Portuguese words a Spanish text never has ("Sicarios matan a dois homes en
# Vigo"): such a short headline is not Spanish however close the scores are
_NOT_SPANISH = frozenset(
    "dois dous duas dúas homes unha unhas nun nunha polo pola onte aínda tamén xunto mortos "
    "feridos não são uma umas também ontem".split()
)


def english_words_prevail(text: str) -> bool:
    """Whether English function words outnumber Spanish ones in ``text`` (its first 1,200
    characters): an English story full of Spanish names and places the detector read as
    Spanish."""
    # the function words inside names ("Marcha de la Dignidad", "Estado de Guerrero") are not
    # the text's own
    plain = _NAME_RUN_RE.sub(" ", text[:1200])
    words = _WORD_RE.findall(plain.lower())
    english = _english_words(words)
    return english > _spanish_words(words)


_NAME_RUN_RE = re.compile(
    r"(?<!\w)[A-ZÁÉÍÓÚÑ][\w'’-]*(?:\s+(?:(?:de|del|la|las|los|el|y)\s+)*[A-ZÁÉÍÓÚÑ][\w'’-]*)*"
)


def _outnumbers_spanish(english: int, words: list[str], text: str) -> bool:
    """``english > _spanish_words(_unnamed_words(text[:1200]))`` for ``words``, the words of
    ``text[:1200].lower()``: the Spanish function words outside names are some of those in
    ``words`` (a name run only removes characters, and never ends or starts inside one of these
    words), so when ``english`` outnumbers all of them the names need not be cut out."""
    if english > _spanish_words(words):
        return True
    return english > _spanish_words(_unnamed_words(text[:1200]))


def _unnamed_words(text: str) -> list[str]:
    """The lowercase words of ``text`` outside runs of capitalised names."""
    return _WORD_RE.findall(_NAME_RUN_RE.sub(" ", text).lower())


def _spanish_or(lang: str, sample: str, words: list[str]) -> str:
    english = _english_words(words)
    if _spanish_words(words) <= english or any(w in _NOT_SPANISH for w in words):
        return lang
    if lang in _SPANISH_MINOR:
        return "es"
    import py3langid

    ranked = py3langid.rank(sample)
    es = next((score for code, score in ranked if code == "es"), None)
    close = es is not None and ranked[0][1] - es <= _SPANISH_MARGIN * len(sample)
    return "es" if close else lang


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
    "sin ni ante bajo según hacia tres cuatro cinco seis siete ocho nueve diez "
    "da dos das na nos em um uma com pelo pela ao à é são foi "
    "le les du des et ou une dans sur avec sans pour par est sont été "
    "gli della dei delle nel nella tra fra è sono".split()
)


_ES_STOP = frozenset(
    "el la los las del al y en un una unos unas por para con que se su sus de es fue tras "
    "durante contra sin".split()
)


def _spanish_words(words: list[str]) -> int:
    return sum(map(_ES_STOP.__contains__, words))


def _english_words(words: list[str]) -> int:
    # "a" is a function word of both languages: not counted for English here
    return sum(map(_EN_STOP.__contains__, words)) - words.count("a")


def _word_frequencies() -> Gazetteer | None:
    """The gazetteer, whose English word frequencies the headline tests read; None without one
    (it is optional here: without it the model decides)."""
    try:
        from processors.places import gazetteer

        return gazetteer()
    except Exception:
        return None


def _english_headline(text: str) -> bool:
    words = _LOWER_WORD_RE.findall(text)
    if len(words) < 2:
        return False
    gaz = _word_frequencies()
    if gaz is None:
        return False
    for w in words:
        if w in _OTHER_FUNCTION_WORDS:
            return False
        if w != "a" and gaz.english_zipf(w) < _HEADLINE_MIN_ZIPF:  # "a": both languages
            return False
    return True


# A headline in Title Case ("Junta Shelling Kills Three Villagers In ...", "Ex-Police Chief From
# Apatzingán Shot Dead") has almost no lowercase word for _english_headline to read, and the
# n-gram model reads its names (Nigerian Pidgin, Bikol, Aragonese, Swedish ...). Case-folded,
# its words say the language: at least _TITLE_MIN_ENGLISH and half of them common English
# words, and none a function word of a language that shares those names (the connectors inside
# a name, "Sayula de Alemán", are the name's own).
_TITLE_WORD_RE = re.compile(r"(?<![\w'’-])[A-Za-zÀ-ÿ][\w'’-]*")
_TITLE_MIN_ENGLISH = 3


def _english_title(text: str) -> bool:
    plain = _NAME_RUN_RE.sub(
        lambda m: " ".join(w for w in m.group().split() if w[:1].isupper()), text
    )
    words = [w.lower() for w in _TITLE_WORD_RE.findall(plain)]
    if len(words) < _TITLE_MIN_ENGLISH or any(w in _OTHER_FUNCTION_WORDS for w in words):
        return False
    gaz = _word_frequencies()
    if gaz is None:
        return False
    english = sum(1 for w in words if w != "a" and gaz.english_zipf(w) >= _HEADLINE_MIN_ZIPF)
    return english >= _TITLE_MIN_ENGLISH and 2 * english >= len(words)

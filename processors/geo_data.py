"""Text normalization and word tables shared by the gazetteer build and its run-time lookups.

Both sides must fold names identically, so the folding lives here and nowhere else: the build
folds every GeoNames name into a key, the scanner folds text tokens and looks the keys up.
A key is lowercase ASCII, diacritics and apostrophes removed, hyphens turned into spaces, words
joined by one space ("Abū Ghurayb" -> "abu ghurayb", "Sana'a" -> "sanaa", "Ain al-Asad" ->
"ain al asad").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ADMIN_SUFFIXES",
    "DATA_DIR",
    "DATA_FILES",
    "MODIFIERS",
    "PARTICLES",
    "TOKEN_RE",
    "asciify",
    "data_text",
    "fold",
    "fold_token",
    "hard_stopwords",
]

# Letters not decomposed by NFKD, and marks GeoNames uses for ayn/hamza.
_SPECIAL = {
    "ı": "i",
    "İ": "I",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ħ": "h",
    "Ħ": "H",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "Th",
    "ð": "d",
    "Ð": "D",
    "ə": "a",
    "Ə": "A",
}
_APOSTROPHES = "'’‘ʼʻʿʾ`´ʹ"
_DASHES = "-‐‑‒–—"

_FOLD_TABLE = str.maketrans(
    {
        **_SPECIAL,
        **dict.fromkeys(_APOSTROPHES + ".", None),
        **dict.fromkeys(_DASHES + ",()/\u00a0", " "),
    }
)
_ASCII_TABLE = str.maketrans({**_SPECIAL, **dict.fromkeys("’‘ʼʻʿʾ`´ʹ", None)})

# A word: letters, optionally joined by inner apostrophes or periods ("Sana'a", "U.S", "d'Ivoire"),
# plus one trailing period so that "U.S." keeps its dot (callers strip it elsewhere).
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ.][^\W\d_]+)*\.?")

# Lowercase words that may start a multi-word name ("al-Hol", "el-Fasher").
PARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "es", "en"})

# A capitalized word before a place name that does not make the place a person's surname.
MODIFIERS = frozenset(
    """north south east west northern southern eastern western central greater upper lower
    northeast northwest southeast southwest northeastern northwestern southeastern southwestern
    north-east north-west south-east south-west new old occupied rural downtown inner outer
    in at on near from to into outside inside across around of and the a an as by for
    besieged embattled war-torn frontline front-line city town village""".split()
)

# Words after a name that make it the first-level region ("Idlib province", "Kursk Oblast").
ADMIN_SUFFIXES = frozenset(
    """province governorate oblast region state prefecture department county krai kray
    republic district""".split()
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILES = ("countries.tsv", "landmarks.tsv", "preferred.tsv", "stopwords.txt")


def data_text(name: str) -> str:
    """Text of one of our hand-authored tables in ``processors/data``."""
    return (DATA_DIR / name).read_text(encoding="utf-8")


def _strip_marks(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def fold(s: str) -> str:
    """The lookup key of a name or a run of words (see the module docstring)."""
    s = s.translate(_FOLD_TABLE)
    if not s.isascii():
        s = _strip_marks(s)
    return " ".join(s.lower().split())


@lru_cache(maxsize=65536)
def fold_token(tok: str) -> str:
    """The key of one text token; cached because news vocabulary repeats."""
    return fold(tok)


def asciify(s: str) -> str:
    """Display form without diacritics, case kept: "Al Anbār" -> "Al Anbar" (GeoNames asciiname)."""
    s = s.translate(_ASCII_TABLE)
    if not s.isascii():
        s = _strip_marks(s)
    return " ".join(s.split())


def hard_stopwords() -> frozenset[str]:
    """Folded keys that are never places in news text (stopwords.txt: words, '_' joins phrases)."""
    out: set[str] = set()
    for line in data_text("stopwords.txt").splitlines():
        for word in line.split("#", 1)[0].split():
            out.add(fold(word.replace("_", " ")))
    return frozenset(out)

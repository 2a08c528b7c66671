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
    "ARABIC_NAME_COUNTRIES",
    "DATA_DIR",
    "DATA_FILES",
    "MODIFIERS",
    "PARTICLES",
    "TOKEN_RE",
    "asciify",
    "canon_key",
    "canon_token",
    "data_text",
    "fold",
    "fold_token",
    "hard_stopwords",
    "skeleton_key",
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
# possessive quantifiers: the tail ``\.?`` can always match empty, so the greedy parts never
# give back and the matches are those of ``[^\W\d_]+(?:['’ʼ.][^\W\d_]+)*\.?``, found without
# the regex engine's backtracking bookkeeping per word
TOKEN_RE = re.compile(r"[^\W\d_]++(?:['’ʼ.][^\W\d_]++)*+\.?")

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
DATA_FILES = ("countries.tsv", "landmarks.tsv", "preferred.tsv", "stopwords.txt", "towns.tsv")


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


# Transliteration variants of one word, all mapped to one spelling (Tel/Tal, Jebel/Jabal ...).
_CANON_WORDS = {
    "tel": "tal",
    "tell": "tal",
    "jebel": "jabal",
    "djebel": "jabal",
    "jbel": "jabal",
    "gebel": "jabal",
    "kfar": "kafr",
    "kafar": "kafr",
    "deir": "dair",
    "dayr": "dair",
    "dar": "dar",
    "ayn": "ain",
    "ein": "ain",
    "beit": "bait",
    "bayt": "bait",
    "bent": "bint",
    "sheikh": "shaikh",
    "shaykh": "shaikh",
    "sheik": "shaikh",
    "abou": "abu",
    "umm": "um",
    "oum": "um",
    "ouadi": "wadi",
    "ras": "ras",
    "khan": "khan",
    "mazraat": "mazraa",
    "mazraet": "mazraa",
}
# Spelling rules applied in order to the rest of a word: French "ou", long vowels, diphthongs,
# Arabic feminine endings, q/k, doubled letters.
_CANON_RULES = (
    (re.compile(r"(?:iyyah|iyyeh|iyya|iyah|iyeh|iyeh|ieh|iye|iah)$"), "iya"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"(?:ei|ey|ay)"), "ai"),
    (re.compile(r"aw(?![aeiou])"), "o"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"(?<=[a-z])(?:ah|eh)$"), "a"),
    (re.compile(r"q"), "k"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)


# Arabic articles as transliterated ("ez-Zor", "ech-Chouf"), dropped from spelling-free keys.
_ARTICLES = PARTICLES | {"ez", "er", "et", "ech", "esh", "ej", "ul", "il"}


@lru_cache(maxsize=65536)
def canon_token(key: str) -> str:
    """The spelling-insensitive form of one folded word; "" for an Arabic article ("al", "el"),
    which news spellings drop or keep at will ("al-Qamishli", "Qamishli")."""
    if key in _ARTICLES:
        return ""
    word = _CANON_WORDS.get(key)
    if word is not None:
        return word
    if len(key) <= 3:
        return key
    for rule, repl in _CANON_RULES:
        key = rule.sub(repl, key)
    return key


def canon_key(key: str) -> str:
    """Spelling-insensitive form of a folded name: "al qamishli" and "kamishli" -> "kamishli",
    "nuseirat" and "an nusayrat" -> "nusairat", "tel abyad" and "tall abyad" differ (tall)."""
    words = [w for w in (canon_token(t) for t in key.split(" ")) if w]
    return " ".join(words) if words else key


# Countries whose town names are mostly romanised from Arabic, where one town is spelled many
# ways ("Menbej", "Manbij", "Minbij"): the ones whose towns variants_in(skeleton=True) serves.
ARABIC_NAME_COUNTRIES = frozenset(
    """DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN PSE QAT SAU SOM SDN SYR TUN ARE
    YEM""".split()
)
_VOWELS_RE = re.compile(r"[aeiouy]+")
_DOUBLED_RE = re.compile(r"([a-z])\1+")
_GLIDE_RE = re.compile(r"(?<=[aeiou])w")
# A skeleton this short matches too many unrelated names ("Ein Essa" -> "ns").
SKELETON_MIN = 4


def skeleton_key(key: str) -> str:
    """The consonants of a folded Arabic-derived name, articles dropped, words run together:
    the key under which spellings that differ only in vowels, doubled letters or word breaks
    meet ("menbej" and "manbij" -> "mnbj", "deir ezzor" and "dayr az zawr" -> "drzr"); "" when
    shorter than SKELETON_MIN. Coarser than canon_key, so only a fallback within one country."""
    words = [w for w in (canon_token(t) for t in key.split(" ")) if w]
    # "w" after a vowel is a glide that other romanisations write as a vowel ("zawr", "zor")
    skel = _VOWELS_RE.sub("", _GLIDE_RE.sub("", "".join(words)))
    skel = _DOUBLED_RE.sub(r"\1", skel)
    return skel if len(skel) >= SKELETON_MIN and skel.isalpha() else ""


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

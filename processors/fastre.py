"""Faster compiled forms of the rules' regexes, with exactly the same matches.

Python's ``re`` tries a long alternation ("\\b(?:another|a separate|meanwhile|...)") at every
position of the searched text; it has no first-character index for a pattern that starts with a
word-boundary test or an alternation. :func:`guarded` puts a one-character look-ahead in front:
the characters a match can start with, read from the parsed pattern. Positions that cannot
start a match then fail on one character-class test instead of on every branch (2-3x faster
scans of whole texts and segments). The look-ahead is a superset test, so the matches are
unchanged; when the start characters cannot be known, the plain pattern is compiled.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = [
    "class_chars",
    "contains_any",
    "finditer_lowered",
    "finditer_named",
    "first_char_dispatch",
    "first_chars",
    "folds_plainly",
    "guarded",
    "holds_any",
    "lowercase_twin",
    "lowered_document",
    "may_hold",
    "unnamed",
]


def class_chars(items: Any, fold: bool = True) -> set[str] | None:
    """Lowercase characters a parsed character class ``[...]`` can match (with ``fold=False``:
    the characters themselves); None when it holds anything but literals and short ranges
    (negation, categories: treat as any character)."""
    case = str.lower if fold else str
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(case(chr(av)))
        elif op is _c.RANGE and av[1] - av[0] < 64:
            chars.update(case(chr(c)) for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars


def first_chars(items: Any, fold: bool = True) -> tuple[set[str] | None, bool]:
    """Lowercase characters a parsed regex sequence can start with (None: any; ``fold=False``:
    the characters themselves, for a case-sensitive pattern) and whether it can match the empty
    string. Conservative: unknown constructs give None."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
            continue  # zero-width: look further
        if op is _c.LITERAL:
            out.add(chr(av).lower() if fold else chr(av))
            return out, False
        if op is _c.IN:
            chars = class_chars(av, fold)
            return (None if chars is None else out | chars), False
        if op is _c.SUBPATTERN:
            sub, nullable = first_chars(av[-1], fold)
        elif op is _c.BRANCH:
            sub, nullable = set(), False
            for alt in av[1]:
                a, n = first_chars(alt, fold)
                if a is None or sub is None:
                    sub = None
                else:
                    sub |= a
                nullable = nullable or n
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            sub, nullable = first_chars(av[2], fold)
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if sub is None:
            return None, False
        out |= sub
        if not nullable:
            return out, False
    return out, True


# an inline flag group that turns IGNORECASE on (or off: then folding is merely conservative)
_INLINE_I = re.compile(r"\(\?[a-zA-Z-]*i")


def guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)`` with a look-ahead on the characters a match can start with
    (after a leading ``\\b``, which stays the first test: it rejects positions inside words most
    cheaply). A pattern that ignores case anywhere gets a look-ahead that ignores case too; a
    case-sensitive one gets its exact start characters (names: most words then fail at once).
    The look-ahead may let through more than the pattern matches, never less."""
    fold = bool(flags & re.IGNORECASE) or _INLINE_I.search(pattern) is not None
    first, nullable = first_chars(_parser.parse(pattern, flags), fold)
    if first is None or nullable or any(len(ch) != 1 for ch in first):
        return re.compile(pattern, flags)
    chars = "".join(re.escape(ch) for ch in sorted(first))
    look = f"(?=(?i:[{chars}]))" if fold else f"(?=[{chars}])"
    head, rest = ("\\b", pattern[2:]) if pattern.startswith("\\b") else ("", pattern)
    return re.compile(head + look + rest, flags)


def lowercase_twin(pattern: str) -> re.Pattern[str]:
    """``pattern`` (written in lowercase, meant to be matched ignoring case) compiled to match
    case-sensitively in ``text.lower()``: where :func:`folds_plainly` holds for ``text``,
    lowercasing keeps every offset and ignoring case matches exactly the characters whose
    lowercase the pattern names, so both find the same spans; without a case-folding call per
    character tried in each alternative (the case-insensitive scan's largest cost). Raises
    ValueError for a pattern with an uppercase character (a name, or an escape such as
    ``\\S``, that lowercasing would change) outside its named groups' ``(?P``."""
    if _NAMED_GROUP_OPEN_RE.sub("", pattern) != _NAMED_GROUP_OPEN_RE.sub("", pattern).lower():
        raise ValueError(f"pattern is not all lowercase: {pattern[:60]!r}")
    return guarded(pattern)


_NAMED_GROUP_OPEN_RE = re.compile(r"\(\?P(?=[<=])")


def finditer_lowered(
    rx: re.Pattern[str],
    twin: re.Pattern[str],
    text: str,
    low: str,
    pos: int = 0,
    endpos: int = sys.maxsize,
) -> Iterator[re.Match[str]]:
    """``rx.finditer(text, pos, endpos)`` for a case-insensitive ``rx``, its
    ``twin = lowercase_twin(rx.pattern)``, ``low = text.lower()`` and a ``text`` for which
    :func:`folds_plainly` holds: the twin finds where the matches are, ``rx`` is run only
    there, so each match is ``rx``'s own (its groups read ``text``)."""
    for m in twin.finditer(low, pos, endpos):
        found = rx.match(text, m.start(), endpos)
        if found is None or found.end() != m.end():  # cannot happen: see lowercase_twin
            raise AssertionError(f"{rx.pattern[:60]!r} and its lowercase twin disagree")
        yield found


# The only characters outside ASCII that a case-insensitive ASCII letter matches, or whose
# lowercase holds an ASCII letter (dotted and dotless i, long s, the Kelvin sign): without them,
# a lowercase substring test finds exactly what a case-insensitive literal finds.
_ASCII_FOLD_SPECIAL = ("\u0130", "\u0131", "\u017f", "\u212a")


def folds_plainly(text: str) -> bool:
    """Whether a case-insensitive ASCII literal occurs in ``text`` exactly when it occurs, in
    lowercase, in ``text.lower()`` (the keyword pre-checks before a regex rely on it)."""
    return not any(ch in text for ch in _ASCII_FOLD_SPECIAL)


def lowered_document(text: str) -> str | None:
    """``text.lower()`` where :func:`folds_plainly` holds for ``text`` (offsets then match the
    text's), else None. Lower a document once, where it is first read, and pass the answer
    down to the helpers that scan its sentences with lowercase twins."""
    return text.lower() if folds_plainly(text) else None


def contains_any(text: str, words: tuple[str, ...], rx: re.Pattern[str]) -> bool:
    """``rx.search(text) is not None`` for ``rx``, a case-insensitive alternation of the plain
    lowercase ASCII ``words`` (no word boundaries): substring tests on the lowercased text
    instead of every branch tried at every position; the regex only for text holding one of the
    few characters whose case folding differs."""
    if not folds_plainly(text):
        return rx.search(text) is not None
    return holds_any(text.lower(), words)


def may_hold(text: str, keys: tuple[str, ...]) -> bool:
    """False when ``text`` holds none of ``keys`` (plain lowercase ASCII), told by substring
    tests on the lowercased text: the pre-check before a case-insensitive regex every match of
    which holds one of them. True (run the regex) for a text with one of the few characters
    whose case folding differs."""
    if not folds_plainly(text):
        return True
    return holds_any(text.lower(), keys)


def holds_any(low: str, keys: tuple[str, ...]) -> bool:
    """``any(k in low for k in keys)`` as a plain loop: no generator object per call (the
    rules make a few dozen of these keyword tests per report)."""
    for k in keys:
        if k in low:
            return True
    return False


# the first item of an alternative when it is one character: a class of plain characters, an
# escaped non-word character, or a plain one; never quantified
_LITERAL_HEAD_RE = re.compile(
    r"(?:\[([^\]\\^-]+)\]|\\(\W)|([^\\\[(|)?*+{.^$]))(?![*+?{])", re.DOTALL
)


def first_char_dispatch(alternatives: list[str]) -> str:
    """``"|".join(alternatives)`` regrouped by first character, for a case-sensitive pattern:
    ``"a(?:bc|d)|b(?:...)"``. Each alternative must start with a literal character, an escaped
    one (as ``re.escape`` writes it) or a class of plain characters (``[jJ]``); within one
    first character the alternatives keep their order, so the first that matches is the same
    one and the matches are the same. ``re`` tries a long alternation branch by branch at every
    position; regrouped, it tests each first character once. Not for a pattern that ignores
    case (a branch under "a" would then also match "A", ahead of the branches under "A").
    Raises ValueError for an alternative with any other start."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        head = _LITERAL_HEAD_RE.match(alt)
        if head is None:
            raise ValueError(f"alternative does not start with a literal: {alt[:60]!r}")
        chars = head.group(1) or head.group(2) or head.group(3)
        for ch in dict.fromkeys(chars):
            groups.setdefault(ch, []).append(alt[head.end() :])
    return "|".join(f"{re.escape(ch)}(?:{'|'.join(rests)})" for ch, rests in groups.items())


# A named group opening "(?P<name>"; references to one ("(?P=name)", "(?(name)...)") are refused.
_NAMED_GROUP_RE = re.compile(r"\(\?P<\w+>")
_GROUP_REFERENCE_RE = re.compile(r"\(\?P=|\(\?\(|\\\d|\\g<")


def unnamed(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` with every named group made non-capturing: the same matches at the same places
    (the alternatives stay in their order), for finding them and testing that there is one.

    ``re`` skips an alternative whose first item is a literal or a character class on one test
    of the current character; an alternative that starts with a group is entered, and its
    group marked, at every position tried. A long alternation of named groups (one per rule or
    name, read back with ``lastgroup``) thus costs a call per branch at every word start, where
    the same alternation without the names fails on one character test per branch (more than
    20x faster over the 360 names of the actor table). Raises ValueError for a pattern that
    refers back to a group: without the groups it would mean something else."""
    if _GROUP_REFERENCE_RE.search(rx.pattern):
        raise ValueError(f"pattern refers back to a group: {rx.pattern[:60]!r}")
    return re.compile(_NAMED_GROUP_RE.sub("(?:", rx.pattern), rx.flags)


def finditer_named(
    named: re.Pattern[str],
    plain: re.Pattern[str],
    text: str,
    pos: int = 0,
    endpos: int = sys.maxsize,
) -> Iterator[re.Match[str]]:
    """``named.finditer(text, pos, endpos)`` for ``plain = unnamed(named)``: ``plain`` finds
    where the matches are (it fails fast where none starts), ``named`` is run only there, for
    its groups. Both try the same alternatives in the same order with the same context (look-
    behinds and word boundaries see the text before ``pos``), so each match is the one
    ``named`` finds at that place; the patterns must not match the empty string."""
    for m in plain.finditer(text, pos, endpos):
        found = named.match(text, m.start(), endpos)
        if found is None or found.end() != m.end():  # cannot happen for plain = unnamed(named)
            raise AssertionError(f"{named.pattern[:60]!r} and its unnamed form disagree")
        yield found

"""Helpers shared by the rule-extractor tests on real-report classes (issue 18)."""

from __future__ import annotations

from processors.rules import extract_from_text
from wirewatch.contracts import Incident

#: the publication date these tests' sentences are read against (a Friday)
PUB = "2024-05-10"


def first_incident(text: str, pub: str = PUB) -> Incident:
    """The first incident the rules find in ``text``; fails the test, naming the text, when
    there is none."""
    incs = extract_from_text(text, pub)
    assert incs, f"no incident for: {text}"
    return incs[0]

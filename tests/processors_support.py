"""Helpers shared by the extractor tests on real-report classes (issue 18) and by the cluster
tests that join the real extractor's incidents."""

from __future__ import annotations

from processors.rules import extract_from_text
from processors.stage import process_article
from wirewatch.contracts import Article, Incident, Location

#: the publication date these tests' sentences are read against (a Friday)
PUB = "2024-05-10"


def first_incident(text: str, pub: str = PUB) -> Incident:
    """The first incident the rules find in ``text``; fails the test, naming the text, when
    there is none."""
    incs = extract_from_text(text, pub)
    assert incs, f"no incident for: {text}"
    return incs[0]


def first_location(text: str, pub: str = PUB) -> Location:
    """The place of :func:`first_incident`; fails the test, naming the text, when the incident
    has none."""
    loc = first_incident(text, pub).location
    assert loc is not None, f"no place for: {text}"
    return loc


def first_point(text: str, pub: str = PUB) -> Location:
    """The place of :func:`first_incident`, which must have coordinates; fails the test, naming
    the text, when it has none."""
    loc = first_location(text, pub)
    assert loc.lat is not None and loc.lon is not None, f"no point for: {text}"
    return loc


def town_point(name: str, pub: str = PUB) -> Location:
    """The point of a plain report in the town ``name``: what a side or a part of the town is
    measured against."""
    return first_point(f"Gunmen killed two farmers in {name} on Monday", pub)


def reported(n: int, text: str, published: str) -> Incident:
    """The process stage's first incident of a one-paragraph English report ``art-<n>`` of
    outlet ``outlet<n>.example``; fails the test, naming the text, when there is none."""
    article = Article(
        article_id=f"art-{n}",
        url=f"https://outlet{n}.example/{n}",
        text=text,
        language="en",
        published_at=published,
    )
    incidents = process_article(article)
    assert incidents, text
    return incidents[0]

"""processors stage of wirewatch: Article in, Incident records out (deterministic rules).

Callers that run an extractor as production does (the process stage, ``wirewatch incidents``)
go through :mod:`processors.extractor` (``build_extractor(settings.process)``), which applies
the language policy. The rule engine itself (:mod:`processors.rules`) is also reachable
directly: :func:`extract_incidents` (an :class:`~wirewatch.contracts.Article`) and
:func:`extract_from_text` (a bare text), both pure and offline, with no language policy;
:func:`article_language` tells the language the rules will take an article to be in (they read
English).
"""

from processors.rules import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    article_language,
    extract_from_text,
    extract_incidents,
)

__version__ = EXTRACTOR_VERSION

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "__version__",
    "article_language",
    "extract_from_text",
    "extract_incidents",
]

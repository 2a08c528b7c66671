"""processors stage of wirewatch: Article in, Incident records out (deterministic rules).

Public entry points: :func:`extract_incidents` (an :class:`~wirewatch.contracts.Article`) and
:func:`extract_from_text` (a bare text). Both are pure and offline.
"""

from processors.extract import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    extract_from_text,
    extract_incidents,
)

__version__ = EXTRACTOR_VERSION

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "__version__",
    "extract_from_text",
    "extract_incidents",
]

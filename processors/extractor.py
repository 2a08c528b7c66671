"""The extractor interface: what the process stage and ``wirewatch incidents`` call to turn
articles into incidents, so that both run the same extractor under the same language policy.

:class:`Extractor` is the protocol; :class:`RuleExtractor` is the built-in rule engine
(``processors/rules.py``); :func:`build_extractor` picks one from ``process.extractor``:
``"rules"``, ``"rules+classifier"`` (:mod:`processors.classifier`: the rules re-typed and
filtered by a learned classifier), or ``"package.module:Name"`` for a plug-in (a class or
factory called with the :class:`~wirewatch.config.ProcessSettings`, returning an object with the
protocol's members).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from processors.rules import EXTRACTOR_NAME, EXTRACTOR_VERSION, article_language, extract_incidents
from wirewatch.config import ProcessSettings
from wirewatch.contracts import Article, Incident
from wirewatch.errors import ConfigError

__all__ = [
    "BUILTIN_EXTRACTORS",
    "Extractor",
    "RuleExtractor",
    "SkipReason",
    "Verdict",
    "build_extractor",
]

SkipReason = Literal["language", "page_kind", "empty"]


@dataclass(frozen=True)
class Verdict:
    """What the language/page policy says of one article."""

    language: str  # the language the extractor takes the article to be in (ISO 639-1, "und")
    run: bool  # False: the extractor yields nothing for it
    skip_reason: SkipReason | None = None  # set exactly when run is False

    def __post_init__(self) -> None:
        # a skipped article without a reason could not be counted by reason downstream
        if self.run == (self.skip_reason is not None):
            raise ValueError("skip_reason must be set exactly when run is False")


@runtime_checkable
class Extractor(Protocol):
    """Articles in, incidents out. Implementations are pure over the contracts: ``extract``
    depends on nothing but its articles and the settings the extractor was built with."""

    name: str
    version: str

    def setup(self) -> None:
        """Load what extraction needs (gazetteer, model); idempotent, may be slow. Calling it
        is optional (``extract`` loads lazily), it moves the cost to start-up."""
        ...

    def policy(self, article: Article) -> Verdict:
        """Whether the extractor runs on ``article``, and in which language it reads it."""
        ...

    def extract(self, articles: Sequence[Article]) -> list[list[Incident]]:
        """One list of incidents per article, in the same order; applies :meth:`policy`
        itself (a skipped article gets ``[]``)."""
        ...


def _declared(article: Article) -> str:
    # same normalisation as detect_language gives a declared language on a text without words
    return (article.language or "und").split("-")[0].lower()


class RuleExtractor:
    """The rule engine (English rules; other languages are skipped unless configured)."""

    name = EXTRACTOR_NAME
    version = EXTRACTOR_VERSION

    def __init__(self, settings: ProcessSettings | None = None) -> None:
        s = settings if settings is not None else ProcessSettings()
        self.languages: Collection[str] | None = s.language_set

    def setup(self) -> None:
        from processors.language import detect_language
        from processors.places import gazetteer

        gazetteer()  # cached process-wide; a broken one is logged once and extraction goes on
        # py3langid unpacks its model on the first non-English call: pay it here, not on the
        # first article
        detect_language("die Lage in der Stadt bleibt angespannt, sagte ein Sprecher")

    def policy(self, article: Article) -> Verdict:
        # the order of production's process stage: page kind and empty text need no detection
        if article.page_kind != "article":
            return Verdict(_declared(article), run=False, skip_reason="page_kind")
        if not article.text.strip():
            return Verdict(_declared(article), run=False, skip_reason="empty")
        language = article_language(article)
        if self.languages is not None and language not in self.languages:
            return Verdict(language, run=False, skip_reason="language")
        return Verdict(language, run=True)

    def extract(self, articles: Sequence[Article]) -> list[list[Incident]]:
        out: list[list[Incident]] = []
        for article in articles:
            verdict = self.policy(article)
            # the detected language is passed on so the text is not analysed for it twice
            out.append(extract_incidents(article, language=verdict.language) if verdict.run else [])
        return out


def _rules_and_classifier(settings: ProcessSettings) -> Extractor:
    # imported on use: processors.classifier builds on this module, and workers on "rules"
    # need not load numpy and the weights
    from processors.classifier import ClassifierExtractor

    return ClassifierExtractor(settings)


#: built-in extractors by their ``process.extractor`` name
BUILTIN_EXTRACTORS: dict[str, Callable[[ProcessSettings], Extractor]] = {
    "rules": RuleExtractor,
    "rules+classifier": _rules_and_classifier,
}


def _bad(detail: str) -> ConfigError:
    # one line, so the CLI prints it as is (exit 2) and a worker's log has it whole
    known = ", ".join(sorted(BUILTIN_EXTRACTORS))
    return ConfigError(
        f"process.extractor: {detail} (known: {known}; or a plug-in as 'package.module:Name')"
    )


def _load_plugin(spec: str) -> Callable[[ProcessSettings], object]:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise _bad(f"unknown extractor {spec!r}")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise _bad(f"cannot import plug-in {spec!r}: {exc}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise _bad(f"plug-in {spec!r}: {module_name!r} has no {attr!r}") from None
    if not callable(obj):
        raise _bad(f"plug-in {spec!r} is not a class or factory")
    return obj


def build_extractor(settings: ProcessSettings) -> Extractor:
    """The extractor ``settings.extractor`` names, built with ``settings`` (not set up yet).
    Raises :class:`ConfigError` (one line naming ``process.extractor``) for an unknown name,
    a plug-in that cannot be imported, or one that does not build an :class:`Extractor`."""
    spec = settings.extractor.strip()
    builtin = BUILTIN_EXTRACTORS.get(spec)
    if builtin is not None:
        return builtin(settings)
    if ":" not in spec:
        raise _bad(f"unknown extractor {spec!r}")
    extractor = _load_plugin(spec)(settings)
    # checked here, at start-up, rather than on the first article
    if not isinstance(extractor, Extractor):
        raise _bad(
            f"plug-in {spec!r} built a {type(extractor).__name__}, not an Extractor "
            "(name, version, setup, policy, extract)"
        )
    return extractor

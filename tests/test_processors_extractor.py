"""The extractor interface: the rule engine behind it gives what the process stage gives, one
list per article in order, the same over a batch as one by one; process.extractor picks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from processors import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_incidents, stage
from processors.extractor import (
    Extractor,
    RuleExtractor,
    Verdict,
    build_extractor,
)
from processors.stage import process_article
from tests.test_process_languages import ENGLISH, GERMAN
from wirewatch.config import ProcessSettings, load_settings
from wirewatch.contracts import Article
from wirewatch.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"


def _seed() -> Article:
    doc = json.loads((FIXTURES / "seed-article.json").read_text())
    return Article(
        article_id=doc["id"],
        url=doc["url"],
        title=doc["title"],
        text=doc["text"],
        published_at=doc["published_at"],
    )


def _article(article_id: str, text: str, **kw: object) -> Article:
    return Article(article_id=article_id, url="https://example.org/" + article_id, text=text, **kw)


def _batch() -> list[Article]:
    seed = _seed()
    return [
        seed,
        _article("de", GERMAN, language="de"),
        _article("en", ENGLISH, published_at="2026-11-23T10:00:00Z"),
        _article("blank", "  \n"),
        _article("wall", ENGLISH, page_kind="paywall"),
        seed.model_copy(update={"article_id": "seed-again"}),
    ]


def test_rules_are_the_default_extractor() -> None:
    ex = build_extractor(ProcessSettings())
    assert isinstance(ex, RuleExtractor) and isinstance(ex, Extractor)
    assert (ex.name, ex.version) == (EXTRACTOR_NAME, EXTRACTOR_VERSION)


def test_a_batch_gives_what_one_article_at_a_time_gives() -> None:
    ex = build_extractor(ProcessSettings())
    ex.setup()
    ex.setup()  # idempotent
    batch = _batch()
    together = ex.extract(batch)
    assert len(together) == len(batch)
    assert together == [ex.extract([a])[0] for a in batch]
    assert len(together[0]) == 4  # the seed's four hand-annotated incidents
    assert together[0] == extract_incidents(batch[0])
    assert [i.article_id for i in together[-1]] == ["seed-again"] * 4
    assert ex.extract([]) == []


@pytest.mark.parametrize("languages", [["en"], ["*"], ["de"]])
def test_the_rules_give_what_the_process_stage_gives(languages: list[str]) -> None:
    settings = ProcessSettings(languages=languages)
    got = build_extractor(settings).extract(_batch())
    assert got == [process_article(a, settings.language_set) for a in _batch()]


def test_the_policy_says_why_an_article_gets_nothing() -> None:
    ex = RuleExtractor(ProcessSettings())
    seed, de, en, blank, wall, _ = _batch()
    assert ex.policy(seed) == Verdict("en", run=True, skip_reason=None)
    assert ex.policy(en) == Verdict("en", run=True, skip_reason=None)
    assert ex.policy(de) == Verdict("de", run=False, skip_reason="language")
    assert ex.policy(blank) == Verdict("und", run=False, skip_reason="empty")
    assert ex.policy(wall) == Verdict("und", run=False, skip_reason="page_kind")
    everything = RuleExtractor(ProcessSettings(languages=["*"]))
    assert everything.policy(de) == Verdict("de", run=True, skip_reason=None)
    assert everything.policy(wall).skip_reason == "page_kind"  # page kind is not a language


def test_a_verdict_has_a_reason_exactly_when_it_skips() -> None:
    with pytest.raises(ValueError):
        Verdict("en", run=False, skip_reason=None)
    with pytest.raises(ValueError):
        Verdict("en", run=True, skip_reason="language")


class NotAnExtractor:
    def __init__(self, settings: ProcessSettings) -> None:
        self.settings = settings


def make_rules_for_everything(settings: ProcessSettings) -> RuleExtractor:
    """A plug-in factory (not a class): the rules on every language."""
    return RuleExtractor(settings.model_copy(update={"languages": ["*"]}))


def test_a_plugin_factory_is_called_with_the_settings() -> None:
    ex = build_extractor(
        ProcessSettings(extractor="tests.test_processors_extractor:make_rules_for_everything")
    )
    assert isinstance(ex, RuleExtractor)
    assert ex.policy(_article("de", GERMAN)).run


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("spacy", "unknown extractor 'spacy'"),
        ("Rules", "unknown extractor 'Rules'"),
        (":X", "unknown extractor ':X'"),
        ("tests.no_such_module:X", "cannot import"),
        ("tests.test_processors_extractor:Missing", "has no 'Missing'"),
        ("tests.test_processors_extractor:FIXTURES", "not a class or factory"),
        ("tests.test_processors_extractor:NotAnExtractor", "not an Extractor"),
    ],
)
def test_a_bad_extractor_name_is_a_one_line_config_error(spec: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        build_extractor(ProcessSettings(extractor=spec))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("process.extractor: ")
    assert says in message and "known: rules" in message


def test_the_extractor_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIREWATCH_PROCESS__EXTRACTOR", "pkg.mod:Name")
    assert load_settings().process.extractor == "pkg.mod:Name"
    monkeypatch.delenv("WIREWATCH_PROCESS__EXTRACTOR")
    assert load_settings().process.extractor == "rules"


def test_process_article_builds_one_extractor_per_language_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[frozenset[str] | None] = []

    class CountingRuleExtractor(RuleExtractor):
        def __init__(self, settings: ProcessSettings | None = None) -> None:
            super().__init__(settings)
            built.append(settings.language_set if settings is not None else None)

    monkeypatch.setattr(stage, "RuleExtractor", CountingRuleExtractor)
    # language sets no other test uses, so nothing is cached for them yet
    batch = _batch()
    first = [process_article(a, {"zu", "en"}) for a in batch]
    again = [process_article(a, ["en", "zu"]) for a in batch]  # same set, another order
    assert built == [frozenset({"en", "zu"})]
    assert first == again == RuleExtractor(ProcessSettings(languages=["en", "zu"])).extract(batch)
    process_article(batch[0], {"xh", "en"})
    assert built == [frozenset({"en", "zu"}), frozenset({"en", "xh"})]

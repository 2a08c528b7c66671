"""The process stage runs the (English) incident rules only on the languages of
``process.languages``; other articles yield no incidents and are counted, never lost."""

from __future__ import annotations

import pytest

from processors import article_language
from processors.stage import process_article
from wirewatch.config import load_settings
from wirewatch.contracts import Article
from wirewatch.errors import ConfigError
from wirewatch.metrics import sample

# German, with one English quotation the rules can read
GERMAN = (
    "Die Polizei in Kabul teilte am Montag mit, dass die Lage in der Stadt weiterhin angespannt "
    "sei. Nach Angaben der Behörden wurden die Straßen um das Ministerium gesperrt und die "
    "Schulen geschlossen. Ein Sprecher sagte wörtlich: A suicide bomber killed 12 people outside "
    "the ministry in Kabul on Monday. Die Regierung kündigte eine Untersuchung an und rief die "
    "Bevölkerung zur Ruhe auf."
)
ENGLISH = (
    "KABUL (Reuters) - A suicide bomber killed 12 people outside the interior ministry in Kabul "
    "on Monday, police said. The attack came as officials met to discuss the budget."
)


def _article(text: str, language: str | None) -> Article:
    return Article(
        article_id="a-" + str(abs(hash(text)) % 10_000),
        url="https://example.org/a",
        text=text,
        page_kind="article",
        published_at="2026-11-23T10:00:00Z",
        language=language,
        extraction_path="trafilatura",
    )


def _skipped(language: str) -> float:
    return sample("wirewatch_articles_skipped_total", {"reason": "language", "language": language})


def test_other_languages_are_skipped_and_counted_by_default() -> None:
    german = _article(GERMAN, "de")
    assert article_language(german) == "de"
    before = _skipped("de")
    assert process_article(german) == []
    assert _skipped("de") == before + 1


def test_english_articles_get_incidents_and_are_not_counted_as_skipped() -> None:
    before = _skipped("en")
    incidents = process_article(_article(ENGLISH, "en"))
    assert [(i.event_type, i.fatalities) for i in incidents] == [("Explosions/Remote violence", 12)]
    assert _skipped("en") == before


def test_a_declared_language_the_text_contradicts_is_not_trusted() -> None:
    # trafilatura's language comes from the page's markup, which is often wrong
    assert article_language(_article(ENGLISH, "de")) == "en"
    assert process_article(_article(ENGLISH, "de"))


def test_all_languages_run_the_rules_with_capped_confidence() -> None:
    german = _article(GERMAN, "de")
    before = _skipped("de")
    incidents = process_article(german, None)
    assert [i.fatalities for i in incidents] == [12]
    assert all(i.confidence <= 0.2 for i in incidents)
    assert _skipped("de") == before
    assert process_article(german, frozenset({"de", "en"})) == incidents


def test_languages_setting_from_env_and_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().process.language_set == frozenset({"en", "es"})
    monkeypatch.setenv("WIREWATCH_PROCESS__LANGUAGES", '["EN", "de"]')
    assert load_settings().process.language_set == frozenset({"en", "de"})
    monkeypatch.setenv("WIREWATCH_PROCESS__LANGUAGES", '["*"]')
    assert load_settings().process.language_set is None
    monkeypatch.setenv("WIREWATCH_PROCESS__LANGUAGES", '["english"]')
    with pytest.raises(ConfigError, match=r"process\.languages"):
        load_settings()

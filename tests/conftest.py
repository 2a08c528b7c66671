"""Shared fixtures. The real broker is found through ONE environment variable:
WIREWATCH_TEST_BOOTSTRAP (set by .ci/run after deploy/kafka/start.sh). Without it, Kafka tests
skip locally and fail under CI, so a CI run can never pass by skipping them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.broker_support import private_broker  # noqa: F401 - a fixture for every test
from wirewatch.config import KafkaSettings

KAFKA_ENV = "WIREWATCH_TEST_BOOTSTRAP"
REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    value = os.environ.get(KAFKA_ENV)
    if not value:
        msg = f"{KAFKA_ENV} is not set: run deploy/kafka/start.sh and export {KAFKA_ENV}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return value


@pytest.fixture
def kafka_settings(kafka_bootstrap: str) -> KafkaSettings:
    """Settings with a fresh topic prefix, all topics created, and consumer groups named after
    that prefix (isolates tests from each other: with the default group prefix, workers of two
    sessions on one shared broker would join each other's groups)."""
    from wirewatch.kafka_admin import create_topics

    prefix = f"t{uuid.uuid4().hex[:10]}"
    cfg = KafkaSettings(
        bootstrap_servers=kafka_bootstrap,
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=3,
        bootstrap_timeout_ms=15_000,
    )
    result = create_topics(cfg)
    assert all(v == "created" for v in result.values()), result
    return cfg


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (it is not redistributed with wirewatch)")
    return CORPUS

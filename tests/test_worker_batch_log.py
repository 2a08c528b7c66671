"""A fetch or process worker logs one INFO line per committed batch, with its counts: what an
operator tailing a worker's log sees going through."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from sinks.kafka import KafkaSink
from tests.pipeline_support import read_topic
from wirewatch.config import Settings
from wirewatch.contracts import Article, stable_key
from wirewatch.runners.kafka import build_runner

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.kafka
def test_process_worker_logs_one_info_line_per_batch_with_counts(kafka_settings, caplog) -> None:
    seed = json.loads((REPO / "tests" / "fixtures" / "seed-article.json").read_text())
    sink = KafkaSink(kafka_settings)
    sink.send_raw(f"{kafka_settings.topic_prefix}.articles.v1", "poison", b"{not json", [])
    for i in range(3):
        sink.add(
            Article(
                article_id=stable_key(f"https://x.test/{i}"),
                url=f"https://x.test/{i}",
                text=seed["text"],
                title=seed["title"],
                published_at=seed["published_at"] + "T00:00:00Z",
            )
        )
    sink.close()
    caplog.set_level(logging.INFO, logger="wirewatch.workers")
    worker = build_runner(Settings(kafka=kafka_settings), "process")
    try:
        worker.run(max_records=4, timeout=90)
    finally:
        worker.close()
    assert worker.processed == 4
    batches = [
        r
        for r in caplog.records
        if r.name == "wirewatch.workers" and r.getMessage().startswith("batch committed")
    ]
    assert batches and all(r.levelno == logging.INFO for r in batches)
    assert sum(r.records for r in batches) == 4  # type: ignore[attr-defined]
    incidents = read_topic(
        kafka_settings.bootstrap_servers or "", f"{kafka_settings.topic_prefix}.incidents.v1"
    )
    assert sum(getattr(r, "incidents", 0) for r in batches) == len(incidents) > 0
    assert sum(getattr(r, "deadletter", 0) for r in batches) == 1
    assert all(r.stage == "process" for r in batches)  # type: ignore[attr-defined]
    first = batches[0].getMessage()
    assert " articles in, " in first and "incidents" in first


def test_batch_line_counts_records_in_per_input_topic_kind(caplog) -> None:
    """The cluster stage reads sharded-incidents and broadcast-copies: a batch holding both says
    how many of each came in, not all of them as the first input's."""
    from types import SimpleNamespace

    from kafka import TopicPartition

    from wirewatch.runners.kafka import KafkaStageRunner
    from wirewatch.stage import Emit
    from wirewatch.topics import Topics
    from wirewatch.topology import TOPOLOGY

    spec = TOPOLOGY.stage("cluster")
    topics = Topics("t")
    runner = SimpleNamespace(name="cluster", spec=spec, topics=topics)
    shard = topics.name("sharded-incidents")
    copies = topics.name("broadcast-copies")
    batch = {
        TopicPartition(shard, 0): [object(), object()],
        TopicPartition(shard, 1): [object()],
        TopicPartition(copies, 0): [object(), object()],
    }
    caplog.set_level(logging.INFO, logger="wirewatch.workers")
    KafkaStageRunner._log_batch(runner, batch, [Emit("events", "k", None)])  # type: ignore[arg-type]
    [line] = [r for r in caplog.records if r.getMessage().startswith("batch committed")]
    assert line.getMessage() == (
        "batch committed: 2 broadcast-copies, 3 sharded-incidents in, 1 events out"
    )
    assert line.records == 5  # type: ignore[attr-defined]

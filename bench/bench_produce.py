"""Produce benchmark: KafkaSink records/s next to a bare kafka-python producer, same run.

Both sides do the same work per record (serialize the contract to JSON, build CloudEvents
headers, send with acks=all, idempotence, the same compression/linger/batch settings) and end
with a flush, so the ratio is the sink's own overhead (bounded buffering, counting, callbacks).
Runs alternate (bare, sink, bare, sink, ...) and the medians are compared, because this machine
is shared and noisy.

    WIREWATCH_TEST_BOOTSTRAP=127.0.0.1:9092 .venv/bin/python bench/bench_produce.py [-n 50000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kafka import KafkaProducer

from sinks.kafka import KafkaSink
from testkit.records import make_incident
from wirewatch.config import KafkaSettings
from wirewatch.kafka_admin import create_topics
from wirewatch.topics import Topics, cloudevent_headers, record_key, record_value


def bare(cfg: KafkaSettings, records, topic: str) -> float:
    p = KafkaProducer(
        bootstrap_servers=cfg.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        compression_type=cfg.compression,
        linger_ms=cfg.linger_ms,
        batch_size=cfg.batch_size,
    )
    t0 = time.perf_counter()
    for r in records:
        value = record_value(r)
        p.send(
            topic,
            key=record_key(r).encode(),
            value=value,
            headers=cloudevent_headers(r, "bench", value=value),
        )
    p.flush()
    dt = time.perf_counter() - t0
    p.close()
    return len(records) / dt


def sink(cfg: KafkaSettings, records) -> float:
    s = KafkaSink(cfg, source="bench")
    s.setup()
    t0 = time.perf_counter()
    for r in records:
        s.add(r)
    s.flush()
    dt = time.perf_counter() - t0
    assert s.stats.delivered == len(records), s.stats
    s.close()
    return len(records) / dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=30_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--compression", default="zstd")
    args = ap.parse_args()
    bootstrap = os.environ.get("WIREWATCH_TEST_BOOTSTRAP", "127.0.0.1:9092")
    cfg = KafkaSettings(
        bootstrap_servers=bootstrap,
        topic_prefix=f"bench{uuid.uuid4().hex[:6]}",
        compression=args.compression,
    )
    create_topics(cfg, ("incidents", "deadletter"))
    records = [make_incident(i) for i in range(args.n)]
    topic = Topics(cfg.topic_prefix).incidents
    b, s = [], []
    for _ in range(args.rounds):
        b.append(bare(cfg, records, topic))
        s.append(sink(cfg, records))
    mb, ms = statistics.median(b), statistics.median(s)
    print(f"records per run: {args.n}, rounds: {args.rounds}, compression: {args.compression}")
    print(
        f"bare kafka-python producer: {mb:,.0f} rec/s  (runs: {', '.join(f'{x:,.0f}' for x in b)})"
    )
    print(
        f"wirewatch KafkaSink:        {ms:,.0f} rec/s  (runs: {', '.join(f'{x:,.0f}' for x in s)})"
    )
    print(f"ratio sink/bare: {ms / mb:.2f}  (goal >= 0.9)")


if __name__ == "__main__":
    main()

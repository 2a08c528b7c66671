"""Sinks: where records leave wirewatch.

Every sink has the same small lifecycle (quixstreams style): ``setup()`` connects and checks,
``add(record)`` hands one contract record over (it may block for backpressure, never buffers
without bound), ``flush(timeout)`` waits until everything added is delivered or failed, and
``close()`` flushes then releases resources. ``build(settings)`` picks the sink from the config
and returns it with its healthcheck (Vector style).
"""

from sinks._base import DeliveryStats, Healthcheck, Sink, build
from sinks.jsonl import JsonlSink
from sinks.kafka import KafkaSink, kafka_client_config

__all__ = [
    "DeliveryStats",
    "Healthcheck",
    "JsonlSink",
    "KafkaSink",
    "Sink",
    "build",
    "kafka_client_config",
]

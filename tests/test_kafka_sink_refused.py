"""Records the broker refused during an outage stay the sink's to deliver.

A refused record is sent again by the next add() or flush(). When that resend itself is
refused for backpressure (the broker still down, the sink full), the record must stay queued:
a record dropped there was never delivered nor counted failed, so the sink reported it
"pending" for ever and every later flush failed, long after the broker was back.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from kafka import errors as kerr
from kafka.future import Future

from sinks.kafka import KafkaSink
from tests.factories import make_incident
from wirewatch.config import KafkaSettings
from wirewatch.errors import DeliveryFailed


class _Delivery(Future):
    """A send's future, settled by the test (the broker's answer)."""

    def get(self, timeout: float | None = None) -> Any:
        if not self.is_done:
            time.sleep(timeout or 0)  # the broker does not answer
            raise kerr.KafkaTimeoutError("no answer")
        if self.exception is not None:
            raise self.exception
        return self.value


class _Producer:
    """A producer whose broker is down until ``up`` is set."""

    def __init__(self, **_conf: Any) -> None:
        self.up = False
        self.sent: list[tuple[str, bytes]] = []
        self.waiting: list[_Delivery] = []

    def send(self, topic: str, *, key: bytes | None, value: bytes, headers: Any) -> _Delivery:
        self.sent.append((topic, value))
        fut = _Delivery()
        if self.up:
            fut.success(None)
        else:
            self.waiting.append(fut)
        return fut

    def expire_waiting(self) -> None:
        """The records sent while the broker was down run out of delivery time."""
        for fut in self.waiting:
            fut.failure(kerr.KafkaTimeoutError("Expiring 1 record(s)"))
        self.waiting.clear()

    def flush(self, timeout: float | None = None) -> None:
        if self.up:
            for fut in self.waiting:
                fut.success(None)
            self.waiting.clear()

    def partitions_for(self, topic: str) -> set[int]:
        return {0}

    def close(self, timeout: float | None = None) -> None:
        pass


def test_a_refused_record_whose_resend_hits_backpressure_is_not_lost() -> None:
    cfg = KafkaSettings(
        bootstrap_servers="127.0.0.1:9", topic_prefix="t", max_pending=1, max_block_ms=50
    )
    sink = KafkaSink(cfg, producer_factory=_Producer)  # type: ignore[arg-type]
    sink.setup()
    producer: _Producer = sink.producer  # type: ignore[assignment]
    first, second, third = (make_incident(1), make_incident(2), make_incident(3))

    sink.add(first)  # the broker goes down with it in flight
    producer.expire_waiting()  # refused: timed out
    sink.add(second)  # room again (the refusal freed it); second waits for the broker
    with pytest.raises(DeliveryFailed) as refused:
        sink.add(third)  # first is resent, but second still holds the only slot
    assert refused.value.reason == "sink.backpressure"

    producer.up = True  # the broker is back
    sink.flush()  # what was refused during the outage is delivered now

    assert sink.stats.pending == 0
    assert sink.stats.failed == 0
    values = [v for _t, v in producer.sent]
    first_value = values[0]
    assert values.count(first_value) == 2  # sent, refused, sent again

"""Consumer lag of a worker's Kafka consumer, per assigned partition."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from wirewatch.metrics import ConsumerLag, emit

__all__ = ["ConsumerLagSampler"]

Clock = Callable[[], float]
Emit = Callable[[Any], None]


class ConsumerLagSampler:
    """Lag per assigned partition (end offset - position) of a kafka-python ``KafkaConsumer``,
    emitted as :class:`ConsumerLag` (``wirewatch_consumer_lag_records{stage,topic,partition}``).

    Call from the consumer's own thread (a KafkaConsumer is not thread-safe), e.g. each loop turn
    through :meth:`maybe_sample`, which samples at most every ``interval`` seconds. Partitions
    revoked since the last sample are reported once with lag 0 so a rebalanced-away partition
    does not keep its old value on this pod.
    """

    def __init__(
        self,
        consumer: Any,
        stage: str,
        *,
        interval: float = 15.0,
        timeout_ms: int = 5_000,
        emit: Emit = emit,
        clock: Clock = time.monotonic,
    ) -> None:
        self.consumer = consumer
        self.stage = stage
        self.interval = interval
        self.timeout_ms = timeout_ms
        self._emit = emit
        self._clock = clock
        self._last: float | None = None
        self._previous: set[tuple[str, int]] = set()

    def sample(self) -> dict[tuple[str, int], int]:
        """``{(topic, partition): lag}`` for the current assignment; emits one event each."""
        assigned = list(self.consumer.assignment())
        lags: dict[tuple[str, int], int] = {}
        if assigned:
            ends: Mapping[Any, int] = self.consumer.end_offsets(
                assigned, timeout_ms=self.timeout_ms
            )
            for tp in assigned:
                end = ends.get(tp)
                pos = self.consumer.position(tp, timeout_ms=self.timeout_ms)
                if end is None or pos is None:
                    continue
                lags[(tp.topic, tp.partition)] = max(0, int(end) - int(pos))
        for (topic, partition), lag in lags.items():
            self._emit(ConsumerLag(self.stage, topic, partition, lag))
        for topic, partition in self._previous - set(lags):
            self._emit(ConsumerLag(self.stage, topic, partition, 0))
        self._previous = set(lags)
        self._last = self._clock()
        return lags

    def maybe_sample(self) -> dict[tuple[str, int], int] | None:
        """:meth:`sample` when ``interval`` has passed since the last one, else None."""
        if self._last is not None and self._clock() - self._last < self.interval:
            return None
        return self.sample()

"""Whether a worker's Kafka consumer can still reach the cluster, for ``/readyz``.

Why not ``KafkaConsumer.bootstrap_connected()``: in kafka-python 3 it is True only while the
client is *bootstrapping*, so on a consumer that has bootstrapped and is consuming it is False
for the whole run. What the worker really has is a round-trip: the consumer's construction is
one (its bootstrap fetches the cluster metadata), and while partitions are assigned this probe
asks their leaders for the end offsets (``ListOffsets``), bounded by ``timeout_ms`` and at most
every ``every`` seconds, on the consumer's own thread (a KafkaConsumer is not thread-safe).
With no partitions assigned the last answer stands: the worker is not ready then anyway
(``partitions_assigned``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

__all__ = ["BrokerProbe"]

log = logging.getLogger("wirewatch.ops")

Clock = Callable[[], float]


class BrokerProbe:
    """Bounded, rate-limited broker round-trips of one consumer; :attr:`reachable` is the
    last answer (``initial`` before the first)."""

    def __init__(
        self,
        consumer: Any,
        *,
        every: float = 5.0,
        timeout_ms: int = 2_000,
        initial: bool = True,
        clock: Clock = time.monotonic,
    ) -> None:
        self.consumer = consumer
        self.every = every
        self.timeout_ms = timeout_ms
        self.reachable = initial
        self._clock = clock
        self._last: float | None = None

    def probe(self) -> bool:
        """One round-trip now (when partitions are assigned); the answer, also kept."""
        self._last = self._clock()
        assigned = list(self.consumer.assignment())
        if not assigned:
            return self.reachable
        try:
            self.consumer.end_offsets(assigned, timeout_ms=self.timeout_ms)
        except Exception as exc:  # any failure of the round-trip means: not reachable now
            if self.reachable:
                log.warning("broker not reachable: %s: %s", type(exc).__name__, exc)
            self.reachable = False
        else:
            if not self.reachable:
                log.info("broker reachable again")
            self.reachable = True
        return self.reachable

    def maybe_probe(self) -> bool:
        """:meth:`probe` when ``every`` seconds have passed since the last one, else the last
        answer."""
        if self._last is not None and self._clock() - self._last < self.every:
            return self.reachable
        return self.probe()

"""Operations surface of a worker process, one module per concern:

* :mod:`~wirewatch.ops.server`: ``/metrics``, ``/healthz``, ``/readyz`` (:class:`OpsServer`);
* :mod:`~wirewatch.ops.feeds`: stale-feed tracking (:class:`StaleFeedTracker`);
* :mod:`~wirewatch.ops.lag`: consumer-lag sampling (:class:`ConsumerLagSampler`);
* :mod:`~wirewatch.ops.broker`: does the consumer still reach the cluster (:class:`BrokerProbe`);
* :mod:`~wirewatch.ops.memory`: RSS, heap trimming, malloc arenas, tracemalloc reports.

Everything is re-exported here: callers import from ``wirewatch.ops``.
"""

from wirewatch.ops.broker import BrokerProbe
from wirewatch.ops.feeds import FeedActivity, StaleFeedTracker, StaleReport
from wirewatch.ops.lag import ConsumerLagSampler
from wirewatch.ops.memory import (
    HeapTrimmer,
    MemoryTrace,
    limit_malloc_arenas,
    malloc_stats,
    resident_bytes,
)
from wirewatch.ops.server import OpsServer

__all__ = [
    "BrokerProbe",
    "ConsumerLagSampler",
    "FeedActivity",
    "HeapTrimmer",
    "MemoryTrace",
    "OpsServer",
    "StaleFeedTracker",
    "StaleReport",
    "limit_malloc_arenas",
    "malloc_stats",
    "resident_bytes",
]

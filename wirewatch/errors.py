"""wirewatch's exceptions, one tree; errors of the layers below are translated at the edges.

    WirewatchError
    ├── ConfigError                 bad config file or environment (names the key)
    ├── ContractError               a record does not validate against its topic contract
    │   └── ContractVersionError    a record of a major schema_version this version cannot read
    ├── SinkError                   a sink could not take or deliver a record
    │   ├── BrokerUnavailable       no broker answered within the bootstrap timeout
    │   │   └── MetadataTimeout     no broker answered a topic's metadata request in time (an
    │   │                           outage: the topic's existence is unknown)
    │   ├── TopicMissing            a broker answered: the topic does not exist (auto-create off)
    │   ├── RecordTooLarge          record exceeds the producer's or broker's size limit
    │   └── DeliveryFailed          the broker refused or timed out a produce
    ├── FetchError                  HTTP layer (ingest); .reason is a stable class name
    │   ├── BlockedAddress          SSRF guard refused a host
    │   ├── BodyTooLarge            body or decompressed body over the cap
    │   ├── FetchTimeout            connect/read/total deadline
    │   └── HttpStatusError         non-success status
    ├── FeedParseError              the document is not a usable feed
    └── ExtractionError             page text could not be extracted

Every error has ``reason``: a short dotted class used in dead letters and metrics labels.
"""

from __future__ import annotations

__all__ = [
    "BlockedAddress",
    "BodyTooLarge",
    "BrokerUnavailable",
    "ConfigError",
    "ContractError",
    "ContractVersionError",
    "DeliveryFailed",
    "ExtractionError",
    "FeedParseError",
    "FetchError",
    "FetchTimeout",
    "HttpStatusError",
    "MetadataTimeout",
    "RecordTooLarge",
    "SinkError",
    "TopicMissing",
    "WirewatchError",
]


class WirewatchError(Exception):
    reason = "error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class ConfigError(WirewatchError):
    reason = "config.invalid"


class ContractError(WirewatchError):
    reason = "contract.invalid"


class ContractVersionError(ContractError):
    reason = "contract.version_unsupported"

    def __init__(self, message: str, *, version: str, reason: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.version = version


class SinkError(WirewatchError):
    reason = "sink.error"


class BrokerUnavailable(SinkError):
    reason = "sink.broker_unavailable"


class MetadataTimeout(BrokerUnavailable):
    """Not TopicMissing: nothing answered, so nothing says the topic is gone (an operator
    should look at the brokers, not at the topic list)."""

    reason = "sink.metadata_timeout"


class TopicMissing(SinkError):
    reason = "sink.topic_missing"


class RecordTooLarge(SinkError):
    reason = "sink.record_too_large"


class DeliveryFailed(SinkError):
    reason = "sink.delivery_failed"


class FetchError(WirewatchError):
    reason = "http.error"


class BlockedAddress(FetchError):
    reason = "http.blocked_address"


class BodyTooLarge(FetchError):
    reason = "http.body_too_large"


class FetchTimeout(FetchError):
    reason = "http.timeout"


class HttpStatusError(FetchError):
    reason = "http.status"

    def __init__(self, message: str, *, status: int, reason: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.status = status


class FeedParseError(WirewatchError):
    reason = "feed.parse"


class ExtractionError(WirewatchError):
    reason = "extract.failed"

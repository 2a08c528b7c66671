"""Ingest stage of wirewatch: feeds -> FeedEntry (poller) and entry -> Article (fetcher).

Typical use (the ``wirewatch run`` pipeline and the Kafka workers)::

    async with HttpClient(settings.http) as client:          # one client, shared throttle
        poller = Poller(client, SqliteStateStore(path), settings.poll)
        result = await poller.poll_once(feed)                # .status .entries .error_reason
        article = await ArticleFetcher(client).fetch(result.entries[0])
"""

from ingest.feeds import FeedSpec, import_opml, load_feed_list
from ingest.fetcher import ArticleFetcher
from ingest.guard import AddressGuard
from ingest.http import LAYERS, HttpClient, Response
from ingest.pages import ExtractOptions, extract_article
from ingest.parse import ParsedFeed, parse_feed, parse_feed_document
from ingest.politeness import HostThrottle
from ingest.poller import Poller, PollResult
from ingest.state import FeedState, MemoryStateStore, SqliteStateStore, StateStore
from ingest.urls import canonicalize_url

__all__ = [
    "LAYERS",
    "AddressGuard",
    "ArticleFetcher",
    "ExtractOptions",
    "FeedSpec",
    "FeedState",
    "HostThrottle",
    "HttpClient",
    "MemoryStateStore",
    "ParsedFeed",
    "PollResult",
    "Poller",
    "Response",
    "SqliteStateStore",
    "StateStore",
    "canonicalize_url",
    "extract_article",
    "import_opml",
    "load_feed_list",
    "parse_feed",
    "parse_feed_document",
]

"""The HTTP client of the ingest stage: one pooled httpx client behind a chain of small layers.

Each concern is one layer class in :data:`CHAIN`, outermost first; a layer can be switched off
by name (``HttpClient(disabled={"robots"})``; ``robots`` also follows ``http.obey_robots``), and
each is built by its ``from_settings`` from the client's :class:`LayerSettings`. Redirects are
followed by the ``redirect`` layer, not by httpx, so that every hop goes through the SSRF guard,
robots.txt and the per-host throttle again. The default transport is :class:`GuardedTransport`,
whose connections go only to addresses the SSRF guard vetted (see :mod:`ingest.guard`); it is
injectable (``httpx.MockTransport`` in unit tests), and an injected transport is still covered
by the ``guard`` layer and the peer check, not by the pinning.
"""

from ingest.http._client import CHAIN, LAYERS, HttpClient
from ingest.http._layer import Layer, LayerSettings
from ingest.http._models import Request, Response, parse_retry_after
from ingest.http._transport import GuardedTransport

__all__ = [
    "CHAIN",
    "LAYERS",
    "GuardedTransport",
    "HttpClient",
    "Layer",
    "LayerSettings",
    "Request",
    "Response",
    "parse_retry_after",
]

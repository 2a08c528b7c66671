"""The ingest tests' loopback HTTP server and documents; they live in :mod:`testkit.http`,
shared with the benchmarks."""

from testkit.http import (
    ARTICLE_HTML,
    CORPUS,
    LOOPBACK,
    REPO,
    LocalServer,
    Reply,
    Route,
    Seen,
    article_html,
    client,
    gzip_bomb,
    rss,
)

__all__ = [
    "ARTICLE_HTML",
    "CORPUS",
    "LOOPBACK",
    "REPO",
    "LocalServer",
    "Reply",
    "Route",
    "Seen",
    "article_html",
    "client",
    "gzip_bomb",
    "rss",
]

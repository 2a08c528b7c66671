"""The full-pipeline harness; it lives in :mod:`testkit.pipeline`, shared with the
benchmarks."""

from testkit.pipeline import (
    REPO,
    NewsSite,
    Workers,
    news_site,
    page_bodies,
    read_topic,
    stop_processes,
    wait_for,
    worker_env,
)

__all__ = [
    "REPO",
    "NewsSite",
    "Workers",
    "news_site",
    "page_bodies",
    "read_topic",
    "stop_processes",
    "wait_for",
    "worker_env",
]

"""Shared pieces of the WebSub tests: a feed that declares a local hub, settings, the
embedded runner in the background."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest import FeedSpec
from sinks.jsonl import JsonlSink
from testkit.http import LocalServer, Reply, article_html
from testkit.websub_hub import LocalHub
from wirewatch.config import HttpSettings, PollSettings, Settings, WebSubSettings
from wirewatch.runners.embedded import EmbeddedRunner, SqliteTable
from wirewatch.topics import Topics

SECRET = "test-master-secret"
RSS_TYPE = {"Content-Type": "application/rss+xml"}


def feed_doc(site: LocalServer, hub_url: str | None, guids: list[str]) -> bytes:
    """An RSS feed whose channel declares ``hub_url`` and its own URL as the topic."""
    links = ""
    if hub_url:
        links = (
            f'<atom:link rel="hub" href="{hub_url}"/>'
            f'<atom:link rel="self" href="{site.url("/feed.xml")}"/>'
        )
    items = "".join(
        f"<item><title>Story {g}</title><link>{site.url('/a/' + g)}</link><guid>{g}</guid></item>"
        for g in guids
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>Pushed feed</title><link>{site.url('/')}</link>{links}{items}</channel></rss>"
    ).encode()


def serve_feed(site: LocalServer, hub_url: str | None, guids: list[str]) -> FeedSpec:
    site.route("/feed.xml", Reply(200, feed_doc(site, hub_url, guids), RSS_TYPE))
    for g in ("p1", "p2", "p3", "bad", "old1", "old2", "later"):
        site.route(f"/a/{g}", Reply(204))
    return FeedSpec(url=site.url("/feed.xml"), interval=1)


def settings(**websub: Any) -> Settings:
    ws: dict[str, Any] = {
        "enabled": True,
        "listen_port": 0,
        "secret": SECRET,
        "fallback_interval": 3600,
    }
    ws.update(websub)
    return Settings(
        http=HttpSettings(allowed_hosts=["127.0.0.1"], per_host_delay=0, obey_robots=False),
        poll=PollSettings(min_interval=1, default_interval=1, jitter=0),
        websub=WebSubSettings.model_validate(ws),
    )


def entries(out: Path) -> list[dict[str, Any]]:
    path = out / f"{Topics().entries}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class Background:
    """The embedded runner on its own event loop in a thread; ``stop()`` ends it."""

    def __init__(
        self, settings: Settings, feeds: list[FeedSpec], out: Path, state: Path | None = None
    ) -> None:
        self.sink = JsonlSink(out)
        self.sink.setup()
        self.state_path = state
        self.runner = EmbeddedRunner(settings, feeds, self.sink)
        self.loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        # SQLite connections belong to the thread that opened them: the runner's
        if self.state_path is not None:
            self.runner.state = SqliteTable(self.state_path)
        try:
            self.loop.run_until_complete(self.runner.run(timeout=120))
        except BaseException as exc:  # reported by stop()
            self.error = exc
        finally:
            if self.runner.state is not None:
                self.runner.state.close()

    def websub(self) -> Any:
        source = self.runner.source
        return None if source is None else getattr(source, "websub", None)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.runner.request_stop)
        self.thread.join(60)
        self.sink.close()
        if self.error is not None:
            raise self.error


@contextmanager
def running(
    settings: Settings, feeds: list[FeedSpec], out: Path, state: Path | None = None
) -> Iterator[Background]:
    bg = Background(settings, feeds, out, state)
    bg.thread.start()
    try:
        yield bg
    finally:
        bg.stop()


__all__ = [
    "SECRET",
    "Background",
    "LocalHub",
    "LocalServer",
    "Reply",
    "article_html",
    "entries",
    "feed_doc",
    "running",
    "serve_feed",
    "settings",
]


# --------------------------------------------------------------------------- hostile rows


class Callback:
    """A callback endpoint built from the classes the poll stage runs (server, subscriptions,
    inbox), with one live subscription, for the hostile-input catalogue's WebSub rows."""

    FEED = "hostile-feed"
    TOPIC = "http://127.0.0.1:9/topic.xml"

    def __init__(self, **websub: Any) -> None:
        from ingest.websub import Inbox, Subscriptions
        from ingest.websub_server import CallbackServer

        s = WebSubSettings.model_validate(
            {"enabled": True, "listen_port": 0, "secret": SECRET, **websub}
        )
        self.settings = s
        self.subs = Subscriptions(s)
        self.inbox = Inbox(s.max_pending, s.deliveries_per_minute)
        self.server = CallbackServer(s, self.subs, self.inbox).start()
        self.subs.base = f"http://127.0.0.1:{self.server.port}/websub"
        self.subs.observe(self.FEED, "http://127.0.0.1:9/hub", self.TOPIC)
        (sub,) = self.subs.due(0.0)
        self.subs.sent(sub, True)
        assert self.subs.verify(self.FEED, "subscribe", self.TOPIC, "3600")
        self.secret = sub.secret
        self.url = self.subs.callback_for(self.FEED)

    def post(self, body: bytes, *, signature: str | None = None, method: str = "sha256") -> int:
        import httpx

        from ingest.websub import sign

        headers = {"Content-Type": "application/rss+xml"}
        headers["X-Hub-Signature"] = (
            sign(self.secret, body, method) if signature is None else signature
        )
        if signature == "":
            del headers["X-Hub-Signature"]
        return httpx.post(self.url, content=body, headers=headers, timeout=10).status_code

    def close(self) -> None:
        self.server.stop()

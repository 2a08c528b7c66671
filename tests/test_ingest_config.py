"""Feed lists, OPML, schedule arithmetic and the SQLite state store."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest

from ingest.feeds import FeedSpec, dump_feed_list, import_opml, load_feed_list
from ingest.http import parse_retry_after
from ingest.schedule import adaptive_interval, backoff_delay, freshness_lifetime
from ingest.state import FeedState, MemoryStateStore, SeenEntry, SqliteStateStore, StateStore
from wirewatch.errors import ConfigError


def test_yaml_feed_list(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text("""feeds:
  - url: https://news.test/rss
    name: News
    tags: [world, en]
    interval: 15m
    headers: {X-Api-Key: k}
  - https://other.test/atom.xml
  - {url: https://third.test/f, id: third}
""")
    feeds = load_feed_list(p)
    assert [f.name for f in feeds] == ["News", None, None]
    assert feeds[0].interval == 900 and feeds[0].tags == ("world", "en")
    assert feeds[0].headers == {"X-Api-Key": "k"} and feeds[2].feed_id == "third"
    assert feeds[1].feed_id == FeedSpec(url="https://OTHER.test/atom.xml?utm_source=x").feed_id
    assert load_feed_list(_write(tmp_path / "again.yaml", dump_feed_list(feeds))) == feeds


def _write(p: Path, text: str) -> Path:
    p.write_text(text)
    return p


def test_validation_errors_name_the_feed_and_the_field(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "bad.yaml",
        """feeds:
  - {url: https://ok.test/rss}
  - {url: "ftp://news.test/rss", name: Bad Scheme}
  - {url: https://x.test/f, name: Slow, interval: soon}
  - {url: https://y.test/f, colour: red}
  - {url: https://ok.test/rss}
""",
    )
    with pytest.raises(ConfigError) as err:
        load_feed_list(p)
    msg = str(err.value)
    assert "feed #2 (Bad Scheme): url:" in msg
    assert "feed #3 (Slow): interval:" in msg
    assert "feed #4 (https://y.test/f): colour: unknown field" in msg
    assert "feed #5 (https://ok.test/rss): url: duplicate of feed #1" in msg


def test_opml_import_takes_categories_as_tags() -> None:
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="World"><outline text="BBC World" type="rss" xmlUrl="https://feeds.test/bbc.xml"/>
<outline text="Africa"><outline title="Citizen" xmlUrl="https://citizen.test/feed"/></outline>
</outline><outline text="Loose" xmlUrl="https://loose.test/rss"/></body></opml>"""
    feeds = import_opml(opml)
    assert [(f.name, f.tags) for f in feeds] == [
        ("BBC World", ("World",)),
        ("Citizen", ("World", "Africa")),
        ("Loose", ()),
    ]
    with pytest.raises(ConfigError):
        import_opml(b"<rss/>")


def test_adaptive_interval_tracks_frequency_and_clamps() -> None:
    now = 1_000_000.0
    busy = [now - 600 * i for i in range(10)]  # one entry every 10 minutes
    quiet = [now - 86400 * i for i in range(1, 5)]
    kw = {"minimum": 60.0, "maximum": 3600.0, "default": 600.0}
    assert 60 < adaptive_interval(busy, now, **kw) < 600
    assert adaptive_interval(quiet, now, **kw) == 3600
    assert adaptive_interval([now - 1] * 10, now, **kw) == 60
    assert adaptive_interval([], now, **kw) == 600
    silent_later = adaptive_interval(busy, now + 86400, **kw)
    assert silent_later > adaptive_interval(busy, now, **kw)


def test_backoff_grows_and_caps() -> None:
    rng = random.Random(1)
    d = [backoff_delay(n, base=60, cap=3600, jitter=0.1, rng=rng) for n in range(1, 10)]
    assert all(b > a for a, b in pairwise(d[:6]))
    assert max(d) <= 3600 and d[-1] >= 3240


def test_freshness_and_retry_after() -> None:
    assert freshness_lifetime("public, max-age=300", None, 0) == 300
    assert freshness_lifetime("no-cache, max-age=300", None, 0) is None
    assert freshness_lifetime(None, "Thu, 01 Jan 1970 00:10:00 GMT", 0) == 600
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Thu, 01 Jan 1970 00:02:00 GMT", now=0) == 120
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
def test_state_store_roundtrip(kind: str, tmp_path: Path) -> None:
    store: StateStore = (
        SqliteStateStore(tmp_path / "s.db") if kind == "sqlite" else MemoryStateStore()
    )
    assert isinstance(store, StateStore)
    st = FeedState(
        feed_id="f1",
        url="https://a.test/f",
        etag='"x"',
        error_count=2,
        last_error="http.status.500",
        recent_times=[1.0, 2.0],
    )
    seen = SeenEntry("k1", "f1", "g1", 5.0, "h", 100.0)
    store.commit(st, [seen])
    assert store.load_feed("f1") == st and store.load_feed("nope") is None
    assert store.find_seen("f1", "g1", "zzz") == seen  # by (feed, entry id)
    assert store.find_seen("f2", "other", "k1") == seen  # by canonical URL
    assert store.find_seen("f2", "other", "k2") is None
    assert [s.feed_id for s in store.all_feeds()] == ["f1"]
    assert store.prune_seen(before=200.0) == 1
    assert store.find_seen("f1", "g1", "k1") is None
    store.close()


def test_sqlite_state_survives_reopen(tmp_path: Path) -> None:
    s = SqliteStateStore(tmp_path / "s.db")
    s.save_feed(FeedState(feed_id="f", url="u", disabled_reason="http.status.410"))
    s.close()
    again = SqliteStateStore(tmp_path / "s.db")
    loaded = again.load_feed("f")
    assert loaded is not None and loaded.disabled_reason == "http.status.410"
    again.close()

"""Dedup, updates, scheduling and the run loop, against a real local server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ingest.feeds import FeedSpec
from ingest.poller import Poller, PollResult
from ingest.state import MemoryStateStore, SqliteStateStore, StateStore
from tests.ingest_support import LocalServer, Reply, client, rss
from wirewatch.config import PollSettings

CT = {"Content-Type": "application/rss+xml"}


def item(guid: str, link: str, title: str = "Storm", updated: str | None = None) -> dict:
    d = {
        "title": title,
        "link": link,
        'guid isPermaLink="false"': guid,
        "pubDate": "Tue, 05 Mar 2024 10:00:00 GMT",
        "description": f"About {title}",
    }
    if updated:
        d["atom:updated"] = updated
    return d


def feed_doc(*items: dict) -> bytes:
    return rss(items, extra_ns='xmlns:atom="http://www.w3.org/2005/Atom"')


def poll_all(srv: LocalServer, specs: list[FeedSpec], store: StateStore) -> list[PollResult]:
    async def go() -> list[PollResult]:
        async with client() as c:
            poller = Poller(c, store, PollSettings())
            return [await poller.poll_once(s) for s in specs]

    return asyncio.run(go())


def test_two_feeds_carrying_the_same_article_give_one_entry() -> None:
    with LocalServer() as srv:
        srv.route(
            "/a.xml",
            Reply(
                200,
                feed_doc(
                    item("a-1", "https://www.news.test/world/storm/?utm_source=feed-a"),
                    item("a-2", "https://news.test/other"),
                ),
                CT,
            ),
        )
        srv.route(
            "/b.xml",
            Reply(
                200,
                feed_doc(
                    item("b-77", "http://news.test/world/storm?fbclid=xyz#top"),
                ),
                CT,
            ),
        )
        results = poll_all(
            srv,
            [FeedSpec(url=srv.url("/a.xml")), FeedSpec(url=srv.url("/b.xml"))],
            MemoryStateStore(),
        )
    a, b = results
    assert [e.url for e in a.entries] == [
        "https://news.test/world/storm",
        "https://news.test/other",
    ]
    assert b.status == "unchanged" and b.entries == []


def test_changed_guid_same_article_is_not_new_and_edit_is_an_update(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "state.db")
    with LocalServer() as srv:
        spec = FeedSpec(url=srv.url("/f.xml"))
        srv.route(
            "/f.xml",
            Reply(
                200,
                feed_doc(item("g-1", "https://news.test/storm", updated="2024-03-05T10:00:00Z")),
                CT,
            ),
        )
        first = poll_all(srv, [spec], store)[0]
        srv.route(
            "/f.xml",
            Reply(
                200,
                feed_doc(
                    item("g-1-new-cms", "https://news.test/storm", updated="2024-03-05T10:00:00Z")
                ),
                CT,
            ),
        )
        renamed = poll_all(srv, [spec], store)[0]
        srv.route(
            "/f.xml",
            Reply(
                200,
                feed_doc(
                    item(
                        "g-1-new-cms",
                        "https://news.test/storm",
                        title="Storm: 3 dead",
                        updated="2024-03-05T12:00:00Z",
                    )
                ),
                CT,
            ),
        )
        edited = poll_all(srv, [spec], store)[0]
        again = poll_all(srv, [spec], store)[0]
    store.close()
    assert first.new_count == 1
    assert renamed.entries == []
    assert len(edited.entries) == 1 and edited.entries[0].is_update
    assert edited.entries[0].title == "Storm: 3 dead" and edited.updated_count == 1
    assert again.entries == []


def test_restamped_but_unchanged_entry_is_not_an_update() -> None:
    store = MemoryStateStore()
    with LocalServer() as srv:
        spec = FeedSpec(url=srv.url("/f.xml"))
        srv.route(
            "/f.xml",
            Reply(
                200, feed_doc(item("g", "https://news.test/a", updated="2024-03-05T10:00:00Z")), CT
            ),
        )
        poll_all(srv, [spec], store)
        srv.route(
            "/f.xml",
            Reply(
                200, feed_doc(item("g", "https://news.test/a", updated="2024-03-06T10:00:00Z")), CT
            ),
        )
        assert poll_all(srv, [spec], store)[0].entries == []


def test_html_served_as_feed_is_a_classified_error() -> None:
    page = (
        b"<!DOCTYPE html><html><head><link rel='alternate' type='application/rss+xml'"
        b" href='/real.xml'></head><body>hi</body></html>"
    )
    with LocalServer() as srv:
        srv.route("/feed", Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
        result = poll_all(srv, [FeedSpec(url=srv.url("/feed"))], MemoryStateStore())[0]
    assert result.status == "error" and result.error_reason == "feed.html"
    assert srv.url("/real.xml") in (result.error_message or "")
    assert result.state.error_count == 1 and result.state.last_error == "feed.html"


def test_commit_false_leaves_entries_unseen_until_committed() -> None:
    store = MemoryStateStore()
    with LocalServer() as srv:
        spec = FeedSpec(url=srv.url("/f.xml"))
        srv.route("/f.xml", Reply(200, feed_doc(item("g", "https://news.test/a")), CT))

        async def go() -> tuple[int, int, int]:
            async with client() as c:
                poller = Poller(c, store)
                r1 = await poller.poll_once(spec, commit=False)
                r2 = await poller.poll_once(spec, commit=False)  # not committed: again
                poller.commit(r2)
                r3 = await poller.poll_once(spec)
                return len(r1.entries), len(r2.entries), len(r3.entries)

        assert asyncio.run(go()) == (1, 1, 0)


def test_run_loop_polls_due_feeds_with_bounded_concurrency() -> None:
    store = MemoryStateStore()
    with LocalServer() as srv:
        specs = []
        for i in range(5):
            srv.route(
                f"/f{i}.xml", Reply(200, feed_doc(item(f"g{i}", f"https://news.test/{i}")), CT)
            )
            specs.append(FeedSpec(url=srv.url(f"/f{i}.xml"), name=f"feed {i}"))
        got: list[PollResult] = []

        async def on_result(r: PollResult) -> None:
            got.append(r)

        async def go() -> list[FeedSpec]:
            async with client() as c:
                poller = Poller(c, store, PollSettings(concurrency=2))
                await poller.run(specs, on_result, once=True)
                return poller.due(specs)

        still_due = asyncio.run(go())
    assert sorted(r.feed.name or "" for r in got) == [f"feed {i}" for i in range(5)]
    assert all(r.new_count == 1 for r in got)
    assert still_due == []  # each got a next due time in the future
    assert all(s.next_due > 0 and s.polls == 1 for s in store.all_feeds())


def test_failed_hand_off_keeps_entries_for_the_next_poll() -> None:
    store = MemoryStateStore()
    with LocalServer() as srv:
        spec = FeedSpec(url=srv.url("/f.xml"))
        srv.route("/f.xml", Reply(200, feed_doc(item("g", "https://news.test/a")), CT))
        calls: list[int] = []

        async def flaky(r: PollResult) -> None:
            calls.append(len(r.entries))
            if len(calls) == 1:
                raise RuntimeError("sink down")

        async def go() -> list[FeedSpec]:
            async with client() as c:
                poller = Poller(c, store, PollSettings(min_interval=60))
                await poller.run([spec], flaky, once=True)
                not_yet = poller.due([spec])
                st = store.load_feed(spec.feed_id)
                assert st is not None
                st.next_due = 0
                store.save_feed(st)
                await poller.run([spec], flaky, once=True)
                return not_yet

        not_yet = asyncio.run(go())
    assert not_yet == []  # not hammered right after the failure
    assert calls == [1, 1]  # the entry came again after the failed hand-off


def test_an_identical_document_is_not_parsed_again_once_committed(monkeypatch) -> None:
    """A 200 without validators whose body is the one parsed last time holds nothing new: it is
    "unchanged" without a parse. The digest is kept only with a committed poll, so a poll whose
    entries were not handed on parses again."""
    import ingest.poller as poller_mod

    parses: list[str] = []
    real = poller_mod.parse_feed_document

    def counting(body, *a, **kw):
        parses.append(body.decode(errors="replace"))
        return real(body, *a, **kw)

    monkeypatch.setattr(poller_mod, "parse_feed_document", counting)
    store = MemoryStateStore()
    first = feed_doc(item("g1", "https://news.test/1"))
    second = feed_doc(item("g2", "https://news.test/2"), item("g1", "https://news.test/1"))
    with LocalServer() as srv:
        spec = FeedSpec(url=srv.url("/f.xml"))
        srv.route("/f.xml", Reply(200, first, CT))

        async def go() -> list[tuple[str, int]]:
            async with client() as c:
                poller = Poller(c, store)
                out = []
                r = await poller.poll_once(spec, commit=False)  # not handed on
                out.append((r.status, len(r.entries)))
                r = await poller.poll_once(spec)  # so the same body is parsed again
                out.append((r.status, len(r.entries)))
                r = await poller.poll_once(spec)  # committed before: skipped
                out.append((r.status, len(r.entries)))
                srv.route("/f.xml", Reply(200, second, CT))
                r = await poller.poll_once(spec)
                out.append((r.status, len(r.entries)))
                return out

        results = asyncio.run(go())
    assert [n for _s, n in results] == [1, 1, 0, 1]
    assert results[2][0] == "unchanged"
    assert len(parses) == 3  # the third poll was not parsed
    assert store.load_feed(spec.feed_id).polls == 3  # the uncommitted poll left no trace

"""WebSub push in the embedded runner, against a local hub (testkit/websub_hub.py), all on
127.0.0.1: subscribe, verification of intent, signed pushes that become entries, refused
deliveries, lease renewal, and polling again when the hub goes away."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
import pytest

from ingest.websub import Subscriptions, discover_hub, signature_ok, topic_secret
from testkit.http import free_port
from testkit.websub_hub import wait_for
from tests.hostile_support import MetricDelta
from tests.websub_support import (
    SECRET,
    Callback,
    LocalHub,
    LocalServer,
    Reply,
    entries,
    feed_doc,
    running,
    serve_feed,
    settings,
)
from wirewatch.config import WebSubSettings, load_settings
from wirewatch.errors import ConfigError
from wirewatch.topics import Topics

WEBSUB = "wirewatch_websub_total"


def _guids(out) -> list[str]:
    return [e["title"].removeprefix("Story ") for e in entries(out)]


def test_signed_push_becomes_an_entry_and_a_bad_signature_is_refused(tmp_path):
    out = tmp_path / "out"
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1", "old2"])
        topic = feed.url
        with MetricDelta() as metrics, running(settings(), [feed], out):
            assert wait_for(lambda: hub.subscribed(topic)), hub.requests
            sub = hub.subscribed(topic)[0]
            req = hub.subscribe_requests(topic)[0].form
            assert req["hub.mode"] == "subscribe" and req["hub.callback"] == sub.callback
            assert req["hub.secret"] == topic_secret(SECRET, topic)  # per topic, from the master
            assert wait_for(lambda: {"old1", "old2"} <= set(_guids(out)))

            # a push whose signature is wrong: acknowledged (the spec), ignored and counted
            bad = feed_doc(site, hub.url, ["bad", "old1"])
            assert hub.publish(topic, bad, signature="sha256=" + "0" * 64) == [202]
            assert hub.publish(topic, bad, signature="") == [202]  # no signature at all
            assert metrics.delta(WEBSUB, {"kind": "delivery", "result": "bad_signature"}) == 1
            assert metrics.delta(WEBSUB, {"kind": "delivery", "result": "missing_signature"}) == 1

            # a signed push: the new item becomes an entry, the old ones are deduplicated
            polls_before = len(site.hits("/feed.xml"))
            doc = feed_doc(site, hub.url, ["p1", "old1", "old2"])
            assert hub.publish(topic, doc) == [202]
            assert wait_for(lambda: "p1" in _guids(out), timeout=30)
            # the same path as a polled document: the same dedup, so a repeat adds nothing,
            # and every signature method of the spec is accepted
            for method in ("sha1", "sha384", "sha512"):
                assert hub.publish(topic, doc, method=method) == [202]
            assert hub.publish(topic, feed_doc(site, hub.url, ["p2"]), method="sha512") == [202]
            assert wait_for(lambda: "p2" in _guids(out), timeout=30)
            # the feed was not polled for them: they came by push
            assert b"p1" not in site.routes["/feed.xml"](None).body  # type: ignore[arg-type]
            # while the subscription is live the feed waits for the fallback interval (3600 s)
            # instead of its own (1 s)
            time.sleep(2.5)
            assert len(site.hits("/feed.xml")) == polls_before
        got = _guids(out)
        assert got.count("p1") == 1 and got.count("old1") == 1 and got.count("p2") == 1
        assert "bad" not in got
        assert metrics.delta(WEBSUB, {"kind": "delivery", "result": "accepted"}) == 5


def test_lease_is_renewed_before_it_expires(tmp_path):
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        with running(settings(lease_seconds=2), [feed], tmp_path / "out") as bg:
            # 2 s leases renewed at 4/5 of the lease: three verified requests, one subscription
            assert wait_for(
                lambda: sum(r.verified is True for r in hub.subscribe_requests(feed.url)) >= 3,
                timeout=60,
            ), hub.requests
            assert len(hub.subscribed(feed.url)) == 1  # the same callback, renewed
            assert bg.websub().subs.live(feed.feed_id)


def test_polls_at_the_normal_interval_again_when_the_hub_goes_away(tmp_path):
    out = tmp_path / "out"
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        with running(settings(lease_seconds=4), [feed], out) as bg:
            assert wait_for(lambda: hub.subscribed(feed.url))
            assert wait_for(lambda: bg.websub().subs.live(feed.feed_id))
            polls = len(site.hits("/feed.xml"))
            hub.stop()  # the renewal fails: the feed is polled every second again
            assert wait_for(lambda: len(site.hits("/feed.xml")) >= polls + 2, timeout=60)
            assert not bg.websub().subs.live(feed.feed_id)
            # what a poll finds still comes through
            serve_feed(site, None, ["old1", "later"])
            assert wait_for(lambda: "later" in _guids(out), timeout=30)


def test_forged_verification_is_refused_and_counted(tmp_path):
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        with MetricDelta() as metrics, running(settings(), [feed], tmp_path / "out") as bg:
            assert wait_for(lambda: hub.subscribed(feed.url))
            callback = hub.subscribed(feed.url)[0].callback
            base = callback.rsplit("/", 1)[0]
            forged = [
                # another topic for our feed
                (callback, {"hub.topic": site.url("/other.xml")}),
                # a feed we never subscribed to
                (base + "/not-a-feed", {"hub.topic": feed.url}),
                # unsubscribe we never asked for
                (callback, {"hub.topic": feed.url, "hub.mode": "unsubscribe"}),
                # our feed and topic, but no request of ours is waiting: it could keep a
                # subscription the hub dropped looking live
                (callback, {"hub.topic": feed.url, "hub.lease_seconds": "999999"}),
            ]
            for url, params in forged:
                query = {"hub.mode": "subscribe", "hub.challenge": "forged-challenge", **params}
                resp = httpx.get(url, params=query, timeout=10)
                assert resp.status_code == 404 and "forged-challenge" not in resp.text
            assert metrics.delta(WEBSUB, {"kind": "verification", "result": "unknown"}) == 4
            assert bg.websub().subs.live(feed.feed_id)  # the real subscription is untouched


# --------------------------------------------------------------------------- units


def test_hub_found_in_link_header_and_in_atom_link():
    header = {"link": '<https://hub.test/>; rel="hub", <https://ex.test/feed>; rel="self"'}
    assert discover_hub(b"<rss/>", header, "https://ex.test/f") == (
        "https://hub.test/",
        "https://ex.test/feed",
    )
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="/hub"/>'
        b'<link rel="self" href="https://ex.test/atom"/></feed>'
    )
    assert discover_hub(atom, {}, "https://ex.test/a") == (
        "https://ex.test/hub",
        "https://ex.test/atom",
    )
    assert discover_hub(b"<rss><channel/></rss>", {}, "https://ex.test/a") is None
    # an entry's links are not the feed's
    entry_only = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="hub" href="/h"/>'
        b'<link rel="self" href="/e"/></entry></feed>'
    )
    assert discover_hub(entry_only, {}, "https://ex.test/a") is None
    # entities are not expanded, nothing is fetched
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY h SYSTEM "file:///etc/hostname">]>'
        b'<rss xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        b'<atom:link rel="hub" href="https://hub.test/&h;"/></channel></rss>'
    )
    assert discover_hub(xxe, {}, "https://ex.test/a") == ("https://hub.test/", "https://ex.test/a")


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_signature_methods(method):
    body = b"<rss/>"
    good = f"{method}=" + hmac.new(b"k", body, getattr(hashlib, method)).hexdigest()
    assert signature_ok("k", body, good) == "ok"
    assert signature_ok("k", body + b" ", good) == "bad"
    assert signature_ok("k", body, "md5=abc") == "bad"
    assert signature_ok("k", body, None) == "missing"


def test_secret_only_from_the_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "w.yaml"
    cfg.write_text("websub:\n  enabled: true\n  secret: in-the-file\n")
    with pytest.raises(ConfigError, match="WIREWATCH_WEBSUB__SECRET"):
        load_settings(cfg)
    cfg.write_text("websub:\n  enabled: true\n")
    monkeypatch.setenv("WIREWATCH_WEBSUB__SECRET", "from-env")
    loaded = load_settings(cfg).websub
    assert loaded.enabled and loaded.secret is not None
    assert loaded.secret.get_secret_value() == "from-env"
    assert "from-env" not in str(load_settings(cfg).masked())


def test_secret_in_a_file_named_by_wirewatch_config_is_refused(tmp_path, monkeypatch):
    cfg = tmp_path / "w.yaml"
    cfg.write_text("websub:\n  enabled: true\n  secret: in-the-file\n")
    monkeypatch.setenv("WIREWATCH_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=f"config file {cfg}: websub.secret .*environment"):
        load_settings()
    cfg.write_text("websub:\n  enabled: true\n")
    monkeypatch.setenv("WIREWATCH_WEBSUB__SECRET", "from-env")
    loaded = load_settings().websub
    assert loaded.enabled and loaded.secret is not None
    assert loaded.secret.get_secret_value() == "from-env"


def test_enabled_without_a_secret_is_a_clear_error(tmp_path):
    from ingest.websub import Subscriptions

    with pytest.raises(ConfigError, match="WIREWATCH_WEBSUB__SECRET"):
        Subscriptions(WebSubSettings(enabled=True))


def test_unreadable_push_is_a_dead_letter_and_the_next_push_still_counts(tmp_path):
    out = tmp_path / "out"
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        with running(settings(), [feed], out):
            assert wait_for(lambda: hub.subscribed(feed.url))
            garbage = b"<html><body>not a feed</body></html>"
            assert hub.publish(feed.url, garbage, content_type="text/html") == [202]
            assert hub.publish(feed.url, feed_doc(site, hub.url, ["p3"])) == [202]
            assert wait_for(lambda: "p3" in _guids(out), timeout=30)
            letters_file = out / f"{Topics().deadletter}.jsonl"
            assert wait_for(letters_file.exists)
        letters = [json.loads(x) for x in letters_file.read_text().splitlines()]
        (letter,) = [d for d in letters if d["stage"] == "poll"]
        assert letter["reason"] == "websub.feed.html" and letter["payload"] == garbage.decode()
        assert letter["key"] == feed.feed_id


# --------------------------------------------------------------------------- subscription states


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _subs(clock: Clock, **kw: object) -> Subscriptions:
    s = WebSubSettings.model_validate({"enabled": True, "secret": "k", **kw})
    return Subscriptions(s, clock)


def test_a_lapsed_lease_is_not_live_and_is_asked_again():
    clock = Clock()
    subs = _subs(clock)
    subs.observe("f", "http://hub.test/", "http://ex.test/feed")
    (sub,) = subs.due(clock.now)
    subs.sent(sub, True)
    assert subs.verify("f", "subscribe", "http://ex.test/feed", "100")
    assert subs.live("f") and subs.due(clock.now) == []
    clock.now += 80  # 4/5 of the lease: renewal due, still live
    (renewal,) = subs.due(clock.now)
    assert subs.live("f")
    subs.sent(renewal, True)
    clock.now += 1
    assert subs.due(clock.now) == []  # not asked again while the hub may still verify
    clock.now += 20  # the renewal was never verified: the lease lapsed
    assert not subs.live("f")
    clock.now += 300  # websub.verify_timeout after the renewal: asked again
    assert len(subs.due(clock.now)) == 1


def test_a_failed_request_or_a_denial_falls_back_and_retries_later():
    clock = Clock()
    subs = _subs(clock)
    subs.observe("f", "http://hub.test/", "http://ex.test/feed")
    (sub,) = subs.due(clock.now)
    subs.sent(sub, False, "HTTP 500")
    assert not subs.live("f") and subs.due(clock.now) == []  # backoff
    clock.now += 61
    (sub,) = subs.due(clock.now)
    subs.sent(sub, True)
    assert subs.verify("f", "subscribe", "http://ex.test/feed", "3600") and subs.live("f")
    assert not subs.denied("f", "http://other.test/")  # not our topic: ignored
    assert subs.denied("f", "http://ex.test/feed") and not subs.live("f")


def test_an_unsubscribe_is_retried_verified_once_and_dropped_when_the_lease_lapses():
    clock = Clock()
    subs = _subs(clock, lease_seconds=1000)
    topic = "http://ex.test/feed"
    subs.observe("f", "http://hub.test/", topic)
    (sub,) = subs.due(clock.now)
    subs.sent(sub, True)
    assert subs.verify("f", "subscribe", topic, "500")
    subs.remove({"f"})
    assert subs.get("f") is None and subs.secret_of("f") is None and subs.is_leaving("f")
    assert not subs.verify("f", "unsubscribe", topic, None)  # nothing asked yet: forged
    (leaving,) = subs.leaving_due(clock.now)
    subs.unsubscribe_sent(leaving, False, "HTTP 503")
    assert subs.leaving_due(clock.now) == []  # backoff
    clock.now += 61
    (leaving,) = subs.leaving_due(clock.now)
    subs.unsubscribe_sent(leaving, True)
    assert not subs.verify("f", "unsubscribe", "http://other.test/", None)  # not our topic
    assert not subs.verify("f", "subscribe", topic, "500")  # the old subscribe: not any more
    assert subs.verify("f", "unsubscribe", topic, None) and not subs.is_leaving("f")
    assert not subs.verify("f", "unsubscribe", topic, None)  # once only

    # a hub that never verifies: asked again, until the lease the hub may keep has lapsed
    subs.observe("g", "http://hub.test/", topic)
    subs.remove({"g"})
    (leaving,) = subs.leaving_due(clock.now)
    subs.unsubscribe_sent(leaving, True)
    clock.now += 301  # websub.verify_timeout
    (leaving,) = subs.leaving_due(clock.now)
    subs.unsubscribe_sent(leaving, True)
    clock.now += 1000
    assert subs.leaving_due(clock.now) == [] and not subs.is_leaving("g")

    # a feed added again before the hub verified its unsubscribe: that verification is refused
    subs.observe("h", "http://hub.test/", topic)
    subs.remove({"h"})
    (leaving,) = subs.leaving_due(clock.now)
    subs.unsubscribe_sent(leaving, True)
    subs.observe("h", "http://hub.test/", topic)
    assert not subs.verify("h", "unsubscribe", topic, None) and subs.get("h") is not None


def test_a_delivery_for_a_feed_this_worker_does_not_own_is_gone():
    cb = Callback()
    try:
        other = cb.url.rsplit("/", 1)[0] + "/feed-of-another-worker"
        resp = httpx.post(other, content=b"<rss/>", timeout=10)
        assert resp.status_code == 410  # the hub may end that subscription
        assert len(cb.inbox) == 0
        assert cb.post(b"<rss/>") == 202 and len(cb.inbox) == 1  # ours is taken
    finally:
        cb.close()


def test_after_a_restart_the_hub_in_the_state_is_subscribed_again_on_a_304(tmp_path):
    """The hub is kept in the feed's state record: a restarted runner subscribes again even
    though the feed answers 304 (no document to find the hub in)."""
    out, state = tmp_path / "out", tmp_path / "state.db"
    with LocalHub() as hub, LocalServer() as site:
        feed = serve_feed(site, hub.url, ["old1"])
        doc = feed_doc(site, hub.url, ["old1"])

        def conditional(seen):
            if seen.headers.get("if-none-match") == '"v1"':
                return Reply(304)
            return Reply(200, doc, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

        site.route("/feed.xml", conditional)
        with running(settings(), [feed], out, state):
            assert wait_for(lambda: hub.subscribed(feed.url))
            assert wait_for(lambda: "old1" in _guids(out))
        first = len(hub.subscribe_requests(feed.url))
        hub.subscriptions.clear()
        polls = len(site.hits("/feed.xml"))
        with running(settings(), [feed], out, state) as bg:
            assert wait_for(lambda: hub.subscribed(feed.url))
            assert len(hub.subscribe_requests(feed.url)) > first
            assert bg.websub().subs.live(feed.feed_id)
        # any poll of the restarted run was conditional: its 304 had no document to read
        later = site.hits("/feed.xml")[polls:]
        assert all(r.headers.get("if-none-match") == '"v1"' for r in later), later


# --------------------------------------------------------------------------- the poll stage


def test_poll_stage_takes_a_push_once_its_feed_is_known_and_drops_it_when_removed(tmp_path):
    """Kafka order of events: state restored (with the hub), then the feed table is read. A
    delivery waits for its feed's row; a removed feed's deliveries are dropped."""
    import asyncio

    from ingest.poll_stage import PollStage, StateRecord
    from ingest.state import FeedState
    from ingest.websub import Delivery
    from testkit.http import client
    from wirewatch.stage import TableRow

    async def main() -> None:
        with LocalServer() as site:
            feed = serve_feed(site, None, ["old1"])
            stage = PollStage(settings(), client=client())
            await stage.setup()
            assert stage.websub is not None
            subs = stage.websub.subs
            try:
                record = StateRecord.build(
                    FeedState(feed.feed_id, feed.url, feed.url, next_due=9e9), []
                )
                record.websub = {"hub": "http://127.0.0.1:9/hub", "topic": feed.url}
                stage.restore({0}, [TableRow(feed.feed_id, record.model_dump_json().encode())])
                assert subs.get(feed.feed_id) is not None  # the hub, from the state record
                doc = feed_doc(site, None, ["p1"])
                stage.websub.inbox.put(Delivery(feed.feed_id, doc, "application/rss+xml"))
                assert await stage.run_due() == [] and len(stage.websub.inbox) == 1  # waits
                stage.table([TableRow(feed.feed_id, feed.model_dump_json().encode(), 0)])
                (result,) = await stage.run_due()
                assert [e.title for e in result.entries] == ["Story p1"]
                stage.on_commit([result])
                # the same item pushed again: deduplicated like a polled one
                stage.websub.inbox.put(Delivery(feed.feed_id, doc, "application/rss+xml"))
                (again,) = await stage.run_due()
                assert again.entries == []
                # a removed feed: its subscription forgotten, its queued delivery dropped
                stage.websub.inbox.put(Delivery(feed.feed_id, doc, "application/rss+xml"))
                stage.table([TableRow(feed.feed_id, None, 0)])
                assert await stage.run_due() == []
                assert len(stage.websub.inbox) == 0 and subs.get(feed.feed_id) is None
            finally:
                await stage.close()

    asyncio.run(main())


# --------------------------------------------------------------------------- removed feeds


def test_a_removed_feed_is_unsubscribed_and_its_pushes_are_refused(tmp_path):
    """Kafka order of events: the feed's row, then its tombstone (`wirewatch feeds remove`).
    The hub is asked to unsubscribe (and its verification echoed), and a push that comes
    meanwhile is refused with 410 and never queued."""
    import asyncio

    from ingest.poll_stage import PollStage
    from testkit.http import client
    from wirewatch.stage import TableRow

    async def until(stage: PollStage, predicate, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            results = await stage.run_due(wait=0.05)
            if results:
                stage.on_commit(results)
            await asyncio.sleep(0.02)
        return bool(predicate())

    async def main() -> None:
        with LocalHub() as hub, LocalServer() as site, MetricDelta() as metrics:
            feed = serve_feed(site, hub.url, ["old1"])
            stage = PollStage(settings(), client=client())
            await stage.setup()
            assert stage.websub is not None
            subs = stage.websub.subs
            try:
                stage.restore({0}, [])
                stage.table([TableRow(feed.feed_id, feed.model_dump_json().encode(), 0)])
                # live on our side, and recorded by the hub (after our answer reached it)
                assert await until(
                    stage, lambda: subs.live(feed.feed_id) and hub.subscribed(feed.url)
                ), hub.requests
                (sub,) = hub.subscribed(feed.url)

                stage.table([TableRow(feed.feed_id, None, 0)])  # the feed's tombstone
                doc = feed_doc(site, hub.url, ["p1"])
                assert hub.publish(feed.url, doc) == [410]  # removed: refused, not queued
                assert len(stage.websub.inbox) == 0
                assert metrics.delta(WEBSUB, {"kind": "delivery", "result": "removed"}) == 1

                assert await until(stage, lambda: not hub.subscribed(feed.url)), hub.requests
                (unsub,) = hub.subscribe_requests(feed.url, mode="unsubscribe")
                assert unsub.verified is True
                assert unsub.form["hub.callback"] == sub.callback
                assert metrics.delta(WEBSUB, {"kind": "verification", "result": "unsubscribed"})
                assert not subs.is_leaving(feed.feed_id) and subs.get(feed.feed_id) is None
                # a second verification of that unsubscribe is not ours any more
                resp = httpx.get(
                    sub.callback,
                    params={
                        "hub.mode": "unsubscribe",
                        "hub.topic": feed.url,
                        "hub.challenge": "again",
                    },
                    timeout=10,
                )
                assert resp.status_code == 404 and "again" not in resp.text
            finally:
                await stage.close()

    asyncio.run(main())


def test_a_feed_dropped_from_the_list_is_unsubscribed_by_the_next_run(tmp_path):
    """`wirewatch run` with a feed list that lost a feed: the hub its state record names is
    asked to unsubscribe (the callback is the same: a fixed websub.listen_port)."""
    out, state = tmp_path / "out", tmp_path / "state.db"
    s = settings(listen_port=free_port())
    with LocalHub() as hub, LocalServer() as site, LocalServer() as other:
        feed = serve_feed(site, hub.url, ["old1"])
        kept = serve_feed(other, None, ["old2"])
        with running(s, [feed, kept], out, state):
            assert wait_for(lambda: hub.subscribed(feed.url)), hub.requests
            assert wait_for(lambda: {"old1", "old2"} <= set(_guids(out)))
        (sub,) = hub.subscribed(feed.url)
        with running(s, [kept], out, state) as bg:
            assert wait_for(lambda: not hub.subscribed(feed.url)), hub.requests
            (unsub,) = hub.subscribe_requests(feed.url, mode="unsubscribe")
            assert unsub.verified is True and unsub.form["hub.callback"] == sub.callback
            assert bg.websub().subs.get(feed.feed_id) is None
            # no subscribe was asked for the dropped feed by this run
            assert len(hub.subscribe_requests(feed.url)) == 1

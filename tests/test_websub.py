"""WebSub push in the embedded runner, against a local hub (testkit/websub_hub.py), all on
127.0.0.1: subscribe, verification of intent, signed pushes that become entries, refused
deliveries, lease renewal, and polling again when the hub goes away."""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import pytest

from ingest.websub import discover_hub, signature_ok, topic_secret
from testkit.websub_hub import wait_for
from tests.hostile_support import MetricDelta
from tests.websub_support import (
    SECRET,
    LocalHub,
    LocalServer,
    entries,
    feed_doc,
    running,
    serve_feed,
    settings,
)
from wirewatch.config import WebSubSettings, load_settings
from wirewatch.errors import ConfigError

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
            ]
            for url, params in forged:
                query = {"hub.mode": "subscribe", "hub.challenge": "forged-challenge", **params}
                resp = httpx.get(url, params=query, timeout=10)
                assert resp.status_code == 404 and "forged-challenge" not in resp.text
            assert metrics.delta(WEBSUB, {"kind": "verification", "result": "unknown"}) == 3
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


def test_enabled_without_a_secret_is_a_clear_error(tmp_path):
    from ingest.websub import Subscriptions

    with pytest.raises(ConfigError, match="WIREWATCH_WEBSUB__SECRET"):
        Subscriptions(WebSubSettings(enabled=True))

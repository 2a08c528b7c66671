"""``wirewatch discover URL`` against a local site, run as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import yaml

from testkit.http import REPO
from tests.ingest_support import LocalServer, Reply

HOME = """<!DOCTYPE html><html><head><title>News Test</title>
<link rel="alternate" type="application/rss+xml" title="Top stories" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="http://127.0.0.1:{port}/atom.xml">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="hub" href="https://hub.example/">
<link rel="stylesheet" href="/site.css">
</head><body><p>Hello</p></body></html>"""


def discover(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({"PYTHONPATH": str(REPO), "WIREWATCH_HTTP__PER_HOST_DELAY": "0"})
    return subprocess.run(
        [sys.executable, "-m", "wirewatch", "--allow-host", "127.0.0.1", "discover", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_discover_lists_feeds_sitemaps_and_hub_with_a_suggested_entry() -> None:
    with LocalServer() as srv:
        srv.route(
            "/",
            Reply(
                200,
                HOME.format(port=srv.port).encode(),
                {
                    "Content-Type": "text/html; charset=utf-8",
                    "Link": '<https://push.example/hub>; rel="hub"',
                },
            ),
        )
        robots = f"User-agent: *\nDisallow: /x\nSitemap: {srv.url('/news-sitemap.xml')}\n"
        srv.route("/robots.txt", Reply(200, robots.encode(), {"Content-Type": "text/plain"}))
        proc = discover(srv.url("/"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    listing, _, snippet = out.partition("# suggested feed-list entry\n")
    lines = [line.split() for line in listing.strip().splitlines()]
    assert ["feed", srv.url("/feed.xml"), "(Top", "stories)"] in lines
    assert ["feed", srv.url("/atom.xml")] in lines
    assert ["sitemap", srv.url("/news-sitemap.xml")] in lines
    assert ["hub", "https://push.example/hub"] in lines
    assert ["hub", "https://hub.example/"] in lines
    assert not any(srv.url("/fr/") in line for line in lines)  # no type: not a feed
    assert yaml.safe_load(snippet) == {
        "feeds": [{"url": srv.url("/feed.xml"), "name": "News Test"}]
    }


def test_discover_suggests_the_sitemap_of_a_site_without_feeds() -> None:
    with LocalServer() as srv:
        srv.route("/", Reply(200, b"<html><head></head><body>hi</body></html>"))
        robots = f"Sitemap: {srv.url('/sitemap.xml')}\n"
        srv.route("/robots.txt", Reply(200, robots.encode(), {"Content-Type": "text/plain"}))
        proc = discover(srv.url("/"))
    assert proc.returncode == 0, proc.stderr
    snippet = proc.stdout.partition("# suggested feed-list entry\n")[2]
    assert yaml.safe_load(snippet) == {"feeds": [{"url": srv.url("/sitemap.xml")}]}


def test_discover_of_a_non_url_or_an_unreachable_site_is_one_line() -> None:
    bad = discover("not a url")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "not an absolute http(s) URL" in bad.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = discover(f"http://127.0.0.1:{port}/")
    assert down.returncode == 1 and "Traceback" not in down.stderr
    errors = [x for x in down.stderr.splitlines() if x.startswith("error [")]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0], down.stderr


def test_discover_of_a_page_that_is_an_error_is_one_line() -> None:
    with LocalServer() as srv:
        proc = discover(srv.url("/missing"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "error [http.status]: HTTP 404" in proc.stderr, proc.stderr


def test_discover_of_a_site_that_declares_nothing_says_so_and_exits_1() -> None:
    with LocalServer() as srv:
        srv.route("/", Reply(200, b"<html><head><title>x</title></head><body>hi</body></html>"))
        proc = discover(srv.url("/"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no feed or sitemap declared" in proc.stderr
    assert "note     robots.txt: HTTP 404" in proc.stdout

"""Ingest commands: ``check-feed``, ``discover``, ``extract``, ``poll`` and
``feeds validate|import-opml``."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from wirewatch.config import Settings
from wirewatch.logs import mask_userinfo


def _settings(app: Any) -> Settings:
    return app.settings  # type: ignore[no-any-return]


def feed_url(url: str, param_hint: str = "URL") -> str:
    """``url`` when it is an absolute http(s) URL (the rule of a feed list), else a usage error
    naming the argument."""
    from pydantic import ValidationError

    from ingest.feeds import FeedSpec

    try:
        return FeedSpec(url=url).url
    except ValidationError:
        raise click.BadParameter(
            f"{url!r} is not an absolute http(s) URL (e.g. https://example.com/feed.xml)",
            param_hint=param_hint,
        ) from None


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass
class Discovery:
    """What a site's home page and robots.txt declare."""

    title: str | None = None
    feeds: list[tuple[str, str | None]] = field(default_factory=list)  # (url, title)
    sitemaps: list[str] = field(default_factory=list)
    hubs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"feed     {u}" + (f"  ({t})" if t else "") for u, t in self.feeds]
        out += [f"sitemap  {u}" for u in self.sitemaps]
        out += [f"hub      {u}" for u in self.hubs]
        out += [f"note     {p}" for p in self.problems]
        return out

    def suggestion(self) -> str | None:
        """A feed-list entry for the site: its first feed, else its first sitemap."""
        from ingest.feeds import FeedSpec, dump_feed_list

        url = self.feeds[0][0] if self.feeds else (self.sitemaps[0] if self.sitemaps else None)
        if url is None:
            return None
        return dump_feed_list([FeedSpec(url=url, name=self.title)])


def _add(items: list[str], url: str) -> None:
    if url.startswith(("http://", "https://")) and url not in items:
        items.append(url)


async def discover(client: Any, url: str) -> Discovery:
    """Feeds (``<link rel="alternate">``), hub (``<link rel="hub">`` or a ``Link`` header) of
    the page at ``url`` and the sitemaps of its site's robots.txt. A page that cannot be
    fetched raises :class:`FetchError`; a robots.txt that cannot is a note."""
    from urllib.parse import urljoin

    import httpx
    import lxml.html

    from ingest.pages import decode_html
    from ingest.sitemaps import robots_sitemaps
    from ingest.urls import strip_userinfo
    from wirewatch.errors import FetchError

    resp = await client.get(url, {"Accept": "text/html, */*;q=0.5"}, purpose="other")
    if not 200 <= resp.status < 300:
        raise FetchError(f"HTTP {resp.status} from {mask_userinfo(url)}", reason="http.status")
    found = Discovery()
    feeds: list[str] = []
    hubs: list[str] = []
    titles: dict[str, str | None] = {}
    # a WebSub hub may be declared in the HTTP headers instead of (or as well as) the page
    for rel, link in httpx.Response(200, headers=resp.headers).links.items():
        if rel == "hub" and link.get("url"):
            _add(hubs, urljoin(resp.url, link["url"]))
    ctype = resp.headers.get("content-type", "")
    charset = ctype.partition("charset=")[2].strip() or None
    text, _ = decode_html(resp.body, charset)
    if text.strip():
        try:
            doc = lxml.html.document_fromstring(text)
        except (ValueError, lxml.etree.ParserError) as exc:
            found.problems.append(f"the page is not readable HTML ({exc})")
        else:
            base = doc.base or resp.url
            found.title = (doc.findtext(".//title") or "").strip() or None
            for el in doc.iter("link"):
                rels = (el.get("rel") or "").lower().split()
                href = (el.get("href") or "").strip()
                if not href:
                    continue
                absolute = strip_userinfo(urljoin(base, href))
                if "alternate" in rels and (el.get("type") or "").lower() in _FEED_TYPES:
                    _add(feeds, absolute)
                    titles.setdefault(absolute, (el.get("title") or "").strip() or None)
                elif "hub" in rels:
                    _add(hubs, absolute)
    robots_url = urljoin(resp.url, "/robots.txt")
    try:
        robots = await client.get(robots_url, {"Accept": "text/plain"}, purpose="other")
    except FetchError as exc:
        found.problems.append(f"robots.txt not read ({exc.reason})")
    else:
        if 200 <= robots.status < 300:
            for sm in robots_sitemaps(robots.body):
                _add(found.sitemaps, strip_userinfo(urljoin(robots_url, sm)))
        else:
            found.problems.append(f"robots.txt: HTTP {robots.status}")
    found.feeds = [(u, titles.get(u)) for u in feeds]
    found.hubs = hubs
    return found


def register(cli: click.Group) -> None:
    @cli.command("check-feed")
    @click.argument("url")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
    @click.pass_obj
    def check_feed_cmd(app: Any, url: str, as_json: bool) -> None:
        """Fetch a feed once and report status, validators, format, entries and problems.

        Exits 1 when the feed cannot be fetched or parsed."""
        from dataclasses import asdict

        from ingest.diagnostics import check_feed
        from ingest.http import HttpClient

        url = feed_url(url)
        settings = _settings(app)

        async def go() -> Any:
            async with HttpClient(settings.http, disabled={"robots"}) as client:
                return await check_feed(client, url, settings.poll)

        report = asyncio.run(go())
        # the URL may carry credentials the request needed; the report never shows them
        if as_json:
            click.echo(mask_userinfo(json.dumps(asdict(report), indent=2)))
        else:
            click.echo(mask_userinfo("\n".join(report.lines())))
        if not report.ok:
            # the report above is the detail; this line is what a script or a glance needs
            first = report.error_message or "see the report"
            line = f"error [{report.error_reason or 'feed.failed'}]: {first}"
            click.echo(mask_userinfo(line), err=True)
            raise SystemExit(1)

    @cli.command("discover")
    @click.argument("url")
    @click.pass_obj
    def discover_cmd(app: Any, url: str) -> None:
        """List the feeds, sitemaps and WebSub hub a site declares, and suggest a feed-list
        entry.

        URL is the site's home page: its <link rel="alternate"> feeds and <link rel="hub">
        (or Link header) hub, and the Sitemap: lines of the site's robots.txt. Exits 1 when the
        page cannot be fetched."""
        from ingest.http import HttpClient

        url = feed_url(url)
        settings = _settings(app)

        async def go() -> Discovery:
            async with HttpClient(settings.http, disabled={"robots"}) as client:
                return await discover(client, url)

        found = asyncio.run(go())
        for line in found.lines():
            click.echo(mask_userinfo(line))
        suggestion = found.suggestion()
        if suggestion is None:
            click.echo("no feed or sitemap declared; nothing to suggest", err=True)
            raise SystemExit(1)
        click.echo("\n# suggested feed-list entry")
        click.echo(mask_userinfo(suggestion), nl=False)

    @cli.command("extract")
    @click.argument("source")
    @click.option("--url", "page_url", default=None, help="URL the local page was served from.")
    @click.pass_obj
    def extract_cmd(app: Any, source: str, page_url: str | None) -> None:
        """Print the Article JSON of one page: a local HTML file (gzip or not) or a URL."""
        from ingest.pages import extract_article, maybe_gunzip

        if source.startswith(("http://", "https://")):
            from ingest.fetcher import ArticleFetcher
            from ingest.http import HttpClient

            settings = _settings(app)

            async def go() -> Any:
                async with HttpClient(settings.http) as client:
                    return await ArticleFetcher(client).fetch(source)

            article = asyncio.run(go())
        else:
            path = Path(source)
            if not path.is_file():
                raise click.BadParameter(f"no such file: {source}", param_hint="SOURCE")
            body = maybe_gunzip(path.read_bytes())
            article = extract_article(body, page_url or path.resolve().as_uri())
        click.echo(article.model_dump_json(indent=2))

    @cli.command("poll")
    @click.argument("feed_list", type=click.Path(exists=True, dir_okay=False))
    @click.option("--once/--forever", default=True, help="One round of due feeds (default).")
    @click.option("--state", "state_path", default=None, help="SQLite state file.")
    @click.pass_obj
    def poll_cmd(app: Any, feed_list: str, once: bool, state_path: str | None) -> None:
        """Poll the feeds of FEED_LIST; print new entries as JSON lines, a summary on stderr."""
        from ingest.feeds import load_feed_list
        from ingest.http import HttpClient
        from ingest.poller import Poller, PollResult
        from ingest.state import SqliteStateStore

        settings = _settings(app)
        feeds = load_feed_list(feed_list)
        store = SqliteStateStore(state_path or settings.storage.state_path)

        async def show(result: PollResult) -> None:
            for e in result.entries:
                sys.stdout.write(e.model_dump_json() + "\n")
            detail = result.error_reason or f"{result.new_count} new, {result.updated_count} upd"
            where = result.feed.name or mask_userinfo(result.url or "")
            click.echo(f"{result.status:13} {detail:28} {where}", err=True)

        async def go() -> None:
            async with HttpClient(settings.http) as client:
                await Poller(client, store, settings.poll).run(feeds, show, once=once)

        try:
            asyncio.run(go())
        finally:
            store.close()

    @cli.group("feeds")
    def feeds_group() -> None:
        """Feed lists: validate, import OPML."""

    @feeds_group.command("validate")
    @click.argument("feed_list", type=click.Path(exists=True, dir_okay=False))
    def validate_cmd(feed_list: str) -> None:
        """Check a feed list (YAML or OPML); errors name the feed and the field."""
        from ingest.feeds import load_feed_list

        feeds = load_feed_list(feed_list)
        click.echo(f"{len(feeds)} feeds OK")

    @feeds_group.command("import-opml")
    @click.argument("opml", type=click.Path(exists=True, dir_okay=False))
    def import_cmd(opml: str) -> None:
        """Print an OPML subscription list as a wirewatch feed list (YAML)."""
        from ingest.feeds import dump_feed_list, import_opml

        click.echo(dump_feed_list(import_opml(opml)), nl=False)

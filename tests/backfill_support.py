"""A local news site for the backfill tests: a news sitemap index of three sitemaps (the third
gzip) listing articles spread evenly over the past days, each with a page of its own."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from testkit.cli import cli_env
from tests.ingest_support import LocalServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}
NEWS_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" ' + (
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
)

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""


def page(title: str) -> bytes:
    ps = "".join(
        f"<p>Paragraph {i}: a flood hit the river town of Harbourville overnight, and rescue "
        "teams worked through the night to reach families stranded on rooftops.</p>"
        for i in range(6)
    )
    return PAGE.format(title=title, paragraphs=ps).encode()


def w3c(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Site:
    """``articles`` articles, the i-th published (i + 0.5) * ``step`` ago (so none sits near a
    window edge of whole days), listed by 3 sitemaps under /sitemap-index.xml."""

    srv: LocalServer
    articles: int = 300
    step: timedelta = timedelta(days=10) / 300
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    published: dict[str, datetime] = field(default_factory=dict)  # path -> date

    def build(self) -> Site:
        paths = [f"/news/{i}.html" for i in range(self.articles)]
        for i, path in enumerate(paths):
            self.published[path] = self.now - self.step * (i + 0.5)
            self.srv.route(path, Reply(200, page(f"Story {i}"), HTML))
        third = (len(paths) + 2) // 3
        parts = [paths[k : k + third] for k in range(0, len(paths), third)]
        names = ["/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml.gz"]
        index = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {NEWS_NS}>']
        for name, part in zip(names, parts, strict=True):
            body = self.urlset(part)
            newest = max(self.published[p] for p in part)
            index.append(f"<sitemap><loc>{self.srv.url(name)}</loc>")
            index.append(f"<lastmod>{w3c(newest)}</lastmod></sitemap>")
            if name.endswith(".gz"):
                self.srv.route(
                    name, Reply(200, gzip.compress(body), {"Content-Type": "application/gzip"})
                )
            else:
                self.srv.route(name, Reply(200, body, XML))
        index.append("</sitemapindex>")
        self.srv.route("/sitemap-index.xml", Reply(200, "\n".join(index).encode(), XML))
        return self

    def urlset(self, paths: list[str]) -> bytes:
        rows = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NEWS_NS}>']
        for p in paths:
            rows.append(
                f"<url><loc>{self.srv.url(p)}</loc><news:news><news:publication>"
                "<news:name>Local Test</news:name><news:language>en</news:language>"
                f"</news:publication><news:publication_date>{w3c(self.published[p])}"
                f"</news:publication_date><news:title>Story {p}</news:title></news:news></url>"
            )
        rows.append("</urlset>")
        return "\n".join(rows).encode()

    @property
    def index_url(self) -> str:
        return self.srv.url("/sitemap-index.xml")

    def within(self, days: float) -> set[str]:
        edge = self.now - timedelta(days=days)
        return {p for p, d in self.published.items() if d >= edge}

    def article_hits(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.srv.requests:
            if r.path.startswith("/news/"):
                out[r.path] = out.get(r.path, 0) + 1
        return out


def env(**extra: str) -> dict[str, str]:
    return cli_env(**{"WIREWATCH_LOG_FORMAT": "text", **extra})


def done_links(state: Path) -> set[str]:
    """Links of the items marked done in a backfill progress file (read while the backfill
    may run)."""
    import json
    import sqlite3

    if not state.exists():
        return set()
    db = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute("SELECT entry FROM items WHERE status = 'done'")
        return {json.loads(r[0])["link"] for r in rows}
    except sqlite3.OperationalError:  # the tables are not created yet
        return set()
    finally:
        db.close()

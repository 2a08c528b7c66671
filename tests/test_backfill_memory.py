"""A backfill of a source with 100,000 URLs, all in the window, in bounded memory: the URL sets
are streamed and the progress set lives in SQLite, not in Python objects (ingest/backfill.py).

Measured with tracemalloc over the whole run (listing and carrying every entry to a counting
sink), in a subprocess so that nothing else of the test session allocates meanwhile."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.ingest_support import REPO

pytestmark = pytest.mark.timeout(900)

URLS = 100_000
CHILDREN = 4
#: peak traced memory allowed for the whole backfill. Why this figure: one child sitemap body
#: is held while it is streamed and a batch of entries while it is carried; a backfill that
#: kept the 100,000 entries as Python objects peaked at 174 MiB here (measured)
PEAK_BOUND = 40 * 1024 * 1024

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys, tracemalloc
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from ingest import FeedSpec
    from ingest.backfill import BackfillProgress, BackfillRun, Window
    from tests.ingest_support import LocalServer, Reply, client
    from wirewatch.config import Settings

    urls, children, tmp = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    now = datetime.now(UTC)
    stamp = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    class CountingSink:
        count = 0

        def add(self, record, **kw):
            self.count += 1

        def flush(self, timeout=None):
            pass

    with LocalServer() as srv:
        per = urls // children
        index = ['<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for c in range(children):
            rows = ['<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
            rows += [
                f"<url><loc>{srv.url(f'/a/{c}/{i}')}</loc><lastmod>{stamp}</lastmod></url>"
                for i in range(per)
            ]
            rows.append("</urlset>")
            srv.route(f"/s{c}.xml", Reply(200, "\\n".join(rows).encode()))
            index.append(f"<sitemap><loc>{srv.url(f'/s{c}.xml')}</loc></sitemap>")
        index.append("</sitemapindex>")
        srv.route("/index.xml", Reply(200, "\\n".join(index).encode()))
        del rows, index

        sink = CountingSink()
        progress = BackfillProgress(tmp / "progress.db")
        run = BackfillRun(
            Settings(), [FeedSpec(url=srv.url("/index.xml"))],
            Window(now - timedelta(days=7), now), progress, sink,
            client=client(), rate=1e9, stages=False,
        )
        tracemalloc.start()
        counts = asyncio.run(run.run())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        progress.close()
    print(json.dumps({"peak": peak, "found": counts.found, "done": counts.done,
                      "published": sink.count}))
    """
)


def test_backfill_of_100000_urls_stays_in_bounded_memory(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(URLS), str(CHILDREN), str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=850,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["found"] == result["done"] == result["published"] == URLS
    print(f"peak traced memory {result['peak'] / 2**20:.1f} MiB")
    assert result["peak"] < PEAK_BOUND, f"peak {result['peak'] / 2**20:.1f} MiB"

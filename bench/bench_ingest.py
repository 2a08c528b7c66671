"""Ingest benchmarks, each measured side by side with the bare library in the same run.

    .venv/bin/python bench/bench_ingest.py [--seconds 10] [--feeds 200]

1. extraction quality: mean token F1 of ``extract_article`` vs bare ``trafilatura.extract``
   against the ``*.expected.txt`` of ../shared/corpus/pages (goal: ratio >= 1.0);
2. unchanged-feed polls per minute per worker: ``Poller.poll_once`` (SQLite state, every layer
   on except robots) against a local server answering 304 (goal >= 5,000);
3. changed-feed parsing: ``parse_feed_document`` rate / bare ``feedparser.parse`` rate on the
   same bytes of ../shared/corpus/feeds (goal >= 0.85);
4. articles/s: ``extract_article`` rate / bare ``trafilatura.extract`` rate (goal >= 0.9).

The 304 server runs in its own process (asyncio, keep-alive) so it does not share the worker's
GIL. Per-host delay is 0 for the local server: this measures the cost of a poll, not politeness.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import multiprocessing as mp
import re
import socket
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus"

import feedparser  # noqa: E402
import trafilatura  # noqa: E402

from ingest.feeds import FeedSpec  # noqa: E402
from ingest.http import HttpClient  # noqa: E402
from ingest.pages import extract_article  # noqa: E402
from ingest.parse import parse_feed_document  # noqa: E402
from ingest.poller import Poller  # noqa: E402
from ingest.state import SqliteStateStore  # noqa: E402
from wirewatch.config import HttpSettings, PollSettings  # noqa: E402
from wirewatch.errors import FeedParseError  # noqa: E402

warnings.filterwarnings("ignore")


def tokens(s: str) -> list[str]:
    return re.findall(r"\w+", (s or "").lower())


def token_f1(pred: str, expected: str, prefix: bool = False) -> float:
    p, e = tokens(pred), tokens(expected)
    if prefix:  # expected text is only the start of the article
        p = p[: len(e)]
    common = sum((Counter(p) & Counter(e)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(e)
    return 2 * precision * recall / (precision + recall)


def load_pages() -> list[tuple[str, bytes, str, str, bool]]:
    d = CORPUS / "pages"
    out = []
    for row in csv.DictReader((d / "MANIFEST.tsv").open(), delimiter="\t"):
        body = (d / row["file"]).read_bytes()
        if row["file"].endswith(".gz"):
            body = gzip.decompress(body)
        url = row["url"] or f"https://pages.test/{row['file']}"
        expected = (d / row["expected_file"]).read_text()
        out.append((row["file"], body, expected, url, "PREFIX" in row["has_expected_text"]))
    return out


def ours(body: bytes, url: str) -> str:
    return extract_article(body, url, {"Content-Type": "text/html"}).text


def bare(body: bytes, url: str) -> str:
    return trafilatura.extract(body, url=url) or ""


def bench_extraction(rounds: int) -> None:
    pages = load_pages()
    f_ours = [token_f1(ours(b, u), e, p) for _, b, e, u, p in pages]
    f_bare = [token_f1(bare(b, u), e, p) for _, b, e, u, p in pages]
    mo, mb = sum(f_ours) / len(pages), sum(f_bare) / len(pages)
    print(
        f"[1] token F1 on {len(pages)} pages: ours {mo:.4f}  bare trafilatura.extract {mb:.4f}"
        f"  ratio {mo / mb:.3f}  (goal >= 1.0)"
    )
    t_ours = t_bare = 0.0
    for _ in range(rounds):  # interleaved so machine noise hits both alike
        t = time.perf_counter()
        for _, b, _e, u, _p in pages:
            ours(b, u)
        t_ours += time.perf_counter() - t
        t = time.perf_counter()
        for _, b, _e, u, _p in pages:
            bare(b, u)
        t_bare += time.perf_counter() - t
    n = rounds * len(pages)
    ro, rb = n / t_ours, n / t_bare
    print(f"[4] articles/s: ours {ro:.1f}  bare {rb:.1f}  ratio {ro / rb:.3f}  (goal >= 0.9)")


def bench_parsing(rounds: int) -> None:
    files = sorted(p for p in (CORPUS / "feeds").iterdir() if p.suffix != ".tsv")
    docs = [(p.read_bytes(), FeedSpec(url=f"https://feeds.test/{p.name}")) for p in files]
    headers = {"content-type": "application/xml"}
    t_ours = t_bare = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        for body, spec in docs:
            try:
                parse_feed_document(body, headers, spec)
            except FeedParseError:
                pass
        t_ours += time.perf_counter() - t
        t = time.perf_counter()
        for body, _spec in docs:
            feedparser.parse(body)
        t_bare += time.perf_counter() - t
    n = rounds * len(docs)
    ro, rb = n / t_ours, n / t_bare
    print(
        f"[3] feed parsing, {len(docs)} corpus feeds x{rounds}: ours {ro:.1f}/s  bare "
        f"feedparser.parse {rb:.1f}/s  ratio {ro / rb:.3f}  (goal >= 0.85)"
    )


_304 = (
    b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nCache-Control: max-age=60\r\n'
    b"Content-Length: 0\r\n\r\n"
)


def _serve_304(sock: socket.socket) -> None:
    class Proto(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.t = transport
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while b"\r\n\r\n" in self.buf:
                _req, self.buf = self.buf.split(b"\r\n\r\n", 1)
                self.t.write(_304)  # type: ignore[attr-defined]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Proto, sock=sock)
        await server.serve_forever()

    asyncio.run(main())


def bench_polls(seconds: float, n_feeds: int) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    port = sock.getsockname()[1]
    proc = mp.get_context("fork").Process(target=_serve_304, args=(sock,), daemon=True)
    proc.start()
    sock.close()
    feeds = [FeedSpec(url=f"http://127.0.0.1:{port}/feed/{i}.xml") for i in range(n_feeds)]
    settings = HttpSettings(allowed_hosts=["127.0.0.1"], per_host_delay=0, per_host_concurrency=64)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStateStore(Path(tmp) / "state.db")
        from ingest.state import FeedState

        for f in feeds:  # as after a first poll: validators stored
            store.save_feed(FeedState(feed_id=f.feed_id, url=f.url, spec_url=f.url, etag='"v1"'))

        async def go() -> tuple[int, float, Counter[str]]:
            async with HttpClient(settings, disabled={"robots"}, max_connections=64) as c:
                poller = Poller(c, store, PollSettings())
                statuses: Counter[str] = Counter()
                count = 0
                deadline = time.perf_counter() + seconds
                t0 = time.perf_counter()

                async def worker(offset: int) -> None:
                    nonlocal count
                    i = offset
                    while time.perf_counter() < deadline:
                        r = await poller.poll_once(feeds[i % n_feeds])
                        statuses[r.status] += 1
                        count += 1
                        i += 32

                await asyncio.gather(*(worker(k) for k in range(32)))
                return count, time.perf_counter() - t0, statuses

        count, elapsed, statuses = asyncio.run(go())
        store.close()
    proc.terminate()
    proc.join()
    per_min = count / elapsed * 60
    print(
        f"[2] unchanged-feed polls: {count} in {elapsed:.1f}s = {per_min:,.0f}/min per worker "
        f"({dict(statuses)}; SQLite state; goal >= 5,000)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of the poll benchmark")
    ap.add_argument("--feeds", type=int, default=200, help="distinct feeds in the poll benchmark")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the rate comparisons")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}: benchmarks 1, 3, 4 need it", file=sys.stderr)
    else:
        bench_extraction(args.rounds)
        bench_parsing(args.rounds)
    bench_polls(args.seconds, args.feeds)


if __name__ == "__main__":
    main()

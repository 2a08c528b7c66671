"""HTTP-layer security properties the catalogue relies on, checked directly on the client:
decompression bombs never inflate in memory beyond the cap, credentials do not follow a
cross-origin redirect, TLS certificates are verified unless switched off.
"""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from pathlib import Path

import pytest

from ingest.http import HttpClient
from tests.hostile_support import self_signed_cert, serve_tls
from tests.ingest_support import LocalServer, Reply, client
from wirewatch.config import HttpSettings
from wirewatch.errors import BodyTooLarge, FetchError

CAP = 1_000_000


def _bombs() -> dict[str, tuple[bytes, str]]:
    import zstandard

    zeros = b"\0" * 200_000_000
    return {
        "gzip": (gzip.compress(zeros, 9), "gzip"),
        "deflate": (zlib.compress(zeros, 9), "deflate"),
        "zstd": (zstandard.ZstdCompressor(level=19).compress(zeros), "zstd"),
        "gzip-gzip": (gzip.compress(gzip.compress(zeros, 9), 9), "gzip, gzip"),
    }


BOMBS = _bombs()


@pytest.mark.parametrize("name", list(BOMBS))
def test_decompression_bombs_stay_within_a_bounded_memory(name: str) -> None:
    """200 MB of zeros in a few KB: refused, and never inflated in memory past the cap.
    (httpx's own zstd and stacked decoders inflate a whole chunk at once: 600-800 MB.)"""
    body, coding = BOMBS[name]
    with LocalServer() as srv:
        srv.route("/bomb", Reply(200, body, {"Content-Encoding": coding}))

        async def go() -> None:
            async with client(max_body_bytes=CAP) as c:
                await c.get(srv.url("/bomb"))

        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as err:
                asyncio.run(go())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert err.value.reason in ("http.body_too_large", "http.unsupported_encoding")
    assert isinstance(err.value, BodyTooLarge) == (name in ("gzip", "deflate"))
    assert peak < 20 * CAP, f"peak {peak / 1e6:.0f} MB while refusing a {name} bomb"


def test_credentials_do_not_follow_a_cross_origin_redirect() -> None:
    with LocalServer() as a, LocalServer() as b:
        a.route("/same", Reply(302, headers={"Location": "/feed"}))
        a.route("/feed", Reply(200, b"<rss/>"))
        a.route("/away", Reply(302, headers={"Location": b.url("/feed")}))
        b.route("/feed", Reply(200, b"<rss/>"))
        secret = {"Authorization": "Bearer s3cret", "Cookie": "session=s3cret"}

        async def go(path: str) -> None:
            async with client() as c:
                await c.get(a.url(path), dict(secret))

        asyncio.run(go("/same"))
        asyncio.run(go("/away"))
    same = a.hits("/feed")[0].headers
    assert same["authorization"] == "Bearer s3cret" and same["cookie"] == "session=s3cret"
    other = b.hits("/feed")[0].headers
    assert "authorization" not in other and "cookie" not in other


def test_tls_is_verified_by_default(tmp_path: Path) -> None:
    assert HttpSettings().verify_tls is True
    cert, key = self_signed_cert(tmp_path)
    srv = LocalServer()
    serve_tls(srv, cert, key)
    srv.route("/x", Reply(200, b"ok"))
    with srv:
        url = f"https://127.0.0.1:{srv.port}/x"

        async def go(**kw: object) -> bytes:
            settings = HttpSettings.model_validate(
                {"allowed_hosts": ["127.0.0.1"], "per_host_delay": 0, **kw}
            )
            async with HttpClient(settings) as c:
                return (await c.get(url)).body

        with pytest.raises(FetchError) as err:
            asyncio.run(go())
        assert err.value.reason == "http.tls" and "CERTIFICATE_VERIFY_FAILED" in str(err.value)
        assert srv.requests == []
        assert asyncio.run(go(verify_tls=False)) == b"ok"  # only when switched off explicitly

"""Harness for the hostile-input catalogue (tests/test_hostile_*.py).

Everything here talks to 127.0.0.1 only, and makes sure of it:

* :class:`Resolver` replaces ``socket.getaddrinfo`` for the test: names under ``.invalid`` fail
  the way an RFC 6761 resolver fails them (NXDOMAIN, no query sent), ``localhost`` and IP
  literals resolve for real (``/etc/hosts``, numeric: no traffic), names given an answer table
  resolve to loopback addresses only, and any other name is refused and recorded.
* :class:`SafetyTransport` sits under the pipeline's HTTP client and refuses (and records) any
  request whose host is not a loopback literal or a name the resolver controls, so a test can
  also assert that the SSRF guard refused a URL *before* anything reached the transport.

Servers: :class:`~tests.ingest_support.LocalServer` for scripted HTTP replies, :class:`RawServer`
for byte-level misbehaviour (accept and never answer, reset mid-body), :func:`tls_server` for
HTTPS with a self-signed certificate made at test time.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from kafka import KafkaConsumer, TopicPartition

from ingest import FeedSpec, MemoryStateStore
from ingest.http import HttpClient
from ingest.state import FeedState
from sinks import JsonlSink
from sinks.kafka import kafka_client_config
from wirewatch.config import HttpSettings, KafkaSettings, MetricsSettings, PollSettings, Settings
from wirewatch.kafka_admin import FeedRegistry, create_topics
from wirewatch.metrics import REGISTRY
from wirewatch.runners.embedded import EmbeddedRunner, RunStats
from wirewatch.runners.kafka import KafkaSourceRunner, KafkaStageRunner
from wirewatch.stage import TableRow
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY

LOOPBACK = "127.0.0.1"

# --------------------------------------------------------------------------- settings


def hostile_settings(**http: Any) -> Settings:
    """Settings for one catalogue run: loopback allowed, no politeness delay, short timeouts."""
    base: dict[str, Any] = {
        "allowed_hosts": [LOOPBACK],
        "per_host_delay": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 6.0,
        "max_body_bytes": 2_000_000,
        "obey_robots": False,
    }
    base.update(http)
    return Settings(
        http=HttpSettings.model_validate(base),
        poll=PollSettings(min_interval=60, backoff_base=60, backoff_cap=3600, jitter=0.1),
    )


# --------------------------------------------------------------------------- metrics


def _snapshot() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for metric in REGISTRY.collect():
        for s in metric.samples:
            if s.name.endswith("_total"):
                out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


class MetricDelta:
    """Counter increments between ``__enter__`` and :meth:`delta` (by name and exact labels)."""

    def __enter__(self) -> MetricDelta:
        self.before = _snapshot()
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def delta(self, name: str, labels: dict[str, str]) -> float:
        key = (name, tuple(sorted(labels.items())))
        return _snapshot().get(key, 0.0) - self.before.get(key, 0.0)

    def changed(self, prefix: str = "wirewatch_") -> dict[str, float]:
        """Every counter that moved, as ``name{k=v,...}`` -> increment (for messages)."""
        now = _snapshot()
        out = {}
        for key, value in now.items():
            d = value - self.before.get(key, 0.0)
            if d and key[0].startswith(prefix):
                labels = ",".join(f"{k}={v}" for k, v in key[1])
                out[f"{key[0]}{{{labels}}}"] = d
        return out


# --------------------------------------------------------------------------- resolver


class Resolver:
    """A ``socket.getaddrinfo`` stand-in that can never send a DNS query (see module doc)."""

    def __init__(self) -> None:
        self.real = socket.getaddrinfo
        #: name -> answers; each lookup takes the next answer, the last one repeats
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def answer(self, name: str, *answers: list[str]) -> None:
        for ips in answers:
            for ip in ips:
                # a fabricated answer may name any address (the guard must see it), but the
                # safety transport below only ever lets loopback literals through
                ipaddress.ip_address(ip)
        self.answers[name.lower()] = [list(a) for a in answers]

    def controls(self, host: str) -> bool:
        h = host.lower().strip("[]").rstrip(".")
        return h == "localhost" or h.endswith(".invalid") or h in self.answers

    def __call__(
        self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[Any]:
        name = (host.decode() if isinstance(host, bytes) else str(host or "")).strip("[]")
        low = name.lower().rstrip(".")
        with self._lock:
            self.lookups.append(low)
        try:
            ipaddress.ip_address(low.split("%", 1)[0])
        except ValueError:
            pass
        else:  # numeric: answered locally
            return self.real(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        if low == "localhost":  # /etc/hosts
            return self.real(name, port, family, type, proto, flags)
        if low.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if low in self.answers:
            with self._lock:
                queue = self.answers[low]
                ips = queue.pop(0) if len(queue) > 1 else queue[0]
            p = int(port or 0)
            out = []
            for ip in ips:
                addr = ipaddress.ip_address(ip)
                if addr.version == 6:
                    out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, p, 0, 0)))
                else:
                    out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, p)))
            return out
        with self._lock:
            self.refused.append(low)
        raise socket.gaierror(socket.EAI_NONAME, f"hostile-test resolver: no lookups of {name}")


# --------------------------------------------------------------------------- transport


class SafetyTransport(httpx.AsyncBaseTransport):
    """Real sockets, but only to loopback literals or names the :class:`Resolver` controls."""

    def __init__(self, resolver: Resolver | None = None, *, verify: bool = True) -> None:
        self.inner = httpx.AsyncHTTPTransport(verify=verify)
        self.resolver = resolver
        self.verify = verify
        self.seen: list[str] = []
        self.refused: list[str] = []

    def fork(self) -> SafetyTransport:
        """The same net with its own connection pool, recording into the same lists: a pool is
        bound to the event loop that opened its connections, and each Kafka runner has its own."""
        twin = SafetyTransport(self.resolver, verify=self.verify)
        twin.seen, twin.refused = self.seen, self.refused
        return twin

    def _ok(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return self.resolver is not None and self.resolver.controls(host)
        return ip.is_loopback

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.seen.append(url)
        if not self._ok(request.url.host):
            self.refused.append(url)
            raise httpx.ConnectError(f"hostile-test safety net: refused {url}", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


# --------------------------------------------------------------------------- raw server

RawHandler = Callable[[socket.socket], None]


def read_request(conn: socket.socket, limit: int = 65536) -> bytes:
    """Read one request head (up to the blank line)."""
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class RawServer:
    """A TCP listener on 127.0.0.1 whose connections are handed to ``handler`` (a thread each)."""

    def __init__(self, handler: RawHandler) -> None:
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.closing = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.handler(conn)
        except OSError:
            pass

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.sock.close()
        for c in self._conns:
            try:
                c.close()
            except OSError:
                pass


def never_answer(server: RawServer) -> RawHandler:
    """Accept, read the request, then say nothing until the test ends."""

    def handle(conn: socket.socket) -> None:
        read_request(conn)
        server.closing.wait(30)

    return handle


def reset_mid_body(declared: int = 100_000, sent: bytes = b"<rss><channel><item>") -> RawHandler:
    """Promise ``declared`` bytes, send a few, then reset the connection (RST, not FIN)."""

    def handle(conn: socket.socket) -> None:
        read_request(conn)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Length: {declared}\r\n\r\n"
        ).encode()
        conn.sendall(head + sent)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    return handle


# --------------------------------------------------------------------------- TLS


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (cryptography, else the openssl CLI)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        import datetime as dt

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("neither cryptography nor openssl is available") from None
        subprocess.run(
            [
                *(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
                *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
                *("-addext", "subjectAltName=IP:127.0.0.1"),
                *("-keyout", str(key), "-out", str(cert)),
            ],
            check=True,
            capture_output=True,
        )
        return cert, key
    pk = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pk.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .sign(pk, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        pk.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def serve_tls(server: Any, cert: Path, key: Path) -> None:
    """Make a not-yet-entered :class:`LocalServer` speak HTTPS with ``cert``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.httpd.socket = ctx.wrap_socket(server.httpd.socket, server_side=True)


# --------------------------------------------------------------------------- pipeline run


@dataclass
class Run:
    """What one pass of the pipeline (:func:`run_pipeline`, either runner) left behind."""

    stats: RunStats
    store: MemoryStateStore
    out: Path
    topics: Topics = field(default_factory=Topics)

    def records(self, kind: str) -> list[dict[str, Any]]:
        path = self.out / f"{self.topics.name(kind)}.jsonl"
        if not path.exists():
            return []
        lines = path.read_bytes().split(b"\n")
        assert lines[-1] == b"", f"{path.name} does not end with a newline"
        return [json.loads(line) for line in lines[:-1]]

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.records("deadletter")

    def state(self, feed: FeedSpec) -> FeedState:
        st = self.store.load_feed(feed.feed_id)
        assert st is not None, f"no state saved for {feed.url}"
        return st


Runner = Literal["embedded", "kafka"]
#: where the broker of the Kafka variant is (tests/conftest.py: the ``kafka_bootstrap`` fixture)
KAFKA_ENV = "WIREWATCH_TEST_BOOTSTRAP"
#: the Kafka variant's topic prefix, kept in ``out``: a second run into the same ``out`` (a
#: second poll of the same feeds) reuses the topics, the feed registry and the consumer groups
_KAFKA_MARK = ".kafka-prefix"


async def run_pipeline(
    settings: Settings,
    feeds: list[FeedSpec],
    out: Path,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    store: MemoryStateStore | None = None,
    timeout: float = 60.0,
    runner: Runner = "embedded",
    bootstrap: str | None = None,
) -> Run:
    """One pass of the pipeline (every feed polled once, everything it gave carried through
    every stage) with its published topics as JSONL files under ``out``.

    ``runner="embedded"``: :class:`EmbeddedRunner` ``run(once=True)`` with the JSONL sink.
    ``runner="kafka"``: the same stages under the Kafka runners against the real broker
    (``bootstrap``, else ``$WIREWATCH_TEST_BOOTSTRAP``), see :func:`_run_kafka`.
    """
    store = store if store is not None else MemoryStateStore()
    if runner == "kafka":
        bootstrap = bootstrap or os.environ.get(KAFKA_ENV)
        if not bootstrap:
            raise RuntimeError(f"the kafka runner needs a broker: set {KAFKA_ENV}")
        try:
            return await asyncio.to_thread(
                _run_kafka, settings, feeds, out, transport, store, timeout, bootstrap
            )
        finally:
            if transport is not None:
                await transport.aclose()  # its forks were closed with their clients
    sink = JsonlSink(out)
    sink.setup()
    client = HttpClient(settings.http, transport=transport) if transport is not None else None
    pipeline = EmbeddedRunner(settings, feeds, sink, store=store, client=client)
    try:
        stats = await pipeline.run(once=True, timeout=timeout)
    finally:
        sink.close()
        if client is not None:
            await client.aclose()
    return Run(stats, store, out)


# --------------------------------------------------------------------------- kafka variant


def _fork(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncBaseTransport | None:
    if isinstance(transport, SafetyTransport):
        return transport.fork()
    return transport  # any other transport must be usable from several event loops itself


def _end_offsets(cfg: KafkaSettings, topics: Sequence[str]) -> dict[TopicPartition, int]:
    consumer = KafkaConsumer(**kafka_client_config(cfg), group_id=None, enable_auto_commit=False)
    try:
        tps = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        return dict(consumer.end_offsets(tps)) if tps else {}
    finally:
        consumer.close()


def _read_since(
    cfg: KafkaSettings, topic: str, start: dict[TopicPartition, int], deadline: float
) -> list[bytes]:
    """The committed records of ``topic`` after ``start`` (read_committed, to its end now)."""
    consumer = KafkaConsumer(
        **kafka_client_config(cfg),
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not tps:
            return []
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, start.get(tp, 0))
        end = consumer.end_offsets(tps)
        out: dict[int, list[bytes]] = {tp.partition: [] for tp in tps}
        while any(consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {topic} to its end took too long")
            for tp, msgs in consumer.poll(timeout_ms=500).items():
                out[tp.partition].extend(m.value for m in msgs)
        return [v for p in sorted(out) for v in out[p]]
    finally:
        consumer.close()


def _run_stage(
    runner: KafkaSourceRunner | KafkaStageRunner,
    client: HttpClient | None,
    done: Callable[[], bool],
    deadline: float,
    *,
    store: MemoryStateStore | None = None,
) -> None:
    """Run one Kafka runner until ``done()`` (checked between turns) or the deadline.

    ``store``: the poll stage's, whose feed states are kept as they were when the run ended
    (leaving the group revokes the partition, and a revoked partition's states are dropped:
    they belong to its next owner).
    """
    kept: dict[str, FeedState] = {}
    try:
        runner.setup()
        while not done() and time.monotonic() < deadline:
            runner.run(timeout=min(0.5, max(0.0, deadline - time.monotonic())))
    finally:
        if store is not None:
            kept = dict(store.feeds)
        if client is not None:  # a client given to a stage is not the stage's to close
            runner.loop.run_until_complete(client.aclose())
        runner.close()
        if store is not None:
            store.feeds.update(kept)


def _run_kafka(
    settings: Settings,
    feeds: list[FeedSpec],
    out: Path,
    transport: httpx.AsyncBaseTransport | None,
    store: MemoryStateStore,
    timeout: float,
    bootstrap: str,
) -> Run:
    """One pass through the Kafka runners, each stage in turn, in this process.

    Topics with a fresh prefix (one partition each), unless ``out`` names the prefix of an
    earlier run: then that run's topics, feed registry and consumer groups are reused, the poll
    stage restores its state from the feedstate topic, and only the records this run adds count.
    The poll stage polls every feed once whatever its schedule (what ``run(once=True)`` does in
    the embedded runner); then fetch runs until it committed every new entry, process until it
    committed every new article. The published topics are read back (read_committed) and
    appended to ``out`` as the JSONL sink would have written them.
    """
    deadline = time.monotonic() + timeout
    mark = out / _KAFKA_MARK
    out.mkdir(parents=True, exist_ok=True)
    reuse = mark.exists()
    prefix = mark.read_text().strip() if reuse else f"hc{uuid.uuid4().hex[:10]}"
    cfg = KafkaSettings(
        bootstrap_servers=bootstrap,
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=1,
        bootstrap_timeout_ms=15_000,
    )
    if not reuse:
        created = create_topics(cfg)
        assert all(v == "created" for v in created.values()), created
        mark.write_text(prefix)
    settings = settings.model_copy(update={"kafka": cfg, "metrics": MetricsSettings(enabled=False)})
    topics = Topics(prefix)
    published = [t.kind for t in TOPOLOGY.topics if t.published]
    start = _end_offsets(cfg, [topics.name(k) for k in published]) if reuse else {}
    FeedRegistry(cfg).put(feeds)

    # poll: until every feed's poll was committed (an aborted write is polled again)
    spec = TOPOLOGY.stage("poll")
    tr = _fork(transport)
    client = HttpClient(settings.http, transport=tr) if tr is not None else None
    poll = spec.load()(settings, client=client, store=store)
    committed = _poll_once(poll, {f.feed_id for f in feeds})
    source = KafkaSourceRunner(settings, spec, poll, topology=TOPOLOGY, instance="hostile")
    _run_stage(
        source,
        client,
        lambda: committed >= {f.feed_id for f in feeds},
        deadline,
        store=store,
    )

    # fetch and process: until the stage committed every record the stage before committed
    for name, kind in (("fetch", "entries"), ("process", "articles")):
        todo = len(_read_since(cfg, topics.name(kind), start, deadline + 30))
        if not todo:
            continue
        spec = TOPOLOGY.stage(name)
        tr = _fork(transport) if name == "fetch" else None
        client = HttpClient(settings.http, transport=tr) if tr is not None else None
        cls = spec.load()
        stage = cls(settings, client=client) if name == "fetch" else cls(settings)
        worker = KafkaStageRunner(settings, spec, stage, topology=TOPOLOGY, instance="hostile")
        _run_stage(worker, client, lambda w=worker, n=todo: w.processed >= n, deadline)

    stats = RunStats(polls=int(poll.polls))
    names = Topics()  # the JSONL sink's file names (the default prefix)
    for kind in published:
        values = _read_since(cfg, topics.name(kind), start, deadline + 30)
        if values:
            with (out / f"{names.name(kind)}.jsonl").open("ab") as fh:
                fh.write(b"".join(v + b"\n" for v in values))
        if kind == "deadletter":
            stats.dead_letters = len(values)
            for v in values:
                reason = json.loads(v)["reason"]
                stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
        else:
            setattr(stats, kind, len(values))
    stats.poll_errors = sum(  # feeds whose last poll failed
        1 for f in feeds if (st := store.load_feed(f.feed_id)) is not None and st.last_error
    )
    return Run(stats, store, out)


def _poll_once(stage: Any, feed_ids: set[str]) -> set[str]:
    """Make the poll stage poll each of ``feed_ids`` on this run whatever its schedule, as
    ``run(once=True)`` does (after the runner restored their states, they are due now); returns
    the set of feed ids whose poll was committed, filled as the runner commits."""
    restore, on_commit = stage.restore, stage.on_commit
    committed: set[str] = set()

    def due_now() -> None:
        for fid in feed_ids:
            st = stage.store.feeds.get(fid)
            if st is not None and fid not in committed:
                st.next_due = 0.0

    def restore_then_due(partitions: set[int], rows: Sequence[TableRow]) -> None:
        restore(partitions, rows)
        due_now()

    def note_commit(results: Sequence[Any]) -> None:
        on_commit(results)
        committed.update(r.feed.feed_id for r in results)

    due_now()
    stage.restore, stage.on_commit = restore_then_due, note_commit
    return committed


@contextmanager
def patched_resolver(monkeypatch: Any) -> Iterator[Resolver]:
    resolver = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    yield resolver

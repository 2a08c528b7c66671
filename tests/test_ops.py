"""Ops surface: the HTTP endpoints on a real loopback socket, the JSON log formatter, secret
masking, the stale-feed tracker and consumer-lag sampling against the real broker."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from wirewatch.config import KafkaSettings, MetricsSettings, Settings
from wirewatch.errors import ConfigError
from wirewatch.logs import (
    MASK,
    JsonFormatter,
    SecretMaskingFilter,
    TextFormatter,
    secret_values,
    setup_logging,
    setup_logging_from_settings,
)
from wirewatch.metrics import ConsumerLag, FeedPolled, FeedStale, emit, sample
from wirewatch.ops import ConsumerLagSampler, FeedActivity, OpsServer, StaleFeedTracker


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ops(clock: FakeClock):
    server = OpsServer("127.0.0.1", 0, heartbeat_timeout=30.0, clock=clock).start()
    try:
        yield server
    finally:
        server.stop()


def get(ops: OpsServer, path: str, **kw) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{ops.port}{path}", timeout=10, **kw)


# ---------------------------------------------------------------------- HTTP endpoints


def test_binds_a_free_port_and_stop_releases_it(clock):
    server = OpsServer("127.0.0.1", 0, clock=clock).start()
    port = server.port
    assert port > 0 and server.url == f"http://127.0.0.1:{port}"
    assert get(server, "/healthz").status_code == 200
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    with pytest.raises(RuntimeError):
        _ = server.port


def test_from_settings_uses_metrics_section(clock):
    s = Settings(metrics={"host": "127.0.0.1", "port": 0})
    with OpsServer.from_settings(s.metrics, clock=clock) as server:
        assert server.host == "127.0.0.1" and server.port != 0
        assert get(server, "/healthz").text == "ok\n"


def test_metrics_exposes_wirewatch_series(ops):
    before = sample("wirewatch_polls_total", {"result": "new"})
    emit(FeedPolled("new", new_entries=3))
    emit(ConsumerLag("process", "wirewatch.articles.v1", 4, 17))
    r = get(ops, "/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert "# TYPE wirewatch_polls_total counter" in text
    assert f'wirewatch_polls_total{{result="new"}} {before + 1}' in text
    assert (
        'wirewatch_consumer_lag_records{partition="4",stage="process",'
        'topic="wirewatch.articles.v1"} 17.0' in text
    )
    # the standard process and Python series are served too (issue 13 asked for them: a HELP
    # text points at process_resident_memory_bytes); see tests/test_metrics_build_info.py
    assert "python_gc_objects_collected_total" in text


def test_metrics_openmetrics_when_asked(ops):
    r = get(ops, "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/openmetrics-text")
    assert r.text.rstrip().endswith("# EOF")


def test_healthz_follows_the_heartbeat(ops, clock):
    assert get(ops, "/healthz").status_code == 200
    clock.t += 29
    assert get(ops, "/healthz").status_code == 200
    clock.t += 2  # 31 s since the last beat, timeout 30
    r = get(ops, "/healthz")
    assert r.status_code == 503 and "heartbeat stale" in r.text
    assert not ops.alive()
    ops.heartbeat()
    r = get(ops, "/healthz")
    assert r.status_code == 200 and r.text == "ok\n"


def test_readyz_names_failing_checks(ops):
    state = {"broker": True, "assigned": False}
    ops.add_ready_check("broker_reachable", lambda: state["broker"])
    ops.add_ready_check("partitions_assigned", lambda: state["assigned"])
    r = get(ops, "/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "not_ready"
    assert body["failing"] == ["partitions_assigned"]
    assert body["checks"] == {"broker_reachable": "ok", "partitions_assigned": "failing"}

    state["assigned"] = True
    r = get(ops, "/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready" and r.json()["failing"] == []

    state["broker"] = False
    assert get(ops, "/readyz").json()["failing"] == ["broker_reachable"]


def test_readyz_broken_check_is_not_ready_not_a_500(ops):
    def boom() -> bool:
        raise RuntimeError("secret detail")

    ops.add_ready_check("broker_reachable", boom)
    r = get(ops, "/readyz")
    assert r.status_code == 503
    assert r.json()["checks"] == {"broker_reachable": "error:RuntimeError"}
    assert "secret detail" not in r.text
    ops.remove_ready_check("broker_reachable")
    assert get(ops, "/readyz").status_code == 200


def test_mark_and_shutdown_drain(ops):
    ops.mark("partitions_assigned", False)
    assert get(ops, "/readyz").json()["failing"] == ["partitions_assigned"]
    ops.mark("partitions_assigned", True)
    assert get(ops, "/readyz").status_code == 200
    ops.begin_shutdown()
    r = get(ops, "/readyz")
    assert r.status_code == 503 and r.json()["failing"] == ["shutting_down"]
    # still alive while draining: liveness and readiness are separate
    assert get(ops, "/healthz").status_code == 200


def test_unknown_path_and_head(ops):
    assert get(ops, "/").status_code == 404
    assert get(ops, "/metrics/../etc").status_code == 404
    r = httpx.head(f"http://127.0.0.1:{ops.port}/healthz", timeout=10)
    assert r.status_code == 200 and r.content == b"" and r.headers["content-length"] == "3"


def test_probe_requests_do_not_write_to_stderr(ops, capfd):
    get(ops, "/healthz")
    get(ops, "/nope")
    assert "GET /healthz" not in capfd.readouterr().err


# ---------------------------------------------------------------------- ports


@pytest.fixture
def busy_port():
    """A loopback port held by a listening socket for the duration of the test."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def test_port_zero_lets_several_servers_share_a_host(clock):
    """Several workers on one host: each binds a free port of its own and serves on it."""
    settings = Settings(metrics={"host": "127.0.0.1", "port": 0})
    with (
        OpsServer.from_settings(settings.metrics, clock=clock) as first,
        OpsServer.from_settings(settings.metrics, clock=clock) as second,
    ):
        assert first.port != second.port
        assert get(first, "/healthz").status_code == 200
        assert get(second, "/healthz").status_code == 200


def test_start_logs_the_bound_port(clock, caplog):
    caplog.set_level(logging.INFO, logger="wirewatch.ops")
    with OpsServer("127.0.0.1", 0, clock=clock) as server:
        lines = [
            r for r in caplog.records if r.name == "wirewatch.ops" and r.levelno == logging.INFO
        ]
        assert len(lines) == 1
        assert str(server.port) in lines[0].getMessage() and lines[0].port == server.port


def test_port_in_use_is_a_config_error_naming_the_setting(clock, busy_port):
    server = OpsServer("127.0.0.1", busy_port, clock=clock)
    with pytest.raises(ConfigError) as err:
        server.start()
    assert str(err.value) == (
        f"metrics port {busy_port} is in use: set metrics.port (WIREWATCH_METRICS__PORT) "
        "to a free port, or 0 for any free port"
    )
    with pytest.raises(RuntimeError):  # nothing half-started
        _ = server.port


def test_the_default_port_in_use_falls_back_to_any_free_port(clock, busy_port, caplog):
    """A second worker on one host with nothing configured starts (README: start as many
    workers as you need); a port someone set explicitly is still an error when busy."""
    caplog.set_level(logging.INFO, logger="wirewatch.ops")
    defaults = MetricsSettings()
    assert "port" not in defaults.model_fields_set
    # the default port, not set by anyone, happens to be the busy one here
    default_port = MetricsSettings.model_construct(
        _fields_set={"host"}, host="127.0.0.1", port=busy_port, enabled=True
    )
    with OpsServer.from_settings(default_port, clock=clock) as server:
        assert server.port != busy_port
        assert get(server, "/healthz").status_code == 200
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and str(busy_port) in warned[0].getMessage()
    assert "metrics.port" in warned[0].getMessage()
    chosen = MetricsSettings(host="127.0.0.1", port=busy_port)
    with pytest.raises(ConfigError, match=f"metrics port {busy_port} is in use"):
        OpsServer.from_settings(chosen, clock=clock).start()


def test_unbindable_host_is_a_config_error_naming_the_setting(clock):
    with pytest.raises(ConfigError) as err:
        OpsServer("no-such-host.invalid", 0, clock=clock).start()
    assert "metrics.host (WIREWATCH_METRICS__HOST)" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.kafka
def test_worker_with_a_busy_metrics_port_exits_2_with_one_line(kafka_bootstrap, busy_port):
    """The reported crash: a second worker on one host with the same metrics port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env["WIREWATCH_KAFKA__BOOTSTRAP_SERVERS"] = kafka_bootstrap
    env["WIREWATCH_METRICS__PORT"] = str(busy_port)
    proc = subprocess.run(
        [sys.executable, "-m", "wirewatch", "worker", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"metrics port {busy_port} is in use" in lines[0] and "metrics.port" in lines[0]


# ---------------------------------------------------------------------- logging


@pytest.fixture
def restore_logging():
    root, kafka = logging.getLogger(), logging.getLogger("kafka")
    level, kafka_level, handlers = root.level, kafka.level, list(root.handlers)
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    kafka.setLevel(kafka_level)
    logging.captureWarnings(False)


HOSTILE_TITLE = 'Breaking\n{"level":"ERROR","msg":"forged"}\r\x1b[31mred\x1b[0m \x9b2J \u2028end'


def _record(msg: str, *args, **extra) -> logging.LogRecord:
    rec = logging.LogRecord("wirewatch.test", logging.INFO, __file__, 1, msg, args, None)
    for k, v in extra.items():
        setattr(rec, k, v)
    return rec


def test_json_line_has_base_fields_and_extras():
    line = JsonFormatter().format(
        _record("fetched %s", "a1", feed_id="f1", article_id="a1", stage="fetch", reason="ok")
    )
    doc = json.loads(line)
    assert doc["level"] == "INFO" and doc["logger"] == "wirewatch.test"
    assert doc["msg"] == "fetched a1"
    assert doc["ts"].endswith("Z") and doc["ts"][:2] == "20"
    assert {k: doc[k] for k in ("feed_id", "article_id", "stage", "reason")} == {
        "feed_id": "f1",
        "article_id": "a1",
        "stage": "fetch",
        "reason": "ok",
    }


def test_extras_cannot_overwrite_base_fields():
    doc = json.loads(JsonFormatter().format(_record("real", level="ERROR", ts="x")))
    assert doc["level"] == "INFO" and doc["msg"] == "real"
    assert doc["extra_level"] == "ERROR" and doc["extra_ts"] == "x"


def test_json_is_injection_safe(restore_logging):
    out = io.StringIO()
    setup_logging("INFO", "json", stream=out)
    logging.getLogger("wirewatch.poll").info(
        "new entry %s", HOSTILE_TITLE, extra={"feed_id": "f\n1"}
    )
    text = out.getvalue()
    lines = text.splitlines()  # splitlines also splits on \u2028 and \x1c-\x1e, \x85
    assert len(lines) == 1, text
    for raw in ("\x1b", "\x9b", "\r", "\u2028"):
        assert raw not in text
    doc = json.loads(lines[0])
    assert doc["msg"] == "new entry " + HOSTILE_TITLE  # escaped, not lost
    assert doc["level"] == "INFO" and doc["feed_id"] == "f\n1"


def test_text_format_is_one_escaped_line(restore_logging):
    out = io.StringIO()
    setup_logging("INFO", "text", stream=out)
    logging.getLogger("wirewatch.poll").warning(HOSTILE_TITLE, extra={"feed_id": "f1"})
    text = out.getvalue()
    assert len(text.splitlines()) == 1, text
    assert "\x1b" not in text and "\x9b" not in text
    assert "WARNING wirewatch.poll: Breaking\\n{" in text and "\\x1b[31m" in text
    assert text.rstrip().endswith("feed_id=f1")
    assert isinstance(logging.getLogger().handlers[-1].formatter, TextFormatter)


def _log_reset(logger: str) -> None:
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        logging.getLogger(logger).error("socket disconnected", exc_info=True)


def test_a_librarys_exception_is_one_line_and_ours_keeps_its_traceback(restore_logging):
    """kafka-python logs each connection reset of a broker outage at ERROR with its stack:
    the operator gets the exception's one line; a traceback of ours (a bug) stays whole."""
    out = io.StringIO()
    setup_logging("INFO", "json", stream=out)
    _log_reset("kafka.net.transport")
    _log_reset("wirewatch.workers")
    lib, ours = (json.loads(x) for x in out.getvalue().splitlines())
    assert lib["exc"] == "ConnectionResetError: [Errno 104] Connection reset by peer"
    assert "Traceback" not in out.getvalue().splitlines()[0]
    assert ours["exc"].startswith("Traceback (most recent call last)")
    # asked for DEBUG, the library's stack is shown too
    out = io.StringIO()
    setup_logging("DEBUG", "text", stream=out)
    _log_reset("kafka.net.transport")
    assert "Traceback (most recent call last)" in out.getvalue()


def test_setup_logging_is_idempotent_and_honours_level(restore_logging):
    out = io.StringIO()
    setup_logging("INFO", "json", stream=io.StringIO())
    setup_logging("WARNING", "json", stream=out)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_wirewatch_handler", False)]
    assert len(ours) == 1
    log = logging.getLogger("wirewatch.x")
    log.info("hidden")
    log.warning("shown")
    assert [json.loads(x)["msg"] for x in out.getvalue().splitlines()] == ["shown"]
    assert logging.getLogger("kafka").level == logging.WARNING
    with pytest.raises(ValueError):
        setup_logging("INFO", "xml")


def test_secret_values_found_at_any_depth():
    s = Settings(kafka=KafkaSettings(sasl_password="p4ss-word", ssl_password="k3y-pass"))
    assert sorted(secret_values(s)) == ["k3y-pass", "p4ss-word"]
    assert secret_values(Settings(kafka=KafkaSettings())) == []


def test_secrets_never_logged(restore_logging, monkeypatch):
    monkeypatch.setenv("WIREWATCH_KAFKA__SASL_PASSWORD", "hunter2-s3cret")
    monkeypatch.setenv("WIREWATCH_LOG_FORMAT", "json")
    settings = Settings()
    out = io.StringIO()
    setup_logging_from_settings(settings, stream=out)
    log = logging.getLogger("wirewatch.sinks.kafka")
    pw = settings.kafka.sasl_password.get_secret_value()
    log.warning("connecting with %s", pw, extra={"stage": "poll", "dsn": f"user:{pw}@host"})
    log.warning("config", extra={"cfg": {"password": pw}})
    try:
        raise RuntimeError(f"auth failed for password={pw}")
    except RuntimeError:
        log.exception("broker refused")
    text = out.getvalue()
    assert "hunter2-s3cret" not in text
    docs = [json.loads(x) for x in text.splitlines()]
    assert docs[0]["msg"] == f"connecting with {MASK}" and docs[0]["dsn"] == f"user:{MASK}@host"
    assert docs[0]["stage"] == "poll"
    assert MASK in docs[1]["cfg"]
    assert "RuntimeError: auth failed for password=" + MASK in docs[2]["exc"]


def test_masking_filter_keeps_clean_extras_typed():
    rec = _record("n=%d", 3, items=[1, 2], ok=True)
    assert SecretMaskingFilter(["zzz-secret"]).filter(rec)
    doc = json.loads(JsonFormatter().format(rec))
    assert doc["msg"] == "n=3" and doc["items"] == [1, 2] and doc["ok"] is True


# ---------------------------------------------------------------------- stale feeds


def feeds(*items: tuple[str, float | None, float | None]) -> list[FeedActivity]:
    return [FeedActivity(*i) for i in items]


def test_stale_tracker_flags_once_and_recovers(caplog):
    events: list[object] = []
    tracker = StaleFeedTracker(stale_factor=5.0, emit=events.append)
    caplog.set_level(logging.INFO, logger="wirewatch.feeds")
    base = feeds(("a", 60.0, 1000.0), ("b", 600.0, 1000.0), ("new", None, None))

    r = tracker.update(base, now=1300.0)  # a silent exactly 5x: not yet
    assert r.stale == frozenset() and events == [FeedStale(0)]

    r = tracker.update(base, now=1301.0)
    assert r.newly_stale == ("a",) and r.stale == {"a"}
    assert events[-1] == FeedStale(1)
    warnings = [x for x in caplog.records if x.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].feed_id == "a"
    assert warnings[0].reason == "feed.stale" and warnings[0].usual_interval == 60.0

    n_events, n_logs = len(events), len(caplog.records)
    r = tracker.update(base, now=1400.0)  # still stale: no new log line, no new event
    assert r.stale == {"a"} and r.newly_stale == ()
    assert len(events) == n_events and len(caplog.records) == n_logs

    r = tracker.update(base, now=4001.0)  # b silent 3001 s > 5 * 600
    assert r.newly_stale == ("b",) and events[-1] == FeedStale(2)

    fresh = feeds(("a", 60.0, 4000.0), ("b", 600.0, 1000.0))
    r = tracker.update(fresh, now=4001.0)
    assert r.recovered == ("a",) and r.stale == {"b"} and events[-1] == FeedStale(1)
    assert any(x.getMessage() == "feed no longer stale" for x in caplog.records)

    r = tracker.update([], now=4001.0)  # feeds gone from the list are dropped
    assert r.recovered == ("b",) and events[-1] == FeedStale(0)


def test_stale_tracker_sets_the_gauge_and_logs_json(restore_logging):
    out = io.StringIO()
    setup_logging("INFO", "json", stream=out)
    tracker = StaleFeedTracker(stale_factor=Settings().poll.stale_factor)
    tracker.update(feeds(("x", 10.0, 0.0), ("y", 10.0, 0.0), ("z", 10.0, 99.0)), now=100.0)
    assert sample("wirewatch_stale_feeds") == 2
    docs = [json.loads(x) for x in out.getvalue().splitlines()]
    stale_lines = [d for d in docs if d["msg"] == "feed stale"]
    assert sorted(d["feed_id"] for d in stale_lines) == ["x", "y"]
    assert all(d["level"] == "WARNING" and d["silent_seconds"] == 100.0 for d in stale_lines)


def test_stale_factor_must_exceed_one():
    with pytest.raises(ValueError):
        StaleFeedTracker(stale_factor=1.0)


# ---------------------------------------------------------------------- consumer lag


@pytest.mark.kafka
def test_consumer_lag_against_the_broker(kafka_settings: KafkaSettings):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    from sinks.kafka import kafka_client_config
    from wirewatch.topics import Topics

    topic = Topics(kafka_settings.topic_prefix).entries
    conf = kafka_client_config(kafka_settings)
    producer = KafkaProducer(**conf, acks="all")
    try:
        futures = [
            producer.send(topic, key=f"k{p}-{i}".encode(), value=b"{}", partition=p)
            for p, n in ((0, 6), (1, 4))
            for i in range(n)
        ]
        producer.flush(timeout=30)
        assert all(f.get(timeout=30).offset >= 0 for f in futures)
    finally:
        producer.close()

    tps = [TopicPartition(topic, p) for p in range(3)]
    consumer = KafkaConsumer(
        **conf,
        group_id=f"{kafka_settings.group_prefix}.fetch.{kafka_settings.topic_prefix}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    try:
        consumer.assign(tps)
        events: list[ConsumerLag] = []

        def record(e):
            events.append(e)
            emit(e)

        sampler = ConsumerLagSampler(consumer, "fetch", emit=record)
        assert sampler.sample() == {(topic, 0): 6, (topic, 1): 4, (topic, 2): 0}
        assert (
            sample(
                "wirewatch_consumer_lag_records",
                {"stage": "fetch", "topic": topic, "partition": "0"},
            )
            == 6
        )
        assert sorted((e.partition, e.lag) for e in events) == [(0, 6), (1, 4), (2, 0)]

        consumed = 0
        deadline = time.monotonic() + 30
        while consumed < 10 and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            consumed += sum(len(v) for v in batch.values())
        assert consumed == 10
        assert sampler.sample() == {(topic, 0): 0, (topic, 1): 0, (topic, 2): 0}

        consumer.seek(tps[1], 1)  # rewind: three records of partition 1 to read again
        assert sampler.sample()[(topic, 1)] == 3
        assert (
            sample(
                "wirewatch_consumer_lag_records",
                {"stage": "fetch", "topic": topic, "partition": "1"},
            )
            == 3
        )

        events.clear()
        consumer.assign([tps[0]])  # partitions 1 and 2 revoked: reported once with lag 0
        assert sampler.sample() == {(topic, 0): 0}
        assert sorted((e.partition, e.lag) for e in events) == [(0, 0), (1, 0), (2, 0)]
        assert (
            sample(
                "wirewatch_consumer_lag_records",
                {"stage": "fetch", "topic": topic, "partition": "1"},
            )
            == 0
        )
    finally:
        consumer.close()


def test_maybe_sample_throttles(clock):
    class StubConsumer:
        calls = 0

        def assignment(self):
            StubConsumer.calls += 1
            return set()

    sampler = ConsumerLagSampler(StubConsumer(), "poll", interval=15, clock=clock)
    assert sampler.maybe_sample() == {}
    clock.t += 10
    assert sampler.maybe_sample() is None
    clock.t += 6
    assert sampler.maybe_sample() == {}
    assert StubConsumer.calls == 2

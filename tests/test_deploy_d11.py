"""A platform team's day one, read again against the code: the comments and docs that name the
stages, their metrics ports and the topics (systemd, compose, the example config, the README's
retention table) cover every stage and topic kind of ``wirewatch/topology.py``; the example
events consumer (``examples/events_consumer.py``) keeps the latest version per event against a
real broker and answers a user's mistakes with one line; ``wirewatch tail events`` shows an
event's days. The manifests themselves are checked in ``tests/test_deploy_manifests.py``."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import KafkaProducer

from testkit.http import free_port
from tests.test_deploy_manifests import settings_from_env
from wirewatch.config import KafkaSettings
from wirewatch.contracts import MEMBER_DIGEST_BYTES, Event, Location, TollReport
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SYSTEMD = DEPLOY / "systemd"
UNIT = SYSTEMD / "wirewatch-worker@.service"
EXAMPLE = REPO / "examples" / "events_consumer.py"
STAGES = tuple(TOPOLOGY.stage_names())
KINDS = frozenset(TOPOLOGY.kinds())
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def kinds_named(text: str) -> set[str]:
    """The topic kinds a piece of prose names (``incidents`` is not read out of
    ``sharded-incidents``)."""
    return {w for w in re.findall(r"[a-z]+(?:-[a-z]+)*", text) if w in KINDS}


# ---------------------------------------------------------------------- systemd


def instance_ports(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The metrics port each shipped ``<stage>.env`` gives its instance."""
    ports = {}
    for stage in STAGES:
        lines = (SYSTEMD / f"{stage}.env").read_text(encoding="utf-8").splitlines()
        env = dict(ln.split("=", 1) for ln in lines if ln.strip() and not ln.startswith("#"))
        ports[stage] = settings_from_env(env, monkeypatch).metrics.port
    return ports


def test_systemd_comments_list_every_instance_with_its_metrics_port(monkeypatch):
    """Every "(poll 9464, fetch 9465, ...)" in the unit and the env files is the full list of
    stages with the ports their env files really set: an operator installs what it names."""
    ports = instance_ports(monkeypatch)
    found = 0
    for path in sorted(SYSTEMD.iterdir()):
        text = path.read_text(encoding="utf-8")
        for listed in re.findall(r"\(((?:[a-z]+ \d{4,5}, )+[a-z]+ \d{4,5})\)", text):
            found += 1
            named = {s: int(p) for s, p in (item.split() for item in listed.split(", "))}
            assert named == ports, (
                f"deploy/systemd/{path.name}: ({listed}) but the env files set {ports}"
            )
    assert found >= len(STAGES), "expected the port list in the unit and the env files"


def test_systemd_unit_header_installs_and_enables_every_stage():
    header = [ln for ln in UNIT.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    enabled = {s for ln in header if "systemctl enable" in ln for s in re.findall(r"@(\w+)", ln)}
    assert enabled == set(STAGES), f"systemctl enable lines start {sorted(enabled)}"
    installed = {s for ln in header if "install -m" in ln for s in re.findall(r"(\w+)\.env\b", ln)}
    assert installed == set(STAGES), f"the install line copies {sorted(installed)}.env"
    (first,) = [ln for ln in header if "one instance per stage" in ln]
    assert set(re.findall(r"@(\w+)", first)) == set(STAGES), first


# ---------------------------------------------------------------------- example config


CONFIG = DEPLOY / "config.example.yaml"


def test_example_config_names_every_topic_kind():
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    (start,) = [i for i, ln in enumerate(lines) if "Topics are <topic_prefix>" in ln]
    comment = []
    for ln in lines[start:]:
        if not ln.strip().startswith("#"):
            break
        comment.append(ln.split("Topics are", 1)[-1])
    assert kinds_named(" ".join(comment)) == KINDS


def test_example_config_retention_comments_name_the_topics_each_bound_keeps():
    """The comment on (or right above) each retention key names exactly the kinds the topology
    bounds with it: a sizing decision made from the file is made for the right topics."""
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    for key in sorted({t.retention for t in TOPOLOGY.topics if t.retention}):
        (i,) = [n for n, ln in enumerate(lines) if ln.strip().startswith(f"{key}:")]
        comment = lines[i].partition("#")[2]
        if not comment and lines[i - 1].strip().startswith("#"):
            comment = lines[i - 1]
        expected = {t.kind for t in TOPOLOGY.topics if t.retention == key}
        assert kinds_named(comment) == expected, f"kafka.{key}: comment {comment.strip()!r}"


# ---------------------------------------------------------------------- README


README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_retention_table_has_every_topic_with_its_policy_and_bound():
    head = "| topic | cleanup.policy | kept |"
    assert README.count(head) == 1
    table = README.split(head, 1)[1].strip().split("\n\n", 1)[0].splitlines()[1:]
    rows: dict[str, tuple[str, str]] = {}
    for row in table:
        topics, policy, kept = (c.strip() for c in row.strip("|").split("|"))
        for kind in re.findall(r"`([a-z-]+)`", topics):
            assert kind not in rows, f"{kind} twice in the README's retention table"
            rows[kind] = (policy.strip("`"), kept)
    assert set(rows) == KINDS, f"missing {sorted(KINDS - set(rows))}, unknown {set(rows) - KINDS}"
    for t in TOPOLOGY.topics:
        policy, kept = rows[t.kind]
        assert policy == t.cleanup_policy, t.kind
        if t.retention:
            assert f"`kafka.{t.retention}`" in kept, t.kind
        else:
            assert "no time bound" in kept, t.kind


def test_compose_and_readme_say_one_worker_per_stage():
    compose_head = (DEPLOY / "compose.yaml").read_text(encoding="utf-8").split("\n\n", 1)[0]
    said = re.findall(r"the (\w+) wirewatch workers", compose_head.replace("\n# ", " "))
    assert said and all(NUMBERS.get(w) == len(STAGES) for w in said), said
    deploying = README.split("**Deploying.**", 1)[1].split("\n\n", 1)[0]
    said = re.findall(r"the (\w+) workers", deploying.replace("\n", " "))
    assert said and all(NUMBERS.get(w) == len(STAGES) for w in said), said
    for listed in re.findall(r"worker ([a-z]+(?:\\?\|[a-z]+)+)", README):
        assert listed.replace("\\", "").split("|") == list(STAGES), listed


# ---------------------------------------------------------------------- wirewatch tail events


def event(event_id: str, version: int, *, first: str, last: str) -> Event:
    when = datetime(2026, 5, 24, 9, tzinfo=UTC)
    return Event(
        event_id=event_id,
        version=version,
        event_type="Battles",
        sub_event_type="Armed clash",
        first_date=first,
        last_date=last,
        location=Location(name="Kupiansk", country="Ukraine", country_iso3="UKR"),
        fatalities=version,
        toll_history=[
            TollReport(incident_id=f"inc-{event_id}-{n}", article_id=f"art-{n}", reported_at=when)
            for n in range(version)
        ],
        incident_ids=[f"inc-{event_id}-{n}" for n in range(version)],
        article_ids=[f"art-{n}" for n in range(version)],
        confidence=0.7,
        first_reported_at=when,
        last_reported_at=when,
    )


def test_tail_shows_the_days_version_and_reports_of_an_event():
    """An event has no single ``date``: the tail line showed "?" for every event."""
    from wirewatch.commands.kafka import _summary

    line = _summary(event("ev-1", 2, first="2026-05-23", last="2026-05-24").model_dump(mode="json"))
    assert line.startswith("2026-05-23..2026-05-24  Armed clash  @ Kupiansk (UKR)"), line
    assert "killed=2" in line and "v2 reports=2" in line
    one_day = _summary(
        event("ev-2", 1, first="2026-05-24", last="2026-05-24").model_dump(mode="json")
    )
    assert one_day.startswith("2026-05-24  Armed clash"), one_day


# ---------------------------------------------------------------------- example consumer


def consume(*args: str) -> subprocess.CompletedProcess[str]:
    # argv: this interpreter and the example shipped in the repository
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def one_error_line(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_example_consumer_unreachable_broker_is_one_line():
    one_error_line(consume("--bootstrap", f"127.0.0.1:{free_port()}"), "cannot reach a broker")


def test_example_consumer_db_it_cannot_open_is_one_line(tmp_path):
    db = tmp_path / "no-such-dir" / "events.db"
    one_error_line(consume("--bootstrap", "127.0.0.1:9", "--db", str(db)), str(db))


def test_example_consumer_missing_topic_is_one_line(kafka_bootstrap):
    topic = f"t-missing-{free_port()}.events.v1"
    one_error_line(consume("--bootstrap", kafka_bootstrap, "--topic", topic), topic)


def test_example_consumer_keeps_the_latest_version_of_each_event(
    kafka_settings: KafkaSettings, tmp_path
):
    """Against the real broker, on a topic made by `topics create`: every event at its highest
    version in SQLite, a record of another major schema version and a record that is no event
    skipped with a line each; a second run in the same group finds nothing new and keeps the
    rows."""
    topic = Topics(kafka_settings.topic_prefix).name("events")
    # the latest version of ev-a carries the cluster stage's membership digest, as an event
    # past the member bound does
    latest_a = {
        **event("ev-a", 2, first="2026-05-23", last="2026-05-24").model_dump(mode="json"),
        "member_digest": base64.b64encode(bytes(MEMBER_DIGEST_BYTES)).decode(),
    }
    Event.model_validate(latest_a)  # a record the events contract accepts
    records = [
        event("ev-a", 1, first="2026-05-23", last="2026-05-23").model_dump(mode="json"),
        event("ev-b", 1, first="2026-05-24", last="2026-05-24").model_dump(mode="json"),
        latest_a,
        # a later major version (a writer of 1.x cannot make one)
        {
            **event("ev-c", 1, first="2026-05-24", last="2026-05-24").model_dump(mode="json"),
            "schema_version": "2.0",
        },
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers)
    try:
        for r in records:
            producer.send(topic, key=r["event_id"].encode(), value=json.dumps(r).encode())
        producer.send(topic, key=b"ev-d", value=b"not json")
        producer.flush()
    finally:
        producer.close()

    db = tmp_path / "events.db"
    group = f"{kafka_settings.group_prefix}.example"
    argv = ("--bootstrap", str(kafka_settings.bootstrap_servers), "--topic", topic)
    first = consume(*argv, "--group", group, "--db", str(db), "--until-idle", "2")
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr, first.stderr
    skipped = [ln for ln in first.stderr.splitlines() if ln.startswith("skipped a record")]
    assert len(skipped) == 2 and any("schema_version 2.0" in ln for ln in skipped), first.stderr

    def rows() -> dict[str, int]:
        with sqlite3.connect(db) as conn:
            return dict(conn.execute("SELECT event_id, version FROM events"))

    assert rows() == {"ev-a": 2, "ev-b": 1}
    # the stored record is the event without the digest (internal, 16 KiB of base64)
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT record FROM events WHERE event_id = 'ev-a'").fetchone()
    assert json.loads(stored) == {k: v for k, v in latest_a.items() if k != "member_digest"}
    again = consume(*argv, "--group", group, "--db", str(db), "--until-idle", "2")
    assert again.returncode == 0 and not again.stderr.strip(), again.stderr
    assert rows() == {"ev-a": 2, "ev-b": 1}

    # a tombstone (a key with no value) removes its event; it is no record to skip
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers)
    try:
        producer.send(topic, key=b"ev-b", value=None)
        producer.flush()
    finally:
        producer.close()
    gone = consume(*argv, "--group", group, "--db", str(db), "--until-idle", "2")
    assert gone.returncode == 0 and not gone.stderr.strip(), gone.stderr
    assert rows() == {"ev-a": 2}

    printed = consume(*argv, "--group", f"{group}.print", "--until-idle", "2")
    assert printed.returncode == 0, printed.stderr
    out = printed.stdout.splitlines()
    assert sorted(ln.split()[:2] for ln in out) == [
        ["ev-a", "v1"],
        ["ev-a", "v2"],
        ["ev-b", "removed"],
        ["ev-b", "v1"],
    ]


# ---------------------------------------------------------------------- commented examples


def commented_yaml_env(path: Path) -> dict[str, str]:
    """``# WIREWATCH_A__B: "value"`` lines: settings a manifest ships commented out."""
    found = re.findall(
        r"^\s*#\s*(WIREWATCH_[A-Z0-9_]+):\s*\"?([^\"\s]+)\"?",
        path.read_text(encoding="utf-8"),
        re.M,
    )
    return dict(found)


def test_commented_settings_in_the_manifests_validate(monkeypatch):
    """What an operator uncomments works: every commented WIREWATCH_ line of the ConfigMap and
    the compose file names a setting and gives it a valid value; the ConfigMap offers the
    replication factor (topics on a real cluster need more than the single-broker default)."""
    configmap = commented_yaml_env(DEPLOY / "k8s" / "configmap.yaml")
    assert configmap.get("WIREWATCH_KAFKA__REPLICATION_FACTOR") == "3"
    s = settings_from_env(configmap, monkeypatch)
    assert s.kafka.replication_factor == 3 and s.kafka.sasl_mechanism == "SCRAM-SHA-512"
    compose_env = commented_yaml_env(DEPLOY / "compose.yaml")
    assert compose_env, "compose.yaml ships the WebSub example commented"
    settings_from_env({**compose_env, "WIREWATCH_WEBSUB__SECRET": "from-an-env-file"}, monkeypatch)


def test_workers_get_the_same_time_to_stop_everywhere():
    """SIGTERM lets a worker finish its batch and commit: compose must not SIGKILL it sooner
    than the k8s Deployments and the systemd unit allow (compose's own default is 10 s)."""
    from tests.test_deploy_manifests import compose_argv, named, systemd_unit, wirewatch_services

    (stop_s,) = {int(v) for v in systemd_unit(UNIT)["Service"]["TimeoutStopSec"]}
    for stage in STAGES:
        pod = named("Deployment", f"wirewatch-{stage}")["spec"]["template"]["spec"]
        assert pod["terminationGracePeriodSeconds"] == stop_s, stage
    workers = {n: s for n, s in wirewatch_services().items() if compose_argv(s)[1] == "worker"}
    assert len(workers) == len(STAGES)
    for name, service in workers.items():
        grace = str(service.get("stop_grace_period", "10s"))
        assert grace == f"{stop_s}s", f"compose {name}: stop_grace_period {grace}"


# ---------------------------------------------------------------------- a worker's probes


def test_cluster_worker_serves_the_probes_the_manifests_use(kafka_settings: KafkaSettings):
    """`wirewatch worker cluster` as the manifests start it, on topics made by `topics create`:
    /healthz 200, /readyz 200 with exactly the checks the README's Operations paragraph names,
    /metrics with the cluster's consumer lag on both its inputs; SIGTERM exits 0."""
    import urllib.request

    from testkit.cli import cli_env, started_cli, wirewatch_argv
    from testkit.pipeline import wait_for

    port = free_port()
    env = cli_env(
        WIREWATCH_KAFKA__BOOTSTRAP_SERVERS=str(kafka_settings.bootstrap_servers),
        WIREWATCH_KAFKA__TOPIC_PREFIX=kafka_settings.topic_prefix,
        WIREWATCH_KAFKA__GROUP_PREFIX=kafka_settings.group_prefix,
        WIREWATCH_METRICS__ENABLED="true",
        WIREWATCH_METRICS__PORT=str(port),
    )

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            return 0, ""

    with started_cli(wirewatch_argv("worker", "cluster"), env) as proc:
        assert wait_for(lambda: get("/readyz")[0] == 200 or proc.poll() is not None, 180, 0.5)
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        status, body = get("/readyz")
        checks = set(json.loads(body)["checks"])
        assert get("/healthz")[0] == 200
        metrics = get("/metrics")[1]
        proc.terminate()
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr[-3000:]
    assert status == 200, body
    operations = README.split("**Operations.**", 1)[1].split("\n\n", 1)[0].replace("\n", " ")
    listed = re.search(r"503 with the failing checks \(([^)]*)\)", operations)
    assert listed, "the Operations paragraph no longer lists the readiness checks"
    assert set(re.findall(r"`([a-z_]+)`", listed.group(1))) == checks
    topics = Topics(kafka_settings.topic_prefix)
    for kind in TOPOLOGY.stage("cluster").inputs:
        assert f'topic="{topics.name(kind)}"' in metrics, kind


def test_readme_acl_table_lists_what_each_worker_reads_and_writes():
    """Read from the code: a stage's inputs, its state topic and the shared state it restores
    (``state_kind``, ``shared_state_kinds``); its outputs and the dead letters."""
    head = "| worker | reads | writes |"
    assert README.count(head) == 1, "the README lacks the per-worker topic table"
    table = README.split(head, 1)[1].strip().split("\n\n", 1)[0].splitlines()[1:]
    rows = {}
    for row in table:
        worker, reads, writes = (c.strip() for c in row.strip("|").split("|"))
        rows[worker.strip("`")] = (set(re.findall(r"`([a-z-]+)`", reads)), writes)
    assert list(rows) == list(STAGES)
    for spec in TOPOLOGY.stages:
        stage = spec.load()
        state = {getattr(stage, "state_kind", None), *getattr(stage, "shared_state_kinds", ())}
        reads, writes = rows[spec.name]
        assert reads == {*spec.inputs, *state} - {None}, spec.name
        assert set(re.findall(r"`([a-z-]+)`", writes)) == {*spec.outputs, "deadletter"}, spec.name

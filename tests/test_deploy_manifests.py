"""Deployment artifacts agree with the code: commands, probe paths and ports, env var names
(every WIREWATCH_A__B must be a real Settings key with a valid value), non-root users, KEDA
topics and consumer groups, the example config. Parsed, never deployed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from pydantic import BaseModel

from wirewatch.config import Settings, load_settings
from wirewatch.ops import OpsServer
from wirewatch.topics import Topics
from wirewatch.topology import TOPOLOGY

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
# the manifests must cover every stage of the topology table
STAGES = tuple(TOPOLOGY.stage_names())
# the topic each stage consumes (and so the lag KEDA scales it on)
STAGE_INPUT = {s.name: s.input for s in TOPOLOGY.stages}
STAGE_INPUTS = {s.name: s.inputs for s in TOPOLOGY.stages}
UID = 10001
DEFAULTS = Settings.model_construct()  # defaults without reading the environment


# ---------------------------------------------------------------------- helpers


def settings_field(env_name: str) -> tuple[str, ...]:
    """``WIREWATCH_KAFKA__BOOTSTRAP_SERVERS`` -> ("kafka", "bootstrap_servers"), checked against
    the Settings model: raises AssertionError for a name that is no setting."""
    assert env_name.startswith("WIREWATCH_"), env_name
    path = tuple(p.lower() for p in env_name.removeprefix("WIREWATCH_").split("__"))
    model: type[BaseModel] = Settings
    for i, part in enumerate(path):
        fields = model.model_fields
        assert part in fields, f"{env_name}: {'.'.join(path[: i + 1])} is not a Settings key"
        ann = fields[part].annotation
        if i < len(path) - 1:
            assert isinstance(ann, type) and issubclass(ann, BaseModel), (
                f"{env_name}: {part} is not a section"
            )
            model = ann
    return path


def settings_from_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings built from exactly these WIREWATCH_ variables (validates the values too)."""
    for name in list(os.environ):
        if name.startswith("WIREWATCH_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        settings_field(name)
        monkeypatch.setenv(name, str(value))
    return load_settings()


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.partition(" ")
        out.append((word.upper(), rest.strip()))
        buf = ""
    return out


def final_stage(instr: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (k, _) in enumerate(instr) if k == "FROM")
    return instr[last_from:]


def one(instr: list[tuple[str, str]], key: str) -> str:
    values = [v for k, v in instr if k == key]
    assert len(values) == 1, f"expected one {key}, found {values}"
    return values[0]


def env_instructions(instr: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for k, v in instr:
        if k == "ENV":
            for token in shlex.split(v):
                name, _, value = token.partition("=")
                env[name] = value
    return env


def stages_of(instr: list[tuple[str, str]]) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The build stages of a Dockerfile: (name after AS, or None; its instructions)."""
    out: list[tuple[str | None, list[tuple[str, str]]]] = []
    for k, v in instr:
        if k == "FROM":
            words = v.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            out.append((name, []))
        out[-1][1].append((k, v))
    return out


def image_file(path: str) -> Path | None:
    """The repository file the final stage of the Dockerfile COPYs to ``path``, if any."""
    for k, v in final_stage(dockerfile_instructions(DOCKERFILE)):
        words = v.split()
        if k == "COPY" and not words[0].startswith("--") and words[-1] == path:
            (src,) = words[:-1]
            return REPO / src
    return None


#: WIREWATCH_ variables read by code directly, not Settings keys, and the file reading each
NOT_SETTINGS = {"WIREWATCH_CACHE_DIR": "processors/build_gazetteer.py"}


def k8s_docs() -> list[dict[str, Any]]:
    docs = []
    for f in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(f.read_text(encoding="utf-8")):
            if doc:
                doc["_file"] = f.name
                docs.append(doc)
    return docs


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in k8s_docs() if d["kind"] == kind]


def named(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def k8s_env() -> dict[str, str]:
    """The variables every worker gets from the ConfigMap and the Secret."""
    cm = named("ConfigMap", "wirewatch-config")["data"]
    secret = named("Secret", "wirewatch-kafka")["stringData"]
    return {**cm, **secret}


def systemd_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Sections -> key -> every value (systemd keys repeat, so no configparser)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"key outside a section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"not key=value: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_env_name_check_bites(monkeypatch):
    assert settings_field("WIREWATCH_KAFKA__BOOTSTRAP_SERVERS") == ("kafka", "bootstrap_servers")
    assert settings_field("WIREWATCH_LOG_FORMAT") == ("log_format",)
    for bad in (
        "WIREWATCH_KAFKA__BOOTSTRAP",
        "WIREWATCH_LOG_FORMAT__X",
        "WIREWATCH_HTTP__USER_AGENT__X",
    ):
        with pytest.raises(AssertionError):
            settings_field(bad)
    with pytest.raises(Exception, match="log_format"):
        settings_from_env({"WIREWATCH_LOG_FORMAT": "xml"}, monkeypatch)


# ---------------------------------------------------------------------- Dockerfile

DOCKERFILE = DEPLOY / "Dockerfile"


def test_dockerfile_base_entrypoint_and_command():
    instr = dockerfile_instructions(DOCKERFILE)
    bases = [v.split()[0] for k, v in instr if k == "FROM"]
    assert bases and all(b == "python:3.11-slim" for b in bases), bases
    final = final_stage(instr)
    assert json.loads(one(final, "ENTRYPOINT")) == ["wirewatch"]
    assert str(DEFAULTS.metrics.port) in one(final, "EXPOSE").split()
    assert any("pip install --no-cache-dir ." in v for k, v in instr if k == "RUN")


def test_dockerfile_runs_as_non_root_uid():
    final = final_stage(dockerfile_instructions(DOCKERFILE))
    user = one(final, "USER")
    assert user.split(":")[0] == str(UID), user
    runs = " ".join(v for k, v in final if k == "RUN")
    assert "useradd" in runs and f"--uid {UID}" in runs


def test_dockerfile_copies_every_package_of_the_distribution():
    """The image installs from explicit COPYs: a new top-level package must be added there."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = sorted(p.rstrip("*") for p in include)
    copies = [v.split()[:-1] for k, v in dockerfile_instructions(DOCKERFILE) if k == "COPY"]
    copied = {src.rstrip("/") for srcs in copies if not srcs[0].startswith("--") for src in srcs}
    assert "pyproject.toml" in copied
    for pkg in packages:
        assert (REPO / pkg).is_dir(), pkg
        assert pkg in copied, f"deploy/Dockerfile does not COPY {pkg}"


def test_dockerfile_env_names_are_settings(monkeypatch):
    env = env_instructions(final_stage(dockerfile_instructions(DOCKERFILE)))
    for name, reader in NOT_SETTINGS.items():  # an exemption only for a variable code reads
        assert f'"{name}"' in (REPO / reader).read_text(encoding="utf-8"), (name, reader)
    ours = {k: v for k, v in env.items() if k.startswith("WIREWATCH_") and k not in NOT_SETTINGS}
    assert ours, "expected WIREWATCH_ defaults in the image"
    s = settings_from_env(ours, monkeypatch)
    assert s.metrics.host == "0.0.0.0" and s.metrics.port == DEFAULTS.metrics.port


def test_dockerfile_default_command_runs_the_pipeline_on_the_bundled_feeds(tmp_path, monkeypatch):
    """`docker run IMAGE` = ENTRYPOINT + CMD: it must start the pipeline, not exit 2 with a
    usage error. Run through the CLI with the image's files mapped to the repository and the
    pipeline itself replaced (it would poll the public feeds)."""
    from click.testing import CliRunner

    from ingest import load_feed_list
    from wirewatch.cli import cli
    from wirewatch.runners.embedded import RunStats

    final = final_stage(dockerfile_instructions(DOCKERFILE))
    assert json.loads(one(final, "ENTRYPOINT")) == ["wirewatch"]
    argv = json.loads(one(final, "CMD"))
    files = {a: image_file(a) for a in argv if a.startswith("/")}
    assert all(f is not None and f.is_file() for f in files.values()), files
    argv = [str(files[a]) if a in files else a for a in argv]

    started: dict[str, Any] = {}

    class Pipeline:
        first_write_error = None  # what the run command reads after the run
        on_stopping = None

        def __init__(self, settings: Any, feeds: Any, sink: Any, state: Any) -> None:
            started["feeds"] = feeds

        def request_stop(self) -> None:
            pass

        async def run(self, once: bool, timeout: float | None) -> RunStats:
            started["once"] = once
            return RunStats()

    monkeypatch.setattr("wirewatch.runners.embedded.EmbeddedRunner", Pipeline)
    for name in list(os.environ):
        if name.startswith("WIREWATCH_"):
            monkeypatch.delenv(name)
    env = {
        "WIREWATCH_METRICS__ENABLED": "false",
        "WIREWATCH_STORAGE__OUT_DIR": str(tmp_path / "out"),
        "WIREWATCH_STORAGE__STATE_PATH": str(tmp_path / "state.db"),
        "WIREWATCH_MALLOC_ARENA_MAX": "0",
    }
    result = CliRunner().invoke(cli, argv, env=env)
    assert result.exit_code == 0, result.output
    bundled = load_feed_list(DEPLOY / "feeds.example.yaml")
    assert bundled and [f.url for f in started["feeds"]] == [f.url for f in bundled]
    assert started["once"] is False  # long-running, as a container's main process


def test_dockerfile_builds_the_gazetteer_where_the_process_pods_read_it(monkeypatch):
    """Built once into the image, in the directory the runtime reads (WIREWATCH_CACHE_DIR),
    outside every writable mount (which would hide it); no manifest moves it elsewhere."""
    from processors import build_gazetteer

    instr = dockerfile_instructions(DOCKERFILE)
    cache = env_instructions(final_stage(instr))["WIREWATCH_CACHE_DIR"]
    stages = stages_of(instr)
    builds = [
        (name, shlex.split(v))
        for name, body in stages
        for k, v in body
        if k == "RUN" and "gazetteer build" in v
    ]
    assert len(builds) == 1, builds
    stage, argv = builds[0]
    assert Path(argv[0]).name == "wirewatch" and argv[1:3] == ["gazetteer", "build"]
    built_into = argv[argv.index("--dir") + 1]
    assert built_into == cache
    # the final stage copies the directory the index was written into, from that stage
    copies = [v.split() for k, v in final_stage(instr) if k == "COPY"]
    assert any(c[0] == f"--from={stage}" and Path(cache).is_relative_to(c[-1]) for c in copies), (
        copies
    )
    # the file the build writes with --dir is the one a process loads with the variable set
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", cache)
    assert build_gazetteer.index_path() == build_gazetteer.index_path(Path(built_into))

    for dep in of_kind("Deployment"):
        (c,) = dep["spec"]["template"]["spec"]["containers"]
        for m in c.get("volumeMounts", []):
            assert not Path(cache).is_relative_to(m["mountPath"]), (dep["_file"], m)
        assert "WIREWATCH_CACHE_DIR" not in {e["name"] for e in c.get("env", [])}
    assert "WIREWATCH_CACHE_DIR" not in k8s_env()


def test_dockerfile_healthcheck_probes_healthz_with_python():
    """Runs the HEALTHCHECK command itself against a real OpsServer: 0 when alive, else not."""
    hc = one(final_stage(dockerfile_instructions(DOCKERFILE)), "HEALTHCHECK")
    assert "curl" not in hc and "wget" not in hc
    argv = json.loads(hc[hc.index("CMD") + 3 :].strip())
    assert argv[0] == "python" and "/healthz" in " ".join(argv)
    argv[0] = sys.executable
    now = [0.0]
    with OpsServer("127.0.0.1", 0, heartbeat_timeout=10, clock=lambda: now[0]) as ops:
        env = {**os.environ, "WIREWATCH_METRICS__PORT": str(ops.port)}
        assert subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode == 0
        now[0] = 11.0  # heartbeat stale: /healthz 503
        assert subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode != 0


# ---------------------------------------------------------------------- Kubernetes


def test_k8s_manifests_are_namespace_agnostic():
    docs = k8s_docs()
    kinds = {d["kind"] for d in docs}
    assert {"ConfigMap", "Secret", "Deployment", "ScaledObject"} <= kinds
    for d in docs:
        assert "namespace" not in d["metadata"], f"{d['_file']}: hard-coded namespace"


def test_k8s_env_names_map_onto_settings(monkeypatch):
    env = k8s_env()
    assert "WIREWATCH_KAFKA__BOOTSTRAP_SERVERS" in env
    assert {"WIREWATCH_KAFKA__SASL_USERNAME", "WIREWATCH_KAFKA__SASL_PASSWORD"} <= set(
        named("Secret", "wirewatch-kafka")["stringData"]
    )
    s = settings_from_env(env, monkeypatch)
    assert not s.embedded and s.log_format == "json"
    # probes reach the pod IP: the ops server must listen on all interfaces
    assert s.metrics.host == "0.0.0.0" and s.metrics.enabled


@pytest.mark.parametrize("stage", STAGES)
def test_k8s_deployment(stage, monkeypatch):
    dep = named("Deployment", f"wirewatch-{stage}")
    spec = dep["spec"]
    pod = spec["template"]["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    (c,) = pod["containers"]
    # image ENTRYPOINT is ["wirewatch"]: args alone make `wirewatch worker <stage>`
    assert "command" not in c
    assert c["args"] == ["worker", stage]

    refs = {next(iter(r)): next(iter(r.values()))["name"] for r in c["envFrom"]}
    assert refs == {"configMapRef": "wirewatch-config", "secretRef": "wirewatch-kafka"}

    settings = settings_from_env(k8s_env(), monkeypatch)
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}

    def port_of(probe: dict[str, Any]) -> int:
        port = probe["httpGet"]["port"]
        return ports[port] if isinstance(port, str) else port

    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in c:
            assert port_of(c[probe]) == settings.metrics.port == DEFAULTS.metrics.port

    for key in ("requests", "limits"):
        assert c["resources"][key].get("memory"), f"{stage}: no memory {key}"
    assert c["resources"]["requests"].get("cpu")

    sc = c["securityContext"]
    assert sc["runAsNonRoot"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True and sc["capabilities"]["drop"] == ["ALL"]
    assert sc.get("runAsUser", pod["securityContext"].get("runAsUser")) == UID
    assert pod["securityContext"]["runAsNonRoot"] is True

    # read-only root: the state file and JSONL output must sit on a mounted volume
    mounts = [Path(m["mountPath"]) for m in c["volumeMounts"]]
    volumes = {v["name"] for v in pod["volumes"]}
    assert {m["name"] for m in c["volumeMounts"]} <= volumes
    for p in (Path(settings.storage.state_path).parent, Path(settings.storage.out_dir)):
        assert any(p == m or m in p.parents for m in mounts), f"{p} is not writable"


def test_k8s_bootstrap_job_creates_topics_then_imports_the_feed_list(tmp_path, monkeypatch):
    """The workers need the topics, and poll needs feeds: the Job makes the topics with
    `wirewatch topics create` (one definition, retention included) and imports the
    wirewatch-feeds ConfigMap's list."""
    from ingest import load_feed_list

    job = named("Job", "wirewatch-bootstrap")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("OnFailure", "Never")
    (topics,) = pod["initContainers"]
    (feeds,) = pod["containers"]
    worker = named("Deployment", "wirewatch-poll")["spec"]["template"]["spec"]["containers"][0]
    for c in (topics, feeds):
        assert "command" not in c and c["image"] == worker["image"]
        assert c["envFrom"] == worker["envFrom"]
        sc = c["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert pod["securityContext"]["runAsUser"] == UID

    assert parse_cli(["wirewatch", *topics["args"]]).command_path.endswith("topics create")

    # the feed list: the ConfigMap's file, at the path the volume mounts it
    (mount,) = feeds["volumeMounts"]
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    data = named("ConfigMap", volume["configMap"]["name"])["data"]
    path = feeds["args"][-1]
    assert Path(path).parent == Path(mount["mountPath"]) and Path(path).name in data
    local = tmp_path / Path(path).name
    local.write_text(data[Path(path).name], encoding="utf-8")
    ctx = parse_cli(["wirewatch", *feeds["args"]], files={path: local})
    assert ctx.command_path.endswith("feeds import")
    assert load_feed_list(local), "the feed list is empty"
    settings_from_env(k8s_env(), monkeypatch)  # the same settings as the workers


def test_keda_scaledobjects_match_topics_and_groups(monkeypatch):
    settings = settings_from_env(k8s_env(), monkeypatch)
    topics = Topics(settings.kafka.topic_prefix)
    objs = {o["spec"]["scaleTargetRef"]["name"]: o for o in of_kind("ScaledObject")}
    assert set(objs) == {f"wirewatch-{s}" for s in STAGES}
    for stage in STAGES:
        named("Deployment", f"wirewatch-{stage}")  # the target exists
        spec = objs[f"wirewatch-{stage}"]["spec"]
        # one trigger per topic the stage reads (the cluster stage reads two), its main input first
        triggers = spec["triggers"]
        assert [t["metadata"]["topic"] for t in triggers] == [
            topics.name(kind) for kind in STAGE_INPUTS[stage]
        ]
        assert triggers[0]["metadata"]["topic"] == topics.name(STAGE_INPUT[stage])
        for trigger in triggers:
            assert trigger["type"] == "kafka"
            meta = trigger["metadata"]
            assert all(isinstance(v, str) for v in meta.values()), "KEDA metadata are strings"
            assert meta["bootstrapServers"] == settings.kafka.bootstrap_servers
            assert meta["consumerGroup"] == f"{settings.kafka.group_prefix}.{stage}"
            assert int(meta["lagThreshold"]) > 0
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= settings.kafka.partitions
    # with the defaults, the names the brief promises
    assert {o["spec"]["triggers"][0]["metadata"]["consumerGroup"] for o in objs.values()} == {
        "wirewatch.poll",
        "wirewatch.fetch",
        "wirewatch.process",
        "wirewatch.cluster",
    }
    assert objs["wirewatch-poll"]["spec"]["triggers"][0]["metadata"]["topic"] == (Topics().feeds)


def test_metrics_service_selects_the_workers():
    for svc in of_kind("Service"):
        (port,) = svc["spec"]["ports"]
        assert port["port"] == DEFAULTS.metrics.port
        for stage in STAGES:
            dep = named("Deployment", f"wirewatch-{stage}")
            labels = dep["spec"]["template"]["metadata"]["labels"]
            assert svc["spec"]["selector"].items() <= labels.items()
            names = {p["name"] for p in dep["spec"]["template"]["spec"]["containers"][0]["ports"]}
            assert port["targetPort"] in names


# ---------------------------------------------------------------------- systemd

UNIT = DEPLOY / "systemd" / "wirewatch-worker@.service"


def test_systemd_unit_essentials(monkeypatch):
    unit = systemd_unit(UNIT)
    svc = unit["Service"]

    def single(key: str) -> str:
        assert len(svc.get(key, [])) == 1, f"{key}: {svc.get(key)}"
        return svc[key][0]

    assert single("ExecStart") == "/usr/local/bin/wirewatch worker %i"
    assert "/etc/wirewatch/env" in svc["EnvironmentFile"]
    assert single("DynamicUser") == "yes" or single("User") not in ("", "root", "0")
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "Restart": "on-failure",
        "KillSignal": "SIGTERM",
    }.items():
        assert single(key) == value, key
    assert int(single("TimeoutStopSec")) > 0
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]

    env = dict(e.split("=", 1) for e in svc.get("Environment", []))
    ours = {
        k: v.replace("%i", "poll")
        for k, v in env.items()
        if k.startswith("WIREWATCH_") and k not in NOT_SETTINGS
    }
    s = settings_from_env(ours, monkeypatch)
    state = Path(s.storage.state_path)
    # the state lives in the unit's StateDirectory, writable under ProtectSystem=strict
    state_dir = Path("/var/lib") / single("StateDirectory").replace("%i", "poll")
    assert state_dir in state.parents


def test_systemd_unit_caches_the_gazetteer_where_it_may_write():
    """A DynamicUser's home is not writable (ProtectSystem=strict): without a cache directory
    the process worker would rebuild the gazetteer index at every start."""
    svc = systemd_unit(UNIT)["Service"]
    env = dict(e.split("=", 1) for e in svc.get("Environment", []))
    (cache_dir,) = svc["CacheDirectory"]
    # %C is the cache root of a system unit (/var/cache)
    assert env["WIREWATCH_CACHE_DIR"] == f"%C/{cache_dir}"


def test_systemd_instances_get_their_own_metrics_port(monkeypatch):
    """Three instances on one host: one env file per stage (EnvironmentFile=/etc/wirewatch/
    %i.env) gives each a distinct port, or the second instance fails to bind."""
    svc = systemd_unit(UNIT)["Service"]
    assert "-/etc/wirewatch/%i.env" in svc["EnvironmentFile"]
    ports = {}
    for stage in STAGES:
        path = UNIT.parent / f"{stage}.env"
        assert path.is_file(), f"deploy/systemd/{stage}.env is missing"
        lines = path.read_text(encoding="utf-8").splitlines()
        env = dict(ln.split("=", 1) for ln in lines if ln.strip() and not ln.startswith("#"))
        ports[stage] = settings_from_env(env, monkeypatch).metrics.port
    assert len(set(ports.values())) == len(STAGES) and 0 not in ports.values(), ports


def test_systemd_unit_verifies(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    # an instance of the template; ExecStart must exist for verify, the rest is as shipped
    text = UNIT.read_text(encoding="utf-8").replace("/usr/local/bin/wirewatch", "/bin/true")
    inst = tmp_path / "wirewatch-worker@poll.service"
    inst.write_text(text, encoding="utf-8")
    r = subprocess.run([analyze, "verify", str(inst)], capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Unknown" not in out and "ignoring" not in out, out


# ---------------------------------------------------------------------- example config


def test_example_config_validates_and_covers_every_key(monkeypatch):
    path = DEPLOY / "config.example.yaml"
    for name in list(os.environ):
        if name.startswith("WIREWATCH_"):
            monkeypatch.delenv(name)
    s = load_settings(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, field in Settings.model_fields.items():
        assert name in data, f"config.example.yaml lacks {name}"
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            missing = set(ann.model_fields) - set(data[name])
            assert not missing, f"config.example.yaml lacks {name}: {sorted(missing)}"
    # it documents the defaults: a changed default must be changed there too
    assert s.model_dump() == DEFAULTS.model_dump()


# ---------------------------------------------------------------------- compose

COMPOSE = DEPLOY / "compose.yaml"


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def compose_argv(service: dict[str, Any]) -> list[str]:
    """Effective argv = (service entrypoint, else the image ENTRYPOINT) + command."""
    image_entrypoint = json.loads(
        one(final_stage(dockerfile_instructions(DOCKERFILE)), "ENTRYPOINT")
    )
    entrypoint = service["entrypoint"] if "entrypoint" in service else image_entrypoint
    entrypoint = shlex.split(entrypoint) if isinstance(entrypoint, str) else entrypoint
    return [*(entrypoint or []), *service["command"]]


def wirewatch_services() -> dict[str, dict[str, Any]]:
    return {
        name: s
        for name, s in compose()["services"].items()
        if s.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def parse_cli(argv: list[str], files: dict[str, Path] | None = None) -> click.Context:
    """Parse a `wirewatch ...` argv down to its command, as the CLI would (unknown commands,
    options, or a missing file raise), without running it. Paths inside the image are mapped to
    the repository files the Dockerfile copies there."""
    from wirewatch.cli import cli

    assert argv[0] == "wirewatch", argv
    files = files or {}
    args = [str(files.get(a) or image_file(a) or a) if a.startswith("/") else a for a in argv[1:]]
    ctx = cli.make_context("wirewatch", args)
    cmd: click.Command = cli
    while isinstance(cmd, click.Group):
        with warnings.catch_warnings():  # click 8.2+: protected_args deprecated, still needed
            warnings.simplefilter("ignore", DeprecationWarning)
            rest = [*ctx.protected_args, *ctx.args]
        name, sub, rest = cmd.resolve_command(ctx, rest)
        assert name is not None and sub is not None, argv
        ctx = sub.make_context(name, rest, parent=ctx)
        cmd = sub
    return ctx


def test_compose_kafka_image():
    services = compose()["services"]
    kafka_images = {s["image"] for s in services.values() if "kafka" in s.get("image", "")}
    assert kafka_images and all(i.startswith("apache/kafka:") for i in kafka_images)
    pom = (DEPLOY / "kafka" / "pom.xml").read_text(encoding="utf-8")
    version = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)
    assert version and kafka_images == {f"apache/kafka:{version.group(1)}"}


def test_compose_makes_topics_with_wirewatch_and_imports_a_feed_list(monkeypatch):
    """One definition of the topics (`wirewatch topics create`, retention included), and a feed
    list in the feeds topic before the workers start: `up` gives a pipeline with work to do."""
    services = compose()["services"]
    for name, s in services.items():  # no second, hand-written list of topics
        text = json.dumps(s.get("command", "")) + json.dumps(s.get("entrypoint", ""))
        assert "--create" not in text and "kafka-topics" not in text.replace("--list", ""), name
    ours = wirewatch_services()

    topics = ours["topics-init"]
    ctx = parse_cli(compose_argv(topics))
    assert ctx.command_path.endswith("topics create") and ctx.params["apply"] is True
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert topics["restart"] == "no"

    feeds = ours["feeds-init"]
    ctx = parse_cli(compose_argv(feeds))
    assert ctx.command_path.endswith("feeds import")
    from ingest import load_feed_list

    assert load_feed_list(Path(ctx.params["path"])), "the imported feed list is empty"
    assert feeds["depends_on"]["topics-init"]["condition"] == "service_completed_successfully"
    assert feeds["restart"] == "no"

    for name, s in ours.items():
        env = {k: str(v) for k, v in s.get("environment", {}).items()}
        settings = settings_from_env(env, monkeypatch)
        assert settings.kafka.bootstrap_servers == "kafka:9092", name
        if compose_argv(s)[1] == "worker":
            assert s["depends_on"]["feeds-init"]["condition"] == "service_completed_successfully"


def test_compose_workers_run_the_stages(monkeypatch):
    """Effective argv = (service entrypoint, else the image ENTRYPOINT) + command."""
    services = wirewatch_services()
    workers = {n: s for n, s in services.items() if compose_argv(s)[1:2] == ["worker"]}
    assert set(services) - set(workers) == {"topics-init", "feeds-init"}
    argvs = {}
    for name, s in workers.items():
        assert (COMPOSE.parent / s["build"]["context"] / s["build"]["dockerfile"]).is_file()
        argvs[name] = compose_argv(s)
        env = {k: str(v) for k, v in s.get("environment", {}).items()}
        settings_from_env({k: v for k, v in env.items() if k.startswith("WIREWATCH_")}, monkeypatch)
    assert sorted(argvs.values()) == sorted(["wirewatch", "worker", st] for st in STAGES), argvs


# ---------------------------------------------------------------------- WebSub (opt-in)


def test_k8s_poll_workers_serve_the_websub_callback_on_the_configured_port(monkeypatch):
    """Off by default; when enabled, every poll pod listens where its container port says, has
    its own callback address, and reads the secret from a Secret only."""
    env = k8s_env()
    assert not any("SECRET" in name for name in named("ConfigMap", "wirewatch-config")["data"])
    dep = named("Deployment", "wirewatch-poll")
    (c,) = dep["spec"]["template"]["spec"]["containers"]
    pod_env = {e["name"]: e for e in c["env"]}
    secret_ref = pod_env["WIREWATCH_WEBSUB__SECRET"]["valueFrom"]["secretKeyRef"]
    assert "value" not in pod_env["WIREWATCH_WEBSUB__SECRET"] and secret_ref["optional"] is True
    assert pod_env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    callback = pod_env["WIREWATCH_WEBSUB__CALLBACK_URL"]["value"]
    assert "$(POD_NAME)" in callback  # one address per pod, as Kafka mode needs

    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert not settings_from_env(env, monkeypatch).websub.enabled  # opt-in
    pods = set()
    for pod in ("wirewatch-poll-7d9f-a", "wirewatch-poll-7d9f-b"):
        enabled = {
            **env,
            "WIREWATCH_WEBSUB__ENABLED": "true",
            "WIREWATCH_WEBSUB__SECRET": "from-the-secret",
            "WIREWATCH_WEBSUB__CALLBACK_URL": callback.replace("$(POD_NAME)", pod),
        }
        websub = settings_from_env(enabled, monkeypatch).websub
        assert websub.listen_port == ports["websub"] != ports["metrics"]
        assert websub.listen_host == "0.0.0.0"  # hubs reach the pod IP
        pods.add(websub.callback_base)
    assert len(pods) == 2
    for stage in STAGES:  # the other stages serve no callback
        if stage != "poll":
            (other,) = named("Deployment", f"wirewatch-{stage}")["spec"]["template"]["spec"][
                "containers"
            ]
            assert "websub" not in {p["name"] for p in other["ports"]}


def commented_env(path: Path) -> dict[str, str]:
    """The ``#WIREWATCH_A__B=value`` lines of an env file: settings shipped commented out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(ln.removeprefix("#").split("=", 1) for ln in lines if ln.startswith("#WIREWATCH_"))


def test_systemd_poll_instance_ships_a_websub_example_that_validates(monkeypatch):
    """Commented out (opt-in): uncommented, it gives the poll instance its own callback address
    and a callback port apart from every instance's metrics port; the secret is not in it."""
    poll = UNIT.parent / "poll.env"
    example = commented_env(poll)
    assert example.get("WIREWATCH_WEBSUB__ENABLED") == "true"
    assert not any("SECRET" in name for name in example)
    lines = poll.read_text(encoding="utf-8").splitlines()
    active = dict(ln.split("=", 1) for ln in lines if ln.strip() and not ln.startswith("#"))
    assert not any(name.startswith("WIREWATCH_WEBSUB__") for name in active)  # off by default
    s = settings_from_env(
        {**active, **example, "WIREWATCH_WEBSUB__SECRET": "from-etc-wirewatch-env"}, monkeypatch
    )
    assert s.websub.enabled and s.websub.callback_url
    metrics_ports = set()
    for stage in STAGES:
        lines = (UNIT.parent / f"{stage}.env").read_text(encoding="utf-8").splitlines()
        env = dict(ln.split("=", 1) for ln in lines if ln.strip() and not ln.startswith("#"))
        metrics_ports.add(settings_from_env(env, monkeypatch).metrics.port)
    assert s.websub.listen_port not in metrics_ports | {0}


def test_compose_poll_worker_websub_example_matches_its_port(monkeypatch):
    """compose.yaml ships the poll worker's WebSub lines commented out (opt-in); the port it
    publishes is the port the example configures."""
    text = COMPOSE.read_text(encoding="utf-8")
    port = re.search(r"#\s*WIREWATCH_WEBSUB__LISTEN_PORT:\s*\"?(\d+)", text)
    published = re.search(r"#\s*-\s*\"(?:[\d.]+:)?(\d+):(\d+)\"\s*# websub", text)
    assert port and published, "compose.yaml lacks the commented WebSub example"
    assert published.group(2) == port.group(1)
    poll = wirewatch_services()["worker-poll"]
    env = {k: str(v) for k, v in poll.get("environment", {}).items()}
    assert not settings_from_env(env, monkeypatch).websub.enabled  # opt-in
    assert "ports" not in poll

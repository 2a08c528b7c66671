"""`wirewatch run --once` with no Kafka: a local site in, JSONL per topic out."""

from __future__ import annotations

import json
import signal
import sys
import time

import jsonschema

from testkit.cli import cli_env, run_cli, started_cli, wirewatch_argv
from tests.pipeline_support import news_site
from wirewatch import schemas
from wirewatch.topics import Topics


def _feed_list(tmp_path, site) -> str:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n" + "".join(f"  - url: {u}\n" for u in site.feed_urls()))
    return str(feeds)


def _wirewatch_run(*args: str) -> list[str]:
    return wirewatch_argv("run", *args)


def test_run_once_without_kafka_writes_jsonl_incidents(tmp_path):
    out = tmp_path / "out"
    with news_site(3) as site:
        proc = run_cli(
            _wirewatch_run("--once", "--feeds", _feed_list(tmp_path, site), "--out", str(out)),
            cli_env(),
            timeout=240,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    t = Topics()
    files = {k: out / f"{t.name(k)}.jsonl" for k in ("entries", "articles", "incidents")}
    lines = {k: [json.loads(x) for x in p.read_text().splitlines()] for k, p in files.items()}
    assert len(lines["entries"]) == 3 and len(lines["articles"]) == 3
    assert lines["incidents"], "the seed-like pages must yield incidents"
    for kind, rows in lines.items():
        validator = jsonschema.Draft202012Validator(schemas.load(kind))
        for row in rows:
            assert not list(validator.iter_errors(row)), (kind, row)
    article_ids = {a["article_id"] for a in lines["articles"]}
    assert {i["article_id"] for i in lines["incidents"]} <= article_ids
    summary = json.loads(proc.stderr.strip().splitlines()[-2])
    assert summary["articles"] == 3 and summary["incidents"] == len(lines["incidents"])


def test_run_demo_is_the_readme_main_job_and_works_offline(tmp_path):
    out = tmp_path / "out"
    proc = run_cli(
        [sys.executable, "-m", "wirewatch", "run", "--once", "--demo", "--out", str(out)],
        cli_env(),
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    incidents = [
        json.loads(x) for x in (out / f"{Topics().incidents}.jsonl").read_text().splitlines()
    ]
    articles = (out / f"{Topics().articles}.jsonl").read_text().splitlines()
    assert len(articles) == 6  # every demo article fetched and extracted
    types = {i["sub_event_type"] for i in incidents}
    assert {"Air/drone strike", "Remote explosive/landmine/IED"} <= types
    assert all(i["location"] and i["location"]["country_iso3"] for i in incidents)
    # the markets story is not an incident
    assert len({i["article_id"] for i in incidents}) < len(articles)


def test_run_needs_feeds_or_demo():
    proc = run_cli([sys.executable, "-m", "wirewatch", "run", "--once"], cli_env(), timeout=60)
    assert proc.returncode == 2 and "--feeds FILE or --demo" in proc.stderr


def test_run_sigterm_finishes_flushes_and_exits_0(tmp_path):
    out = tmp_path / "out"
    with news_site(5) as site:
        path = out / f"{Topics().articles}.jsonl"
        with started_cli(
            _wirewatch_run("--feeds", _feed_list(tmp_path, site), "--out", str(out)), cli_env()
        ) as proc:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (
                not path.exists() or len(path.read_text().splitlines()) < 5
            ):
                time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    arts = path.read_text().splitlines()
    assert len(arts) == 5 and all(json.loads(a)["article_id"] for a in arts)
    assert (out / "wirewatch-state.db").exists()


def test_run_once_with_kafka_configured_publishes_to_the_topics(kafka_settings, tmp_path):
    from tests.pipeline_support import read_topic

    env = cli_env(
        WIREWATCH_KAFKA__BOOTSTRAP_SERVERS=kafka_settings.bootstrap_servers or "",
        WIREWATCH_KAFKA__TOPIC_PREFIX=kafka_settings.topic_prefix,
        # its own feed state: the demo's ids are the same in every run, so a state file
        # shared with an earlier run (the default, in the working directory) has seen them
        WIREWATCH_STORAGE__STATE_PATH=str(tmp_path / "state.db"),
    )
    proc = run_cli([sys.executable, "-m", "wirewatch", "run", "--once", "--demo"], env, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    t = Topics(kafka_settings.topic_prefix)
    bootstrap = kafka_settings.bootstrap_servers or ""
    articles = read_topic(bootstrap, t.articles)
    incidents = read_topic(bootstrap, t.incidents)
    assert len(articles) == 6 and len({a.key for a in articles}) == 6
    assert incidents and all(
        dict(i.headers)["ce_type"] == b"io.wirewatch.incident.v1" for i in incidents
    )
    validator = jsonschema.Draft202012Validator(schemas.load("incidents"))
    assert all(not list(validator.iter_errors(json.loads(i.value))) for i in incidents)

"""wirewatch ui without a browser: the JSONL reader, the exports, the routes and the command."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.ui_support import (
    ARTICLES_FILE,
    CANDIDATES,
    INCIDENTS_FILE,
    article_url,
    incident,
    ui_server,
    write_articles,
    write_incidents,
)
from wirewatch.ui import JsonlEventStore


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_store_reads_appended_lines_and_waits_for_an_unterminated_tail(tmp_path: Path) -> None:
    path = tmp_path / INCIDENTS_FILE
    write_incidents(path, [incident(i) for i in range(3)])
    store = JsonlEventStore(tmp_path, CANDIDATES)
    first = store.since(-1, 0)
    assert [r["incident_id"] for r in first["records"]] == [
        "inc-000000",
        "inc-000001",
        "inc-000002",
    ]
    line = incident(3).model_dump_json().encode()
    with path.open("ab") as fh:
        fh.write(line[:20])  # a writer mid-line
    part = store.since(first["generation"], first["cursor"])
    assert part["records"] == [] and part["skipped"] == 0
    with path.open("ab") as fh:
        fh.write(line[20:] + b"\n")
    rest = store.since(part["generation"], part["cursor"])
    assert [r["incident_id"] for r in rest["records"]] == ["inc-000003"]


def test_bad_lines_are_skipped_counted_and_the_rest_kept(tmp_path: Path, caplog) -> None:
    path = tmp_path / INCIDENTS_FILE
    write_incidents(path, [incident(0)])
    with path.open("ab") as fh:
        fh.write(b'{not json\n[1, 2]\n{"incident_id": "x"}\n\xff\xfe\n')
    write_incidents(path, [incident(1)])
    store = JsonlEventStore(tmp_path, CANDIDATES)
    got = store.since(-1, 0)
    assert [r["incident_id"] for r in got["records"]] == ["inc-000000", "inc-000001"]
    assert got["skipped"] == 4
    assert "line 2 skipped: not JSON" in caplog.text


def test_truncated_file_starts_a_new_generation(tmp_path: Path) -> None:
    path = tmp_path / INCIDENTS_FILE
    write_incidents(path, [incident(i) for i in range(5)])
    store = JsonlEventStore(tmp_path, CANDIDATES)
    old = store.since(-1, 0)
    path.write_bytes(b"")
    write_incidents(path, [incident(9)])
    new = store.since(old["generation"], old["cursor"])
    assert new["generation"] != old["generation"]
    assert [r["incident_id"] for r in new["records"]] == ["inc-000009"]


def test_records_come_with_the_url_and_title_of_their_articles(tmp_path: Path) -> None:
    write_articles(tmp_path / ARTICLES_FILE, range(2))
    with (tmp_path / ARTICLES_FILE).open("a") as fh:
        fh.write("{torn article\n")  # loses only its link
    write_incidents(tmp_path / INCIDENTS_FILE, [incident(i) for i in range(3)])
    store = JsonlEventStore(tmp_path, CANDIDATES, articles_file=ARTICLES_FILE)
    got = store.since(-1, 0)
    assert got["articles"] == {
        f"art-{i:06d}": {"url": article_url(i), "title": f"Story {i}"} for i in range(2)
    }
    assert len(got["records"]) == 3 and got["skipped"] == 0


def test_events_come_with_the_evidence_of_their_incidents_and_export_by_event_id(
    tmp_path: Path,
) -> None:
    from tests.ui_support import EVENTS_FILE, event_of

    incs = [incident(i, event_type="Riots") for i in range(3)]
    write_articles(tmp_path / ARTICLES_FILE, range(3))
    write_incidents(tmp_path / INCIDENTS_FILE, incs)
    write_incidents(tmp_path / EVENTS_FILE, [event_of(incs[:2], 1), event_of(incs[2:], 2)])
    with ui_server(tmp_path) as url:
        _, _, body = get(url + "api/records")
        got = json.loads(body)
        assert got["source"] == EVENTS_FILE and got["skipped"] == 0
        assert [r["event_id"] for r in got["records"]] == ["ev-000001", "ev-000002"]
        assert got["evidence"] == {i.incident_id: i.evidence.text for i in incs}
        assert set(got["articles"]) == {i.article_id for i in incs}
        # an event's date for the filters is its last date
        last = event_of(incs[:2], 1).last_date
        _, _, body = get(url + f"api/export.geojson?from={last}&to={last}")
        assert [f["id"] for f in json.loads(body)["features"]] == ["ev-000001"]


def test_events_file_is_preferred_over_incidents(tmp_path: Path) -> None:
    write_incidents(tmp_path / INCIDENTS_FILE, [incident(0)])
    (tmp_path / CANDIDATES[0]).touch()  # empty: not chosen over incidents
    assert JsonlEventStore(tmp_path, CANDIDATES).since(-1, 0)["source"] == INCIDENTS_FILE
    write_incidents(tmp_path / CANDIDATES[0], [incident(1)])
    got = JsonlEventStore(tmp_path, CANDIDATES).since(-1, 0)
    assert got["source"] == CANDIDATES[0]
    assert [r["incident_id"] for r in got["records"]] == ["inc-000001"]


def test_exports_hold_the_latest_version_of_each_selected_incident(tmp_path: Path) -> None:
    path = tmp_path / INCIDENTS_FILE
    write_incidents(path, [incident(i) for i in range(14)])
    resent = incident(4)  # Riots (4 % 7); re-sent with a new count replaces the old one
    resent.fatalities = 40
    nowhere = incident(11)  # Riots too, without coordinates: kept with a null geometry
    nowhere.location = None
    write_incidents(path, [resent, nowhere])
    with ui_server(tmp_path) as url:
        status, headers, body = get(url + "api/export.geojson?type=Riots")
        assert status == 200 and headers["Content-Type"] == "application/geo+json"
        doc = json.loads(body)
        by_id = {f["id"]: f for f in doc["features"]}
        assert sorted(by_id) == ["inc-000004", "inc-000011"]
        assert by_id["inc-000004"]["properties"]["fatalities"] == 40
        assert by_id["inc-000011"]["geometry"] is None

        _, _, body = get(url + "api/export.csv?type=Riots&type=Protests")
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert sorted(r["event_type"] for r in rows) == ["Protests"] * 2 + ["Riots"] * 2
        assert {r["evidence"] for r in rows} >= {incident(3).evidence.text}
        # names with spaces stay apart
        assert {r["sources"] for r in rows} >= {"; ".join(incident(3).sources)}

        _, _, body = get(url + "api/export.geojson?type=")
        assert json.loads(body)["features"] == []
        _, _, body = get(url + "api/export.geojson")
        assert len(json.loads(body)["features"]) == 14


def test_selection_rules_and_malformed_filters(tmp_path: Path) -> None:
    from wirewatch.ui import Selection

    rec = json.loads(incident(8).model_dump_json())  # fatalities 8, dated 2026-11-09
    assert Selection(min_fatalities=8).matches(rec)
    assert not Selection(min_fatalities=9).matches(rec)
    vague = {**rec, "fatalities": None, "fatalities_min": 2}
    assert Selection(min_fatalities=2).matches(vague)
    unknown = {**rec, "fatalities": None}
    assert not Selection(min_fatalities=0).matches(unknown)  # unknown is not "at least 0"
    assert Selection(date_from="2026-11-09", date_to="2026-11-09").matches(rec)
    assert not Selection(date_from="2026-11-10").matches(rec)
    assert not Selection(date_to="2026-11-01").matches({**rec, "date": None})
    assert Selection(source="Agency C").matches(rec)  # 8 % 3 == 2
    assert not Selection(country="Peru").matches({**rec, "location": None})
    with ui_server(tmp_path) as url:
        for query, message in (
            ("min_fatalities=-1", "min_fatalities must be a whole number >= 0, got '-1'"),
            ("from=yesterday", "from must be a date YYYY-MM-DD, got 'yesterday'"),
        ):
            status, _, body = get(url + "api/export.csv?" + query)
            assert (status, body.decode()) == (400, message + "\n")


def test_routes_serve_only_the_packaged_files(tmp_path: Path) -> None:
    with ui_server(tmp_path) as url:
        status, headers, body = get(url)
        assert status == 200 and b"/static/app.js" in body
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        status, _, body = get(url + "static/countries-110m.json")
        assert status == 200 and json.loads(body)["type"] == "Topology"
        for bad in ("static/../server.py", "static/%2e%2e/server.py", "etc/passwd"):
            status, _, _ = get(url + bad)
            assert status == 404, bad
        status, _, body = get(url + "api/records?since=x")
        assert status == 400 and body == b"generation and since must be integers\n"
        # no file yet: an empty answer, not an error
        status, _, body = get(url + "api/records")
        assert status == 200 and json.loads(body)["source"] is None


def test_page_loads_nothing_from_outside() -> None:
    static = Path(__file__).resolve().parents[1] / "wirewatch" / "ui" / "static"
    for name in ("index.html", "app.js", "app.css"):
        text = (static / name).read_text()
        for scheme in ("http://", "https://", "//cdn"):
            hits = [ln for ln in text.splitlines() if scheme in ln and "w3.org/2000/svg" not in ln]
            assert not hits, (name, hits)


def test_command_logs_its_url_and_serves(tmp_path: Path) -> None:
    write_incidents(tmp_path / INCIDENTS_FILE, [incident(0)])
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wirewatch", "ui", "--from", str(tmp_path), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        for _ in range(10):  # log records (JSON) may come first
            line = proc.stderr.readline()
            if not line.startswith("{"):
                break
        assert line.startswith("wirewatch ui: serving http://127.0.0.1:")
        url = line.split()[3]
        status, _, body = get(url + "api/records")
        assert status == 200 and json.loads(body)["records"][0]["incident_id"] == "inc-000000"
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_command_errors_are_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res = subprocess.run(
            [sys.executable, "-m", "wirewatch", "ui", "--from", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    res = subprocess.run(
        [sys.executable, "-m", "wirewatch", "ui", "--from", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "no such directory" in res.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    for argv, expected in (
        (["ui"], "Error: give either --from DIR or --kafka"),
        (["ui", "--kafka", "--from", str(tmp_path)], "Error: give either --from DIR or --kafka"),
        (["ui", "--kafka"], "error: kafka.bootstrap_servers is not set"),
    ):
        res = subprocess.run(
            [sys.executable, "-m", "wirewatch", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )
        assert res.returncode == 2, (argv, res.stderr)
        assert "Traceback" not in res.stderr
        assert [ln for ln in res.stderr.splitlines() if ln.lower().startswith("error")] == [
            ln
            for ln in res.stderr.splitlines()
            if ln.strip() and not ln.startswith(("Usage", "Try"))
        ]
        assert expected in res.stderr, (argv, res.stderr)

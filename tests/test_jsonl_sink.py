import json
import os
import signal
import subprocess
import sys
import time

from sinks.jsonl import JsonlSink, repair_torn_tail
from tests.factories import make_incident
from wirewatch.topics import Topics


def test_one_file_per_topic_and_valid_lines(tmp_path):
    sink = JsonlSink(tmp_path)
    sink.setup()
    for i in range(10):
        sink.add(make_incident(i))
    sink.close()
    path = tmp_path / f"{Topics().incidents}.jsonl"
    lines = path.read_text().splitlines()
    assert [json.loads(x)["incident_id"] for x in lines] == [f"inc-{i:06d}" for i in range(10)]
    assert sink.stats.delivered == 10 and sink.stats.failed == 0


def test_torn_tail_is_moved_aside_before_appending(tmp_path):
    sink = JsonlSink(tmp_path)
    path = sink.path_for(Topics().incidents)
    good = make_incident(1).model_dump_json()
    path.write_text(good + "\n" + good[:40])  # a crash mid-line
    assert repair_torn_tail(path) == 40
    sink.setup()
    sink.add(make_incident(2))
    sink.close()
    lines = path.read_text().splitlines()
    assert [json.loads(x)["incident_id"] for x in lines] == ["inc-000001", "inc-000002"]
    assert (tmp_path / f"{path.name}.torn").read_text().strip() == good[:40]


WRITER = """
import sys
from pathlib import Path
from sinks.jsonl import JsonlSink
from tests.factories import make_incident
sink = JsonlSink(Path(sys.argv[1])); sink.setup()
i = 0
while True:
    sink.add(make_incident(i, text_size=5000)); i += 1
"""


def test_kill_9_mid_stream_leaves_only_whole_lines(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], env=env)
    path = tmp_path / f"{Topics().incidents}.jsonl"
    deadline = time.monotonic() + 30
    while (not path.exists() or path.stat().st_size < 2_000_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert path.stat().st_size >= 2_000_000
    repair_torn_tail(path)
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    ids = [json.loads(x)["incident_id"] for x in lines[:-1]]
    assert ids == [f"inc-{i:06d}" for i in range(len(ids))]

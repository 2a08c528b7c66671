"""A short, bounded run of the coverage-guided feed fuzzer (bench/fuzz_feeds.py) for CI.

About 10 seconds of libFuzzer in a subprocess; skipped with a message when atheris is not
installed. A crash fails the test and names the input libFuzzer saved.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "bench" / "fuzz_feeds.py"


@pytest.mark.slow
def test_feed_fuzzer_runs_clean_for_ten_seconds(tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed (pip install 'atheris>=2.3,<4'): fuzzing skipped")
    proc = subprocess.run(
        [sys.executable, str(TARGET), "-max_total_time=10", "-timeout=10", "-rss_limit_mb=2048"],
        cwd=tmp_path,  # crash-* files land here
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    crashes = sorted(p.name for p in tmp_path.glob("crash-*")) + sorted(
        p.name for p in tmp_path.glob("timeout-*")
    )
    tail = proc.stderr[-3000:]
    assert proc.returncode == 0 and not crashes, (proc.returncode, crashes, tail)
    done = re.search(r"Done (\d+) runs in", proc.stderr)
    assert done is not None, tail
    assert int(done.group(1)) > 0

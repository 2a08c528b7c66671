"""/metrics serves the standard process_* and python_* series, wirewatch_build_info, and the
consumer lag with its unit in its name."""

from __future__ import annotations

import asyncio
import platform
import sys

import httpx

from processors.rules import EXTRACTOR_VERSION
from processors.stage import ProcessStage
from wirewatch import __version__
from wirewatch.config import Settings
from wirewatch.metrics import REGISTRY, ConsumerLag, emit
from wirewatch.ops.server import OpsServer


def _metrics() -> str:
    with OpsServer("127.0.0.1", 0) as server:
        return httpx.get(f"{server.url}/metrics", timeout=10).text


def test_process_and_python_series_are_served():
    text = _metrics()
    assert "# TYPE python_gc_objects_collected_total counter" in text
    assert "python_info{" in text
    if sys.platform.startswith("linux"):  # the process collector reads /proc
        assert "\nprocess_resident_memory_bytes " in text
        assert "\nprocess_open_fds " in text


def test_every_metric_a_help_text_names_is_served():
    text = _metrics()
    words = {w.strip("(),.`'") for m in REGISTRY.collect() for w in m.documentation.split()}
    named = {w for w in words if w.startswith(("process_", "python_", "wirewatch_"))}
    assert named, "the HELP texts name no other series any more: this test checks nothing"
    for name in named:
        assert f"\n{name}" in text or text.startswith(name), name


def test_build_info_names_the_versions():
    text = _metrics()
    line = next(x for x in text.splitlines() if x.startswith("wirewatch_build_info{"))
    assert f'version="{__version__}"' in line
    assert f'python="{platform.python_version()}"' in line
    assert 'extractor_version="' in line and line.endswith(" 1.0")


def test_build_info_takes_the_extractor_of_the_process_stage():
    stage = ProcessStage(Settings())
    asyncio.run(stage.setup())
    sample = REGISTRY.get_sample_value(
        "wirewatch_build_info",
        {
            "version": __version__,
            "extractor_version": EXTRACTOR_VERSION,
            "python": platform.python_version(),
        },
    )
    assert sample == 1.0


def test_consumer_lag_has_its_unit_in_its_name():
    emit(ConsumerLag("fetch", "wirewatch.entries.v1", 2, 5))
    text = _metrics()
    assert "# TYPE wirewatch_consumer_lag_records gauge" in text
    assert "wirewatch_consumer_lag{" not in text

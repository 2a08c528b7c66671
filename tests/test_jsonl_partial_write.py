"""The JSONL sink on a disk that fills mid-line: the fragment the disk took is cut back off at
once, so the lines written once there is room again follow whole lines only."""

from __future__ import annotations

import errno
import json
import os
from typing import Any

import pytest

import sinks.jsonl
from sinks.jsonl import JsonlSink
from tests.factories import make_incident
from wirewatch.topics import Topics


class _FillingDisk:
    """``os`` for the sink: the next write takes ``room`` bytes, the one after fails ENOSPC."""

    def __init__(self) -> None:
        self.room: int | None = None

    def write(self, fd: int, data: Any) -> int:
        if self.room is None:
            return os.write(fd, data)
        if self.room == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = os.write(fd, bytes(data[: self.room]))
        self.room -= n
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


def test_a_line_the_disk_took_only_part_of_is_cut_back(tmp_path, monkeypatch):
    disk = _FillingDisk()
    monkeypatch.setattr(sinks.jsonl, "os", disk)
    sink = JsonlSink(tmp_path)
    sink.setup()
    sink.add(make_incident(1))
    disk.room = 30  # full after 30 more bytes
    with pytest.raises(OSError) as failed:
        sink.add(make_incident(2))
    assert failed.value.errno == errno.ENOSPC
    disk.room = None  # space freed
    sink.add(make_incident(3))
    sink.close()
    path = tmp_path / f"{Topics().incidents}.jsonl"
    lines = path.read_text().splitlines()
    assert [json.loads(x)["incident_id"] for x in lines] == ["inc-000001", "inc-000003"]
    assert sink.stats.failed == 1 and sink.stats.delivered == 2
    assert not (tmp_path / f"{path.name}.torn").exists()

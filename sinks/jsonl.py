"""JSONL sink for the embedded default: one ``<topic>.jsonl`` file per topic.

Crash safety: every line is written by a single ``write(2)`` on an ``O_APPEND`` descriptor, so
lines of concurrent writers never interleave, and a process killed mid-write can at worst leave
one unterminated tail. Opening a file repairs such a tail (moves it to ``<topic>.jsonl.torn``)
before appending, so readers never see a torn line followed by good ones. A write that fails
part-way (a full disk takes what fits, then refuses) is cut back off the file at once and the
error raised, so the good lines written after the disk has room again follow whole lines only.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from sinks._base import DeliveryStats
from wirewatch.metrics import DeliveryResult, emit
from wirewatch.topics import Topics, record_value

__all__ = ["JsonlSink", "repair_torn_tail"]


def repair_torn_tail(path: Path) -> int:
    """Cut an unterminated last line off ``path``; returns the bytes moved to ``.torn``."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return 0
        # walk back to the last newline in bounded chunks
        pos = size
        chunk = 64 * 1024
        cut = 0
        while pos > 0:
            start = max(0, pos - chunk)
            fh.seek(start)
            buf = fh.read(pos - start)
            idx = buf.rfind(b"\n")
            if idx >= 0:
                cut = start + idx + 1
                break
            pos = start
        fh.seek(cut)
        tail = fh.read()
        with path.with_suffix(path.suffix + ".torn").open("ab") as torn:
            torn.write(tail + b"\n")
        fh.truncate(cut)
        return len(tail)


class JsonlSink:
    def __init__(
        self, directory: Path, *, topics: Topics | None = None, fsync: bool = False
    ) -> None:
        self.directory = Path(directory)
        self.topics = topics or Topics()
        self.fsync = fsync
        self.stats = DeliveryStats()
        self._fds: dict[str, int] = {}
        self._lock = threading.Lock()

    def setup(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, topic: str) -> Path:
        return self.directory / f"{topic}.jsonl"

    def _fd(self, topic: str) -> int:
        fd = self._fds.get(topic)
        if fd is None:
            path = self.path_for(topic)
            repair_torn_tail(path)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self._fds[topic] = fd
        return fd

    def add(
        self,
        record: BaseModel,
        *,
        source: str | None = None,
        topic: str | None = None,
        key: str | None = None,
        timestamp: datetime | None = None,  # a line has no record time
    ) -> None:
        topic = topic or self.topics.for_record(record)
        line = record_value(record) + b"\n"
        self.stats.bump("added")
        with self._lock:
            fd = self._fd(topic)
            before = os.fstat(fd).st_size
            view = memoryview(line)
            try:
                while view:  # a regular file takes it in one write; loop for a partial write
                    n = os.write(fd, view)
                    view = view[n:]
            except OSError:
                self.stats.bump("failed")
                emit(DeliveryResult("jsonl", topic, False))
                self._cut_back(topic, fd, before, len(line) - len(view))
                raise
        self.stats.bump("delivered")
        emit(DeliveryResult("jsonl", topic, True))

    def _cut_back(self, topic: str, fd: int, before: int, written: int) -> None:
        """Remove the part of a failed line that reached the file. Only when the file ends with
        it (no other writer appended since); otherwise the file is closed, and reopening it
        moves an unterminated tail to ``.torn``."""
        try:
            if written and os.fstat(fd).st_size == before + written:
                os.ftruncate(fd, before)
                written = 0
        except OSError:
            pass
        if written:
            os.close(fd)
            del self._fds[topic]

    def flush(self, timeout: float | None = None) -> None:
        if self.fsync:
            with self._lock:
                for fd in self._fds.values():
                    os.fsync(fd)

    def close(self) -> None:
        self.flush()
        with self._lock:
            for fd in self._fds.values():
                os.close(fd)
            self._fds.clear()

    def healthcheck(self) -> bool:
        return self.directory.is_dir() and os.access(self.directory, os.W_OK)

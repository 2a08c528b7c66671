"""The gazetteer's index cache shared by several versions of wirewatch on one host (blue/green
workers, a CI checkout beside a working tree): each keeps the index of its own sources, and a
build deletes only the indexes no process has loaded for a week, instead of every other one
(which made two versions rebuild theirs in turn, about a minute each)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from processors import build_gazetteer
from processors.gazetteer import Gazetteer

WEEK_AND_A_DAY = build_gazetteer.UNUSED_INDEX_S + 24 * 3600


def _index_file(directory: Path, digest: str, age_s: float) -> Path:
    path = directory / f"gazetteer-v{build_gazetteer.FORMAT}-{digest}.marshal"
    path.write_bytes(b"an index of other sources")
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_a_build_keeps_an_index_loaded_lately_and_deletes_one_unused_for_a_week(
    tmp_path: Path,
) -> None:
    in_use = _index_file(tmp_path, "0000000000000001", age_s=3600)
    unused = _index_file(tmp_path, "0000000000000002", age_s=WEEK_AND_A_DAY)
    unrelated = tmp_path / "kafka-4.3.1.tgz"
    unrelated.write_bytes(b"not an index")
    ours = build_gazetteer.write_index({"meta": {}}, tmp_path / "gazetteer-v2-ours.marshal")
    assert ours.exists() and in_use.exists() and unrelated.exists()
    assert not unused.exists()


def test_loading_an_index_stamps_it_in_use_so_another_versions_build_keeps_it(
    tmp_path: Path,
) -> None:
    """``Gazetteer.load`` stamps the index it loads: an index last built a month ago but loaded
    now by a running worker survives a build of other sources."""
    built = build_gazetteer.index_path()
    if not built.exists():
        Gazetteer.load()  # builds it, as the first process of an install does
    copy = tmp_path / built.name
    shutil.copyfile(built, copy)
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(copy, (month_ago, month_ago))

    before = time.time()
    Gazetteer.load(copy, build=False)
    assert copy.stat().st_mtime >= before - 1

    assert build_gazetteer.prune_unused_indexes(tmp_path / "gazetteer-v2-newer.marshal") == []
    assert copy.exists()

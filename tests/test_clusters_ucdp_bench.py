"""bench/score_clusters_ucdp.py builds its labelled set from UCDP records as its docstring says
(shared headlines dropped, negatives of the same country within days, copies spread by
minutes), and bench_clusters.pair_scores counts pairs right. Synthetic records: no shared data
is read here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import bench_clusters  # noqa: E402
import score_clusters_ucdp as ucdp  # noqa: E402

from tests.test_clusters import incident  # noqa: E402
from wirewatch.contracts import Incident  # noqa: E402


def record(rid: str, day: str, country: str, *headlines: str) -> dict[str, Any]:
    return {
        "id": rid,
        "text": "\n".join(headlines),
        "published_at": day,
        "gold": {"country": country, "date_start": day},
        "meta": {"subset": "test"},
    }


def test_the_set_drops_shared_headlines_and_takes_negatives_of_the_country_within_days() -> None:
    records = [
        record("a", "2020-05-01", "Syria", "A one", "A two", "Round-up of A and B"),
        record("b", "2020-05-01", "Syria", "B one", "Round-up of A and B"),  # left with one
        record("c", "2020-05-03", "Syria", "C only"),  # 2 days after a: a negative
        record("d", "2020-05-11", "Syria", "D only"),  # 10 days after: not in the set
        record("e", "2020-05-01", "Mexico", "E only"),  # another country: not in the set
        record("f", "2020-05-01", "Syria", "Round-up of A and B"),  # nothing of its own left
    ]
    articles, stats = ucdp.build_set(records, days=3)
    assert [(a["event"], a["text"]) for a in articles] == [
        ("a", "A one"),
        ("b", "B one"),
        ("a", "A two"),  # the second copy of each record comes 7 minutes after the first
        ("c", "C only"),
    ]
    assert articles[0]["published_at"] == "2020-05-01T06:00:00+00:00"
    assert articles[2]["published_at"] == "2020-05-01T06:07:00+00:00"
    assert stats["headlines_shared_dropped"] == 3
    assert stats["events_with_several_reports"] == 1
    assert stats["several_left_with_one"] == 1
    assert stats["negative_records"] == 2  # b (left with one) and c


def test_pairs_are_counted_within_gold_and_predicted_events() -> None:
    """Three reports of g1 and one of g2, all one event to the clusterer: 6 predicted pairs,
    3 of them right; 3 gold pairs, all found."""
    texts = {"r1": "g1", "r2": "g1", "r3": "g1", "r4": "g2"}
    articles = [
        {"article_id": a, "event": e, "outlet": "x.test", "published_at": "2024-03-05", "text": a}
        for a, e in texts.items()
    ]

    def extract(a: dict) -> list[Incident]:
        n = int(a["article_id"][1:])
        return [incident(n, article=a["article_id"])]

    scores = bench_clusters.pair_scores(articles, extract=extract)
    assert (scores["gold_pairs"], scores["predicted_pairs"]) == (3, 6)
    assert (scores["pair_precision"], scores["pair_recall"]) == (0.5, 1.0)


def test_without_the_data_it_says_so_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ucdp, "DATA", tmp_path / "absent.jsonl.gz")
    assert ucdp.main(["--part", "dev"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_wrong_pairs_of_the_blind_part_are_never_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "present.jsonl.gz"
    data.write_bytes(b"")
    monkeypatch.setattr(ucdp, "DATA", data)
    assert ucdp.main(["--part", "blind", "--pairs"]) == 2
    assert "dev part only" in capsys.readouterr().out

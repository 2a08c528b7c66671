"""What ``wirewatch tail`` prints for humans: a count the record does not know is ``?``, never
``None``."""

from __future__ import annotations

from testkit.records import make_incident
from wirewatch.commands.kafka import _summary


def _incident_value(**changes: object) -> dict[str, object]:
    value = make_incident(1).model_dump(mode="json")
    value.update(changes)
    return value


def test_unknown_counts_are_printed_as_a_question_mark() -> None:
    line = _summary(_incident_value(fatalities=None, injured=None))
    assert "killed=? injured=?" in line
    assert "None" not in line


def test_known_counts_are_printed_as_they_are() -> None:
    line = _summary(_incident_value(fatalities=0, injured=12))
    assert "killed=0 injured=12" in line

"""Builders of valid contract records; they live in :mod:`wirewatch.testkit.records`, shared with
the benchmarks."""

from wirewatch.testkit.records import make_incident

__all__ = ["make_incident"]

"""Builders of valid contract records; they live in :mod:`testkit.records`, shared with
the benchmarks."""

from testkit.records import make_incident

__all__ = ["make_incident"]

"""Test and benchmark harness shared by ``tests/`` and ``bench/``: loopback HTTP servers and the
documents they serve (:mod:`~wirewatch.testkit.http`), valid contract records
(:mod:`~wirewatch.testkit.records`), and a full-pipeline harness of worker subprocesses
(:mod:`~wirewatch.testkit.pipeline`).

Nothing in ``wirewatch`` imports it, and it needs only the runtime dependencies (no pytest), so a
benchmark runs without the test suite on its path.
"""

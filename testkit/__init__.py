"""Test and benchmark harness shared by ``tests/`` and ``bench/``: loopback HTTP servers and the
documents they serve (:mod:`~testkit.http`), valid contract records (:mod:`~testkit.records`),
the CLI in a subprocess (:mod:`~testkit.cli`), and a full-pipeline harness of worker
subprocesses (:mod:`~testkit.pipeline`).

It sits beside the packages, not in them: it is not installed, nothing in ``wirewatch`` imports
it, and it may start subprocesses (worker harness), which the packages must not. It needs only
the runtime dependencies (no pytest); tests and benchmarks import it from the repository root.
"""

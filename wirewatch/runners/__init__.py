"""Runners: what runs the stages of the topology.

* :mod:`wirewatch.runners.embedded`: every stage in one process (``wirewatch run``), JSONL and
  SQLite, or a Kafka sink.
* :mod:`wirewatch.runners.kafka`: one stage per process (``wirewatch worker STAGE``) as a member
  of its consumer group, one transaction per hop.

Both run the same stage objects (:mod:`wirewatch.stage`); neither implements a stage.
"""

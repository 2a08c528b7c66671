"""A transactional request the broker never answers fails the transaction; the worker goes on.

kafka-python 3 waits for the answer to send_offsets_to_transaction / commit_transaction /
abort_transaction without a bound. In bench/chaos.py a request caught by the broker outage was
never answered after the broker came back, and both poll workers waited for ever: no feed was
polled again. The stand-in producer below waits the way kafka-python does.
"""

from __future__ import annotations

import threading
from typing import Any

from kafka import TopicPartition
from kafka.producer.transaction_manager import TransactionalRequestResult

from wirewatch.config import KafkaSettings, Settings
from wirewatch.runners.kafka import KafkaSourceRunner
from wirewatch.topology import TOPOLOGY


class _Coordinator:
    """The producer's transaction manager: the offsets request is never answered (lost in the
    outage); an abort is answered."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def send_offsets_to_transaction(self, offsets: Any, group: Any) -> TransactionalRequestResult:
        self.requests.append("offsets")
        return TransactionalRequestResult()  # never done

    def begin_commit(self) -> TransactionalRequestResult:
        self.requests.append("commit")
        return TransactionalRequestResult()  # never done

    def begin_abort(self) -> TransactionalRequestResult:
        self.requests.append("abort")
        answered = TransactionalRequestResult()
        answered.done()
        return answered


class _Sender:
    def wakeup(self) -> None:
        pass


class _Producer:
    """KafkaProducer's transactional calls as kafka-python 3 makes them (unbounded waits)."""

    def __init__(self) -> None:
        self._transaction_manager = _Coordinator()
        self._sender = _Sender()

    def begin_transaction(self) -> None:
        pass

    def send_offsets_to_transaction(self, offsets: Any, group: Any) -> None:
        self._transaction_manager.send_offsets_to_transaction(offsets, group).wait()

    def commit_transaction(self) -> None:
        self._transaction_manager.begin_commit().wait()

    def abort_transaction(self) -> None:
        self._transaction_manager.begin_abort().wait()


class _Consumer:
    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition("t.feeds.v1", 0)}

    def position(self, tp: TopicPartition) -> int:
        return 7

    def group_metadata(self) -> str:
        return "t.poll"


class _Polls:
    """A source stage with one finished poll each round."""

    name = "poll"
    state_kind = "feedstate"

    def __init__(self) -> None:
        self.partitions = {0}
        self.committed = 0
        self.aborted = 0

    async def run_due(self) -> list[str]:
        return ["a poll"]

    def emits(self, results: Any) -> list[Any]:
        return []

    def on_commit(self, results: Any) -> None:
        self.committed += 1

    def on_abort(self, results: Any) -> None:
        self.aborted += 1

    def busy(self) -> bool:
        return False


def test_an_unanswered_transactional_request_fails_the_round_instead_of_waiting_for_ever() -> None:
    settings = Settings(kafka=KafkaSettings(bootstrap_servers="127.0.0.1:9", max_block_ms=100))
    stage = _Polls()
    runner = KafkaSourceRunner(settings, TOPOLOGY.stage("poll"), stage)  # type: ignore[arg-type]
    producer = _Producer()
    runner.consumer = _Consumer()  # type: ignore[assignment]
    runner.producer = producer  # type: ignore[assignment]
    try:
        # a thread, so that the test reports a worker that waits for ever instead of hanging;
        # the join bound is a safety net far beyond max_block_ms, not the behaviour checked
        step = threading.Thread(target=runner.step, args=({},), daemon=True)
        step.start()
        step.join(120)
        assert not step.is_alive(), "the worker waits for ever for the broker's answer"
        assert producer._transaction_manager.requests == ["offsets", "abort"]
        assert (stage.committed, stage.aborted, runner.aborts) == (0, 1, 1)
    finally:
        runner.loop.close()

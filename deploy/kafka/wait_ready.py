#!/usr/bin/env python3
"""Block until the Kafka broker really accepts writes.

An open port is not enough: a fresh KRaft node needs to elect itself and
create partitions before a produce succeeds. So: create the topic
`wirewatch.healthcheck` if missing, produce one record with acks=all and wait
for its metadata, retrying until --timeout. Prints the bootstrap servers on
success; on failure exits 1 with the reason and the tail of the broker log.
Works with kafka-python >= 2.2 (only long-standing arguments are used).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time

TOPIC = "wirewatch.healthcheck"


def port_open(bootstrap: str) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
        return True
    except OSError:
        return False


def try_once(bootstrap: str) -> str:
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    # Short reconnect backoff: the default grows to seconds while the port is
    # still closed, which used to add ~5 s to every start.
    common = dict(
        bootstrap_servers=bootstrap,
        client_id="wirewatch-ready",
        request_timeout_ms=5000,
        reconnect_backoff_max_ms=500,
    )
    admin = KafkaAdminClient(**common)
    try:
        if TOPIC not in admin.list_topics():
            try:
                admin.create_topics([NewTopic(TOPIC, num_partitions=1, replication_factor=1)])
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()

    producer = KafkaProducer(acks="all", max_block_ms=5000, **common)
    try:
        md = producer.send(TOPIC, b"ready").get(timeout=10)
        return f"{md.topic}[{md.partition}]@{md.offset}"
    finally:
        producer.close(timeout=5)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def log_tail(path: str | None, n: int = 40) -> str:
    if not path or not os.path.exists(path):
        return "(no broker log)"
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 64 * 1024))
        lines = f.read().decode("utf-8", "replace").splitlines()
    return "\n".join(lines[-n:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--bootstrap", default=f"127.0.0.1:{os.environ.get('WIREWATCH_KAFKA_PORT', '9092')}"
    )
    ap.add_argument("--timeout", type=float, default=90.0, help="seconds (default 90)")
    ap.add_argument("--log", help="broker log to show on failure")
    ap.add_argument("--pid", type=int, help="broker pid: fail fast if it dies")
    args = ap.parse_args()

    try:
        import kafka  # noqa: F401
    except ImportError:
        print(
            "wait_ready: kafka-python is not installed (pip install 'kafka-python>=2.2')",
            file=sys.stderr,
        )
        return 2

    start = time.monotonic()
    deadline = start + args.timeout
    last = "no attempt made"
    while time.monotonic() < deadline:
        if args.pid and not pid_alive(args.pid):
            last = f"broker process {args.pid} exited"
            break
        # Cheap TCP probe first: building clients against a closed port is slow.
        if not port_open(args.bootstrap):
            last = "connection refused"
            time.sleep(0.2)
            continue
        try:
            where = try_once(args.bootstrap)
            print(
                f"kafka ready in {time.monotonic() - start:.1f}s (produced to {where})",
                file=sys.stderr,
            )
            print(args.bootstrap)
            return 0
        except Exception as exc:  # any client error just means "not yet"
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(1)

    waited = time.monotonic() - start
    print(
        f"wait_ready: kafka at {args.bootstrap} not ready after {waited:.0f}s: {last}",
        file=sys.stderr,
    )
    print(f"--- tail of {args.log or 'broker log'} ---\n{log_tail(args.log)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

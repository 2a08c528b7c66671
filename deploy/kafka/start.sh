#!/usr/bin/env bash
# Start a single-node Kafka (KRaft, broker+controller in one JVM) for local dev
# and tests, and return only once a produce with acks=all succeeds.
# Usage: start.sh [DATA_DIR]     (stop with stop.sh [--wipe] [DATA_DIR])
# The readiness check needs a Python with kafka-python: WIREWATCH_PYTHON, else the
# project's .venv, the active virtualenv, python3 on PATH (the first that imports it).
# A broker this script started and that does not become ready is stopped again.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="${1:-${WIREWATCH_KAFKA_DATA:-/tmp/wirewatch-kafka-data}}"
PORT="${WIREWATCH_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${WIREWATCH_KAFKA_CONTROLLER_PORT:-9093}"
AUTO_CREATE="${WIREWATCH_KAFKA_AUTO_CREATE_TOPICS:-false}"
HEAP="${WIREWATCH_KAFKA_HEAP:-512m}"
TIMEOUT="${WIREWATCH_KAFKA_READY_TIMEOUT:-90}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
BOOTSTRAP="127.0.0.1:$PORT"
PIDFILE="$DATA/broker.pid"
LOG="$DATA/broker.log"

# The first interpreter that can import kafka-python: checked before anything starts, so a
# missing client is one clear line instead of a broker left running.
find_python() {
  local root candidates=()
  root="$(cd "$HERE/../.." && pwd)"
  if [[ -n "${WIREWATCH_PYTHON:-}" ]]; then
    candidates=("$WIREWATCH_PYTHON")
  else
    candidates=("$root/.venv/bin/python" "${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python}" python3 python)
  fi
  for c in "${candidates[@]}"; do
    [[ -n "$c" ]] || continue
    if "$c" -c 'import kafka' >/dev/null 2>&1; then echo "$c"; return 0; fi
  done
  if [[ -n "${WIREWATCH_PYTHON:-}" ]]; then
    echo "WIREWATCH_PYTHON=$WIREWATCH_PYTHON cannot import kafka-python; install the project into it (pip install -e .)" >&2
  else
    echo "no Python with kafka-python found (tried $root/.venv, \$VIRTUAL_ENV, python3, python); set WIREWATCH_PYTHON" >&2
  fi
  return 1
}
PYTHON="$(find_python)" || exit 1

ready() { "$PYTHON" "$HERE/wait_ready.py" --bootstrap "$BOOTSTRAP" --timeout "$TIMEOUT" --log "$LOG" "$@"; }

# Already running from this data dir: just confirm it is ready.
if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "kafka already running (pid $(cat "$PIDFILE"))" >&2
  ready --pid "$(cat "$PIDFILE")"; exit
fi
rm -f "$PIDFILE"

# Refuse a busy port: otherwise the readiness check could pass against some
# other broker while ours dies on bind.
for p in "$PORT" "$CONTROLLER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p on 127.0.0.1 is already in use; set WIREWATCH_KAFKA_PORT / WIREWATCH_KAFKA_CONTROLLER_PORT" >&2
    exit 1
  fi
done

LIBS="$("$HERE/fetch.sh")"
mkdir -p "$DATA"
DATA="$(cd "$DATA" && pwd)"   # absolute: the broker must not depend on our cwd
PIDFILE="$DATA/broker.pid"; LOG="$DATA/broker.log"

# Rewritten on every start so env changes apply. Static quorum
# (controller.quorum.voters) rather than --standalone: the voter endpoint is
# then not baked into the metadata log, so the controller port can change.
cat >"$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/logs
num.partitions=3
auto.create.topics.enable=$AUTO_CREATE
# Single node: every internal topic must accept replication factor / ISR 1,
# or consumer groups and transactions never become available.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
PROPS

# Format once; meta.properties marks an already formatted log dir.
if [[ ! -f "$DATA/logs/meta.properties" ]]; then
  CLUSTER_ID="$("$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
  "$JAVA" -cp "$LIBS/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DATA/server.properties" >>"$LOG" 2>&1 \
    || { echo "storage format failed; see $LOG" >&2; tail -n 30 "$LOG" >&2; exit 1; }
fi

# nohup + own stdin so the broker outlives this script and the calling shell.
# WIREWATCH_KAFKA_JAVA_OPTS is split on spaces on purpose (several flags).
echo "starting kafka on $BOOTSTRAP (data $DATA, log $LOG)" >&2
# shellcheck disable=SC2086
nohup "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
  ${WIREWATCH_KAFKA_JAVA_OPTS:-} -cp "$LIBS/*" kafka.Kafka "$DATA/server.properties" \
  </dev/null >>"$LOG" 2>&1 &
PID=$!
echo "$PID" >"$PIDFILE"

# Not ready (or interrupted): stop the broker we started, so a failed start leaves nothing
# running; its log stays in $DATA for inspection.
cleanup() {
  echo "kafka did not become ready; stopping it (log: $LOG)" >&2
  bash "$HERE/stop.sh" "$DATA" >&2 || true
}
trap 'cleanup; exit 130' INT TERM
ready --pid "$PID" || { rc=$?; cleanup; exit "$rc"; }
trap - INT TERM

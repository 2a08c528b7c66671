#!/usr/bin/env bash
# Stop the broker started by start.sh: SIGTERM (clean shutdown, so the next
# start skips log recovery), up to WIREWATCH_KAFKA_STOP_TIMEOUT s (30), then
# SIGKILL. Safe when nothing runs.
# Usage: stop.sh [--wipe] [DATA_DIR]   --wipe also deletes the data dir.
set -euo pipefail
WIPE=0
if [[ "${1:-}" == "--wipe" ]]; then WIPE=1; shift; fi
DATA="${1:-${WIREWATCH_KAFKA_DATA:-/tmp/wirewatch-kafka-data}}"
PIDFILE="$DATA/broker.pid"
TIMEOUT="${WIREWATCH_KAFKA_STOP_TIMEOUT:-30}"

if [[ -f "$PIDFILE" ]]; then
  PID="$(cat "$PIDFILE")"
  # Only signal our broker: a stale pid file may point at a recycled pid.
  if kill -0 "$PID" 2>/dev/null && tr '\0' ' ' <"/proc/$PID/cmdline" | grep -q 'kafka\.Kafka'; then
    echo "stopping kafka (pid $PID)" >&2
    kill -TERM "$PID"
    for ((i = 0; i < TIMEOUT * 10; i++)); do
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$PID" 2>/dev/null; then
      echo "kafka did not exit in ${TIMEOUT}s; killing" >&2
      kill -KILL "$PID" 2>/dev/null || true
      # SIGKILL is asynchronous: wait so the ports are free when we return.
      for ((i = 0; i < 50; i++)); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    fi
  else
    echo "kafka not running (stale pid file)" >&2
  fi
  rm -f "$PIDFILE"
else
  echo "kafka not running" >&2
fi

if ((WIPE)); then
  # Guard against wiping something that is clearly not a broker data dir.
  if [[ -z "$DATA" || "$DATA" == "/" || ( -e "$DATA" && ! -f "$DATA/server.properties" && -n "$(ls -A "$DATA")" ) ]]; then
    echo "refusing to wipe $DATA: not a wirewatch kafka data dir" >&2; exit 1
  fi
  rm -rf "$DATA"
  echo "wiped $DATA" >&2
fi

#!/usr/bin/env bash
# The test command (README). Sets up .venv if needed, starts a real Kafka broker from
# deploy/kafka unless WIREWATCH_TEST_BOOTSTRAP already points at one, runs lint, types and
# the test suite, and stops the broker it started whatever happens.
# Extra arguments go to pytest (e.g. `bash tests/run.sh -k sink`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"

if [[ ! -x "$PY" ]] || ! "$PY" -c "import wirewatch, pytest, ruff" 2>/dev/null; then
  python3 -m venv .venv
  "$PY" -m pip install -q --upgrade pip
  "$PY" -m pip install -q -e '.[dev]'
fi

if [[ -z "${WIREWATCH_TEST_BOOTSTRAP:-}" ]]; then
  free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  export WIREWATCH_KAFKA_PORT="${WIREWATCH_KAFKA_PORT:-$(free_port)}"
  export WIREWATCH_KAFKA_CONTROLLER_PORT="${WIREWATCH_KAFKA_CONTROLLER_PORT:-$(free_port)}"
  export WIREWATCH_PYTHON="$PY"
  KAFKA_DATA="$(mktemp -d /tmp/wirewatch-test-kafka.XXXXXX)"
  trap 'bash "$ROOT/deploy/kafka/stop.sh" --wipe "$KAFKA_DATA" || true' EXIT
  bash deploy/kafka/start.sh "$KAFKA_DATA" >/dev/null
  export WIREWATCH_TEST_BOOTSTRAP="127.0.0.1:$WIREWATCH_KAFKA_PORT"
  export WIREWATCH_KAFKA_DATA="$KAFKA_DATA"
fi
echo "kafka for tests: $WIREWATCH_TEST_BOOTSTRAP"

# the gazetteer's prepared index is an install-time step (README): build it when this checkout's
# tables or packages have none yet, so no test spends its time limit building it on first use
"$PY" -c 'import sys; from processors.build_gazetteer import index_path; sys.exit(not index_path().exists())' \
  || "$PY" -m wirewatch gazetteer build --log-format text

"$PY" -m ruff check .
"$PY" -m ruff format --check .
"$PY" -m mypy
"$PY" -m pytest -q -p no:cacheprovider "$@"

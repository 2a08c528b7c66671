#!/usr/bin/env bash
# Fetch the Kafka broker jars (version pinned in pom.xml) from Maven into a
# cache outside the repo, and print the libs dir on stdout. Idempotent: a stamp
# holding the pom's hash marks a complete download, so reruns are instant and a
# pom edit (e.g. a log4j bump) triggers a refetch.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$HERE/pom.xml"
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
CACHE="${WIREWATCH_KAFKA_HOME:-$HOME/.cache/wirewatch/kafka-$VERSION}"
LIBS="$CACHE/libs"
STAMP="$CACHE/.fetched"
WANT="$(sha256sum "$POM" | cut -d' ' -f1)"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then
  echo "$LIBS"; exit 0
fi

echo "fetching Kafka $VERSION jars into $LIBS ..." >&2
mkdir -p "$CACHE"
# Copy into a temp dir then swap, so an interrupted fetch never looks complete.
TMP="$(mktemp -d "$CACHE/fetch.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
# stdout is reserved for the libs path; mvn's output is shown only on failure.
if ! mvn -q -B --no-transfer-progress -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$TMP/libs" -DincludeScope=runtime >"$TMP/mvn.log" 2>&1; then
  cat "$TMP/mvn.log" >&2; echo "fetch.sh: mvn failed" >&2; exit 1
fi
rm -rf "$LIBS"
mv "$TMP/libs" "$LIBS"
echo "$WANT" >"$STAMP"
echo "$LIBS"

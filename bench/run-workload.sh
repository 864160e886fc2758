#!/usr/bin/env bash
# End-to-end workload: builds Release, starts `runestone server` on 127.0.0.1:3100 with a fresh
# temporary data directory, pushes the generated workload, pushes its oldest 10% again (a retry;
# every line must be refused as a duplicate), times queries against grep, stops
# the server and prints bench/out/results.md.
#
#   bench/run-workload.sh                 # 1 GiB, 4 connections
#   BYTES=20MB CONNECTIONS=2 bench/run-workload.sh
#   KEEP_DATA=1 bench/run-workload.sh     # keep the temporary data directory for inspection
set -euo pipefail

cd "$(dirname "$0")/.."
BYTES="${BYTES:-1GB}"
CONNECTIONS="${CONNECTIONS:-4}"
OUT="${OUT:-bench/out}"
PORT="${PORT:-3100}"
# The chunk encoding under test (ingester.chunk_encoding): zstd-templates (default) or zstd, lz4, ...
CHUNK_ENCODING="${CHUNK_ENCODING:-zstd-templates}"
URL="http://127.0.0.1:${PORT}"

source bench/server-lib.sh
build_release
require_free "${URL}"

WORK="$(mktemp -d /tmp/runestone-workload.XXXXXX)"
DATA="${WORK}/data"
mkdir -p "${DATA}" "${OUT}"
# Limits that would throttle a benchmark are off; durability stays at its default (fsync always,
# group commit), so the numbers are for the configuration users run.
cat > "${WORK}/config.yaml" <<YAML
auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${PORT}
common:
  path_prefix: ${DATA}
ingester:
  chunk_encoding: ${CHUNK_ENCODING}
limits_config:
  ingestion_rate_mb: 0
  per_stream_rate_limit: 0
  query_timeout: 10m
YAML

trap stop_server_and_clean EXIT
start_server "${WORK}/config.yaml"

echo "== running workload (${BYTES}, ${CONNECTIONS} connections)"
status=0
dotnet "${BENCH}" workload \
  --url "${URL}" --bytes "${BYTES}" --connections "${CONNECTIONS}" --out "${OUT}" \
  --server-pid "${SERVER_PID}" --data-dir "${DATA}" || status=$?

echo "== results (${OUT}/results.md)"
cat "${OUT}/results.md" 2>/dev/null || true
exit "${status}"

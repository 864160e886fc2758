#!/usr/bin/env bash
# End-to-end workload: builds Release, starts `runestone server` on 127.0.0.1:3100 with a fresh
# temporary data directory, pushes the generated workload, times queries against grep, stops
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
URL="http://127.0.0.1:${PORT}"

echo "== building Release"
dotnet build -c Release src/Runestone -nologo -v quiet
dotnet build -c Release bench/Runestone.Bench -nologo -v quiet

if curl -s -o /dev/null "${URL}/ready"; then
  echo "something already answers on ${URL}; stop it first" >&2
  exit 1
fi

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
limits_config:
  ingestion_rate_mb: 0
  per_stream_rate_limit: 0
  query_timeout: 10m
YAML

SERVER_PID=""
cleanup() {
  if [[ -n "${SERVER_PID}" ]] && kill -0 "${SERVER_PID}" 2>/dev/null; then
    kill "${SERVER_PID}" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "${SERVER_PID}" 2>/dev/null || break; sleep 1; done
    kill -9 "${SERVER_PID}" 2>/dev/null || true
  fi
  if [[ -z "${KEEP_DATA:-}" ]]; then rm -rf "${WORK}"; else echo "data kept in ${WORK}"; fi
}
trap cleanup EXIT

echo "== starting runestone server (data in ${DATA})"
dotnet src/Runestone/bin/Release/net10.0/runestone.dll server -config.file="${WORK}/config.yaml" > "${OUT}/server.log" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 60); do
  if curl -sf -o /dev/null "${URL}/ready"; then ready=1; break; fi
  if ! kill -0 "${SERVER_PID}" 2>/dev/null; then break; fi
  sleep 1
done
if [[ -z "${ready}" ]]; then
  echo "server did not become ready within 60s; last lines of ${OUT}/server.log:" >&2
  tail -n 20 "${OUT}/server.log" >&2 || true
  exit 1
fi

echo "== running workload (${BYTES}, ${CONNECTIONS} connections)"
status=0
dotnet bench/Runestone.Bench/bin/Release/net10.0/Runestone.Bench.dll workload \
  --url "${URL}" --bytes "${BYTES}" --connections "${CONNECTIONS}" --out "${OUT}" \
  --server-pid "${SERVER_PID}" --data-dir "${DATA}" || status=$?

echo "== results (${OUT}/results.md)"
cat "${OUT}/results.md" 2>/dev/null || true
exit "${status}"

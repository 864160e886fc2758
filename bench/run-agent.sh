#!/usr/bin/env bash
# Agent benchmark: builds Release, generates a file of CRI-wrapped lines, starts `runestone server`
# on 127.0.0.1:${PORT} with a fresh temporary data directory and ingestion limits off, then lets
# `Runestone.Bench agentrun` start `runestone agent` (cri + regex + labels pipeline, default client
# settings) and time it until the server has acknowledged every entry; checks the count with
# LogQL, stops everything and prints ${OUT}/agent-results.md.
#
#   bench/run-agent.sh                          # 1 GiB
#   BYTES=100MB bench/run-agent.sh
#   PORT=3200 AGENT_PORT=3201 OUT=/tmp/out bench/run-agent.sh
#   KEEP_DATA=1 bench/run-agent.sh              # keep the temporary directory (file, data, configs)
set -euo pipefail

cd "$(dirname "$0")/.."
BYTES="${BYTES:-1GB}"
OUT="${OUT:-bench/out}"
PORT="${PORT:-3100}"
AGENT_PORT="${AGENT_PORT:-3101}"
URL="http://127.0.0.1:${PORT}"
AGENT_URL="http://127.0.0.1:${AGENT_PORT}"

source bench/server-lib.sh
build_release
# AOT=1: the agent under test is the Native AOT build of the same executable (publish_aot in
# server-lib.sh); otherwise the JIT build runs under `dotnet`.
if [[ -n "${AOT:-}" ]]; then
  publish_aot
  AGENT_CMD=("${RUNESTONE_AOT}")
else
  AGENT_CMD=(dotnet "${RUNESTONE}")
fi
require_free "${URL}" "${AGENT_URL}"

WORK="$(mktemp -d /tmp/runestone-agent.XXXXXX)"
DATA="${WORK}/data"
LOG="${WORK}/containers.log"
mkdir -p "${DATA}" "${OUT}"

trap stop_server_and_clean EXIT

echo "== generating ${BYTES} of CRI lines (${LOG})"
# Prints `lines=N partials=N entries=N bytes=N`.
counts="$(dotnet "${BENCH}" crifile --bytes "${BYTES}" --out "${LOG}")"
LINES="$(sed -n 's/.*lines=\([0-9]*\).*/\1/p' <<<"${counts}")"
ENTRIES="$(sed -n 's/.*entries=\([0-9]*\).*/\1/p' <<<"${counts}")"

# Limits that would throttle a benchmark are off (0 disables them); durability stays at its default.
cat > "${WORK}/server.yaml" <<YAML
auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${PORT}
common:
  path_prefix: ${DATA}
limits_config:
  ingestion_rate_mb: 0
  ingestion_burst_size_mb: 0
  per_stream_rate_limit: 0
  query_timeout: 10m
YAML

# A Promtail config: default client settings (batchsize 1 MiB, batchwait 1 s), the issue's pipeline.
cat > "${WORK}/agent.yaml" <<YAML
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${AGENT_PORT}
positions:
  filename: ${WORK}/positions.yaml
clients:
  - url: ${URL}/loki/api/v1/push
scrape_configs:
  - job_name: bench
    pipeline_stages:
      - cri: {}
      - regex:
          expression: '^level=(?P<level>\w+)'
      - labels:
          level:
    static_configs:
      - targets: [localhost]
        labels:
          job: bench
          __path__: ${LOG}
YAML

start_server "${WORK}/server.yaml"

echo "== running the agent (${LINES} lines, ${ENTRIES} entries expected)"
status=0
dotnet "${BENCH}" agentrun --file "${LOG}" --lines "${LINES}" --expected "${ENTRIES}" \
  --agent-metrics "${AGENT_URL}/metrics" --server "${URL}" --server-pid "${SERVER_PID}" --out "${OUT}" \
  -- "${AGENT_CMD[@]}" agent -config.file="${WORK}/agent.yaml" || status=$?

echo "== results (${OUT}/agent-results.md)"
cat "${OUT}/agent-results.md" 2>/dev/null || true
exit "${status}"

#!/usr/bin/env bash
# End-to-end check of the Native AOT build: publishes `runestone` with PublishAot, starts the AOT
# `runestone server` and the AOT `runestone agent` on loopback ports, and checks through the
# server's LogQL API and the agent's own endpoints that the agent's features work trimmed and
# compiled ahead of time: Promtail YAML, relabeling, the cri, json (JMESPath), regex, template,
# labels, timestamp and metrics stages on a real file, Kubernetes pod discovery (list and watch,
# against a fake API server), syslog, journal, loki_push_api, /metrics and /targets.
# Needs curl, jq, python3 and systemd-journal-remote (.ci/run installs the last two).
# Prints `aot-smoke: N passed, M failed` last; exits non-zero when anything failed.
#
#   tests/aot-smoke.sh                                # publish into bench/out/aot, then check
#   AOT_BIN=bench/out/aot/runestone tests/aot-smoke.sh   # check an existing binary
#   PORT_BASE=3290 tests/aot-smoke.sh                 # ports PORT_BASE .. PORT_BASE+4
set -euo pipefail
cd "$(dirname "$0")/.."

PORT_BASE="${PORT_BASE:-3190}"
SERVER_PORT=$((PORT_BASE)); AGENT_PORT=$((PORT_BASE + 1)); PUSH_PORT=$((PORT_BASE + 2))
SYSLOG_PORT=$((PORT_BASE + 3)); K8S_PORT=$((PORT_BASE + 4))
SERVER="http://127.0.0.1:${SERVER_PORT}"
AGENT="http://127.0.0.1:${AGENT_PORT}"
LINES=600

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1" >&2; }
finish() {
  echo "aot-smoke: ${passed} passed, ${failed} failed"
  [[ "${failed}" -eq 0 && "${passed}" -gt 0 ]]
}

for tool in curl jq python3; do
  command -v "${tool}" >/dev/null || { echo "aot-smoke: ${tool} is required" >&2; fail "tool ${tool}"; finish; exit 1; }
done

if [[ -z "${AOT_BIN:-}" ]]; then
  echo "== publishing Native AOT (bench/out/aot)"
  if ! dotnet publish -c Release -r linux-x64 -p:PublishAot=true src/Runestone -o bench/out/aot -nologo -v quiet; then
    fail "dotnet publish -p:PublishAot=true"
    finish
    exit 1
  fi
  AOT_BIN=bench/out/aot/runestone
fi
pass "AOT binary ${AOT_BIN}"

for p in "${SERVER_PORT}" "${AGENT_PORT}" "${PUSH_PORT}" "${SYSLOG_PORT}" "${K8S_PORT}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null; then
    fail "port ${p} is in use (set PORT_BASE)"; finish; exit 1
  fi
done

WORK="$(mktemp -d /tmp/runestone-aot-smoke.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "${pid}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "${pid}" 2>/dev/null || true; done
  if [[ -z "${KEEP_DATA:-}" ]]; then rm -rf "${WORK}"; else echo "data kept in ${WORK}"; fi
}
trap cleanup EXIT

# --- input: a CRI file of JSON bodies whose own `ts` (not the CRI time) must become the entry time.
# Line i: level levels[i%3], method methods[i%2] (upper case; the template lowers it), path under
# areas[(i/2)%2], i%4+1 tags (JMESPath length()); timestamp base + i ms. One entry is split into a
# P and an F line that cri must join.
mkdir -p "${WORK}/logs" "${WORK}/pods/uid-smoke-1/web" "${WORK}/data"
base_ms=$(( $(date +%s) * 1000 - 600000 ))
python3 - "${WORK}/logs/app.log" "${WORK}/expected.tsv" "${base_ms}" "${LINES}" <<'PY'
import sys, datetime, collections
out, expected, base_ms, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
levels, methods, areas = ["info", "warn", "error"], ["GET", "POST"], ["api", "web"]
counts = collections.Counter()
cri_time = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
with open(out, "w") as f:
    for i in range(n):
        t = datetime.datetime.fromtimestamp((base_ms + i) / 1000, datetime.timezone.utc)
        ts = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(base_ms + i) % 1000:03d}000000Z"
        lvl, m, a, k = levels[i % 3], methods[i % 2], areas[(i // 2) % 2], i % 4 + 1
        tags = ",".join(f'"t{j}"' for j in range(k))
        body = f'{{"level":"{lvl}","req":{{"method":"{m}","path":"/{a}/item/{i}"}},"tags":[{tags}],"ts":"{ts}","msg":"smoke-{i}-end"}}'
        if i == 7:
            f.write(f"{cri_time} stdout P {body[:20]}\n{cri_time} stdout F {body[20:]}\n")
        else:
            f.write(f"{cri_time} stdout F {body}\n")
        counts[(lvl, m.lower(), a, str(k))] += 1
with open(expected, "w") as f:
    for (lvl, m, a, k), c in sorted(counts.items()):
        f.write(f"{lvl}\t{m}\t{a}\t{k}\t{c}\n")
PY
printf '%s stdout F pod line one\n%s stderr F pod line two\n' "$(date -u +%FT%T.000Z)" "$(date -u +%FT%T.000Z)" \
  > "${WORK}/pods/uid-smoke-1/web/0.log"
mkdir -p "${WORK}/pods/uid-smoke-2/api"
printf '%s stdout F watched pod line %d\n' "$(date -u +%FT%T.000Z)" 1 "$(date -u +%FT%T.000Z)" 2 "$(date -u +%FT%T.000Z)" 3 \
  > "${WORK}/pods/uid-smoke-2/api/0.log"

# --- a journal file with two entries, written by systemd-journal-remote from the export format.
journal_remote=""
for c in /usr/lib/systemd/systemd-journal-remote /lib/systemd/systemd-journal-remote; do
  [[ -x "${c}" ]] && journal_remote="${c}" && break
done
if [[ -z "${journal_remote}" ]]; then
  fail "systemd-journal-remote is not installed (apt-get install systemd-journal-remote; .ci/run does)"
else
  mkdir -p "${WORK}/journal"
  now_us="$(( $(date +%s%N) / 1000 ))"
  for n in 1 2; do
    printf '__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=0f5c5a1d3b3c4e1f9a8b7c6d5e4f3a2b\n_TRANSPORT=syslog\nSYSLOG_IDENTIFIER=smoke\nMESSAGE=journal smoke line %d\n\n' \
      "$(( now_us - 60000000 + n ))" "$(( 1000000 + n ))" "${n}"
  done | "${journal_remote}" --output="${WORK}/journal/smoke.journal" - 2>"${WORK}/journal-remote.log" \
    || fail "systemd-journal-remote: $(cat "${WORK}/journal-remote.log")"
fi

# --- a stand-in Kubernetes API server: one pod in the list; a watch adds a second pod, then stays open.
cat > "${WORK}/k8s.py" <<'PY'
import http.server, json, sys, time
pod = {"metadata": {"name": "web-0", "namespace": "shop", "uid": "uid-smoke-1", "resourceVersion": "10",
                    "labels": {"app": "web"}},
       "spec": {"nodeName": "node-a", "containers": [{"name": "web", "image": "nginx:1.25"}]},
       "status": {"phase": "Running", "podIP": "10.0.0.7",
                  "conditions": [{"type": "Ready", "status": "True"}],
                  "containerStatuses": [{"name": "web", "ready": True, "restartCount": 0, "image": "nginx:1.25",
                                         "imageID": "sha256:abc", "containerID": "containerd://1a2b"}]}}
pod2 = json.loads(json.dumps(pod))
pod2["metadata"].update(name="api-0", uid="uid-smoke-2", resourceVersion="11", labels={"app": "api"})
pod2["spec"]["containers"][0]["name"] = "api"; pod2["status"]["containerStatuses"][0]["name"] = "api"
body = json.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1234"}, "items": [pod]}).encode()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        if "watch=true" in self.path:
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
            ev = (json.dumps({"type": "ADDED", "object": dict(pod2, kind="Pod", apiVersion="v1")}) + "\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(ev), ev)); self.wfile.flush()
            time.sleep(30)
            self.wfile.write(b"0\r\n\r\n"); return
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "${WORK}/k8s.py" "${K8S_PORT}" &
PIDS+=($!)

cat > "${WORK}/server.yaml" <<YAML
auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${SERVER_PORT}
common:
  path_prefix: ${WORK}/data
YAML

cat > "${WORK}/agent.yaml" <<YAML
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${AGENT_PORT}
positions:
  filename: ${WORK}/positions.yaml
clients:
  - url: ${SERVER}/loki/api/v1/push
    batchwait: 100ms
target_config:
  sync_period: 500ms
scrape_configs:
  - job_name: files
    pipeline_stages:
      - cri: {}
      - json:
          expressions:
            level: level
            method: req.method
            path: req.path
            ts: ts
            ntags: length(tags)
      - regex:
          source: path
          expression: '^/(?P<area>[a-z]+)/'
      - template:
          source: method
          template: '{{ ToLower .Value }}'
      - labels:
          level:
          method:
          area:
          ntags:
      - timestamp:
          source: ts
          format: RFC3339Nano
      - metrics:
          smoke_lines_total:
            type: Counter
            description: lines through the smoke pipeline
            config:
              match_all: true
              action: inc
          smoke_tags:
            type: Histogram
            source: ntags
            config:
              buckets: [1, 2, 3]
    static_configs:
      - targets: [localhost]
        labels:
          job: aot-smoke
          __path__: ${WORK}/logs/*.log
    relabel_configs:
      - source_labels: [__path__]
        regex: '.*/logs/.*'
        target_label: source
        replacement: static
  - job_name: pods
    pipeline_stages:
      - cri: {}
    kubernetes_sd_configs:
      - role: pod
        api_server: http://127.0.0.1:${K8S_PORT}
    relabel_configs:
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_label_app]
        target_label: app
      - source_labels: [__meta_kubernetes_pod_container_name]
        target_label: container
      - source_labels: [__meta_kubernetes_pod_uid, __meta_kubernetes_pod_container_name]
        separator: /
        replacement: ${WORK}/pods/*\$1/*.log
        target_label: __path__
  - job_name: syslog
    syslog:
      listen_address: 127.0.0.1:${SYSLOG_PORT}
      labels:
        job: aot-syslog
    relabel_configs:
      - source_labels: [__syslog_message_app_name]
        target_label: syslog_app
  - job_name: journal
    journal:
      path: ${WORK}/journal
      max_age: 1h
      labels:
        job: aot-journal
  - job_name: push
    loki_push_api:
      server:
        http_listen_address: 127.0.0.1
        http_listen_port: ${PUSH_PORT}
      labels:
        pushed_via: agent
YAML

# wait_for URL SECONDS: until URL answers 2xx.
wait_for() {
  for _ in $(seq 1 $(( $2 * 10 ))); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  return 1
}

"${AOT_BIN}" server -config.file="${WORK}/server.yaml" > "${WORK}/server.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:${K8S_PORT}/api/v1/pods" 10 || { fail "the fake Kubernetes API did not start"; finish; exit 1; }
if wait_for "${SERVER}/ready" 30; then pass "AOT server ready"; else
  fail "AOT server did not become ready; last lines of its log:"; tail -n 20 "${WORK}/server.log" >&2; finish; exit 1
fi

"${AOT_BIN}" agent -config.file="${WORK}/agent.yaml" > "${WORK}/agent.log" 2>&1 &
AGENT_PID=$!
PIDS+=("${AGENT_PID}")
if wait_for "${AGENT}/ready" 30; then pass "AOT agent ready"; else
  fail "AOT agent did not become ready; last lines of its log:"; tail -n 20 "${WORK}/agent.log" >&2; finish; exit 1
fi
if grep -qi "warn\|error\|unhandled" "${WORK}/agent.log"; then
  fail "agent log has warnings or errors:"; cat "${WORK}/agent.log" >&2
else
  pass "agent started without warnings (Promtail YAML parsed)"
fi

# Syslog (octet-counted RFC 5424 over TCP) and a JSON push to the agent's loki_push_api.
msg='<14>1 2026-01-01T00:00:00Z host1 smokeapp 42 - - syslog smoke line'
if (exec 3<>"/dev/tcp/127.0.0.1/${SYSLOG_PORT}" && printf '%d %s' "${#msg}" "${msg}" >&3); then
  pass "syslog listener accepted a message"
else
  fail "syslog listener on ${SYSLOG_PORT}"
fi
now_ns="$(date +%s%N)"
code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "http://127.0.0.1:${PUSH_PORT}/loki/api/v1/push" \
  -d '{"streams":[{"stream":{"job":"aot-push"},"values":[["'"${now_ns}"'","pushed smoke line"]]}]}')"
if [[ "${code}" == 204 || "${code}" == 200 ]]; then pass "loki_push_api accepted a push (${code})"; else fail "loki_push_api push answered ${code}"; fi

# instant QUERY: the vector result as `labels<TAB>value` lines (labels as k=v,k=v sorted).
instant() {
  curl -sf -G "${SERVER}/loki/api/v1/query" --data-urlencode "query=$1" \
    | jq -r '.data.result[] | "\(.metric | to_entries | map("\(.key)=\(.value)") | join(","))\t\(.value[1])"' | sort
}

expected_rows="$(awk -F'\t' '{print "area=" $3 ",level=" $1 ",method=" $2 ",ntags=" $4 "\t" $5}' "${WORK}/expected.tsv" | sort)"
query='sum by (level, method, area, ntags) (count_over_time({job="aot-smoke", source="static"}[1h]))'
got=""
for _ in $(seq 1 60); do
  got="$(instant "${query}" || true)"
  [[ "${got}" == "${expected_rows}" ]] && break
  sleep 0.5
done
if [[ "${got}" == "${expected_rows}" ]]; then
  pass "all ${LINES} file lines arrived with level/method/area/ntags labels (json+JMESPath, regex, template, labels, relabeling)"
else
  fail "file lines by label: expected vs got:"; diff <(echo "${expected_rows}") <(echo "${got}") >&2 || true
fi

# timestamp stage: line 123's entry time is its JSON ts (base + 123 ms), not the CRI time.
want_ns="$(( (base_ms + 123) * 1000000 ))"
got_ns="$(curl -sf -G "${SERVER}/loki/api/v1/query_range" --data-urlencode 'query={job="aot-smoke"} |= "smoke-123-end"' \
  --data-urlencode "start=$(( (base_ms - 60000) * 1000000 ))" --data-urlencode "end=$(date +%s%N)" \
  | jq -r '.data.result[0].values[0][0] // empty' || true)"
if [[ "${got_ns}" == "${want_ns}" ]]; then pass "timestamp stage set the entry time from the JSON ts"; else fail "timestamp: want ${want_ns}, got '${got_ns}'"; fi

# cri joined the P + F pair of line 7 into one entry.
joined="$(curl -sf -G "${SERVER}/loki/api/v1/query_range" --data-urlencode 'query={job="aot-smoke"} |= "smoke-7-end"' \
  --data-urlencode "start=$(( (base_ms - 60000) * 1000000 ))" --data-urlencode "end=$(date +%s%N)" \
  | jq -r '.data.result[0].values[0][1] // empty' || true)"
if [[ "${joined}" == '{"level":"warn","req":{"method":"POST"'*'"msg":"smoke-7-end"}' ]]; then pass "cri joined a partial line"; else fail "cri partial line: got '${joined}'"; fi

# check_count NAME QUERY WANT: an instant query whose single value must equal WANT (retried while the agent ships).
check_count() {
  local got=""
  for _ in $(seq 1 60); do
    got="$(instant "$2" | cut -f2 || true)"
    [[ "${got}" == "$3" ]] && break
    sleep 0.5
  done
  if [[ "${got}" == "$3" ]]; then pass "$1"; else fail "$1: query $2 want $3, got '${got}'"; fi
}
check_count "Kubernetes pod discovery: both pod lines with namespace/app/container labels" \
  'sum(count_over_time({namespace="shop", app="web", container="web"}[1h]))' 2
check_count "Kubernetes watch: the pod added by a watch event was tailed" \
  'sum(count_over_time({namespace="shop", app="api", container="api"}[1h]))' 3
check_count "syslog line arrived with relabeled app name" 'sum(count_over_time({job="aot-syslog", syslog_app="smokeapp"}[1h]))' 1
check_count "journal entries arrived (libsystemd through LibraryImport)" 'sum(count_over_time({job="aot-journal"}[1h]))' 2
check_count "loki_push_api line arrived with the target's labels" 'sum(count_over_time({job="aot-push", pushed_via="agent"}[1h]))' 1

metrics="$(curl -sf "${AGENT}/metrics" || true)"
# One series per label set (the stage runs after `labels`); together they count every line.
counted="$(awk '/^promtail_custom_smoke_lines_total\{/ {s += $NF} END {print s + 0}' <<<"${metrics}")"
if [[ "${counted}" == "${LINES}" ]]; then
  pass "/metrics: the metrics stage counted ${LINES} lines"
else
  fail "/metrics: promtail_custom_smoke_lines_total series sum to ${counted}, want ${LINES}"
fi
if grep -qE '^promtail_custom_smoke_tags_bucket\{[^}]*le="2"[^}]*\} [0-9]+' <<<"${metrics}" \
   && grep -qE '^promtail_sent_entries_total\{[^}]*\} [1-9]' <<<"${metrics}"; then
  pass "/metrics: histogram stage and promtail_sent_entries_total"
else
  fail "/metrics: histogram buckets or promtail_sent_entries_total missing"
fi

targets="$(curl -sf "${AGENT}/targets" || true)"
if grep -q "${WORK}/logs/app.log" <<<"${targets}" && grep -q "uid-smoke-1" <<<"${targets}" && grep -q "syslog" <<<"${targets}"; then
  pass "/targets lists the file, the pod's file and the syslog target"
else
  fail "/targets does not list the expected targets"
fi

# A clean stop saves positions.
kill -TERM "${AGENT_PID}"
for _ in $(seq 1 100); do kill -0 "${AGENT_PID}" 2>/dev/null || break; sleep 0.1; done
if ! kill -0 "${AGENT_PID}" 2>/dev/null && grep -q "app.log" "${WORK}/positions.yaml" 2>/dev/null; then
  pass "agent stopped on SIGTERM and saved positions"
else
  fail "agent stop / positions file"
fi

if [[ "${failed}" -ne 0 ]]; then
  echo "--- agent log" >&2; tail -n 30 "${WORK}/agent.log" >&2
fi
finish

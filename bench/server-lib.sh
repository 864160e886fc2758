# Shared by the bench scripts (sourced, not run): build Release, start `runestone server` and wait
# until it is ready, stop it and remove the work directory on exit.
# The caller sets OUT, URL and WORK (and KEEP_DATA to keep WORK).

RUNESTONE=src/Runestone/bin/Release/net10.0/runestone.dll
BENCH=bench/Runestone.Bench/bin/Release/net10.0/Runestone.Bench.dll
SERVER_PID=""

build_release() {
  echo "== building Release"
  dotnet build -c Release src/Runestone -nologo -v quiet
  dotnet build -c Release bench/Runestone.Bench -nologo -v quiet
}

# Fails when something already answers on one of the given base URLs.
require_free() {
  for u in "$@"; do
    if curl -s -o /dev/null "${u}/ready"; then
      echo "something already answers on ${u}; stop it first (or change the port)" >&2
      exit 1
    fi
  done
}

RUNESTONE_AOT=bench/out/aot/runestone

# Native AOT build of the executable (linux-x64) into bench/out/aot.
publish_aot() {
  echo "== publishing Native AOT (bench/out/aot)"
  dotnet publish -c Release -r linux-x64 -p:PublishAot=true src/Runestone -o bench/out/aot -nologo -v quiet
}

stop_server_and_clean() {
  if [[ -n "${SERVER_PID}" ]] && kill -0 "${SERVER_PID}" 2>/dev/null; then
    kill "${SERVER_PID}" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "${SERVER_PID}" 2>/dev/null || break; sleep 1; done
    kill -9 "${SERVER_PID}" 2>/dev/null || true
  fi
  if [[ -z "${KEEP_DATA:-}" ]]; then rm -rf "${WORK}"; else echo "data kept in ${WORK}"; fi
}

# start_server CONFIG: runs the server with CONFIG (log in ${OUT}/server.log), waits up to 60 s for /ready.
start_server() {
  echo "== starting runestone server (config ${1})"
  dotnet "${RUNESTONE}" server -config.file="${1}" > "${OUT}/server.log" 2>&1 &
  SERVER_PID=$!
  local ready=""
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
}

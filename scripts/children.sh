# Sourced by the benchmark scripts: the children they start (name -> pid in PIDS), stopped one by one (`stop NAME`:
# SIGTERM, 10 s, then SIGKILL) or all at exit and on Ctrl-C. Needs a `log` function.
# shellcheck shell=bash
declare -A PIDS=()   # name -> pid of every child still running

cleanup() {
  local name pid
  for name in "${!PIDS[@]}"; do kill -TERM "${PIDS[$name]}" 2>/dev/null || true; done
  for name in "${!PIDS[@]}"; do
    pid="${PIDS[$name]}"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

stop() { # name
  local pid="${PIDS[$1]:-}"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PIDS[$1]"
}

#!/usr/bin/env bash
# Throughput and latency through the gateway vs straight to the upstream simulator, in one run.
#   scripts/bench-proxy.sh [CONNECTIONS] [DURATION]     (defaults: 100 15s; WARMUP=10s before each measured run)
# The gateway runs with admission off and no routes: this measures the proxy path itself.
set -euo pipefail
cd "$(dirname "$0")/.."
C="${1:-100}"; D="${2:-15s}"
SIM_PORT=19100; GW_PORT=18100
OUT="${OUT:-target/bench-proxy}"; mkdir -p "$OUT"
./levee --version >/dev/null   # builds the jar if needed

cleanup() { kill "${SIM_PID:-}" "${GW_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

LEVEE_JAVA_OPTS="-Xmx1g" ./levee upstream-sim --port "$SIM_PORT" --quota 0 >"$OUT/sim.log" 2>&1 & SIM_PID=$!
LEVEE_UPSTREAM_URL="http://127.0.0.1:$SIM_PORT" LEVEE_ADMISSION_ENABLED=false LEVEE_SERVER_HOST=127.0.0.1 LEVEE_ADMIN_PORT=0 \
  LEVEE_JAVA_OPTS="-Xmx1g" ./levee serve --port "$GW_PORT" >"$OUT/gateway.log" 2>&1 & GW_PID=$!
for port in "$SIM_PORT" "$GW_PORT"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/liveness" >/dev/null && break; sleep 0.2; done
done

run() { # name url
  echo "== $1: warm-up ${WARMUP:-10s} (JIT), not counted"
  LEVEE_JAVA_OPTS="-Xmx1g" ./levee loadtest --url "$2" --concurrency "$C" --duration "${WARMUP:-10s}" \
    --keys uniform:200 --mix browser=100 >/dev/null
  echo "== $1: $C connections, $D"
  LEVEE_JAVA_OPTS="-Xmx1g" ./levee loadtest --url "$2" --concurrency "$C" --duration "$D" \
    --keys uniform:200 --mix browser=100 --json "$OUT/$1.json"
}
run direct "http://127.0.0.1:$SIM_PORT"
run gateway "http://127.0.0.1:$GW_PORT"

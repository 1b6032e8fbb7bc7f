#!/usr/bin/env bash
# The admission acceptance scenario (issue 3): 10,000 concurrent clients, 10 % agents / 30 % active bettors /
# 60 % browsers, against an upstream slower than the gateway's limit can absorb, for DURATION (default 40s).
# Each part runs in its own JVM. A warm-up run at full scale (JIT, connection pools) comes first and is not
# counted: the figures are the difference of the gateway's Prometheus counters and wait histograms between the
# start and the end of the measured run. Prints the load report, the gateway's per-class admission figures over
# the measured run and a pass/fail line per acceptance criterion.
#   scripts/scenario-admission-10k.sh [DURATION] [CLIENTS]     (UPSTREAM_LATENCY=1000ms, WARMUP=20s)
# Capacity = admission.max-concurrent (1500) / upstream latency.
set -euo pipefail
cd "$(dirname "$0")/.."
D="${1:-40s}"; C="${2:-10000}"; LAT="${UPSTREAM_LATENCY:-1000ms}"; WARMUP="${WARMUP:-20s}"
SIM_PORT=19200; GW_PORT=18200; ADMIN_PORT=18201
OUT="${OUT:-target/scenario-admission-10k}"; mkdir -p "$OUT"
SECRET="levee-admission-10k-demo-secret-0123456789"
./levee --version >/dev/null   # builds the jar if needed

cleanup() { kill "${SIM_PID:-}" "${GW_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

LEVEE_JAVA_OPTS="-Xmx1g" ./levee upstream-sim --port "$SIM_PORT" --latency "$LAT" --jitter 50ms --quota 0 \
  >"$OUT/sim.log" 2>&1 & SIM_PID=$!
LEVEE_UPSTREAM_URL="http://127.0.0.1:$SIM_PORT" LEVEE_AUTH_JWT_HMAC_SECRET="$SECRET" LEVEE_JAVA_OPTS="-Xmx2g" \
  LEVEE_ADMIN_PORT="$ADMIN_PORT" \
  ./levee serve --config levee-app/src/main/resources/scenarios/admission-10k.yaml --port "$GW_PORT" \
  >"$OUT/gateway.log" 2>&1 & GW_PID=$!
for port in "$SIM_PORT" "$GW_PORT"; do
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/health/liveness" >/dev/null 2>&1 \
    || curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
done

echo "== warm-up: $C clients for $WARMUP (not counted)"
LEVEE_JAVA_OPTS="-Xmx2g" ./levee loadtest --scenario admission-10k --url "http://127.0.0.1:$GW_PORT" \
  --concurrency "$C" --duration "$WARMUP" --jwt-secret "$SECRET" --honour-retry-after >"$OUT/warmup.txt"
curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" >"$OUT/metrics-before.txt"
echo "== measured: $C clients for $D"
LEVEE_JAVA_OPTS="-Xmx2g" ./levee loadtest --scenario admission-10k --url "http://127.0.0.1:$GW_PORT" \
  --concurrency "$C" --duration "$D" --jwt-secret "$SECRET" --honour-retry-after --json "$OUT/load.json" &
LOAD_PID=$!
# steady-state goodput: the gateway's 2xx count between 10 s in and 10 s before the end (ramp-up and the
# drain of the last requests excluded)
secs="${D%s}"
sleep 10; date +%s.%N >"$OUT/steady-start.txt"; curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" >"$OUT/metrics-steady-start.txt"
sleep $((secs - 20)); date +%s.%N >"$OUT/steady-end.txt"; curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" >"$OUT/metrics-steady-end.txt"
wait "$LOAD_PID"
curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" >"$OUT/metrics-after.txt"
curl -s "http://127.0.0.1:$ADMIN_PORT/health/backpressure" >"$OUT/backpressure.json"

python3 - "$OUT" "$LAT" <<'PY'
import json, re, sys
out, lat = sys.argv[1], sys.argv[2]
latency_s = float(lat[:-2]) / 1000 if lat.endswith("ms") else float(lat[:-1])
load = json.load(open(f"{out}/load.json")); bp = json.load(open(f"{out}/backpressure.json"))
LINE = re.compile(r'^(levee_[a-z_]+)\{([^}]*)\} ([0-9.eE+-]+)$')
def scrape(path):
    series = {}
    for line in open(path):
        m = LINE.match(line.strip())
        if m:
            labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', m.group(2))))
            series[(m.group(1), labels)] = float(m.group(3))
    return series
before, after = scrape(f"{out}/metrics-before.txt"), scrape(f"{out}/metrics-after.txt")
def delta(name, **labels):
    want = set(labels.items())
    return sum(v - before.get(k, 0.0) for k, v in after.items() if k[0] == name and want <= set(k[1]))
def wait(cls):
    n = delta("levee_admission_wait_seconds_count", **{"class": cls})
    avg = delta("levee_admission_wait_seconds_sum", **{"class": cls}) / n * 1000 if n else 0.0
    buckets = sorted((float(dict(k[1])["le"]), v - before.get(k, 0.0)) for k, v in after.items()
                     if k[0] == "levee_admission_wait_seconds_bucket" and dict(k[1]).get("class") == cls
                     and dict(k[1])["le"] != "+Inf")
    p99 = next((le * 1000 for le, c in buckets if n and c >= 0.99 * n), float("inf"))
    return n, avg, p99
print("\ngateway admission per class over the measured run (difference of /metrics before and after):")
print(f'{"class":14} {"admitted":>9} {"queue_full":>10} {"pushed_out":>10} {"timeout":>8} {"avg wait ms":>12} {"p99 wait ms <=":>15}')
rows = {}
for cls in ("agent", "active_bettor", "browser"):
    n, avg, p99 = wait(cls)
    shed = {r: delta("levee_admission_shed_total", **{"class": cls, "reason": r}) for r in ("queue_full", "pushed_out", "timeout")}
    rows[cls] = (n, avg, p99, shed)
    print(f'{cls:14} {n:>9.0f} {shed["queue_full"]:>10.0f} {shed["pushed_out"]:>10.0f} {shed["timeout"]:>8.0f} {avg:>12.1f} {p99:>15.1f}')
capacity = bp["max_concurrent"] / latency_s
s0, s1 = scrape(f"{out}/metrics-steady-start.txt"), scrape(f"{out}/metrics-steady-end.txt")
t0, t1 = float(open(f"{out}/steady-start.txt").read()), float(open(f"{out}/steady-end.txt").read())
def ok_count(series):
    return sum(v for k, v in series.items() if k[0] == "levee_http_requests_seconds_count"
               and dict(k[1]).get("route") == "proxy" and dict(k[1]).get("status") == "2xx")
goodput = (ok_count(s1) - ok_count(s0)) / (t1 - t0)
whole = sum(v["2xx"] for v in load["classes"].values()) / load["elapsed_seconds"]
print(f"\ngoodput: {goodput:.0f} req/s 2xx at the gateway in steady state ({t1 - t0:.1f} s window);"
      f" {whole:.0f} req/s over the whole measured run including ramp-up and drain")
agent, bettor, browser = rows["agent"], rows["active_bettor"], rows["browser"]
checks = [
    ("zero agent requests shed", sum(agent[3].values()) == 0, f'{sum(agent[3].values()):.0f} shed'),
    ("browsers shed before bettors", sum(browser[3].values()) > 0 and bettor[3]["queue_full"] == 0 and bettor[3]["timeout"] == 0,
     f'browser {sum(browser[3].values()):.0f} shed; bettor queue_full {bettor[3]["queue_full"]:.0f}, timeout {bettor[3]["timeout"]:.0f}'),
    ("agent average wait < 1 s", agent[1] < 1000, f'{agent[1]:.1f} ms'),
    ("agent p99 wait < 1 s", agent[2] < 1000, f'<= {agent[2]:.1f} ms (histogram bucket bound)'),
    ("bettor average wait < 5 s", bettor[1] < 5000, f'{bettor[1]:.1f} ms'),
    ("goodput >= 95 % of capacity", goodput >= 0.95 * capacity,
     f'{goodput:.0f} req/s 2xx in steady state of {capacity:.0f} req/s capacity ({100 * goodput / capacity:.1f} %)'),
]
print("\nacceptance:")
for name, ok, detail in checks:
    print(f'  {"PASS" if ok else "FAIL"}  {name}: {detail}')
PY

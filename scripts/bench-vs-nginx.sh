#!/usr/bin/env bash
# Levee against nginx and HAProxy on this machine, the same upstream behind each (issue 15's measurement, repeatable).
#
#   scripts/bench-vs-nginx.sh                 # 3 interleaved rounds, about 15 minutes on 2 cores
#   SMOKE=1 scripts/bench-vs-nginx.sh         # everything at tiny durations, one round, under a minute
#
# What runs: a fast upstream (nginx serving a fixed 1 KB body from memory), then per round, one server at a time
# (so no server shares the CPU with another one's load): Levee (admission on, as shipped), Levee with admission
# off, nginx, HAProxy, and the upstream directly. Each one is started, timed to its first proxied 200, warmed up,
# measured with wrk (plain proxy at 64 and 256 connections, p99 at 64, cache hits on 10 hot keys), then held
# IDLE_CONNECTIONS idle keep-alive connections while its memory is read, and stopped. Ratios Levee/nginx and
# Levee/HAProxy are taken within each round, then the median over rounds is printed (docs/benchmarks.md explains
# how to read the table).
#
# Parameters (environment):
#   ROUNDS=3 DURATION=10s WARMUP=10s        rounds, length of each measured wrk run, warm-up before a server's runs
#   CONNECTIONS="64 256"                    plain-proxy connection counts (p99 is read at the first one)
#   CACHE_CONNECTIONS=64 THREADS=2          wrk connections for the cache run, wrk threads
#   IDLE_CONNECTIONS=10000                  idle keep-alive connections held for the memory reading
#   LEVEE_NO_ADMISSION=1                    also run Levee with admission off (0: skip it)
#   LEVEE_JAVA_OPTS=                        JVM options for Levee (default: none, as `./levee serve` runs)
#   BASE_PORT=19400                         fixed ports BASE_PORT+1.. on 127.0.0.1 (must be free)
#   OUT=target/bench-vs-nginx               where configs, logs, raw results and the table go
#   INSTALL=1                               apt-get install nginx, haproxy, wrk when missing (0: fail instead)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if [ "${SMOKE:-0}" = 1 ]; then
  : "${ROUNDS:=1}" "${DURATION:=1s}" "${WARMUP:=1s}" "${IDLE_CONNECTIONS:=300}"
fi
ROUNDS="${ROUNDS:-3}"; DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-10s}"
CONNECTIONS="${CONNECTIONS:-64 256}"; CACHE_CONNECTIONS="${CACHE_CONNECTIONS:-64}"; THREADS="${THREADS:-2}"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-10000}"; LEVEE_NO_ADMISSION="${LEVEE_NO_ADMISSION:-1}"
BASE_PORT="${BASE_PORT:-19400}"; INSTALL="${INSTALL:-1}"
OUT="${OUT:-target/bench-vs-nginx}"; mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
START_TIMEOUT_S="${START_TIMEOUT_S:-120}"

UPSTREAM_PORT=$((BASE_PORT + 1)); UPSTREAM_STATUS_PORT=$((BASE_PORT + 2))
LEVEE_PORT=$((BASE_PORT + 10)); NGINX_PORT=$((BASE_PORT + 20)); HAPROXY_PORT=$((BASE_PORT + 30))
RESULTS="$OUT/results.tsv"; TABLE="$OUT/table.txt"

die() { echo "bench-vs-nginx: $*" >&2; exit 1; }
log() { echo "bench-vs-nginx: $*" >&2; }

# ---------------------------------------------------------------------------------------------------- tools
need_tools() {
  local missing=() t
  for t in nginx haproxy wrk; do command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || missing+=("$t"); done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$INSTALL" = 1 ] || die "missing: ${missing[*]} (apt-get install ${missing[*]}, or run with INSTALL=1)"
    command -v apt-get >/dev/null 2>&1 || die "missing: ${missing[*]}, and no apt-get to install them"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    log "installing ${missing[*]} (apt-get)"
    $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >"$OUT/apt.log" 2>&1 \
      || die "apt-get install ${missing[*]} failed; see $OUT/apt.log"
  fi
  export PATH="$PATH:/usr/sbin"
  for t in nginx haproxy wrk python3 curl; do command -v "$t" >/dev/null 2>&1 || die "missing: $t"; done
}

# ------------------------------------------------------------------------------------------------ processes
# shellcheck source=scripts/children.sh
source scripts/children.sh # PIDS, cleanup at exit, stop NAME (the working directory is the repository root)

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

now_ms() { date +%s%3N; }

# Starts `name` with the command after it, in the foreground as our child, and waits for a 200 at URL: sets
# START_MS to the milliseconds from the start to that first 200 (not printed: a $(...) would lose the child's pid). A child that dies or never answers fails the run with its log.
start() { # name url port cmd...
  local name="$1" url="$2" port="$3"; shift 3
  port_free "$port" || die "port $port is in use (set BASE_PORT to move every port)"
  local t0; t0="$(now_ms)"
  "$@" >"$OUT/$name.log" 2>&1 &
  PIDS[$name]=$!
  local deadline=$((t0 + START_TIMEOUT_S * 1000))
  while :; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" = 200 ]; then
      START_MS=$(( $(now_ms) - t0 )); return 0
    fi
    kill -0 "${PIDS[$name]}" 2>/dev/null || { tail -20 "$OUT/$name.log" >&2; die "$name exited before answering"; }
    [ "$(now_ms)" -lt "$deadline" ] || { tail -20 "$OUT/$name.log" >&2; die "$name: no 200 at $url within ${START_TIMEOUT_S}s"; }
    sleep 0.01
  done
}

# ------------------------------------------------------------------------------------------------ configs
BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"   # the 1 KB body

write_configs() {
  local user=""; [ "$(id -u)" = 0 ] && user="user root;"   # workers read the cache dir under $OUT
  mkdir -p "$OUT/upstream" "$OUT/nginx/cache"
  # the upstream: a fixed 1 KB from memory, cacheable under /cached/; stub_status on its own port counts the
  # requests that reach it (how the cache runs show they were hits)
  cat >"$OUT/upstream/nginx.conf" <<EOF
$user
worker_processes auto;
worker_rlimit_nofile 30000;
pid $OUT/upstream/nginx.pid;
error_log $OUT/upstream/error.log warn;
daemon off;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $OUT/upstream/tmp; proxy_temp_path $OUT/upstream/tmp; fastcgi_temp_path $OUT/upstream/tmp;
  uwsgi_temp_path $OUT/upstream/tmp; scgi_temp_path $OUT/upstream/tmp;
  keepalive_requests 1000000;
  default_type text/plain;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT backlog=4096;
    location / { return 200 "$BODY"; }
    location /cached/ { add_header Cache-Control "public, max-age=300"; return 200 "$BODY"; }
  }
  server { listen 127.0.0.1:$UPSTREAM_STATUS_PORT; location / { stub_status; } }
}
EOF
  # nginx as the proxy: a pool of 200 kept-alive upstream connections (Levee's default upstream.max-connections),
  # proxy_cache on /cached/ honouring the upstream's Cache-Control, no access log (Levee writes none either)
  cat >"$OUT/nginx/nginx.conf" <<EOF
$user
worker_processes auto;
worker_rlimit_nofile 30000;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
daemon off;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx/tmp; proxy_temp_path $OUT/nginx/tmp; fastcgi_temp_path $OUT/nginx/tmp;
  uwsgi_temp_path $OUT/nginx/tmp; scgi_temp_path $OUT/nginx/tmp;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  proxy_cache_path $OUT/nginx/cache levels=1:2 keys_zone=bench:10m max_size=100m inactive=10m use_temp_path=off;
  upstream up { server 127.0.0.1:$UPSTREAM_PORT; keepalive 200; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location / { proxy_pass http://up; }
    location /cached/ {
      proxy_pass http://up;
      proxy_cache bench;
      proxy_cache_lock on;
      proxy_cache_use_stale updating;
      add_header X-Cache \$upstream_cache_status;
    }
  }
}
EOF
  mkdir -p "$OUT/haproxy"
  cat >"$OUT/haproxy/haproxy.cfg" <<EOF
global
  # HAProxy reserves 2 descriptors per connection (client and server side), and refuses to start when that
  # exceeds the limit (strict-limits); idle client connections hold no server side, so one each plus the pool
  # of 200 is what is used: start with the limit there is and a warning
  maxconn $((IDLE_CONNECTIONS + 1000))
  ulimit-n $(ulimit -n)
  no strict-limits
defaults
  mode http
  timeout connect 5s
  timeout client 75s
  timeout server 75s
  timeout http-keep-alive 75s
  option http-keep-alive
cache bench
  total-max-size 64
  max-object-size 100000
  max-age 300
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT
  use_backend be_cached if { path_beg /cached/ }
  default_backend be_plain
backend be_plain
  http-reuse always
  server up 127.0.0.1:$UPSTREAM_PORT maxconn 200
backend be_cached
  http-reuse always
  http-request cache-use bench
  http-response cache-store bench
  server up 127.0.0.1:$UPSTREAM_PORT maxconn 200
EOF
  # Levee as a production user would run it: the defaults (admission on, 200 upstream connections, the event
  # journal) plus a cached public route; an unmatched path is the plain proxy
  mkdir -p "$OUT/levee"
  cat >"$OUT/levee/levee.yaml" <<EOF
server: { host: 127.0.0.1, port: $LEVEE_PORT, drain-period: 0s, shutdown-grace: 1s }
upstream: { url: "http://127.0.0.1:$UPSTREAM_PORT" }
admin: { port: 0 }
routes:
  - path: /cached/
    public: true
    cache: { fresh: 300s, stale: 60s }
EOF
  cat >"$OUT/hot10.lua" <<'EOF'
-- the cache run: 10 hot keys in turn
local i = 0
request = function()
  i = (i + 1) % 10
  return wrk.format("GET", "/cached/k" .. i)
end
EOF
  write_idle_client
}

# Opens N keep-alive connections (one request each, answer read), holds them all, then reads the memory of the
# server's process tree (the pid and its children: nginx's workers) and prints "opened failed rss_kb pss_kb".
# Source addresses spread over 127.0.0.2-127.0.0.41 so the client never runs out of ephemeral ports.
write_idle_client() {
  cat >"$OUT/idle_conns.py" <<'EOF'
import asyncio, os, sys

port, n, root = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def tree(pid):
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open(f'/proc/{d}/stat') as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop(); out.append(p); todo.extend(kids.get(p, []))
    return out

def memory_kb(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open(f'/proc/{p}/status') as f:
                rss += next(int(l.split()[1]) for l in f if l.startswith('VmRSS:'))
            with open(f'/proc/{p}/smaps_rollup') as f:
                pss += next(int(l.split()[1]) for l in f if l.startswith('Pss:'))
        except (OSError, StopIteration):
            pass
    return rss, pss

async def one(i, sem, held):
    async with sem:
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(
                '127.0.0.1', port, local_addr=(f'127.0.0.{2 + i % 40}', 0)), 10)
            w.write(f'GET /idle/{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.encode())
            head = await asyncio.wait_for(r.readuntil(b'\r\n\r\n'), 10)
            length = 0
            for line in head.split(b'\r\n'):
                if line.lower().startswith(b'content-length:'):
                    length = int(line.split(b':')[1])
            await asyncio.wait_for(r.readexactly(length), 10)
            if not head.startswith(b'HTTP/1.1 200'):
                w.close(); return False
            held.append(w)
            return True
        except Exception:
            return False

async def main():
    sem, held = asyncio.Semaphore(256), []
    ok = await asyncio.gather(*(one(i, sem, held) for i in range(n)))
    await asyncio.sleep(2)   # let the server settle with every connection idle
    alive = sum(1 for w in held if not w.is_closing())
    rss, pss = memory_kb(tree(root))
    print(alive, n - alive, rss, pss)
    for w in held:
        w.close()

asyncio.run(main())
EOF
}

# ------------------------------------------------------------------------------------------------ measuring
record() { printf '%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$2" "$3" >>"$RESULTS"; } # server metric value

upstream_requests() { curl -s "http://127.0.0.1:$UPSTREAM_STATUS_PORT/" | awk 'NR==3 {print $3}'; }

# wrk's output -> "rps p99_ms errors" (errors: socket errors plus non-2xx/3xx answers)
wrk_run() { # name label connections url [wrk args...]
  local name="$1" label="$2" c="$3" url="$4"; shift 4
  local f="$OUT/wrk-r$ROUND-$name-$label.txt"
  wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency "$@" "$url" >"$f" 2>&1 || { cat "$f" >&2; die "wrk failed against $name"; }
  python3 - "$f" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', t).group(1))
m = re.search(r'^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$', t, re.M)
p99 = float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000, 'm': 60000}[m.group(2)] if m else float('nan')
err = sum(int(x) for x in re.findall(r'(?:connect|read|write|timeout) (\d+)', t))
n = re.search(r'Non-2xx or 3xx responses: (\d+)', t)
print(f'{rps:.0f} {p99:.3f} {err + (int(n.group(1)) if n else 0)}')
EOF
}

measure() { # name port
  local name="$1" port="$2" base="http://127.0.0.1:$2" c first=1 rps p99 err res
  wrk -t"$THREADS" -c"${CONNECTIONS%% *}" -d"$WARMUP" "$base/plain/warm" >/dev/null 2>&1 || true
  for c in $CONNECTIONS; do
    res="$(wrk_run "$name" "plain-c$c" "$c" "$base/plain/x")"; read -r rps p99 err <<<"$res"
    record "$name" "plain_c$c" "$rps"; record "$name" "errors_plain_c$c" "$err"
    if [ "$first" = 1 ]; then record "$name" "p99_ms_c$c" "$p99"; first=0; fi
  done
  if [ "$name" != direct ]; then
    curl -s -o /dev/null "$base/cached/k0"   # fill the cache before its warm-up
    wrk -t"$THREADS" -c"$CACHE_CONNECTIONS" -d"$WARMUP" -s "$OUT/hot10.lua" "$base" >/dev/null 2>&1 || true
    local before after
    before="$(upstream_requests)"
    res="$(wrk_run "$name" cache "$CACHE_CONNECTIONS" "$base" -s "$OUT/hot10.lua")"; read -r rps p99 err <<<"$res"
    after="$(upstream_requests)"
    record "$name" cache "$rps"; record "$name" errors_cache "$err"
    record "$name" cache_upstream_calls "$((after - before - 1))"   # minus this stub_status request itself
  fi
  local opened failed rss pss
  res="$(python3 "$OUT/idle_conns.py" "$port" "$IDLE_CONNECTIONS" "${PIDS[$name]:-${PIDS[upstream]}}")" \
    || die "the idle-connection client failed against $name"
  read -r opened failed rss pss <<<"$res"
  record "$name" idle_opened "$opened"; record "$name" idle_failed "$failed"
  record "$name" rss_mb_idle "$((rss / 1024))"; record "$name" pss_mb_idle "$((pss / 1024))"
}

run_levee() { # name admission(true|false)
  LEVEE_ADMISSION_ENABLED="$2" LEVEE_EVENTS_JOURNAL_DIR="$OUT/levee/journal-$1" \
    start "$1" "http://127.0.0.1:$LEVEE_PORT/plain/first" "$LEVEE_PORT" ./levee serve --config "$OUT/levee/levee.yaml"
  record "$1" first_200_ms "$START_MS"
  grep -m1 -o 'transport [a-z_]*' "$OUT/$1.log" >"$OUT/levee/transport-$1.txt" || true
  measure "$1" "$LEVEE_PORT"
  stop "$1"
}

run_nginx() {
  start nginx "http://127.0.0.1:$NGINX_PORT/plain/first" "$NGINX_PORT" nginx -e "$OUT/nginx/error.log" -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
  record nginx first_200_ms "$START_MS"
  measure nginx "$NGINX_PORT"
  stop nginx
  rm -rf "$OUT/nginx/cache"; mkdir -p "$OUT/nginx/cache"   # each round starts cold, as the others do
}

run_haproxy() {
  start haproxy "http://127.0.0.1:$HAPROXY_PORT/plain/first" "$HAPROXY_PORT" haproxy -db -f "$OUT/haproxy/haproxy.cfg"
  record haproxy first_200_ms "$START_MS"
  measure haproxy "$HAPROXY_PORT"
  stop haproxy
}

# ------------------------------------------------------------------------------------------------ main
need_tools
# 10k idle connections need as many descriptors in the server and in the client
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((IDLE_CONNECTIONS + 1000)) ] \
  || die "ulimit -n is $(ulimit -n) (hard $(ulimit -Hn)); IDLE_CONNECTIONS=$IDLE_CONNECTIONS needs $((IDLE_CONNECTIONS + 1000))"
./levee --version >/dev/null || die "cannot build or run ./levee"   # builds the jar first if sources changed
write_configs
: >"$RESULTS"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "output in $OUT; rounds=$ROUNDS duration=$DURATION warmup=$WARMUP connections='$CONNECTIONS' idle=$IDLE_CONNECTIONS"

mkdir -p "$OUT/upstream/tmp" "$OUT/nginx/tmp"
start upstream "http://127.0.0.1:$UPSTREAM_PORT/plain/first" "$UPSTREAM_PORT" \
  nginx -e "$OUT/upstream/error.log" -p "$OUT/upstream" -c "$OUT/upstream/nginx.conf"
log "upstream (nginx, static 1 KB) up in ${START_MS} ms on $UPSTREAM_PORT"

SERVERS="levee"; [ "$LEVEE_NO_ADMISSION" = 1 ] && SERVERS="$SERVERS levee-noadm"; SERVERS="$SERVERS nginx haproxy direct"
for ROUND in $(seq 1 "$ROUNDS"); do
  for s in $SERVERS; do
    log "round $ROUND/$ROUNDS: $s"
    case "$s" in
      levee) run_levee levee true ;;
      levee-noadm) run_levee levee-noadm false ;;
      nginx) run_nginx ;;
      haproxy) run_haproxy ;;
      direct) measure direct "$UPSTREAM_PORT" ;;   # the upstream itself: every proxy must stay below it
    esac
  done
done
stop upstream

python3 - "$RESULTS" "$SERVERS" "$CONNECTIONS" "$IDLE_CONNECTIONS" "$OUT" "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$ROUNDS" "$DURATION" <<'EOF' | tee "$TABLE"
import math, statistics, sys
from collections import defaultdict
path, servers, conns, idle, out, load0, load1, rounds, duration = sys.argv[1:]
servers, conns = servers.split(), conns.split()
v = defaultdict(dict)                       # (server, metric) -> {round: value}
for line in open(path):
    r, s, m, x = line.rstrip('\n').split('\t')
    v[(s, m)][int(r)] = float(x)

rows = [(f'plain_c{c}', f'plain proxy, {c} conn (req/s)', True) for c in conns]
rows += [(f'p99_ms_c{conns[0]}', f'p99 latency, {conns[0]} conn (ms)', False),
         ('cache', 'cache hits, 10 keys (req/s)', True),
         ('rss_mb_idle', f'RSS, {idle} idle keep-alive (MB)', False),
         ('first_200_ms', 'start to first proxied 200 (ms)', False)]

def fmt(x):
    return '-' if x is None or math.isnan(x) else (f'{x:.0f}' if abs(x) >= 100 else f'{x:.2f}' if abs(x) < 10 else f'{x:.1f}')

def cell(s, m):
    d = v.get((s, m))
    if not d:
        return '-'
    xs = list(d.values())
    return fmt(statistics.median(xs)) + (f' [{fmt(min(xs))}-{fmt(max(xs))}]' if len(xs) > 1 else '')

def ratio(a, b, m):
    da, db = v.get((a, m), {}), v.get((b, m), {})
    rs = [da[r] / db[r] for r in da if r in db and db[r]]
    if not rs:
        return '-'
    return f'{statistics.median(rs):.2f}x' + (f' [{min(rs):.2f}-{max(rs):.2f}]' if len(rs) > 1 else '')

cols = [s for s in servers]
head = ['metric'] + cols + ['levee/nginx', 'levee/haproxy'] + (['noadm/nginx'] if 'levee-noadm' in servers else [])
table = []
for m, label, _ in rows:
    line = [label] + [cell(s, m) for s in cols] + [ratio('levee', 'nginx', m), ratio('levee', 'haproxy', m)]
    if 'levee-noadm' in servers:
        line.append(ratio('levee-noadm', 'nginx', m))
    table.append(line)
w = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
print(f'Levee vs nginx vs HAProxy: median [min-max] over {rounds} round(s) of {duration}; ratios taken within each round')
print(f'load average before {load0}, after {load1}; raw results: {out}/results.tsv')
print('  '.join(h.ljust(w[i]) for i, h in enumerate(head)))
for r in table:
    print('  '.join(c.ljust(w[i]) for i, c in enumerate(r)))
print('req/s: higher is better; p99, RSS and start time: lower is better (a ratio below 1 is Levee ahead there)')
notes = []
for s in servers:
    for m, d in v.items():
        if m[0] == s and (m[1].startswith('errors_') or m[1] == 'idle_failed') and any(x > 0 for x in d.values()):
            notes.append(f'{s}: {m[1]} = {int(max(d.values()))} in a round (its req/s counts answers that were not 2xx)')
    d = v.get((s, 'cache_upstream_calls'), {})
    if d and max(d.values()) > 10:
        notes.append(f'{s}: {int(max(d.values()))} upstream calls during a cache run (not all hits)')
direct = v.get(('direct', f'plain_c{conns[0]}'), {})
for s in servers:
    for r, x in v.get((s, f'plain_c{conns[0]}'), {}).items():
        if s != 'direct' and r in direct and x > 0.9 * direct[r]:
            notes.append(f'round {r}: {s} is within 10% of the upstream itself: the upstream may be the limit')
for n in notes:
    print('WARNING ' + n)
EOF
for f in "$OUT"/levee/transport-*.txt; do [ -f "$f" ] && echo "$(basename "$f" .txt | sed 's/transport-//'): $(cat "$f")"; done

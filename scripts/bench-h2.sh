#!/usr/bin/env bash
# HTTP/2 against HTTP/1.1, and the cost of a TLS handshake, Levee against nginx on this machine, in one run.
#
#   scripts/bench-h2.sh                  # about 4 minutes on 2 cores
#   SMOKE=1 scripts/bench-h2.sh          # tiny request counts, under a minute
#
# What runs: an upstream (nginx serving a fixed 1 KB body from memory), then one proxy at a time (so none shares the
# CPU with another's load): Levee (`./levee serve`, admission off, TLS from a self-signed EC P-256 certificate made
# here with openssl) and nginx (proxy_pass with 200 kept-alive upstream connections, the same certificate). Each
# listens twice: TLS (h2 and HTTP/1.1 by ALPN) and cleartext (HTTP/1.1, and h2c by prior knowledge; nginx 1.22, as
# Debian 12 ships it, cannot serve both on one cleartext port, so it gets a third, h2c-only listener). Measured with
# h2load, per proxy:
#   h2 over TLS           h2load -c C -m M        (C connections, M concurrent streams each)
#   HTTP/1.1 over TLS     h2load --h1 -c C        (one request at a time per connection, kept alive)
#   h2c                   h2load -c C -m M        (cleartext, prior knowledge)
#   HTTP/1.1 cleartext    h2load --h1 -c C
#   TLS handshakes/s      h2load -c N -n N -m 1   (every request on a new connection: one full handshake each),
#                         and openssl s_time -new (full handshakes per second, no request)
# The table prints req/s for each (the median over ROUNDS) and Levee/nginx ratios.
#
# Parameters (environment):
#   ROUNDS=3 REQUESTS=200000 CONNECTIONS=64 STREAMS=10 HANDSHAKES=2000 S_TIME=10
#   THREADS=2                 h2load threads
#   BASE_PORT=19500           fixed ports BASE_PORT+1.. on 127.0.0.1 (must be free)
#   OUT=target/bench-h2       configs, logs, raw h2load output, results.tsv and table.txt
# Nothing is installed: without h2load or nginx the script says what is missing and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SMOKE:-0}" = 1 ]; then
  : "${ROUNDS:=1}" "${REQUESTS:=2000}" "${HANDSHAKES:=200}" "${S_TIME:=2}"
fi
ROUNDS="${ROUNDS:-3}"; REQUESTS="${REQUESTS:-200000}"; CONNECTIONS="${CONNECTIONS:-64}"; STREAMS="${STREAMS:-10}"
HANDSHAKES="${HANDSHAKES:-2000}"; S_TIME="${S_TIME:-10}"; THREADS="${THREADS:-2}"; BASE_PORT="${BASE_PORT:-19500}"
OUT="${OUT:-target/bench-h2}"; mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
UPSTREAM_PORT=$((BASE_PORT + 1))
LEVEE_TLS=$((BASE_PORT + 10)); LEVEE_CLEAR=$((BASE_PORT + 11)); LEVEE_ADMIN=$((BASE_PORT + 12))
NGINX_TLS=$((BASE_PORT + 20)); NGINX_CLEAR=$((BASE_PORT + 21)); NGINX_H2C=$((BASE_PORT + 22))
RESULTS="$OUT/results.tsv"; TABLE="$OUT/table.txt"

die() { echo "bench-h2: $*" >&2; exit 1; }
log() { echo "bench-h2: $*" >&2; }

export PATH="$PATH:/usr/sbin"
missing=()
for t in h2load nginx openssl curl python3; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]} (h2load is in the nghttp2-client package; this script installs nothing)"

# shellcheck source=scripts/children.sh
source scripts/children.sh # PIDS, cleanup at exit, stop NAME (the working directory is the repository root)

start() { # name url-that-must-answer-200 command...
  local name="$1" url="$2"; shift 2
  "$@" >"$OUT/$name.log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 1 1200); do
    if curl -sk -o /dev/null -w '%{http_code}' "$url" 2>/dev/null | grep -q 200; then return 0; fi
    kill -0 "${PIDS[$name]}" 2>/dev/null || die "$name exited; see $OUT/$name.log"
    sleep 0.1
  done
  die "$name did not answer $url within 120 s; see $OUT/$name.log"
}

for port in "$UPSTREAM_PORT" "$LEVEE_TLS" "$LEVEE_CLEAR" "$LEVEE_ADMIN" "$NGINX_TLS" "$NGINX_CLEAR" "$NGINX_H2C"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (BASE_PORT=...)"; fi
done

# ------------------------------------------------------------------------------------------------ configs
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$OUT/key.pem" \
  -out "$OUT/cert.pem" -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  >"$OUT/openssl.log" 2>&1 || die "openssl could not make a certificate; see $OUT/openssl.log"

NGINX_COMMON="worker_processes auto; daemon off; pid $OUT/PID; error_log $OUT/NAME-error.log warn;
events { worker_connections 16384; }"
mkdir -p "$OUT/upstream" "$OUT/nginx"
head -c 1024 /dev/zero | tr '\0' 'x' >"$OUT/upstream/body"
cat >"$OUT/upstream/nginx.conf" <<CONF
${NGINX_COMMON//NAME/upstream}
http {
  access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$UPSTREAM_PORT; location / { root $OUT/upstream; try_files /body =404; } }
}
CONF
sed -i "s|pid $OUT/PID|pid $OUT/upstream/nginx.pid|" "$OUT/upstream/nginx.conf"
cat >"$OUT/nginx/nginx.conf" <<CONF
${NGINX_COMMON//NAME/nginx}
http {
  access_log off; keepalive_requests 1000000; http2_max_concurrent_streams 100;
  upstream up { server 127.0.0.1:$UPSTREAM_PORT; keepalive 200; }
  server {
    listen 127.0.0.1:$NGINX_TLS ssl http2;
    ssl_certificate $OUT/cert.pem; ssl_certificate_key $OUT/key.pem; ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off; ssl_session_tickets off;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$NGINX_CLEAR;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$NGINX_H2C http2;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
sed -i "s|pid $OUT/PID|pid $OUT/nginx/nginx.pid|" "$OUT/nginx/nginx.conf"
mkdir -p "$OUT/levee"
levee_config() { # file port tls(yes|no)
  {
    echo "server: { host: 127.0.0.1, port: $2, drain-period: 0s, shutdown-grace: 1s"
    [ "$3" = yes ] && echo "  , tls: { cert-file: \"$OUT/cert.pem\", key-file: \"$OUT/key.pem\" }"
    echo "}"
    # C x M concurrent streams must fit the upstream client's in-flight bound (default 512: a 503 past it), as
    # nginx has none; the pool as large as nginx's kept-alive 200
    echo "upstream: { url: \"http://127.0.0.1:$UPSTREAM_PORT\", max-in-flight: 8192, max-connections: 200 }"
    echo "admission: { enabled: false }"
    echo "admin: { port: 0 }"
    echo "access-log: { enabled: false }"
  } >"$1"
}
levee_config "$OUT/levee/tls.yaml" "$LEVEE_TLS" yes
levee_config "$OUT/levee/clear.yaml" "$LEVEE_CLEAR" no

# ------------------------------------------------------------------------------------------------ measuring
: >"$RESULTS"
record() { echo -e "$1\t$2\t$3\t$4" >>"$RESULTS"; } # round server metric value

h2rate() { # round server metric h2load-args...
  local out="$OUT/raw-$2-${3//[^A-Za-z0-9]/_}-r$1.txt" round="$1" server="$2" metric="$3"; shift 3
  h2load -t "$THREADS" "$@" >"$out" 2>&1 || { log "h2load failed for $server $metric; see $out"; record "$round" "$server" "$metric" NaN; return; }
  local rate ok
  rate=$(grep -o 'finished in [^,]*, [0-9.]* req/s' "$out" | grep -o '[0-9.]* req/s' | cut -d' ' -f1)
  ok=$(grep -o '[0-9]* succeeded' "$out" | head -1 | cut -d' ' -f1)
  grep -q ' 0 failed, 0 errored' "$out" || log "$server $metric: failures or errors, see $out"
  record "$round" "$server" "$metric" "${rate:-NaN}"
  log "$server $metric: ${rate:-?} req/s ($ok succeeded)"
}

measure() { # round server tls-port clear-port [h2c-port, default: clear-port]
  local r="$1" s="$2" tls="https://127.0.0.1:$3/bench" clear="http://127.0.0.1:$4/bench"
  local h2c="http://127.0.0.1:${5:-$4}/bench"
  local warm=$((REQUESTS / 10))
  h2load -t "$THREADS" -n "$warm" -c "$CONNECTIONS" -m "$STREAMS" "$tls" >/dev/null 2>&1 || true   # JIT, caches
  h2load -t "$THREADS" -n "$warm" -c "$CONNECTIONS" --h1 "$clear" >/dev/null 2>&1 || true
  h2rate "$r" "$s" "h2 TLS (c$CONNECTIONS m$STREAMS)" -n "$REQUESTS" -c "$CONNECTIONS" -m "$STREAMS" "$tls"
  h2rate "$r" "$s" "HTTP/1.1 TLS (c$CONNECTIONS)" --h1 -n "$REQUESTS" -c "$CONNECTIONS" "$tls"
  h2rate "$r" "$s" "h2c (c$CONNECTIONS m$STREAMS)" -n "$REQUESTS" -c "$CONNECTIONS" -m "$STREAMS" "$h2c"
  h2rate "$r" "$s" "HTTP/1.1 cleartext (c$CONNECTIONS)" --h1 -n "$REQUESTS" -c "$CONNECTIONS" "$clear"
  h2rate "$r" "$s" "new TLS connection per request" -n "$HANDSHAKES" -c "$HANDSHAKES" -m 1 "$tls"
  local st="$OUT/raw-$s-s_time-r$r.txt"
  openssl s_time -connect "127.0.0.1:$3" -new -time "$S_TIME" >"$st" 2>&1 || true
  local hs
  hs=$(grep -o '[0-9.]* connections/user sec' "$st" | head -1 | cut -d' ' -f1)
  record "$r" "$s" "full handshakes/s (openssl s_time)" "${hs:-NaN}"
  log "$s handshakes: ${hs:-?}/s"
}

log "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT"
./levee --version >/dev/null || die "cannot build or run ./levee"
start upstream "http://127.0.0.1:$UPSTREAM_PORT/bench" nginx -c "$OUT/upstream/nginx.conf"
for r in $(seq 1 "$ROUNDS"); do
  LEVEE_EVENTS_JOURNAL_DIR="$OUT/levee/journal-tls" start levee-tls "https://127.0.0.1:$LEVEE_TLS/bench" \
    ./levee serve --config "$OUT/levee/tls.yaml"
  LEVEE_EVENTS_JOURNAL_DIR="$OUT/levee/journal-clear" start levee-clear "http://127.0.0.1:$LEVEE_CLEAR/bench" \
    ./levee serve --config "$OUT/levee/clear.yaml"
  measure "$r" levee "$LEVEE_TLS" "$LEVEE_CLEAR"
  stop levee-tls; stop levee-clear
  start nginx "https://127.0.0.1:$NGINX_TLS/bench" nginx -c "$OUT/nginx/nginx.conf"
  measure "$r" nginx "$NGINX_TLS" "$NGINX_CLEAR" "$NGINX_H2C"
  stop nginx
done

python3 - "$RESULTS" >"$TABLE" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(lambda: collections.defaultdict(dict))
order = []
for line in open(sys.argv[1]):
    r, s, m, v = line.rstrip('\n').split('\t')
    if m not in order:
        order.append(m)
    rows[m][s][r] = float(v)
def med(m, s):
    vals = [v for v in rows[m][s].values() if v == v]
    return statistics.median(vals) if vals else float('nan')
def ratio(m):
    rs = [rows[m]['levee'][k] / rows[m]['nginx'][k] for k in rows[m]['levee']
          if k in rows[m]['nginx'] and rows[m]['nginx'][k] > 0]
    return statistics.median(rs) if rs else float('nan')
print('| metric (req/s, median of rounds) | levee | nginx | levee/nginx |')
print('|---|---:|---:|---:|')
for m in order:
    print(f'| {m} | {med(m, "levee"):,.0f} | {med(m, "nginx"):,.0f} | {ratio(m):.2f} |')
PY
cat "$TABLE"

#!/usr/bin/env python3
"""SIGTERM with a slow sink: how many events answered 202 are never delivered.

usage: scripts/sigterm-events-lost.py JAR MODE   (MODE: before (a build without the journal) | nojournal | journal)
A slow sink (50 ms per event, 8 workers -> ~160/s) behind `levee serve`; 3000 events posted (202); SIGTERM;
for 'journal' a second gateway on the same journal directory is started with the same sink and left to deliver.
"""
import json, os, signal, socket, subprocess, sys, threading, time, urllib.request, tempfile
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

jar, mode = sys.argv[1], sys.argv[2]
delivered = []
lock = threading.Lock()

class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        time.sleep(0.05)
        with lock:
            delivered.append(json.loads(body)['id'])
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a): pass

sink = ThreadingHTTPServer(('127.0.0.1', 0), Sink)
threading.Thread(target=sink.serve_forever, daemon=True).start()

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

work = tempfile.mkdtemp(prefix='levee-measure-')
cfg = os.path.join(work, 'levee.yaml')
with open(cfg, 'w') as f:
    f.write(("server: { host: 127.0.0.1 }\n" if mode == 'before' else "server: { host: 127.0.0.1, drain-period: 1s }\n") + f"""
upstream: {{ url: "http://127.0.0.1:1" }}
events:
  sink: "http://127.0.0.1:{sink.server_port}/ingest"
  workers: 8
""" + ("" if mode == 'before' else "  journal: { enabled: false }\n" if mode == 'nojournal'
       else f"  journal: {{ dir: \"{work}/journal\" }}\n"))

def start():
    port = free_port()
    p = subprocess.Popen(['java', '-jar', jar, 'serve', '--config', cfg, '--port', str(port)], cwd=work,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f'http://127.0.0.1:{port}/health/readiness', timeout=2); return p, port
        except Exception:
            time.sleep(0.2)
    raise SystemExit('gateway did not start')

p, port = start()
accepted = set()
batch = json.dumps([{"type": "telemetry-data", "payload": {"i": i}} for i in range(100)]).encode()
for _ in range(30):
    req = urllib.request.Request(f'http://127.0.0.1:{port}/api/v1/events', data=batch, method='POST')
    with urllib.request.urlopen(req, timeout=10) as r:
        accepted.update(json.loads(r.read())['ids'])
t0 = time.time()
p.send_signal(signal.SIGTERM)
out, _ = p.communicate(timeout=120)
stopped = time.time() - t0
first_run = len(set(delivered) & accepted)
print(f'mode={mode} accepted(202)={len(accepted)} delivered before exit={first_run} '
      f'lost at exit={len(accepted) - first_run} exit after {stopped:.1f}s rc={p.returncode}')
for line in out.splitlines():
    if 'undelivered' in line or 'every accepted event' in line or 'did not finish' in line:
        print('  log:', line.strip()[:220])
if mode == 'journal':
    p2, port2 = start()
    deadline = time.time() + 120
    while time.time() < deadline and not accepted <= set(delivered):
        time.sleep(0.5)
    with lock:
        d = list(delivered)
    got = set(d) & accepted
    print(f'after restart: delivered={len(got)} of {len(accepted)}, never delivered={len(accepted - got)}, '
          f'duplicates={len(d) - len(set(d))}')
    p2.send_signal(signal.SIGTERM); p2.communicate(timeout=120)

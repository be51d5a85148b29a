"""Alertmanager webhook receiver for the lab: appends every POSTed payload, as one JSON line with
the time it arrived, to --out. GET /health answers "ok". Stdlib only; binds 127.0.0.1."""
from __future__ import annotations

import argparse
import http.server
import json
import threading
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"ok\n" if self.path == "/health" else b"not found\n"
            self.send_response(200 if self.path == "/health" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(n, 16 << 20))
            try:
                payload = json.loads(raw)
            except ValueError:
                self.send_response(400)
                self.end_headers()
                return
            line = json.dumps({"received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                               "path": self.path, "payload": payload}, sort_keys=True)
            with lock, open(args.out, "a") as f:
                f.write(line + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):  # quiet: the payload file is the record
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

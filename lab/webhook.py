"""Alertmanager webhook receiver for the lab: appends every POSTed payload, as one JSON line with
the time it arrived, to --out. GET /health answers "ok"; GET /runbooks/<name>.md serves the
repository's runbooks, which the lab's alert rules link (runbook_url), so a test can follow an
alert's link for real. Stdlib only; binds 127.0.0.1."""
from __future__ import annotations

import argparse
import http.server
import json
import pathlib
import re
import threading
import time


RUNBOOKS = pathlib.Path(__file__).resolve().parent.parent / "runbooks"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, ctype, body = 404, "text/plain", b"not found\n"
            if self.path == "/health":
                status, body = 200, b"ok\n"
            else:
                m = re.fullmatch(r"/runbooks/([a-z0-9_]+\.md)", self.path)  # names only: no traversal
                page = RUNBOOKS / m.group(1) if m else None
                if page is not None and page.is_file():
                    status, ctype, body = 200, "text/markdown; charset=utf-8", page.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
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

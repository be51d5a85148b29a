#!/usr/bin/env python3
"""sparkmedic-collect --from-alert on files, no servers (docs/alerts.md):
  - a real webhook payload (tests/data/alerts) plus a real driver log: the bundle targets the
    alert's window, holds alert/from-alert.json, and sparkmedic-analyze reports the alert with
    its runbook_url;
  - hostile or malformed payloads: exit 2, one line naming the file, nothing written, and no
    label value ever reaches a shell (a label that would run `touch` leaves no file).
Usage: check_from_alert_cli.py COLLECT ANALYZE"""
import json
import pathlib
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "alerts" / "webhook-v4-executor_lost.json"
# A real driver log (a lab drill run) to bundle beside the alert.
DRIVER_LOG = ROOT / "tests" / "data" / "logs" / "drills" / "driver_heap_oom" / "driver.log"


def main(collect: str, analyze: str) -> int:
    bad = []
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        # 1. the real payload, end to end
        out = d / "b.tar"
        log = DRIVER_LOG
        r = subprocess.run([collect, "--from-alert", str(REAL), "--driver-log", str(log), "--format", "tar",
                            "--out", str(out)], capture_output=True, text=True, timeout=120)
        print(r.stdout, r.stderr)
        if r.returncode != 0:
            bad.append(f"collect exit {r.returncode}")
        else:
            with tarfile.open(out) as t:
                names = t.getnames()
                man = json.load(t.extractfile(next(n for n in names if n.endswith("/manifest.json"))))
                if not any(n.endswith("/alert/from-alert.json") for n in names):
                    bad.append("alert/from-alert.json missing from the bundle")
            if man["window"]["start"] != "2026-12-05T21:58:18Z":
                bad.append(f"window start {man['window']['start']}, expected 30 min before startsAt")
            if man["target"].get("application_name") != "drill-executor_lost":
                bad.append(f"target {man['target']}")
            a = subprocess.run([analyze, str(out), "--json", "-q"], capture_output=True, text=True, timeout=120)
            diag = json.loads(a.stdout)
            alerts = diag.get("alerts") or [x for app in diag.get("applications", []) for x in app.get("alerts", [])]
            if not any(x.get("alertname") == "SparkExecutorsExitedUnexpectedly" and
                       x.get("runbook_url", "").endswith("/runbooks/executor_lost.md") for x in alerts):
                bad.append(f"the report does not show the alert with its runbook: {alerts}")
        # 2. hostile and malformed payloads
        real = json.loads(REAL.read_text())
        canary = d / "pwned"
        hostile = json.loads(json.dumps(real))
        hostile["alerts"][0]["labels"]["application_id"] = f"x$(touch {canary})"
        wrong_version = dict(real, version="3")
        cases = {"hostile.json": json.dumps(hostile), "version.json": json.dumps(wrong_version),
                 "garbage.json": "\x00\x01 not json", "big.json": "[" + " " * (5 << 20) + "]"}
        for name, text in cases.items():
            p = d / name
            p.write_text(text)
            target = d / f"out-{name}.tar"
            r = subprocess.run([collect, "--from-alert", str(p), "--driver-log", str(log), "--out", str(target)],
                               capture_output=True, text=True, timeout=60)
            lines = [x for x in r.stderr.splitlines() if x.strip() and not x.startswith("Run with")]
            print(f"{name}: exit {r.returncode}: {lines}")
            if r.returncode != 2:
                bad.append(f"{name}: exit {r.returncode}, expected 2")
            if len(lines) != 1 or str(p) not in lines[0]:
                bad.append(f"{name}: expected one line naming the file, got {lines}")
            if target.exists():
                bad.append(f"{name}: a bundle was written")
        if canary.exists():
            bad.append("a label value reached a shell")
    for b in bad:
        print("FAIL:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

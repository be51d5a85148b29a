"""Drill tests (ctest label "drill"): each runs one lab drill (lab/drills.py) against the real
lab and checks the REAL evidence in the bundle sparkmedic-collect wrote.

  test_drills.py up|down                       start / stop the lab (ctest fixture setup/cleanup)
  test_drills.py run NAME --collect BIN        run the drill; assert its bundle holds every
                                               expected signal, the app ended as planned and the
                                               bundle's manifest checks out
  test_drills.py diagnose NAME --analyze BIN   sparkmedic-analyze BUNDLE --json names the induced
                                               class as root_cause.failure_class (healthy: none)
  test_drills.py from-alert NAME ALERT --collect BIN --analyze BIN
                                               the webhook payload Alertmanager POSTed for ALERT
                                               during drill NAME is handed to
                                               `sparkmedic-collect --from-alert`; the bundle targets
                                               the drill's app and window, and the diagnosis names
                                               the class and shows the alert with its runbook_url

The lab lives in SPARKMEDIC_LAB_DIR (CMake points it into the build dir); bundles go to
SPARKMEDIC_DRILL_OUT. Outcomes only: no timing is asserted (durations are recorded in drill.json).
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "lab"))

import labcore  # noqa: E402
import drills  # noqa: E402
from drillkit import check_signals, collector_options, read_bundle_texts, run_drill  # noqa: E402


def out_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SPARKMEDIC_DRILL_OUT", labcore.lab_dir() / "drills"))


def fail(msg: str) -> int:
    print(f"FAIL: {msg}", flush=True)
    return 1


def cmd_run(name: str, collector: str) -> int:
    d = drills.DRILLS[name]
    lab = labcore.Lab()
    rec = run_drill(lab, d, out_dir(), collector)
    print(json.dumps({k: rec[k] for k in ("drill", "app_id", "app_exit_code", "duration_s",
                                          "bundle_bytes", "mechanism", "actions")}, indent=2))
    problems = []
    if not rec.get("bundle"):
        return fail(f"no bundle written; collector: {json.dumps(rec.get('collector'))[:2000]}")
    # The app ended as the drill planned.
    code = rec["app_exit_code"]
    if d.expect_app_exit == "success" and code != 0:
        problems.append(f"app exit {code}, expected success")
    if d.expect_app_exit == "failure" and code == 0:
        problems.append("app exit 0, expected a failure")
    if d.expect_app_exit == "killed" and code == 0:
        problems.append("app finished by itself, expected it stuck until the drill stopped it")
    # Every real signal is in the bundle.
    checks = check_signals(pathlib.Path(rec["bundle"]), d.signals, collector_options(collector))
    rec["signals_found"] = checks
    for c in checks:
        state = "found" if c["found_in"] else ("n/a" if c.get("not_applicable") else "MISSING")
        print(f"  {state} [{c['where']}] {c['signal']}"
              + (f"  <- {c['found_in']}" if c["found_in"] else "")
              + (f" ({c['not_applicable']})" if c.get("not_applicable") else ""))
        if not c["found_in"] and not c.get("not_applicable"):
            problems.append(f"signal missing from {c['where']}: {c['signal']}")
    # The manifest lists every file with its sha256 (the collector verified it; check it lists
    # the sources a drill always has).
    texts = read_bundle_texts(pathlib.Path(rec["bundle"]))
    manifest = json.loads(texts["manifest.json"])
    status = {s["name"]: s["status"] for s in manifest["sources"]}
    for src in ("eventlogs", "driver-logs"):
        if status.get(src) != "collected" and not (src == "eventlogs" and not d.has_eventlog):
            problems.append(f"source {src} is {status.get(src)}, expected collected")
    (out_dir() / name / "drill.json").write_text(json.dumps(rec, indent=2) + "\n")
    if problems:
        print("driver log tail:\n" + (out_dir() / name / "driver.log").read_text(errors="replace")[-3000:])
        return fail("; ".join(problems))
    print(f"{name}: ok ({rec['duration_s']} s, bundle {rec['bundle_bytes']} bytes)")
    return 0


def cmd_diagnose(name: str, analyzer: str) -> int:
    d = drills.DRILLS[name]
    rec_path = out_dir() / name / "drill.json"
    if not rec_path.exists():
        return fail(f"{rec_path} missing: run the drill first (ctest fixture drill_{name})")
    rec = json.loads(rec_path.read_text())
    p = subprocess.run([analyzer, rec["bundle"], "--json", "-q"], capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 1):
        return fail(f"sparkmedic-analyze exit {p.returncode}: {p.stderr[-1000:]}")
    diag = json.loads(p.stdout)
    wanted = set(rec.get("app_ids") or ([rec["app_id"]] if rec.get("app_id") else []))
    apps = [a for a in diag.get("applications", []) if a.get("app_id") in wanted] or diag.get("applications", [])
    if not apps:
        return fail("the diagnosis names no application")
    roots = [(a.get("app_id"), (a.get("root_cause") or {}).get("failure_class")) for a in apps]
    print(f"{name}: expected root cause {d.root_cause}, analyzer says {roots}")
    # A drill of several applications (driver_crash_loop: one per relaunch) is diagnosed when
    # one of them names the class; a healthy drill when none names any.
    ok = all(r is None for _, r in roots) if d.root_cause is None else any(r == d.root_cause for _, r in roots)
    if not ok:
        findings = [[f.get("failure_class") for f in a.get("findings", [])] for a in apps]
        return fail(f"root_cause.failure_class is {[r for _, r in roots]}, expected {d.root_cause} (findings: {findings})")
    return 0


def cmd_from_alert(name: str, alertname: str, collector: str, analyzer: str) -> int:
    d = drills.DRILLS[name]
    rec_path = out_dir() / name / "drill.json"
    if not rec_path.exists():
        return fail(f"{rec_path} missing: run the drill first (ctest fixture drill_{name})")
    rec = json.loads(rec_path.read_text())
    lab = labcore.Lab()
    # The newest firing payload for this alert and drill, as the lab's webhook recorded it.
    payload = None
    for line in lab.webhook_file.read_text().splitlines():
        p = json.loads(line)["payload"]
        for a in p.get("alerts", []):
            labels = a.get("labels", {})
            mine = labels.get("drill") == name or labels.get("application_id") == rec.get("app_id") or \
                labels.get("app_name") == f"drill-{name}" or labels.get("application_name") == f"drill-{name}"
            if labels.get("alertname") == alertname and a.get("status") == "firing" and mine:
                payload = p
    if payload is None:
        return fail(f"Alertmanager never POSTed a firing {alertname} for drill {name} to the lab's webhook")
    payload_path = out_dir() / name / f"webhook-{alertname}.json"
    payload_path.write_text(json.dumps(payload, indent=1) + "\n")
    bundle = out_dir() / name / f"from-alert-{alertname}.tar.zst"
    argv = [collector, "--from-alert", str(payload_path), "--out", str(bundle),
            "--history-server", lab.url("history"), "--prometheus", lab.url("prometheus"),
            "--alertmanager", lab.url("alertmanager"),
            "--worker-dir", str(lab.work_dir("worker-1")), "--worker-dir", str(lab.work_dir("worker-2"))]
    print("$", " ".join(argv))
    c = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    print(c.stdout[-3000:], c.stderr[-2000:])
    if c.returncode not in (0, 1):
        return fail(f"sparkmedic-collect --from-alert exit {c.returncode}")
    texts = read_bundle_texts(bundle)
    manifest = json.loads(texts["manifest.json"])
    ids = (manifest.get("target") or {}).get("application_ids") or []
    problems = []
    if ids != [rec.get("app_id")]:
        problems.append(f"bundle targets {ids}, not (only) the drill's application {rec.get('app_id')}")
    status = {s["name"]: s["status"] for s in manifest["sources"]}
    if status.get("alert") != "collected":
        problems.append(f"source alert is {status.get('alert')}")
    if status.get("history-server") != "collected":
        problems.append(f"source history-server is {status.get('history-server')}")
    p = subprocess.run([analyzer, str(bundle), "--json", "-q"], capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 1):
        return fail(f"sparkmedic-analyze exit {p.returncode}: {p.stderr[-1000:]}")
    diag = json.loads(p.stdout)
    roots = [(a.get("app_id"), (a.get("root_cause") or {}).get("failure_class")) for a in diag.get("applications", [])]
    print(f"diagnosis of the --from-alert bundle: {roots}")
    if not any(r == d.root_cause for _, r in roots):
        problems.append(f"root causes {roots}, expected {d.root_cause}")
    alerts = diag.get("alerts") or [x for a in diag.get("applications", []) for x in a.get("alerts", [])]
    hit = [a for a in alerts if a.get("alertname") == alertname]
    if not hit:
        problems.append(f"the report shows no {alertname} alert: {[a.get('alertname') for a in alerts]}")
    elif not (hit[0].get("runbook_url") or "").endswith(f"/runbooks/{d.root_cause}.md"):
        problems.append(f"{alertname} links {hit[0].get('runbook_url')!r}, not runbooks/{d.root_cause}.md")
    if problems:
        return fail("; ".join(problems))
    print(f"{name}: alert {alertname} -> bundle {bundle.name} ({bundle.stat().st_size} bytes) -> {d.root_cause}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "up":
        labcore.Lab().up()
        return 0
    if len(argv) >= 1 and argv[0] == "down":
        print("stopped:", labcore.Lab().down())
        return 0
    if len(argv) == 4 and argv[0] == "run" and argv[2] == "--collect":
        return cmd_run(argv[1], argv[3])
    if len(argv) == 4 and argv[0] == "diagnose" and argv[2] == "--analyze":
        return cmd_diagnose(argv[1], argv[3])
    if len(argv) == 7 and argv[0] == "from-alert" and argv[3] == "--collect" and argv[5] == "--analyze":
        return cmd_from_alert(argv[1], argv[2], argv[4], argv[6])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

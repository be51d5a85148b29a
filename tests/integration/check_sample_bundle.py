"""Checks one committed sample bundle (samples/bundles/<drill>.tar.zst, written by
scripts/make-samples.sh from a real lab drill) against its record (<drill>.drill.json):
`sparkmedic-analyze BUNDLE --json` must read it and name the record's expected_root_cause as
root_cause.failure_class of the drill's application (healthy: no root cause).

  check_sample_bundle.py ANALYZER samples/bundles/<drill>.drill.json
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys


def main(analyzer: str, record_path: str) -> int:
    rec_file = pathlib.Path(record_path)
    rec = json.loads(rec_file.read_text())
    bundle = rec_file.with_name(rec_file.name.replace(".drill.json", ".tar.zst"))
    p = subprocess.run([analyzer, str(bundle), "--json", "-q"], capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 1):
        print(f"FAIL: sparkmedic-analyze exit {p.returncode}: {p.stderr[-1500:]}")
        return 1
    diag = json.loads(p.stdout)
    apps = [a for a in diag.get("applications", []) if a.get("app_id") == rec.get("app_id")]
    if not apps:
        print(f"FAIL: no application {rec.get('app_id')} in the diagnosis "
              f"({[a.get('app_id') for a in diag.get('applications', [])]})")
        return 1
    root = apps[0].get("root_cause")
    got = root.get("failure_class") if root else None
    want = rec.get("expected_root_cause")
    print(f"{rec['drill']}: expected root cause {want}, analyzer says {got}")
    if got != want:
        print(f"FAIL: findings {[f.get('failure_class') for f in apps[0].get('findings', [])]}")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))

#!/usr/bin/env python3
"""`sparkmedic-analyze patterns scan` counts, per signature, the lines GNU grep counts with the
same expression: every signature expressible in POSIX ERE, over every real log committed under
tests/data/logs. Usage: check_patterns_scan.py ANALYZE"""
import json
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "bench"))
from bench_scan import to_ere  # noqa: E402


def main(analyze: str) -> int:
    logs = sorted(str(p) for p in (ROOT / "tests" / "data" / "logs").rglob("*")
                  if p.is_file() and p.suffix in (".log", ".out", ".txt") and p.stat().st_size > 0)
    r = subprocess.run([analyze, "patterns", "scan", "--json", *logs], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        print("FAIL: patterns scan:", r.stderr)
        return 1
    got = {(s["class"], s["signature"]): s["lines"] for s in json.loads(r.stdout)["signatures"]}
    bad, compared, total = [], 0, 0
    for p in sorted((ROOT / "patterns").glob("*.toml")):
        doc = tomllib.loads(p.read_text())
        for s in doc.get("signature", []):
            ere = to_ere(s["expr"])
            if ere is None or s.get("flags"):
                continue
            g = subprocess.run(["grep", "-c", "-E", "-h", "--", ere, *logs], capture_output=True, text=True)
            want = sum(int(x) for x in g.stdout.split())
            have = got[(doc["id"], s["name"])]
            compared += 1
            total += want
            if want != have:
                bad.append(f"{doc['id']}/{s['name']}: grep counts {want} lines, sparkmedic {have}")
    print(f"{compared} signatures compared over {len(logs)} logs, {total} matching lines")
    for b in bad:
        print("FAIL:", b)
    return 1 if bad or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

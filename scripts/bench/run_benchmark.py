#!/usr/bin/env python3
"""Event-log benchmark: sparkmedic-analyze against Spark's own History Server, same logs, one run.

Measures, for a >= 1 GB plain and a zstd event log (made by make_big_eventlog.py from a real
pyspark run):
  * sparkmedic-analyze summary: wall time, CPU time, MB/s (wall and per CPU-second), peak RSS
    (best of --repeat runs; /usr/bin/time -v);
  * the real History Server (pyspark's, SPARK_DAEMON_MEMORY as given): time from launch until
    /api/v1/applications/<id>/stages answers (it replays the whole log into its store first).
Prints a JSON document and a Markdown table for docs/benchmarks.md. Not a test: no thresholds.

Usage: run_benchmark.py [--analyze PATH] [--logs DIR] [--repeat 3] [--hs-memory 4g] [--skip-hs]
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import sparklab  # noqa: E402


def measure_analyze(binary, path, repeat):
    runs = []
    for _ in range(repeat):
        p = subprocess.run(["/usr/bin/time", "-v", binary, "summary", "-q", "--json", path],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(p.stderr[-2000:])
        t = p.stderr
        def num(pattern):
            return float(re.search(pattern, t).group(1))
        wall_m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
        wall = (int(wall_m.group(1) or 0) * 3600 + int(wall_m.group(2)) * 60 + float(wall_m.group(3)))
        runs.append({"wall_s": wall, "user_s": num(r"User time \(seconds\): ([\d.]+)"),
                     "sys_s": num(r"System time \(seconds\): ([\d.]+)"),
                     "max_rss_kb": int(num(r"Maximum resident set size \(kbytes\): (\d+)")),
                     "summary": json.loads(p.stdout)})
    best = min(runs, key=lambda r: r["wall_s"])
    app = best["summary"]["applications"][0]
    decoded = app["source"]["decoded_bytes"]
    return {"path": path, "on_disk_bytes": os.path.getsize(path), "decoded_bytes": decoded,
            "app_id": app["app_id"], "tasks": app["tasks"]["ended"],
            "wall_s": best["wall_s"], "cpu_s": round(best["user_s"] + best["sys_s"], 3),
            "mb_per_s_wall": round(decoded / best["wall_s"] / 1e6, 1),
            "mb_per_s_per_cpu_s": round(decoded / (best["user_s"] + best["sys_s"]) / 1e6, 1),
            "peak_rss_mb": round(max(r["max_rss_kb"] for r in runs) / 1024, 1),
            "runs_wall_s": [r["wall_s"] for r in runs]}


def measure_hs(path, app_id, memory, disk_store=False):
    """disk_store: set spark.history.store.path (a local disk store, what production History
    Servers use so that replayed UIs survive restarts; SPARK-27204 measured that setup)."""
    d = tempfile.mkdtemp(prefix="sm-bench-hs-")
    store = tempfile.mkdtemp(prefix="sm-bench-hs-store-") if disk_store else None
    try:
        os.link(path, os.path.join(d, os.path.basename(path)))
    except OSError:
        shutil.copy(path, d)
    os.environ["SPARK_DAEMON_MEMORY"] = memory
    conf = {"spark.history.store.path": store} if store else None
    try:
        return sparklab.time_history_server(d, app_id, conf=conf, timeout=3600)
    finally:
        shutil.rmtree(d, ignore_errors=True)
        if store:
            shutil.rmtree(store, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--analyze", default=str(ROOT / "build" / "release" / "analyzer" / "sparkmedic-analyze"))
    ap.add_argument("--logs", default=os.path.join(sparklab.cache_dir(), "bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--hs-memory", default="4g")
    ap.add_argument("--skip-hs", action="store_true")
    ap.add_argument("--hs-disk-store", action="store_true",
                    help="also time the History Server with spark.history.store.path (disk store)")
    a = ap.parse_args()
    logs = sorted(p for p in pathlib.Path(a.logs).iterdir() if p.is_file())
    plain = [p for p in logs if p.suffix == ""]
    if not plain:
        sys.exit(f"no benchmark logs in {a.logs}: run scripts/bench/make_big_eventlog.py {a.logs}")
    results = []
    for p in [plain[0], pathlib.Path(str(plain[0]) + ".zstd")]:
        if not p.exists():
            continue
        r = measure_analyze(a.analyze, str(p), a.repeat)
        if not a.skip_hs:
            hs = measure_hs(str(p), r["app_id"], a.hs_memory)
            r["history_server"] = hs
            r["speedup_vs_hs"] = round(hs["stages_ready_s"] / r["wall_s"], 1)
            if a.hs_disk_store:
                hsd = measure_hs(str(p), r["app_id"], a.hs_memory, disk_store=True)
                r["history_server_disk_store"] = hsd
                r["speedup_vs_hs_disk_store"] = round(hsd["stages_ready_s"] / r["wall_s"], 1)
        results.append(r)
        print(json.dumps(r), file=sys.stderr)
    print(json.dumps(results, indent=1))
    print("\n| log | size on disk | events | sparkmedic wall | MB/s (wall) | MB/s per CPU-s | peak RSS | "
          "History Server until /stages (in-memory store) | speed-up | (disk store) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        hs = r.get("history_server", {})
        hsd = r.get("history_server_disk_store", {})
        print(f"| {os.path.basename(r['path'])} | {r['on_disk_bytes'] / 1e6:,.0f} MB | {r['decoded_bytes'] / 1e6:,.0f} MB "
              f"| {r['wall_s']:.2f} s | {r['mb_per_s_wall']:,.0f} | {r['mb_per_s_per_cpu_s']:,.0f} | "
              f"{r['peak_rss_mb']:.0f} MB | {hs.get('stages_ready_s', '-')} s | {r.get('speedup_vs_hs', '-')}x "
              f"| {hsd.get('stages_ready_s', '-')} s | {r.get('speedup_vs_hs_disk_store', '-')}x |")


if __name__ == "__main__":
    main()

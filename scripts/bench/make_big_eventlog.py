#!/usr/bin/env python3
"""Builds >= 1 GB Spark event logs for the benchmark from a real pyspark run.

1. Runs a real Spark application (pyspark from PyPI, local[2]) with tens of thousands of tasks:
   a wide range() job, a shuffle with many partitions and a SQL aggregation, with event logging
   on (uncompressed, single file).
2. Replicates that run's job/stage/task/SQL events until the log reaches --size, renumbering job,
   stage, task and SQL execution ids and shifting every timestamp, so the result is one
   consistent application (what a long-running job with many stages looks like), not a file of
   duplicate ids.
3. Writes a zstd copy with the zstd CLI (what Spark 4 writes by default).

Usage: make_big_eventlog.py OUT_DIR [--size-gb 1.1] [--tasks 20000]
Prints the paths and sizes. Needs the venv from scripts/install-spark.sh.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HEADER_EVENTS = {
    "SparkListenerLogStart", "SparkListenerResourceProfileAdded", "SparkListenerEnvironmentUpdate",
    "SparkListenerApplicationStart", "SparkListenerExecutorAdded", "SparkListenerBlockManagerAdded",
}
TIME_KEYS = ("Submission Time", "Completion Time", "Launch Time", "Finish Time", "Timestamp", "time")


def run_spark(events_dir, tasks):
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("sparkmedic-benchmark")
             .config("spark.eventLog.enabled", "true")
             .config("spark.eventLog.dir", "file://" + events_dir)
             .config("spark.eventLog.compress", "false")
             .config("spark.eventLog.rolling.enabled", "false")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(max(200, tasks // 10)))
             .config("spark.sql.adaptive.enabled", "false")
             .getOrCreate())
    # Many short JVM-only tasks (no Python workers, so thousands of tasks per minute): a wide
    # scan, a shuffle with many partitions, and a second aggregation.
    df = spark.range(0, tasks * 100, 1, tasks // 2)
    df.groupBy((df.id % 997).alias("k")).count().collect()
    spark.range(0, tasks * 50, 1, tasks // 4).selectExpr("id % 10007 as k", "id").groupBy("k").sum("id").count()
    spark.stop()


def shift_ids(obj, off, key=None):
    """Renumbers ids and shifts times inside one event (in place)."""
    if isinstance(obj, dict):
        for k, v in list(obj.items()):
            if k == "Job ID" and isinstance(v, int):
                obj[k] = v + off["job"]
            elif k in ("Stage ID",) and isinstance(v, int):
                obj[k] = v + off["stage"]
            elif k in ("Stage IDs", "Parent IDs") and isinstance(v, list):
                obj[k] = [x + off["stage"] for x in v]
            elif k == "Task ID" and isinstance(v, int):
                obj[k] = v + off["task"]
            elif k in ("executionId", "rootExecutionId") and isinstance(v, int):
                obj[k] = v + off["sql"]
            elif k == "spark.sql.execution.id" and isinstance(v, str) and v.isdigit():
                obj[k] = str(int(v) + off["sql"])
            elif k in TIME_KEYS and isinstance(v, int) and v > 0:
                obj[k] = v + off["time"]
            elif k == "Getting Result Time" and isinstance(v, int) and v > 0:
                obj[k] = v + off["time"]
            else:
                shift_ids(v, off, k)
    elif isinstance(obj, list):
        for x in obj:
            shift_ids(x, off, key)


def replicate(src, dst, target_bytes):
    header, body, footer = [], [], []
    for line in open(src):
        ev = json.loads(line)
        name = ev.get("Event")
        if name in HEADER_EVENTS and not body:
            header.append(line)
        elif name == "SparkListenerApplicationEnd":
            footer.append(ev)
        else:
            body.append(ev)
    maxima = {"job": 0, "stage": 0, "task": 0, "sql": 0, "t0": None, "t1": 0}

    def scan(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "Job ID" and isinstance(v, int): maxima["job"] = max(maxima["job"], v)
                elif k == "Stage ID" and isinstance(v, int): maxima["stage"] = max(maxima["stage"], v)
                elif k == "Task ID" and isinstance(v, int): maxima["task"] = max(maxima["task"], v)
                elif k == "executionId" and isinstance(v, int): maxima["sql"] = max(maxima["sql"], v)
                elif k in TIME_KEYS and isinstance(v, int) and v > 0:
                    maxima["t0"] = v if maxima["t0"] is None else min(maxima["t0"], v)
                    maxima["t1"] = max(maxima["t1"], v)
                scan(v)
        elif isinstance(o, list):
            for x in o: scan(x)
    for ev in body: scan(ev)
    span = maxima["t1"] - maxima["t0"] + 1000
    written = 0
    copies = 0
    with open(dst, "w") as out:
        for line in header:
            out.write(line)
            written += len(line)
        while written < target_bytes:
            off = {"job": copies * (maxima["job"] + 1), "stage": copies * (maxima["stage"] + 1),
                   "task": copies * (maxima["task"] + 1), "sql": copies * (maxima["sql"] + 1),
                   "time": copies * span}
            for ev in body:
                e = json.loads(json.dumps(ev)) if copies else ev
                if copies:
                    shift_ids(e, off)
                s = json.dumps(e, separators=(",", ":")) + "\n"
                out.write(s)
                written += len(s)
            copies += 1
        for ev in footer:
            ev["Timestamp"] = ev["Timestamp"] + (copies - 1) * span
            s = json.dumps(ev, separators=(",", ":")) + "\n"
            out.write(s)
            written += len(s)
    return copies, written


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--size-gb", type=float, default=1.1)
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--source", help="use this real event log instead of running Spark")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    src = a.source
    if not src:
        events = tempfile.mkdtemp(prefix="sm-bench-events-")
        t = time.time()
        run_spark(events, a.tasks)
        src = glob.glob(os.path.join(events, "*"))[0]
        print(f"real run: {src} ({os.path.getsize(src):,} bytes) in {time.time() - t:.0f}s", file=sys.stderr)
    app_id = json.loads([l for l in open(src) if '"SparkListenerApplicationStart"' in l][0])["App ID"]
    plain = os.path.join(a.out_dir, app_id)
    copies, size = replicate(src, plain, int(a.size_gb * (1 << 30)))
    subprocess.run(["zstd", "-q", "-f", "-3", "-T2", plain, "-o", plain + ".zstd"], check=True)
    print(json.dumps({"source_run": src, "copies": copies, "plain": plain, "plain_bytes": size,
                      "zstd": plain + ".zstd", "zstd_bytes": os.path.getsize(plain + ".zstd")}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Re-asks a REAL Spark History Server about the committed generated event logs and compares its
answers with the committed ones (tests/data/eventlogs/generated/hs-answers/). Shows that the
recorded answers are a pure function of the committed log bytes, so unit tests may compare
against them without starting a server.

  python3 tests/integration/check_hs_answers.py             # Spark 4 fixtures, one HS
  python3 tests/integration/check_hs_answers.py --spark 35  # Spark 3.5 fixtures (venv35)
  python3 tests/integration/check_hs_answers.py --only codec-zstd,fail-fetch

Fields that depend on the file's modification time (which git does not keep) are not compared:
lastUpdated / lastUpdatedEpoch, and for applications still in progress the duration, the
endTime and the driver's totalDuration the HS derives from the current time. Exit status 0 when every answer matches.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import sys
import tarfile
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sparklab  # noqa: E402

GEN = HERE.parent / "data" / "eventlogs" / "generated"
MTIME_KEYS = {"lastUpdated", "lastUpdatedEpoch"}


def materialise(fx: dict, key: str, target: pathlib.Path) -> None:
    src = GEN / key
    if fx.get("packed"):
        with tarfile.open(src.parent / fx["packed"]) as tf:
            tf.extractall(target, filter="data")
        return
    for p in src.iterdir():
        (shutil.copytree if p.is_dir() else shutil.copy2)(p, target / p.name)


def scrub(obj, in_progress: bool):
    if isinstance(obj, dict):
        drop = set(MTIME_KEYS)
        if in_progress:
            # totalDuration: AppStatusStore.replaceExec gives the driver the app's run time
            # until "now" while the application has no end event.
            drop |= {"duration", "endTime", "endTimeEpoch", "totalDuration"}
        return {k: scrub(v, in_progress) for k, v in obj.items() if k not in drop}
    if isinstance(obj, list):
        return [scrub(v, in_progress) for v in obj]
    return obj


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'committed' if k in a else 'live'}"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spark", choices=["4", "35"], default="4")
    ap.add_argument("--only", help="comma-separated fixture names")
    args = ap.parse_args()
    python = sparklab.venv_python("venv35" if args.spark == "35" else "venv")
    home = sparklab.spark_home(python)
    version = sparklab.spark_version(home)
    manifest = json.loads((GEN / "MANIFEST.json").read_text())
    only = set(args.only.split(",")) if args.only else None
    chosen = {k: fx for k, fx in manifest["fixtures"].items()
              if k.startswith(f"spark-{version}/") and fx.get("hs_listed")
              and (only is None or k.split("/", 1)[1] in only)}
    # compacted copies share their source's app id: one server per group of distinct ids
    groups: list[dict] = []
    for k, fx in sorted(chosen.items()):
        for g in groups:
            if fx["app_id"] not in {f["app_id"] for f in g.values()}:
                g[k] = fx
                break
        else:
            groups.append({k: fx})
    failures = 0
    for group in groups:
        with tempfile.TemporaryDirectory(prefix="sparkmedic-hscheck-") as tmp:
            logdir = pathlib.Path(tmp)
            for k, fx in group.items():
                materialise(fx, k, logdir)
            with sparklab.HistoryServer(logdir, home) as hs:
                hs.wait_for_apps([fx["app_id"] for fx in group.values()], timeout=300)
                for k, fx in group.items():
                    app = fx["app_id"]
                    ans = GEN / fx["hs_answers"]
                    live = {"stages.json": hs.wait_for_stages(app),
                            "application.json": hs.application(app),
                            "jobs.json": hs.jobs(app),
                            "allexecutors.json": hs.all_executors(app)}
                    committed_ts = json.loads((ans / "taskSummary.json").read_text())
                    summaries = {}
                    for s in live["stages.json"]:
                        sk = f"{s['stageId']}.{s['attemptId']}"
                        try:
                            summaries[sk] = hs.task_summary(app, s["stageId"], s["attemptId"],
                                                            quantiles=committed_ts["quantiles"])
                        except sparklab.HttpError as e:
                            summaries[sk] = {"http_status": e.code, "body": e.body[:500]}
                    live["taskSummary.json"] = {"quantiles": committed_ts["quantiles"], "stages": summaries}
                    for name, got in live.items():
                        want = json.loads((ans / name).read_text())
                        d = first_difference(scrub(want, fx["in_progress"]), scrub(got, fx["in_progress"]))
                        if d:
                            failures += 1
                            print(f"DIFF {k} {name}: {d}")
                    print(f"{k}: compared", flush=True)
            print(f"HS timings: {json.dumps(hs.timings)}")
    print("OK" if not failures else f"{failures} answer(s) differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

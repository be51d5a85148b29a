"""Shared start-up for the drill applications (driver side only: nothing here is shipped to
executors). Each app calls session() first; it records the application id and UI address in the
file named by LAB_APPINFO so the drill runner can find the app's executors, its UI and its event
log, and say "phase NAME" into the same file when the runner must act at a known point."""
from __future__ import annotations

import json
import os
import sys
import time


def _write(info: dict) -> None:
    path = os.environ.get("LAB_APPINFO")
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f)
    os.replace(tmp, path)


_info: dict = {}


def session(builder_conf: dict | None = None):
    from pyspark.sql import SparkSession
    b = SparkSession.builder
    for k, v in (builder_conf or {}).items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    sc = spark.sparkContext
    _info.update({"app_id": sc.applicationId, "ui": sc.uiWebUrl, "pid": os.getpid(),
                  "master": sc.master, "spark_version": spark.version, "phase": "started",
                  "t": time.time()})
    _write(_info)
    print(f"labapp: application {sc.applicationId} started", file=sys.stderr, flush=True)
    return spark


def phase(name: str) -> None:
    """Tells the drill runner the driver reached a point (e.g. "map-done")."""
    _info.update({"phase": name, "t": time.time()})
    _write(_info)
    print(f"labapp: phase {name}", file=sys.stderr, flush=True)

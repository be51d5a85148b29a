#!/usr/bin/env python3
"""Generates the REAL Spark event-log fixtures under tests/data/eventlogs/generated/, and the real
History Server's REST answers for each of them. Nothing here is hand-written: every log is what a
pyspark app wrote with spark.eventLog.enabled=true, and every answer is what a real History Server
said about the committed log (see README.md for the provenance of each file).

Usage (from the repository root; needs scripts/install-spark.sh [--with-35] and Java 17):

  python tests/data/eventlogs/generated/make_fixtures.py             # everything, Spark 4
  python tests/data/eventlogs/generated/make_fixtures.py --spark 35  # the Spark 3.5 subset
  python tests/data/eventlogs/generated/make_fixtures.py --only codec-zstd,fail-sql
  python tests/data/eventlogs/generated/make_fixtures.py --hs-only   # re-record HS answers only
  python tests/data/eventlogs/generated/make_fixtures.py --check     # quick, no Spark needed

Any python with the stdlib runs it; Spark apps run under the venv's python (sparklab).
--check verifies, for every committed fixture, that its files are byte-identical to MANIFEST.json
(sha256), that uncompressed and zstd logs decode into JSON lines (only the last line of an
in-progress log may be cut, exactly as recorded), that lz4/lzf/snappy files start with the magic
their Spark codec writes, and that the HS answers named in MANIFEST.json exist and are JSON.

Layout:
  spark-<version>/<fixture>/...        the log exactly as Spark named it (local-<ms>[.codec][
                                       .inprogress], or eventlog_v2_<appId>/events_<n>_<appId>...)
  spark-<version>/<fixture>.tar.xz     (rolling-plain only) the same, tar'ed: > 20 MiB raw
  hs-answers/spark-<version>/<fixture>/  application.json jobs.json stages.json allexecutors.json
                                       taskSummary.json ({"<stage>.<attempt>": answer}) [logs.zip]
  MANIFEST.json                        per fixture: app id, settings, files + sha256, event counts
  hs-timing.json                       sparklab timings of every History Server run
"""
from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import json
import os
import pathlib
import shutil
import signal
import sys
import tarfile
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import sparklab  # noqa: E402

MANIFEST = HERE / "MANIFEST.json"
TIMING = HERE / "hs-timing.json"
ROLL_MIN = "10m"  # spark.eventLog.rolling.maxFileSize is validated: >= 10 MiB (config/package.scala)
QUANTILES = sparklab.DEFAULT_QUANTILES

# Spark codec magic numbers, for --check of the codecs python cannot decode without extra modules
MAGIC = {
    "lz4": b"LZ4Block",            # lz4-java LZ4BlockOutputStream
    "lzf": b"ZV",                  # compress-lzf chunk header
    "snappy": b"\x82SNAPPY\x00",   # snappy-java SnappyOutputStream header
    "zstd": b"\x28\xb5\x2f\xfd",   # zstd frame magic
}

# ------------------------------------------------------------------------------------------------
# Scenarios. Each runs in its own process (fresh driver JVM), writing into a fresh event log dir.
# ------------------------------------------------------------------------------------------------
SINGLE = {"spark.eventLog.rolling.enabled": "false"}
PLAIN = {"spark.eventLog.compress": "false"}


def codec(name):
    return {"spark.eventLog.compress": "true", "spark.eventLog.compression.codec": name}


ROLLING = {"spark.eventLog.rolling.enabled": "true", "spark.eventLog.rolling.maxFileSize": ROLL_MIN}

SCENARIOS = {
    # name: (master, conf, workload, description)
    "codec-none": ("local[2]", {**SINGLE, **PLAIN}, "small",
                   "single-file log, spark.eventLog.compress=false"),
    "codec-lz4": ("local[2]", {**SINGLE, **codec("lz4")}, "small", "single-file log, lz4 (lz4-java LZ4Block framing)"),
    "codec-lzf": ("local[2]", {**SINGLE, **codec("lzf")}, "small", "single-file log, lzf (compress-lzf)"),
    "codec-snappy": ("local[2]", {**SINGLE, **codec("snappy")}, "small", "single-file log, snappy (snappy-java stream)"),
    "codec-zstd": ("local[2]", {**SINGLE, **codec("zstd")}, "small", "single-file log, zstd (zstd-jni)"),
    "rolling-plain": ("local[2]", {**ROLLING, **PLAIN}, "rolling",
                      "rolling log at the minimum maxFileSize (10m), uncompressed, >= 3 event files; "
                      "committed as a .tar.xz because it is > 20 MiB raw"),
    "rolling-zstd": ("local[2]", {**ROLLING, **codec("zstd")}, "rolling",
                     "rolling log at the minimum maxFileSize (10m), zstd, >= 3 event files"),
    "rolling-small-zstd": ("local[2]", {**ROLLING, **codec("zstd")}, "small",
                           "rolling log of a small app: one events_1 file + appstatus, zstd"),
    "rolling-killed": ("local[2]", {**ROLLING, **codec("zstd")}, "killed",
                       "rolling zstd log of a driver killed with SIGKILL mid-stage: "
                       "appstatus_<id>.inprogress stays, events_1 ends in an unfinished zstd frame"),
    "inprogress-plain": ("local[2]", {**SINGLE, **PLAIN}, "killed",
                         "single-file log of a driver killed with SIGKILL mid-stage: <id>.inprogress, "
                         "last line may be cut"),
    "inprogress-zstd": ("local[2]", {**SINGLE, **codec("zstd")}, "killed",
                        "single-file zstd log of a driver killed with SIGKILL mid-stage: "
                        "<id>.zstd.inprogress, unfinished zstd frame"),
    "fail-task-retries": ("local[2,4]", {**SINGLE, **PLAIN}, "task_retries",
                          "local[2,4]: a task failing 2 times then succeeding; a task failing until "
                          "spark.task.maxFailures (4) is exhausted: job and stage failed"),
    "fail-executor-lost": ("local-cluster[2,1,1024]", {**SINGLE, **codec("zstd")}, "executor_lost",
                           "local-cluster: executor JVM 0 killed with kill -9 mid-stage: "
                           "ExecutorLostFailure, SparkListenerExecutorRemoved, replacement executor"),
    "fail-fetch": ("local-cluster[2,1,1024]", {**SINGLE, **PLAIN}, "fetch_failed",
                   "local-cluster: executor holding map output killed during the reduce stage: "
                   "FetchFailed, map and reduce stages re-run as attempt 1"),
    "fail-sql": ("local[2]", {**SINGLE, **codec("zstd")}, "sql_fail",
                 "SQL queries failing at run time (ANSI DIVIDE_BY_ZERO; raise_error after a shuffle): "
                 "SQLExecutionEnd errorMessage, failed jobs/stages"),
}
SPARK35 = ["codec-none", "codec-lz4", "codec-lzf", "codec-snappy", "codec-zstd", "fail-task-retries",
           "fail-sql", "inprogress-zstd"]
# logs.zip from the History Server's /api/v1/applications/<id>/logs for these fixtures
LOGS_ZIP = {"codec-none", "rolling-small-zstd", "inprogress-plain"}
# compacted copies made by a real History Server: name -> (source fixture, extra HS conf)
COMPACTED = {
    "rolling-zstd-compacted": ("rolling-zstd", {}),
    "rolling-plain-compacted": ("rolling-plain", {}),
}
# cold History Server timings (one fresh HS per log) for these
BENCH = ["codec-zstd", "inprogress-zstd", "rolling-zstd", "rolling-plain"]
COMMON_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.python.worker.reuse": "true",
}


# ------------------------------------------------------------------------------------------------
# App side (runs under the venv python, pyspark importable)
# ------------------------------------------------------------------------------------------------
class AppCtx:
    def __init__(self, spark, logdir, info_path, info):
        self.spark, self.sc, self.logdir, self.info_path, self.info = \
            spark, spark.sparkContext, pathlib.Path(logdir), info_path, info

    def save(self):
        pathlib.Path(self.info_path).write_text(json.dumps(self.info, indent=1))

    def desc(self, text):
        self.sc.setJobDescription(text)

    def stage_infos(self):
        st = self.sc.statusTracker()
        return [i for i in (st.getStageInfo(s) for s in st.getActiveStageIds()) if i is not None]

    def watch(self, predicate, action, timeout=300):
        """Thread: polls the active stages every 50 ms; when predicate(stage_infos) holds, runs
        action() once."""
        def loop():
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    if predicate(self.stage_infos()):
                        action()
                        return
                except Exception as e:  # noqa: BLE001 - report and keep the app going
                    self.info.setdefault("watch_errors", []).append(repr(e))
                    return
                time.sleep(0.05)
            self.info.setdefault("watch_errors", []).append("watch timed out")
        t = threading.Thread(target=loop, daemon=True)
        t.start()
        return t

    def wait_executors(self, n, timeout=120):
        deadline = time.monotonic() + timeout
        while self.sc._jsc.sc().getExecutorMemoryStatus().size() < n + 1:  # + the driver
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {n} executors registered")
            time.sleep(0.2)


def wl_small(ctx: AppCtx):
    """A few jobs, one RDD shuffle, one SQL query with a shuffle; ~40 tasks."""
    from operator import add
    from pyspark.sql import functions as F
    sc, spark = ctx.sc, ctx.spark
    ctx.desc("rdd sum of squares")
    ctx.info["sum_squares"] = sc.parallelize(range(1000), 8).map(lambda x: x * x).sum()
    ctx.desc("rdd reduceByKey (shuffle 8 -> 4)")
    ctx.info["reduce_by_key"] = sorted(sc.parallelize(range(1000), 8).map(lambda x: (x % 10, x))
                                       .reduceByKey(add, 4).collect())
    ctx.desc("sql group by with shuffle")
    rows = (spark.range(0, 10000, 1, 6).groupBy((F.col("id") % 7).alias("k"))
            .agg(F.sum("id").alias("s")).orderBy("k").collect())
    ctx.info["sql_rows"] = [tuple(r) for r in rows]


def wl_rolling(ctx: AppCtx):
    """SQL jobs with many tasks until the writer has rolled to events_3, then one small job."""
    app_dirs = lambda: list(ctx.logdir.glob("eventlog_v2_*/events_3_*"))  # noqa: E731
    i = 0
    while not app_dirs():
        ctx.desc(f"rolling batch {i}: 400 map tasks")
        ctx.spark.range(0, 400000, 1, 400).selectExpr("id % 97 as k", "id").groupBy("k").count().collect()
        i += 1
        if i > 200:
            raise RuntimeError("never rolled to a third file")
    ctx.info["rolling_batches"] = i
    ctx.desc("after the third file opened")
    ctx.sc.parallelize(range(100), 4).map(lambda x: x + 1).sum()


def sigkill_jvm(ctx: AppCtx):
    pid = ctx.info["driver_jvm_pid"]
    ctx.info["killed_at_unix_ms"] = int(time.time() * 1000)
    ctx.save()
    os.kill(pid, signal.SIGKILL)


def wl_killed(ctx: AppCtx):
    """One finished job, then SIGKILL of the driver JVM while a 100-task stage is 60% done (the
    TaskEnd events since the last flush exceed the 100 KiB spark.eventLog.buffer.kb, so the
    buffer has spilled at an arbitrary byte: the file usually ends inside a line)."""
    ctx.desc("finished before the kill")
    ctx.sc.parallelize(range(1000), 4).map(lambda x: x * 2).sum()
    ctx.desc("killed mid-stage (driver JVM gets SIGKILL)")
    ctx.watch(lambda infos: any(i.numTasks == 100 and i.numCompletedTasks >= 60 for i in infos),
              lambda: sigkill_jvm(ctx))
    try:
        ctx.sc.parallelize(range(1000), 100).map(lambda x: (time.sleep(0.02), x)[1]).sum()
    except Exception as e:  # noqa: BLE001 - the JVM is gone, as intended
        ctx.info["after_kill"] = type(e).__name__
    ctx.save()
    os._exit(0)  # no spark.stop(): the log must stay .inprogress


def wl_task_retries(ctx: AppCtx):
    from pyspark import TaskContext

    def flaky(x):
        tc = TaskContext.get()
        if tc.partitionId() == 3 and tc.attemptNumber() < 2:
            raise RuntimeError(f"sparkmedic: transient failure, attempt {tc.attemptNumber()}")
        return x

    def always_fails(x):
        if TaskContext.get().partitionId() == 5:
            raise ValueError("sparkmedic: partition 5 always fails")
        return x

    ctx.desc("task of partition 3 fails twice then succeeds")
    ctx.info["flaky_sum"] = ctx.sc.parallelize(range(80), 8).map(flaky).sum()
    ctx.desc("task of partition 5 fails until maxFailures=4 is exhausted")
    try:
        ctx.sc.parallelize(range(80), 8).map(always_fails).sum()
        ctx.info["always_fails"] = "unexpectedly succeeded"
    except Exception as e:  # noqa: BLE001
        ctx.info["always_fails"] = error_line(e)
    ctx.desc("runs after the failed job")
    ctx.info["after"] = ctx.sc.parallelize(range(10), 2).count()


def error_line(e: Exception) -> str:
    lines = str(e).splitlines()
    return next((ln for ln in lines if "Job aborted" in ln), lines[0] if lines else repr(e))[:400]


def kill_executor(ctx: AppCtx, exec_id="0"):
    pids = sparklab.executor_pids(ctx.info["app_id"])
    ctx.info["executor_pids_at_kill"] = pids
    ctx.info["killed_executor"] = exec_id
    ctx.info["killed_at_unix_ms"] = int(time.time() * 1000)
    os.kill(pids[exec_id], signal.SIGKILL)
    ctx.save()


def wl_executor_lost(ctx: AppCtx):
    ctx.wait_executors(2)
    ctx.desc("warm-up on both executors")
    ctx.sc.parallelize(range(100), 4).map(lambda x: (time.sleep(0.2), x)[1]).count()
    ctx.desc("slow stage; executor 0 gets kill -9 while running a task")
    ctx.watch(lambda infos: any(i.numTasks == 8 and i.numActiveTasks >= 2 and i.numCompletedTasks >= 2
                                for i in infos),
              lambda: kill_executor(ctx, "0"))
    ctx.info["slow_count"] = ctx.sc.parallelize(range(8), 8).map(lambda x: (time.sleep(2), x)[1]).count()
    ctx.desc("after the executor loss")
    ctx.info["after"] = ctx.sc.parallelize(range(100), 4).sum()
    ctx.info["executors_at_end"] = sparklab.executor_pids(ctx.info["app_id"])


def wl_fetch_failed(ctx: AppCtx):
    from operator import add
    ctx.wait_executors(2)
    ctx.desc("shuffle; map-output executor 0 killed during the reduce stage")

    def slow_reduce(it):
        items = list(it)
        time.sleep(1.5)
        return iter(items)
    ctx.watch(lambda infos: any(i.numTasks == 8 and i.numCompletedTasks >= 2 for i in infos),
              lambda: kill_executor(ctx, "0"))
    rdd = (ctx.sc.parallelize(range(4000), 4).map(lambda x: (time.sleep(0.0005), (x % 16, x))[1])
           .reduceByKey(add, 8).mapPartitions(slow_reduce))
    ctx.info["result"] = sorted(rdd.collect())
    ctx.desc("after the fetch failure")
    ctx.info["after"] = ctx.sc.parallelize(range(100), 4).sum()


def wl_sql_fail(ctx: AppCtx):
    from pyspark.sql import functions as F
    spark = ctx.spark
    ctx.desc("sql ok")
    spark.range(0, 1000, 1, 4).groupBy((F.col("id") % 5).alias("k")).count().collect()
    ctx.desc("sql divide by zero (ANSI)")
    try:
        spark.range(0, 100, 1, 4).selectExpr("id", "10 / (id - 42) as x").collect()
        ctx.info["div0"] = "no error (ANSI off?)"
    except Exception as e:  # noqa: BLE001
        ctx.info["div0"] = error_line(e)
    ctx.desc("sql raise_error after a shuffle")
    try:
        (spark.range(0, 1000, 1, 4).groupBy((F.col("id") % 5).alias("k")).count()
         .selectExpr("k", "if(count > 0, raise_error('sparkmedic: boom after shuffle'), count) as c")
         .collect())
        ctx.info["raise_error"] = "no error"
    except Exception as e:  # noqa: BLE001
        ctx.info["raise_error"] = error_line(e)
    ctx.desc("sql after the failures")
    ctx.info["after"] = spark.range(0, 100, 1, 2).count()


WORKLOADS = {
    "small": wl_small, "rolling": wl_rolling, "killed": wl_killed, "task_retries": wl_task_retries,
    "executor_lost": wl_executor_lost, "fetch_failed": wl_fetch_failed, "sql_fail": wl_sql_fail,
}


def app_main(name, logdir, info_path):
    import pyspark
    from pyspark.sql import SparkSession
    master, conf, workload, _ = SCENARIOS[name]
    b = SparkSession.builder.master(master).appName(f"sparkmedic-{name}")
    settings = {**COMMON_CONF, "spark.eventLog.enabled": "true",
                "spark.eventLog.dir": "file:" + str(logdir), **conf}
    for k, v in settings.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    sc = spark.sparkContext
    info = {"scenario": name, "app_id": sc.applicationId, "pyspark": pyspark.__version__,
            "master": master, "settings": settings,
            "driver_jvm_pid": sc._jvm.java.lang.ProcessHandle.current().pid(),
            "java": sc._jvm.java.lang.System.getProperty("java.runtime.version")}
    ctx = AppCtx(spark, logdir, info_path, info)
    ctx.save()
    WORKLOADS[workload](ctx)
    spark.stop()
    info["stopped"] = True
    ctx.save()


# ------------------------------------------------------------------------------------------------
# Log reading (python side: none + zstd; the others through Spark's own codecs)
# ------------------------------------------------------------------------------------------------
def codec_of(path: pathlib.Path) -> str | None:
    """As EventLogFileWriter.codecName: the extension after stripping .compact/.inprogress."""
    name = path.name
    for suffix in (".compact", ".inprogress"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    parts = name.split(".")
    return parts[-1] if len(parts) > 1 else None


def sniff_codec(data: bytes, named: str | None) -> str | None:
    """The codec the bytes really carry. Differs from the name in one real case: a History Server
    with Spark 4 defaults (spark.eventLog.compress=true, zstd) compacting an UNcompressed rolling
    log writes zstd into events_<n>_<app>.compact (the name keeps the original's codec)."""
    if named is None:
        for c, magic in MAGIC.items():
            if data.startswith(magic):
                return c
    return named


def decode_bytes(data: bytes, codec: str | None) -> bytes | None:
    if codec is None:
        return data
    if codec == "zstd":
        import zstandard
        d = zstandard.ZstdDecompressor().decompressobj()
        out = []
        # Spark's zstd streams may hold several frames (one per compressedContinuousOutputStream);
        # decompressobj handles one frame, so start a new one at each frame end.
        buf = data
        while buf:
            out.append(d.decompress(buf))
            buf = d.unused_data
            if buf:
                d = zstandard.ZstdDecompressor().decompressobj()
            elif not d.eof:
                break  # unfinished frame: what was decodable is in out
        return b"".join(out)
    return None


def analyse_lines(text: bytes) -> dict:
    """Event counts; whether every line parses; whether the last line is cut."""
    lines = text.split(b"\n")
    trailing_newline = lines and lines[-1] == b""
    if trailing_newline:
        lines = lines[:-1]
    counts = collections.Counter()
    bad = []
    for i, line in enumerate(lines):
        try:
            ev = json.loads(line)
            counts[ev.get("Event", "?")] += 1
        except ValueError:
            bad.append(i)
    last_cut = bool(bad) and bad == [len(lines) - 1]
    return {"lines": len(lines), "decoded_bytes": len(text), "events": dict(sorted(counts.items())),
            "unparsable_lines": bad, "last_line_cut": last_cut,
            "ends_with_newline": bool(trailing_newline)}


def log_files(entry: pathlib.Path) -> list[pathlib.Path]:
    """The event files of a fixture entry (a single log file or an eventlog_v2 dir)."""
    if entry.is_dir():
        return sorted(p for p in entry.iterdir() if p.name.startswith("events_"))
    return [entry]


def sha256(path_or_bytes) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else pathlib.Path(path_or_bytes).read_bytes()
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------
# Orchestration (any python)
# ------------------------------------------------------------------------------------------------
class Gen:
    def __init__(self, args):
        self.args = args
        self.venv = "venv35" if args.spark == "35" else "venv"
        self.python = sparklab.venv_python(self.venv)
        self.home = sparklab.spark_home(self.python)
        self.version = sparklab.spark_version(self.home)
        self.out = HERE / f"spark-{self.version}"
        self.answers = HERE / "hs-answers" / f"spark-{self.version}"
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="sparkmedic-fixtures-"))
        self.manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"fixtures": {}}
        self.timing = json.loads(TIMING.read_text()) if TIMING.exists() else {}
        self.java = sparklab.java_version()

    def log(self, *a):
        print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)

    def key(self, name):
        return f"spark-{self.version}/{name}"

    def env(self):
        return sparklab.spark_env(self.home, {"PYSPARK_PYTHON": self.python})

    # -- generate one app --------------------------------------------------------------------
    def run_scenario(self, name):
        logdir = self.tmp / f"logs-{name}"
        logdir.mkdir()
        info_path = self.tmp / f"info-{name}.json"
        app_log = self.tmp / f"app-{name}.log"
        t = time.monotonic()
        rc = sparklab.run_app([self.python, __file__, "--run-app", name, "--logdir", str(logdir),
                               "--info", str(info_path)], self.env(), timeout=1200,
                              log_path=str(app_log))
        info = json.loads(info_path.read_text()) if info_path.exists() else {}
        self.log(f"{name}: rc={rc} app={info.get('app_id')} in {time.monotonic() - t:.0f}s")
        entries = list(logdir.iterdir())
        if len(entries) != 1 or not info.get("app_id"):
            tail = app_log.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"{name}: expected one log entry, got {entries}\n{tail}")
        if SCENARIOS[name][2] != "killed" and not info.get("stopped"):
            raise RuntimeError(f"{name}: app did not finish\n" + app_log.read_text(errors='replace')[-4000:])
        dest = self.out / name
        shutil.rmtree(dest, ignore_errors=True)
        tarball = self.out / f"{name}.tar.xz"
        tarball.unlink(missing_ok=True)
        dest.mkdir(parents=True)
        shutil.move(str(entries[0]), dest / entries[0].name)
        self.record(name, info, desc=SCENARIOS[name][3])
        if name == "rolling-plain":  # > 20 MiB raw: keep the bytes, but tar.xz them
            self.pack(name)

    def pack(self, name):
        dest = self.out / name
        tarball = self.out / f"{name}.tar.xz"
        with tarfile.open(tarball, "w:xz", preset=9) as tf:
            for p in sorted(dest.rglob("*")):
                tf.add(p, arcname=str(p.relative_to(dest)), recursive=False)
        shutil.rmtree(dest)
        fx = self.manifest["fixtures"][self.key(name)]
        fx["packed"] = tarball.name
        fx["packed_sha256"] = sha256(tarball)
        fx["packed_bytes"] = tarball.stat().st_size

    def unpack_to(self, name, target: pathlib.Path) -> pathlib.Path:
        """Materialises a fixture's log entry under target; returns the entry path."""
        fx = self.manifest["fixtures"][self.key(name)]
        if fx.get("packed"):
            with tarfile.open(self.out / fx["packed"]) as tf:
                tf.extractall(target, filter="data")
        else:
            for p in (self.out / name).iterdir():
                if p.is_dir():
                    shutil.copytree(p, target / p.name)
                else:
                    shutil.copy2(p, target / p.name)
        return target / fx["entry"]

    def record(self, name, info, desc, extra=None):
        """Describes the fixture in MANIFEST.json: files, sha256, decoded event counts."""
        dest = self.out / name
        (entry,) = list(dest.iterdir())
        files = []
        for p in sorted([entry] if entry.is_file() else entry.rglob("*")):
            rec = {"path": str(p.relative_to(dest)), "bytes": p.stat().st_size, "sha256": sha256(p)}
            c = codec_of(p)
            if p.name.startswith(("events_", "local-", "app-")) or entry.is_file():
                rec["codec"] = c
                data = p.read_bytes()
                content = sniff_codec(data, c)
                if content != c:
                    rec["content_codec"] = content
                raw = decode_bytes(data, content)
                if raw is not None:
                    rec.update({"decoded_sha256": sha256(raw), **analyse_lines(raw)})
            files.append(rec)
        fx = {
            "description": desc,
            "spark": self.version, "pyspark": info.get("pyspark"), "java": info.get("java", self.java),
            "generated": datetime.date.today().isoformat(),
            "generator": f"make_fixtures.py{' --spark 35' if self.version.startswith('3.') else ''} --only {name}",
            "app_id": info["app_id"], "master": info.get("master"), "settings": info.get("settings"),
            "entry": entry.name, "layout": "rolling" if entry.is_dir() else "single",
            "in_progress": entry.name.endswith(".inprogress") or any(
                f["path"].endswith("appstatus_" + info["app_id"] + ".inprogress") for f in files),
            "files": files,
            "app_facts": {k: v for k, v in info.items()
                          if k not in ("settings", "master", "pyspark", "java", "app_id", "scenario",
                                       "driver_jvm_pid", "sum_squares", "reduce_by_key", "sql_rows",
                                       "result")},
        }
        if extra:
            fx.update(extra)
        self.manifest["fixtures"][self.key(name)] = fx

    # -- Spark's own codecs decode lz4/lzf/snappy (and zstd, as a cross-check) ----------------
    def spark_decode(self, names):
        jobs = []
        for name in names:
            fx = self.manifest["fixtures"].get(self.key(name))
            if not fx or fx.get("packed"):
                continue
            for f in fx["files"]:
                if f.get("codec"):
                    jobs.append((name, f, str(self.out / name / f["path"])))
        if not jobs:
            return
        req = self.tmp / "decode-req.json"
        res = self.tmp / "decode-res.json"
        req.write_text(json.dumps([[j[2], j[1]["codec"]] for j in jobs]))
        rc = sparklab.run_app([self.python, __file__, "--spark-decode", str(req), str(res)], self.env(),
                              timeout=600, log_path=str(self.tmp / "decode.log"))
        if rc != 0:
            raise RuntimeError("spark-decode failed:\n" + (self.tmp / "decode.log").read_text()[-3000:])
        out = json.loads(res.read_text())
        for (name, f, path) in jobs:
            r = out[path]
            f["spark_decoded_sha256"] = r["sha256"]
            f["spark_decoded_bytes"] = r["bytes"]
            if r.get("error"):
                f["spark_decode_error"] = r["error"]
            if "decoded_sha256" not in f:  # lz4/lzf/snappy: counts from Spark's decoding
                f.update({"decoded_sha256": r["sha256"],
                          **analyse_lines(pathlib.Path(r["dump"]).read_bytes())})

    # -- compaction by a real History Server ----------------------------------------------------
    def compact(self, name, source, hs_conf):
        src = self.manifest["fixtures"].get(self.key(source))
        if not src:
            self.log(f"{name}: no {source} fixture, skipped")
            return
        logdir = self.tmp / f"compact-{name}"
        logdir.mkdir()
        entry = self.unpack_to(source, logdir)
        conf = {"spark.history.fs.eventLog.rolling.maxFilesToRetain": "1", **hs_conf}
        with sparklab.HistoryServer(logdir, self.home, conf=conf) as hs:
            hs.wait_for_apps([src["app_id"]], timeout=300)
            deadline = time.monotonic() + 300
            while not list(entry.glob("*.compact")):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name}: no .compact file\n" + hs.server_log()[-3000:])
                time.sleep(0.5)
            time.sleep(2)  # let the compactor delete the compacted originals
            hslog = [line for line in hs.server_log().splitlines()
                     if "ompact" in line or "rewriting" in line]
            self.timing.setdefault(f"spark-{self.version}", {})[f"compaction:{name}"] = hs.timings
        dest = self.out / name
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        shutil.copytree(entry, dest / entry.name)
        self.record(name, {**src, "pyspark": src["pyspark"], "java": src["java"],
                           "master": src["master"], "settings": src["settings"], "app_id": src["app_id"]},
                    desc=f"{source} after a real History Server compacted it "
                         f"(spark.history.fs.eventLog.rolling.maxFilesToRetain=1"
                         + "".join(f", {k}={v}" for k, v in hs_conf.items()) + ")",
                    extra={"compacted_from": self.key(source), "compaction_hs_conf": conf,
                           "compaction_hs_log": [ln[-300:] for ln in hslog][:20]})
        self.manifest["fixtures"][self.key(name)]["generator"] = f"make_fixtures.py --only {name}"

    # -- History Server answers -----------------------------------------------------------------
    def hs_answers(self, names):
        """One History Server over all fixtures; compacted copies share their source's app id,
        so they get a second server."""
        names = [n for n in names if self.key(n) in self.manifest["fixtures"]]
        ids = {n: self.manifest["fixtures"][self.key(n)]["app_id"] for n in names}
        rounds = [("all", [n for n in names if n not in COMPACTED]),
                  ("compacted", [n for n in names if n in COMPACTED])]
        for label, group in rounds:
            if not group:
                continue
            logdir = self.tmp / f"hs-{label}"
            logdir.mkdir()
            for n in group:
                self.unpack_to(n, logdir)
            self._answers_round(group, ids, logdir, label)
            shutil.rmtree(logdir)

    def _answers_round(self, names, ids, logdir, label):
        with sparklab.HistoryServer(logdir, self.home) as hs:
            want = [ids[n] for n in names]
            deadline = time.monotonic() + 300
            while True:  # a log the real HS cannot list is a finding too: stop waiting for it
                try:     # 20 s after the HS logged that it failed to merge a listing
                    hs.wait_for_apps(want, timeout=5)
                    break
                except TimeoutError:
                    failed_at = getattr(hs, "_merge_failed_at", None)
                    if failed_at is None and "Exception while merging application listings" in hs.server_log():
                        hs._merge_failed_at = failed_at = time.monotonic()
                    if time.monotonic() > deadline or (failed_at and time.monotonic() - failed_at > 20):
                        break
            listed = {a["id"] for a in hs.applications()}
            for n in names:
                self._answers_for(hs, n, ids[n], listed)
            hs.timings["apps_by_fixture"] = {n: hs.timings["apps"].get(ids[n]) for n in names}
            hs.timings["hs_log_dir_bytes"] = sum(p.stat().st_size for p in logdir.rglob("*") if p.is_file())
            self.timing.setdefault(f"spark-{self.version}", {})[f"answers:{label}"] = hs.timings
        self.log(f"HS answers ({label}): start {hs.timings['start_s']}s")

    def _answers_for(self, hs, n, app, listed):
        d = self.answers / n
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)

        def dump(fname, fetch):
            try:
                obj = fetch()
            except sparklab.HttpError as e:
                obj = {"http_status": e.code, "body": e.body[:2000]}
            (d / fname).write_text(json.dumps(obj, indent=1) + "\n")
            return obj

        fx = self.manifest["fixtures"][self.key(n)]
        fx["hs_answers"] = str(d.relative_to(HERE))
        if app not in listed:
            errors = [ln[-500:] for ln in hs.server_log().splitlines()
                      if ("ERROR" in ln or "WARN" in ln or "Exception" in ln)]
            dump("hs-not-listed.json", lambda: {"app_id": app, "listed": sorted(listed),
                                                "hs_log_errors": errors[:30]})
            fx["hs_listed"] = False
            fx["hs_files"] = sorted(p.name for p in d.iterdir())
            return
        fx["hs_listed"] = True
        stages = dump("stages.json", lambda: hs.wait_for_stages(app))
        dump("application.json", lambda: hs.application(app))
        dump("jobs.json", lambda: hs.jobs(app))
        dump("allexecutors.json", lambda: hs.all_executors(app))
        summaries = {}
        for s in stages if isinstance(stages, list) else []:
            k = f"{s['stageId']}.{s['attemptId']}"
            try:
                summaries[k] = hs.task_summary(app, s["stageId"], s["attemptId"], quantiles=QUANTILES)
            except sparklab.HttpError as e:
                summaries[k] = {"http_status": e.code, "body": e.body[:500]}
        dump("taskSummary.json", lambda: {"quantiles": QUANTILES, "stages": summaries})
        if n in LOGS_ZIP:
            (d / "logs.zip").write_bytes(hs.logs(app))
        fx["hs_files"] = sorted(p.name for p in d.iterdir())

    def bench(self, names):
        """A fresh History Server per fixture, alone in its log dir: cold-start figures."""
        for n in [n for n in names if self.key(n) in self.manifest["fixtures"]]:
            logdir = self.tmp / f"bench-{n}"
            logdir.mkdir()
            self.unpack_to(n, logdir)
            t = sparklab.time_history_server(logdir, self.manifest["fixtures"][self.key(n)]["app_id"],
                                             home=self.home)
            self.timing.setdefault(f"spark-{self.version}", {})[f"cold:{n}"] = {
                "start_s": t["start_s"], "hs_log_dir_bytes": t["log_dir_bytes"],
                "apps_by_fixture": {n: {k: t[k] for k in ("listed_s", "stages_first_answer_s",
                                                          "stages_ready_s")}}}
            shutil.rmtree(logdir)
            self.log(f"cold HS for {n}: {t}")

    def save(self):
        MANIFEST.write_text(json.dumps(self.manifest, indent=1, sort_keys=True) + "\n")
        TIMING.write_text(json.dumps(self.timing, indent=1, sort_keys=True) + "\n")

    def run(self):
        avail = SPARK35 if self.version.startswith("3.") else list(SCENARIOS)
        avail_compacted = [] if self.version.startswith("3.") else list(COMPACTED)
        only = self.args.only.split(",") if self.args.only else avail + avail_compacted
        try:
            if not self.args.hs_only:
                for name in [n for n in only if n in avail]:
                    self.run_scenario(name)
                    self.save()
                self.spark_decode([n for n in only if n in avail])
                for name in [n for n in only if n in avail_compacted]:
                    self.compact(name, *COMPACTED[name])
                    self.save()
            self.hs_answers([n for n in avail + avail_compacted
                             if self.key(n) in self.manifest["fixtures"]])
            if not self.args.only:
                self.bench([n for n in BENCH if n in avail])
            self.save()
            write_readme()
        finally:
            if not self.args.keep_tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                self.log("kept", self.tmp)


README = HERE / "README.md"
BEGIN, END = "<!-- BEGIN GENERATED by make_fixtures.py -->", "<!-- END GENERATED -->"


def human(n: int) -> str:
    return f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} B"


def write_readme():
    """Regenerates the tables between the markers of README.md from MANIFEST.json and
    hs-timing.json (the text around them is written by hand)."""
    manifest = json.loads(MANIFEST.read_text())
    timing = json.loads(TIMING.read_text()) if TIMING.exists() else {}
    out = [BEGIN, "", "### Fixtures", "",
           "| fixture | app id | files (bytes on disk) | what it exercises |", "|---|---|---|---|"]
    for key, fx in sorted(manifest["fixtures"].items()):
        files = []
        for f in fx["files"]:
            extra = []
            if f.get("content_codec"):
                extra.append(f"content is {f['content_codec']}")
            if f.get("last_line_cut"):
                extra.append("last line cut")
            if "lines" in f:
                extra.append(f"{f['lines']} lines, {human(f.get('decoded_bytes', 0))} decoded")
            files.append(f"`{f['path']}` {f['bytes']}" + (f" ({'; '.join(extra)})" if extra else ""))
        if fx.get("packed"):
            files.insert(0, f"packed as `{fx['packed']}` {fx['packed_bytes']}:")
        hs = "" if fx.get("hs_listed", True) else " **The real History Server cannot list it** (hs-not-listed.json)."
        out.append(f"| `{key}` | `{fx['app_id']}` | {'<br>'.join(files)} | {fx['description']}.{hs} |")
    out += ["", "### Provenance", "",
            "| fixture | generator (run from the repository root) | pyspark | Java | master | date |",
            "|---|---|---|---|---|---|"]
    for key, fx in sorted(manifest["fixtures"].items()):
        out.append(f"| `{key}` | `python3 tests/data/eventlogs/generated/{fx['generator']}` | {fx['pyspark']} | "
                   f"{fx['java']} | `{fx['master']}` | {fx['generated']} |")
    out += ["", "### History Server timings (sparklab, 2 cores)", "",
            "`start` = launch of the HS JVM until `/api/v1/applications` answers; `listed` = launch until "
            "the app is in the listing; `first /stages` = duration of the first "
            "`/api/v1/applications/<id>/stages` request (the HS replays the log then); `stages ready` = "
            "launch until that answer.", "",
            "| HS run | start | log dir | fixture | listed | first /stages | stages ready |",
            "|---|---|---|---|---|---|---|"]
    for ver, runs in sorted(timing.items()):
        for label, t in sorted(runs.items()):
            byfx = t.get("apps_by_fixture") or {a: v for a, v in t.get("apps", {}).items()}
            first = True
            for fxname, a in sorted(byfx.items()):
                a = a or {}
                head = (f"{ver} {label} | {t.get('start_s')} s | {human(t.get('hs_log_dir_bytes', 0))}"
                        if first else " | | ")
                out.append(f"| {head} | {fxname} | {a.get('listed_s', '-')} s | "
                           f"{a.get('stages_first_answer_s', '-')} s | {a.get('stages_ready_s', '-')} s |")
                first = False
    out += ["", END]
    text = README.read_text() if README.exists() else f"# Generated event logs\n\n{BEGIN}\n{END}\n"
    a, b = text.index(BEGIN), text.index(END) + len(END)
    README.write_text(text[:a] + "\n".join(out) + text[b:])


def spark_decode_main(req, res):
    """Decodes files with Spark's own CompressionCodec (the codec the writer used)."""
    from pyspark import SparkConf, SparkContext
    sc = SparkContext(master="local[1]", appName="sparkmedic-decode",
                      conf=SparkConf().set("spark.ui.enabled", "false"))
    jvm = sc._jvm
    conf = sc._jsc.sc().conf()
    out = {}
    for path, codec in json.loads(pathlib.Path(req).read_text()):
        bos = jvm.java.io.ByteArrayOutputStream()
        err = None
        ins = jvm.org.apache.spark.io.CompressionCodec.createCodec(conf, codec).compressedInputStream(
            jvm.java.io.FileInputStream(path))
        try:
            jvm.org.apache.commons.io.IOUtils.copy(ins, bos)
        except Exception as e:  # noqa: BLE001 - truncated stream: keep what decoded
            err = str(e).splitlines()[0][:300]
        data = bytes(bos.toByteArray())
        dump = pathlib.Path(res).parent / (pathlib.Path(path).name + ".decoded")
        dump.write_bytes(data)
        out[path] = {"sha256": sha256(data), "bytes": len(data), "error": err, "dump": str(dump)}
    pathlib.Path(res).write_text(json.dumps(out))
    sc.stop()


# ------------------------------------------------------------------------------------------------
# --check
# ------------------------------------------------------------------------------------------------
def check() -> int:
    manifest = json.loads(MANIFEST.read_text())
    problems = []
    n_logs = 0
    for key, fx in sorted(manifest["fixtures"].items()):
        base = HERE / key
        members = {}
        if fx.get("packed"):
            tb = base.parent / fx["packed"]
            if sha256(tb) != fx["packed_sha256"]:
                problems.append(f"{key}: {fx['packed']} sha256 differs from MANIFEST.json")
            with tarfile.open(tb) as tf:
                for m in tf.getmembers():
                    if m.isfile():
                        members[m.name] = tf.extractfile(m).read()
        else:
            for p in base.rglob("*"):
                if p.is_file():
                    members[str(p.relative_to(base))] = p.read_bytes()
        listed = {f["path"] for f in fx["files"]}
        if set(members) != listed:
            problems.append(f"{key}: files {sorted(members)} != MANIFEST {sorted(listed)}")
        for f in fx["files"]:
            data = members.get(f["path"])
            if data is None:
                continue
            if sha256(data) != f["sha256"]:
                problems.append(f"{key}/{f['path']}: sha256 differs from MANIFEST.json")
            if "codec" not in f:
                continue
            n_logs += 1
            c = sniff_codec(data, f["codec"])
            if c != f.get("content_codec", f["codec"]):
                problems.append(f"{key}/{f['path']}: content codec {c} != MANIFEST")
            if c in ("lz4", "lzf", "snappy"):
                if data and not data.startswith(MAGIC[c]):
                    problems.append(f"{key}/{f['path']}: does not start with the {c} magic")
                continue
            raw = decode_bytes(data, c)
            a = analyse_lines(raw)
            if raw is None or sha256(raw) != f.get("decoded_sha256"):
                problems.append(f"{key}/{f['path']}: decoded content differs from MANIFEST.json")
            cut_ok = a["unparsable_lines"] == [] or (a["last_line_cut"] and fx["in_progress"])
            if not cut_ok:
                problems.append(f"{key}/{f['path']}: unparsable lines {a['unparsable_lines'][:5]}")
            if a["last_line_cut"] != f.get("last_line_cut"):
                problems.append(f"{key}/{f['path']}: last_line_cut {a['last_line_cut']} != MANIFEST")
        if fx.get("hs_answers"):
            for name in fx.get("hs_files", []):
                p = HERE / fx["hs_answers"] / name
                if not p.exists():
                    problems.append(f"{key}: missing {p.relative_to(HERE)}")
                elif name.endswith(".json"):
                    try:
                        json.loads(p.read_text())
                    except ValueError as e:
                        problems.append(f"{p.relative_to(HERE)}: {e}")
        else:
            problems.append(f"{key}: no History Server answers recorded")
    for p in problems:
        print("FAIL", p)
    print(f"checked {len(manifest['fixtures'])} fixtures, {n_logs} log files: "
          f"{'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def ensure_zstandard():
    """zstd fixtures must be decoded with libzstd's streaming API as python-zstandard drives it:
    the zstd CLI (1.5.4) drops the last complete block of an unfinished frame on premature end,
    so re-run under the venv python, which has zstandard (scripts/install-spark.sh)."""
    try:
        import zstandard  # noqa: F401
        return
    except ImportError:
        pass
    try:
        py = sparklab.venv_python()
    except FileNotFoundError:
        sys.exit("make_fixtures.py needs python-zstandard: run scripts/install-spark.sh")
    if pathlib.Path(sys.prefix).resolve() != pathlib.Path(py).parent.parent.resolve():
        os.execv(py, [py, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("make_fixtures.py needs python-zstandard: run scripts/install-spark.sh")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spark", choices=["4", "35"], default="4")
    ap.add_argument("--only", help="comma-separated fixture names")
    ap.add_argument("--hs-only", action="store_true", help="only re-record History Server answers")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--keep-tmp", action="store_true")
    ap.add_argument("--readme", action="store_true", help="only regenerate README.md's tables")
    ap.add_argument("--run-app", help=argparse.SUPPRESS)
    ap.add_argument("--logdir", help=argparse.SUPPRESS)
    ap.add_argument("--info", help=argparse.SUPPRESS)
    ap.add_argument("--spark-decode", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not (args.run_app or args.spark_decode):
        ensure_zstandard()
    if args.check:
        sys.exit(check())
    if args.readme:
        write_readme()
        return
    if args.run_app:
        app_main(args.run_app, args.logdir, args.info)
        return
    if args.spark_decode:
        spark_decode_main(*args.spark_decode)
        return
    Gen(args).run()


if __name__ == "__main__":
    main()

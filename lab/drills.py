"""The drills: each runs a real Spark application that fails in one known way (or, for the
healthy ones, succeeds), on the lab's standalone cluster unless it needs something else.
See docs/drills.md for what each leaves behind, quoted from a real run."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import sys
import time

import labcore
from drillkit import Drill, DrillContext, Signal, check_signals, find_collector, run_drill

DRILLS: dict[str, Drill] = {}


def drill(d: Drill) -> Drill:
    DRILLS[d.name] = d
    return d


# -- actions ---------------------------------------------------------------------------------------

def kill_busy_executors(sig: int, times: int, settle: float = 1.0):
    """Sends sig (SIGKILL: kill -9) to an executor JVM while it runs a task, again for each
    executor the master launches in its place, up to `times` times or until the app ends."""
    def act(ctx: DrillContext):
        killed = set()
        while len(killed) < times and ctx.proc.poll() is None and not ctx.stop.is_set():
            busy = ctx.wait_for(lambda: [e for e in ctx.executors_with_tasks() if e["id"] not in killed], 60)
            if not busy:
                return
            time.sleep(settle)   # let the task really be inside its work
            pids = ctx.executor_pids()
            e = busy[0]["id"]
            if e not in pids:
                continue
            os.kill(pids[e], sig)
            killed.add(e)
            ctx.note(f"sent {signal.Signals(sig).name} to executor {e} (pid {pids[e]}) while it ran "
                     f"{busy[0]['activeTasks']} task(s)")
    return act


def write_go(ctx: DrillContext) -> None:
    pathlib.Path(str(ctx.appinfo_path) + ".go").write_text("go\n")


def shuffle_kill_during_reduce(ctx: DrillContext):
    if not ctx.wait_phase("map-done", 80):
        return
    write_go(ctx)
    if not ctx.wait_phase("job2", 40):
        return
    busy = ctx.wait_for(ctx.executors_with_tasks, 40)
    if not busy:
        return
    pids = ctx.executor_pids()
    # Kill the executor that is NOT running the first reduce task: it holds half the map output
    # and the running tasks on the other one will need it.
    busy_ids = {e["id"] for e in busy}
    victim = next((e for e in sorted(pids) if e not in busy_ids), None) or sorted(pids)[-1]
    time.sleep(0.5)
    os.kill(pids[victim], signal.SIGKILL)
    ctx.note(f"SIGKILL executor {victim} (pid {pids[victim]}), which holds map output, during the reduce stage")


def executor_local_dirs(ctx: DrillContext) -> list[pathlib.Path]:
    """The block-manager dirs of this app's executors, from their own log line
    (DiskBlockManager: "Created local directory at /tmp/spark-.../blockmgr-...")."""
    import re
    dirs = []
    app = ctx.app_id()
    for w in ("worker-1", "worker-2"):
        for stderr in (ctx.lab.work_dir(w) / app).glob("*/stderr"):
            for m in re.finditer(r"Created local directory at (\S+)", stderr.read_text(errors="replace")):
                dirs.append(pathlib.Path(m.group(1)))
    return dirs


def shuffle_delete_files(ctx: DrillContext):
    if not ctx.wait_phase("map-done", 80):
        return
    deleted = []
    for d in executor_local_dirs(ctx):
        for f in d.rglob("shuffle_*"):
            if f.name.endswith((".data", ".index")):
                f.unlink()
                deleted.append(f.name)
    ctx.note(f"deleted {len(deleted)} shuffle file(s) ({', '.join(sorted(deleted)[:4])}...) from the "
             "executors' block-manager dirs, as a tmp cleaner or a replaced disk would")
    write_go(ctx)


def wait_driver_log(text: str, timeout: float = 80):
    def act(ctx: DrillContext):
        if ctx.wait_for(lambda: text in ctx.driver_log.read_text(errors="replace"), timeout, 0.5):
            ctx.note(f"driver log says {text!r}")
        ctx.done_phase.set()
    return act


# -- container_memory_exceeded: a real cgroup memory limit (else a watchdog) -----------------------

CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup/memory")
CONTAINER_LIMIT = 512 * 1024 * 1024


def cgroup_setup(ctx: DrillContext):
    cg = CGROUP_ROOT / f"sparkmedic-lab-{ctx.drill.name}-{os.getpid()}"
    try:
        cg.mkdir()
        (cg / "memory.limit_in_bytes").write_text(str(CONTAINER_LIMIT))
        (cg / "memory.move_charge_at_immigrate").write_text("1")
        ctx.extra["cgroup"] = cg
        ctx.drill.mechanism = (f"cgroup v1 memory limit {CONTAINER_LIMIT >> 20} MiB ({cg}); the kernel "
                               "OOM killer SIGKILLs the executor")
    except OSError as e:
        ctx.extra["cgroup"] = None
        ctx.drill.mechanism = (f"watchdog: SIGKILL when the executor's RSS passes {CONTAINER_LIMIT >> 20} MiB "
                               f"(no writable memory cgroup here: {e})")


def cgroup_action(ctx: DrillContext):
    cg = ctx.extra.get("cgroup")
    placed = set()
    while not ctx.stop.is_set() and ctx.proc.poll() is None:
        for e, pid in ctx.executor_pids().items():
            if cg is not None and pid not in placed:
                try:
                    (cg / "cgroup.procs").write_text(str(pid))
                    placed.add(pid)
                    ctx.note(f"executor {e} (pid {pid}) placed in {cg.name} (limit {CONTAINER_LIMIT >> 20} MiB)")
                except OSError as err:
                    ctx.note(f"could not place pid {pid}: {err}")
            elif cg is None:
                try:
                    rss = int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:")).split()[1]) * 1024
                except (OSError, StopIteration):
                    continue
                if rss > CONTAINER_LIMIT:
                    os.kill(pid, signal.SIGKILL)
                    ctx.note(f"watchdog: executor {e} RSS {rss >> 20} MiB > limit: SIGKILL")
        time.sleep(0.05)
    if cg is not None:
        try:
            ctx.note(f"cgroup memory.failcnt={(cg / 'memory.failcnt').read_text().strip()}, "
                     f"max_usage={int((cg / 'memory.max_usage_in_bytes').read_text()) >> 20} MiB, "
                     f"oom_control: {' '.join((cg / 'memory.oom_control').read_text().split())}")
        except OSError:
            pass


def cgroup_cleanup(ctx: DrillContext):
    cg = ctx.extra.get("cgroup")
    if cg is None or not cg.exists():
        return
    for pid in (cg / "cgroup.procs").read_text().split():
        try:
            (CGROUP_ROOT / "cgroup.procs").write_text(pid)
        except OSError:
            pass
    for _ in range(50):
        try:
            cg.rmdir()
            return
        except OSError:
            time.sleep(0.1)


# -- the catalog of drills -------------------------------------------------------------------------

EXEC_LOST = Signal("eventlog", regex=r'"Task End Reason":\{"Reason":"ExecutorLostFailure","Executor ID":"\d+",'
                                       r'"Exit Caused By App":true,"Loss Reason":"Command exited with code 137"\}',
                   note="TaskEndReason of the killed executor's task; 137 = 128 + SIGKILL")

drill(Drill(
    "healthy_wordcount", "healthy", "RDD word count with a shuffle on the lab cluster; succeeds.",
    "healthy.py", ["wordcount"], expect_app_exit="success",
    signals=[Signal("eventlog", text='"Event":"SparkListenerApplicationEnd"'),
             Signal("eventlog", text='"Job Result":{"Result":"JobSucceeded"}')]))

drill(Drill(
    "healthy_sql_join", "healthy", "DataFrame join and aggregation written to Parquet and read back; succeeds.",
    "healthy.py", ["sqljoin"], expect_app_exit="success",
    signals=[Signal("eventlog", text='"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd"'),
             Signal("eventlog", text='"Job Result":{"Result":"JobSucceeded"}')]))

drill(Drill(
    "healthy_pandas_udf", "healthy", "A pandas UDF (Arrow) and a Python UDF over 200k rows; succeeds.",
    "healthy.py", ["pandasudf"], expect_app_exit="success",
    signals=[Signal("eventlog", text="ArrowEvalPython"),
             Signal("eventlog", text='"Job Result":{"Result":"JobSucceeded"}')]))

drill(Drill(
    "task_user_exception", "task_user_exception",
    "A Python UDF raises ValueError on one corrupt record; all 4 attempts of that task fail and the job aborts.",
    "user_exception.py",
    signals=[Signal("eventlog", text="ValueError: bad record: 'amount;617'"),
             Signal("eventlog", regex=r"Task \d+ in stage [\d.]+ failed 4 times"),
             Signal("driver", text="org.apache.spark.api.python.PythonException")]))

drill(Drill(
    "executor_lost", "executor_lost",
    "Each executor JVM that runs a task is SIGKILLed (kill -9) mid-stage; with "
    "spark.task.maxFailures=2 a task's second loss aborts the job.",
    "slow_stage.py", ["2", "30"], conf={"spark.task.maxFailures": "2"},
    action=kill_busy_executors(signal.SIGKILL, 6),
    signals=[EXEC_LOST,
             Signal("eventlog", regex=r"failed 2 times, most recent failure: Lost task"),
             Signal("driver", regex=r"Lost executor \d+ on 127\.0\.0\.1")]))

drill(Drill(
    "shuffle_fetch_failed", "shuffle_fetch_failed",
    "Without the external shuffle service, the executor holding half the map output is SIGKILLed "
    "while the reduce stage runs; reduce tasks cannot fetch its blocks (spark.stage.maxConsecutiveAttempts=1 "
    "aborts on the first fetch failure).",
    "shuffle.py", ["2"], conf={"spark.stage.maxConsecutiveAttempts": "1"},
    expected_root_cause="executor_lost",
    action=shuffle_kill_during_reduce,
    signals=[Signal("eventlog", text='"Reason":"FetchFailed"'),
             Signal("eventlog", regex=r"MetadataFetchFailedException: Missing an output location for shuffle \d+ partition \d+"),
             Signal("eventlog", regex=r"has failed the maximum allowable number of times: 1"),
             Signal("eventlog", text='"Removed Reason":"Command exited with code 137"')]))


def ess_conf(ctx: DrillContext):
    ctx.conf.update({"spark.shuffle.service.enabled": "true",
                     "spark.shuffle.service.port": str(ctx.lab.ess_port)})


drill(Drill(
    "shuffle_fetch_failed_ess", "shuffle_fetch_failed",
    "With the external shuffle service, the map output files are deleted from the executors' "
    "local dirs between the map and the reduce job; the shuffle service cannot serve them "
    "(spark.stage.maxConsecutiveAttempts=1).",
    "shuffle.py", ["0.2"], conf={"spark.stage.maxConsecutiveAttempts": "1"},
    setup=ess_conf, action=shuffle_delete_files,
    signals=[Signal("eventlog", text='"Reason":"FetchFailed"'),
             Signal("eventlog", text="org.apache.spark.shuffle.FetchFailedException"),
             Signal("eventlog", regex=r"Caused by: java\.nio\.file\.NoSuchFileException: \S+/blockmgr-[0-9a-f-]+/[0-9a-f]{2}/shuffle_0_\d+_0\.index"),
             Signal("eventlog", regex=r"has failed the maximum allowable number of times: 1")]))

drill(Drill(
    "job_stuck_no_resources", "job_stuck_no_resources",
    "The app asks for 4g executors; the lab's workers offer 2g each, so no executor ever starts "
    "and the first job waits. The collector runs while it waits.",
    "stuck_resources.py", conf={"spark.executor.memory": "4g"},
    expect_app_exit="killed", collect_while_running=True, timeout=60,
    action=wait_driver_log("Initial job has not accepted any resources"),
    signals=[Signal("driver", text="Initial job has not accepted any resources; check your cluster UI "
                                   "to ensure that workers are registered and have sufficient resources")]))

drill(Drill(
    "driver_max_result_size", "driver_max_result_size",
    "collect() of ~30 MiB of rows with spark.driver.maxResultSize=2m.",
    "max_result.py", conf={"spark.driver.maxResultSize": "2m"},
    signals=[Signal("eventlog", regex=r"Total size of serialized results of \d+ tasks \([\d.]+ [KMG]iB\) "
                                      r"is bigger than spark\.driver\.maxResultSize \(2\.0 MiB\)")]))

drill(Drill(
    "driver_heap_oom", "driver_heap_oom",
    "collect() of 3M rows (~400 MB) into a 512 MiB driver heap with spark.driver.maxResultSize=0.",
    "driver_oom.py", conf={"spark.driver.maxResultSize": "0", "spark.driver.memory": "512m"},
    signals=[Signal("driver", text="java.lang.OutOfMemoryError: Java heap space")]))

drill(Drill(
    "executor_heap_oom", "executor_heap_oom",
    "collect_list over one key of 30M rows in 512 MiB executors: the JVM heap runs out.",
    "executor_oom.py", conf={"spark.executor.memory": "512m", "spark.task.maxFailures": "2"},
    signals=[Signal("executor", text="java.lang.OutOfMemoryError: Java heap space"),
             Signal("eventlog", regex=r"ExecutorLostFailure|OutOfMemoryError")]))

drill(Drill(
    "container_memory_exceeded", "container_memory_exceeded",
    "Executors (1536 MiB heap) run in a 512 MiB memory cgroup, as in a container; collect_list over "
    "one key grows the heap past the limit and the kernel OOM killer SIGKILLs the JVM (exit 137).",
    "executor_oom.py", conf={"spark.executor.memory": "1536m", "spark.task.maxFailures": "2"},
    setup=cgroup_setup, action=cgroup_action, cleanup=cgroup_cleanup,
    signals=[EXEC_LOST,
             Signal("eventlog", text='"Removed Reason":"Command exited with code 137"')]))


# -- commands --------------------------------------------------------------------------------------

def cmd_list(as_json: bool) -> int:
    if as_json:
        print(json.dumps([{"name": d.name, "failure_class": d.failure_class, "how": d.how,
                           "expected_root_cause": d.root_cause} for d in DRILLS.values()], indent=2))
        return 0
    for d in DRILLS.values():
        print(f"{d.name:<28} {d.failure_class:<26} {d.how}")
    return 0


def cmd_run(lab: labcore.Lab, names: list[str], run_all: bool, out: str | None,
            collector: str | None) -> int:
    if run_all:
        names = list(DRILLS)
    if not names:
        print("lab: drill run: name a drill (lab drill list) or use --all", file=sys.stderr)
        return 2
    unknown = [n for n in names if n not in DRILLS]
    if unknown:
        print(f"lab: unknown drill(s): {', '.join(unknown)} (see: lab drill list)", file=sys.stderr)
        return 2
    out_dir = pathlib.Path(out or lab.root / "drills").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    col = find_collector(collector)
    lab.up(quiet=True)
    bad = 0
    for n in names:
        d = DRILLS[n]
        print(f"drill {n}: {d.how}", file=sys.stderr, flush=True)
        rec = run_drill(lab, d, out_dir, col)
        checks = check_signals(pathlib.Path(rec["bundle"]), d.signals) if rec.get("bundle") else []
        rec["signals_found"] = checks
        (out_dir / n / "drill.json").write_text(json.dumps(rec, indent=2) + "\n")
        missing = [c for c in checks if not c["found_in"]]
        ok = rec.get("bundle") and not missing
        bad += 0 if ok else 1
        size = f"{rec['bundle_bytes'] / 1024:.0f} KiB" if rec.get("bundle_bytes") else "no bundle"
        print(f"drill {n}: {'ok' if ok else 'SIGNAL MISSING'} in {rec['duration_s']} s, app exit "
              f"{rec['app_exit_code']}, bundle {size}: {out_dir / n}", flush=True)
        for c in missing:
            print(f"  missing in {c['where']}: {c['signal']}", flush=True)
    return 1 if bad else 0

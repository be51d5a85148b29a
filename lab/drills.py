"""The drills: each runs a real Spark application that fails in one known way (or, for the
healthy ones, succeeds), on the lab's standalone cluster unless it needs something else.
See docs/drills.md for what each leaves behind, quoted from a real run."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import pathlib
import signal
import sys
import time

import labcore
from drillkit import (Drill, DrillContext, Signal, check_signals, collector_options, find_collector,
                      prom_series, run_drill)

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


def java_app_jar(ctx: DrillContext, source: str) -> pathlib.Path:
    """Compiles apps/<source> against the lab's Spark jars into a jar (cached by source hash)."""
    import hashlib
    src = labcore.HERE / "apps" / source
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:12]
    out = ctx.lab.root / "jars" / f"{src.stem}-{digest}.jar"
    if out.exists():
        return out
    build = ctx.lab.root / "jars" / f"build-{src.stem}-{digest}"
    build.mkdir(parents=True, exist_ok=True)
    cp = os.path.join(ctx.lab.home, "jars", "*")
    subprocess.run(["javac", "-cp", cp, "-d", str(build), str(src)], check=True, capture_output=True)
    subprocess.run(["jar", "cf", str(out), "-C", str(build), "."], check=True, capture_output=True)
    return out


def java_app(source: str, submit_args: list[str] | None = None):
    """Setup: the drill's app is the compiled apps/<source>, main class = its file name."""
    def setup(ctx: DrillContext):
        jar = java_app_jar(ctx, source)
        ctx.drill.submit_args[:] = (submit_args or []) + ["--class", pathlib.Path(source).stem]
        ctx.drill.app = str(jar)
    return setup


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
        try:   # charge what the JVM already holds too, where the kernel still supports it
            (cg / "memory.move_charge_at_immigrate").write_text("1")
        except OSError:
            pass
        ctx.extra["cgroup"] = cg
        ctx.drill.mechanism = (f"cgroup v1 memory limit {CONTAINER_LIMIT >> 20} MiB ({cg}); the kernel "
                               "OOM killer SIGKILLs the executor")
    except OSError as e:
        with contextlib.suppress(OSError):
            cg.rmdir()
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
    if placed:
        kernel_log(ctx, cg.name if cg is not None else None, placed)
    if cg is not None:
        try:
            ctx.note(f"cgroup memory.failcnt={(cg / 'memory.failcnt').read_text().strip()}, "
                     f"max_usage={int((cg / 'memory.max_usage_in_bytes').read_text()) >> 20} MiB, "
                     f"oom_control: {' '.join((cg / 'memory.oom_control').read_text().split())}")
        except OSError:
            pass


def kernel_log(ctx: DrillContext, cgroup_name: str | None, pids: set[int]) -> None:
    """The node's kernel log lines about this drill's executors (what `dmesg` / `journalctl -k`
    shows on-call on the host): the OOM killer's report for the cgroup and each kill. Saved as
    node/dmesg.log in the run dir and collected as an other log."""
    r = subprocess.run(["dmesg"], capture_output=True, text=True)
    if r.returncode != 0:
        ctx.note(f"dmesg not readable here ({r.stderr.strip()[:120]}): no kernel log in the bundle")
        return
    keys = [f"pid={p}," for p in pids] + [f"Killed process {p} " for p in pids]
    if cgroup_name:
        keys.append(cgroup_name)
    lines = [l for l in r.stdout.splitlines() if any(k in l for k in keys)]
    if not lines:
        return
    out = ctx.run_dir / "node" / "dmesg.log"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    ctx.extra.setdefault("other_logs", []).append(out)
    ctx.note(f"kernel log: {len(lines)} line(s) about the drill's executors saved from dmesg")


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

def prom(name: str, at_least: float = 0.0, **labels) -> Signal:
    """A Prometheus series the lab scraped while the drill ran (needs the collector's --prometheus)."""
    return Signal("prometheus", check=prom_series(name, at_least, labels), needs_source="--prometheus",
                  label=f"Prometheus series {name} reaching {at_least:g}")


def alert_with_runbook(name: str, runbook: str):
    """A Signal check over the collector's Alertmanager dump (GET /api/v2/alerts): an alert `name`
    carrying the failure_class label and a runbook_url to runbooks/<runbook>.md that answers
    (the lab's webhook serves runbooks/ at the rules' base URL)."""
    def check(text: str) -> str | None:
        try:
            alerts = json.loads(text)
        except ValueError:
            return None
        for a in alerts if isinstance(alerts, list) else []:
            labels, ann = a.get("labels") or {}, a.get("annotations") or {}
            url = ann.get("runbook_url", "")
            if labels.get("alertname") != name or not url.endswith(f"/runbooks/{runbook}.md"):
                continue
            try:
                page = labcore.http_get(url).decode("utf-8", errors="replace")
            except (OSError, ValueError):
                return None
            if not page.startswith("# "):
                return None
            return (f"{name} ({labels.get('severity')}, failure_class {labels.get('failure_class')}) "
                    f"{(a.get('status') or {}).get('state', '')}; runbook_url {url} answers "
                    f"({page.splitlines()[0]})")
        return None
    return check


def alert(name: str, runbook: str) -> Signal:
    """An alert of the lab's rules (the product's, generated from the catalog) that fired during
    the drill, as Alertmanager's API shows it, with a runbook_url that resolves (needs --alertmanager)."""
    return Signal("alertmanager", check=alert_with_runbook(name, runbook), needs_source="--alertmanager",
                  label=f"Alertmanager alert {name} with its runbook_url to runbooks/{runbook}.md")


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
             Signal("eventlog", text='"Job Result":{"Result":"JobSucceeded"}'),
             prom("metrics_executor_completedTasks_total", 1)]))

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
             Signal("driver", text="org.apache.spark.api.python.PythonException"),
             prom("metrics_executor_failedTasks_total", 1),
             alert("SparkExecutorTasksFailing", "task_user_exception")]))

drill(Drill(
    "executor_lost", "executor_lost",
    "Each executor JVM that runs a task is SIGKILLed (kill -9) mid-stage; with "
    "spark.task.maxFailures=2 a task's second loss aborts the job.",
    "slow_stage.py", ["2", "30"],
    # Dynamic allocation (with shuffle tracking, as on Kubernetes) only so that the driver's
    # ExecutorAllocationManager counts executors that exited unexpectedly: the series the
    # SparkExecutorsExitedUnexpectedly alert watches. Two executors, as without it.
    conf={"spark.task.maxFailures": "2", "spark.dynamicAllocation.enabled": "true",
          "spark.dynamicAllocation.shuffleTracking.enabled": "true",
          "spark.dynamicAllocation.minExecutors": "2", "spark.dynamicAllocation.initialExecutors": "2",
          "spark.dynamicAllocation.maxExecutors": "2"},
    action=kill_busy_executors(signal.SIGKILL, 6),
    signals=[EXEC_LOST,
             alert("SparkExecutorsExitedUnexpectedly", "executor_lost"),
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
    "and the first job waits (spark.starvation.timeout=5s: the warning repeats every 5 s instead of "
    "15 s). The collector runs while it waits.",
    "stuck_resources.py", conf={"spark.executor.memory": "4g", "spark.starvation.timeout": "5s"},
    expect_app_exit="killed", collect_while_running=True, timeout=60,
    action=wait_driver_log("Initial job has not accepted any resources"),
    signals=[Signal("driver", text="Initial job has not accepted any resources; check your cluster UI "
                                   "to ensure that workers are registered and have sufficient resources"),
             prom("metrics_master_waitingApps_Value", 1),
             alert("SparkAppWaitingForResources", "job_stuck_no_resources")]))

drill(Drill(
    "driver_max_result_size", "driver_max_result_size",
    "collect() of 400k rows of SHA-256 hex strings (~30 MB) with spark.driver.maxResultSize=2m.",
    "max_result.py", conf={"spark.driver.maxResultSize": "2m"},
    signals=[Signal("eventlog", regex=r"Total size of serialized results of \d+ tasks \([\d.]+ [KMG]iB\) "
                                      r"is bigger than spark\.driver\.maxResultSize \(2\.0 MiB\)")]))

drill(Drill(
    "driver_heap_oom", "driver_heap_oom",
    "collect() of 12 rows of 50 MB (600 MB) into a 512 MiB driver heap with spark.driver.maxResultSize=0.",
    "driver_oom.py", conf={"spark.driver.maxResultSize": "0", "spark.driver.memory": "512m"},
    signals=[Signal("driver", regex=r"An error occurred while calling o\d+\.collectToPython\.\n: java\.lang\.OutOfMemoryError: Java heap space")]))

drill(Drill(
    "executor_heap_oom", "executor_heap_oom",
    "collect_list over one key of 3M values of ~210 bytes in 512 MiB executors: the JVM heap runs out (spark.task.maxFailures=2).",
    "executor_oom.py", conf={"spark.executor.memory": "512m", "spark.task.maxFailures": "2"},
    signals=[Signal("executor", text="java.lang.OutOfMemoryError: Java heap space"),
             Signal("eventlog", text="java.lang.OutOfMemoryError: Java heap space"),
             Signal("eventlog", text='"Removed Reason":"Command exited with code 52"',
                     note="52 = SparkExitCode.OOM: the executor's uncaught-exception handler exits with it")]))

drill(Drill(
    "container_memory_exceeded", "container_memory_exceeded",
    "Executors (1536 MiB heap) run in a 512 MiB memory cgroup, as in a container; collect_list over "
    "one key grows the heap past the limit and the kernel OOM killer SIGKILLs the JVM (exit 137).",
    "executor_oom.py", conf={"spark.executor.memory": "1536m", "spark.task.maxFailures": "2"},
    setup=cgroup_setup, action=cgroup_action, cleanup=cgroup_cleanup,
    signals=[Signal("other", regex=r"Memory cgroup out of memory: Killed process \d+ \(java\) total-vm:\d+kB, anon-rss:\d+kB",
                    note="dmesg of the node (mm/oom_kill.c)"),
             EXEC_LOST,
             Signal("eventlog", text='"Removed Reason":"Command exited with code 137"'),
             alert("NodeOOMKillerActive", "container_memory_exceeded")]))


# -- second wave: the rest of the catalog ---------------------------------------------------------

drill(Drill(
    "config_error", "config_error",
    "Submitted with spark.executor.memory=256m, below Spark's 450 MiB minimum: SparkContext refuses to start.",
    "config_error.py", conf={"spark.executor.memory": "256m"}, has_eventlog=False,
    signals=[Signal("driver", regex=r"org\.apache\.spark\.SparkIllegalArgumentException: \[INVALID_EXECUTOR_MEMORY\] "
                                    r"Executor memory 268435456 must be at least 471859200\.\n"
                                    r"Please increase executor memory using the --executor-memory option or "
                                    r"\"spark\.executor\.memory\" in Spark configuration\. SQLSTATE: F0000"),
             Signal("driver", text="ERROR SparkContext: Error initializing SparkContext.")]))


def storage_remove_during_read(ctx: DrillContext):
    if not ctx.wait_phase("reading", 80):
        return
    busy = ctx.wait_for(ctx.executors_with_tasks, 40)
    if not busy:
        return
    data = ctx.run_dir / "input"
    files = sorted(data.glob("part-*"))
    for f in files:
        f.unlink()
    ctx.note(f"deleted the {len(files)} input files while the first read tasks ran")


drill(Drill(
    "storage_io", "storage_io",
    "Reads 24 CSV files with a slow UDF; the input files are deleted while the read runs, so the "
    "tasks that open them later fail (4 attempts) and the job aborts.",
    "storage_io.py", ["removed", "{run}"], action=storage_remove_during_read,
    signals=[Signal("eventlog", regex=r'"Job Result":\{"Result":"JobFailed","Exception":\{"Message":"\[FAILED_READ_FILE\.FILE_NOT_EXIST\] '
                                      r'Encountered error while reading file file:///\S+/input/part-\S+\.csv\. File does not exist\. '
                                      r'It is possible the underlying files have been updated\.'),
             Signal("eventlog", regex=r"File file:\S+/input/part-\S+\.csv does not exist")]))

drill(Drill(
    "storage_io_missing_path", "storage_io",
    "Reads Parquet from a path that does not exist: the query fails in the driver before any job.",
    "storage_io.py", ["missing", "{run}"],
    signals=[Signal("driver", regex=r"\[PATH_NOT_FOUND\] Path does not exist: file:\S+/no-such-dir/events")]))

drill(Drill(
    "serialization", "serialization",
    "A task closure captures a threading.Lock; cloudpickle cannot serialize it and no task is ever launched.",
    "serialization.py", ["closure"],
    signals=[Signal("driver", text="cannot pickle '_thread.lock' object")]))

drill(Drill(
    "serialization_kryo", "serialization",
    "A Java app keeps 3 MiB records as Kryo-encoded blobs (Encoders.kryo) with "
    "spark.kryoserializer.buffer.max=1m: Kryo's output buffer overflows on the executors.",
    "KryoOverflow.java", setup=java_app("KryoOverflow.java"),
    conf={"spark.kryoserializer.buffer.max": "1m", "spark.task.maxFailures": "2"},
    signals=[Signal("eventlog", regex=r"\[KRYO_BUFFER_OVERFLOW\] Kryo serialization failed: Buffer overflow\. Available: \d+, "
                                      r'required: \d+\. To avoid this, increase \\?"spark\.kryoserializer\.buffer\.max\\?" value\.'),
             Signal("driver", regex=r"Task \d+ in stage [\d.]+ failed 2 times")]))

drill(Drill(
    "python_worker_crash", "python_worker",
    "A Python UDF makes its worker process segfault (ctypes reads address 0) on one row; every attempt crashes.",
    "python_worker.py", ["crash"],
    signals=[Signal("eventlog", text="Python worker exited unexpectedly (crashed)"),
             Signal("eventlog", regex=r"Task \d+ in stage [\d.]+ failed 4 times")]))

drill(Drill(
    "python_worker_memory", "python_worker",
    "A Python UDF allocates 600 MiB with spark.executor.pyspark.memory=256m: Spark caps the worker's "
    "address space and Python raises MemoryError.",
    "python_worker.py", ["memory"], conf={"spark.executor.pyspark.memory": "256m"},
    signals=[Signal("eventlog", text="MemoryError"),
             Signal("eventlog", regex=r"Task \d+ in stage [\d.]+ failed 4 times")]))


def stop_busy_executors(ctx: DrillContext):
    """SIGSTOP every executor that runs a task (a frozen JVM: long GC pause, swapped host), so its
    heartbeats stop; resume them once the app is over."""
    stopped = {}
    while ctx.proc.poll() is None and not ctx.stop.is_set() and len(stopped) < 4:
        busy = ctx.wait_for(lambda: [e for e in ctx.executors_with_tasks() if e["id"] not in stopped], 60)
        if not busy:
            break
        pids = ctx.executor_pids()
        for e in busy:
            if e["id"] in pids and e["id"] not in stopped:
                time.sleep(0.5)
                os.kill(pids[e["id"]], signal.SIGSTOP)
                stopped[e["id"]] = pids[e["id"]]
                ctx.note(f"SIGSTOP executor {e['id']} (pid {pids[e['id']]}) while it ran a task")
    ctx.wait_for(lambda: ctx.proc.poll() is not None, 110)
    for e, pid in stopped.items():
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


drill(Drill(
    "network_rpc", "network_rpc",
    "Each executor running a task is frozen with SIGSTOP; with spark.network.timeout=6s its heartbeats "
    "stop, the driver declares it lost, and a task's second loss (spark.task.maxFailures=2) aborts the job.",
    "slow_stage.py", ["2", "40"],
    conf={"spark.network.timeout": "6s", "spark.executor.heartbeatInterval": "1s",
          "spark.network.timeoutInterval": "1s", "spark.task.maxFailures": "2"},
    action=stop_busy_executors,
    signals=[Signal("eventlog", regex=r"Executor heartbeat timed out after \d+ ms"),
             Signal("driver", regex=r"WARN HeartbeatReceiver: Removing executor \d+ with no recent heartbeats: \d+ ms exceeds timeout 6000 ms")]))


HUNG_BEFORE_DUMP = 8   # seconds the stuck task runs before the thread dump and the collection


def open_jobs(text: str) -> str | None:
    """Jobs started and never ended, from an event log's text."""
    started, ended = set(), set()
    for line in text.splitlines():
        if '"Event":"SparkListenerJobStart"' in line:
            started.add(json.loads(line)["Job ID"])
        elif '"Event":"SparkListenerJobEnd"' in line:
            ended.add(json.loads(line)["Job ID"])
    still = sorted(started - ended)
    return f"job(s) {still} started and never ended" if still else None


def thread_dump_then_collect(ctx: DrillContext):
    """Waits until the stuck task has run 15 s, has the executor JVM print a thread dump (kill -3,
    what on-call does), then lets the runner collect while the job is still stuck."""
    if not ctx.wait_phase("running", 80):
        ctx.done_phase.set()
        return
    busy = ctx.wait_for(ctx.executors_with_tasks, 60)
    time.sleep(HUNG_BEFORE_DUMP)
    pids = ctx.executor_pids()
    for e in busy or []:
        if e["id"] in pids:
            os.kill(pids[e["id"]], signal.SIGQUIT)
            ctx.note(f"kill -3 (thread dump) executor {e['id']} (pid {pids[e['id']]}), task running for {HUNG_BEFORE_DUMP} s")
    time.sleep(2)
    ctx.done_phase.set()


drill(Drill(
    "job_stuck_hung", "job_stuck_hung",
    "One task of a Python UDF waits forever; after 8 s the executor prints a thread dump (kill -3) and "
    "the collector runs while the job is still stuck.",
    "hung.py", expect_app_exit="killed", collect_while_running=True, timeout=90,
    action=thread_dump_then_collect,
    signals=[Signal("eventlog", check=lambda t: open_jobs(t), label="a SparkListenerJobStart with no SparkListenerJobEnd (the job never ends)"),
             Signal("executor", text="Full thread dump OpenJDK 64-Bit Server VM"),
             Signal("executor", regex=r'"Executor task launch worker for task 0\.0 in stage \d+\.0 \(TID \d+\)"'),
             prom("metrics_executor_activeTasks", 1)]))


def skew_check(text: str) -> str | None:
    """The reduce stage's tasks: the largest shuffle read is >= 10x the median."""
    import statistics
    reads: dict[int, list[int]] = {}
    for line in text.splitlines():
        if '"Event":"SparkListenerTaskEnd"' not in line:
            continue
        ev = json.loads(line)
        m = ev.get("Task Metrics") or {}
        recs = (m.get("Shuffle Read Metrics") or {}).get("Total Records Read", 0)
        if recs:
            reads.setdefault(ev["Stage ID"], []).append(recs)
    for stage, r in reads.items():
        if len(r) >= 4 and max(r) >= 10 * max(1, statistics.median(r)):
            return f"stage {stage}: max shuffle records read {max(r)} vs median {statistics.median(r)}"
    return None


drill(Drill(
    "data_skew", "data_skew",
    "groupBy().applyInPandas over a key that holds 95% of 400k rows (AQE off): one reduce task reads "
    "almost everything and runs long; the app succeeds late.",
    "data_skew.py", expect_app_exit="success",
    signals=[Signal("eventlog", check=skew_check, label="a stage whose largest task reads >= 10x the median shuffle records")]))

drill(Drill(
    "broadcast_failure", "broadcast_failure",
    "A broadcast join whose build side (40 rows through a 0.5 s UDF) takes longer than "
    "spark.sql.broadcastTimeout=3 (adaptive execution off: a real run with AQE on waited 24 s "
    "for the build side without timing out).",
    "broadcast.py", conf={"spark.sql.broadcastTimeout": "3", "spark.sql.adaptive.enabled": "false"},
    signals=[Signal("driver", regex=r"Could not execute broadcast in 3 secs")]))

drill(Drill(
    "dependency_conflict", "dependency_conflict",
    "Reads over JDBC with driver org.postgresql.Driver, whose jar was never shipped: ClassNotFoundException.",
    "dependency.py",
    signals=[Signal("driver", text="java.lang.ClassNotFoundException: org.postgresql.Driver")]))


def small_local_dir(ctx: DrillContext):
    mnt = ctx.lab.root / "mnt" / ctx.drill.name
    mnt.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "sparkmedic-lab", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"disk_space needs a small filesystem: mount -t tmpfs failed: {r.stderr.strip()}")
    ctx.extra["mnt"] = mnt
    ctx.conf["spark.local.dir"] = str(mnt)
    ctx.drill.mechanism = f"tmpfs of 48 MiB mounted at {mnt} (mount -t tmpfs -o size=48m), spark.local.dir"


def umount_local_dir(ctx: DrillContext):
    mnt = ctx.extra.get("mnt")
    if mnt:
        subprocess.run(["umount", str(mnt)], capture_output=True)
        with contextlib.suppress(OSError):
            mnt.rmdir()


drill(Drill(
    "disk_space", "disk_space",
    "local[2] with spark.local.dir on a 48 MiB tmpfs; a 3M-row shuffle of SHA-2 strings fills it.",
    "disk_space.py", master="local[2]", setup=small_local_dir, cleanup=umount_local_dir,
    signals=[Signal("eventlog", text="No space left on device"),
             Signal("driver", text="No space left on device")]))


# -- Spark Connect --------------------------------------------------------------------------------

CONNECT_SERVER = "org.apache.spark.sql.connect.service.SparkConnectServer"


def start_connect_server(ctx: DrillContext, port: int, extra: dict | None = None) -> None:
    """A real Spark Connect server (spark-submit --class SparkConnectServer, as
    sbin/start-connect-server.sh does), local[2], event log and metrics as every lab app."""
    lab = ctx.lab
    conf = dict(lab.app_conf())
    conf.update({"spark.connect.grpc.binding.port": str(port),
                 "spark.connect.grpc.binding.address": labcore.LOOPBACK,
                 "spark.app.name": f"drill-{ctx.drill.name}", "spark.ui.port": str(ctx.ui_port),
                 "spark.port.maxRetries": "0"})
    conf.update(extra or {})
    argv = ["bash", os.path.join(lab.home, "bin", "spark-submit"), "--master", "local[2]",
            "--class", CONNECT_SERVER]
    for k, v in conf.items():
        argv += ["--conf", f"{k}={v}"]
    argv += ["spark-internal"]
    n = len(ctx.extra.setdefault("servers", []))
    log = ctx.run_dir / f"connect-server-{n + 1}.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen(argv, env=lab._spark_env(), stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=str(ctx.run_dir))
    ctx.extra["servers"].append(proc)
    ctx.extra.setdefault("driver_logs", [ctx.driver_log]).append(log)
    deadline = time.monotonic() + 90
    while not labcore.port_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Spark Connect server did not start; see {log}")
        time.sleep(0.3)
    import re
    m = re.search(r"(local-\d+)", log.read_text(errors="replace"))
    if m:
        ctx.extra.setdefault("app_ids", []).append(m.group(1))
    ctx.note(f"Spark Connect server {n + 1} up on port {port} (pid {proc.pid})")


def stop_connect_servers(ctx: DrillContext) -> None:
    from labcore import sparklab
    for proc in ctx.extra.get("servers", []):
        if proc.poll() is None:
            sparklab._kill_group(proc.pid, grace=10.0)
            proc.wait(timeout=10)


def connect_setup(extra: dict | None = None, server: bool = True):
    def setup(ctx: DrillContext):
        port = labcore.sparklab.free_port()
        ctx.extra["connect_port"] = port
        ctx.drill.app_args[1:] = [f"sc://{labcore.LOOPBACK}:{port}"]
        if server:
            start_connect_server(ctx, port, extra)
        else:
            ctx.extra["driver_logs"] = [ctx.driver_log]
            ctx.note(f"no server on port {port}: the client's target is unreachable")
    return setup


def connect_restart(ctx: DrillContext):
    if not ctx.wait_phase("first-query-done", 80):
        return
    stop_connect_servers(ctx)
    ctx.note("Spark Connect server stopped (SIGTERM) after the client's first query")
    start_connect_server(ctx, ctx.extra["connect_port"])
    write_go(ctx)


drill(Drill(
    "spark_connect_unreachable", "spark_connect",
    "A Spark Connect client (pyspark 4 remote) whose server is not listening; 3 retries, then it gives up.",
    "connect_client.py", ["unreachable", "sc://"], launcher="python", has_eventlog=False,
    setup=connect_setup(server=False),
    signals=[Signal("driver", text="status = StatusCode.UNAVAILABLE"),
             Signal("driver", regex=r"failed to connect to all addresses; last error: UNKNOWN: ipv4:127\.0\.0\.1:\d+: "
                                    r"Failed to connect to remote host: Connection refused"),
             Signal("driver", text="[RETRIES_EXCEEDED] The maximum number of retries has been exceeded.")]))

drill(Drill(
    "spark_connect_session_restart", "spark_connect",
    "A Spark Connect session runs one query; the server restarts (new driver); the next query on "
    "the old session fails.",
    "connect_client.py", ["restart", "sc://"], launcher="python",
    setup=connect_setup(), action=connect_restart, cleanup=stop_connect_servers,
    signals=[Signal("driver", regex=r"org\.apache\.spark\.SparkSQLException: \[INVALID_HANDLE\.SESSION_CHANGED\] The handle [0-9a-f-]+ "
                                    r"is invalid\. The existing Spark server driver instance has restarted\. Please reconnect\.",
                    note="the restarted server's log"),
             Signal("driver", text="pyspark.errors.exceptions.connect.SparkConnectException: [NO_ACTIVE_SESSION] No active "
                                   "Spark session found. Please create a new Spark session before running the code.",
                    note="the client's log")]))

drill(Drill(
    "spark_connect_message_too_big", "spark_connect",
    "A client sends a ~4 MB local relation to a server whose spark.connect.grpc.maxInboundMessageSize is 1 MiB.",
    "connect_client.py", ["too_big", "sc://"], launcher="python",
    setup=connect_setup({"spark.connect.grpc.maxInboundMessageSize": "1048576"}), cleanup=stop_connect_servers,
    signals=[Signal("driver", text="status = StatusCode.RESOURCE_EXHAUSTED"),
             Signal("driver", regex=r'details = "gRPC message exceeds maximum size 1048576: \d+"')]))


# -- Celeborn --------------------------------------------------------------------------------------

# The Spark 4 client (celeborn-client-spark-4-shaded_2.13) is not on the Maven Central this
# machine reaches (its maven-metadata.xml answers 404 here; the 3.x client's lists 0.2.1-incubating,
# 0.5.1 and 0.5.4), so the drill runs the Spark 3 client on pyspark 3.5.9 (venv35), a combination
# Celeborn supports (Spark 3.5, Scala 2.12, Java 17). Before Spark 4.0 a ShuffleManager cannot come
# from --jars (SPARK-45762), so the jar goes on the driver and executor class paths.
CELEBORN_ARTIFACT = "org.apache.celeborn:celeborn-client-spark-3-shaded_2.12:0.5.4"


def celeborn_jar() -> pathlib.Path:
    """The real client jar from Maven Central, fetched once with mvn into the sparkmedic cache."""
    group, artifact, version = CELEBORN_ARTIFACT.split(":")
    jars = labcore.sparklab.cache_dir() / "jars"
    jar = jars / f"{artifact}-{version}.jar"
    if not jar.exists():
        jars.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={CELEBORN_ARTIFACT}",
                            f"-DoutputDirectory={jars}"], capture_output=True, text=True, timeout=300)
        if r.returncode != 0 or not jar.exists():
            raise RuntimeError(f"could not fetch {CELEBORN_ARTIFACT} with mvn: {(r.stdout + r.stderr)[-800:]}")
    return jar


def celeborn_setup(ctx: DrillContext):
    jar = celeborn_jar()
    closed = labcore.sparklab.free_port()   # nothing listens there
    ctx.conf.update({
        "spark.driver.extraClassPath": str(jar),
        "spark.executor.extraClassPath": str(jar),
        "spark.shuffle.manager": "org.apache.spark.shuffle.celeborn.SparkShuffleManager",
        "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
        "spark.celeborn.master.endpoints": f"{labcore.LOOPBACK}:{closed}",
        "spark.shuffle.service.enabled": "false",
        "spark.celeborn.client.spark.shuffle.fallback.policy": "NEVER",
        "spark.celeborn.client.push.replicate.enabled": "false",
    })
    ctx.drill.mechanism = (f"{CELEBORN_ARTIFACT} (Maven Central, via mvn dependency:copy) on pyspark 3.5.9; "
                           f"master endpoint {labcore.LOOPBACK}:{closed} has no listener")


drill(Drill(
    "celeborn_shuffle", "celeborn_shuffle",
    "A word count (Spark 3.5.9, local[2]) with the real Celeborn Spark client as shuffle manager, pointed "
    "at a Celeborn master that is not there, with fallback to Spark's shuffle disabled (policy NEVER).",
    "healthy.py", ["wordcount"], setup=celeborn_setup, timeout=110, master="local[2]", venv="venv35",
    env={"CELEBORN_LOCAL_IP": labcore.LOOPBACK},   # else the client binds to the host's first interface
    signals=[Signal("driver", regex=r"java\.lang\.IllegalStateException: After trying all the available Master "
                                    r"Addresses\(127\.0\.0\.1:\d+\), an usable link still couldn't be created\."),
             Signal("driver", text="org.apache.celeborn.common.exception.CelebornIOException: Fallback to spark "
                                   "built-in shuffle implementation is prohibited."),
             Signal("eventlog", text='"spark.shuffle.manager":"org.apache.spark.shuffle.celeborn.SparkShuffleManager"')]))


# -- driver_crash_loop: standalone cluster mode with --supervise -----------------------------------

def crash_loop_setup(ctx: DrillContext):
    java_app("CrashingDriver.java", ["--deploy-mode", "cluster", "--supervise"])(ctx)
    ctx.drill.app_args[:] = [f"file:{ctx.run_dir / 'no-such-input'}"]


def master_json(ctx: DrillContext) -> dict:
    import urllib.request
    with urllib.request.urlopen(ctx.lab.url("master-ui") + "/json/", timeout=3) as r:
        return json.loads(r.read())


def crash_loop_watch(ctx: DrillContext):
    """Waits for the driver to be relaunched by its worker (3 failures), then kills it through the
    master (spark-class org.apache.spark.deploy.Client kill) and lets the runner collect."""
    import re
    lab = ctx.lab
    driver_id = None
    deadline = time.monotonic() + 100
    worker_logs = [lab.root / "logs" / f"{w}.out" for w in ("worker-1", "worker-2")]
    start_sizes = {p: p.stat().st_size for p in worker_logs if p.exists()}

    def relaunches() -> int:
        n = 0
        for p in worker_logs:
            with open(p, "rb") as f:
                f.seek(start_sizes.get(p, 0))
                n += len(re.findall(rb"re-launching after", f.read()))
        return n

    while time.monotonic() < deadline and not ctx.stop.is_set():
        with contextlib.suppress(Exception):
            m = re.search(r"(driver-\d+-\d+)", ctx.driver_log.read_text(errors="replace"))
            if m:
                driver_id = m.group(1)
        if driver_id and relaunches() >= 3:
            break
        time.sleep(0.5)
    ctx.note(f"driver {driver_id} relaunched {relaunches()} time(s) by its worker")
    if driver_id:
        subprocess.run(["bash", os.path.join(lab.home, "bin", "spark-class"), "org.apache.spark.deploy.Client",
                        "kill", lab.url("master"), driver_id], env=lab._spark_env(), capture_output=True, timeout=60)
        ctx.note(f"killed {driver_id} through the master")
        time.sleep(2)
        ctx.extra["driver_logs"] = [ctx.driver_log] + sorted(
            p for w in ("worker-1", "worker-2") for p in (lab.work_dir(w) / driver_id).glob("std*"))
    with contextlib.suppress(Exception):
        j = master_json(ctx)
        ids = [a["id"] for a in j.get("completedapps", []) + j.get("activeapps", [])
               if a.get("name") == f"drill-{ctx.drill.name}"]
        ctx.extra["app_ids"] = ids
        ctx.note(f"applications of the driver's attempts: {', '.join(ids)}")
    ctx.done_phase.set()


drill(Drill(
    "driver_crash_loop", "driver_crash_loop",
    "A JVM driver submitted in standalone cluster deploy mode with --supervise fails at once (its "
    "input path does not exist); its worker relaunches it, it fails again, 3 times, then the drill kills it.",
    "CrashingDriver.java", setup=crash_loop_setup, action=crash_loop_watch,
    collect_while_running=True, expect_app_exit="any", timeout=110,
    signals=[Signal("other", regex=r"Command exited with status 1, re-launching after \d+ s\."),
             Signal("driver", regex=r"Input path does not exist: file:\S+/no-such-input")]))


# -- commands --------------------------------------------------------------------------------------

def cmd_list(as_json: bool) -> int:
    if as_json:
        print(json.dumps([{"name": d.name, "failure_class": d.failure_class, "how": d.how,
                           "expected_root_cause": d.root_cause} for d in DRILLS.values()], indent=2))
        return 0
    for d in DRILLS.values():
        print(f"{d.name:<28} {d.failure_class:<26} {d.how}")
    return 0


def cmd_check(lab: labcore.Lab, names: list[str], out: str | None) -> int:
    """Re-checks the expected signals against bundles of earlier runs (no Spark is started)."""
    out_dir = pathlib.Path(out or lab.root / "drills").resolve()
    offered = collector_options(find_collector(None))
    bad = 0
    for n in names or [p.parent.name for p in sorted(out_dir.glob("*/drill.json"))]:
        if n not in DRILLS:
            continue
        bundle = out_dir / n / "bundle.tar.zst"
        if not bundle.exists():
            print(f"drill {n}: no bundle in {out_dir / n}")
            bad += 1
            continue
        missing = [c for c in check_signals(bundle, DRILLS[n].signals, offered)
                   if not c["found_in"] and not c.get("not_applicable")]
        bad += bool(missing)
        print(f"drill {n}: {'ok' if not missing else 'SIGNAL MISSING'}")
        for c in missing:
            print(f"  missing in {c['where']}: {c['signal']}")
    return 1 if bad else 0


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
        checks = check_signals(pathlib.Path(rec["bundle"]), d.signals, collector_options(col)) if rec.get("bundle") else []
        rec["signals_found"] = checks
        (out_dir / n / "drill.json").write_text(json.dumps(rec, indent=2) + "\n")
        missing = [c for c in checks if not c["found_in"] and not c.get("not_applicable")]
        ok = rec.get("bundle") and not missing
        bad += 0 if ok else 1
        size = f"{rec['bundle_bytes'] / 1024:.0f} KiB" if rec.get("bundle_bytes") else "no bundle"
        print(f"drill {n}: {'ok' if ok else 'SIGNAL MISSING'} in {rec['duration_s']} s, app exit "
              f"{rec['app_exit_code']}, bundle {size}: {out_dir / n}", flush=True)
        for c in missing:
            print(f"  missing in {c['where']}: {c['signal']}", flush=True)
    return 1 if bad else 0

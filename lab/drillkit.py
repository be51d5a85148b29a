"""The drill runner: runs one real Spark application that fails in a known way, acts on it while
it runs (kill an executor, pause it, delete files...), collects the evidence with
sparkmedic-collect, and writes drill.json. The drills themselves are in drills.py.

A run directory (<out>/<drill>/) holds:
  driver.log        stdout+stderr of spark-submit (the driver's log4j output and Python prints)
  appinfo.json      application id, UI and phases, written by the app (apps/labapp.py)
  bundle.tar.zst    what sparkmedic-collect gathered
  collect.log       the collector's output (and the command line it ran)
  drill.json        the record (see docs/drills.md)
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

import labcore
from labcore import sparklab

APPS = labcore.HERE / "apps"
DEFAULT_TIMEOUT = 100.0       # an app that is not done by then is killed (drills must fit 120 s)


@dataclass
class Signal:
    """The real evidence a drill leaves: `text` (a literal) or `regex` in one place of the bundle:
    eventlog, driver, executor, other (daemon logs), prometheus, alertmanager, any."""
    where: str
    text: str | None = None
    regex: str | None = None
    note: str = ""
    needs_source: str | None = None   # a collector source that must exist for this signal
    check: Callable[[str], str | None] | None = None  # computed: text -> finding, or None
    label: str = ""                   # what `check` looks for

    def describe(self) -> str:
        if self.check is not None:
            return self.label
        return self.text if self.text is not None else f"/{self.regex}/"


@dataclass
class Drill:
    name: str
    failure_class: str               # the class induced (catalog name), or "healthy"
    how: str                         # one sentence: what the drill does
    app: str                         # apps/<app>.py
    app_args: list[str] = field(default_factory=list)
    conf: dict = field(default_factory=dict)
    submit_args: list[str] = field(default_factory=list)
    master: str = "lab"              # "lab" (the standalone lab) or e.g. "local[2]"
    signals: list[Signal] = field(default_factory=list)
    expected_root_cause: str | None = None   # None: failure_class (healthy: no root cause)
    expect_app_exit: str = "failure"  # "failure", "success" or "killed" (stuck apps)
    action: Callable | None = None    # action(ctx) in a thread while the app runs
    setup: Callable | None = None     # setup(ctx) before submit (may add conf / env)
    cleanup: Callable | None = None   # cleanup(ctx) always, after the app is gone
    collect_while_running: bool = False  # stuck drills: collect, then stop the app
    timeout: float = DEFAULT_TIMEOUT
    env: dict = field(default_factory=dict)
    mechanism: str = ""               # filled at run time where a drill picks one (cgroup...)
    launcher: str = "spark-submit"    # or "python": run the app with the venv python (clients)
    has_eventlog: bool = True         # False where no Spark app ever starts
    venv: str = "venv"                # the pyspark venv whose Spark runs the app ("venv35": 3.5.9)

    @property
    def root_cause(self) -> str | None:
        if self.failure_class == "healthy":
            return None
        return self.expected_root_cause or self.failure_class


class DrillContext:
    """What an action sees while its app runs."""

    def __init__(self, lab: labcore.Lab, drill: Drill, run_dir: pathlib.Path):
        self.lab, self.drill, self.run_dir = lab, drill, run_dir
        self.appinfo_path = run_dir / "appinfo.json"
        self.driver_log = run_dir / "driver.log"
        self.proc: subprocess.Popen | None = None
        self.ui_port = sparklab.free_port()
        self.conf: dict = {}
        self.env: dict = {}
        self.notes: list[str] = []
        self.stop = threading.Event()
        self.done_phase = threading.Event()
        self.extra: dict = {}

    # app state -----------------------------------------------------------------------------
    def info(self) -> dict:
        try:
            return json.loads(self.appinfo_path.read_text())
        except (OSError, ValueError):
            return {}

    def app_id(self) -> str | None:
        return self.info().get("app_id")

    def wait_for(self, pred: Callable[[], object], timeout: float = 60.0, every: float = 0.2):
        deadline = time.monotonic() + timeout
        while not self.stop.is_set():
            v = pred()
            if v:
                return v
            if time.monotonic() > deadline:
                return None
            time.sleep(every)
        return None

    def wait_phase(self, name: str, timeout: float = 60.0) -> bool:
        return bool(self.wait_for(lambda: self.info().get("phase") == name, timeout))

    def rest(self, path: str):
        app = self.app_id()
        url = f"http://{labcore.LOOPBACK}:{self.ui_port}/api/v1/applications/{app}{path}"
        with urllib.request.urlopen(url, timeout=3) as r:
            return json.loads(r.read())

    def executors_with_tasks(self) -> list[dict]:
        with contextlib.suppress(Exception):
            return [e for e in self.rest("/executors") if e["id"] != "driver" and e.get("activeTasks", 0) > 0]
        return []

    def executor_pids(self) -> dict[str, int]:
        app = self.app_id()
        return sparklab.executor_pids(app) if app else {}

    def note(self, msg: str) -> None:
        self.notes.append(f"{time.strftime('%H:%M:%S')} {msg}")
        print(f"  [{self.drill.name}] {msg}", file=sys.stderr, flush=True)


# -- collector -----------------------------------------------------------------------------------

def find_collector(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    if os.environ.get("SPARKMEDIC_COLLECT"):
        return os.environ["SPARKMEDIC_COLLECT"]
    for d in ("ci", "release", "dev", "lab"):
        p = labcore.REPO / "build" / d / "collector" / "sparkmedic-collect"
        if p.exists():
            return str(p)
    found = shutil.which("sparkmedic-collect")
    if found:
        return found
    raise FileNotFoundError("sparkmedic-collect not found: build it (cmake --build build/dev) or pass --collector")


def collector_options(collector: str) -> set[str]:
    """The long options this sparkmedic-collect offers (read from --help), so the drills use the
    network sources as soon as the collector has them."""
    out = subprocess.run([collector, "--help"], capture_output=True, text=True, timeout=30)
    return set(re.findall(r"(--[a-z][a-z0-9-]+)", out.stdout + out.stderr))


def _utc(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


DAEMON_LOGS = ("master", "worker-1", "worker-2")


def mark_daemon_logs(ctx: "DrillContext") -> None:
    """Remembers how long each lab daemon log is when the drill starts."""
    ctx.extra["daemon_log_offsets"] = {
        n: (ctx.lab.root / "logs" / f"{n}.out").stat().st_size
        for n in DAEMON_LOGS if (ctx.lab.root / "logs" / f"{n}.out").exists()}


def daemon_log_slices(ctx: "DrillContext") -> list[pathlib.Path]:
    """Copies each daemon log from its offset at the drill's start to run_dir/lab-logs/."""
    out = []
    offsets = ctx.extra.get("daemon_log_offsets", {})
    for n in DAEMON_LOGS:
        src = ctx.lab.root / "logs" / f"{n}.out"
        if not src.exists():
            continue
        dst = ctx.run_dir / "lab-logs" / f"{n}.out"
        dst.parent.mkdir(exist_ok=True)
        with open(src, "rb") as f:
            f.seek(offsets.get(n, 0) if offsets.get(n, 0) <= src.stat().st_size else 0)
            dst.write_bytes(f.read())
        out.append(dst)
    return out


def collect_argv(collector: str, opts: set[str], ctx: DrillContext, bundle: pathlib.Path,
                 t_start: float, t_end: float, live: bool, network: bool = True) -> list[str]:
    lab, app = ctx.lab, ctx.app_id()
    argv = [collector, "--out", str(bundle)]
    app_ids = ([app] if app else []) + [a for a in ctx.extra.get("app_ids", []) if a != app]
    for a in app_ids:
        argv += ["--app-id", a]
    argv += ["--app-name", f"drill-{ctx.drill.name}"] if not app_ids else []
    argv += ["--eventlog", str(lab.events)]
    for dl in ctx.extra.get("driver_logs", [ctx.driver_log]):
        argv += ["--driver-log", str(dl)]
    worker_dirs = [lab.work_dir(w) for w in ("worker-1", "worker-2")]
    if network and "--worker-dir" in opts:
        for w in worker_dirs:
            argv += ["--worker-dir", str(w)]
    else:
        for a in app_ids:
            for w in worker_dirs:
                for d in sorted((w / a).glob("*")) if (w / a).is_dir() else []:
                    if d.is_dir():
                        argv += ["--executor-log", f"{d.name}={d}" if len(app_ids) == 1 else f"{a}-{d.name}={d}"]
    # Daemon logs of the lab (worker: executor exit codes; master: app and worker state), cut
    # to what they wrote since the drill started: the lab outlives drills, and another drill's
    # lines in the bundle would be evidence of a failure that is not this one.
    for p in daemon_log_slices(ctx):
        argv += ["--log", str(p)]
    for extra in ctx.extra.get("other_logs", []):
        argv += ["--log", str(extra)]
    if network:
        # The window: a minute before the drill started up to now (Prometheus ranges, alerts).
        if "--since" in opts:
            argv += ["--since", _utc(t_start - 60), "--until", _utc(t_end + 5)]
        if "--history-server" in opts:
            argv += ["--history-server", lab.url("history")]
        if live and "--spark-ui" in opts:
            argv += ["--spark-ui", f"http://{labcore.LOOPBACK}:{ctx.ui_port}"]
        if "--prometheus" in opts:
            argv += ["--prometheus", lab.url("prometheus")]
            if "--metrics-namespace" in opts:
                argv += ["--metrics-namespace", labcore.METRICS_NAMESPACE]
        if "--alertmanager" in opts:
            argv += ["--alertmanager", lab.url("alertmanager")]
    return argv


def run_collector(collector: str, ctx: DrillContext, bundle: pathlib.Path, t_start: float,
                  live: bool) -> dict:
    """Runs sparkmedic-collect with every source it offers. Exit 0 or 1 (a source failed) both
    write a bundle. If the network-source invocation is refused (exit 2/3, e.g. an option this
    runner guessed wrong), falls back to local sources only and records why."""
    opts = collector_options(collector)
    log = ctx.run_dir / "collect.log"
    result = {"binary": collector, "attempts": []}
    for network in (True, False):
        if bundle.exists():
            bundle.unlink()
        argv = collect_argv(collector, opts, ctx, bundle, t_start, time.time(), live, network)
        t = time.monotonic()
        p = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        with open(log, "a") as f:
            f.write("$ " + " ".join(argv) + f"\n{p.stdout}{p.stderr}exit {p.returncode}\n\n")
        result["attempts"].append({"argv": argv, "exit": p.returncode,
                                   "seconds": round(time.monotonic() - t, 2),
                                   "stderr_tail": p.stderr[-600:]})
        if p.returncode in (0, 1) and bundle.exists():
            result["exit"] = p.returncode
            result["network_sources"] = network
            return result
    result["exit"] = p.returncode
    return result


# -- running -------------------------------------------------------------------------------------

def submit_argv(ctx: DrillContext) -> list[str]:
    d, lab = ctx.drill, ctx.lab
    home = drill_spark_home(d, lab)
    master = lab.url("master") if d.master == "lab" else d.master
    conf = dict(lab.app_conf())
    conf.update({
        "spark.app.name": f"drill-{d.name}",
        "spark.ui.port": str(ctx.ui_port),
        "spark.port.maxRetries": "0",     # the UI must be on the port Prometheus was told about
        "spark.eventLog.logStageExecutorMetrics": "true",
        "spark.executor.memory": "768m",
        "spark.driver.memory": "768m",
    })
    conf.update(d.conf)
    conf.update(ctx.conf)
    if d.launcher == "python":
        return [labcore.venv_python(), str(APPS / d.app)] + [
            a.format(run=ctx.run_dir, lab=lab.root) for a in d.app_args]
    argv = ["bash", os.path.join(home, "bin", "spark-submit"), "--master", master]
    for k, v in conf.items():
        argv += ["--conf", f"{k}={v}"]
    argv += d.submit_args
    argv += [str(APPS / d.app)] + [a.format(run=ctx.run_dir, lab=lab.root) for a in d.app_args]
    return argv


def drill_spark_home(d: "Drill", lab: labcore.Lab) -> str:
    return lab.home if d.venv == "venv" else sparklab.spark_home(sparklab.venv_python(d.venv))


def find_app_id_in_log(path: pathlib.Path) -> str | None:
    """Fallback when the app never wrote appinfo.json: Spark's own start-up lines name the id
    (StandaloneSchedulerBackend "Connected to Spark cluster with app ID app-...")."""
    with contextlib.suppress(OSError):
        m = re.search(r"(?:app ID|application ID|Submitted application) ((?:app|local|application)-[0-9A-Za-z_-]+)",
                      path.read_text(errors="replace"))
        if m:
            return m.group(1)
    return None


def bundle_members(bundle: pathlib.Path) -> list[str]:
    p = subprocess.run(["tar", "--zstd", "-tf", str(bundle)], capture_output=True, text=True)
    return p.stdout.split()


def run_drill(lab: labcore.Lab, drill: Drill, out: pathlib.Path, collector: str) -> dict:
    run_dir = out / drill.name
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    ctx = DrillContext(lab, drill, run_dir)
    t0 = time.time()
    t0m = time.monotonic()
    record: dict = {"drill": drill.name, "failure_class": drill.failure_class,
                    "expected_root_cause": drill.root_cause, "how": drill.how,
                    "started_at": _utc(t0)}
    lab.up(quiet=True)
    target_file = None
    mark_daemon_logs(ctx)
    try:
        if drill.setup:
            drill.setup(ctx)
        if drill.launcher == "spark-submit":
            target_file = lab.register_driver(f"drill-{drill.name}", ctx.ui_port,
                                              {"drill": drill.name, "app_name": f"drill-{drill.name}"})
        env = lab._spark_env({"LAB_APPINFO": str(ctx.appinfo_path), "PYTHONUNBUFFERED": "1",
                              "LAB_RUN_DIR": str(run_dir)})
        if drill.venv != "venv":
            env.update({"SPARK_HOME": drill_spark_home(drill, lab),
                        "PYSPARK_PYTHON": sparklab.venv_python(drill.venv)})
        env.update(drill.env)
        env.update(ctx.env)
        argv = submit_argv(ctx)
        (run_dir / "submit.txt").write_text(" ".join(argv) + "\n")
        with open(ctx.driver_log, "wb") as logf:
            ctx.proc = subprocess.Popen(argv, env=env, stdout=logf, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        cwd=str(run_dir))
        lab.track_app(drill.name, ctx.proc.pid)
        action_thread = None
        if drill.action:
            def _act():
                try:
                    drill.action(ctx)
                except Exception as e:  # an action bug must not hang the drill
                    ctx.note(f"action failed: {e!r}")
            action_thread = threading.Thread(target=_act, daemon=True)
            action_thread.start()
        exit_code = None
        collect_result = None
        bundle = run_dir / "bundle.tar.zst"
        if drill.collect_while_running:
            # The app is stuck by design: wait until the action says the evidence is there,
            # collect while the app is still running (live UI included), then stop it.
            ctx.done_phase.wait(timeout=drill.timeout)
            if ctx.proc.poll() is not None:
                exit_code = ctx.proc.returncode
            collect_result = run_collector(collector, ctx, bundle, t0, live=True)
            sparklab._kill_group(ctx.proc.pid, grace=5.0)
            exit_code = ctx.proc.wait(timeout=15) if exit_code is None else exit_code
        else:
            try:
                exit_code = ctx.proc.wait(timeout=drill.timeout)
            except subprocess.TimeoutExpired:
                ctx.note(f"app still running after {drill.timeout:.0f}s: killed")
                sparklab._kill_group(ctx.proc.pid, grace=5.0)
                exit_code = ctx.proc.wait(timeout=15)
                record["timed_out"] = True
        ctx.stop.set()
        if action_thread:
            action_thread.join(timeout=30)
        sparklab._kill_group(ctx.proc.pid, grace=3.0)   # python workers, stray JVMs of the app
        if not ctx.app_id():
            app = find_app_id_in_log(ctx.driver_log)
            if app:
                info = ctx.info()
                info["app_id"] = app
                ctx.appinfo_path.write_text(json.dumps(info))
        wait_event_log_complete(lab, ctx.app_id())
        if collect_result is None:
            collect_result = run_collector(collector, ctx, bundle, t0, live=False)
    finally:
        ctx.stop.set()
        if ctx.proc is not None and ctx.proc.poll() is None:
            sparklab._kill_group(ctx.proc.pid, grace=3.0)
        lab.untrack_app(drill.name)
        for server in ctx.extra.get("servers", []):   # Spark Connect servers of the drill
            if server.poll() is None:
                sparklab._kill_group(server.pid, grace=5.0)
        if target_file is not None:
            with contextlib.suppress(OSError):
                target_file.unlink()
        if drill.cleanup:
            try:
                drill.cleanup(ctx)
            except Exception as e:
                ctx.note(f"cleanup failed: {e!r}")
    duration = time.monotonic() - t0m
    info = ctx.info()
    record.update({
        "app_id": info.get("app_id"),
        "app_ids": ([info["app_id"]] if info.get("app_id") else [])
                   + [a for a in ctx.extra.get("app_ids", []) if a != info.get("app_id")],
        "spark_version": sparklab.spark_version(drill_spark_home(drill, lab)),
        "java_version": sparklab.java_version(),
        "master": drill.master if drill.master != "lab" else lab.url("master"),
        "app_exit_code": exit_code,
        "app_outcome_expected": drill.expect_app_exit,
        "mechanism": drill.mechanism or None,
        "conf": drill.conf | ctx.conf,
        "signals_expected": [{"where": s.where, "text": s.text, "regex": s.regex, "note": s.note}
                             for s in drill.signals],
        "actions": ctx.notes,
        "duration_s": round(duration, 1),
        "bundle": str(bundle) if bundle.exists() else None,
        "bundle_bytes": bundle.stat().st_size if bundle.exists() else None,
        "collector": collect_result,
        "finished_at": _utc(time.time()),
    })
    (run_dir / "drill.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def wait_event_log_complete(lab: labcore.Lab, app_id: str | None, timeout: float = 15.0) -> None:
    """The driver renames <app>.inprogress when it stops; a killed driver never does. Waits a
    little for the rename so the bundle holds the final log when there is one."""
    if not app_id:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (lab.events / app_id).exists() or not (lab.events / f"{app_id}.inprogress").exists():
            return
        time.sleep(0.2)


# -- reading a bundle (tests and `drill run` checks) -------------------------------------------

def read_bundle_texts(bundle: pathlib.Path) -> dict[str, str]:
    """{member path: text} of a tar.zst bundle (event logs decoded when plain text)."""
    import tarfile
    import tempfile
    texts: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as td:
        tar_path = pathlib.Path(td) / "b.tar"
        subprocess.run(["zstd", "-q", "-d", str(bundle), "-o", str(tar_path)], check=True)
        with tarfile.open(tar_path) as tf:
            for m in tf.getmembers():
                if not m.isfile():
                    continue
                data = tf.extractfile(m).read()
                if m.name.endswith((".zstd", ".zst")):
                    # Spark 4 writes event logs zstd-compressed by default; read them as text.
                    p = subprocess.run(["zstd", "-q", "-d", "-c"], input=data, capture_output=True)
                    data = p.stdout if p.returncode == 0 or p.stdout else data
                name = m.name.split("/", 1)[1] if "/" in m.name else m.name
                texts[name] = data.decode("utf-8", errors="replace")
    return texts


WHERE_PREFIX = {
    "eventlog": ("eventlogs/",),
    "driver": ("logs/driver/",),
    "executor": ("logs/executors/", "logs/workers/", "workers/"),
    "other": ("logs/other/",),
    "prometheus": ("prometheus/",),
    "alertmanager": ("alertmanager/",),
    "history": ("history/",),
    "spark-ui": ("spark-ui/",),
    "any": ("",),
}


def prom_series(name: str, at_least: float = 0.0, labels: dict | None = None):
    """A Signal check over a Prometheus range-query dump (the collector's prometheus/*.json): a
    series `name` (with `labels`) whose largest sample is >= at_least."""
    def check(text: str) -> str | None:
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        for series in (doc.get("data") or {}).get("result") or [] if isinstance(doc, dict) else []:
            m = series.get("metric", {})
            if m.get("__name__") != name or any(m.get(k) != v for k, v in (labels or {}).items()):
                continue
            values = [float(v) for _, v in series.get("values", [])]
            if values and max(values) >= at_least:
                shown = ", ".join(f'{k}="{v}"' for k, v in sorted(m.items())
                                  if k in ("application_id", "executor_id", "job", "type"))
                return f"{name}{{{shown}}} max {max(values):g} over {len(values)} samples"
        return None
    return check


def check_signals(bundle: pathlib.Path, signals: list[Signal], offered: set[str] | None = None) -> list[dict]:
    """Looks for each signal in the bundle. A signal that needs a collector source (needs_source,
    e.g. "--prometheus") is required only when the collector offers that option (`offered`, from
    its --help); otherwise it is reported as not applicable."""
    texts = read_bundle_texts(bundle)
    results = []
    for s in signals:
        if s.needs_source and offered is not None and s.needs_source not in offered:
            results.append({"where": s.where, "signal": s.describe(), "found_in": None, "detail": None,
                            "source_present": False, "not_applicable": f"collector has no {s.needs_source}"})
            continue
        prefixes = WHERE_PREFIX[s.where]
        pool = {k: v for k, v in texts.items() if k.startswith(prefixes)}
        found_in, detail = None, None
        for k, v in pool.items():
            if s.check is not None:
                detail = s.check(v)
                if detail:
                    found_in = k
                    break
            elif (s.text is not None and s.text in v) or (s.regex is not None and re.search(s.regex, v)):
                found_in = k
                break
        results.append({"where": s.where, "signal": s.describe(), "found_in": found_in,
                        "detail": detail, "source_present": bool(pool)})
    return results

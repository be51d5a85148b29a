"""sparklab: drive a REAL Spark from the pyspark pip package, for integration tests and fixture
generators. Stdlib only (pyspark is needed only in the processes that run Spark apps).

What it gives:
  spark_home()              the pyspark package directory (a whole Spark distribution)
  venv_python()             the python of the venv made by scripts/install-spark.sh
  free_port()               a free TCP port on 127.0.0.1
  spark_env()               environment for anything that starts Spark: SPARK_HOME,
                            SPARK_LOCAL_IP=127.0.0.1 (every listener binds to loopback), ...
  java_version()            "17.0.15" etc. of the java Spark will use
  HistoryServer             a real Spark History Server as a child process (context manager):
                            start/stop, wait for apps, REST JSON and the /logs zip, timings
  time_history_server()     cold-start figures of a fresh HS for one app (for the benchmark)
  run_app()                 run a python script (a pyspark app) in its own process group and
                            always kill that group afterwards (driver JVM, local-cluster
                            executors and python workers included)
  executor_pids()           pids of the executor JVMs of a local-cluster app (to kill -9 them)

Everything binds to 127.0.0.1, and every process started here is killed by its pid or by the
process group this module created for it -- never by name.

Example:
    with sparklab.HistoryServer(log_dir) as hs:
        hs.wait_for_apps(["local-1700000000000"])
        jobs = hs.jobs("local-1700000000000")
        print(hs.timings)
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

LOOPBACK = "127.0.0.1"
DEFAULT_QUANTILES = "0.0,0.05,0.25,0.5,0.75,0.95,1.0"
HS_CLASS = "org.apache.spark.deploy.history.HistoryServer"


def cache_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SPARKMEDIC_CACHE",
                                       os.path.expanduser("~/.cache/sparkmedic")))


def venv_python(venv: str = "venv") -> str:
    """The python of a venv made by scripts/install-spark.sh ('venv' = pyspark 4, 'venv35')."""
    py = cache_dir() / venv / "bin" / "python"
    if not py.exists():
        raise FileNotFoundError(f"{py} missing: run scripts/install-spark.sh"
                                + (" --with-35" if venv == "venv35" else ""))
    return str(py)


def spark_home(python: str | None = None) -> str:
    """SPARK_HOME of the pyspark package: of this interpreter if it imports pyspark and no python
    is named, else of the given (or the default venv's) python."""
    if python is None:
        if os.environ.get("SPARK_HOME") and os.path.isdir(
                os.path.join(os.environ["SPARK_HOME"], "jars")):
            return os.environ["SPARK_HOME"]
        try:
            import pyspark  # noqa: F401
            return os.path.dirname(pyspark.__file__)
        except ImportError:
            python = venv_python()
    out = subprocess.run([python, "-c", "import os,pyspark;print(os.path.dirname(pyspark.__file__))"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def spark_version(home: str) -> str:
    """Spark version of a SPARK_HOME, read from the spark-core jar name."""
    for jar in sorted(os.listdir(os.path.join(home, "jars"))):
        if jar.startswith("spark-core_") and jar.endswith(".jar"):
            return jar[:-4].split("-")[-1]
    raise RuntimeError(f"no spark-core jar under {home}/jars")


def java_version() -> str:
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
    for line in out.stderr.splitlines():
        if "java.runtime.version =" in line:
            return line.split("=", 1)[1].strip()
    return out.stderr.splitlines()[0] if out.stderr else "unknown"


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def spark_env(home: str | None = None, extra: dict | None = None) -> dict:
    """Environment for processes that start Spark: loopback only, no user conf dir."""
    home = home or spark_home()
    env = dict(os.environ)
    env.update({
        "SPARK_HOME": home,
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_LOCAL_HOSTNAME": "localhost",
        "PYTHONHASHSEED": "0",
        "PYSPARK_PYTHON": env.get("PYSPARK_PYTHON", sys.executable),
    })
    env.pop("SPARK_CONF_DIR", None)
    env.pop("PYSPARK_DRIVER_PYTHON", None)
    if extra:
        env.update(extra)
    return env


def _kill_group(pid: int, grace: float = 10.0) -> None:
    """SIGTERM the process group led by pid (a group we created), then SIGKILL what is left."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _group_alive(pid):
                return
            time.sleep(0.1)


def _group_alive(pgid: int) -> bool:
    for p in pathlib.Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] = state, fields[2] = pgrp
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def executor_pids(app_id: str | None = None) -> dict[str, int]:
    """{executor id: pid} of CoarseGrainedExecutorBackend JVMs on this machine (local-cluster
    mode), restricted to one application when app_id is given."""
    found = {}
    for p in pathlib.Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            argv = (p / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv]
        if "org.apache.spark.executor.CoarseGrainedExecutorBackend" not in args:
            continue
        def opt(name):
            return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None
        if app_id and opt("--app-id") != app_id:
            continue
        found[opt("--executor-id")] = int(p.name)
    return found


class HttpError(Exception):
    def __init__(self, url, code, body):
        super().__init__(f"HTTP {code} for {url}: {body[:300]!r}")
        self.url, self.code, self.body = url, code, body


class HistoryServer:
    """A real Spark History Server over log_dir, as a child process bound to 127.0.0.1.

    mode="spark-class": bin/spark-class org.apache.spark.deploy.history.HistoryServer, our child
                        (default; the JVM is exec'ed, so the child pid is the JVM's).
    mode="daemon":      sbin/start-history-server.sh (spark-daemon.sh); its pid file in
                        SPARK_PID_DIR names the JVM, which stop() kills by that pid.
    conf: extra spark.* settings (passed as -D in SPARK_HISTORY_OPTS).
    timings: {"start_s": launch -> /api/v1/applications answers,
              "apps": {app_id: {"listed_s": launch -> app listed,
                                "stages_first_answer_s": first /stages request duration,
                                "stages_ready_s": launch -> /stages answered}}}
    """

    def __init__(self, log_dir, home: str | None = None, port: int | None = None,
                 conf: dict | None = None, mode: str = "spark-class",
                 startup_timeout: float = 120.0, workdir: str | None = None):
        self.log_dir = os.path.abspath(str(log_dir))
        self.home = home or spark_home()
        self.port = port or free_port()
        self.conf = {
            "spark.history.fs.logDirectory": "file:" + self.log_dir,
            "spark.history.ui.port": str(self.port),
            "spark.history.fs.update.interval": "1s",
            "spark.history.fs.cleaner.enabled": "false",
            "spark.ui.enabled": "true",
        }
        self.conf.update(conf or {})
        self.mode = mode
        self.startup_timeout = startup_timeout
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="sparklab-hs-")
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self.t0: float | None = None
        self.timings: dict = {"apps": {}}
        self.base = f"http://{LOOPBACK}:{self.port}"

    # -- lifecycle -------------------------------------------------------------------------
    def _env(self):
        opts = " ".join(f"-D{k}={v}" for k, v in self.conf.items())
        return spark_env(self.home, {
            "SPARK_LOG_DIR": os.path.join(self.workdir, "logs"),
            "SPARK_PID_DIR": os.path.join(self.workdir, "pids"),
            "SPARK_HISTORY_OPTS": opts,
            "SPARK_NO_DAEMONIZE": "",
        })

    def start(self) -> "HistoryServer":
        os.makedirs(os.path.join(self.workdir, "logs"), exist_ok=True)
        os.makedirs(os.path.join(self.workdir, "pids"), exist_ok=True)
        env = self._env()
        env.pop("SPARK_NO_DAEMONIZE")
        self.out_path = os.path.join(self.workdir, "history-server.out")
        out = open(self.out_path, "wb")
        self.t0 = time.monotonic()
        if self.mode == "spark-class":
            self.proc = subprocess.Popen(
                ["bash", os.path.join(self.home, "bin", "spark-class"), HS_CLASS],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
            self.pid = self.proc.pid
        elif self.mode == "daemon":
            subprocess.run(["bash", os.path.join(self.home, "sbin", "start-history-server.sh")],
                           env=env, stdout=out, stderr=subprocess.STDOUT, check=True,
                           stdin=subprocess.DEVNULL)
            pidfiles = list(pathlib.Path(self.workdir, "pids").glob("*HistoryServer*.pid"))
            if not pidfiles:
                raise RuntimeError("start-history-server.sh wrote no pid file")
            self.pid = int(pidfiles[0].read_text().strip())
        else:
            raise ValueError(self.mode)
        out.close()
        deadline = self.t0 + self.startup_timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"History Server exited with {self.proc.returncode}:\n"
                                   + self.server_log()[-3000:])
            try:
                self.get("/api/v1/applications", timeout=2)
                break
            except (OSError, HttpError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError("History Server did not answer in time:\n"
                                       + self.server_log()[-3000:])
                time.sleep(0.2)
        self.timings["start_s"] = round(time.monotonic() - self.t0, 3)
        return self

    def server_log(self) -> str:
        texts = []
        for p in [pathlib.Path(self.out_path), *pathlib.Path(self.workdir, "logs").glob("*")]:
            with contextlib.suppress(OSError):
                texts.append(p.read_text(errors="replace"))
        return "\n".join(texts)

    def stop(self) -> None:
        if self.pid is None:
            return
        if self.proc is not None:
            _kill_group(self.pid)
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)
        else:  # daemon mode: the JVM is not our child; kill it by the pid Spark recorded
            for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline and os.path.exists(f"/proc/{self.pid}"):
                    time.sleep(0.1)
        self.pid = None

    def close(self) -> None:
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()

    # -- HTTP --------------------------------------------------------------------------------
    def get(self, path: str, params: dict | None = None, timeout: float = 120.0) -> bytes:
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params, safe=",")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            raise HttpError(url, e.code, e.read().decode(errors="replace")) from None

    def get_json(self, path: str, params: dict | None = None, timeout: float = 120.0):
        return json.loads(self.get(path, params, timeout))

    @staticmethod
    def _app(app_id: str, attempt: str | None) -> str:
        return f"/api/v1/applications/{app_id}" + (f"/{attempt}" if attempt else "")

    # -- REST API ----------------------------------------------------------------------------
    def applications(self, **params):
        return self.get_json("/api/v1/applications", params or None)

    def application(self, app_id):
        return self.get_json(f"/api/v1/applications/{app_id}")

    def jobs(self, app_id, attempt=None):
        return self.get_json(self._app(app_id, attempt) + "/jobs")

    def stages(self, app_id, attempt=None, details=False):
        return self.get_json(self._app(app_id, attempt) + "/stages",
                             {"details": "true" if details else "false"})

    def task_summary(self, app_id, stage_id, stage_attempt, attempt=None, quantiles=DEFAULT_QUANTILES):
        return self.get_json(self._app(app_id, attempt) + f"/stages/{stage_id}/{stage_attempt}/taskSummary",
                             {"quantiles": quantiles})

    def all_executors(self, app_id, attempt=None):
        return self.get_json(self._app(app_id, attempt) + "/allexecutors")

    def environment(self, app_id, attempt=None):
        return self.get_json(self._app(app_id, attempt) + "/environment")

    def logs(self, app_id, attempt=None) -> bytes:
        """The event log files of the app (all attempts unless one is named), as a zip."""
        return self.get(self._app(app_id, attempt) + "/logs")

    # -- waiting -------------------------------------------------------------------------------
    def wait_for_apps(self, app_ids, timeout: float = 120.0, completed: bool | None = None):
        """Waits until /api/v1/applications lists every id (and, if completed is given, with that
        completion state on the last attempt). Returns the application list."""
        want = set(app_ids)
        deadline = time.monotonic() + timeout
        while True:
            apps = self.applications()
            seen = {}
            for a in apps:
                seen[a["id"]] = a["attempts"][0].get("completed") if a.get("attempts") else None
            for app_id in want & set(seen):
                self.timings["apps"].setdefault(app_id, {}).setdefault(
                    "listed_s", round(time.monotonic() - self.t0, 3))
            ok = want <= set(seen) and (completed is None or all(seen[i] == completed for i in want))
            if ok:
                return apps
            if time.monotonic() > deadline:
                raise TimeoutError(f"History Server listed {sorted(seen)}, wanted {sorted(want)}:\n"
                                   + self.server_log()[-3000:])
            time.sleep(0.25)

    def wait_for_stages(self, app_id, attempt=None, timeout: float = 120.0):
        """First /stages answer for the app (this is when the HS replays the log into its
        store); records how long that request took and when it came, relative to launch."""
        deadline = time.monotonic() + timeout
        while True:
            t = time.monotonic()
            try:
                stages = self.stages(app_id, attempt)
            except HttpError as e:
                if e.code != 404 or time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
                continue
            rec = self.timings["apps"].setdefault(app_id, {})
            rec.setdefault("stages_first_answer_s", round(time.monotonic() - t, 3))
            rec.setdefault("stages_ready_s", round(time.monotonic() - self.t0, 3))
            return stages


def time_history_server(log_dir, app_id: str, attempt: str | None = None, home: str | None = None,
                        conf: dict | None = None, timeout: float = 600.0) -> dict:
    """Cold-start figures for one app: a fresh History Server over log_dir, timed until it
    answers, until it lists app_id, and until /applications/<id>/stages answers.
    Returns {"start_s", "listed_s", "stages_first_answer_s", "stages_ready_s", "log_dir_bytes"}."""
    size = sum(p.stat().st_size for p in pathlib.Path(log_dir).rglob("*") if p.is_file())
    with HistoryServer(log_dir, home, conf=conf) as hs:
        hs.wait_for_apps([app_id], timeout=timeout)
        hs.wait_for_stages(app_id, attempt, timeout=timeout)
        return {"start_s": hs.timings["start_s"], **hs.timings["apps"][app_id], "log_dir_bytes": size}


def run_app(argv: list[str], env: dict, timeout: float = 900.0, log_path: str | None = None,
            on_start=None) -> int:
    """Runs argv (e.g. [python, app.py, ...]) in a new process group, waits up to timeout, and
    always kills that whole group afterwards, so no driver/executor JVM or python worker is left.
    on_start(proc) may watch the app (for example to SIGKILL its driver) and returns nothing.
    Returns the exit code (negative: killed by that signal)."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        if on_start is not None:
            on_start(proc)
        return proc.wait(timeout=timeout)
    finally:
        _kill_group(proc.pid, grace=5.0)
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)
        if log_path:
            out.close()

#!/usr/bin/env python3
"""sparkmedic-collect against REAL servers (registered in tests/integration/CMakeLists.txt):

  history SPARK   a real Spark History Server (pyspark 4.0.1: SPARK=4, 3.5.9: SPARK=35) over the
                  committed generated event logs (tests/data/eventlogs/generated): the exact files
                  collected, failed-task lists as long as the server's own numFailedTasks, the event
                  log byte for byte, --app-name resolved to the id, an unknown id (skipped, with the
                  server's 404), then the server stopped (failed, with curl's error; bundle written).
  live            a real pyspark 4.0.1 application kept alive (collect_live_app.py) with secrets
                  planted in its conf, a real Prometheus scraping its PrometheusServlet sink and
                  /metrics/executors/prometheus, a real Alertmanager holding alerts posted to its
                  API: Spark UI, Prometheus, Alertmanager, the in-progress zstd event log and the
                  driver log collected; no planted secret in any bundle byte (compressed members
                  decoded), every one counted. Then the app stopped (Spark UI failed, Prometheus
                  still collected), Prometheus and Alertmanager stopped (failed), and a History
                  Server over the finished log (secrets absent again).
  workers         a real Spark standalone Master and Worker (--work-dir) running a real application
                  on a separate executor JVM: --worker-dir turns <workDir>/<appId>/<execId>/stdout|
                  stderr into logs/executors/<execId>/<appId>/, other applications' directories are
                  left out, and without --app-id every application's are taken.
  tls             a real Prometheus serving https with basic auth (--web.config.file): unverified
                  certificate (failed, curl's TLS error), --cacert without credentials (failed, HTTP
                  401), --cacert with --header-file, --insecure with user:password in the URL
                  (collected; the password in no bundle byte), a bad --token-file (usage error).
  rescan          a binary file holding an AWS key id (the rules do not rewrite binary files):
                  the re-scan finds it, the file is withheld, exit 4.

Every bundle's manifest is validated against docs/schemas/bundle-manifest-v1.schema.json.
Missing dependencies (pyspark venvs: scripts/install-spark.sh --with-35; prometheus and
prometheus-alertmanager: scripts/install-lab-deps.sh; python3-jsonschema and zstd:
scripts/install-deps.sh) make the test FAIL with the command to run, never skip.

usage: test_collect_network.py CASE [SPARK] --collect BIN --source DIR --work DIR
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sparklab  # noqa: E402

FAILURES: list[str] = []


def fail(msg: str) -> None:
    FAILURES.append(msg)
    print("FAIL: " + msg, flush=True)


def check(cond: bool, msg: str) -> bool:
    if not cond:
        fail(msg)
    return cond


def need(ok: bool, what: str, how: str) -> None:
    if not ok:
        print(f"MISSING DEPENDENCY: {what}: run {how}", flush=True)
        sys.exit(1)


# -- the collector and its bundles ------------------------------------------------------------

class Collector:
    def __init__(self, binary: str, work: pathlib.Path):
        self.binary, self.work, self.n = binary, work, 0

    def run(self, *args: str, out_format: str = "tar.zst") -> tuple[int, str, pathlib.Path]:
        self.n += 1
        out = self.work / f"bundle-{self.n}.{out_format}" if out_format != "dir" else self.work / f"bundle-{self.n}"
        argv = [self.binary, "--out", str(out), "--format", out_format, "--timeout", "20", "--retries", "1", *args]
        print("$ " + " ".join(argv), flush=True)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        print(p.stdout + p.stderr, flush=True)
        return p.returncode, p.stdout + p.stderr, out


def zstd_decode(data: bytes) -> bytes:
    return subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=False).stdout


def bundle_files(path: pathlib.Path) -> dict[str, bytes]:
    """Every file of a bundle (dir or .tar.zst), keyed by its path under the bundle root."""
    files = {}
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file():
                files[p.relative_to(path).as_posix()] = p.read_bytes()
        return files
    raw = zstd_decode(path.read_bytes())
    tmp = path.with_suffix(".check.tar")
    tmp.write_bytes(raw)
    with tarfile.open(tmp) as t:
        for m in t.getmembers():
            if m.isfile():
                files[m.name.split("/", 1)[1]] = t.extractfile(m).read()
    tmp.unlink()
    return files


def decoded(data: bytes) -> bytes:
    return zstd_decode(data) if data[:4] == b"\x28\xb5\x2f\xfd" else data


class Bundle:
    def __init__(self, path: pathlib.Path, schema_validator):
        self.path = path
        self.files = bundle_files(path)
        self.manifest = json.loads(self.files["manifest.json"])
        errors = [e.message for e in schema_validator.iter_errors(self.manifest)]
        check(not errors, f"{path}: manifest does not validate: {errors[:3]}")

    def source(self, name: str) -> dict:
        for s in self.manifest["sources"]:
            if s["name"] == name:
                return s
        raise KeyError(name)

    def paths(self, prefix: str = "") -> list[str]:
        return sorted(p for p in self.files if p != "manifest.json" and p.startswith(prefix))

    def file_record(self, path: str) -> dict:
        return next(f for f in self.manifest["files"] if f["path"] == path)

    def rule(self, name: str) -> int:
        return next((r["count"] for r in self.manifest["redaction"]["rules"] if r["rule"] == name), 0)

    def assert_absent(self, secrets_: dict[str, str]) -> None:
        """No planted value in any byte: raw archive, every member, compressed members decoded."""
        blobs = {"<archive>": self.path.read_bytes() if self.path.is_file() else b""}
        for p, data in self.files.items():
            blobs[p] = data
            blobs[p + " (decoded)"] = decoded(data)
        for name, value in secrets_.items():
            where = [p for p, data in blobs.items() if value.encode() in data]
            check(not where, f"{self.path}: planted secret {name} found in {where}")


def get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


# -- Prometheus and Alertmanager as plain processes ---------------------------------------------

class Daemon:
    def __init__(self, name: str, argv: list[str], ready_url: str, workdir: pathlib.Path):
        self.name, self.argv, self.ready_url, self.workdir = name, argv, ready_url, workdir
        self.proc = None

    def start(self) -> "Daemon":
        log = open(self.workdir / f"{self.name}.log", "wb")
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                get(self.ready_url, timeout=2)
                return self
            except (OSError, urllib.error.URLError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start:\n" +
                                       (self.workdir / f"{self.name}.log").read_text()[-2000:])
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None


def start_prometheus(work: pathlib.Path, ui_port: int) -> tuple[Daemon, str]:
    port = sparklab.free_port()
    (work / "prometheus").mkdir(exist_ok=True)
    (work / "prometheus.yml").write_text(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: spark-driver
    metrics_path: /metrics/prometheus/
    static_configs: [{{targets: ["127.0.0.1:{ui_port}"]}}]
  - job_name: spark-executors
    metrics_path: /metrics/executors/prometheus
    static_configs: [{{targets: ["127.0.0.1:{ui_port}"]}}]
""")
    url = f"http://127.0.0.1:{port}"
    d = Daemon("prometheus", ["prometheus", f"--config.file={work / 'prometheus.yml'}",
                              f"--storage.tsdb.path={work / 'prometheus'}", f"--web.listen-address=127.0.0.1:{port}"],
               url + "/-/ready", work)
    return d.start(), url


def start_alertmanager(work: pathlib.Path) -> tuple[Daemon, str]:
    port = sparklab.free_port()
    (work / "alertmanager").mkdir(exist_ok=True)
    (work / "alertmanager.yml").write_text("route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n")
    url = f"http://127.0.0.1:{port}"
    d = Daemon("alertmanager", ["prometheus-alertmanager", f"--config.file={work / 'alertmanager.yml'}",
                                f"--storage.path={work / 'alertmanager'}", f"--web.listen-address=127.0.0.1:{port}",
                                "--cluster.listen-address="],
               url + "/-/ready", work)
    return d.start(), url


def post_alert(am_url: str, labels: dict) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    body = json.dumps([{"labels": labels, "annotations": {"summary": "posted by the collector test"},
                        "startsAt": now, "generatorURL": "http://127.0.0.1/collector-test"}]).encode()
    req = urllib.request.Request(am_url + "/api/v2/alerts", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        check(r.status == 200, f"POST /api/v2/alerts answered {r.status}")


# -- cases ----------------------------------------------------------------------------------------

HS_FIXTURES = {"4": ("spark-4.0.1", "venv"), "35": ("spark-3.5.9", "venv35")}
REST_FILES = ["allexecutors.json", "application.json", "environment.json", "executors.json", "jobs.json", "stages.json"]


def case_history(args, validator) -> None:
    fixture_dir, venv = HS_FIXTURES[args.spark]
    python = str(sparklab.cache_dir() / venv / "bin" / "python")
    need(os.path.exists(python), f"pyspark venv {venv}", "scripts/install-spark.sh --with-35")
    home = sparklab.spark_home(python)
    gen = pathlib.Path(args.source) / "tests/data/eventlogs/generated" / fixture_dir
    events = args.work / "events"
    events.mkdir()
    for fx in ("fail-task-retries", "codec-zstd"):
        for f in (gen / fx).iterdir():
            shutil.copy(f, events / f.name)
    manifest = json.load(open(gen.parent / "MANIFEST.json"))
    app = manifest["fixtures"][f"{fixture_dir}/fail-task-retries"]["app_id"]
    log_name = next(f.name for f in (gen / "fail-task-retries").iterdir())
    col = Collector(args.collect, args.work)
    with sparklab.HistoryServer(events, home=home, workdir=str(args.work / "hs")) as hs:
        hs.wait_for_apps([app])
        stages = hs.stages(app)
        rc, out, path = col.run("--app-id", app, "--history-server", hs.base)
        check(rc == 0, f"history: exit {rc}, want 0")
        b = Bundle(path, validator)
        failed = sorted((s["stageId"], s["attemptId"], s["numFailedTasks"]) for s in stages
                        if s["status"] == "FAILED" or s["numFailedTasks"] > 0)
        want = sorted([f"history/{app}/{f}" for f in REST_FILES] + ["history/version.json", f"eventlogs/{log_name}"] +
                      [f"history/{app}/tasks/stage-{s}-attempt-{a}-failed.json" for s, a, _ in failed])
        check(b.paths() == want, f"history: files {b.paths()}, want {want}")
        check(len(failed) == 2, f"history: {len(failed)} stage attempts with failed tasks, the fixture has 2")
        for s, a, n in failed:
            tasks = json.loads(b.files[f"history/{app}/tasks/stage-{s}-attempt-{a}-failed.json"])
            check(len(tasks) == n and all(t["status"] == "FAILED" for t in tasks),
                  f"history: stage {s}.{a}: {len(tasks)} failed tasks collected, the server counts {n}")
        check(b.files[f"eventlogs/{log_name}"] == (gen / "fail-task-retries" / log_name).read_bytes(),
              "history: the event log from /logs is not byte for byte the fixture")
        check(b.source("history-server")["status"] == "collected", "history: source not collected")
        check(b.file_record(f"eventlogs/{log_name}")["source"] == "history-server", "history: event log not attributed")
        check(json.loads(b.files[f"history/{app}/application.json"])["id"] == app, "history: application.json id")

        # Caps: answers cut at the per-source cap, recorded; the source is still collected.
        rc, out, path = col.run("--app-id", app, "--history-server", hs.base, "--max-source-bytes", "3000")
        b = Bundle(path, validator)
        s = b.source("history-server")
        sizes = [f["size"] for f in b.manifest["files"] if f["source"] == "history-server"]
        cut = [f["path"] for f in b.manifest["files"] if f["truncated"]]
        check(rc == 0 and s["status"] == "collected" and s["truncated"] and sum(sizes) <= 3000 and cut,
              f"history caps: exit {rc}, {s}, sizes {sizes}, truncated {cut}")

        # --app-name: the id comes from the server's application list.
        name = hs.application(app)["name"]
        rc, out, path = col.run("--app-name", name, "--history-server", hs.base, out_format="dir")
        check(rc == 0 and f'--app-name "{name}" is {app}' in out, f"history --app-name: exit {rc}, output {out[-300:]}")
        b = Bundle(path, validator)
        check(b.manifest["target"]["application_ids"] == [app], f"history --app-name: target {b.manifest['target']}")
        check(f"history/{app}/application.json" in b.files, "history --app-name: application.json missing")

        # An id the server does not know: skipped with the server's answer, not failed.
        rc, out, path = col.run("--app-id", "app-20000101000000-9999", "--history-server", hs.base)
        b = Bundle(path, validator)
        s = b.source("history-server")
        check(rc == 0 and s["status"] == "skipped" and "HTTP 404" in s["reason"] and "app-20000101000000-9999" in s["reason"],
              f"history unknown app: exit {rc}, source {s}")
        base = hs.base
    # Stopped: the source fails with curl's error; the local event log is still collected.
    rc, out, path = col.run("--app-id", app, "--history-server", base, "--eventlog", str(events))
    check(rc == 1, f"history stopped: exit {rc}, want 1 (a source failed)")
    b = Bundle(path, validator)
    s = b.source("history-server")
    check(s["status"] == "failed" and "Couldn't connect to server" in s["error"], f"history stopped: {s}")
    check(b.source("eventlogs")["status"] == "collected" and f"eventlogs/{log_name}" in b.files,
          "history stopped: the local event log was lost")


def random_secret(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def case_live(args, validator) -> None:
    python = sparklab.venv_python("venv") if (sparklab.cache_dir() / "venv/bin/python").exists() else None
    need(python is not None, "pyspark 4.0.1 venv", "scripts/install-spark.sh")
    home = sparklab.spark_home(python)
    work = args.work
    planted = {
        "s3a_secret": random_secret(40),
        "azure_key": random_secret(44),
        "api_key": "lab-" + random_secret(24),
        "url_password": random_secret(18),
        "aws_key_id": "AKIA" + random_secret(16, string.ascii_uppercase + string.digits),
        "cli_url_password": random_secret(16),
    }
    ui_port = sparklab.free_port()
    events = work / "events"
    events.mkdir()
    settings = {"ui_port": ui_port, "event_dir": str(events), "stop_file": str(work / "stop"),
                "app_id_file": str(work / "app_id"), "namespace": "sparkmedic_collect_test", "secrets": planted}
    (work / "settings.json").write_text(json.dumps(settings))
    driver_log = work / "driver.log"
    env = sparklab.spark_env(home, {"PYSPARK_PYTHON": python})
    prom = am = None
    app_proc = subprocess.Popen([python, str(HERE / "collect_live_app.py"), str(work / "settings.json")], env=env,
                                stdout=open(driver_log, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    col = Collector(args.collect, work)
    try:
        deadline = time.monotonic() + 300
        while not (work / "app_id").exists():
            if app_proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the live app did not start:\n" + driver_log.read_text()[-3000:])
            time.sleep(0.5)
        app = (work / "app_id").read_text()
        prom, prom_url = start_prometheus(work, ui_port)
        am, am_url = start_alertmanager(work)
        post_alert(am_url, {"alertname": "SparkmedicCollectorTest", "application_id": app, "severity": "warning"})
        post_alert(am_url, {"alertname": "SparkmedicCollectorTest", "application_id": "app-other", "severity": "warning"})
        # Wait until Prometheus holds samples of both Spark endpoints for this application.
        for q in (f'metrics_executor_memoryUsed_bytes{{application_id="{app}"}}',
                  "metrics_sparkmedic_collect_test_driver_appStatus_stages_failedStages_Count"):
            deadline = time.monotonic() + 120
            while not json.loads(get(prom_url + "/api/v1/query?query=" + urllib.parse.quote(q)))["data"]["result"]:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Prometheus never scraped {q}")
                time.sleep(0.5)
        time.sleep(2)  # a few more scrapes inside the window

        ui = f"http://labuser:{planted['cli_url_password']}@127.0.0.1:{ui_port}"
        rc, out, path = col.run("--app-id", app, "--spark-ui", ui, "--prometheus", prom_url, "--alertmanager", am_url,
                                "--alert-label", f"application_id={app}", "--eventlog", str(events),
                                "--driver-log", str(driver_log))
        check(rc == 0, f"live: exit {rc}, want 0")
        b = Bundle(path, validator)
        # Spark UI: its REST answers, the failed stage's task list.
        stages = json.loads(get(f"http://127.0.0.1:{ui_port}/api/v1/applications/{app}/stages"))
        failed = [(s["stageId"], s["attemptId"]) for s in stages if s["status"] == "FAILED" or s["numFailedTasks"] > 0]
        check(len(failed) == 1, f"live: the app has {len(failed)} stages with failed tasks, it makes 1")
        want = sorted([f"spark-ui/{app}/{f}" for f in REST_FILES] + ["spark-ui/version.json"] +
                      [f"spark-ui/{app}/tasks/stage-{s}-attempt-{a}-failed.json" for s, a in failed])
        check(b.paths("spark-ui/") == want, f"live: spark-ui files {b.paths('spark-ui/')}, want {want}")
        # Prometheus: one file per default query, real series for this application.
        want_prom = sorted(f"prometheus/{n}.json" for n in (
            "driver_dag_scheduler", "driver_memory", "driver_gc", "driver_block_manager", "driver_listener_bus",
            "driver_app_status", "driver_executor_allocation", "executor_memory", "executor_tasks", "executor_gc",
            "executor_io", "standalone_master", "standalone_workers", "alerts"))
        check(b.paths("prometheus/") == want_prom, f"live: prometheus files {b.paths('prometheus/')}")
        ex = json.loads(b.files["prometheus/executor_memory.json"])
        check(ex["status"] == "success" and any(
            r["metric"]["__name__"] == "metrics_executor_memoryUsed_bytes" and r["metric"]["application_id"] == app
            for r in ex["data"]["result"]), "live: no metrics_executor_memoryUsed_bytes series for the app")
        st = json.loads(b.files["prometheus/driver_app_status.json"])
        series = {r["metric"]["__name__"]: r["values"] for r in st["data"]["result"]}
        for metric, value in (("metrics_sparkmedic_collect_test_driver_appStatus_stages_failedStages_Count", "1"),
                              ("metrics_sparkmedic_collect_test_driver_appStatus_jobs_failedJobs_Count", "1"),
                              ("metrics_sparkmedic_collect_test_driver_appStatus_jobs_succeededJobs_Count", "1")):
            check(metric in series and series[metric][-1][1] == value,
                  f"live: {metric} last value {series.get(metric, [[0, None]])[-1][1]}, want {value}")
        dag = json.loads(b.files["prometheus/driver_dag_scheduler.json"])
        check(any(r["metric"]["__name__"] == "metrics_sparkmedic_collect_test_driver_DAGScheduler_job_allJobs_Value"
                  for r in dag["data"]["result"]), "live: DAGScheduler job_allJobs series missing")
        check(b.source("prometheus")["status"] == "collected", f"live: prometheus {b.source('prometheus')}")
        # Alertmanager: only this application's alert (--alert-label), active in the window.
        alerts = json.loads(b.files["alertmanager/alerts.json"])
        check(len(alerts) == 1 and alerts[0]["labels"]["application_id"] == app and
              alerts[0]["labels"]["alertname"] == "SparkmedicCollectorTest", f"live: alerts {alerts}")
        # The in-progress event log (Spark 4 rolls its logs by default: eventlog_v2_<app>/, zstd)
        # and the driver log: collected, secrets gone.
        part = f"eventlogs/eventlog_v2_{app}/events_1_{app}.zstd"
        want_logs = [f"eventlogs/eventlog_v2_{app}/appstatus_{app}.inprogress", part]
        check(b.paths("eventlogs/") == want_logs, f"live: event logs {b.paths('eventlogs/')}, want {want_logs}")
        check(b"SparkListenerEnvironmentUpdate" in decoded(b.files.get(part, b"")), "live: the event log lost its events")
        check("logs/driver/driver.log" in b.files, "live: driver log missing")
        b.assert_absent(planted)
        origin_part = decoded((events / part.split("/", 1)[1]).read_bytes())
        check_counts(b, {"logs/driver/driver.log": driver_log.read_bytes(), part: origin_part}, planted)
        for rule in ("conf-secret", "url-credentials", "aws-access-key-id", "known-value"):
            check(b.rule(rule) > 0, f"live: rule {rule} counted {b.rule(rule)}")
        check(b.manifest["redaction"]["rescan"]["status"] == "clean", f"live: rescan {b.manifest['redaction']['rescan']}")
        check(not any(planted["cli_url_password"] in a for a in b.manifest["command_line"]), "live: command line secret")

        # Only --spark-ui: the UI's own application becomes the target of every source.
        rc, out, path = col.run("--spark-ui", f"http://127.0.0.1:{ui_port}", "--eventlog", str(events),
                                out_format="dir")
        b = Bundle(path, validator)
        check(rc == 0 and f"--spark-ui serves {app}" in out and b.manifest["target"]["application_ids"] == [app] and
              b.paths("spark-ui/") == want and b.paths("eventlogs/") == want_logs,
              f"live, --spark-ui alone: exit {rc}, target {b.manifest['target']}, files {b.paths()}")
        b.assert_absent(planted)

        # The application stops: its UI is gone (failed), Prometheus still answers for the window.
        (work / "stop").write_text("")
        app_proc.wait(timeout=120)
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))
        rc, out, path = col.run("--app-id", app, "--spark-ui", f"http://127.0.0.1:{ui_port}", "--prometheus", prom_url,
                                "--since", since)
        check(rc == 1, f"live, UI stopped: exit {rc}, want 1")
        b = Bundle(path, validator)
        s = b.source("spark-ui")
        check(s["status"] == "failed" and "Couldn't connect to server" in s["error"], f"live, UI stopped: {s}")
        check(b.source("prometheus")["status"] == "collected", f"live, UI stopped: prometheus {b.source('prometheus')}")
        # Prometheus and Alertmanager stopped: both failed, the bundle still written.
        prom.stop()
        am.stop()
        rc, out, path = col.run("--app-id", app, "--prometheus", prom_url, "--alertmanager", am_url, "--since", since,
                                "--eventlog", str(events))
        check(rc == 1, f"live, Prometheus and Alertmanager stopped: exit {rc}, want 1")
        b = Bundle(path, validator)
        for name in ("prometheus", "alertmanager"):
            s = b.source(name)
            check(s["status"] == "failed" and "Couldn't connect to server" in s["error"], f"{name} stopped: {s}")
        check(b.source("eventlogs")["status"] == "collected", "stopped servers: the event log was lost")
        b.assert_absent(planted)
        # A History Server over the finished log: its REST answers and /logs, secrets gone.
        with sparklab.HistoryServer(events, home=home, workdir=str(work / "hs")) as hs:
            hs.wait_for_apps([app], completed=True)
            env_origin = get(f"{hs.base}/api/v1/applications/{app}/environment")
            rc, out, path = col.run("--app-id", app, "--history-server", hs.base)
            check(rc == 0, f"live, History Server: exit {rc}")
            b = Bundle(path, validator)
            want_logs = [f"eventlogs/eventlog_v2_{app}/appstatus_{app}", f"eventlogs/eventlog_v2_{app}/events_1_{app}.zstd"]
            check(f"history/{app}/environment.json" in b.files and b.paths("eventlogs/") == want_logs,
                  f"live, History Server: files {b.paths()}")
            b.assert_absent(planted)
            origin_part = decoded((events / want_logs[1].split("/", 1)[1]).read_bytes())
            check_counts(b, {f"history/{app}/environment.json": env_origin, want_logs[1]: origin_part}, planted)
    finally:
        if not (work / "stop").exists():
            (work / "stop").write_text("")
        for d in (prom, am):
            if d is not None:
                d.stop()
        if app_proc.poll() is None:
            try:
                app_proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(app_proc.pid, signal.SIGKILL)
                app_proc.wait(timeout=10)


def check_counts(b: Bundle, origins: dict[str, bytes], planted: dict) -> None:
    """Each planted value replaced once per occurrence at the origin: files[].redactions equals the
    number of occurrences the test counts itself in the origin's (decoded) bytes."""
    for path, origin in origins.items():
        want = sum(origin.count(v.encode()) for k, v in planted.items() if k != "cli_url_password")
        got = b.file_record(path).get("redactions", 0) if path in b.files else None
        check(got == want, f"{path}: {got} redactions recorded, the origin holds {want} planted values")
        check(want > 0, f"{path}: the origin holds no planted value: the test plants nothing there")


WORKER_APP = """
import sys
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master(sys.argv[1]).appName("sparkmedic-collector-workers")
         .config("spark.executor.memory", "512m").config("spark.ui.enabled", "false").getOrCreate())
print(spark.sparkContext.applicationId, flush=True)
spark.sparkContext.parallelize(range(100), 2).map(lambda x: x + 1).count()
spark.stop()
"""


def case_workers(args, validator) -> None:
    python = str(sparklab.cache_dir() / "venv" / "bin" / "python")
    need(os.path.exists(python), "pyspark 4.0.1 venv", "scripts/install-spark.sh")
    home = sparklab.spark_home(python)
    work = args.work
    work_dir = work / "worker-work"
    work_dir.mkdir()
    port, ui1, ui2 = sparklab.free_port(), sparklab.free_port(), sparklab.free_port()
    env = sparklab.spark_env(home, {"PYSPARK_PYTHON": python, "SPARK_LOG_DIR": str(work / "logs"),
                                    "SPARK_NO_DAEMONIZE": "1"})
    cls = os.path.join(home, "bin", "spark-class")
    master = subprocess.Popen(["bash", cls, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                               "--port", str(port), "--webui-port", str(ui1)], env=env, start_new_session=True,
                              stdout=open(work / "master.out", "wb"), stderr=subprocess.STDOUT)
    worker = subprocess.Popen(["bash", cls, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}",
                               "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", str(work_dir),
                               "--webui-port", str(ui2)], env=env, start_new_session=True,
                              stdout=open(work / "worker.out", "wb"), stderr=subprocess.STDOUT)
    try:
        (work / "app.py").write_text(WORKER_APP)
        apps = []
        for _ in range(2):
            p = subprocess.run([python, str(work / "app.py"), f"spark://127.0.0.1:{port}"], env=env,
                               capture_output=True, text=True, timeout=300)
            if not check(p.returncode == 0, f"workers: the application failed: {p.stdout[-2000:]}{p.stderr[-2000:]}"):
                return
            apps.append(p.stdout.strip().splitlines()[-1])
        # What the Worker wrote (ExecutorRunner: <workDir>/<appId>/<execId>/stdout, stderr).
        on_disk = sorted(f.relative_to(work_dir).as_posix() for f in work_dir.rglob("*")
                         if f.is_file() and f.name in ("stdout", "stderr"))
        check(len(on_disk) == 4, f"workers: the Worker wrote {on_disk}")
        col = Collector(args.collect, work)
        rc, out, path = col.run("--app-id", apps[1], "--worker-dir", str(work_dir))
        check(rc == 0, f"workers: exit {rc}")
        b = Bundle(path, validator)
        want = sorted(f"logs/executors/{p.split('/')[1]}/{apps[1]}/{p.split('/')[2]}" for p in on_disk
                      if p.startswith(apps[1] + "/"))
        check(len(want) == 2 and b.paths() == want, f"workers: files {b.paths()}, want {want}")
        for p in want:
            exec_id, app, name = p.split("/")[2:]
            check(b.files[p] == (work_dir / app / exec_id / name).read_bytes(), f"workers: {p} differs from the Worker's")
            check(b.file_record(p)["source"] == "worker-logs", f"workers: {p} not attributed to worker-logs")
        check(b"CoarseGrainedExecutorBackend" in b.files[[p for p in want if p.endswith("stderr")][0]],
              "workers: the executor's stderr does not hold its log")
        rc, out, path = col.run("--worker-dir", str(work_dir))
        b = Bundle(path, validator)
        check(rc == 0 and len(b.paths("logs/executors/")) == 4, f"workers, all apps: exit {rc}, files {b.paths()}")
        rc, out, path = col.run("--app-id", "app-20000101000000-9999", "--worker-dir", str(work_dir))
        b = Bundle(path, validator)
        s = b.source("worker-logs")
        check(rc == 0 and s["status"] == "skipped" and "no executor logs of the requested applications" in s["reason"],
              f"workers, unknown app: exit {rc}, {s}")
    finally:
        for proc in (worker, master):
            sparklab._kill_group(proc.pid)


def case_tls(args, validator) -> None:
    import base64
    import crypt  # glibc's bcrypt ($2b$), what Prometheus's web config takes; no extra package
    import ssl
    work = args.work
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    password = random_secret(20)
    (work / "web.yml").write_text(f"""tls_server_config:
  cert_file: {cert}
  key_file: {key}
basic_auth_users:
  sparkmedic: '{crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))}'
""")
    (work / "prometheus.yml").write_text("global:\n  scrape_interval: 15s\n")
    (work / "prometheus").mkdir()
    port = sparklab.free_port()
    url = f"https://127.0.0.1:{port}"
    proc = subprocess.Popen(["prometheus", f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'prometheus'}",
                             f"--web.listen-address=127.0.0.1:{port}", f"--web.config.file={work / 'web.yml'}"],
                            stdout=open(work / "prometheus.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    auth = "Basic " + base64.b64encode(f"sparkmedic:{password}".encode()).decode()
    try:
        ctx = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + 60
        while True:
            try:
                req = urllib.request.Request(url + "/-/ready", headers={"Authorization": auth})
                urllib.request.urlopen(req, context=ctx, timeout=2).read()
                break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("prometheus (https) did not start:\n" + (work / "prometheus.log").read_text()[-2000:])
                time.sleep(0.2)
        col = Collector(args.collect, work)
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 300))
        common = ["--app-id", "app-20000101000000-0001", "--since", since, "--prometheus-query", "up=up"]
        rc, out, path = col.run(*common, "--prometheus", url)
        s = Bundle(path, validator).source("prometheus")
        check(rc == 1 and s["status"] == "failed" and "SSL certificate problem" in s["error"], f"tls, unverified: {rc} {s}")
        rc, out, path = col.run(*common, "--prometheus", url, "--cacert", str(cert))
        s = Bundle(path, validator).source("prometheus")
        check(rc == 1 and s["status"] == "failed" and "HTTP 401" in s["error"], f"tls, no credentials: {rc} {s}")
        (work / "headers.txt").write_text(f"# credentials for the test Prometheus\nAuthorization: {auth}\n")
        rc, out, path = col.run(*common, "--prometheus", url, "--cacert", str(cert), "--header-file", str(work / "headers.txt"))
        b = Bundle(path, validator)
        up = json.loads(b.files.get("prometheus/up.json", b"{}"))
        check(rc == 0 and up.get("status") == "success" and b.source("prometheus")["status"] == "collected",
              f"tls, --cacert and --header-file: exit {rc}, {b.source('prometheus')}")
        b.assert_absent({"password": password, "basic": auth.split()[1]})
        rc, out, path = col.run(*common, "--prometheus", f"https://sparkmedic:{password}@127.0.0.1:{port}", "--insecure")
        b = Bundle(path, validator)
        check(rc == 0 and b.source("prometheus")["status"] == "collected", f"tls, --insecure, URL credentials: exit {rc}")
        b.assert_absent({"password": password})
        check(b.rule("url-credentials") >= 1, "tls: the URL password on the command line was not counted")
        (work / "token.txt").write_text("line one\nline two\n")
        rc, out, path = col.run(*common, "--prometheus", url, "--token-file", str(work / "token.txt"))
        check(rc == 2 and "--token-file: " + str(work / "token.txt") + ": more than one line" in out and not path.exists(),
              f"tls, bad token file: exit {rc}, {out[-200:]}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def case_rescan(args, validator) -> None:
    # A binary file (NUL bytes: the rules leave it as it is) holding an AWS access key id.
    key = "AKIA" + random_secret(16, string.ascii_uppercase + string.digits)
    blob = args.work / "core.bin"
    blob.write_bytes(b"\x00\x01binary\x00" * 64 + key.encode() + b"\x00" * 32)
    text = args.work / "app.log"
    text.write_text("nothing secret here\n")
    col = Collector(args.collect, args.work)
    rc, out, path = col.run("--log", str(blob), "--log", str(text))
    check(rc == 4, f"rescan: exit {rc}, want 4")
    check("SECRET SURVIVED REDACTION: logs/other/core.bin (rule aws-access-key-id, 1 match(es)): withheld" in out,
          f"rescan: message: {out[-400:]}")
    b = Bundle(path, validator)
    r = b.manifest["redaction"]["rescan"]
    check(r["status"] == "failed" and r["withheld"] == ["logs/other/core.bin"] and
          r["findings"] == [{"path": "logs/other/core.bin", "rule": "aws-access-key-id", "count": 1}], f"rescan: {r}")
    check(b.paths() == ["logs/other/app.log"], f"rescan: files {b.paths()}")
    b.assert_absent({"aws_key_id": key})
    notes = b.source("other-logs").get("notes", [])
    check(any("core.bin: withheld" in n for n in notes), f"rescan: notes {notes}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["history", "live", "workers", "tls", "rescan"])
    ap.add_argument("spark", nargs="?", default="4", choices=["4", "35"])
    ap.add_argument("--collect", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    try:
        import jsonschema
    except ImportError:
        need(False, "python3-jsonschema", "scripts/install-deps.sh")
    need(shutil.which("zstd") is not None, "zstd", "scripts/install-deps.sh")
    if args.case in ("live", "tls"):
        need(shutil.which("prometheus") is not None and shutil.which("prometheus-alertmanager") is not None,
             "prometheus and prometheus-alertmanager", "scripts/install-lab-deps.sh")
    schema = json.load(open(pathlib.Path(args.source) / "docs/schemas/bundle-manifest-v1.schema.json"))
    validator = jsonschema.Draft202012Validator(schema)
    args.work = pathlib.Path(args.work)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    {"history": case_history, "live": case_live, "workers": case_workers, "tls": case_tls,
     "rescan": case_rescan}[args.case](args, validator)
    print(f"{len(FAILURES)} failure(s)" if FAILURES else "ok")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

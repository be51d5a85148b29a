"""The sparkmedic lab: a real Spark standalone cluster, History Server, Prometheus and Alertmanager
on 127.0.0.1, started from the pip-installed pyspark and the Debian packages.

Stdlib only. Every process is started in its own session (so it leads its own process group), its
pid and start time are recorded in <lab dir>/state.json, and `down` stops exactly those processes
(by process group, after checking the recorded start time so a recycled pid is never hit).

Layout of the lab dir (default ~/.cache/sparkmedic/lab, override with SPARKMEDIC_LAB_DIR):
  state.json                  components: pid, pgid, start ticks, ports, log file
  conf/metrics.properties     Spark metrics sinks (PrometheusServlet) for daemons and apps
  events/                     spark.eventLog.dir of every lab app; the History Server reads it
  work/worker-1, worker-2     standalone worker --work-dir (executor stdout/stderr per app)
  logs/                       daemon logs (SPARK_LOG_DIR) and each component's stdout/stderr
  prometheus/                 prometheus.yml, rules.yml, targets/*.json (file_sd), data/
  alertmanager/               alertmanager.yml, data/
  webhook/alerts.jsonl        every Alertmanager webhook payload, one JSON per line
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "integration"))
import sparklab  # noqa: E402  (tests/integration/sparklab.py: spark_home, free_port, spark_env)

LOOPBACK = sparklab.LOOPBACK
WORKER_CORES = 1            # two 1-core workers: an app gets 2 executors, one task slot each
WORKER_MEMORY = "2g"        # more than any drill's executors ask for, except job_stuck_no_resources
DAEMON_MEMORY = "512m"      # heap of the Master, Worker and History Server JVMs
METRICS_NAMESPACE = "spark"  # spark.metrics.namespace: driver series are metrics_spark_driver_*
SCRAPE_INTERVAL = "2s"       # drills last seconds; Prometheus must see them
JIT_OPTS = "-XX:TieredStopAtLevel=1"

# Spark 4.0 keys, checked in apache/spark: core/src/main/scala/org/apache/spark/metrics/sink/
# PrometheusServlet.scala (property "path"), MetricsConfig.scala (defaults: *.sink.servlet,
# master/applications paths), conf/metrics.properties.template (JvmSource).
METRICS_PROPERTIES = """\
# Written by lab/labcore.py. Spark metrics: PrometheusServlet sink on every instance.
*.sink.prometheusServlet.class=org.apache.spark.metrics.sink.PrometheusServlet
*.sink.prometheusServlet.path=/metrics/prometheus
master.sink.prometheusServlet.path=/metrics/master/prometheus
applications.sink.prometheusServlet.path=/metrics/applications/prometheus
*.source.jvm.class=org.apache.spark.metrics.source.JvmSource
"""

# Alert rules: the product's own, generated from the pattern catalog by `sparkmedic-analyze alerts`
# (docs/alerts.md), with only the timing made fit for drills of a minute: every `for` capped at
# RULES_MAX_FOR and groups evaluated every scrape. runbook_url points at the lab's webhook, which
# serves runbooks/, so a test can follow an alert's link for real.
RULES_MAX_FOR = "4s"


def find_analyzer() -> str:
    if os.environ.get("SPARKMEDIC_ANALYZE"):
        return os.environ["SPARKMEDIC_ANALYZE"]
    for d in ("ci", "release", "dev", "lab"):
        p = REPO / "build" / d / "analyzer" / "sparkmedic-analyze"
        if p.exists():
            return str(p)
    found = shutil.which("sparkmedic-analyze")
    if found:
        return found
    raise FileNotFoundError("lab: sparkmedic-analyze not found (it writes the alert rules): build it "
                            "(bash scripts/build.sh dev) or set SPARKMEDIC_ANALYZE")


def lab_alert_rules(runbook_base_url: str) -> str:
    out = subprocess.run([find_analyzer(), "alerts", "--format", "prometheus", "--max-for", RULES_MAX_FOR,
                          "--interval", SCRAPE_INTERVAL, "--runbook-base-url", runbook_base_url],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"lab: sparkmedic-analyze alerts failed: {out.stderr.strip()}")
    return out.stdout


def lab_dir() -> pathlib.Path:
    d = os.environ.get("SPARKMEDIC_LAB_DIR")
    return pathlib.Path(d) if d else sparklab.cache_dir() / "lab"


def venv_python() -> str:
    return sparklab.venv_python()


# -- processes ---------------------------------------------------------------------------------

def proc_start_ticks(pid: int) -> int | None:
    """Field 22 of /proc/PID/stat (start time in clock ticks): with the pid it names one process."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == "Z":
        return None
    return int(fields[19])


def same_process(rec: dict) -> bool:
    return rec.get("pid") is not None and proc_start_ticks(rec["pid"]) == rec.get("start_ticks")


def group_members(pgid: int) -> list[int]:
    out = []
    for p in pathlib.Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(p.name))
    return out


def stop_group(rec: dict, grace: float = 10.0) -> None:
    """Stops the process group the lab created for one component, only if its leader is still the
    process we started (same pid and start time) or the group still has members we made."""
    pgid = rec.get("pgid")
    if pgid is None:
        return
    if not same_process(rec) and not group_members(pgid):
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not group_members(pgid):
                return
            time.sleep(0.1)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((LOOPBACK, port)) == 0


def port_free(port: int) -> bool:
    """True when a server could listen on port now (SO_REUSEADDR, as servers do, so connections
    in TIME_WAIT do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
            return True
        except OSError:
            return False


def http_get(url: str, timeout: float = 3.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


# -- the lab -----------------------------------------------------------------------------------

COMPONENTS = ["master", "worker-1", "worker-2", "history", "webhook", "alertmanager", "node-exporter", "prometheus"]
PORT_OWNERS = {"master": "master", "master-ui": "master", "worker-1": "worker-1",
               "worker-1-ui": "worker-1", "ess": "worker-1", "worker-2": "worker-2",
               "worker-2-ui": "worker-2", "history": "history", "webhook": "webhook",
               "alertmanager": "alertmanager", "node-exporter": "node-exporter", "prometheus": "prometheus"}


class Lab:
    def __init__(self, root: pathlib.Path | None = None):
        self.root = pathlib.Path(root or lab_dir()).resolve()
        self.state_path = self.root / "state.json"
        self.state = self._load()

    # state ------------------------------------------------------------------------------------
    def _load(self) -> dict:
        try:
            return json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {"components": {}, "ports": {}}

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=2, sort_keys=True) + "\n")
        tmp.replace(self.state_path)

    def port(self, name: str) -> int:
        """A stable port per role: the recorded one while it is free (or ours), else a new one."""
        ports = self.state.setdefault("ports", {})
        p = ports.get(name)
        if p is None or not port_free(p):
            p = sparklab.free_port()
            ports[name] = p
        return p

    # paths ------------------------------------------------------------------------------------
    @property
    def events(self) -> pathlib.Path:
        return self.root / "events"

    @property
    def metrics_conf(self) -> pathlib.Path:
        return self.root / "conf" / "metrics.properties"

    @property
    def targets_dir(self) -> pathlib.Path:
        return self.root / "prometheus" / "targets"

    @property
    def webhook_file(self) -> pathlib.Path:
        return self.root / "webhook" / "alerts.jsonl"

    def work_dir(self, worker: str) -> pathlib.Path:
        return self.root / "work" / worker

    def comp(self, name: str) -> dict | None:
        return self.state.get("components", {}).get(name)

    def url(self, name: str) -> str:
        ports = self.state["ports"]
        return {
            "master": f"spark://{LOOPBACK}:{ports.get('master')}",
            "master-ui": f"http://{LOOPBACK}:{ports.get('master-ui')}",
            "history": f"http://{LOOPBACK}:{ports.get('history')}",
            "prometheus": f"http://{LOOPBACK}:{ports.get('prometheus')}",
            "alertmanager": f"http://{LOOPBACK}:{ports.get('alertmanager')}",
            "webhook": f"http://{LOOPBACK}:{ports.get('webhook')}",
        }[name]

    @property
    def ess_port(self) -> int:
        return self.state["ports"]["ess"]

    # starting ---------------------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str], env: dict, ports: dict, health: str,
               cwd: pathlib.Path | None = None) -> dict:
        log = self.root / "logs" / f"{name}.out"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True,
                                    cwd=str(cwd or self.root))
        rec = {"pid": proc.pid, "pgid": proc.pid, "start_ticks": proc_start_ticks(proc.pid),
               "ports": ports, "argv": argv, "log": str(log), "health": health,
               "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.state.setdefault("components", {})[name] = rec
        self.save()
        return rec

    def _spark_env(self, extra: dict | None = None) -> dict:
        env = sparklab.spark_env(self.home, {
            "SPARK_LOG_DIR": str(self.root / "logs"),
            "SPARK_PID_DIR": str(self.root / "pids"),
            "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
            "PYSPARK_PYTHON": venv_python(),
        })
        if extra:
            env.update(extra)
        return env

    def _write_confs(self) -> None:
        for d in ("conf", "events", "logs", "pids", "work/worker-1", "work/worker-2",
                  "prometheus/targets", "prometheus/data", "alertmanager/data", "webhook"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        self.metrics_conf.write_text(METRICS_PROPERTIES)
        ports = self.state["ports"]
        prom = self.root / "prometheus"
        (prom / "rules.yml").write_text(lab_alert_rules(f"http://{LOOPBACK}:{ports['webhook']}/runbooks/"))
        static = lambda port: f"[\"{LOOPBACK}:{port}\"]"  # noqa: E731
        (prom / "prometheus.yml").write_text(f"""\
# Written by lab/labcore.py.
global:
  scrape_interval: {SCRAPE_INTERVAL}
  evaluation_interval: {SCRAPE_INTERVAL}
  scrape_timeout: 1s
rule_files: ["{prom / 'rules.yml'}"]
alerting:
  alertmanagers:
    - static_configs: [{{targets: {static(ports['alertmanager'])}}}]
scrape_configs:
  - job_name: prometheus
    static_configs: [{{targets: {static(ports['prometheus'])}}}]
  # The host, as node_exporter sees it: the kernel OOM killer's count (node_vmstat_oom_kill)
  # and the filesystems Spark's local dirs live on.
  - job_name: node
    static_configs: [{{targets: {static(ports['node-exporter'])}}}]
  - job_name: spark-master
    metrics_path: /metrics/master/prometheus
    static_configs: [{{targets: {static(ports['master-ui'])}}}]
  - job_name: spark-applications
    metrics_path: /metrics/applications/prometheus
    static_configs: [{{targets: {static(ports['master-ui'])}}}]
  - job_name: spark-worker
    metrics_path: /metrics/prometheus
    static_configs: [{{targets: ["{LOOPBACK}:{ports['worker-1-ui']}", "{LOOPBACK}:{ports['worker-2-ui']}"]}}]
  # Drivers come and go: the drill runner writes one file per running app into targets/
  # (labels app_id, drill) and Prometheus picks it up through file_sd.
  - job_name: spark-driver
    metrics_path: /metrics/prometheus
    file_sd_configs: [{{files: ["{self.targets_dir}/*.json"], refresh_interval: 1s}}]
  - job_name: spark-executors
    metrics_path: /metrics/executors/prometheus
    file_sd_configs: [{{files: ["{self.targets_dir}/*.json"], refresh_interval: 1s}}]
""")
        am = self.root / "alertmanager"
        (am / "alertmanager.yml").write_text(f"""\
# Written by lab/labcore.py: every alert goes to the lab's webhook recorder.
route:
  receiver: lab-webhook
  # One notification per alert and application, as runbooks/alerts/alertmanager.example.yml:
  # a payload handed to `sparkmedic-collect --from-alert` names one application.
  group_by: [alertname, failure_class, application_id, app_id, app_name, namespace]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: lab-webhook
    webhook_configs:
      - url: "http://{LOOPBACK}:{ports['webhook']}/alerts"
        send_resolved: true
""")

    @property
    def home(self) -> str:
        h = self.state.get("spark_home")
        if not h or not os.path.isdir(h):
            h = sparklab.spark_home(venv_python())
            self.state["spark_home"] = h
        return h

    def _start(self, name: str) -> dict:
        ports = self.state["ports"]
        spark_class = ["bash", os.path.join(self.home, "bin", "spark-class")]
        metrics = f"-Dspark.metrics.conf={self.metrics_conf}"
        if name == "master":
            return self._spawn(name, spark_class + [
                "org.apache.spark.deploy.master.Master", "--host", LOOPBACK,
                "--port", str(ports["master"]), "--webui-port", str(ports["master-ui"])],
                self._spark_env({"SPARK_MASTER_OPTS": metrics}),
                {"rpc": ports["master"], "ui": ports["master-ui"]}, "master")
        if name.startswith("worker-"):
            opts = [metrics]
            rec_ports = {"rpc": ports[f"{name}"], "ui": ports[f"{name}-ui"]}
            if name == "worker-1":
                # The external shuffle service runs inside worker-1 only: one ESS per host (all
                # lab workers share 127.0.0.1), and executors of both workers register with it.
                opts += ["-Dspark.shuffle.service.enabled=true",
                         f"-Dspark.shuffle.service.port={ports['ess']}"]
                rec_ports["ess"] = ports["ess"]
            return self._spawn(name, spark_class + [
                "org.apache.spark.deploy.worker.Worker", self.url("master"),
                "--host", LOOPBACK, "--port", str(ports[name]),
                "--webui-port", str(ports[f"{name}-ui"]),
                "--cores", str(WORKER_CORES), "--memory", WORKER_MEMORY,
                "--work-dir", str(self.work_dir(name))],
                self._spark_env({"SPARK_WORKER_OPTS": " ".join(opts)}), rec_ports, "worker")
        if name == "history":
            opts = " ".join([
                f"-Dspark.history.fs.logDirectory=file:{self.events}",
                f"-Dspark.history.ui.port={ports['history']}",
                "-Dspark.history.fs.update.interval=1s",
                "-Dspark.history.fs.cleaner.enabled=false"])
            return self._spawn(name, spark_class + ["org.apache.spark.deploy.history.HistoryServer"],
                               self._spark_env({"SPARK_HISTORY_OPTS": opts}),
                               {"ui": ports["history"]}, "history")
        if name == "webhook":
            return self._spawn(name, [sys.executable, str(HERE / "webhook.py"),
                                      "--port", str(ports["webhook"]), "--out", str(self.webhook_file)],
                               dict(os.environ), {"http": ports["webhook"]}, "webhook")
        if name == "alertmanager":
            am = self.root / "alertmanager"
            return self._spawn(name, [
                shutil.which("prometheus-alertmanager") or "prometheus-alertmanager",
                f"--config.file={am / 'alertmanager.yml'}", f"--storage.path={am / 'data'}",
                f"--web.listen-address={LOOPBACK}:{ports['alertmanager']}",
                "--cluster.listen-address=", "--log.level=info"],
                dict(os.environ), {"http": ports["alertmanager"]}, "alertmanager")
        if name == "node-exporter":
            return self._spawn(name, [
                shutil.which("prometheus-node-exporter") or "prometheus-node-exporter",
                f"--web.listen-address={LOOPBACK}:{ports['node-exporter']}",
                "--collector.disable-defaults", "--collector.vmstat", "--collector.filesystem",
                "--collector.meminfo", "--collector.loadavg"],
                dict(os.environ), {"http": ports["node-exporter"]}, "node-exporter")
        if name == "prometheus":
            prom = self.root / "prometheus"
            return self._spawn(name, [
                shutil.which("prometheus") or "prometheus",
                f"--config.file={prom / 'prometheus.yml'}", f"--storage.tsdb.path={prom / 'data'}",
                f"--web.listen-address={LOOPBACK}:{ports['prometheus']}",
                "--web.enable-lifecycle", "--storage.tsdb.retention.time=7d"],
                dict(os.environ), {"http": ports["prometheus"]}, "prometheus")
        raise ValueError(name)

    # health -----------------------------------------------------------------------------------
    def health(self, name: str) -> tuple[bool, str]:
        rec = self.comp(name)
        if not rec or not same_process(rec):
            return False, "not running"
        ports = rec["ports"]
        try:
            if name == "master":
                j = json.loads(http_get(f"http://{LOOPBACK}:{ports['ui']}/json/"))
                alive = sum(1 for w in j.get("workers", []) if w.get("state") == "ALIVE")
                return j.get("status") == "ALIVE", f"{j.get('status')}, {alive} alive worker(s), {len(j.get('activeapps', []))} active app(s)"
            if name.startswith("worker-"):
                j = json.loads(http_get(f"http://{LOOPBACK}:{ports['ui']}/json/"))
                ok = bool(j.get("masterurl")) and port_open(ports["rpc"])
                extra = f", ESS on {ports['ess']}" if "ess" in ports and port_open(ports["ess"]) else ""
                return ok, f"{j.get('cores')} core(s), {j.get('memory')} MiB, {len(j.get('executors', []))} executor(s){extra}"
            if name == "history":
                apps = json.loads(http_get(f"http://{LOOPBACK}:{ports['ui']}/api/v1/applications"))
                return True, f"{len(apps)} application(s)"
            if name == "prometheus":
                http_get(f"http://{LOOPBACK}:{ports['http']}/-/ready")
                return True, "ready"
            if name == "alertmanager":
                http_get(f"http://{LOOPBACK}:{ports['http']}/-/ready")
                return True, "ready"
            if name == "node-exporter":
                return b"node_vmstat_oom_kill" in http_get(f"http://{LOOPBACK}:{ports['http']}/metrics"), "exporting"
            if name == "webhook":
                return http_get(f"http://{LOOPBACK}:{ports['http']}/health").strip() == b"ok", "recording"
        except (OSError, ValueError, urllib.error.URLError) as e:
            return False, f"no answer ({e.__class__.__name__})"
        return False, "unknown"

    def _wait_healthy(self, name: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            ok, why = self.health(name)
            if ok:
                return
            rec = self.comp(name)
            if not rec or not same_process(rec):
                tail = pathlib.Path(rec["log"]).read_text(errors="replace")[-2000:] if rec else ""
                raise RuntimeError(f"lab: {name} exited during start; {rec and rec['log']}:\n{tail}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"lab: {name} not healthy after {timeout:.0f}s ({why}); see {rec['log']}")
            time.sleep(0.3)

    def _workers_registered(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                j = json.loads(http_get(self.url("master-ui") + "/json/"))
                if sum(1 for w in j.get("workers", []) if w.get("state") == "ALIVE") >= 2:
                    return
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("lab: the workers did not register with the master")
            time.sleep(0.3)

    # commands ---------------------------------------------------------------------------------
    def up(self, only: list[str] | None = None, quiet: bool = False) -> None:
        for tool in ("prometheus", "prometheus-alertmanager", "prometheus-node-exporter"):
            if not shutil.which(tool):
                raise RuntimeError(f"lab: {tool} not found; run scripts/install-lab-deps.sh")
        self.root.mkdir(parents=True, exist_ok=True)
        # Ports first (stable across restarts), so configs can name them all. A port whose
        # component is running stays; any other keeps its number while that number is free.
        for p, owner in PORT_OWNERS.items():
            rec = self.comp(owner)
            if rec and same_process(rec) and p in self.state.get("ports", {}):
                continue
            self.port(p)
        self.save()
        self._write_confs()
        prom = self.comp("prometheus")
        if prom and same_process(prom):   # a running Prometheus rereads the rules just written
            try:
                urllib.request.urlopen(urllib.request.Request(self.url("prometheus") + "/-/reload", method="POST"),
                                       timeout=5).read()
            except (OSError, urllib.error.URLError):
                pass
        for name in (only or COMPONENTS):
            rec = self.comp(name)
            if rec and same_process(rec):
                ok, _ = self.health(name)
                if ok:
                    continue
                stop_group(rec)  # alive but not answering: restart it
            self._start(name)
            self._wait_healthy(name)
            if not quiet:
                print(f"lab: started {name} (pid {self.comp(name)['pid']})", file=sys.stderr)
        if only is None or any(n.startswith("worker-") or n == "master" for n in only):
            self._workers_registered()
        self.state["up_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.save()

    def restart(self, name: str) -> None:
        rec = self.comp(name)
        if rec:
            stop_group(rec)
        self.up(only=[name], quiet=True)

    def track_app(self, name: str, pid: int) -> None:
        """Records a drill's application process group, so that `down` stops it too if the drill
        runner itself was killed (a ctest timeout) before it could."""
        self.state = self._load()
        self.state.setdefault("apps", {})[name] = {"pid": pid, "pgid": pid, "start_ticks": proc_start_ticks(pid)}
        self.save()

    def untrack_app(self, name: str) -> None:
        self.state = self._load()
        self.state.get("apps", {}).pop(name, None)
        self.save()

    def down(self) -> list[str]:
        stopped = []
        for name, rec in list(self.state.get("apps", {}).items()):
            if same_process(rec) or group_members(rec["pgid"]):
                stop_group(rec, grace=5.0)
                stopped.append(f"drill app {name}")
        self.state["apps"] = {}
        for name in reversed(COMPONENTS):
            rec = self.comp(name)
            if not rec:
                continue
            if same_process(rec) or group_members(rec["pgid"]):
                stop_group(rec)
                stopped.append(name)
            for port in rec.get("ports", {}).values():
                deadline = time.monotonic() + 10
                while not port_free(port) and time.monotonic() < deadline:
                    time.sleep(0.2)
        for name in list(self.state.get("components", {})):
            self.state["components"].pop(name)
        for f in self.targets_dir.glob("*.json") if self.targets_dir.exists() else []:
            f.unlink()
        self.save()
        return stopped

    def status(self) -> list[dict]:
        rows = []
        for name in COMPONENTS:
            rec = self.comp(name)
            if not rec:
                rows.append({"component": name, "pid": None, "ports": {}, "healthy": False,
                             "detail": "not started"})
                continue
            ok, why = self.health(name)
            rows.append({"component": name, "pid": rec["pid"] if same_process(rec) else None,
                         "ports": rec["ports"], "healthy": ok, "detail": why})
        return rows

    def is_up(self) -> bool:
        return all(r["healthy"] for r in self.status())

    # drill helpers ----------------------------------------------------------------------------
    def app_conf(self) -> dict:
        """spark-submit --conf settings every lab app gets (event log, metrics)."""
        return {
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": f"file:{self.events}",
            "spark.metrics.conf": str(self.metrics_conf),
            "spark.metrics.namespace": METRICS_NAMESPACE,
            "spark.metrics.appStatusSource.enabled": "true",
            "spark.ui.prometheus.enabled": "true",
            "spark.executor.processTreeMetrics.enabled": "true",
            "spark.executor.metrics.pollingInterval": "500ms",
            # C1 only: drills are short JVMs on 2 shared cores, where C2 compilation costs more
            # CPU than it saves. It changes no failure, message or memory limit.
            "spark.driver.extraJavaOptions": JIT_OPTS,
            "spark.executor.extraJavaOptions": JIT_OPTS,
        }

    def register_driver(self, key: str, ui_port: int, labels: dict) -> pathlib.Path:
        """Tells Prometheus (file_sd) to scrape a driver UI on ui_port."""
        self.targets_dir.mkdir(parents=True, exist_ok=True)
        path = self.targets_dir / f"{key}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([{"targets": [f"{LOOPBACK}:{ui_port}"], "labels": labels}]))
        tmp.replace(path)
        return path

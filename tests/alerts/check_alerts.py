#!/usr/bin/env python3
"""The alerting rules, checked end to end (ctest alerts:*; docs/alerts.md).

  generated   runbooks/alerts/* equal what `sparkmedic-analyze alerts` writes from the catalog now
  promtool    `promtool check rules` on the rules file and on the PrometheusRule's spec;
              `promtool test rules` on tests/alerts/sparkmedic.rules.test.yml, which must evaluate
              every alert once before it may fire (no alert) and once when it fires
  runbooks    every runbook_url is the ONE base URL plus an existing runbooks/<class>.md (and an
              existing heading when it has an #anchor); the class label names that runbook's class
  loki        every Loki filter is valid RE2 (Go's regexp) and matches the signature's examples
  amtool      `amtool check-config` on runbooks/alerts/alertmanager.example.yml

Usage: check_alerts.py ANALYZER_BINARY {generated,promtool,runbooks,loki,amtool}
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import os
import tomllib

try:
    import yaml
except ImportError:  # the interpreter CMake found lacks PyYAML: Debian's python3-yaml has it
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALERTS = ROOT / "runbooks" / "alerts"
TEST_FILE = ROOT / "tests" / "alerts" / "sparkmedic.rules.test.yml"
BASE = "https://github.com/sparkmedic/sparkmedic/blob/main/runbooks/"
FILES = {"prometheus": "sparkmedic.rules.yml", "prometheusrule": "sparkmedic-prometheusrule.yaml",
         "loki": "sparkmedic-loki.rules.yml"}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def tool(name):
    path = shutil.which(name)
    if not path:
        fail(f"{name} is not installed (scripts/install-lab-deps.sh installs it)")
    return path


def rules_of(path):
    doc = yaml.safe_load(path.read_text())
    groups = doc["spec"]["groups"] if doc.get("kind") == "PrometheusRule" else doc["groups"]
    return [r for g in groups for r in g["rules"]]


def check_generated(binary):
    for fmt, name in FILES.items():
        out = subprocess.run([binary, "alerts", "--format", fmt], capture_output=True, text=True)
        if out.returncode != 0:
            fail(f"sparkmedic-analyze alerts --format {fmt}: {out.stderr.strip()}")
        if out.stdout != (ALERTS / name).read_text():
            fail(f"runbooks/alerts/{name} is stale: regenerate with "
                 f"`sparkmedic-analyze alerts --format {fmt} -o runbooks/alerts/{name}`")
    catalog = sum(len(tomllib.loads(p.read_text()).get("alert", [])) for p in (ROOT / "patterns").glob("*.toml"))
    files = len(rules_of(ALERTS / FILES["prometheus"])) + len(rules_of(ALERTS / FILES["loki"]))
    if catalog != files:
        fail(f"the catalog has {catalog} [[alert]] tables but the generated files hold {files} rules")
    if rules_of(ALERTS / FILES["prometheus"]) != rules_of(ALERTS / FILES["prometheusrule"]):
        fail("the PrometheusRule manifest's groups differ from the rules file")
    print(f"generated files up to date: {catalog} alerts")


def check_promtool(_binary):
    promtool = tool("promtool")
    with tempfile.TemporaryDirectory() as d:
        spec = pathlib.Path(d) / "prometheusrule-spec.yml"
        spec.write_text(yaml.safe_dump(yaml.safe_load((ALERTS / FILES["prometheusrule"]).read_text())["spec"]))
        for f in (ALERTS / FILES["prometheus"], spec):
            r = subprocess.run([promtool, "check", "rules", str(f)], capture_output=True, text=True)
            print(r.stdout.strip())
            if r.returncode != 0:
                fail(f"promtool check rules {f}: {r.stderr.strip()}")
    r = subprocess.run([promtool, "test", "rules", str(TEST_FILE)], capture_output=True, text=True, cwd=TEST_FILE.parent)
    print(r.stdout.strip())
    if r.returncode != 0:
        fail(f"promtool test rules: {r.stdout[-3000:]} {r.stderr[-2000:]}")
    # Every alert: one evaluation with no alert and one firing, at consecutive evaluation times.
    tests = yaml.safe_load(TEST_FILE.read_text())
    seen = {}
    for t in tests["tests"]:
        for a in t.get("alert_rule_test", []):
            seen.setdefault(a["alertname"], []).append(bool(a.get("exp_alerts")))
    for rule in rules_of(ALERTS / FILES["prometheus"]):
        states = seen.get(rule["alert"], [])
        if True not in states or False not in states:
            fail(f"alert {rule['alert']} lacks a promtool test before and at its `for` boundary")
        fired = [a for t in tests["tests"] for a in t.get("alert_rule_test", [])
                 if a["alertname"] == rule["alert"] and a.get("exp_alerts")]
        for a in fired:
            for e in a["exp_alerts"]:
                ann = e.get("exp_annotations", {})
                if ann.get("runbook_url") != rule["annotations"]["runbook_url"]:
                    fail(f"the promtool test of {rule['alert']} does not assert its runbook_url")
    print(f"promtool: {len(seen)} alerts tested before and at their `for` boundary")


def headings(md):
    out = set()
    for line in md.splitlines():
        m = re.match(r"#+\s+(.*)", line)
        if m:
            out.add(re.sub(r"[^a-z0-9 _-]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out


def check_runbooks(_binary):
    n = 0
    patterns = {p.stem: tomllib.loads(p.read_text()) for p in (ROOT / "patterns").glob("*.toml")}
    for name in FILES.values():
        for rule in rules_of(ALERTS / name):
            url = rule["annotations"].get("runbook_url", "")
            if not url.startswith(BASE):
                fail(f"{rule['alert']}: runbook_url {url!r} does not start with the base URL {BASE}")
            rel, _, anchor = url[len(BASE):].partition("#")
            page = ROOT / "runbooks" / rel
            if not page.is_file():
                fail(f"{rule['alert']}: runbook_url {url} names runbooks/{rel}, which does not exist")
            if anchor and anchor not in headings(page.read_text()):
                fail(f"{rule['alert']}: runbook_url anchor #{anchor} is no heading of runbooks/{rel}")
            if f"`{rule['alert']}`" not in page.read_text():
                fail(f"runbooks/{rel} does not name the alert {rule['alert']} that links it (Detection)")
            cls = rule["labels"]["failure_class"]
            if patterns[cls]["runbook"] + ".md" != rel:
                fail(f"{rule['alert']}: failure_class {cls} but runbook {rel}")
            for key in ("summary", "description"):
                if not rule["annotations"].get(key):
                    fail(f"{rule['alert']}: no {key} annotation")
            if rule["labels"].get("severity") not in ("critical", "warning", "info"):
                fail(f"{rule['alert']}: severity label {rule['labels'].get('severity')!r}")
            n += 1
    print(f"runbooks: {n} runbook_url links resolve to runbook files")


def check_loki(_binary):
    go = tool("go")
    patterns = {p.stem: tomllib.loads(p.read_text()) for p in (ROOT / "patterns").glob("*.toml")}
    lines = []
    for rule in rules_of(ALERTS / FILES["loki"]):
        m = re.fullmatch(r"sum by \(namespace, pod, container\) \(count_over_time\((\{[^}]*\}) \|~ `([^`]*)` \[(\w+)\]\)\) > 0",
                         rule["expr"].strip())
        if not m:
            fail(f"{rule['alert']}: unexpected LogQL shape: {rule['expr']}")
        selector, regex = m.group(1), m.group(2)
        if not re.fullmatch(r'\{(\w+=~?"[^"]*")(, ?\w+=~?"[^"]*")*\}', selector):
            fail(f"{rule['alert']}: bad stream selector {selector}")
        cls = patterns[rule["labels"]["failure_class"]]
        alert = next(a for a in cls["alert"] if a["name"] == rule["alert"])
        sig = next(s for s in cls["signature"] if s["name"] == alert["signature"])
        ex = sig.get("example", [])
        lines.append(json.dumps({"name": rule["alert"], "regex": regex,
                                 "match": [e["text"] for e in ex if e.get("match", True)],
                                 "nomatch": [e["text"] for e in ex if not e.get("match", True)]}))
    env = {"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "PATH": "/usr/local/go/bin:/usr/bin:/bin:" + str(pathlib.Path(go).parent),
           "HOME": str(pathlib.Path.home()), "GOCACHE": str(pathlib.Path.home() / ".cache" / "go-build")}
    r = subprocess.run([go, "run", "."], input="\n".join(lines) + "\n", capture_output=True, text=True,
                       cwd=ROOT / "tests" / "alerts" / "re2check", env=env)
    print(r.stdout.strip())
    if r.returncode != 0:
        fail(f"Loki filters: {r.stdout.strip()} {r.stderr.strip()}")


def check_amtool(_binary):
    amtool = tool("amtool")
    r = subprocess.run([amtool, "check-config", str(ALERTS / "alertmanager.example.yml")], capture_output=True, text=True)
    print(r.stdout.strip())
    if r.returncode != 0:
        fail(f"amtool check-config: {r.stdout} {r.stderr}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    {"generated": check_generated, "promtool": check_promtool, "runbooks": check_runbooks,
     "loki": check_loki, "amtool": check_amtool}[sys.argv[2]](sys.argv[1])

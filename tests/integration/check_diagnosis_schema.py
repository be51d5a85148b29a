#!/usr/bin/env python3
"""Validates `sparkmedic-analyze --json` output against docs/schemas/diagnosis-v1.schema.json.

Usage: check_diagnosis_schema.py ANALYZE_BINARY SOURCE_DIR
Runs the real analyzer on real inputs of every kind it accepts (a bundle sample, event logs of
failed and healthy applications, a structured driver log, stdin) and checks each document, its
exit code (0 no problem, 1 problem diagnosed, 2 bad input) and that the schema refuses a
document with an unknown failure class.
"""
import json
import os
import subprocess
import sys

import jsonschema

analyze, source = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(source, "docs/schemas/diagnosis-v1.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
data = os.path.join(source, "tests/data")
cases = [
    os.path.join(data, "eventlogs/generated/spark-4.0.1/fail-task-retries"),
    os.path.join(data, "eventlogs/generated/spark-4.0.1/fail-fetch"),
    os.path.join(data, "eventlogs/generated/spark-4.0.1/codec-zstd"),
    os.path.join(data, "eventlogs/generated/spark-3.5.9/fail-sql"),
    os.path.join(data, "logs/spark4-structured/driver-stderr.log"),
]
failures = []
for path in cases:
    p = subprocess.run([analyze, "--json", path], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        failures.append(f"{path}: exit {p.returncode}: {p.stderr.strip()[:300]}")
        continue
    doc = json.loads(p.stdout)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    if errors:
        failures.append(f"{path}: {errors[:3]}")
    want = 1 if doc["root_cause"] is not None or any(a["cannot_tell"] for a in doc["applications"]) else 0
    if p.returncode != want:
        failures.append(f"{path}: exit {p.returncode}, expected {want} from the document")
    print(f"{os.path.relpath(path, source)}: exit {p.returncode}, root_cause="
          f"{doc['root_cause']['failure_class'] if doc['root_cause'] else None}")
# stdin: a pasted log
with open(os.path.join(data, "logs/spark4-structured/driver-stderr.log"), "rb") as f:
    p = subprocess.run([analyze, "--json", "-"], stdin=f, capture_output=True, text=True)
if p.returncode not in (0, 1) or list(validator.iter_errors(json.loads(p.stdout))):
    failures.append(f"stdin: exit {p.returncode} or invalid document")
# bad input: exit 2 with a one-line error naming the file
p = subprocess.run([analyze, "--json", os.path.join(data, "does-not-exist.log")], capture_output=True, text=True)
if p.returncode != 2 or "does-not-exist.log" not in p.stderr or p.stderr.strip().count("\n") != 0:
    failures.append(f"missing input: exit {p.returncode}, stderr {p.stderr!r}")
# the schema refuses an unknown class
bad = {"schema": "sparkmedic.diagnosis/v1", "generator": "x", "inputs": [], "applications": [],
       "root_cause": None, "findings": [{"failure_class": "cosmic_rays"}], "sources": [],
       "input_issues": [], "rule_errors": []}
if not list(validator.iter_errors(bad)):
    failures.append("schema accepted an unknown failure class")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)

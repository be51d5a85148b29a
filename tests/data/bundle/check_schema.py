#!/usr/bin/env python3
"""Checks docs/schemas/bundle-manifest-v1.schema.json against what the code writes and reads.

Usage: check_schema.py COLLECT_BINARY SOURCE_DIR
Runs the real sparkmedic-collect on the attributed event log beside this script, validates its
manifest.json and the example in docs/bundle-format.md against the schema, and checks that the
schema refuses what parse_manifest refuses (a newer major version, a bad digest, a path that
escapes). Exits 77 (ctest: skipped) when python3-jsonschema is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema not installed: skipped")
    sys.exit(77)

collect, source = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(source, "docs/schemas/bundle-manifest-v1.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def check(name, doc, want_valid):
    errors = [e.message for e in validator.iter_errors(doc)]
    if bool(errors) == want_valid:
        failures.append(f"{name}: expected {'valid' if want_valid else 'invalid'}, got {errors or 'valid'}")


with tempfile.TemporaryDirectory() as work:
    data = os.path.join(source, "tests/data/bundle")
    out = os.path.join(work, "b")
    subprocess.run([collect, "--out", out, "--format", "dir", "--app-id", "local-1430917381535",
                    "--eventlog", os.path.join(data, "local-1430917381535_1"),
                    "--driver-log", os.path.join(work, "missing.log")],
                   check=False, capture_output=True)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
check("collector output", manifest, True)

doc = open(os.path.join(source, "docs/bundle-format.md")).read()
example = doc[doc.index("```json") + len("```json"):]
check("docs example", json.loads(example[:example.index("```")]), True)

bad = json.loads(json.dumps(manifest))
bad["schema"] = "sparkmedic.bundle/v2"
check("newer major", bad, False)
bad = json.loads(json.dumps(manifest))
bad["files"][0]["sha256"] = "ABC"
check("bad digest", bad, False)
bad = json.loads(json.dumps(manifest))
bad["files"][0]["path"] = "eventlogs/../../x"
check("escaping path", bad, False)
bad = json.loads(json.dumps(manifest))
bad["sources"][1].pop("error", None)
check("failed source without error", bad, False)
later = json.loads(json.dumps(manifest))
later["schema"] = "sparkmedic.bundle/v1.4"
later["new_field"] = {"x": 1}
check("newer minor with unknown fields", later, True)

for f in failures:
    print(f)
sys.exit(1 if failures else 0)

#!/usr/bin/env bash
# README command 1: install what is needed, build, and diagnose a real failed Spark application
# from samples/ (a real Spark 3.1.1 YARN application whose executors were lost and whose shuffle
# fetches then failed): the terminal report, plus a self-contained HTML report.
# Any other input works too: bash scripts/demo.sh PATH (bundle, event log, log file, or -).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
input="${1:-samples/eventlogs/tasks_executors_fail_compressed_eventlog.zstd}"
html="build/sparkmedic-report.html"
rc=0
./build/release/analyzer/sparkmedic-analyze --html "$html" "$input" || rc=$?
# Exit codes: 0 no problem, 1 a problem was diagnosed (expected for this sample), 2 bad input.
if [ "$rc" -gt 1 ]; then exit "$rc"; fi
echo
echo "HTML report: $html"

#!/usr/bin/env bash
# README command 1: install what is needed, build, and summarise a real Spark event log from
# samples/ (a real YARN application whose executors were lost and whose shuffle fetches failed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
./build/release/analyzer/sparkmedic-analyze summary "${1:-samples/eventlogs/tasks_executors_fail_compressed_eventlog.zstd}"

#!/usr/bin/env bash
# Runs every libFuzzer target built by the asan preset for SECONDS each, starting from its
# committed corpus; new crashes fail the run (and leave a crash-* file to add to the corpus).
set -euo pipefail
seconds="${1:-30}"
cd "$(dirname "$0")/.."
build=build/asan/tests
status=0
for bin in "$build"/fuzz_*; do
  [[ -x "$bin" ]] || continue
  name="$(basename "$bin")"; name="${name#fuzz_}"
  corpus="tests/fuzz/corpus/$name"
  work="$(mktemp -d)"
  [[ -d "$corpus" ]] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  echo "fuzz $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="build/asan/crash-$name-" "$work" > "build/asan/$name.log" 2>&1; then
    echo "FUZZ FAILURE in $name: see build/asan/$name.log"; tail -30 "build/asan/$name.log"; status=1
  else
    grep -E "stat::number_of_executed_units|Done" "build/asan/$name.log" | tail -2 || true
  fi
  rm -rf "$work"
done
exit $status

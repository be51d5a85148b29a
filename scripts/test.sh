#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is needed, build, and run the whole test suite:
#   1. the CI build (warnings are errors) and every ctest, integration tests included;
#   2. the clang ASan + UBSan build and every ctest again;
#   3. each libFuzzer target (built by that same clang build) for a bounded time
#      (SPARKMEDIC_FUZZ_SECONDS, default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-spark.sh --with-35 >/dev/null  # 3.5.9 too: the History Server checks cover both
bash scripts/install-lab-deps.sh >/dev/null    # Prometheus, Alertmanager (Debian packages) for the lab and drills
jobs="$(nproc)"

echo "== CI build (-Werror) and tests"
bash scripts/build.sh ci
ctest --preset ci -j "$jobs"

echo "== ASan + UBSan build and tests"
bash scripts/build.sh asan
ctest --preset asan -j "$jobs"

echo "== fuzzing (bounded)"
bash scripts/fuzz.sh "${SPARKMEDIC_FUZZ_SECONDS:-30}"

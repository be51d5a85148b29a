#!/usr/bin/env bash
# Configures and builds one CMake preset (dev, release, ci, asan, fuzz), reusing the build
# directory (and ccache when present) so repeated runs are incremental.
set -euo pipefail
preset="${1:-release}"
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR="${CCACHE_DIR:-${SPARKMEDIC_CACHE:-$HOME/.cache/sparkmedic}/ccache}"
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake --preset "$preset" "${launcher[@]}" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

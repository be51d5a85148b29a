#!/usr/bin/env bash
# Installs everything sparkmedic needs to build and test on a fresh Debian 12 machine.
# Only Debian packages (apt-get) for the C++ build; pyspark comes from PyPI for the
# integration tests (scripts/install-spark.sh). Safe to re-run: apt skips what is there.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config git
  libarchive-dev libsimdjson-dev libhyperscan-dev libsqlite3-dev sqlite3
  libcli11-dev catch2 libtomlplusplus-dev libpcre2-dev
  libzstd-dev zstd liblz4-dev lz4 libsnappy-dev zlib1g-dev
  libcurl4-openssl-dev
  clang libclang-rt-14-dev ccache python3-venv python3-jsonschema
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Installs what the lab (lab/, docs/lab.md) and the collector's network tests need beside Spark:
# Debian's prometheus, prometheus-alertmanager and prometheus-node-exporter (the real servers, run as plain processes on
# 127.0.0.1 by lab/labcore.py; never as system services), and e2fsprogs for the disk_space
# drill's small filesystem. Idempotent: only missing packages are installed. Spark itself comes
# from scripts/install-spark.sh.
#
# Debian's postinst scripts try to start the services; where /usr/sbin/policy-rc.d forbids it
# (containers) nothing starts. Elsewhere the system units would listen on :9090/:9093; the lab
# uses free ports of its own, so they do not collide, but you may want
# `systemctl disable --now prometheus prometheus-alertmanager`.
set -euo pipefail
PKGS=(prometheus prometheus-alertmanager prometheus-node-exporter e2fsprogs python3-yaml)
# Go runs the RE2 check of the Loki alert filters (tests/alerts/re2check, standard library only);
# Debian's golang-go only where no Go is installed yet.
command -v go >/dev/null 2>&1 || PKGS+=(golang-go)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null

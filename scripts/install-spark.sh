#!/usr/bin/env bash
# Installs the real Spark the integration tests and fixture generators drive: pyspark from PyPI
# in a private venv (the pip package carries the whole Spark distribution: jars, bin/, sbin/).
#
#   scripts/install-spark.sh            venv with pyspark[connect]==4.0.1 (+ zstandard, used by
#                                       tests/data/eventlogs/generated/make_fixtures.py --check)
#   scripts/install-spark.sh --with-35  also venv35 with pyspark==3.5.9 (newest 3.5 on PyPI when
#                                       this was written; override with SPARKMEDIC_PYSPARK35)
#
# Venvs live under ${SPARKMEDIC_CACHE:-$HOME/.cache/sparkmedic}. Idempotent: a venv whose python
# already imports the wanted pyspark version is reused untouched. Prints SPARK_HOME (the pyspark
# package directory) on stdout -- with --with-35 a second line holds venv35's -- so that
# `SPARK_HOME=$(scripts/install-spark.sh)` works; progress goes to stderr.
# Needs only python3 on a fresh Debian 12: if `python3 -m venv` cannot make a venv (no ensurepip),
# python3-venv is installed with apt-get. Java 17 is needed to RUN Spark, not to install it.
set -euo pipefail

PYSPARK4="${SPARKMEDIC_PYSPARK4:-4.0.1}"
PYSPARK35="${SPARKMEDIC_PYSPARK35:-3.5.9}"
CACHE="${SPARKMEDIC_CACHE:-$HOME/.cache/sparkmedic}"
WITH35=0
for arg in "$@"; do
  case "$arg" in
    --with-35) WITH35=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "install-spark.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "install-spark: $*" >&2; }

have_venv_module() {
  local probe
  probe="$(mktemp -d)"
  if python3 -m venv "$probe/v" >/dev/null 2>&1 && [[ -x "$probe/v/bin/pip" ]]; then
    rm -rf "$probe"; return 0
  fi
  rm -rf "$probe"; return 1
}

ensure_python_venv() {
  command -v python3 >/dev/null || { log "python3 not found"; exit 1; }
  if have_venv_module; then return; fi
  log "python3 -m venv does not work here; installing python3-venv with apt-get"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv
  have_venv_module || { log "python3 -m venv still fails after installing python3-venv"; exit 1; }
}

# make_venv DIR PYSPARK_SPEC WANT_VERSION [EXTRA_PACKAGES...]
make_venv() {
  local dir="$1" spec="$2" want="$3"; shift 3
  local py="$dir/bin/python"
  if [[ -x "$py" ]] && "$py" -c 'import pyspark' >/dev/null 2>&1; then
    local have
    have="$("$py" -c 'import pyspark; print(pyspark.__version__)')"
    if [[ "$have" == "$want" ]]; then
      log "reusing $dir (pyspark $have)"
    else
      log "$dir has pyspark $have, wanted $want: reinstalling"
      "$py" -m pip install -q --disable-pip-version-check "$spec" >&2
    fi
  else
    if [[ ! -x "$py" ]]; then
      ensure_python_venv
      log "creating venv $dir"
      mkdir -p "$(dirname "$dir")"
      python3 -m venv "$dir"
    fi
    log "installing $spec into $dir (the wheel is ~300-450 MB, this takes a while)"
    "$py" -m pip install -q --disable-pip-version-check "$spec" >&2
  fi
  local extra
  for extra in "$@"; do
    if ! "$py" -c "import $extra" >/dev/null 2>&1; then
      log "installing $extra into $dir"
      "$py" -m pip install -q --disable-pip-version-check "$extra" >&2
    fi
  done
}

spark_home() {
  "$1/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

make_venv "$CACHE/venv" "pyspark[connect]==$PYSPARK4" "$PYSPARK4" zstandard
spark_home "$CACHE/venv"
if ((WITH35)); then
  make_venv "$CACHE/venv35" "pyspark==$PYSPARK35" "$PYSPARK35"
  spark_home "$CACHE/venv35"
fi
if ! command -v java >/dev/null; then
  log "note: no java on PATH; Spark $PYSPARK4 needs Java 17 or 21 to run (apt-get install openjdk-17-jre-headless)"
fi

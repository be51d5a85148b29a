#!/usr/bin/env bash
# Regenerates samples/bundles/: real bundles written by sparkmedic-collect from lab drills (real
# Spark 4.0.1 applications failing in one known way; see docs/drills.md). Each bundle comes with
# the drill's record (<drill>.drill.json: class induced, how, expected signal, duration, size).
#
#   scripts/make-samples.sh [DRILL...]     default: the set below
#
# Runs its own lab in a temporary directory (never your ~/.cache/sparkmedic/lab) and stops it at
# the end. Needs: scripts/install-spark.sh, scripts/install-lab-deps.sh and a built collector
# (build/{ci,release,dev}/collector/sparkmedic-collect, or SPARKMEDIC_COLLECT).
set -euo pipefail
cd "$(dirname "$0")/.."
DRILLS=("$@")
if ((${#DRILLS[@]} == 0)); then
  DRILLS=(healthy_wordcount task_user_exception executor_lost shuffle_fetch_failed
          job_stuck_no_resources container_memory_exceeded executor_heap_oom driver_max_result_size)
fi
bash scripts/install-spark.sh >/dev/null
bash scripts/install-lab-deps.sh
work="$(mktemp -d /tmp/sparkmedic-samples.XXXXXX)"
export SPARKMEDIC_LAB_DIR="$work/lab"
cleanup() { python3 lab/lab.py down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
python3 lab/lab.py up >/dev/null
status=0
python3 lab/lab.py drill run "${DRILLS[@]}" --out "$work/out" || status=$?
mkdir -p samples/bundles
for d in "${DRILLS[@]}"; do
  if [[ -f "$work/out/$d/bundle.tar.zst" ]]; then
    cp "$work/out/$d/bundle.tar.zst" "samples/bundles/$d.tar.zst"
    # The record without this machine's temporary paths.
    python3 - "$work/out/$d/drill.json" "samples/bundles/$d.drill.json" "$work" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
keep = ["drill", "failure_class", "expected_root_cause", "how", "app_id", "spark_version",
        "java_version", "app_exit_code", "mechanism", "conf", "signals_expected", "signals_found",
        "actions", "duration_s", "bundle_bytes", "started_at"]
out = {k: rec.get(k) for k in keep}
out["bundle"] = sys.argv[2].replace(".drill.json", ".tar.zst")
text = json.dumps(out, indent=2) + "\n"
json.dump(json.loads(text.replace(sys.argv[3], "/tmp/sparkmedic-samples")), open(sys.argv[2], "w"), indent=2)
PY
  else
    echo "make-samples: drill $d wrote no bundle" >&2
    status=1
  fi
done
du -ch samples/bundles/*.tar.zst | tail -1
exit "$status"

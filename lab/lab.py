"""sparkmedic lab: a real Spark cluster with Prometheus and Alertmanager on 127.0.0.1, and drills
that make real Spark applications fail in one known way and bundle the evidence.

  python3 lab/lab.py up                    start (or complete) the lab; idempotent
  python3 lab/lab.py down                  stop exactly the processes the lab started
  python3 lab/lab.py status [--json]       each component: pid, ports, health
  python3 lab/lab.py drill list            the drills
  python3 lab/lab.py drill run NAME [--out DIR] [--collector PATH]
  python3 lab/lab.py drill run --all [--out DIR]
  python3 lab/lab.py drill check [NAME...] [--out DIR]   re-check signals in earlier bundles

The lab directory is ~/.cache/sparkmedic/lab (SPARKMEDIC_LAB_DIR overrides). See docs/lab.md and
docs/drills.md.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import labcore  # noqa: E402


def cmd_status(lab: labcore.Lab, as_json: bool) -> int:
    rows = lab.status()
    if as_json:
        print(json.dumps({"lab_dir": str(lab.root), "components": rows}, indent=2))
    else:
        print(f"lab dir {lab.root}")
        print(f"{'component':<13} {'pid':>7}  {'ports':<34} health")
        for r in rows:
            ports = " ".join(f"{k}={v}" for k, v in r["ports"].items())
            state = "ok" if r["healthy"] else "DOWN"
            print(f"{r['component']:<13} {r['pid'] or '-':>7}  {ports:<34} {state}: {r['detail']}")
    return 0 if all(r["healthy"] for r in rows) else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lab", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("up", help="start the lab (idempotent)")
    sub.add_parser("down", help="stop the lab's processes")
    st = sub.add_parser("status", help="component, pid, ports, health")
    st.add_argument("--json", action="store_true")
    dr = sub.add_parser("drill", help="list or run drills")
    dsub = dr.add_subparsers(dest="drill_cmd", required=True)
    dl = dsub.add_parser("list")
    dl.add_argument("--json", action="store_true")
    chk = dsub.add_parser("check", help="re-check signals in bundles of earlier runs")
    chk.add_argument("name", nargs="*")
    chk.add_argument("--out", default=None)
    run = dsub.add_parser("run")
    run.add_argument("name", nargs="*", help="drill name(s)")
    run.add_argument("--all", action="store_true", help="run every drill")
    run.add_argument("--out", default=None, help="directory for bundles and drill.json (default: <lab>/drills)")
    run.add_argument("--collector", default=None, help="sparkmedic-collect binary (default: build dirs, then PATH)")
    args = ap.parse_args(argv)

    lab = labcore.Lab()
    try:
        if args.cmd == "up":
            lab.up()
            return cmd_status(lab, False)
        if args.cmd == "down":
            stopped = lab.down()
            print("lab: stopped " + (", ".join(stopped) if stopped else "nothing (no lab process was running)"))
            return 0
        if args.cmd == "status":
            return cmd_status(lab, args.json)
        if args.cmd == "drill":
            import drills
            if args.drill_cmd == "list":
                return drills.cmd_list(args.json)
            if args.drill_cmd == "check":
                return drills.cmd_check(lab, args.name, args.out)
            return drills.cmd_run(lab, args.name, args.all, args.out, args.collector)
    except (RuntimeError, TimeoutError, FileNotFoundError) as e:
        print(f"lab: {e}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

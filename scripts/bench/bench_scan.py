#!/usr/bin/env python3
"""Signature-scanning benchmark: sparkmedic-analyze against grep -E -f and rg -f, same
expressions, same text, one run. Not a test: prints figures for docs/benchmarks.md.

Inputs: every signature `expr` of patterns/*.toml (the full catalog), and a log of about
--size-mb MB built by repeating REAL logs committed in tests/data/logs and tests/data/drills
(driver and executor logs of real pyspark runs, so the match density is realistic).

Measured (best of --repeat):
  * sparkmedic-analyze LOG --json (start-up, ingest, one Hyperscan pass, SQLite index in memory,
    correlation, report): wall, CPU, MB/s per CPU-second, peak RSS;
  * grep -E -c -f EXPRS LOG and rg -c -f EXPRS LOG with the same expressions translated to
    POSIX ERE / Rust regex where needed (expressions that cannot be translated are left out of
    all three counts and reported);
  * a pasted 200-line log: start-up plus analysis, median of 20 runs.

Usage: bench_scan.py [--analyze build/release/analyzer/sparkmedic-analyze] [--size-mb 1024] [--repeat 3]
"""
import argparse
import glob
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def signatures():
    exprs = []
    for p in sorted((ROOT / "patterns").glob("*.toml")):
        doc = tomllib.loads(p.read_text())
        for s in doc.get("signature", []):
            exprs.append((p.stem, s["name"], s["expr"], s.get("flags", [])))
    return exprs


def to_ere(expr):
    """PCRE subset used by the catalog -> POSIX ERE (GNU grep). None when not expressible."""
    if re.search(r"\(\?[=!<]|\\[bB]|\\[1-9]", expr):
        return None
    e = expr.replace("(?:", "(")
    # Inside a bracket expression a class escape becomes its POSIX range, not a nested bracket.
    e = re.sub(r"\[(?:\\.|[^\]\\])*\]",
               lambda m: m.group(0).replace(r"\d", "0-9").replace(r"\s", "[:space:]").replace(r"\w", "[:alnum:]_"), e)
    e = e.replace(r"\d", "[0-9]").replace(r"\s", "[[:space:]]").replace(r"\S", "[^[:space:]]")
    e = e.replace(r"\w", "[[:alnum:]_]").replace(r"\W", "[^[:alnum:]_]")
    if "(?" in e:
        return None
    return e


def real_logs():
    files = []
    for pat in ("tests/data/logs/**/*.log", "tests/data/logs/**/stderr*", "tests/data/logs/**/stdout*",
                "tests/data/drills/**/*.log", "samples/**/*.log"):
        files += [f for f in glob.glob(str(ROOT / pat), recursive=True) if os.path.isfile(f)]
    return sorted(set(files))


def build_log(path, size_mb):
    srcs = real_logs()
    if not srcs:
        sys.exit("no real logs found under tests/data/logs")
    blob = b"".join(open(f, "rb").read().rstrip(b"\n") + b"\n" for f in srcs)
    with open(path, "wb") as out:
        written = 0
        while written < size_mb * 1_000_000:
            out.write(blob)
            written += len(blob)
    return len(srcs), os.path.getsize(path)


def timed(cmd, stdin=None):
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdin=stdin, capture_output=True)
    t = p.stderr.decode(errors="replace")
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
    wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(
        re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    return {"rc": p.returncode, "wall_s": wall, "cpu_s": round(cpu, 3), "rss_mb": round(rss / 1024, 1), "out": p.stdout,
            "err": t[:t.find("\tCommand being timed")][-500:]}


def best(cmd, repeat):
    runs = [timed(cmd) for _ in range(repeat)]
    return min(runs, key=lambda r: r["wall_s"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--analyze", default=str(ROOT / "build/release/analyzer/sparkmedic-analyze"))
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    sigs = signatures()
    work = pathlib.Path(tempfile.mkdtemp(prefix="sm-bench-scan-"))
    try:
        usable = [(c, n, e, to_ere(e)) for c, n, e, f in sigs if "caseless" not in f]
        dropped = [f"{c}/{n}" for c, n, e, ere in usable if ere is None] + [f"{c}/{n} (caseless)" for c, n, e, f in sigs if "caseless" in f]
        ere = [x for x in usable if x[3] is not None]
        (work / "exprs.ere").write_text("".join(x[3] + "\n" for x in ere))
        (work / "exprs.rg").write_text("".join(x[2] + "\n" for x in ere))
        nsrc, size = build_log(work / "big.log", a.size_mb)
        res = {"signatures_total": len(sigs), "signatures_compared": len(ere), "left_out": dropped,
               "log_bytes": size, "log_built_from_real_logs": nsrc}
        sm = best([a.analyze, "--json", "-q", str(work / "big.log")], a.repeat)
        res["sparkmedic"] = {k: sm[k] for k in ("wall_s", "cpu_s", "rss_mb", "rc")}
        res["sparkmedic"]["mb_per_s_per_cpu_s"] = round(size / sm["cpu_s"] / 1e6, 1)
        res["sparkmedic"]["mb_per_s_wall"] = round(size / sm["wall_s"] / 1e6, 1)
        # The scan alone: `patterns scan` (every signature of the catalog over every line, one
        # Hyperscan pass, counts per signature); its own timer excludes start-up and the
        # database build, the process figures include them.
        sc = best([a.analyze, "patterns", "scan", "--json", str(work / "big.log")], a.repeat)
        inner = json.loads(sc["out"].decode())
        res["scan_only"] = {"process_wall_s": sc["wall_s"], "process_cpu_s": sc["cpu_s"], "rss_mb": sc["rss_mb"],
                            "scan_wall_s": round(inner["seconds"], 3), "scan_cpu_s": round(inner["cpu_seconds"], 3),
                            "signatures": len(inner["signatures"]),
                            "gb_per_s_per_core": round(size / inner["cpu_seconds"] / 1e9, 3),
                            "gb_per_s_per_core_process": round(size / sc["cpu_s"] / 1e9, 3)}
        g = best(["grep", "-E", "-c", "-f", str(work / "exprs.ere"), str(work / "big.log")], a.repeat)
        if g["rc"] not in (0, 1):
            res["grep_error"] = g["err"]
        res["grep_E"] = {"wall_s": g["wall_s"], "cpu_s": g["cpu_s"], "matching_lines": g["out"].decode().strip(),
                         "mb_per_s": round(size / g["wall_s"] / 1e6, 1)}
        if shutil.which("rg"):
            r = best(["rg", "-c", "-f", str(work / "exprs.rg"), str(work / "big.log")], a.repeat)
            if r["rc"] in (0, 1) and r["wall_s"] > 0:
                res["rg"] = {"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "matching_lines": r["out"].decode().strip(),
                             "mb_per_s": round(size / r["wall_s"] / 1e6, 1)}
            else:
                res["rg_error"] = r["err"]
        res["speedup_vs_grep_wall"] = round(g["wall_s"] / sm["wall_s"], 2)
        if "rg" in res:
            res["speedup_vs_rg_wall"] = round(res["rg"]["wall_s"] / sm["wall_s"], 2)
        # A pasted 200-line log: start-up + analysis.
        lines = open(real_logs()[0], "rb").read().splitlines()[:200]
        (work / "paste.log").write_bytes(b"\n".join(lines) + b"\n")
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            subprocess.run([a.analyze, "--json", "-q", str(work / "paste.log")], capture_output=True)
            times.append(time.perf_counter() - t0)
        res["paste_200_lines_ms_median"] = round(statistics.median(times) * 1000, 1)
        print(json.dumps(res, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Writes the per-drill part of docs/drills.md from real drill runs: for each drill, what it does,
the real signal quoted from its bundle (the line that matched), how long it took and how big the
bundle was. Quotes come only from bundles; nothing is typed in by hand.

  python3 lab/drilldoc.py OUT_DIR [OUT_DIR...] > docs/drills.md   (later dirs win for a drill)

The text before the per-drill part is lab/drills-intro.md.
"""
from __future__ import annotations

import json
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from drillkit import WHERE_PREFIX, read_bundle_texts  # noqa: E402
import drills  # noqa: E402

MAX_QUOTE = 320


def quote_for(texts: dict[str, str], sig: dict) -> tuple[str, str] | None:
    prefixes = WHERE_PREFIX[sig["where"]]
    for path, text in texts.items():
        if not path.startswith(prefixes):
            continue
        if sig.get("text"):
            i = text.find(sig["text"])
        elif sig.get("regex"):
            m = re.search(sig["regex"], text)
            i = m.start() if m else -1
        else:
            return None
        if i < 0:
            continue
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        line = text[start:end if end >= 0 else len(text)]
        if len(line) > MAX_QUOTE:   # event-log JSON lines are long: keep the part around the match
            lo = max(0, i - start - 80)
            line = ("..." if lo else "") + line[lo:lo + MAX_QUOTE] + "..."
        return path, line
    return None


def main(dirs: list[str]) -> int:
    recs: dict[str, dict] = {}
    for d in dirs:
        for p in sorted(pathlib.Path(d).glob("*/drill.json")):
            rec = json.loads(p.read_text())
            if rec.get("bundle") and pathlib.Path(rec["bundle"]).exists():
                recs[rec["drill"]] = rec
    print((pathlib.Path(__file__).resolve().parent / "drills-intro.md").read_text())
    print("| drill | class induced | expected root cause | duration | bundle |")
    print("|---|---|---|---|---|")
    for name, d in drills.DRILLS.items():
        r = recs.get(name)
        dur = f"{r['duration_s']} s" if r else "not run"
        size = f"{r['bundle_bytes'] / 1024:.0f} KiB" if r and r.get("bundle_bytes") else "-"
        print(f"| [`{name}`](#{name}) | {d.failure_class} | {d.root_cause or '(none: healthy)'} | {dur} | {size} |")
    print()
    for name, d in drills.DRILLS.items():
        r = recs.get(name)
        print(f"### {name}\n")
        print(f"**Class:** `{d.failure_class}`. **How:** {d.how}")
        if r and r.get("mechanism"):
            print(f"**Mechanism on this machine:** {r['mechanism']}.")
        if r:
            print(f"\nReal run: Spark {r['spark_version']}, Java {r['java_version']}, app `{r['app_id']}`, "
                  f"app exit code {r['app_exit_code']}, {r['duration_s']} s, bundle "
                  f"{r['bundle_bytes']} bytes.")
            if r.get("actions"):
                print("\nWhat the drill did:\n")
                for a in r["actions"]:
                    print(f"- {a}")
        print("\nSignals (asserted by `tests/integration/test_drills.py`):\n")
        texts = read_bundle_texts(pathlib.Path(r["bundle"])) if r else {}
        for s in d.signals:
            desc = s.describe()
            print(f"- in `{s.where}`: `{desc}`" + (f" ({s.note})" if s.note else ""))
            if texts and s.check is not None:
                # What the drill run recorded (a check may need the lab, e.g. to follow a
                # runbook_url); else the check again over the bundle.
                rec = next((x for x in (r.get("signals_found") or []) if x.get("signal") == desc and x.get("detail")), None)
                if rec:
                    print(f"  - real run: {rec['detail']} (`{rec['found_in']}`)")
                    continue
                for path, text in texts.items():
                    if path.startswith(WHERE_PREFIX[s.where]):
                        found = s.check(text)
                        if found:
                            print(f"  - real run: {found} (`{path}`)")
                            break
            elif texts:
                q = quote_for(texts, {"where": s.where, "text": s.text, "regex": s.regex})
                if q:
                    print(f"  - quoted from `{q[0]}`:\n\n    ```\n    {q[1]}\n    ```")
                else:
                    print("  - NOT FOUND in the recorded run")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

#!/usr/bin/python3
# dontpanic report --log on the report corpus of tests/data/logs (logs
# written from the kernel's printk formats, three layouts per kind; see
# tests/data/logs/README.md): title, class, guilty function and module
# must be what each NAME.expected says. Usage: test-report-logs.py DONTPANIC
import glob
import json
import os
import subprocess
import sys

dp = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
logs = sorted(glob.glob(os.path.join(here, "..", "data", "logs", "*.log")))
if not logs:
    print("SKIP: no corpus")
    sys.exit(77)
fails, kinds = [], {}
for log in logs:
    exp = dict(l.rstrip("\n").split("=", 1)
               for l in open(log[:-4] + ".expected") if "=" in l)
    name = os.path.basename(log)[:-4]
    p = subprocess.run([dp, "report", "--json", "--log", log],
                       capture_output=True, text=True)
    ok = p.returncode == 0
    got = {}
    if ok:
        r = json.loads(p.stdout)
        got = {"title": r["title"] or "", "class": r["class"],
               "function": r["guilty"]["function"] or "",
               "module": r["guilty"]["module"] or ""}
        ok = all(got[k] == exp[k] for k in ("title", "class", "function", "module"))
    kind = name.rsplit("-", 1)[0]
    kinds.setdefault(kind, [0, 0])
    kinds[kind][1] += 1
    if ok:
        kinds[kind][0] += 1
    else:
        fails.append(f"{name}: got {got or p.stderr.strip()}, want {exp}")
for f in fails:
    print("FAIL:", f)
for k, (good, n) in sorted(kinds.items()):
    print(f"# {k}: {good}/{n}")
print(f"{len(logs) - len(fails)}/{len(logs)} logs right")
sys.exit(1 if fails else 0)

#!/usr/bin/python3
# dontpanic report on the committed sample dump (tests/data/sample: a NULL
# pointer Oops in dpcrash.ko), checked against crash 8.0.2's sys/bt output
# and makedumpfile's --dump-dmesg text stored with it. Runs without the
# harness cache. Usage: test-report-sample.py DONTPANIC
import json
import os
import re
import subprocess
import sys

dp = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "data", "sample")
vmcore = os.path.join(sample, "vmcore")
if not os.path.exists(vmcore):
    print("SKIP: no sample dump")
    sys.exit(77)
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


crash = open(os.path.join(sample, "crash-sys-bt.txt")).read()
dmesg = open(os.path.join(sample, "dmesg.txt"), errors="replace").read()
# crash's bt header: PID, CPU, COMMAND of the panic task; its exception
# frame names the faulting function and offset (decimal).
m = re.search(r'PID: (\d+)\s+TASK: \S+\s+CPU: (\d+)\s+COMMAND: "([^"]+)"', crash)
pid, cpu, comm = int(m.group(1)), int(m.group(2)), m.group(3)
m = re.search(r"\[exception RIP: (\w+)\+(\d+)\]", crash)
rip_fn, rip_off = m.group(1), int(m.group(2))
mod = re.search(r"at \w+ \[(\w+)\]", crash).group(1)
addr = int(re.search(r"NULL pointer dereference, address: ([0-9a-f]+)", dmesg).group(1), 16)

p = subprocess.run([dp, "report", "--json", vmcore], capture_output=True, text=True)
check(p.returncode == 0, f"exit {p.returncode}: {p.stderr}")
r = json.loads(p.stdout)
check(r["class"] == "OOPS_NULL_DEREF", f"class {r['class']}")
check(r["cpu"] == cpu, f"cpu {r['cpu']} != crash {cpu}")
check(r["task"]["pid"] == pid and r["task"]["comm"] == comm, f"task {r['task']}")
g = r["guilty"]
check(g["function"] == rip_fn and g["module"] == mod, f"guilty {g}")
check(g["symbol"].startswith(f"{rip_fn}+0x{rip_off:x}"), f"symbol {g['symbol']}")
check(g["source"] == "stack", f"guilty from {g['source']}")
check(g["out_of_tree"] and g["unsigned"], f"module taints {g['module_taints']}")
check(r["fault"]["address"] == hex(addr), f"fault {r['fault']}")
check(r["bucket"]["id"] == f"OOPS_NULL_DEREF:{mod}!{rip_fn}", f"bucket {r['bucket']}")

# The same crash from the log text alone buckets the same.
p2 = subprocess.run([dp, "report", "--json", "--log", os.path.join(sample, "dmesg.txt")],
                    capture_output=True, text=True)
r2 = json.loads(p2.stdout)
check(r2["bucket"] == r["bucket"], f"--log bucket {r2['bucket']} != {r['bucket']}")
check(r2["guilty"]["source"] == "log", f"--log guilty from {r2['guilty']['source']}")

# Text mode: the summary first, the bucket id in it.
p3 = subprocess.run([dp, "report", vmcore], capture_output=True, text=True)
check(p3.returncode == 0 and r["bucket"]["id"] in p3.stdout.split("\n\n")[1],
      "text summary lacks the bucket id")

for f in fails:
    print("FAIL:", f)
print(f"sample: {r['bucket']['id']} {r['bucket']['hash']}, {len(fails)} failures")
sys.exit(1 if fails else 0)

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

# Text mode: the head (kernel, host, machine, crash time), then the
# summary with the bucket id in it.
p3 = subprocess.run([dp, "report", vmcore], capture_output=True, text=True)
paras = p3.stdout.split("\n\n")
check(p3.returncode == 0 and len(paras) > 2 and r["bucket"]["id"] in paras[2],
      "text summary lacks the bucket id")

# The head against crash's sys on the same dump (crash-sys-bt.txt, crash
# 8.0.2 with the -dbg vmlinux), in JSON and text (issue 16: no release,
# host or crash time in the report).
cs = {}
for line in open(os.path.join(sample, "crash-sys-bt.txt")):
    if line.startswith("### crash> bt"):
        break
    if ":" in line and not line.startswith("###"):
        k, v = line.split(":", 1)
        cs[k.strip()] = v.strip()
h = r.get("system") or {}
import time  # noqa: E402
got = (h.get("release"), h.get("version"), h.get("hostname"), h.get("machine"),
       h.get("cpus"), time.strftime("%a %b %e %H:%M:%S UTC %Y",
                                    time.gmtime(h.get("crash_time") or 0)),
       "%02d:%02d:%02d" % (h.get("uptime_seconds", 0) // 3600,
                           h.get("uptime_seconds", 0) % 3600 // 60,
                           h.get("uptime_seconds", 0) % 60),
       "%.1f MB" % ((h.get("memory_bytes") or 0) / 1048576))
want = (cs["RELEASE"], cs["VERSION"], cs["NODENAME"], cs["MACHINE"].split()[0],
        int(cs["CPUS"]), cs["DATE"], cs["UPTIME"], cs["MEMORY"])
check(got == want, f"system {got} != crash sys {want}")
check(h.get("crash_time_source") == "VMCOREINFO CRASHTIME",
      f"crash time from {h.get('crash_time_source')}")
check(paras[1].startswith(f"KERNEL     {cs['RELEASE']} {cs['VERSION']}\nHOST       "
                          f"{cs['NODENAME']}\nMACHINE    x86_64, 2 CPUs, 511.5 MB RAM\n"
                          "CRASHED    2026-11-26 10:50:43 UTC (VMCOREINFO CRASHTIME), "
                          f"uptime {cs['UPTIME']}"), f"text head: {paras[1]!r}")
# --log: release and build from the log's banner, no wall clock.
h2 = r2.get("system") or {}
check((h2.get("release"), h2.get("version"), h2.get("cpus"), h2.get("crash_time"),
       h2.get("source")) == (cs["RELEASE"], cs["VERSION"], 2, None, "kernel log"),
      f"--log system {h2}")

# The taint is said once in the summary (it said "taint OE" and then
# "Kernel taint OE: ..." for the same two bits).
check(r["summary"].count("taint") == 1, f"summary taint: {r['summary']!r}")

# LOG: the whole Oops report, from BUG: through Oops:, RIP:, the call
# trace's end and "Modules linked in:" (it stopped at the BUG: line).
tail = [x["text"] for x in r["log_tail"]]
for i, want_l in enumerate(["BUG: kernel NULL pointer dereference", "Oops: 0002",
                            "RIP: 0010:dpcrash_null", "Call Trace:", " </TASK>",
                            "Modules linked in: dpcrash(OE)"]):
    at = [k for k, t in enumerate(tail) if t.startswith(want_l)]
    check(at, f"log_tail lacks {want_l!r}")
    if i and at and prev:
        check(at[0] > prev[0], f"log_tail: {want_l!r} before the line above it")
    prev = at
check("Modules linked in: dpcrash(OE)" in p3.stdout.split("\nLOG ")[-1],
      "text LOG section lacks Modules linked in:")

for f in fails:
    print("FAIL:", f)
print(f"sample: {r['bucket']['id']} {r['bucket']['hash']}, {len(fails)} failures")
sys.exit(1 if fails else 0)

#!/usr/bin/env python3
"""vm-pageclass: no dump level drops a page the analysis reads.

From the sysrq crash's full ELF dump, `dontpanic collect -d 31` makes a
filtered dump; drgn (oracle-drgn-pages.py, on the full dump) lists the
page frames of every task (task_struct, stack, signal, mm), module
(struct module, its memory, kallsyms) and slab cache (kmem_cache, nodes,
partial and per-CPU slabs).  None of them may be excluded (cmp-pages
--excluded), `ps` on the filtered dump must not warn, and the pages
collect counts as free must be the kernel's own count of buddy pages
(the free_area lists).  makedumpfile's -d 31 dump of the same crash is
measured the same way and reported (it drops slab pages on 6.10+).

usage: test-pageclass.py DONTPANIC CMP_PAGES
"""
import os
import re
import subprocess
import sys
import tempfile

DP, CMP = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
DRGN = "/usr/bin/drgn"


def lib(func, *args):
    r = subprocess.run(["sh", "-c", '. "$0/lib.sh"; "$@"', HERE, func] +
                       list(args), capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


full = lib("dp_vmcore", "sysrq", "elf-full")
mdf = lib("dp_vmcore", "sysrq", "kdump-zlib-d31")
vmlinux = lib("dp_kernel", "VMLINUX")
if not full or not vmlinux or not os.path.exists(vmlinux):
    print("SKIP: no sysrq elf-full dump or -dbg vmlinux in the cache")
    sys.exit(77)
if not os.access(DRGN, os.X_OK):
    print(f"SKIP: no {DRGN} (the oracle for the pages the analysis reads)")
    sys.exit(77)

r = subprocess.run([DRGN, "-q", "-c", full, "-s", vmlinux,
                    os.path.join(HERE, "oracle-drgn-pages.py")],
                   capture_output=True, text=True, timeout=900)
need = {}
for line in r.stdout.splitlines():
    if line.startswith("need "):
        _, pfn, what = line.split(" ", 2)
        need.setdefault(int(pfn, 16), what)
walked = re.search(r"^walked (\d+) tasks (\d+) modules (\d+) caches (\d+) "
                   r"slabs$", r.stdout, re.M)
free = re.search(r"^free (\d+)$", r.stdout, re.M)
if r.returncode or not walked or not free:
    print(f"FAIL: drgn oracle exited {r.returncode}:\n{r.stdout[-2000:]}"
          f"{r.stderr[-2000:]}")
    sys.exit(1)
print(f"drgn on {full}: {walked.group(0)}, {len(need)} page frames, "
      f"{free.group(1)} free (buddy) pages")
ntasks, nmods, ncaches, nslabs = (int(x) for x in walked.groups())
failed = 0


def check(cond, what):
    global failed
    print(("ok: " if cond else "FAIL: ") + what)
    failed += not cond


check(ntasks > 20 and ncaches > 50 and nslabs > 50 and nmods >= 1,
      "the oracle walked tasks, modules, caches and slabs")


def excluded(dump):
    out = subprocess.run([CMP, "--excluded", dump], capture_output=True,
                         text=True, check=True).stdout
    return {int(x, 16) for x in out.split()}


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "vmcore")
    c = subprocess.run([DP, "collect", "-d", "31", "-c", "--message-level",
                        "31", full, out], capture_output=True, text=True)
    check(c.returncode == 0, f"collect -d 31 exit {c.returncode} {c.stderr}")
    if c.returncode:
        sys.exit(1)
    ex = excluded(out)
    lost = sorted(p for p in need if p in ex)
    check(not lost and len(ex) > 1000,
          f"collect -d 31 excluded {len(ex)} pages, {len(lost)} of the "
          f"needed ones: " + ", ".join(f"{p:#x} ({need[p]})" for p in lost[:8]))
    m = re.search(r"Free pages\s*:\s*0x([0-9a-f]+)", c.stdout + c.stderr)
    ours = int(m.group(1), 16) if m else -1
    check(ours == int(free.group(1)),
          f"collect counts {ours} free pages, the kernel's free_area lists "
          f"{free.group(1)}")
    ps = subprocess.run([DP, "ps", out], capture_output=True, text=True)
    check(ps.returncode == 0 and "incomplete" not in ps.stderr,
          f"ps on the -d 31 dump: exit {ps.returncode} {ps.stderr.strip()}")

if mdf:
    mex = excluded(mdf)
    mlost = [p for p in need if p in mex]
    print(f"info: makedumpfile -d 31 of the same crash excluded {len(mex)} "
          f"pages, {len(mlost)} of the needed ones")
if failed:
    sys.exit(1)

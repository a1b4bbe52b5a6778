#!/usr/bin/python3
# The dump-space estimate (status's "dump space") against real dumps: for
# every full dump of the harness (nothing filtered: the kdump -d 0 and ELF
# copies of /proc/vmcore, QEMU's dumps), a fake machine is made from the
# dump's own counters (kmem -i: MemTotal, MemFree, Buffers, Cached, Shmem;
# AnonPages unknown, so 0) with its RAM as /proc/iomem System RAM (the RAM
# the dump holds: /proc/vmcore lacks the crash reservation already). The
# estimate `status` gives for `-d 31` must be an upper bound of what
# `collect -d 31` really keeps from that dump, and a useful one (below
# twice it).
# usage: test-dumpspace.py DONTPANIC DUMP...
import json
import os
import shutil
import subprocess
import sys
import tempfile

DP = sys.argv[1]
fails = []


def dp_json(*args, ok=(0,)):
    p = subprocess.run([DP] + list(args), capture_output=True, text=True)
    if p.returncode not in ok:
        raise RuntimeError(f"{args}: exit {p.returncode}: {p.stderr[-300:]}")
    return json.loads(p.stdout.splitlines()[0] if args[0] == "collect"
                      else p.stdout)


def fake_root(tmp, kmem, ram_bytes):
    page = kmem["page_size"]

    def kb(n):
        return n["pages"] * page // 1024 if isinstance(n, dict) else n * page // 1024
    os.makedirs(f"{tmp}/proc", exist_ok=True)
    os.makedirs(f"{tmp}/etc", exist_ok=True)
    with open(f"{tmp}/proc/meminfo", "w") as f:
        f.write(f"MemTotal: {kb(kmem['total'])} kB\nMemFree: {kb(kmem['free'])} kB\n"
                f"Buffers: {kb(kmem['buffers'])} kB\nCached: {kb(kmem['cached'])} kB\n"
                f"Shmem: {kb(kmem['shared'])} kB\nAnonPages: 0 kB\n")
    with open(f"{tmp}/proc/iomem", "w") as f:
        f.write(f"00000000-{ram_bytes - 1:08x} : System RAM\n")
    with open(f"{tmp}/etc/kdump.conf", "w") as f:
        f.write("path /var/crash\ncore_collector makedumpfile -l -d 31\n")


def check(dump):
    name = "/".join(dump.split("/")[-2:])
    kmem = dp_json("kmem", "-i", "--json", dump)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.kd")
        c = dp_json("collect", "-d", "31", "--json", dump, out)
        page = c["page_size"]
        fake_root(tmp, kmem, c["original_pages"] * page)
        # exit 1: "not ready" (the fake machine has no crashkernel)
        st = dp_json("status", "--json", "--root", tmp, ok=(0, 1))
    ds = st["dump_space"]
    kept = c["remaining_pages"] * page
    est = ds["estimate"] if ds else None
    if est is None:
        fails.append(f"{name}: no estimate: {ds}")
        return
    ratio = est / kept
    print(f"{name}: estimate {est >> 20} MiB, collect -d 31 kept "
          f"{kept >> 20} MiB ({c['remaining_pages']} pages): x{ratio:.2f}")
    if est < kept:
        fails.append(f"{name}: estimate {est} below the {kept} bytes kept")
    if ratio >= 2:
        fails.append(f"{name}: estimate {est} is {ratio:.1f} times what is kept")


dumps = sys.argv[2:]
if not dumps:
    print("SKIP: no full dumps")
    sys.exit(77)
for d in dumps:
    try:
        check(d)
    except RuntimeError as e:
        fails.append(f"{d}: {e}")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)

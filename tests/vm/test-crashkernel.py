#!/usr/bin/python3
# crashkernel= against what real kernels reserved: for each harness dump,
# the guest's command line and "Reserving NMB of memory at AMB for
# crashkernel (System RAM: RMB)" come from the dump's log (dontpanic log),
# the reserved resource from the dump's crashk_res (dontpanic p with the
# -dbg vmlinux). A fake /proc, /sys tree of that machine then goes through
# `status` and `setup --crashkernel --dry-run`: our evaluation of the
# command line for R MiB must give the N MiB the kernel reserved, and the
# region must read back as the kernel's.
# Usage: test-crashkernel.py DONTPANIC
import os
import re
import shutil
import subprocess
import sys
import tempfile

dp = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
fails = []


def lib(func, *args):
    r = subprocess.run(["sh", "-c", '. "$0/lib.sh"; "$@"', here, func] +
                       list(args), capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def check(cond, what):
    if not cond:
        fails.append(what)


def run(*args):
    e = dict(os.environ)
    e.pop("DP_SYSROOT", None)
    return subprocess.run([dp] + list(args), capture_output=True, text=True,
                          env=e)


def put(root, rel, text):
    path = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


sys.path.insert(0, here)
import dplib  # noqa: E402
dumps = [(s, lib("dp_vmcore", s, "kdump-zlib-d31")) for s in
         ["sysrq", "null", "bug", "softlockup", "hung", "panic", "oom"]]
# The reference test bed's 1 GiB guest (crashkernel=192M), same kernel.
tb = os.environ.get("DP_VMCORES_FALLBACK", "/root/.cache/vmcore-testbed")
if tb:
    dumps.append(("testbed-sysrq",
                  os.path.join(tb, "A-sysrq/dump/vmcore.kdump-zlib-d31")))
seen = 0
for scen, dump in dumps:
    if not dump or not os.path.exists(dump):
        continue
    seen += 1
    # crashk_res's type comes from the DWARF of the dump's vmlinux.
    vmlinux = dplib.vmlinux(dump) or dplib.no_oracle(dplib.vmlinux_why(dump))
    log = run("log", dump).stdout
    m = re.search(r"\] Command line: (.*)\n", log)
    r = re.search(r"Reserving (\d+)MB of memory at (\d+)MB for crashkernel "
                  r"\(System RAM: (\d+)MB\)", log)
    # 6.12 (kernel/crash_reserve.c) prints the range instead, and no RAM
    # size: that is the "Memory: avail/totalK" line's total (equal to
    # "System RAM" on 6.1's dumps: 523756K, 511MB).
    r2 = re.search(r"crashkernel reserved: 0x([0-9a-f]+) - 0x([0-9a-f]+) "
                   r"\((\d+) MB\)", log)
    mem = re.search(r"\] Memory: \d+K/(\d+)K available", log)
    check(m and (r or (r2 and mem)),
          f"{scen}: command line and Reserving line in the log")
    if not (m and (r or (r2 and mem))):
        continue
    cmdline = m.group(1)
    if r:
        size_mb, at_mb, ram_mb = (int(x) for x in r.groups())
    else:
        size_mb, at_mb = int(r2.group(3)), int(r2.group(1), 16) >> 20
        ram_mb = int(mem.group(1)) >> 10
        check(int(r2.group(2), 16) - int(r2.group(1), 16) == size_mb << 20,
              f"{scen}: the log's range is {size_mb} MB")
    p = run("p", "-k", vmlinux, "crashk_res", dump).stdout
    s = re.search(r"start = (\d+),\s*end = (\d+),", p)
    check(s, f"{scen}: crashk_res from the dump: {p!r}")
    if not s:
        continue
    start, end = int(s.group(1)), int(s.group(2))
    check(end - start + 1 == size_mb << 20 and start == at_mb << 20,
          f"{scen}: crashk_res {start:#x}-{end:#x} vs the log's "
          f"{size_mb}MB at {at_mb}MB")
    words = [w[len("crashkernel="):] for w in cmdline.split()
             if w.startswith("crashkernel=")]
    check(len(words) == 1, f"{scen}: one crashkernel= in {cmdline!r}")
    root = tempfile.mkdtemp(prefix="dp-ck-vm-")
    try:
        put(root, "/proc/cmdline", cmdline + "\n")
        put(root, "/proc/iomem",
            "00100000-%08x : System RAM\n  %08x-%08x : Crash kernel\n"
            % (0x100000 + (ram_mb << 20) - 1, start, end))
        put(root, "/sys/kernel/kexec_crash_size", "%d\n" % (end - start + 1))
        out = run("status", "--root", root).stdout
        want = f"  ok    crashkernel size                 {size_mb}M for " \
               f"{ram_mb}M of RAM"
        check(want in out, f"{scen}: status: {want!r} not in {out!r}")
        o = run("setup", "--crashkernel=" + words[0], "--dry-run",
                "--root", root)
        check(o.returncode == 0 and f"reserves          {size_mb}M\n"
              in o.stdout and "the reservation is what the command line "
              "asks for" in o.stdout and
              f"Crash kernel {start:#x}-{end:#x} ({size_mb}M, /proc/iomem)"
              in o.stdout, f"{scen}: setup --dry-run: {o.stdout!r}")
    finally:
        shutil.rmtree(root)
    print(f"ok: {scen}: crashkernel={words[0] if words else '?'} on "
          f"{ram_mb} MiB -> {size_mb} MiB at {at_mb} MiB, as the kernel did")
if not seen:
    print("SKIP: no kdump-zlib-d31 dumps")
    sys.exit(77)
for f in fails:
    print("FAIL:", f)
print(f"vm-crashkernel: {seen} dumps, {len(fails)} failures")
sys.exit(1 if fails else 0)

#!/usr/bin/python3
# dontpanic config, status and setup --sysctl on the committed config seeds and on fake
# /proc, /sys, /etc trees (--root and $DP_SYSROOT). Usage:
# test-config-status.py DONTPANIC
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import DP, fails, check, run, put  # noqa: E402

dp = DP
here = os.path.dirname(os.path.abspath(__file__))
seeds = os.path.join(here, "..", "fuzz", "seeds", "config")


# --- config on files -------------------------------------------------------
rc, out, err = run("config", os.path.join(seeds, "ssh.conf"))
check(rc == 0 and err == "", f"config ssh.conf: rc {rc}, stderr {err!r}")
check("target           ssh kdump@dumps.example.com  (line 1)" in out,
      "config ssh.conf: target line")
check("core_collector   makedumpfile -F -l --message-level 7 -d 31" in out,
      "config ssh.conf: collector")
check("final_action     poweroff" in out, "config ssh.conf: final_action")

bad = os.path.join(seeds, "bad.conf")
rc, out, err = run("config", bad)
check(rc == 1 and out == "", f"config bad.conf: rc {rc}, stdout {out!r}")
lines = err.splitlines()
check(f"{bad}:2: error: more than one dump target: 'xfs' here and line 1"
      in lines, "config bad.conf: two targets at line 2")
check(f"{bad}:5: error: failure_action 'explode': must be reboot, halt, "
      "poweroff, shell or dump_to_rootfs" in lines, "bad action at line 5")
check(f"{bad}:13: error: 'USE_KDUMP=1' looks like a kdump-tools variable; "
      "kdump.conf lines are '<directive> <value>'" in lines,
      "kdump-tools line in kdump.conf at 13")
check(lines[-1] == f"{bad}: 10 errors, 0 warnings", f"summary: {lines[-1]!r}")
nums = [int(l.split(":")[1]) for l in lines[:-1]]
check(nums == sorted(nums), f"errors not in line order: {nums}")

rc, out, err = run("config", "--json", bad)
j = json.loads(out)
check(rc == 1 and j["valid"] is False and j["config"] is None,
      "config --json bad: valid false, config null")
check(len(j["errors"]) == 10 and j["errors"][0]["line"] == 2,
      "config --json bad: errors with lines")

rc, out, err = run("config", "--json", os.path.join(seeds, "debian-ssh"))
j = json.loads(out)
check(rc == 0 and j["format"] == "kdump-tools", "debian-ssh: format")
c = j["config"]
check(c["target"] == "ssh" and c["target_spec"] == "kdump@dumps.example.com"
      and c["target_line"] == 7, "debian-ssh: target")
check(c["core_collector"] == ["makedumpfile", "-c", "-d", "31"],
      "debian-ssh: collector from MAKEDUMP_ARGS")
check(c["failure_action"] == "command" and c["failure_command"] == "reboot -f",
      "debian-ssh: KDUMP_FAIL_CMD")
check(c["num_dumps"] == 5 and c["use_kdump"] == 1, "debian-ssh: numbers")

# --format forces the dialect: a kdump-tools file read as kdump.conf fails.
rc, out, err = run("config", "--format=kdump.conf",
                   os.path.join(seeds, "debian-ssh"))
check(rc == 1 and "looks like a kdump-tools variable" in err,
      "--format=kdump.conf on a kdump-tools file")
rc, out, err = run("config", "--format=yaml", bad)
check(rc == 2, f"bad --format: rc {rc}")
rc, out, err = run("config", "a", "b")
check(rc == 2, f"two files: rc {rc}")
rc, out, err = run("config", "/nonexistent/kdump.conf")
check(rc == 1 and "cannot open /nonexistent/kdump.conf" in err,
      f"missing file: rc {rc} {err!r}")

# --- default files under a root --------------------------------------------
tmp = tempfile.mkdtemp(prefix="dp-cfg-")
try:
    rc, out, err = run("config", "--root", tmp)
    check(rc == 1 and "no kdump configuration" in err, "no config: rc 1")
    put(tmp, "/etc/default/kdump-tools", "USE_KDUMP=1\nNFS=filer:/dumps\n")
    rc, out, err = run("config", env={"DP_SYSROOT": tmp})
    check(rc == 0 and "target           nfs filer:/dumps  (line 2)" in out,
          f"DP_SYSROOT kdump-tools fallback: {rc} {out!r} {err!r}")
    put(tmp, "/etc/kdump.conf", "xfs LABEL=crash\npath /dumps\n")
    rc, out, err = run("config", "--root", tmp)
    check(rc == 0 and "target           xfs LABEL=crash" in out,
          "kdump.conf preferred over kdump-tools")
finally:
    shutil.rmtree(tmp)

# --- status on fake trees ----------------------------------------------------
SYSCTLS = ["kernel/panic_on_oops", "kernel/panic", "kernel/sysrq",
           "kernel/nmi_watchdog", "kernel/softlockup_panic",
           "kernel/hung_task_panic", "kernel/unknown_nmi_panic",
           "kernel/panic_on_unrecovered_nmi"]


def tree(cmdline, size, loaded, sysctl, oom="0"):
    root = tempfile.mkdtemp(prefix="dp-status-")
    put(root, "/proc/cmdline", cmdline + "\n")
    put(root, "/sys/kernel/kexec_crash_size", size + "\n")
    put(root, "/sys/kernel/kexec_crash_loaded", loaded + "\n")
    for s in SYSCTLS:
        put(root, "/proc/sys/" + s, sysctl + "\n")
    put(root, "/proc/sys/vm/panic_on_oom", oom + "\n")
    return root


ready = tree("root=/dev/vda1 crashkernel=256M", "268435456", "1", "1")
notready = tree("root=/dev/vda1 ro quiet", "0", "0", "0", oom="1")
try:
    put(ready, "/etc/kdump.conf", "ssh kdump@dumps\ncore_collector makedumpfile -F -d 31\n")
    rc, out, err = run("status", "--root", ready)
    check(rc == 0, f"status ready: rc {rc} {err!r}")
    check("  ok    crashkernel                      256M" in out,
          "status ready: crashkernel line")
    check("  ok    reserved                         256 MiB (268435456 bytes)"
          in out, "status ready: reserved")
    check("  ok    config target                    ssh kdump@dumps, path /var/crash"
          in out, "status ready: config target")
    check(out.rstrip().endswith("ready: a panic now would take a dump"),
          "status ready: verdict")
    check("->" not in out, "status ready: no advice lines")

    rc, out, err = run("status", env={"DP_SYSROOT": notready})
    check(rc == 1, f"status not ready: rc {rc}")
    check("  FAIL  crashkernel                      absent" in out,
          "status: crashkernel absent")
    check("  FAIL  capture kernel                   not loaded (0)  (want loaded (1))"
          in out, "status: not loaded")
    check("  warn  kernel.panic_on_oops             0  (want 1)" in out,
          "status: panic_on_oops warn")
    check("sysctl -w kernel.panic_on_oops=1" in out, "status: sysctl advice")
    check("  info  vm.panic_on_oom                  1" in out,
          "status: panic_on_oom info")
    check("write /etc/kdump.conf to choose" in out, "status: no config advice")
    check(out.rstrip().endswith("NOT ready: a panic now would not take a dump"),
          "status not ready: verdict")

    rc, out, err = run("status", "--json", "--root", notready)
    j = json.loads(out)
    names = [c["name"] for c in j["checks"]]
    check(j["ready"] is False and j["config"] is None, "status --json: ready")
    check(names[:3] == ["crashkernel", "reserved", "capture kernel"]
          and "kernel.sysrq" in names and "vm.panic_on_oom" in names,
          f"status --json: names {names}")
    st = {c["name"]: c for c in j["checks"]}
    check(st["reserved"]["state"] == "FAIL" and st["reserved"]["value"]
          == "0 MiB (0 bytes)", "status --json: reserved")

    # A config with errors makes a ready kernel not ready.
    put(ready, "/etc/kdump.conf", "ssh kdump@dumps\ncore_collector makedumpfile -d 31\n")
    rc, out, err = run("status", "--root", ready)
    check(rc == 1 and "  FAIL  config target" in out
          and "1 error in the configuration" in out,
          f"status with bad config: rc {rc} {out!r}")

    # Dump space, for a local target: the estimate from the fake meminfo
    # (no iomem: MemTotal is the base), the free space from statvfs of the
    # tree's file system (its nearest existing parent of /var/crash is /).
    put(ready, "/etc/kdump.conf",
        "path /var/crash\ncore_collector makedumpfile -l -d 31\n")
    put(ready, "/proc/meminfo",
        "MemTotal: 1000000 kB\nMemFree: 600000 kB\nBuffers: 0 kB\n"
        "Cached: 100000 kB\nShmem: 0 kB\nAnonPages: 100000 kB\n")
    rc, out, err = run("status", "--json", "--root", ready)
    ds = json.loads(out)["dump_space"]
    v = os.statvfs(ready)
    check(rc == 0 and ds and ds["state"] == "ok" and ds["level"] == 31 and
          ds["dir"] == "/" and
          ds["estimate"] == 200000 * 1024 + 1000000 * 1024 // 16384 and
          abs(ds["free"] - v.f_bavail * v.f_frsize) < 64 << 20,
          f"status --json dump_space {ds}")
    # A machine far bigger than the disk: a warning with advice, still ready.
    put(ready, "/proc/meminfo", "MemTotal: 1125899906842624 kB\n")
    rc, out, err = run("status", "--root", ready)
    check(rc == 0 and "  warn  dump space" in out and "it may not fit" in out,
          f"status dump space warn: rc {rc} {out!r}")
    rc, out, err = run("status", "extra")
    check(rc == 2, "status extra arg: usage")
finally:
    shutil.rmtree(ready)
    shutil.rmtree(notready)

# --- setup --sysctl on a fake tree ---------------------------------------
tmp = tree("root=/dev/vda1", "0", "0", "0")
try:
    put(tmp, "/proc/sys/kernel/sysrq", "438\n")
    put(tmp, "/proc/sys/kernel/panic", "5\n")
    rc, out, err = run("setup", "--sysctl", "--dry-run", "--root", tmp)
    check(rc == 0 and "kernel.panic_on_oops             0 -> 1 (dry run: not written)"
          in out, f"setup --dry-run: {rc} {out!r}")
    check(open(os.path.join(tmp, "proc/sys/kernel/panic_on_oops")).read()
          == "0\n", "setup --dry-run wrote")
    rc, out, err = run("setup", "--sysctl", env={"DP_SYSROOT": tmp})
    check(rc == 0, f"setup --sysctl: rc {rc} {err!r}")
    check("kernel.sysrq                     438 -> 446" in out
          and "kernel.panic                     5 (kept)" in out,
          f"setup --sysctl output {out!r}")
    check("kernel.sysrq = 446" in out, "setup: sysctl.d lines")
    # status now has no warning left for what setup set.
    rc, out, err = run("status", "--json", "--root", tmp)
    st = {c["name"]: c for c in json.loads(out)["checks"]}
    check(all(st[n]["state"] == "ok" for n in
              ["kernel.panic_on_oops", "kernel.sysrq", "kernel.nmi_watchdog",
               "kernel.panic"]), "status after setup --sysctl")
    check(st["kernel.softlockup_panic"]["state"] == "info",
          "setup without --all left the optional ones")
    rc, out, err = run("setup", "--root", tmp)
    check(rc == 2 and "give --sysctl or --crashkernel" in err,
          "setup without --sysctl or --crashkernel: usage")
finally:
    shutil.rmtree(tmp)

for f in fails:
    print("FAIL:", f)
if not fails:
    print("ok: config, status and setup --sysctl on seeds and fake trees")
sys.exit(1 if fails else 0)

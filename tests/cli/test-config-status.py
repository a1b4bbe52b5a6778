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
# The host checks (sshkey file, fence_kdump_nodes) look under $DP_SYSROOT:
# an empty tree makes them the same on every machine.
empty = tempfile.mkdtemp(prefix="dp-cfg-empty-")
E = {"DP_SYSROOT": empty}
rc, out, err = run("config", os.path.join(seeds, "ssh.conf"), env=E)
ssh = os.path.join(seeds, "ssh.conf")
lines = err.splitlines()
check(rc == 1 and out == "", f"config ssh.conf: rc {rc}, stdout {out!r}")
check(f"{ssh}:1: error: ssh targets are not supported by this build "
      "(the capture has no network or SSH client yet)" in lines,
      f"config ssh.conf: ssh unsupported {lines}")
check(f"{ssh}:2: warning: sshkey '/root/.ssh/kdump_id_rsa' is not a file; "
      "kdumpctl uses the default /root/.ssh/kdump_id_rsa" in lines,
      "config ssh.conf: missing sshkey is a warning, as in kdumpctl")
check(f"{ssh}:5: error: failure_action shell is not supported by this build: "
      "the initramfs packs no shell (the capture reboots instead)" in lines,
      "config ssh.conf: failure_action shell unsupported")
check(lines[-1] == f"{ssh}: 2 errors, 1 warning", f"summary {lines[-1]!r}")

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
check(f"{bad}:8: error: this core_collector is not supported by this build: "
      "only makedumpfile or dontpanic collect (the capture runs its own "
      "collector, in a child process, and packs no cp, scp or shell)" in lines,
      "core_collector cp unsupported at 8")
check(lines[-1] == f"{bad}: 11 errors, 0 warnings", f"summary: {lines[-1]!r}")
nums = [int(l.split(":")[1]) for l in lines[:-1]]
check(nums == sorted(nums), f"errors not in line order: {nums}")

rc, out, err = run("config", "--json", bad)
j = json.loads(out)
check(rc == 1 and j["valid"] is False and j["config"] is None,
      "config --json bad: valid false, config null")
check(len(j["errors"]) == 11 and j["errors"][0]["line"] == 2,
      "config --json bad: errors with lines")
check([e["line"] for e in j["errors"] if e["unsupported"]] == [8],
      f"config --json bad: the unsupported one {j['errors']}")

# kdump-tools: SSH is unsupported, KDUMP_NUM_DUMPS and KDUMP_FAIL_CMD too;
# MAKEDUMP_ARGS is shown with the -F kdump-config adds.
rc, out, err = run("config", "--json", os.path.join(seeds, "debian-ssh"))
j = json.loads(out)
check(rc == 1 and j["format"] == "kdump-tools", "debian-ssh: format")
check(sorted((e["line"], e["unsupported"]) for e in j["errors"]) ==
      [(4, True), (6, True), (7, True)], f"debian-ssh: errors {j['errors']}")
rc, out, err = run("config", "--json", os.path.join(seeds, "debian-kdump-tools"))
j = json.loads(out)
check(rc == 0 and "-F" in j["config"]["core_collector"],
      f"debian-kdump-tools: collector {j['config'] and j['config']['core_collector']}")


# --- kdumpctl's and kdump-config's verdicts ---------------------------------
def verdict(text, fmt=None, env=E):
    """config on text: (rc, errors not 'unsupported', unsupported, all)."""
    f = os.path.join(empty, "t.conf")
    with open(f, "w") as fh:
        fh.write(text)
    args = ["config", "--json"] + (["--format", fmt] if fmt else []) + [f]
    rc, out, err = run(*args, env=env)
    j = json.loads(out)
    msgs = [e["message"] for e in j["errors"] + j["warnings"]]
    other = [e["message"] for e in j["errors"] if not e["unsupported"]]
    unsup = [e["message"] for e in j["errors"] if e["unsupported"]]
    return rc, other, unsup, msgs, j


def expect(text, other, unsup, has=(), why=""):
    rc, o, u, msgs, j = verdict(text)
    ok = len(o) == other and len(u) == unsup and \
        all(any(h in m for m in msgs) for h in has) and \
        rc == (1 if other + unsup else 0)
    check(ok, f"{why or text!r}: rc {rc} errors {o} unsupported {u} all {msgs}")
    return j


# accepted by kdumpctl, impossible at crash time: errors naming the directive
for line, what in [
        ("nfs srv:/export", "nfs targets are not supported by this build"),
        ("ssh root@host", "ssh targets are not supported by this build"),
        ("core_collector cp", "this core_collector is not supported"),
        ("core_collector scp", "this core_collector is not supported"),
        ("failure_action shell", "failure_action shell is not supported"),
        ("failure_action dump_to_rootfs",
         "failure_action dump_to_rootfs is not supported"),
        ("kdump_pre /bin/true", "kdump_pre is not supported"),
        ("kdump_post /bin/true", "kdump_post is not supported"),
        ("kdump_emergency /bin/true", "kdump_emergency is not supported"),
        ("extra_bins /bin/ls", "extra_bins is not supported"),
        ("dracut_args --omit-drivers snd", "dracut_args is not supported"),
        ("dracut_args --mount \"srv:/x /mnt nfs defaults\"",
         "dracut_args is not supported"),
        ("virtiofs myfs", "virtiofs targets are not supported")]:
    expect(line + "\n", 0, 1, [what])
# kdumpctl's own verdicts
expect("nfs [2001:db8::1]:/export\n", 0, 1,
       ["nfs targets are not supported by this build"], "IPv6 nfs parses")
j = expect("virtiofs TAG\n", 0, 1, [])
check(not j["warnings"], "virtiofs TAG is not a device (no device warning)")
expect('path "/var/crash"\ncore_collector "makedumpfile -l -d 31"\n', 0, 0)
rc, o, u, msgs, j = verdict('path "/var/crash"\ncore_collector "makedumpfile -l -d 31"\n')
check(j["config"]["path"] == "/var/crash" and
      j["config"]["core_collector"] == ["makedumpfile", "-l", "-d", "31"],
      f"quotes stripped as kdumpctl does: {j['config']}")
expect("raw /dev/sdb1 extra\n", 1, 0, ["'raw' takes one value"])
expect("ssh root@host extra\n", 1, 1, ["'ssh' takes one value"])
expect("ext4 /dev/sdb1\ncore_collector makedumpfile -F -l -d 31\n", 1, 0,
       ["makedumpfile --check-params refuses these options: -F"])
expect("nfs h:/e\ncore_collector makedumpfile -F -l -d 31\n", 1, 1,
       ["makedumpfile --check-params refuses these options: -F"])
expect("core_collector makedumpfile -d 99\n", 1, 0,
       ["the dump level (-d) must be a number from 0 to 31"])
# sshkey to a missing file: kdumpctl warns and takes the default key
rc, o, u, msgs, j = verdict("ssh a@b\nsshkey /nope/key\n")
check(len(o) == 0 and any("sshkey '/nope/key' is not a file" in m for m in msgs),
      f"sshkey missing: {msgs}")
# fence_kdump_nodes naming this host (its /etc/hostname under the root)
put(empty, "/etc/hostname", "node7\n")
rc, o, u, msgs, j = verdict("fence_kdump_nodes node1 node7\n")
check(rc == 1 and any("fence_kdump_nodes cannot contain this host ('node7')"
                      in m for m in o), f"fence_kdump_nodes self: {o}")
os.unlink(os.path.join(empty, "etc/hostname"))

# kdump-config's verdicts
for text, other, unsup, has in [
        ("USE_KDUMP=yes\n", 0, 0, []),
        ("USE_KDUMP=1\nSSH=a@b\nNFS=h:/e\n", 0, 2,
         ["SSH targets are not supported", "NFS targets are not supported"]),
        ("USE_KDUMP=1\nKDUMP_COMPRESSION=zstd\n", 1, 0,
         ["KDUMP_COMPRESSION 'zstd': kdump-config supports bzip2, gzip, lz4 or xz"]),
        ("USE_KDUMP=1\nKDUMP_COMPRESSION=xz\n", 0, 1,
         ["KDUMP_COMPRESSION is not supported by this build"]),
        ("USE_KDUMP=1\nKDUMP_COREDIR=crash\n", 0, 0,
         ["KDUMP_COREDIR 'crash' is relative"]),
        ("USE_KDUMP=1\nKDUMP_DUMP_DMESG=0\n", 0, 0,
         ["KDUMP_DUMP_DMESG=0: dontpanic's capture writes vmcore-dmesg.txt anyway"]),
        ("USE_KDUMP=1\nKDUMP_FAIL_CMD=reboot\n", 0, 1,
         ["KDUMP_FAIL_CMD is not supported"]),
        ("USE_KDUMP=1\nMAKEDUMP_ARGS=\"-c -d 99\"\n", 1, 0,
         ["MAKEDUMP_ARGS: makedumpfile refuses these options"])]:
    expect(text, other, unsup, has)
rc, o, u, msgs, j = verdict("USE_KDUMP=1\nMAKEDUMP_ARGS=\"-c -d 31\"\n")
check(j["config"]["core_collector"] == ["makedumpfile", "-c", "-d", "31", "-F"],
      f"MAKEDUMP_ARGS shown with kdump-config's -F: {j['config']}")

# kdump-utils' shipped kdump.conf and its documented examples
# (tests/cli/kdump-utils/README): the same verdict as kdumpctl.
exdir = os.path.join(here, "kdump-utils")
nex = 0
for name in sorted(os.listdir(exdir)):
    if not name.endswith(".conf"):
        continue
    text = open(os.path.join(exdir, name)).read()
    exp = [l for l in text.splitlines() if l.startswith("# expect: ")][0]
    fields = exp[len("# expect: "):]
    accept = "kdumpctl=accept" in fields
    nunsup = int(fields.split("unsupported=")[1].split()[0])
    has = fields.split("has=")[1] if "has=" in fields else None
    rc, o, u, msgs, j = verdict(text)
    ok = (not o) == accept and len(u) == nunsup and \
        (has is None or any(has in m for m in msgs))
    check(ok, f"kdump-utils/{name}: kdumpctl {'accepts' if accept else 'refuses'}"
          f"; dontpanic errors {o}, unsupported {u}, all {msgs}")
    nex += 1
check(nex >= 30, f"only {nex} kdump-utils examples")
shutil.rmtree(empty)

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
    put(tmp, "/etc/default/kdump-tools", "USE_KDUMP=1\nKDUMP_COREDIR=/srv/k\n")
    rc, out, err = run("config", env={"DP_SYSROOT": tmp})
    check(rc == 0 and "path             /srv/k\n" in out,
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
    put(ready, "/etc/kdump.conf", "raw /dev/vdb1\ncore_collector makedumpfile -F -d 31\n")
    rc, out, err = run("status", "--root", ready)
    check(rc == 0, f"status ready: rc {rc} {err!r}")
    check("  ok    crashkernel                      256M" in out,
          "status ready: crashkernel line")
    check("  ok    reserved                         256 MiB (268435456 bytes)"
          in out, "status ready: reserved")
    check("  ok    config target                    raw /dev/vdb1, path /var/crash"
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
    put(ready, "/etc/kdump.conf", "raw /dev/vdb1\ncore_collector makedumpfile -d 31\n")
    rc, out, err = run("status", "--root", ready)
    check(rc == 1 and "  FAIL  config target" in out
          and "1 error in the configuration" in out,
          f"status with bad config: rc {rc} {out!r}")
    # What the capture cannot do is not ready either (the same table).
    for conf in ("nfs filer:/dumps\n", "failure_action shell\n",
                 "kdump_post /bin/true\n"):
        put(ready, "/etc/kdump.conf", conf)
        rc, out, err = run("status", "--root", ready)
        check(rc == 1 and "  FAIL  config target" in out
              and "1 error in the configuration (what this build's capture "
              "cannot do counts)" in out and "NOT ready" in out,
              f"status with {conf!r}: rc {rc} {out!r}")
        rc, out, err = run("status", "--json", "--root", ready)
        jc = json.loads(out)["config"]
        check(rc == 1 and jc["errors"] == 1 and jc["unsupported"] == 1,
              f"status --json with {conf!r}: {jc}")

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

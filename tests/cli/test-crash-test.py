#!/usr/bin/python3
# dontpanic test (the test crash) on fake /proc, /sys, /etc trees: it
# refuses when a dump would not be taken, asks on a terminal (a pty here),
# refuses without one unless --yes, and writes 'c' to DIR/proc/sysrq-trigger.
# Usage: test-crash-test.py DONTPANIC
import json
import os
import pty
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import DP, fails, check, run, put, read  # noqa: E402

dp = DP


def run_tty(answer, *args):
    """Run on a pseudo-terminal, type ANSWER, return (rc, all output)."""
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ)
        env.pop("DP_SYSROOT", None)
        os.execve(dp, [dp] + list(args), env)
    out = b""
    sent = False
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if not sent and b"Type 'yes'" in out:
            os.write(fd, answer.encode() + b"\n")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def tree(loaded="1", trigger=True, sysrq="0", conf=None):
    root = tempfile.mkdtemp(prefix="dp-test-")
    put(root, "/proc/cmdline", "ro crashkernel=256M quiet\n")
    put(root, "/sys/kernel/kexec_crash_size", "268435456\n")
    put(root, "/sys/kernel/kexec_crash_loaded", loaded + "\n")
    put(root, "/proc/sys/kernel/sysrq", sysrq + "\n")
    if trigger:
        put(root, "/proc/sysrq-trigger", "")
    if conf:
        put(root, "/etc/kdump.conf", conf)
    return root


roots = []

# Ready, --yes: 'c' written to the fake trigger; kernel.sysrq=0 is only info.
r = tree(conf="path /var/crash\ncore_collector makedumpfile -l -d 31\n")
roots.append(r)
rc, out, err = run("test", "--yes", "--root", r)
check(rc == 0 and err == "", f"--yes: rc {rc} err {err!r}")
check(read(r, "/proc/sysrq-trigger") == "c", "--yes: 'c' written")
check("  ok    capture kernel     loaded" in out, "--yes: capture kernel ok")
check("  info  kernel.sysrq       0 (it gates the keyboard only" in out,
      "--yes: sysrq reported as info")
check("  ok    config target      local" in out and "path /var/crash" in out,
      f"--yes: config target: {out!r}")
check(f"wrote 'c' to {r}/proc/sysrq-trigger (a fake tree" in out,
      "--yes: says what it wrote")

# Same through $DP_SYSROOT.
put(r, "/proc/sysrq-trigger", "")
rc, out, err = run("test", "-y", env={"DP_SYSROOT": r})
check(rc == 0 and read(r, "/proc/sysrq-trigger") == "c", "DP_SYSROOT")

# No terminal and no --yes: refused, nothing written.
put(r, "/proc/sysrq-trigger", "")
rc, out, err = run("test", "--root", r)
check(rc == 1 and "not a terminal" in err and "nothing done" in err,
      f"no tty: rc {rc} err {err!r}")
check(read(r, "/proc/sysrq-trigger") == "", "no tty: nothing written")

# On a terminal: "no" refuses, "yes" crashes.
rc, out = run_tty("no", "test", "--root", r)
check(rc == 1 and "not confirmed" in out, f"tty no: rc {rc} {out!r}")
check(read(r, "/proc/sysrq-trigger") == "", "tty no: nothing written")
rc, out = run_tty("yes", "test", "--root", r)
check(rc == 0 and read(r, "/proc/sysrq-trigger") == "c",
      f"tty yes: rc {rc} {out!r}")

# Not ready: capture kernel not loaded; no trigger; config with errors.
r = tree(loaded="0")
roots.append(r)
rc, out, err = run("test", "--yes", "--root", r)
check(rc == 1 and "  FAIL  capture kernel     not loaded" in out and
      "not ready" in err, f"not loaded: rc {rc} {out!r}")
check(read(r, "/proc/sysrq-trigger") == "", "not loaded: nothing written")
r = tree(trigger=False)
roots.append(r)
rc, out, err = run("test", "--yes", "--root", r)
check(rc == 1 and "  FAIL  sysrq-trigger      absent" in out,
      "no sysrq-trigger: refused")
check(not os.path.exists(os.path.join(r, "proc/sysrq-trigger")),
      "no sysrq-trigger: not created")
r = tree(conf="xfs /dev/sdb1\next4 /dev/sdc1\n")
roots.append(r)
rc, out, err = run("test", "--yes", "--root", r)
check(rc == 1 and "the configuration has errors" in out,
      f"bad config: refused: {out!r}")
check(read(r, "/proc/sysrq-trigger") == "", "bad config: nothing written")
r = tempfile.mkdtemp(prefix="dp-test-")
roots.append(r)
rc, out, err = run("test", "--yes", "--root", r)
check(rc == 1 and "  FAIL  crashkernel        /proc/cmdline unreadable" in out,
      "empty tree: refused")

# After the reboot: status shows the newest dump in the config's path
# (kdumpctl and `capture` names, Debian's dump.STAMP), or says why not.


def dumpfile(root, rel, size, mtime):
    put(root, rel, "")
    p = os.path.join(root, rel.lstrip("/"))
    with open(p, "wb") as f:
        f.truncate(size)
    os.utime(p, (mtime, mtime))


r = tree(conf="path /srv/dumps\ncore_collector makedumpfile -l -d 31\n")
roots.append(r)
rc, out, err = run("status", "--root", r)
check("  info  last dump                        none in /srv/dumps (no such "
      "directory)" in out, f"no dump dir: {out!r}")
t0 = 1795700000  # 2026-11-26 13:33:20 UTC
dumpfile(r, "/srv/dumps/202611261133/dump.202611261133", 5 << 20, t0 - 7200)
put(r, "/srv/dumps/202611261133/dmesg.202611261133", "x")
dumpfile(r, "/srv/dumps/2026-11-26-13:33:20/vmcore", 7 << 20, t0)
put(r, "/srv/dumps/2026-11-26-13:33:20/vmcore-dmesg.txt", "x")
os.makedirs(os.path.join(r, "srv/dumps/empty"))
rc, out, err = run("status", "--root", r)
check("  ok    last dump                        /srv/dumps/2026-11-26-13:33:20/"
      "vmcore (7 MiB, 2026-11-26 13:33 UTC, with its dmesg), 2 dumps" in out,
      f"last dump: {out!r}")
dumpfile(r, "/srv/dumps/2026-11-26-11:00:00/vmcore-incomplete", 1 << 20,
         t0 + 400)
rc, out, err = run("status", "--json", "--root", r)
ld = json.loads(out)["last_dump"]
check(ld == {"path": "/srv/dumps/2026-11-26-11:00:00/vmcore-incomplete",
             "incomplete": True, "dmesg": False, "size": 1 << 20,
             "mtime": t0 + 400, "count": 3, "capture_memory_mib": None},
      f"last dump json: {ld!r}")
rc, out, err = run("status", "--root", r)
check("  warn  last dump" in out and "the last capture did not finish" in out,
      "incomplete last dump warned")
# capture's capture-log.txt beside the newest dump (the line as
# cmd-capture.c writes it; vm-dp-kdump checks a real one)
put(r, "/srv/dumps/2026-11-26-11:00:00/capture-log.txt",
    "writing vmcore: ok\nmemory: 121 MiB in the capture kernel (MemTotal), "
    "83 MiB available after the dump, largest child's peak RSS 6 MiB\n")
rc, out, err = run("status", "--json", "--root", r)
ld = json.loads(out)["last_dump"]
check(ld["capture_memory_mib"] == {"total": 121, "available": 83, "peak": 6},
      f"capture memory json: {ld!r}")
rc, out, err = run("status", "--root", r)
check("-> its capture kernel had 121 MiB, 83 MiB were still available after "
      "the dump (the collector's peak: 6 MiB)" in out, f"capture memory: {out!r}")
check("tight" not in out, "83 of 121 MiB left is not tight")
put(r, "/srv/dumps/2026-11-26-11:00:00/capture-log.txt",
    "memory: 121 MiB in the capture kernel (MemTotal), "
    "20 MiB available after the dump, largest child's peak RSS 60 MiB\n")
rc, out, err = run("status", "--root", r)
check("20 MiB were still available" in out and "that is tight: reserve more"
      in out, f"tight capture memory: {out!r}")
r = tree(conf="ext4 UUID=0b4b0b4b-1111-2222-3333-444455556666\n")
roots.append(r)
rc, out, err = run("status", "--root", r)
check("  info  last dump                        not checked: the dumps go to "
      "the configured target" in out, f"fs target: {out!r}")

rc, out, err = run("test", "extra")
check(rc == 2, "usage")

for r in roots:
    shutil.rmtree(r)
for f in fails:
    print("FAIL:", f)
print(f"test-crash-test: {len(fails)} failures")
sys.exit(1 if fails else 0)

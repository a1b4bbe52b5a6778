#!/usr/bin/python3
# dontpanic enable on fake roots (--root): --dry-run changes nothing and
# shows the three steps; a real run writes the grub drop-in, the sysctls
# (now, in ROOT/proc/sys, and in ROOT/etc/sysctl.d) and enables
# dontpanic.service with `systemctl --root` (the wants/ symlink); what
# needs a reboot depends on kexec_crash_size; a missing unit fails.
# Usage: test-enable.py DONTPANIC
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import fails, put, read  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(here, "..", "..", "packaging", "dontpanic.service")
WANTS = "/etc/systemd/system/multi-user.target.wants/dontpanic.service"
SYSCTLS = {"kernel/panic_on_oops": "0", "kernel/panic": "0",
           "kernel/sysrq": "176", "kernel/nmi_watchdog": "0"}


def check(cond, what):
    return clitest.check(cond, what, echo=True)


def run(*args):
    return clitest.run(*args)


def machine(crash_size, unit=True):
    """4 GiB of RAM, a grub, the sysctls, kexec_crash_size, the unit."""
    root = tempfile.mkdtemp(prefix="dp-enable-")
    ram = 4 << 30
    put(root, "/proc/iomem", "00001000-0009fbff : System RAM\n"
        "00100000-%08x : System RAM\n" % (0x100000 + ram - 1))
    put(root, "/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 quiet\n")
    put(root, "/sys/kernel/kexec_crash_size", "%d\n" % crash_size)
    put(root, "/etc/default/grub",
        'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
    for k, v in SYSCTLS.items():
        put(root, "/proc/sys/" + k, v + "\n")
    if unit:
        put(root, "/lib/systemd/system/dontpanic.service", open(UNIT).read())
    return root


def tree(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            out[p] = open(p, "rb").read() if not os.path.islink(p) else \
                os.readlink(p)
    return out


if not shutil.which("systemctl"):
    print("SKIP: systemctl is not installed")
    sys.exit(77)

# --- dry run: nothing changes --------------------------------------------
r = machine(0)
before = tree(r)
rc, so, se = run("enable", "--dry-run", "--root", r)
print(so)
check(rc == 0, f"enable --dry-run exits 0 ({rc}: {se!r})")
for step in ("== 1/3 crashkernel=", "== 2/3 panic sysctls",
             "== 3/3 dontpanic.service"):
    check(step in so, f"dry run shows step {step!r}")
check(f"would write {r}/etc/sysctl.d/90-dontpanic.conf" in so and
      "kernel.panic_on_oops = 1" in so, "the sysctl.d file is shown")
check(f"would run systemctl --root={r} enable dontpanic.service" in so,
      "the systemctl command is shown")
check("reboot needed" in so and "dry run: nothing changed" in so,
      "no memory reserved: a reboot is needed")
check(tree(r) == before, "--dry-run changed no file")

# --- the real thing, offline ----------------------------------------------
rc, so, se = run("enable", "--root", r)
check(rc == 0, f"enable exits 0 ({rc}: {se!r})")
check("crashkernel=" in (read(r, "/etc/default/grub.d/dontpanic.cfg") or ""),
      "the grub drop-in is written")
check(read(r, "/proc/sys/kernel/panic_on_oops") == "1\n" and
      read(r, "/proc/sys/kernel/sysrq") == str(176 | 8) + "\n",
      "the sysctls are set now")
conf = read(r, "/etc/sysctl.d/90-dontpanic.conf") or ""
check("kernel.panic_on_oops = 1\n" in conf and
      f"kernel.sysrq = {176 | 8}\n" in conf and
      "kernel.panic = 10\n" in conf, f"and kept for the next boots ({conf!r})")
link = os.path.join(r, WANTS.lstrip("/"))
check(os.path.islink(link) and
      os.readlink(link).endswith("/dontpanic.service"),
      "systemctl --root enabled dontpanic.service (the wants/ link)")
check("reboot needed" in so, "still: reboot needed")
shutil.rmtree(r)

# --- memory already reserved: no reboot -----------------------------------
r = machine(256 << 20)
rc, so, se = run("enable", "--dry-run", "--root", r)
check(rc == 0 and "no reboot needed: 256 MiB are reserved now" in so and
      "systemctl start dontpanic.service" in so,
      f"with 256 MiB reserved: no reboot, start it now ({so[-300:]!r})")
shutil.rmtree(r)

# --- no unit file: the step fails, the others still run --------------------
r = machine(0, unit=False)
rc, so, se = run("enable", "--root", r)
check(rc == 1 and "dontpanic.service is not installed" in se and
      "not armed" in so and read(r, "/etc/default/grub.d/dontpanic.cfg"),
      f"a missing unit fails after the other steps ({rc}: {se!r})")
shutil.rmtree(r)

rc, so, se = run("enable", "extra")
check(rc == 2, "an extra argument is a usage error")

if fails:
    print(f"{len(fails)} failure(s)")
    sys.exit(1)
print("ok")

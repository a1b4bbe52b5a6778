#!/usr/bin/python3
# dontpanic setup --crashkernel and status's crashkernel size on fake
# /proc, /sys, /etc trees (--root and $DP_SYSROOT). Usage:
# test-crashkernel.py DONTPANIC
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import DP, fails, check, run, put, read  # noqa: E402

dp = DP
M = 1 << 20
G = 1 << 30


def machine(ram, cmdline, crash_size, region=None, grub=None, dropins=None):
    """A fake root: RAM bytes of System RAM from 1 MiB up (plus the 638 KiB
    below 640K, as on a PC), a command line, kexec_crash_size, grub files."""
    root = tempfile.mkdtemp(prefix="dp-ck-")
    low = 0x9fc00 - 0x1000
    lines = ["00000000-00000fff : Reserved",
             "00001000-0009fbff : System RAM",
             "00100000-%08x : System RAM" % (0x100000 + ram - low - 1)]
    if region:
        lines.append("  %08x-%08x : Crash kernel" % region)
    put(root, "/proc/iomem", "\n".join(lines) + "\n")
    if cmdline is not None:
        put(root, "/proc/cmdline", cmdline + "\n")
    if crash_size is not None:
        put(root, "/sys/kernel/kexec_crash_size", "%d\n" % crash_size)
    put(root, "/etc/default/grub", grub or
        'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
    for name, text in (dropins or {}).items():
        put(root, "/etc/default/grub.d/" + name, text)
    return root


DROPIN = "/etc/default/grub.d/dontpanic.cfg"
DEFAULT = "384M-2G:192M,2G-64G:256M,64G-:512M"
roots = []

# --- default spec on a 4 GiB machine whose kernel reserved 160M ------------
r = machine(4 * G, "BOOT_IMAGE=/vmlinuz ro crashkernel=160M quiet", 160 * M,
            region=(0x15000000, 0x1effffff))
roots.append(r)
rc, out, err = run("setup", "--crashkernel", "--dry-run", "--root", r)
check(rc == 0 and err == "", f"default dry-run: rc {rc} err {err!r}")
check(out.startswith(f"crashkernel={DEFAULT}  (dontpanic's default)"),
      "default: first line")
check("Debian's kdump-tools" in out and "384M-:128M" in out and
      "2G-64G:256M,64G-:512M" in out, "default: cites Debian and Fedora")
check("this machine      RAM 4G (4294967296 bytes, /proc/iomem System RAM)"
      ", matched as 4G" in out, "default: RAM line")
check("reserves          256M (range 2: 2G-64G)" in out, "default: 256M")
check("crashkernel=160M on /proc/cmdline -> 160M; reserved 160M" in out,
      "default: running kernel")
check("Crash kernel 0x15000000-0x1effffff (160M, /proc/iomem)" in out,
      "default: iomem region")
check("the reservation is what the command line asks for" in out,
      "default: reservation matches")
check("would write " + r + DROPIN in out and "dry run: nothing written" in out,
      "default: dry run says so")
check(read(r, DROPIN) is None, "dry run wrote the drop-in")

# --- write it; status then compares ----------------------------------------
rc, out, err = run("setup", "--crashkernel", "--root", r)
check(rc == 0, f"default write: rc {rc} err {err!r}")
text = read(r, DROPIN) or ""
check(f'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT '
      f'crashkernel={DEFAULT}"\n' in text, f"drop-in text: {text!r}")
check("next: run 'update-grub'" in out and "reboot" in out,
      "write: says update-grub and reboot")
# The same through $DP_SYSROOT, with a spec: replaces ours.
rc, out, err = run("setup", "--crashkernel=1G-:160M", env={"DP_SYSROOT": r})
check(rc == 0 and "replaces crashkernel=" + DEFAULT in out,
      f"rewrite via DP_SYSROOT: rc {rc} {out!r}")
check('crashkernel=1G-:160M"\n' in (read(r, DROPIN) or ""), "rewritten")
rc, out, err = run("status", "--root", r)
check("  ok    crashkernel size                 160M for 4G of RAM" in out,
      f"status: crashkernel size ok: {out!r}")

# --- kdump-tools' drop-in is read after ours: warned ------------------------
r = machine(8 * G, "ro", None, grub='GRUB_CMDLINE_LINUX="crashkernel=256M"\n',
            dropins={"kdump-tools.cfg":
                     'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT'
                     ' crashkernel=384M-:128M"\n'})
roots.append(r)
rc, out, err = run("setup", "--crashkernel=512M", "--root", r)
check(rc == 0, f"kdump-tools: rc {rc}")
check("warning: /etc/default/grub.d/kdump-tools.cfg:1 sets "
      "crashkernel=384M-:128M and grub reads it after dontpanic.cfg" in out,
      "kdump-tools: warned it wins")
check("warning: /etc/default/grub:1 also sets crashkernel=256M; ours comes "
      "later" in out, "grub: warned, ours wins")
check("sets GRUB_CMDLINE_LINUX_DEFAULT without keeping" not in out,
      "kdump-tools appends: no clobber warning")
check("running kernel    no crashkernel= on /proc/cmdline; no "
      "/sys/kernel/kexec_crash_size" in out, "no reservation reported")

# The whole word is accepted too.
rc, out, err = run("setup", "--crashkernel=crashkernel=768M", "--dry-run",
                   "--root", r)
check(rc == 0 and out.startswith("crashkernel=768M\n"), f"word: {out!r}")

# A later drop-in that overwrites GRUB_CMDLINE_LINUX_DEFAULT drops ours.
put(r, "/etc/default/grub.d/zz-site.cfg", 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
rc, out, err = run("setup", "--crashkernel=512M", "--dry-run", "--root", r)
check(rc == 0 and "warning: /etc/default/grub.d/zz-site.cfg:1 sets "
      "GRUB_CMDLINE_LINUX_DEFAULT without keeping its old value" in out,
      f"clobber warned: {out!r}")

# --- specs refused -----------------------------------------------------------
r = machine(1 * G, "crashkernel=2G-:256M", 0)
roots.append(r)
for spec, needle in [("010M", "leading 0"), ("256Mx", "unexpected 'x'"),
                     ("16E", "does not fit"),
                     ("2G-:256M,0-2G:128M", "increasing order"),
                     ("256M;reboot", "unexpected ';'"), ("", "empty")]:
    rc, out, err = run("setup", "--crashkernel=" + spec, "--root", r)
    check(rc == 1 and needle in err, f"spec {spec!r}: rc {rc} err {err!r}")
# Valid, but nothing for 1 GiB of RAM: not written.
rc, out, err = run("setup", "--crashkernel=2G-64G:256M", "--root", r)
check(rc == 1 and "reserves          nothing: crashkernel size resulted in "
      "zero bytes" in out and "reserves nothing on this machine" in err,
      f"nothing for 1G: rc {rc} {out!r} {err!r}")
check("crashkernel=2G-:256M on /proc/cmdline reserves nothing here" in out,
      "running: nothing for this RAM")
rc, out, err = run("setup", "--crashkernel=72M,low", "--root", r)
check(rc == 1 and ",low alone" in err, "low alone refused")
check(read(r, DROPIN) is None, "refused specs wrote nothing")
# The kernel's size check on an entry it walks: 1536M for 1G fails.
rc, out, err = run("setup", "--crashkernel=512M-:1536M", "--root", r)
check(rc == 1 and "crashkernel: invalid size" in out,
      f"size >= RAM: {out!r}")
rc, out, err = run("status", "--root", r)
check("  warn  crashkernel size                 nothing for 1G of RAM" in out,
      f"status: nothing for 1G: {out!r}")

# --- no /etc/default/grub: warned, still written under /etc/default ------
r = machine(4 * G, "ro", None)
roots.append(r)
os.unlink(os.path.join(r, "etc/default/grub"))
rc, out, err = run("setup", "--crashkernel=256M", "--root", r)
check(rc == 0 and f"warning: no {r}/etc/default/grub: if grub is not the "
      "boot loader" in out and read(r, DROPIN) is not None,
      f"no grub: {out!r}")
shutil.rmtree(os.path.join(r, "etc"))
rc, out, err = run("setup", "--crashkernel=256M", "--root", r)
check(rc == 1 and "no such directory" in err, f"no /etc/default: {err!r}")

# --- usage ------------------------------------------------------------------
rc, out, err = run("setup", "--crashkernel", "--update-grub", "--root", r)
check(rc == 2 and "never run under --root" in err, "update-grub under root")
rc, out, err = run("setup", "--update-grub")
check(rc == 2, "update-grub alone")
rc, out, err = run("setup")
check(rc == 2 and "--crashkernel" in err, "setup without action")

for r in roots:
    shutil.rmtree(r)
for f in fails:
    print("FAIL:", f)
print(f"test-crashkernel: {len(fails)} failures")
sys.exit(1 if fails else 0)

#!/usr/bin/python3
# Seeds for fuzz-machine (input: one byte, mode = byte % 4 and dump level =
# byte / 4 % 32, then parts split by "@@@@"; see fuzz-machine.c). Cut from
# real files: the harness's dp-kdump guest (its kernel log gives the
# command line, the e820 map as /proc/iomem and the crashkernel
# reservation; its capture-log.txt), this Debian 12 machine's /proc/meminfo
# and panic sysctls, grub2-common's default /etc/default/grub and
# kdump-tools' grub.d drop-in (apt-get download), and the drop-in that
# `dontpanic setup --crashkernel` writes.
# usage: gen-machine-seeds.py OUTDIR DONTPANIC [HARNESS_DP_KDUMP_DIR]
import os
import re
import subprocess
import sys
import tempfile

SEP = b"@@@@"
SYSCTLS = ["kernel/panic_on_oops", "kernel/panic", "kernel/sysrq",
           "kernel/nmi_watchdog", "kernel/softlockup_panic",
           "kernel/hung_task_panic", "kernel/unknown_nmi_panic",
           "kernel/panic_on_unrecovered_nmi", "vm/panic_on_oom"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def guest(dmesg):
    """cmdline, /proc/iomem and kexec_crash_size of the guest, from its log."""
    text = dmesg.decode(errors="replace")
    cmdline = re.search(r"Command line: (.*)", text).group(1) + "\n"
    m = re.search(r"Reserving (\d+)MB of memory at (\d+)MB for crashkernel", text)
    size = int(m.group(1)) << 20
    start = int(m.group(2)) << 20
    iomem = []
    for a, b, kind in re.findall(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (\w+)", text):
        a, b = int(a, 16), int(b, 16)
        name = "System RAM" if kind == "usable" else "Reserved"
        iomem.append(f"{a:08x}-{b:08x} : {name}")
        if name == "System RAM" and a <= start <= b:  # nested, as the kernel shows it
            iomem.append(f"  {start:08x}-{start + size - 1:08x} : Crash kernel")
    return cmdline.encode(), ("\n".join(iomem) + "\n").encode(), b"%d\n" % size


def debs(tmp):
    subprocess.run(["apt-get", "download", "grub2-common", "kdump-tools"],
                   cwd=tmp, check=True, capture_output=True)
    for deb in os.listdir(tmp):
        if deb.endswith(".deb"):
            subprocess.run(["dpkg-deb", "-x", deb, "x"], cwd=tmp, check=True)
    x = os.path.join(tmp, "x")
    return (read(os.path.join(x, "usr/share/grub/default/grub")),
            read(os.path.join(x, "etc/default/grub.d/kdump-tools.cfg")))


def our_dropin(dp, tmp):
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "etc/default"))
    subprocess.run([dp, "setup", "--crashkernel=512M-:192M", "--root", root],
                   check=True, capture_output=True)
    return read(os.path.join(root, "etc/default/grub.d/dontpanic.cfg"))


def sysctls():
    out = []
    for s in SYSCTLS:
        try:
            out.append(read("/proc/sys/" + s).strip())
        except OSError:
            out.append(b"")
    return b"\n".join(out) + b"\n"


def main():
    out, dp = sys.argv[1], sys.argv[2]
    kd = sys.argv[3] if len(sys.argv) > 3 else os.path.expanduser(
        "~/.cache/dontpanic/vm/current/dp-kdump")
    os.makedirs(out, exist_ok=True)
    cmdline, iomem, crash = guest(read(os.path.join(kd, "vmcore-dmesg.txt")))
    meminfo = read("/proc/meminfo")
    hidden = re.sub(rb"[0-9a-f]+-[0-9a-f]+ :",
                    lambda m: b"00000000-00000000 :", iomem)
    with tempfile.TemporaryDirectory() as tmp:
        grub, kdump_tools = debs(tmp)
        ours = our_dropin(dp, tmp)
    clobber = b'GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0"\n'
    seeds = {
        # mode 0, dump level 31 (makedumpfile -d 31) and 1
        "probe-guest": bytes([31 * 4]) + SEP.join([crash, iomem, meminfo, cmdline]),
        "probe-nonroot": bytes([1 * 4]) + SEP.join([crash, hidden, meminfo, cmdline]),
        # mode 1: grub, a.cfg, dontpanic.cfg, z.cfg
        "grub-debian": b"\1" + SEP.join([grub, b"", ours, kdump_tools]),
        "grub-clobbered": b"\1" + SEP.join([grub + b"GRUB_CMDLINE_LINUX=\"crashkernel=256M\"\n",
                                            kdump_tools, ours, clobber]),
        # mode 2: cmdline, crash size, loaded, load_disabled, iomem,
        # meminfo, sysctls
        "status-guest": b"\2" + SEP.join([cmdline, crash, b"1\n", b"0\n", iomem,
                                          meminfo, sysctls()]),
        "status-unloaded": b"\2" + SEP.join([b"ro quiet\n", b"0\n", b"0\n", b"1\n",
                                             hidden, meminfo,
                                             b"0\n0\n438\n0\n0\n0\n0\n0\n1\n"]),
        # mode 3: capture-log.txt, then names in the crash directory
        "lastdump-capture": b"\3" + SEP.join([read(os.path.join(kd, "capture-log.txt")),
                                              b"vmcore\nvmcore-dmesg.txt\n"]),
        "lastdump-debian": b"\3" + SEP.join([b"", b"dmesg.202611270500\ndump-incomplete\ndump.202611270500\n"]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# dontpanic initramfs on a fake machine (--root): an ext4 dump target on a
# virtio disk found by UUID in /dev/disk/by-uuid, the Debian kernel's
# modules. The archive is unpacked with cpio(1) and checked: the contract
# layout, the target resolved (UUID and type cross-checked with blkid),
# the module order against `modprobe --show-depends`, and, as root, that
# the binary runs in a chroot of the unpacked tree and prints the same
# `info` of the sample dump as on the host (the library set is complete).
# Usage: test-initramfs.py DONTPANIC
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import DP, fails, put  # noqa: E402


def check(cond, what):
    return clitest.check(cond, what, echo=True)


def run(*args, **kw):
    # a SOURCE_DATE_EPOCH of the caller's must not change the archives
    return clitest.run(*args, unset=("SOURCE_DATE_EPOCH",), **kw)




def pick_kver():
    """An installed kernel's module tree with the modules used below: the
    running kernel's first, else any (tests never name a kernel)."""
    need = ("modules.dep", "kernel/drivers/net/virtio_net.ko",
            "kernel/net/core/failover.ko")
    try:
        kvers = sorted(os.listdir("/lib/modules"))
    except OSError:
        kvers = []
    run_k = os.uname().release
    if run_k in kvers:
        kvers.remove(run_k)
        kvers.insert(0, run_k)
    for k in kvers:
        if all(os.path.exists(f"/lib/modules/{k}/{n}") for n in need):
            return k
    return None


KVER = pick_kver()
dp = DP
here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "data", "sample", "vmcore")


def tool(*cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True)


if not KVER:
    why = ("no /lib/modules/KVER with modules.dep and uncompressed "
           "virtio_net.ko, failover.ko (install a Debian linux-image)")
    if os.environ.get("CI", "") not in ("", "0", "false", "no"):
        print(f"FAIL: under CI: {why}")
        sys.exit(1)
    print(f"SKIP: *** {why} ***")
    sys.exit(77)
print(f"# module tree: /lib/modules/{KVER}")
for t in ("cpio", "zstd", "modprobe", "mkfs.ext4", "blkid"):
    if not shutil.which(t):
        print(f"SKIP: {t} is not installed")
        sys.exit(77)

tmp = tempfile.mkdtemp(prefix="dp-test-initramfs-")
root = os.path.join(tmp, "root")

# --- the fake machine ------------------------------------------------------
# the modules: depmod's files copied, the .ko tree hard-linked (same fs)
mods = os.path.join(root, "lib", "modules", KVER)
os.makedirs(mods)
for f in ("modules.dep", "modules.builtin", "modules.alias",
          "modules.softdep"):
    shutil.copy(f"/lib/modules/{KVER}/{f}", mods)
if subprocess.run(["cp", "-al", f"/lib/modules/{KVER}/kernel", mods],
                  capture_output=True).returncode != 0:
    shutil.copytree(f"/lib/modules/{KVER}/kernel", os.path.join(mods, "kernel"))

# Ubuntu-style .ko.zst and .ko.gz: virtio_net and failover (a dependency
# of virtio_net's); the capture's finit_module wants them uncompressed
for rel, cmd, suf in (("kernel/drivers/net/virtio_net.ko", "zstd", ".zst"),
                      ("kernel/net/core/failover.ko", "gzip", ".gz")):
    ko = os.path.join(mods, rel)
    os.unlink(ko)   # a hard link to the host's
    with open(ko + suf, "wb") as f:
        subprocess.run([cmd, "-c", f"/lib/modules/{KVER}/{rel}"], stdout=f,
                       stderr=subprocess.DEVNULL, check=True)
    dep = os.path.join(mods, "modules.dep")
    text = open(dep).read()
    text = text.replace(rel + ":", rel + suf + ":").replace(rel + " ", rel + suf + " ").replace(rel + "\n", rel + suf + "\n")
    open(dep, "w").write(text)

# an ext4 file system on "vdb1"
uuid = clitest.fake_virtio_disk(root)

conf = f"""# dump to an ext4 file system found by UUID
ext4 UUID={uuid}
path /crash
core_collector makedumpfile -l --message-level 7 -d 31
extra_modules xfs
"""
put(root, "/etc/kdump.conf", conf)

# --- build ------------------------------------------------------------------
out = os.path.join(tmp, "initrd.img")
# the full binary (not dontpanic-capture, tests/cli/test-capture-binary.py):
# its libraries are the closure checked against ldd, and it runs `info`
args = ["initramfs", "--root", root, "--kver", KVER, "--add-module",
        "virtio_net", "--binary", dp, "-o", out]
rc, so, se = run(*args)
check(rc == 0, f"initramfs exits 0 (got {rc}: {se.strip()})")
print(so)
check(f"wrote {out}" in so, "it says where it wrote")
check("[binary (" in so and "[config]" in so, "reasons are printed")
check("module virtio_blk: for vdb1 (driver virtio_blk)" in so,
      "virtio_blk is there for vdb1")
check("module virtio_net: --add-module, decompressed" in so and
      "module failover: dependency of virtio_net, decompressed" in so,
      "the .ko.zst and .ko.gz modules are decompressed")
check(not [f for f in os.listdir(tmp) if ".tmp." in f],
      "no temporary file is left")

# the same input gives the same bytes
out2 = os.path.join(tmp, "initrd2.img")
rc2, _, _ = run(*args[:-1], out2)
check(rc2 == 0 and open(out, "rb").read() == open(out2, "rb").read(),
      "two builds are byte-identical")

# --- unpack and check the layout ---------------------------------------------
x = os.path.join(tmp, "x")
os.makedirs(x)
raw = subprocess.run(["zstd", "-dcq", out], capture_output=True).stdout
p = subprocess.run(["cpio", "-id", "--quiet", "--no-absolute-filenames"],
                   input=raw, cwd=x, capture_output=True)
check(p.returncode == 0, f"cpio extracts it ({p.stderr!r})")
listing = subprocess.run(["cpio", "-it", "--quiet"], input=raw,
                         capture_output=True).stdout.decode().split()


def lpath(rel):
    return os.path.join(x, rel.lstrip("/"))


check(os.path.isfile(lpath("bin/dontpanic")) and
      open(lpath("bin/dontpanic"), "rb").read() == open(dp, "rb").read(),
      "/bin/dontpanic is the binary")
check(os.readlink(lpath("init")) == "bin/dontpanic", "/init -> bin/dontpanic")
for d in ("dev", "proc", "sys", "mnt", "tmp", "run"):
    check(d in listing and os.path.isdir(lpath(d)), f"/{d} is a directory")
if os.geteuid() == 0:
    for node, mm in (("dev/console", (5, 1)), ("dev/null", (1, 3))):
        st = os.lstat(lpath(node))
        check(stat.S_ISCHR(st.st_mode) and
              (os.major(st.st_rdev), os.minor(st.st_rdev)) == mm,
              f"/{node} is char {mm}")
check(open(lpath("etc/kdump.conf")).read() == conf, "the config is copied as is")
target = dict(line.split("=", 1) for line in
              open(lpath("etc/dontpanic/target")).read().splitlines())
check(target == {"kind": "ext4", "device": f"UUID={uuid}", "uuid": uuid,
                 "fstype": "ext4", "path": "/crash"},
      f"the target is resolved ({target})")

# modules: modprobe's order for each wanted module, concatenated, each once
# (vdb1's drivers from the root down, ext4 built in, extra_modules, --add)
want = []
for m in ("virtio_pci", "virtio_blk", "xfs", "virtio_net"):
    r = tool("modprobe", "-C", "/dev/null", "-S", KVER, "--show-depends", m)
    check(r.returncode == 0, f"modprobe --show-depends {m}")
    for line in r.stdout.splitlines():
        if line.startswith("insmod "):
            path = line.split()[1]
            if path not in want:
                want.append(path)
got = open(lpath("etc/dontpanic/modules")).read().splitlines()
check(got == want, f"modules in modprobe's order:\n  got  {got}\n  want {want}")
for m in got:
    host = m if os.path.exists(m) else None
    check(host and os.path.isfile(lpath(m)) and
          open(lpath(m), "rb").read() == open(host, "rb").read(),
          f"{m} is in the archive, identical")

# the libraries: every file ldd lists is there (through the same symlinks)
for line in tool("ldd", dp).stdout.splitlines():
    f = line.split("=>")[-1].split("(")[0].strip()
    if f.startswith("/"):
        check(os.path.exists(lpath(f)), f"library {f} is in the archive")

# --- the binary runs in the unpacked tree ------------------------------------
# an ASan build (make asan) cannot start without /proc, which the chroot
# lacks
asan = "libasan" in tool("ldd", dp).stdout
if os.geteuid() == 0 and os.path.exists(sample) and not asan:
    shutil.copy(sample, lpath("tmp/vmcore"))
    host = run("info", lpath("tmp/vmcore"))
    cenv = dict(os.environ)
    p = subprocess.run(["chroot", x, "/bin/dontpanic", "info", "/tmp/vmcore"],
                       capture_output=True, text=True, env=cenv)
    check(p.returncode == 0 and host[0] == 0,
          f"info runs in the chroot ({p.stderr.strip()})")
    check(p.stdout == host[1] and "format:" in p.stdout,
          "info in the chroot prints what the host prints")
    # /init is the binary under the name "init": the capture command,
    # which refuses to run when it is not PID 1
    p = subprocess.run(["chroot", x, "/init"], capture_output=True,
                       text=True, env=cenv)
    check(p.returncode == 1 and "not PID 1" in p.stderr,
          f"/init runs the capture command, which refuses ({p.stderr!r})")
    chrooted = True
else:
    print("not root, no sample dump or an ASan build: chroot check skipped")
    chrooted = False

# --- other modes and errors -------------------------------------------------
rc, so, _ = run("initramfs", "--root", root, "--kver", KVER, "--list")
check(rc == 0 and "file\t" in so and "\t/bin/dontpanic\tbinary (" in so,
      "--list prints tab-separated entries")
rc, so, _ = run("initramfs", "--root", root, "--kver", KVER, "--dry-run",
                "-o", os.path.join(tmp, "dry.img"))
check(rc == 0 and not os.path.exists(os.path.join(tmp, "dry.img")),
      "--dry-run writes nothing")
rc, _, se = run("initramfs", "--root", root, "--kver", KVER,
                "--add-module", "no_such_mod", "-o", os.path.join(tmp, "e"))
check(rc == 1 and "no_such_mod" in se and not os.path.exists(
    os.path.join(tmp, "e")), f"an unknown module fails, naming it ({se!r})")
rc, _, se = run("initramfs", "--kver", KVER, "--compress", "lz4")
check(rc == 2, "a bad --compress is a usage error")
rc, _, se = run("initramfs", "--root", root, "--kver", "9.9.9", "--dry-run")
check(rc == 1 and "9.9.9/modules.dep" in se, "a missing kernel fails clearly")
put(root, "/etc/kdump.conf", "ext4 UUID=x\nfrobnicate 1\n")
rc, _, se = run("initramfs", "--root", root, "--kver", KVER, "--dry-run")
check(rc == 1 and "frobnicate" in se, "a config with errors is refused")
rc, so, se = run("initramfs", "--kver", KVER, "--dry-run",
                 env={"DP_SYSROOT": root}, cwd=tmp)
check(rc == 1, "$DP_SYSROOT is the root when --root is absent")
rc, so, se = run("initramfs", "--root", root, "--kver", KVER, "--gzip")
check(rc == 2, "an unknown option is a usage error")
put(root, "/etc/kdump.conf", "raw /dev/vdb1\ncore_collector makedumpfile -F -d 31\n")
rc, so, se = run("initramfs", "--root", root, "--kver", KVER, "--list",
                 "--compress", "gzip")
check(rc == 0 and "\t/etc/dontpanic/target\t" in so, "a raw target works")

# What this build's capture cannot do is refused before anything is
# written (the capability table, lib/setup/capability.c): an NFS target,
# extra_bins (packed but never run), a hook, failure_action shell.
for conf, what in [
        ("nfs server:/export/crash\npath /dumps\n",
         "nfs targets are not supported by this build"),
        (f"ext4 UUID={uuid}\nextra_bins cpio\n",
         "extra_bins is not supported by this build"),
        (f"ext4 UUID={uuid}\nkdump_post /bin/true\n",
         "kdump_post is not supported by this build"),
        (f"ext4 UUID={uuid}\nfailure_action shell\n",
         "failure_action shell is not supported by this build")]:
    put(root, "/etc/kdump.conf", conf)
    img = os.path.join(tmp, "refused.img")
    rc, so, se = run("initramfs", "--root", root, "--kver", KVER, "-o", img)
    check(rc == 1 and what in se and not os.path.exists(img),
          f"initramfs refuses {conf!r}: rc {rc} {se.strip()!r}")
# A dump on the root file system that the capture cannot mount.
put(root, "/proc/self/mounts", "none / tmpfs rw 0 0\n")
put(root, "/etc/kdump.conf", "path /var/crash\n")
img = os.path.join(tmp, "refused.img")
rc, so, se = run("initramfs", "--root", root, "--kver", KVER, "-o", img)
check(rc == 1 and "dump target tmpfs: not a file system this build's "
      "capture mounts" in se and not os.path.exists(img),
      f"initramfs refuses a tmpfs root target: rc {rc} {se.strip()!r}")

shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print(f"{len(fails)} failure(s)")
    sys.exit(1)
print("ok" + ("" if chrooted else " (chroot part skipped)"))

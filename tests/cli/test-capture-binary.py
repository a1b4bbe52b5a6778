#!/usr/bin/python3
# dontpanic-capture, the capture initramfs's binary: only capture, collect
# and log; statically linked (unless the build is a sanitizer one); packed
# by `dontpanic initramfs` by default, so the image has no shared library
# and is at least 40% smaller than one with the full dontpanic (the issue's
# target). As root, in a chroot of the unpacked image: collect and log of
# the sample dump give the same bytes as the full dontpanic on the host.
# No real kernel is needed: a fake kernel with every driver built in.
# Usage: test-capture-binary.py DONTPANIC DONTPANIC-CAPTURE
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import DP, fails, put  # noqa: E402

CAP = os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "data", "sample", "vmcore")


def check(cond, what):
    return clitest.check(cond, what, echo=True)


def run(*args, **kw):
    return clitest.run(*args, unset=("SOURCE_DATE_EPOCH",), **kw)


def interp(path):
    """The PT_INTERP of an ELF64 file (None: static)."""
    with open(path, "rb") as f:
        h = f.read(64)
        phoff, = struct.unpack_from("<Q", h, 32)
        phentsize, phnum = struct.unpack_from("<HH", h, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ptype, _, off, _, _, size = struct.unpack("<IIQQQQ", f.read(40))
            if ptype == 3:
                f.seek(off)
                return f.read(size).rstrip(b"\0").decode()
    return None


for t in ("cpio", "zstd"):
    if not shutil.which(t):
        print(f"SKIP: {t} is not installed")
        sys.exit(77)

asan = b"libasan" in subprocess.run(["ldd", CAP], capture_output=True).stdout
static = interp(CAP) is None
check(static or asan, f"{CAP} is static (not a sanitizer build)")
libs = subprocess.run(["ldd", CAP], capture_output=True, text=True).stdout
check("capstone" not in libs and "capstone" not in
      subprocess.run(["strings", CAP], capture_output=True, text=True).stdout,
      "no capstone in dontpanic-capture")

# --- its commands ------------------------------------------------------------
p = subprocess.run([CAP, "--help"], capture_output=True, text=True)
cmds = [line.split()[0] for line in p.stdout.splitlines()
        if line.startswith("  ")]
check(p.returncode == 0 and cmds == ["capture", "collect", "log", "version"],
      f"capture, collect, log, version only ({cmds})")
p = subprocess.run([CAP, "dis", sample], capture_output=True, text=True)
check(p.returncode == 2 and "analysis commands are in dontpanic" in p.stderr,
      f"an analysis command is a usage error that says where it is ({p.stderr!r})")
v = subprocess.run([CAP, "version"], capture_output=True, text=True).stdout
check(v.startswith(run("version")[1].strip() + " (capture build)"),
      f"same version as dontpanic ({v!r})")

# --- the image -----------------------------------------------------------
tmp = tempfile.mkdtemp(prefix="dp-test-capture-bin-")
root = os.path.join(tmp, "root")
put(root, "/boot/vmlinuz-0.1-builtin", "a kernel with every driver built in\n")
put(root, "/dev/vdb", "")
put(root, "/etc/kdump.conf", "raw /dev/vdb\ncore_collector makedumpfile -F -d 31\n")
args = ["initramfs", "--root", root, "--kver", "0.1-builtin"]
small, full = os.path.join(tmp, "small.img"), os.path.join(tmp, "full.img")
rc, so, se = run(*args, "-o", small)
check(rc == 0 and f"[binary ({CAP})]" in so,
      f"dontpanic-capture is packed by default ({rc}: {se!r})")
rc2, so2, _ = run(*args, "-o", full, "--binary", DP)
check(rc2 == 0, "--binary DONTPANIC packs the full binary")
a, b = os.path.getsize(small), os.path.getsize(full)
print(f"capture image {a} bytes, with the full dontpanic {b} bytes "
      f"({100 - 100 * a // b}% smaller)")
if static:
    check(a <= b * 0.6, "the capture image is at least 40% smaller")

x = os.path.join(tmp, "x")
os.makedirs(x)
raw = subprocess.run(["zstd", "-dcq", small], capture_output=True).stdout
p = subprocess.run(["cpio", "-id", "--quiet", "--no-absolute-filenames"],
                   input=raw, cwd=x, capture_output=True)
check(p.returncode == 0, f"cpio extracts it ({p.stderr!r})")
check(open(os.path.join(x, "bin/dontpanic"), "rb").read() ==
      open(CAP, "rb").read(), "/bin/dontpanic is dontpanic-capture")
check(os.readlink(os.path.join(x, "init")) == "bin/dontpanic",
      "/init -> bin/dontpanic")
sos = [os.path.join(d, f) for d, _, fs in os.walk(x) for f in fs if ".so" in f]
if static:
    check(sos == [], f"no shared library in the image ({sos})")

# --- it runs in the unpacked image ---------------------------------------
# (an ASan build cannot run without /proc, which the chroot lacks)
if os.geteuid() == 0 and os.path.exists(sample) and not asan:
    shutil.copy(sample, os.path.join(x, "tmp/vmcore"))

    def chroot(*a):
        return subprocess.run(["chroot", x, "/bin/dontpanic", *a],
                              capture_output=True)

    p = chroot("log", "/tmp/vmcore")
    host = subprocess.run([DP, "log", sample], capture_output=True)
    check(p.returncode == 0 and p.stdout == host.stdout and
          b"BUG:" in p.stdout,
          f"log in the chroot = the host's log ({p.stderr!r})")
    p = chroot("collect", "-d", "31", "-c", "/tmp/vmcore", "/tmp/out")
    host = subprocess.run([DP, "collect", "-d", "31", "-c", sample,
                           os.path.join(tmp, "out")], capture_output=True)
    check(p.returncode == 0 and host.returncode == 0 and
          open(os.path.join(x, "tmp/out"), "rb").read() ==
          open(os.path.join(tmp, "out"), "rb").read(),
          f"collect in the chroot writes the host's bytes ({p.stderr!r})")
    p = subprocess.run(["chroot", x, "/init"], capture_output=True, text=True)
    check(p.returncode == 1 and "not PID 1" in p.stderr,
          f"/init runs the capture, which refuses ({p.stderr!r})")
    chrooted = True
else:
    print("not root, no sample dump or an ASan build: chroot part SKIPPED")
    chrooted = False

shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print(f"{len(fails)} failure(s)")
    sys.exit(1)
print("ok" + ("" if chrooted else " (chroot part skipped)"))

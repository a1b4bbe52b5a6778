#!/usr/bin/python3
# dontpanic initramfs and the modules of kernels unlike Debian 12's 6.1:
#  - .ko.xz modules (Debian's 6.12 kernels): an installed kernel that has
#    them is found (none named here); its modules are packed decompressed,
#    each byte-identical to `xz -dc`, in `modprobe --show-depends` order;
#  - kernels with every driver built in (fake kernels under --root): no
#    /lib/modules at all, only modules.builtin, an empty modules.dep: a
#    note, not a failure; .ko files without modules.dep, a module asked
#    for by name, or no kernel at all: a clear failure;
#  - --if-changed: rebuilt only when the config or kernel changed.
# Usage: test-initramfs-modules.py DONTPANIC
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import fails, put  # noqa: E402


def check(cond, what):
    return clitest.check(cond, what, echo=True)


def run(*args, **kw):
    return clitest.run(*args, unset=("SOURCE_DATE_EPOCH",), **kw)


def tool(*cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True)


for t in ("cpio", "zstd", "xz", "modprobe", "mkfs.ext4", "blkid"):
    if not shutil.which(t):
        print(f"SKIP: {t} is not installed")
        sys.exit(77)

tmp = tempfile.mkdtemp(prefix="dp-test-initramfs-mod-")
root = os.path.join(tmp, "root")

# --- the fake machine: an ext4 dump target on virtio disk vdb -------------
uuid = clitest.fake_virtio_disk(root)
conf = f"ext4 UUID={uuid}\npath /crash\n"
put(root, "/etc/kdump.conf", conf)


def unpack(image):
    """The archive's files in a new directory."""
    x = tempfile.mkdtemp(dir=tmp)
    raw = subprocess.run(["zstd", "-dcq", image], capture_output=True).stdout
    p = subprocess.run(["cpio", "-id", "--quiet", "--no-absolute-filenames"],
                       input=raw, cwd=x, capture_output=True)
    check(p.returncode == 0, f"cpio extracts {image} ({p.stderr!r})")
    return x


# --- a real kernel with .ko.xz modules -----------------------------------
def xz_kernel():
    for dep in sorted(glob.glob("/lib/modules/*/modules.dep")):
        with open(dep) as f:
            if ".ko.xz:" in f.read():
                return os.path.basename(os.path.dirname(dep))
    return None


kver = xz_kernel()
if kver is None:
    print("SKIPPED (loudly): no installed kernel has .ko.xz modules; "
          "the .ko.xz part did not run")
else:
    mods = os.path.join(root, "lib", "modules", kver)
    os.makedirs(mods)
    for f in ("modules.dep", "modules.builtin", "modules.alias",
              "modules.softdep"):
        shutil.copy(f"/lib/modules/{kver}/{f}", mods)
    os.symlink(f"/lib/modules/{kver}/kernel", os.path.join(mods, "kernel"))
    put(root, "/etc/kdump.conf", conf + "extra_modules xfs\n")
    out = os.path.join(tmp, "xz.img")
    rc, so, se = run("initramfs", "--root", root, "--kver", kver, "-o", out)
    check(rc == 0, f"initramfs for {kver} exits 0 (got {rc}: {se.strip()})")
    check("module virtio_blk: for vdb1 (driver virtio_blk), decompressed"
          in so and "module xfs: extra_modules (config), decompressed" in so,
          "the .ko.xz modules are decompressed")
    check("xz-compressed" not in so, "no 'packed as is' note any more")
    x = unpack(out)
    # modprobe's order for each wanted module, the .xz suffix dropped
    want = []
    for m in ("virtio_pci", "virtio_blk", "ext4", "xfs"):
        r = tool("modprobe", "-C", "/dev/null", "-S", kver,
                 "--show-depends", m)
        check(r.returncode == 0, f"modprobe --show-depends {m}")
        for line in r.stdout.splitlines():
            if line.startswith("insmod "):
                path = line.split()[1]
                check(path.endswith(".ko.xz"), f"{path} is a .ko.xz")
                path = path[:-3] if path.endswith(".xz") else path
                if path not in want:
                    want.append(path)
    got = open(os.path.join(x, "etc/dontpanic/modules")).read().splitlines()
    check(got == want and len(got) >= 3,
          f"modules in modprobe's order:\n  got  {got}\n  want {want}")
    print(f"{kver}: {len(got)} modules: {' '.join(os.path.basename(m) for m in got)}")
    for m in got:
        inside = os.path.join(x, os.path.realpath(m).lstrip("/"))
        if not os.path.exists(inside):   # /lib -> usr/lib on the host
            inside = os.path.join(x, m.lstrip("/"))
        data = open(inside, "rb").read() if os.path.isfile(inside) else b""
        ref = subprocess.run(["xz", "-dc", m + ".xz"],
                             capture_output=True).stdout
        check(data[:4] == b"\x7fELF" and data == ref,
              f"{m} is an ELF file, identical to xz -dc {m}.xz")
        check(not os.path.exists(inside + ".xz"), f"no {m}.xz is packed")
    shutil.rmtree(x)
    put(root, "/etc/kdump.conf", conf)

# --- kernels with every driver built in ----------------------------------
put(root, "/boot/vmlinuz-0.1-nomodules", "a kernel\n")    # CONFIG_MODULES=n
put(root, "/lib/modules/0.2-builtin/modules.builtin",    # no modules.dep
    "kernel/drivers/block/virtio_blk.ko\nkernel/fs/ext4/ext4.ko\n")
put(root, "/lib/modules/0.3-empty/modules.dep", "")      # nothing loadable
put(root, "/lib/modules/0.3-empty/modules.builtin",
    "kernel/drivers/virtio/virtio_pci.ko\n"
    "kernel/drivers/block/virtio_blk.ko\nkernel/fs/ext4/ext4.ko\n")
for k, note in (("0.1-nomodules", "no modules packed (every driver built in)"),
                ("0.2-builtin", "no modules packed (every driver built in)"),
                ("0.3-empty", "modules: none needed (the target's drivers "
                 "and file system are built into 0.3-empty)")):
    out = os.path.join(tmp, k + ".img")
    rc, so, se = run("initramfs", "--root", root, "--kver", k, "-o", out)
    check(rc == 0 and note in so and os.path.exists(out),
          f"{k}: written with a note ({rc}: {so[-300:]!r} {se!r})")
    if rc == 0:
        x = unpack(out)
        check(open(os.path.join(x, "etc/dontpanic/modules")).read() == "",
              f"{k}: an empty module list")
        check(not glob.glob(os.path.join(x, "*lib/modules")) and
              not glob.glob(os.path.join(x, "usr/lib/modules")),
              f"{k}: no module directory")
        shutil.rmtree(x)

put(root, "/lib/modules/0.4-nodepmod/kernel/drivers/block/virtio_blk.ko",
    "not really\n")
for args, msg in (
        (["--kver", "0.4-nodepmod"], "has modules but no modules.dep: run "
         "depmod 0.4-nodepmod"),
        (["--kver", "0.1-nomodules", "--add-module", "xfs"],
         "module xfs: kernel 0.1-nomodules has no modules.dep"),
        (["--kver", "9.9.9"], "no kernel 9.9.9: no " + root +
         "/lib/modules/9.9.9/modules.dep nor " + root + "/boot/vmlinuz-9.9.9")):
    out = os.path.join(tmp, "refused.img")
    rc, so, se = run("initramfs", "--root", root, "-o", out, *args)
    check(rc == 1 and msg in se and not os.path.exists(out),
          f"{args}: refused, saying {msg!r} (got {rc}: {se.strip()!r})")
put(root, "/etc/kdump.conf", conf + "extra_modules dm_mod\n")
rc, so, se = run("initramfs", "--root", root, "--kver", "0.2-builtin",
                 "--dry-run")
check(rc == 1 and "module dm_mod: kernel 0.2-builtin has no modules.dep" in se,
      f"extra_modules on a kernel without modules is refused ({se!r})")

# --- --if-changed: the fingerprint beside the image ---------------------
put(root, "/etc/kdump.conf", conf)
img = os.path.join(tmp, "fp.img")
fpa = ["initramfs", "--root", root, "--kver", "0.1-nomodules", "-o", img,
       "--if-changed", "--quiet"]
rc, so, se = run(*fpa)
check(rc == 0 and "building " + img + ": no fingerprint recorded" in so and
      os.path.exists(img + ".fingerprint"),
      f"--if-changed builds a missing image and records it ({so!r} {se!r})")
check("[binary" not in so, "--quiet prints no entries")
st = os.stat(img)
rc, so, se = run(*fpa)
check(rc == 0 and "is up to date" in so and os.stat(img).st_ino == st.st_ino
      and os.stat(img).st_mtime_ns == st.st_mtime_ns,
      f"a second run leaves the image alone ({so!r})")
for change, why in (("/etc/kdump.conf", "config changed"),
                    ("/boot/vmlinuz-0.1-nomodules", "kernel changed")):
    with open(os.path.join(root, change.lstrip("/")), "a") as f:
        f.write("# changed\n")
    rc, so, se = run(*fpa)
    check(rc == 0 and f"building {img}: {why}" in so and
          os.stat(img).st_ino != st.st_ino,
          f"after a change of {change}: rebuilt, saying {why!r} ({so!r})")
    st = os.stat(img)
os.unlink(img)
rc, so, se = run(*fpa)
check(rc == 0 and f"building {img}: no image" in so and os.path.exists(img),
      f"a deleted image is rebuilt ({so!r})")

shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print(f"{len(fails)} failure(s)")
    sys.exit(1)
print("ok" + (" (.ko.xz part skipped)" if kver is None else ""))

# Shared by the CLI tests (tests/cli/test-*.py): run dontpanic with a
# clean environment, collect failures, build fake /proc, /sys, /etc trees.
# A test does: from clitest import check, run, put, read, fails, DP
import os
import subprocess
import sys

DP = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
fails = []


def check(cond, what, echo=False):
    """Record a failure (and print it at once with echo)."""
    if not cond:
        fails.append(what)
        if echo:
            print("FAIL:", what)
    return cond


def run(*args, env=None, cwd=None, unset=(), stdin=subprocess.DEVNULL):
    """Run DP ARGS without the caller's DP_SYSROOT (and the names in
    unset); returns (exit status, stdout, stderr)."""
    e = dict(os.environ)
    for name in ("DP_SYSROOT",) + tuple(unset):
        e.pop(name, None)
    if env:
        e.update(env)
    p = subprocess.run([DP] + list(args), capture_output=True, text=True,
                       env=e, cwd=cwd, stdin=stdin)
    return p.returncode, p.stdout, p.stderr


def put(root, rel, text):
    """Write text at root/rel, making the directories."""
    path = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def link(root, rel, target):
    """A symlink at root/rel to target, making the directories."""
    path = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def fake_virtio_disk(root):
    """A fake machine's dump target for the initramfs tests: an ext4 file
    system on root/dev/vdb1 (mkfs.ext4), found by UUID in /dev/disk, on a
    virtio_blk disk behind virtio-pci function 0000:00:05.0 in sysfs.
    Returns the UUID blkid reads from it."""
    img = os.path.join(root, "dev", "vdb1")
    os.makedirs(os.path.dirname(img))
    subprocess.run(["truncate", "-s", "8M", img], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
    uuid = subprocess.run(["blkid", "-p", "-s", "UUID", "-o", "value", img],
                          capture_output=True, text=True).stdout.strip()
    check(len(uuid) == 36, f"blkid gave a UUID ({uuid!r})", echo=True)
    link(root, f"/dev/disk/by-uuid/{uuid}", "../../vdb1")
    dev = "/sys/devices/pci0000:00/0000:00:05.0"
    put(root, dev + "/modalias",
        "pci:v00001AF4d00001042sv00001AF4sd00001100bc01sc00i00\n")
    os.makedirs(os.path.join(root, "sys/bus/pci/drivers/virtio-pci"))
    link(root, dev + "/driver", "../../../bus/pci/drivers/virtio-pci")
    put(root, dev + "/virtio3/modalias", "virtio:d00000002v00001AF4\n")
    os.makedirs(os.path.join(root, "sys/bus/virtio/drivers/virtio_blk"))
    link(root, dev + "/virtio3/driver",
         "../../../../bus/virtio/drivers/virtio_blk")
    os.makedirs(os.path.join(root, dev.lstrip("/"), "virtio3/block/vdb/vdb1"))
    link(root, "/sys/class/block/vdb1",
         "../../devices/pci0000:00/0000:00:05.0/virtio3/block/vdb/vdb1")
    return uuid


def read(root, rel):
    """The text at root/rel, or None when there is no such file."""
    try:
        with open(os.path.join(root, rel.lstrip("/"))) as f:
            return f.read()
    except FileNotFoundError:
        return None

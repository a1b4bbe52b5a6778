#!/usr/bin/python3
# Seeds for fuzz-initramfs (input: one mode byte, then parts split by
# "@@@@"; see fuzz-initramfs.c). Cut from this machine where possible: the
# depmod files of the running Debian kernel, tiny ELF objects built with
# gcc, an ext4 superblock made by mkfs.ext4, modules compressed by zstd
# and gzip. usage: gen-initramfs-seeds.py OUTDIR
import gzip
import lzma
import os
import re
import struct
import subprocess
import sys
import tempfile

SEP = b"@@@@"


def depmod_seed(kdir):
    want = re.compile(r"/(xfs|nfsv4|nfs|lockd|grace|sunrpc|fscache|netfs|"
                      r"dns_resolver|libcrc32c|virtio_blk|virtio|virtio_ring|"
                      r"nfsd|auth_rpcgss|nfs_acl)\.ko")
    with open(os.path.join(kdir, "modules.dep"), "rb") as f:
        dep = b"".join(l for l in f if want.search(l.split(b":")[0].decode()))
    with open(os.path.join(kdir, "modules.builtin"), "rb") as f:
        builtin = b"".join(f.readlines()[:12])
    with open(os.path.join(kdir, "modules.alias"), "rb") as f:
        alias = b"".join(l for l in f
                         if re.search(rb" (xfs|virtio_blk|nfsv4|nfs)$", l))
    softdep = b"softdep nfsd pre: crypto-md5\nsoftdep xfs pre: crc32c post: virtio\n"
    names = b"xfs\nfs-xfs\nvirtio:d00000002v00001AF4\nnfsv4\nnfsd\next4\n"
    return b"\0" + SEP.join([dep, builtin, alias, softdep, names])


def cc(tmp, name, src, args):
    c = os.path.join(tmp, name + ".c")
    out = os.path.join(tmp, name)
    with open(c, "w") as f:
        f.write(src)
    subprocess.run(["gcc", "-nostdlib", "-Os", "-s", "-fno-asynchronous-unwind-tables",
                    "-Wl,-z,noseparate-code", "-Wl,--build-id=none",
                    "-o", out, c] + args, check=True)
    with open(out, "rb") as f:
        return f.read()


def elf_seeds(tmp):
    libb = cc(tmp, "libb.so", "int b(void){return 1;}\n",
              ["-shared", "-fPIC", "-Wl,-soname,libb.so"])
    liba = cc(tmp, "liba.so", "int b(void);int a(void){return b();}\n",
              ["-shared", "-fPIC", "-Wl,-soname,liba.so", "-L" + tmp, "-lb",
               "-Wl,-rpath,/lib"])
    interp = cc(tmp, "ld.so", "void _start(void){}\n",
                ["-shared", "-fPIC", "-Wl,-soname,ld-linux-x86-64.so.2"])
    exe = cc(tmp, "x", "int a(void);void _start(void){a();}\n",
             ["-L" + tmp, "-la", "-Wl,-rpath-link," + tmp, "-Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2",
              "-Wl,--enable-new-dtags", "-Wl,-rpath,/opt/$ORIGIN"])
    conf = b"# seed\ninclude /etc/ld.so.conf.d/*.conf\n/lib\n/usr/local/lib\n"
    return (b"\1" + SEP.join([exe, liba, libb, conf, interp]),
            b"\1" + SEP.join([exe, b"", libb, conf, interp]), libb)


def fs_seeds(tmp):
    img = os.path.join(tmp, "ext4.img")
    with open(img, "wb") as f:
        f.truncate(1 << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-U",
                    "3f0c1a2b-4d5e-4f60-8a9b-0c1d2e3f4a5b", img], check=True)
    with open(img, "rb") as f:
        ext4 = f.read(2048)
    xfs = bytearray(512)
    xfs[0:4] = b"XFSB"
    xfs[32:48] = bytes(range(16))
    btrfs = bytearray(0x10000 + 0x400)
    btrfs[0x10020:0x10030] = bytes(range(16, 32))
    btrfs[0x10040:0x10048] = b"_BHRfS_M"
    return [b"\2" + ext4, b"\2" + bytes(xfs), b"\2" + bytes(btrfs)]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {}
    # the installed Debian kernel's depmod files (not necessarily the
    # running kernel's: this may be a container)
    for kver in sorted(os.listdir("/lib/modules")):
        kdir = "/lib/modules/" + kver
        if os.path.exists(os.path.join(kdir, "modules.dep")):
            seeds["kmod-debian"] = depmod_seed(kdir)
    with tempfile.TemporaryDirectory() as tmp:
        full, missing, libb = elf_seeds(tmp)
        seeds["elf-closure"] = full
        seeds["elf-missing-lib"] = missing
        for i, s in enumerate(fs_seeds(tmp)):
            seeds["fs-" + ("ext4", "xfs", "btrfs")[i]] = s
        zst = subprocess.run(["zstd", "-q", "-c"], input=libb,
                             stdout=subprocess.PIPE, check=True).stdout
        seeds["ko-zst"] = b"\3" + zst
        seeds["ko-gz"] = b"\4" + gzip.compress(libb, mtime=0)
        # as the kernel's scripts/Makefile.modinst: crc32, 1 MiB dict
        seeds["ko-xz"] = b"\6" + lzma.compress(
            libb, check=lzma.CHECK_CRC32,
            filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 20}])
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


main()

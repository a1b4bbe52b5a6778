#!/usr/bin/python3
# Seeds for fuzz-scan: small kernel-image slices holding 6.1-layout kallsyms
# tables (as tests/unit/test-kallsyms.c lays them out) and a BTF blob.
# usage: gen-scan-seeds.py OUTDIR
import os
import struct
import sys

BASE = 0xffffffff81000000


def al(x):
    return (x + 7) & ~7


def image(seqs, names):
    tokens, index = b"", []
    for i in range(256):
        index.append(len(tokens))
        tok = {1: b"_s", 2: b"te", 3: b"xt"}.get(i, bytes([i]) if i else b"")
        tokens += tok + b"\0"
    stream, offs = b"", b""
    for n, (typename, addr) in enumerate(names):
        enc = typename.encode().replace(b"_stext", b"\x01\x02\x03")
        stream += bytes([len(enc)]) + enc
        # absolute-percpu: negative = kernel address below relative base
        offs += struct.pack("<i", -(addr - BASE + 1))
    img = bytearray(b"\x5a" * 64)
    img += offs
    img += b"\0" * (al(len(img)) - len(img))
    img += struct.pack("<Q", BASE)
    img += struct.pack("<I", len(names))
    img += b"\0" * (al(len(img)) - len(img))
    img += stream
    img += b"\0" * (al(len(img)) - len(img))
    img += struct.pack("<I", 0)		# markers[0]
    img += b"\0" * (al(len(img)) - len(img))
    if seqs:
        img += b"\xaa" * (3 * len(names))
        img += b"\0" * (al(len(img)) - len(img))
    img += tokens
    img += b"\0" * (al(len(img)) - len(img))
    img += b"".join(struct.pack("<H", i) for i in index)
    img += b"\x5a" * 64
    return bytes(img)


def btf():
    types = struct.pack("<III", 1, 1 << 24, 4) + struct.pack("<I", 0x20)  # int
    strs = b"\0int\0"
    hdr = struct.pack("<HBBIIIII", 0xeb9f, 1, 0, 24, 0, len(types),
                      len(types), len(strs))
    return b"\x11" * 16 + hdr + types + strs + b"\x22" * 16


syms = [("T_text", BASE), ("T_stext", BASE), ("tfoo", BASE + 0x100),
        ("Dbar", BASE + 0x1000), ("B_end", BASE + 0x2000)]
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in {"kallsyms": image(False, syms),
                   "kallsyms-seqs": image(True, syms),
                   "btf": btf(),
                   "both": image(True, syms) + btf()}.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

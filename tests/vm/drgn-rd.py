#!/usr/bin/python3
"""Check `dontpanic rd -p` output against drgn's physical reads.

usage: drgn-rd.py DUMP < OUR_RD_OUTPUT

The oracle for rd -p when crash cannot read the kernel (crash 8.0.2 on
6.12): drgn reads the ELF dump's PT_LOADs by p_paddr and reads the part
of a segment past p_filesz as zeros, as crash and dontpanic do.  Every
line "ADDR:  V V ...   ASCII" of our output is decoded (the value width
from the digit count, little-endian) and compared with the bytes drgn
reads at ADDR.  Prints one "bad" line per difference; exit 0 when at
least one line was checked and none differs.
"""
import sys

import drgn


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[1])
    lines = bad = 0
    for line in sys.stdin:
        head, sep, rest = line.partition(":  ")
        if not sep:
            continue
        addr = int(head, 16)
        vals = rest.split("   ")[0].split()
        width = len(vals[0]) // 2
        ours = b"".join(int(v, 16).to_bytes(width, "little") for v in vals)
        theirs = prog.read(addr, len(ours), True)
        lines += 1
        if ours != theirs:
            bad += 1
            print(f"bad {addr:x}: ours {ours.hex()} drgn {theirs.hex()}")
    print(f"checked {lines} lines, {bad} differ")
    return 0 if lines and not bad else 1


sys.exit(main())

#!/usr/bin/python3
"""The kernel log of a dump as drgn reads it, in crash's `log` layout.

usage: drgn-dmesg.py DUMP VMLINUX > LOG

The oracle for `dontpanic log` where crash cannot read the kernel (crash
8.0.2 on 6.12).  drgn's get_dmesg() walks the printk ring buffer with the
vmlinux's DWARF types; it prints the lines after the first of a record
bare, crash (and dontpanic) indent them under the text, by the width of
the "[    0.000000] " prefix.  Only that layout is changed here.
"""
import sys

import drgn
from drgn.helpers.linux.printk import get_dmesg


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[1])
    prog.load_debug_info([sys.argv[2]])
    prefix = 0
    out = sys.stdout.buffer
    for line in get_dmesg(prog).splitlines(keepends=True):
        if line.startswith(b"["):
            prefix = line.index(b"] ") + 2
            out.write(line)
        else:
            out.write(b" " * prefix + line)
    return 0


sys.exit(main())

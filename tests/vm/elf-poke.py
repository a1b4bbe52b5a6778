#!/usr/bin/python3
# Overwrite physical memory in an ELF vmcore copy (for damaged-dump tests).
# Every PT_LOAD holding the address is patched (the kernel-text segment of
# a /proc/vmcore ELF overlaps a RAM segment).
# usage: elf-poke.py FILE PADDR_HEX HEXBYTES|zero:N
import struct
import sys

path, paddr, what = sys.argv[1], int(sys.argv[2], 16), sys.argv[3]
data = bytes(int(what[5:])) if what.startswith("zero:") else bytes.fromhex(what)
done = 0
with open(path, "r+b") as f:
    ehdr = f.read(64)
    phoff, = struct.unpack_from("<Q", ehdr, 32)
    phentsize, phnum = struct.unpack_from("<HH", ehdr, 54)
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        p_type, _, p_off, _, p_paddr, p_filesz = struct.unpack(
            "<IIQQQQ", f.read(40))
        if p_type == 1 and p_paddr <= paddr and \
                paddr + len(data) <= p_paddr + p_filesz:
            f.seek(p_off + paddr - p_paddr)
            f.write(data)
            done += 1
if not done:
    sys.exit(f"physical 0x{paddr:x} not in a PT_LOAD of {path}")

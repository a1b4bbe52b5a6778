#!/usr/bin/python3
# Make a damaged copy of an ELF vmcore for test-kernel.sh: point the
# task_struct.tasks.next of the task with pid PID back at its own node, so
# that the task list becomes a cycle there.
#   damage-tasks.py DP IN.elf OUT.elf PID
# The task's address comes from `dontpanic ps --json`, the member offset
# from `dontpanic struct -o task_struct` and the physical address from
# `dontpanic vtop`; the file offset from the ELF program headers (here).
import json, re, shutil, struct, subprocess, sys

DP, src, dst, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
out = lambda *a: subprocess.run([DP, *a, src], check=True,
                                capture_output=True, text=True).stdout
task = int([t["task"] for t in json.loads(out("ps", "--json"))
            if t["pid"] == pid][0], 16)
off = int(re.search(r"\[(\d+)\] struct list_head tasks;",
                    out("struct", "-o", "task_struct")).group(1))
node = task + off
phys = int(re.search(r"^%x\s+([0-9a-f]+)" % node,
                     out("vtop", "%x" % node), re.M).group(1), 16)
with open(src, "rb") as f:
    eh = f.read(64)
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    fileoff = None
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ptype, _, o, _, paddr, filesz = struct.unpack("<IIQQQQ", f.read(40))
        if ptype == 1 and paddr <= phys < paddr + filesz:
            fileoff = o + phys - paddr
if fileoff is None:
    sys.exit(f"0x{phys:x} is not in the file")
shutil.copyfile(src, dst)
with open(dst, "r+b") as f:
    f.seek(fileoff)
    f.write(struct.pack("<Q", node))
print(f"pid {pid} task 0x{task:x}: tasks.next at 0x{node:x} (file 0x{fileoff:x}) -> itself")

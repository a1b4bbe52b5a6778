#!/usr/bin/python3
# `dontpanic dis` on a real dump against objdump of the matching -dbg
# vmlinux (shifted by the KASLR offset). The dump holds the text as the
# kernel patched it at boot, so bytes may differ (ftrace NOPs for
# `call __fentry__`, alternatives, relocated immediates), but instruction
# boundaries and lengths must agree outside patched spots, and direct
# call/jump targets must be objdump's plus the KASLR offset.
# usage: test-dis.py DONTPANIC
import json
import os
import re
import shutil
import subprocess
import sys

dp = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))


def lib(func, *args):
    r = subprocess.run(["sh", "-c", '. "$0/lib.sh"; "$@"', here, func] +
                       list(args), capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def vmcore(scen, kind):
    return lib("dp_vmcore", scen, kind)


dump = vmcore("sysrq", "kdump-zlib-d31")
if not dump:
    print("SKIP: no sysrq dump")
    sys.exit(77)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dplib  # noqa: E402
# The oracle (objdump of the dump's vmlinux, by build-id) must run.
vmlinux = dplib.vmlinux(dump) or dplib.no_oracle(dplib.vmlinux_why(dump))
if not shutil.which("objdump"):
    dplib.no_oracle("objdump (binutils) is not installed")

failed = 0


def ok(what, cond, detail=""):
    global failed
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else ": " + detail))
    if not cond:
        failed = 1


def dp_run(*args):
    return subprocess.run([dp] + list(args), capture_output=True, text=True)


kaslr = json.loads(dp_run("info", "--json", dump).stdout)["kaslr_offset"]
INSN = re.compile(r"^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(\S*)\s*(.*)$")


def objdump(start, end):
    """[(addr, bytes, mnemonic, branch target or None, operands)]."""
    out = subprocess.run(["objdump", "-d", "-w", "--start-address=%#x" % start,
                          "--stop-address=%#x" % end, vmlinux],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        m = INSN.match(line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        raw = bytes(int(b, 16) for b in m.group(2).split())
        mnem, ops = m.group(3), m.group(4)
        t = re.match(r"([0-9a-f]+) <", ops)
        target = int(t.group(1), 16) if t and (mnem.startswith("call") or
                                               mnem.startswith("j")) else None
        rows.append((addr, raw, mnem, target, ops))
    return rows


def patched(addr, raw, file_bytes):
    """Some byte at addr.. differs from the vmlinux file: the kernel
    rewrote it (alternatives, return thunks, static calls, ftrace)."""
    return any(file_bytes.get(addr + i) != b for i, b in enumerate(raw))


FUNCS = ["sysrq_handle_crash", "panic", "__schedule", "do_idle", "_printk",
         "vprintk_emit", "schedule_timeout", "__crash_kexec", "kthread"]
fentry_nops = 0
for fn in FUNCS:
    p = dp_run("dis", "--json", fn, dump)
    if p.returncode != 0:
        ok(f"{fn}: dis runs", False, p.stderr)
        continue
    ours = json.loads(p.stdout)
    ok(f"{fn}: starts at the symbol", ours[0]["symbol"] == fn and
       ours[0]["offset"] == 0, str(ours[0]))
    mine = {int(i["address"], 16) - kaslr: bytes.fromhex(i["bytes"])
            for i in ours}
    start = min(mine)
    end = max(a + len(b) for a, b in mine.items())
    theirs = objdump(start, end)
    file_bytes = {a + i: b for a, raw, *_ in theirs for i, b in enumerate(raw)}
    dump_bytes = {a + i: b for a, raw in mine.items() for i, b in enumerate(raw)}
    agree = [t for t in theirs if t[0] in mine and len(mine[t[0]]) == len(t[1])]
    # A patched spot is every byte of an instruction (objdump's or ours)
    # with a byte the kernel changed: the rewrite covers whole
    # instructions, and some of its bytes may equal the old ones by
    # chance (`jmp __x86_return_thunk` e9 cc.. became ret; int3 x4).
    spot = set()
    for a, raw in [(t[0], t[1]) for t in theirs] + list(mine.items()):
        if patched(a, raw, file_bytes) or patched(a, raw, dump_bytes):
            spot.update(range(a, a + len(raw)))
    ours_only = [a for a, raw in mine.items()
                 if not any(t[0] == a and len(t[1]) == len(raw) for t in agree)
                 and not spot.intersection(range(a, a + len(raw)))]
    theirs_only = [t for t in theirs if t not in agree and
                   not spot.intersection(range(t[0], t[0] + len(t[1])))]
    ok(f"{fn}: {len(agree)}/{len(theirs)} objdump instructions decoded at "
       f"the same address and length; every other one is kernel-patched",
       len(theirs) > 0 and not ours_only and not theirs_only,
       f"ours only {[hex(a) for a in ours_only][:5]}, objdump only "
       f"{[(hex(t[0]), t[2]) for t in theirs_only][:5]}")
    by_addr = {int(i["address"], 16) - kaslr: i for i in ours}
    branches = [t for t in agree if t[3] is not None and
                "target" in by_addr[t[0]]]
    bad = [t for t in branches
           if int(by_addr[t[0]]["target"], 16) - kaslr != t[3] and
           not patched(t[0], mine[t[0]], file_bytes)]
    ok(f"{fn}: {len(branches)} direct branch targets equal objdump's + KASLR "
       "(or the branch was patched)", len(branches) > 0 and not bad,
       str([(hex(t[0]), t[4]) for t in bad][:5]))
    # The call is the first instruction, or the second after an endbr64
    # (kernels built with CONFIG_X86_KERNEL_IBT, as 6.12's).
    for first in theirs[:2]:
        if first[4].endswith("<__fentry__>") and first[0] in by_addr and \
                by_addr[first[0]]["mnemonic"].startswith("nop"):
            fentry_nops += 1
            break
# Proof that dis reads the dump's memory, not a file: the compiler's
# `call __fentry__` is a NOP in the running kernel (ftrace patched it).
ok(f"{fentry_nops} functions show ftrace's NOP where vmlinux has "
   "`call __fentry__`", fentry_nops >= 3)

# Text layout (crash/gdb): "0xADDR <sym+off>:\tmnemonic operands", call
# targets named.
p = dp_run("dis", "sysrq_handle_crash", dump)
lines = p.stdout.splitlines()
ok("text layout", p.returncode == 0 and lines and all(
    re.match(r"^0x[0-9a-f]{16} <sysrq_handle_crash(\+\d+)?>:\t\S", l)
    for l in lines) and any(l.endswith("<panic>") for l in lines), p.stdout)
# -r ends at the given address; ADDR COUNT gives COUNT instructions.
a = int(json.loads(dp_run("dis", "--json", "panic", dump).stdout)[5]["address"], 16)
p = dp_run("dis", "-r", "%x" % a, dump)
ok("-r: function start to ADDR", p.returncode == 0 and
   len(p.stdout.splitlines()) == 6 and
   p.stdout.splitlines()[-1].startswith("0x%016x" % a), p.stdout + p.stderr)
p = dp_run("dis", "%x" % a, "3", dump)
ok("ADDR COUNT", p.returncode == 0 and len(p.stdout.splitlines()) == 3 and
   p.stdout.startswith("0x%016x" % a), p.stdout + p.stderr)

# The null scenario: the instruction at the oops RIP (bt frame 0) is the
# faulting store of dpcrash_null (module text, read from the dump).
nd = vmcore("null", "kdump-zlib-d31")
if nd:
    bt = json.loads(dp_run("bt", "--json", nd).stdout)
    fr = bt[0]["frames"] if bt and isinstance(bt, list) else []
    f0 = next((f for f in fr if f.get("function") == "dpcrash_null"), None)
    if f0:
        p = dp_run("dis", f0["address"], "1", nd)
        ok("null: the oops RIP is a store through a register in dpcrash_null",
           p.returncode == 0 and "<dpcrash_null+" in p.stdout and
           re.search(r"\tmov\w*\s+\S+, \(%r\w+\)$", p.stdout.strip()) is not None,
           p.stdout + p.stderr)
    else:
        ok("null: bt has dpcrash_null", False, str(fr)[:300])

# Module functions end where the module's own symbol table says: dis
# stops at the symbol's size, read from the dump's module kallsyms (6.4+
# module memory included), against `nm -S` of the dpcrash.ko loaded.
ko = lib("dp_kernel", "DPCRASH_KO")
if ko and os.path.exists(ko) and shutil.which("nm"):
    sizes = {}
    for line in subprocess.run(["nm", "-S", ko], capture_output=True,
                               text=True).stdout.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "tT":
            sizes[p[3]] = int(p[1], 16)
    for fn in ("dpcrash_null", "dpcrash_bug", "dpcrash_write"):
        p = dp_run("dis", "--json", fn, dump)
        ins = json.loads(p.stdout) if p.returncode == 0 else []
        got = (int(ins[-1]["address"], 16) + len(bytes.fromhex(ins[-1]["bytes"]))
               - int(ins[0]["address"], 16)) if ins else None
        ok(f"module {fn}: dis covers {got} bytes, nm -S of dpcrash.ko "
           f"{sizes.get(fn)}", got is not None and got == sizes.get(fn),
           p.stderr)
else:
    print("note: no dpcrash.ko or nm: module symbol sizes not checked")

# Bad input: unknown symbol, address not in the dump.
p = dp_run("dis", "no_such_function_xyz", dump)
ok("unknown symbol: exit 1 and names it", p.returncode == 1 and
   "no_such_function_xyz" in p.stderr, p.stderr)
p = dp_run("dis", "1000", "2", dump)
ok("unmapped address: exit 1 with a read error", p.returncode == 1 and
   "0x1000" in p.stderr, p.stderr)
sys.exit(failed)

#!/usr/bin/python3
# Compare `dontpanic sym -l` (kallsyms decoded from a dump) with `nm -n`
# of the matching -dbg vmlinux shifted by the KASLR offset. Every symbol is
# compared, not a sample.
#
# nm lists symbols that the kernel's kallsyms generator (scripts/kallsyms.c,
# 6.1) never puts in the tables; those are removed from the expected set
# by these rules, and everything else must match exactly:
#  - absolute symbols (nm type a/A: assembler constants, sizes);
#  - local labels ".L*" and the EXPORT_SYMBOL helpers "__crc_*",
#    "__kstrtab_*", "__kstrtabns_*" (kernel commit "kallsyms: ignore
#    __kstrtab_* and __kstrtabns_* symbols", 6.1);
#  - the kallsyms tables themselves (their addresses change between the
#    link passes, so the generator of 6.1 ignores them; newer generators
#    list them).  Which one built this kernel is read from the vmlinux:
#    its own kallsyms_num_syms must equal the expected count with or
#    without the tables (VMLINUX, optional first argument "--vmlinux=").
# Per-CPU symbols (nm address <= __per_cpu_end, in .data..percpu) get type
# 'A' in kallsyms (scripts/kallsyms.c, ABSOLUTE_PERCPU) and keep their
# offset as address; for them only the type letter differs from nm.
#
# usage: kallsyms-nm.py NM_OUTPUT LABEL:SYM_L_OUTPUT:KASLR_HEX...
# (NM_OUTPUT is `nm -n VMLINUX`; one run checks many dumps.)
import collections
import sys

KALLSYMS_TABLES = {
    "kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base",
    "kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
    "kallsyms_seqs_of_names", "kallsyms_token_table", "kallsyms_token_index",
}
KERNEL_MAP = 0xffffffff80000000


def ignored(typ, name, tables):
    return (typ in "aA" or name.startswith((".L", "__crc_", "__kstrtab_",
                                            "__kstrtabns_"))
            or (not tables and name in KALLSYMS_TABLES))


def vmlinux_u32(path, addr):
    """The u32 at virtual address addr in an ELF64 file (its sections)."""
    import struct
    with open(path, "rb") as f:
        eh = f.read(64)
        shoff, = struct.unpack_from("<Q", eh, 40)
        shentsize, shnum = struct.unpack_from("<HH", eh, 58)
        for i in range(shnum):
            f.seek(shoff + i * shentsize)
            sh = f.read(64)
            typ, = struct.unpack_from("<I", sh, 4)
            sa, so, sz = struct.unpack_from("<QQQ", sh, 16)
            if typ != 8 and sa <= addr < sa + sz:  # not NOBITS
                f.seek(so + addr - sa)
                return struct.unpack("<I", f.read(4))[0]
    return None


TABLES = False


def expected_set(rows, percpu_end, kaslr):
    expected = collections.Counter()
    for addr, typ, name in rows:
        if ignored(typ, name, TABLES):
            continue
        if addr >= KERNEL_MAP:
            addr += kaslr
        elif percpu_end is not None and addr <= percpu_end:
            typ = "A"
        expected[(addr, typ, name)] += 1
    return expected


def check(label, path, expected, nm_total):
    got = collections.Counter()
    with open(path) as f:
        for line in f:
            a, t, n = line.split()
            got[(int(a, 16), t.strip("()"), n)] += 1
    missing = expected - got
    extra = got - expected
    print(f"# {label}: nm {nm_total} symbols, {sum(expected.values())} "
          f"expected in kallsyms; dontpanic {sum(got.values())}")
    for k, v in list(missing.items())[:10]:
        print(f"# missing: {k[0]:x} ({k[1]}) {k[2]} x{v}")
    for k, v in list(extra.items())[:10]:
        print(f"# unexpected: {k[0]:x} ({k[1]}) {k[2]} x{v}")
    if missing or extra or not got:
        print(f"FAIL: {label}: {sum(missing.values())} missing, "
              f"{sum(extra.values())} unexpected")
        return False
    return True


def main():
    global TABLES
    vmlinux = None
    if sys.argv[1].startswith("--vmlinux="):
        vmlinux = sys.argv.pop(1).split("=", 1)[1]
    rows = []
    percpu_end = None
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            addr, typ, name = int(parts[0], 16), parts[1], parts[2]
            if name == "__per_cpu_end":
                percpu_end = addr
            rows.append((addr, typ, name))
    if vmlinux:
        addr = [a for a, t, n in rows if n == "kallsyms_num_syms"]
        num = vmlinux_u32(vmlinux, addr[0]) if addr else None
        without = sum(not ignored(t, n, False) for _, t, n in rows)
        with_t = sum(not ignored(t, n, True) for _, t, n in rows)
        if num == with_t:
            TABLES = True
        elif num != without:
            print(f"FAIL: the vmlinux's kallsyms_num_syms {num} is neither "
                  f"{without} (without the kallsyms tables) nor {with_t}")
            return 1
        print(f"# kallsyms_num_syms {num}: the kallsyms tables are "
              f"{'' if TABLES else 'not '}listed")
    ok = True
    cache = {}
    for arg in sys.argv[2:]:
        label, path, kaslr = arg.rsplit(":", 2)
        if kaslr not in cache:
            cache[kaslr] = expected_set(rows, percpu_end, int(kaslr, 16))
        ok = check(label, path, cache[kaslr], len(rows)) and ok
    return 0 if ok else 1


sys.exit(main())

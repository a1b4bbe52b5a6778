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
#    link passes, so the generator ignores them).
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


def ignored(typ, name):
    return (typ in "aA" or name.startswith((".L", "__crc_", "__kstrtab_",
                                            "__kstrtabns_"))
            or name in KALLSYMS_TABLES)


def expected_set(rows, percpu_end, kaslr):
    expected = collections.Counter()
    for addr, typ, name in rows:
        if ignored(typ, name):
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
    ok = True
    cache = {}
    for arg in sys.argv[2:]:
        label, path, kaslr = arg.rsplit(":", 2)
        if kaslr not in cache:
            cache[kaslr] = expected_set(rows, percpu_end, int(kaslr, 16))
        ok = check(label, path, cache[kaslr], len(rows)) and ok
    return 0 if ok else 1


sys.exit(main())

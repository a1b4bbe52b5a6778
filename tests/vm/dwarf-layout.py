#!/usr/bin/python3
# Test oracle: the layout of structs from a vmlinux's DWARF, read by drgn
# (independent of our BTF code), in btf-layout's line format.
# usage: dwarf-layout.py VMLINUX [MODULE.ko...] STRUCT...
import sys

import drgn


def walk(t, prefix, base, depth):
    for m in t.members:
        path = '%s.%s' % (prefix, m.name if m.name else '<anon>')
        ty = m.type
        bits = m.bit_field_size or 0
        try:
            size = drgn.sizeof(ty)
        except Exception:
            size = 0    # flexible array, function...
        print('%s %d %d %d' % (path, base + m.bit_offset, bits, size))
        r = ty.unqualified()
        while r.kind == drgn.TypeKind.TYPEDEF:
            r = r.type.unqualified()
        if r.kind in (drgn.TypeKind.STRUCT, drgn.TypeKind.UNION) and depth < 16:
            walk(r, path, base + m.bit_offset, depth + 1)


def main():
    files = [sys.argv[1]] + [a for a in sys.argv[2:] if a.endswith('.ko')]
    prog = drgn.Program(drgn.host_platform)
    prog.load_debug_info(files)
    for name in [a for a in sys.argv[2:] if not a.endswith('.ko')]:
        t = prog.type('struct ' + name)
        print('SIZE %s %d' % (name, t.size))
        walk(t, name, 0, 0)


main()

#!/usr/bin/python3
# Copy a vmcore with lines removed from its VMCOREINFO: in the ELF
# PT_NOTE (ELF dumps), and in a kdump-compressed header both in the
# vmcoreinfo block (offset_vmcoreinfo/size_vmcoreinfo, header v3+) and in
# the ELF notes block (offset_note/size_note, v4+) that also carries it
# (makedumpfile's kdump_sub_header, FORMATS.md §2). The notes are rebuilt
# shorter in place and the sizes rewritten; nothing else moves.
# Stands in for kernels whose VMCOREINFO lacks those lines (e.g. the
# SYMBOL(kallsyms_*) lines, which Linux exports only since 6.0).
# usage: strip-vmci.py IN OUT REGEX [LINE...]   (prints how many lines
# went where); each LINE is added at the end (e.g. a pre-5.10 kernel's
# SYMBOL(log_buf)=...), in place of removed bytes: the text must not grow.
import re
import shutil
import struct
import sys

src, dst, pat = sys.argv[1], sys.argv[2], re.compile(sys.argv[3].encode())
extra = [a.encode() for a in sys.argv[4:]]


def strip_text(text):
    lines = text.split(b"\n")
    keep = [ln for ln in lines if not pat.search(ln)]
    gone = len(lines) - len(keep)
    if extra:
        tail = [b""] if keep and keep[-1] == b"" else []
        keep = keep[:len(keep) - len(tail)] + extra + tail
    new = b"\n".join(keep)
    if len(new) > len(text):
        sys.exit("the added lines are longer than the removed ones")
    return new, gone


def pad4(n):
    return (n + 3) & ~3


def strip_notes(buf):
    """Rebuild an ELF note stream; returns (new bytes, lines removed)."""
    out, pos, gone = b"", 0, 0
    while pos + 12 <= len(buf):
        namesz, descsz, typ = struct.unpack_from("<III", buf, pos)
        name = buf[pos + 12:pos + 12 + namesz]
        d0 = pos + 12 + pad4(namesz)
        desc = buf[d0:d0 + descsz]
        if namesz == 0 and descsz == 0:
            break
        if name.rstrip(b"\0") == b"VMCOREINFO":
            text = desc.rstrip(b"\0")
            text, gone = strip_text(text)
            desc = text + b"\0" * (len(desc) - len(desc.rstrip(b"\0")))
        out += struct.pack("<III", len(name), len(desc), typ)
        out += name + b"\0" * (pad4(len(name)) - len(name))
        out += desc + b"\0" * (pad4(len(desc)) - len(desc))
        pos = d0 + pad4(descsz)
    return out, gone


def patch_elf(f):
    f.seek(0)
    eh = f.read(64)
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    gone = 0
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ph = bytearray(f.read(phentsize))
        p_type, = struct.unpack_from("<I", ph, 0)
        if p_type != 4:	# PT_NOTE
            continue
        off, filesz = struct.unpack_from("<Q", ph, 8)[0], struct.unpack_from("<Q", ph, 32)[0]
        f.seek(off)
        new, g = strip_notes(f.read(filesz))
        f.seek(off)
        f.write(new + b"\0" * (filesz - len(new)))
        struct.pack_into("<QQ", ph, 32, len(new), len(new))
        f.seek(phoff + i * phentsize)
        f.write(ph)
        gone += g
    print(f"ELF PT_NOTE: {gone} lines removed")
    return gone


def vmci_desc(notes):
    """(offset, size) of the VMCOREINFO note's text within a note stream."""
    pos = 0
    while pos + 12 <= len(notes):
        namesz, descsz, _ = struct.unpack_from("<III", notes, pos)
        d0 = pos + 12 + pad4(namesz)
        if notes[pos + 12:pos + 12 + namesz].rstrip(b"\0") == b"VMCOREINFO":
            return d0, len(notes[d0:d0 + descsz].rstrip(b"\0"))
        if namesz == 0 and descsz == 0:
            break
        pos = d0 + pad4(descsz)
    return None


def patch_kdump(f):
    f.seek(0)
    h = f.read(4096)
    version, = struct.unpack_from("<i", h, 8)
    bs, = struct.unpack_from("<i", h, 428)
    f.seek(bs)
    sub = f.read(64)
    vi_off, vi_size, note_off, note_size = struct.unpack_from("<QQQQ", sub, 32)
    total, new_notes = 0, None
    if version >= 4 and note_size:
        f.seek(note_off)
        new_notes, g = strip_notes(f.read(note_size))
        f.seek(note_off)
        f.write(new_notes + b"\0" * (note_size - len(new_notes)))
        f.seek(bs + 56)
        f.write(struct.pack("<Q", len(new_notes)))
        print(f"kdump notes block: {g} lines removed")
        total += g
    inside = new_notes is not None and \
        note_off <= vi_off < note_off + note_size
    if version >= 3 and vi_size and inside:
        # makedumpfile points the vmcoreinfo block at the note's text
        d = vmci_desc(new_notes)
        if d is None:
            sys.exit("the kdump vmcoreinfo block lies in the notes block, "
                     "but no VMCOREINFO note is there")
        f.seek(bs + 32)
        f.write(struct.pack("<QQ", note_off + d[0], d[1]))
        print("kdump vmcoreinfo block: points at the rewritten note")
    elif version >= 3 and vi_size:
        f.seek(vi_off)
        text = f.read(vi_size)
        new, g = strip_text(text)
        f.seek(vi_off)
        f.write(new + b"\0" * (vi_size - len(new)))
        f.seek(bs + 40)
        f.write(struct.pack("<Q", len(new)))
        print(f"kdump vmcoreinfo block: {g} lines removed")
        total += g
    return total


shutil.copyfile(src, dst)
with open(dst, "r+b") as f:
    magic = f.read(8)
    if magic[:4] == b"\x7fELF":
        n = patch_elf(f)
    elif magic == b"KDUMP   ":
        n = patch_kdump(f)
    else:
        sys.exit(f"{src}: neither ELF nor kdump-compressed (flattened "
                 f"streams are not rewritten)")
if not n:
    sys.exit(f"{src}: no VMCOREINFO line matched {pat.pattern!r}")

#!/usr/bin/env python3
# Synthetic ELF vmcores through the CLI: a good one (info, rd, excluded /
# hole errors), the same as a flattened stream with shuffled overlapping
# records, an incomplete one, and broken ones that must fail cleanly with
# exit 3 and a message naming the problem (never a crash).
# usage: test-elf-input.py DONTPANIC
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

DP = sys.argv[1]
PAGE = 4096
fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL:", msg)


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def prstatus(pid, rip):
    regs = [0] * 27
    regs[16] = rip
    return (b"\0" * 32 + struct.pack("<i", pid) + b"\0" * 76 +
            struct.pack("<27Q", *regs) + b"\0" * 8)


VMCI = (b"OSRELEASE=6.1.0-test\nBUILD-ID=00112233445566778899aabbccddeeff0011"
        b"2233\nPAGESIZE=4096\nKERNELOFFSET=1e000000\nCRASHTIME=1700000000\n")


def page(pfn):
    return bytes((pfn * 7 + i) & 0xFF for i in range(PAGE))


def build(loads, e_flags=0, notes=None, phnum=None, machine=62, cls=2,
          data=1):
    """loads: list of (paddr, npages_file, npages_mem)."""
    if notes is None:
        notes = (note("CORE", 1, prstatus(7, 0xffffffff81000000)) +
                 note("CORE", 1, prstatus(0, 0xffffffff81000010)) +
                 note("VMCOREINFO", 0, VMCI))
    nph = 1 + len(loads)
    off = 64 + nph * 56
    phdrs = [struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes),
                         len(notes), 0)]
    off += len(notes)
    body = b""
    for paddr, nf, nm in loads:
        phdrs.append(struct.pack("<IIQQQQQQ", 1, 7, off, paddr, paddr,
                                 nf * PAGE, nm * PAGE, 0))
        for i in range(nf):
            body += page(paddr // PAGE + i)
        off += nf * PAGE
    ident = b"\x7fELF" + bytes([cls, data, 1]) + b"\0" * 9
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 4, machine, 1, 0, 64, 0,
                             e_flags, 64, 56,
                             nph if phnum is None else phnum, 0, 0, 0)
    return eh + b"".join(phdrs) + notes + body


def flatten(img, seed=1):
    """A makedumpfile flattened stream of img: shuffled, overlapping
    records, with a stale record overwritten by a later one."""
    hdr = b"makedumpfile\0\0\0\0" + struct.pack(">qq", 1, 1)
    hdr += b"\0" * (4096 - len(hdr))
    rnd = random.Random(seed)
    chunks = []
    pos = 0
    while pos < len(img):
        n = rnd.randint(1, 9000)
        chunks.append((pos, img[pos:pos + n]))
        pos += n
    rnd.shuffle(chunks)
    recs = [(0, b"\xee" * min(len(img), 5000))]  # stale, overwritten later
    recs += chunks
    out = hdr
    for off, data in recs:
        out += struct.pack(">qq", off, len(data)) + data
    return out + b"\xff" * 16


def run(*args):
    p = subprocess.run([DP, *args], capture_output=True, text=True,
                       errors="replace")
    if p.returncode < 0 or "Sanitizer" in p.stderr:
        fail(f"{args}: crashed: {p.returncode} {p.stderr[-500:]}")
    return p


tmp = tempfile.mkdtemp()


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# pfn 1-3 in file; 4-7 excluded (memsz); pfn 16-17 second load; kernel-text
# style duplicate of pfn 2-3 in a third, overlapping load.
LOADS = [(PAGE, 3, 7), (16 * PAGE, 2, 2), (2 * PAGE, 2, 2)]
good = write("good", build(LOADS))
flat = write("flat", flatten(open(good, "rb").read()))


def expect_rd_page(path, pfn):
    p = run("rd", "-8", "-p", hex(pfn * PAGE + 0x10), "16", path)
    want = page(pfn)[0x10:0x20]
    hexes = " ".join(f"{b:02x}" for b in want)
    if p.returncode != 0 or hexes not in p.stdout:
        fail(f"{path}: rd pfn {pfn}: {p.returncode} {p.stdout!r} "
             f"{p.stderr!r}")


for path in (good, flat):
    p = run("info", "--json", path)
    if p.returncode != 0:
        fail(f"info {path}: {p.returncode} {p.stderr}")
        continue
    import json
    j = json.loads(p.stdout)
    checks = {"format": "elf", "osrelease": "6.1.0-test", "cpus": 2,
              "pages_present": 5, "pages_excluded": 4, "pages_lost": 0,
              "max_pfn": 18, "kaslr_offset": 0x1e000000,
              "crash_time": 1700000000, "incomplete": False,
              "flattened": path == flat, "producer": "makedumpfile"}
    for k, v in checks.items():
        if j.get(k) != v:
            fail(f"{path}: info {k} = {j.get(k)!r}, want {v!r}")
    for pfn in (1, 2, 3, 16, 17):
        expect_rd_page(path, pfn)
    # Crossing from pfn 16 into 17.
    p = run("rd", "-8", "-p", hex(17 * PAGE - 4), "8", path)
    want = page(16)[-4:] + page(17)[:4]
    if " ".join(f"{b:02x}" for b in want) not in p.stdout:
        fail(f"{path}: page-crossing rd: {p.stdout!r}")
    p = run("rd", "-p", hex(5 * PAGE), path)
    if p.returncode != 1 or "excluded" not in p.stderr:
        fail(f"{path}: excluded page: {p.returncode} {p.stderr!r}")
    p = run("rd", "-p", hex(10 * PAGE), path)
    if p.returncode != 1 or "not in dump" not in p.stderr:
        fail(f"{path}: hole: {p.returncode} {p.stderr!r}")
    p = run("vmcoreinfo", path)
    if p.stdout.encode() != VMCI:
        fail(f"{path}: vmcoreinfo text {p.stdout!r}")

# A PT_LOAD ending inside a page (like a RAM range ending at 0x9fc00): the
# covered bytes read, the rest is "not in dump", not zeros.
part = bytearray(build([(PAGE, 2, 2)]))
# Shrink the load to end 0x400 into its second page.
ph = 64 + 56 + 8 + 8 * 3   # second phdr's p_filesz field
struct.pack_into("<QQ", part, ph, PAGE + 0x400, PAGE + 0x400)
partial = write("partial", bytes(part))
p = run("rd", "-8", "-p", hex(2 * PAGE + 0x3f8), "16", partial)
want = " ".join(f"{b:02x}" for b in page(2)[0x3f8:0x400])
if (p.returncode != 1 or want not in p.stdout or
        "0x2400: not in dump (page 0x2 is only partly" not in p.stderr):
    fail(f"partial page: {p.returncode} {p.stdout!r} {p.stderr!r}")

# Incomplete (e_flags bit 0) and truncated inside the second load: pfn 17
# is lost, pfn 16 is still readable.
img = build(LOADS, e_flags=1)
cut = write("incomplete", img[:len(img) - 3 * PAGE])
p = run("info", "--json", cut)
if p.returncode != 0:
    fail(f"incomplete dump: {p.stderr}")
else:
    j = json.loads(p.stdout)
    if not j["incomplete"] or j["pages_lost"] != 1:
        fail(f"incomplete dump info: {j}")
expect_rd_page(cut, 16)
p = run("rd", "-p", hex(17 * PAGE), cut)
if p.returncode != 1 or "lost (incomplete dump)" not in p.stderr:
    fail(f"lost page: {p.returncode} {p.stderr!r}")

# Cut inside the last load without the incomplete flag (a copy stopped
# half way): it opens as truncated, pfn 17 is lost (pfns 2-3 of the last
# load are also in the first one), pfn 16 still reads.
good_img = build(LOADS)
cut = write("truncated", good_img[:len(good_img) - 3 * PAGE])
p = run("info", "--json", cut)
j = json.loads(p.stdout) if p.returncode == 0 else {}
if not j.get("truncated") or j.get("incomplete") or j.get("pages_lost") != 1:
    fail(f"truncated dump info: {p.returncode} {p.stderr!r} {j}")
p = run("rd", "-p", hex(17 * PAGE), cut)
if p.returncode != 1 or "lost (" + cut + " is truncated)" not in p.stderr:
    fail(f"truncated dump: lost page: {p.returncode} {p.stderr!r}")
expect_rd_page(cut, 16)
# Broken inputs: exit 3, message names the problem.
good_img = build(LOADS)
huge_notes = build(LOADS, notes=struct.pack("<III", 5, 0x7fffffff, 1) +
                   b"CORE\0\0\0\0")
bad = {
    "empty": (b"", "empty file"),
    "magic": (b"\x7fELG" + good_img[4:], "not a crash dump"),
    "elf32": (build(LOADS, cls=1), "ELF32"),
    "bigend": (build(LOADS, data=2), "big-endian"),
    "aarch64": (build(LOADS, machine=183), "e_machine 183"),
    "short-ehdr": (good_img[:40], "ELF header"),
    "short-phdrs": (good_img[:100], "program headers"),
    "absurd-phnum": (build(LOADS, phnum=60000), "program headers"),
    "short-notes": (good_img[:64 + 4 * 56 + 20], "PT_NOTE"),
    "bad-note": (huge_notes, "note at 0x0"),
    "flat-no-end": (open(flat, "rb").read()[:-16], "no end marker"),
}
for name, (data, words) in bad.items():
    p = run("info", write(name, data))
    if p.returncode != 3 or words not in p.stderr:
        fail(f"{name}: exit {p.returncode}, stderr {p.stderr!r} "
             f"(want 3 and '{words}')")
    else:
        print(f"ok: {name}: {p.stderr.strip()}")

# Kernel strings are bytes: a release with invalid UTF-8 (and a valid
# multi-byte character) must still give valid JSON that keeps both.
odd_vmci = VMCI.replace(b"6.1.0-test", b"6.1.0-\xff\xc3\xa9x")
odd = write("odd-utf8", build(LOADS, notes=note("VMCOREINFO", 0, odd_vmci)))
p = subprocess.run([DP, "info", "--json", odd], capture_output=True)
try:
    rel = json.loads(p.stdout.decode("utf-8"))["osrelease"]
    if rel != "6.1.0-\u00ff\u00e9x":
        fail(f"odd-utf8: osrelease {rel!r}")
    else:
        print("ok: invalid UTF-8 is escaped, valid UTF-8 kept, JSON valid")
except (UnicodeDecodeError, ValueError, KeyError) as e:
    fail(f"odd-utf8: info --json is not valid UTF-8 JSON: {e}")

# Random corruption of the header area must never crash.
rnd = random.Random(7)
for i in range(200):
    b = bytearray(good_img[:4096])
    for _ in range(rnd.randint(1, 8)):
        b[rnd.randrange(len(b))] = rnd.randrange(256)
    p = run("info", write("fuzz", bytes(b) + good_img[4096:]))
    if p.returncode not in (0, 3):
        fail(f"fuzz {i}: exit {p.returncode}: {p.stderr!r}")

shutil.rmtree(tmp)
print(f"{fails} failure(s)" if fails else "all ok")
sys.exit(1 if fails else 0)

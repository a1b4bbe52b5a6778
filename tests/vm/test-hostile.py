#!/usr/bin/python3
# Hostile dumps made from a REAL dump (issue 7 point 3): a copy of the
# sysrq scenario's uncompressed ELF (and kdump-zlib) dump with one kernel
# object or file structure patched, located with our own commands (sym,
# struct -o, p, vtop, mod --json). Every command runs under a timeout and,
# outside sanitizer builds, a 1 GiB address-space limit; none may die of a
# signal or print a sanitizer report. The broken part must fail with a
# clear message; the commands that do not need it must give the same
# output as on the clean dump.
#   test-hostile.py DONTPANIC
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

DP = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 60
ASAN = b"__asan_init" in open(DP, "rb").read()
failed = 0


def vmcore(scen, kind):
    r = subprocess.run(["sh", "-c", '. "$0/lib.sh"; dp_vmcore "$1" "$2"',
                        HERE, scen, kind], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def limit():
    if not ASAN:	# ASan reserves terabytes of shadow address space
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run(args, dump):
    """Run DP ARGS DUMP bounded; return (rc, stdout, stderr) or fail."""
    try:
        r = subprocess.run([DP, *args, dump], capture_output=True,
                           timeout=TIMEOUT, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return None, "", f"timeout after {TIMEOUT}s"
    out = r.stdout.decode(errors="replace")
    err = r.stderr.decode(errors="replace")
    if r.returncode < 0:
        err = f"killed by signal {-r.returncode}\n" + err
        return None, out, err
    if "Sanitizer" in err or "runtime error:" in err:
        return None, out, "sanitizer report\n" + err
    return r.returncode, out, err


def ok(name, cond, why=""):
    global failed
    print(("ok  " if cond else "FAIL ") + name + ("" if cond else ": " + why))
    if not cond:
        failed = 1


def expect(name, args, dump, rc, regex):
    """The command exits with rc (an int or a set) and stderr matches."""
    got, out, err = run(args, dump)
    rcs = rc if isinstance(rc, set) else {rc}
    first = err.strip().splitlines()[0] if err.strip() else ""
    ok(f"{name}: {' '.join(args)} -> {got} {first}",
       got in rcs and re.search(regex, err, re.M) is not None,
       f"exit {got}, want {sorted(rcs)} and /{regex}/ in stderr:\n{err}")
    return out


def same(name, args, dump, clean):
    """The command works and prints what it prints on the clean dump."""
    got, out, err = run(args, dump)
    ok(f"{name}: {' '.join(args)} unchanged", got == 0 and out == clean,
       f"exit {got}, output {'same' if out == clean else 'differs'}:\n{err}")


# ---- ELF layout and patching -------------------------------------------

def phdrs(path):
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        raw = f.read(phentsize * phnum)
    return phoff, phentsize, [struct.unpack_from("<IIQQQQQQ", raw, i * phentsize)
                              for i in range(phnum)]


def file_offsets(path, paddr, n):
    """Every file offset holding physical [paddr, paddr+n) (PT_LOADs overlap)."""
    _, _, ph = phdrs(path)
    return [off + paddr - pa for (t, _, off, _, pa, fsz, _, _) in ph
            if t == 1 and pa <= paddr and paddr + n <= pa + fsz]


class Patch:
    """Patch bytes of a file in place; restore them on exit."""

    def __init__(self, path, edits):
        self.path, self.edits, self.saved = path, edits, []

    def __enter__(self):
        with open(self.path, "r+b") as f:
            for off, data in self.edits:
                f.seek(off)
                self.saved.append((off, f.read(len(data))))
                f.seek(off)
                f.write(data)
        return self

    def __exit__(self, *a):
        with open(self.path, "r+b") as f:
            for off, data in reversed(self.saved):
                f.seek(off)
                f.write(data)


def mem_patch(path, paddr, data):
    offs = file_offsets(path, paddr, len(data))
    if not offs:
        sys.exit(f"FAIL: physical 0x{paddr:x} is not in {path}")
    return Patch(path, [(o, data) for o in offs])


def q(v):
    return struct.pack("<Q", v & (1 << 64) - 1)


# ---- kernel objects, found with our own commands ------------------------

def dp(*args, dump):
    r = subprocess.run([DP, *args, dump], capture_output=True, text=True,
                       check=True, timeout=TIMEOUT)
    return r.stdout


def sym(name, dump):
    return int(dp("sym", name, dump=dump).split()[0], 16)


def member(stype, mname, dump):
    m = re.search(r"\[(\d+)\] [^;]*\b%s;" % re.escape(mname),
                  dp("struct", "-o", stype, dump=dump))
    return int(m.group(1))


def vtop(addr, dump):
    m = re.search(r"^%x\s+([0-9a-f]+)" % addr, dp("vtop", "%x" % addr,
                  dump=dump), re.M)
    return int(m.group(1), 16)


def main():
    src = vmcore("sysrq", "elf-d31")
    ksrc = vmcore("sysrq", "kdump-zlib-d31")
    if not src or not ksrc:
        print("SKIP: no sysrq elf-d31 / kdump-zlib-d31 dump")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="dp-hostile.")
    try:
        v = os.path.join(tmp, "vmcore.elf")
        shutil.copyfile(src, v)
        clean = {c: run(c.split(), v) for c in ("log", "bt", "mod", "ps", "report")}
        for c, (rc, out, err) in clean.items():
            if rc != 0:
                sys.exit(f"FAIL: {c} on the clean copy exited {rc}: {err}")
        cl = {c: r[1] for c, r in clean.items()}
        case_modules(v, cl)
        case_tasks(v, cl)
        case_counts(v, cl)
        case_page_tables(v, cl)
        case_elf(v, cl)
        k = os.path.join(tmp, "vmcore.kdump")
        shutil.copyfile(ksrc, k)
        case_kdump(k)
    finally:
        shutil.rmtree(tmp)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"# largest child RSS {ru.ru_maxrss // 1024} MiB, asan={ASAN}")
    sys.exit(failed)


# 1. modules list made cyclic.
def case_modules(v, cl):
    mods = json.loads(dp("mod", "--json", dump=v))
    loff = member("module", "list", v)
    head = sym("modules", v)
    # the first module on the list is the one whose node head.next is
    nxt, = struct.unpack("<Q", read_phys(v, vtop(head, v), 8))
    node = nxt
    name = [m["name"] for m in mods if int(m["module"], 16) + loff == node]
    ok("mod-cycle: head.next is a listed module", len(name) == 1, hex(node))
    later = [int(m["module"], 16) + loff for m in mods
             if int(m["module"], 16) + loff != node][0]
    # (a) first module's list.next -> itself
    with mem_patch(v, vtop(node, v), q(node)):
        out = expect("mod-cycle-self", ["mod"], v, 0,
                     r"warning: the module list is incomplete: "
                     r"modules list: cycle at 0x%x" % (node - loff))
        ok("mod-cycle-self: the first module is still listed",
           name[0] in out and len(out.splitlines()) == 2, out)
        same("mod-cycle-self", ["log"], v, cl["log"])
        same("mod-cycle-self", ["bt"], v, cl["bt"])
    # (b) a later module's list.next -> the first module (a loop that
    # does not pass the head)
    with mem_patch(v, vtop(later, v), q(node)):
        out = expect("mod-cycle-back", ["mod"], v, 0,
                     r"module list is incomplete: modules list: cycle at "
                     r"0x%x" % (node - loff))
        ok("mod-cycle-back: all modules still listed",
           out == cl["mod"], out)
        same("mod-cycle-back", ["bt"], v, cl["bt"])
        same("mod-cycle-back", ["log"], v, cl["log"])


def read_phys(path, paddr, n):
    with open(path, "rb") as f:
        f.seek(file_offsets(path, paddr, n)[0])
        return f.read(n)


# 2. task list into garbage / cyclic children list.
def case_tasks(v, cl):
    init = sym("init_task", v)
    toff = member("task_struct", "tasks", v)
    with mem_patch(v, vtop(init + toff, v), q(0xdead000000000100)):
        out = expect("tasks-garbage", ["ps"], v, 0,
                     r"warning: the task list is incomplete: task_struct "
                     r"at 0x%x" % (0xdead000000000100 - toff))
        # the CPUs' idle and running tasks are still listed
        ok("tasks-garbage: ps lists the running tasks",
           len(out.splitlines()) > 2 and
           out.splitlines()[1:] != cl["ps"].splitlines()[1:], out)
        same("tasks-garbage", ["log"], v, cl["log"])
        rc, out, err = run(["report"], v)
        ok("tasks-garbage: report still classifies from the log",
           rc == 0 and first_line(out) == first_line(cl["report"]),
           f"exit {rc}: {out[:300]} {err}")
    # a thread list that loops without passing its head: init's
    # thread_node.next -> itself
    t1 = [int(t["task"], 16) for t in json.loads(dp("ps", "--json", dump=v))
          if t["pid"] == 1][0]
    tn = t1 + member("task_struct", "thread_node", v)
    with mem_patch(v, vtop(tn, v), q(tn)):
        out = expect("thread-cycle", ["ps"], v, 0,
                     r"task list is incomplete: threads of task 0x%x: "
                     r"list at 0x[0-9a-f]+: cycle at 0x%x" % (t1, tn))
        ok("thread-cycle: init still listed once",
           len([l for l in out.splitlines() if re.match(r">?\s*1\s", l)]) == 1,
           out)
        same("thread-cycle", ["log"], v, cl["log"])
    coff = member("task_struct", "children", v)
    node = init + coff
    with mem_patch(v, vtop(node, v), q(node + 0x100000)):
        # ps walks init_task.tasks and thread lists, not children
        same("children-garbage", ["ps"], v, cl["ps"])


def first_line(s):
    return s.strip().splitlines()[0] if s.strip() else ""


# 3. huge counts.
def case_counts(v, cl):
    prb = int(dp("p/x", "prb", dump=v).split("0x")[1].split()[0], 16)
    for bits in (60, 0xffffffff):
        with mem_patch(v, vtop(prb, v), struct.pack("<I", bits)):
            expect(f"prb-count_bits-{bits:#x}", ["log"], v, 1,
                   r"count_bits")
            same(f"prb-count_bits-{bits:#x}", ["mod"], v, cl["mod"])
    # kallsyms_num_syms (found through VMCOREINFO) absurd
    ksn = int(re.search(r"^SYMBOL\(kallsyms_num_syms\)=([0-9a-f]+)$",
                        dp("vmcoreinfo", dump=v), re.M).group(1), 16)
    with mem_patch(v, vtop(ksn, v), struct.pack("<I", 0xffffffff)):
        msg = (r"kallsyms_num_syms at 0x%x is 4294967295 \(expected "
               r"1\.\.\d+\)" % ksn)
        expect("kallsyms_num_syms-huge", ["sym", "schedule"], v, 1, msg)
        expect("kallsyms_num_syms-huge", ["bt"], v, 1, msg)
        same("kallsyms_num_syms-huge", ["log"], v, cl["log"])
    case_vmcoreinfo_lines(v, cl)
    mods = json.loads(dp("mod", "--json", dump=v))
    m = [x for x in mods if x["name"] == "dpcrash"] or mods
    mod = int(m[0]["module"], 16)
    base = int(m[0]["base"], 16)
    ck = member("module", "core_kallsyms", v)
    nsym = mod + ck + member("mod_kallsyms", "num_symtab", v)
    with mem_patch(v, vtop(nsym, v), struct.pack("<I", 0xffffffff)):
        expect("mod-num_symtab-huge", ["sym", "%x" % base], v, 1,
               r"module at 0x%x \(%s\): num_symtab 4294967295 is "
               r"implausible" % (mod, m[0]["name"]))
        same("mod-num_symtab-huge", ["log"], v, cl["log"])
        same("mod-num_symtab-huge", ["mod"], v, cl["mod"])


# 4b. damaged VMCOREINFO text (the ELF note). kallsyms is checked against
# every VMCOREINFO SYMBOL() it also lists, and they vote: one damaged line
# against the others is the line's fault (a warning; kallsyms and the
# commands work, the log through kallsyms' prb), most of them disagreeing
# is damaged tables (kallsyms refused, the log still read).
def case_vmcoreinfo_lines(v, cl):
    with open(v, "rb") as f:
        head = f.read(1 << 20)

    def at(name):
        i = head.find(b"SYMBOL(%s)=" % name.encode())
        return i + len("SYMBOL(%s)=" % name)
    clean_sym = run(["sym", "schedule"], v)[1]
    with Patch(v, [(at("prb"), b"dead000000000000")]):
        warn = (r"WARNING: VMCOREINFO's SYMBOL\(prb\)=dead000000000000 is "
                r"damaged: kallsyms \(\S+\) has 0x[0-9a-f]+, as \d+ other "
                r"VMCOREINFO symbols agree")
        out = expect("vmcoreinfo-prb", ["log"], v, 0, warn)
        ok("vmcoreinfo-prb: log unchanged", out == cl["log"])
        same("vmcoreinfo-prb", ["sym", "schedule"], v, clean_sym)
        out = expect("vmcoreinfo-prb", ["bt"], v, 0, warn)
        ok("vmcoreinfo-prb: bt unchanged", out == cl["bt"])
    # init_uts_ns: sys still names the release (kallsyms' address)
    with Patch(v, [(at("init_uts_ns"), b"ffffffff00000000")]):
        out = expect("vmcoreinfo-uts", ["sys"], v, 0,
                     r"WARNING: VMCOREINFO's SYMBOL\(init_uts_ns\)")
        ok("vmcoreinfo-uts: sys names the release",
           re.search(r"RELEASE: 6\.", out) is not None, out)
        rc, out, err = run(["report", "--json"], v)
        notes = json.loads(out)["notes"] if rc == 0 else []
        ok("vmcoreinfo-uts: report notes the damaged line",
           any("SYMBOL(init_uts_ns)" in n for n in notes), f"{rc} {notes}")
    # most lines wrong: the tables lose the vote
    names = ["init_uts_ns", "node_online_map", "swapper_pg_dir",
             "vmap_area_list", "printk_rb_static", "clear_seq"]
    # The kernel exports what it has (vmap_area_list went in 6.9).
    names = [n for n in names if b"SYMBOL(%s)=" % n.encode() in head]
    with Patch(v, [(at(n), b"ffffffff00000000") for n in names]):
        expect("vmcoreinfo-most", ["sym", "schedule"], v, 1,
               r"kallsyms: \w+ decodes to 0x[0-9a-f]+ .*VMCOREINFO says "
               r"0xffffffff00000000, and [3-9] of the [4-9] VMCOREINFO "
               r"symbols kallsyms lists disagree: the tables are damaged")
        same("vmcoreinfo-most", ["log"], v, cl["log"])


# 5. page tables that point anywhere: the PGD entry of the kernel text
# and modules pointing at the PGD itself (a loop) or outside RAM. Kernel
# text is read through the __START_KERNEL_map offset, so sym and bt still
# work; vtop shows the walk; the module list (vmalloc) is lost, with a
# warning naming the level.
def case_page_tables(v, cl):
    pgd = vtop(sym("init_top_pgt", v), v)
    text = sym("_stext", v)
    ent = pgd + ((text >> 39) & 511) * 8
    clean_sym = dp("sym", "schedule", dump=v)
    with mem_patch(v, ent, q(pgd | 0x63)):
        rc, out, err = run(["vtop", "%x" % text], v)
        ok(f"pgd-loop: vtop {text:x} shows the loop and (not mapped)",
           rc == 0 and "PAGE DIRECTORY: %x" % (pgd | 0x63) in out and
           re.search(r"^%x\s+\(not mapped\)" % text, out, re.M),
           f"exit {rc}: {out}{err}")
        expect("pgd-loop", ["mod"], v, 0,
               r"module list is incomplete: module at 0x[0-9a-f]+: "
               r"0x[0-9a-f]+ is not mapped \((PUD|PMD|PTE) entry")
    with mem_patch(v, ent, q(0x7ffffffff000 | 0x63)):
        expect("pgd-outside", ["vtop", "%x" % text], v, 1,
               r"PUD table at physical 0x7ffffffff000 for 0x%x is not readable" % text)
        expect("pgd-outside", ["mod"], v, 0,
               r"module list is incomplete: .*PUD table at physical 0x7ffffffff000")
    for name, val in (("pgd-loop", pgd | 0x63),
                      ("pgd-outside", 0x7ffffffff000 | 0x63)):
        with mem_patch(v, ent, q(val)):
            same(name, ["log"], v, cl["log"])
            same(name, ["bt"], v, cl["bt"])
            same(name, ["sym", "schedule"], v, clean_sym)


# 4. ELF program headers.
def case_elf(v, cl):
    phoff, phent, ph = phdrs(v)
    size = os.path.getsize(v)
    loads = [i for i, p in enumerate(ph) if p[0] == 1]
    last = loads[-1]
    lo = phoff + last * phent
    # Physical addresses reading prb goes through: the page-table pages
    # of its walk and prb itself (where KASLR put them decides whether the
    # overlap below can touch the log).
    walk = dp("vtop", "%x" % sym("prb", v), dump=v)
    prb_walk = [int(x, 16) & 0x000ffffffffff000 for x in re.findall(
        r"(?:PAGE DIRECTORY|PUD|PMD|PTE): ([0-9a-f]+)", walk)]
    prb_walk.append(vtop(sym("prb", v), v))
    with Patch(v, [(56, struct.pack("<H", 0xffff))]):
        expect("elf-phnum-xnum", ["info"], v, 3,
               r"e_phnum is PN_XNUM but there is no section header 0")
    with Patch(v, [(56, struct.pack("<H", 0xfffe))]):
        expect("elf-phnum-huge", ["info"], v, 3,
               r"/vmcore.elf: PT_(NOTE|LOAD) \d+: .*(do not fit|bad sizes)")
    with Patch(v, [(lo + 8, q(size + 0x100000))]):
        expect("elf-load-past-eof", ["info"], v, {1, 3}, 
               r"truncated: PT_LOAD %d .* needs file bytes up to 0x%x, file is 0x%x"
               % (last, size + 0x100000 + ph[last][5], size))
    with Patch(v, [(lo + 8, q(0xfffffffffffff000))]):
        expect("elf-load-offset-overflow", ["info"], v, 3,
               r"PT_LOAD %d: bad sizes .*offset 0xfffffffffffff000" % last)
    # A later RAM PT_LOAD moved onto the physical range of an earlier one,
    # with different contents: defined behaviour is that the later program
    # header wins (lib/format/extent.c, as the kernel-text PT_LOAD
    # duplicates RAM); the moved segment's old range is not in the dump.
    # Chosen so that neither range can hold what the log reader needs,
    # wherever KASLR put the kernel: the target is the low-memory PT_LOAD
    # (below 1 MiB, which x86 keeps out of the allocators since 5.13 and
    # the kernel image never occupies), the moved segment is one whose
    # physical range meets no kernel-image PT_LOAD and no page of prb's
    # walk, shrunk to fit in the target. The log (static ring in the
    # image) must then read exactly as on the clean dump.
    image = [(ph[i][4], ph[i][4] + ph[i][6]) for i in loads
             if ph[i][3] >= 0xffffffff80000000]
    low = [i for i in loads if ph[i][4] < 0x100000 and ph[i][5] >= 0x1000
           and ph[i][3] < 0xffffffff80000000]
    a = low[0] if low else None
    need = image + [(x, x + 0x1000) for x in prb_walk]
    movable = [i for i in loads if a is not None and i > a and
               ph[i][3] < 0xffffffff80000000 and ph[i][5] >= 0x1000 and
               not any(ph[i][4] < e and b < ph[i][4] + ph[i][6]
                       for b, e in need)]
    ok("elf-load-overlap: a low-memory PT_LOAD and a later one away from "
       "the kernel image", a is not None and movable != [],
       f"low-memory PT_LOAD {a}, movable {movable}")
    if a is not None and movable:
        m = movable[-1]
        mo = phoff + m * phent
        old = ph[m][4]
        n = min(ph[m][5], ph[a][5]) & ~0xfff
        with Patch(v, [(mo + 24, q(ph[a][4])), (mo + 32, q(n)),
                       (mo + 40, q(n))]):
            with open(v, "rb") as f:
                f.seek(ph[m][2])
                want = struct.unpack("<2Q", f.read(16))
            rc, out, err = run(["rd", "-p", "%x" % ph[a][4], "2"], v)
            ok(f"elf-load-overlap: rd -p {ph[a][4]:x} reads the later "
               f"PT_LOAD {m}", rc == 0 and "%016x %016x" % want in out,
               f"exit {rc}: {out}{err}")
            expect("elf-load-overlap", ["rd", "-p", "%x" % old], v, 1,
                   r"page 0x%x \(paddr 0x%x\): not in dump" % (old >> 12, old))
            same("elf-load-overlap", ["log"], v, cl["log"])
    # truncation at each boundary
    notes = [p for p in ph if p[0] == 4]
    cuts = {"ehdr": 40, "phdrs": phoff + phent * len(ph) // 2,
            "notes": notes[0][2] + notes[0][5] // 2,
            "first-load": ph[loads[0]][2] + ph[loads[0]][5] // 2}
    for name, n in cuts.items():
        t = v + ".cut"
        with open(v, "rb") as f, open(t, "wb") as g:
            g.write(f.read(n))
        if name == "first-load":
            # Cut inside RAM without the incomplete flag: it opens, says
            # it is truncated, and the pages past the cut are lost.
            rc, out, err = run(["info"], t)
            ok("elf-cut-first-load: info says truncated",
               rc == 0 and re.search(r"^truncated: +YES", out, re.M) and
               re.search(r" [1-9][0-9]* lost$", out, re.M), f"{rc}: {out}{err}")
            off = ph[loads[0]][2]
            lost = ph[loads[0]][4] + (n - off) // 4096 * 4096 + 4096
            expect("elf-cut-first-load", ["rd", "-p", "%x" % lost], t, 1,
                   r"lost \(%s is truncated\)" % re.escape(t))
        else:
            expect(f"elf-cut-{name}", ["info"], t, {0, 3}, r".")
        os.unlink(t)


# 6/7. kdump: a page that inflates past a page, truncation boundaries.
def case_kdump(k):
    with open(k, "rb") as f:
        h = f.read(4096 * 2)
        bs, shs, bmb = struct.unpack_from("<iiI", h, 428)
        note_off, note_size = struct.unpack_from("<QQ", h, bs + 48)
        bm = (1 + shs) * bs
        f.seek(bm + bmb * bs // 2)
        bm2 = f.read(bmb * bs // 2)
        desc = bm + bmb * bs
        f.seek(desc)
        d = f.read(24 * 4096)
    z = next(i for i in range(4096)
             if struct.unpack_from("<qII", d, 24 * i)[2] == 1)
    off, zs, _ = struct.unpack_from("<qII", d, 24 * z)
    # the pfn of descriptor z is the z-th set bit of the second bitmap
    pfns = (i * 8 + b for i, c in enumerate(bm2) for b in range(8) if c >> b & 1)
    pfn = [p for _, p in zip(range(z + 2), pfns)]
    big = zlib.compress(bytes(8192), 9)
    ok("kdump-inflate: stream fits the page's slot", len(big) <= zs)
    with Patch(k, [(off, big), (desc + 24 * z + 8, struct.pack("<I", len(big)))]):
        expect("kdump-inflate", ["rd", "-p", "%x" % (pfn[z] * 4096)], k, 1,
               r"corrupt zlib page, pfn 0x%x\b" % pfn[z])
        rc, out, err = run(["rd", "-p", "%x" % (pfn[z + 1] * 4096)], k)
        ok("kdump-inflate: the next page still reads", rc == 0, err)
    ndesc = sum(bin(c).count("1") for c in bm2)
    cuts = {"notes": (note_off + note_size // 2, ["info"], 3,
                      r"kdump header: sub_hdr_size 0x\d+ blocks exceeds file size"),
            "desc-end": (desc + 24 * ndesc - 10, ["info"], 3,
                         r"kdump: %d page descriptors at 0x%x exceed file size"
                         % (ndesc, desc)),
            "data-start": (desc + 24 * ndesc, ["rd", "-p", "%x" % (pfn[z] * 4096)], 1,
                           r"page 0x%x \(paddr 0x%x\): lost \(.*\.cut is "
                           r"truncated\)" % (pfn[z], pfn[z] * 4096))}
    for name, (n, cmd, rc, regex) in cuts.items():
        t = k + ".cut"
        with open(k, "rb") as f, open(t, "wb") as g:
            g.write(f.read(n))
        expect(f"kdump-cut-{name}", cmd, t, rc, regex)
        os.unlink(t)
    # A copy stopped 1 MB before the end (no incomplete flag): it opens as
    # truncated, the log is whole (its pages come early), and the report
    # says pages are lost.
    t = k + ".cut"
    with open(k, "rb") as f, open(t, "wb") as g:
        g.write(f.read(os.path.getsize(k) - (1 << 20)))
    rc, out, err = run(["info"], t)
    ok("kdump-cut-late: info says truncated and lost pages",
       rc == 0 and re.search(r"^truncated: +YES", out, re.M) and
       re.search(r" [1-9][0-9]* lost$", out, re.M), f"{rc}: {out}{err}")
    same("kdump-cut-late", ["log"], t, run(["log"], k)[1])
    rc, out, err = run(["report", "--json"], t)
    notes = json.loads(out).get("notes", []) if rc == 0 else []
    ok("kdump-cut-late: report notes the truncation",
       any("truncated" in n for n in notes), f"{rc}: {notes} {err}")
    os.unlink(t)
    # The whole dump: no such note. Flagged incomplete by its writer
    # (status bit 0x8, FORMATS.md 2.2; here no descriptor is missing, so
    # no page is lost): the report says so, and counts 0.
    rc, out, err = run(["report", "--json"], k)
    notes = json.loads(out).get("notes", []) if rc == 0 else ["rc %d" % rc]
    ok("kdump-whole: report notes no lost pages",
       not any("lost" in n for n in notes), f"{rc}: {notes} {err}")
    status = struct.unpack_from("<i", h, 424)[0]
    with Patch(k, [(424, struct.pack("<i", status | 8))]):
        rc, out, err = run(["report", "--json"], k)
        notes = json.loads(out).get("notes", []) if rc == 0 else []
        ok("kdump-flagged-incomplete: report notes it",
           any("incomplete" in n and " 0 pages are lost" in n
               for n in notes), f"{rc}: {notes} {err}")


main()

#!/usr/bin/python3
# The DWARF CFI unwinder (bt --vmlinux) on real vmcores.
#
#   check-cfi.py DP VMLINUX WRONG DUMP[:DRGN_TXT[:CRASH_TXT[:live]]] ...
#
# For every dump:
#  - bt, bt -a and bt --every-task with the -dbg vmlinux give the same
#    frames (function, address, sp) and errors as without it (ORC only);
#  - every frame whose lookup address (ip, or ip - 1 after a call) lies in
#    an FDE of the vmlinux's .debug_frame (readelf's list) was unwound by
#    "cfi", every other frame by something else; each trace of bt -a and
#    the panic task's have CFI frames (the provider cannot be silently
#    unused);
#  - the panic task's frames (addresses and function names) equal drgn's
#    saved trace (DRGN_TXT, the harness's oracle/*.drgn.txt, "### stack");
#  - the CPUs kdump stopped with its NMI show the NMI handler's frames
#    (crash_nmi_callback ... the NMI entry) with the same sp and address
#    as crash's bt -a (CRASH_TXT, the harness's oracle/*.crash.txt), and
#    only they do; with or without the vmlinux;
#  - with ":live", drgn (with the same vmlinux) is run for the task on
#    every CPU: our frames after the NMI exception stack part equal its
#    program counters and stack pointers.
# And once: a vmlinux with the wrong build-id (WRONG) is refused with the
# mismatch warning, and ORC alone unwinds (no "cfi" frame).
import bisect, json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE_ENV = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}
KERNEL = 0xffff800000000000
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run_json(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)}: rc {r.returncode}: {r.stderr.strip()[:300]}")
        return None, r.stderr
    return json.loads(r.stdout), r.stderr


def fde_ranges(vmlinux):
    out = subprocess.run(["readelf", "--debug-dump=frames", vmlinux],
                         capture_output=True, text=True).stdout
    r = sorted((int(a, 16), int(b, 16)) for a, b in re.findall(
        r"FDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", out))
    if len(r) < 1000:
        fail(f"readelf found only {len(r)} FDEs in {vmlinux}")
    return r


class Fdes:
    def __init__(self, ranges):
        self.r = ranges
        self.starts = [a for a, _ in ranges]

    def covers(self, addr):
        i = bisect.bisect_right(self.starts, addr) - 1
        return i >= 0 and self.r[i][0] <= addr < self.r[i][1]


def exact_flags(frames):
    """Frame 0 (a CPU's registers) and a frame after an exception frame
    hold an interrupted ip; the others a return address."""
    return [i == 0 or frames[i - 1]["exception"] for i in range(len(frames))]


def key(trace):
    return ([(f["function"], f["address"], f["sp"]) for f in trace["frames"]],
            trace["error"])


def check_same(what, orc, cfi):
    if orc is None or cfi is None:
        return
    if len(orc) != len(cfi):
        fail(f"{what}: {len(orc)} traces without vmlinux, {len(cfi)} with")
        return
    for a, b in zip(orc, cfi):
        if key(a) != key(b):
            fail(f"{what}: pid {a['pid']}: ORC {key(a)} CFI {key(b)}")


def check_unwinders(what, traces, fdes, offset, want_cfi):
    n_cfi = n = 0
    for t in traces:
        fr = t["frames"]
        got = 0
        for i, (f, exact) in enumerate(zip(fr, exact_flags(fr))):
            if i == len(fr) - 1 or f["user_regs"]:
                continue        # the walk ended here: nothing unwound
            ip = int(f["address"], 16)
            look = (ip if exact else ip - 1) - offset
            vml = f["module"] is None and ip >= KERNEL
            want = "cfi" if vml and fdes.covers(look) else None
            # Where the stack switches (call_on_irqstack() in inline asm)
            # gcc's CFI is wrong and ORC's SP_INDIRECT entry is used.
            if want and fr[i + 1]["stack"] != f["stack"]:
                want = "any"
            n += 1
            if f["unwinder"] == "cfi":
                got += 1
            if want == "cfi" and f["unwinder"] != "cfi":
                fail(f"{what}: pid {t['pid']} #{i} {f['function']} has CFI "
                     f"but was unwound by {f['unwinder']}")
            if want is None and f["unwinder"] == "cfi":
                fail(f"{what}: pid {t['pid']} #{i} {f['function']} has no "
                     "FDE but is marked cfi")
        if want_cfi and got == 0:
            fail(f"{what}: pid {t['pid']}: no frame unwound by CFI")
        n_cfi += got
    return n_cfi, n


def drgn_saved_pcs(path):
    """drgn's physical frames: (pc, name), inline frames folded into the
    function they are in (the last row with that pc)."""
    pcs, on = [], False
    for line in open(path, errors="replace"):
        if line.startswith("### "):
            on = line.strip() == "### stack"
            continue
        p = line.rstrip("\n").split("\t")
        if on and len(p) == 3:
            v = int(p[2], 16)
            if v >= KERNEL and pcs and pcs[-1][0] == v:
                pcs[-1] = (v, p[1])
            elif v >= KERNEL:
                pcs.append((v, p[1]))
    return pcs


def drgn_may_stop(frames, n):
    """drgn 0.0.22 stops at a module frame (no module debuginfo) and where
    the stack switches in inline asm (its CFI cannot follow
    call_on_irqstack()); there its frames are a prefix of ours."""
    if n == 0 or n >= len(frames):
        return False
    last = frames[n - 1]
    return last["module"] is not None or \
        frames[n]["stack"] != last["stack"]


def check_drgn_saved(what, trace, path, DP, dump):
    text = open(path, errors="replace").read()
    if "### " not in text:
        # drgn 0.0.22 cannot open flattened files: the harness kept its
        # error message instead of a trace.
        print(f"note: {what}: drgn has no trace ({text.strip()[:60]!r})")
        return 0
    m = re.search(r"^### stack\n(error\t.*)$", text, re.M)
    if m and "ORC" in m.group(1):
        # drgn 0.0.22 does not know 6.12's ORC entry types.
        print(f"note: {what}: drgn has no trace ({m.group(1)[:60]!r})")
        return 0
    named = drgn_saved_pcs(path)
    want = [pc for pc, _ in named]
    fr = trace["frames"]
    got = [int(f["address"], 16) for f in fr]
    if fr and fr[-1]["user_regs"] and got[-1] < KERNEL:
        got.pop()
    if not want:
        fail(f"{what}: no frames in {path}")
    elif got != want and not (got[:len(want)] == want and
                              drgn_may_stop(fr, len(want))):
        fail(f"{what}: ours {[hex(x) for x in got]} drgn {[hex(x) for x in want]}")
    # Names too: a return address just past a noreturn call (panic() at
    # the end of dpcrash_panic) belongs to the caller, not to the next
    # function. kallsyms names may carry .isra/.constprop suffixes, and
    # kallsyms has labels inside asm functions that the ELF symbol table
    # drgn uses covers by size (entry_SYSCALL_64_after_hwframe inside
    # entry_SYSCALL_64): a label that starts inside drgn's function and
    # at or before the call is the same place.
    for i, (pc, name) in enumerate(named):
        if i >= len(fr) or name == "??" or pc != int(fr[i]["address"], 16):
            continue
        ours = fr[i]["function"] or ""
        if ours.split(".")[0] == name.split(".")[0]:
            continue
        start = pc - (fr[i]["offset"] or 0)
        r = subprocess.run([DP, "sym", name, dump], capture_output=True,
                           text=True)
        m = re.match(r"([0-9a-f]{16})", r.stdout)
        if not (m and int(m.group(1), 16) <= start < pc):
            fail(f"{what}: #{i} {hex(pc)} is {ours}, drgn {name}")
    return len(want)


def check_drgn_live(what, DP, dump, vmlinux, traces):
    r = subprocess.run(["/usr/bin/drgn", "-q", "-c", dump, "-s", vmlinux,
                        os.path.join(HERE, "oracle-drgn-cpus.py")],
                       capture_output=True, text=True, timeout=300,
                       env=ORACLE_ENV)
    if r.returncode != 0:
        fail(f"{what}: drgn failed: {r.stderr[-300:]}")
        return 0
    o = json.loads(r.stdout)
    n = 0
    for cpu, t in enumerate(traces):
        d = o.get(str(cpu))
        if d is None or d["pid"] != t["pid"]:
            fail(f"{what}: CPU {cpu}: drgn {d and d['pid']}, ours {t['pid']}")
            continue
        if not d["frames"] and d["error"] and "ORC" in d["error"]:
            # drgn 0.0.22 does not know 6.12's ORC entry types.
            print(f"note: {what}: CPU {cpu}: drgn has no trace ({d['error']})")
            continue
        fr = t["frames"]
        exact = exact_flags(fr)
        # Frames on the NMI stack (crash_nmi_callback...) precede the
        # interrupted context, where drgn starts (the register note).
        k = 0
        while k < len(fr) and fr[k]["stack"] == "NMI exception":
            k += 1
        ours = [(int(f["address"], 16), int(f["sp"], 16) + (0 if e else 8))
                for f, e in zip(fr[k:], exact[k:])]
        want = [(pc, sp) for pc, sp in d["frames"] if pc >= KERNEL]
        if fr[-1]["user_regs"] and ours and ours[-1][0] < KERNEL:
            ours.pop()
        if ours != want and not (ours[:len(want)] == want and
                                 drgn_may_stop(fr[k:], len(want))):
            fail(f"{what}: CPU {cpu}: ours {[(hex(a), hex(b)) for a, b in ours]}"
                 f" drgn {[(hex(a), hex(b) if b else b) for a, b in want]}")
        n += len(want)
    return n


def crash_nmi_frames(path):
    """crash's bt -a: per pid, the frames printed before its
    '--- <NMI exception stack> ---' line, as (sp, address)."""
    out, on, pid, frames = {}, False, None, []
    for line in open(path, errors="replace"):
        if line.startswith("### "):
            on = line.strip() == "### crash> bt -a"
            continue
        if not on:
            continue
        m = re.match(r"PID: (\d+)", line)
        if m:
            pid, frames = int(m.group(1)), []
            continue
        m = re.match(r"\s*#\d+ \[([0-9a-f]+)\] \S+ at ([0-9a-f]+)", line)
        if m:
            frames.append((int(m.group(1), 16), int(m.group(2), 16)))
        elif "--- <NMI exception stack> ---" in line and pid is not None:
            out[pid] = list(frames)
    return out


def check_crash_nmi(what, traces, path):
    """The CPUs kdump stopped with its NMI: our frames on the NMI stack
    equal crash's (sp and address), and only those CPUs have them."""
    want = crash_nmi_frames(path)
    n = 0
    for t in traces:
        fr = t["frames"]
        ours = [(int(f["sp"], 16), int(f["address"], 16)) for f in fr
                if f["stack"] == "NMI exception"]
        if ours != want.get(t["pid"], []):
            fail(f"{what}: pid {t['pid']} NMI frames "
                 f"{[(hex(a), hex(b)) for a, b in ours]} crash "
                 f"{[(hex(a), hex(b)) for a, b in want.get(t['pid'], [])]}")
        if ours:
            n += 1
            # The NMI part ends at the exception frame holding the note.
            k = len(ours)
            if not fr[k - 1]["exception"] or fr[k]["stack"] == "NMI exception":
                fail(f"{what}: pid {t['pid']}: NMI part does not end at "
                     "its pt_regs")
    if len(want) != n:
        fail(f"{what}: crash shows NMI frames on {len(want)} CPUs, we on {n}")
    return n


def check_dump(DP, vmlinux, fdes, spec):
    parts = spec.split(":")
    dump, saved = parts[0], parts[1] if len(parts) > 1 and parts[1] else None
    crash = parts[2] if len(parts) > 2 and parts[2] else None
    live = "live" in parts[3:]
    name = "/".join(dump.split("/")[-2:])
    v = ["--vmlinux", vmlinux]
    # The KASLR offset: a vmlinux text symbol's run-time minus link address.
    r = subprocess.run([DP, "sym", "panic", dump], capture_output=True,
                       text=True)
    m = re.match(r"([0-9a-f]{16})", r.stdout)
    if not m:
        fail(f"{name}: sym panic: {r.stdout!r} {r.stderr!r}")
        return
    offset = int(m.group(1), 16) - LINK["panic"]
    # makedumpfile 1.7.2's -d 31 files of 6.10+ lack slab pages (task
    # structs): bt exits 1 and says so; nothing to compare there.
    r = subprocess.run([DP, "bt", "-a", dump], capture_output=True, text=True)
    if r.returncode != 0 and "excluded (dump level" in r.stderr:
        print(f"note: {name}: the dump lacks task pages (makedumpfile dropped"
              f" them, docs/collect.md): {r.stderr.strip().splitlines()[0][:160]}")
        return
    stats = []
    for mode in (["-a"], [], ["--every-task"]):
        orc, _ = run_json([DP, "bt", *mode, "--json", dump])
        cfi, err = run_json([DP, "bt", *mode, "--json", *v, dump])
        if cfi is None:
            continue
        if "WARNING" in err:
            fail(f"{name}: warning with the right vmlinux: {err.strip()}")
        check_same(f"{name} bt {' '.join(mode)}", orc, cfi)
        c, n = check_unwinders(f"{name} bt {' '.join(mode)}", cfi, fdes,
                               offset, mode != ["--every-task"])
        stats.append(f"bt {' '.join(mode) or '(panic task)'}: {c}/{n} CFI")
        if mode == [] and saved:
            k = check_drgn_saved(f"{name} panic task vs drgn", cfi[0], saved,
                                 DP, dump)
            stats.append(f"panic task = drgn ({k} pcs)")
        if mode == ["-a"] and crash:
            k = check_crash_nmi(f"{name} bt -a vs crash", orc, crash)
            check_crash_nmi(f"{name} bt -a --vmlinux vs crash", cfi, crash)
            stats.append(f"NMI frames = crash's on {k} CPUs")
        if mode == ["-a"] and live:
            k = check_drgn_live(f"{name} bt -a vs drgn", DP, dump, vmlinux,
                                cfi)
            stats.append(f"bt -a = drgn ({k} frames, pc and sp)")
    print(f"{name}: " + "; ".join(stats))


def check_wrong(DP, wrong, dump):
    cfi, err = run_json([DP, "bt", "-a", "--json", "--vmlinux", wrong, dump])
    orc, _ = run_json([DP, "bt", "-a", "--json", dump])
    if cfi is None:
        return
    if "does not match the dump" not in err or "build-id" not in err:
        fail(f"wrong vmlinux: no mismatch warning: {err!r}")
    check_same("wrong vmlinux", orc, cfi)
    if any(f["unwinder"] == "cfi" for t in cfi for f in t["frames"]):
        fail("wrong vmlinux: frames unwound by CFI")
    print("wrong vmlinux: refused with the build-id warning, ORC unwinds")


LINK = {}


def main():
    DP, vmlinux, wrong = sys.argv[1:4]
    nm = subprocess.run(["nm", vmlinux], capture_output=True, text=True).stdout
    for line in nm.splitlines():
        p = line.split()
        if len(p) == 3 and p[2] == "panic":
            LINK["panic"] = int(p[0], 16)
    fdes = Fdes(fde_ranges(vmlinux))
    print(f"{vmlinux}: {len(fdes.r)} FDEs")
    for spec in sys.argv[4:]:
        check_dump(DP, vmlinux, fdes, spec)
    check_wrong(DP, wrong, sys.argv[4].split(":")[0])
    if failures:
        sys.exit(1)


main()

#!/usr/bin/python3
# Checks `dontpanic report --json` against the harness MANIFEST (panic
# task comm/pid/cpu as the guest recorded them) and against what each
# scenario does (tests/vm/kmod/dpcrash.c, tests/vm/guest/*): the expected
# class, culprit and guilty function below are derived from the trigger,
# not from our own output. Called by test-report.sh.
import json
import os
import re
import subprocess
import sys

# scenario -> (class, guilty function, module or None for vmlinux,
#              culprit comm or None = the MANIFEST's panic comm)
EXPECT = {
    # echo c > /proc/sysrq-trigger: sysrq_handle_crash() calls panic().
    "sysrq": ("SYSRQ_CRASH", "sysrq_handle_crash", None, None),
    "qemu-panic": ("SYSRQ_CRASH", "sysrq_handle_crash", None, None),
    # dpcrash.c: each scenario crashes in its own dpcrash_<what>().
    "null": ("OOPS_NULL_DEREF", "dpcrash_null", "dpcrash", None),
    "bug": ("BUG", "dpcrash_bug", "dpcrash", None),
    "softlockup": ("SOFT_LOCKUP", "dpcrash_softlockup", "dpcrash", None),
    "panic": ("PANIC", "dpcrash_panic", "dpcrash", None),
    # khungtaskd panics; the culprit is the dp-crash task sleeping in D.
    "hung": ("HUNG_TASK", "dpcrash_hung", "dpcrash", "dp-crash"),
    # dp-memhog allocates until the OOM panic: no guilty kernel function.
    "oom": ("OOM", None, None, None),
    # An idle guest dumped over QMP: no panic.
    "qemu-idle": ("NO_PANIC", None, None, None),
    # Issue 14's crash kinds (dpcrash.c): #DE, a bare ud2, list_del()
    # twice (the checker's BUG in lib/list_debug.c names our caller).
    "divide": ("DIVIDE_ERROR", "dpcrash_divide", "dpcrash", None),
    "opcode": ("INVALID_OPCODE", "dpcrash_opcode", "dpcrash", None),
    "listdel": ("LIST_CORRUPTION", "dpcrash_listdel", "dpcrash", None),
    # A WARN that did not panic, then dpcrash_panic() from another
    # dp-crash process: the first report (the WARNING) is the subject.
    "warn": ("WARN", "dpcrash_warn", "dpcrash", "dp-crash"),
    # khungtaskd panics; the culprit is the kthread blocked in mutex_lock().
    "mutex": ("HUNG_TASK", "dpcrash_mutex_waiter", "dpcrash", "dpcrash-waiter"),
}
# The title (KIND in FUNCTION) of each scenario's subject report, and the
# titles of every report in its log, in order.
TITLES = {
    "divide": ["divide error in dpcrash_divide"],
    "opcode": ["invalid opcode in dpcrash_opcode"],
    "listdel": ["BUG: corrupted list in dpcrash_listdel"],
    "warn": ["WARNING in dpcrash_warn", "kernel panic: dpcrash: explicit panic"],
    "mutex": ["INFO: task hung in dpcrash_mutex_waiter"],
}
# The WARNING's task had exited when the later panic was dumped: its
# stack is only in the log.
LOG_GUILTY = {"warn"}

dp, vmdir = sys.argv[1], sys.argv[2]
SCHEMA = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "..", "..", "docs", "report-schema.json")))
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "integer": int, "null": type(None)}


def validate(v, sch, where="$"):
    """The subset of JSON Schema docs/report-schema.json uses."""
    errs = []
    if "$ref" in sch:
        sch = SCHEMA["$defs"][sch["$ref"].split("/")[-1]]
    if "const" in sch and v != sch["const"]:
        errs.append(f"{where}: {v!r} != {sch['const']!r}")
    if "enum" in sch and v not in sch["enum"]:
        errs.append(f"{where}: {v!r} not in enum")
    if "type" in sch:
        ts = sch["type"] if isinstance(sch["type"], list) else [sch["type"]]
        ok = any(isinstance(v, TYPES[t]) and not (t == "integer" and isinstance(v, bool))
                 for t in ts)
        if not ok:
            return errs + [f"{where}: {type(v).__name__} is not {ts}"]
    if isinstance(v, dict):
        for k in sch.get("required", []):
            if k not in v:
                errs.append(f"{where}: missing {k}")
        props = sch.get("properties", {})
        for k, x in v.items():
            if k in props:
                errs += validate(x, props[k], f"{where}.{k}")
            elif sch.get("additionalProperties") is False:
                errs.append(f"{where}: unexpected key {k}")
    if isinstance(v, list) and "items" in sch:
        for i, x in enumerate(v):
            errs += validate(x, sch["items"], f"{where}[{i}]")
    return errs

fails = []
checked = skipped = 0
buckets = {}          # scenario -> set of bucket ids seen


def check(cond, what):
    if not cond:
        fails.append(what)
    return cond


def run(row):
    path = os.path.join(vmdir, row["file"])
    args = [dp, "report", "--json"]
    args += ["--log", path] if row["format"] == "text" else [path]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


oracles = set()


def read_drgn(scen, kind):
    """The harness's drgn oracle output (tests/vm/oracle-drgn.py), if any."""
    path = os.path.join(vmdir, "oracle", f"{scen}.{kind}.drgn.txt")
    if not os.path.exists(path):
        return None
    out, sect = {}, None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("### "):
            sect = line[4:]
            continue
        f = line.split("\t")
        if sect == "info" and f[0] == "error":
            return None        # drgn could not read this dump
        if sect == "info" and f[0] == "panic_cpu":
            out["panic_cpu"] = int(f[1])
        elif sect == "info" and f[0] == "crashed" and len(f) >= 3 and f[1].isdigit():
            out["crashed"] = (int(f[1]), f[2])
        elif sect == "tasks" and len(f) >= 4 and f[0].isdigit():
            out.setdefault("dstate", set())
            if f[3] == "D":
                out["dstate"].add(int(f[0]))
    return out


def read_crash_sys(scen, kind):
    """crash's `sys` banner from the harness's oracle file, or None."""
    path = os.path.join(vmdir, "oracle", f"{scen}.{kind}.crash.txt")
    if not os.path.exists(path):
        return None
    out, sect = {}, None
    for line in open(path, errors="replace"):
        if line.startswith("### crash> "):
            sect = line[11:].strip()
            continue
        if sect == "sys" and ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out or None


def crash_uptime(sec):
    """crash's UPTIME format (hh:mm:ss, or N days, hh:mm:ss)."""
    d, r = divmod(sec, 86400)
    t = f"{r // 3600:02}:{r % 3600 // 60:02}:{r % 60:02}"
    return f"{d} days, {t}" if d else t


sys_checked = 0


# crash reads no dump of this kernel (crash 8.0.2 on 6.12): the head is
# compared with drgn instead, on the ELF dumps drgn reads (not the flat
# or compressed ones): utsname and the present CPUs (as crash counts
# them: "CPUS: 2 [OFFLINE: 1]" after panic stopped one). The uptime and the
# memory size (crash's own arithmetic) are not compared there.
CRASH_UNSUPPORTED = os.path.exists(os.path.join(vmdir, "oracle",
                                                "CRASH-UNSUPPORTED"))
DRGN_KINDS = ("elf-full", "elf-d31", "qemu-elf-paging")


def drgn_system(tag, row, h, text):
    global sys_checked
    import drgn
    from drgn.helpers.linux.cpumask import for_each_present_cpu
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import dplib  # noqa: E402
    dump = os.path.join(vmdir, row["file"])
    vml = dplib.vmlinux(dump)
    if not vml:
        print(f"# {tag}: head not compared with drgn: {dplib.vmlinux_why(dump)}")
        return
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vml])
    u = prog["init_uts_ns"].name
    want = {"release": u.release.string_().decode(),
            "version": u.version.string_().decode(),
            "hostname": u.nodename.string_().decode(),
            "machine": u.machine.string_().decode(),
            "cpus": sum(1 for _ in for_each_present_cpu(prog))}
    for k, w in want.items():
        check(h.get(k) == w, f"{tag}: system {k} {h.get(k)!r}, drgn {w!r}")
    check(f"KERNEL     {want['release']} {want['version']}" in text,
          f"{tag}: text head lacks the kernel of drgn's utsname")
    sys_checked += 1


def check_system(tag, scen, kind, row, r, text):
    """The report's head (issue 16) against crash's sys on the same dump,
    in JSON and in the text report; with --log, against the log."""
    global sys_checked
    h = r.get("system") or {}
    if row["format"] == "text":
        log = open(os.path.join(vmdir, row["file"]), errors="replace").read()
        import re
        m = re.search(r"Linux version (\S+) .*? (#\d+ .*)", log)
        check(m and h.get("release") == m.group(1) and
              h.get("version") == m.group(2).strip(),
              f"{tag}: system {h} != the log's banner")
        check(h.get("crash_time") is None and h.get("source") == "kernel log",
              f"{tag}: a log has no wall clock: {h}")
        return
    cs = read_crash_sys(scen, kind)
    if CRASH_UNSUPPORTED and kind in DRGN_KINDS:
        drgn_system(tag, row, h, text)
    if not cs or "RELEASE" not in cs:
        return
    sys_checked += 1
    import time
    date = time.strftime("%a %b %e %H:%M:%S UTC %Y", time.gmtime(h["crash_time"])) \
        if h.get("crash_time") else None
    mem = h.get("memory_bytes") or 0
    want = {"release": cs["RELEASE"], "version": cs["VERSION"],
            "hostname": cs["NODENAME"], "machine": cs["MACHINE"].split()[0],
            "cpus": int(cs["CPUS"].split()[0]), "date": cs["DATE"],
            "uptime": cs["UPTIME"], "memory": cs["MEMORY"]}
    got = {"release": h.get("release"), "version": h.get("version"),
           "hostname": h.get("hostname"), "machine": h.get("machine"),
           "cpus": h.get("cpus"), "date": date,
           "uptime": crash_uptime(h["uptime_seconds"])
           if h.get("uptime_seconds") is not None else None,
           "memory": f"{mem / 1048576:.1f} MB"}
    for k in want:
        check(got[k] == want[k], f"{tag}: system {k} {got[k]!r}, crash sys {want[k]!r}")
    # The text head says the same.
    for line in (f"KERNEL     {cs['RELEASE']} {cs['VERSION']}",
                 f"HOST       {cs['NODENAME']}"):
        check(line in text, f"{tag}: text head lacks {line!r}")
    check(f"uptime {cs['UPTIME']}" in text and "CRASHED    " in text,
          f"{tag}: text head lacks the crash time / uptime")


def text_report(row):
    args = ["--log", os.path.join(vmdir, row["file"])] \
        if row["format"] == "text" else [os.path.join(vmdir, row["file"])]
    return subprocess.run([dp, "report"] + args, capture_output=True,
                          text=True).stdout


with open(os.path.join(vmdir, "MANIFEST")) as f:
    head = f.readline().rstrip("\n").split("\t")
    rows = [dict(zip(head, l.rstrip("\n").split("\t"))) for l in f if l.strip()]

for row in rows:
    scen, kind = row["scenario"], row["kind"]
    if scen not in EXPECT or not os.path.exists(os.path.join(vmdir, row["file"])):
        continue
    tag = f"{scen}/{kind}"
    rc, out, err = run(row)
    if rc != 0 and "not in this build" in err:
        print(f"# {tag}: skipped: {err.strip()}")
        skipped += 1
        continue
    if not check(rc == 0, f"{tag}: exit {rc}: {err.strip()}"):
        continue
    r = json.loads(out)
    for e in validate(r, SCHEMA):
        fails.append(f"{tag}: schema: {e}")
    cls, fn, mod, culprit = EXPECT[scen]
    checked += 1
    check_system(tag, scen, kind, row, r, text_report(row))
    check(r["class"] == cls, f"{tag}: class {r['class']} != {cls}")
    g = r["guilty"]
    check(g["function"] == fn, f"{tag}: guilty {g['function']} != {fn}")
    check(g["module"] == mod, f"{tag}: module {g['module']} != {mod}")
    if mod:
        # dpcrash.ko is built out of tree and not signed.
        check(g["out_of_tree"] and g["unsigned"],
              f"{tag}: module flags {g['module_taints']}")
    if row["pid"] != "-":
        pt = r["panic_task"] or {}
        check(str(pt.get("pid")) == row["pid"] and pt.get("comm") == row["comm"],
              f"{tag}: panic task {pt} != {row['comm']}:{row['pid']}")
        check(str(r["cpu"]) == row["cpu"], f"{tag}: cpu {r['cpu']} != {row['cpu']}")
        want = culprit or row["comm"]
        t = r["task"] or {}
        check(t.get("comm") == want, f"{tag}: task {t} != {want}")
        if culprit is None:
            check(str(t.get("pid")) == row["pid"], f"{tag}: task pid {t}")
        else:
            check(t.get("pid", 0) > 0 and str(t.get("pid")) != row["pid"],
                  f"{tag}: culprit pid {t} should differ from the panic task")
    else:
        check(r["panic_message"] is None, f"{tag}: panic {r['panic_message']}")
    if scen in TITLES:
        titles = [x["title"] for x in r["reports"]]
        check(r["title"] == TITLES[scen][0] and r["subject"] == 0,
              f"{tag}: title {r['title']!r} (subject {r['subject']}) != "
              f"{TITLES[scen][0]!r}")
        check(len(titles) == len(TITLES[scen]) and
              all(t.startswith(w) for t, w in zip(titles, TITLES[scen])),
              f"{tag}: reports {titles} != {TITLES[scen]}")
    lacks = None
    stacked = g["source"] == "stack" and r["backtrace"]["source"] == "stack"
    if row["format"] != "text" and fn and not stacked and \
            scen not in LOG_GUILTY:
        # makedumpfile 1.7.2 drops 6.10+ slab pages at -d 8 (task
        # structs, stacks' bookkeeping): when bt says so, the log is the
        # only source left (docs/collect.md, "Page types").
        b = subprocess.run([dp, "bt", os.path.join(vmdir, row["file"])],
                           capture_output=True, text=True, timeout=300)
        if "excluded (dump level" in b.stderr:
            lacks = b.stderr.strip().splitlines()[0]
            print(f"# {tag}: the dump lacks pages the stack needs, guilty "
                  f"frame from the log accepted: {lacks}")
    if row["format"] != "text" and fn and scen in LOG_GUILTY:
        check(g["source"] == "log", f"{tag}: guilty from {g['source']}")
    elif row["format"] != "text" and fn and not lacks:
        # A dump has stacks: the guilty frame must come from the unwound
        # stack of the culprit (the log is only the fallback).
        check(g["source"] == "stack", f"{tag}: guilty from {g['source']}")
        check(r["backtrace"]["source"] == "stack" and
              any(f["function"] and f["function"].split(".")[0] == fn
                  for f in r["backtrace"]["frames"]),
              f"{tag}: {fn} not in the unwound backtrace")
    if scen == "mutex":
        # The blocked kthread, waiting in the mutex code for dpcrash_lock.
        b = r["blocked_tasks"][0] if r["blocked_tasks"] else {}
        check((b.get("task") or {}).get("comm") == "dpcrash-waiter" and
              len(r["blocked_tasks"]) == 1,
              f"{tag}: blocked tasks {r['blocked_tasks']}")
    if scen == "hung" and row["format"] != "text":
        # Blocked time from the dump (rq clock - last_arrival) against the
        # printk timestamps: dpcrash logs "sleeping uninterruptibly" just
        # before it blocks, and the panic line comes later.
        # blocked_seconds means "at least": where the dump lacks the task
        # (makedumpfile 1.7.2 drops 6.10+ task_structs at -d 8) it is the
        # hung-task message's "blocked for more than N seconds", N exactly
        # (the timeout, not the time blocked). The task's CPU comes from
        # the dump only (that message names none), so it tells which.
        ts = {}
        more = None
        with open(os.path.join(vmdir, "hung", "dmesg.txt"), errors="replace") as f:
            for line in f:
                for key in ("sleeping uninterruptibly", "Kernel panic - not syncing"):
                    if key in line and line.startswith("["):
                        ts[key] = float(line[1:line.index("]")])
                m = re.search(r"INFO: task .* blocked for more than (\d+) seconds", line)
                if m and more is None:
                    more = int(m.group(1))
        e = r["blocked_tasks"][0] if r["blocked_tasks"] else {}
        b = e.get("blocked_seconds")
        in_dump = (e.get("task") or {}).get("cpu") is not None
        if len(ts) == 2:
            span = ts["Kernel panic - not syncing"] - ts["sleeping uninterruptibly"]
            if in_dump:
                check(b is not None and span - 1.5 <= b <= span + 0.5,
                      f"{tag}: blocked {b} s (from the dump), log says {span:.1f} s")
            else:
                print(f"# {tag}: the blocked task is not in the dump: "
                      f"blocked_seconds is the log's lower bound {more}")
                check(b is not None and b == more and b <= span + 0.5,
                      f"{tag}: blocked {b} s (from the log), the message "
                      f"says more than {more} s, the log spans {span:.1f} s")
    drgn = read_drgn(scen, kind) if row["format"] != "text" else None
    if drgn:
        # drgn (with the -dbg vmlinux) as the independent oracle: panic
        # CPU, crashed task, and every task in D state.
        if "panic_cpu" in drgn:
            pc = drgn["panic_cpu"]
            check(r["cpu"] == (pc if pc >= 0 else None),
                  f"{tag}: cpu {r['cpu']} != drgn panic_cpu {pc}")
        if "crashed" in drgn:
            pt = r["panic_task"] or {}
            check((pt.get("pid"), pt.get("comm")) == drgn["crashed"],
                  f"{tag}: panic task {pt} != drgn {drgn['crashed']}")
        if scen in ("hung", "mutex", "qemu-idle") and "dstate" in drgn:
            ours = {e["task"]["pid"] for e in r["blocked_tasks"]}
            check(ours == drgn["dstate"],
                  f"{tag}: D-state tasks {ours} != drgn {drgn['dstate']}")
        oracles.add(tag)
    if scen == "oom" and row["format"] != "text":
        # Free memory from the dump (NR_FREE_PAGES) against the OOM
        # killer's Mem-Info in the log, printed just before the panic;
        # the dump's total (totalram) cannot exceed the log's "pages RAM".
        log = open(os.path.join(vmdir, "oom", "dmesg.txt"), errors="replace").read()
        import re
        free = re.search(r"\bfree:(\d+)", log)
        ram = re.search(r"(\d+) pages RAM", log)
        o = r["oom"] or {}
        if free and ram:
            check(o.get("mem_free_kb") is not None and
                  abs(o["mem_free_kb"] - int(free.group(1)) * 4) <= 256,
                  f"{tag}: free {o.get('mem_free_kb')} kB, log {int(free.group(1)) * 4}")
            check(0 < (o.get("mem_total_kb") or 0) <= int(ram.group(1)) * 4,
                  f"{tag}: total {o.get('mem_total_kb')} kB, log RAM {int(ram.group(1)) * 4}")
    if row["format"] != "text":
        cpus = [e["task"]["cpu"] for e in r["running"]]
        check(cpus and len(set(cpus)) == len(cpus),
              f"{tag}: running tasks per CPU: {cpus}")
    bid = r["bucket"]["id"]
    want_bid = cls + (f":{mod or 'vmlinux'}!{fn}" if fn else "")
    if scen == "oom":
        want_bid = f"OOM:task!{row['comm']}"
    check(bid == want_bid, f"{tag}: bucket {bid} != {want_bid}")
    buckets.setdefault(scen, set()).add((bid, r["bucket"]["hash"]))
    print(f"# {tag}: {r['class']} {bid} {r['bucket']['hash']} "
          f"guilty from {g['source']}")

# A file that is not a dump: the distinct "dump unreadable" exit code 3.
bad = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"dp-report-bad.{os.getpid()}")
with open(bad, "wb") as f:
    f.write(b"\x7fELF not really" + bytes(range(256)) * 16)
p = subprocess.run([dp, "report", bad], capture_output=True, text=True)
os.unlink(bad)
check(p.returncode == 3 and "report" in p.stderr,
      f"not a dump: exit {p.returncode}, {p.stderr.strip()}")

# A kdump cut short (1 MB, 8 MB of it; issue 16: no report at all, "kernel
# log: printk ring buffer ... lost"). Without a log beside it: a report
# from what is left (exit 0), the note says the log is lost; with
# vmcore-dmesg.txt beside it (what kdumpctl keeps): the same class and
# bucket as the whole dump, the note names the file; a log of another
# kernel beside it is not used.
import shutil  # noqa: E402
import tempfile  # noqa: E402
src = os.path.join(vmdir, "null", "vmcore.kdump-zlib-d31")
dmesg = os.path.join(vmdir, "null", "dmesg.txt")
full = subprocess.run([dp, "report", "--json", src], capture_output=True, text=True)
if os.path.exists(src) and os.path.exists(dmesg) and full.returncode == 0:
    fr = json.loads(full.stdout)
    fsys = fr.get("system") or {}
    for mb in (1, 8):
        d = tempfile.mkdtemp(prefix="dp-report-cut.")
        cut = os.path.join(d, "vmcore")
        with open(src, "rb") as f, open(cut, "wb") as g:
            g.write(f.read(mb << 20))
        tag = f"null cut at {mb} MB"

        def rep():
            p = subprocess.run([dp, "report", "--json", cut], capture_output=True,
                               text=True)
            check(p.returncode == 0, f"{tag}: exit {p.returncode}: {p.stderr.strip()}")
            return json.loads(p.stdout) if p.returncode == 0 else None
        r = rep()
        if r:
            for e in validate(r, SCHEMA):
                fails.append(f"{tag}: schema: {e}")
            notes = " ".join(r["notes"])
            check("kernel log is lost" in notes and "no vmcore-dmesg.txt" in notes,
                  f"{tag}: notes do not say the log is lost: {notes}")
            rs = r.get("system") or {}
            check(r["class"] == "UNKNOWN" and fsys and
                  rs.get("release") == fsys.get("release") and
                  rs.get("crash_time") == fsys.get("crash_time"),
                  f"{tag}: {r['class']}, system {rs}")
        shutil.copy(dmesg, os.path.join(d, "vmcore-dmesg.txt"))
        r = rep()
        if r:
            notes = " ".join(r["notes"])
            check(r["class"] == fr["class"] and r["bucket"] == fr["bucket"],
                  f"{tag} + vmcore-dmesg.txt: {r['class']} {r['bucket']}, "
                  f"whole dump {fr['class']} {fr['bucket']}")
            check(os.path.join(d, "vmcore-dmesg.txt") in notes and
                  "found beside the dump" in notes,
                  f"{tag} + vmcore-dmesg.txt: note: {notes}")
            check((r.get("system") or {}).get("version") == fsys.get("version"),
                  f"{tag}: version {r.get('system')}")
        # Another kernel's log: refused, said why.
        text = open(dmesg, errors="replace").read().replace(
            fsys.get("release") or "Linux version", "9.9.9-other")
        with open(os.path.join(d, "vmcore-dmesg.txt"), "w") as g:
            g.write(text)
        r = rep()
        if r:
            check(r["class"] == "UNKNOWN" and "is not this kernel's log" in
                  " ".join(r["notes"]), f"{tag} + another kernel's log: "
                  f"{r['class']} {r['notes']}")
        shutil.rmtree(d)

for scen, ids in buckets.items():
    check(len(ids) == 1, f"{scen}: bucket differs across formats: {ids}")
# Different crashes, different buckets (sysrq with and without kdump is
# the same crash).
by_cause = {}
for scen, ids in buckets.items():
    cause = EXPECT[scen][:3]
    for bid in ids:
        by_cause.setdefault(bid, set()).add(cause)
for bid, causes in by_cause.items():
    check(len(causes) == 1, f"bucket {bid} shared by different crashes {causes}")

for f in fails:
    print("FAIL:", f)
print(f"{checked} reports checked ({len(oracles)} against drgn, "
      f"{sys_checked} heads against crash's sys or drgn), "
      f"{skipped} skipped, {len(fails)} failures")
if fails:
    sys.exit(1)
if not checked:
    print("SKIP: no report could be made")
    sys.exit(77)
if not oracles or not sys_checked:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import dplib  # noqa: E402
    dplib.no_oracle("no report compared with drgn and crash: no oracle/"
                    "*.drgn.txt or *.crash.txt (tests/vm/harness writes them)")

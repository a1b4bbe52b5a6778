#!/usr/bin/env python3
"""Mutation run over a real dump (issue 7): bit flips and truncations of a
real vmcore, each followed by one analysis command; zero crashes, hangs or
sanitizer reports allowed, and every failure must say why on stderr.

usage: mutate.py DONTPANIC KDUMP-RECODE DUMP [--cases N] [--seed S] [--case K]

The kdump is first re-encoded without compression (tests/synth/kdump-recode
--codec none) so that
flips land in kernel data (task lists, page tables, the printk ring, ORC)
rather than only in compressed streams; a second, compressed copy is kept
for a share of the cases. Flips are aimed at the bytes the commands really
read: each command is traced once (strace, pread64 offsets) on the clean
file. Cases cycle through info, log, bt -a, ps and report. A failing case
prints how to replay it alone (--case K with the same --seed).
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

COMMANDS = [["info"], ["log"], ["bt", "-a"], ["ps"], ["report"]]
SANITIZER = re.compile(rb"(AddressSanitizer|LeakSanitizer|runtime error:|"
                       rb"UndefinedBehaviorSanitizer)")
TIMEOUT = 60


def run(exe, cmd, dump):
    try:
        p = subprocess.run([exe] + cmd + [dump], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        return p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b""


def traced_ranges(exe, cmd, dump, tmp):
    """(offset, length) of every pread64 on the dump while cmd runs."""
    out = os.path.join(tmp, "trace")
    subprocess.run(["strace", "-f", "-e", "trace=openat,pread64", "-o", out,
                    exe] + cmd + [dump], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=300)
    fds, ranges = set(), []
    for line in open(out, errors="replace"):
        m = re.search(r'openat\(.*"%s".*\) = (\d+)' % re.escape(dump), line)
        if m:
            fds.add(m.group(1))
            continue
        m = re.search(r"pread64\((\d+), .*, (\d+), (\d+)\) = (\d+)", line)
        if m and m.group(1) in fds and int(m.group(4)) > 0:
            ranges.append((int(m.group(3)), int(m.group(4))))
    return ranges


def mutate(rng, data, ranges, size):
    """Return (kind, list of (offset, new byte) or truncation length)."""
    r = rng.random()
    if r < 0.15:
        # Truncate at a structure boundary the command reads, or anywhere.
        if ranges and rng.random() < 0.7:
            off, ln = rng.choice(ranges)
            cut = rng.choice([off, off + ln // 2, off + ln])
        else:
            cut = rng.randrange(size)
        return "truncate", min(cut, size - 1)
    flips = []
    for _ in range(rng.choice([1, 2, 4, 8, 32, 128])):
        if ranges and rng.random() < 0.9:
            off, ln = rng.choice(ranges)
            pos = off + rng.randrange(max(ln, 1))
        else:
            pos = rng.randrange(size)
        pos = min(pos, size - 1)
        if rng.random() < 0.3:
            new = rng.choice([0x00, 0xff, 0x7f, 0x80])
        else:
            new = data[pos] ^ (1 << rng.randrange(8))
        flips.append((pos, new))
    return "flip", flips


def one_case(exe, k, seed, bases, tmp):
    """Mutate tmp/work (a fresh copy of the chosen base) and run."""
    rng = random.Random(seed * 1000003 + k)
    cmd = COMMANDS[k % len(COMMANDS)]
    base = bases[0] if rng.random() < 0.8 else bases[1]
    path, data, ranges = base["path"], base["data"], base["ranges"][k % len(COMMANDS)]
    kind, what = mutate(rng, data, ranges, len(data))
    work = os.path.join(tmp, "work")
    with open(work, "r+b") as f:
        if kind == "truncate":
            f.truncate(what)
        else:
            for pos, new in what:
                f.seek(pos)
                f.write(bytes([new]))
    rc, err = run(exe, cmd, work)
    problem = None
    if rc == "timeout":
        problem = "hang (> %d s)" % TIMEOUT
    elif rc < 0 or rc > 3:
        problem = "crash (exit %s)" % rc
    elif SANITIZER.search(err):
        problem = "sanitizer report"
    elif rc != 0 and not err.strip():
        problem = "failed with no message"
    desc = "%s on %s: %s" % (" ".join(cmd), os.path.basename(path),
                             "truncate at %d" % what if kind == "truncate"
                             else "%d byte(s) changed, first at %d" % (len(what), what[0][0]))
    return rc, problem, desc, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("recode")
    ap.add_argument("dump")
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--case", type=int)
    ap.add_argument("--keep", help="copy failing inputs into this folder")
    a = ap.parse_args()
    exe = os.path.abspath(a.exe)
    tmp = tempfile.mkdtemp(prefix="dp-mutate-")
    try:
        plain = os.path.join(tmp, "plain.kdump")
        subprocess.run([a.recode, "--codec", "none", a.dump, plain],
                       check=True, stdout=subprocess.DEVNULL)
        bases = []
        for path in (plain, a.dump):
            data = open(path, "rb").read()
            ranges = [traced_ranges(exe, c, path, tmp) for c in COMMANDS]
            bases.append({"path": path, "data": data, "ranges": ranges})
        cases = [a.case] if a.case is not None else range(a.cases)
        stats, failures = {}, 0
        for k in cases:
            # Each case works on its own copy of the chosen base.
            rng = random.Random(a.seed * 1000003 + k)
            base = bases[0] if rng.random() < 0.8 else bases[1]
            shutil.copyfile(base["path"], os.path.join(tmp, "work"))
            rc, problem, desc, err = one_case(exe, k, a.seed, bases, tmp)
            stats[rc] = stats.get(rc, 0) + 1
            if problem:
                failures += 1
                if a.keep:
                    os.makedirs(a.keep, exist_ok=True)
                    shutil.copyfile(os.path.join(tmp, "work"),
                                    os.path.join(a.keep, "case-%d" % k))
                print("FAIL case %d (%s): %s\n  replay: %s %s %s --seed %d --case %d\n%s"
                      % (k, problem, desc, sys.argv[0], a.exe, a.recode + " " + a.dump, a.seed, k,
                         err.decode(errors="replace")[-3000:]))
        summary = ", ".join("exit %s: %d" % (k, v) for k, v in sorted(stats.items(), key=str))
        print("%d cases, %d failures (%s)" % (len(cases), failures, summary))
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

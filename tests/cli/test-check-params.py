#!/usr/bin/python3
# makedumpfile --check-params (kdumpctl's mkdumprd runs it on core_collector
# with "vmcore" or "vmcore dumpfile" appended): dontpanic installed as
# makedumpfile, `dontpanic collect --check-params` and `dontpanic config`'s
# core_collector check give the verdicts in the table below, which were
# measured with makedumpfile 1.7.2 (Debian 12). When makedumpfile is
# installed it is run on every line too, so the table is checked against
# the real program, not only against dontpanic. Usage:
# test-check-params.py DONTPANIC
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import DP, check, fails, run  # noqa: E402

# (options, makedumpfile 1.7.2's exit status). Both programs accept and
# refuse these alike; where dontpanic is stricter on purpose it is listed
# in STRICTER instead.
LINES = [
    ("-l --message-level 7 -d 31 vmcore dumpfile", 0),
    ("-c -d 31 vmcore dumpfile", 0),
    ("-z -d 31 vmcore dumpfile", 0),
    ("-c -l vmcore dumpfile", 0),
    ("vmcore dumpfile", 0),
    ("-E -d 31 vmcore dumpfile", 0),
    ("-b 8 vmcore dumpfile", 0),
    ("--num-threads 2 -l vmcore dumpfile", 0),
    ("-d 31 -d 1 vmcore dumpfile", 0),
    ("-F -l --message-level 7 -d 31 vmcore", 0),
    ("-F -c -d 31 --message-level 7 vmcore", 0),
    ("-c -F vmcore", 0),
    ("--split -d 31 vmcore d1 d2", 0),
    ("-R dumpfile", 0),
    ("-F -l -d 31 vmcore dumpfile", 1),	# -F on a local target
    ("-l -d 31 vmcore", 1),			# a stream target without -F
    ("-d 31 vmcore", 1),
    ("-d 99 vmcore dumpfile", 1),
    ("-d -1 vmcore dumpfile", 1),
    ("-E -c vmcore dumpfile", 1),
    ("--bogus vmcore dumpfile", 1),
    ("--message-level 99 vmcore dumpfile", 1),
    ("-d 31 vmcore d1 d2", 1),
    ("-F -d 31 vmcore d", 1),
]
# makedumpfile accepts these; dontpanic's collector refuses them (atoi
# makes "abc" level 0; -x needs debuginfo dontpanic does not use).
STRICTER = [
    ("-d abc vmcore dumpfile", 0),
    ("-x vmlinux vmcore dumpfile", 0),
]

tmp = tempfile.mkdtemp(prefix="dp-check-params-")
as_mdf = os.path.join(tmp, "makedumpfile")
os.symlink(DP, as_mdf)
real = shutil.which("makedumpfile")
if real and os.path.realpath(real) == os.path.realpath(DP):
    real = None
if not real:
    print("SKIP (part): makedumpfile is not installed: the table is not "
          "checked against it here, only dontpanic against the table")


def status(prog, opts, cwd):
    p = subprocess.run([prog, "--check-params"] + opts.split(), cwd=cwd,
                       capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout


for opts, want in LINES + STRICTER:
    stricter = (opts, want) in STRICTER
    if real:
        rc, _ = status(real, opts, tmp)
        check(rc == want, f"makedumpfile --check-params {opts}: {rc}, table {want}")
    rc, out = status(as_mdf, opts, tmp)
    ours = 1 if stricter else want
    check(rc == ours and out == "",
          f"dontpanic as makedumpfile --check-params {opts}: {rc} {out!r}, want {ours}")
    rc, out, err = run("collect", "--check-params", *opts.split(), cwd=tmp)
    check(rc == ours, f"collect --check-params {opts}: {rc}, want {ours}")
    # Nothing is written, not even a dump file.
    check(sorted(os.listdir(tmp)) == ["makedumpfile"],
          f"--check-params {opts} wrote {os.listdir(tmp)}")
    # config: the same options as a core_collector; mkdumprd appends
    # "vmcore dumpfile" (a file system target) or "vmcore" (raw, -F).
    words = opts.split()
    files = [w for w in words if w in ("vmcore", "dumpfile", "d", "d1", "d2")]
    if words[-len(files):] != files or files not in (["vmcore"], ["vmcore", "dumpfile"]):
        continue
    optline = " ".join(words[:len(words) - len(files)])
    target = "raw /dev/vdb1\n" if files == ["vmcore"] else "ext4 LABEL=crash\n"
    conf = os.path.join(tmp, "kdump.conf")
    with open(conf, "w") as f:
        f.write(target + f"core_collector makedumpfile {optline}\n")
    rc, out, err = run("config", conf)
    os.unlink(conf)
    cfg_ok = rc == 0
    check(cfg_ok == (ours == 0),
          f"config core_collector makedumpfile {optline} on {target.split()[0]}: "
          f"rc {rc} {err!r}, makedumpfile verdict {ours}")

shutil.rmtree(tmp)
for f in fails:
    print("FAIL:", f)
if not fails:
    print(f"ok: {len(LINES) + len(STRICTER)} option lines: --check-params and "
          f"config agree{' with makedumpfile ' + real if real else ''}")
sys.exit(1 if fails else 0)

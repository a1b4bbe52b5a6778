# tests/vm/dplib.py - the python side of tests/vm/lib.sh, for .py tests:
#   import sys, os; sys.path.insert(0, os.path.dirname(__file__))
#   import dplib
#   vmlinux = dplib.vmlinux(dump) or dplib.no_oracle(dplib.vmlinux_why(dump))
# One implementation: each function runs lib.sh's (the vmlinux is the one
# whose build-id is the dump's; see dp_vmlinux there).
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def lib(func, *args):
    """stdout of lib.sh's FUNC ARGS, or None when it fails."""
    r = subprocess.run(["sh", "-c", '. "$0/lib.sh"; "$@"', HERE, func] +
                       [str(a) for a in args], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None


def vmlinux(dump):
    return lib("dp_vmlinux", dump)


def vmlinux_why(dump):
    return lib("dp_vmlinux_why", dump) or f"no vmlinux for {dump}"


def no_oracle(msg):
    """A cross-check cannot run: FAIL under CI, a loud SKIP elsewhere."""
    if os.environ.get("CI", "") not in ("", "0", "false", "no"):
        print(f"FAIL: cross-check cannot run under CI={os.environ['CI']}: {msg}")
        sys.exit(1)
    line = f"SKIP: *** cross-check NOT RUN: {msg} ***"
    print(line)
    print(line, file=sys.stderr)
    sys.exit(77)


def have_crash():
    return any(os.access(os.path.join(d, "crash"), os.X_OK)
               for d in os.environ.get("PATH", "").split(":") if d)


def need_crash():
    if not have_crash():
        no_oracle("crash is not installed (tests/vm/harness installs it)")


def need_drgn():
    r = subprocess.run(["/usr/bin/python3", "-c", "import drgn"],
                       capture_output=True)
    if r.returncode != 0:
        no_oracle("drgn (python3-drgn) is not installed "
                  "(tests/vm/harness installs it)")

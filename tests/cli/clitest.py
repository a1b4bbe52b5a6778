# Shared by the CLI tests (tests/cli/test-*.py): run dontpanic with a
# clean environment, collect failures, build fake /proc, /sys, /etc trees.
# A test does: from clitest import check, run, put, read, fails, DP
import os
import subprocess
import sys

DP = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
fails = []


def check(cond, what, echo=False):
    """Record a failure (and print it at once with echo)."""
    if not cond:
        fails.append(what)
        if echo:
            print("FAIL:", what)
    return cond


def run(*args, env=None, cwd=None, unset=(), stdin=subprocess.DEVNULL):
    """Run DP ARGS without the caller's DP_SYSROOT (and the names in
    unset); returns (exit status, stdout, stderr)."""
    e = dict(os.environ)
    for name in ("DP_SYSROOT",) + tuple(unset):
        e.pop(name, None)
    if env:
        e.update(env)
    p = subprocess.run([DP] + list(args), capture_output=True, text=True,
                       env=e, cwd=cwd, stdin=stdin)
    return p.returncode, p.stdout, p.stderr


def put(root, rel, text):
    """Write text at root/rel, making the directories."""
    path = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(root, rel):
    """The text at root/rel, or None when there is no such file."""
    try:
        with open(os.path.join(root, rel.lstrip("/"))) as f:
            return f.read()
    except FileNotFoundError:
        return None

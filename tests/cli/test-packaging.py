#!/usr/bin/python3
# The Debian packaging (packaging/, scripts/make-deb; `make deb`):
#  - the systemd unit passes `systemd-analyze verify` (with this build's
#    binary standing in for /usr/bin/dontpanic) and arms in the order
#    initramfs --if-changed, load; it is not enabled by the package;
#  - the kernel hooks, with stand-ins for dontpanic and systemctl: nothing
#    while dontpanic.service is disabled; a build for the new kernel when
#    enabled; a failed build never fails the kernel's installation; the
#    postrm hook removes that kernel's image and fingerprint only; the
#    kernel-install plugin does both ("add", "remove");
#  - when build-deb/dontpanic_VERSION_amd64.deb exists (make deb): its
#    files, its control fields, maintainer scripts that enable and start
#    nothing, and lintian (when installed) without errors. Without the
#    .deb that part is skipped, loudly.
# Usage: test-packaging.py DONTPANIC
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import DP, fails, put  # noqa: E402

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
pk = os.path.join(top, "packaging")


def check(cond, what):
    return clitest.check(cond, what, echo=True)


tmp = tempfile.mkdtemp(prefix="dp-test-packaging-")

# --- the unit ---------------------------------------------------------------
unit = open(os.path.join(pk, "dontpanic.service")).read()
execs = [line.split("=", 1)[1] for line in unit.splitlines()
         if line.startswith("ExecStart=")]
check(execs == ["/usr/bin/dontpanic initramfs --if-changed --quiet",
                "/usr/bin/dontpanic load"],
      f"the unit rebuilds if needed, then loads ({execs})")
check("ExecStop=/usr/bin/dontpanic unload" in unit and
      "Type=oneshot" in unit and "RemainAfterExit=yes" in unit and
      "WantedBy=multi-user.target" in unit, "oneshot, unload on stop")
for opt in ("initramfs --if-changed --quiet", "load --dry-run"):
    cmd = opt.split()
    rc, so, se = clitest.run(cmd[0], "--help")
    check(rc == 0 and all(o in so for o in cmd[1:] if o != "--dry-run"),
          f"dontpanic {cmd[0]} has {cmd[1:]}")
if shutil.which("systemd-analyze"):
    u = os.path.join(tmp, "dontpanic.service")
    with open(u, "w") as f:
        f.write(unit.replace("/usr/bin/dontpanic", DP))
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", u],
                       capture_output=True, text=True)
    check(p.returncode == 0 and not p.stderr.strip(),
          f"systemd-analyze verify is silent ({p.stderr!r})")
else:
    print("systemd-analyze not installed: verify SKIPPED")

# --- the kernel hooks ---------------------------------------------------------
stub = os.path.join(tmp, "bin")
os.makedirs(stub)
log = os.path.join(tmp, "calls")


def script(name, body):
    path = os.path.join(stub, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


def hook(which, version, enabled, dp_rc=0, args=None):
    script("systemctl", f'echo "systemctl $*" >> {log}\nexit {0 if enabled else 1}\n')
    dp = script("dontpanic", f'echo "dontpanic $*" >> {log}\necho built\nexit {dp_rc}\n')
    if os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ, PATH=stub + ":/usr/bin:/bin", DONTPANIC=dp,
               DONTPANIC_DIR=os.path.join(tmp, "state"))
    argv = args or [version, "/boot/vmlinuz-" + version]
    p = subprocess.run([os.path.join(pk, "kernel", which)] + argv,
                       capture_output=True, text=True, env=env)
    calls = open(log).read().splitlines() if os.path.exists(log) else []
    return p, calls


p, calls = hook("postinst.d", "9.8.7-test", enabled=False)
check(p.returncode == 0 and calls == ["systemctl -q is-enabled dontpanic.service"],
      f"disabled: the hook asks systemctl and builds nothing ({calls})")
p, calls = hook("postinst.d", "9.8.7-test", enabled=True)
check(p.returncode == 0 and calls[-1:] ==
      ["dontpanic initramfs --kver 9.8.7-test --if-changed --quiet"] and
      p.stdout == "" and "built" in p.stderr,
      f"enabled: it builds for the new kernel, nothing on stdout ({calls}, {p.stdout!r})")
p, calls = hook("postinst.d", "9.8.7-test", enabled=True, dp_rc=1)
check(p.returncode == 0 and "retries at boot" in p.stderr,
      f"a failed build does not fail the kernel's installation ({p.stderr!r})")
state = os.path.join(tmp, "state")
for v in ("9.8.7-test", "9.8.8-keep"):
    put(state, f"/initrd-{v}.img", "x")
    put(state, f"/initrd-{v}.img.fingerprint", "x")
p, _ = hook("postrm.d", "9.8.7-test", enabled=True)
check(p.returncode == 0 and sorted(os.listdir(state)) ==
      ["initrd-9.8.8-keep.img", "initrd-9.8.8-keep.img.fingerprint"],
      f"postrm removes that kernel's image and fingerprint only ({os.listdir(state)})")
p, _ = hook("postrm.d", "../../etc", enabled=True)
check(p.returncode == 0 and len(os.listdir(state)) == 2,
      "postrm ignores a release with a slash")

# the kernel-install plugin: the same, as "add"/"remove VERSION ENTRY-DIR"
ki = "60-dontpanic.install"
p, calls = hook(ki, "", enabled=False, args=["add", "9.8.7-test", "/boot/x"])
check(p.returncode == 0 and calls == ["systemctl -q is-enabled dontpanic.service"],
      f"kernel-install add, disabled: nothing built ({calls})")
p, calls = hook(ki, "", enabled=True, dp_rc=1,
                args=["add", "9.8.7-test", "/boot/x", "/boot/vmlinuz"])
check(p.returncode == 0 and calls[-1:] ==
      ["dontpanic initramfs --kver 9.8.7-test --if-changed --quiet"] and
      p.stdout == "" and "retries at boot" in p.stderr,
      f"kernel-install add, enabled: built (a failure is not fatal) ({calls})")
put(state, "/initrd-9.8.7-test.img", "x")
put(state, "/initrd-9.8.7-test.img.fingerprint", "x")
p, calls = hook(ki, "", enabled=True, args=["remove", "9.8.7-test", "/boot/x"])
check(p.returncode == 0 and calls == [] and len(os.listdir(state)) == 2 and
      not os.path.exists(os.path.join(state, "initrd-9.8.7-test.img")),
      f"kernel-install remove: that kernel's files only ({os.listdir(state)})")

# --- the .deb, when `make deb` made one --------------------------------------
version = clitest.run("version")[1].split()[1]
deb = os.path.join(top, "build-deb", f"dontpanic_{version}_amd64.deb")
if not os.path.exists(deb):
    print(f"SKIPPED (loudly): no {deb}: run 'make deb' for the package checks")
else:
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True,
                             text=True).stdout
    files = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
    for f in ("/usr/bin/dontpanic", "/usr/libexec/dontpanic-capture",
              "/lib/systemd/system/dontpanic.service",
              "/etc/kernel/postinst.d/dontpanic",
              "/etc/kernel/postrm.d/dontpanic",
              "/usr/lib/kernel/install.d/60-dontpanic.install",
              "/usr/share/doc/dontpanic/copyright",
              "/usr/share/doc/dontpanic/changelog.gz"):
        check(f in files, f"{f} is in the package")
    man = [f for f in files if f.startswith("/usr/share/man/")]
    print("man pages:", man or "none (meson does not install one yet)")
    check(all(f.endswith(".gz") for f in man), "man pages are compressed")

    def field(name):
        return subprocess.run(["dpkg-deb", "-f", deb, name],
                              capture_output=True, text=True).stdout.strip()
    check(field("Version") == version and field("Architecture") == "amd64",
          "version and architecture")
    for f in ("Provides", "Conflicts", "Replaces"):
        check(field(f) == "kdump-tools", f"{f}: kdump-tools")
    check("libc6" in field("Depends"), f"Depends from dpkg-shlibdeps ({field('Depends')})")
    ctl = os.path.join(tmp, "control")
    subprocess.run(["dpkg-deb", "-e", deb, ctl], check=True)
    for s in ("postinst", "prerm", "postrm"):
        code = [line for line in open(os.path.join(ctl, s)).read()
                .splitlines() if not line.lstrip().startswith("#")]
        bad = [line for line in code if re.search(
            r"(systemctl|deb-systemd-\w+).*\b(enable|start|restart|unmask)\b",
            line)]
        check(code and not bad, f"{s} enables and starts nothing ({bad})")
    check(open(os.path.join(ctl, "conffiles")).read().split() ==
          ["/etc/kernel/postinst.d/dontpanic", "/etc/kernel/postrm.d/dontpanic"],
          "the hooks are conffiles")
    if shutil.which("lintian"):
        p = subprocess.run(["lintian", "--tag-display-limit", "0", deb],
                           capture_output=True, text=True)
        errors = [line for line in p.stdout.splitlines()
                  if line.startswith("E:")]
        print(p.stdout.strip())
        check(not errors, f"lintian finds no error ({errors})")
    else:
        print("lintian not installed: SKIPPED (apt-get install lintian)")

shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print(f"{len(fails)} failure(s)")
    sys.exit(1)
print("ok")

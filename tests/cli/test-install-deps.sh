#!/bin/sh
# scripts/install-deps waits for the apt/dpkg lock instead of failing
# (issue 16: `make demo` died on "Could not get lock lock-frontend").
# No network and no real apt: a stand-in apt-get that answers like apt
# does while a lock file is held (flock) by a background "package manager".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: install-deps only calls apt-get as root"; exit 77
fi
command -v flock >/dev/null || { echo "SKIP: no flock(1)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
cat > "$tmp/apt-get" <<FAKE
#!/bin/sh
echo "\$*" >> "$tmp/calls"
if ! flock -n "$tmp/lock" true; then
	echo "E: Could not get lock $tmp/lock. It is held by process 4242 (apt-get)" >&2
	echo "E: Unable to acquire the dpkg frontend lock ($tmp/lock), is another process using it?" >&2
	exit 100
fi
[ -e "$tmp/broken" ] && { echo "E: Unable to locate package dp-no-such" >&2; exit 100; }
exit 0
FAKE
chmod +x "$tmp/apt-get"
run() {
	DP_APT_GET=$tmp/apt-get DP_DEPS_PKGS=dp-no-such-package \
	DP_APT_STAMP=$tmp/stamp "$top/scripts/install-deps" build > "$tmp/out" 2>&1
}

# 1. The lock is held for 7 s: install-deps says it waits, then installs.
flock "$tmp/lock" sleep 7 & holder=$!
sleep 1
t0=$(date +%s); run; rc=$?; t1=$(date +%s)
wait $holder
if [ $rc -ne 0 ]; then echo "FAIL: exit $rc while the lock was held"; cat "$tmp/out"; fail=1; fi
grep -q 'waiting up to 600 s for the apt/dpkg lock' "$tmp/out" ||
	{ echo "FAIL: no waiting message"; cat "$tmp/out"; fail=1; }
[ $((t1 - t0)) -ge 5 ] || { echo "FAIL: returned after $((t1 - t0)) s, lock held 6 s more"; fail=1; }
grep -q '^-o DPkg::Lock::Timeout=600 update' "$tmp/calls" ||
	{ echo "FAIL: update not run with the lock timeout"; cat "$tmp/calls"; fail=1; }
[ "$(tail -1 "$tmp/calls")" = "-o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends dp-no-such-package" ] ||
	{ echo "FAIL: last call is not the install"; cat "$tmp/calls"; fail=1; }
[ -e "$tmp/stamp" ] || { echo "FAIL: update stamp not written"; fail=1; }

# 2. A real error (not the lock) fails at once, without waiting.
: > "$tmp/calls"; touch "$tmp/broken"
t0=$(date +%s); run; rc=$?; t1=$(date +%s)
[ $rc -ne 0 ] || { echo "FAIL: apt-get's error did not fail install-deps"; fail=1; }
grep -q 'waiting' "$tmp/out" && { echo "FAIL: waited on a non-lock error"; fail=1; }
grep -q 'Unable to locate package' "$tmp/out" || { echo "FAIL: apt-get's error not shown"; fail=1; }
[ $((t1 - t0)) -le 2 ] || { echo "FAIL: took $((t1 - t0)) s on a non-lock error"; fail=1; }
rm -f "$tmp/broken"

# 3. A lock held past DP_APT_LOCK_WAIT: gives up with a message.
flock -o "$tmp/lock" sleep 30 >/dev/null 2>&1 & holder=$!  # -o: killing flock frees the lock
sleep 1
DP_APT_LOCK_WAIT=5 run; rc=$?
kill $holder 2>/dev/null; wait $holder 2>/dev/null
[ $rc -ne 0 ] || { echo "FAIL: a lock never released did not fail"; fail=1; }
grep -q 'gave up after waiting 5 s for the apt lock' "$tmp/out" ||
	{ echo "FAIL: no give-up message"; cat "$tmp/out"; fail=1; }

[ $fail -eq 0 ] && echo "ok: install-deps waits for the apt lock, fails at once on other errors, gives up after the limit"
exit $fail

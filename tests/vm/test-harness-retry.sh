#!/bin/bash
# tests/vm/harness retries a scenario whose crash is not the intended one
# once, and when the second run is wrong too, fails with the end of its
# serial log (issue 16: oom's crashing task was init, not dp-memhog, and
# the run just failed). No QEMU: the harness's functions with a stand-in
# run_kdump that writes what a guest would have.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export DP_VMCORES=$tmp/cache HARNESS_NO_MAIN=1
# shellcheck source=harness
. "$here/harness"
set +e
exec 3>"$tmp/out"
DIR=$tmp/cache/k BUILD=$tmp/cache/k/build
mkdir -p "$DIR/.work"
fail=0
runs=0
# wrong_runs: how many of the next runs crash in init instead of the hog.
run_kdump() {
	local w=$DIR/.work/$1
	runs=$((runs + 1))
	mkdir -p "$w"
	local comm=dp-memhog
	[ "$runs" -le "$wrong_runs" ] && comm=init
	printf '[    5.0] Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled\n[    5.0] CPU: 0 PID: 117 Comm: %s Kdump: loaded\n' "$comm" > "$w/dmesg.txt"
	{ printf 'serial line %s\n' $(seq 60); echo "run $runs: Comm: $comm"; } > "$w/serial.log"
	WRONG_CRASH=
	crash_facts "$1" "$w/dmesg.txt" || { fail "$1" "$w"; return; }
	rm -rf "${DIR:?}/$1"; mv "$w" "$DIR/$1"
}
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; cat "$tmp/out"; fail=1; fi; }

# 1. wrong once: retried, passes, FAILED stays empty.
wrong_runs=1 runs=0 FAILED=
run_scenario oom >> "$tmp/log" 2>&1
check "wrong once: two runs" '[ $runs = 2 ]'
check "wrong once: not failed" '[ -z "${FAILED// /}" ]'
check "wrong once: the second run is kept" 'grep -q "Comm: dp-memhog" "$DIR/oom/dmesg.txt"'
check "wrong once: says it runs once more" \
	'grep -q "oom: not the intended crash (crashing task is .init., expected .dp-memhog.): once more" "$tmp/out"'

# 2. wrong twice: fails, with the serial log's end.
: > "$tmp/out"
wrong_runs=2 runs=0 FAILED=
run_scenario oom >> "$tmp/log" 2>&1
check "wrong twice: two runs, no third" '[ $runs = 2 ]'
check "wrong twice: failed" '[ "${FAILED// /}" = oom ]'
check "wrong twice: the serial log's end is shown" \
	'grep -q "  | run 2: Comm: init" "$tmp/out" && ! grep -q "  | serial line 1\$" "$tmp/out"'

# 3. right the first time: one run.
: > "$tmp/out"
wrong_runs=0 runs=0 FAILED=
run_scenario oom >> "$tmp/log" 2>&1
check "right first time: one run" '[ $runs = 1 ] && [ -z "${FAILED// /}" ]'

# 4. 6.9+ prints "CPU: n UID: u PID: p Comm: c" (a harness without the UID
# said "crashing task is '?'" on 6.12, e.g. for dp-kdump's
# vmcore-dmesg.txt); the facts are the panicking context's, not an
# earlier task's line.
w=$tmp/facts612; mkdir -p "$w"
printf '%s\n' '[    3.1] CPU: 1 UID: 0 PID: 90 Comm: modprobe Not tainted 6.12.107' \
	'[    6.7] Kernel panic - not syncing: sysrq triggered crash' \
	'[    6.7] CPU: 0 UID: 0 PID: 166 Comm: dontpanic Kdump: loaded Tainted: G OE 6.12.107+deb12-cloud-amd64 #1' \
	> "$w/vmcore-dmesg.txt"
WRONG_CRASH=
crash_facts dp-kdump "$w/vmcore-dmesg.txt" >> "$tmp/log" 2>&1
check "6.12 line: dp-kdump's crashing task read" \
	'[ -z "$WRONG_CRASH" ] && grep -qx "COMM=dontpanic" "$w/facts.env" && grep -qx "PID=166" "$w/facts.env" && grep -qx "CPU=0" "$w/facts.env"'
exit $fail

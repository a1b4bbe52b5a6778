#!/bin/sh
# crash 8.0.2 (with the -dbg vmlinux) opens our -d 31 -c output and our
# --split set and shows the same `sys` PANIC line and panic-task `bt`
# frames as on makedumpfile's -d 31 -c output of the same vmcore; and
# --dump-dmesg writes the same file as makedumpfile --dump-dmesg.
# crash takes ~5-40 s per dump here; the --split run needs DP_SLOW_TESTS=1
# (split sets are read back page by page in collect-readback anyway).
set -u
. "$(dirname "$0")/collect-lib.sh"
vmcore=$(dp_vmcore sysrq elf-full) || skip "no sysrq elf-full vmcore"
command -v makedumpfile >/dev/null || skip "makedumpfile (the oracle) is not installed"
vmlinux=$(ls /usr/lib/debug/boot/vmlinux-* 2>/dev/null | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

makedumpfile --dump-dmesg "$vmcore" "$tmp/mdf.dmesg" >/dev/null 2>&1 || fail "makedumpfile --dump-dmesg failed"
"$DP" collect --dump-dmesg "$vmcore" "$tmp/dp.dmesg" >/dev/null || fail "collect --dump-dmesg failed"
cmp "$tmp/mdf.dmesg" "$tmp/dp.dmesg" || fail "--dump-dmesg differs from makedumpfile's"
grep -q "Kernel panic - not syncing" "$tmp/dp.dmesg" || fail "--dump-dmesg has no panic line"
echo "ok --dump-dmesg: identical to makedumpfile's ($(wc -l <"$tmp/dp.dmesg") lines)"

command -v crash >/dev/null && [ -n "$vmlinux" ] || skip "crash or the -dbg vmlinux is missing"
makedumpfile -d 31 -c "$vmcore" "$tmp/mdf" >/dev/null 2>&1 || fail "makedumpfile -d 31 -c failed"
"$DP" collect --message-level 4 -d 31 -c "$vmcore" "$tmp/dp" || fail "collect failed"
runs="mdf dp"
if [ -n "${DP_SLOW_TESTS:-}" ]; then
	"$DP" collect --message-level 4 --split -d 31 -c "$vmcore" "$tmp/s1" "$tmp/s2" || fail "collect --split failed"
	runs="$runs split"
fi
printf 'sys\nbt\nq\n' >"$tmp/cmds"
summary() { # crash output -> PANIC line + bt function names
	grep -E '^ +PANIC:' "$1"
	grep -E '^ ?#[0-9]+ ' "$1" | awk '{print $3}'
}
for d in $runs; do
	case $d in split) files="$tmp/s1 $tmp/s2" ;; *) files=$tmp/$d ;; esac
	timeout 300 crash -s "$vmlinux" $files -i "$tmp/cmds" >"$tmp/$d.crash" 2>&1 </dev/null
	summary "$tmp/$d.crash" >"$tmp/$d.sum"
	grep -q PANIC "$tmp/$d.sum" || fail "crash on $d shows no PANIC: $(tail -5 "$tmp/$d.crash")"
	[ "$(grep -c . "$tmp/$d.sum")" -gt 3 ] || fail "crash on $d: no backtrace: $(tail -5 "$tmp/$d.crash")"
done
diff "$tmp/mdf.sum" "$tmp/dp.sum" || fail "crash sys/bt differ between makedumpfile's and our output"
[ ! -f "$tmp/split.sum" ] || diff "$tmp/mdf.sum" "$tmp/split.sum" || fail "crash sys/bt differ on our --split set"
echo "ok crash ($runs): same PANIC and bt: $(head -1 "$tmp/dp.sum" | tr -s ' ') / $(sed -n 2,4p "$tmp/dp.sum" | tr '\n' ' ')"

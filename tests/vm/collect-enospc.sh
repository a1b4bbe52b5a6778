#!/bin/sh
# A dump cut short is finished, flagged incomplete and still serves every
# page that landed:
#  1. a really full filesystem (a 12 MiB tmpfs, needs root) for the
#     kdump-compressed and the ELF writer;
#  2. the -L size limit;
#  3. SIMULATED full disk (--fail-after, a testing option) in a flattened
#     stream, which cannot seek back: the flag must already be there.
# Each: exit status 1, a message naming the cause, our reader and
# libkdumpfile serve the written pages unchanged and report the rest lost.
# The log's pages are written first: `dontpanic log` on a dump cut at 2M
# (real tmpfs) and at -L 1M prints the whole log.
set -u
. "$(dirname "$0")/collect-lib.sh"
vmcore=$(dp_vmcore sysrq elf-full) || skip "no sysrq elf-full vmcore"
[ -n "${VERIFY:-}" ] || no_oracle "collect-verify was not built (no libkdumpfile)"
tmp=$(mktemp -d)
mnt=
trap '[ -n "$mnt" ] && umount "$mnt"; rm -rf "$tmp"' EXIT

incomplete_ok() { # name file stderr [verify-options]
	grep -qi "incomplete" "$3" || fail "$1: no 'incomplete' in the message: $(cat "$3")"
	info=$("$DP" info --json "$2") || fail "$1: info cannot open the incomplete dump"
	printf '%s' "$info" | grep -q '"incomplete": *true' || fail "$1: not flagged incomplete: $info"
	v=$("$VERIFY" ${4:-} "$vmcore" "$2") || fail "$1: $v"
	[ "$(vfield "$v" mismatches)" = 0 ] || fail "$1: $v"
	[ "$(vfield "$v" present)" -gt 100 ] || fail "$1: too few pages served: $v"
	echo "ok $1: $v"
}

if [ "$(id -u)" = 0 ] && mkdir "$tmp/mnt" && mount -t tmpfs -o size=12m tmpfs "$tmp/mnt" 2>/dev/null; then
	mnt=$tmp/mnt
	"$DP" collect -d 31 -c "$vmcore" "$mnt/o" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] || fail "full tmpfs: exit $rc, want 1"
	grep -q "No space left" "$tmp/err" || fail "full tmpfs: cause not named: $(cat "$tmp/err")"
	incomplete_ok "kdump on a full 12M tmpfs" "$mnt/o" "$tmp/err" --kdumpfile
	v=$("$VERIFY" "$vmcore" "$mnt/o")
	[ "$(vfield "$v" lost)" -gt 0 ] || fail "full tmpfs: no page reported lost: $v"
	rm -f "$mnt/o"
	"$DP" collect -E -d 31 "$vmcore" "$mnt/e" >/dev/null 2>"$tmp/err"
	[ $? = 1 ] || fail "-E on full tmpfs: want exit 1"
	readelf -h "$mnt/e" | grep -q 'Flags: *0x1$' || fail "-E on full tmpfs: e_flags lacks DUMP_ELF_INCOMPLETE"
	grep -qi "incomplete" "$tmp/err" || fail "-E full tmpfs: message: $(cat "$tmp/err")"
	v=$("$VERIFY" "$vmcore" "$mnt/e") || fail "-E full tmpfs: $v"
	[ "$(vfield "$v" mismatches)" = 0 ] || fail "-E full tmpfs: $v"
	echo "ok ELF on a full 12M tmpfs: e_flags=0x1, $v"
	umount "$mnt"
	mnt=
	# The log's pages go first: a 2 MiB file system (an eighth of the
	# dump) still gets the whole log; in makedumpfile's pfn order
	# (--no-log-first) the same cut loses it, so the check can fail.
	mount -t tmpfs -o size=2m tmpfs "$tmp/mnt" || fail "cannot mount a 2M tmpfs"
	mnt=$tmp/mnt
	"$DP" log "$vmcore" >"$tmp/log.want" || fail "log of the input failed"
	"$DP" collect -d 31 -c "$vmcore" "$mnt/o" >/dev/null 2>"$tmp/err"
	[ $? = 1 ] || fail "2M tmpfs: want exit 1"
	incomplete_ok "kdump on a full 2M tmpfs" "$mnt/o" "$tmp/err" --kdumpfile
	"$DP" log "$mnt/o" >"$tmp/log.got" 2>&1 || fail "log of the cut dump failed: $(tail -1 "$tmp/log.got")"
	cmp -s "$tmp/log.want" "$tmp/log.got" || fail "log of the cut dump differs from the input's"
	n=$(wc -l <"$tmp/log.got")
	rm -f "$mnt/o"
	"$DP" collect --no-log-first -d 31 -c "$vmcore" "$mnt/o" >/dev/null 2>&1
	if "$DP" log "$mnt/o" >"$tmp/log.pfn" 2>&1 && cmp -s "$tmp/log.want" "$tmp/log.pfn"; then
		fail "--no-log-first on 2M also kept the whole log: the log-first check proves nothing"
	fi
	echo "ok log first: a dump cut at 2M has the whole log ($n lines); in pfn order it does not"
	umount "$mnt"
	mnt=
else
	echo "# no root or no tmpfs mount: real full-disk case not run"
fi

"$DP" collect -L 8M -d 31 -z "$vmcore" "$tmp/l" >/dev/null 2>"$tmp/err"
[ $? = 1 ] || fail "-L 8M: want exit 1"
size=$(stat -c %s "$tmp/l")
[ "$size" -le $((8 << 20)) ] || fail "-L 8M: file is $size bytes"
grep -q "size limit" "$tmp/err" || fail "-L: message: $(cat "$tmp/err")"
incomplete_ok "-L 8M (file $size bytes)" "$tmp/l" "$tmp/err" --kdumpfile

"$DP" collect -L 1M -d 31 -z "$vmcore" "$tmp/l1" >/dev/null 2>"$tmp/err"
[ $? = 1 ] || fail "-L 1M: want exit 1"
"$DP" log "$vmcore" >"$tmp/log.want" || fail "log of the input failed"
"$DP" log "$tmp/l1" >"$tmp/log.got" 2>&1 || fail "log of the -L 1M dump failed: $(tail -1 "$tmp/log.got")"
cmp -s "$tmp/log.want" "$tmp/log.got" || fail "log of the -L 1M dump differs from the input's"
echo "ok -L 1M: the whole log ($(wc -l <"$tmp/log.got") lines) is in the cut dump"

# SIMULATED ENOSPC (testing option --fail-after) on a flattened stream.
"$DP" collect -F --fail-after 6M -d 31 -c "$vmcore" >"$tmp/f" 2>"$tmp/err"
[ $? = 1 ] || fail "-F --fail-after: want exit 1"
incomplete_ok "-F with simulated ENOSPC after 6M" "$tmp/f" "$tmp/err"

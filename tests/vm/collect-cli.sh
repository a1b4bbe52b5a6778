#!/bin/sh
# The collect command line: files are created 0600 and never overwritten
# without -f; bad options fail with a message (exit 2 as dontpanic
# collect, 1 when run as makedumpfile, like makedumpfile); --json is valid
# JSON with the report's numbers; small --cyclic-buffer windows (many
# windows, blocks carried across them) give the same bytes as one window.
set -u
. "$(dirname "$0")/collect-lib.sh"
vmcore=$(dp_vmcore sysrq elf-full) || skip "no sysrq elf-full vmcore"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

json=$("$DP" collect --json --message-level 4 -d 31 -l "$vmcore" "$tmp/o") || fail "collect failed"
[ "$(stat -c %a "$tmp/o")" = 600 ] || fail "output mode is $(stat -c %a "$tmp/o"), want 600"
printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
ex = sum(j["excluded"].values())
assert j["status"] == "ok", j
assert ex == j["excluded_total"] and j["original_pages"] - ex == j["remaining_pages"], j
assert j["original_pages"] + j["memory_hole"] == j["total_pages"], j
assert j["excluded"]["free"] > 0 and j["pages_written"] == j["remaining_pages"], j
' || fail "--json report inconsistent: $json"
echo "ok 0600 and --json: $json"

sum=$(md5sum <"$tmp/o")
"$DP" collect --message-level 4 -d 31 -l "$vmcore" "$tmp/o" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || fail "existing output: exit $rc, want 1"
grep -q "file exists" "$tmp/err" || fail "existing output: message: $(cat "$tmp/err")"
[ "$(md5sum <"$tmp/o")" = "$sum" ] || fail "existing output was modified"
"$DP" collect -f --message-level 4 -d 31 -l --cyclic-buffer 1 "$vmcore" "$tmp/o" || fail "-f failed"
[ "$(md5sum <"$tmp/o")" = "$sum" ] || fail "--cyclic-buffer 1 (32768-pfn windows) changed the output"
echo "ok no overwrite without -f; --cyclic-buffer 1 gives identical bytes"

ln -s "$(cd "$(dirname "$DP")" && pwd)/$(basename "$DP")" "$tmp/makedumpfile"
expect() { # want-rc pattern cmd...
	want=$1; pat=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = "$want" ] || fail "$*: exit $rc, want $want ($(cat "$tmp/err"))"
	grep -q "$pat" "$tmp/err" "$tmp/out" || fail "$*: no '$pat' in: $(cat "$tmp/err")"
}
expect 2 "invalid dump level" "$DP" collect -d 32 "$vmcore" "$tmp/x"
expect 1 "invalid dump level" "$tmp/makedumpfile" -d 32 "$vmcore" "$tmp/x"
expect 1 "cannot be used with" "$tmp/makedumpfile" -E -c "$vmcore" "$tmp/x"
expect 1 "not needed and not supported" "$tmp/makedumpfile" -x /vmlinux "$vmcore" "$tmp/x"
expect 2 "expected VMCORE DUMPFILE" "$DP" collect -d 31 "$vmcore"
expect 3 "$tmp/nonexistent" "$DP" collect -d 31 "$tmp/nonexistent" "$tmp/x"
[ ! -e "$tmp/x" ] || fail "a failed collect left $tmp/x behind"
expect 0 "makedumpfile Completed" "$tmp/makedumpfile" -d 31 -l "$vmcore" "$tmp/y"
cmp "$tmp/y" "$tmp/o" || fail "run as makedumpfile: different output"
echo "ok bad options and argv[0]=makedumpfile"

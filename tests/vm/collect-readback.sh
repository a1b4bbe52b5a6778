#!/bin/sh
# Outputs of dontpanic collect read back page-identical to the input, in
# every codec, by our reader and by libkdumpfile (an independent reader):
# every page the output serves equals the input vmcore's page; the data
# and shared-zero pages served are exactly the report's "Remaining" and
# "Pages filled with zero" counts.
# Also: the output does not depend on the thread count; -F | -R (ours and
# makedumpfile's -R) rebuilds the same file; --split parts read back as one
# dump; -E output serves the same pages.
set -u
. "$(dirname "$0")/collect-lib.sh"
vmcore=$(dp_vmcore sysrq elf-full) || skip "no sysrq elf-full vmcore"
[ -n "${VERIFY:-}" ] || no_oracle "collect-verify was not built (no libkdumpfile)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name verify-output json
	rem=$(json_num "$3" remaining_pages)
	zero=$(json_num "$3" zero)
	p=$(vfield "$2" present); z=$(vfield "$2" zero)
	[ "$(vfield "$2" mismatches)" = 0 ] || fail "$1: pages differ from the input: $2"
	[ "$p" -eq "$rem" ] || fail "$1: reader serves $p data pages, report says $rem remaining"
	[ "$z" -eq "$zero" ] || fail "$1: reader sees $z zero pages, report says $zero"
	[ "$p" -gt 1000 ] || fail "$1: only $p pages served"
}

for opt in -c -l -p -z ""; do
	name="-d 31 ${opt:-(no compression)}"
	json=$("$DP" collect --json --message-level 4 -d 31 $opt "$vmcore" "$tmp/o") || fail "$name: collect failed"
	v=$("$VERIFY" --kdumpfile "$vmcore" "$tmp/o") || fail "$name: $v"
	check "$name" "$v" "$json"
	[ "$(vfield "$v" kdumpfile_mismatches)" = 0 ] || fail "$name: libkdumpfile: $v"
	[ "$(vfield "$v" kdumpfile_compared)" = "$(vfield "$v" compared)" ] ||
		fail "$name: libkdumpfile compared fewer pages: $v"
	echo "ok $name: $v"
	rm -f "$tmp/o"
done

# -d 0 keeps zero pages as data; -d 1 shares one zero page.
json=$("$DP" collect --json --message-level 4 -d 0 -z "$vmcore" "$tmp/o") || fail "-d 0 failed"
v=$("$VERIFY" "$vmcore" "$tmp/o") || fail "-d 0: $v"
check "-d 0 -z" "$v" "$json"
[ "$(vfield "$v" excluded)" = 0 ] || fail "-d 0 excluded pages: $v"
echo "ok -d 0 -z: $v"
rm -f "$tmp/o"

# Deterministic: the same bytes with 1, 2 and 3 compression threads.
for n in 1 2 3; do
	"$DP" collect --message-level 4 --num-threads $n -d 31 -z "$vmcore" "$tmp/t$n" || fail "--num-threads $n failed"
done
cmp "$tmp/t1" "$tmp/t2" && cmp "$tmp/t1" "$tmp/t3" || fail "output depends on --num-threads"
echo "ok --num-threads 1/2/3: identical output"

# Flattened: our -R and makedumpfile's -R rebuild the seekable file.
"$DP" collect -F --message-level 4 -d 31 -z "$vmcore" >"$tmp/flat" || fail "-F failed"
"$DP" collect -R --message-level 4 "$tmp/r1" <"$tmp/flat" || fail "-R failed"
cmp "$tmp/r1" "$tmp/t1" || fail "-F | -R differs from the direct output"
if command -v makedumpfile >/dev/null; then
	makedumpfile -R "$tmp/r2" <"$tmp/flat" >/dev/null 2>&1 || fail "makedumpfile -R rejects our stream"
	cmp "$tmp/r2" "$tmp/t1" || fail "makedumpfile -R of our stream differs"
fi
v=$("$VERIFY" "$vmcore" "$tmp/flat") || fail "flattened stream: $v"
[ "$(vfield "$v" mismatches)" = 0 ] || fail "flattened: $v"
echo "ok -F/-R: identical to the direct file; stream read in place: $v"
rm -f "$tmp"/t2 "$tmp"/t3 "$tmp"/r1 "$tmp"/r2 "$tmp"/flat

# --split into 3 parts: read back as one dump, same pages as one file.
json=$("$DP" collect --json --message-level 4 --split -d 31 -c "$vmcore" "$tmp/s1" "$tmp/s2" "$tmp/s3") || fail "--split failed"
v=$("$VERIFY" --kdumpfile "$vmcore" "$tmp/s1" "$tmp/s2" "$tmp/s3") || fail "--split: $v"
check "--split" "$v" "$json"
[ "$(vfield "$v" kdumpfile_mismatches)" = 0 ] || fail "--split libkdumpfile: $v"
for s in s1 s2 s3; do [ -s "$tmp/$s" ] || fail "--split part $s is empty"; done
echo "ok --split 3: $v"

# -E: ELF output serves the kept pages (and short excluded runs) unchanged.
json=$("$DP" collect -E --json --message-level 4 -d 31 "$vmcore" "$tmp/e") || fail "-E failed"
v=$("$VERIFY" "$vmcore" "$tmp/e") || fail "-E: $v"
[ "$(vfield "$v" mismatches)" = 0 ] || fail "-E: $v"
p=$(vfield "$v" present)
[ "$p" -ge "$(( $(json_num "$json" remaining_pages) ))" ] || fail "-E serves $p pages, fewer than remaining"
echo "ok -E: $v"

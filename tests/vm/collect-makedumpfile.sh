#!/bin/sh
# dontpanic collect vs makedumpfile 1.7.2 on the same full ELF vmcore:
# for -d 1 2 4 8 16 31 the per-class page counts of makedumpfile's
# --message-level 31 report equal ours, and the kdump-compressed files are
# byte-identical with --no-log-first (same classes, same layout, same codec
# settings); the default layout (the log's pages first) serves the same
# pages from a file of the same size.
# Known, explained difference: makedumpfile's "Original pages" counts the
# kernel-image PT_LOAD on top of the RAM PT_LOAD that contains it (and its
# "Memory Hole" is short by as much); ours counts each pfn once, so
# ours + (kernel PT_LOAD pages) == makedumpfile's.
set -u
. "$(dirname "$0")/collect-lib.sh"
vmcore=$(dp_vmcore sysrq elf-full) || skip "no sysrq elf-full vmcore"
command -v makedumpfile >/dev/null || no_oracle "makedumpfile (the oracle) is not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ksize=$(readelf -lW "$vmcore" | awk '$1=="LOAD" && $3 ~ /^0xffffffff/ {print $5; exit}')
[ -n "$ksize" ] || fail "no kernel-image PT_LOAD in $vmcore"
kpages=$((ksize / 4096))
for d in 1 2 4 8 16 31; do
	makedumpfile --message-level 31 -l -d $d "$vmcore" "$tmp/mdf" >"$tmp/mdf.txt" 2>&1 ||
		fail "makedumpfile -d $d failed: $(tail -3 "$tmp/mdf.txt")"
	"$DP" collect --message-level 31 --no-log-first -l -d $d "$vmcore" "$tmp/dp" >"$tmp/dp.txt" 2>&1 ||
		fail "collect -d $d failed: $(tail -3 "$tmp/dp.txt")"
	# On kernels where makedumpfile drops typed pages (6.10+ slabs) or
	# our guard keeps image pages, the classes differ, explained.
	if mdf_differs "$vmcore" "$tmp/mdf" "$tmp/dp"; then
		echo "ok -d $d: differs from makedumpfile's only where explained"
		rm -f "$tmp/mdf" "$tmp/dp"
		continue
	fi
	for label in "Pages filled with zero" "Non-private cache pages" \
		     "Private cache pages" "User process data pages" "Free pages" \
		     "Hwpoison pages" "Offline pages" "Excluded pages" "Total pages"; do
		a=$(mdf_count "$tmp/mdf.txt" "$label") || fail "-d $d: makedumpfile has no '$label'"
		b=$(mdf_count "$tmp/dp.txt" "$label") || fail "-d $d: we print no '$label'"
		[ "$a" = "$b" ] || fail "-d $d: $label: makedumpfile $a, dontpanic $b"
	done
	a=$(mdf_count "$tmp/mdf.txt" "Original pages")
	b=$(mdf_count "$tmp/dp.txt" "Original pages")
	[ $((b + kpages)) -eq "$a" ] ||
		fail "-d $d: Original pages: makedumpfile $a, dontpanic $b + kernel PT_LOAD $kpages"
	cmp "$tmp/mdf" "$tmp/dp" >/dev/null ||
		fail "-d $d -l: output differs from makedumpfile's ($(cmp "$tmp/mdf" "$tmp/dp" | head -1))"
	# The default layout writes the log's pages first: same pages, same
	# size, other order. Compare what a reader serves, page by page.
	"$DP" collect --message-level 4 -l -d $d "$vmcore" "$tmp/lf" || fail "collect -d $d (log first) failed"
	[ "$(stat -c %s "$tmp/lf")" = "$(stat -c %s "$tmp/mdf")" ] || fail "-d $d: log-first file size differs from makedumpfile's"
	if [ -n "${VERIFY:-}" ]; then
		v=$("$VERIFY" "$tmp/mdf" "$tmp/lf") || fail "-d $d log first: $v"
		[ "$(vfield "$v" mismatches)" = 0 ] || fail "-d $d log first: pages differ: $v"
		a=$("$DP" info "$tmp/mdf" | grep '^pages:'); b=$("$DP" info "$tmp/lf" | grep '^pages:')
		[ "$a" = "$b" ] || fail "-d $d log first: makedumpfile $a, ours $b"
	fi
	echo "ok -d $d: counts equal, files identical with --no-log-first, same pages log-first ($(grep -m1 'Free pages' "$tmp/dp.txt" | tr -s ' '))"
	rm -f "$tmp/mdf" "$tmp/dp" "$tmp/lf"
done

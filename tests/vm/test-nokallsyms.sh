#!/bin/sh
# Kernels whose VMCOREINFO has no SYMBOL(kallsyms_*) lines (Linux exports
# them only since 6.0): copies of this kernel's dumps with those lines
# removed from the VMCOREINFO (ELF PT_NOTE; kdump header notes and
# vmcoreinfo block, strip-vmci.py) stand in for them. dontpanic then finds
# the tables by scanning the kernel image. Checked against the untouched
# dump, whose tables VMCOREINFO names (a different source):
#  - the rewritten VMCOREINFO is the original minus exactly those lines;
#  - `sym -l` (every vmlinux and module symbol), `bt`, `bt -a`, and
#    `report --json`'s class, title, guilty function and bucket are equal;
#  - `info` and the report's notes say the symbols were found by a scan,
#    and say nothing of the kind for the untouched dump.
# usage: test-nokallsyms.sh DONTPANIC
set -u
DP=$1
here=$(dirname "$0")
. "$here/lib.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checked=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
SCAN="found by scanning the kernel image (VMCOREINFO has no SYMBOL(kallsyms_*))"

rfields() {	# rfields JSON-FILE: the report facts compared
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
g = r.get("guilty") or {}
print(r.get("class"), r.get("title"), sep="\n")
print(g.get("function") if isinstance(g, dict) else g)
print(r.get("bucket"))
print("\n".join(r.get("notes") or []))' "$1"
}

for sk in null:elf-d31 null:kdump-zlib-d31 sysrq:elf-d31 sysrq:kdump-zlib-d31; do
	s=${sk%%:*} k=${sk#*:}
	d=$(dp_vmcore "$s" "$k") || { echo "no $s $k dump"; continue; }
	t="$s $k"
	"$DP" vmcoreinfo "$d" > "$tmp/vi.orig" || { fail "$t: vmcoreinfo"; continue; }
	n=$(grep -c '^SYMBOL(kallsyms_' "$tmp/vi.orig")
	# A dump without the lines has nothing to compare against: not a pass.
	[ "$n" -ge 4 ] || { fail "$t: VMCOREINFO has $n SYMBOL(kallsyms_*) lines, this test needs a 6.0+ kernel's dump"; continue; }
	"$here/strip-vmci.py" "$d" "$tmp/s" '^SYMBOL\(kallsyms_' > "$tmp/strip" 2>&1 ||
		{ fail "$t: strip-vmci: $(cat "$tmp/strip")"; continue; }
	"$DP" vmcoreinfo "$tmp/s" > "$tmp/vi.new" || { fail "$t: vmcoreinfo of the copy"; continue; }
	grep -v '^SYMBOL(kallsyms_' "$tmp/vi.orig" | cmp -s - "$tmp/vi.new" ||
		fail "$t: the copy's VMCOREINFO is not the original minus the $n kallsyms lines"
	checked=$((checked + 1))
	for cmd in "sym -l" bt "bt -a"; do
		# shellcheck disable=SC2086
		"$DP" $cmd "$d" > "$tmp/a" 2>&1; ra=$?
		# shellcheck disable=SC2086
		"$DP" $cmd "$tmp/s" > "$tmp/b" 2>&1; rb=$?
		[ $ra = 0 ] && [ -s "$tmp/a" ] || fail "$t: $cmd on the untouched dump: rc $ra"
		[ $ra = $rb ] && cmp -s "$tmp/a" "$tmp/b" ||
			fail "$t: $cmd differs without the kallsyms lines (rc $ra/$rb): $(diff "$tmp/a" "$tmp/b" | head -n 4)"
	done
	[ "$(wc -l < "$tmp/a")" -ge 3 ] || fail "$t: bt -a printed $(wc -l < "$tmp/a") lines"
	"$DP" report --json "$d" > "$tmp/ra.json" 2>/dev/null &&
	"$DP" report --json "$tmp/s" > "$tmp/rb.json" 2>/dev/null ||
		{ fail "$t: report --json"; continue; }
	rfields "$tmp/ra.json" > "$tmp/fa" && rfields "$tmp/rb.json" > "$tmp/fb" ||
		{ fail "$t: report JSON unreadable"; continue; }
	head -n 4 "$tmp/fa" > "$tmp/fa4"; head -n 4 "$tmp/fb" > "$tmp/fb4"
	cmp -s "$tmp/fa4" "$tmp/fb4" ||
		fail "$t: report class/title/guilty/bucket differ: $(paste -d'|' "$tmp/fa4" "$tmp/fb4" | tr '\n' ' ')"
	grep -q "None" "$tmp/fa4" && [ "$s" = null ] && fail "$t: the null report lacks a fact: $(tr '\n' ' ' < "$tmp/fa4")"
	grep -qF "kernel symbols: $SCAN" "$tmp/fb" ||
		fail "$t: the report's notes do not say the symbols were scanned: $(tail -n +5 "$tmp/fb" | tr '\n' ' ')"
	grep -q "scanning the kernel image" "$tmp/fa" &&
		fail "$t: the untouched dump's report says its symbols were scanned"
	"$DP" info "$tmp/s" | grep -qxF "kallsyms:       $SCAN" ||
		fail "$t: info does not name the scan: $("$DP" info "$tmp/s" | grep kallsyms)"
	"$DP" info "$d" | grep -qx 'kallsyms: *VMCOREINFO SYMBOL(kallsyms_\*)' ||
		fail "$t: info does not name VMCOREINFO: $("$DP" info "$d" | grep kallsyms)"
	echo "ok: $t: $n lines removed; sym -l, bt, bt -a, report equal; info and notes name the scan"
done
[ "$checked" -gt 0 ] || dp_skip "no null or sysrq elf-d31/kdump-zlib-d31 dump of ${DP_KVER:-current}"
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }

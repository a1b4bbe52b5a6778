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
# And a kernel before 5.10 (log in log_buf, no printk ring buffer): the
# ring's lines replaced by SYMBOL(log_buf)/SYMBOL(log_buf_len): `log` fails
# naming log_buf, `report` still answers (exit 0) with a note naming it,
# and `bt` is unchanged.
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
# Pre-5.10 stand-in (log_buf): addresses are placeholders, never read.
d=$(dp_vmcore null kdump-zlib-d31) && {
	ring='^(SYMBOL\((prb|printk_rb_static|clear_seq)\)|(SIZE|OFFSET)\((printk_ringbuffer|prb_|printk_info|dev_printk_info|latched_seq|atomic_long_t)|LENGTH\(printk_info_)'
	if "$here/strip-vmci.py" "$d" "$tmp/lb" "$ring" 'SYMBOL(log_buf)=ffffffff82000000' \
		'SYMBOL(log_buf_len)=ffffffff82000008' > "$tmp/strip" 2>&1; then
		"$DP" vmcoreinfo "$tmp/lb" | grep -qE "$ring" && fail "log_buf: ring lines left"
		"$DP" log "$tmp/lb" > "$tmp/out" 2>&1 && fail "log_buf: log exits 0"
		grep -q "keeps its log in log_buf" "$tmp/out" || fail "log_buf: log says: $(head -c 300 "$tmp/out")"
		"$DP" report --json "$tmp/lb" > "$tmp/r.json" 2>&1 || fail "log_buf: report exits $?"
		python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["notes"]; sys.exit(not any("log_buf" in x for x in n))' "$tmp/r.json" ||
			fail "log_buf: report notes: $(head -c 400 "$tmp/r.json")"
		"$DP" bt "$d" > "$tmp/a" 2>&1; "$DP" bt "$tmp/lb" > "$tmp/b" 2>&1
		cmp -s "$tmp/a" "$tmp/b" || fail "log_buf: bt differs"
		echo "ok: log_buf stand-in: log names log_buf, report notes it, bt unchanged"
	else
		fail "log_buf: strip-vmci: $(cat "$tmp/strip")"
	fi
}
[ "$checked" -gt 0 ] || dp_skip "no null or sysrq elf-d31/kdump-zlib-d31 dump of ${DP_KVER:-current}"
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }

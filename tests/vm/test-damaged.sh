#!/bin/sh
# Damaged dumps: a copy of a real ELF vmcore with (1) kallsyms_offsets
# zeroed: `sym` must fail with a clear kallsyms error while `log` still
# equals dmesg.txt and `vtop` works; (2) also the top-level page-table
# entry of the direct map pointed outside the dump: `vtop` of a direct-map
# address must fail with a bounded DP_ERR_FAULT naming the level, and
# nothing may crash. usage: test-damaged.sh DONTPANIC
set -u
DP=$1
here=$(dirname "$0")
. "$here/lib.sh"
d=$(dp_vmcore sysrq elf-d31) || d=$(dp_vmcore null elf-d31) ||
	dp_skip "no elf-d31 dump"
dm=$(dirname "$d")/dmesg.txt
[ -s "$dm" ] || dp_skip "no dmesg.txt next to $d"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cp "$d" "$tmp/vmcore" || dp_fail "cannot copy $d"
v=$tmp/vmcore

vmci() { "$DP" vmcoreinfo "$v" | sed -n "s/^$1=//p"; }
paddr() { "$DP" vtop "$1" "$v" | sed -n 2p | awk '{print $2}'; }

# (1) zero the kallsyms address table (an all-zero table decodes _stext
# right under the base-relative rule; only the cross-check with the other
# VMCOREINFO symbols catches it).
off=$(vmci 'SYMBOL(kallsyms_offsets)')
[ -n "$off" ] || dp_fail "cannot locate kallsyms"
# 6.1 order: kallsyms_offsets[num_syms] then kallsyms_relative_base.
len=$(/usr/bin/python3 -c 'import sys; n = int(sys.argv[2], 16) - int(sys.argv[1], 16); print(n if 0 < n < 1 << 24 else 65536)' "$off" "$(vmci 'SYMBOL(kallsyms_relative_base)')")
/usr/bin/python3 "$here/elf-poke.py" "$v" "$(paddr "$off")" "zero:$len" ||
	dp_fail "cannot damage the copy"
"$DP" sym -l "$v" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || fail "sym -l on damaged kallsyms exited $rc, want 1"
grep -q 'kallsyms: .*damaged' "$tmp/err" ||
	fail "sym error not clear: $(cat "$tmp/err")"
echo "# sym: $(cat "$tmp/err")"
"$DP" log "$v" >"$tmp/log" || fail "log exited $? with damaged kallsyms"
cmp -s "$tmp/log" "$dm" || fail "log differs from dmesg.txt with damaged kallsyms"
"$DP" vtop "$(vmci 'SYMBOL(_stext)')" "$v" >/dev/null || fail "vtop failed"

# (2) PGD entry of the direct map -> a table far outside the dump.
dmap=$(vmci 'SYMBOL(mem_section)')
pgd=$(paddr "$(vmci 'SYMBOL(init_top_pgt)')")
ent=$(/usr/bin/python3 -c 'import sys; print("%x" % (int(sys.argv[1], 16) + ((int(sys.argv[2], 16) >> 39) & 511) * 8))' "$pgd" "$dmap")
/usr/bin/python3 "$here/elf-poke.py" "$v" "$ent" 63f0ffffff7f0000 ||
	dp_fail "cannot damage the page table"
"$DP" vtop "$dmap" "$v" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || fail "vtop through a bad PGD entry exited $rc, want 1"
grep -q 'PUD table at physical 0x7ffffffff000' "$tmp/err" ||
	fail "vtop error does not name the level: $(cat "$tmp/err")"
echo "# vtop: $(cat "$tmp/err")"
"$DP" log "$v" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "log exited $rc on a bad page table"
echo "# log with a bad direct-map PGD entry: rc=$rc $(cat "$tmp/err")"
[ "$fails" = 0 ]

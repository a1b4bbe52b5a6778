#!/bin/sh
# dontpanic collect reads any dump the readers open and converts or
# re-filters it (issue 6 point 1). Oracles: makedumpfile 1.7.2 (it can
# re-filter a kdump file itself), libkdumpfile (reads our outputs back),
# crash (opens a kdump -> ELF conversion), drgn (opens flattened -> kdump
# and kdump -> ELF conversions). For every conversion every page
# the output serves equals the input's page and exists in the input
# (collect-verify reads each served pfn from both), and the page set is
# what the level asks for.
set -u
. "$(dirname "$0")/collect-lib.sh"
full=$(dp_vmcore sysrq elf-full) || skip "no sysrq elf-full vmcore"
d1=$(dp_vmcore sysrq kdump-nocomp-d1) || skip "no sysrq kdump-nocomp-d1 vmcore"
d31=$(dp_vmcore sysrq kdump-nocomp-d31) || skip "no sysrq kdump-nocomp-d31 vmcore"
zd31=$(dp_vmcore sysrq kdump-zlib-d31) || skip "no sysrq kdump-zlib-d31 vmcore"
flat=$(dp_vmcore sysrq flat-zlib-d31) || skip "no sysrq flat-zlib-d31 vmcore"
command -v makedumpfile >/dev/null || no_oracle "makedumpfile (the oracle) is not installed"
[ -n "${VERIFY:-}" ] || no_oracle "collect-verify was not built (no libkdumpfile)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The oracles crash and drgn need the dump's own vmlinux (by build-id);
# missing, they fail the test under CI and skip it elsewhere (lib.sh).
command -v dp_vmlinux >/dev/null || skip "tests/vm/lib.sh missing"
vmlinux=$(dp_vmlinux "$full") || dp_no_oracle "$(dp_vmlinux_why "$full")"
dp_need_drgn
# drgn 0.0.22 (Debian's python3-drgn, with the -dbg vmlinux) reads the
# conversions: the release, the log's last record and the panic frame.
# MALLOC_PERTURB_ (set by meson) makes drgn+libkdumpfile segfault at exit
# on any kdump file, makedumpfile's own included: run without it.
drgn_check() { # name file
	env -u MALLOC_PERTURB_ /usr/bin/python3 - "$2" "$vmlinux" >"$tmp/drgn" 2>&1 <<'PY' || fail "$1: drgn cannot read it: $(tail -3 "$tmp/drgn")"
import sys, drgn
from drgn.helpers.linux.printk import get_printk_records
p = drgn.Program()
p.set_core_dump(sys.argv[1])
p.load_debug_info([sys.argv[2]])
recs = get_printk_records(p)
assert any(b"Kernel panic - not syncing: sysrq triggered crash" in r.text for r in recs), "no panic record"
frames = [f.name for f in p.crashed_thread().stack_trace()]
assert "panic" in frames, frames
print("drgn:", p["init_uts_ns"].name.release.string_().decode(), len(recs), "records,", " < ".join(frames[:4]))
PY
}

# Pages the dump serves (present incl. zero), from dontpanic info.
served() {
	"$DP" info --json "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["pages_present"])'
}
verified() { # name verify-line
	[ "$(vfield "$2" mismatches)" = 0 ] || fail "$1: pages differ from the input: $2"
	[ "$(vfield "$2" kdumpfile_mismatches)" = 0 ] || fail "$1: libkdumpfile: $2"
	[ "$(vfield "$2" kdumpfile_compared)" = "$(vfield "$2" compared)" ] ||
		fail "$1: libkdumpfile compared fewer pages: $2"
}

# 1. kdump -d 1 (no compression) re-filtered to -d 31 -c: the same file
#    as makedumpfile -d 31 -c on the full ELF of the same crash, and as
#    makedumpfile's own re-filter of that kdump file; counts equal.
makedumpfile --message-level 31 -c -d 31 "$full" "$tmp/m-full" >"$tmp/m-full.txt" 2>&1 || fail "makedumpfile on the full ELF failed"
makedumpfile --message-level 31 -c -d 31 "$d1" "$tmp/m-d1" >"$tmp/m-d1.txt" 2>&1 || fail "makedumpfile re-filter of kdump-nocomp-d1 failed"
"$DP" collect --message-level 31 --no-log-first -c -d 31 "$d1" "$tmp/o" >"$tmp/o.txt" 2>&1 || fail "collect -d 31 -c of kdump-nocomp-d1 failed: $(tail -3 "$tmp/o.txt")"
# Kernels where makedumpfile drops typed pages (6.10+ slabs) or our
# kernel-image guard keeps pages: the difference is checked instead.
mdf_extra=0	# pages makedumpfile's -d 31 excludes and ours keeps
if mdf_differs "$full" "$tmp/m-d1" "$tmp/o"; then
	mdf_differs "$full" "$tmp/m-full" "$tmp/o" ||
		fail "makedumpfile's re-filter differs from ours, its -d 31 on the full ELF does not"
	mdf_extra=$(wc -l <"$tmp/x.diff")
	same="differs from makedumpfile's only where explained"
else
	same="counts equal makedumpfile's, file identical to makedumpfile -d 31 -c on elf-full"
for label in "Original pages" "Pages filled with zero" "Non-private cache pages" \
	     "User process data pages" "Free pages" "Excluded pages" "Remaining pages" "Total pages"; do
	a=$(mdf_count "$tmp/m-d1.txt" "$label") || fail "makedumpfile has no '$label'"
	b=$(mdf_count "$tmp/o.txt" "$label") || fail "we print no '$label'"
	[ "$a" = "$b" ] || fail "re-filter d1 -> d31: $label: makedumpfile $a, dontpanic $b"
done
cmp "$tmp/m-d1" "$tmp/o" >/dev/null || fail "re-filter d1 -> d31 differs from makedumpfile's re-filter"
cmp "$tmp/m-full" "$tmp/o" >/dev/null || fail "re-filter d1 -> d31 differs from makedumpfile -d 31 on the full ELF"
fi
v=$("$VERIFY" --kdumpfile "$d1" "$tmp/o") || fail "d1 -> d31: $v"
verified "d1 -> d31" "$v"
echo "ok kdump -d 1 -> -d 31 -c: $same; $v"
rm -f "$tmp/o" "$tmp"/m-*

# 2. A lower level on a filtered input keeps what the input dropped out:
#    the input's level is added (makedumpfile does the same).
makedumpfile -l -d 1 "$d31" "$tmp/m" >/dev/null 2>&1 || fail "makedumpfile -d 1 of kdump-nocomp-d31 failed"
json=$("$DP" collect --json --message-level 4 --no-log-first -l -d 1 "$d31" "$tmp/o") || fail "collect -d 1 of a -d 31 input failed"
[ "$(json_num "$json" effective_dump_level)" = 31 ] || fail "-d 1 on a -d 31 input: effective level is not 31: $json"
cmp "$tmp/m" "$tmp/o" >/dev/null || fail "-d 1 on a -d 31 input differs from makedumpfile's"
[ "$(served "$tmp/o")" = "$(served "$d31")" ] || fail "-d 1 on a -d 31 input serves another page count"
echo "ok kdump -d 31 re-collected at -d 1 -l: level 31 kept, identical to makedumpfile's"
rm -f "$tmp/o" "$tmp/m"

# 3. flattened -> kdump -z (makedumpfile needs -R first; we read it in place).
json=$("$DP" collect --json --message-level 4 -z "$flat" "$tmp/o") || fail "flattened -> kdump failed"
v=$("$VERIFY" --kdumpfile "$flat" "$tmp/o") || fail "flat -> kdump: $v"
verified "flat -> kdump" "$v"
[ "$(served "$tmp/o")" = "$(served "$flat")" ] || fail "flat -> kdump serves $(served "$tmp/o") pages, input $(served "$flat")"
[ "$(json_num "$json" not_in_input)" = "$mdf_extra" ] ||
	fail "flat -> kdump: pages not explained by the level ($mdf_extra explained above): $json"
echo "ok flattened -d 31 -> kdump -z: same $(served "$tmp/o") pages; $v"
if [ "$mdf_extra" != 0 ]; then
	# Made from makedumpfile's -d 31 file, which lacks slab pages on
	# this kernel: drgn (and anything walking the task list) fails.
	echo "# flat -> kdump: drgn check not run: the input lacks $mdf_extra pages makedumpfile dropped (see above)"
else
	drgn_check "flat -> kdump" "$tmp/o"
	echo "ok flattened -> kdump, $(cat "$tmp/drgn")"
fi
rm -f "$tmp/o"

# 4. kdump -> ELF (-E; makedumpfile refuses it). Pages the input lacks are
#    in no PT_LOAD (holes), never zero-filled data: collect-verify reads
#    every served page from the input, which fails for a page it lacks.
"$DP" collect --message-level 4 -E -d 31 "$zd31" "$tmp/e" || fail "kdump -> ELF failed"
v=$("$VERIFY" --kdumpfile "$zd31" "$tmp/e") || fail "kdump -> ELF: $v"
verified "kdump -> ELF" "$v"
p=$(vfield "$v" present); x=$(vfield "$v" excluded)
[ $((p + x)) = "$(served "$zd31")" ] ||
	fail "kdump -> ELF: $p data + $x zero-excluded pages, input serves $(served "$zd31")"
readelf -lW "$tmp/e" | awk '$1=="LOAD" && $3 ~ /^0xffffffff/' | grep -q . ||
	fail "kdump -> ELF: no kernel-image PT_LOAD"
echo "ok kdump -d 31 -> ELF: $v"
if [ "$mdf_extra" != 0 ]; then
	# Made from makedumpfile's -d 31 file, which lacks slab pages on
	# this kernel: drgn (and anything walking the task list) fails.
	echo "# kdump -> ELF: drgn check not run: the input lacks $mdf_extra pages makedumpfile dropped (see above)"
else
	drgn_check "kdump -> ELF" "$tmp/e"
	echo "ok kdump -> ELF, $(cat "$tmp/drgn")"
fi
"$DP" log "$tmp/e" | grep -q "Kernel panic - not syncing" || fail "kdump -> ELF: log has no panic line"
"$DP" bt "$tmp/e" | grep -q sysrq_handle_crash || fail "kdump -> ELF: bt lacks sysrq_handle_crash"
if why=$(dp_crash_unsupported); then
	# The harness found crash cannot read this kernel at all (recorded
	# in oracle/CRASH-UNSUPPORTED): drgn and the checks above stand in.
	echo "# crash check not run: crash cannot read this kernel's dumps: $why"
else
	dp_need_crash
	printf 'sys\nbt\nq\n' >"$tmp/cmds"
	timeout 300 crash -s "$vmlinux" "$tmp/e" -i "$tmp/cmds" >"$tmp/crash" 2>&1 </dev/null
	grep -q 'PANIC: "Kernel panic - not syncing: sysrq triggered crash"' "$tmp/crash" ||
		fail "crash on kdump -> ELF: no PANIC line: $(head -20 "$tmp/crash")"
	grep -qE "^ ?#[0-9]+ .* sysrq_handle_crash at " "$tmp/crash" ||
		fail "crash bt on kdump -> ELF lacks sysrq_handle_crash"
	echo "ok crash opens the kdump -> ELF output: sys PANIC and bt through sysrq_handle_crash"
fi
rm -f "$tmp/e"

# 5. --split set in, one file out (--reassemble): identical to collecting
#    the full ELF in one go.
"$DP" collect --message-level 4 --split -d 31 -c "$full" "$tmp/s1" "$tmp/s2" || fail "--split failed"
"$DP" collect --message-level 4 --reassemble "$tmp/s1" "$tmp/s2" "$tmp/r" || fail "--reassemble failed"
"$DP" collect --message-level 4 -d 31 -c "$full" "$tmp/o" || fail "collect failed"
cmp "$tmp/r" "$tmp/o" >/dev/null || fail "--reassemble of a --split set differs from the one-file dump"
echo "ok --split set -> --reassemble: identical to the one-file -d 31 -c dump"
rm -f "$tmp"/s1 "$tmp"/s2 "$tmp"/r "$tmp"/o

# 7. An input that lacks the struct page data: a -d 1 -z dump cut at 6M
#    lost page tables and mem_map pages; -d 31 on it must say so and leave
#    no file, -d 1 (what the input has) still works.
"$DP" collect --message-level 0 -L 6M -d 1 -z "$full" "$tmp/cut" && fail "-L 6M did not cut the dump"
"$DP" collect --message-level 4 -d 31 -z "$tmp/cut" "$tmp/o" 2>"$tmp/err" && fail "-d 31 on a cut -d 1 input succeeded"
grep -q "struct page array (mem_map)" "$tmp/err" || fail "-d 31 on a cut input: unclear error: $(cat "$tmp/err")"
[ ! -e "$tmp/o" ] || fail "-d 31 on a cut input left a file behind"
json=$("$DP" collect --json --message-level 4 -d 1 -z "$tmp/cut" "$tmp/o") || fail "-d 1 on a cut -d 1 input failed"
v=$("$VERIFY" "$tmp/cut" "$tmp/o") || fail "cut -> kdump: $v"
[ "$(vfield "$v" mismatches)" = 0 ] || fail "cut -> kdump: $v"
[ "$(json_num "$json" not_in_input)" -gt 0 ] || fail "cut -> kdump: lost pages not reported as not_in_input: $json"
[ "$(json_num "$json" pages_written)" -gt 1000 ] || fail "cut -> kdump: too few pages: $json"
echo "ok a cut -d 1 input: -d 31 refused ($(sed 's/.*: dump level/dump level/' "$tmp/err" | cut -c1-60)...), -d 1 keeps its $(json_num "$json" pages_written) pages, $(json_num "$json" not_in_input) lost ones stay out"

# 6. QEMU dump-guest-memory ELF (physical, with VMCOREINFO) -> kdump -d 31,
#    and QEMU's own kdump (flattened, -d 1) re-filtered: the same pages.
qelf=$(dp_vmcore qemu-panic qemu-elf) && qflat=$(dp_vmcore qemu-panic qemu-kdump-zlib.flat) || {
	echo "# no qemu-panic dumps: QEMU conversion not run"; exit 0; }
"$DP" collect --message-level 4 -d 31 -z "$qelf" "$tmp/q1" || fail "QEMU ELF -> kdump failed"
"$DP" collect --message-level 4 -d 31 -z "$qflat" "$tmp/q2" || fail "QEMU flattened kdump -> kdump failed"
v=$("$VERIFY" --kdumpfile "$qelf" "$tmp/q1") || fail "QEMU ELF -> kdump: $v"
verified "QEMU ELF -> kdump" "$v"
v2=$("$VERIFY" --kdumpfile "$qflat" "$tmp/q2") || fail "QEMU kdump -> kdump: $v2"
verified "QEMU kdump -> kdump" "$v2"
[ "$(served "$tmp/q1")" = "$(served "$tmp/q2")" ] ||
	fail "QEMU: ELF gives $(served "$tmp/q1") pages at -d 31, its kdump $(served "$tmp/q2")"
"$DP" log "$tmp/q1" | grep -q "Kernel panic - not syncing" || fail "QEMU ELF -> kdump: log has no panic line"
echo "ok QEMU ELF and QEMU kdump -> -d 31 -z: same $(served "$tmp/q1") pages; $v"

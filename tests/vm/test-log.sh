#!/bin/sh
# `dontpanic log` on every real dump, line for line against the oracle:
# makedumpfile --dump-dmesg's dmesg.txt written next to each in-guest dump,
# and crash's `log` for QEMU dumps (makedumpfile 1.7.2 cannot read those:
# it trusts QEMU's sub-header phys_base), drgn's where crash cannot read
# the kernel (6.12). Also checks that -m only inserts
# a valid <level> after each record's timestamp.
# usage: test-log.sh DONTPANIC
set -u
DP=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checked=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

scens="sysrq sysrq-kfile null bug softlockup hung panic oom divide opcode listdel warn mutex"
kinds="elf-full elf-d31 kdump-zlib-d31 kdump-lzo-d31 kdump-nocomp-d31
kdump-nocomp-d1 kdump-zlib-d0 flat-zlib-d31"
qkinds="qemu-elf qemu-elf-paging qemu-kdump-zlib qemu-kdump-zlib.flat"

# crash's `log` section from an oracle file (harness "### crash> log"
# sections, or the test bed's verify files where log is last).
crash_log() {	# crash_log ORACLE OUT
	if grep -q '^### crash> log$' "$1"; then
		awk '/^### crash> /{on = ($0 == "### crash> log"); next} on' \
			"$1" >"$2"
	else
		n=$(grep -n '^\[    0\.000000\] Linux version' "$1" | tail -n 1 |
			cut -d: -f1)
		[ -n "$n" ] && tail -n "+$n" "$1" >"$2"
	fi
	[ -s "$2" ]
}

check() {	# check DUMP EXPECTED LABEL
	checked=$((checked + 1))
	"$DP" log "$1" >"$tmp/log" 2>"$tmp/err" ||
		{ fail "$3: log exited $?: $(cat "$tmp/err")"; return; }
	if ! cmp -s "$tmp/log" "$2"; then
		fail "$3: log differs from $2"
		diff "$2" "$tmp/log" | head -n 5
		return
	fi
	# -m: the same lines with <0..7> after the timestamp of each record.
	"$DP" log -m "$1" >"$tmp/logm" || { fail "$3: log -m failed"; return; }
	# (continuation lines are indented 3 more, under the text)
	sed -E 's/^(\[ *[0-9]+\.[0-9]{6}\] )<[0-7]>/\1/; s/^   ( )/\1/' \
		"$tmp/logm" >"$tmp/logm2"
	n=$(grep -c -E '^\[ *[0-9]+\.[0-9]{6}\] <[0-7]>' "$tmp/logm")
	r=$(grep -c -E '^\[ *[0-9]+\.[0-9]{6}\] ' "$tmp/log")
	[ "$n" = "$r" ] && cmp -s "$tmp/logm2" "$tmp/log" ||
		fail "$3: log -m: $n of $r records have a level"
}

for s in $scens; do
	for k in $kinds; do
		d=$(dp_vmcore "$s" "$k") || continue
		dm=$(dirname "$d")/dmesg.txt
		[ -s "$dm" ] || { echo "# $s $k: no dmesg.txt"; continue; }
		check "$d" "$dm" "$s/$k"
	done
done
# crash reads no dump of this kernel (crash 8.0.2 on 6.12): drgn's
# get_dmesg is the oracle.  drgn reads QEMU's paging=true ELF dump only
# (not the flat kdump file; on paging=false files its address
# translation faults), so the three dumps of a scenario are compared
# with drgn's log of its qemu-elf-paging file: QMP takes them one after
# the other of one guest (a panicked one for qemu-panic), whose log does
# not change in between; if it did, the test fails, never passes.
drgn_log() {	# drgn_log SCEN DUMP KIND WHY
	if [ ! -s "$tmp/drgn-$1" ]; then
		p=$(dp_vmcore "$1" qemu-elf-paging) &&
			vml=$(dp_vmlinux "$p") &&
			/usr/bin/python3 "$(dirname "$0")/drgn-dmesg.py" "$p" "$vml" \
				>"$tmp/drgn-$1" 2>"$tmp/drgn-err" && [ -s "$tmp/drgn-$1" ] || {
			rm -f "$tmp/drgn-$1"
			noracle="$1 $3: crash cannot read this kernel ($4), and drgn gave no log: $(head -c 300 "$tmp/drgn-err" 2>/dev/null)"
			return; }
	fi
	echo "# $1 $3: against drgn's log of $1 qemu-elf-paging (crash: $4)"
	check "$2" "$tmp/drgn-$1" "$1/$3 (drgn)"
}
for s in qemu-panic qemu-idle; do
	for k in $qkinds; do
		d=$(dp_vmcore "$s" "$k") || continue
		# The oracle must describe this very file: the harness's
		# oracle for its dumps, the test bed's verify/ for its own.
		b=${s#qemu-}
		[ "$b" = panic ] && b=qemu-panic
		case $d in
		"${DP_VMCORES_FALLBACK:-/nonexistent}"/*)
			o=$DP_VMCORES_FALLBACK/verify/B-${b}__vmcore.$k.crash.txt ;;
		*)
			o=
			command -v dp_oracle >/dev/null &&
				o=$(dp_oracle "$s" "$k" crash) ;;
		esac
		if [ -s "$o" ] && crash_log "$o" "$tmp/crashlog"; then
			check "$d" "$tmp/crashlog" "$s/$k"
		elif why=$(dp_crash_unsupported); then
			drgn_log "$s" "$d" "$k" "$why"
		else
			noracle="no crash oracle file for $s $k (the harness writes it)"
		fi
	done
done
[ "$checked" -gt 0 ] || dp_skip "no real dumps with a dmesg.txt"
echo "# $checked dumps checked, $fails failures"
[ "$fails" = 0 ] || exit 1
[ -z "${noracle:-}" ] || dp_no_oracle "$noracle"

#!/bin/bash
# Test harness-manifest: the real-vmcore cache that tests/vm/harness made is
# whole and says what it holds.  For every MANIFEST row: the file exists, is
# not empty and starts with the magic of its format; every scenario is
# listed; the expected panic message and the crashing task's
# "CPU: n PID: p Comm: c" line appear in each kdump scenario's dmesg.txt
# (serial.log for qemu-panic and qemu-novmci).  Skips when no cache was made; fails when
# the harness ran and failed.
set -u
. "$(dirname "$0")/lib.sh"

root=${DP_VMCORES:-${HOME:-/root}/.cache/dontpanic/vm}
state=$(cat "$(dp_status_file)" 2>/dev/null || echo "none")
case $state in failed*) dp_fail "tests/vm/harness: $state" ;; esac
dir=$(dp_vmdir) || dp_skip "no vmcore cache in $root ($state)"
[ -s "$dir/MANIFEST" ] || dp_skip "$dir has no MANIFEST yet ($state)"

bad=0
nok() { echo "not ok: $*"; bad=$((bad + 1)); }

magic() {	# magic FILE: its first 16 bytes in hex
	head -c 16 "$1" | od -An -tx1 | tr -d ' \n'
}

check_format() {	# check_format FILE FORMAT
	local m
	m=$(magic "$1")
	case $2 in
	elf) [[ $m == 7f454c4602* ]] ;;			# ELF, 64-bit
	kdump) [[ $m == 4b44554d50202020* ]] ;;		# "KDUMP   "
	flattened) [ "$m" = 6d616b6564756d7066696c6500000000 ] ;; # "makedumpfile\0..."
	text) [ "$(head -c 4096 "$1" | tr -d '\000' | wc -c)" = \
		"$(head -c 4096 "$1" | wc -c)" ] ;;
	*) false ;;
	esac
}

header=$(head -n 1 "$dir/MANIFEST")
[ "$header" = "$(printf 'scenario\tkind\tfile\tformat\tpanic\tcomm\tpid\tcpu')" ] ||
	nok "MANIFEST header is '$header'"

rows=0
while IFS=$'\t' read -r scen kind file format panic comm pid cpu; do
	rows=$((rows + 1))
	f=$dir/$file
	if [ ! -s "$f" ]; then
		nok "$file: missing or empty"
		continue
	fi
	check_format "$f" "$format" || nok "$file: not $format (starts $(magic "$f"))"
	[ "$format" = text ] || continue
	[ "$kind" = dmesg ] || [ "$scen" = qemu-panic ] || [ "$scen" = qemu-novmci ] || continue
	grep -qF -- "$panic" "$f" || nok "$file: no '$panic'"
	grep -qE "CPU: $cpu (UID: [0-9]+ )?PID: $pid Comm: $comm( |\$)" "$f" ||
		nok "$file: no 'CPU: $cpu PID: $pid Comm: $comm'"
done < <(tail -n +2 "$dir/MANIFEST")
echo "checked $rows files in $dir/MANIFEST"

for scen in sysrq null bug softlockup hung panic oom qemu-panic qemu-idle qemu-novmci \
    divide opcode listdel warn mutex; do
	cut -f1 "$dir/MANIFEST" | grep -qx "$scen" || nok "scenario $scen not in MANIFEST"
done
[ "$bad" = 0 ] || dp_fail "$bad problems in $dir"
echo "ok: $dir"

#!/bin/sh
# info / vmcoreinfo / rd on real ELF vmcores, checked against the raw note
# text in the file (grep), readelf's note list, crash's `rd -p` (when crash
# and the -dbg vmlinux are installed) and the full dump for a filtered one.
# usage: test-info.sh DONTPANIC
set -u
DP=$1
. "$(dirname "$0")/lib.sh"
full=$(dp_vmcore sysrq elf-full) || dp_skip "no sysrq elf-full dump"
d31=$(dp_vmcore sysrq elf-d31) || dp_skip "no sysrq elf-d31 dump"
qelf=$(dp_vmcore qemu-panic qemu-elf) || qelf=
qpag=$(dp_vmcore qemu-panic qemu-elf-paging) || qpag=
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

jfield() {	# jfield FILE KEY: a top-level JSON value, unquoted
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("null" if v is None else v)' "$1" "$2"
}

# The VMCOREINFO note text sits near the start of every ELF vmcore.
raw_key() {	# raw_key DUMP KEY
	head -c 4194304 "$1" | grep -a -o "$2=[[:print:]]*" | head -n 1 |
		cut -d= -f2-
}

check_info() {	# check_info DUMP PRODUCER
	d=$1
	"$DP" info --json "$d" >"$tmp/info.json" || {
		fail "info --json $d exited $?"; return; }
	[ "$(jfield "$tmp/info.json" format)" = elf ] || fail "$d: format"
	[ "$(jfield "$tmp/info.json" producer)" = "$2" ] ||
		fail "$d: producer $(jfield "$tmp/info.json" producer), want $2"
	for k in OSRELEASE:osrelease BUILD-ID:build_id; do
		want=$(raw_key "$d" "${k%%:*}")
		got=$(jfield "$tmp/info.json" "${k#*:}")
		[ -n "$want" ] && [ "$got" = "$want" ] ||
			fail "$d: ${k#*:} '$got', note text says '$want'"
	done
	want=$(raw_key "$d" KERNELOFFSET)
	got=$(jfield "$tmp/info.json" kaslr_offset)
	[ "$(printf '%x' "$got")" = "$want" ] ||
		fail "$d: kaslr_offset $got, KERNELOFFSET=$want"
	if command -v readelf >/dev/null; then
		want=$(readelf -n "$d" 2>/dev/null | grep -c NT_PRSTATUS)
		got=$(jfield "$tmp/info.json" cpus)
		[ "$got" = "$want" ] ||
			fail "$d: cpus $got, readelf sees $want NT_PRSTATUS"
	fi
	# The raw text printed by `vmcoreinfo` is the note in the file.
	"$DP" vmcoreinfo "$d" >"$tmp/vmci.txt" || fail "vmcoreinfo $d"
	grep -q "^BUILD-ID=$(raw_key "$d" BUILD-ID)\$" "$tmp/vmci.txt" ||
		fail "$d: vmcoreinfo text lacks BUILD-ID"
	echo "ok: info $d"
}

check_info "$full" kernel
check_info "$d31" makedumpfile
[ -n "$qelf" ] && check_info "$qelf" qemu
[ -n "$qpag" ] && check_info "$qpag" qemu

# CPU notes: the crashed task's note (pid from drgn's oracle / the
# harness MANIFEST) has drgn's frame 0 pc as rip; QEMU numbers vCPUs from 1.
cpu_pid_rip() {	# cpu_pid_rip JSON: "pid rip" per note
	python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["cpu_notes"]:
    print(c["pid"], c["rip"], c["from_qemu"])' "$1"
}
nomap=
for kind in elf-full elf-d31; do
	dr=$(dp_oracle sysrq "$kind" drgn 2>/dev/null) || continue
	d=$(dp_vmcore sysrq "$kind") || continue
	cpid=$(awk -F'\t' '$1 == "crashed" { print $2; exit }' "$dr")
	pc0=$(awk -F'\t' '/^### stack/ { s = 1; next } s && $1 == "0" {
		print $3; exit }' "$dr")
	mpid=$(dp_expect sysrq pid 2>/dev/null) || mpid=$cpid
	[ -n "$cpid" ] && [ "$cpid" = "$mpid" ] ||
		fail "oracle pid '$cpid' vs MANIFEST '$mpid'"
	"$DP" info --json "$d" >"$tmp/c.json"
	cpu_pid_rip "$tmp/c.json" >"$tmp/c.txt"
	case $pc0 in
	0x[0-9a-f]*) ;;
	*)	# drgn 0.0.22 does not unwind the panic task of 6.12: the
		# panicking CPU saved its registers in __crash_kexec
		# (crash_setup_regs is inlined there): System.map + KASLR.
		# The -dbg package ships the real System.map next to its
		# vmlinux (/usr/lib/debug/boot/); /boot/System.map-KVER is an
		# 83-byte placeholder saying so.
		map=$(dp_vmlinux "$d" 2>/dev/null | xargs -r readlink -f |
			sed -n 's|/vmlinux-\([^/]*\)$|/System.map-\1|p')
		grep -q ' [tT] __crash_kexec$' "$map" 2>/dev/null ||
			{ nomap="$kind: drgn has no frame 0 and there is no System.map with __crash_kexec ('$map'): CPU note rip not checked"; continue; }
		off=$(raw_key "$d" KERNELOFFSET)
		rip=$(awk -v p="$cpid" '$1 == p { print $2; exit }' "$tmp/c.txt")
		fn=$(python3 -c 'import sys
rip = int(sys.argv[2], 16) - int(sys.argv[3], 16)
best = None
for l in open(sys.argv[1]):
    a, t, n = l.split()[:3]
    if t in "tT" and int(a, 16) <= rip:
        best = n
print(best)' "$map" "${rip:-0}" "$off")
		[ "$fn" = __crash_kexec ] ||
			fail "$d: CPU note of pid $cpid: rip ${rip:-none} is in $fn, not __crash_kexec (System.map)"
		echo "ok: $kind: CPU note pid $cpid rip $rip in __crash_kexec (System.map; drgn has no frame 0)"
		continue ;;
	esac
	grep -q "^$cpid $pc0 False\$" "$tmp/c.txt" ||
		fail "$d: no CPU note with pid $cpid and rip $pc0: $(cat "$tmp/c.txt")"
	echo "ok: $kind: CPU note pid $cpid rip $pc0 as drgn"
done
if [ -n "$qelf" ]; then
	"$DP" info --json "$qelf" >"$tmp/q.json"
	cpu_pid_rip "$tmp/q.json" | awk '{ n++; if ($1 != n || $3 != "True")
		bad = 1 } END { exit bad || n < 1 }' ||
		fail "QEMU CPU notes: $(cpu_pid_rip "$tmp/q.json")"
fi

# CRASHTIME is the crash time (kdump dumps only).
"$DP" info --json "$full" >"$tmp/full.json"
[ "$(jfield "$tmp/full.json" crash_time)" = "$(raw_key "$full" CRASHTIME)" ] ||
	fail "crash_time differs from CRASHTIME"

# The filtered dump covers the same pfns; present + excluded = full.
"$DP" info --json "$d31" >"$tmp/d31.json"
p_full=$(jfield "$tmp/full.json" pages_present)
p31=$(jfield "$tmp/d31.json" pages_present)
x31=$(jfield "$tmp/d31.json" pages_excluded)
[ $((p31 + x31)) -eq "$p_full" ] && [ "$x31" -gt 0 ] && [ "$p31" -gt 0 ] ||
	fail "page counts: d31 $p31 + $x31 vs full $p_full"

# Sample pfns across memory: a page present in -d 31 reads equal to the
# full dump; a missing one says "excluded" and the full dump has it.
max=$(jfield "$tmp/full.json" max_pfn)
step=$((max / 80))
npresent=0; nexcluded=0; pfn=0; ptest1=0; ptest2=0; xtest=0
while [ "$pfn" -lt "$max" ]; do
	a=$(printf '0x%x' $((pfn * 4096)))
	if "$DP" rd -p "$a" 512 "$d31" >"$tmp/a" 2>"$tmp/err"; then
		"$DP" rd -p "$a" 512 "$full" >"$tmp/b" 2>&1 ||
			fail "pfn $pfn present in d31 but not in full"
		cmp -s "$tmp/a" "$tmp/b" || fail "pfn $pfn differs d31/full"
		npresent=$((npresent + 1))
		ptest2=$ptest1; ptest1=$pfn
	elif grep -q ": excluded" "$tmp/err"; then
		"$DP" rd -p "$a" 512 "$full" >/dev/null 2>&1 ||
			fail "pfn $pfn excluded in d31 and missing in full"
		nexcluded=$((nexcluded + 1))
		xtest=$pfn
	elif ! grep -q ": not in dump" "$tmp/err"; then
		fail "pfn $pfn: $(cat "$tmp/err")"
	fi
	pfn=$((pfn + step))
done
echo "sampled pfns: $npresent present, $nexcluded excluded"
[ "$npresent" -gt 5 ] && [ "$nexcluded" -gt 5 ] ||
	fail "sample did not hit both present and excluded pages"

# rd -p against crash's rd -p, byte for byte (lines with an address).
# crash 8.0.2 reads no 6.12 dump: there drgn's physical reads of the ELF
# dumps are the oracle, value for value (drgn-rd.py).
noracle=
oracle=crash
vmlinux=$(dp_vmlinux "$full") || noracle=$(dp_vmlinux_why "$full")
command -v crash >/dev/null || noracle="crash is not installed"
if why=$(dp_crash_unsupported); then
	oracle=drgn noracle=
	echo "note: rd -p compared with drgn, not crash: $why"
	/usr/bin/python3 -c 'import drgn' 2>/dev/null ||
		noracle="crash cannot read this kernel and drgn (python3-drgn) is not installed"
fi
our_rd() {	# our_rd DUMP: our output of the rd commands in $tmp/cmds
	: >"$tmp/ours.txt"
	while read -r cmd; do
		# shellcheck disable=SC2086
		"$DP" $cmd "$1" >>"$tmp/ours.txt" 2>&1 ||
			fail "our $cmd $1 failed"
	done <"$tmp/cmds"
}
rd_compare() {	# rd_compare DUMP: rd commands on stdin, vs crash or drgn
	cat >"$tmp/cmds"
	our_rd "$1"
	if [ "$oracle" = drgn ]; then
		if /usr/bin/python3 "$(dirname "$0")/drgn-rd.py" "$1" \
			<"$tmp/ours.txt" >"$tmp/drgn.txt" 2>&1; then
			echo "ok: rd on $1 matches drgn ($(tail -n 1 "$tmp/drgn.txt"))"
		else
			fail "rd -p output on $1 differs from drgn:"
			head -20 "$tmp/drgn.txt"
		fi
		return
	fi
	crash -s "$vmlinux" "$1" -i "$tmp/cmds" </dev/null 2>&1 |
		grep -E '^ *[0-9a-f]+:  ' >"$tmp/crash.txt"
	if [ ! -s "$tmp/crash.txt" ]; then
		fail "crash printed no rd lines for $1"
	elif ! cmp -s "$tmp/crash.txt" "$tmp/ours.txt"; then
		fail "rd -p output on $1 differs from crash:"
		diff "$tmp/crash.txt" "$tmp/ours.txt" | head -20
	else
		echo "ok: rd on $1 matches crash ($(wc -l <"$tmp/crash.txt") lines)"
	fi
}
# A page we call excluded must lie in p_filesz..p_memsz, which crash and
# drgn both read as zeros (plain ELF rules).
excluded_zeros() {	# excluded_zeros DUMP PADDR
	if [ "$oracle" = drgn ]; then
		/usr/bin/python3 -c 'import drgn, sys
p = drgn.Program(); p.set_core_dump(sys.argv[1])
sys.exit(p.read(int(sys.argv[2], 16), 4096, True) != bytes(4096))' "$1" "$2"
		return
	fi
	echo "rd -p $2 512" >"$tmp/xcmd"
	crash -s "$vmlinux" "$1" -i "$tmp/xcmd" </dev/null 2>&1 |
		grep -E '^ *[0-9a-f]+:  ' >"$tmp/x.txt"
	[ "$(wc -l <"$tmp/x.txt")" -eq 256 ] &&
	! grep -v '0000000000000000 0000000000000000' "$tmp/x.txt" | grep -q .
}
if [ -z "$noracle" ]; then
	ktext=$(readelf -l -W "$full" | awk '$1 == "LOAD" { print $4; exit }')
	kt=$(printf '0x%x' $((ktext + 0x1230)))
	rd_compare "$full" <<EOC
rd -p 0x1000 8
rd -p 0x1ffff8 4
rd -p $kt 9
rd -8 -p $kt 21
rd -16 -p $kt 13
rd -32 -p $kt 7
rd -64 -p 0x9f000 3
EOC
	rd_compare "$d31" <<EOC
rd -p $(printf '0x%x' $((ptest1 * 4096 + 8))) 6
rd -32 -p $(printf '0x%x' $((ptest2 * 4096))) 9
rd -p $kt 4
EOC
	a=$(printf '0x%x' $((xtest * 4096)))
	excluded_zeros "$d31" "$a" ||
		fail "excluded pfn $xtest not zeros in $oracle"
	# QEMU paging=true: many overlapping PT_LOADs with virtual addresses
	# (the paging=false file has one PT_LOAD per RAM block, vaddr 0, and
	# is read by the same code).
	if [ -n "$qpag" ]; then
		rd_compare "$qpag" <<EOC
rd -p 0x1000 4
rd -p 0x9eff8 6
rd -p 0x1001230 5
rd -16 -p 0x2000000 9
rd -32 -p 0x3000010 9
EOC
	fi
fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
# The self-checks passed; the comparisons with the oracles must have run.
[ -z "$noracle" ] || dp_no_oracle "rd -p not compared to $oracle: $noracle"
[ -z "$nomap" ] || dp_no_oracle "$nomap"
echo "all ok"

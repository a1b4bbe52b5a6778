#!/bin/sh
# Dumps without VMCOREINFO (scenario qemu-novmci: QEMU without -device
# vmcoreinfo). dontpanic finds the kernel from CR3 and the page tables,
# kallsyms and BTF by scanning, and derives a VMCOREINFO. Checked against
# sources that do not come from that derivation:
#  - the scanners, run on dumps WITH a VMCOREINFO note, find the very
#    kallsyms tables the kernel's note names, and the BTF kallsyms names;
#  - the dump really has no VMCOREINFO note (readelf -n, `vmcoreinfo`);
#  - KERNELOFFSET = the "Kernel Offset:" line the guest printed on the
#    serial console; BUILD-ID and release = the -dbg vmlinux's;
#  - every SIZE/OFFSET/LENGTH of the derived VMCOREINFO equals the kernel's
#    own note in qemu-panic (same kernel), every SYMBOL the same minus KASLR;
#  - every kallsyms symbol = nm of the -dbg vmlinux shifted by the serial
#    console's offset (kallsyms-nm.py);
#  - `log` = crash's `log` (crash 8.0.2 with the -dbg vmlinux, oracle) line
#    for line, and every kernel line of the serial console is in it;
#  - crash's bt frame addresses (its own KASLR), `p jiffies`, `kmem -i`
#    TOTAL MEM and FREE pages (where crash cannot read the kernel, 6.12,
#    and drgn needs VMCOREINFO: bt's return addresses = the console's
#    trace function+offset, by nm and the console's KASLR);
#  - `sys` and `bt -a` name the panic and the task of the MANIFEST;
#  - damaged copies give clear errors where the damage matters.
# usage: test-novmci.sh DONTPANIC SCAN-CHECK
set -u
DP=$1 SCAN=$2
here=$(dirname "$0")
. "$here/lib.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checked=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
key() { sed -n "s/^$2=//p" "$1" | head -n 1; }	# key FILE KEY
hexsub() {
	/usr/bin/python3 -c 'import sys; print("%x" % ((int(sys.argv[1], 16) - int(sys.argv[2], 16)) % 2**64))' "$1" "$2"
}

# 1. The scanners on dumps that have a note: same tables as the note says.
for sk in qemu-panic:qemu-elf sysrq:kdump-zlib-d31; do
	d=$(dp_vmcore "${sk%%:*}" "${sk#*:}") || continue
	"$DP" vmcoreinfo "$d" > "$tmp/note" || { fail "$sk: vmcoreinfo"; continue; }
	"$SCAN" "$d" > "$tmp/scan" 2> "$tmp/err" || { fail "$sk: scan: $(cat "$tmp/err")"; continue; }
	for t in offsets relative_base num_syms names token_table token_index; do
		want=$(key "$tmp/note" "SYMBOL(kallsyms_$t)")
		got=$(key "$tmp/scan" "SYMBOL(kallsyms_$t)")
		[ -n "$want" ] && [ "$got" = "$want" ] ||
			fail "$sk: kallsyms_$t scanned at '$got', VMCOREINFO says '$want'"
	done
	for b in start:__start_BTF end:__stop_BTF; do
		want=$("$DP" sym "${b#*:}" "$d" | cut -d' ' -f1)
		got=$(key "$tmp/scan" "BTF_$(echo "${b%%:*}" | tr a-z A-Z)")
		[ -n "$want" ] && [ "$got" = "$want" ] ||
			fail "$sk: BTF ${b%%:*} scanned at '$got', ${b#*:} is '$want'"
	done
	checked=$((checked + 1))
done

# The kernel's own VMCOREINFO of the same kernel (qemu-panic).
ref=$(dp_vmcore qemu-panic qemu-elf) && "$DP" vmcoreinfo "$ref" > "$tmp/ref" || ref=
# No VMCOREINFO: the vmlinux is the harness kernel's, by build-id (lib.sh
# falls back to kernel.env's BUILD_ID); missing, the nm and crash checks
# cannot run: noracle says why (a FAILURE under CI at the end).
noracle=
nd=$(dp_vmcore qemu-novmci qemu-elf) || nd=
vmlinux=
if [ -n "$nd" ]; then
	vmlinux=$(dp_vmlinux "$nd") || noracle=$(dp_vmlinux_why "$nd")
fi
[ -z "$vmlinux" ] || nm -n "$vmlinux" > "$tmp/nm" || fail "nm $vmlinux"
serial=$(dp_vmfile qemu-novmci serial.log) || serial=

for k in qemu-elf qemu-elf-paging qemu-kdump-zlib.flat; do
	d=$(dp_vmcore qemu-novmci "$k") || continue
	checked=$((checked + 1))
	# 2. no note
	case $k in qemu-elf*)
		readelf -n "$d" | grep -q VMCOREINFO && fail "$k: has a VMCOREINFO note" ;;
	esac
	"$DP" vmcoreinfo "$d" > /dev/null 2>&1 && fail "$k: vmcoreinfo found a note"
	"$DP" vmcoreinfo -d "$d" > "$tmp/der" 2> "$tmp/err" ||
		{ fail "$k: vmcoreinfo -d: $(cat "$tmp/err")"; continue; }
	off=$(key "$tmp/der" KERNELOFFSET)
	# 3. KASLR offset from the guest's own console
	if [ -n "$serial" ]; then
		con=$(sed -n 's/.*Kernel Offset: 0x\([0-9a-f]*\) from .*/\1/p' "$serial" | tail -n 1)
		[ -n "$con" ] && [ "$off" = "$con" ] ||
			fail "$k: KERNELOFFSET $off, the console says 0x$con"
	fi
	[ "$(key "$tmp/der" BUILD-ID)" = "$(dp_kernel BUILD_ID)" ] ||
		fail "$k: BUILD-ID $(key "$tmp/der" BUILD-ID) is not the vmlinux's"
	[ "$(key "$tmp/der" OSRELEASE)" = "$(dp_kernel KVER)" ] ||
		fail "$k: OSRELEASE $(key "$tmp/der" OSRELEASE)"
	# 4. the derived keys against the kernel's own note
	if [ -n "$ref" ]; then
		roff=$(key "$tmp/ref" KERNELOFFSET) n=0
		while IFS='=' read -r kk v; do
			w=$(key "$tmp/ref" "$kk")
			case $kk in
			SYMBOL\(mem_section\) | KERNELOFFSET | NUMBER\(phys_base\)) continue ;;
			# Keys this kernel no longer exports (6.9 dropped the
			# vmap_area ones): nothing to compare with.
			OFFSET* | SIZE* | LENGTH*) [ -n "$w" ] || { echo "# $k: $kk: not in the kernel's note"; continue; } ;;
			SYMBOL*) [ -n "$w" ] && v=$(hexsub "$v" "$off") && w=$(hexsub "$w" "$roff") ;;
			esac
			n=$((n + 1))
			[ "$v" = "$w" ] || fail "$k: derived $kk=$v, the kernel's note (less KASLR): '$w'"
		done < "$tmp/der"
		[ "$n" -ge 80 ] || fail "$k: only $n derived keys compared"
	fi
	# 5. every symbol against nm, shifted by the console's offset
	if [ -n "$vmlinux" ] && [ -n "$serial" ]; then
		"$DP" sym -l -V "$d" > "$tmp/syms" 2> "$tmp/err" || fail "$k: sym -l: $(cat "$tmp/err")"
		/usr/bin/python3 "$here/kallsyms-nm.py" --vmlinux="$vmlinux" "$tmp/nm" "$k:$tmp/syms:$con" ||
			fail "$k: sym -l differs from nm"
	fi
	# 6. log vs crash, and vs the serial console
	"$DP" log "$d" > "$tmp/log" 2> "$tmp/err" || fail "$k: log: $(cat "$tmp/err")"
	# crash reads no dump of 6.12 and drgn none without VMCOREINFO:
	# there the serial console (below) is the log's only oracle, and
	# bt/jiffies/kmem are not compared (step 5 checked every symbol).
	if why=$(dp_crash_unsupported); then
		o=
		echo "# $k: log, bt, p jiffies, kmem -i NOT compared with crash ($why); log and bt vs the serial console only"
		[ -n "$serial" ] && [ -n "$vmlinux" ] ||
			noracle="qemu-novmci $k: crash cannot read this kernel and there is no serial.log or vmlinux: log and bt not checked"
		# bt's return addresses: the console's trace (%pB: the return
		# address as function+offset) with nm and the console's KASLR.
		for fn in sysrq_handle_crash write_sysrq_trigger; do
			[ -n "$serial" ] && [ -n "$vmlinux" ] || break
			want=$(grep -a -m1 " $fn+0x" "$serial" | sed 's/.*+\(0x[0-9a-f]*\)\/.*/\1/')
			at=$("$DP" bt -a "$d" | grep -m1 " $fn at " | sed 's/.* at //')
			base=$(awk -v f="$fn" '$3 == f { print $1; exit }' "$tmp/nm")
			got=$(/usr/bin/python3 -c 'import sys; print(hex(int(sys.argv[1], 16) - int(sys.argv[2], 16) - int(sys.argv[3], 16)))' \
				"${at:-0}" "$con" "${base:-0}")
			[ -n "$want" ] && [ -n "$at" ] && [ "$got" = "$want" ] ||
				fail "$k: bt $fn at '$at' = $fn+$got (nm, console KASLR), the console says +'$want'"
		done
	else
		o=$(dp_oracle qemu-novmci "$k" crash) ||
			noracle="no crash oracle file for qemu-novmci $k (the harness writes it)"
	fi
	if [ -n "$o" ]; then
		awk '/^### crash> log$/ {f = 1; next} /^### crash> / {f = 0} f' "$o" > "$tmp/crashlog"
		[ -s "$tmp/crashlog" ] || fail "$k: no log in $o"
		cmp -s "$tmp/crashlog" "$tmp/log" ||
			fail "$k: log differs from crash's: $(diff "$tmp/crashlog" "$tmp/log" | head -n 3)"
		# crash's own KASLR (IDTR + vmlinux): the same frame addresses.
		for fn in sysrq_handle_crash write_sysrq_trigger; do
			want=$(grep -m1 " $fn at " "$o" | sed 's/.* at //')
			got=$("$DP" bt -a "$d" | grep -m1 " $fn at " | sed 's/.* at //')
			[ -n "$want" ] && [ "$got" = "$want" ] ||
				fail "$k: bt $fn at '$got', crash says '$want'"
		done
		want=$(grep -A1 '^### crash> p jiffies$' "$o" | tail -n 1)
		got=$("$DP" p jiffies "$d")
		[ "$got" = "$want" ] || fail "$k: p jiffies '$got', crash '$want'"
		for row in "TOTAL MEM" FREE; do
			want=$(grep -m1 "^ *$row " "$o" | sed "s/^ *$row *//" | cut -d' ' -f1)
			got=$("$DP" kmem -i "$d" | grep -m1 "^ *$row " | sed "s/^ *$row *//" | cut -d' ' -f1)
			[ -n "$want" ] && [ "$got" = "$want" ] ||
				fail "$k: kmem -i $row '$got' pages, crash '$want'"
		done
	fi
	if [ -n "$serial" ]; then
		# Continuation lines of a record get the record's timestamp.
		awk '/^\[/ {p = substr($0, 1, 15); print; next}
		     /^               / {print p substr($0, 16)}' "$tmp/log" > "$tmp/logts"
		grep -aE '^\[ *[0-9]+\.[0-9]+\] ' "$serial" | tr -d '\r' > "$tmp/con"
		miss=$(grep -cvxFf "$tmp/logts" "$tmp/con")
		[ "$(wc -l < "$tmp/con")" -gt 100 ] && [ "$miss" = 0 ] ||
			fail "$k: $miss console lines not in the log: $(grep -vxFf "$tmp/logts" "$tmp/con" | head -n 2)"
	fi
	# 7. sys and bt -a against the MANIFEST
	pid=$(dp_expect qemu-novmci pid) comm=$(dp_expect qemu-novmci comm)
	panic=$(dp_expect qemu-novmci panic)
	"$DP" sys "$d" > "$tmp/sys" 2> "$tmp/err" || fail "$k: sys: $(cat "$tmp/err")"
	grep -qxF "       PANIC: \"$panic\"" "$tmp/sys" || fail "$k: sys PANIC: $(grep PANIC "$tmp/sys")"
	grep -qxF "         PID: $pid" "$tmp/sys" || fail "$k: sys PID"
	grep -qxF "     COMMAND: \"$comm\"" "$tmp/sys" || fail "$k: sys COMMAND"
	"$DP" bt -a "$d" > "$tmp/bt" 2> "$tmp/err" || fail "$k: bt -a: $(cat "$tmp/err")"
	grep -q "^PID: $pid .*COMMAND: \"$comm\"" "$tmp/bt" || fail "$k: bt -a has no $pid $comm"
	grep -q ' sysrq_handle_crash at ' "$tmp/bt" || fail "$k: bt -a: no sysrq_handle_crash frame"
done
# 8. Damaged copies: a clear error for what needs the damaged part, the
# rest keeps working. (a) the kallsyms token index zeroed: no kernel
# description, physical reads still work; (b) the BTF header zeroed:
# symbols work, types and the log (its layout comes from BTF) say why not.
poke() {	# poke COPY VADDR_HEX BYTES: through the text mapping
	pa=$(/usr/bin/python3 -c 'import sys; print("%x" % (int(sys.argv[1], 16) - 0xffffffff80000000 + int(sys.argv[2])))' \
		"$2" "$(key "$tmp/der0" 'NUMBER(phys_base)')")
	/usr/bin/python3 "$here/elf-poke.py" "$1" "$pa" "$3"
}
if d=$(dp_vmcore qemu-novmci qemu-elf); then
	"$DP" vmcoreinfo -d "$d" > "$tmp/der0"
	crashfn=$("$DP" sym sysrq_handle_crash "$d")
	v=$tmp/damaged
	cp --sparse=always "$d" "$v" && chmod u+w "$v" &&
		poke "$v" "$(key "$tmp/der0" 'SYMBOL(kallsyms_token_index)')" zero:512 ||
		fail "damaged copy (a)"
	"$DP" sym _text "$v" > /dev/null 2> "$tmp/err" && fail "(a) sym worked"
	grep -q 'kernel was not found in memory: no kallsyms tables' "$tmp/err" ||
		fail "(a) sym: $(cat "$tmp/err")"
	"$DP" log "$v" > /dev/null 2> "$tmp/err" && fail "(a) log worked"
	grep -q 'no kallsyms tables' "$tmp/err" || fail "(a) log: $(cat "$tmp/err")"
	[ "$("$DP" rd -p 1000 "$v")" = "$("$DP" rd -p 1000 "$d")" ] || fail "(a) rd -p"
	cp --sparse=always "$d" "$v" && chmod u+w "$v" &&
		poke "$v" "$("$DP" sym __start_BTF "$d" | cut -d' ' -f1)" 00000000 ||
		fail "damaged copy (b)"
	[ "$("$DP" sym sysrq_handle_crash "$v")" = "$crashfn" ] || fail "(b) sym"
	"$DP" struct printk_info "$v" > /dev/null 2> "$tmp/err" && fail "(b) struct worked"
	grep -q 'bad BTF magic' "$tmp/err" || fail "(b) struct: $(cat "$tmp/err")"
	"$DP" log "$v" > /dev/null 2> "$tmp/err" && fail "(b) log worked"
	grep -q 'layout comes from BTF: .*bad BTF magic' "$tmp/err" ||
		fail "(b) log: $(cat "$tmp/err")"
	rm -f "$v"
fi

[ "$checked" -gt 0 ] || dp_skip "no qemu-novmci or qemu-panic dumps"
echo "# $checked dumps checked, $fails failures"
[ "$fails" = 0 ] || exit 1
[ -z "$noracle" ] || dp_no_oracle "$noracle"

#!/bin/sh
# `dontpanic sym -l` (kallsyms decoded from the dump, no vmlinux) against
# `nm -n` of the matching -dbg vmlinux shifted by KERNELOFFSET, every
# symbol (kallsyms-nm.py), on every real dump with VMCOREINFO; then a few
# `sym NAME` / `sym ADDR` lookups checked against the same nm listing.
# usage: test-kallsyms.sh DONTPANIC
set -u
DP=$1
here=$(dirname "$0")
. "$here/lib.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checked=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

scens="sysrq sysrq-kfile null bug softlockup hung panic oom qemu-panic qemu-idle"
kinds="elf-full elf-d31 kdump-zlib-d31 kdump-lzo-d31 kdump-nocomp-d31
kdump-nocomp-d1 kdump-zlib-d0 flat-zlib-d31 qemu-elf qemu-elf-paging
qemu-kdump-zlib qemu-kdump-zlib.flat"

vmci() {	# vmci DUMP KEY
	"$DP" vmcoreinfo "$1" | sed -n "s/^$2=//p" | head -n 1
}

hexadd() {	# hexadd HEX HEX: 64-bit sum, in hex
	/usr/bin/python3 -c 'import sys; print("%x" % ((int(sys.argv[1], 16) + int(sys.argv[2], 16)) % 2**64))' "$1" "$2"
}

lookups() {	# lookups DUMP LABEL VMLINUX KASLR
	d=$1
	[ -n "$crash_fn" ] ||
		crash_fn=$(nm "$3" | awk '$3 == "sysrq_handle_crash" {print $1}')
	a=$(hexadd "$crash_fn" "$4")
	out=$("$DP" sym sysrq_handle_crash "$d")
	[ "$out" = "$a (t) sysrq_handle_crash" ] || fail "$2: sym name: $out"
	in=$(hexadd "$a" 16)
	out=$("$DP" sym "$in" "$d")
	[ "$out" = "$in (t) sysrq_handle_crash+22" ] || fail "$2: sym addr: $out"
	if "$DP" sym ffffffffc0000000 "$d" >/dev/null 2>"$tmp/err" ||
	   ! grep -q 'invalid address: ffffffffc0000000' "$tmp/err"; then
		fail "$2: sym of a module-space address: $(cat "$tmp/err")"
	fi
}

vmlinux= args= crash_fn=
for s in $scens; do
	for k in $kinds; do
		d=$(dp_vmcore "$s" "$k") || continue
		# The -dbg vmlinux must be the very kernel that was dumped.
		v=$(dp_vmlinux "$d") || dp_no_oracle "$(dp_vmlinux_why "$d")"
		[ -z "$vmlinux" ] || [ "$vmlinux" = "$v" ] ||
			{ echo "# $s/$k: another kernel, skipped"; continue; }
		vmlinux=$v
		checked=$((checked + 1))
		off=$(vmci "$d" KERNELOFFSET)
		f=$tmp/syms.$checked
		"$DP" sym -l -V "$d" >"$f" 2>"$tmp/err" ||
			{ fail "$s/$k: sym -l exited $?: $(cat "$tmp/err")"; continue; }
		args="$args $s/$k:$f:$off"
		lookups "$d" "$s/$k" "$v" "$off"
	done
done
[ "$checked" -gt 0 ] || dp_skip "no real dumps with a matching vmlinux"
nm -n "$vmlinux" >"$tmp/nm" || fail "nm $vmlinux"
# shellcheck disable=SC2086 # args is a list of words without spaces
/usr/bin/python3 "$here/kallsyms-nm.py" --vmlinux="$vmlinux" "$tmp/nm" $args ||
	fail "sym -l differs from nm"
echo "# $checked dumps checked, $fails failures"
[ "$fails" = 0 ]

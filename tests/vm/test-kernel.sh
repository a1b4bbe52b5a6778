#!/bin/sh
# The kernel commands (sys, mod, ps, bt, kmem -i) on real vmcores:
#  - kdump dumps (sysrq, null, hung, softlockup (panic on the IRQ stack),
#    oom (user page fault), bug): sys, mod and kmem -i equal crash's
#    (SHARED and SLAB: drgn's counters, see check-kernel.py), the task
#    list and the stacks of the panic task and of every sleeping task equal
#    drgn's (both with the -dbg vmlinux; see check-kernel.py);
#  - QEMU dumps (qemu-panic, qemu-idle; ELF and flattened kdump-zlib):
#    bt -a starts each CPU at its note's rip and reaches a stack bottom;
#  - a copy of null/elf-d31 with a cycle in the task list: ps warns and
#    keeps the tasks before the cycle and the running ones.
# SKIPs (77) when no dump is found; crash, drgn or the dump's vmlinux
# missing is a FAILURE under CI, a loud SKIP elsewhere (lib.sh dp_no_oracle).
DP=${1:?usage: test-kernel.sh DONTPANIC}
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
rc=0 ran=0

# crash that reads none of this kernel's dumps (harness oracle step):
# check-kernel.py then compares with drgn only and says so.
if why=$(dp_crash_unsupported); then
	DP_CRASH_UNSUPPORTED=$why
	export DP_CRASH_UNSUPPORTED
fi

# The oracles must run: crash and drgn with the vmlinux of each dump (by
# build-id). Missing, they fail the test under CI and skip it elsewhere.
for sk in sysrq:kdump-zlib-d31 null:elf-d31 hung:kdump-zlib-d31 \
    softlockup:kdump-zlib-d31 oom:kdump-zlib-d31 bug:kdump-zlib-d31; do
	dump=$(dp_vmcore "${sk%%:*}" "${sk#*:}") || continue
	[ $ran -gt 0 ] || { [ -n "${DP_CRASH_UNSUPPORTED:-}" ] || dp_need_crash; dp_need_drgn; }
	# makedumpfile 1.7.2's -d 31 kdump files of 6.10+ lack slab pages
	# (task structs: docs/collect.md, "Page types"), its ELF file of the
	# same crash has them: take that one then.
	if "$DP" bt "$dump" 2>&1 >/dev/null | grep -q "excluded (dump level" &&
		e=$(dp_vmcore "${sk%%:*}" elf-d31) && [ "$e" != "$dump" ] &&
		! "$DP" bt "$e" 2>&1 >/dev/null | grep -q "excluded (dump level"; then
		echo "# $sk lacks task pages makedumpfile dropped: ${sk%%:*}:elf-d31 instead"
		dump=$e sk=${sk%%:*}:elf-d31
	fi
	vmlinux=$(dp_vmlinux "$dump") || dp_no_oracle "$(dp_vmlinux_why "$dump")"
	ran=$((ran + 1))
	echo "# $sk (vmlinux $vmlinux)"
	# The harness keeps crash's output (sys, mod, kmem -i...) per dump.
	saved=
	vmdir=$(dp_vmdir) && case $dump in "$vmdir"/*)
		saved=$(dp_vmfile oracle "${sk%%:*}.${sk#*:}.crash.txt") ;;
	esac
	$py "$here/check-kernel.py" kdump "$DP" "$dump" "$vmlinux" \
		$saved || rc=1
done

for sk in qemu-panic:qemu-elf qemu-idle:qemu-elf; do
	dump=$(dp_vmcore "${sk%%:*}" "${sk#*:}") || continue
	ran=$((ran + 1))
	echo "# $sk"
	$py "$here/check-kernel.py" qemu "$DP" "$dump" || rc=1
	# The same guest as a flattened kdump-zlib file: the same CPU notes.
	flat=$(dp_vmcore "${sk%%:*}" qemu-kdump-zlib.flat) || continue
	echo "# ${sk%%:*}:qemu-kdump-zlib.flat"
	$py "$here/check-kernel.py" qemu "$DP" "$flat" "$dump" || rc=1
done

# Damage: a cycle in the task list costs the tasks behind it, not ps.
if dump=$(dp_vmcore null elf-d31); then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "# null:elf-d31 with a task list cycle"
	# A task halfway down the list that is neither idle nor running.
	pid=$("$DP" ps --json "$dump" | $py -c 'import json, sys
t = [x["pid"] for x in json.load(sys.stdin) if x["pid"] and not x["active"]]
print(t[len(t) // 2])')
	if $py "$here/damage-tasks.py" "$DP" "$dump" "$tmp/bad.elf" "$pid"; then
		$py "$here/check-kernel.py" damaged "$DP" "$dump" \
			"$tmp/bad.elf" "$pid" || rc=1
	else
		echo "FAIL: could not make the damaged copy"
		rc=1
	fi
fi

[ $ran -gt 0 ] || dp_skip "no vmcores found"
exit $rc

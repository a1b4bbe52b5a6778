#!/bin/sh
# The DWARF CFI unwinder (bt --vmlinux) on every dump of the harness:
# the same frames as ORC alone, CFI used for every vmlinux frame that has
# an FDE, the panic task equal to drgn's saved trace, and (one dump per
# scenario) bt -a equal to drgn's live trace; the NMI handler's frames of
# the CPUs kdump stopped equal crash's bt -a; a wrong vmlinux falls back
# to ORC with the build-id warning. See check-cfi.py.
# SKIPs (77) when no dump is found; drgn, crash or the dumps' vmlinux (by
# build-id) missing is a FAILURE under CI, a loud SKIP elsewhere.
DP=${1:?usage: test-cfi.sh DONTPANIC}
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
vmdir=$(dp_vmdir) || dp_skip "no harness cache"
[ -s "$vmdir/MANIFEST" ] || dp_skip "no MANIFEST"

set --
while read -r scen kind file format rest; do
	case $format in kdump|elf|flattened) ;; *) continue ;; esac
	# Dumps without VMCOREINFO (qemu-novmci) have no kallsyms: no bt.
	case $scen in sysrq|null|bug|softlockup|hung|panic|oom) ;;
	qemu-panic|qemu-idle) ;; *) continue ;; esac
	dump=$(dp_vmcore "$scen" "$kind") || continue
	# drgn 0.0.22 cannot read QEMU dumps (its saved traces are empty or
	# wrong: docs/kernel-commands.md): ORC vs CFI only there.
	saved= flag=
	crash=$(dp_oracle "$scen" "$kind" crash) || crash=
	case $scen in qemu-*) ;; *)
		saved=$(dp_oracle "$scen" "$kind" drgn) || saved=
		# drgn live once per scenario, on the kdump-zlib-d31 dump.
		[ "$kind" = kdump-zlib-d31 ] && flag=:live ;;
	esac
	set -- "$@" "$dump:$saved:$crash$flag"
done <"$vmdir/MANIFEST"
[ $# -gt 0 ] || dp_skip "no vmcores found"
[ -x /usr/bin/drgn ] || dp_no_oracle "no /usr/bin/drgn (python3-drgn)"
dp_need_crash
# One harness run, one kernel: the first dump's vmlinux (by build-id) is
# every dump's (check-cfi.py fails on a build-id warning with it).
first=${1%%:*}
vmlinux=$(dp_vmlinux "$first") || dp_no_oracle "$(dp_vmlinux_why "$first")"
echo "# vmlinux $vmlinux (build-id $(dp_elf_buildid "$vmlinux"))"
# Any ELF with a build-id that is not the kernel's: our own binary.
exec /usr/bin/python3 "$here/check-cfi.py" "$DP" "$vmlinux" "$DP" "$@"

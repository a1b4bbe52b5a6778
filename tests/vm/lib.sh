# tests/vm/lib.sh - find real vmcores for the tests in tests/vm.
# Minimal version (the harness helper owns and extends this file). POSIX sh:
#
#	. "$(dirname "$0")/lib.sh"
#	dump=$(dp_vmcore sysrq elf-full) || dp_skip "no sysrq dump"
#
#   dp_vmdir              the current kernel's cache directory
#   dp_vmcore SCEN KIND   path of SCEN/vmcore.KIND (e.g. sysrq elf-full)
#   dp_vmfile SCEN NAME   path of another file of SCEN
#   dp_skip MSG           print "SKIP: MSG" and exit 77 (meson: skipped)
#   dp_fail MSG           print "FAIL: MSG" and exit 1
#
# DP_VMCORES: cache root (~/.cache/dontpanic/vm), layout current/SCEN/.
# DP_VMCORES_FALLBACK: the reference test bed (default
# /root/.cache/vmcore-testbed), layout A-SCEN/dump/ and B-SCEN/; the
# scenarios qemu-panic and qemu-idle map to B-qemu-panic and B-idle.

dp_skip() { echo "SKIP: $*"; exit 77; }
dp_fail() { echo "FAIL: $*"; exit 1; }

dp_vmdir() {
	_dp_d=${DP_VMCORES:-$HOME/.cache/dontpanic/vm}/current
	[ -d "$_dp_d" ] || return 1
	(cd -P "$_dp_d" && pwd)
}

_dp_file() {	# _dp_file PATH: print PATH if it is a non-empty file
	[ -s "$1" ] || return 1
	printf '%s\n' "$1"
}

_dp_fallback() {	# _dp_fallback SCEN NAME: the test bed's copy
	_dp_fb=${DP_VMCORES_FALLBACK-/root/.cache/vmcore-testbed}
	[ -n "$_dp_fb" ] || return 1
	case $1 in
	qemu-panic) _dp_file "$_dp_fb/B-qemu-panic/$2" ;;
	qemu-idle) _dp_file "$_dp_fb/B-idle/$2" ;;
	*) _dp_file "$_dp_fb/A-$1/dump/$2" ;;
	esac
}

dp_vmfile() {
	_dp_v=$(dp_vmdir) && _dp_file "$_dp_v/$1/$2" || _dp_fallback "$1" "$2"
}

dp_vmcore() {
	dp_vmfile "$1" "vmcore.$2"
}

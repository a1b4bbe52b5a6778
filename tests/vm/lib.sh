# tests/vm/lib.sh - find the real vmcores that tests/vm/harness made.
# POSIX sh; source it from sh or bash tests:
#
#	. "$(dirname "$0")/lib.sh"
#	dump=$(dp_vmcore null kdump-zlib-d31) || dp_skip "no null dump"
#
#   dp_vmdir                  the current kernel's cache directory
#   dp_vmcore SCEN KIND       path of SCEN/vmcore.KIND (e.g. sysrq elf-full)
#   dp_vmfile SCEN NAME       path of another file of SCEN (dmesg.txt,
#                             serial.log, facts.env, capture.log)
#   dp_oracle SCEN KIND TOOL  path of oracle/SCEN.KIND.TOOL.txt (crash|drgn;
#                             crash: none when it cannot read the kernel)
#   dp_crash_unsupported      true, printing why, when crash reads none of
#                             the selected kernel's dumps
#   dp_expect SCEN FIELD      a MANIFEST field of SCEN: panic comm pid cpu
#   dp_kernel VAR             a kernel.env value: KVER KPKGVER VMLINUZ
#                             VMLINUX BUILD_ID DPCRASH_KO GUEST_MEM_MIB ...
#   dp_skip MSG               print "SKIP: MSG" and exit 77 (meson: skipped)
#   dp_fail MSG               print "FAIL: MSG" and exit 1
#   dp_vmlinux DUMP           the vmlinux whose NT_GNU_BUILD_ID note is the
#                             dump's VMCOREINFO BUILD-ID (DP_VMLINUX, then
#                             /usr/lib/debug/.build-id/xx/yyyy.debug, then
#                             /usr/lib/debug/boot/vmlinux-*); never by name
#                             (DP_DEBUG_ROOT replaces /usr/lib/debug)
#   dp_vmlinux_why DUMP       why dp_vmlinux found none (for dp_no_oracle)
#   dp_dump_buildid DUMP      the dump's VMCOREINFO BUILD-ID
#   dp_elf_buildid FILE       an ELF file's GNU build-id note
#   dp_no_oracle MSG          a cross-check cannot run: FAIL (exit 1) when
#                             CI is set (CI=true), else a loud SKIP (77)
#   dp_need_crash, dp_need_drgn   dp_no_oracle unless crash / drgn runs
# The path functions print the path and return 0, or return 1 when the
# file is missing or empty.
#
# DP_VMCORES: cache root, as for the harness (~/.cache/dontpanic/vm).
# DP_KVER: which kernel's cache, a directory name under it (an ABI name
# as `tests/vm/harness kver` prints it); default `current`.  The vm tier
# runs once per kernel (scripts/run-tests, KERNELS=).
# DP_VMCORES_FALLBACK: output directory of the reference test bed (default
# /root/.cache/vmcore-testbed; empty = none), layout A-SCEN/dump/ and
# B-SCEN/ (qemu-panic, qemu-idle = B-qemu-panic, B-idle).  dp_vmcore and
# dp_vmfile look there when the own cache lacks a file.  Oracle files,
# MANIFEST and kernel.env differ there, so the others do not fall back.

dp_skip() { echo "SKIP: $*"; exit 77; }

# The harness status file of the selected kernel (ensure.status for
# `current`, ensure-KVER.status for another kernel of the matrix).
dp_status_file() {
	_dp_r=${DP_VMCORES:-${HOME:-/root}/.cache/dontpanic/vm}
	if [ -n "${DP_KVER:-}" ] && [ "$DP_KVER" != current ] &&
		[ "$DP_KVER" != "$(readlink "$_dp_r/current" 2>/dev/null)" ]; then
		echo "$_dp_r/ensure-$DP_KVER.status"
	else
		echo "$_dp_r/ensure.status"
	fi
}
dp_fail() { echo "FAIL: $*"; exit 1; }

dp_vmdir() {
	_dp_d=${DP_VMCORES:-${HOME:-/root}/.cache/dontpanic/vm}/${DP_KVER:-current}
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
	# The test bed holds the default kernel's dumps only.
	case ${DP_KVER:-current} in current) ;; *) return 1 ;; esac
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

dp_oracle() {
	_dp_v=$(dp_vmdir) || return 1
	# crash that read none of this kernel's dumps is no oracle.
	[ "$3" != crash ] || [ ! -e "$_dp_v/oracle/CRASH-UNSUPPORTED" ] || return 1
	_dp_file "$_dp_v/oracle/$1.$2.$3.txt"
}

# dp_crash_unsupported: true (and prints why) when the harness found that
# crash reads none of the selected kernel's dumps (crash 8.0.2 on 6.12).
dp_crash_unsupported() {
	_dp_v=$(dp_vmdir) && [ -e "$_dp_v/oracle/CRASH-UNSUPPORTED" ] || return 1
	head -n 2 "$_dp_v/oracle/CRASH-UNSUPPORTED" | tr '\n' ' '
}

dp_expect() {
	_dp_v=$(dp_vmdir) && [ -s "$_dp_v/MANIFEST" ] || return 1
	awk -F'\t' -v s="$1" -v f="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == s && (f in col) { print $col[f]; found = 1; exit }
		END { exit !found }' "$_dp_v/MANIFEST"
}

dp_kernel() {
	_dp_v=$(dp_vmdir) && [ -s "$_dp_v/kernel.env" ] || return 1
	sed -n "s/^$1=//p" "$_dp_v/kernel.env" | grep .
}

# Tests never name a kernel: the vmlinux of a dump is the one whose build-id
# is the dump's. VMCOREINFO is stored uncompressed near the start of every
# format (an ELF PT_NOTE; kdump's sub-header area), so the raw bytes give
# the BUILD-ID without going through the reader under test. A dump without
# VMCOREINFO (qemu-novmci) falls back to the harness's kernel.env record.
dp_dump_buildid() {
	head -c 32M "$1" 2>/dev/null | grep -a -o -m 1 'BUILD-ID=[0-9a-f]*' |
		head -n 1 | sed 's/^BUILD-ID=//' | grep . && return 0
	dp_kernel BUILD_ID
}

dp_elf_buildid() {
	readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: *//p' | head -n 1 | grep .
}

dp_vmlinux() {
	_dp_id=$(dp_dump_buildid "$1") || return 1
	_dp_x=${_dp_id#??}
	for _dp_c in ${DP_VMLINUX:-} \
		"${DP_DEBUG_ROOT:-/usr/lib/debug}/.build-id/${_dp_id%"$_dp_x"}/$_dp_x.debug" \
		"${DP_DEBUG_ROOT:-/usr/lib/debug}"/boot/vmlinux-*; do
		[ -s "$_dp_c" ] && [ "$(dp_elf_buildid "$_dp_c")" = "$_dp_id" ] &&
			{ printf '%s\n' "$_dp_c"; return 0; }
	done
	return 1
}

dp_vmlinux_why() {
	_dp_id=$(dp_dump_buildid "$1") ||
		{ echo "$1: no BUILD-ID in the dump nor in kernel.env"; return 0; }
	_dp_rel=$(head -c 32M "$1" 2>/dev/null | grep -a -o -m 1 'OSRELEASE=[!-~]*' |
		head -n 1 | sed 's/^OSRELEASE=//')
	[ -n "$_dp_rel" ] || _dp_rel=$(dp_kernel KVER) || _dp_rel=KVER
	echo "no vmlinux with build-id $_dp_id (the kernel of $1) in" \
	     "/usr/lib/debug: install linux-image-$_dp_rel-dbg (tests/vm/harness does)"
}

dp_no_oracle() {
	case ${CI:-} in
	'' | 0 | false | no)
		echo "SKIP: *** cross-check NOT RUN: $* ***"
		echo "SKIP: *** cross-check NOT RUN: $* ***" >&2
		exit 77 ;;
	esac
	echo "FAIL: cross-check cannot run under CI=$CI: $*"
	exit 1
}

dp_need_crash() {
	command -v crash >/dev/null ||
		dp_no_oracle "crash is not installed (tests/vm/harness installs it)"
}

dp_need_drgn() {
	/usr/bin/python3 -c 'import drgn' 2>/dev/null ||
		dp_no_oracle "drgn (python3-drgn) is not installed (tests/vm/harness installs it)"
}

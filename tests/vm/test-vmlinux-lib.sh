#!/bin/sh
# lib.sh's dp_vmlinux finds a dump's vmlinux by build-id, never by name or
# by order (issue 16: `ls vmlinux-* | head -1` took the wrong one of two
# -dbg kernels); dp_no_oracle fails under CI and skips loudly elsewhere;
# dplib.py gives the same answers. Synthetic: two ELF files with chosen
# build-ids under a fake debug root, dumps that are just VMCOREINFO text.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v gcc >/dev/null || dp_skip "no gcc to make ELF files with build-ids"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
a=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
b=0123456789abcdef0123456789abcdef01234567
mkdir -p "$tmp/debug/boot" "$tmp/debug/.build-id/cc"
echo 'int main(void) { return 0; }' > "$tmp/m.c"
gcc -o "$tmp/debug/boot/vmlinux-6.1.0-1-cloud-amd64" -Wl,--build-id=0x$a "$tmp/m.c" &&
gcc -o "$tmp/debug/boot/vmlinux-6.1.0-2-cloud-amd64" -Wl,--build-id=0x$b "$tmp/m.c" &&
gcc -o "$tmp/debug/.build-id/cc/$(printf 'c%.0s' $(seq 38)).debug" \
	-Wl,--build-id=0x$(printf 'c%.0s' $(seq 40)) "$tmp/m.c" || dp_fail "gcc"
dump() {	# dump NAME BUILD-ID: a file with a VMCOREINFO-like text after junk
	{ head -c 5000 /dev/zero; printf 'OSRELEASE=6.1.0-X-cloud-amd64\nBUILD-ID=%s\nPAGESIZE=4096\n' "$2"; } > "$tmp/$1"
}
dump da $a; dump db $b; dump dc "$(printf 'c%.0s' $(seq 40))"; dump dx ffffffffffffffffffffffffffffffffffffffff
export DP_DEBUG_ROOT=$tmp/debug DP_VMCORES=$tmp/nocache
want() {	# want WHAT GOT EXPECTED
	if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi
}
want "build-id of dump b" "$(dp_dump_buildid "$tmp/db")" "$b"
want "ELF build-id" "$(dp_elf_buildid "$tmp/debug/boot/vmlinux-6.1.0-2-cloud-amd64")" "$b"
# vmlinux-6.1.0-1 sorts first; the dump is 6.1.0-2's.
want "dump b -> vmlinux-6.1.0-2" "$(dp_vmlinux "$tmp/db")" "$tmp/debug/boot/vmlinux-6.1.0-2-cloud-amd64"
want "dump a -> vmlinux-6.1.0-1" "$(dp_vmlinux "$tmp/da")" "$tmp/debug/boot/vmlinux-6.1.0-1-cloud-amd64"
want "dump c -> .build-id link" "$(dp_vmlinux "$tmp/dc")" "$tmp/debug/.build-id/cc/$(printf 'c%.0s' $(seq 38)).debug"
dp_vmlinux "$tmp/dx" >/dev/null && { echo "FAIL: a vmlinux for an unknown build-id"; fail=1; }
case $(dp_vmlinux_why "$tmp/dx") in
*ffffffff*linux-image-6.1.0-X-cloud-amd64-dbg*) echo "ok: why names the build-id and the -dbg package" ;;
*) echo "FAIL: why: $(dp_vmlinux_why "$tmp/dx")"; fail=1 ;;
esac
# DP_VMLINUX is taken only when its build-id matches.
want "DP_VMLINUX of another build ignored" \
	"$(DP_VMLINUX=$tmp/debug/boot/vmlinux-6.1.0-1-cloud-amd64 dp_vmlinux "$tmp/db")" \
	"$tmp/debug/boot/vmlinux-6.1.0-2-cloud-amd64"
# dp_no_oracle: FAIL (1) under CI, SKIP (77) with a loud line elsewhere.
out=$(CI=true sh -c '. "$0/lib.sh"; dp_no_oracle "no crash"' "$here"); rc=$?
want "CI=true: exit" "$rc" 1
case $out in *FAIL*"no crash"*) ;; *) echo "FAIL: CI message: $out"; fail=1 ;; esac
out=$(env -u CI sh -c '. "$0/lib.sh"; dp_no_oracle "no crash"' "$here" 2>/dev/null); rc=$?
want "no CI: exit" "$rc" 77
case $out in *"cross-check NOT RUN: no crash"*) ;; *) echo "FAIL: skip message: $out"; fail=1 ;; esac
# dplib.py: the same answers.
py=$(/usr/bin/python3 - "$here" "$tmp" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); import dplib
t = sys.argv[2]
print(dplib.vmlinux(t + "/db"), dplib.vmlinux(t + "/dx"))
PY
)
want "dplib.vmlinux" "$py" "$tmp/debug/boot/vmlinux-6.1.0-2-cloud-amd64 None"
want "dplib.no_oracle under CI" "$(CI=true /usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import dplib; dplib.no_oracle("x")' "$here" >/dev/null 2>&1; echo $?)" 1
want "dplib.no_oracle without CI" "$(env -u CI /usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import dplib; dplib.no_oracle("x")' "$here" >/dev/null 2>&1; echo $?)" 77
exit $fail

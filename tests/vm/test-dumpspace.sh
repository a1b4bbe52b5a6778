#!/bin/sh
# status's dump-space estimate against what collect keeps from the
# harness's full dumps (see test-dumpspace.py).
# usage: test-dumpspace.sh DONTPANIC
set -u
. "$(dirname "$0")/lib.sh"
set --  "$1"
for sk in sysrq:kdump-zlib-d0 sysrq:elf-full qemu-panic:qemu-elf qemu-idle:qemu-elf; do
	d=$(dp_vmcore "${sk%%:*}" "${sk#*:}") && set -- "$@" "$d"
done
[ $# -gt 1 ] || dp_skip "no full dumps in the harness cache"
exec /usr/bin/python3 "$(dirname "$0")/test-dumpspace.py" "$@"

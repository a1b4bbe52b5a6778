#!/bin/sh
# dontpanic load --dry-run and capture on fake trees (--root): where the
# kernel, initrd and command line come from (defaults, kdump-tools'
# KDUMP_KERNEL/KDUMP_INITRD/KDUMP_CMDLINE/KDUMP_CMDLINE_APPEND, --cmdline,
# --append), and each check's message. The system call itself runs in
# QEMU (tests/vm/test-dp-kdump.sh).
set -u
dp=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
r=$t/root
mkdir -p "$r/proc/sys/kernel" "$r/sys/kernel" "$r/boot" "$r/var/lib/dontpanic" "$r/etc/default"
echo "BOOT_IMAGE=/boot/vmlinuz-9.9.9-test root=UUID=abc ro console=ttyS0 crashkernel=256M quiet nr_cpus=4 -- initarg" > "$r/proc/cmdline"
echo 9.9.9-test > "$r/proc/sys/kernel/osrelease"
echo 0 > "$r/sys/kernel/kexec_crash_loaded"
head -c 1000000 /dev/zero > "$r/boot/vmlinuz-9.9.9-test"
head -c 2000000 /dev/zero > "$r/var/lib/dontpanic/initrd-9.9.9-test.img"

run() {	# run EXPECTED-EXIT ARGS...: output in $out
	want=$1
	shift
	out=$("$dp" load --dry-run --root "$r" "$@" 2>&1)
	rc=$?
	[ $rc = "$want" ] || bad "load $*: exit $rc, expected $want: $out"
}
expect() {	# expect FIXED-STRING WHAT
	printf '%s\n' "$out" | grep -qF -- "$1" || bad "$2: '$1' not in: $out"
}

run 1
expect "no kexec crash support (no $r/sys/kernel/kexec_crash_size)" "no crash support"
echo 0 > "$r/sys/kernel/kexec_crash_size"
run 1
expect "kexec_crash_size is 0): add crashkernel=" "no reservation"
echo 2097152 > "$r/sys/kernel/kexec_crash_size"
run 1
expect "do not fit in the 2 MiB reserved" "too small"
echo 167772160 > "$r/sys/kernel/kexec_crash_size"
run 0
expect "kernel    $r/boot/vmlinuz-9.9.9-test (1.0 MiB)" "default kernel"
expect "initrd    $r/var/lib/dontpanic/initrd-9.9.9-test.img (1.9 MiB)" "default initrd"
expect "cmdline   BOOT_IMAGE=/boot/vmlinuz-9.9.9-test ro console=ttyS0 irqpoll nr_cpus=1 reset_devices" "default cmdline"
printf '%s\n' "$out" | grep -q 'crashkernel\|quiet\|root=\|nr_cpus=4\|initarg' && bad "dropped words kept: $out"
expect "reserved  160.0 MiB (kexec_crash_size), capture kernel loaded now: no" "reservation"
expect "dry run: the checks pass; nothing loaded" "dry run"
run 0 --append "dp.x=1 loglevel=7" --no-initrd
expect "initrd    none (KEXEC_FILE_NO_INITRAMFS)" "--no-initrd"
expect "kfence.sample_interval=0 dp.x=1 loglevel=7" "--append"
run 0 --cmdline "console=hvc0 crashkernel=1G"
expect "cmdline   console=hvc0 irqpoll" "--cmdline"
echo 1 > "$r/proc/sys/kernel/kexec_load_disabled"
run 1
expect "kernel.kexec_load_disabled = 1" "kexec_load_disabled"
echo 0 > "$r/proc/sys/kernel/kexec_load_disabled"
run 1 --initrd /nonexistent.img
expect "initrd /nonexistent.img: No such file or directory" "missing initrd"

# kdump-tools: KDUMP_KERNEL, KDUMP_INITRD, KDUMP_CMDLINE, KDUMP_CMDLINE_APPEND.
cp "$r/boot/vmlinuz-9.9.9-test" "$t/k"
cp "$r/var/lib/dontpanic/initrd-9.9.9-test.img" "$t/i"
cat > "$r/etc/default/kdump-tools" <<EOT
USE_KDUMP=1
KDUMP_KERNEL=$t/k
KDUMP_INITRD=$t/i
KDUMP_CMDLINE="console=ttyS1 crashkernel=512M"
KDUMP_CMDLINE_APPEND="nr_cpus=1 irqpoll"
KDUMP_KEXEC_ARGS="-s"
EOT
run 0
expect "kernel    $t/k (1.0 MiB)" KDUMP_KERNEL
expect "initrd    $t/i (1.9 MiB)" KDUMP_INITRD
printf '%s\n' "$out" | grep -qx "cmdline   console=ttyS1 nr_cpus=1 irqpoll" ||
	bad "KDUMP_CMDLINE + KDUMP_CMDLINE_APPEND: $out"
expect "note: KDUMP_KEXEC_ARGS (-s) are kexec-tools options, ignored" KDUMP_KEXEC_ARGS
# Options win over the config.
run 0 --kernel "$r/boot/vmlinuz-9.9.9-test" --cmdline "a b" --append c
expect "kernel    $r/boot/vmlinuz-9.9.9-test" "--kernel over KDUMP_KERNEL"
printf '%s\n' "$out" | grep -qx "cmdline   a b nr_cpus=1 irqpoll c" ||
	bad "--cmdline over KDUMP_CMDLINE: $out"
# A config with errors stops the load, as in kdumpctl.
echo 'SSH=nohost' >> "$r/etc/default/kdump-tools"
run 1
expect "has errors; not loading" "config errors"
rm "$r/etc/default/kdump-tools"

run 2 --initrd x --no-initrd
"$dp" load --bogus > /dev/null 2>&1
[ $? = 2 ] || bad "unknown option is not exit 2"
# capture refuses unless PID 1.
out=$("$dp" capture 2>&1)
[ $? = 1 ] || bad "capture as non-PID-1: exit not 1"
expect "not PID 1" "capture refuses"
[ $fail = 0 ] && echo "ok: load --dry-run sources and checks, capture refuses"
exit $fail

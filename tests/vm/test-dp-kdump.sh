#!/bin/sh
# dp-kdump: dontpanic's own kdump, end to end in QEMU (tests/vm/harness
# dp-kdump): `dontpanic load` (kexec_file_load, no kexec-tools) in the
# first kernel, `dontpanic test --yes` (its readiness checks on the real
# kernel, then SysRq c), the capture kernel runs `dontpanic capture` as its
# /init (PID 1), finds the scratch disk by UUID, writes vmcore-dmesg.txt
# and vmcore with `core_collector dontpanic collect -d 31 -c`, powers off.
# Checked here: the files, every console step, the capture command line,
# and the dump against dontpanic report/log and the crash and drgn oracles
# the harness ran on it. SKIPs when the scenario has not been run.
#
# test-dp-kdump.sh DONTPANIC [dp-kdump-raw]: the raw variant writes
# `makedumpfile -F -c -d 31` options' flattened stream onto a raw disk; the
# harness rebuilt the file with makedumpfile -R and took the log with
# makedumpfile --dump-dmesg (dmesg.txt), both independent of dontpanic.
set -u
. "$(dirname "$0")/lib.sh"
dp=$1
scen=${2:-dp-kdump}
vm=$(dp_vmdir) || dp_skip "no vmcore cache"
d=$vm/$scen
if [ "$scen" = dp-kdump-fail ]; then
	# A valid config on a disk too small for the dump: the log is
	# written, the collector hits ENOSPC and leaves vmcore-incomplete
	# (the log's pages first, so it still names the crash), then
	# failure_action reboot; PID 1 never returns (that would panic:
	# "Attempted to kill init").
	s=$d/serial.log
	[ -s "$s" ] || dp_skip "no $scen run (run: tests/vm/harness $scen)"
	fail=0
	for l in "dontpanic capture: config /etc/kdump.conf (kdump.conf): ok" \
		 "dontpanic capture: writing vmcore-dmesg.txt: ok" \
		 "No space left on device" \
		 "dontpanic capture: writing vmcore: FAILED (collector exit 1)" \
		 "dontpanic capture: rebooting (uptime" "reboot: Restarting system"; do
		grep -aqF -- "$l" "$s" || { echo "FAIL: '$l' not in serial.log"; fail=1; }
	done
	grep -aq 'Attempted to kill init' "$s" && { echo "FAIL: init exited"; fail=1; }
	[ -e "$d/vmcore" ] && { echo "FAIL: a complete vmcore was written"; fail=1; }
	grep -qF "Kernel panic - not syncing: sysrq triggered crash" "$d/vmcore-dmesg.txt" ||
		{ echo "FAIL: vmcore-dmesg.txt lacks the panic"; fail=1; }
	if [ -s "$d/vmcore-incomplete" ]; then
		"$dp" log "$d/vmcore-incomplete" 2>/dev/null |
			grep -qF "Kernel panic - not syncing: sysrq triggered crash" ||
			{ echo "FAIL: log of vmcore-incomplete lacks the panic"; fail=1; }
		"$dp" report --json "$d/vmcore-incomplete" 2>/dev/null |
			grep -q '"class": *"SYSRQ_CRASH"' ||
			{ echo "FAIL: report of vmcore-incomplete is not SYSRQ_CRASH"; fail=1; }
	else
		echo "FAIL: no vmcore-incomplete (the pages written before ENOSPC)"; fail=1
	fi
	[ $fail = 0 ] && echo "ok: $scen: the log written, ENOSPC, the incomplete dump names the crash, failure_action rebooted"
	exit $fail
fi
[ -s "$d/vmcore" ] || dp_skip "no $scen dump (run: tests/vm/harness $scen)"
dmesg=$d/vmcore-dmesg.txt
[ "$scen" = dp-kdump-raw ] && dmesg=$d/dmesg.txt
# PANIC COMM PID CPU: the harness read them from vmcore-dmesg.txt and
# checked them against the scenario (sysrq, dp-sysrq).
. "$d/facts.env"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
has() {	# has FILE FIXED-STRING WHAT
	grep -qF -- "$2" "$1" || bad "$3: '$2' not in $(basename "$1")"
}

# The dump is complete and kdump-compressed.
[ ! -e "$d/vmcore-incomplete" ] || bad "vmcore-incomplete left beside vmcore"
[ "$(head -c 8 "$d/vmcore")" = "KDUMP   " ] || bad "vmcore is not kdump-compressed"
"$dp" info "$d/vmcore" > "$d.info.tmp" 2>&1 || bad "dontpanic info failed"
grep -q "^incomplete: *no" "$d.info.tmp" || bad "info: $(grep -i incomplete "$d.info.tmp")"
rm -f "$d.info.tmp"

# The first kernel loaded the capture kernel with dontpanic.
s=$d/serial.log
has "$s" "capture kernel loaded: /mnt/boot/vmlinuz with /mnt/boot/dp-capture.img (kexec_crash_loaded = 1)" load
has "$s" "dontpanic load rc=0, kexec_crash_loaded=1" load
if [ "$scen" = dp-kdump ]; then
	# Before that: a 140 MiB initrd that passes the size check but not
	# the kernel's placement (EADDRNOTAVAIL, explained), a load, an unload.
	has "$s" "dontpanic load: kexec_file_load: Cannot assign requested address: the capture kernel (/mnt/boot/vmlinuz, 13.5 MiB) + initrd (/tmp/big.img, 140.0 MiB) do not fit in the 160 MiB reserved" oversized
	has "$s" "oversized load rc=1, kexec_crash_loaded=0" oversized
	has "$s" "first load rc=0, kexec_crash_loaded=1" load
	has "$s" "capture kernel unloaded (kexec_crash_loaded = 0)" unload
	has "$s" "dontpanic unload rc=0, kexec_crash_loaded=0" unload
	# setup --sysctl on the real /proc/sys: written and read back; the
	# NMI watchdog, which this VM (no PMU) cannot run, is refused by the
	# kernel with ENOTSUPP, said as such, left out of the sysctl.d lines
	# and not a failure. Then status on an armed machine: ready.
	for l in "kernel.panic_on_oops             0 -> 1" \
		 "kernel.sysrq                     438 -> 446" \
		 "kernel.nmi_watchdog              0, not set: not possible on this machine: no hardware NMI watchdog" \
		 "# kernel.nmi_watchdog = 1   (not possible on this machine)" \
		 "dontpanic setup --sysctl rc=0" \
		 "  ok    capture kernel                   loaded" \
		 "  ok    kernel.panic_on_oops             1" \
		 "ready: a panic now would take a dump" "dontpanic status rc=0"; do
		has "$s" "$l" "setup/status"
	done
	# The crash itself: `dontpanic test --yes` on the real kernel, its
	# readiness checks all ok, then the panic from its own process.
	for l in "  ok    crashkernel        160M" "  ok    capture kernel     loaded" \
		 "  ok    sysrq-trigger      /proc/sysrq-trigger" \
		 "ready: the capture kernel should boot, save the dump and reboot" \
		 "crashing: writing 'c' to /proc/sysrq-trigger"; do
		has "$s" "$l" "dontpanic test"
	done
	grep -aq "Comm: dontpanic Kdump: loaded" "$s" || bad "the panicking task is not dontpanic test"
	grep -aq "dontpanic test returned" "$s" && bad "dontpanic test returned instead of crashing"
fi
# Its command line: crashkernel= gone, panic=-1 replaced, the capture
# options appended, console= kept.
c=$(cat "$d/capture-cmdline.txt")
case " $c " in *" crashkernel="*) bad "capture command line has crashkernel=: $c" ;; esac
case " $c " in *" panic=-1 "*) bad "capture command line kept panic=-1: $c" ;; esac
for w in console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=10 dp.scen=$scen; do
	case " $c " in *" $w "*) ;; *) bad "capture command line lacks $w: $c" ;; esac
done

# Every capture step said ok and nothing failed.
if [ "$scen" = dp-kdump-raw ]; then
	steps="dontpanic capture: target raw /dev/vdb
dontpanic capture: writing the flattened dump to /dev/vdb: ok (exit 0)"
else
	steps="dontpanic capture: target ext4 UUID=
dontpanic capture: mounting UUID=
(vda, ext4) on /mnt: ok
dontpanic capture: dump directory /mnt/var/crash/
dontpanic capture: writing vmcore-dmesg.txt: ok
dontpanic capture: writing vmcore with 'dontpanic collect -d 31 -c'
dontpanic capture: writing vmcore: ok"
fi
printf '%s\n%s\n%s\n%s\n' "dontpanic capture: mounting /proc, /sys, /dev: ok" \
	"dontpanic capture: config /etc/kdump.conf (kdump.conf): ok" \
	"$steps" "dontpanic capture: powering off" |
while IFS= read -r l; do
	grep -qF -- "$l" "$s" || echo "FAIL: capture: '$l' not in serial.log"
done > "$d.steps.tmp"
[ -s "$d.steps.tmp" ] && { cat "$d.steps.tmp"; fail=1; }
rm -f "$d.steps.tmp"
grep -a 'dontpanic capture:' "$s" | grep -q 'FAILED' &&
	bad "a capture step FAILED: $(grep -a 'dontpanic capture:.*FAILED' "$s" | head -n 1)"
grep -aq 'dontpanic capture: loading .* modules .*: ok (0 already loaded, 0 failed)' "$s" ||
	bad "module loading line: $(grep -a 'dontpanic capture: loading' "$s")"
# The memory line: the capture kernel's RAM is below the 160 MiB reserved,
# and the collector (a child) used some of it.
m=$(grep -a 'dontpanic capture: memory: ' "$s" | head -n 1)
total=$(printf '%s
' "$m" | sed -n 's/.*memory: \([0-9]*\) MiB in the capture kernel.*/\1/p')
peak=$(printf '%s
' "$m" | sed -n "s/.*child's peak RSS \([0-9]*\) MiB.*/\1/p")
[ -n "$total" ] && [ "$total" -gt 32 ] && [ "$total" -le 160 ] &&
	[ -n "$peak" ] && [ "$peak" -gt 0 ] && [ "$peak" -lt "$total" ] ||
	bad "memory line: '$m'"
if [ "$scen" = dp-kdump ]; then
	# capture-log.txt beside the dump: the same lines as the console.
	cl=$d/capture-log.txt
	[ -s "$cl" ] || bad "no capture-log.txt beside the dump"
	for l in "mounting /proc, /sys, /dev: ok" "writing vmcore: ok" "dump complete in" "memory: "; do
		has "$cl" "$l" capture-log.txt
	done
	[ "$(grep -c . "$cl")" -eq "$(grep -ac 'dontpanic capture: ' "$s" | awk '{print $1 - 1}')" ] ||
		bad "capture-log.txt has $(grep -c . "$cl") lines, the console $(grep -ac 'dontpanic capture: ' "$s") (less the last)"
	# status reads it back from a dump directory (the same numbers).
	r=$(mktemp -d)
	mkdir -p "$r/var/crash/$(cat "$d/dumpdir.txt")"
	cp "$cl" "$d/vmcore-dmesg.txt" "$r/var/crash/$(cat "$d/dumpdir.txt")/"
	: > "$r/var/crash/$(cat "$d/dumpdir.txt")/vmcore"
	mem=$("$dp" status --json --root "$r" | python3 -c 'import json, sys
m = json.load(sys.stdin)["last_dump"]["capture_memory_mib"]
print(m and "%d %d %d" % (m["total"], m["available"], m["peak"]))')
	avail=$(printf '%s\n' "$m" | sed -n 's/.* \([0-9]*\) MiB available after.*/\1/p')
	[ "$mem" = "$total $avail $peak" ] || bad "status reads '$mem' from capture-log.txt, the console says '$total $avail $peak'"
	rm -rf "$r"
fi

# The log has the panic, and is what `dontpanic log` reads from the filtered
# vmcore (the log pages survive -d 31): vmcore-dmesg.txt was written from
# /proc/vmcore by the capture; dmesg.txt (raw) by makedumpfile on the host.
has "$dmesg" "$PANIC" dmesg
"$dp" log "$d/vmcore" > "$d.log.tmp" 2>&1 || bad "dontpanic log on vmcore failed"
cmp -s "$d.log.tmp" "$dmesg" ||
	bad "dontpanic log vmcore differs from $(basename "$dmesg"): $(diff "$d.log.tmp" "$dmesg" | head -n 3)"
rm -f "$d.log.tmp"

# dontpanic report names the panic and the task.
r=$("$dp" report "$d/vmcore" 2>&1) || bad "dontpanic report failed"
printf '%s\n' "$r" | grep -q "^CLASS *SYSRQ_CRASH" || bad "report class: $(printf '%s\n' "$r" | grep '^CLASS')"
printf '%s\n' "$r" | grep -qF "PANIC      $PANIC" || bad "report panic line"
printf '%s\n' "$r" | grep -qF "PANICKED   $COMM (pid $PID) on CPU $CPU" ||
	bad "report: $(printf '%s\n' "$r" | grep '^PANICKED') (dmesg: $COMM pid $PID CPU $CPU)"

# Oracles (the harness ran crash with the -dbg vmlinux, and drgn).
o=$d/oracle.crash.txt
[ -s "$o" ] || bad "no crash oracle output"
grep -qF "PANIC: \"$PANIC\"" "$o" || bad "crash sys: $(grep 'PANIC:' "$o")"
got=$(sed -n 's/^PID: *\([0-9]*\) .*CPU: *\([0-9]*\) *COMMAND: "\(.*\)"$/\1 \2 \3/p' "$o" | head -n 1)
[ "$got" = "$PID $CPU $COMM" ] || bad "crash bt: '$got', dmesg: '$PID $CPU $COMM'"
got=$(sed -n 's/^crashed\t//p' "$d/oracle.drgn.txt" | tr '\t' ' ')
[ "$got" = "$PID $COMM $CPU" ] || bad "drgn crashed thread: '$got', dmesg: '$PID $COMM $CPU'"

up=$(sed -n 's/.*dontpanic capture: started (uptime \([0-9.]*\) s).*/\1/p' "$s")
end=$(sed -n 's/.*dontpanic capture: powering off (uptime \([0-9.]*\) s, capture \([0-9.]*\) s).*/\1 \2/p' "$s")
echo "# $scen: vmcore $(stat -c %s "$d/vmcore") bytes; capture /init at uptime $up s; poweroff at uptime/after ${end:-?} s"
[ $fail = 0 ] && echo "# capture initramfs by: $(cat "$d/capture-builder.txt" 2>/dev/null)"
[ $fail = 0 ] && echo "ok: $scen dump complete, every step ok, report/log/crash/drgn agree ($COMM pid $PID CPU $CPU)"
exit $fail

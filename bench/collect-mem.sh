#!/bin/bash
# bench/collect-mem.sh: peak RSS (and time) of dontpanic collect vs
# makedumpfile 1.7.2 on a 1 GiB and a 4 GiB guest (issue 6 point 7: "peak
# RSS at most 64 MiB and the same for a 1 GiB and a 4 GiB guest").
#
# Inputs, made once and cached under ~/.cache/dontpanic/bench/ (never in
# the repository): the harness's kernel and initramfs booted in QEMU TCG
# with -m 1024 and -m 4096 (scenario qemu-panic: sysrq crash, no kdump),
# dumped over QMP with dump-guest-memory (ELF, physical, VMCOREINFO from
# -device vmcoreinfo). makedumpfile 1.7.2 refuses QEMU's ELF ("Can't get
# the number of PT_LOAD"), so each dump is also rewritten once by
# `dontpanic collect -E -d 0` into makedumpfile's ELF layout (all pages
# kept); both tools then read that same file. One QEMU at a time.
#
# Prints a Markdown section (append it to BENCHMARKS.md). ONLY_DUMPS=1
# only makes the QEMU dumps.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
DP=${DP:-$here/../build/dontpanic}
RUNS=${RUNS:-3}
SIZES=${SIZES:-"1024 4096"}
out=${DP_BENCH:-$HOME/.cache/dontpanic/bench}
vmdir=${DP_VMCORES:-$HOME/.cache/dontpanic/vm}
kver=$(sed -n 's/^KVER=//p' "$vmdir/current/kernel.env" 2>/dev/null | tr -d "'\"")
[ -n "$kver" ] || kver=$(basename "$(readlink -f "$vmdir/current")")
initrd=$vmdir/$kver/build/initrd.img
vmlinuz=/boot/vmlinuz-$kver
command -v makedumpfile >/dev/null || { echo "makedumpfile not installed" >&2; exit 1; }
mkdir -p "$out"

# make_dump MiB: boot, wait for the panic, dump-guest-memory, quit.
make_dump() {
	local mem=$1 w=$out/qemu-$1 sock pid i
	[ -s "$w/vmcore.elf" ] && return 0
	[ -r "$initrd" ] && [ -r "$vmlinuz" ] || { echo "no harness build ($initrd)" >&2; exit 1; }
	if pgrep -f "^qemu-system-x86_64 " >/dev/null; then
		echo "another QEMU is running; waiting (one at a time)" >&2
		while pgrep -f "^qemu-system-x86_64 " >/dev/null; do sleep 10; done
	fi
	rm -rf "$w"
	mkdir -p "$w"
	sock=$(mktemp -u /tmp/dp-bench-qmp.XXXXXX)
	# niced: the host is shared; the guest's speed does not matter here.
	timeout 1200 nice -n 19 qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64 \
		-machine pc -smp 2 -m "$mem" -display none -monitor none -nic none \
		-no-reboot -serial "file:$w/serial.log" -device vmcoreinfo \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 panic=0 dp.scen=qemu-panic" \
		-qmp "unix:$sock,server=on,wait=off" &
	pid=$!
	for i in $(seq 900); do
		grep -aq 'end Kernel panic' "$w/serial.log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || { echo "QEMU died" >&2; exit 1; }
		sleep 1
	done
	sleep 2
	python3 "$here/../tests/vm/qmp.py" "$sock" dump-guest-memory \
		"{\"format\": \"elf\", \"paging\": false, \"protocol\": \"file:$w/vmcore.elf.tmp\"}"
	python3 "$here/../tests/vm/qmp.py" "$sock" quit || kill "$pid" || true
	wait "$pid" || true
	rm -f "$sock"
	mv "$w/vmcore.elf.tmp" "$w/vmcore.elf"
}

# The same memory in makedumpfile's ELF layout (every page kept).
make_mdf_elf() {
	local w=$out/qemu-$1
	[ -s "$w/vmcore.mdf.elf" ] && return 0
	"$DP" collect --message-level 4 -E -d 0 -f "$w/vmcore.elf" "$w/vmcore.mdf.elf.tmp"
	mv "$w/vmcore.mdf.elf.tmp" "$w/vmcore.mdf.elf"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # NAME CMD...: best wall of RUNS, max peak RSS (KiB), output bytes
	local name=$1 best= rss=0 t m u s
	shift
	for i in $(seq "$RUNS"); do
		rm -f "$tmp/out"
		/usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null 2>&1
		read -r t m u s <"$tmp/time"
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
		[ "$m" -gt "$rss" ] && rss=$m
	done
	echo "$name $best $rss $(stat -c %s "$tmp/out")" >>"$tmp/results"
}
get() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$tmp/results"; }

for mem in $SIZES; do
	make_dump "$mem"
	[ -n "${ONLY_DUMPS:-}" ] || make_mdf_elf "$mem"
done
[ -z "${ONLY_DUMPS:-}" ] || exit 0
for mem in $SIZES; do
	in=$out/qemu-$mem/vmcore.mdf.elf
	cat "$in" >/dev/null 2>&1 || true
	run "mdf-c-$mem" makedumpfile -d 31 -c "$in" "$tmp/out"
	run "dp-c-$mem" "$DP" collect --message-level 0 -d 31 -c "$in" "$tmp/out"
	run "dp-z-$mem" "$DP" collect --message-level 0 -d 31 -z "$in" "$tmp/out"
	run "dp-z-nm-$mem" "$DP" collect --message-level 0 --non-mmap -d 31 -z "$in" "$tmp/out"
	run "dp-qemu-z-$mem" "$DP" collect --message-level 0 -d 31 -z "$out/qemu-$mem/vmcore.elf" "$tmp/out"
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<EOT
## collect memory: 1 GiB vs 4 GiB guest — $(date -u +%Y-%m-%d)

\`bench/collect-mem.sh\`: QEMU TCG guests (-m 1024 and -m 4096, the
harness kernel and initramfs, sysrq panic), dumped with QMP
dump-guest-memory and rewritten once into makedumpfile's ELF layout
(\`collect -E -d 0\`) so makedumpfile 1.7.2 reads the same file. Files in
the page cache; $(nproc) CPUs, load average $load during the run (other
jobs share the host: times are inflated and noisy, RSS is not). Best wall
time of $RUNS runs, highest peak RSS (\`/usr/bin/time\` %M).

| guest | input | makedumpfile -d 31 -c: wall / peak RSS | dontpanic -d 31 -c | dontpanic -d 31 -z | -d 31 -z --non-mmap | -d 31 -z on the QEMU ELF itself |
|---|---|---|---|---|---|---|
EOT
for mem in $SIZES; do
	cell() { printf '%s s / %s MiB' "$(get "$1" 2)" "$(echo "scale=1; $(get "$1" 3) / 1024" | bc)"; }
	printf '| %s MiB | %s MiB | %s | %s | %s | %s | %s |\n' "$mem" \
		"$(( $(stat -c %s "$out/qemu-$mem/vmcore.mdf.elf") / 1048576 ))" \
		"$(cell "mdf-c-$mem")" "$(cell "dp-c-$mem")" "$(cell "dp-z-$mem")" \
		"$(cell "dp-z-nm-$mem")" "$(cell "dp-qemu-z-$mem")"
done

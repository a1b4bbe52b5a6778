#!/bin/sh
# bench/collect.sh [VMCORE]: dontpanic collect vs makedumpfile on the same
# full ELF vmcore, in the same run: wall time (best of RUNS), peak RSS and
# output size. Prints a Markdown section (append it to BENCHMARKS.md).
# Default input: the 1 GiB guest's full ELF (sysrq) from the reference
# test bed, else the harness's sysrq elf-full.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
DP=${DP:-$here/../build/dontpanic}
RUNS=${RUNS:-3}
vmcore=${1:-}
if [ -z "$vmcore" ]; then
	vmcore=${DP_VMCORES_FALLBACK:-/root/.cache/vmcore-testbed}/A-sysrq/dump/vmcore.elf-full
	if [ ! -r "$vmcore" ]; then
		. "$here/../tests/vm/lib.sh"
		vmcore=$(dp_vmcore sysrq elf-full) || { echo "no vmcore" >&2; exit 1; }
	fi
fi
command -v makedumpfile >/dev/null || { echo "makedumpfile not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$vmcore" >/dev/null	# page cache: measure the collectors, not the disk

# run NAME CMD...: best wall time of $RUNS, max peak RSS, output size.
run() {
	name=$1; shift
	best=; rss=0; cpu=
	for i in $(seq "$RUNS"); do
		rm -f "$tmp/out"
		/usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null 2>&1
		read -r t m u s <"$tmp/time"
		c=$(echo "$u + $s" | bc)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
		if [ -z "$cpu" ] || [ "$(echo "$c < $cpu" | bc)" = 1 ]; then cpu=$c; fi
		[ "$m" -gt "$rss" ] && rss=$m
	done
	size=$(stat -c %s "$tmp/out")
	echo "$name $best $rss $size $cpu" >>"$tmp/results"
}

cpus=$(nproc)
run mdf-c makedumpfile -d 31 -c "$vmcore" "$tmp/out"
run dp-c "$DP" collect --message-level 0 -d 31 -c "$vmcore" "$tmp/out"
run dp-c-1t "$DP" collect --message-level 0 --num-threads 1 -d 31 -c "$vmcore" "$tmp/out"
run dp-z "$DP" collect --message-level 0 -d 31 -z "$vmcore" "$tmp/out"
run mdf-l makedumpfile -d 31 -l "$vmcore" "$tmp/out"
run dp-l "$DP" collect --message-level 0 -d 31 -l "$vmcore" "$tmp/out"
run mdf-E makedumpfile -E -d 31 "$vmcore" "$tmp/out"
run dp-E "$DP" collect --message-level 0 -E -d 31 "$vmcore" "$tmp/out"
run mdf-d1c makedumpfile -d 1 -c "$vmcore" "$tmp/out"
run dp-d1c "$DP" collect --message-level 0 -d 1 -c "$vmcore" "$tmp/out"
# Input read by mmap in 4 MiB windows (default) vs read() (--non-mmap).
run dp-z-nm "$DP" collect --message-level 0 --non-mmap -d 31 -z "$vmcore" "$tmp/out"
run dp-c-nm "$DP" collect --message-level 0 --non-mmap -d 31 -c "$vmcore" "$tmp/out"
run dp-E-nm "$DP" collect --message-level 0 --non-mmap -E -d 31 "$vmcore" "$tmp/out"
run dp-d0-1t "$DP" collect --message-level 0 --num-threads 1 -d 0 "$vmcore" "$tmp/out"
run dp-d0-1t-nm "$DP" collect --message-level 0 --num-threads 1 --non-mmap -d 0 "$vmcore" "$tmp/out"

get() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$tmp/results"; }
ratio() { echo "scale=2; $1 / $2" | bc; }
row() { # label ours theirs
	printf '| %s | %s s (cpu %s s) / %s MB / %s | %s s (cpu %s s) / %s MB / %s | %sx | %sx | %s |\n' "$1" \
		"$(get "$2" 2)" "$(get "$2" 5)" "$(( $(get "$2" 3) / 1024 ))" "$(get "$2" 4)" \
		"$(get "$3" 2)" "$(get "$3" 5)" "$(( $(get "$3" 3) / 1024 ))" "$(get "$3" 4)" \
		"$(ratio "$(get "$3" 2)" "$(get "$2" 2)")" \
		"$(ratio "$(get "$3" 5)" "$(get "$2" 5)")" \
		"$(ratio "$(get "$2" 4)" "$(get "$3" 4)")"
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<EOT
## collect (issue 6): \`dontpanic collect\` vs makedumpfile 1.7.2 — $(date -u +%Y-%m-%d)

\`bench/collect.sh\`: input \`$vmcore\` ($(( $(stat -c %s "$vmcore") / 1048576 )) MiB full ELF
/proc/vmcore copy, 1 GiB guest), in the page cache; $cpus CPUs, load
average $load during the run (other jobs share the host, so absolute times
are inflated for both tools). Best wall time of $RUNS runs, peak RSS from
\`/usr/bin/time\`. dontpanic uses one compression thread per online CPU
unless stated.

| case | dontpanic: wall (cpu) / peak RSS / bytes | makedumpfile: wall (cpu) / peak RSS / bytes | wall speed-up | cpu ratio | size ratio (ours/theirs) |
|---|---|---|---|---|---|
EOT
row "-d 31 -c (zlib), default threads" dp-c mdf-c
row "-d 31 -c, --num-threads 1" dp-c-1t mdf-c
row "-d 31 -z (ours, zstd level 2) vs makedumpfile -d 31 -c" dp-z mdf-c
row "-d 31 -l (lzo)" dp-l mdf-l
row "-E -d 31 (ELF)" dp-E mdf-E
row "-d 1 -c" dp-d1c mdf-d1c

cat <<EOT

Input read by mmap in 4 MiB windows (the default; pages are compressed
straight from the mapping) vs \`--non-mmap\` (pread into a buffer), same
run, same file in the page cache:

| case | mmap: wall (cpu) / peak RSS | read(): wall (cpu) / peak RSS | wall ratio (read/mmap) | cpu ratio |
|---|---|---|---|---|
EOT
mrow() { # label mmap read
	printf '| %s | %s s (cpu %s s) / %s MB | %s s (cpu %s s) / %s MB | %sx | %sx |\n' "$1" \
		"$(get "$2" 2)" "$(get "$2" 5)" "$(( $(get "$2" 3) / 1024 ))" \
		"$(get "$3" 2)" "$(get "$3" 5)" "$(( $(get "$3" 3) / 1024 ))" \
		"$(ratio "$(get "$3" 2)" "$(get "$2" 2)")" "$(ratio "$(get "$3" 5)" "$(get "$2" 5)")"
}
mrow "-d 31 -z" dp-z dp-z-nm
mrow "-d 31 -c" dp-c dp-c-nm
mrow "-E -d 31" dp-E dp-E-nm
mrow "-d 0, no compression, 1 thread" dp-d0-1t dp-d0-1t-nm

#!/bin/sh
# bench/report.sh: `dontpanic report` (no vmlinux) against crash 8.0.2 with
# the -dbg vmlinux running `sys; bt; log; mod; ps` on the same dumps --
# the commands a human runs for the same answer. Wall time and peak RSS
# from /usr/bin/time -v, best of N runs (files in the page cache after a
# warm-up run). Prints a markdown table with ratios.
#
# Usage: bench/report.sh [DONTPANIC] [RUNS]   (default build/dontpanic, 3)
#        bench/report.sh --kernels KVER_A KVER_B [DONTPANIC] [RUNS]
# Dumps: tests/vm/lib.sh (harness cache, or DP_VMCORES_FALLBACK).
#
# --kernels: `report` on the same scenario and dump kind of two kernels of
# the matrix (cache directory names, as DP_KVER), KVER_A the anchor; no
# crash. Adds callgrind's instruction count (valgrind; robust on a loaded
# machine, CALLGRIND=0 skips it) to wall, CPU and peak RSS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/vm/lib.sh"
vs_a= vs_b=
if [ "${1:-}" = --kernels ]; then
	vs_a=$2 vs_b=$3
	shift 3
fi
dp=${1:-$here/../build/dontpanic}
runs=${2:-3}
# instructions CMD...: callgrind's instruction count (Ir) of one run.
instructions() {
	if [ "${CALLGRIND:-1}" = 0 ] || ! command -v valgrind >/dev/null; then
		echo 0
		return
	fi
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 \
		>/dev/null | sed -n 's/.*Collected : //p' | tail -n 1
}

# The --kernels table (called once measure() below is defined).
kernels() {
	echo "| dump | size MB ($vs_a / $vs_b) | instructions M | ratio | CPU s | peak RSS MB | ratio |"
	echo "|---|---|---|---|---|---|---|"
	for spec in null:kdump-zlib-d31 null:elf-d31 sysrq:kdump-zlib-d31 \
		    oom:kdump-zlib-d31 panic:elf-d31 sysrq:elf-full; do
		scen=${spec%%:*} kind=${spec#*:}
		fa=$(DP_KVER=$vs_a dp_vmcore "$scen" "$kind") || continue
		fb=$(DP_KVER=$vs_b dp_vmcore "$scen" "$kind") || continue
		set -- $(measure "$dp" report "$fa")
		aw=$1 ar=$2 ac=$3
		set -- $(measure "$dp" report "$fb")
		bw=$1 br=$2 bc=$3
		ai=$(instructions "$dp" report "$fa")
		bi=$(instructions "$dp" report "$fb")
		awk -v s="$scen/$kind" -v sa="$(stat -L -c %s "$fa")" \
		    -v sb="$(stat -L -c %s "$fb")" -v ai="$ai" -v bi="$bi" \
		    -v ac="$ac" -v bc="$bc" -v ar="$ar" -v br="$br" 'BEGIN {
			printf "| %s | %.1f / %.1f | %.0f / %.0f | %.2fx | %.2f / %.2f | %.1f / %.1f | %.2fx |\n",
			       s, sa / 1e6, sb / 1e6, ai / 1e6, bi / 1e6,
			       (ai > 0 ? bi / ai : 0), ac, bc, ar / 1024, br / 1024,
			       br / ar }'
	done
}

# crash needs the dumps' vmlinux: found by build-id (VMLINUX overrides).
if [ -n "$vs_a" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
fi
first=$(dp_vmcore null kdump-zlib-d31) || { echo "no harness dumps"; exit 1; }
[ -n "$vs_a" ] || {
vmlinux=${VMLINUX:-$(dp_vmlinux "$first" || true)}
[ -r "$vmlinux" ] || { dp_vmlinux_why "$first"; exit 1; }
command -v crash >/dev/null || { echo "crash is not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
}
printf 'sys\nbt\nlog\nmod\nps\nq\n' > "$tmp/cmds"

# measure CMD...: best wall (s), peak RSS (kB) and best CPU time (user +
# system, s; less sensitive to a loaded machine) over $runs runs.
measure() {
	best_w=999999 best_r=0 best_c=999999
	"$@" >/dev/null 2>&1 || true	# warm-up
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -v -o "$tmp/t" "$@" >/dev/null 2>&1 || true
		w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/t" |
			awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/t")
		c=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$tmp/t" |
			awk '{ s += $1 } END { print s }')
		best_c=$(awk -v a="$c" -v b="$best_c" 'BEGIN { print (a < b) ? a : b }')
		best_w=$(awk -v a="$w" -v b="$best_w" 'BEGIN { print (a < b) ? a : b }')
		[ "$r" -gt "$best_r" ] && best_r=$r
		i=$((i + 1))
	done
	echo "$best_w $best_r $best_c"
}

if [ -n "$vs_a" ]; then
	kernels
	exit 0
fi
echo "| dump | dontpanic report: wall s / CPU s / peak RSS MB | crash sys+bt+log+mod+ps: wall s / CPU s / peak RSS MB | speed-up (wall) | speed-up (CPU) | memory ratio |"
echo "|---|---|---|---|---|---|"
for spec in null:kdump-zlib-d31 null:elf-d31 hung:kdump-zlib-d31 oom:kdump-zlib-d31 \
	    sysrq:elf-full sysrq:flat-zlib-d31 qemu-panic:qemu-elf; do
	scen=${spec%%:*} kind=${spec#*:}
	f=$(dp_vmcore "$scen" "$kind") || continue
	set -- $(measure "$dp" report "$f")
	dw=$1 dr=$2 dc=$3
	set -- $(measure crash -s "$vmlinux" "$f" -i "$tmp/cmds")
	cw=$1 cr=$2 cc=$3
	awk -v s="$scen/$kind" -v dw="$dw" -v dr="$dr" -v dc="$dc" \
	    -v cw="$cw" -v cr="$cr" -v cc="$cc" 'BEGIN {
		printf "| %s | %.2f / %.2f / %.1f | %.2f / %.2f / %.0f | %.0fx | %.0fx | %.1f%% |\n",
		       s, dw, dc, dr / 1024, cw, cc, cr / 1024,
		       cw / (dw > 0 ? dw : 0.001), cc / (dc > 0 ? dc : 0.01),
		       100 * dr / cr }'
done

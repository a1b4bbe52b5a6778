#!/bin/sh
# Benchmark (issue 4 point 5): `dontpanic sys; bt; log; mod; ps` on a dump
# WITHOUT a vmlinux, against crash and drgn (each WITH the -dbg vmlinux)
# doing the same five things. Wall time and peak RSS from /usr/bin/time -v;
# prints ratios and appends a section to BENCHMARKS.md.
#
#   bench/kernel-cmds.sh [DUMP [VMLINUX]]     (run from the source tree)
#
# dontpanic runs one process per command (there is no shell mode yet), so
# its time is the sum of five runs and its RSS the largest of them; crash
# and drgn run once with all five. Files should be in the page cache: each
# tool is run once untimed first. Not a test: nothing asserts on times.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/vm/lib.sh"
dump=${1:-$(dp_vmcore sysrq kdump-zlib-d31)}
# crash and drgn get the dump's vmlinux, found by build-id.
vmlinux=${2:-$(dp_vmlinux "$dump" || true)}
[ -r "$vmlinux" ] || { dp_vmlinux_why "$dump"; exit 1; }
DP=${DP:-$top/build/dontpanic}
out=${BENCHMARKS:-$top/BENCHMARKS.md}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: append "wall_seconds max_rss_kb" to $tmp/NAME
measure() {
	name=$1
	shift
	/usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>&1 </dev/null || true
	awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]
		wall = s }
	/Maximum resident set size/ { rss = $2 }
	END { print wall, rss }' "$tmp/time" >>"$tmp/$name"
}

run_dp() {
	for c in sys bt log mod ps; do
		measure dp "$DP" "$c" "$dump"
	done
}
printf 'sys\nbt\nlog\nmod\nps\nq\n' >"$tmp/crash.cmds"
run_crash() { measure crash crash -s "$vmlinux" "$dump" -i "$tmp/crash.cmds"; }
run_drgn() {
	measure drgn /usr/bin/drgn -q -c "$dump" -s "$vmlinux" \
		"$top/bench/drgn-kernel-cmds.py"
}

run_dp; run_crash; run_drgn			# warm the page cache
rm -f "$tmp/dp" "$tmp/crash" "$tmp/drgn"
run_dp; run_crash; run_drgn

sum() { awk '{ w += $1; if ($2 > r) r = $2 } END { printf "%.2f %d\n", w, r }' "$1"; }
set -- $(sum "$tmp/dp"); dw=$1 dr=$2
set -- $(sum "$tmp/crash"); cw=$1 cr=$2
set -- $(sum "$tmp/drgn"); gw=$1 gr=$2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

report=$(cat <<EOT

## sys; bt; log; mod; ps (issue 4) — $(date -u +%Y-%m-%d)

Dump: \`$dump\` ($(du -h "$dump" | cut -f1)), host $(nproc) CPUs, files in the
page cache. dontpanic without a vmlinux (kallsyms, BTF, ORC from the dump;
one process per command, times summed); crash 8.0.2 and drgn 0.0.22 with the
-dbg vmlinux, one session each. \`bench/kernel-cmds.sh\`.

| tool | wall (s) | peak RSS (MB) | dontpanic is faster by | uses less memory by |
|---|---|---|---|---|
| dontpanic | $dw | $((dr / 1024)) | | |
| crash | $cw | $((cr / 1024)) | $(ratio "$cw" "$dw") | $(ratio "$cr" "$dr") |
| drgn | $gw | $((gr / 1024)) | $(ratio "$gw" "$dw") | $(ratio "$gr" "$dr") |
EOT
)
printf '%s\n' "$report"
[ -e "$out" ] || printf '# Benchmarks\n\nMeasured, not asserted: each section says how to rerun it.\n' >"$out"
printf '%s\n' "$report" >>"$out"

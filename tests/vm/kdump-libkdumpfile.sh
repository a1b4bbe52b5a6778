#!/bin/sh
# Cross-check of the kdump-compressed reader with libkdumpfile (an
# independent implementation): kdf-check samples every 97th pfn plus the
# first and last 100 present ones; bytes and missing pages must agree.
# libkdumpfile 0.5.1 (Debian 12) cannot open flattened files ("Unknown
# file format"; drgn fails on them for this reason), so for those it reads
# the `makedumpfile -R` copy while we read the stream.
#
# usage: kdump-libkdumpfile.sh KDF_CHECK KDUMP_RECODE
set -u
kdf=$1
recode=$2
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# kdf-check leaves the libkdumpfile context to the OS (see there).
echo 'leak:libkdumpfile.so' >"$tmp/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$tmp/lsan.supp"
failed=0
n=0
check() {
	name=$1
	shift
	out=$("$kdf" "$@" 2>&1)
	rc=$?
	echo "$name: $out"
	n=$((n + 1))
	[ $rc -eq 0 ] || { echo "FAIL: $name: kdf-check exit $rc"; failed=1; }
	echo "$out" | grep -Eq 'with data [1-9][0-9]*, without [1-9]' ||
		{ echo "FAIL: $name: nothing compared"; failed=1; }
}

for kind in kdump-zlib-d31 kdump-lzo-d31 kdump-nocomp-d31 kdump-nocomp-d1 \
	    kdump-zlib-d0; do
	d=$(dp_vmcore sysrq "$kind") && check "$kind" "$d"
done
# Flattened streams: we read the stream, libkdumpfile the copy that
# `makedumpfile -R` rearranges (--theirs); makedumpfile's every pfn,
# QEMU's (4 GiB of pfns, mostly holes) the sample.
flat() {
	name=$1 d=$2
	shift 2
	makedumpfile -R "$tmp/rearranged" <"$d" >/dev/null 2>&1 ||
		{ echo "FAIL: $name: makedumpfile -R"; failed=1; return; }
	check "$name" "$@" --theirs "$tmp/rearranged" "$d"
	rm -f "$tmp/rearranged"
}
if command -v makedumpfile >/dev/null; then
	d=$(dp_vmcore sysrq flat-zlib-d31) && flat flat-zlib-d31 "$d" --all
	d=$(dp_vmcore qemu-panic qemu-kdump-zlib.flat) &&
		flat qemu-kdump-zlib.flat "$d"
fi
# The test bed also keeps QEMU's file after -R.
d=$(dp_vmcore qemu-panic qemu-kdump-zlib) && check qemu-kdump-zlib "$d"
[ $n -gt 0 ] || dp_skip "no sysrq or qemu-panic kdump dumps"

# A --split set (libkdumpfile opens the parts as one file set) and the
# snappy/zstd re-encodings, which only synthetic files can provide here.
if full=$(dp_vmcore sysrq elf-full) && command -v makedumpfile >/dev/null
then
	makedumpfile --split -d 31 -c --splitblock-size 65536 "$full" \
		"$tmp/s1" "$tmp/s2" "$tmp/s3" >/dev/null 2>&1 &&
		check split "$tmp/s1" "$tmp/s2" "$tmp/s3"
	rm -f "$tmp"/s?
fi
if src=$(dp_vmcore sysrq kdump-nocomp-d31); then
	for c in snappy zstd; do
		if "$recode" --codec $c "$src" "$tmp/r-$c"; then
			check "recode-$c" "$tmp/r-$c"
		else
			echo "FAIL: kdump-recode $c"
			failed=1
		fi
		rm -f "$tmp/r-$c"
	done
fi
# Incomplete: lost pages must fail in libkdumpfile too.
if src=$(dp_vmcore sysrq kdump-zlib-d31); then
	if "$recode" --incomplete 40 "$src" "$tmp/inc"; then
		check incomplete "$tmp/inc"
	else
		echo "FAIL: kdump-recode --incomplete"
		failed=1
	fi
fi
exit $failed

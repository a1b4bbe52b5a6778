#!/bin/sh
# kdump-compressed reader on real dumps: every pfn of each kdump variant
# must read back byte-identical to the same pfn of the full ELF dump of the
# same crash (/proc/vmcore copy; QEMU: QEMU's own ELF), and every absent
# pfn must have the right reason (cmp-pages checks both; see there).
# Covers zlib/lzo/none at -d 31, -d 1, -d 0, makedumpfile's flattened -F,
# QEMU's flattened and rearranged kdump-zlib, a --split set made here,
# snappy and zstd re-encodings (kdump-recode) and incomplete dumps.
#
# usage: kdump-read.sh CMP_PAGES KDUMP_RECODE
set -u
cmp=$1
recode=$2
. "$(dirname "$0")/lib.sh"

full=$(dp_vmcore sysrq elf-full) || dp_skip "no sysrq elf-full dump"
tmp=$(mktemp -d)
trap 'umount "$tmp/mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
# sysrq KIND: the sysrq dump of that kind from the crash of $full (lib.sh
# may find a kind in its fallback place when the own cache lacks it).
sysrq() {
	_d=$(dp_vmcore sysrq "$1") && [ "$(dirname "$_d")" = "$(dirname "$full")" ] &&
		echo "$_d"
}

# run NAME EXPECT_REGEX [--allow-diff N] REF DUMP...: compare, and grep
# the info line.
# REF and the first DUMP must come from one crash: one directory (lib.sh
# may find a kind in its fallback place when the own cache lacks it).
run() {
	name=$1 expect=$2
	shift 2
	opts=
	if [ "$1" = --allow-diff ]; then
		opts="--allow-diff $2"
		shift 2
	fi
	case $2 in
	"$tmp"/*) ;;
	*) if [ "$(dirname "$1")" != "$(dirname "$2")" ]; then
		echo "$name: $2 is not from the crash of $1: not compared"
		return
	   fi ;;
	esac
	out=$("$cmp" $opts "$@" 2>&1)
	rc=$?
	printf '%s: %s\n' "$name" "$(echo "$out" | tr '\n' ' ')"
	[ $rc -eq 0 ] || { fail "$name: cmp-pages exit $rc"; return; }
	echo "$out" | grep -Eq "$expect" || fail "$name: info not /$expect/"
	# Something must have been read, and (for these dumps) something
	# must be missing, or the comparison proves little.
	echo "$out" | grep -Eq 'pages: present [1-9]' ||
		fail "$name: no present pages"
}

kinds=0
for k in kdump-zlib-d31:'format kdump compression zlib dump_level 31' \
	 kdump-lzo-d31:'format kdump compression lzo dump_level 31' \
	 kdump-nocomp-d31:'format kdump compression none dump_level 31' \
	 kdump-nocomp-d1:'format kdump compression none dump_level 1 ' \
	 kdump-zlib-d0:'format kdump compression zlib dump_level 0 ' \
	 flat-zlib-d31:'format flattened-kdump compression zlib dump_level 31'
do
	kind=${k%%:*}
	d=$(sysrq "$kind") || { echo "no sysrq $kind"; continue; }
	kinds=$((kinds + 1))
	run "$kind" "${k#*:}" "$full" "$d"
done
[ $kinds -gt 0 ] || fail "found elf-full but no sysrq kdump dump"

# Filtering must really have removed pages in -d 31 dumps.
d=$(sysrq kdump-zlib-d31) &&
	"$cmp" "$full" "$d" | grep -Eq 'excluded [1-9][0-9]* hole [1-9]' ||
	fail "kdump-zlib-d31 shows no excluded pages or no holes"

# QEMU dump-guest-memory kdump-zlib: flattened as written, and rearranged.
if qref=$(dp_vmcore qemu-panic qemu-elf); then
	for kind in qemu-kdump-zlib.flat qemu-kdump-zlib; do
		d=$(dp_vmcore qemu-panic "$kind") || continue
		case $kind in
		*.flat) fmt=flattened-kdump ;;
		*) fmt=kdump ;;
		esac
		# The guest keeps running between QEMU's two dump commands,
		# so a few pages may change (seen: 2 of 135200); the exact
		# check of these files is libkdumpfile's, in
		# kdump-libkdumpfile.sh.
		run "$kind" "format $fmt compression zlib dump_level 1 .*crash_time 0 " \
			--allow-diff 16 "$qref" "$d"
	done
else
	echo "no qemu-panic qemu-elf dump: QEMU kdump not compared"
fi

# --split: three parts from the full ELF; a 64 MiB splitblock makes
# makedumpfile give each part pages. Order of paths must not matter.
if command -v makedumpfile >/dev/null; then
	makedumpfile --split -d 31 -c --splitblock-size 65536 "$full" \
		"$tmp/s1" "$tmp/s2" "$tmp/s3" >"$tmp/split.log" 2>&1 ||
		fail "makedumpfile --split: $(tail -3 "$tmp/split.log")"
	run split-3-2-1 'nfiles 3' "$full" "$tmp/s3" "$tmp/s2" "$tmp/s1"
	run split-2-1-3 'nfiles 3' "$full" "$tmp/s2" "$tmp/s1" "$tmp/s3"
	for p in s1 s2 s3; do
		"$cmp" --check "$tmp/$p" | grep -q 'open all parts together' ||
			fail "$p alone: no clear split error"
	done
	"$cmp" --check "$tmp/s1" "$tmp/s3" | grep -q 'a part is missing' ||
		fail "s1+s3: gap not reported"
	"$cmp" --check "$tmp/s1" "$tmp/s2" "$tmp/s2" "$tmp/s3" |
		grep -q 'parts overlap' || fail "s2 twice: overlap not reported"
	if d=$(sysrq kdump-zlib-d31); then
		"$cmp" --check "$tmp/s1" "$tmp/s2" "$d" |
			grep -q 'not a --split part' ||
			fail "split + non-split mix not reported"
	fi
	"$cmp" --check "$tmp/s1" "$tmp/s2" "$full" |
		grep -q 'not a kdump-compressed file' ||
		fail "split + ELF mix not reported"
else
	echo "makedumpfile not installed: --split not tested"
fi

# snappy and zstd: Debian's makedumpfile cannot write them, so re-encode
# every page of the uncompressed dump (and zlib/lzo/none round trips).
if src=$(sysrq kdump-nocomp-d31); then
	for c in snappy zstd lzo zlib none; do
		"$recode" --codec $c "$src" "$tmp/r-$c" ||
			{ fail "kdump-recode $c"; continue; }
		run "recode-$c" "compression $c dump_level 31" "$full" "$tmp/r-$c"
	done
	rm -f "$tmp"/r-*
fi

# Older header versions (FORMATS.md 2.3): the same file with a lower
# header_version must read the same pages from the fields that version
# has: notes from v4, the bare VMCOREINFO text from v3, nothing before;
# the 32-bit max_mapnr before v6. "DISKDUMP" has no kdump sub header.
if src=$(sysrq kdump-zlib-d31); then
	for v in 5:'vmcoreinfo [1-9][0-9]* cpus [1-9]' \
		 4:'vmcoreinfo [1-9][0-9]* cpus [1-9]' \
		 3:'vmcoreinfo [1-9][0-9]* cpus 0' 2:'vmcoreinfo 0 cpus 0' \
		 1:'vmcoreinfo 0 cpus 0'; do
		# Set header_version; spoil max_mapnr_64, which only v6 has.
		cp "$src" "$tmp/v" && python3 -c 'import struct, sys
f = open(sys.argv[1], "r+b")
f.seek(8); f.write(struct.pack("<i", int(sys.argv[2])))
f.seek(428); bs = struct.unpack("<i", f.read(4))[0]
f.seek(bs + 96); f.write(struct.pack("<Q", 1 << 60))' "$tmp/v" "${v%%:*}"
		run "header-v${v%%:*}" "header_version ${v%%:*} " "$full" "$tmp/v"
		echo "$out" | grep -Eq "notes: ${v#*:}\$" ||
			fail "header-v${v%%:*}: notes not /${v#*:}/"
	done
	cp "$src" "$tmp/v" && printf DISKDUMP |
		dd of="$tmp/v" bs=1 conv=notrunc 2>/dev/null
	run diskdump "format diskdump .*dump_level -1 .*header_version 6 " \
		"$full" "$tmp/v"
	rm -f "$tmp/v"
fi

# Incomplete dumps (FORMATS.md 2.7). A real one: makedumpfile into a
# small tmpfs hits ENOSPC (needs root; skipped otherwise). A synthetic
# one: kdump-recode keeps 40 % of the descriptors, as makedumpfile does.
check_incomplete() {
	name=$1
	shift
	run "$name" 'incomplete 1' "$full" "$@"
	echo "$out" | grep -Eq 'lost [1-9]' || fail "$name: no lost pages"
}
# The tmpfs gets half the size of the complete -d 31 -c dump.
mkdir "$tmp/mnt"
room=$(($(stat -c %s "$(sysrq kdump-zlib-d31 || echo "$full")") / 2048))
if mount -t tmpfs -o size=${room}k tmpfs "$tmp/mnt" 2>/dev/null; then
	makedumpfile -d 31 -c "$full" "$tmp/mnt/inc" >"$tmp/inc.log" 2>&1
	if grep -q 'incomplete dumpfile' "$tmp/inc.log"; then
		check_incomplete incomplete-enospc "$tmp/mnt/inc"
	else
		fail "makedumpfile into a ${room} KiB tmpfs did not hit ENOSPC"
	fi
	umount "$tmp/mnt"
else
	echo "cannot mount tmpfs: real ENOSPC dump not made"
fi
if src=$(sysrq kdump-zlib-d31); then
	if "$recode" --incomplete 40 "$src" "$tmp/inc40"; then
		check_incomplete incomplete-synthetic "$tmp/inc40"
	else
		fail "kdump-recode --incomplete"
	fi
fi

exit $failed

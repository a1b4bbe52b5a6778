#!/bin/sh
# kdump-compressed reader on broken input made from a real dump: copies
# cut at each structure boundary and copies with one field patched to an
# absurd value. Each must fail with a clear error naming the file and the
# field (or the pfn and descriptor offset), never crash (ASan in
# `make asan`), never allocate by an unchecked field.
#
# usage: kdump-bad.sh CMP_PAGES
set -u
cmp=$1
. "$(dirname "$0")/lib.sh"

src=$(dp_vmcore sysrq kdump-zlib-d31) || dp_skip "no sysrq kdump-zlib-d31"
command -v python3 >/dev/null || dp_skip "python3 not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# Layout facts of the source (FORMATS.md 2.1-2.5), printed as shell
# assignments: block size, bitmap/descriptor offsets, descriptor picks.
eval "$(python3 - "$src" <<'EOF'
import struct, sys
f = open(sys.argv[1], 'rb')
h = f.read(464)
bs, shs, bmb = struct.unpack_from('<iiI', h, 428)
bm = (1 + shs) * bs
desc = bm + bmb * bs
f.seek(desc)
d = f.read(24 * 4096)
# a zlib-compressed page among the first descriptors
z = next(i for i in range(4096)
         if struct.unpack_from('<qII', d, 24 * i)[2] == 1)
off, size, _ = struct.unpack_from('<qII', d, 24 * z)
print(f'bs={bs} bm_off={bm} desc_off={desc} zdesc={desc + 24 * z} '
      f'zdata={off} zsize={size}')
EOF
)" || dp_fail "cannot parse $src"
size=$(stat -c %s "$src")

# poke NAME OFFSET STRUCT-FORMAT VALUE: set one field of tmp/NAME.
poke() {
	python3 -c 'import struct, sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2]))
f.write(struct.pack(sys.argv[3], int(sys.argv[4], 0)))' \
		"$tmp/$1" "$2" "$3" "$4"
}
# patch NAME OFFSET STRUCT-FORMAT VALUE: copy of src with one field set.
patch() {
	cp "$src" "$tmp/$1" && poke "$@"
}

# expect NAME EXIT REGEX: cmp-pages --check on tmp/NAME exits with EXIT
# (1: open fails, 2: page reads fail) and prints a line matching REGEX
# that also names the file.
expect() {
	out=$("$cmp" --check "$tmp/$1" 2>&1)
	rc=$?
	printf '%s: rc %s: %s\n' "$1" $rc "$(echo "$out" | head -2 | tr '\n' ' ')"
	[ $rc -eq "$2" ] || fail "$1: exit $rc, expected $2"
	echo "$out" | grep -E "$3" | grep -q "$tmp/$1" ||
		fail "$1: no message matching /$3/ naming the file"
	rm -f "$tmp/$1"
}

# Truncated at each boundary.
head -c 300 "$src" >"$tmp/cut-header"
expect cut-header 1 'kdump header'
head -c $((bs + 50)) "$src" >"$tmp/cut-subheader"
expect cut-subheader 1 'kdump sub header'
head -c $((bm_off + 100)) "$src" >"$tmp/cut-bitmap"
expect cut-bitmap 1 'bitmap_blocks 0x[0-9a-f]+ exceeds file size'
head -c $((desc_off + 1000)) "$src" >"$tmp/cut-descs"
expect cut-descs 1 'page descriptors at 0x[0-9a-f]+ exceed file size'
# Cut inside the page data without the incomplete flag (a copy stopped
# half way): it opens, says it is truncated, every page before the cut
# reads, and the pages past it are lost (cmp-pages checks each one's error).
head -c $((size - 1000000)) "$src" >"$tmp/cut-data"
out=$("$cmp" --check "$tmp/cut-data" 2>&1)
rc=$?
printf 'cut-data: rc %s: %s\n' $rc "$(echo "$out" | tr '\n' ' ')"
[ $rc -eq 0 ] || fail "cut-data: exit $rc, expected 0"
echo "$out" | grep -q 'incomplete 0 truncated 1 ' ||
	fail "cut-data: not reported as truncated"
echo "$out" | grep -Eq ' lost [1-9][0-9]* differing 0 problems 0$' ||
	fail "cut-data: no lost pages, or pages that differ"
rm -f "$tmp/cut-data"

# Absurd header fields (offsets: FORMATS.md 2.2, 2.3).
patch bad-signature 0 '<Q' 0x2020204d55444b4b
expect bad-signature 1 '.'
patch bad-version 8 '<i' -1
expect bad-version 1 'bad header_version'
patch bs-not-pow2 428 '<i' 4097
expect bs-not-pow2 1 'block_size 0x1001 is not a power of two'
patch bs-huge 428 '<i' 0x40000000
expect bs-huge 1 'block_size 0x40000000'
patch bs-8k 428 '<i' 8192
expect bs-8k 1 'block_size 0x2000 on x86_64'
patch shs-huge 432 '<i' 0x7fffffff
expect shs-huge 1 'sub_hdr_size 0x7fffffff blocks exceeds file size'
patch shs-neg 432 '<i' -5
expect shs-neg 1 'bad sub_hdr_size -5'
patch bitmap-huge 436 '<I' 0xffffffff
expect bitmap-huge 1 'bitmap_blocks 0xffffffff exceeds file size'
patch mapnr-huge $((bs + 96)) '<Q' 0x10000000000
expect mapnr-huge 1 'max_mapnr 0x10000000000 needs'
patch mapnr-zero $((bs + 96)) '<Q' 0	# v6 falls back to the 32-bit copy
poke mapnr-zero 440 '<I' 0
expect mapnr-zero 1 'max_mapnr is 0'
patch note-huge $((bs + 56)) '<Q' 0x10000000000
expect note-huge 1 'note area 0x[0-9a-f]+\+0x10000000000 exceeds'
patch split-range $((bs + 12)) '<i' 1	# a --split part ending past max_mapnr
poke split-range $((bs + 88)) '<Q' 0x7fffffffffffffff
expect split-range 1 'pfn range 0x0-0x7fffffffffffffff outside max_mapnr'

# Broken descriptors and page data: the file opens, that page fails.
patch desc-size $((zdesc + 8)) '<I' 0x2000
expect desc-size 2 'corrupt zlib page, pfn 0x[0-9a-f]+, descriptor at 0x[0-9a-f]+: size 0x2000'
patch desc-offset "$zdesc" '<q' 0x7fffffffffff0000
expect desc-offset 2 'descriptor at 0x[0-9a-f]+: data 0x7fffffffffff0000\+0x[0-9a-f]+ past end of file'
patch desc-negative "$zdesc" '<q' -4096
expect desc-negative 2 'past end of file'
patch desc-flags $((zdesc + 12)) '<I' 0x40
expect desc-flags 2 'corrupt kdump page.*bad flags 0x40'
patch desc-raw $((zdesc + 12)) '<I' 0
expect desc-raw 2 'raw size 0x[0-9a-f]+ != block size'
patch desc-zstd $((zdesc + 12)) '<I' 0x20
expect desc-zstd 2 'corrupt zstd page'
patch desc-snappy $((zdesc + 12)) '<I' 4
expect desc-snappy 2 'corrupt snappy page'
patch desc-lzo $((zdesc + 12)) '<I' 2
expect desc-lzo 2 'corrupt lzo page'
patch data-garbage "$zdata" '<Q' 0x5555555555555555
expect data-garbage 2 "corrupt zlib page, pfn 0x[0-9a-f]+, descriptor at 0x$(printf %x "$zdesc")"

exit $failed

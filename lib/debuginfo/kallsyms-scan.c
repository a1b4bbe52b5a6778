// SPDX-License-Identifier: MIT
// Find the kallsyms tables and the vmlinux BTF in a copy of the kernel
// image, for dumps without VMCOREINFO (which is what normally names them).
//
// Facts (FORMATS.md §6.1; scripts/kallsyms.c write_src() before the 6.4
// reorder, and `nm -n` of Debian's 6.1 -dbg vmlinux): every table starts
// 8-byte aligned (output_label() does .balign 8), in this order:
//   kallsyms_offsets[num]   s32 each
//   kallsyms_relative_base  u64
//   kallsyms_num_syms       u32
//   kallsyms_names          length-prefixed compressed names
//   kallsyms_markers        u32 per 256 names: offset of name 256k
//   kallsyms_seqs_of_names  3 bytes per name (6.2+, backported to 6.1.x)
//   kallsyms_token_table    256 NUL-terminated tokens
//   kallsyms_token_index    256 u16: offset of each token in the table
// Since 6.4 ("scripts/kallsyms: change the output order") the order is
// num_syms, names, markers, token_table, token_index, offsets,
// relative_base, seqs_of_names: the same anchor,
// with offsets and relative_base after the index instead of before
// num_syms (6.12's VMCOREINFO names them).  Both are tried, the 6.4+
// one first; a layout holds if its relative_base is a kernel-map address
// not above the image.
// The token index is the anchor: 256 strictly ascending u16 starting at 0,
// each the start of a NUL-terminated string in the table just before it.
// The rest is found backwards from the table and must agree exactly
// (markers, name-stream length), so a false match would need all of the
// structure to line up.
#include <inttypes.h>
#include <string.h>

#include "debuginfo/kallsyms.h"

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)
// Bytes searched below the token table for kallsyms_num_syms: the names
// stream of a 6.1 kernel is ~1.2 MiB.
#define NAMES_SEARCH (32u << 20)
#define TOKEN_MAX 512

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

// Token table ending (8-aligned) at idx: every token i is the
// NUL-terminated string at table + index[i]. Returns the table offset or
// 0 (the table is never at offset 0 of the image).
static size_t token_table_at(const uint8_t *img, size_t idx)
{
	uint16_t ti[256];
	for (int i = 0; i < 256; i++) {
		ti[i] = le16(img + idx + 2 * i);
		if (i ? ti[i] <= ti[i - 1] : ti[i] != 0)
			return 0;
	}
	// The table starts 8-aligned; its last token ends with a NUL within
	// TOKEN_MAX bytes, and the index follows at the next 8-byte boundary.
	if ((size_t)ti[255] + 2 > idx)
		return 0;
	for (size_t t = (idx - ti[255] - 2) & ~(size_t)7;
	     idx - t - ti[255] <= TOKEN_MAX + 8; t -= 8) {
		const uint8_t *tab = img + t;
		const uint8_t *nul = memchr(tab + ti[255], 0,
					    idx - t - ti[255]);
		if (nul && ALIGN8((size_t)(nul - img) + 1) == idx) {
			bool ok = true;
			for (int i = 0; ok && i < 255; i++) {
				size_t end = (size_t)ti[i + 1] - 1;
				ok = tab[end] == 0 &&
				     !memchr(tab + ti[i], 0, end - ti[i]);
			}
			if (ok)
				return t;
		}
		if (t < 8)
			break;
	}
	return 0;
}

// Walk n length-prefixed names from pos; the end offset, or 0 if they run
// past limit. Checks markers[k] == offset of name 256k on the way.
static size_t walk_names(const uint8_t *img, size_t pos, size_t limit,
			 uint32_t n, const uint8_t *markers)
{
	size_t start = pos;
	for (uint32_t i = 0; i < n; i++) {
		if (pos >= limit)
			return 0;
		if (!(i & 255) && le32(markers + (i >> 8) * 4) != pos - start)
			return 0;
		size_t len = img[pos];
		// 6.1 "big symbols": a set top bit means a 2-byte ULEB128 length.
		if (len & 0x80) {
			if (pos + 1 >= limit)
				return 0;
			len = (len & 0x7f) | ((size_t)img[pos + 1] << 7);
			pos++;
		}
		// Every name has at least its type letter.
		if (len == 0)
			return 0;
		pos += 1 + len;
	}
	return pos <= limit ? pos : 0;
}

// Is p (8-aligned, below the token table at t) kallsyms_num_syms?
static bool num_syms_at(const uint8_t *img, size_t p, size_t t,
			struct dp_kallsyms_tables *out, size_t *markers_ret)
{
	uint32_t n = le32(img + p);
	if (n < 2 || n > (1u << 22) || p < 8)
		return false;
	size_t m = ((size_t)n + 255) / 256, names = p + 8;
	// With and without kallsyms_seqs_of_names between markers and tokens.
	for (int seqs = 0; seqs < 2; seqs++) {
		size_t below = ALIGN8(4 * m) + (seqs ? ALIGN8((size_t)3 * n) : 0);
		if (below + names >= t)
			continue;
		size_t mk = t - below;
		if (le32(img + mk) != 0)
			continue;
		size_t end = walk_names(img, names, mk, n, img + mk);
		if (!end || ALIGN8(end) != mk)
			continue;
		out->num_syms = n;
		out->names = img + names;
		out->names_len = end - names;
		*markers_ret = mk;
		return true;
	}
	return false;
}

// kallsyms_relative_base is the lowest symbol address: in the kernel
// map (__START_KERNEL_map), not above the image's end.
static bool base_in_image(const uint8_t *img, size_t len, uint64_t vaddr,
			  size_t rb)
{
	uint64_t v;
	if (rb + 8 > len)
		return false;
	memcpy(&v, img + rb, 8);
	return v >= 0xffffffff80000000ull && v < vaddr + len;
}

// Where kallsyms_offsets (*offs) and kallsyms_relative_base (*rb) are,
// image offsets, given num_syms at p and the token index at idx.
static bool offsets_at(const uint8_t *img, size_t len, uint64_t vaddr,
		       size_t p, size_t idx, uint32_t n, size_t *offs,
		       size_t *rb)
{
	size_t size = ALIGN8((size_t)4 * n);
	// 6.4+: after the token index.
	*offs = ALIGN8(idx + 512);
	*rb = *offs + size;
	if (base_in_image(img, len, vaddr, *rb))
		return true;
	// Before: offsets, relative_base, then num_syms.
	if (p < 8 + size)
		return false;
	*rb = p - 8;
	*offs = *rb - size;
	return base_in_image(img, len, vaddr, *rb);
}

struct dp_error *dp_kallsyms_scan(const uint8_t *img, size_t len,
				  uint64_t vaddr,
				  struct dp_kallsyms_tables *out,
				  struct dp_kallsyms_found *found)
{
	memset(out, 0, sizeof(*out));
	for (size_t idx = 8; idx + 512 <= len; idx += 8) {
		// Cheap rejections first: index[0] == 0 < index[1] < index[2].
		if (img[idx] || img[idx + 1] ||
		    le16(img + idx + 2) == 0 ||
		    le16(img + idx + 4) <= le16(img + idx + 2))
			continue;
		size_t t = token_table_at(img, idx);
		if (!t)
			continue;
		size_t lo = t > NAMES_SEARCH ? t - NAMES_SEARCH : 8, mk;
		for (size_t p = (t - 8) & ~(size_t)7; p >= lo; p -= 8) {
			if (!num_syms_at(img, p, t, out, &mk))
				continue;
			size_t rb, offs;
			if (!offsets_at(img, len, vaddr, p, idx, out->num_syms,
					&offs, &rb))
				break;
			out->token_table = img + t;
			out->token_table_len = idx - t;
			for (int i = 0; i < 256; i++)
				out->token_index[i] = le16(img + idx + 2 * i);
			out->addrs = img + offs;
			out->addrs_len = (size_t)4 * out->num_syms;
			out->offsets_vaddr = vaddr + offs;
			out->have_relative_base = true;
			memcpy(&out->relative_base, img + rb, 8);
			*found = (struct dp_kallsyms_found){
				.offsets = vaddr + offs,
				.relative_base = vaddr + rb,
				.num_syms = vaddr + p,
				.names = vaddr + p + 8,
				.markers = vaddr + mk,
				.token_table = vaddr + t,
				.token_index = vaddr + idx,
			};
			return NULL;
		}
	}
	return dp_error_create(DP_ERR_NOT_FOUND,
		"no kallsyms tables (token index, names, markers, offsets in "
		"the 6.1 or 6.4+ layout) in the 0x%zx bytes of the kernel image at 0x%" PRIx64,
		len, vaddr);
}

// BTF header (include/uapi/linux/btf.h): magic 0xeB9F, version 1, flags,
// hdr_len, then type_off/len and str_off/len relative to the header end.
static size_t btf_blob_size(const uint8_t *p, size_t avail)
{
	if (avail < 24 || le16(p) != 0xeb9f || p[2] != 1 || p[3] != 0)
		return 0;
	uint32_t hdr = le32(p + 4), toff = le32(p + 8), tlen = le32(p + 12);
	uint32_t soff = le32(p + 16), slen = le32(p + 20);
	// libbpf's checks: sections in order, no overlap, strings start and
	// end with NUL.
	if (hdr < 24 || hdr > 256 || toff & 3 || (uint64_t)toff + tlen > soff ||
	    slen == 0 || tlen == 0)
		return 0;
	uint64_t size = (uint64_t)hdr + soff + slen;
	if (size > avail || p[hdr + soff] != 0 || p[size - 1] != 0)
		return 0;
	return (size_t)size;
}

bool dp_btf_scan(const uint8_t *img, size_t len, size_t *off_ret,
		 size_t *size_ret)
{
	size_t best = 0, best_off = 0;
	for (size_t off = 0; off + 24 <= len; off += 4) {
		if (img[off] != 0x9f || img[off + 1] != 0xeb)
			continue;
		size_t s = btf_blob_size(img + off, len - off);
		if (s > best) {
			best = s;
			best_off = off;
		}
	}
	*off_ret = best_off;
	*size_ret = best;
	return best != 0;
}

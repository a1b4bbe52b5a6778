// SPDX-License-Identifier: MIT
/*
 * Reader for kdump-compressed dumps (makedumpfile -c/-l/-p/-z or no
 * compression, QEMU dump-guest-memory kdump-*), including --split sets and
 * dumps flagged incomplete. Flattened streams are made transparent by
 * dp_file_pread(), so everything here works on logical file offsets.
 * Facts: FORMATS.md section 2 (layout), 3 (flattened), 9.3 (QEMU).
 *
 * Nothing is trusted: every offset and count from the headers is checked
 * against the file size with overflow-checked arithmetic before it is used
 * or sizes an allocation. Bitmaps and descriptors are read in small
 * windows; the only per-dump table is a prefix count of the 2nd bitmap
 * (one u64 per KDUMP_PREFIX_PFNS pfns), built once at open, which turns a
 * pfn into its descriptor index with one popcount over at most 512 bytes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <core/reader.h>
#include <core/search.h>
#include <format/compress/codec.h>
#include <format/format.h>
#include <format/kdump-def.h>

#define KDUMP_PREFIX_PFNS	4096u		/* pfns per prefix entry */
#define KDUMP_BM_WINDOW		4096u		/* bitmap bytes cached */
#define KDUMP_DESC_WINDOW	256u		/* descriptors cached */
#define KDUMP_SCAN_BYTES	(64u << 10)	/* bulk read size */
#define KDUMP_MAX_NOTES		(64u << 20)	/* note area sanity limit */
#define KDUMP_MAX_VMCOREINFO	(1u << 20)
#define KDUMP_MIN_BLOCK		1024u
#define KDUMP_MAX_BLOCK		(1u << 20)
#define KDUMP_NCODECS		4u		/* zlib, lzo, snappy, zstd */

/* The header and sub header of one file, as parsed. */
struct kdump_hdr {
	bool diskdump;			/* "DISKDUMP": no kdump sub header */
	int32_t version;
	char utsname[6][KDUMP_UTS_LEN + 1];
	int64_t tv_sec;
	uint32_t status;
	uint32_t block_size;
	uint32_t sub_hdr_size;
	uint32_t bitmap_blocks;
	uint64_t max_mapnr;
	int32_t nr_cpus;
	int32_t dump_level;		/* -1: no sub header */
	bool split;
	uint64_t start_pfn, end_pfn;	/* this file's range */
	uint64_t off_vmcoreinfo, size_vmcoreinfo;
	uint64_t off_note, size_note;
};

/* A cached window of one bitmap. */
struct kdump_bitmap {
	uint64_t off;			/* file offset of the bitmap */
	uint64_t base;			/* bitmap byte held in buf[0] */
	size_t len;			/* valid bytes in buf, 0 = none */
	uint8_t buf[KDUMP_BM_WINDOW];
};

/* One file: the whole dump, or one part of a --split set. */
struct kdump_part {
	struct dp_file *file;
	struct kdump_hdr h;
	uint64_t bitmap_bytes;		/* bytes of one bitmap in use */
	struct kdump_bitmap bm[2];	/* 1st (in memory), 2nd (dumpable) */
	uint64_t *prefix;		/* dumpable pfns before each chunk */
	uint64_t nprefix;
	uint64_t ndesc;			/* descriptors in this file */
	uint64_t desc_off;		/* file offset of page_desc[0] */
	uint64_t data_off;		/* end of the descriptor array */
	uint64_t zero_off[2];		/* zero-filled blocks where the shared
					   zero page may be, or UINT64_MAX */
	bool cut;			/* not flagged incomplete, but the file
					   ends before its last page's data */
	uint64_t dwin_first;		/* cached descriptors' first index */
	size_t dwin_n;
	struct kdump_page_desc dwin[KDUMP_DESC_WINDOW];
};

/* A codec's decoder state, made at the first page it decodes. */
struct kdump_codec {
	const struct dp_codec_ops *ops;
	void *state;
};

struct kdump_priv {
	bool big_endian;
	size_t nparts;
	struct kdump_part *parts;	/* sorted by start_pfn */
	size_t hint;			/* part of the last lookup */
	uint8_t *cbuf;			/* block_size bytes of stored data */
	struct kdump_codec codec[KDUMP_NCODECS];	/* kept: per-page setup
							   costs more than the
							   decoding */
};

static inline struct kdump_priv *kdump_priv(struct dp_dump *dump)
{
	return dump->priv;
}

/* ---- header parsing ---- */

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * Pick the dump's byte order: the header is in the dumped machine's order
 * (FORMATS.md 0). header_version is a small number either way.
 */
static bool guess_big_endian(const uint8_t *hdr)
{
	struct dp_reader r;
	uint32_t le, be;
	dp_reader_init(&r, hdr + offsetof(struct kdump_disk_header,
					  header_version), 4, false);
	dp_reader_u32(&r, &le);
	dp_reader_init(&r, hdr + offsetof(struct kdump_disk_header,
					  header_version), 4, true);
	dp_reader_u32(&r, &be);
	return le > 0xffff && be <= 0xffff;
}

static struct dp_error *parse_disk_header(struct dp_file *f, const uint8_t *buf,
					  bool be, struct kdump_hdr *h)
{
	struct dp_reader r;
	int32_t bs, shs;
	uint32_t mapnr32;

	dp_reader_init(&r, buf, sizeof(struct kdump_disk_header), be);
	dp_reader_seek(&r, offsetof(struct kdump_disk_header, header_version));
	dp_reader_s32(&r, &h->version);
	for (int i = 0; i < 6; i++) {
		dp_reader_bytes(&r, h->utsname[i], KDUMP_UTS_LEN);
		h->utsname[i][KDUMP_UTS_LEN] = '\0';
	}
	dp_reader_seek(&r, offsetof(struct kdump_disk_header, tv_sec));
	dp_reader_s64(&r, &h->tv_sec);
	dp_reader_seek(&r, offsetof(struct kdump_disk_header, status));
	dp_reader_u32(&r, &h->status);
	dp_reader_s32(&r, &bs);
	dp_reader_s32(&r, &shs);
	dp_reader_u32(&r, &h->bitmap_blocks);
	dp_reader_u32(&r, &mapnr32);
	dp_reader_seek(&r, offsetof(struct kdump_disk_header, nr_cpus));
	dp_reader_s32(&r, &h->nr_cpus);
	if (r.bad)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "truncated", f->path);

	if (h->version < 0)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "bad header_version %" PRId32,
				       f->path, h->version);
	if (bs < (int32_t)KDUMP_MIN_BLOCK || bs > (int32_t)KDUMP_MAX_BLOCK ||
	    !is_pow2((uint64_t)bs))
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "block_size 0x%" PRIx32 " is not a "
				       "power of two in [0x%x, 0x%x]",
				       f->path, (uint32_t)bs, KDUMP_MIN_BLOCK,
				       KDUMP_MAX_BLOCK);
	/* block_size is the page size; x86_64 pages are always 4 KiB. */
	if (!strcmp(h->utsname[KDUMP_UTS_MACHINE], "x86_64") && bs != 4096)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "block_size 0x%" PRIx32 " on x86_64 "
				       "(expected 0x1000)", f->path,
				       (uint32_t)bs);
	if (shs < 0)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "bad sub_hdr_size %" PRId32, f->path,
				       shs);
	h->block_size = (uint32_t)bs;
	h->sub_hdr_size = (uint32_t)shs;
	h->max_mapnr = mapnr32;
	h->dump_level = -1;
	h->start_pfn = 0;
	h->end_pfn = mapnr32;
	return NULL;
}

/* Read the kdump sub header fields that header_version says exist. */
static struct dp_error *parse_sub_header(struct dp_file *f, bool be,
					 struct kdump_hdr *h)
{
	uint8_t buf[sizeof(struct kdump_sub_header)];
	struct dp_reader r;
	struct dp_error *err;
	uint64_t phys_base, start32, end32, start64, end64, mapnr64;
	int32_t split;
	size_t len = sizeof(buf);

	/* makedumpfile and QEMU always reserve whole blocks (v1+). */
	if (h->sub_hdr_size == 0)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "sub_hdr_size is 0 in a version %" PRId32
				       " header", f->path, h->version);
	if (len > (uint64_t)h->sub_hdr_size * h->block_size)
		len = (uint64_t)h->sub_hdr_size * h->block_size;
	memset(buf, 0, sizeof(buf));
	err = dp_file_pread(f, buf, len, h->block_size);
	if (err)
		return dp_error_prefix(err, "kdump sub header");
	dp_reader_init(&r, buf, sizeof(buf), be);
	dp_reader_u64(&r, &phys_base);
	dp_reader_s32(&r, &h->dump_level);
	if (h->version >= 2) {
		dp_reader_s32(&r, &split);
		dp_reader_u64(&r, &start32);
		dp_reader_u64(&r, &end32);
		h->split = split != 0;
		if (h->split) {
			h->start_pfn = start32;
			h->end_pfn = end32;
		}
	}
	if (h->version >= 3) {
		dp_reader_seek(&r, offsetof(struct kdump_sub_header,
					    offset_vmcoreinfo));
		dp_reader_u64(&r, &h->off_vmcoreinfo);
		dp_reader_u64(&r, &h->size_vmcoreinfo);
	}
	if (h->version >= 4) {
		dp_reader_u64(&r, &h->off_note);
		dp_reader_u64(&r, &h->size_note);
	}
	if (h->version >= 6) {
		/* From v6 the 64-bit copies are authoritative (2.3). */
		dp_reader_seek(&r, offsetof(struct kdump_sub_header,
					    start_pfn_64));
		dp_reader_u64(&r, &start64);
		dp_reader_u64(&r, &end64);
		dp_reader_u64(&r, &mapnr64);
		if (mapnr64)
			h->max_mapnr = mapnr64;
		if (h->split) {
			h->start_pfn = start64;
			h->end_pfn = end64;
		} else {
			h->end_pfn = h->max_mapnr;
		}
	}
	if (r.bad || len < sizeof(buf))
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump sub header "
				       "does not fit in sub_hdr_size %" PRIu32
				       " blocks", f->path, h->sub_hdr_size);
	return NULL;
}

/*
 * Read and parse the headers of one file. DP_ERR_NOT_MINE if the
 * signature is not a kdump one.
 */
static struct dp_error *read_headers(struct dp_file *f, struct kdump_hdr *h,
				     bool *be)
{
	uint8_t buf[sizeof(struct kdump_disk_header)];
	struct dp_error *err;

	memset(h, 0, sizeof(*h));
	if (f->size < KDUMP_SIG_LEN)
		return dp_error_create(DP_ERR_NOT_MINE, "%s: too small for a "
				       "kdump header", f->path);
	err = dp_file_pread(f, buf, KDUMP_SIG_LEN, 0);
	if (err)
		return err;
	if (!memcmp(buf, DISKDUMP_SIGNATURE, KDUMP_SIG_LEN))
		h->diskdump = true;
	else if (memcmp(buf, KDUMP_SIGNATURE, KDUMP_SIG_LEN))
		return dp_error_create(DP_ERR_NOT_MINE, "%s: no kdump "
				       "signature", f->path);
	err = dp_file_pread(f, buf, sizeof(buf), 0);
	if (err)
		return dp_error_prefix(err, "kdump header");
	*be = guess_big_endian(buf);
	err = parse_disk_header(f, buf, *be, h);
	if (err)
		return err;
	/* The old diskdump sub header has another layout; we skip it. */
	if (!h->diskdump && h->version >= 1) {
		err = parse_sub_header(f, *be, h);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- layout checks ---- */

/* a * b + c, or false on overflow. */
static bool muladd(uint64_t a, uint64_t b, uint64_t c, uint64_t *ret)
{
	uint64_t t;
	return !dp_mul_overflow(a, b, &t) && !dp_add_overflow(t, c, ret);
}

/*
 * Place the bitmaps and the descriptor array of one file and check that
 * they lie inside it (FORMATS.md 2.1, 2.6).
 */
static struct dp_error *check_layout(struct kdump_part *p)
{
	const struct kdump_hdr *h = &p->h;
	const char *path = p->file->path;
	uint64_t bs = h->block_size, fsize = p->file->size;
	uint64_t bm_off, bm_blocks_each, half;

	if (!muladd(1 + (uint64_t)h->sub_hdr_size, bs, 0, &bm_off) ||
	    bm_off > fsize)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "sub_hdr_size 0x%" PRIx32 " blocks "
				       "exceeds file size 0x%" PRIx64, path,
				       h->sub_hdr_size, fsize);
	if (!muladd(h->bitmap_blocks, bs, bm_off, &p->desc_off) ||
	    p->desc_off > fsize)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "bitmap_blocks 0x%" PRIx32 " exceeds "
				       "file size 0x%" PRIx64, path,
				       h->bitmap_blocks, fsize);
	if (h->max_mapnr == 0)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "max_mapnr is 0", path);
	/* max_mapnr <= 2^64-1, so this cannot overflow. */
	p->bitmap_bytes = h->max_mapnr / 8 + (h->max_mapnr % 8 != 0);
	bm_blocks_each = p->bitmap_bytes / bs + (p->bitmap_bytes % bs != 0);
	half = h->bitmap_blocks / 2;
	p->bm[0].off = bm_off;
	if (bm_blocks_each <= half) {
		p->bm[1].off = bm_off + half * bs;
	} else if (bm_blocks_each <= h->bitmap_blocks) {
		/* Old diskdump: one bitmap serves both purposes (2.6). */
		p->bm[1].off = bm_off;
	} else {
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump header: "
				       "max_mapnr 0x%" PRIx64 " needs 2 x 0x%"
				       PRIx64 " bitmap blocks, header has 0x%"
				       PRIx32, path, h->max_mapnr,
				       bm_blocks_each, h->bitmap_blocks);
	}
	if (h->start_pfn > h->end_pfn || h->end_pfn > h->max_mapnr)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump sub header:"
				       " pfn range 0x%" PRIx64 "-0x%" PRIx64
				       " outside max_mapnr 0x%" PRIx64, path,
				       h->start_pfn, h->end_pfn, h->max_mapnr);
	return NULL;
}

/* ---- bitmaps ---- */

/* Number of set bits in bits [lo, hi) of buf. */
static uint64_t count_bits(const uint8_t *buf, uint64_t lo, uint64_t hi)
{
	uint64_t n = 0;

	while (lo < hi && (lo & 63)) {
		n += (buf[lo >> 3] >> (lo & 7)) & 1;
		lo++;
	}
	while (lo + 64 <= hi) {
		uint64_t w;
		memcpy(&w, buf + (lo >> 3), 8);
		n += (uint64_t)__builtin_popcountll(w);
		lo += 64;
	}
	while (lo < hi) {
		n += (buf[lo >> 3] >> (lo & 7)) & 1;
		lo++;
	}
	return n;
}

/* Make the window of bitmap `which` hold the byte of pfn. */
static struct dp_error *bm_fetch(struct kdump_part *p, int which, uint64_t pfn)
{
	struct kdump_bitmap *bm = &p->bm[which];
	uint64_t byte = pfn >> 3, base, len;
	struct dp_error *err;

	if (bm->len && byte >= bm->base && byte < bm->base + bm->len)
		return NULL;
	base = byte & ~(uint64_t)(KDUMP_BM_WINDOW - 1);
	len = p->bitmap_bytes - base;
	if (len > KDUMP_BM_WINDOW)
		len = KDUMP_BM_WINDOW;
	bm->len = 0;
	err = dp_file_pread(p->file, bm->buf, len, bm->off + base);
	if (err)
		return dp_error_prefix(err, "kdump %s bitmap",
				       which ? "2nd" : "1st");
	bm->base = base;
	bm->len = len;
	return NULL;
}

static struct dp_error *bm_test(struct kdump_part *p, int which, uint64_t pfn,
				bool *ret)
{
	struct dp_error *err = bm_fetch(p, which, pfn);
	if (err)
		return err;
	const uint8_t *b = p->bm[which].buf;
	uint64_t byte = (pfn >> 3) - p->bm[which].base;
	*ret = (b[byte] >> (pfn & 7)) & 1;
	return NULL;
}

/*
 * Build the prefix-count table of the 2nd bitmap over the file's pfn
 * range: prefix[k] = dumpable pfns in [start_pfn, chunk k's first pfn),
 * chunks being the absolute KDUMP_PREFIX_PFNS-aligned grid. Reads the
 * bitmap once, KDUMP_SCAN_BYTES at a time. The table size is bounded by
 * the bitmap size, which check_layout() bounded by the file size.
 */
static struct dp_error *build_prefix(struct kdump_part *p)
{
	const uint64_t chunk_bytes = KDUMP_PREFIX_PFNS / 8;
	uint64_t start = p->h.start_pfn, end = p->h.end_pfn;
	uint64_t c0 = start / KDUMP_PREFIX_PFNS;
	uint64_t c1 = end / KDUMP_PREFIX_PFNS + 1;
	uint64_t running = 0;
	struct dp_error *err = NULL;
	uint8_t *buf;

	p->nprefix = c1 - c0;
	p->prefix = calloc(p->nprefix, sizeof(*p->prefix));
	buf = malloc(KDUMP_SCAN_BYTES);
	if (!p->prefix || !buf) {
		free(buf);
		return &dp_enomem;
	}
	/* Walk whole scan buffers of chunks. */
	for (uint64_t c = c0; c < c1;) {
		uint64_t byte = c * chunk_bytes, len;
		if (byte >= p->bitmap_bytes) {
			/* Chunks past the bitmap hold no pfn < end. */
			for (; c < c1; c++)
				p->prefix[c - c0] = running;
			break;
		}
		len = p->bitmap_bytes - byte;
		if (len > KDUMP_SCAN_BYTES)
			len = KDUMP_SCAN_BYTES;
		memset(buf, 0, KDUMP_SCAN_BYTES);
		err = dp_file_pread(p->file, buf, len, p->bm[1].off + byte);
		if (err) {
			err = dp_error_prefix(err, "kdump 2nd bitmap");
			break;
		}
		for (uint64_t i = 0; i < KDUMP_SCAN_BYTES / chunk_bytes &&
		     c < c1; i++, c++) {
			uint64_t lo = c * KDUMP_PREFIX_PFNS;
			uint64_t hi = lo + KDUMP_PREFIX_PFNS;
			p->prefix[c - c0] = running;
			if (lo < start)
				lo = start;
			if (hi > end)
				hi = end;
			if (lo < hi)
				running += count_bits(buf + i * chunk_bytes,
					lo % KDUMP_PREFIX_PFNS,
					lo % KDUMP_PREFIX_PFNS + (hi - lo));
		}
	}
	free(buf);
	p->ndesc = running;
	return err;
}

/* Descriptor index of a dumpable pfn within its part. */
static struct dp_error *desc_index(struct kdump_part *p, uint64_t pfn,
				   uint64_t *ret)
{
	uint64_t c = pfn / KDUMP_PREFIX_PFNS;
	uint64_t lo = c * KDUMP_PREFIX_PFNS;
	struct dp_error *err = bm_fetch(p, 1, pfn);
	if (err)
		return err;
	if (lo < p->h.start_pfn)
		lo = p->h.start_pfn;
	/* The window is KDUMP_BM_WINDOW-aligned, so it holds the chunk. */
	const uint8_t *chunk = p->bm[1].buf + (c * (KDUMP_PREFIX_PFNS / 8) -
					       p->bm[1].base);
	*ret = p->prefix[c - p->h.start_pfn / KDUMP_PREFIX_PFNS] +
	       count_bits(chunk, lo % KDUMP_PREFIX_PFNS,
			  pfn % KDUMP_PREFIX_PFNS);
	return NULL;
}

/* ---- descriptors ---- */

static void parse_desc(const uint8_t *raw, bool be, struct kdump_page_desc *d)
{
	struct dp_reader r;
	dp_reader_init(&r, raw, sizeof(*d), be);
	dp_reader_s64(&r, &d->offset);
	dp_reader_u32(&r, &d->size);
	dp_reader_u32(&r, &d->flags);
	dp_reader_u64(&r, &d->page_flags);
}

/*
 * Fetch descriptor idx. In a dump flagged incomplete, descriptors past
 * the end of the file read as zeros, as makedumpfile leaves them (2.7).
 */
static struct dp_error *desc_get(struct kdump_priv *priv, struct kdump_part *p,
				 uint64_t idx, struct kdump_page_desc *ret)
{
	uint8_t raw[KDUMP_DESC_WINDOW * sizeof(struct kdump_page_desc)];
	uint64_t first, n, off, have;
	struct dp_error *err;

	if (idx >= p->ndesc)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: descriptor %"
				       PRIu64 " past the %" PRIu64 " described"
				       " by the bitmap", p->file->path, idx,
				       p->ndesc);
	if (p->dwin_n && idx >= p->dwin_first &&
	    idx < p->dwin_first + p->dwin_n) {
		*ret = p->dwin[idx - p->dwin_first];
		return NULL;
	}
	first = idx & ~(uint64_t)(KDUMP_DESC_WINDOW - 1);
	n = p->ndesc - first;
	if (n > KDUMP_DESC_WINDOW)
		n = KDUMP_DESC_WINDOW;
	off = p->desc_off + first * sizeof(struct kdump_page_desc);
	have = n * sizeof(struct kdump_page_desc);
	memset(raw, 0, sizeof(raw));
	if (p->h.status & KDUMP_STATUS_INCOMPLETE)
		have = off >= p->file->size ? 0 :
		       (p->file->size - off < have ? p->file->size - off : have);
	p->dwin_n = 0;
	if (have) {
		err = dp_file_pread(p->file, raw, have, off);
		if (err)
			return dp_error_prefix(err, "kdump page descriptors");
	}
	for (uint64_t i = 0; i < n; i++)
		parse_desc(raw + i * sizeof(struct kdump_page_desc),
			   priv->big_endian, &p->dwin[i]);
	p->dwin_first = first;
	p->dwin_n = n;
	*ret = p->dwin[idx - first];
	return NULL;
}

static uint64_t desc_file_off(const struct kdump_part *p, uint64_t idx)
{
	return p->desc_off + idx * sizeof(struct kdump_page_desc);
}

/* ---- pfn lookup ---- */

static struct kdump_part *find_part(struct kdump_priv *priv, uint64_t pfn)
{
	struct kdump_part *p = &priv->parts[priv->hint];

	if (pfn >= p->h.start_pfn && pfn < p->h.end_pfn)
		return p;
	/* The parts are sorted and do not overlap (checked at open). */
	size_t i = dp_partition_point(priv->nparts, k,
				      priv->parts[k].h.end_pfn <= pfn);
	if (i == priv->nparts || pfn < priv->parts[i].h.start_pfn)
		return NULL;
	priv->hint = i;
	return &priv->parts[i];
}

/* Where a pfn stands; *desc and *idx are set for PRESENT/ZERO/LOST. */
struct kdump_loc {
	struct kdump_part *part;
	enum dp_page_state state;
	uint64_t idx;
	struct kdump_page_desc desc;
};

static bool desc_is_zero_page(const struct kdump_part *p,
			      const struct kdump_page_desc *d)
{
	return d->offset >= 0 && d->flags == 0 &&
	       d->size == p->h.block_size &&
	       ((uint64_t)d->offset == p->zero_off[0] ||
		(uint64_t)d->offset == p->zero_off[1]);
}

/*
 * A page whose data should be there and is not: a zero offset in a dump
 * the writer flagged incomplete (2.7), or data past the end of a file cut
 * short without the flag (a copy stopped half way).
 */
static bool desc_is_lost(const struct kdump_part *p,
			 const struct kdump_page_desc *d)
{
	uint64_t end;

	if (d->offset == 0 && (p->h.status & KDUMP_STATUS_INCOMPLETE))
		return true;
	return p->cut && d->offset > 0 &&
	       (dp_add_overflow((uint64_t)d->offset, d->size, &end) ||
		end > p->file->size);
}

static struct dp_error *locate(struct kdump_priv *priv, uint64_t pfn,
			       struct kdump_loc *loc)
{
	struct kdump_part *p = find_part(priv, pfn);
	struct dp_error *err;
	bool bit;

	loc->part = p;
	loc->state = DP_PAGE_HOLE;
	if (!p)
		return NULL;
	err = bm_test(p, 0, pfn, &bit);
	if (err || !bit)
		return err;
	loc->state = DP_PAGE_EXCLUDED;
	err = bm_test(p, 1, pfn, &bit);
	if (err || !bit)
		return err;
	err = desc_index(p, pfn, &loc->idx);
	if (!err)
		err = desc_get(priv, p, loc->idx, &loc->desc);
	if (err)
		return err;
	if (desc_is_lost(p, &loc->desc))
		loc->state = DP_PAGE_LOST;
	else if (desc_is_zero_page(p, &loc->desc))
		loc->state = DP_PAGE_ZERO;
	else
		loc->state = DP_PAGE_PRESENT;
	return NULL;
}

static enum dp_page_state kdump_page_state(struct dp_dump *dump, uint64_t pfn)
{
	struct kdump_loc loc;
	struct dp_error *err = locate(kdump_priv(dump), pfn, &loc);

	if (err) {
		/* I/O trouble: let read_page() report it. */
		dp_error_destroy(err);
		return DP_PAGE_PRESENT;
	}
	return loc.state;
}

/* ---- page data ---- */

/*
 * Decode one stored page through the codec table (format/compress/), with
 * the codec's state kept in priv across pages.
 */
static struct dp_error *decompress(struct kdump_priv *priv,
				   const struct dp_codec_ops *ops,
				   const uint8_t *src, size_t n, uint8_t *buf,
				   size_t bs)
{
	struct kdump_codec *c = priv->codec;
	while (c->ops && c->ops != ops)
		c++;
	if (!c->ops) {
		struct dp_error *err = ops->create(DP_CODEC_DECODE_ONLY,
						   &c->state);
		if (err)
			return err;
		c->ops = ops;
	}
	return ops->decompress(c->state, src, n, buf, bs);
}

static struct dp_error *read_data(struct kdump_priv *priv,
				  const struct kdump_loc *loc, uint64_t pfn,
				  uint8_t *buf)
{
	const struct kdump_part *p = loc->part;
	const struct kdump_page_desc *d = &loc->desc;
	const struct dp_codec_ops *ops = dp_codec_by_flag(d->flags);
	const char *path = p->file->path;
	const char *codec = d->flags == 0 ? "raw" : ops ? ops->name : NULL;
	uint64_t bs = p->h.block_size, doff = desc_file_off(p, loc->idx), end;
	struct dp_error *err;

#define CORRUPT(fmt, ...) dp_error_create(DP_ERR_BAD_DATA, "%s: corrupt %s " \
	"page, pfn 0x%" PRIx64 ", descriptor at 0x%" PRIx64 ": " fmt, path, \
	codec ? codec : "kdump", pfn, doff, __VA_ARGS__)
	if (!codec)
		return CORRUPT("bad flags 0x%" PRIx32, d->flags);
	if (d->size == 0 || d->size > bs)
		return CORRUPT("size 0x%" PRIx32 " not in [1, block size 0x%"
			       PRIx64 "]", d->size, bs);
	if (d->flags == 0 && d->size != bs)
		return CORRUPT("raw size 0x%" PRIx32 " != block size 0x%"
			       PRIx64, d->size, bs);
	if (d->offset < 0 || dp_add_overflow((uint64_t)d->offset, d->size,
					     &end) || end > p->file->size)
		return CORRUPT("data 0x%" PRIx64 "+0x%" PRIx32 " past end of "
			       "file 0x%" PRIx64, (uint64_t)d->offset, d->size,
			       p->file->size);
	err = dp_file_pread(p->file, d->flags ? priv->cbuf : buf, d->size,
			    (uint64_t)d->offset);
	if (err)
		return dp_error_prefix(err, "pfn 0x%" PRIx64, pfn);
	if (d->flags == 0)
		return NULL;
	err = decompress(priv, ops, priv->cbuf, d->size, buf, bs);
	if (err && err->code == DP_ERR_BAD_DATA) {
		struct dp_error *e = CORRUPT("%s", err->message);
		dp_error_destroy(err);
		return e;
	}
#undef CORRUPT
	return err;
}

static struct dp_error *kdump_read_page(struct dp_dump *dump, uint64_t pfn,
					void *buf)
{
	struct kdump_priv *priv = kdump_priv(dump);
	uint64_t addr = pfn * dump->page_size;
	struct kdump_loc loc;
	struct dp_error *err = locate(priv, pfn, &loc);

	if (err)
		return dp_error_prefix(err, "pfn 0x%" PRIx64, pfn);
	switch (loc.state) {
	case DP_PAGE_HOLE:
		return dp_error_addr(DP_ERR_PAGE_HOLE, addr, "pfn 0x%" PRIx64
				     ": not in dump", pfn);
	case DP_PAGE_EXCLUDED:
		return dp_error_addr(DP_ERR_PAGE_EXCLUDED, addr, "pfn 0x%"
				     PRIx64 ": excluded (dump level %d)", pfn,
				     loc.part->h.dump_level);
	case DP_PAGE_LOST:
		if (loc.desc.offset > 0)
			return dp_error_addr(DP_ERR_PAGE_LOST, addr, "pfn 0x%"
				PRIx64 ": lost: data 0x%" PRIx64 "+0x%" PRIx32
				" past end of file 0x%" PRIx64 " (%s is "
				"truncated)", pfn, (uint64_t)loc.desc.offset,
				loc.desc.size, loc.part->file->size,
				loc.part->file->path);
		return dp_error_addr(DP_ERR_PAGE_LOST, addr, "pfn 0x%" PRIx64
				     ": lost (incomplete dump)", pfn);
	case DP_PAGE_ZERO:
	case DP_PAGE_PRESENT:
		break;
	}
	return read_data(priv, &loc, pfn, buf);
}

/* ---- info ---- */

/* Count dumpable pfns that point at the zero page or were lost. */
static struct dp_error *count_descs(struct kdump_priv *priv,
				    struct kdump_part *p, uint64_t *zero,
				    uint64_t *lost)
{
	struct kdump_page_desc d;
	struct dp_error *err;

	for (uint64_t i = 0; i < p->ndesc; i++) {
		err = desc_get(priv, p, i, &d);
		if (err)
			return err;
		if (desc_is_lost(p, &d))
			(*lost)++;
		else if (desc_is_zero_page(p, &d))
			(*zero)++;
	}
	return NULL;
}

/* Count pfns set in the 1st bitmap but not the 2nd, over a part. */
static struct dp_error *count_excluded(struct kdump_part *p, uint64_t *ret)
{
	uint64_t pfn = p->h.start_pfn, end = p->h.end_pfn;
	struct dp_error *err;

	while (pfn < end) {
		/* One window of both bitmaps at a time. */
		uint64_t stop = ((pfn >> 3) / KDUMP_BM_WINDOW + 1) *
				KDUMP_BM_WINDOW * 8;
		if (stop > end)
			stop = end;
		if ((err = bm_fetch(p, 0, pfn)) || (err = bm_fetch(p, 1, pfn)))
			return err;
		const uint8_t *b1 = p->bm[0].buf, *b2 = p->bm[1].buf;
		uint64_t base = p->bm[0].base * 8;
		for (; pfn < stop; pfn++) {
			uint64_t i = pfn - base;
			if (((b1[i >> 3] & ~b2[i >> 3]) >> (i & 7)) & 1)
				(*ret)++;
		}
	}
	return NULL;
}

static struct dp_error *kdump_get_info(struct dp_dump *dump,
				       struct dp_dump_info *info)
{
	struct kdump_priv *priv = kdump_priv(dump);
	const struct kdump_hdr *h = &priv->parts[0].h;
	uint64_t present = 0, zero = 0, lost = 0, excluded = 0;
	struct dp_error *err;

	info->flattened = dump->files[0].flat != NULL;
	info->format = info->flattened ? "flattened-kdump" : "kdump";
	if (h->diskdump)
		info->format = "diskdump";
	/* QEMU fills only utsname.machine (FORMATS.md 9.3). */
	info->producer = h->utsname[2][0] == '\0' && h->dump_level == 1 ?
			 "qemu" : "makedumpfile";
	const struct dp_codec_ops *codec = dp_codec_by_status(h->status);
	info->compression = codec ? codec->id : DP_COMPRESS_NONE;
	info->dump_level = h->dump_level;
	info->incomplete = h->status & KDUMP_STATUS_INCOMPLETE;
	for (size_t i = 0; i < priv->nparts; i++)
		info->truncated |= priv->parts[i].cut;
	info->nfiles = (unsigned int)priv->nparts;
	info->page_size = h->block_size;
	info->max_pfn = h->max_mapnr;
	info->header_version = (uint32_t)h->version;
	/* makedumpfile copies CRASHTIME here; QEMU leaves 0 (9.3). */
	if (h->tv_sec)
		info->crash_time = h->tv_sec;
	for (size_t i = 0; i < priv->nparts; i++) {
		struct kdump_part *p = &priv->parts[i];
		present += p->ndesc;
		err = count_excluded(p, &excluded);
		if (!err)
			err = count_descs(priv, p, &zero, &lost);
		if (err)
			return err;
	}
	info->pages_present = present - lost;
	info->pages_zero = zero;
	info->pages_lost = lost;
	info->pages_excluded = excluded;
	return NULL;
}

/* ---- open ---- */

static void kdump_cleanup(struct dp_dump *dump)
{
	struct kdump_priv *priv = kdump_priv(dump);
	if (!priv)
		return;
	for (size_t i = 0; i < priv->nparts; i++)
		free(priv->parts[i].prefix);
	free(priv->parts);
	free(priv->cbuf);
	for (size_t i = 0; i < KDUMP_NCODECS && priv->codec[i].ops; i++)
		priv->codec[i].ops->destroy(priv->codec[i].state);
	free(priv);
	dump->priv = NULL;
}

/* Fields every part of a --split set must share. */
static struct dp_error *check_same(const struct kdump_part *a,
				   const struct kdump_part *b)
{
	const struct kdump_hdr *x = &a->h, *y = &b->h;
	const char *what = NULL;

	if (!x->split || !y->split)
		return dp_error_create(DP_ERR_INVALID, "%s: not a --split "
				       "part; only the parts of one "
				       "makedumpfile --split set can be opened"
				       " together", (x->split ? b : a)->file->path);
	if (x->diskdump != y->diskdump || x->version != y->version)
		what = "header_version";
	else if (x->block_size != y->block_size)
		what = "block_size";
	else if (x->max_mapnr != y->max_mapnr)
		what = "max_mapnr";
	else if (x->bitmap_blocks != y->bitmap_blocks)
		what = "bitmap_blocks";
	else if (x->dump_level != y->dump_level)
		what = "dump_level";
	else if (x->tv_sec != y->tv_sec)
		what = "timestamp";
	else if (memcmp(x->utsname, y->utsname, sizeof(x->utsname)))
		what = "utsname";
	else if ((x->status ^ y->status) & KDUMP_COMPRESS_MASK)
		what = "compression";
	if (what)
		return dp_error_create(DP_ERR_INVALID, "%s and %s: different "
				       "%s; not parts of the same --split set",
				       a->file->path, b->file->path, what);
	return NULL;
}

static int cmp_part(const void *a, const void *b)
{
	const struct kdump_part *x = a, *y = b;
	if (x->h.start_pfn != y->h.start_pfn)
		return x->h.start_pfn < y->h.start_pfn ? -1 : 1;
	return x->h.end_pfn < y->h.end_pfn ? -1 : x->h.end_pfn > y->h.end_pfn;
}

/* The parts, sorted, must tile [0, max_mapnr) exactly (FORMATS.md 2.8). */
static struct dp_error *check_split(struct kdump_priv *priv)
{
	struct kdump_part *parts = priv->parts;
	size_t n = priv->nparts;
	struct dp_error *err;
	uint64_t next = 0;

	if (n == 1) {
		if (parts[0].h.split)
			return dp_error_create(DP_ERR_INVALID, "%s: part of a "
				"--split set (pfns 0x%" PRIx64 "-0x%" PRIx64
				"); open all parts together",
				parts[0].file->path, parts[0].h.start_pfn,
				parts[0].h.end_pfn);
		return NULL;
	}
	for (size_t i = 1; i < n; i++) {
		err = check_same(&parts[0], &parts[i]);
		if (err)
			return err;
	}
	qsort(parts, n, sizeof(*parts), cmp_part);
	for (size_t i = 0; i < n; i++) {
		const struct kdump_hdr *h = &parts[i].h;
		if (h->start_pfn != next)
			return dp_error_create(DP_ERR_INVALID, "%s: --split "
				"part starts at pfn 0x%" PRIx64 ", expected 0x%"
				PRIx64 " (%s)", parts[i].file->path,
				h->start_pfn, next, h->start_pfn > next ?
				"a part is missing" : "parts overlap");
		next = h->end_pfn;
	}
	if (next != parts[0].h.max_mapnr)
		return dp_error_create(DP_ERR_INVALID, "%s: --split parts end "
				       "at pfn 0x%" PRIx64 ", max_mapnr is 0x%"
				       PRIx64 " (a part is missing)",
				       parts[n - 1].file->path, next,
				       parts[0].h.max_mapnr);
	return NULL;
}

/* Descriptors must fit in the file unless it says it was cut short. */
static struct dp_error *check_descs(struct kdump_part *p)
{
	uint64_t end;

	if (!muladd(p->ndesc, sizeof(struct kdump_page_desc), p->desc_off,
		    &end))
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump: %" PRIu64
				       " descriptors overflow", p->file->path,
				       p->ndesc);
	p->data_off = end;
	if (end > p->file->size && !(p->h.status & KDUMP_STATUS_INCOMPLETE))
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump: %" PRIu64
				       " page descriptors at 0x%" PRIx64
				       " exceed file size 0x%" PRIx64,
				       p->file->path, p->ndesc, p->desc_off,
				       p->file->size);
	return NULL;
}

/*
 * With dump level bit 1, makedumpfile and QEMU write one shared zero page
 * first in the data area and point every zero pfn at it (FORMATS.md 2.6,
 * 9.3). The data area starts after this file's descriptors, except that
 * makedumpfile --split reserves room for the descriptors of the whole set
 * in every part (seen with makedumpfile 1.7.2; the gap between is never
 * written and reads as zeros). Keep each place that holds a block of
 * zeros: a raw descriptor pointing there is a zero page, however the
 * writer laid the file out.
 */
static struct dp_error *find_zero_page(struct kdump_part *p, uint64_t ndesc_all)
{
	uint64_t cand[2], bs = p->h.block_size, end;
	struct dp_error *err = NULL;
	uint8_t *buf;

	p->zero_off[0] = p->zero_off[1] = UINT64_MAX;
	if (p->h.dump_level < 0 || !(p->h.dump_level & 1))
		return NULL;
	cand[0] = p->data_off;
	if (!muladd(ndesc_all, sizeof(struct kdump_page_desc), p->desc_off,
		    &cand[1]))
		cand[1] = UINT64_MAX;
	buf = malloc(bs);
	if (!buf)
		return &dp_enomem;
	for (int i = 0; i < 2; i++) {
		if (dp_add_overflow(cand[i], bs, &end) || end > p->file->size)
			continue;
		err = dp_file_pread(p->file, buf, bs, cand[i]);
		if (err)
			break;
		if (buf[0] == 0 && !memcmp(buf, buf + 1, bs - 1))
			p->zero_off[i] = cand[i];
	}
	free(buf);
	return err;
}

/* Wrap a bare VMCOREINFO text (header v3) as a note for dp_dump_add_notes. */
static struct dp_error *add_vmcoreinfo_text(struct dp_dump *dump,
					    const char *text, size_t len,
					    bool be)
{
	static const char name[12] = "VMCOREINFO";
	size_t padded = (len + 3) & ~(size_t)3, total = 24 + padded;
	uint8_t *note = calloc(1, total);
	struct dp_error *err;
	uint32_t words[3] = { 11, (uint32_t)len, 0 };

	if (!note)
		return &dp_enomem;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			note[i * 4 + j] = (uint8_t)(words[i] >>
						    (be ? 24 - 8 * j : 8 * j));
	memcpy(note + 12, name, sizeof(name));
	memcpy(note + 24, text, len);
	err = dp_dump_add_notes(dump, note, total, be);
	free(note);
	return err;
}

/* Read a region named by the sub header after checking it. */
static struct dp_error *read_region(struct dp_file *f, uint64_t off,
				    uint64_t size, uint64_t limit,
				    const char *what, uint8_t **ret)
{
	uint64_t end;
	struct dp_error *err;

	*ret = NULL;
	if (size > limit || dp_add_overflow(off, size, &end) || end > f->size)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: kdump sub header:"
				       " %s 0x%" PRIx64 "+0x%" PRIx64 " exceeds"
				       " file size 0x%" PRIx64 " (limit 0x%"
				       PRIx64 ")", f->path, what, off, size,
				       f->size, limit);
	*ret = malloc(size ? size : 1);
	if (!*ret)
		return &dp_enomem;
	err = dp_file_pread(f, *ret, size, off);
	if (err) {
		free(*ret);
		*ret = NULL;
		return dp_error_prefix(err, "kdump %s", what);
	}
	return NULL;
}

/* Notes (v4+) or the bare VMCOREINFO text (v3), from the first part. */
static struct dp_error *load_notes(struct dp_dump *dump, struct kdump_part *p,
				   bool be)
{
	const struct kdump_hdr *h = &p->h;
	struct dp_error *err;
	uint8_t *buf;

	if (h->version >= 4 && h->size_note) {
		err = read_region(p->file, h->off_note, h->size_note,
				  KDUMP_MAX_NOTES, "note area", &buf);
		if (err)
			return err;
		err = dp_dump_add_notes(dump, buf, h->size_note, be);
		free(buf);
		return dp_error_prefix(err, "%s: kdump notes at 0x%" PRIx64,
				       p->file->path, h->off_note);
	}
	if (h->version >= 3 && h->size_vmcoreinfo) {
		err = read_region(p->file, h->off_vmcoreinfo,
				  h->size_vmcoreinfo, KDUMP_MAX_VMCOREINFO,
				  "vmcoreinfo", &buf);
		if (!err)
			err = add_vmcoreinfo_text(dump, (char *)buf,
						  h->size_vmcoreinfo, be);
		free(buf);
		return err;
	}
	return NULL;
}

#define CUT_SCAN 4096	/* descriptors examined from the end */

/*
 * Writers put page data in descriptor order, so a file cut short without
 * the incomplete flag (an interrupted copy) shows in its last descriptor.
 * Such a dump still opens: the pages past the end are lost, as in a
 * flagged incomplete dump, and `info` says the file is truncated.
 */
static struct dp_error *check_cut(struct kdump_priv *priv,
				  struct kdump_part *p)
{
	struct kdump_page_desc d = { 0 };
	uint64_t end, i, stop;
	struct dp_error *err;

	if (p->ndesc == 0 || (p->h.status & KDUMP_STATUS_INCOMPLETE))
		return NULL;
	/* The last pages are often zero: they point back at the shared zero
	 * page, so look at the last one with data of its own. */
	stop = p->ndesc > CUT_SCAN ? p->ndesc - CUT_SCAN : 0;
	for (i = p->ndesc; i-- > stop;) {
		err = desc_get(priv, p, i, &d);
		if (err)
			return err;
		if (!desc_is_zero_page(p, &d))
			break;
	}
	if (i + 1 == stop)
		return NULL;
	p->cut = d.offset >= 0 && (uint64_t)d.offset >= p->data_off &&
		 d.size <= p->h.block_size &&
		 !dp_add_overflow((uint64_t)d.offset, d.size, &end) &&
		 end > p->file->size;
	return NULL;
}

static struct dp_error *open_parts(struct dp_dump *dump,
				   struct kdump_priv *priv)
{
	struct dp_error *err;
	uint64_t ndesc_all = 0;
	bool be;

	for (size_t i = 0; i < dump->nfiles; i++) {
		struct kdump_part *p = &priv->parts[i];
		p->file = &dump->files[i];
		err = read_headers(p->file, &p->h, &be);
		if (err && err->code == DP_ERR_NOT_MINE && i > 0) {
			dp_error_destroy(err);
			return dp_error_create(DP_ERR_INVALID, "%s: not a "
				"kdump-compressed file, but %s is; only the "
				"parts of one --split set can be opened "
				"together", p->file->path, dump->files[0].path);
		}
		if (err)
			return err;
		if (i == 0)
			priv->big_endian = be;
		priv->nparts++;
		err = check_layout(p);
		if (err)
			return err;
	}
	err = check_split(priv);
	for (size_t i = 0; !err && i < priv->nparts; i++) {
		err = build_prefix(&priv->parts[i]);
		if (!err)
			err = check_descs(&priv->parts[i]);
		ndesc_all += priv->parts[i].ndesc;
	}
	for (size_t i = 0; !err && i < priv->nparts; i++)
		err = find_zero_page(&priv->parts[i], ndesc_all);
	for (size_t i = 0; !err && i < priv->nparts; i++)
		err = check_cut(priv, &priv->parts[i]);
	for (size_t i = 0; !err && i < priv->nparts; i++) {
		dump->truncated |= priv->parts[i].cut;
		if (priv->parts[i].h.status & KDUMP_STATUS_INCOMPLETE)
			dump->incomplete = true;
	}
	return err;
}

static struct dp_error *kdump_probe(struct dp_dump *dump)
{
	struct kdump_priv *priv;
	struct dp_error *err;

	if (dump->nfiles == 0)
		return dp_error_create(DP_ERR_NOT_MINE, "no file");
	priv = calloc(1, sizeof(*priv));
	if (!priv)
		return &dp_enomem;
	priv->parts = calloc(dump->nfiles, sizeof(*priv->parts));
	dump->priv = priv;
	if (!priv->parts) {
		err = &dp_enomem;
		goto fail;
	}
	err = open_parts(dump, priv);
	if (err)
		goto fail;
	priv->cbuf = malloc(priv->parts[0].h.block_size);
	if (!priv->cbuf) {
		err = &dp_enomem;
		goto fail;
	}
	dump->page_size = priv->parts[0].h.block_size;
	dump->max_pfn = priv->parts[0].h.max_mapnr;
	dump->dump_level = priv->parts[0].h.dump_level;
	err = load_notes(dump, &priv->parts[0], priv->big_endian);
	if (err)
		goto fail;
	return NULL;
fail:
	kdump_cleanup(dump);
	return err;
}

const struct dp_format_ops dp_format_kdump = {
	.name = "kdump",
	.probe = kdump_probe,
	.page_state = kdump_page_state,
	.read_page = kdump_read_page,
	.get_info = kdump_get_info,
	.cleanup = kdump_cleanup,
};

// SPDX-License-Identifier: MIT
/*
 * kdump-recode: rewrite a real kdump-compressed dump (single file, not
 * flattened) for tests the writers we have cannot produce.
 *
 *   kdump-recode --codec none|zlib|lzo|snappy|zstd IN OUT
 *	Decode every page and encode it again with the codec (Debian's
 *	makedumpfile 1.7.2 cannot write snappy or zstd; FORMATS.md 2.4).
 *	Pages that do not shrink are stored raw, as makedumpfile does (2.5).
 *	Descriptors that shared one data block (the zero page) still do.
 *   kdump-recode --incomplete PERCENT IN OUT
 *	What makedumpfile leaves after ENOSPC (FORMATS.md 2.7): only the
 *	first PERCENT % of the descriptors and their data are kept, later
 *	descriptors read as zeros, the file ends after the last kept data
 *	and the header status has DUMP_DH_COMPRESSED_INCOMPLETE (0x8).
 *
 * A test tool: it trusts its input more than the reader does, but still
 * checks what it reads so a bad input fails cleanly. Little-endian only.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#define ST_ZLIB 0x01
#define ST_LZO 0x02
#define ST_SNAPPY 0x04
#define ST_INCOMPLETE 0x08
#define ST_ZSTD 0x20
#define ST_CODECS (ST_ZLIB | ST_LZO | ST_SNAPPY | ST_ZSTD)

struct desc {
	int64_t offset;
	uint32_t size, flags;
	uint64_t page_flags;
};

static void die(const char *msg)
{
	fprintf(stderr, "kdump-recode: %s\n", msg);
	exit(1);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n = 0;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		die(strerror(errno));
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read input");
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Decode one page into out (bs bytes). */
static void decode(const struct desc *d, const uint8_t *src, uint8_t *out,
		   size_t bs)
{
	size_t len = bs;
	int ok;

	switch (d->flags) {
	case 0:
		ok = d->size == bs;
		if (ok)
			memcpy(out, src, bs);
		break;
	case ST_ZLIB: {
		uLongf l = bs;
		ok = uncompress(out, &l, src, d->size) == Z_OK && l == bs;
		break;
	}
	case ST_LZO: {
		lzo_uint l = bs;
		ok = lzo1x_decompress_safe(src, d->size, out, &l, NULL) ==
		     LZO_E_OK && l == bs;
		break;
	}
	case ST_SNAPPY:
		ok = snappy_uncompress((const char *)src, d->size, (char *)out,
				       &len) == SNAPPY_OK && len == bs;
		break;
	case ST_ZSTD:
		len = ZSTD_decompress(out, bs, src, d->size);
		ok = !ZSTD_isError(len) && len == bs;
		break;
	default:
		ok = 0;
	}
	if (!ok)
		die("cannot decode a page of the input");
}

/* Encode a page; returns the stored size and sets *flags. */
static size_t encode(uint32_t codec, const uint8_t *page, size_t bs,
		     uint8_t *out, size_t cap, uint32_t *flags)
{
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
	size_t n = 0;
	int ok = 0;

	switch (codec) {
	case ST_ZLIB: {
		uLongf l = cap;
		ok = compress2(out, &l, page, bs, Z_BEST_SPEED) == Z_OK;
		n = l;
		break;
	}
	case ST_LZO: {
		lzo_uint l = cap;
		ok = lzo1x_1_compress(page, bs, out, &l, wrk) == LZO_E_OK;
		n = l;
		break;
	}
	case ST_SNAPPY:
		n = cap;
		ok = snappy_compress((const char *)page, bs, (char *)out,
				     &n) == SNAPPY_OK;
		break;
	case ST_ZSTD:
		n = ZSTD_compress(out, cap, page, bs, 1);
		ok = !ZSTD_isError(n);
		break;
	}
	if (ok && n < bs) {
		*flags = codec;
		return n;
	}
	memcpy(out, page, bs);
	*flags = 0;
	return bs;
}

static uint32_t codec_bit(const char *name)
{
	static const struct { const char *name; uint32_t bit; } tab[] = {
		{ "none", 0 }, { "zlib", ST_ZLIB }, { "lzo", ST_LZO },
		{ "snappy", ST_SNAPPY }, { "zstd", ST_ZSTD },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(name, tab[i].name))
			return tab[i].bit;
	die("unknown codec");
	return 0;
}

int main(int argc, char **argv)
{
	size_t len, bs, desc_off, ndesc = 0, bm2, bitmap_bytes;
	uint64_t max_mapnr;
	uint8_t *in, *page, *enc;
	struct desc *d;
	FILE *out;

	if (argc != 5 || (strcmp(argv[1], "--codec") &&
			  strcmp(argv[1], "--incomplete")))
		die("usage: kdump-recode --codec CODEC|--incomplete PERCENT "
		    "IN OUT");
	if (lzo_init() != LZO_E_OK)
		die("lzo_init");
	in = read_file(argv[3], &len);
	if (len < 8192 || memcmp(in, "KDUMP   ", 8) ||
	    (int32_t)get32(in + 8) < 6)
		die("input is not a version 6 kdump-compressed file");
	bs = get32(in + 428);
	if (bs < 1024 || bs > (1 << 20) || (bs & (bs - 1)) ||
	    get32(in + bs + 12) /* split */)
		die("unsupported input (block size or --split part)");
	max_mapnr = get64(in + bs + 96);
	bitmap_bytes = (max_mapnr + 7) / 8;
	bm2 = (1 + get32(in + 432) + get32(in + 436) / 2) * bs;
	desc_off = (1 + get32(in + 432) + get32(in + 436)) * bs;
	if (bm2 + bitmap_bytes > len || desc_off > len)
		die("truncated input");
	for (size_t i = 0; i < bitmap_bytes; i++)
		ndesc += (size_t)__builtin_popcount(in[bm2 + i]);
	if (desc_off + 24 * ndesc > len)
		die("truncated descriptors");
	d = calloc(ndesc ? ndesc : 1, sizeof(*d));
	page = malloc(bs);
	enc = malloc(2 * bs + 64);
	out = fopen(argv[4], "wb");
	if (!d || !page || !enc || !out)
		die("cannot allocate or create output");
	for (size_t i = 0; i < ndesc; i++) {
		const uint8_t *p = in + desc_off + 24 * i;
		d[i].offset = (int64_t)get64(p);
		d[i].size = get32(p + 8);
		d[i].flags = get32(p + 12);
		d[i].page_flags = get64(p + 16);
		if (d[i].offset < 0 || d[i].size > bs ||
		    (uint64_t)d[i].offset + d[i].size > len)
			die("bad descriptor in input");
	}

	if (!strcmp(argv[1], "--incomplete")) {
		/* Keep a prefix of the pairs; makedumpfile writes in order. */
		size_t keep = ndesc * (size_t)atoi(argv[2]) / 100, end = 0;
		for (size_t i = 0; i < keep; i++)
			if ((size_t)d[i].offset + d[i].size > end)
				end = (size_t)d[i].offset + d[i].size;
		if (end < desc_off + 24 * ndesc)
			end = desc_off + 24 * ndesc;
		memset(in + desc_off + 24 * keep, 0, 24 * (ndesc - keep));
		put32(in + 424, get32(in + 424) | ST_INCOMPLETE);
		if (fwrite(in, 1, end, out) != end || fclose(out))
			die("write failed");
		goto done;
	}

	uint32_t codec = codec_bit(argv[2]);
	uint64_t pos = desc_off + 24 * ndesc;
	/* Up to 4 earlier blocks remembered for sharing (see below). */
	struct desc seen_old[4], seen_new[4];
	size_t nseen = 0;
	/* Headers and bitmaps unchanged except the codec bit in status. */
	put32(in + 424, (get32(in + 424) & ~(uint32_t)ST_CODECS) | codec);
	/* No erase info is carried over. */
	put64(in + bs + 64, 0);
	put64(in + bs + 72, 0);
	if (fwrite(in, 1, desc_off, out) != desc_off ||
	    fseek(out, (long)pos, SEEK_SET))
		die("write failed");
	/*
	 * Data in descriptor order. A block shared by several descriptors
	 * is written once; real dumps share only the zero page, which is
	 * the first block written, so remembering the first few suffices.
	 */
	for (size_t i = 0; i < ndesc; i++) {
		size_t j;
		for (j = 0; j < nseen; j++)
			if (seen_old[j].offset == d[i].offset)
				break;
		if (j < nseen) {
			d[i] = seen_new[j];
			continue;
		}
		struct desc old = d[i];
		decode(&d[i], in + d[i].offset, page, bs);
		uint32_t flags;
		/* The shared zero page stays raw, as writers leave it. */
		int zero_page = (uint64_t)old.offset == desc_off + 24 * ndesc &&
				old.flags == 0;
		size_t n = encode(zero_page ? 0 : codec, page, bs, enc,
				  2 * bs + 64, &flags);
		if (fwrite(enc, 1, n, out) != n)
			die("write failed");
		d[i].offset = (int64_t)pos;
		d[i].size = (uint32_t)n;
		d[i].flags = flags;
		if (nseen < 4) {
			seen_old[nseen] = old;
			seen_new[nseen++] = d[i];
		}
		pos += n;
	}
	if (fseek(out, (long)desc_off, SEEK_SET))
		die("seek failed");
	for (size_t i = 0; i < ndesc; i++) {
		uint8_t raw[24];
		put64(raw, (uint64_t)d[i].offset);
		put32(raw + 8, d[i].size);
		put32(raw + 12, d[i].flags);
		put64(raw + 16, d[i].page_flags);
		if (fwrite(raw, 1, 24, out) != 24)
			die("write failed");
	}
	if (fclose(out))
		die("close failed");
done:
	free(in);
	free(d);
	free(page);
	free(enc);
	return 0;
}

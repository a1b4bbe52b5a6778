// SPDX-License-Identifier: MIT
// Every codec round-trips a page; incompressible pages are stored raw.
#include <stdlib.h>

#include "format/compress/codec.h"

#include "test.h"

#define PS 4096

static void fill_text(uint8_t *p)
{
	for (int i = 0; i < PS; i++)
		p[i] = (uint8_t)("dontpanic collect "[i % 18]);
}

static void fill_random(uint8_t *p)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < PS; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		p[i] = (uint8_t)x;
	}
}

static void roundtrip(const struct dp_codec_ops *ops)
{
	uint8_t page[PS], back[PS];
	size_t cap = PS + ops->bound(PS);
	uint8_t *out = malloc(cap);
	void *st = NULL;
	uint32_t flag;
	CHECK_OK(ops->create(0, &st));
	fill_text(page);
	size_t n = dp_codec_page(ops, st, page, PS, out, cap, &flag);
	CHECK(n < PS);
	CHECK_EQ_U64(flag, ops->flag);
	CHECK_OK(ops->decompress(st, out, n, back, PS));
	CHECK(memcmp(page, back, PS) == 0);
	// The reader's state: decompression only.
	void *dec = NULL;
	CHECK_OK(ops->create(DP_CODEC_DECODE_ONLY, &dec));
	memset(back, 0, PS);
	CHECK_OK(ops->decompress(dec, out, n, back, PS));
	CHECK(memcmp(page, back, PS) == 0);
	ops->destroy(dec);
	// A cut stream is a data error, never a short page.
	struct dp_error *cut = ops->decompress(st, out, n / 2, back, PS);
	CHECK(cut != NULL && cut->code == DP_ERR_BAD_DATA);
	dp_error_destroy(cut);
	// Corrupt input is an error, not a crash.
	out[n / 2] ^= 0xff;
	out[0] ^= 0x55;
	struct dp_error *e = ops->decompress(st, out, n, back, PS);
	if (e)
		dp_error_destroy(e);
	fill_random(page);
	n = dp_codec_page(ops, st, page, PS, out, cap, &flag);
	CHECK_EQ_U64(n, PS);
	CHECK_EQ_U64(flag, 0);
	CHECK(memcmp(page, out, PS) == 0);
	ops->destroy(st);
	free(out);
}

TEST(zlib) { roundtrip(&dp_codec_zlib); }
TEST(lzo) { roundtrip(&dp_codec_lzo); }
TEST(snappy) { roundtrip(&dp_codec_snappy); }
TEST(zstd) { roundtrip(&dp_codec_zstd); }

TEST(lookup)
{
	CHECK(dp_codec_get(DP_COMPRESS_ZSTD) == &dp_codec_zstd);
	CHECK(dp_codec_get(DP_COMPRESS_NONE) == NULL);
	CHECK(dp_codec_by_name("lzo") == &dp_codec_lzo);
	CHECK(dp_codec_by_name("gzip") == NULL);
	// The kdump flags name the codecs (kdump-def.h is their one home).
	CHECK(dp_codec_by_flag(KDUMP_STATUS_LZO) == &dp_codec_lzo);
	CHECK(dp_codec_by_flag(0) == NULL);
	CHECK(dp_codec_by_flag(KDUMP_STATUS_INCOMPLETE) == NULL);
	CHECK(dp_codec_by_status(KDUMP_STATUS_INCOMPLETE |
				 KDUMP_STATUS_ZSTD) == &dp_codec_zstd);
	CHECK(dp_codec_by_status(KDUMP_STATUS_INCOMPLETE) == NULL);
	uint8_t page[PS], out[PS];
	uint32_t flag = 99;
	fill_text(page);
	CHECK_EQ_U64(dp_codec_page(NULL, NULL, page, PS, out, PS, &flag), PS);
	CHECK_EQ_U64(flag, 0);
}

// The length error the kdump reader prints after the page it names.
TEST(bad_length)
{
	uint8_t page[PS], out[2 * PS], back[PS];
	void *st = NULL;
	uint32_t flag;
	fill_text(page);
	CHECK_OK(dp_codec_zstd.create(0, &st));
	size_t n = dp_codec_page(&dp_codec_zstd, st, page, PS / 2, out,
				 sizeof(out), &flag);
	struct dp_error *e = dp_codec_zstd.decompress(st, out, n, back, PS);
	CHECK(e != NULL && e->code == DP_ERR_BAD_DATA);
	if (e)
		CHECK_STR(e->message, "decompressed to 0x800 bytes, not 0x1000");
	dp_error_destroy(e);
	dp_codec_zstd.destroy(st);
}

TEST_MAIN(T(zlib), T(lzo), T(snappy), T(zstd), T(lookup), T(bad_length))

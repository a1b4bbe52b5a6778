// SPDX-License-Identifier: MIT
// Every codec round-trips a page; incompressible pages are stored raw.
#include <stdlib.h>

#include "writer/compress/codec.h"

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
	uint8_t page[PS], out[PS];
	uint32_t flag = 99;
	fill_text(page);
	CHECK_EQ_U64(dp_codec_page(NULL, NULL, page, PS, out, PS, &flag), PS);
	CHECK_EQ_U64(flag, 0);
}

TEST_MAIN(T(zlib), T(lzo), T(snappy), T(zstd), T(lookup))

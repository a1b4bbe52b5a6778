// SPDX-License-Identifier: MIT
#include <core/reader.h>

#include "test.h"

TEST(reads_both_endians)
{
	static const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct dp_reader r;
	uint32_t v;
	uint64_t w;
	dp_reader_init(&r, buf, sizeof(buf), false);
	CHECK(dp_reader_u32(&r, &v));
	CHECK_EQ_U64(v, 0x04030201);
	dp_reader_init(&r, buf, sizeof(buf), true);
	CHECK(dp_reader_u64(&r, &w));
	CHECK_EQ_U64(w, 0x0102030405060708);
	CHECK(dp_reader_left(&r) == 0);
}

TEST(overrun_is_sticky)
{
	static const uint8_t buf[] = { 1, 2, 3 };
	struct dp_reader r;
	uint32_t v;
	uint8_t b;
	dp_reader_init(&r, buf, sizeof(buf), false);
	CHECK(!dp_reader_u32(&r, &v));
	CHECK(r.bad);
	CHECK(!dp_reader_u8(&r, &b)); /* stays failed */
	CHECK(!dp_reader_seek(&r, 1));
}

TEST(seek_and_take_bounds)
{
	static const uint8_t buf[16] = { 0 };
	struct dp_reader r;
	dp_reader_init(&r, buf, sizeof(buf), false);
	CHECK(dp_reader_seek(&r, 16));
	CHECK(dp_reader_take(&r, 0) != NULL);
	CHECK(dp_reader_take(&r, 1) == NULL);
	dp_reader_init(&r, buf, sizeof(buf), false);
	CHECK(!dp_reader_skip(&r, SIZE_MAX));
}

TEST(overflow_helpers)
{
	uint64_t out;
	CHECK(dp_add_overflow(UINT64_MAX, 1, &out));
	CHECK(!dp_add_overflow(1, 2, &out) && out == 3);
	CHECK(dp_mul_overflow(UINT64_MAX / 2, 3, &out));
}

TEST_MAIN(T(reads_both_endians), T(overrun_is_sticky),
	  T(seek_and_take_bounds), T(overflow_helpers))

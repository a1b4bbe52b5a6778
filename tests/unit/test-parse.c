// SPDX-License-Identifier: MIT
// dp_parse_u64: the whole string, one base, no sign, blank or overflow.
#include "core/parse.h"

#include "test.h"

static bool ok(const char *s, int base, uint64_t want)
{
	uint64_t v = 12345;
	return dp_parse_u64(s, base, &v) && v == want;
}

static bool bad(const char *s, int base)
{
	uint64_t v = 12345;
	return !dp_parse_u64(s, base, &v) && v == 12345;
}

TEST(decimal)
{
	CHECK(ok("0", 10, 0));
	CHECK(ok("4096", 10, 4096));
	CHECK(ok("18446744073709551615", 10, UINT64_MAX));
	CHECK(bad("18446744073709551616", 10));
	CHECK(bad("", 10));
	CHECK(bad("-1", 10));
	CHECK(bad("+1", 10));
	CHECK(bad(" 1", 10));
	CHECK(bad("1 ", 10));
	CHECK(bad("12a", 10));
	CHECK(bad("0x10", 10));
}

TEST(hex)
{
	CHECK(ok("ffffffff81000000", 16, 0xffffffff81000000ull));
	CHECK(ok("0xffffffff81000000", 16, 0xffffffff81000000ull));
	CHECK(ok("0XaB", 16, 0xab));
	CHECK(ok("10", 16, 16));
	CHECK(ok("ffffffffffffffff", 16, UINT64_MAX));
	CHECK(bad("1ffffffffffffffff", 16));
	CHECK(bad("0x", 16));
	CHECK(bad("0x0x5", 16));
	CHECK(bad("-0x5", 16));
	CHECK(bad("0x-5", 16));
	CHECK(bad("\t5", 16));
	CHECK(bad("5g", 16));
}

TEST_MAIN(T(decimal), T(hex))

// SPDX-License-Identifier: MIT
// Growable arrays: growth keeps the contents, reserve is a no-op when
// there is room, overflow is refused without touching the array.
#include <stdint.h>

#include "core/vector.h"

#include "test.h"

DP_DEFINE_VECTOR(u64_vec, uint64_t)

TEST(push)
{
	struct u64_vec v = { 0 };
	for (uint64_t i = 0; i < 1000; i++)
		CHECK(u64_vec_append(&v, i * i));
	CHECK_EQ_U64(v.n, 1000);
	CHECK(v.cap >= 1000 && v.cap < 2048);
	bool same = true;
	for (uint64_t i = 0; i < 1000; i++)
		same &= v.v[i] == i * i;
	CHECK(same);
	u64_vec_deinit(&v);
	CHECK(v.v == NULL && v.n == 0 && v.cap == 0);
}

TEST(reserve)
{
	struct { char *v; size_t n, cap; } a = { 0 };
	CHECK(dp_array_reserve(a.v, a.cap, 3));
	CHECK_EQ_U64(a.cap, 8);
	char *before = a.v;
	CHECK(dp_array_reserve(a.v, a.cap, 8));
	CHECK(a.v == before);		// room already: nothing moved
	CHECK(dp_array_reserve(a.v, a.cap, 9));
	CHECK_EQ_U64(a.cap, 16);
	CHECK(dp_array_reserve(a.v, a.cap, 100));
	CHECK_EQ_U64(a.cap, 100);
	// A size that cannot be allocated leaves the array as it was.
	before = a.v;
	struct { uint64_t *v; size_t cap; } b = { 0 };
	CHECK(!dp_array_reserve(b.v, b.cap, SIZE_MAX / 4));
	CHECK(b.v == NULL && b.cap == 0);
	CHECK(a.v == before && a.cap == 100);
	free(a.v);
}

TEST_MAIN(T(push), T(reserve))

// SPDX-License-Identifier: MIT
// dp_partition_point: lower and upper bounds, empty arrays, duplicates,
// checked against a linear scan on every key.
#include <stdbool.h>
#include <stdint.h>

#include "core/search.h"

#include "test.h"

static const uint64_t a[] = { 2, 4, 4, 4, 9, 100 };
#define N (sizeof(a) / sizeof(a[0]))

TEST(bounds)
{
	bool ok = true;
	for (uint64_t key = 0; key < 102; key++) {
		size_t lower = 0, upper = 0;
		while (lower < N && a[lower] < key)
			lower++;
		while (upper < N && a[upper] <= key)
			upper++;
		ok &= dp_partition_point(N, i, a[i] < key) == lower;
		ok &= dp_partition_point(N, i, a[i] <= key) == upper;
	}
	CHECK(ok);
	CHECK_EQ_U64(dp_partition_point(N, i, a[i] < 4), 1);
	CHECK_EQ_U64(dp_partition_point(N, i, a[i] <= 4), 4);
	CHECK_EQ_U64(dp_partition_point(N, i, a[i] < 1000), N);
	CHECK_EQ_U64(dp_partition_point(0, i, a[i] < 5), 0);
}

TEST_MAIN(T(bounds))

/* SPDX-License-Identifier: MIT */
/*
 * Binary search of sorted arrays, in place of hand-written lo/hi loops.
 *
 * dp_partition_point(n, i, before) is the first index i in [0, n) for
 * which the expression before (of the index i) is false, or n: before
 * must be true on a prefix of the array and false after it, as C++'s
 * std::partition_point. With before = "a[i] < key" that is the lower
 * bound, with "a[i] <= key" the upper bound, so "the last entry at or
 * below key" is dp_partition_point(n, i, a[i] <= key) - 1. A macro, so
 * the comparison is inlined (the searches are on page-lookup paths).
 */
#ifndef DP_CORE_SEARCH_H
#define DP_CORE_SEARCH_H

#include <stddef.h>

#define dp_partition_point(n, i, before) ({				\
	size_t lo_ = 0, hi_ = (n);					\
	while (lo_ < hi_) {						\
		size_t i = lo_ + (hi_ - lo_) / 2;			\
		if (before)						\
			lo_ = i + 1;					\
		else							\
			hi_ = i;					\
	}								\
	lo_;								\
})

#endif /* DP_CORE_SEARCH_H */

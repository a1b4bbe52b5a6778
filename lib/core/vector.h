/* SPDX-License-Identifier: MIT */
/*
 * Growable arrays, in place of hand-written realloc() growth.
 *
 * dp_array_reserve(items, cap, need) makes room for need elements in an
 * array a struct already holds as a pointer and a capacity (the common
 * "v, n, cap" triple): capacity doubles, so appending n elements costs
 * O(n) copies. DP_DEFINE_VECTOR(name, type) declares a typed vector
 * (struct name { type *v; size_t n, cap; }) with push/append/deinit, for
 * new code, in the way drgn's DEFINE_VECTOR does: type-safe, no void *
 * in the interface, no call through a function pointer.
 */
#ifndef DP_CORE_VECTOR_H
#define DP_CORE_VECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/*
 * Grow the array at *items_ptr (a T **), of *cap elements of size bytes,
 * to hold at least need: to max(need, 2 * *cap, 8) elements. False when
 * that overflows or memory runs out; then nothing is changed.
 */
bool dp_array_grow(void *items_ptr, size_t *cap, size_t need, size_t size);

/* True when items (with capacity cap, a size_t lvalue) holds need. */
#define dp_array_reserve(items, cap, need)				\
	((need) <= (cap) ||						\
	 dp_array_grow(&(items), &(cap), (need), sizeof(*(items))))

#define DP_DEFINE_VECTOR(name, type)					\
struct name {								\
	type *v;							\
	size_t n, cap;							\
};									\
									\
static inline void name##_deinit(struct name *vec)			\
{									\
	free(vec->v);							\
	vec->v = NULL;							\
	vec->n = vec->cap = 0;						\
}									\
									\
/* A new last element (uninitialised), or NULL when out of memory. */	\
static inline type *name##_push(struct name *vec)			\
{									\
	if (!dp_array_reserve(vec->v, vec->cap, vec->n + 1))		\
		return NULL;						\
	return &vec->v[vec->n++];					\
}									\
									\
static inline bool name##_append(struct name *vec, type x)		\
{									\
	type *slot = name##_push(vec);					\
	if (slot)							\
		*slot = x;						\
	return slot != NULL;						\
}

#endif /* DP_CORE_VECTOR_H */

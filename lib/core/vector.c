// SPDX-License-Identifier: MIT
// The growth step of every growable array (vector.h).
#include <stdint.h>
#include <string.h>

#include "vector.h"

bool dp_array_grow(void *items_ptr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * *cap;
	if (ncap < need)
		ncap = need;
	if (ncap < 8)
		ncap = 8;
	if (size && ncap > SIZE_MAX / size)
		return false;
	// items_ptr is a T **: its value is read and written as a void *,
	// which has the same representation on every target we build for.
	void *items;
	memcpy(&items, items_ptr, sizeof(items));
	void *grown = realloc(items, ncap * size);
	if (!grown)
		return false;
	memcpy(items_ptr, &grown, sizeof(grown));
	*cap = ncap;
	return true;
}

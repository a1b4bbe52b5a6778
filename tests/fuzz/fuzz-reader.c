// SPDX-License-Identifier: MIT
// Fuzz the bounds-checked reader: any sequence of reads on any buffer must
// stay inside it (ASan checks) and keep the sticky failure bit coherent.
#include <stdint.h>
#include <stddef.h>

#include <core/reader.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_reader r;
	if (size < 1)
		return 0;
	// The first byte drives the sequence of operations on the rest.
	uint8_t ops = data[0];
	dp_reader_init(&r, data + 1, size - 1, ops & 1);
	for (int i = 0; i < 64 && !r.bad; i++) {
		uint64_t v;
		switch ((ops + i) % 5) {
		case 0: dp_reader_uint(&r, 1 + (i % 8), &v); break;
		case 1: dp_reader_skip(&r, (size_t)i * 3); break;
		case 2: dp_reader_seek(&r, (size_t)(ops * i) % (size + 2)); break;
		case 3: dp_reader_take(&r, (size_t)i); break;
		default: dp_reader_u64(&r, &v); break;
		}
		if (!r.bad && r.pos > r.len)
			__builtin_trap();
	}
	return 0;
}

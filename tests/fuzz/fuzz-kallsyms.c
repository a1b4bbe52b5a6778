// SPDX-License-Identifier: MIT
// Fuzz the kallsyms decoder (FORMATS.md §6.1) on arbitrary tables: the
// input is cut into token_index, token_table, names and address tables.
#include <stdint.h>
#include <string.h>

#include <debuginfo/kallsyms.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16 + 512)
		return 0;
	struct dp_kallsyms_tables t;
	memset(&t, 0, sizeof(t));
	// Header: num_syms (bounded by the data anyway), flags, stext.
	t.num_syms = (uint32_t)(data[0] | data[1] << 8);
	t.absolute = data[2] & 1;
	t.have_relative_base = data[2] & 2;
	memcpy(&t.relative_base, data + 4, 4);
	t.relative_base |= 0xffffffff00000000ULL;
	memcpy(&t.stext, data + 8, 8);
	t.offsets_vaddr = 0xffffffff81000000ULL;
	for (int i = 0; i < 256; i++)
		t.token_index[i] = (uint16_t)(data[16 + 2 * i] |
					     data[17 + 2 * i] << 8);
	const uint8_t *rest = data + 16 + 512;
	size_t n = size - 16 - 512, third = n / 3;
	t.token_table = rest;
	t.token_table_len = third;
	t.names = rest + third;
	t.names_len = third;
	t.addrs = rest + 2 * third;
	t.addrs_len = n - 2 * third;
	struct dp_kallsyms *ks;
	struct dp_error *err = dp_kallsyms_build(&t, &ks);
	if (!err) {
		size_t count = dp_kallsyms_count(ks);
		for (size_t i = 0; i < count && i < 64; i++) {
			struct dp_symbol sym;
			dp_kallsyms_get(ks, i, &sym);
			struct dp_symbol found;
			size_t cursor = 0;
			while (dp_kallsyms_find_name(ks, sym.name, &cursor,
						     &found))
				;
		}
		struct dp_symbol sym;
		uint64_t off;
		(void)dp_kallsyms_lookup_addr(ks, t.stext, &sym, &off);
		dp_kallsyms_destroy(ks);
	}
	dp_error_destroy(err);
	return 0;
}

// SPDX-License-Identifier: MIT
// Fuzz the ELF note parser (NT_PRSTATUS, QEMU CPU state, VMCOREINFO) and
// the VMCOREINFO table built from it.
#include <stdint.h>
#include <stdlib.h>

#include <format/format.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_dump *dump = calloc(1, sizeof(*dump));
	if (!dump)
		return 0;
	dump->dump_level = -1;
	struct dp_error *err = dp_dump_add_notes(dump, data, size, false);
	dp_error_destroy(err);
	int64_t v;
	const char *keys[] = { "OSRELEASE", "PAGESIZE", "KERNELOFFSET",
			       "SYMBOL(_stext)", "NUMBER(phys_base)" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		dp_dump_vmcoreinfo_get(dump, keys[i]);
		dp_error_destroy(dp_dump_vmcoreinfo_number(dump, keys[i], &v));
	}
	for (size_t i = 0; i < dp_dump_num_cpu_notes(dump); i++)
		if (!dp_dump_cpu_note(dump, i))
			__builtin_trap();
	dp_dump_destroy(dump);
	return 0;
}

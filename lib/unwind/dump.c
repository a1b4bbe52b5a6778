// SPDX-License-Identifier: MIT
// The parts of the unwinder that read a dump: ORC tables out of kernel
// memory and the pt_regs layout from BTF.
#include <stdlib.h>
#include <string.h>

#include <dontpanic/unwind.h>

/* Bound on entries per table: vmlinux has ~370k on 6.1. */
#define DP_ORC_MAX_ENTRIES (16u << 20)

struct dp_error *dp_orc_table_read(struct dp_orc_table *t,
				   struct dp_program *prog, uint64_t ip_addr,
				   uint64_t entry_addr, uint64_t n,
				   enum dp_orc_version ver)
{
	memset(t, 0, sizeof(*t));
	if (n > DP_ORC_MAX_ENTRIES)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "ORC table at 0x%llx: %llu entries is "
				       "too many", (unsigned long long)ip_addr,
				       (unsigned long long)n);
	int32_t *rel = malloc(n * 4 + 1);
	uint8_t *raw = malloc(n * 6 + 1);
	struct dp_error *err = NULL;
	if (!rel || !raw)
		err = &dp_enomem;
	if (!err)
		err = dp_program_read(prog, ip_addr, rel, n * 4);
	if (!err)
		err = dp_program_read(prog, entry_addr, raw, n * 6);
	// Host is little-endian x86_64 or we convert: decode portably.
	if (!err) {
		for (size_t i = 0; i < n; i++) {
			const uint8_t *b = (const uint8_t *)&rel[i];
			rel[i] = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 |
					   (uint32_t)b[2] << 16 |
					   (uint32_t)b[3] << 24);
		}
		err = dp_orc_table_init(t, ip_addr, rel, raw, n, ver);
	}
	free(rel);
	free(raw);
	return dp_error_prefix(err, "ORC table at 0x%llx",
			       (unsigned long long)ip_addr);
}

struct dp_error *dp_pt_regs_layout_btf(struct dp_program *prog,
				       struct dp_pt_regs_layout *ret)
{
	static const char *const names[21] = {
		"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9",
		"r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs",
		"flags", "sp", "ss",
	};
	uint64_t size, off;
	struct dp_error *err = dp_program_type_size(prog, "pt_regs", &size);
	if (err)
		return dp_error_prefix(err, "pt_regs");
	if (size < 8 * 21 || size > 4096)
		return dp_error_create(DP_ERR_BAD_DATA, "pt_regs size %llu",
				       (unsigned long long)size);
	ret->size = (uint32_t)size;
	for (int i = 0; i < 21; i++) {
		err = dp_program_member_offset(prog, "pt_regs", names[i], &off);
		if (err)
			return dp_error_prefix(err, "pt_regs");
		if (off > size - 8)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "pt_regs.%s offset %llu",
					       names[i],
					       (unsigned long long)off);
		ret->off[i] = (uint32_t)off;
	}
	return NULL;
}


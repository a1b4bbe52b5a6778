/* SPDX-License-Identifier: MIT */
/*
 * Where a loaded module's memory is (lib/debuginfo/modlayout.c): the one
 * reader of struct module's memory layout, shared by the module list
 * (lib/kernel/modules.c) and module symbols (modsyms.c).
 */
#ifndef DP_MODLAYOUT_H
#define DP_MODLAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/kernel.h>
#include <dontpanic/program.h>

/* struct module offsets, from BTF. */
struct dp_modlayout {
	uint64_t list, name;
	bool has_mem;		/* 6.4+: mem[MOD_MEM_NUM_TYPES] */
	uint64_t mem, mem_stride, mem_base, mem_size;
	int64_t mem_num, mem_init_text, mem_init_end;
	uint64_t core_base, core_size, core_text_size;	/* < 6.4 */
	uint64_t init_base, init_size;
};

struct dp_error *dp_modlayout_load(struct dp_program *prog,
				   struct dp_modlayout *ret);

/*
 * The memory of the module at mod: core ranges (text first), their sum,
 * the text size, and the init text (0 once freed); fills those fields of
 * *m and leaves the others.
 */
struct dp_error *dp_modlayout_read(struct dp_program *prog,
				   const struct dp_modlayout *l, uint64_t mod,
				   struct dp_module *m);

/* Is addr in one of m's core ranges? */
bool dp_module_core_contains(const struct dp_module *m, uint64_t addr);

#endif /* DP_MODLAYOUT_H */

/* SPDX-License-Identifier: MIT */
/*
 * Module symbols read from the dump (lib/debuginfo/modsyms.c): needs
 * kallsyms (the `modules` list head) and BTF (struct module offsets).
 */
#ifndef DP_MODSYMS_H
#define DP_MODSYMS_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/program.h>

struct dp_modsyms;

/* Walk the module list and read every module's symbols. */
struct dp_error *dp_modsyms_load(struct dp_program *prog,
				 struct dp_modsyms **ret);

void dp_modsyms_destroy(struct dp_modsyms *ms);

/* Number of modules. */
size_t dp_modsyms_count(const struct dp_modsyms *ms);

/* Symbols called name in any module, one per call (*cursor starts at 0). */
bool dp_modsyms_find_name(const struct dp_modsyms *ms, const char *name,
			  size_t *cursor, struct dp_symbol *ret);

/* The symbol containing addr inside a module's core memory. */
bool dp_modsyms_lookup_addr(const struct dp_modsyms *ms, uint64_t addr,
			    struct dp_symbol *ret, uint64_t *offset_ret);

/* Module i (in list order) and its j-th symbol (address order). */
void dp_modsyms_module(const struct dp_modsyms *ms, size_t i,
		       struct dp_symbol_module *ret);
void dp_modsyms_symbol(const struct dp_modsyms *ms, size_t i, size_t j,
		       struct dp_symbol *ret);

#endif /* DP_MODSYMS_H */

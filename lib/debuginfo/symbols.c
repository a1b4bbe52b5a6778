// SPDX-License-Identifier: MIT
// The symbol side of struct dp_program: lazily loaded kallsyms, lookups by
// name and address. Module symbols (struct module's core_kallsyms, needing
// BTF member offsets) plug in at module_symbol_address()/module_symbolize().
#include <inttypes.h>
#include <stdlib.h>

#include "debuginfo/kallsyms.h"
#include "kernel/program-priv.h"

struct dp_error *dp_program_load_kallsyms(struct dp_program *prog,
					  struct dp_kallsyms **ret)
{
	if (!prog->kallsyms_tried) {
		prog->kallsyms_tried = true;
		if (prog->no_kallsyms)
			prog->kallsyms_err = dp_error_create(DP_ERR_NOT_FOUND,
				"kallsyms disabled by option");
		else
			prog->kallsyms_err =
				dp_kallsyms_load(prog, &prog->kallsyms);
	}
	if (prog->kallsyms_err)
		return prog->kallsyms_err;
	*ret = prog->kallsyms;
	return NULL;
}

// Hook for module symbols: not implemented yet (needs struct module
// offsets from BTF, lib/debuginfo/btf.c). Returns DP_ERR_NOT_FOUND.
static struct dp_error *module_symbol_address(struct dp_program *prog,
					      const char *name, uint64_t *ret)
{
	return dp_error_create(DP_ERR_NOT_FOUND, "no symbol '%s'", name);
}

static struct dp_error *module_symbolize(struct dp_program *prog,
					 uint64_t addr, struct dp_symbol *ret,
					 uint64_t *offset_ret)
{
	return dp_error_addr(DP_ERR_NOT_FOUND, addr,
			     "0x%" PRIx64 " is not in a known symbol", addr);
}

static struct dp_error *kallsyms(struct dp_program *prog,
				 struct dp_kallsyms **ks)
{
	struct dp_error *err = dp_program_load_kallsyms(prog, ks);
	return err ? dp_program_provider_error(err, "kallsyms") : NULL;
}

struct dp_error *dp_program_symbol_address(struct dp_program *prog,
					   const char *name, uint64_t *ret)
{
	struct dp_kallsyms *ks;
	struct dp_error *err = kallsyms(prog, &ks);
	if (err)
		return err;
	size_t cursor = 0;
	struct dp_symbol s;
	if (dp_kallsyms_find_name(ks, name, &cursor, &s)) {
		*ret = s.address;
		return NULL;
	}
	return module_symbol_address(prog, name, ret);
}

struct dp_error *dp_program_symbolize(struct dp_program *prog, uint64_t addr,
				      struct dp_symbol *ret,
				      uint64_t *offset_ret)
{
	struct dp_kallsyms *ks;
	struct dp_error *err = kallsyms(prog, &ks);
	if (err)
		return err;
	if (dp_kallsyms_lookup_addr(ks, addr, ret, offset_ret))
		return NULL;
	return module_symbolize(prog, addr, ret, offset_ret);
}

struct dp_error *dp_program_for_each_symbol(struct dp_program *prog,
					    const char *name,
					    dp_symbol_fn fn, void *arg)
{
	struct dp_kallsyms *ks;
	struct dp_symbol s;
	struct dp_error *err = kallsyms(prog, &ks);
	if (err)
		return err;
	if (!name) {
		for (size_t i = 0; i < dp_kallsyms_count(ks); i++) {
			dp_kallsyms_get(ks, i, &s);
			if ((err = fn(&s, arg)))
				return err;
		}
		return NULL;
	}
	size_t cursor = 0, found = 0;
	while (dp_kallsyms_find_name(ks, name, &cursor, &s)) {
		found++;
		if ((err = fn(&s, arg)))
			return err;
	}
	if (!found)
		return dp_error_create(DP_ERR_NOT_FOUND, "no symbol '%s'",
				       name);
	return NULL;
}

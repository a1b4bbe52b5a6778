// SPDX-License-Identifier: MIT
// The symbol side of struct dp_program: lazily loaded kallsyms, then
// module symbols (lib/debuginfo/modsyms.c), lookups by name and address.
#include <inttypes.h>
#include <stdlib.h>

#include "debuginfo/kallsyms.h"
#include "debuginfo/modsyms.h"
#include "kernel/program-priv.h"

// Returned (borrowed, like kallsyms_err) when a lookup re-enters while the
// tables are being read: reading them can need the direct-map base, whose
// fallback looks up page_offset_base. Found by tests/vm/mutate.py.
static struct dp_error kallsyms_loading = {
	.code = DP_ERR_NOT_FOUND,
	.message = (char *)"kallsyms are still being loaded",
};

struct dp_error *dp_program_load_kallsyms(struct dp_program *prog,
					  struct dp_kallsyms **ret)
{
	if (prog->kallsyms_tried && !prog->kallsyms && !prog->kallsyms_err)
		return &kallsyms_loading;
	if (!prog->kallsyms_tried) {
		prog->kallsyms_tried = true;
		if (prog->no_kallsyms)
			prog->kallsyms_err = dp_error_create(DP_ERR_NOT_FOUND,
				"kallsyms disabled by option");
		else if (prog->xlat_err)	// e.g. no VMCOREINFO: say why
			prog->kallsyms_err = dp_program_provider_error(
				prog->xlat_err,
				"kernel virtual memory is not available");
		else
			prog->kallsyms_err =
				dp_kallsyms_load(prog, &prog->kallsyms);
	}
	if (prog->kallsyms_err)
		return prog->kallsyms_err;
	*ret = prog->kallsyms;
	return NULL;
}

const char *dp_program_kallsyms_source(struct dp_program *prog)
{
	struct dp_kallsyms *ks;
	if (dp_program_load_kallsyms(prog, &ks))
		return NULL;	// the remembered error is borrowed
	return prog->kallsyms_source;
}

const char *dp_program_kallsyms_warning(struct dp_program *prog)
{
	return dp_kallsyms_warning(prog->kallsyms);
}

static struct dp_error *modsyms(struct dp_program *prog,
				struct dp_modsyms **ret)
{
	if (!prog->modsyms_tried) {
		prog->modsyms_tried = true;
		prog->modsyms_err = dp_modsyms_load(prog, &prog->modsyms);
	}
	if (prog->modsyms_err)
		return dp_program_provider_error(prog->modsyms_err,
						 "module symbols unavailable");
	*ret = prog->modsyms;
	return NULL;
}

// Module symbols come second: a missing name or an address outside every
// module is NOT_FOUND; a module list that cannot be read says why.
static struct dp_error *module_symbol_address(struct dp_program *prog,
					      const char *name, uint64_t *ret)
{
	struct dp_modsyms *ms = NULL;
	struct dp_symbol s;
	struct dp_error *err = modsyms(prog, &ms);
	if (err) {
		dp_error_destroy(err);
		return dp_error_create(DP_ERR_NOT_FOUND, "no symbol '%s'",
				       name);
	}
	size_t cursor = 0;
	if (!dp_modsyms_find_name(ms, name, &cursor, &s))
		return dp_error_create(DP_ERR_NOT_FOUND, "no symbol '%s'",
				       name);
	*ret = s.address;
	return NULL;
}

static struct dp_error *module_symbolize(struct dp_program *prog,
					 uint64_t addr, struct dp_symbol *ret,
					 uint64_t *offset_ret)
{
	struct dp_modsyms *ms = NULL;
	struct dp_error *err = modsyms(prog, &ms);
	if (!err && dp_modsyms_lookup_addr(ms, addr, ret, offset_ret))
		return NULL;
	if (err && err->code != DP_ERR_NOT_FOUND)
		return err;
	dp_error_destroy(err);
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
	// Then modules; module symbols that cannot be read just add nothing.
	struct dp_modsyms *ms = NULL;
	if ((err = modsyms(prog, &ms)))
		dp_error_destroy(err);
	for (cursor = 0; ms && dp_modsyms_find_name(ms, name, &cursor, &s);) {
		found++;
		if ((err = fn(&s, arg)))
			return err;
	}
	if (!found)
		return dp_error_create(DP_ERR_NOT_FOUND, "no symbol '%s'",
				       name);
	return NULL;
}

struct dp_error *dp_program_num_modules(struct dp_program *prog, size_t *ret)
{
	struct dp_modsyms *ms = NULL;
	struct dp_error *err = modsyms(prog, &ms);
	if (!err)
		*ret = dp_modsyms_count(ms);
	return err;
}

void dp_program_module(struct dp_program *prog, size_t i,
		       struct dp_symbol_module *ret)
{
	dp_modsyms_module(prog->modsyms, i, ret);
}

void dp_program_module_symbol(struct dp_program *prog, size_t i, size_t j,
			      struct dp_symbol *ret)
{
	dp_modsyms_symbol(prog->modsyms, i, j, ret);
}

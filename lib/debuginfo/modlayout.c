// SPDX-License-Identifier: MIT
// Module memory layout by feature (FORMATS.md §6.3): 6.4+ (commit
// ac3b43283923) keeps struct module_memory mem[MOD_MEM_NUM_TYPES], one
// separate allocation per type (include/linux/module.h enum mod_mem_type:
// text, data, rodata, ro_after_init are core, then the init types); older
// kernels one core_layout and one init_layout (struct module_layout).
#include <string.h>

#include <dontpanic/types.h>

#include "debuginfo/modlayout.h"

static int64_t enum_or(struct dp_types *t, const char *name, int64_t dflt)
{
	int64_t v;
	struct dp_error *err = t ? dp_types_enum_value(t, name, &v) :
				   &dp_enomem;
	if (err == &dp_enomem)
		return dflt;
	if (err) {
		dp_error_destroy(err);
		return dflt;
	}
	return v;
}

static struct dp_error *load_mem(struct dp_program *prog,
				 struct dp_modlayout *l)
{
	struct dp_error *err;
	struct dp_types *t = NULL;
	if ((err = dp_program_type_size(prog, "module_memory",
					&l->mem_stride)) ||
	    (err = dp_program_member_offset(prog, "module_memory", "base",
					    &l->mem_base)) ||
	    (err = dp_program_member_offset(prog, "module_memory", "size",
					    &l->mem_size)))
		return err;
	err = dp_program_types(prog, &t);
	dp_error_destroy(err);
	if (err)
		t = NULL;
	// Values of enum mod_mem_type as 6.4 defines them when BTF lacks it.
	l->mem_init_text = enum_or(t, "MOD_INIT_TEXT", 4);
	l->mem_num = enum_or(t, "MOD_MEM_NUM_TYPES", 7);
	l->mem_init_end = l->mem_num;
	if (l->mem_num < 1 || l->mem_num > 16 || l->mem_init_text < 1 ||
	    l->mem_init_text > DP_MODULE_MAX_CORE ||
	    l->mem_init_text >= l->mem_num)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "enum mod_mem_type: %lld types, init from %lld",
				       (long long)l->mem_num,
				       (long long)l->mem_init_text);
	return NULL;
}

struct dp_error *dp_modlayout_load(struct dp_program *prog,
				   struct dp_modlayout *l)
{
	memset(l, 0, sizeof(*l));
	struct dp_error *err;
	if ((err = dp_program_member_offset(prog, "module", "list", &l->list)) ||
	    (err = dp_program_member_offset(prog, "module", "name", &l->name)))
		return err;
	err = dp_program_member_offset(prog, "module", "mem", &l->mem);
	if (!err) {
		l->has_mem = true;
		return load_mem(prog, l);
	}
	if (err->code != DP_ERR_NOT_FOUND)
		return err;
	dp_error_destroy(err);
	static const struct { const char *m; size_t off; } req[] = {
#define F(m, f) { m, offsetof(struct dp_modlayout, f) }
		F("core_layout.base", core_base),
		F("core_layout.size", core_size),
		F("core_layout.text_size", core_text_size),
		F("init_layout.base", init_base),
		F("init_layout.size", init_size),
#undef F
	};
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if ((err = dp_program_member_offset(prog, "module", req[i].m,
				(uint64_t *)((char *)l + req[i].off))))
			return err;
	return NULL;
}

static struct dp_error *read_u32(struct dp_program *prog, uint64_t addr,
				 uint64_t *ret)
{
	uint8_t b[4];
	struct dp_error *err = dp_program_read(prog, addr, b, 4);
	*ret = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
	       (uint64_t)b[3] << 24;
	return err;
}

static struct dp_error *read_range(struct dp_program *prog, uint64_t base_at,
				   uint64_t size_at, struct dp_mod_range *r)
{
	struct dp_error *err = dp_program_read_u64(prog, base_at, &r->base);
	return err ? err : read_u32(prog, size_at, &r->size);
}

struct dp_error *dp_modlayout_read(struct dp_program *prog,
				   const struct dp_modlayout *l, uint64_t mod,
				   struct dp_module *m)
{
	struct dp_error *err;
	struct dp_mod_range r;
	m->ncore = 0;
	m->size = 0;
	if (!l->has_mem) {
		if ((err = read_range(prog, mod + l->core_base,
				      mod + l->core_size, &m->core[0])) ||
		    (err = read_u32(prog, mod + l->core_text_size,
				    &m->text_size)) ||
		    (err = read_range(prog, mod + l->init_base,
				      mod + l->init_size, &r)))
			return err;
		m->ncore = 1;
		m->base = m->core[0].base;
		m->size = m->core[0].size;
		m->init_base = r.base;
		m->init_size = r.size;
		return NULL;
	}
	for (int64_t i = 0; i < l->mem_num; i++) {
		uint64_t at = mod + l->mem + (uint64_t)i * l->mem_stride;
		if ((err = read_range(prog, at + l->mem_base, at + l->mem_size,
				      &r)))
			return err;
		if (i < l->mem_init_text) {	// core: MOD_TEXT is 0
			m->core[m->ncore++] = r;
			m->size += r.size;
		} else if (i == l->mem_init_text) {
			m->init_base = r.base;
			m->init_size = r.size;
		}
	}
	m->base = m->core[0].base;
	m->text_size = m->core[0].size;
	return NULL;
}

bool dp_module_core_contains(const struct dp_module *m, uint64_t addr)
{
	for (unsigned int i = 0; i < m->ncore; i++)
		if (m->core[i].base && addr - m->core[i].base < m->core[i].size)
			return true;
	return false;
}

// SPDX-License-Identifier: MIT
// Module symbols: the `modules` list, each module's kallsyms (symtab,
// strtab, typetab of struct mod_kallsyms) and core memory range, with
// every struct offset from BTF (FORMATS.md §6.1 "Module symbols"). The
// memory layout (6.4+ mem[], core_layout before) is modlayout.c's.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/modlayout.h"
#include "debuginfo/modsyms.h"
#include "kernel/program-priv.h"

#define MAX_MODULES 8192
#define MAX_MOD_SYMS (1u << 20)
#define MODULE_NAME_MAX 56	// MODULE_NAME_LEN on 64-bit
#define ELF64_SYM_SIZE 24

struct msym {
	uint64_t addr, size;
	uint32_t name;		// offset into the module's pool
	char type;
};

struct mod {
	char name[MODULE_NAME_MAX + 1];
	uint64_t base, size;	// core text base, core size
	struct dp_module mem;	// core ranges (ncore, core[])
	struct msym *syms;	// sorted by address
	size_t n;
	char *pool;
	size_t pool_len, pool_cap;
};

struct dp_modsyms {
	struct mod *mods;
	size_t n;
};

struct offsets {
	struct dp_modlayout layout;
	uint64_t kallsyms;
	uint64_t ks_symtab, ks_num, ks_strtab, ks_typetab;
	uint64_t syms, num_syms, gpl_syms, num_gpl_syms;
	uint64_t ksym_size, ksym_value, ksym_name;
	bool prel32;		// kernel_symbol holds s32 offsets (PREL32)
};

// One exported symbol of a module (struct kernel_symbol).
struct export {
	uint64_t value;
	char name[128];
};

void dp_modsyms_destroy(struct dp_modsyms *ms)
{
	if (!ms)
		return;
	for (size_t i = 0; i < ms->n; i++) {
		free(ms->mods[i].syms);
		free(ms->mods[i].pool);
	}
	free(ms->mods);
	free(ms);
}

static struct dp_error *get_offsets(struct dp_program *prog,
				    struct offsets *o)
{
	static const struct { const char *type, *member; size_t off; } req[] = {
#define F(t, m, f) { t, m, offsetof(struct offsets, f) }
		F("module", "kallsyms", kallsyms),
		F("mod_kallsyms", "symtab", ks_symtab),
		F("mod_kallsyms", "num_symtab", ks_num),
		F("mod_kallsyms", "strtab", ks_strtab),
		F("mod_kallsyms", "typetab", ks_typetab),
		F("module", "syms", syms),
		F("module", "num_syms", num_syms),
		F("module", "gpl_syms", gpl_syms),
		F("module", "num_gpl_syms", num_gpl_syms),
#undef F
	};
	struct dp_error *err = dp_modlayout_load(prog, &o->layout);
	if (err)
		return dp_error_prefix(err, "module symbols: module layout");
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		err = dp_program_member_offset(prog, req[i].type,
			req[i].member, (uint64_t *)((char *)o + req[i].off));
		if (err)
			return dp_error_prefix(err, "module symbols: %s.%s",
					       req[i].type, req[i].member);
	}
	// struct kernel_symbol: s32 offsets with
	// CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (x86_64), else pointers.
	o->prel32 = true;
	err = dp_program_member_offset(prog, "kernel_symbol", "value_offset",
				       &o->ksym_value);
	if (!err)
		err = dp_program_member_offset(prog, "kernel_symbol",
					       "name_offset", &o->ksym_name);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		o->prel32 = false;
		err = dp_program_member_offset(prog, "kernel_symbol", "value",
					       &o->ksym_value);
		if (!err)
			err = dp_program_member_offset(prog, "kernel_symbol",
						       "name", &o->ksym_name);
	}
	if (!err)
		err = dp_program_type_size(prog, "struct kernel_symbol",
					   &o->ksym_size);
	return err ? dp_error_prefix(err, "module symbols: kernel_symbol") :
		     NULL;
}

// A kernel_symbol field: an address, stored PREL32 (relative to the
// field) or absolute.
static struct dp_error *ksym_field(struct dp_program *prog,
				   const struct offsets *o, uint64_t at,
				   uint64_t *ret)
{
	if (!o->prel32)
		return dp_program_read_u64(prog, at, ret);
	uint8_t b[4];
	struct dp_error *err = dp_program_read(prog, at, b, 4);
	if (!err)
		*ret = at + (uint64_t)(int64_t)(int32_t)(uint32_t)(b[0] |
			b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
	return err;
}

// Read one export table (module.syms or module.gpl_syms) into *ex.
static struct dp_error *read_exports(struct dp_program *prog,
				     const struct offsets *o, uint64_t mod,
				     uint64_t tab_off, uint64_t num_off,
				     struct export **ex, size_t *n)
{
	uint64_t tab, num, value, name;
	uint8_t b[4];
	struct dp_error *err = dp_program_read_u64(prog, mod + tab_off, &tab);
	if (!err)
		err = dp_program_read(prog, mod + num_off, b, 4);
	if (err)
		return err;
	num = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	if (num > MAX_MOD_SYMS)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%" PRIu64 " exported symbols is implausible", num);
	struct export *p = realloc(*ex, (*n + num + 1) * sizeof(*p));
	if (!p)
		return &dp_enomem;
	*ex = p;
	for (uint64_t i = 0; i < num; i++) {
		uint64_t e = tab + i * o->ksym_size;
		struct export *x = &p[*n];
		if ((err = ksym_field(prog, o, e + o->ksym_value, &value)) ||
		    (err = ksym_field(prog, o, e + o->ksym_name, &name)))
			return err;
		x->value = value;
		if ((err = dp_program_read_string(prog, name, x->name,
						  sizeof(x->name)))) {
			dp_error_destroy(err);
			continue;
		}
		(*n)++;
	}
	return NULL;
}

// /proc/kallsyms shows exported module symbols in upper case and the rest
// in lower case (kernel/kallsyms.c s_show(), is_exported()); typetab holds
// the lower-case letter.
static void apply_exports(struct mod *m, const struct export *ex, size_t n)
{
	for (size_t i = 0; i < m->n; i++) {
		struct msym *s = &m->syms[i];
		bool exported = false;
		for (size_t k = 0; k < n && !exported; k++)
			exported = ex[k].value == s->addr &&
				   !strcmp(ex[k].name, m->pool + s->name);
		if (s->type >= 'a' && s->type <= 'z' && exported)
			s->type = (char)(s->type - 'a' + 'A');
		else if (s->type >= 'A' && s->type <= 'Z' && !exported)
			s->type = (char)(s->type - 'A' + 'a');
	}
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int k = n - 1; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

static int msym_cmp(const void *a, const void *b)
{
	const struct msym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static struct dp_error *add_name(struct mod *m, const char *s, uint32_t *ret)
{
	size_t len = strlen(s) + 1;
	if (m->pool_len + len > m->pool_cap) {
		size_t cap = m->pool_cap * 2 + len + 256;
		char *p = realloc(m->pool, cap);
		if (!p)
			return &dp_enomem;
		m->pool = p;
		m->pool_cap = cap;
	}
	memcpy(m->pool + m->pool_len, s, len);
	*ret = (uint32_t)m->pool_len;
	m->pool_len += len;
	return NULL;
}

// Read one module's symbols through its mod_kallsyms.
static struct dp_error *load_syms(struct dp_program *prog,
				  const struct offsets *o, uint64_t ks,
				  struct mod *m)
{
	uint64_t symtab, strtab, typetab, num;
	uint8_t b[4];
	struct dp_error *err;
	if ((err = dp_program_read_u64(prog, ks + o->ks_symtab, &symtab)) ||
	    (err = dp_program_read_u64(prog, ks + o->ks_strtab, &strtab)) ||
	    (err = dp_program_read_u64(prog, ks + o->ks_typetab, &typetab)) ||
	    (err = dp_program_read(prog, ks + o->ks_num, b, 4)))
		return err;
	num = le(b, 4);
	if (num > MAX_MOD_SYMS)
		return dp_error_create(DP_ERR_BAD_DATA,
			"num_symtab %" PRIu64 " is implausible", num);
	uint8_t *tab = malloc(num * ELF64_SYM_SIZE + 1);
	char *types = malloc(num + 1);
	m->syms = calloc(num + 1, sizeof(*m->syms));
	if (!tab || !types || !m->syms) {
		free(tab);
		free(types);
		return &dp_enomem;
	}
	if (!(err = dp_program_read(prog, symtab, tab, num * ELF64_SYM_SIZE)))
		err = dp_program_read(prog, typetab, types, num);
	// Entry 0 is the ELF null symbol; undefined symbols have shndx 0.
	for (uint64_t i = 1; !err && i < num; i++) {
		const uint8_t *s = tab + i * ELF64_SYM_SIZE;
		char name[512];
		if (le(s + 6, 2) == 0)
			continue;
		err = dp_program_read_string(prog, strtab + le(s, 4), name,
					     sizeof(name));
		if (err || !name[0])
			continue;
		struct msym *ms = &m->syms[m->n];
		ms->addr = le(s + 8, 8);
		ms->size = le(s + 16, 8);
		ms->type = types[i];
		if (!(err = add_name(m, name, &ms->name)))
			m->n++;
	}
	free(tab);
	free(types);
	if (!err)
		qsort(m->syms, m->n, sizeof(*m->syms), msym_cmp);
	return err;
}

static struct dp_error *load_module(struct dp_program *prog,
				    const struct offsets *o, uint64_t mod,
				    struct mod *m)
{
	uint64_t ks;
	struct dp_error *err = dp_program_read(prog, mod + o->layout.name,
					       m->name, MODULE_NAME_MAX);
	m->name[MODULE_NAME_MAX] = '\0';
	if (!err)
		err = dp_modlayout_read(prog, &o->layout, mod, &m->mem);
	m->base = m->mem.base;
	m->size = m->mem.size;
	if (!err)
		err = dp_program_read_u64(prog, mod + o->kallsyms, &ks);
	if (!err)
		err = load_syms(prog, o, ks, m);
	struct export *ex = NULL;
	size_t nex = 0;
	if (!err)
		err = read_exports(prog, o, mod, o->syms, o->num_syms, &ex, &nex);
	if (!err)
		err = read_exports(prog, o, mod, o->gpl_syms, o->num_gpl_syms,
				   &ex, &nex);
	if (!err)
		apply_exports(m, ex, nex);
	free(ex);
	return err ? dp_error_prefix(err, "module at 0x%" PRIx64 " (%s)", mod,
				     m->name) : NULL;
}

static int mod_cmp(const void *a, const void *b)
{
	const struct mod *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

struct dp_error *dp_modsyms_load(struct dp_program *prog,
				 struct dp_modsyms **ret)
{
	struct offsets o;
	uint64_t head, next;
	struct dp_error *err = get_offsets(prog, &o);
	if (!err)
		err = dp_program_symbol_address(prog, "modules", &head);
	if (!err)
		err = dp_program_read_u64(prog, head, &next);
	if (err)
		return err;
	struct dp_modsyms *ms = calloc(1, sizeof(*ms));
	if (!ms)
		return &dp_enomem;
	// Bounded walk of the circular list (a loop not through the head
	// stops at MAX_MODULES).
	size_t cap = 0;
	while (next != head) {
		if (ms->n == MAX_MODULES) {
			err = dp_error_create(DP_ERR_BAD_DATA,
				"module list at 0x%" PRIx64 " has more than %d "
				"entries (a loop?)", head, MAX_MODULES);
			break;
		}
		if (ms->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct mod *p = realloc(ms->mods, cap * sizeof(*p));
			if (!p) {
				err = &dp_enomem;
				break;
			}
			ms->mods = p;
		}
		struct mod *m = &ms->mods[ms->n];
		memset(m, 0, sizeof(*m));
		ms->n++;
		if ((err = load_module(prog, &o, next - o.layout.list, m)) ||
		    (err = dp_program_read_u64(prog, next, &next)))
			break;
	}
	if (err) {
		dp_modsyms_destroy(ms);
		return dp_error_prefix(err, "module symbols");
	}
	// Address order (like crash's sym -l); also what lookups expect.
	qsort(ms->mods, ms->n, sizeof(*ms->mods), mod_cmp);
	*ret = ms;
	return NULL;
}

static void fill(const struct mod *m, size_t i, struct dp_symbol *ret)
{
	const struct msym *s = &m->syms[i];
	*ret = (struct dp_symbol){
		.name = m->pool + s->name, .address = s->addr,
		.size = s->size, .type = s->type, .module = m->name,
	};
}

bool dp_modsyms_find_name(const struct dp_modsyms *ms, const char *name,
			  size_t *cursor, struct dp_symbol *ret)
{
	// *cursor = module index * 2^32 + symbol index to resume from.
	for (size_t k = *cursor >> 32; k < ms->n; k++) {
		size_t i = k == *cursor >> 32 ? (*cursor & 0xffffffff) : 0;
		for (; i < ms->mods[k].n; i++)
			if (!strcmp(ms->mods[k].pool + ms->mods[k].syms[i].name,
				    name)) {
				fill(&ms->mods[k], i, ret);
				*cursor = ((uint64_t)k << 32) | (i + 1);
				return true;
			}
	}
	*cursor = (uint64_t)ms->n << 32;
	return false;
}

static bool same_range(const struct dp_module *mem, uint64_t a, uint64_t b)
{
	for (unsigned int i = 0; i < mem->ncore; i++) {
		const struct dp_mod_range *r = &mem->core[i];
		if (a - r->base < r->size)
			return b - r->base < r->size;
	}
	return false;
}

bool dp_modsyms_lookup_addr(const struct dp_modsyms *ms, uint64_t addr,
			    struct dp_symbol *ret, uint64_t *offset_ret)
{
	for (size_t k = 0; k < ms->n; k++) {
		const struct mod *m = &ms->mods[k];
		if (!dp_module_core_contains(&m->mem, addr) || !m->n ||
		    addr < m->syms[0].addr)
			continue;
		size_t lo = 0, hi = m->n;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (m->syms[mid].addr <= addr)
				lo = mid;
			else
				hi = mid;
		}
		// 6.4+: text, data and rodata are separate allocations; the
		// symbol below addr must be in addr's own piece.
		if (!same_range(&m->mem, addr, m->syms[lo].addr))
			continue;
		fill(m, lo, ret);
		*offset_ret = addr - ret->address;
		return true;
	}
	return false;
}

size_t dp_modsyms_count(const struct dp_modsyms *ms)
{
	return ms->n;
}

void dp_modsyms_module(const struct dp_modsyms *ms, size_t i,
		       struct dp_symbol_module *ret)
{
	const struct mod *m = &ms->mods[i];
	*ret = (struct dp_symbol_module){
		.name = m->name, .base = m->base, .size = m->size,
		.nsyms = m->n,
	};
}

void dp_modsyms_symbol(const struct dp_modsyms *ms, size_t i, size_t j,
		       struct dp_symbol *ret)
{
	fill(&ms->mods[i], j, ret);
}

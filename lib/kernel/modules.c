// SPDX-License-Identifier: MIT
// Loaded modules: the `modules` list of struct module; where their memory
// is comes from lib/debuginfo/modlayout.c (6.4+ mem[], older layouts).
#include <stdlib.h>
#include <string.h>

#include "debuginfo/modlayout.h"
#include "kernel-internal.h"

struct mod_layout {
	struct dp_modlayout mem;	/* list, name, memory (modlayout.c) */
	uint64_t taints;
	uint64_t num_orcs, orc_ip, orc;	/* UINT64_MAX without ORC */
};

static struct dp_error *load_layout(struct dp_kernel *k, struct mod_layout *l)
{
	struct dp_error *err = dp_modlayout_load(k->prog, &l->mem);
	if (err)
		return err;
	l->taints = dp_kernel_member_opt(k, "module", "taints");
	l->num_orcs = dp_kernel_member_opt(k, "module", "arch.num_orcs");
	l->orc_ip = dp_kernel_member_opt(k, "module", "arch.orc_unwind_ip");
	l->orc = dp_kernel_member_opt(k, "module", "arch.orc_unwind");
	return NULL;
}

static struct dp_error *read_u32_at(struct dp_kernel *k, uint64_t addr,
				    uint64_t *ret)
{
	uint32_t v;
	struct dp_error *err = dp_kernel_read_u32(k, addr, &v);
	*ret = v;
	return err;
}

static struct dp_error *read_module(struct dp_kernel *k,
				    const struct mod_layout *l, uint64_t mod,
				    struct dp_module *m)
{
	struct dp_program *p = k->prog;
	struct dp_error *err;
	memset(m, 0, sizeof(*m));
	m->addr = mod;
	// MODULE_NAME_LEN is 64 - sizeof(unsigned long) = 56 on 64-bit.
	err = dp_program_read_string(p, mod + l->mem.name, m->name, 56);
	if (err)
		return err;
	err = dp_modlayout_read(p, &l->mem, mod, m);
	if (err)
		return err;
	if (l->taints != UINT64_MAX &&
	    (err = dp_program_read_u64(p, mod + l->taints, &m->taints)))
		return err;
	if (l->num_orcs != UINT64_MAX && l->orc_ip != UINT64_MAX &&
	    l->orc != UINT64_MAX) {
		uint64_t n;
		if ((err = read_u32_at(k, mod + l->num_orcs, &n)) ||
		    (err = dp_program_read_u64(p, mod + l->orc_ip,
					       &m->orc_unwind_ip)) ||
		    (err = dp_program_read_u64(p, mod + l->orc,
					       &m->orc_unwind)))
			return err;
		m->num_orcs = (uint32_t)n;
	}
	return NULL;
}

static struct dp_error *load_modules(struct dp_kernel *k)
{
	struct mod_layout l;
	uint64_t head, pos;
	struct dp_error *err = load_layout(k, &l);
	if (err)
		return dp_error_prefix(err, "module layout");
	err = dp_program_symbol_address(k->prog, "modules", &head);
	if (!err)
		err = dp_program_read_u64(k->prog, head, &pos);
	if (err)
		return dp_error_prefix(err, "modules");
	struct dp_module *v = NULL;
	size_t n = 0, cap = 0;
	while (!err && pos != head) {
		if (!pos || n >= DP_MAX_MODULES) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "modules list: %s after %zu",
					      pos ? "too long" : "NULL link", n);
			break;
		}
		uint64_t mod = pos - l.mem.list;
		for (size_t i = 0; i < n && !err; i++)
			if (v[i].addr == mod)
				err = dp_error_create(DP_ERR_BAD_DATA,
						      "modules list: cycle at "
						      "0x%llx",
						      (unsigned long long)mod);
		if (err)
			break;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			struct dp_module *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return &dp_enomem;
			}
			v = nv;
		}
		err = read_module(k, &l, mod, &v[n]);
		if (err) {
			err = dp_error_prefix(err, "module at 0x%llx",
					      (unsigned long long)mod);
			break;
		}
		n++;
		err = dp_program_read_u64(k->prog, pos, &pos);
	}
	/*
	 * Damage in the list (a cycle, a bad link, an unreadable module)
	 * loses only the modules behind it, as for the task list: a stack
	 * trace through kernel text must not fail because of it.
	 */
	if (err) {
		k->modules_warning = strdup(err->message);
		dp_error_destroy(err);
		if (!k->modules_warning) {
			free(v);
			return &dp_enomem;
		}
	}
	k->modules = v;
	k->nmodules = n;
	k->modules_loaded = true;
	return NULL;
}

struct dp_error *dp_kernel_modules(struct dp_kernel *k,
				   const struct dp_module **ret,
				   size_t *count_ret)
{
	if (!k->modules_loaded) {
		struct dp_error *err = load_modules(k);
		if (err)
			return err;
	}
	*ret = k->modules;
	*count_ret = k->nmodules;
	return NULL;
}

const char *dp_kernel_modules_warning(struct dp_kernel *k)
{
	return k->modules_warning;
}

const struct dp_module *dp_kernel_module_by_addr(struct dp_kernel *k,
						 uint64_t addr)
{
	const struct dp_module *v;
	size_t n;
	struct dp_error *err = dp_kernel_modules(k, &v, &n);
	if (err) {
		dp_error_destroy(err);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (dp_module_core_contains(&v[i], addr))
			return &v[i];
		if (v[i].init_base && addr - v[i].init_base < v[i].init_size)
			return &v[i];
	}
	return NULL;
}

// Taint letters by bit (kernel/panic.c taint_flags[], documented in
// Documentation/admin-guide/tainted-kernels.rst).
void dp_taint_string(uint64_t mask, char *buf, size_t len)
{
	static const char letters[] = "PFSRMBUDAWCIOELKXTN";
	size_t o = 0;
	for (unsigned int bit = 0; bit < 64 && o + 1 < len; bit++) {
		if (!(mask & (1ULL << bit)))
			continue;
		buf[o++] = bit < sizeof(letters) - 1 ? letters[bit] : '?';
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
}

/*
 * Module symbols from the module's own kallsyms (struct mod_kallsyms:
 * an Elf64_Sym symtab, its strtab and num_symtab; kernel/module/kallsyms.c),
 * for when the program's symbol lookup does not cover modules.
 */
struct dp_error *dp_kernel_module_symbolize(struct dp_kernel *k, uint64_t addr,
					    char *name, size_t name_len,
					    uint64_t *offset_ret,
					    const struct dp_module **mod_ret)
{
	const struct dp_module *m = dp_kernel_module_by_addr(k, addr);
	if (!m)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "0x%llx is in no module",
				       (unsigned long long)addr);
	*mod_ret = m;
	uint64_t ks_off = dp_kernel_member_opt(k, "module", "kallsyms");
	uint64_t symtab_off = dp_kernel_member_opt(k, "mod_kallsyms", "symtab");
	uint64_t num_off = dp_kernel_member_opt(k, "mod_kallsyms", "num_symtab");
	uint64_t str_off = dp_kernel_member_opt(k, "mod_kallsyms", "strtab");
	if (ks_off == UINT64_MAX || symtab_off == UINT64_MAX ||
	    num_off == UINT64_MAX || str_off == UINT64_MAX)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no module kallsyms layout");
	uint64_t ks, symtab, strtab;
	uint32_t num;
	struct dp_error *err;
	if ((err = dp_program_read_u64(k->prog, m->addr + ks_off, &ks)) ||
	    (err = dp_program_read_u64(k->prog, ks + symtab_off, &symtab)) ||
	    (err = dp_kernel_read_u32(k, ks + num_off, &num)) ||
	    (err = dp_program_read_u64(k->prog, ks + str_off, &strtab)))
		return dp_error_prefix(err, "module %s kallsyms", m->name);
	if (num > 1u << 20)
		return dp_error_create(DP_ERR_BAD_DATA, "module %s: %u symbols",
				       m->name, num);
	uint64_t best = 0, best_name = 0;
	bool found = false;
	for (uint32_t i = 0; i < num; i++) {
		uint8_t sym[24];	/* Elf64_Sym */
		if ((err = dp_program_read(k->prog, symtab + 24ULL * i, sym,
					   sizeof(sym))))
			return dp_error_prefix(err, "module %s symtab",
					       m->name);
		uint32_t st_name;
		uint64_t value;
		memcpy(&st_name, sym, 4);
		memcpy(&value, sym + 8, 8);
		// Only defined function/object symbols (STT_FUNC 2, OBJECT 1).
		unsigned int type = sym[4] & 0xf;
		if (!st_name || (type != 1 && type != 2) || value > addr)
			continue;
		if (!found || value > best) {
			best = value;
			best_name = strtab + st_name;
			found = true;
		}
	}
	if (!found)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no symbol in module %s for 0x%llx",
				       m->name, (unsigned long long)addr);
	if ((err = dp_program_read_string(k->prog, best_name, name, name_len)))
		return err;
	*offset_ret = addr - best;
	return NULL;
}

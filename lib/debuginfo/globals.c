// SPDX-License-Identifier: MIT
// Types of kernel global variables. BTF describes types but not ordinary
// globals (only per-CPU ones, as VARs in the ".data..percpu" DATASEC;
// FORMATS.md §6.2). So: BTF per-CPU VARs, then a matching vmlinux's DWARF,
// then a built-in table of well-known globals with their 6.1 types.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/debuginfo-priv.h"
#include "debuginfo/types-priv.h"

/*
 * Declared types of well-known globals (Linux 6.1 x86_64 sources; the
 * file is given where the name alone does not say). A dimension in
 * capitals is computed from BTF: NR_CPUS and MAX_NUMNODES from the sizes
 * of struct cpumask / nodemask_t, others are enumerators (NR_*_ITEMS).
 */
static const struct { const char *name, *type; } globals[] = {
	{ "init_task", "struct task_struct" },
	{ "init_mm", "struct mm_struct" },
	{ "init_uts_ns", "struct uts_namespace" },
	{ "init_pid_ns", "struct pid_namespace" },
	{ "init_nsproxy", "struct nsproxy" },
	{ "init_net", "struct net" },
	{ "init_user_ns", "struct user_namespace" },
	{ "prb", "struct printk_ringbuffer *" },	/* kernel/printk/printk.c */
	{ "printk_rb_static", "struct printk_ringbuffer" },
	{ "modules", "struct list_head" },		/* kernel/module/main.c */
	{ "btf_modules", "struct list_head" },		/* kernel/bpf/btf.c */
	{ "slab_caches", "struct list_head" },
	{ "super_blocks", "struct list_head" },
	{ "net_namespace_list", "struct list_head" },
	{ "vmap_area_list", "struct list_head" },
	{ "panic_cpu", "atomic_t" },			/* kernel/panic.c */
	{ "crashing_cpu", "int" },			/* arch/x86/kernel/reboot.c */
	{ "panic_on_oops", "int" },
	{ "panic_on_warn", "int" },
	{ "panic_timeout", "int" },
	{ "sysctl_panic_on_oom", "int" },
	{ "oops_in_progress", "int" },
	{ "tainted_mask", "unsigned long" },
	{ "__per_cpu_offset", "unsigned long[NR_CPUS]" },
	{ "nr_cpu_ids", "unsigned int" },
	{ "__cpu_online_mask", "struct cpumask" },
	{ "__cpu_possible_mask", "struct cpumask" },
	{ "__cpu_present_mask", "struct cpumask" },
	{ "__cpu_active_mask", "struct cpumask" },
	{ "jiffies", "unsigned long" },			/* volatile */
	{ "jiffies_64", "u64" },
	{ "page_offset_base", "unsigned long" },	/* arch/x86/mm/kaslr.c */
	{ "vmemmap_base", "unsigned long" },
	{ "vmalloc_base", "unsigned long" },
	{ "phys_base", "unsigned long" },
	{ "max_pfn", "unsigned long" },
	{ "max_low_pfn", "unsigned long" },
	{ "high_memory", "void *" },
	{ "node_data", "struct pglist_data *[MAX_NUMNODES]" },	/* arch/x86/mm/numa.c */
	{ "node_states", "nodemask_t[NR_NODE_STATES]" },
	{ "mem_section", "struct mem_section **" },	/* SPARSEMEM_EXTREME */
	{ "vm_zone_stat", "atomic_long_t[NR_VM_ZONE_STAT_ITEMS]" },
	{ "vm_node_stat", "atomic_long_t[NR_VM_NODE_STAT_ITEMS]" },
	{ "vm_numa_event", "atomic_long_t[NR_VM_NUMA_EVENT_ITEMS]" },
	{ "_totalram_pages", "atomic_long_t" },		/* mm/page_alloc.c */
	{ "totalreserve_pages", "unsigned long" },
	{ "nr_swap_pages", "atomic_long_t" },
	{ "nr_threads", "int" },
	{ "total_forks", "unsigned long" },
	{ "avenrun", "unsigned long[3]" },
	{ "saved_command_line", "char *" },
	{ "linux_banner", "char[]" },
	{ "system_state", "enum system_states" },
	{ "kexec_crash_image", "struct kimage *" },
	{ "sysctl_hung_task_timeout_secs", "unsigned long" },
	{ "watchdog_thresh", "int" },
	{ "init_top_pgt", "pgd_t[512]" },
	{ "log_buf_len", "u32" },			/* kernel/printk/printk.c */
	{ "log_buf", "char *" },
};

static struct dp_error *type_size_of(struct dp_types *types,
				     const char *type, uint64_t *ret)
{
	struct dp_type t;
	struct dp_error *err = dp_types_find(types, type, &t);
	return err ? err : dp_type_size(t, ret);
}

static struct dp_error *dimension(struct dp_types *types, const char *name,
				  uint64_t *ret)
{
	const char *type = !strcmp(name, "NR_CPUS") ? "struct cpumask" :
			   !strcmp(name, "MAX_NUMNODES") ? "nodemask_t" : NULL;
	if (type) {
		struct dp_error *err = type_size_of(types, type, ret);
		if (!err)
			*ret *= 8;	/* one bit per CPU / node */
		return err;
	}
	int64_t v;
	struct dp_error *err = dp_types_enum_value(types, name, &v);
	if (err)
		return err;
	if (v < 0)
		return dp_error_create(DP_ERR_BAD_DATA, "%s is negative", name);
	*ret = (uint64_t)v;
	return NULL;
}

// Replace "[NAME]" dimensions in spelling by their BTF-derived values.
static struct dp_error *expand_dims(struct dp_types *types,
				    const char *spelling, char *buf,
				    size_t size)
{
	size_t o = 0;
	for (const char *p = spelling; *p; p++) {
		if (p[0] == '[' && isupper((unsigned char)p[1])) {
			char name[64];
			size_t n = strcspn(p + 1, "]");
			uint64_t v;
			if (n >= sizeof(name) || p[1 + n] != ']')
				return dp_error_create(DP_ERR_INVALID,
						       "bad dimension in '%s'",
						       spelling);
			memcpy(name, p + 1, n);
			name[n] = '\0';
			struct dp_error *err = dimension(types, name, &v);
			if (err)
				return err;
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0,
					      "[%llu]", (unsigned long long)v);
			p += n + 1;
		} else if (o + 1 < size) {
			buf[o++] = *p;
		} else {
			o++;
		}
	}
	if (o >= size)
		return dp_error_create(DP_ERR_INVALID, "type '%s' too long",
				       spelling);
	buf[o] = '\0';
	return NULL;
}

static struct dp_error *from_table(struct dp_types *types, const char *name,
				   struct dp_type *ret)
{
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		char spelling[128];
		if (strcmp(globals[i].name, name))
			continue;
		struct dp_error *err = expand_dims(types, globals[i].type,
						   spelling, sizeof(spelling));
		if (!err)
			err = dp_types_find(types, spelling, ret);
		return err ? dp_error_prefix(err, "type of '%s' (%s)", name,
					     globals[i].type) : NULL;
	}
	return dp_error_create(DP_ERR_NOT_FOUND,
			       "the type of '%s' is unknown: BTF has no types for global variables and it is not in the built-in table; give a vmlinux with DWARF (-k VMLINUX)",
			       name);
}

static struct dp_error *from_dwarf(struct dp_program *prog,
				   struct dp_types *types, const char *name,
				   uint64_t address, struct dp_type *ret)
{
	struct dp_dwarf *dw = dp_program_dwarf(prog);
	char *spelling;
	if (!dw)
		return dp_error_create(DP_ERR_NOT_FOUND, "no DWARF");
	uint64_t link = address - dp_program_kaslr_offset(prog);
	struct dp_error *err = dp_dwarf_variable_spelling(dw, name, link,
							  &spelling);
	if (err)
		return err;
	err = dp_types_find(types, spelling, ret);
	free(spelling);
	return err;
}

struct dp_error *dp_program_variable(struct dp_program *prog,
				     const char *name,
				     struct dp_variable *ret)
{
	struct dp_types *types;
	const char *section;
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(prog, name, &addr);
	if (err)
		return err;
	err = dp_program_types(prog, &types);
	if (err)
		return err;
	*ret = (struct dp_variable){ .name = name, .address = addr };
	err = dp_types_find_var(types, name, &ret->type, &section);
	if (!err) {
		ret->percpu = !strcmp(section, ".data..percpu");
		ret->type_source = "btf";
		return NULL;
	}
	dp_error_destroy(err);
	err = from_dwarf(prog, types, name, addr, &ret->type);
	if (!err) {
		ret->type_source = "dwarf";
		return NULL;
	}
	dp_error_destroy(err);
	ret->type_source = "table";
	return from_table(types, name, &ret->type);
}

struct dp_error *dp_program_percpu_address(struct dp_program *prog,
					   uint64_t offset, unsigned int cpu,
					   uint64_t *ret)
{
	uint64_t base, cpu_off;
	struct dp_types *types;
	uint64_t ncpus;
	struct dp_error *err = dp_program_types(prog, &types);
	if (!err)
		err = dimension(types, "NR_CPUS", &ncpus);
	if (err)
		return err;
	if (cpu >= ncpus)
		return dp_error_create(DP_ERR_INVALID,
				       "CPU %u is beyond NR_CPUS (%llu)", cpu,
				       (unsigned long long)ncpus);
	err = dp_program_symbol_address(prog, "__per_cpu_offset", &base);
	if (!err)
		err = dp_program_read_u64(prog, base + 8ull * cpu, &cpu_off);
	if (err)
		return dp_error_prefix(err, "per-CPU offset of CPU %u", cpu);
	*ret = offset + cpu_off;
	return NULL;
}

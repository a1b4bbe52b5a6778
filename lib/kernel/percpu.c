// SPDX-License-Identifier: MIT
// Per-CPU data: __per_cpu_offset[], per-CPU variables, runqueues[cpu].
// FORMATS.md §7.1.
#include <stdlib.h>

#include "kernel-internal.h"

static struct dp_error *load_cpus(struct dp_kernel *k)
{
	if (k->cpus_loaded)
		return NULL;
	uint64_t nr_ids = 0, base, boot = UINT64_MAX, addr;
	struct dp_error *err;
	err = dp_program_symbol_address(k->prog, "nr_cpu_ids", &addr);
	if (!err) {
		uint32_t v;
		err = dp_kernel_read_u32(k, addr, &v);
		nr_ids = v;
	}
	if (err)
		return dp_error_prefix(err, "nr_cpu_ids");
	if (nr_ids == 0 || nr_ids > DP_MAX_CPUS)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "nr_cpu_ids %llu out of range",
				       (unsigned long long)nr_ids);
	err = dp_program_symbol_address(k->prog, "__per_cpu_offset", &base);
	if (err)
		return dp_error_prefix(err, "per-CPU offsets");
	// Never set-up entries keep the boot value __per_cpu_load (§7.1).
	struct dp_error *e2 = dp_program_symbol_address(k->prog,
							"__per_cpu_load", &boot);
	dp_error_destroy(e2);
	uint64_t *off = calloc(nr_ids, sizeof(*off));
	if (!off)
		return &dp_enomem;
	unsigned int n = 0;
	for (; n < nr_ids; n++) {
		err = dp_program_read_u64(k->prog, base + 8 * n, &off[n]);
		if (err) {
			free(off);
			return dp_error_prefix(err, "__per_cpu_offset[%u]", n);
		}
		if (n > 0 && off[n] == boot)
			break;
	}
	k->percpu_offset = off;
	k->nr_cpus = n;
	k->cpus_loaded = true;
	return NULL;
}

struct dp_error *dp_kernel_nr_cpus(struct dp_kernel *k, unsigned int *ret)
{
	struct dp_error *err = load_cpus(k);
	if (!err)
		*ret = k->nr_cpus;
	return err;
}

struct dp_error *dp_kernel_percpu_offset(struct dp_kernel *k, unsigned int cpu,
					 uint64_t *ret)
{
	struct dp_error *err = load_cpus(k);
	if (err)
		return err;
	if (cpu >= k->nr_cpus)
		return dp_error_create(DP_ERR_INVALID, "CPU %u out of range "
				       "(%u CPUs)", cpu, k->nr_cpus);
	*ret = k->percpu_offset[cpu];
	return NULL;
}

struct dp_error *dp_kernel_percpu_symbol(struct dp_kernel *k, const char *name,
					 unsigned int cpu, uint64_t *ret)
{
	uint64_t sym, off;
	struct dp_error *err = dp_program_symbol_address(k->prog, name, &sym);
	if (err)
		return err;
	err = dp_kernel_percpu_offset(k, cpu, &off);
	if (err)
		return err;
	*ret = sym + off;
	return NULL;
}

static struct dp_error *rq_task(struct dp_kernel *k, unsigned int cpu,
				bool idle, uint64_t *ret)
{
	const struct dp_task_layout *tl;
	struct dp_error *err = dp_kernel_task_layout(k, &tl);
	if (err)
		return err;
	uint64_t rq;
	err = dp_kernel_percpu_symbol(k, "runqueues", cpu, &rq);
	if (err)
		return dp_error_prefix(err, "runqueues");
	err = dp_program_read_u64(k->prog, rq + (idle ? tl->rq_idle :
						 tl->rq_curr), ret);
	return dp_error_prefix(err, "runqueues[%u].%s", cpu,
			       idle ? "idle" : "curr");
}

struct dp_error *dp_kernel_cpu_curr(struct dp_kernel *k, unsigned int cpu,
				    uint64_t *ret)
{
	return rq_task(k, cpu, false, ret);
}

struct dp_error *dp_kernel_cpu_idle(struct dp_kernel *k, unsigned int cpu,
				    uint64_t *ret)
{
	return rq_task(k, cpu, true, ret);
}

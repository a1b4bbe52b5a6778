// SPDX-License-Identifier: MIT
// The kernel model context: lifecycle, BTF offset and small read helpers.
#include <stdlib.h>
#include <string.h>

#include "kernel-internal.h"

struct dp_error *dp_kernel_create(struct dp_program *prog,
				  struct dp_kernel **ret)
{
	struct dp_kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return &dp_enomem;
	k->prog = prog;
	*ret = k;
	return NULL;
}

void dp_kernel_destroy(struct dp_kernel *k)
{
	if (!k)
		return;
	dp_kernel_unwind_free(k);
	free(k->percpu_offset);
	free(k->tasks);
	free(k->tasks_warning);
	free(k->modules_warning);
	free(k->modules);
	free(k->note_of_cpu);
	free(k);
}

struct dp_program *dp_kernel_program(struct dp_kernel *k)
{
	return k->prog;
}

struct dp_error *dp_kernel_member(struct dp_kernel *k, const char *type,
				  const char *member, uint64_t *ret)
{
	struct dp_error *err = dp_program_member_offset(k->prog, type, member,
							ret);
	return dp_error_prefix(err, "%s.%s", type, member);
}

uint64_t dp_kernel_member_opt(struct dp_kernel *k, const char *type,
			      const char *member)
{
	uint64_t off;
	struct dp_error *err = dp_program_member_offset(k->prog, type, member,
							&off);
	if (err) {
		dp_error_destroy(err);
		return UINT64_MAX;
	}
	return off;
}

struct dp_error *dp_kernel_read_u32(struct dp_kernel *k, uint64_t addr,
				    uint32_t *ret)
{
	uint8_t b[4];
	struct dp_error *err = dp_program_read(k->prog, addr, b, sizeof(b));
	if (err)
		return err;
	*ret = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
	return NULL;
}

struct dp_error *dp_kernel_read_s32(struct dp_kernel *k, uint64_t addr,
				    int32_t *ret)
{
	uint32_t v;
	struct dp_error *err = dp_kernel_read_u32(k, addr, &v);
	*ret = (int32_t)v;
	return err;
}

struct dp_error *dp_kernel_read_sym_u64(struct dp_kernel *k, const char *name,
					uint64_t *ret)
{
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(k->prog, name, &addr);
	if (!err)
		err = dp_program_read_u64(k->prog, addr, ret);
	return dp_error_prefix(err, "%s", name);
}

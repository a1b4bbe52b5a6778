// SPDX-License-Identifier: MIT
// Fuzz the ORC table builder, its lookup, the stack walker on hostile
// stack memory (with CFI rows made from the ip's bits when bit 1 of the
// flags word is set), and the prologue decoder.
//
// Input: [u16 n][u8 version][n * 4 ip_rel][n * 6 entries][8 * 4 start
// regs: ip, sp, bp, flags][rest: stack memory at STACK].
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/unwind.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STACK 0x10000ULL

struct mem {
	const uint8_t *p;
	size_t len;
	struct dp_orc_table *t;
};

static struct dp_error *rd(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct mem *m = arg;
	if (addr < STACK || addr - STACK > m->len || m->len - (addr - STACK) < len)
		return dp_error_addr(DP_ERR_FAULT, addr, "unmapped");
	memcpy(buf, m->p + (addr - STACK), len);
	return NULL;
}

static bool find(void *arg, uint64_t ip, struct dp_orc_entry *ret)
{
	struct mem *m = arg;
	return dp_orc_table_find(m->t, ip, ret);
}

static bool stack_of(void *arg, uint64_t sp, struct dp_stack_info *ret)
{
	struct mem *m = arg;
	if (sp < STACK || sp - STACK >= m->len)
		return false;
	*ret = (struct dp_stack_info){ DP_STACK_TASK, STACK, STACK + m->len };
	return true;
}

// Any register, offset and rule, taken from the ip's bits.
static bool cfi(void *arg, uint64_t ip, struct dp_cfi_row *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (ip & 1)
		return false;
	ret->cfa_reg = (uint8_t)((ip >> 1) % 17);
	ret->cfa_deref = (ip >> 6) & 1;
	ret->cfa_off = (int8_t)(ip >> 8);
	for (int r = 0; r < DP_CFI_NREGS; r++) {
		ret->reg[r].kind = (uint8_t)((ip >> (16 + r % 8 * 2)) & 3);
		ret->reg[r].off = (int8_t)(ip >> (32 + r));
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	size_t n = (size_t)(data[0] | data[1] << 8) % 512;
	enum dp_orc_version ver = (enum dp_orc_version)(data[2] % 3);
	data += 3;
	size -= 3;
	if (size < n * 10 + 32)
		return 0;
	int32_t *rel = malloc(n * 4 + 1);
	if (!rel)
		return 0;
	memcpy(rel, data, n * 4);
	struct dp_orc_table t;
	struct dp_error *err = dp_orc_table_init(&t, 0x1000, rel, data + n * 4,
						 n, ver);
	free(rel);
	if (err) {
		dp_error_destroy(err);
		return 0;
	}
	data += n * 10;
	size -= n * 10;
	uint64_t v[4];
	memcpy(v, data, sizeof(v));
	data += 32;
	size -= 32;
	struct mem m = { data, size, &t };
	struct dp_unwind_ops ops = { rd, find, stack_of,
				     v[3] & 2 ? cfi : NULL };
	struct dp_pt_regs_layout l;
	dp_pt_regs_layout_default(&l);
	struct dp_regs_x86_64 regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = v[0];
	regs.rsp = STACK + v[1] % (size + 16);
	regs.rbp = STACK + v[2] % (size + 16);
	struct dp_stack_trace st;
	err = dp_unwind(&ops, &m, &l, &regs, (unsigned int)v[3] & 1, &st);
	if (err)
		dp_error_destroy(err);
	else
		dp_stack_trace_deinit(&st);
	struct dp_orc_entry e;
	dp_prologue_orc(data, size, 0x4000, 0x4000 + (v[0] % (size + 1)), &e);
	dp_orc_table_deinit(&t);
	return 0;
}

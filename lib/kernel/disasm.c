// SPDX-License-Identifier: MIT
// Disassembly of kernel text as it is in the dump, i.e. after the kernel
// patched it at boot (alternatives, static keys and calls, ftrace NOPs),
// which a disassembler of the vmlinux file does not show.
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/disasm.h>

#define X86_MAX_INSN 15
#define KERNEL_HALF 0xffff800000000000ull	/* x86_64 canonical upper half */

struct dp_disasm {
	struct dp_program *prog;
	csh cs;
	cs_insn *insn;
};

struct dp_error *dp_disasm_create(struct dp_program *prog,
				  struct dp_disasm **ret)
{
	struct dp_disasm *d = calloc(1, sizeof(*d));
	if (!d)
		return &dp_enomem;
	d->prog = prog;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->cs) != CS_ERR_OK) {
		free(d);
		return dp_error_create(DP_ERR_UNSUPPORTED, "capstone has no "
				       "x86_64 disassembler");
	}
	cs_option(d->cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	cs_option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
	d->insn = cs_malloc(d->cs);
	if (!d->insn) {
		cs_close(&d->cs);
		free(d);
		return &dp_enomem;
	}
	*ret = d;
	return NULL;
}

void dp_disasm_destroy(struct dp_disasm *d)
{
	if (!d)
		return;
	cs_free(d->insn, 1);
	cs_close(&d->cs);
	free(d);
}

/* Read up to X86_MAX_INSN bytes; near the end of readable memory, fewer. */
static struct dp_error *read_code(struct dp_program *prog, uint64_t addr,
				  uint8_t *buf, size_t *len)
{
	size_t n = X86_MAX_INSN;
	struct dp_error *err = dp_program_read(prog, addr, buf, n);
	if (!err) {
		*len = n;
		return NULL;
	}
	/* The instruction may end before the next page, which is missing. */
	size_t to_page = 4096 - (addr & 4095);
	if (to_page >= n)
		return err;
	dp_error_destroy(err);
	*len = to_page;
	return dp_program_read(prog, addr, buf, to_page);
}

static bool in_group(const cs_insn *insn, uint8_t group)
{
	for (uint8_t i = 0; i < insn->detail->groups_count; i++)
		if (insn->detail->groups[i] == group)
			return true;
	return false;
}

static void set_target(const cs_insn *insn, struct dp_insn *ret)
{
	const cs_x86 *x = &insn->detail->x86;
	bool branch = in_group(insn, X86_GRP_JUMP) ||
		      in_group(insn, X86_GRP_CALL);

	ret->kind = DP_INSN_NO_TARGET;
	for (uint8_t i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		if (branch && op->type == X86_OP_IMM) {
			ret->kind = DP_INSN_BRANCH;
			ret->target = (uint64_t)op->imm;
		} else if (op->type == X86_OP_IMM &&
			   (uint64_t)op->imm >= KERNEL_HALF) {
			ret->kind = DP_INSN_IMM_ADDR;
			ret->target = (uint64_t)op->imm;
		} else if (op->type == X86_OP_MEM &&
			   op->mem.base == X86_REG_RIP) {
			ret->kind = DP_INSN_RIP_REL;
			ret->target = insn->address + insn->size +
				      (uint64_t)op->mem.disp;
		}
	}
}

struct dp_error *dp_disasm_one(struct dp_disasm *d, uint64_t addr,
			       struct dp_insn *ret)
{
	uint8_t buf[X86_MAX_INSN];
	size_t len = 0;
	struct dp_error *err = read_code(d->prog, addr, buf, &len);
	if (err)
		return err;
	const uint8_t *code = buf;
	uint64_t pc = addr;
	if (!cs_disasm_iter(d->cs, &code, &len, &pc, d->insn))
		return dp_error_addr(DP_ERR_BAD_DATA, addr, "0x%" PRIx64
				     ": bytes %02x %02x %02x %02x are not an "
				     "x86_64 instruction", addr, buf[0],
				     buf[1], buf[2], buf[3]);
	const cs_insn *in = d->insn;
	memset(ret, 0, sizeof(*ret));
	ret->address = addr;
	ret->size = (uint8_t)in->size;
	memcpy(ret->bytes, in->bytes, in->size);
	snprintf(ret->mnemonic, sizeof(ret->mnemonic), "%s", in->mnemonic);
	snprintf(ret->operands, sizeof(ret->operands), "%s", in->op_str);
	set_target(in, ret);
	return NULL;
}

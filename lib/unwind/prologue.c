// SPDX-License-Identifier: MIT
// Prologue analysis: an unwind entry for code that has no ORC entry.
//
// objtool leaves some functions without ORC (on Debian 6.1 the whole of
// __crash_kexec, whose inline crash_setup_regs() it cannot follow), yet
// the panic CPU's registers point exactly there. Like a debugger without
// CFI, decode the function from its start (capstone) and add up the
// stack it allocates before its first branch: pushes, sub/add of rsp.
// The result is marked heuristic.
#include <capstone/capstone.h>
#include <string.h>

#include <dontpanic/unwind.h>

static bool is_rsp(const cs_x86_op *op)
{
	return op->type == X86_OP_REG && op->reg == X86_REG_RSP;
}

// Apply one instruction to the stack depth; false when analysis must stop.
static bool account(const cs_insn *insn, int64_t *depth, int64_t *bp_depth)
{
	const cs_x86 *x = &insn->detail->x86;
	switch (insn->id) {
	case X86_INS_PUSH:
		if (x->op_count == 1 && x->operands[0].type == X86_OP_REG &&
		    x->operands[0].reg == X86_REG_RBP && *bp_depth < 0)
			*bp_depth = *depth;
		*depth += 8;
		return true;
	case X86_INS_POP:
		*depth -= 8;
		return *depth >= 0;
	case X86_INS_SUB:
	case X86_INS_ADD:
		if (x->op_count == 2 && is_rsp(&x->operands[0])) {
			if (x->operands[1].type != X86_OP_IMM)
				return false;
			int64_t imm = x->operands[1].imm;
			*depth += insn->id == X86_INS_SUB ? imm : -imm;
			return *depth >= 0 && *depth < 65536;
		}
		return true;
	case X86_INS_CALL:
		return true;	/* returns with the same depth */
	default:
		break;
	}
	for (uint8_t i = 0; i < insn->detail->groups_count; i++) {
		uint8_t g = insn->detail->groups[i];
		if (g == X86_GRP_JUMP || g == X86_GRP_RET || g == X86_GRP_IRET ||
		    g == X86_GRP_INT)
			return false;
	}
	// Anything else that writes rsp (mov, lea, and) defeats the count.
	return !(x->op_count && is_rsp(&x->operands[0]) &&
		 insn->id != X86_INS_CMP && insn->id != X86_INS_TEST);
}

bool dp_prologue_orc(const uint8_t *code, size_t len, uint64_t start,
		     uint64_t ip, struct dp_orc_entry *ret)
{
	csh h;
	if (ip < start || ip - start > len)
		return false;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return false;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	cs_insn *insn = cs_malloc(h);
	const uint8_t *p = code;
	size_t left = (size_t)(ip - start);
	uint64_t addr = start;
	int64_t depth = 0, bp_depth = -1;
	bool ok = insn != NULL;
	while (ok && left && cs_disasm_iter(h, &p, &left, &addr, insn))
		if (!account(insn, &depth, &bp_depth))
			break;
	if (insn)
		cs_free(insn, 1);
	cs_close(&h);
	if (!ok)
		return false;
	// CFA = sp + depth + 8 (the return address); a pushed rbp sits
	// below the return address at its push depth.
	*ret = (struct dp_orc_entry){ .sp_reg = DP_ORC_REG_SP,
		.sp_offset = (int16_t)(depth + 8), .type = DP_ORC_TYPE_CALL,
		.heuristic = true };
	if (bp_depth >= 0) {
		ret->bp_reg = DP_ORC_REG_PREV_SP;
		ret->bp_offset = (int16_t)(-16 - bp_depth);
	}
	return true;
}

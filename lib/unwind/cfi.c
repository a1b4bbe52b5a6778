// SPDX-License-Identifier: MIT
// DWARF CFI of a matching vmlinux (libdw), as rows the walker applies
// (unwind.c). The Debian 6.1 -dbg vmlinux has .debug_frame (no
// .eh_frame): gcc's CFI for every C function, none for the assembly
// (entry code, exception entries, __switch_to_asm, ret_from_fork), which
// ORC covers. A run-time ip is moved back by the KASLR offset before the
// lookup; the build-id check (lib/debuginfo/dwarf.c) guarantees the text
// is the same.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/unwind.h>

#include "debuginfo/debuginfo-priv.h"

struct dp_cfi {
	Dwarf_CFI *cfi;
	bool own;
	uint64_t kaslr;
};

struct dp_error *dp_cfi_open(struct dp_program *prog, struct dp_cfi **ret)
{
	*ret = NULL;
	struct dp_dwarf *dw = dp_program_dwarf(prog);
	if (!dw)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no matching vmlinux with DWARF given");
	bool own;
	Dwarf_CFI *cfi = dp_dwarf_cfi(dw, &own);
	if (!cfi)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "the vmlinux has no .debug_frame or "
				       ".eh_frame");
	struct dp_cfi *c = calloc(1, sizeof(*c));
	if (!c) {
		if (own)
			dwarf_cfi_end(cfi);
		return &dp_enomem;
	}
	*c = (struct dp_cfi){ cfi, own, dp_program_kaslr_offset(prog) };
	*ret = c;
	return NULL;
}

void dp_cfi_destroy(struct dp_cfi *c)
{
	if (!c)
		return;
	if (c->own)
		dwarf_cfi_end(c->cfi);
	free(c);
}

// A register operand: DW_OP_bregN off or DW_OP_bregx reg off.
static bool breg(const Dwarf_Op *op, uint8_t *reg, int64_t *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*reg = (uint8_t)(op->atom - DW_OP_breg0);
		*off = (int64_t)op->number;
	} else if (op->atom == DW_OP_bregx) {
		if (op->number > 31)
			return false;
		*reg = (uint8_t)op->number;
		*off = (int64_t)op->number2;
	} else {
		return false;
	}
	return *reg < 16;
}

// CFA = reg + off, or *(reg + off).
static bool cfa_rule(Dwarf_Frame *f, struct dp_cfi_row *row)
{
	Dwarf_Op *ops;
	size_t n;
	if (dwarf_frame_cfa(f, &ops, &n) || n == 0 || n > 2 ||
	    !breg(&ops[0], &row->cfa_reg, &row->cfa_off))
		return false;
	row->cfa_deref = n == 2;
	return n == 1 || ops[1].atom == DW_OP_deref;
}

// libdw spells "saved at CFA + N" as DW_OP_call_frame_cfa [+ N], with a
// final DW_OP_stack_value for "the value is CFA + N".
static bool reg_rule(Dwarf_Frame *f, int regno, struct dp_cfi_row *row)
{
	Dwarf_Op mem[3], *ops;
	size_t n;
	if (dwarf_frame_register(f, regno, mem, &ops, &n))
		return false;
	row->reg[regno].off = 0;
	if (n == 0) {
		row->reg[regno].kind = ops ? DP_CFI_UNDEFINED : DP_CFI_SAME;
		return true;
	}
	bool val = ops[n - 1].atom == DW_OP_stack_value;
	if (val)
		n--;
	if (n == 0 || ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	if (n == 2 && ops[1].atom == DW_OP_plus_uconst)
		row->reg[regno].off = (int64_t)ops[1].number;
	else if (n == 3 && ops[1].atom == DW_OP_consts &&
		 ops[2].atom == DW_OP_plus)
		row->reg[regno].off = (int64_t)ops[1].number;
	else if (n != 1)
		return false;
	row->reg[regno].kind = val ? DP_CFI_VAL_CFA : DP_CFI_AT_CFA;
	return true;
}

bool dp_cfi_find(struct dp_cfi *c, uint64_t ip, struct dp_cfi_row *ret)
{
	Dwarf_Frame *f = NULL;
	if (!c || dwarf_cfi_addrframe(c->cfi, ip - c->kaslr, &f))
		return false;
	memset(ret, 0, sizeof(*ret));
	bool ok = dwarf_frame_info(f, NULL, NULL, NULL) == DP_CFI_REG_RA &&
		  cfa_rule(f, ret);
	for (int r = 0; ok && r < DP_CFI_NREGS; r++)
		ok = reg_rule(f, r, ret);
	free(f);
	return ok;
}

/* SPDX-License-Identifier: MIT */
/* x86_64 disassembly of kernel memory read from the dump (capstone). */
#ifndef DONTPANIC_DISASM_H
#define DONTPANIC_DISASM_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/error.h>
#include <dontpanic/program.h>

/** One decoded instruction, AT&T syntax (as gdb and crash print it). */
struct dp_insn {
	uint64_t address;
	uint8_t size;
	uint8_t bytes[16];
	char mnemonic[32];
	char operands[160];
	/** Direct call/jump target, the address a %rip-relative memory
	 *  operand refers to, or an immediate that is a kernel address (the
	 *  sign-extended `mov $sym, %reg`); kind says which. */
	uint64_t target;
	enum {
		DP_INSN_NO_TARGET, DP_INSN_BRANCH, DP_INSN_RIP_REL,
		DP_INSN_IMM_ADDR,
	} kind;
};

struct dp_disasm;

struct dp_error *dp_disasm_create(struct dp_program *prog,
				  struct dp_disasm **ret);
void dp_disasm_destroy(struct dp_disasm *d);

/**
 * Decode the instruction at addr from kernel memory. Bytes that cannot be
 * read (a page not in the dump) give the read error; bytes that are not
 * an instruction give DP_ERR_BAD_DATA naming the address and the bytes.
 */
struct dp_error *dp_disasm_one(struct dp_disasm *d, uint64_t addr,
			       struct dp_insn *ret);

#endif /* DONTPANIC_DISASM_H */

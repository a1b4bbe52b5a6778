/* SPDX-License-Identifier: MIT */
/**
 * @file unwind.h
 * Kernel stack unwinding on x86_64 from ORC tables read out of the dump,
 * with a frame-pointer fallback (FORMATS.md §6.3), and DWARF CFI rows
 * from a matching vmlinux when one is given (cfi.c).
 *
 * The unwinder itself (dp_unwind()) knows memory, ORC entries and stack
 * bounds only through callbacks, so it is tested on synthetic tables.
 * lib/kernel wires it to a dump (dp_kernel_stack_trace() in kernel.h).
 */
#ifndef DONTPANIC_UNWIND_H
#define DONTPANIC_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>
#include <dontpanic/program.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_cfi_row;

/** ORC register numbers (≤ 7.0; asm/orc_types.h). */
enum dp_orc_reg {
	DP_ORC_REG_UNDEFINED = 0,
	DP_ORC_REG_PREV_SP = 1,
	DP_ORC_REG_DX = 2,
	DP_ORC_REG_DI = 3,
	DP_ORC_REG_BP = 4,
	DP_ORC_REG_SP = 5,
	DP_ORC_REG_R10 = 6,
	DP_ORC_REG_R13 = 7,
	DP_ORC_REG_BP_INDIRECT = 8,
	DP_ORC_REG_SP_INDIRECT = 9,
};

/** ORC entry types, normalised to the 6.4+ numbering. */
enum dp_orc_type {
	DP_ORC_TYPE_UNDEFINED = 0,	/**< no unwind info: an error */
	DP_ORC_TYPE_END_OF_STACK = 1,	/**< normal end (entry code) */
	DP_ORC_TYPE_CALL = 2,
	DP_ORC_TYPE_REGS = 3,		/**< CFA is a full pt_regs */
	DP_ORC_TYPE_REGS_PARTIAL = 4,	/**< CFA is an iret frame */
};

/** One decoded ORC entry. */
struct dp_orc_entry {
	int16_t sp_offset;
	int16_t bp_offset;
	uint8_t sp_reg;		/**< enum dp_orc_reg */
	uint8_t bp_reg;
	uint8_t type;		/**< enum dp_orc_type */
	bool signal;		/**< ip is exact (interrupted), not a return */
	bool heuristic;		/**< guessed by prologue analysis */
};

/** Which on-disk orc_entry bit layout a kernel uses. */
enum dp_orc_version {
	DP_ORC_V6_1,	/**< ≤ 6.2: type bits 8-9, end bit 10 */
	DP_ORC_V6_3,	/**< 6.3: type bits 8-9, signal bit 10, end bit 11 */
	DP_ORC_V6_4,	/**< 6.4+: type bits 8-10, signal bit 11 */
};

/** Decode one 6-byte orc_entry. */
void dp_orc_decode(const uint8_t raw[6], enum dp_orc_version ver,
		   struct dp_orc_entry *ret);

/** A sorted ORC table in memory: absolute ips and their entries. */
struct dp_orc_table {
	uint64_t *ip;
	struct dp_orc_entry *entry;
	size_t n;
};

/**
 * Build a table from the raw section contents: ip_rel[i] is the int32 at
 * address ip_base + 4 * i (self-relative), raw the 6-byte entries. Sorts
 * if needed (keeping equal ips in order).
 */
struct dp_error *dp_orc_table_init(struct dp_orc_table *t, uint64_t ip_base,
				   const int32_t *ip_rel,
				   const uint8_t *raw, size_t n,
				   enum dp_orc_version ver);

/** Read a table out of kernel memory (vmlinux or a module's). */
struct dp_error *dp_orc_table_read(struct dp_orc_table *t,
				   struct dp_program *prog, uint64_t ip_addr,
				   uint64_t entry_addr, uint64_t n,
				   enum dp_orc_version ver);

void dp_orc_table_deinit(struct dp_orc_table *t);

/**
 * Find the entry covering ip: the rightmost entry whose ip <= ip. False
 * if ip is below the first entry.
 */
bool dp_orc_table_find(const struct dp_orc_table *t, uint64_t ip,
		       struct dp_orc_entry *ret);

/** CFI of a matching vmlinux (libdw; cfi.c). */
struct dp_cfi;

/**
 * Open the CFI (.debug_frame, else .eh_frame) of the vmlinux given with
 * the program, if it matches the dump. DP_ERR_NOT_FOUND when there is
 * no matching vmlinux or it has no CFI.
 */
struct dp_error *dp_cfi_open(struct dp_program *prog, struct dp_cfi **ret);
void dp_cfi_destroy(struct dp_cfi *c);

/**
 * The row for a run-time ip (KASLR is undone inside). False when the
 * vmlinux has no CFI there or the rule is not one dp_cfi_row can hold.
 */
bool dp_cfi_find(struct dp_cfi *c, uint64_t ip, struct dp_cfi_row *ret);

/**
 * Guess an entry for ip from its function's code (code = bytes from the
 * function start `start`, len >= ip - start): the stack the prologue
 * allocates before the first branch. False if the code cannot be decoded.
 */
bool dp_prologue_orc(const uint8_t *code, size_t len, uint64_t start,
		     uint64_t ip, struct dp_orc_entry *ret);

/** Byte offsets inside struct pt_regs, in dp_regs_x86_64 order. */
struct dp_pt_regs_layout {
	uint32_t off[21];	/**< r15 ... ss */
	uint32_t size;		/**< sizeof(struct pt_regs) */
};

/** Fill a layout from BTF (struct pt_regs members). */
struct dp_error *dp_pt_regs_layout_btf(struct dp_program *prog,
				       struct dp_pt_regs_layout *ret);

/** The classic layout (21 × 8 bytes), used by tests and as a check. */
void dp_pt_regs_layout_default(struct dp_pt_regs_layout *ret);

/** Kinds of kernel stacks. */
enum dp_stack_kind {
	DP_STACK_UNKNOWN = 0,
	DP_STACK_TASK,
	DP_STACK_IRQ,
	DP_STACK_NMI,
	DP_STACK_DF,
	DP_STACK_DB,
	DP_STACK_MCE,
	DP_STACK_VC,
	DP_STACK_ENTRY,
	DP_STACK_NKINDS,
};

/** Name of a stack kind as crash prints it ("IRQ", "NMI exception"). */
const char *dp_stack_kind_name(enum dp_stack_kind kind);

/** Bounds of one stack. */
struct dp_stack_info {
	enum dp_stack_kind kind;
	uint64_t begin, end;	/**< [begin, end) */
};

/** How the caller's value of one register is found (DWARF CFI rule). */
enum dp_cfi_rule_kind {
	DP_CFI_UNDEFINED = 0,	/**< clobbered: unknown in the caller */
	DP_CFI_SAME,		/**< unchanged by this frame */
	DP_CFI_AT_CFA,		/**< saved at CFA + off */
	DP_CFI_VAL_CFA,		/**< the value is CFA + off */
};

/** DWARF register numbers of x86_64 (0 rax ... 16 return address). */
#define DP_CFI_NREGS 17
#define DP_CFI_REG_RA 16

/**
 * One row of a CFI table, reduced to what kernel code uses: CFA =
 * reg + off, or *(reg + off) (stack realignment through a DRAP
 * register), and per register one of the rules above.
 */
struct dp_cfi_row {
	uint8_t cfa_reg;	/**< DWARF register number (0-15) */
	bool cfa_deref;
	int64_t cfa_off;
	struct {
		uint8_t kind;	/**< enum dp_cfi_rule_kind */
		int64_t off;
	} reg[DP_CFI_NREGS];
};

/** Callbacks of the unwinder. */
struct dp_unwind_ops {
	/** Read kernel memory. */
	struct dp_error *(*read)(void *arg, uint64_t addr, void *buf,
				 size_t len);
	/** ORC entry for ip; false when no table covers it. */
	bool (*find_orc)(void *arg, uint64_t ip, struct dp_orc_entry *ret);
	/** Which stack holds sp; false if none known (may be NULL). */
	bool (*stack_of)(void *arg, uint64_t sp, struct dp_stack_info *ret);
	/**
	 * CFI row for ip (ip - 1 already applied for return addresses);
	 * false when no CFI covers it (may be NULL). Tried before ORC;
	 * a row the walker cannot apply falls back to ORC for that frame.
	 */
	bool (*find_cfi)(void *arg, uint64_t ip, struct dp_cfi_row *ret);
};

/** Which provider unwound a frame (found its caller). */
enum dp_unwinder {
	DP_UNWINDER_ORC = 0,	/**< the kernel's ORC table */
	DP_UNWINDER_CFI,	/**< DWARF CFI of the vmlinux */
	DP_UNWINDER_PROLOGUE,	/**< prologue analysis (heuristic) */
	DP_UNWINDER_FP,		/**< frame pointers (fallback) */
};

/** "orc", "cfi", "prologue", "fp". */
const char *dp_unwinder_name(enum dp_unwinder u);

/** One frame. */
struct dp_frame {
	uint64_t ip;		/**< pc: register ip or a return address */
	uint64_t sp;		/**< stack slot that held ip (frame 0: sp) */
	uint64_t cfa;		/**< the caller's sp (0 at the last frame) */
	bool exact;		/**< ip was interrupted, not a return address */
	bool fp_fallback;	/**< found by frame pointers: unreliable */
	bool heuristic;		/**< found by prologue analysis: unreliable */
	bool has_regs;		/**< regs: an exception frame at this frame */
	bool regs_partial;	/**< only ip, cs, flags, sp, ss are valid */
	bool user_regs;		/**< regs are user mode: the stack ends */
	struct dp_regs_x86_64 regs;
	enum dp_stack_kind stack; /**< stack of sp */
	enum dp_unwinder unwinder; /**< how this frame's caller was found */
};

/** A stack trace. */
struct dp_stack_trace {
	struct dp_frame *frames;
	size_t n;
	/** Why the walk stopped early (NULL at a normal end); owned. */
	char *error;
};

/** Free a trace's contents. */
void dp_stack_trace_deinit(struct dp_stack_trace *st);

/** Bound on frames per trace. */
#define DP_UNWIND_MAX_FRAMES 256

/** dp_unwind() flag: regs->rip is a return address (a switched-out
 *  task's inactive_task_frame), not an interrupted instruction. */
#define DP_UNWIND_RETURN_IP 1u

/**
 * Unwind from a register set. Problems that stop the walk (unreadable
 * stack, no ORC, wrong direction) are recorded in ret->error; only
 * allocation failures return an error.
 */
struct dp_error *dp_unwind(const struct dp_unwind_ops *ops, void *arg,
			   const struct dp_pt_regs_layout *layout,
			   const struct dp_regs_x86_64 *regs,
			   unsigned int flags, struct dp_stack_trace *ret);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_UNWIND_H */

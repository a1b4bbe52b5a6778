// SPDX-License-Identifier: MIT
// The ORC stack walker (x86_64). Semantics follow the kernel's
// arch/x86/kernel/unwind_orc.c (6.1) as summarised in FORMATS.md §6.3:
// look up the entry for ip (ip - 1 for return addresses), compute the
// CFA from sp_reg, then CALL / REGS / REGS_PARTIAL give the caller's
// ip and sp, and bp_reg the caller's bp. When the caller supplies DWARF
// CFI (find_cfi), a frame with a CFI row is unwound by it instead: CFA
// from a register, callee-saved registers from the stack; a frame
// without a usable row falls back to ORC.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/unwind.h>

/* dp_regs_x86_64 indexes (pt_regs order). */
enum {
	R_R15, R_R14, R_R13, R_R12, R_BP, R_BX, R_R11, R_R10, R_R9, R_R8,
	R_AX, R_CX, R_DX, R_SI, R_DI, R_ORIG_AX, R_IP, R_CS, R_FLAGS, R_SP,
	R_SS, R_NREGS,
};

#define BIT(i) (1u << (i))
#define ALL_REGS (BIT(R_NREGS) - 1)
/* What is known after an ORC call frame: the caller's ip, sp and bp. */
#define CALL_REGS (BIT(R_IP) | BIT(R_SP) | BIT(R_BP))

static uint64_t *reg(struct dp_regs_x86_64 *r, int i)
{
	return (uint64_t *)r + i;
}

/* DWARF register number (x86_64 psABI) -> dp_regs_x86_64 index. */
static const int8_t dwarf_reg[DP_CFI_NREGS] = {
	R_AX, R_DX, R_CX, R_BX, R_SI, R_DI, R_BP, R_SP,
	R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15, R_IP,
};

const char *dp_unwinder_name(enum dp_unwinder u)
{
	static const char *const names[] = {
		"orc", "cfi", "prologue", "fp",
	};
	return (size_t)u < sizeof(names) / sizeof(names[0]) ? names[u] : "?";
}

void dp_pt_regs_layout_default(struct dp_pt_regs_layout *ret)
{
	for (int i = 0; i < R_NREGS; i++)
		ret->off[i] = 8 * i;
	ret->size = 8 * R_NREGS;
}

const char *dp_stack_kind_name(enum dp_stack_kind kind)
{
	static const char *const names[DP_STACK_NKINDS] = {
		"unknown", "task", "IRQ", "NMI exception",
		"DOUBLEFAULT exception", "DEBUG exception", "MCE exception",
		"VC exception", "ENTRY TRAMPOLINE",
	};
	return kind < DP_STACK_NKINDS ? names[kind] : "unknown";
}

void dp_stack_trace_deinit(struct dp_stack_trace *st)
{
	free(st->frames);
	free(st->error);
	memset(st, 0, sizeof(*st));
}

struct state {
	const struct dp_unwind_ops *ops;
	void *arg;
	const struct dp_pt_regs_layout *layout;
	struct dp_stack_trace *st;
	struct dp_regs_x86_64 regs;	/* registers at this frame */
	uint32_t valid;			/* BIT(i): regs index i is known */
	bool exact;
	bool fallback;
	unsigned int stacks_seen;	/* bit per dp_stack_kind left */
	struct dp_stack_info stack;	/* stack of the current sp */
	bool stack_known;
};

__attribute__((format(printf, 2, 3)))
static void stop(struct state *s, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(s->st->error);
	s->st->error = msg ? msg : strdup("unwind stopped");
}

// One little-endian u64 of the stack (or wherever ops->read looks).
static struct dp_error *load_u64(struct state *s, uint64_t addr,
				 uint64_t *ret)
{
	uint8_t b[8];
	struct dp_error *err = s->ops->read(s->arg, addr, b, 8);
	if (err)
		return err;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	*ret = v;
	return NULL;
}

static bool read_u64(struct state *s, uint64_t addr, uint64_t *ret,
		     const char *what)
{
	struct dp_error *err = load_u64(s, addr, ret);
	if (err) {
		stop(s, "cannot read %s at 0x%llx: %s", what,
		     (unsigned long long)addr, err->message);
		dp_error_destroy(err);
		return false;
	}
	return true;
}

// Like read_u64, but a failure only makes CFI give way to ORC.
static bool peek_u64(struct state *s, uint64_t addr, uint64_t *ret)
{
	struct dp_error *err = load_u64(s, addr, ret);
	bool ok = !err;
	dp_error_destroy(err);
	return ok;
}

static struct dp_frame *push_frame(struct state *s)
{
	struct dp_stack_trace *st = s->st;
	if (st->n % 16 == 0) {
		struct dp_frame *f = realloc(st->frames,
					     (st->n + 16) * sizeof(*f));
		if (!f)
			return NULL;
		st->frames = f;
	}
	struct dp_frame *f = &st->frames[st->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

// Read a pt_regs (full) or its iret tail (partial) at addr into r.
static bool read_pt_regs(struct state *s, uint64_t addr, bool partial,
			 struct dp_regs_x86_64 *r)
{
	uint8_t buf[4096];
	const struct dp_pt_regs_layout *l = s->layout;
	struct dp_error *err = s->ops->read(s->arg, addr, buf, l->size);
	if (err) {
		stop(s, "cannot read %s at 0x%llx: %s",
		     partial ? "iret frame" : "pt_regs",
		     (unsigned long long)addr, err->message);
		dp_error_destroy(err);
		return false;
	}
	for (int i = 0; i < R_NREGS; i++) {
		if (partial && i < R_IP)
			continue;
		uint64_t v;
		memcpy(&v, buf + l->off[i], 8);
		*reg(r, i) = v;
	}
	return true;
}

static void classify(struct state *s, uint64_t sp, struct dp_stack_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!s->ops->stack_of || !s->ops->stack_of(s->arg, sp, ret))
		ret->kind = DP_STACK_UNKNOWN;
}

static bool cfa_of(struct state *s, const struct dp_orc_entry *e,
		   uint64_t *cfa)
{
	uint64_t sp = s->regs.rsp, bp = s->regs.rbp, v;
	switch (e->sp_reg) {
	case DP_ORC_REG_SP:
		*cfa = sp + e->sp_offset;
		return true;
	case DP_ORC_REG_BP:
		*cfa = bp + e->sp_offset;
		return true;
	case DP_ORC_REG_SP_INDIRECT:
		// 5.12+: CFA = *(sp) + offset (the irq stack switch).
		if (!read_u64(s, sp, &v, "indirect sp"))
			return false;
		*cfa = v + e->sp_offset;
		return true;
	case DP_ORC_REG_BP_INDIRECT:
		if (!read_u64(s, bp + e->sp_offset, &v, "indirect bp"))
			return false;
		*cfa = v;
		return true;
	case DP_ORC_REG_R10: case DP_ORC_REG_R13:
	case DP_ORC_REG_DI: case DP_ORC_REG_DX:
		if (!(s->valid & BIT(e->sp_reg == DP_ORC_REG_R10 ? R_R10 :
				       e->sp_reg == DP_ORC_REG_R13 ? R_R13 :
				       e->sp_reg == DP_ORC_REG_DI ? R_DI : R_DX))) {
			stop(s, "ORC needs register %u at 0x%llx, which is "
			     "not saved", e->sp_reg,
			     (unsigned long long)s->regs.rip);
			return false;
		}
		*cfa = e->sp_reg == DP_ORC_REG_R10 ? s->regs.r10 :
		       e->sp_reg == DP_ORC_REG_R13 ? s->regs.r13 :
		       e->sp_reg == DP_ORC_REG_DI ? s->regs.rdi : s->regs.rdx;
		return true;
	default:
		stop(s, "unknown ORC sp_reg %u at 0x%llx", e->sp_reg,
		     (unsigned long long)s->regs.rip);
		return false;
	}
}

// The entry for the current ip, or the frame-pointer fallback.
static void entry_for(struct state *s, struct dp_orc_entry *e)
{
	uint64_t ip = s->regs.rip;
	s->fallback = false;
	if (ip == 0) {
		// A call through a NULL function pointer: the return address
		// is on top of the stack.
		*e = (struct dp_orc_entry){ .sp_reg = DP_ORC_REG_SP,
			.sp_offset = 8, .type = DP_ORC_TYPE_CALL };
		return;
	}
	if (s->ops->find_orc(s->arg, s->exact ? ip : ip - 1, e))
		return;
	*e = (struct dp_orc_entry){ .sp_reg = DP_ORC_REG_BP, .sp_offset = 16,
		.bp_reg = DP_ORC_REG_PREV_SP, .bp_offset = -16,
		.type = DP_ORC_TYPE_CALL };
	s->fallback = true;
}

// Move to the caller's registers after direction and stack checks: on
// the same stack sp must grow; a new stack may be entered once per kind.
// With quiet set, a failed check only returns false (CFI gives way).
static bool advance(struct state *s, const struct dp_regs_x86_64 *next,
		    uint32_t valid, bool quiet)
{
	uint64_t prev_sp = s->regs.rsp;
	struct dp_stack_info si;
	classify(s, next->rsp, &si);
	bool same = si.kind == s->stack.kind &&
		    (si.kind == DP_STACK_UNKNOWN || si.begin == s->stack.begin);
	bool revisit = !same && si.kind != DP_STACK_UNKNOWN &&
		       (s->stacks_seen & (1u << si.kind));
	if (quiet && ((same && next->rsp <= prev_sp) || revisit))
		return false;
	if (same && next->rsp <= prev_sp) {
		stop(s, "stack goes the wrong way at 0x%llx (sp 0x%llx -> "
		     "0x%llx)", (unsigned long long)s->regs.rip,
		     (unsigned long long)prev_sp,
		     (unsigned long long)next->rsp);
		return false;
	}
	if (!same && si.kind != DP_STACK_UNKNOWN) {
		if (revisit) {
			stop(s, "stack %s revisited at sp 0x%llx",
			     dp_stack_kind_name(si.kind),
			     (unsigned long long)next->rsp);
			return false;
		}
		s->stacks_seen |= 1u << si.kind;
	}
	s->stack = si;
	s->regs = *next;
	s->valid = valid;
	return true;
}

// One step with a CFI row. False when the row cannot be applied here
// (a register it needs is unknown, a slot unreadable): ORC decides.
static bool cfi_caller(struct state *s, const struct dp_cfi_row *row,
		       struct dp_regs_x86_64 *next, uint32_t *valid,
		       uint64_t *cfa_ret)
{
	uint64_t cfa;
	if (row->cfa_reg >= 16)
		return false;
	int cr = dwarf_reg[row->cfa_reg];
	if (!(s->valid & BIT(cr)))
		return false;
	cfa = *reg(&s->regs, cr) + (uint64_t)row->cfa_off;
	if (row->cfa_deref && !peek_u64(s, cfa, &cfa))
		return false;
	*next = s->regs;
	*valid = s->valid & (BIT(R_CS) | BIT(R_SS));
	for (int d = 0; d < DP_CFI_NREGS; d++) {
		int i = dwarf_reg[d];
		uint64_t v, at = cfa + (uint64_t)row->reg[d].off;
		switch (row->reg[d].kind) {
		case DP_CFI_SAME:
			*valid |= s->valid & BIT(i);
			continue;
		case DP_CFI_AT_CFA:
			if (!peek_u64(s, at, &v))
				return false;
			break;
		case DP_CFI_VAL_CFA:
			v = at;
			break;
		default:
			continue;
		}
		*reg(next, i) = v;
		*valid |= BIT(i);
	}
	// The return address and the caller's sp must be known.
	if ((*valid & (BIT(R_IP) | BIT(R_SP))) != (BIT(R_IP) | BIT(R_SP)))
		return false;
	*cfa_ret = cfa;
	return true;
}

// True when CFI unwound f (a CFI caller always continues the walk).
static bool step_cfi(struct state *s, struct dp_frame *f)
{
	struct dp_cfi_row row;
	struct dp_regs_x86_64 next;
	uint32_t valid;
	uint64_t cfa;
	if (!s->ops->find_cfi || s->regs.rip == 0 ||
	    !s->ops->find_cfi(s->arg, s->exact ? s->regs.rip :
			      s->regs.rip - 1, &row) ||
	    !cfi_caller(s, &row, &next, &valid, &cfa))
		return false;
	if (!advance(s, &next, valid, true))
		return false;
	f->unwinder = DP_UNWINDER_CFI;
	f->cfa = cfa;
	s->exact = false;
	return true;
}

// Step from the frame just pushed (f) to its caller with ORC (or its
// fallbacks). False to stop.
static bool step_orc(struct state *s, struct dp_frame *f)
{
	struct dp_orc_entry e;
	entry_for(s, &e);
	f->fp_fallback = s->fallback;
	f->heuristic = e.heuristic;
	f->unwinder = s->fallback ? DP_UNWINDER_FP :
		      e.heuristic ? DP_UNWINDER_PROLOGUE : DP_UNWINDER_ORC;
	if (e.type == DP_ORC_TYPE_END_OF_STACK)
		return false;
	if (e.type == DP_ORC_TYPE_UNDEFINED) {
		stop(s, "no unwind information at 0x%llx",
		     (unsigned long long)s->regs.rip);
		return false;
	}
	uint64_t cfa, prev_bp = s->regs.rbp;
	if (!cfa_of(s, &e, &cfa))
		return false;
	f->cfa = cfa;
	struct dp_regs_x86_64 next = s->regs;
	uint32_t valid = CALL_REGS;
	switch (e.type) {
	case DP_ORC_TYPE_CALL:
		if (!read_u64(s, cfa - 8, &next.rip, "return address"))
			return false;
		next.rsp = cfa;
		s->exact = false;
		break;
	case DP_ORC_TYPE_REGS:
		if (!read_pt_regs(s, cfa, false, &next))
			return false;
		f->has_regs = true;
		valid = ALL_REGS;
		s->exact = true;
		break;
	default: /* REGS_PARTIAL: an iret frame at CFA */
		if (!read_pt_regs(s, cfa - s->layout->off[R_IP], true, &next))
			return false;
		f->has_regs = true;
		f->regs_partial = true;
		s->exact = true;
		break;
	}
	if (f->has_regs) {
		f->regs = next;
		f->user_regs = (next.cs & 3) != 0;
		if (f->user_regs)
			return false;
	}
	// The caller's bp.
	switch (e.bp_reg) {
	case DP_ORC_REG_UNDEFINED:
		if (valid != ALL_REGS)
			next.rbp = prev_bp;
		break;
	case DP_ORC_REG_PREV_SP:
		if (!read_u64(s, cfa + e.bp_offset, &next.rbp, "saved bp"))
			return false;
		break;
	case DP_ORC_REG_BP:
		if (!read_u64(s, prev_bp + e.bp_offset, &next.rbp, "saved bp"))
			return false;
		break;
	default:
		stop(s, "unknown ORC bp_reg %u at 0x%llx", e.bp_reg,
		     (unsigned long long)s->regs.rip);
		return false;
	}
	return advance(s, &next, valid, false);
}

// ORC marks what gcc's CFI cannot describe: an inline-asm stack switch
// (call_on_irqstack(): SP_INDIRECT), pt_regs and iret frames, entry code
// with the CFA in another register. There ORC unwinds even when the
// function has CFI.
static bool orc_special(struct state *s)
{
	struct dp_orc_entry e;
	uint64_t ip = s->regs.rip;
	if (!s->ops->find_orc(s->arg, s->exact ? ip : ip - 1, &e))
		return false;
	return e.type != DP_ORC_TYPE_CALL ||
	       (e.sp_reg != DP_ORC_REG_SP && e.sp_reg != DP_ORC_REG_BP);
}

// Step from the frame just pushed (f) to its caller. False to stop.
static bool step(struct state *s, struct dp_frame *f)
{
	if (s->ops->find_cfi && !orc_special(s) && step_cfi(s, f))
		return true;
	return step_orc(s, f);
}

struct dp_error *dp_unwind(const struct dp_unwind_ops *ops, void *arg,
			   const struct dp_pt_regs_layout *layout,
			   const struct dp_regs_x86_64 *regs,
			   unsigned int flags, struct dp_stack_trace *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct state s = {
		.ops = ops, .arg = arg, .layout = layout, .st = ret,
		.regs = *regs,
		// A switched-out frame gives ip, sp and bp only.
		.valid = flags & DP_UNWIND_RETURN_IP ?
			 CALL_REGS | BIT(R_CS) : ALL_REGS,
		.exact = !(flags & DP_UNWIND_RETURN_IP),
	};
	classify(&s, regs->rsp, &s.stack);
	s.stacks_seen = 1u << s.stack.kind;
	// A return address was read from just below sp.
	uint64_t slot = s.exact ? regs->rsp : regs->rsp - 8;
	for (;;) {
		if (ret->n >= DP_UNWIND_MAX_FRAMES) {
			stop(&s, "more than %d frames",
			     DP_UNWIND_MAX_FRAMES);
			break;
		}
		struct dp_frame *f = push_frame(&s);
		if (!f) {
			dp_stack_trace_deinit(ret);
			return &dp_enomem;
		}
		f->ip = s.regs.rip;
		f->sp = slot;
		f->exact = s.exact;
		f->stack = s.stack.kind;
		if (!step(&s, f))
			break;
		// A return address sits just below the CFA; an interrupted
		// ip has no slot, show the interrupted sp.
		slot = s.exact ? s.regs.rsp : f->cfa - 8;
	}
	return NULL;
}

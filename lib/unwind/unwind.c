// SPDX-License-Identifier: MIT
// The ORC stack walker (x86_64). Semantics follow the kernel's
// arch/x86/kernel/unwind_orc.c (6.1) as summarised in FORMATS.md §6.3:
// look up the entry for ip (ip - 1 for return addresses), compute the
// CFA from sp_reg, then CALL / REGS / REGS_PARTIAL give the caller's
// ip and sp, and bp_reg the caller's bp.
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

static uint64_t *reg(struct dp_regs_x86_64 *r, int i)
{
	return (uint64_t *)r + i;
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
	struct dp_regs_x86_64 regs;	/* registers known at this frame */
	bool regs_known;		/* all of regs valid (not just ip/sp/bp) */
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

static bool read_u64(struct state *s, uint64_t addr, uint64_t *ret,
		     const char *what)
{
	uint8_t b[8];
	struct dp_error *err = s->ops->read(s->arg, addr, b, 8);
	if (err) {
		stop(s, "cannot read %s at 0x%llx: %s", what,
		     (unsigned long long)addr, err->message);
		dp_error_destroy(err);
		return false;
	}
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	*ret = v;
	return true;
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
		if (!s->regs_known) {
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

// Step from the frame just pushed (f) to its caller. False to stop.
static bool step(struct state *s, struct dp_frame *f)
{
	struct dp_orc_entry e;
	entry_for(s, &e);
	f->fp_fallback = s->fallback;
	f->heuristic = e.heuristic;
	if (e.type == DP_ORC_TYPE_END_OF_STACK)
		return false;
	if (e.type == DP_ORC_TYPE_UNDEFINED) {
		stop(s, "no unwind information at 0x%llx",
		     (unsigned long long)s->regs.rip);
		return false;
	}
	uint64_t cfa, prev_sp = s->regs.rsp, prev_bp = s->regs.rbp;
	if (!cfa_of(s, &e, &cfa))
		return false;
	f->cfa = cfa;
	struct dp_regs_x86_64 next = s->regs;
	bool known = false;
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
		known = true;
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
		if (!known)
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
	// Direction and stack checks: on the same stack sp must grow; a
	// new stack may be entered once per kind.
	struct dp_stack_info si;
	classify(s, next.rsp, &si);
	bool same = si.kind == s->stack.kind &&
		    (si.kind == DP_STACK_UNKNOWN || si.begin == s->stack.begin);
	if (same && next.rsp <= prev_sp) {
		stop(s, "stack goes the wrong way at 0x%llx (sp 0x%llx -> "
		     "0x%llx)", (unsigned long long)s->regs.rip,
		     (unsigned long long)prev_sp,
		     (unsigned long long)next.rsp);
		return false;
	}
	if (!same && si.kind != DP_STACK_UNKNOWN) {
		if (s->stacks_seen & (1u << si.kind)) {
			stop(s, "stack %s revisited at sp 0x%llx",
			     dp_stack_kind_name(si.kind),
			     (unsigned long long)next.rsp);
			return false;
		}
		s->stacks_seen |= 1u << si.kind;
	}
	s->stack = si;
	s->regs = next;
	s->regs_known = known;
	return true;
}

struct dp_error *dp_unwind(const struct dp_unwind_ops *ops, void *arg,
			   const struct dp_pt_regs_layout *layout,
			   const struct dp_regs_x86_64 *regs,
			   unsigned int flags, struct dp_stack_trace *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct state s = {
		.ops = ops, .arg = arg, .layout = layout, .st = ret,
		.regs = *regs, .regs_known = true,
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

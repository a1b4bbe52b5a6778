// SPDX-License-Identifier: MIT
// Kernel stack traces: wires the ORC unwinder (lib/unwind) to the dump:
// vmlinux and module ORC tables, the vmlinux's DWARF CFI when a matching
// vmlinux was given, task / IRQ / exception stack bounds,
// and the start state of running and switched-out tasks. FORMATS.md
// §6.3, §7.1-7.3.
#include <stdlib.h>
#include <string.h>

#include <dontpanic/types.h>

#include "kernel-internal.h"

static uint64_t sym_or_zero(struct dp_kernel *k, const char *name)
{
	uint64_t v;
	struct dp_error *err = dp_program_symbol_address(k->prog, name, &v);
	if (err) {
		dp_error_destroy(err);
		return 0;
	}
	return v;
}

// Bit layout of orc_entry (FORMATS.md §6.3): BTF describes struct
// orc_entry (arch/x86/include/asm/orc_types.h) with its bitfields: a
// 3-bit `type` is 6.4+, an `end` bit at bit 10 of the flags word (bit 42
// of the entry) is <= 6.2, at bit 11 (after `signal`) 6.3. Without that
// type in BTF: .orc_header (6.4+, commit b9f174c811e3), else the release
// string is the last resort (6.3 has no other marker).
static bool orc_version_btf(struct dp_kernel *k, enum dp_orc_version *ret)
{
	struct dp_types *types;
	struct dp_type st;
	struct dp_member type, end;
	struct dp_error *err = dp_program_types(k->prog, &types);
	if (!err)
		err = dp_types_find(types, "struct orc_entry", &st);
	if (!err)
		err = dp_type_find_member(st, "type", &type);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	if (type.bit_size == 3) {
		*ret = DP_ORC_V6_4;
		return true;
	}
	if ((err = dp_type_find_member(st, "end", &end))) {
		dp_error_destroy(err);
		return false;
	}
	if (type.bit_size != 2 || (end.bit_offset != 42 && end.bit_offset != 43))
		return false;
	*ret = end.bit_offset == 42 ? DP_ORC_V6_1 : DP_ORC_V6_3;
	return true;
}

static enum dp_orc_version orc_version(struct dp_kernel *k)
{
	enum dp_orc_version v;
	if (orc_version_btf(k, &v))
		return v;
	if (sym_or_zero(k, "__start_orc_header"))
		return DP_ORC_V6_4;
	const char *rel = dp_dump_vmcoreinfo_get(dp_program_dump(k->prog),
						 "OSRELEASE");
	if (rel && strncmp(rel, "6.3.", 4) == 0)
		return DP_ORC_V6_3;
	return DP_ORC_V6_1;
}

static struct dp_error *load_vmlinux_orc(struct dp_kernel *k)
{
	uint64_t ip = sym_or_zero(k, "__start_orc_unwind_ip");
	uint64_t ip_end = sym_or_zero(k, "__stop_orc_unwind_ip");
	uint64_t orc = sym_or_zero(k, "__start_orc_unwind");
	uint64_t orc_end = sym_or_zero(k, "__stop_orc_unwind");
	if (!ip || !orc || ip_end < ip || (ip_end - ip) % 4)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no ORC tables in the kernel symbols");
	uint64_t n = (ip_end - ip) / 4;
	if (orc_end && orc_end - orc != 6 * n)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "ORC tables disagree: %llu ips, %llu "
				       "bytes of entries",
				       (unsigned long long)n,
				       (unsigned long long)(orc_end - orc));
	return dp_orc_table_read(&k->vmlinux_orc, k->prog, ip, orc, n,
				 k->orc_version);
}

static void load_cpu_stacks(struct dp_kernel *k);

static struct dp_error *load_unwind_once(struct dp_kernel *k)
{
	struct dp_error *err;
	unsigned int ncpus;
	if ((err = dp_kernel_nr_cpus(k, &ncpus)))
		return err;
	k->orc_version = orc_version(k);
	if ((err = load_vmlinux_orc(k)))
		return dp_error_prefix(err, "vmlinux ORC");
	k->text_begin = sym_or_zero(k, "_stext");
	k->text_end = sym_or_zero(k, "_etext");
	k->inittext_begin = sym_or_zero(k, "_sinittext");
	k->inittext_end = sym_or_zero(k, "_einittext");
	if ((err = dp_pt_regs_layout_btf(k->prog, &k->pt_regs)))
		return err;
	if ((err = dp_program_type_size(k->prog, "inactive_task_frame",
					&k->itf_size)) ||
	    (err = dp_kernel_member(k, "inactive_task_frame", "bp",
				    &k->itf_bp)) ||
	    (err = dp_kernel_member(k, "inactive_task_frame", "ret_addr",
				    &k->itf_ret)))
		return err;
	k->ret_from_fork = sym_or_zero(k, "ret_from_fork");
	// THREAD_SIZE: init_stack spans exactly one (INIT_TASK_DATA in
	// include/asm-generic/vmlinux.lds.h); 16 KiB otherwise (x86_64
	// without KASAN).
	uint64_t a = sym_or_zero(k, "__start_init_task");
	uint64_t b = sym_or_zero(k, "__end_init_task");
	k->thread_size = a && b > a && b - a <= (1u << 20) ? b - a : 16384;
	size_t nmod;
	const struct dp_module *mods;
	if ((err = dp_kernel_modules(k, &mods, &nmod)))
		return err;
	k->module_orc = calloc(nmod + 1, sizeof(*k->module_orc));
	k->module_orc_tried = calloc(nmod + 1, sizeof(*k->module_orc_tried));
	if (!k->module_orc || !k->module_orc_tried)
		return &dp_enomem;
	load_cpu_stacks(k);
	// Optional: without a matching vmlinux, ORC does everything.
	dp_error_destroy(dp_cfi_open(k->prog, &k->cfi));
	return NULL;
}

// A failed load is undone so that the next caller (bt -a asks once per
// CPU) starts clean instead of leaking the tables read before the failure
// (found by tests/vm/mutate.py under LeakSanitizer).
static struct dp_error *load_unwind(struct dp_kernel *k)
{
	if (k->unwind_loaded)
		return NULL;
	struct dp_error *err = load_unwind_once(k);
	if (err)
		dp_kernel_unwind_free(k);
	else
		k->unwind_loaded = true;
	return err;
}

void dp_kernel_unwind_free(struct dp_kernel *k)
{
	dp_orc_table_deinit(&k->vmlinux_orc);
	for (size_t i = 0; k->module_orc && i < k->nmodules; i++)
		dp_orc_table_deinit(&k->module_orc[i]);
	free(k->module_orc);
	free(k->module_orc_tried);
	free(k->cpu_stacks);
	dp_cfi_destroy(k->cfi);
	k->cfi = NULL;
	k->module_orc = NULL;
	k->module_orc_tried = NULL;
	k->cpu_stacks = NULL;
}

/* ---- stack bounds ---- */

static struct dp_stack_info *cpu_stack(struct dp_kernel *k, unsigned int cpu,
				       enum dp_stack_kind kind)
{
	return &k->cpu_stacks[cpu * DP_STACK_NKINDS + kind];
}

// cea_exception_stacks members, each stack ending at the next guard.
static void load_exception_stacks(struct dp_kernel *k, unsigned int cpu)
{
	static const struct {
		enum dp_stack_kind kind;
		const char *stack, *next[2];
	} ist[] = {
		{ DP_STACK_DF, "DF_stack", { "NMI_stack_guard", NULL } },
		{ DP_STACK_NMI, "NMI_stack", { "DB_stack_guard", NULL } },
		{ DP_STACK_DB, "DB_stack", { "MCE_stack_guard", NULL } },
		{ DP_STACK_MCE, "MCE_stack", { "VC_stack_guard",
					       "IST_top_guard" } },
		{ DP_STACK_VC, "VC_stack", { "VC2_stack_guard", NULL } },
	};
	uint64_t var, base;
	struct dp_error *err = dp_kernel_percpu_symbol(
		k, "cea_exception_stacks", cpu, &var);
	if (!err)
		err = dp_program_read_u64(k->prog, var, &base);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < sizeof(ist) / sizeof(ist[0]); i++) {
		uint64_t b = dp_kernel_member_opt(k, "cea_exception_stacks",
						  ist[i].stack);
		uint64_t e = UINT64_MAX;
		for (int j = 0; j < 2 && ist[i].next[j] && e == UINT64_MAX; j++)
			e = dp_kernel_member_opt(k, "cea_exception_stacks",
						 ist[i].next[j]);
		if (b == UINT64_MAX || e == UINT64_MAX || e <= b)
			continue;
		*cpu_stack(k, cpu, ist[i].kind) = (struct dp_stack_info){
			ist[i].kind, base + b, base + e };
	}
}

// The entry trampoline stack: TSS.sp0 is the top of the CPU's entry
// stack in its cpu_entry_area (cpu_init_exception_handling():
// load_sp0(cpu_entry_stack(cpu) + 1), 6.1); interrupts and exceptions
// from user mode land there before sync_regs() moves to the task stack.
static void load_entry_stack(struct dp_kernel *k, unsigned int cpu)
{
	uint64_t tss = dp_kernel_member_opt(k, "tss_struct", "x86_tss");
	uint64_t sp0 = dp_kernel_member_opt(k, "x86_hw_tss", "sp0");
	uint64_t size, var, top;
	struct dp_error *err = tss == UINT64_MAX || sp0 == UINT64_MAX ?
		dp_error_create(DP_ERR_NOT_FOUND, "no TSS") :
		dp_program_type_size(k->prog, "entry_stack", &size);
	if (!err)
		err = dp_kernel_percpu_symbol(k, "cpu_tss_rw", cpu, &var);
	if (!err)
		err = dp_program_read_u64(k->prog, var + tss + sp0, &top);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	if (size == 0 || size > 65536 || top < size || (top & 0xfff))
		return;
	*cpu_stack(k, cpu, DP_STACK_ENTRY) = (struct dp_stack_info){
		DP_STACK_ENTRY, top - size, top };
}

static void load_cpu_stacks(struct dp_kernel *k)
{
	k->cpu_stacks = calloc((size_t)k->nr_cpus * DP_STACK_NKINDS,
			       sizeof(*k->cpu_stacks));
	if (!k->cpu_stacks)
		return;
	// hardirq_stack_ptr is a per-CPU variable on 6.1 and a member of
	// the per-CPU pcpu_hot on 6.2+ (commit 95b0916118106).
	const char *var_name = "hardirq_stack_ptr";
	uint64_t member = 0, a;
	struct dp_error *e = dp_program_symbol_address(k->prog, var_name, &a);
	if (e) {
		dp_error_destroy(e);
		var_name = "pcpu_hot";
		member = dp_kernel_member_opt(k, "pcpu_hot",
					      "hardirq_stack_ptr");
	}
	for (unsigned int cpu = 0; cpu < k->nr_cpus; cpu++) {
		// It points at the top word of the IRQ stack.
		uint64_t var, top;
		struct dp_error *err = member == UINT64_MAX ?
			dp_error_create(DP_ERR_NOT_FOUND, "no IRQ stack") :
			dp_kernel_percpu_symbol(k, var_name, cpu, &var);
		if (!err)
			err = dp_program_read_u64(k->prog, var + member, &top);
		if (!err && top) {
			if (top & 0xfff)
				top += 8;
			*cpu_stack(k, cpu, DP_STACK_IRQ) =
				(struct dp_stack_info){ DP_STACK_IRQ,
					top - k->thread_size, top };
		}
		dp_error_destroy(err);
		load_exception_stacks(k, cpu);
		load_entry_stack(k, cpu);
	}
}

static bool in(const struct dp_stack_info *s, uint64_t sp)
{
	return s->kind != DP_STACK_UNKNOWN && sp >= s->begin && sp < s->end;
}

/* ---- callbacks ---- */

static struct dp_error *cb_read(void *arg, uint64_t addr, void *buf,
				size_t len)
{
	struct dp_kernel *k = arg;
	return dp_program_read(k->prog, addr, buf, len);
}

static bool cb_stack_of(void *arg, uint64_t sp, struct dp_stack_info *ret)
{
	struct dp_kernel *k = arg;
	if (in(&k->cur_task_stack, sp)) {
		*ret = k->cur_task_stack;
		return true;
	}
	for (size_t i = 0; k->cpu_stacks &&
	     i < (size_t)k->nr_cpus * DP_STACK_NKINDS; i++) {
		if (in(&k->cpu_stacks[i], sp)) {
			*ret = k->cpu_stacks[i];
			return true;
		}
	}
	return false;
}

// No usable ORC entry: guess from the function's prologue (prologue.c).
static bool guess_entry(struct dp_kernel *k, uint64_t ip,
			struct dp_orc_entry *ret)
{
	struct dp_symbol sym;
	uint64_t off;
	uint8_t code[4096];
	struct dp_error *err = dp_program_symbolize(k->prog, ip, &sym, &off);
	if (!err && (off == 0 || off > sizeof(code)))
		err = dp_error_create(DP_ERR_NOT_FOUND, "too far");
	if (!err)
		err = dp_program_read(k->prog, sym.address, code, off);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	return dp_prologue_orc(code, off, sym.address, ip, ret);
}

static bool find_table(struct dp_kernel *k, uint64_t ip,
		       struct dp_orc_entry *ret);

static bool cb_find_orc(void *arg, uint64_t ip, struct dp_orc_entry *ret)
{
	struct dp_kernel *k = arg;
	if (find_table(k, ip, ret) && ret->type != DP_ORC_TYPE_UNDEFINED)
		return true;
	if (guess_entry(k, ip, ret))
		return true;
	return ret->type == DP_ORC_TYPE_UNDEFINED;
}

static bool find_table(struct dp_kernel *k, uint64_t ip,
		       struct dp_orc_entry *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->type = DP_ORC_TYPE_CALL;
	if ((ip >= k->text_begin && ip < k->text_end) ||
	    (ip >= k->inittext_begin && ip < k->inittext_end))
		return dp_orc_table_find(&k->vmlinux_orc, ip, ret);
	const struct dp_module *m = dp_kernel_module_by_addr(k, ip);
	if (!m)
		return false;
	size_t i = (size_t)(m - k->modules);
	if (!k->module_orc_tried[i]) {
		k->module_orc_tried[i] = true;
		struct dp_error *err = NULL;
		if (m->num_orcs && m->orc_unwind_ip && m->orc_unwind)
			err = dp_orc_table_read(&k->module_orc[i], k->prog,
						m->orc_unwind_ip,
						m->orc_unwind, m->num_orcs,
						k->orc_version);
		dp_error_destroy(err);	/* no table: frame-pointer fallback */
	}
	return dp_orc_table_find(&k->module_orc[i], ip, ret);
}

static bool in_vmlinux_text(struct dp_kernel *k, uint64_t ip)
{
	return (ip >= k->text_begin && ip < k->text_end) ||
	       (ip >= k->inittext_begin && ip < k->inittext_end);
}

// CFI is asked first for vmlinux text; modules have their ORC only.
static bool cb_find_cfi(void *arg, uint64_t ip, struct dp_cfi_row *ret)
{
	struct dp_kernel *k = arg;
	return k->cfi && in_vmlinux_text(k, ip) && dp_cfi_find(k->cfi, ip, ret);
}

static const struct dp_unwind_ops kernel_ops = {
	cb_read, cb_find_orc, cb_stack_of, cb_find_cfi,
};

struct dp_error *dp_kernel_unwind_regs(struct dp_kernel *k,
				       const struct dp_task *task,
				       const struct dp_regs_x86_64 *regs,
				       unsigned int flags,
				       struct dp_stack_trace *ret)
{
	struct dp_error *err = load_unwind(k);
	if (err)
		return dp_error_prefix(err, "cannot unwind");
	memset(&k->cur_task_stack, 0, sizeof(k->cur_task_stack));
	if (task && task->stack)
		k->cur_task_stack = (struct dp_stack_info){ DP_STACK_TASK,
			task->stack, task->stack + k->thread_size };
	if ((regs->cs & 3) != 0) {
		// Stopped in user mode: the kernel stack is empty.
		memset(ret, 0, sizeof(*ret));
		ret->frames = calloc(1, sizeof(*ret->frames));
		if (!ret->frames)
			return &dp_enomem;
		ret->n = 1;
		ret->frames[0] = (struct dp_frame){ .ip = regs->rip,
			.sp = regs->rsp, .exact = true, .has_regs = true,
			.user_regs = true, .regs = *regs };
		return NULL;
	}
	err = dp_unwind(&kernel_ops, k, &k->pt_regs, regs, flags, ret);
	if (err)
		return err;
	// A first sp just below the task's stack is a stack overflow.
	uint64_t sp = regs->rsp;
	if (!ret->error && task && task->stack && sp < task->stack &&
	    task->stack - sp <= 4096 && !cb_stack_of(k, sp, &(struct dp_stack_info){0}))
		ret->error = strdup("stack overflow: sp is below the task's "
				    "stack");
	return NULL;
}

static struct dp_error *switched_out(struct dp_kernel *k,
				     const struct dp_task *task,
				     struct dp_stack_trace *ret)
{
	const struct dp_task_layout *tl;
	struct dp_error *err = dp_kernel_task_layout(k, &tl);
	if (err)
		return err;
	uint64_t sp, bp, ip;
	if ((err = dp_program_read_u64(k->prog, task->addr + tl->thread_sp,
				       &sp)) ||
	    (err = dp_program_read_u64(k->prog, sp + k->itf_bp, &bp)) ||
	    (err = dp_program_read_u64(k->prog, sp + k->itf_ret, &ip)))
		return dp_error_prefix(err, "switched-out frame of pid %d",
				       task->pid);
	// Like the kernel's __unwind_start(): continue above the frame; a
	// task that never ran returns to ret_from_fork, whose ORC entry is
	// for the ip itself.
	struct dp_regs_x86_64 regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = ip;
	regs.rsp = sp + k->itf_size;
	regs.rbp = bp;
	regs.cs = 0x10;
	return dp_kernel_unwind_regs(k, task, &regs,
				     ip == k->ret_from_fork ? 0 :
				     DP_UNWIND_RETURN_IP, ret);
}

struct dp_error *dp_kernel_stack_trace(struct dp_kernel *k,
				       const struct dp_task *task,
				       struct dp_stack_trace *ret,
				       enum dp_trace_start *start_ret)
{
	struct dp_error *err = load_unwind(k);
	if (err)
		return dp_error_prefix(err, "cannot unwind");
	if (task->active) {
		struct dp_regs_x86_64 regs;
		err = dp_kernel_cpu_regs(k, task->cpu, &regs);
		if (!err) {
			if (start_ret)
				*start_ret = DP_TRACE_CPU_REGS;
			return dp_kernel_unwind_regs(k, task, &regs, 0, ret);
		}
		dp_error_destroy(err);
	}
	if (start_ret)
		*start_ret = DP_TRACE_SWITCHED_OUT;
	return switched_out(k, task, ret);
}

/* ---- the crash NMI's frames (bt -a on the other CPUs) ---- */

// Unwind from a return address into crash_nmi_callback at slot; the
// frames up to the NMI's pt_regs, all on the NMI stack, with the pt_regs
// equal to the note (frame 0 of st). Returns that frame count, 0 if not.
static size_t nmi_chain(struct dp_kernel *k, const struct dp_task *task,
			uint64_t slot, uint64_t ret_addr,
			const struct dp_frame *note, struct dp_stack_trace *t)
{
	struct dp_regs_x86_64 r;
	memset(&r, 0, sizeof(r));
	r.rip = ret_addr;
	r.rsp = slot + 8;
	r.cs = 0x10;
	struct dp_error *err = dp_kernel_unwind_regs(k, task, &r,
						     DP_UNWIND_RETURN_IP, t);
	if (err) {
		dp_error_destroy(err);
		memset(t, 0, sizeof(*t));
		return 0;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct dp_frame *f = &t->frames[i];
		if (f->stack != DP_STACK_NMI)
			break;
		if (f->has_regs && !f->user_regs && !f->regs_partial &&
		    f->regs.rip == note->ip && f->regs.rsp == note->sp)
			return i + 1;
	}
	dp_stack_trace_deinit(t);
	return 0;
}

static struct dp_error *splice(struct dp_stack_trace *st,
			       const struct dp_stack_trace *nmi, size_t n)
{
	struct dp_frame *f = calloc(n + st->n, sizeof(*f));
	if (!f)
		return &dp_enomem;
	memcpy(f, nmi->frames, n * sizeof(*f));
	memcpy(f + n, st->frames, st->n * sizeof(*f));
	free(st->frames);
	st->frames = f;
	st->n += n;
	return NULL;
}

/*
 * kdump stops the other CPUs with an NMI: nmi_shootdown_cpus() ->
 * crash_nmi_callback() saves the NMI's pt_regs (the interrupted context)
 * as the CPU's note, then halts on the NMI stack (arch/x86/kernel/
 * reboot.c, 6.1). The handler's own frames are not in the note; its last
 * call (halt()) left a return address into crash_nmi_callback on the NMI
 * stack. From the highest such slot we unwind and keep the frames only
 * if they reach, on the NMI stack, a pt_regs equal to the note: older
 * words deeper on the stack (its earlier calls) are never shown.
 */
struct dp_error *dp_kernel_nmi_frames(struct dp_kernel *k,
				      const struct dp_task *task,
				      struct dp_stack_trace *st)
{
	uint64_t fn = sym_or_zero(k, "crash_nmi_callback");
	if (!fn || st->n == 0 || !st->frames[0].exact || !k->unwind_loaded ||
	    !k->cpu_stacks || task->cpu >= k->nr_cpus)
		return NULL;
	const struct dp_stack_info nmi = *cpu_stack(k, task->cpu, DP_STACK_NMI);
	uint64_t len = nmi.end - nmi.begin;
	if (nmi.kind != DP_STACK_NMI || len > 65536 || len % 8)
		return NULL;
	uint8_t *buf = malloc(len);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = dp_program_read(k->prog, nmi.begin, buf, len);
	if (err) {
		dp_error_destroy(err);	/* not in the dump: no NMI frames */
		free(buf);
		return NULL;
	}
	const struct dp_frame note = st->frames[0];
	for (uint64_t off = len; off >= 8 && !err; off -= 8) {
		uint64_t v = 0;
		for (int b = 7; b >= 0; b--)
			v = v << 8 | buf[off - 8 + b];
		struct dp_symbol sym;
		uint64_t sym_off;
		if (v <= fn || v - fn > 65536)
			continue;
		struct dp_error *e = dp_program_symbolize(k->prog, v, &sym,
							  &sym_off);
		bool ours = !e && sym.address == fn;
		dp_error_destroy(e);
		if (!ours)
			continue;
		struct dp_stack_trace t;
		size_t n = nmi_chain(k, task, nmi.begin + off - 8, v, &note,
				     &t);
		if (!n)
			continue;
		err = splice(st, &t, n);
		dp_stack_trace_deinit(&t);
		break;
	}
	free(buf);
	return err;
}

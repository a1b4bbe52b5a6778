// SPDX-License-Identifier: MIT
// The kernel model's part of the triage input: every task with its state,
// the stacks that matter (the panic task, each CPU's running task, tasks
// in D state; unwound with the dump's ORC tables), the panic task, and the
// module list with each module's taints.
#include <stdlib.h>
#include <string.h>

#include <dontpanic/kernel.h>
#include <dontpanic/types.h>
#include <dontpanic/unwind.h>

#include "collect-priv.h"
#include "internal.h"

// Stacks unwound at most (the panic task and D-state tasks come first).
#define MAX_UNWIND 64
// Lowest kernel address on x86_64: frames below are user mode.
#define KERNEL_MIN 0xffff800000000000ull

// Task state letter as ps shows it, from __state | exit_state
// (include/linux/sched.h: TASK_INTERRUPTIBLE 1, TASK_UNINTERRUPTIBLE 2,
// __TASK_STOPPED 4, __TASK_TRACED 8, EXIT_DEAD 0x10, EXIT_ZOMBIE 0x20,
// TASK_NOLOAD 0x400: TASK_IDLE = UNINTERRUPTIBLE | NOLOAD).
static char state_letter(const struct dp_task *t)
{
	uint32_t s = t->state | t->exit_state;
	if (!s)
		return 'R';
	if (s & 0x20)
		return 'Z';
	if (s & 0x10)
		return 'X';
	if ((s & 0x402) == 0x402)
		return 'I';
	if (s & 2)
		return 'D';
	if (s & 1)
		return 'S';
	if (s & 4)
		return 'T';
	if (s & 8)
		return 't';
	return '?';
}

// Symbolize one frame. A return address may point just past a call at a
// function's end (noreturn callees), so it is looked up at ip - 1.
static void symbolize(struct dp_kernel *k, struct dp_program *prog,
		      const struct dp_frame *f, struct dp_triage_frame *out,
		      bool *nomem)
{
	uint64_t at = f->exact ? f->ip : f->ip - 1, off;
	struct dp_symbol sym;
	char name[256];
	out->pc = f->ip;
	out->unreliable = f->fp_fallback || f->heuristic;
	const struct dp_module *m = dp_kernel_module_by_addr(k, at);
	struct dp_error *err = dp_program_symbolize(prog, at, &sym, &off);
	if (!err && (sym.module || !m)) {
		out->function = strdup(sym.name);
		out->module = sym.module ? strdup(sym.module) : NULL;
		out->offset = off + (f->ip - at);
		out->size = sym.size;
		*nomem |= !out->function || (sym.module && !out->module);
		return;
	}
	dp_error_destroy(err);
	if (!m)
		return;
	err = dp_kernel_module_symbolize(k, at, name, sizeof(name), &off, &m);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	out->function = strdup(name);
	out->module = strdup(m->name);
	out->offset = off + (f->ip - at);
	*nomem |= !out->function || !out->module;
}

// Byte offset of a member, from BTF; false when the type or member is
// absent (a kernel without that field).
static bool member_offset(struct dp_types *types, const char *type,
			  const char *member, uint64_t *ret)
{
	struct dp_type t;
	struct dp_member m;
	struct dp_error *err = dp_types_find(types, type, &t);
	if (!err)
		err = dp_type_find_member(t, member, &m);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	*ret = m.bit_offset / 8;
	return true;
}

// How long a sleeping task has been off the CPU: its CPU's rq->clock
// minus task->sched_info.last_arrival (both sched_clock ns; the field
// exists with CONFIG_SCHED_INFO, which the hung-task-prone distribution
// kernels enable). -1 when any piece is missing.
static int64_t blocked_ns(struct dp_kernel *k, struct dp_program *prog,
			  struct dp_types *types, const struct dp_task *t)
{
	uint64_t arr_off, clk_off, rq, arrival, clock;
	if (!types || !member_offset(types, "struct task_struct",
				     "sched_info.last_arrival", &arr_off) ||
	    !member_offset(types, "struct rq", "clock", &clk_off))
		return -1;
	struct dp_error *err = dp_kernel_percpu_symbol(k, "runqueues", t->cpu,
						       &rq);
	if (!err)
		err = dp_program_read_u64(prog, rq + clk_off, &clock);
	if (!err)
		err = dp_program_read_u64(prog, t->addr + arr_off, &arrival);
	if (err) {
		dp_error_destroy(err);
		return -1;
	}
	if (!arrival || clock < arrival || clock - arrival > INT64_MAX)
		return -1;
	return (int64_t)(clock - arrival);
}

static struct dp_error *unwind_task(struct dp_kernel *k,
				    struct dp_program *prog,
				    const struct dp_task *t,
				    struct dp_triage_task *out)
{
	struct dp_stack_trace st;
	struct dp_error *err = dp_kernel_stack_trace(k, t, &st, NULL);
	if (err) {
		if (err->code == DP_ERR_NOMEM)
			return err;
		out->stack_error = strdup(err->message);
		dp_error_destroy(err);
		return out->stack_error ? NULL : &dp_enomem;
	}
	size_t n = st.n < TRIAGE_MAX_FRAMES ? st.n : TRIAGE_MAX_FRAMES;
	struct dp_triage_frame *fr = calloc(n ? n : 1, sizeof(*fr));
	bool nomem = !fr;
	size_t k2 = 0;
	for (size_t i = 0; fr && i < n; i++) {
		if (st.frames[i].ip < KERNEL_MIN)
			break;	// user mode: the kernel stack ends here
		symbolize(k, prog, &st.frames[i], &fr[k2++], &nomem);
	}
	if (st.error && !nomem) {
		out->stack_error = strdup(st.error);
		nomem = !out->stack_error;
	}
	dp_stack_trace_deinit(&st);
	out->frames = fr;
	out->nframes = k2;
	return nomem ? &dp_enomem : NULL;
}

static struct dp_error *collect_tasks(struct dp_triage_collected *c,
				      struct dp_kernel *k,
				      struct dp_program *prog,
				      uint64_t panic_task)
{
	const struct dp_task *tasks;
	size_t n;
	struct dp_error *err = dp_kernel_tasks(k, &tasks, &n);
	if (err)
		return err;
	c->tasks = calloc(n ? n : 1, sizeof(*c->tasks));
	if (!c->tasks)
		return &dp_enomem;
	struct dp_types *types = NULL;
	err = dp_program_types(prog, &types);
	if (err) {
		dp_error_destroy(err);
		types = NULL;
	}
	c->ntasks = n;
	for (size_t i = 0; i < n; i++) {
		struct dp_triage_task *o = &c->tasks[i];
		o->pid = tasks[i].pid;
		o->comm = strndup(tasks[i].comm, sizeof(tasks[i].comm));
		if (!o->comm)
			return &dp_enomem;
		o->state = state_letter(&tasks[i]);
		o->cpu = (int32_t)tasks[i].cpu;
		o->on_cpu = tasks[i].active;
		o->blocked_ns = o->state == 'D' ?
				blocked_ns(k, prog, types, &tasks[i]) : -1;
		if (tasks[i].addr == panic_task)
			c->in.panic_task = o;
	}
	// Unwind the stacks that matter: panic task, running, D state.
	size_t unwound = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n && unwound < MAX_UNWIND; i++) {
			struct dp_triage_task *o = &c->tasks[i];
			bool want = pass == 0 ? tasks[i].addr == panic_task :
				    (o->on_cpu || o->state == 'D') &&
				    tasks[i].addr != panic_task;
			if (!want)
				continue;
			err = unwind_task(k, prog, &tasks[i], o);
			if (err)
				return err;
			unwound++;
		}
	}
	return NULL;
}

static struct dp_error *collect_modules(struct dp_triage_collected *c,
					struct dp_kernel *k)
{
	const struct dp_module *mods;
	size_t n;
	struct dp_error *err = dp_kernel_modules(k, &mods, &n);
	if (err)
		return err;
	c->modules = calloc(n ? n : 1, sizeof(*c->modules));
	if (!c->modules)
		return &dp_enomem;
	c->nmodules = n;
	for (size_t i = 0; i < n; i++) {
		char letters[40];
		dp_triage_taint_letters(mods[i].taints, letters,
					sizeof(letters));
		c->modules[i].name = strndup(mods[i].name,
					     sizeof(mods[i].name));
		c->modules[i].taints = strdup(letters);
		if (!c->modules[i].name || !c->modules[i].taints)
			return &dp_enomem;
	}
	c->in.modules = c->modules;
	c->in.nmodules = n;
	c->in.have_modules = true;
	return NULL;
}

// Keep a failure's message as the reason tasks are missing.
static struct dp_error *soft(struct dp_triage_collected *c,
			     struct dp_error *err, const char *what)
{
	if (!err || err->code == DP_ERR_NOMEM)
		return err;
	if (!c->tasks_error) {
		err = dp_error_prefix(err, "%s", what);
		if (err->code == DP_ERR_NOMEM)
			return err;
		c->tasks_error = strdup(err->message);
	}
	dp_error_destroy(err);
	return c->tasks_error ? NULL : &dp_enomem;
}

struct dp_error *triage_collect_kernel(struct dp_triage_collected *c,
				       struct dp_program *prog)
{
	struct dp_kernel *k;
	struct dp_error *err = dp_kernel_create(prog, &k);
	if (err)
		return soft(c, err, "kernel model");
	struct dp_panic p;
	err = dp_kernel_panic(k, &p);
	if (!err) {
		if (p.cpu >= 0) {
			c->in.have_panic_cpu = true;
			c->in.panic_cpu = p.cpu;
			c->in.panicked = true;
		}
		err = collect_tasks(c, k, prog, p.cpu >= 0 ? p.task : 0);
	}
	err = soft(c, err, "tasks");
	if (!err)
		err = soft(c, collect_modules(c, k), "modules");
	// Memory totals (kmem -i's TOTAL MEM and FREE) for the OOM report.
	struct dp_meminfo mi;
	struct dp_error *merr = err ? NULL : dp_kernel_meminfo(k, &mi);
	if (!err && !merr && mi.total != UINT64_MAX && mi.free != UINT64_MAX &&
	    mi.free <= mi.total) {
		uint64_t kb = dp_dump_page_size(dp_program_dump(prog)) / 1024;
		c->in.have_mem = true;
		c->in.mem_total_kb = mi.total * kb;
		c->in.mem_free_kb = mi.free * kb;
	}
	dp_error_destroy(merr);
	c->in.tasks = c->tasks;
	c->in.ntasks = c->ntasks;
	dp_kernel_destroy(k);
	return err;
}

void triage_collect_kernel_free(struct dp_triage_collected *c)
{
	for (size_t i = 0; i < c->ntasks; i++) {
		struct dp_triage_task *t = &c->tasks[i];
		free((char *)t->comm);
		for (size_t f = 0; f < t->nframes; f++) {
			free((char *)t->frames[f].function);
			free((char *)t->frames[f].module);
		}
		free((struct dp_triage_frame *)t->frames);
		free((char *)t->stack_error);
	}
	free(c->tasks);
	for (size_t i = 0; i < c->nmodules; i++) {
		free((char *)c->modules[i].name);
		free((char *)c->modules[i].taints);
	}
	free(c->modules);
}

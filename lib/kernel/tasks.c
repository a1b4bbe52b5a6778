// SPDX-License-Identifier: MIT
// The task list: init_task.tasks (thread-group leaders), their threads
// (signal->thread_head / thread_node, or thread_group), and every CPU's
// idle task (runqueues[cpu].idle). FORMATS.md §7.2.
#include <stdlib.h>
#include <string.h>

#include <dontpanic/types.h>

#include "kernel-internal.h"

/*
 * How mm_struct.rss_stat is kept, from the BTF type of the member:
 * struct mm_rss_stat { atomic_long_t count[NR_MM_COUNTERS]; } up to 6.1,
 * struct percpu_counter rss_stat[NR_MM_COUNTERS] since 6.2 ("mm: convert
 * mm's rss stats into percpu_counter"; include/linux/mm_types.h,
 * lib/percpu_counter.c).  Either
 * unknown: mm_rss = UINT64_MAX and RSS stays 0.
 */
static void rss_layout(struct dp_kernel *k, struct dp_task_layout *tl)
{
	struct dp_types *types;
	struct dp_type mm;
	struct dp_member m;
	tl->mm_rss = tl->rss_pcc_size = UINT64_MAX;
	struct dp_error *err = dp_program_types(k->prog, &types);
	if (!err)
		err = dp_types_find(types, "struct mm_struct", &mm);
	if (!err)
		err = dp_type_find_member(mm, "rss_stat", &m);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	struct dp_type t = dp_type_resolve(m.type);
	if (dp_type_kind(t) != DP_TYPE_ARRAY) {
		tl->mm_rss = dp_kernel_member_opt(k, "mm_struct",
						  "rss_stat.count");
		return;
	}
	struct dp_type el = dp_type_resolve(dp_type_target(t));
	uint64_t size;
	if (strcmp(dp_type_name(el), "percpu_counter") ||
	    (err = dp_type_size(el, &size))) {
		dp_error_destroy(err);
		return;
	}
	tl->pcc_count = dp_kernel_member_opt(k, "percpu_counter", "count");
	tl->pcc_counters = dp_kernel_member_opt(k, "percpu_counter",
						"counters");
	if (tl->pcc_count == UINT64_MAX || tl->pcc_counters == UINT64_MAX)
		return;
	tl->mm_rss = m.bit_offset / 8;
	tl->rss_pcc_size = size;
}

struct dp_error *dp_kernel_task_layout(struct dp_kernel *k,
				       const struct dp_task_layout **ret)
{
	struct dp_task_layout *tl = &k->tl;
	struct dp_error *err = NULL;
	if (k->layout_loaded)
		goto out;
	static const struct {
		const char *type, *member;
		size_t off;
	} req[] = {
#define F(t, m, f) { t, m, offsetof(struct dp_task_layout, f) }
		F("task_struct", "tasks", tasks),
		F("task_struct", "pid", pid),
		F("task_struct", "tgid", tgid),
		F("task_struct", "comm", comm),
		F("task_struct", "exit_state", exit_state),
		F("task_struct", "flags", flags),
		F("task_struct", "real_parent", real_parent),
		F("task_struct", "mm", mm),
		F("task_struct", "stack", stack),
		F("task_struct", "signal", signal),
		F("task_struct", "thread.sp", thread_sp),
		F("rq", "curr", rq_curr),
		F("rq", "idle", rq_idle),
#undef F
	};
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		err = dp_kernel_member(k, req[i].type, req[i].member,
				       (uint64_t *)((char *)tl + req[i].off));
		if (err)
			return dp_error_prefix(err, "task layout");
	}
	// __state since 5.14 (commit 2f064a59a11f), state before.
	tl->state = dp_kernel_member_opt(k, "task_struct", "__state");
	if (tl->state == UINT64_MAX &&
	    (err = dp_kernel_member(k, "task_struct", "state", &tl->state)))
		return dp_error_prefix(err, "task layout");
	// thread_info.cpu with THREAD_INFO_IN_TASK on 5.16+, task->cpu before.
	tl->cpu = dp_kernel_member_opt(k, "task_struct", "thread_info.cpu");
	if (tl->cpu == UINT64_MAX &&
	    (err = dp_kernel_member(k, "task_struct", "cpu", &tl->cpu)))
		return dp_error_prefix(err, "task layout");
	tl->thread_node = dp_kernel_member_opt(k, "task_struct", "thread_node");
	tl->sig_thread_head = dp_kernel_member_opt(k, "signal_struct",
						   "thread_head");
	tl->thread_group = dp_kernel_member_opt(k, "task_struct",
						"thread_group");
	tl->mm_total_vm = dp_kernel_member_opt(k, "mm_struct", "total_vm");
	rss_layout(k, tl);
	tl->task_rss = dp_kernel_member_opt(k, "task_struct", "rss_stat.count");
	k->layout_loaded = true;
out:
	*ret = tl;
	return NULL;
}

static struct dp_error *field(struct dp_kernel *k, uint64_t addr, void *buf,
			      size_t len, const char *name)
{
	struct dp_error *err = dp_program_read(k->prog, addr, buf, len);
	return dp_error_prefix(err, "%s", name);
}

// A percpu_counter's exact value, as percpu_counter_sum() computes it:
// count plus every CPU's s32 delta (lib/percpu_counter.c).  A CPU whose
// delta is not in the dump adds nothing.
static struct dp_error *pcc_sum(struct dp_kernel *k,
				const struct dp_task_layout *tl, uint64_t pcc,
				int64_t *ret)
{
	uint64_t count, deltas;
	unsigned int ncpus;
	struct dp_error *err;
	if ((err = dp_program_read_u64(k->prog, pcc + tl->pcc_count, &count)) ||
	    (err = dp_program_read_u64(k->prog, pcc + tl->pcc_counters,
				       &deltas)) ||
	    (err = dp_kernel_nr_cpus(k, &ncpus)))
		return err;
	*ret = (int64_t)count;
	for (unsigned int cpu = 0; deltas && cpu < ncpus; cpu++) {
		uint64_t off;
		int32_t d;
		if ((err = dp_kernel_percpu_offset(k, cpu, &off)))
			return err;
		err = dp_kernel_read_s32(k, deltas + off, &d);
		if (err)
			dp_error_destroy(err);
		else
			*ret += d;
	}
	return NULL;
}

// Page counts of an mm: get_mm_rss() = FILEPAGES + ANONPAGES + SHMEMPAGES
// (enum mm_counter: 0, 1, 3; 2 is SWAPENTS; include/linux/mm_types_task.h).
static void read_mm(struct dp_kernel *k, const struct dp_task_layout *tl,
		    struct dp_task *t)
{
	uint64_t v;
	if (tl->mm_total_vm != UINT64_MAX) {
		struct dp_error *err = dp_program_read_u64(
			k->prog, t->mm + tl->mm_total_vm, &v);
		if (!err)
			t->vm_pages = v;
		dp_error_destroy(err);
	}
	if (tl->mm_rss == UINT64_MAX)
		return;
	static const int counters[] = { 0, 1, 3 };
	for (size_t i = 0; i < 3; i++) {
		int64_t n = 0;
		struct dp_error *err =
			tl->rss_pcc_size == UINT64_MAX ?
			dp_program_read_u64(k->prog, t->mm + tl->mm_rss +
					    8 * counters[i], &v) :
			pcc_sum(k, tl, t->mm + tl->mm_rss +
				tl->rss_pcc_size * counters[i], &n);
		if (err) {
			dp_error_destroy(err);
			return;
		}
		if (tl->rss_pcc_size != UINT64_MAX)
			v = (uint64_t)n;
		if ((int64_t)v > 0)
			t->rss_pages += v;
	}
}

// Read only the fields we use: a task_struct spans pages, and one of them
// may be missing from a filtered dump (seen with -d 31: a zero-filled tail
// page excluded) while the fields are fine.
struct dp_error *dp_kernel_read_task(struct dp_kernel *k, uint64_t addr,
				     struct dp_task *ret)
{
	const struct dp_task_layout *tl;
	struct dp_error *err = dp_kernel_task_layout(k, &tl);
	if (err)
		return err;
	memset(ret, 0, sizeof(*ret));
	ret->addr = addr;
	uint64_t parent = 0;
	if ((err = field(k, addr + tl->pid, &ret->pid, 4, "pid")) ||
	    (err = field(k, addr + tl->tgid, &ret->tgid, 4, "tgid")) ||
	    (err = field(k, addr + tl->state, &ret->state, 4, "state")) ||
	    (err = field(k, addr + tl->exit_state, &ret->exit_state, 4,
			 "exit_state")) ||
	    (err = field(k, addr + tl->flags, &ret->flags, 4, "flags")) ||
	    (err = field(k, addr + tl->cpu, &ret->cpu, 4, "cpu")) ||
	    (err = field(k, addr + tl->real_parent, &parent, 8,
			 "real_parent")) ||
	    (err = field(k, addr + tl->mm, &ret->mm, 8, "mm")) ||
	    (err = field(k, addr + tl->stack, &ret->stack, 8, "stack")) ||
	    (err = field(k, addr + tl->comm, ret->comm,
			 sizeof(ret->comm) - 1, "comm")))
		return dp_error_prefix(err, "task_struct at 0x%llx",
				       (unsigned long long)addr);
	ret->comm[sizeof(ret->comm) - 1] = '\0';
	if (parent && parent != addr) {
		int32_t ppid;
		err = dp_kernel_read_s32(k, parent + tl->pid, &ppid);
		if (err)
			dp_error_destroy(err);
		else
			ret->ppid = ppid;
	}
	if (ret->mm)
		read_mm(k, tl, ret);
	return NULL;
}

/* ---- a small address set for cycle detection ---- */

struct addr_set {
	uint64_t *slot;
	size_t cap, n;
};

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

// Insert addr; false if it was already there (or on allocation failure,
// reported through *nomem).
static bool set_add(struct addr_set *s, uint64_t addr, bool *nomem)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		uint64_t *slot = calloc(cap, sizeof(*slot));
		if (!slot) {
			*nomem = true;
			return false;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t h = hash64(s->slot[i]) & (cap - 1);
			while (slot[h])
				h = (h + 1) & (cap - 1);
			slot[h] = s->slot[i];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	size_t h = hash64(addr) & (s->cap - 1);
	while (s->slot[h]) {
		if (s->slot[h] == addr)
			return false;
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = addr;
	s->n++;
	return true;
}

/* ---- the walk ---- */

struct walk {
	struct dp_kernel *k;
	const struct dp_task_layout *tl;
	struct addr_set seen;
	struct dp_task *v;
	size_t n, cap;
	char *warning;		/* the first damage met, or NULL */
};

// Damage in the dump (an unreadable task, a broken or cyclic list) costs
// the tasks it hides, not the whole list: keep the first message as a
// warning and go on. Only allocation failures stay errors.
static struct dp_error *soft(struct walk *w, struct dp_error *err)
{
	if (!err || err == &dp_enomem)
		return err;
	if (!w->warning)
		w->warning = strdup(err->message);
	dp_error_destroy(err);
	return NULL;
}

static struct dp_error *add_task(struct walk *w, uint64_t addr, bool idle)
{
	bool nomem = false;
	if (!set_add(&w->seen, addr, &nomem))
		return nomem ? &dp_enomem : NULL;	/* already listed */
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 128;
		struct dp_task *v = realloc(w->v, cap * sizeof(*v));
		if (!v)
			return &dp_enomem;
		w->v = v;
		w->cap = cap;
	}
	struct dp_error *err = dp_kernel_read_task(w->k, addr, &w->v[w->n]);
	if (err)
		return soft(w, err);
	w->v[w->n].idle = idle;
	// crash shows 0 as the parent of every idle task (swapper/N).
	if (idle)
		w->v[w->n].ppid = 0;
	w->n++;
	return NULL;
}

// Visit the nodes of the circular list at head; fn gets the node address.
// Stops with an error on a read fault, a repeated node or the bound.
static struct dp_error *walk_list(struct walk *w, uint64_t head,
				  uint64_t node_off, size_t max,
				  struct dp_error *(*fn)(struct walk *,
							 uint64_t))
{
	struct addr_set nodes = { 0 };
	uint64_t pos;
	struct dp_error *err = dp_program_read_u64(w->k->prog, head, &pos);
	size_t count = 0;
	while (!err && pos != head) {
		bool nomem = false;
		if (!pos || ++count > max) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "list at 0x%llx: %s",
					      (unsigned long long)head,
					      pos ? "too long" : "NULL link");
			break;
		}
		if (!set_add(&nodes, pos, &nomem)) {
			err = nomem ? &dp_enomem : dp_error_create(
				DP_ERR_BAD_DATA, "list at 0x%llx: cycle at "
				"0x%llx", (unsigned long long)head,
				(unsigned long long)pos);
			break;
		}
		err = fn(w, pos - node_off);
		if (!err)
			err = dp_program_read_u64(w->k->prog, pos, &pos);
	}
	free(nodes.slot);
	return err;
}

static struct dp_error *add_thread(struct walk *w, uint64_t task)
{
	return add_task(w, task, false);
}

static struct dp_error *add_group(struct walk *w, uint64_t leader)
{
	const struct dp_task_layout *tl = w->tl;
	struct dp_error *err = add_task(w, leader, false);
	if (err)
		return err;
	if (tl->sig_thread_head != UINT64_MAX &&
	    tl->thread_node != UINT64_MAX) {
		uint64_t sig;
		err = dp_program_read_u64(w->k->prog, leader + tl->signal,
					  &sig);
		if (!err && sig)
			err = walk_list(w, sig + tl->sig_thread_head,
					tl->thread_node, DP_MAX_THREADS,
					add_thread);
	} else if (tl->thread_group != UINT64_MAX) {
		// thread_group includes every thread but the leader itself.
		err = walk_list(w, leader + tl->thread_group,
				tl->thread_group, DP_MAX_THREADS, add_thread);
	}
	return soft(w, dp_error_prefix(err, "threads of task 0x%llx",
				       (unsigned long long)leader));
}

static int task_cmp(const void *a, const void *b)
{
	const struct dp_task *x = a, *y = b;
	if (x->idle != y->idle)
		return x->idle ? -1 : 1;
	if (x->idle)
		return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

// Per-thread RSS deltas not yet folded into the mm (SPLIT_RSS_COUNTING,
// task->rss_stat.count[]); crash adds them too.
static void add_split_rss(struct walk *w)
{
	const struct dp_task_layout *tl = w->tl;
	if (tl->task_rss == UINT64_MAX)
		return;
	for (size_t i = 0; i < w->n; i++) {
		struct dp_task *t = &w->v[i];
		if (!t->mm)
			continue;
		static const int counters[] = { 0, 1, 3 };
		int64_t delta = 0;
		for (size_t c = 0; c < 3; c++) {
			int32_t v;
			struct dp_error *err = dp_kernel_read_s32(
				w->k, t->addr + tl->task_rss + 4 * counters[c],
				&v);
			if (err)
				dp_error_destroy(err);
			else
				delta += v;
		}
		for (size_t j = 0; j < w->n && delta; j++)
			if (w->v[j].mm == t->mm)
				w->v[j].rss_pages += delta;
	}
}

static struct dp_error *collect(struct dp_kernel *k, struct walk *w)
{
	unsigned int ncpus;
	struct dp_error *err = dp_kernel_nr_cpus(k, &ncpus);
	if (err)
		return err;
	for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t idle;
		err = dp_kernel_cpu_idle(k, cpu, &idle);
		if (!err && idle)
			err = add_task(w, idle, true);
		if (err)
			return err;
	}
	uint64_t init_task;
	err = dp_program_symbol_address(k->prog, "init_task", &init_task);
	if (!err)
		err = add_group(w, init_task);
	if (!err)
		err = soft(w, dp_error_prefix(walk_list(w, init_task +
				w->tl->tasks, w->tl->tasks, DP_MAX_TASKS,
				add_group), "task list"));
	if (err)
		return dp_error_prefix(err, "task list");
	// Mark each CPU's current task; one the list did not reach (damage)
	// is added from its runqueue.
	for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t curr;
		struct dp_error *e2 = dp_kernel_cpu_curr(k, cpu, &curr);
		if (!e2 && curr)
			e2 = add_task(w, curr, false);
		if (e2 == &dp_enomem)
			return e2;
		if (e2) {
			dp_error_destroy(e2);
			continue;
		}
		for (size_t i = 0; i < w->n; i++)
			if (w->v[i].addr == curr)
				w->v[i].active = true;
	}
	add_split_rss(w);
	return NULL;
}

struct dp_error *dp_kernel_tasks(struct dp_kernel *k,
				 const struct dp_task **ret, size_t *count_ret)
{
	if (!k->tasks) {
		struct walk w = { .k = k };
		struct dp_error *err = dp_kernel_task_layout(k, &w.tl);
		if (!err)
			err = collect(k, &w);
		free(w.seen.slot);
		if (err) {
			free(w.v);
			free(w.warning);
			return err;
		}
		qsort(w.v, w.n, sizeof(*w.v), task_cmp);
		k->tasks = w.v;
		k->ntasks = w.n;
		k->tasks_warning = w.warning;
	}
	*ret = k->tasks;
	*count_ret = k->ntasks;
	return NULL;
}

const char *dp_kernel_tasks_warning(struct dp_kernel *k)
{
	return k->tasks_warning;
}

const struct dp_task *dp_kernel_task_by_pid(struct dp_kernel *k, int32_t pid)
{
	const struct dp_task *v;
	size_t n;
	struct dp_error *err = dp_kernel_tasks(k, &v, &n);
	if (err) {
		dp_error_destroy(err);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == pid)
			return &v[i];
	return NULL;
}

const struct dp_task *dp_kernel_task_by_addr(struct dp_kernel *k,
					     uint64_t addr)
{
	const struct dp_task *v;
	size_t n;
	struct dp_error *err = dp_kernel_tasks(k, &v, &n);
	if (err) {
		dp_error_destroy(err);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].addr == addr)
			return &v[i];
	return NULL;
}

/*
 * Task state bits (include/linux/sched.h, stable since 4.14; 6.1 adds
 * TASK_FREEZABLE 0x2000 which is a modifier we ignore). exit_state is
 * OR-ed in like crash and /proc do.
 */
static int state_index(const struct dp_task *t)
{
	uint32_t s = t->state | t->exit_state;
	if (s == 0)
		return 0;
	if (s & 0x20)
		return 1;	/* EXIT_ZOMBIE */
	if (s & 0x10)
		return 2;	/* EXIT_DEAD */
	if ((s & 0x402) == 0x402)
		return 3;	/* TASK_IDLE = UNINTERRUPTIBLE | NOLOAD */
	static const uint32_t bits[] = { 1, 2, 4, 8, 0x40, 0x80, 0x200,
					 0x800 };
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (s & bits[i])
			return 4 + (int)i;
	return 12;
}

static const char *const state_short[] = {
	"RU", "ZO", "DE", "ID", "IN", "UN", "ST", "TR", "PA", "DE", "WA",
	"NE", "??",
};

static const char *const state_long[] = {
	"TASK_RUNNING", "EXIT_ZOMBIE", "EXIT_DEAD", "TASK_IDLE",
	"TASK_INTERRUPTIBLE", "TASK_UNINTERRUPTIBLE", "TASK_STOPPED",
	"TASK_TRACED", "TASK_PARKED", "TASK_DEAD", "TASK_WAKING", "TASK_NEW",
	"UNKNOWN",
};

const char *dp_task_state_short(const struct dp_task *t)
{
	return state_short[state_index(t)];
}

const char *dp_task_state_name(const struct dp_task *t)
{
	return state_long[state_index(t)];
}

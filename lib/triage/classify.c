// SPDX-License-Identifier: MIT
// Classification: which kind of crash, from the kernel log (the panic
// line and the report that precedes it) and the dump's panic state. The
// message formats come from the kernel sources cited next to each parser
// (Linux 6.1; older wordings are accepted where they differ).
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "reports.h"

#define NONE SIZE_MAX
#define PANIC_PREFIX "Kernel panic - not syncing: "

// Last record in [from, to) whose trimmed text starts with prefix.
static size_t find_last(const struct triage_ctx *c, size_t from, size_t to,
			const char *prefix)
{
	for (size_t i = to; i-- > from;)
		if (triage_starts(triage_skip_blank(triage_rec(c, i)), prefix))
			return i;
	return NONE;
}

// Last record in [from, to) containing needle.
static size_t find_last_sub(const struct triage_ctx *c, size_t from,
			    size_t to, const char *needle)
{
	for (size_t i = to; i-- > from;)
		if (strstr(triage_rec(c, i), needle))
			return i;
	return NONE;
}

// First record in (after, after + span] whose trimmed text starts with prefix.
static size_t find_next(const struct triage_ctx *c, size_t after,
			size_t span, const char *prefix)
{
	for (size_t i = after + 1; i < c->in->nlog && i <= after + span; i++)
		if (triage_starts(triage_skip_blank(triage_rec(c, i)), prefix))
			return i;
	return NONE;
}

// The "CPU: N PID: N Comm: X" line printed after a report header.
static bool who_after(const struct triage_ctx *c, size_t rec,
		      struct dp_triage_who *who)
{
	if (rec == NONE)
		return false;
	size_t i = find_next(c, rec, TRIAGE_CONTEXT_RECS, "CPU: ");
	return i != NONE && triage_parse_cpu_line(triage_rec(c, i), who);
}

// Is this the die() line, "<what>: <err> [#<n>]" (arch/x86/kernel/dumpstack.c
// __die_header: "%s: %04lx [#%d]%s%s%s%s%s")?
static bool is_die_line(const char *t)
{
	const char *b = strstr(t, " [#");
	if (!b || !isalpha((unsigned char)t[0]))
		return false;
	const char *colon = strstr(t, ": ");
	return colon && colon < b && isdigit((unsigned char)b[3]);
}

static size_t find_die(const struct triage_ctx *c, size_t to)
{
	for (size_t i = to; i-- > 0;)
		if (is_die_line(triage_skip_blank(triage_rec(c, i))))
			return i;
	return NONE;
}

static void parse_address_after(struct triage_ctx *c, const char *t,
				const char *key)
{
	const char *p = strstr(t, key);
	uint64_t a;
	if (p && triage_parse_u64(triage_skip_blank(p + strlen(key)), 16, &a,
				  NULL)) {
		c->rep->has_fault_address = true;
		c->rep->fault_address = a;
	}
}

// "kernel BUG at <file>:<line>!" (include/asm-generic/bug.h, lib/bug.c).
static void parse_bug_at(struct triage_ctx *c, const char *t)
{
	const char *f = strstr(t, " at ");
	const char *colon = f ? strrchr(f, ':') : NULL;
	uint64_t line;
	if (!colon || !triage_parse_u64(colon + 1, 10, &line, NULL))
		return;
	c->rep->bug_file = triage_strndup(c, f + 4, (size_t)(colon - f - 4));
	c->rep->bug_line = line < 1000000 ? (int)line : 0;
}

// Oops: the die line plus the headers printed just before it
// (arch/x86/mm/fault.c show_fault_oops, lib/bug.c report_bug).
static void classify_oops(struct triage_ctx *c, size_t die)
{
	struct dp_triage_report *r = c->rep;
	const char *d = triage_skip_blank(triage_rec(c, die));
	// 6.12 and later prefix the die line with "Oops: "
	// (arch/x86/kernel/dumpstack.c __die_header).
	if (triage_starts(d, "Oops: "))
		d += 6;
	r->cls = DP_CLASS_OOPS;
	c->event_rec = die;
	c->trace_rec = die;
	if (triage_starts(d, "general protection fault")) {
		r->cls = DP_CLASS_OOPS_GPF;
		parse_address_after(c, d, "non-canonical address");
	}
	size_t from = die > 8 ? die - 8 : 0;
	for (size_t i = die; i-- > from;) {
		const char *t = triage_skip_blank(triage_rec(c, i));
		if (is_die_line(t))
			break;	// an earlier oops: not part of this one
		if (triage_starts(t, "BUG: kernel NULL pointer dereference") ||
		    triage_starts(t, "BUG: unable to handle kernel NULL")) {
			r->cls = DP_CLASS_OOPS_NULL_DEREF;
			parse_address_after(c, t, "address:");
			if (!r->has_fault_address)
				parse_address_after(c, t, " at ");
			c->event_rec = i;
		} else if (triage_starts(t, "BUG: unable to handle page fault") ||
			   triage_starts(t, "BUG: unable to handle kernel paging")) {
			r->cls = DP_CLASS_OOPS_PAGING;
			parse_address_after(c, t, "address:");
			if (!r->has_fault_address)
				parse_address_after(c, t, " at ");
			c->event_rec = i;
		} else if (triage_starts(t, "kernel BUG at ")) {
			r->cls = DP_CLASS_BUG;
			parse_bug_at(c, t);
			c->event_rec = i;
		} else if (triage_starts(t, "#PF: ") && !r->fault_access &&
			   !triage_starts(t, "#PF: error_code")) {
			r->fault_access = triage_strdup(c, t + 5);
		}
	}
	r->panicked.pid = -1;
	who_after(c, die, &r->panicked);
	r->culprit = r->panicked;
}

// "watchdog: BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]"
// (kernel/watchdog.c watchdog_timer_fn).
static void classify_softlockup(struct triage_ctx *c, size_t to)
{
	struct dp_triage_report *r = c->rep;
	size_t i = find_last_sub(c, 0, to, "BUG: soft lockup - CPU#");
	if (i == NONE) {
		triage_note(c, "no soft lockup report in the log");
		return;
	}
	const char *t = strstr(triage_rec(c, i), "CPU#") + 4;
	uint64_t cpu, secs;
	if (triage_parse_u64(t, 10, &cpu, &t) && cpu < 1u << 20)
		r->lockup_cpu = (int)cpu;
	const char *s = strstr(t, "stuck for ");
	if (s && triage_parse_u64(s + 10, 10, &secs, NULL) && secs < 1u << 30)
		r->lockup_seconds = (int)secs;
	const char *b = strrchr(t, '[');
	const char *colon = b ? strrchr(b, ':') : NULL;
	uint64_t pid;
	if (colon && triage_parse_u64(colon + 1, 10, &pid, NULL) &&
	    pid <= INT32_MAX) {
		triage_set_comm(&r->culprit, b + 1, (size_t)(colon - b - 1));
		r->culprit.pid = (int32_t)pid;
		r->culprit.cpu = r->lockup_cpu;
	}
	c->event_rec = i;
	c->trace_rec = i;
}

// "NMI watchdog: Watchdog detected hard LOCKUP on cpu %d"
// (kernel/watchdog_hld.c watchdog_overflow_callback).
static void classify_hardlockup(struct triage_ctx *c, size_t to)
{
	struct dp_triage_report *r = c->rep;
	size_t i = find_last_sub(c, 0, to, "hard LOCKUP on cpu ");
	if (i == NONE)
		return;
	const char *t = strstr(triage_rec(c, i), "on cpu ") + 7;
	uint64_t cpu;
	if (triage_parse_u64(t, 10, &cpu, NULL) && cpu < 1u << 20)
		r->lockup_cpu = (int)cpu;
	if (who_after(c, i, &r->culprit) && r->lockup_cpu < 0)
		r->lockup_cpu = r->culprit.cpu;
	c->event_rec = i;
	c->trace_rec = i;
}

// "INFO: task %s:%d blocked for more than %ld seconds."
// (kernel/hung_task.c check_hung_task).
static bool parse_hung_line(const char *t, struct dp_triage_who *who,
			    int64_t *secs)
{
	t = triage_skip_blank(t);
	if (!triage_starts(t, "INFO: task "))
		return false;
	const char *name = t + 11;
	const char *bl = strstr(name, " blocked for more than ");
	if (!bl)
		return false;
	const char *colon = bl;
	while (colon > name && colon[-1] != ':')
		colon--;
	uint64_t pid, s;
	if (colon <= name || !triage_parse_u64(colon, 10, &pid, NULL) ||
	    pid > INT32_MAX ||
	    !triage_parse_u64(bl + 23, 10, &s, NULL) || s > INT32_MAX)
		return false;
	who->pid = (int32_t)pid;
	who->cpu = -1;
	triage_set_comm(who, name, (size_t)(colon - 1 - name));
	*secs = (int64_t)s;
	return true;
}

static void classify_hung(struct triage_ctx *c, size_t to)
{
	struct dp_triage_report *r = c->rep;
	size_t first = NONE;
	for (size_t i = 0; i < to; i++) {
		struct dp_triage_who who;
		int64_t secs;
		if (!parse_hung_line(triage_rec(c, i), &who, &secs))
			continue;
		struct dp_triage_blocked *b = triage_add_entry(c, &r->blocked,
							       &r->nblocked, &who);
		if (!b)
			continue;
		// Later reports of the same task supersede earlier ones.
		b->blocked_s = secs;
		triage_entry_stack(c, b, i);
		if (first == NONE)
			first = i;
	}
	if (r->nblocked) {
		r->culprit = r->blocked[0].task;
		c->event_rec = first;
		c->trace_rec = first;
	} else {
		triage_note(c, "no hung task report in the log");
	}
}

// The OOM killer's task table (mm/oom_kill.c dump_tasks/dump_task): its
// header names the columns, which changed across kernels --
// "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents
// oom_score_adj name" (4.19-6.x), with "rss_anon rss_file rss_shmem"
// after rss since 6.2, "nr_ptes nr_pmds" in 4.x -- so rows are read by
// the header's column names.
struct oom_cols {
	int n;		/* numeric columns after "[ pid ]" */
	int total_vm, rss;
};

#define OOM_MAX_COLS 16

static bool parse_oom_header(const char *t, struct oom_cols *cols)
{
	t = triage_skip_blank(t);
	if (!triage_starts(t, "[") || !strstr(t, "pid") || !strstr(t, "rss"))
		return false;
	const char *p = strchr(t, ']');
	if (!p)
		return false;
	struct oom_cols k = { 0, -1, -1 };
	for (p++;;) {
		p = triage_skip_blank(p);
		size_t n = strcspn(p, " \t");
		if (!n || (n == 4 && !strncmp(p, "name", 4)))
			break;
		if (n == 8 && !strncmp(p, "total_vm", 8))
			k.total_vm = k.n;
		else if (n == 3 && !strncmp(p, "rss", 3))
			k.rss = k.n;
		if (++k.n >= OOM_MAX_COLS)
			return false;
		p += n;
	}
	if (k.total_vm < 0 || k.rss < 0)
		return false;
	*cols = k;
	return true;
}

// One row: "[  1234]     0  1234   123456    98765 ... name".
static bool parse_oom_row(const char *t, const struct oom_cols *cols,
			  struct dp_triage_memuser *m)
{
	t = triage_skip_blank(t);
	uint64_t pid;
	if (*t != '[')
		return false;
	const char *p = triage_skip_blank(t + 1);
	if (!triage_parse_u64(p, 10, &pid, &p) || *p != ']' || pid > INT32_MAX)
		return false;
	p++;
	int64_t col[OOM_MAX_COLS];
	for (int i = 0; i < cols->n; i++) {
		p = triage_skip_blank(p);
		bool neg = *p == '-';
		uint64_t x;
		if (!triage_parse_u64(p + neg, 10, &x, &p) || x > INT64_MAX)
			return false;
		col[i] = neg ? -(int64_t)x : (int64_t)x;
	}
	p = triage_skip_blank(p);
	if (!*p)
		return false;
	m->task.pid = (int32_t)pid;
	m->task.cpu = -1;
	triage_set_comm(&m->task, p, strlen(p));
	m->total_vm_pages = col[cols->total_vm] > 0 ?
			    (uint64_t)col[cols->total_vm] : 0;
	m->rss_pages = col[cols->rss] > 0 ? (uint64_t)col[cols->rss] : 0;
	return true;
}

static void add_memuser(struct triage_ctx *c, const struct dp_triage_memuser *m)
{
	struct dp_triage_report *r = c->rep;
	if (!r->memusers) {
		r->memusers = calloc(TRIAGE_MAX_MEMUSERS, sizeof(*r->memusers));
		if (!r->memusers) {
			c->nomem = true;
			return;
		}
	}
	// Keep the top TRIAGE_MAX_MEMUSERS by RSS, sorted (insertion).
	size_t pos = r->nmemusers;
	while (pos > 0 && r->memusers[pos - 1].rss_pages < m->rss_pages)
		pos--;
	if (pos >= TRIAGE_MAX_MEMUSERS)
		return;
	size_t last = r->nmemusers < TRIAGE_MAX_MEMUSERS ? r->nmemusers :
		      TRIAGE_MAX_MEMUSERS - 1;
	memmove(&r->memusers[pos + 1], &r->memusers[pos],
		(last - pos) * sizeof(*m));
	r->memusers[pos] = *m;
	if (r->nmemusers < TRIAGE_MAX_MEMUSERS)
		r->nmemusers++;
}

// A "key:N" field in a Mem-Info record (mm/page_alloc.c show_free_areas).
static bool field_after(const char *t, const char *key, uint64_t *v)
{
	for (const char *p = strstr(t, key); p; p = strstr(p + 1, key))
		if ((p == t || p[-1] == ' ' || p[-1] == '\n') &&
		    triage_parse_u64(p + strlen(key), 10, v, NULL))
			return true;
	return false;
}

static void classify_oom(struct triage_ctx *c, size_t to)
{
	struct dp_triage_report *r = c->rep;
	size_t inv = find_last_sub(c, 0, to, " invoked oom-killer: ");
	if (inv == NONE) {
		triage_note(c, "no OOM killer report in the log");
		return;
	}
	c->event_rec = inv;
	c->trace_rec = inv;
	struct dp_triage_memuser m;
	// Without a header line: the 4.19-6.1 layout.
	struct oom_cols cols = { 7, 2, 3 };
	uint64_t ram_pages = 0, free_pages = 0;
	bool have_ram = false, have_free = false;
	for (size_t i = inv + 1; i < to; i++) {
		const char *t = triage_rec(c, i);
		if (parse_oom_header(t, &cols))
			continue;
		if (parse_oom_row(t, &cols, &m))
			add_memuser(c, &m);
		else if (!have_free && triage_starts(t, "Mem-Info:") &&
			 i + 1 < to)
			have_free = field_after(triage_rec(c, i + 1), "free:",
						&free_pages);
		else if (!have_free && strstr(t, "active_anon:"))
			have_free = field_after(t, "free:", &free_pages);
		else if (!have_ram && strstr(t, " pages RAM"))
			have_ram = triage_parse_u64(triage_skip_blank(t), 10,
						    &ram_pages, NULL);
	}
	if (r->nmemusers) {
		r->culprit = r->memusers[0].task;
	} else {
		triage_note(c, "no OOM task table in the log");
	}
	if (c->in->have_mem) {
		r->have_mem = true;
		r->mem_total_kb = c->in->mem_total_kb;
		r->mem_free_kb = c->in->mem_free_kb;
	} else if (have_ram && have_free) {
		// The log counts pages; 4 KiB is the x86_64 page size.
		r->have_mem = true;
		r->mem_total_kb = ram_pages * 4;
		r->mem_free_kb = free_pages * 4;
	}
}

// "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:" or
// "rcu: INFO: rcu_sched self-detected stall on CPU", then one
// "rcu: \t<cpu>-...." line per stalled CPU (kernel/rcu/tree_stall.h).
static void classify_rcu_at(struct triage_ctx *c, size_t i, size_t to);

static void classify_rcu(struct triage_ctx *c, size_t to)
{
	size_t i = NONE;
	for (size_t k = to; k-- > 0;) {
		const char *t = triage_rec(c, k);
		if (strstr(t, "INFO: rcu") && strstr(t, "stall")) {
			i = k;
			break;
		}
	}
	if (i == NONE) {
		triage_note(c, "no RCU stall report in the log");
		return;
	}
	classify_rcu_at(c, i, to);
}

static void classify_rcu_at(struct triage_ctx *c, size_t i, size_t to)
{
	struct dp_triage_report *r = c->rep;
	r->detail = triage_strdup(c, triage_skip_blank(triage_rec(c, i)));
	c->event_rec = i;
	c->trace_rec = i;
	size_t next = find_next(c, i, 4, "rcu: ");
	uint64_t cpu;
	if (next != NONE &&
	    triage_parse_u64(triage_skip_blank(triage_rec(c, next) + 5), 10,
			     &cpu, NULL) && cpu < 1u << 20)
		r->lockup_cpu = (int)cpu;
	// The stalled CPU's registers: "NMI backtrace for cpu N" (other CPU)
	// or the reporting CPU's own dump (self-detected).
	size_t at = i;
	if (r->lockup_cpu >= 0) {
		for (size_t k = i + 1; k < to; k++) {
			const char *t = triage_rec(c, k);
			const char *n = strstr(t, "NMI backtrace for cpu ");
			uint64_t v;
			if (n && triage_parse_u64(n + 22, 10, &v, NULL) &&
			    v == (uint64_t)r->lockup_cpu) {
				at = k;
				break;
			}
		}
	}
	c->event_rec = at;
	c->trace_rec = at;
	if (!who_after(c, at, &r->culprit))
		r->culprit.pid = -1;
}

// "WARNING: CPU: %d PID: %d at %s:%d %pS" (kernel/panic.c __warn).
static void classify_warn(struct triage_ctx *c, size_t to)
{
	struct dp_triage_report *r = c->rep;
	size_t i = find_last(c, 0, to, "WARNING: CPU: ");
	if (i == NONE) {
		triage_note(c, "no WARNING report in the log");
		return;
	}
	const char *t = triage_skip_blank(triage_rec(c, i));
	const char *at = strstr(t, " at ");
	if (at) {
		const char *sp = strchr(at + 4, ' ');
		const char *e = sp ? sp : at + strlen(at);
		const char *colon = e;
		while (colon > at + 4 && *colon != ':')
			colon--;
		uint64_t line;
		if (*colon == ':' && triage_parse_u64(colon + 1, 10, &line, NULL)) {
			r->bug_file = triage_strndup(c, at + 4,
						     (size_t)(colon - at - 4));
			r->bug_line = line < 1000000 ? (int)line : 0;
		}
	}
	c->event_rec = i;
	c->trace_rec = i;
	r->culprit.pid = -1;
	who_after(c, i, &r->culprit);
}

// Machine check: "mce: [Hardware Error]: ..." lines (arch/x86/kernel/cpu/
// mce/core.c print_mce) before the panic.
static void classify_mce(struct triage_ctx *c, size_t to)
{
	struct dp_triage_report *r = c->rep;
	size_t first = NONE;
	for (size_t k = to; k-- > 0;) {
		const char *t = triage_rec(c, k);
		if (strstr(t, "[Hardware Error]: ")) {
			first = k;
			if (strstr(t, "Machine Check") || strstr(t, "Bank ")) {
				free(r->detail);
				r->detail = triage_strdup(c,
					strstr(t, "[Hardware Error]: ") + 18);
			}
		} else if (first != NONE) {
			break;
		}
	}
	if (first != NONE)
		c->event_rec = first;
	if (!r->detail)
		r->detail = triage_strdup(c, r->panic_message);
	r->culprit = r->panicked;
}

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

// Class from the panic message (the argument of panic()).
static enum dp_triage_class class_of_panic(const char *msg, bool have_die)
{
	if (triage_starts(msg, "sysrq triggered crash"))
		return DP_CLASS_SYSRQ;
	if (triage_starts(msg, "softlockup"))
		return DP_CLASS_SOFT_LOCKUP;
	if (triage_starts(msg, "hung_task"))
		return DP_CLASS_HUNG_TASK;
	if (contains_ci(msg, "out of memory") ||
	    contains_ci(msg, "deadlocked on memory"))
		return DP_CLASS_OOM;
	if (contains_ci(msg, "hard lockup") || contains_ci(msg, "hardlockup"))
		return DP_CLASS_HARD_LOCKUP;
	if (contains_ci(msg, "RCU Stall"))
		return DP_CLASS_RCU_STALL;
	if (strstr(msg, "panic_on_warn"))
		return DP_CLASS_WARN;
	if (contains_ci(msg, "machine check") ||
	    contains_ci(msg, "hardware memory error") || strstr(msg, "MCE"))
		return DP_CLASS_MCE;
	// make_task_dead()/oops_end() after an oops (kernel/exit.c,
	// arch/x86/kernel/dumpstack.c).
	if (have_die && (triage_starts(msg, "Fatal exception") ||
			 triage_starts(msg, "Attempted to kill") ||
			 triage_starts(msg, "Aiee, killing interrupt")))
		return DP_CLASS_OOPS;
	return DP_CLASS_PANIC;
}

static void classify_panic_line(struct triage_ctx *c, size_t pidx)
{
	struct dp_triage_report *r = c->rep;
	const char *t = triage_skip_blank(triage_rec(c, pidx));
	const char *msg = t + strlen(PANIC_PREFIX);
	size_t die = find_die(c, pidx);
	r->panic_message = triage_strdup(c, t);
	r->have_panic_rec = true;
	r->panic_rec = pidx;
	c->trace_rec = pidx;
	who_after(c, pidx, &r->panicked);
	r->culprit = r->panicked;
	r->cls = class_of_panic(msg, die != NONE);
	switch (r->cls) {
	case DP_CLASS_OOPS:
		classify_oops(c, die);
		break;
	case DP_CLASS_SYSRQ:
		c->event_rec = find_last(c, pidx > 3 ? pidx - 3 : 0, pidx,
					 "sysrq: ");
		if (c->event_rec == NONE)
			c->event_rec = pidx;
		break;
	case DP_CLASS_SOFT_LOCKUP:
		classify_softlockup(c, pidx);
		break;
	case DP_CLASS_HARD_LOCKUP:
		classify_hardlockup(c, pidx);
		break;
	case DP_CLASS_HUNG_TASK:
		classify_hung(c, pidx);
		break;
	case DP_CLASS_OOM:
		classify_oom(c, pidx);
		break;
	case DP_CLASS_RCU_STALL:
		classify_rcu(c, pidx);
		break;
	case DP_CLASS_WARN:
		classify_warn(c, pidx);
		break;
	case DP_CLASS_MCE:
		classify_mce(c, pidx);
		break;
	default:
		c->event_rec = pidx;
		break;
	}
}

// The first die line at or after rec, within the report's opening lines.
static size_t die_after(const struct triage_ctx *c, size_t rec)
{
	for (size_t i = rec; i < c->in->nlog && i <= rec + 2 * TRIAGE_CONTEXT_RECS;
	     i++)
		if (is_die_line(triage_skip_blank(triage_rec(c, i))))
			return i;
	return NONE;
}

static bool oops_like(enum dp_triage_class cls)
{
	switch (cls) {
	case DP_CLASS_OOPS_NULL_DEREF: case DP_CLASS_OOPS_PAGING:
	case DP_CLASS_OOPS_GPF: case DP_CLASS_OOPS: case DP_CLASS_BUG:
	case DP_CLASS_DIVIDE_ERROR: case DP_CLASS_INVALID_OPCODE:
	case DP_CLASS_DOUBLE_FAULT: case DP_CLASS_LIST_CORRUPTION:
	case DP_CLASS_USERCOPY: case DP_CLASS_STACK_CORRUPTION:
		return true;
	default:
		return false;
	}
}

// Details of the subject report by its class, with the parsers above.
static void subject_details(struct triage_ctx *c, const struct triage_hit *h,
			    size_t rec, size_t pidx)
{
	struct dp_triage_report *r = c->rep;
	size_t die = die_after(c, rec);
	const char *t = triage_skip_blank(triage_rec(c, rec));
	if (oops_like(h->cls) && die != NONE) {
		classify_oops(c, die);
		c->event_rec = rec;
	} else if (h->cls == DP_CLASS_SOFT_LOCKUP) {
		classify_softlockup(c, rec + 1);
	} else if (h->cls == DP_CLASS_HARD_LOCKUP) {
		classify_hardlockup(c, rec + 1);
	} else if (h->cls == DP_CLASS_HUNG_TASK) {
		classify_hung(c, pidx != NONE ? pidx : c->in->nlog);
	} else if (h->cls == DP_CLASS_RCU_STALL) {
		classify_rcu_at(c, rec, pidx != NONE ? pidx : c->in->nlog);
	} else if (triage_starts(t, "WARNING: CPU: ")) {
		classify_warn(c, rec + 1);
	} else {
		who_after(c, rec, &r->culprit);
		if (triage_starts(t, "kernel BUG at "))
			parse_bug_at(c, t);
	}
	if (c->event_rec == NONE)
		c->event_rec = rec;
	if (c->trace_rec == NONE)
		c->trace_rec = rec;
	if (pidx != NONE) {
		r->panic_message = triage_strdup(c,
			triage_skip_blank(triage_rec(c, pidx)));
		r->have_panic_rec = true;
		r->panic_rec = pidx;
		if (r->panicked.pid < 0)
			who_after(c, pidx, &r->panicked);
	} else if (die != NONE) {
		r->panic_message = triage_strdup(c, t);
		r->have_panic_rec = true;
		r->panic_rec = die;
	}
	if (r->panicked.pid < 0 && r->have_panic_rec)
		r->panicked = r->culprit;
	if (r->culprit.pid < 0 && r->panicked.pid >= 0)
		r->culprit = r->panicked;
}

// The subject is a report (not a bare panic line): its kind is the class.
static void classify_subject(struct triage_ctx *c)
{
	const struct triage_hit *h = &c->hits[c->subject];
	size_t rec = c->lines[h->line].rec;
	size_t pidx = triage_subject_panicked(c) ?
		      find_last(c, rec, c->in->nlog, PANIC_PREFIX) : NONE;
	subject_details(c, h, rec, pidx);
	c->rep->cls = h->cls;
	// The subject did not panic, a later report did (a WARN without
	// panic_on_warn, then another task's panic): the log still names
	// the crash and the task that raised it.
	struct dp_triage_report *r = c->rep;
	size_t line = r->panic_message ? NONE : triage_later_panic(c);
	size_t later = line != NONE ? c->lines[line].rec : NONE;
	if (later != NONE) {
		r->panic_message = triage_strdup(c,
			triage_skip_blank(triage_rec(c, later)));
		r->have_panic_rec = true;
		r->panic_rec = later;
		if (r->panicked.pid < 0)
			who_after(c, later, &r->panicked);
	}
}

void triage_classify(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	size_t n = c->in->nlog;
	triage_find_reports(c);
	if (c->subject != NONE &&
	    !triage_starts(c->hits[c->subject].kind->hdr, "Kernel panic")) {
		classify_subject(c);
		return;
	}
	size_t pidx = find_last(c, 0, n, PANIC_PREFIX);
	if (pidx != NONE) {
		classify_panic_line(c, pidx);
		// Panic messages that name their own kind (stack-protector,
		// corrupted stack end, kernel stack overflow).
		if (c->subject != NONE &&
		    c->hits[c->subject].cls != DP_CLASS_PANIC)
			r->cls = c->hits[c->subject].cls;
		return;
	}
	// With kdump loaded and panic_on_oops, oops_end() calls crash_kexec()
	// before panic(): the die line is the last word.
	size_t die = find_die(c, n);
	if (die != NONE) {
		classify_oops(c, die);
		r->panic_message = triage_strdup(c,
			triage_skip_blank(triage_rec(c, c->event_rec)));
		r->have_panic_rec = true;
		r->panic_rec = die;
		return;
	}
	r->cls = c->in->panicked ? DP_CLASS_UNKNOWN : DP_CLASS_NO_PANIC;
	if (c->in->panicked)
		triage_note(c, "the dump says the kernel panicked, but the "
			       "log has no panic or Oops message");
}

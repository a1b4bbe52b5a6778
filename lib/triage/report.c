// SPDX-License-Identifier: MIT
// dp_triage_analyze(): classify, find the culprit and guilty frame, make
// the bucket id and the summary. Pure: reads only the input model.
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reports.h"

#define NONE SIZE_MAX

static const struct {
	const char *name;
	const char *desc;
} classes[DP_CLASS_COUNT] = {
	[DP_CLASS_UNKNOWN] = { "UNKNOWN", "panic of unrecognised cause" },
	[DP_CLASS_NO_PANIC] = { "NO_PANIC", "no panic (live or hung system)" },
	[DP_CLASS_SYSRQ] = { "SYSRQ_CRASH", "SysRq-triggered crash" },
	[DP_CLASS_PANIC] = { "PANIC", "explicit panic() call" },
	[DP_CLASS_OOPS_NULL_DEREF] = { "OOPS_NULL_DEREF",
				       "NULL pointer dereference" },
	[DP_CLASS_OOPS_PAGING] = { "OOPS_PAGING_FAULT",
				   "unable to handle page fault" },
	[DP_CLASS_OOPS_GPF] = { "OOPS_GPF", "general protection fault" },
	[DP_CLASS_OOPS] = { "OOPS", "kernel Oops" },
	[DP_CLASS_BUG] = { "BUG", "BUG() assertion" },
	[DP_CLASS_SOFT_LOCKUP] = { "SOFT_LOCKUP", "soft lockup" },
	[DP_CLASS_HARD_LOCKUP] = { "HARD_LOCKUP",
				   "hard lockup (NMI watchdog)" },
	[DP_CLASS_HUNG_TASK] = { "HUNG_TASK", "hung task" },
	[DP_CLASS_OOM] = { "OOM", "out of memory" },
	[DP_CLASS_RCU_STALL] = { "RCU_STALL", "RCU stall" },
	[DP_CLASS_WARN] = { "WARN", "WARN() / WARN_ON()" },
	[DP_CLASS_MCE] = { "MCE", "machine check (hardware error)" },
	[DP_CLASS_KASAN] = { "KASAN", "KASAN memory error" },
	[DP_CLASS_KMSAN] = { "KMSAN", "KMSAN uninitialised value use" },
	[DP_CLASS_KFENCE] = { "KFENCE", "KFENCE memory error" },
	[DP_CLASS_KCSAN] = { "KCSAN", "KCSAN data race" },
	[DP_CLASS_UBSAN] = { "UBSAN", "UBSAN undefined behaviour" },
	[DP_CLASS_MEMLEAK] = { "MEMLEAK", "kmemleak memory leak" },
	[DP_CLASS_LOCKDEP] = { "LOCKDEP", "locking bug (lockdep)" },
	[DP_CLASS_INVALID_CONTEXT] = { "INVALID_CONTEXT",
				       "sleeping or scheduling in atomic "
				       "context" },
	[DP_CLASS_REFCOUNT] = { "REFCOUNT", "refcount_t misuse" },
	[DP_CLASS_ODEBUG] = { "ODEBUG", "debug objects: object misuse" },
	[DP_CLASS_BAD_PAGE] = { "BAD_PAGE", "bad page state" },
	[DP_CLASS_STACK_CORRUPTION] = { "STACK_CORRUPTION",
					"kernel stack overflow or "
					"corruption" },
	[DP_CLASS_DOUBLE_FAULT] = { "DOUBLE_FAULT", "double fault" },
	[DP_CLASS_DIVIDE_ERROR] = { "DIVIDE_ERROR", "divide error" },
	[DP_CLASS_INVALID_OPCODE] = { "INVALID_OPCODE", "invalid opcode" },
	[DP_CLASS_LIST_CORRUPTION] = { "LIST_CORRUPTION",
				       "list corruption" },
	[DP_CLASS_USERCOPY] = { "USERCOPY", "bad usercopy" },
};

const char *dp_triage_class_name(enum dp_triage_class cls)
{
	return cls < DP_CLASS_COUNT ? classes[cls].name : "UNKNOWN";
}

const char *dp_triage_class_description(enum dp_triage_class cls)
{
	return cls < DP_CLASS_COUNT ? classes[cls].desc : "unknown";
}

const char *dp_triage_source_name(enum dp_triage_source src)
{
	switch (src) {
	case DP_SOURCE_STACK: return "stack";
	case DP_SOURCE_LOG: return "log";
	default: return "none";
	}
}

static void free_entries(struct dp_triage_blocked *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < b[i].nframes; k++) {
			free((char *)b[i].frames[k].function);
			free((char *)b[i].frames[k].module);
		}
		free(b[i].frames);
		free(b[i].wait_function);
	}
	free(b);
}

void dp_triage_report_destroy(struct dp_triage_report *r)
{
	if (!r)
		return;
	free(r->panic_message);
	free(r->summary);
	free(r->fault_access);
	free(r->bug_file);
	free(r->detail);
	free_entries(r->blocked, r->nblocked);
	free_entries(r->running, r->nrunning);
	free(r->memusers);
	free(r->guilty_function);
	free(r->guilty_symbol);
	free(r->guilty_module);
	free(r->guilty_module_taints);
	free(r->bucket);
	for (size_t i = 0; i < r->nbacktrace; i++) {
		free((char *)r->backtrace[i].function);
		free((char *)r->backtrace[i].module);
	}
	free(r->backtrace);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->title);
	for (size_t i = 0; i < r->nreports; i++) {
		free(r->reports[i].title);
		free(r->reports[i].function);
		free(r->reports[i].symbol);
		free(r->reports[i].module);
		free(r->reports[i].header);
	}
	free(r->reports);
	free(r->subject_reason);
	free(r);
}

static void clear_who(struct dp_triage_who *w)
{
	w->pid = -1;
	w->cpu = -1;
	w->comm[0] = '\0';
}

// The dump's panic task (panic_cpu's current) is authoritative for who
// raised the panic; the log's "CPU: .. PID: .. Comm:" line confirms it.
static void merge_panic_task(struct triage_ctx *c)
{
	const struct dp_triage_input *in = c->in;
	struct dp_triage_report *r = c->rep;
	const struct dp_triage_task *t = in->panic_task;
	if (!t && in->have_panic_cpu) {
		// Only the CPU is known (no kernel model): it confirms the log.
		if (r->panicked.cpu >= 0 && r->panicked.cpu != in->panic_cpu)
			triage_note(c, "the log says CPU %d panicked, the dump's "
				       "panic_cpu is %d; using the dump",
				    (int)r->panicked.cpu, (int)in->panic_cpu);
		if (r->culprit.pid == r->panicked.pid &&
		    r->culprit.cpu == r->panicked.cpu)
			r->culprit.cpu = in->panic_cpu;
		r->panicked.cpu = in->panic_cpu;
	}
	if (!t)
		return;
	struct dp_triage_who d = { .pid = t->pid,
				   .cpu = in->have_panic_cpu ? in->panic_cpu :
					  t->cpu };
	triage_set_comm(&d, t->comm ? t->comm : "",
			t->comm ? strlen(t->comm) : 0);
	if (r->panicked.pid >= 0 && r->panicked.pid != d.pid)
		triage_note(c, "the log says pid %d (%s) panicked, the dump's "
			       "panic CPU runs pid %d (%s); using the dump",
			    (int)r->panicked.pid, r->panicked.comm,
			    (int)d.pid, d.comm);
	bool same = r->culprit.pid == r->panicked.pid &&
		    !strcmp(r->culprit.comm, r->panicked.comm);
	r->panicked = d;
	if (same || r->culprit.pid < 0)
		r->culprit = d;
}

/*
 * The last record of the kernel report that starts at anchor (its first
 * line: BUG:, a watchdog line, the panic line...). A report goes on with
 * Oops:, CPU:, RIP:, the registers, the call trace, "Modules linked in:"
 * and, when the kernel got that far, "---[ end trace ... ]---" and the
 * panic line (lib/dump_stack.c, arch/x86/kernel/dumpstack.c, kernel/
 * panic.c); with kdump the log usually ends inside it. So: every record
 * up to the end of the log, stopping after a "---[ end " marker that
 * follows the panic record, at most TRIAGE_REPORT_RECS records.
 */
#define TRIAGE_REPORT_RECS 150	/* records of one kernel report, at most */

static size_t report_end(const struct dp_triage_input *in, size_t anchor)
{
	size_t end = anchor;
	for (size_t i = anchor + 1;
	     i < in->nlog && i - anchor <= TRIAGE_REPORT_RECS; i++) {
		const char *t = in->log[i].text;
		end = i;
		if (!strncmp(t, "---[ end Kernel panic", 21))
			break;
	}
	return end;
}

static void evidence_range(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	size_t n = c->in->nlog;
	if (!n)
		return;
	size_t anchor = c->event_rec != NONE ? c->event_rec :
			r->have_panic_rec ? r->panic_rec : n - 1;
	if (r->have_panic_rec && r->panic_rec < anchor)
		anchor = r->panic_rec;
	size_t first = anchor > TRIAGE_EVIDENCE_RECS ?
		       anchor - TRIAGE_EVIDENCE_RECS : 0;
	r->log_first = first;
	r->log_count = report_end(c->in, anchor) - first + 1;
}

struct dp_error *dp_triage_analyze(const struct dp_triage_input *in,
				   struct dp_triage_report **ret)
{
	struct dp_triage_report *r = calloc(1, sizeof(*r));
	if (!r)
		return &dp_enomem;
	struct triage_ctx c = { .in = in, .rep = r, .event_rec = NONE,
				.trace_rec = NONE, .subject = NONE };
	clear_who(&r->panicked);
	clear_who(&r->culprit);
	r->lockup_cpu = -1;
	r->lockup_seconds = -1;
	if (in->log_error)
		triage_note(&c, "no kernel log: %s", in->log_error);
	else if (!in->nlog)
		triage_note(&c, "the kernel log is empty");
	if (in->dump_warning)
		triage_note(&c, "%s", in->dump_warning);
	if (in->tasks_error)
		triage_note(&c, "no task stacks: %s", in->tasks_error);
	triage_classify(&c);
	if (r->cls != DP_CLASS_NO_PANIC)
		merge_panic_task(&c);
	triage_dump_tasks(&c);
	if (r->cls == DP_CLASS_HUNG_TASK && r->nblocked &&
	    r->culprit.pid < 0)
		r->culprit = r->blocked[0].task;
	triage_find_guilty(&c);
	triage_export_reports(&c);
	triage_make_title(&c);
	triage_make_bucket(&c);
	evidence_range(&c);
	triage_make_summary(&c);
	triage_free_hits(&c);
	triage_free_lines(&c);
	if (c.nomem) {
		dp_triage_report_destroy(r);
		return &dp_enomem;
	}
	*ret = r;
	return NULL;
}

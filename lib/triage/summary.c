// SPDX-License-Identifier: MIT
// The report's one-paragraph summary, written for a sysadmin who will
// forward it: what happened, where, who, and what the taint says.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void who(FILE *f, const struct dp_triage_who *w)
{
	if (w->pid < 0 && !w->comm[0]) {
		fputs("an unknown task", f);
		return;
	}
	fprintf(f, "task %s", w->comm[0] ? w->comm : "?");
	if (w->pid >= 0)
		fprintf(f, " (pid %d)", (int)w->pid);
	if (w->cpu >= 0)
		fprintf(f, " on CPU %d", (int)w->cpu);
}

static void where(FILE *f, const struct dp_triage_report *r)
{
	if (!r->guilty_function) {
		fputs("an unidentified function", f);
		return;
	}
	fputs(r->guilty_symbol ? r->guilty_symbol : r->guilty_function, f);
	if (r->guilty_module)
		fprintf(f, " in module %s", r->guilty_module);
	else
		fputs(" in the kernel image", f);
}

// The kinds of report beyond the classic panics: sanitizers, lockdep,
// checkers, exceptions.
static void report_sentence(FILE *f, const struct dp_triage_report *r,
			    bool panicked)
{
	const char *what = dp_triage_class_description(r->cls);
	fprintf(f, "The kernel reported %s %s (\"%s\") in ",
		strchr("aeiou", what[0]) ? "an" : "a", what,
		r->title ? r->title : "");
	where(f, r);
	fputs(", in ", f);
	who(f, &r->culprit);
	fputs(panicked ? "; the kernel panicked." :
	      "; the kernel did not panic on it.", f);
}

// panicked: this report made the kernel panic (a panic line may also
// follow a report that did not: a WARN, then an unrelated panic).
static void class_sentence(FILE *f, const struct dp_triage_report *r,
			   bool panicked)
{
	switch (r->cls) {
	case DP_CLASS_SYSRQ:
		fputs("The crash was triggered on purpose with SysRq-c "
		      "(echo c > /proc/sysrq-trigger) by ", f);
		who(f, &r->culprit);
		fputs("; this is an operator action, not a kernel bug.", f);
		break;
	case DP_CLASS_PANIC:
		fprintf(f, "Kernel code called panic(\"%s\") explicitly from ",
			r->panic_message && strstr(r->panic_message, ": ") ?
			strstr(r->panic_message, ": ") + 2 : "");
		where(f, r);
		fputs(", in ", f);
		who(f, &r->culprit);
		fputc('.', f);
		break;
	case DP_CLASS_OOPS_NULL_DEREF: case DP_CLASS_OOPS_PAGING:
	case DP_CLASS_OOPS_GPF: case DP_CLASS_OOPS:
		fprintf(f, "The kernel crashed with an Oops: %s",
			dp_triage_class_description(r->cls));
		if (r->has_fault_address)
			fprintf(f, " at address 0x%llx",
				(unsigned long long)r->fault_address);
		if (r->fault_access)
			fprintf(f, " (%s)", r->fault_access);
		fputs(", in ", f);
		where(f, r);
		fputs(", while ", f);
		who(f, &r->culprit);
		fputs(" was running.", f);
		break;
	case DP_CLASS_BUG:
		fputs("A BUG() assertion failed", f);
		if (r->bug_file)
			fprintf(f, " at %s:%d", r->bug_file, r->bug_line);
		fputs(", in ", f);
		where(f, r);
		fputs(", in ", f);
		who(f, &r->culprit);
		fputc('.', f);
		break;
	case DP_CLASS_SOFT_LOCKUP:
		fprintf(f, "CPU %d was stuck in kernel code", r->lockup_cpu);
		if (r->lockup_seconds >= 0)
			fprintf(f, " for %d s", r->lockup_seconds);
		fputs(" without scheduling (soft lockup) in ", f);
		where(f, r);
		fputs(", running ", f);
		who(f, &r->culprit);
		fputs(panicked ?
		      "; softlockup_panic turned it into a panic." :
		      "; the kernel did not panic on it.", f);
		break;
	case DP_CLASS_HARD_LOCKUP:
		fprintf(f, "CPU %d stopped taking interrupts (hard lockup, "
			   "detected by the NMI watchdog) in ", r->lockup_cpu);
		where(f, r);
		fputs(", running ", f);
		who(f, &r->culprit);
		fputc('.', f);
		break;
	case DP_CLASS_HUNG_TASK:
		if (!r->nblocked) {
			fputs("The hung task detector panicked, but the "
			      "blocked tasks are not known.", f);
			break;
		}
		fputs(panicked ?
		      "The hung task detector (khungtaskd) raised the panic "
		      "because " : "The hung task detector (khungtaskd) "
		      "reported that ", f);
		who(f, &r->blocked[0].task);
		fputs(" was blocked in uninterruptible sleep (D state)", f);
		if (r->blocked[0].blocked_s >= 0)
			fprintf(f, " for at least %lld s",
				(long long)r->blocked[0].blocked_s);
		fputs(", waiting in ", f);
		where(f, r);
		fprintf(f, "; %zu task(s) blocked in all. khungtaskd only "
			   "reported it; the blocked task is the culprit.",
			r->nblocked);
		break;
	case DP_CLASS_OOM:
		fputs("The system ran out of memory and panic_on_oom turned "
		      "it into a panic.", f);
		if (r->nmemusers)
			fprintf(f, " The biggest memory user was %s (pid %d) "
				   "with %llu MiB resident.",
				r->memusers[0].task.comm,
				(int)r->memusers[0].task.pid,
				(unsigned long long)(r->memusers[0].rss_pages *
						     4 / 1024));
		if (r->have_mem)
			fprintf(f, " Memory: %llu MiB total, %llu MiB free.",
				(unsigned long long)(r->mem_total_kb / 1024),
				(unsigned long long)(r->mem_free_kb / 1024));
		break;
	case DP_CLASS_RCU_STALL:
		fputs("RCU detected a stall", f);
		if (r->lockup_cpu >= 0)
			fprintf(f, " on CPU %d", r->lockup_cpu);
		fputs(" (a CPU did not pass a quiescent state), in ", f);
		where(f, r);
		fputs(", running ", f);
		who(f, &r->culprit);
		fputs(panicked ?
		      "; panic_on_rcu_stall turned it into a panic." :
		      "; the kernel did not panic on it.", f);
		break;
	case DP_CLASS_WARN:
		fputs("A WARN() fired", f);
		if (r->bug_file)
			fprintf(f, " at %s:%d", r->bug_file, r->bug_line);
		fputs(" in ", f);
		where(f, r);
		fputs(", in ", f);
		who(f, &r->culprit);
		fputs(panicked ?
		      ", and panic_on_warn turned it into a panic." :
		      "; the kernel did not panic on it.", f);
		break;
	case DP_CLASS_MCE:
		fprintf(f, "The CPU reported a fatal machine check (a hardware "
			   "error): %s. Check the memory and CPU hardware.",
			r->detail ? r->detail : "no details in the log");
		break;
	case DP_CLASS_NO_PANIC:
		fprintf(f, "The kernel did not panic: this is a dump of a "
			   "running or hung system. %zu task(s) in D state.",
			r->nblocked);
		for (size_t i = 0; i < r->nrunning; i++)
			fprintf(f, " CPU %d runs %s (pid %d)%s%s.",
				(int)r->running[i].task.cpu,
				r->running[i].task.comm,
				(int)r->running[i].task.pid,
				r->running[i].wait_function ? " in " : ", idle",
				r->running[i].wait_function ?
				r->running[i].wait_function : "");
		break;
	default:
		if (r->cls > DP_CLASS_MCE) {
			report_sentence(f, r, panicked);
			break;
		}
		fprintf(f, "The kernel panicked, but the cause was not "
			   "recognised (\"%s\").",
			r->panic_message ? r->panic_message : "no message");
		break;
	}
}

static void taint_sentence(FILE *f, const struct dp_triage_report *r)
{
	if (r->guilty_module && r->guilty_module_taints &&
	    r->guilty_module_taints[0]) {
		fprintf(f, " Module %s is", r->guilty_module);
		const char *sep = "";
		if (r->guilty_out_of_tree) {
			fputs(" out-of-tree", f);
			sep = " and";
		}
		if (r->guilty_unsigned) {
			fprintf(f, "%s unsigned", sep);
			sep = " and";
		}
		if (r->guilty_proprietary)
			fprintf(f, "%s proprietary", sep);
		fprintf(f, " (taint %s).", r->guilty_module_taints);
	}
	// Said once: the module's letters are the whole kernel taint.
	if (!r->have_taint || (r->guilty_module && r->guilty_module_taints &&
	    r->guilty_module_taints[0] && r->taint_mask ==
	    dp_triage_taint_from_letters(r->guilty_module_taints)))
		return;
	if (!r->taint_mask) {
		fputs(" The kernel is not tainted.", f);
		return;
	}
	fprintf(f, " Kernel taint %s:", r->taint_letters);
	const char *sep = " ";
	for (unsigned int b = 0; b < 64; b++) {
		if (!(r->taint_mask & (1ull << b)))
			continue;
		const char *d = dp_triage_taint_description(b);
		fprintf(f, "%s%s", sep, d ? d : "unknown flag");
		sep = ", ";
	}
	fputc('.', f);
}

void triage_make_summary(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		c->nomem = true;
		return;
	}
	// A panic of another task than the subject's is not the subject's.
	size_t later = triage_later_panic(c);
	class_sentence(f, r, r->panic_message && later == SIZE_MAX);
	if (later != SIZE_MAX)
		fprintf(f, " A later report panicked the kernel: \"%s\".",
			triage_skip_blank(c->lines[later].s));
	taint_sentence(f, r);
	if (r->bucket)
		fprintf(f, " Bucket: %s (%s).", r->bucket, r->bucket_hash);
	if (fclose(f) != 0 || !buf) {
		free(buf);
		c->nomem = true;
		return;
	}
	r->summary = buf;
}

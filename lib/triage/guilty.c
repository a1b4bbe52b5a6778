// SPDX-License-Identifier: MIT
// The guilty frame: the first frame of the culprit's stack that is not on
// the skip list (skiplist.c), taken from the dump's unwound stack when
// there is one, else from the kernel log (the kernel-mode RIP line of the
// report, then the printed call trace). Then the module that owns it and
// the module's taint letters, and the kernel's taint mask.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reports.h"

#define NONE SIZE_MAX

static bool set_guilty(struct triage_ctx *c, const char *fn, const char *mod,
		       uint64_t off, uint64_t size, enum dp_triage_source src)
{
	struct dp_triage_report *r = c->rep;
	char norm[128];
	dp_triage_normalize_function(fn, norm, sizeof(norm));
	r->guilty_function = triage_strdup(c, norm);
	if (size)
		r->guilty_symbol = triage_printf(c, "%s+0x%llx/0x%llx", fn,
						 (unsigned long long)off,
						 (unsigned long long)size);
	else
		r->guilty_symbol = triage_printf(c, "%s+0x%llx", fn,
						 (unsigned long long)off);
	r->guilty_module = triage_strdup(c, mod);
	r->guilty_source = src;
	return true;
}

static bool pick(struct triage_ctx *c, const struct dp_triage_frame *f,
		 size_t n, enum dp_triage_source src)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].unreliable || !f[i].function ||
		    dp_triage_skip_function(f[i].function))
			continue;
		return set_guilty(c, f[i].function, f[i].module, f[i].offset,
				  f[i].size, src);
	}
	return false;
}

// The culprit's stack from the dump, if the input has it.
static const struct dp_triage_task *culprit_task(const struct triage_ctx *c)
{
	const struct dp_triage_report *r = c->rep;
	const struct dp_triage_task *t = triage_find_task(c, r->culprit.pid);
	if (!t && r->culprit.pid < 0 && c->in->panic_task)
		t = c->in->panic_task;
	return t;
}

static void set_backtrace(struct triage_ctx *c, const struct dp_triage_frame *f,
			  size_t n, enum dp_triage_source src)
{
	struct dp_triage_report *r = c->rep;
	// An unreliable "? " guess never heads the backtrace.
	while (n && f[0].unreliable) {
		f++;
		n--;
	}
	if (n > TRIAGE_MAX_FRAMES)
		n = TRIAGE_MAX_FRAMES;
	r->backtrace = triage_copy_frames(c, f, n);
	r->nbacktrace = r->backtrace ? n : 0;
	r->backtrace_source = src;
}

// Classes whose report prints the faulting context as a RIP line.
static bool has_rip_line(enum dp_triage_class cls)
{
	switch (cls) {
	case DP_CLASS_OOPS_NULL_DEREF: case DP_CLASS_OOPS_PAGING:
	case DP_CLASS_OOPS_GPF: case DP_CLASS_OOPS: case DP_CLASS_BUG:
	case DP_CLASS_SOFT_LOCKUP: case DP_CLASS_HARD_LOCKUP:
	case DP_CLASS_RCU_STALL: case DP_CLASS_WARN:
		return true;
	default:
		return false;
	}
}

// The log's call trace printed after c->trace_rec, as report frames.
static struct dp_triage_frame *log_trace(struct triage_ctx *c, size_t *n)
{
	struct triage_logframe fr[TRIAGE_MAX_FRAMES];
	*n = 0;
	if (c->trace_rec == NONE)
		return NULL;
	size_t k = triage_log_trace(c, c->trace_rec, fr, TRIAGE_MAX_FRAMES);
	struct dp_triage_frame *frames = triage_logframes_to_frames(c, fr, k);
	if (frames)
		*n = k;
	return frames;
}

static void free_frames(struct dp_triage_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)f[i].function);
		free((char *)f[i].module);
	}
	free(f);
}

static bool guilty_from_log(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	size_t n;
	struct dp_triage_frame *frames = log_trace(c, &n);
	bool adopted = false;
	if (frames && !r->backtrace) {
		set_backtrace(c, frames, n, DP_SOURCE_LOG);
	}
	bool ok = false;
	struct triage_logframe f;
	if (c->event_rec != NONE && has_rip_line(r->cls)) {
		for (size_t i = c->event_rec;
		     i < c->in->nlog && i <= c->event_rec + 2 * TRIAGE_CONTEXT_RECS;
		     i++) {
			if (!triage_parse_kernel_rip(triage_rec(c, i), &f))
				continue;
			if (!dp_triage_skip_function(f.function))
				ok = set_guilty(c, f.function,
						f.has_module ? f.module : NULL,
						f.offset, f.size, DP_SOURCE_LOG);
			break;
		}
	}
	if (!ok && frames)
		ok = pick(c, frames, n, DP_SOURCE_LOG);
	if (!adopted)
		free_frames(frames, n);
	return ok;
}

// "Modules linked in: crashme(OE) qemu_fw_cfg ..." (kernel/module/main.c
// print_modules): the module's taint letters as the log shows them.
static char *taints_from_log(struct triage_ctx *c, const char *mod)
{
	size_t len = strlen(mod);
	for (size_t i = c->in->nlog; i-- > 0;) {
		const char *t = triage_skip_blank(triage_rec(c, i));
		if (!triage_starts(t, "Modules linked in:"))
			continue;
		for (const char *p = strstr(t, mod); p; p = strstr(p + 1, mod)) {
			if (p[-1] != ' ' || (p[len] != '(' && p[len] != ' ' &&
					     p[len] && p[len] != '\n'))
				continue;
			if (p[len] != '(')
				return triage_strdup(c, "");
			size_t n = strcspn(p + len + 1, ")");
			return triage_strndup(c, p + len + 1, n);
		}
		return NULL;
	}
	return NULL;
}

// When no "Modules linked in:" line names the module, the load-time
// messages do (kernel/module/main.c: "loading out-of-tree module taints
// kernel.", "module verification failed: ... - tainting kernel",
// "module license '%s' taints kernel.", staging "module is from the
// staging directory").
static char *taints_from_load(struct triage_ctx *c, const char *mod)
{
	static const struct {
		const char *msg;
		char letter;
	} load[] = {
		{ "module license ", 'P' },
		{ "module is from the staging directory", 'C' },
		{ "loading out-of-tree module taints kernel", 'O' },
		{ "module verification failed", 'E' },
	};
	char letters[8];
	size_t n = 0, len = strlen(mod);
	bool seen[4] = { false };
	for (size_t i = 0; i < c->in->nlog; i++) {
		const char *t = triage_skip_blank(triage_rec(c, i));
		if (strncmp(t, mod, len) || strncmp(t + len, ": ", 2))
			continue;
		for (size_t k = 0; k < 4; k++)
			if (!seen[k] && triage_starts(t + len + 2, load[k].msg) &&
			    (k || strstr(t, "taints kernel")))
				seen[k] = true;
	}
	for (size_t k = 0; k < 4; k++)
		if (seen[k])
			letters[n++] = load[k].letter;
	letters[n] = '\0';
	return n ? triage_strdup(c, letters) : NULL;
}

static void module_facts(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	const char *mod = r->guilty_module;
	if (!mod)
		return;
	const struct dp_triage_input *in = c->in;
	for (size_t i = 0; i < in->nmodules; i++)
		if (in->modules[i].name && !strcmp(in->modules[i].name, mod) &&
		    in->modules[i].taints)
			r->guilty_module_taints =
				triage_strdup(c, in->modules[i].taints);
	if (!r->guilty_module_taints)
		r->guilty_module_taints = taints_from_log(c, mod);
	if (!r->guilty_module_taints)
		r->guilty_module_taints = taints_from_load(c, mod);
	const char *t = r->guilty_module_taints;
	if (!t)
		return;
	r->guilty_out_of_tree = strchr(t, 'O') != NULL;
	r->guilty_unsigned = strchr(t, 'E') != NULL;
	r->guilty_proprietary = strchr(t, 'P') != NULL;
}

// The last "Tainted: <letters>" / "Not tainted" the kernel printed.
static void taint_from_log(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	for (size_t i = c->in->nlog; i-- > 0;) {
		const char *t = triage_rec(c, i);
		const char *p = strstr(t, "Tainted: ");
		if (!p) {
			if (strstr(t, " Not tainted ")) {
				r->have_taint = true;
				r->taint_mask = 0;
				return;
			}
			continue;
		}
		char letters[40];
		size_t n = 0;
		for (p += 9; (isupper((unsigned char)*p) || *p == ' ') &&
			     n + 1 < sizeof(letters); p++)
			letters[n++] = *p;
		letters[n] = '\0';
		r->have_taint = true;
		r->taint_mask = dp_triage_taint_from_letters(letters);
		return;
	}
}

// The subject report's rule (reports.c) named a frame: it is the guilty
// one, with the stack the rule read as the backtrace.
static bool guilty_from_report(struct triage_ctx *c)
{
	const struct triage_hit *h = &c->hits[c->subject];
	struct dp_triage_report *r = c->rep;
	if (!h->function[0])
		return false;
	r->guilty_function = triage_strdup(c, h->function);
	r->guilty_symbol = triage_strdup(c, h->symbol);
	r->guilty_module = h->module[0] ? triage_strdup(c, h->module) : NULL;
	r->guilty_source = DP_SOURCE_LOG;
	if (!r->backtrace && h->nframes) {
		size_t n;
		struct dp_triage_frame *f =
			triage_logframes_to_frames(c, h->frames, h->nframes);
		n = f ? h->nframes : 0;
		set_backtrace(c, f, n, DP_SOURCE_LOG);
		free_frames(f, n);
	}
	return true;
}

// Does the dump's stack of the culprit tell this report's story? Only
// for the report that panicked, and only for the classes whose culprit
// is the running task (not sanitizer or lockdep reports, whose report
// frames are machinery the stack cannot tell apart). The exceptions that
// die in the faulting code (divide error, invalid opcode) and the list
// checker's BUG (its frames are on the skip list) are such classes.
static bool stack_tells(const struct triage_ctx *c)
{
	enum dp_triage_class k = c->rep->cls;
	if (c->subject == SIZE_MAX)
		return true;
	return (k <= DP_CLASS_MCE || k == DP_CLASS_DIVIDE_ERROR ||
		k == DP_CLASS_INVALID_OPCODE ||
		k == DP_CLASS_LIST_CORRUPTION) && triage_subject_panicked(c);
}

void triage_find_guilty(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	if (c->in->have_taint) {
		r->have_taint = true;
		r->taint_mask = c->in->taint_mask;
	} else {
		taint_from_log(c);
	}
	if (r->have_taint)
		dp_triage_taint_letters(r->taint_mask, r->taint_letters,
					sizeof(r->taint_letters));
	// Hardware and whole-system states have no guilty code; an OOM is
	// caused by a process, not by the code that happened to allocate
	// when memory ran out (docs/triage.md).
	if (r->cls == DP_CLASS_MCE || r->cls == DP_CLASS_NO_PANIC ||
	    r->cls == DP_CLASS_OOM)
		return;
	bool found = false;
	bool dump_stacks = stack_tells(c);
	if (!dump_stacks || !c->in->ntasks) {
		if (c->subject != SIZE_MAX && guilty_from_report(c)) {
			module_facts(c);
			return;
		}
	}
	if (r->cls == DP_CLASS_HUNG_TASK && r->nblocked) {
		const struct dp_triage_task *t =
			triage_find_task(c, r->blocked[0].task.pid);
		enum dp_triage_source src = t && t->nframes ?
			DP_SOURCE_STACK : DP_SOURCE_LOG;
		set_backtrace(c, r->blocked[0].frames, r->blocked[0].nframes,
			      src);
		found = pick(c, r->blocked[0].frames, r->blocked[0].nframes,
			     src);
	} else {
		const struct dp_triage_task *t = culprit_task(c);
		if (t && t->nframes) {
			set_backtrace(c, t->frames, t->nframes,
				      DP_SOURCE_STACK);
			found = pick(c, t->frames, t->nframes,
				     DP_SOURCE_STACK);
			if (!found)
				triage_note(c, "every frame of the unwound "
					       "stack of pid %d is on the skip "
					       "list; using the log",
					    (int)t->pid);
		}
	}
	if (!found && !(r->cls == DP_CLASS_HUNG_TASK && r->nblocked))
		found = guilty_from_log(c);
	if (!found && r->cls != DP_CLASS_OOM)
		triage_note(c, "no guilty frame: no stack frame outside the "
			       "skip list");
	module_facts(c);
}

// SPDX-License-Identifier: MIT
// Reading the stacks of one kernel report: walking its lines (skipping
// what other CPUs or tasks printed in between), the instruction pointer
// line, the call trace and the frames after a marker line, in the layouts
// of arch/x86/kernel/dumpstack.c (" sym+0x1/0x2 [mod]", "<IRQ>", "<TASK>",
// and before 4.15 " [<ffffffff81234567>] ? sym+0x1/0x2") and
// arch/arm64/kernel/stacktrace.c ("Call trace:", " sym+0x1/0x2").
#include <ctype.h>
#include <string.h>

#include "internal.h"
#include "reports.h"

void triage_walk_init(struct triage_walk *w, const struct triage_ctx *c,
		      const struct triage_hit *h, size_t from)
{
	w->c = c;
	w->i = from;
	w->end = h->end;
	w->caller = c->lines[h->line].caller;
	w->nmi = false;
	w->skip_nmi = false;
	w->after_irq = false;
	w->cur = SIZE_MAX;
}

// Lines after which a stack has ended.
static bool trace_end(const char *t)
{
	static const char *const end[] = {
		"</TASK>", "---[ end", "Kernel panic", "Call Trace:",
		"Call trace:", "NMI backtrace for cpu", "Showing all locks held",
		"Modules linked in:", "Sending NMI from CPU",
	};
	for (size_t i = 0; i < sizeof(end) / sizeof(end[0]); i++)
		if (triage_starts(t, end[i]))
			return true;
	return triage_stack_start(t);
}

const char *triage_walk_next(struct triage_walk *w)
{
	const struct triage_ctx *c = w->c;
	while (w->i < w->end && w->i < c->nlines) {
		const struct triage_line *l = &c->lines[w->i++];
		// Other CPUs' lines are part of the report once it asked them
		// for backtraces (lib/nmi_backtrace.c).
		bool mine = !w->caller || l->caller == w->caller ||
			    (w->nmi && l->caller >> 24 == 'C');
		if (!mine)
			continue;
		if (strstr(l->s, "Sending NMI from CPU") ||
		    strstr(l->s, "NMI backtrace for cpu"))
			w->nmi = true;
		w->cur = w->i - 1;
		return triage_skip_blank(l->s);
	}
	return NULL;
}

// Lines between or around frames that neither are frames nor end a trace.
static bool filler(const char *t)
{
	static const char *const fill[] = {
		"<TASK>", "<IRQ>", "</IRQ>", "<NMI>", "</NMI>", "<#DF>",
		"</#DF>", "<SOFTIRQ>", "</SOFTIRQ>", "<EOI>", "RIP: ", "RSP: ",
		"RAX: ", "RBX: ", "RDX: ", "RBP: ", "R08: ", "R10: ", "R13: ",
		"Code: ", "FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ", "DR6: ",
		"PKRU: ", "Stack:", "lr : ", "sp : ", "pc : ", "pstate: ",
		"Exception stack", "irq event stamp:", "hardirqs last",
		"softirqs last", "---[ end trace", "Call Trace:", "Call trace:",
		"EFLAGS: ", "ORIG_RAX", "Hardware name:", "Workqueue:",
	};
	if (!*t)
		return true;
	// A symbolized log's inlined frames ("f file.c:12 [inline]").
	size_t len = strlen(t);
	if (len > 8 && !strcmp(t + len - 8, "[inline]"))
		return true;
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++)
		if (triage_starts(t, fill[i]))
			return true;
	// arm64 registers "x29: ffff800008003e10 x28: ..." and x86 stack
	// dumps of hex words.
	if (t[0] == 'x' && isdigit((unsigned char)t[1]))
		return true;
	for (; *t; t++)
		if (!isxdigit((unsigned char)*t) && *t != ' ')
			return false;
	return true;
}

// Lines that start another stack of the same report.
bool triage_stack_start(const char *t)
{
	static const char *const start[] = {
		"Allocated by task", "Freed by task", "Allocated:", "Freed:",
		"Last potentially related work creation:",
		"Second to last potentially related", "Uninit was",
		"Local variable", "The buggy address", "page last allocated",
		"page last free", "Memory state around",
	};
	for (size_t i = 0; i < sizeof(start) / sizeof(start[0]); i++)
		if (triage_starts(t, start[i]))
			return true;
	return strstr(t, "backtrace") && !strstr(t, "stack backtrace") &&
	       !strstr(t, "NMI backtrace");
}

// 32-bit ARM (arch/arm/kernel/traps.c dump_backtrace_entry):
// "[<80cc6a44>] (do_tcp_setsockopt.constprop.0) from [<80cc7fa0>]
// (tcp_setsockopt+0xa0/0xb4)": the frame, and its caller (stored first
// into f[], the caller returned in *ret).
static bool parse_arm32(const char *t, struct triage_logframe *ret,
			struct triage_logframe *f, size_t *n, size_t max)
{
	if (t[0] != '[' || t[1] != '<')
		return false;
	const char *a = strstr(t, "] (");
	const char *from = a ? strstr(a, ") from [<") : NULL;
	const char *b = from ? strstr(from, "] (") : NULL;
	if (!b)
		return false;
	struct triage_logframe cur;
	memset(&cur, 0, sizeof(cur));
	size_t k = (size_t)(from - (a + 3));
	if (!k || k >= sizeof(cur.function))
		return false;
	memcpy(cur.function, a + 3, k);
	cur.function[k] = '\0';
	cur.function[strcspn(cur.function, "+")] = '\0';
	if (!triage_parse_frame(b + 3, ret)) {
		memset(ret, 0, sizeof(*ret));
		k = strcspn(b + 3, "+)");
		if (!k || k >= sizeof(ret->function))
			return false;
		memcpy(ret->function, b + 3, k);
		ret->function[k] = '\0';
	}
	// The current frame was the previous line's caller: add it once.
	if (*n < max && (!*n || strcmp(f[*n - 1].function, cur.function)))
		f[(*n)++] = cur;
	return true;
}

size_t triage_walk_frames(struct triage_walk *w, struct triage_logframe *f,
			  size_t max)
{
	size_t n = 0, junk = 0;
	bool in_nmi = false;
	const char *t;
	while ((t = triage_walk_next(w))) {
		struct triage_logframe fr;
		if (triage_starts(t, "<NMI>"))
			in_nmi = true;
		else if (triage_starts(t, "</NMI>"))
			in_nmi = false;
		// The stalled code is what the timer interrupt interrupted:
		// the frames from the first interrupt frame on.
		if (w->after_irq && (strstr(t, "apic_timer_interrupt") ||
				     strstr(t, "Exception stack") ||
				     strstr(t, "el1h_64_irq"))) {
			n = 0;
			w->after_irq = false;
			continue;
		}
		if (triage_parse_frame(t, &fr) || parse_arm32(t, &fr, f, &n, max)) {
			if (in_nmi && w->skip_nmi)
				continue;
			if (n < max)
				f[n++] = fr;
			junk = 0;
			continue;
		}
		if (n && trace_end(t))
			break;
		// Console logs interleave other output: lines printed without
		// a prefix (user space on the console) and a few lines of
		// other kernel code do not end a trace.
		if (filler(t) || w->c->lines[w->cur].cont)
			continue;
		if (++junk > (n ? 20 : 12))
			break;
	}
	return n;
}

// Position the walk after the first line for which pred() holds.
bool triage_walk_to(struct triage_walk *w, bool (*pred)(const char *))
{
	const char *t;
	while ((t = triage_walk_next(w)))
		if (pred(t))
			return true;
	return false;
}

bool triage_is_call_trace(const char *t)
{
	// Anywhere on the line: another CPU's text may precede it.
	return strstr(t, "Call Trace:") || strstr(t, "Call trace:") ||
	       strstr(t, "Backtrace:");
}

size_t triage_hit_trace(const struct triage_ctx *c, const struct triage_hit *h,
			struct triage_logframe *f, size_t max)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line + 1);
	if (!triage_walk_to(&w, triage_is_call_trace))
		return 0;
	return triage_walk_frames(&w, f, max);
}

bool triage_hit_ip(const struct triage_ctx *c, const struct triage_hit *h,
		   struct triage_logframe *f, size_t *line)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line);
	const char *t;
	while ((t = triage_walk_next(&w)))
		if (triage_parse_ip_line(t, f)) {
			if (line)
				*line = w.cur;
			return true;
		}
	return false;
}

/* SPDX-License-Identifier: MIT */
/*
 * Kernel reports in a log (reports.c): the kinds of report the kernel
 * prints, how each is titled and which stack names its culprit; walking a
 * report's lines and stacks (stacks.c).
 */
#ifndef DP_TRIAGE_REPORTS_H
#define DP_TRIAGE_REPORTS_H

#include "internal.h"

/* Which stack of a report names the culprit (docs/triage.md). */
enum triage_rule {
	RULE_NONE,	/* no function (hardware, panic messages) */
	RULE_IP,	/* the instruction pointer line, else the trace */
	RULE_IP_TRACE,	/* the IP line, then the call trace */
	RULE_TRACE,	/* the call trace only */
	RULE_HEADER,	/* the header's "in FUNC", then the frames after it */
	RULE_WARN,	/* the WARNING's IP / function, else the call trace */
	RULE_STALL,	/* the stalled context's stack, dispatcher rule */
	RULE_HUNG,	/* the blocked task's stack, past its waits */
	RULE_AT,	/* "at: FUNC" after an anchor line (lockdep) */
	RULE_AT_CHAIN,	/* both "at:" lines, then the lock chain */
	RULE_AFTER,	/* frames after a marker line */
	RULE_HEADER_ONLY, /* the header's function only */
};

/* How the title is written. */
enum triage_title {
	TITLE_IN,	/* "<fmt> in FUNC" */
	TITLE_FIXED,	/* "<fmt>" */
	TITLE_KASAN,	/* "KASAN: <type> <Read|Write> in FUNC" */
	TITLE_WORDS,	/* "<fmt><words of the header> in FUNC" */
	TITLE_REST,	/* "<fmt><rest of the header line>" */
	TITLE_PANIC,	/* "kernel panic: <message>" */
	TITLE_WARN,	/* "WARNING[: <what> bug] in FUNC" by the file */
};

struct triage_kind {
	const char *hdr;	/* header text, at a word start */
	const char *also;	/* must also be on the line, or NULL */
	enum dp_triage_class cls;
	enum triage_title title;
	const char *fmt;	/* title text */
	enum triage_rule rule;
	const char *anchor;	/* RULE_AT/RULE_AFTER marker; RULE_HEADER:
				 * non-NULL = then the "Call Trace" */
	const char *const *skip; /* extra skip patterns, NULL-terminated */
	int cont;		/* lines after another header in which this
				 * header continues it rather than start a
				 * new report (die lines); 0 = never */
};

/* Iterate a report's lines, skipping other callers' interleaved lines. */
struct triage_walk {
	const struct triage_ctx *c;
	size_t i, end, cur;
	uint32_t caller;
	bool nmi;
	bool skip_nmi;		/* drop frames inside <NMI> ... </NMI> */
	bool after_irq;		/* keep only frames after the interrupt */
};
void triage_walk_init(struct triage_walk *w, const struct triage_ctx *c,
		      const struct triage_hit *h, size_t from);
const char *triage_walk_next(struct triage_walk *w);
bool triage_walk_to(struct triage_walk *w, bool (*pred)(const char *));
size_t triage_walk_frames(struct triage_walk *w, struct triage_logframe *f,
			  size_t max);
bool triage_stack_start(const char *t);
bool triage_is_call_trace(const char *t);
size_t triage_hit_trace(const struct triage_ctx *c, const struct triage_hit *h,
			struct triage_logframe *f, size_t max);
bool triage_hit_ip(const struct triage_ctx *c, const struct triage_hit *h,
		   struct triage_logframe *f, size_t *line);

/* Apply the kind's rule: fill h->function, symbol, module, frames. */
void triage_apply_rule(struct triage_ctx *c, struct triage_hit *h);

#endif /* DP_TRIAGE_REPORTS_H */

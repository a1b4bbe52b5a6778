/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers of lib/triage: the analysis context, log-line parsers
 * and the steps of dp_triage_analyze() (classify.c, guilty.c, bucket.c,
 * summary.c).
 */
#ifndef DP_TRIAGE_INTERNAL_H
#define DP_TRIAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/triage.h>

// Limits that keep a hostile log from making the analysis unbounded.
#define TRIAGE_MAX_FRAMES 64	/* frames kept per stack */
#define TRIAGE_MAX_BLOCKED 32	/* hung / D-state tasks reported */
#define TRIAGE_MAX_MEMUSERS 5	/* OOM: top memory users reported */
#define TRIAGE_CONTEXT_RECS 12	/* records searched after a header */
#define TRIAGE_EVIDENCE_RECS 15	/* log records shown before the panic */

/* One line of the log: records split at '\n' (lines.c). */
struct triage_line {
	const char *s;		/* NUL-terminated, leading blanks kept */
	size_t rec;		/* record it belongs to */
	uint32_t caller;	/* printk caller id of the record, 0 unknown */
	bool cont;		/* not the record's first line: in a console
				 * log, a line printed without a prefix */
};

struct triage_kind;

/* The analysis context: input, the report being built, an OOM flag. */
struct triage_ctx {
	const struct dp_triage_input *in;
	struct dp_triage_report *rep;
	bool nomem;
	// Index of the record that starts the crash story (oops header,
	// soft lockup line...) or SIZE_MAX; the RIP line is searched after it.
	size_t event_rec;
	// Index of the record after which the culprit's call trace is
	// printed (panic line, die line, hung-task line), or SIZE_MAX.
	size_t trace_rec;
	// The log as lines (lines.c) and the kernel reports found in it
	// (reports.c); subject indexes found[] or is SIZE_MAX.
	struct triage_line *lines;
	size_t nlines;
	char *linebuf;
	struct triage_hit *hits;
	size_t nhits, hits_cap;
	size_t subject;
};

/* A report header found in the log and what its rules extracted. */
struct triage_hit {
	const struct triage_kind *kind;
	size_t line;		/* header line */
	size_t end;		/* first line after the report */
	enum dp_triage_class cls;
	char title[512];
	char function[128];	/* title function: normalised, unwrapped */
	char symbol[160];	/* frame as printed */
	char module[64];
	struct triage_logframe *frames; /* the stack the rule read */
	size_t nframes;
};

/* Split the log into lines (lines.c); false on allocation failure. */
bool triage_split_lines(struct triage_ctx *c);
void triage_free_lines(struct triage_ctx *c);
/* Find every report in the log and pick the subject (reports.c). */
void triage_find_reports(struct triage_ctx *c);
void triage_free_hits(struct triage_ctx *c);
/* Copy the hits into the report's public list (reports.c). */
void triage_export_reports(struct triage_ctx *c);
/* Is the subject the report that made the kernel panic (a panic or die
 * line follows it with no other report between)? */
bool triage_subject_panicked(const struct triage_ctx *c);
/* The line of a later report that is a panic of another task than the
 * subject's (listed as a report of its own), or SIZE_MAX. */
size_t triage_later_panic(const struct triage_ctx *c);

/* Glob match of the skip-list syntax ("x", "x*", "*x", "*x*"). */
bool triage_glob(const char *fn, const char *pat);
bool triage_match_any(const char *fn, const char *const *pats);
/* The skip list without the page-fault path (for a report's own stacks;
 * dp_triage_skip_function() adds it for unwound stacks). */
bool triage_skip_report(const char *name);
/* Strip one syscall wrapper prefix ("__x64_sys_foo" -> "sys_foo"). */
void triage_strip_wrapper(const char *fn, char *buf, size_t size);
/* Kernel-mode instruction pointer line of any arch/era: "RIP: 0010:f+..",
 * "RIP: 0010:[<a>]  [<a>] f+..", "IP: [<a>] f+..", "pc : f+..",
 * "PC is at f+..". */
bool triage_parse_ip_line(const char *text, struct triage_logframe *ret);

/* Text of record i (never NULL). */
const char *triage_rec(const struct triage_ctx *c, size_t i);

/* Duplicate a string (NULL stays NULL); sets c->nomem on failure. */
char *triage_strdup(struct triage_ctx *c, const char *s);
char *triage_strndup(struct triage_ctx *c, const char *s, size_t n);
__attribute__((format(printf, 2, 3)))
char *triage_printf(struct triage_ctx *c, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void triage_note(struct triage_ctx *c, const char *fmt, ...);

/* Skip leading blanks. */
const char *triage_skip_blank(const char *s);
/* Does s start with prefix? */
bool triage_starts(const char *s, const char *prefix);

/*
 * A frame as printed by the kernel: "[? ]sym+0xoff/0xsize[ [module]]".
 * Strings are copied into the caller's buffers.
 */
struct triage_logframe {
	char function[128];
	char module[64];
	uint64_t offset, size;
	bool unreliable;
	bool has_module;
};
bool triage_parse_frame(const char *text, struct triage_logframe *ret);

/* "CPU: 1 PID: 132 Comm: tb-crashme ..." */
bool triage_parse_cpu_line(const char *text, struct dp_triage_who *ret);

/* Kernel-mode "RIP: 0010:sym+0x1c/0x28 [mod]" (user-mode RIPs are not). */
bool triage_parse_kernel_rip(const char *text, struct triage_logframe *ret);

/* Parse a number with base detection; returns false when none. */
bool triage_parse_u64(const char *s, int base, uint64_t *ret,
		      const char **end);

/* Copy a comm into who->comm (truncating to 16 chars). */
void triage_set_comm(struct dp_triage_who *who, const char *comm, size_t n);

/*
 * Collect the call trace printed after record `after`: frames until the
 * end of the trace. Returns the number stored (at most max).
 */
size_t triage_log_trace(const struct triage_ctx *c, size_t after,
			struct triage_logframe *frames, size_t max);

/* Add (or find, by pid) a task entry in a report array (tasks.c). */
struct dp_triage_blocked *triage_add_entry(struct triage_ctx *c,
					   struct dp_triage_blocked **arr,
					   size_t *n,
					   const struct dp_triage_who *who);
/* Fill an entry's stack (dump first, else the log trace after rec) and
 * its first frame outside the skip list. */
void triage_entry_stack(struct triage_ctx *c, struct dp_triage_blocked *b,
			size_t rec);
/* D-state tasks and per-CPU running tasks from the dump (tasks.c). */
void triage_dump_tasks(struct triage_ctx *c);

/* Steps of dp_triage_analyze(). */
void triage_classify(struct triage_ctx *c);
void triage_find_guilty(struct triage_ctx *c);
void triage_make_bucket(struct triage_ctx *c);
/* The report's title and the subject's explanation (reports.c). */
void triage_make_title(struct triage_ctx *c);
void triage_make_summary(struct triage_ctx *c);

/* Copy frames into the report (strings duplicated). */
struct dp_triage_frame *triage_copy_frames(struct triage_ctx *c,
					   const struct dp_triage_frame *f,
					   size_t n);
struct dp_triage_frame *triage_logframes_to_frames(struct triage_ctx *c,
						   const struct triage_logframe *f,
						   size_t n);

/* Find a task of the input by pid, or NULL. */
const struct dp_triage_task *triage_find_task(const struct triage_ctx *c,
					      int32_t pid);

#endif /* DP_TRIAGE_INTERNAL_H */

/* SPDX-License-Identifier: MIT */
/* dontpanic report: shared between cmd-report.c, report-dump.c and the
 * renderers (report-print.c). */
#ifndef DP_CLI_REPORT_H
#define DP_CLI_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <dontpanic/triage.h>

/* The report's head: which kernel on which machine crashed when. Empty
 * strings and zeros are unknown. */
struct report_head {
	char release[65], version[65], nodename[65], machine[65];
	int64_t crash_time;		/* Unix seconds, 0 unknown */
	const char *crash_time_source;	/* "VMCOREINFO CRASHTIME", ... */
	bool have_uptime;
	uint64_t uptime_sec;
	unsigned int cpus;
	uint64_t memory_bytes;
	const char *source;		/* "dump" or "kernel log" */
};

struct report_out {
	FILE *f;
	bool json;
	const char *vmlinux;
	const char *log_path;		/* --log input, or NULL */
	const char *dump_path;		/* first dump path, or NULL */
	const char *dump_format;	/* dump format name, or NULL */
	const struct dp_triage_input *in;
	const struct dp_triage_report *rep;
	const struct report_head *head;	/* NULL: none known */
};

/* Print the report as text or JSON. */
void report_print(const struct report_out *out);

/* Open the dump(s), collect the input model, analyse, print. */
int report_from_dump(const char *const *paths, size_t npaths,
		     struct report_out *out);

struct dp_program;
struct dp_dump;
/* The head from the dump's kernel (utsname, clock, CPUs, memory). */
void report_head_from_dump(struct report_head *h, struct dp_program *prog,
			   struct dp_dump *dump);
/* The head from a kernel log ("Linux version", "Brought up", "Memory:"). */
void report_head_from_log(struct report_head *h,
			  const struct dp_triage_logrec *log, size_t n);
/* Print it (report-head.c): text lines, or the JSON "system" member. */
void report_head_text(FILE *f, const struct report_head *h);
struct dp_json;
void report_head_json(struct dp_json *j, const struct report_head *h);

/* Fill the fields h lacks from a kernel log's boot lines. */
void report_head_fill(struct report_head *h,
		      const struct dp_triage_logrec *log, size_t n);

/* A kernel log text file, parsed (report-fallback.c). */
struct dp_error *report_read_log(const char *path, struct dp_triage_log **ret);
/* The log a capture left beside the dump (vmcore-dmesg.txt, dmesg.txt)
 * whose banner names release; NULL and *why when there is none. */
struct dp_triage_log *report_log_beside(const char *dump_path,
					const char *release, char **path_ret,
					char **why);

#endif /* DP_CLI_REPORT_H */

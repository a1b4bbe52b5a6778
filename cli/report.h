/* SPDX-License-Identifier: MIT */
/* dontpanic report: shared between cmd-report.c, report-dump.c and the
 * renderers (report-print.c). */
#ifndef DP_CLI_REPORT_H
#define DP_CLI_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <dontpanic/triage.h>

struct report_out {
	FILE *f;
	bool json;
	const char *vmlinux;
	const char *log_path;		/* --log input, or NULL */
	const char *dump_path;		/* first dump path, or NULL */
	const char *dump_format;	/* dump format name, or NULL */
	const struct dp_triage_input *in;
	const struct dp_triage_report *rep;
};

/* Print the report as text or JSON. */
void report_print(const struct report_out *out);

/* Open the dump(s), collect the input model, analyse, print. */
int report_from_dump(const char *const *paths, size_t npaths,
		     struct report_out *out);

#endif /* DP_CLI_REPORT_H */

// SPDX-License-Identifier: MIT
// dontpanic report DUMP: open the dump and a program on it (no vmlinux
// needed), collect the triage input, analyse and print.
#include <stdio.h>
#include <stdlib.h>

#include <dontpanic/triage.h>

#include "cli.h"
#include "report.h"

/*
 * The dump's kernel log is lost (a file cut short before its pages): take
 * the one a capture left beside it, else go on without, saying so. in is
 * copied to alt with the log and the note; *flog and *warn are to free.
 */
static const struct dp_triage_input *
lost_log(const char *path, struct dp_dump *dump,
	 const struct dp_triage_input *in, struct dp_triage_input *alt,
	 struct dp_triage_log **flog, char **warn)
{
	char *fpath = NULL, *why = NULL;
	*flog = report_log_beside(path, dp_dump_vmcoreinfo_get(dump,
				  "OSRELEASE"), &fpath, &why);
	*alt = *in;
	const char *dw = in->dump_warning ? in->dump_warning : "";
	const char *sep = in->dump_warning ? "; " : "";
	int n;
	if (*flog) {
		alt->log = (*flog)->recs;
		alt->nlog = (*flog)->nrecs;
		alt->log_error = NULL;
		n = asprintf(warn, "%s%sthe dump's kernel log is lost (%s); the "
			     "log below is %s, found beside the dump", dw, sep,
			     in->log_error, fpath);
	} else {
		n = asprintf(warn, "%s%sthe kernel log is lost and %s: this "
			     "report comes from the kernel state the dump still "
			     "has (CPU notes, VMCOREINFO, readable memory)", dw,
			     sep, why ? why : "no log file was found");
	}
	if (n < 0)
		*warn = NULL;
	// panic_cpu may sit in a lost page; CRASHTIME is written into
	// VMCOREINFO by the crashing kernel only (kernel/crash_core.c,
	// crash_save_vmcoreinfo from __crash_kexec): the kernel crashed.
	if (dp_dump_vmcoreinfo_get(dump, "CRASHTIME"))
		alt->panicked = true;
	alt->dump_warning = *warn ? *warn : in->dump_warning;
	free(fpath);
	free(why);
	return alt;
}

int report_from_dump(const char *const *paths, size_t npaths,
		     struct report_out *out)
{
	struct dp_dump *dump;
	struct dp_program *prog;
	int rc = dp_cli_open_program("report", paths, npaths, &dump, &prog);
	if (rc != DP_EXIT_OK)
		return rc;
	struct dp_triage_collected *col = NULL;
	struct dp_triage_report *rep = NULL;
	struct dp_triage_log *flog = NULL;
	struct dp_triage_input alt;
	char *warn = NULL;
	const struct dp_triage_input *in = NULL;
	struct dp_error *err = dp_triage_collect(prog, &col);
	if (!err) {
		in = dp_triage_collected_input(col);
		if (in->log_error && !in->nlog)
			in = lost_log(paths[0], dump, in, &alt, &flog, &warn);
		err = dp_triage_analyze(in, &rep);
	}
	if (err) {
		dp_cli_error("report", err);
		rc = DP_EXIT_FAILURE;
		goto out;
	}
	struct dp_dump_info info;
	err = dp_dump_get_info(dump, &info);
	if (!err)
		out->dump_format = info.format;
	dp_error_destroy(err);
	struct report_head head;
	report_head_from_dump(&head, prog, dump);
	if (flog)
		report_head_fill(&head, flog->recs, flog->nrecs);
	out->head = &head;
	out->dump_path = paths[0];
	out->in = in;
	out->rep = rep;
	report_print(out);
out:
	dp_triage_report_destroy(rep);
	dp_triage_collected_destroy(col);
	dp_triage_log_destroy(flog);
	free(warn);
	dp_cli_close_program(dump, prog);
	return rc;
}

// SPDX-License-Identifier: MIT
// dontpanic report DUMP: open the dump and a program on it (no vmlinux
// needed), collect the triage input, analyse and print.
#include <stdio.h>

#include <dontpanic/triage.h>

#include "cli.h"
#include "report.h"

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
	struct dp_error *err = dp_triage_collect(prog, &col);
	if (!err)
		err = dp_triage_analyze(dp_triage_collected_input(col), &rep);
	if (err) {
		dp_cli_error("report", err);
		rc = DP_EXIT_FAILURE;
		goto out;
	}
	const struct dp_triage_input *in = dp_triage_collected_input(col);
	if (in->log_error && !in->nlog && !in->have_panic_cpu) {
		// Neither the log nor the panic state could be read: there is
		// nothing to report on.
		dp_cli_errorf("report", "%s: cannot read the kernel state: %s",
			      paths[0], in->log_error);
		rc = DP_EXIT_BAD_DUMP;
		goto out;
	}
	struct dp_dump_info info;
	err = dp_dump_get_info(dump, &info);
	if (!err)
		out->dump_format = info.format;
	dp_error_destroy(err);
	struct report_head head;
	report_head_from_dump(&head, prog, dump);
	out->head = &head;
	out->dump_path = paths[0];
	out->in = in;
	out->rep = rep;
	report_print(out);
out:
	dp_triage_report_destroy(rep);
	dp_triage_collected_destroy(col);
	dp_cli_close_program(dump, prog);
	return rc;
}

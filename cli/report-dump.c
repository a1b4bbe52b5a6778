// SPDX-License-Identifier: MIT
// dontpanic report DUMP: open the dump and fill the triage input.
#include <stdio.h>

#include "cli.h"
#include "report.h"

int report_from_dump(const char *const *paths, size_t npaths,
		     struct report_out *out)
{
	dp_cli_errorf("report", "%s: reading dumps is not in this build yet; "
		      "use --log with the dump's kernel log", paths[0]);
	return DP_EXIT_FAILURE;
}

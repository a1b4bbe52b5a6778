// SPDX-License-Identifier: MIT
// Helpers shared by the commands: error printing, opening dumps.
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void dp_cli_error(const char *cmd, struct dp_error *err)
{
	fprintf(stderr, "dontpanic %s: %s\n", cmd, err->message);
	dp_error_destroy(err);
}

void dp_cli_errorf(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "dontpanic %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct dp_dump *dp_cli_open_dump(const char *cmd, const char *const *paths,
				 size_t n)
{
	struct dp_dump *dump;
	struct dp_error *err = dp_dump_open(paths, n, &dump);
	if (err) {
		dp_cli_error(cmd, err);
		return NULL;
	}
	return dump;
}

int dp_cli_usage(int c, const char *usage)
{
	fputs(usage, c == 'h' ? stdout : stderr);
	return c == 'h' ? DP_EXIT_OK : DP_EXIT_USAGE;
}

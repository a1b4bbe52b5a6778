// SPDX-License-Identifier: MIT
// Helpers shared by the commands: error printing, opening dumps, JSON.
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

void dp_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

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

// Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one.
static int utf8_len(const unsigned char *p)
{
	int n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 :
		*p >= 0xe0 && *p <= 0xef ? 3 : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

// Kernel strings (comm, log text) are bytes, not always UTF-8: a byte that
// does not start a valid sequence is written as \u00XX so the JSON stays
// valid.
void dp_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		int n;
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			n = utf8_len(p);
			if (*p < 0x20 || n == 0) {
				fprintf(f, "\\u%04x", *p);
			} else {
				fwrite(p, 1, (size_t)n, f);
				p += n - 1;
			}
		}
	}
	fputc('"', f);
}

int dp_cli_usage(int c, const char *usage)
{
	fputs(usage, c == 'h' ? stdout : stderr);
	return c == 'h' ? DP_EXIT_OK : DP_EXIT_USAGE;
}

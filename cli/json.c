// SPDX-License-Identifier: MIT
// The JSON writer (json.h).
#include <inttypes.h>
#include <stdarg.h>

#include "json.h"

const struct dp_json_layout dp_json_compact = { ":", "", ",", "", "" };
const struct dp_json_layout dp_json_inline = { ": ", "", ", ", "", "" };
const struct dp_json_layout dp_json_lines2 = DP_JSON_LINES("  ", "");
const struct dp_json_layout dp_json_lines4 = DP_JSON_LINES("    ", "  ");

void dp_json_init(struct dp_json *j, FILE *f)
{
	*j = (struct dp_json){ .f = f };
}

// Before a member of the innermost container (a key, or a value in an
// array): its separator. A value right after its key needs none.
static void member(struct dp_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	typeof(j->open[0]) *c = &j->open[j->depth - 1];
	const char *sep = !c->any ? c->layout->first :
			  j->next_sep ? j->next_sep : c->layout->sep;
	fputs(sep, j->f);
	j->next_sep = NULL;
	c->any = true;
}

static void open_container(struct dp_json *j, const struct dp_json_layout *l,
			   char open, char close)
{
	member(j);
	fputc(open, j->f);
	// Nesting deeper than any output uses is a bug; the extra levels
	// share the last slot rather than overrun it.
	if (j->depth < DP_JSON_MAX_DEPTH)
		j->depth++;
	j->open[j->depth - 1].layout = l;
	j->open[j->depth - 1].close = close;
	j->open[j->depth - 1].any = false;
}

void dp_json_object(struct dp_json *j, const struct dp_json_layout *l)
{
	open_container(j, l, '{', '}');
}

void dp_json_array(struct dp_json *j, const struct dp_json_layout *l)
{
	open_container(j, l, '[', ']');
}

void dp_json_end(struct dp_json *j)
{
	if (j->depth == 0)
		return;
	typeof(j->open[0]) *c = &j->open[--j->depth];
	fputs(c->any ? c->layout->end : c->layout->empty, j->f);
	fputc(c->close, j->f);
	j->next_sep = NULL;
}

void dp_json_key(struct dp_json *j, const char *key)
{
	member(j);
	dp_json_string(j->f, key);
	fputs(j->depth ? j->open[j->depth - 1].layout->colon : ": ", j->f);
	j->after_key = true;
}

void dp_json_break(struct dp_json *j, const char *sep)
{
	j->next_sep = sep;
}

void dp_json_str(struct dp_json *j, const char *s)
{
	member(j);
	if (s)
		dp_json_string(j->f, s);
	else
		fputs("null", j->f);
}

void dp_json_u64(struct dp_json *j, uint64_t v)
{
	member(j);
	fprintf(j->f, "%" PRIu64, v);
}

void dp_json_i64(struct dp_json *j, int64_t v)
{
	member(j);
	fprintf(j->f, "%" PRId64, v);
}

void dp_json_bool(struct dp_json *j, bool v)
{
	member(j);
	fputs(v ? "true" : "false", j->f);
}

void dp_json_null(struct dp_json *j)
{
	member(j);
	fputs("null", j->f);
}

void dp_json_hex(struct dp_json *j, uint64_t v)
{
	member(j);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void dp_json_printf(struct dp_json *j, const char *fmt, ...)
{
	va_list ap;
	member(j);
	va_start(ap, fmt);
	vfprintf(j->f, fmt, ap);
	va_end(ap);
}

void dp_json_kstr(struct dp_json *j, const char *key, const char *s)
{
	dp_json_key(j, key);
	dp_json_str(j, s);
}

void dp_json_ku64(struct dp_json *j, const char *key, uint64_t v)
{
	dp_json_key(j, key);
	dp_json_u64(j, v);
}

void dp_json_ki64(struct dp_json *j, const char *key, int64_t v)
{
	dp_json_key(j, key);
	dp_json_i64(j, v);
}

void dp_json_kbool(struct dp_json *j, const char *key, bool v)
{
	dp_json_key(j, key);
	dp_json_bool(j, v);
}

void dp_json_khex(struct dp_json *j, const char *key, uint64_t v)
{
	dp_json_key(j, key);
	dp_json_hex(j, v);
}

void dp_json_ku64_or_null(struct dp_json *j, const char *key, bool have,
			  uint64_t v)
{
	dp_json_key(j, key);
	if (have)
		dp_json_u64(j, v);
	else
		dp_json_null(j);
}

void dp_json_ki64_or_null(struct dp_json *j, const char *key, bool have,
			  int64_t v)
{
	dp_json_key(j, key);
	if (have)
		dp_json_i64(j, v);
	else
		dp_json_null(j);
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

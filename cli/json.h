/* SPDX-License-Identifier: MIT */
/*
 * The one JSON writer of the command line: a streaming emitter to a FILE*
 * that places the commas, colons and brackets, escapes strings and writes
 * null for a missing value; every --json output goes through it.
 *
 * Hand-written rather than json-c (Debian's libjson-c): json-c builds a
 * tree and prints it in one of its own layouts, while the commands stream
 * records as they read them (ps, bt -a, dis) and keep the layouts users
 * and tests already parse line by line (one record a line, compact for
 * collect); the writer is ~150 lines and adds no dependency. It lives in
 * cli/ because lib/ never prints.
 *
 * Layout is chosen per container (struct dp_json_layout): what goes before
 * the first member, between members, before the closing bracket, and
 * inside an empty container. The named layouts cover the outputs.
 */
#ifndef DP_CLI_JSON_H
#define DP_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct dp_json_layout {
	const char *colon;	/* after a key: ": " or ":" */
	const char *first;	/* before the first member */
	const char *sep;	/* between members */
	const char *end;	/* before the closing bracket, if not empty */
	const char *empty;	/* inside an empty container */
};

/* {"a":1,"b":2} (collect --json). */
extern const struct dp_json_layout dp_json_compact;
/* {"a": 1, "b": 2}: a record on one line. */
extern const struct dp_json_layout dp_json_inline;
/* One member a line, indented by IN; the bracket closes at OUT: {} when
 * empty (LINES) or on its own line even then (LINES_OPEN). */
#define DP_JSON_LINES(in, out) \
	{ ": ", "\n" in, ",\n" in, "\n" out, "" }
#define DP_JSON_LINES_OPEN(in, out) \
	{ ": ", "\n" in, ",\n" in, "\n" out, "\n" out }
extern const struct dp_json_layout dp_json_lines2;	/* LINES("  ", "") */
extern const struct dp_json_layout dp_json_lines4;	/* LINES("    ", "  ") */

#define DP_JSON_MAX_DEPTH 16

struct dp_json {
	FILE *f;
	int depth;
	bool after_key;		/* a key was written; its value is next */
	const char *next_sep;	/* one-off separator (dp_json_break) */
	struct {
		const struct dp_json_layout *layout;
		char close;	/* '}' or ']' */
		bool any;	/* a member was written */
	} open[DP_JSON_MAX_DEPTH];
};

void dp_json_init(struct dp_json *j, FILE *f);

/* Open an object or an array (as a value: after a key, in an array, or
 * at the top); close the innermost with dp_json_end(). */
void dp_json_object(struct dp_json *j, const struct dp_json_layout *l);
void dp_json_array(struct dp_json *j, const struct dp_json_layout *l);
void dp_json_end(struct dp_json *j);

/* The next member's key, in an object. */
void dp_json_key(struct dp_json *j, const char *key);

/* Use sep instead of the layout's separator before the next member. */
void dp_json_break(struct dp_json *j, const char *sep);

/* Values. A NULL string is written as null. */
void dp_json_str(struct dp_json *j, const char *s);
void dp_json_u64(struct dp_json *j, uint64_t v);
void dp_json_i64(struct dp_json *j, int64_t v);
void dp_json_bool(struct dp_json *j, bool v);
void dp_json_null(struct dp_json *j);
/* An address as a string, "0x" and lowercase hex (JSON numbers lose
 * precision above 2^53). */
void dp_json_hex(struct dp_json *j, uint64_t v);
/* A value formatted by printf (a number with a fixed precision, a string
 * of hex bytes): the caller makes it valid JSON. */
void dp_json_printf(struct dp_json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Key and value at once; _or_null variants write null when !have. */
void dp_json_kstr(struct dp_json *j, const char *key, const char *s);
void dp_json_ku64(struct dp_json *j, const char *key, uint64_t v);
void dp_json_ki64(struct dp_json *j, const char *key, int64_t v);
void dp_json_kbool(struct dp_json *j, const char *key, bool v);
void dp_json_khex(struct dp_json *j, const char *key, uint64_t v);
void dp_json_ku64_or_null(struct dp_json *j, const char *key, bool have,
			  uint64_t v);
void dp_json_ki64_or_null(struct dp_json *j, const char *key, bool have,
			  int64_t v);

/*
 * Write s as a JSON string literal to f. Kernel strings (comm, log text)
 * are bytes, not always UTF-8: a byte that does not start a valid
 * sequence is written as \u00XX so the output stays valid JSON.
 */
void dp_json_string(FILE *f, const char *s);

#endif /* DP_CLI_JSON_H */

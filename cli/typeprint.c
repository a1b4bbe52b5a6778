// SPDX-License-Identifier: MIT
// Types and values printed like crash (which prints through gdb with
// "set print pretty on"): see typeprint.h.
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "typeprint.h"

#define MAX_DEPTH 32		/* nesting of printed values */
#define MAX_ELEMENTS 256	/* crash stops arrays there, then "..." */
#define MAX_STRING 256		/* bytes shown behind a char pointer */

/* ---- definitions (whatis, struct without address) ---- */

struct defctx {
	struct tp *tp;
	bool offsets;
	bool has_base;
	uint64_t base;
	int width;		/* of the "[offset]" column */
};

static int ndigits(uint64_t v, int base)
{
	int n = 1;
	while (v >= (uint64_t)base) {
		v /= base;
		n++;
	}
	return n;
}

// The offset column (crash `struct -o`), then the member indentation.
static void def_prefix(struct defctx *d, bool show, uint64_t off, int depth)
{
	FILE *f = d->tp->out;
	if (d->offsets) {
		char col[40] = "";
		if (show && d->has_base)
			snprintf(col, sizeof(col), "[%" PRIx64 "]", d->base + off);
		else if (show)
			snprintf(col, sizeof(col), "[%" PRIu64 "]", off);
		fprintf(f, "  %*s %*s", d->width, col, 4 * (depth - 1), "");
	} else {
		fprintf(f, "%*s", 4 * depth, "");
	}
}

static bool is_anon_composite(struct dp_type t)
{
	enum dp_type_kind k = dp_type_kind(t);
	return (k == DP_TYPE_STRUCT || k == DP_TYPE_UNION) &&
	       !dp_type_name(t)[0];
}

static void def_members(struct defctx *d, struct dp_type t, int depth,
			uint64_t bitbase, bool show)
{
	FILE *f = d->tp->out;
	size_t n = dp_type_num_members(t);
	if (depth > MAX_DEPTH)
		return;
	for (size_t i = 0; i < n; i++) {
		struct dp_member m;
		dp_type_member(t, i, &m);
		uint64_t off = (bitbase + m.bit_offset) / 8;
		if (is_anon_composite(m.type)) {
			bool un = dp_type_kind(m.type) == DP_TYPE_UNION;
			def_prefix(d, false, 0, depth);
			fprintf(f, "%s {\n", un ? "union" : "struct");
			def_members(d, m.type, depth + 1, bitbase + m.bit_offset,
				    show && !m.name[0]);
			def_prefix(d, show && m.name[0], off, depth);
			fprintf(f, m.name[0] ? "} %s;\n" : "};\n", m.name);
			continue;
		}
		char *decl = dp_type_declaration(m.type, m.name);
		def_prefix(d, show, off, depth);
		fprintf(f, "%s", decl ? decl : "?");
		if (m.bit_size)
			fprintf(f, " : %u", m.bit_size);
		fprintf(f, ";\n");
		free(decl);
	}
}

static void def_size(struct tp *tp, struct dp_type t)
{
	uint64_t size;
	struct dp_error *err = dp_type_size(t, &size);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	fprintf(tp->out, tp->hex ? "SIZE: 0x%" PRIx64 "\n" : "SIZE: %" PRIu64 "\n",
		size);
}

static void def_enum(struct tp *tp, struct dp_type t, const char *close)
{
	size_t n = dp_type_num_enumerators(t);
	for (size_t i = 0; i < n; i++) {
		const char *name;
		int64_t v;
		dp_type_enumerator(t, i, &name, &v);
		fprintf(tp->out, "  %s = %" PRId64 "\n", name, v);
	}
	fprintf(tp->out, "%s", close);
}

void tp_definition(struct tp *tp, struct dp_type t, bool offsets,
		   bool has_base, uint64_t base)
{
	struct defctx d = { tp, offsets, has_base, base, 0 };
	uint64_t size = 0;
	struct dp_error *err = dp_type_size(t, &size);
	dp_error_destroy(err);
	d.width = 2 + (has_base ? ndigits(base + size, 16) : ndigits(size, 10));
	FILE *f = tp->out;
	struct dp_type body = t;
	const char *tail = "}\n";
	char *tailbuf = NULL;
	switch (dp_type_kind(t)) {
	case DP_TYPE_TYPEDEF: {
		// Like gdb's ptype: show what the typedef finally names.
		struct dp_type target = dp_type_resolve(t);
		if (is_anon_composite(target) ||
		    (dp_type_kind(target) == DP_TYPE_ENUM &&
		     !dp_type_name(target)[0])) {
			enum dp_type_kind k = dp_type_kind(target);
			fprintf(f, "typedef %s {\n", k == DP_TYPE_UNION ? "union" :
				k == DP_TYPE_ENUM ? "enum" : "struct");
			if (asprintf(&tailbuf, "} %s;\n", dp_type_name(t)) < 0)
				tailbuf = NULL;
			tail = tailbuf ? tailbuf : "}\n";
			body = target;
			break;
		}
		char *decl = dp_type_declaration(target, dp_type_name(t));
		fprintf(f, "typedef %s;\n", decl ? decl : "?");
		free(decl);
		def_size(tp, t);
		return;
	}
	case DP_TYPE_STRUCT:
	case DP_TYPE_UNION:
	case DP_TYPE_ENUM: {
		char *decl = dp_type_declaration(t, "");
		fprintf(f, "%s {\n", decl ? decl : "?");
		free(decl);
		break;
	}
	default: {
		char *decl = dp_type_declaration(t, "");
		fprintf(f, "%s;\n", decl ? decl : "?");
		free(decl);
		def_size(tp, t);
		return;
	}
	}
	if (dp_type_kind(body) == DP_TYPE_ENUM) {
		def_enum(tp, body, dp_type_kind(t) == DP_TYPE_ENUM ? "};\n" :
			 tail);
	} else {
		def_members(&d, body, 1, 0, true);
		fprintf(f, "%s", tail);
		def_size(tp, t);
	}
	free(tailbuf);
}

/* ---- values ---- */

static uint64_t load(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

// gdb's escape for one character c inside quote q.
static void put_char(FILE *f, unsigned char c, char q)
{
	switch (c) {
	case '\n': fputs("\\n", f); return;
	case '\t': fputs("\\t", f); return;
	case '\r': fputs("\\r", f); return;
	case '\033': fputs("\\033", f); return;
	case '\\': fputs("\\\\", f); return;
	}
	if (c == (unsigned char)q)
		fprintf(f, "\\%c", q);
	else if (isprint(c))
		fputc(c, f);
	else
		fprintf(f, "\\%03o", c);
}

static void put_string(FILE *f, const uint8_t *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++)
		put_char(f, s[i], '"');
	fputc('"', f);
}

static void put_int(struct tp *tp, struct dp_type t, uint64_t v,
		    unsigned int bits)
{
	FILE *f = tp->out;
	uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
	v &= mask;
	if (tp->hex) {
		fprintf(f, "0x%" PRIx64, v);
		if (tp->radix && dp_type_is_char(t) && bits == 8) {
			fputs(" '", f);
			put_char(f, (unsigned char)v, '\'');
			fputc('\'', f);
		}
		return;
	}
	if (dp_type_is_bool(t)) {
		fputs(v == 1 ? "true" : v == 0 ? "false" : "true", f);
		return;
	}
	int64_t s = (int64_t)v;
	bool neg = dp_type_is_signed(t) && bits < 64 && (v >> (bits - 1)) & 1;
	if (neg)
		s = (int64_t)(v | ~mask);
	if (dp_type_is_signed(t))
		fprintf(f, "%" PRId64, s);
	else
		fprintf(f, "%" PRIu64, v);
	if (dp_type_is_char(t) && bits == 8) {
		fputs(" '", f);
		put_char(f, (unsigned char)v, '\'');
		fputc('\'', f);
	}
}

static void put_enum(struct tp *tp, struct dp_type t, uint64_t v,
		     unsigned int bits)
{
	size_t n = dp_type_num_enumerators(t);
	if (!tp->hex) {
		for (size_t i = 0; i < n; i++) {
			const char *name;
			int64_t ev;
			dp_type_enumerator(t, i, &name, &ev);
			uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
			if (((uint64_t)ev & mask) == (v & mask)) {
				fputs(name, tp->out);
				return;
			}
		}
	}
	put_int(tp, t, v, bits);
}

static void put_pointer(struct tp *tp, struct dp_type t, uint64_t v,
			bool top)
{
	FILE *f = tp->out;
	struct dp_symbol sym;
	uint64_t off;
	if (top) {
		char *decl = dp_type_declaration(t, "");
		fprintf(f, "(%s) ", decl ? decl : "?");
		free(decl);
	}
	fprintf(f, "0x%" PRIx64, v);
	if (!v)
		return;
	struct dp_error *err = dp_program_symbolize(tp->prog, v, &sym, &off);
	if (!err) {
		if (off)
			fprintf(f, " <%s+%" PRIu64 ">", sym.name, off);
		else
			fprintf(f, " <%s>", sym.name);
	}
	dp_error_destroy(err);
	struct dp_type target = dp_type_resolve(dp_type_target(dp_type_resolve(t)));
	if (dp_type_kind(target) == DP_TYPE_INT && dp_type_is_char(target)) {
		uint8_t s[MAX_STRING];
		size_t n = 0;
		for (; n < sizeof(s); n++) {
			err = dp_program_read(tp->prog, v + n, &s[n], 1);
			if (err || !s[n])
				break;
		}
		if (err && n == 0)
			fprintf(f, " <error: Cannot access memory at address 0x%" PRIx64 ">",
				v);
		else {
			fputc(' ', f);
			put_string(f, s, n);
			if (n == sizeof(s))
				fputs("...", f);
		}
		dp_error_destroy(err);
	}
}

static void put_array(struct tp *tp, struct dp_type t, const uint8_t *buf,
		      size_t len, int indent, bool top)
{
	FILE *f = tp->out;
	struct dp_type elem = dp_type_target(t);
	uint32_t n = dp_type_array_length(t);
	uint64_t esize = 0;
	struct dp_error *err = dp_type_size(elem, &esize);
	if (err || n == 0 || esize == 0) {
		dp_error_destroy(err);
		fputs("{}", f);
		return;
	}
	if (n > len / esize)
		n = (uint32_t)(len / esize);
	if ((!tp->hex || tp->radix) &&
	    dp_type_kind(dp_type_resolve(elem)) == DP_TYPE_INT &&
	    dp_type_is_char(elem)) {
		// gdb drops one trailing NUL and shows the rest.
		put_string(f, buf, n && !buf[n - 1] ? n - 1 : n);
		return;
	}
	if (top && tp->wrap_array)
		fputs("\n ", f);
	fputc('{', f);
	for (uint32_t i = 0; i < n; i++) {
		if (i == MAX_ELEMENTS) {
			fputs("...", f);
			break;
		}
		if (i)
			fputs(", ", f);
		tp_value(tp, elem, buf + i * esize, esize, indent + 2, false);
	}
	fputc('}', f);
}

static void put_composite(struct tp *tp, struct dp_type t,
			  const uint8_t *buf, size_t len, int indent)
{
	FILE *f = tp->out;
	size_t n = dp_type_num_members(t);
	fputs("{\n", f);
	for (size_t i = 0; i < n; i++) {
		struct dp_member m;
		dp_type_member(t, i, &m);
		fprintf(f, "%*s", indent + 2, "");
		if (m.name[0])
			fprintf(f, "%s = ", m.name);
		tp_member_value(tp, &m, buf, len, indent + 2);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fprintf(f, "%*s}", indent, "");
}

void tp_member_value(struct tp *tp, const struct dp_member *m,
		     const uint8_t *buf, size_t len, int indent)
{
	uint64_t size = 0;
	uint64_t byte = m->bit_offset / 8;
	struct dp_error *err = dp_type_size(m->type, &size);
	dp_error_destroy(err);
	if (m->bit_size) {
		unsigned int shift = m->bit_offset % 8;
		size_t nb = (shift + m->bit_size + 7) / 8;
		if (byte + nb > len || nb > 8) {
			fputs("<out of bounds>", tp->out);
			return;
		}
		uint64_t v = load(buf + byte, nb) >> shift;
		struct dp_type r = dp_type_resolve(m->type);
		if (dp_type_kind(r) == DP_TYPE_ENUM)
			put_enum(tp, r, v, m->bit_size);
		else
			put_int(tp, r, v, m->bit_size);
		return;
	}
	if (byte > len || size > len - byte) {
		fputs("<out of bounds>", tp->out);
		return;
	}
	tp_value(tp, m->type, buf + byte, size, indent, false);
}

void tp_value(struct tp *tp, struct dp_type t, const uint8_t *buf,
	      size_t len, int indent, bool top)
{
	FILE *f = tp->out;
	struct dp_type r = dp_type_resolve(t);
	uint64_t size = 0;
	struct dp_error *err = dp_type_size(r, &size);
	dp_error_destroy(err);
	if (indent > 2 * MAX_DEPTH) {
		fputs("{...}", f);
		return;
	}
	switch (dp_type_kind(r)) {
	case DP_TYPE_INT:
		if (size > 8 || size > len)
			break;
		put_int(tp, r, load(buf, size), (unsigned int)size * 8);
		return;
	case DP_TYPE_ENUM:
		if (size > 8 || size > len)
			break;
		put_enum(tp, r, load(buf, size), (unsigned int)size * 8);
		return;
	case DP_TYPE_PTR:
		if (len < 8)
			break;
		put_pointer(tp, t, load(buf, 8), top);
		return;
	case DP_TYPE_ARRAY:
		put_array(tp, r, buf, len, indent, top);
		return;
	case DP_TYPE_STRUCT:
	case DP_TYPE_UNION:
		put_composite(tp, r, buf, len, indent);
		return;
	case DP_TYPE_FLOAT:
		if (size == 8 && len >= 8) {
			double d;
			memcpy(&d, buf, 8);
			fprintf(f, "%g", d);
			return;
		}
		if (size == 4 && len >= 4) {
			float fl;
			memcpy(&fl, buf, 4);
			fprintf(f, "%g", (double)fl);
			return;
		}
		break;
	default:
		break;
	}
	fputs("<incomplete type>", f);
}

struct dp_error *tp_read(struct tp *tp, struct dp_type t, uint64_t addr,
			 uint8_t **buf, size_t *len)
{
	uint64_t size;
	struct dp_error *err = dp_type_size(t, &size);
	if (err)
		return err;
	if (size > TP_MAX_OBJECT)
		return dp_error_create(DP_ERR_INVALID,
				       "object of %" PRIu64 " bytes is too large to print",
				       size);
	*buf = malloc(size ? size : 1);
	if (!*buf)
		return &dp_enomem;
	err = dp_program_read(tp->prog, addr, *buf, size);
	if (err) {
		free(*buf);
		return err;
	}
	*len = size;
	return NULL;
}

struct dp_error *tp_address(struct dp_program *prog, const char *s,
			    uint64_t *ret)
{
	char *end;
	const char *p = s;
	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2))
		p += 2;
	if (*p && strspn(p, "0123456789abcdefABCDEF") == strlen(p)) {
		*ret = strtoull(p, &end, 16);
		return NULL;
	}
	return dp_program_symbol_address(prog, s, ret);
}

struct dp_program *tp_open(const char *cmd, const char *dump_path,
			   const char *vmlinux, struct dp_dump **dump)
{
	struct dp_program_opts opts = { .vmlinux = vmlinux };
	struct dp_program *prog;
	const char *paths[] = { dump_path };
	*dump = dp_cli_open_dump(cmd, paths, 1);
	if (!*dump)
		return NULL;
	struct dp_error *err = dp_program_create(*dump, &opts, &prog);
	if (err) {
		dp_cli_error(cmd, err);
		dp_dump_destroy(*dump);
		*dump = NULL;
		return NULL;
	}
	const char *warn = vmlinux ? dp_program_vmlinux_warning(prog) : NULL;
	if (warn)
		fprintf(stderr, "dontpanic %s: WARNING: %s\n", cmd, warn);
	return prog;
}

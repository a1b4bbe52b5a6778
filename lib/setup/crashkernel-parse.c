// SPDX-License-Identifier: MIT
// The strict crashkernel= parser (crashkernel.h): the kernel's grammar
// (Documentation/admin-guide/kdump/kdump.rst, kernel-parameters.txt), with
// everything the kernel would silently misread made an error.
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <dontpanic/crashkernel.h>

#define SZ_1M (1ULL << 20)

struct sp {
	const char *s;
	size_t len, pos;
	size_t full;		/* the whole value, for messages */
	struct dp_ck_spec *spec;
};

static struct dp_error *fail(const struct sp *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct dp_error *fail(const struct sp *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dp_error_create(DP_ERR_INVALID, "crashkernel=%.*s: %s",
			       (int)(p->full > 120 ? 120 : p->full), p->s, msg);
}

static void note(struct dp_ck_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct dp_ck_spec *spec, const char *fmt, ...)
{
	if (spec->nnotes >= DP_CK_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(spec->notes[spec->nnotes++], DP_CK_NOTE_LEN, fmt, ap);
	va_end(ap);
}

static int peek(const struct sp *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int digit(int c, unsigned base)
{
	int d = -1;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		d = (c | 0x20) - 'a' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

// NUMBER[KMGTPE]: decimal or 0x hex; a leading 0 (octal to the kernel)
// and anything past 64 bits (the kernel wraps) are errors.
static struct dp_error *number(struct sp *p, const char *what, uint64_t *ret)
{
	size_t start = p->pos;
	unsigned base = 10;
	if (peek(p) == '0' && p->pos + 2 < p->len &&
	    (p->s[p->pos + 1] | 0x20) == 'x') {
		base = 16;
		p->pos += 2;
	}
	if (digit(peek(p), base) < 0)
		return fail(p, "%s expected at offset %zu", what, start);
	if (base == 10 && peek(p) == '0' && p->pos + 1 < p->len &&
	    digit((unsigned char)p->s[p->pos + 1], 10) >= 0)
		return fail(p, "%s '%.*s...' has a leading 0: the kernel reads it as octal",
			    what, 8, p->s + start);
	uint64_t v = 0;
	bool wrap = false;
	int d;
	while ((d = digit(peek(p), base)) >= 0) {
		if (v > (UINT64_MAX - (unsigned)d) / base)
			wrap = true;
		v = v * base + (unsigned)d;
		p->pos++;
	}
	if (wrap)
		return fail(p, "%s at offset %zu does not fit in 64 bits (the kernel would wrap it)",
			    what, start);
	static const char suf[] = "KMGTPE";
	int c = peek(p);
	const char *u = c > 0 ? strchr(suf, c & ~0x20) : NULL;
	if (u && c != ' ') {
		unsigned shift = 10 * (unsigned)(u - suf + 1);
		if (v > (UINT64_MAX >> shift))
			return fail(p, "%s at offset %zu does not fit in 64 bits (the kernel would wrap it)",
				    what, start);
		v <<= shift;
		p->pos++;
	}
	*ret = v;
	return NULL;
}

static struct dp_error *expect(struct sp *p, int c, const char *why)
{
	if (peek(p) == c) {
		p->pos++;
		return NULL;
	}
	if (peek(p) < 0)
		return fail(p, "'%c' expected at the end (%s)", c, why);
	return fail(p, "'%c' expected at offset %zu, not '%c' (%s)", c, p->pos,
		    peek(p), why);
}

static struct dp_error *at_end(struct sp *p)
{
	if (p->pos == p->len)
		return NULL;
	return fail(p, "unexpected '%c' at offset %zu (the kernel %s)",
		    p->s[p->pos], p->pos,
		    p->spec->syntax == DP_CK_RANGES ?
		    "ignores what follows the entry it takes, or rejects the spec" :
		    "rejects the spec or ignores the rest");
}

static void fmt(uint64_t v, char *buf, size_t n)
{
	dp_ck_format_size(v, buf, n);
}

// Range checks: the kernel walks entries in order and fails the whole spec
// when a walked entry's size is not below the (rounded) RAM.
static struct dp_error *check_ranges(struct sp *p)
{
	struct dp_ck_spec *spec = p->spec;
	char a[32], b[32], c[32];
	for (size_t i = 0; i < spec->nranges; i++) {
		const struct dp_ck_range *r = &spec->ranges[i];
		fmt(r->start, a, sizeof(a));
		fmt(r->end, b, sizeof(b));
		fmt(r->size, c, sizeof(c));
		if (i) {
			const struct dp_ck_range *q = &spec->ranges[i - 1];
			if (r->start < q->end)
				return fail(p, "range %zu (%s-%s) starts below the end of range %zu: ranges must be in increasing order and not overlap (the kernel takes the first that matches)",
					    i + 1, a, r->end == UINT64_MAX ? "" : b, i);
			if (r->start > q->end) {
				char e[32];
				fmt(q->end, e, sizeof(e));
				note(spec, "RAM from %s to %s matches no range: nothing is reserved there", e, a);
			}
		}
		if (r->end != UINT64_MAX && r->size >= r->end)
			return fail(p, "range %zu (%s-%s:%s): the size is not below the range's RAM, so the kernel rejects the whole spec on such machines",
				    i + 1, a, b, c);
		if (r->size >= r->start && r->size)
			note(spec, "range %zu (%s-%s:%s): on a machine whose RAM, rounded up to 128M, is at most %s, the kernel rejects the whole spec (size not below RAM)",
			     i + 1, a, r->end == UINT64_MAX ? "" : b, c, c);
		if (!r->size)
			note(spec, "range %zu (%s-%s) reserves nothing", i + 1, a,
			     r->end == UINT64_MAX ? "" : b);
	}
	if (spec->nranges && spec->ranges[0].start) {
		fmt(spec->ranges[0].start, a, sizeof(a));
		note(spec, "machines with less than %s of RAM reserve nothing", a);
	}
	return NULL;
}

static struct dp_error *parse_ranges(struct sp *p)
{
	struct dp_ck_spec *spec = p->spec;
	struct dp_error *err;
	for (;;) {
		struct dp_ck_range r = { .end = UINT64_MAX };
		if (spec->nranges == DP_CK_MAX_RANGES)
			return fail(p, "more than %d ranges", DP_CK_MAX_RANGES);
		if ((err = number(p, "range start", &r.start)) ||
		    (err = expect(p, '-', "a range is START-[END]")))
			return err;
		if (peek(p) != ':') {
			size_t at = p->pos;
			if ((err = number(p, "range end", &r.end)))
				return err;
			if (r.end <= r.start)
				return fail(p, "range end at offset %zu is not above its start (the kernel: end <= start)", at);
		}
		if ((err = expect(p, ':', "START-[END]:SIZE")) ||
		    (err = number(p, "size", &r.size)))
			return err;
		spec->ranges[spec->nranges++] = r;
		if (peek(p) != ',')
			break;
		p->pos++;
	}
	return NULL;
}

static struct dp_error *parse_offset(struct sp *p)
{
	struct dp_ck_spec *spec = p->spec;
	if (peek(p) != '@')
		return NULL;
	p->pos++;
	struct dp_error *err = number(p, "offset after '@'", &spec->offset);
	if (err)
		return err;
	spec->has_offset = true;
	if (spec->offset % SZ_1M)
		return fail(p, "offset 0x%" PRIx64 " is not a multiple of 1 MiB: x86_64 reserves at a 1 MiB-aligned address, so the reservation would fail",
			    spec->offset);
	if (!spec->offset)
		note(spec, "@0 means: the kernel chooses the address");
	return NULL;
}

struct dp_error *dp_ck_parse(const char *s, size_t len, struct dp_ck_spec *ret)
{
	struct dp_ck_spec *spec = ret;
	memset(spec, 0, sizeof(*spec));
	struct sp p = { .s = s, .len = len, .full = len, .spec = spec };
	if (!len)
		return fail(&p, "empty (a size is needed, e.g. 256M)");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' ||
		    c == '\\' || c == '$' || c == '`')
			return fail(&p, "byte 0x%02x at offset %zu cannot be in a crashkernel= value", c, i);
	}
	struct dp_error *err;
	if (memchr(s, ':', len)) {
		spec->syntax = DP_CK_RANGES;
		if ((err = parse_ranges(&p)) || (err = parse_offset(&p)) ||
		    (err = at_end(&p)) || (err = check_ranges(&p)))
			return err;
	} else if ((len > 5 && !memcmp(s + len - 5, ",high", 5)) ||
		   (len > 4 && !memcmp(s + len - 4, ",low", 4))) {
		bool high = s[len - 1] == 'h';
		spec->syntax = high ? DP_CK_HIGH : DP_CK_LOW;
		p.len = len - (high ? 5 : 4);
		if ((err = number(&p, "size", &spec->size)))
			return err;
		if (p.pos != p.len)
			return fail(&p, "unexpected '%c' at offset %zu: ,high and ,low take a plain size (no range, no @offset)",
				    s[p.pos], p.pos);
		if (high && !spec->size)
			return fail(&p, "size 0 reserves nothing");
		if (!high)
			note(spec, spec->size ?
			     "a ,low size is used only with crashkernel=X,high (when the reservation lands above 4 GiB)" :
			     "crashkernel=0,low: no low memory is reserved next to a ,high reservation");
	} else {
		spec->syntax = DP_CK_SIMPLE;
		if ((err = number(&p, "size", &spec->size)) ||
		    (err = parse_offset(&p)) || (err = at_end(&p)))
			return err;
		if (!spec->size)
			return fail(&p, "size 0 reserves nothing");
	}
	if (spec->has_offset && spec->offset + (spec->syntax == DP_CK_RANGES ?
	    0 : spec->size) < spec->offset)
		return fail(&p, "offset + size does not fit in 64 bits");
	return NULL;
}

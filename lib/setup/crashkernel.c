// SPDX-License-Identifier: MIT
// crashkernel= (crashkernel.h): the kernel's own parser modelled exactly,
// a strict parser for what we write, and evaluation for a RAM size.
//
// Facts (Linux 6.1, read for facts only):
// - kernel/crash_core.c: __parse_crashkernel() takes the LAST
//   "crashkernel=" found by strstr() on the whole command line; the plain
//   search skips words ending in ",high"/",low". A ':' before the first
//   space selects the range syntax (parse_crashkernel_mem), else
//   SIZE[@OFFSET] (parse_crashkernel_simple); suffixed words go to
//   parse_crashkernel_suffix.
// - parse_crashkernel_mem() rounds the RAM size up to 128 MiB, walks the
//   entries in order, fails the whole spec when an entry it reaches has
//   size >= that RAM, takes the first entry with start <= ram < end, then
//   skips to '@' without looking at the rest.
// - memparse() (lib/cmdline.c) is simple_strtoull(base 0: 0x hex, leading
//   0 octal; no sign, wraps on overflow) then one of KMGTPE, each a shift
//   by 10 more (wrapping too).
// - arch/x86/kernel/setup.c reserve_crashkernel(): RAM is
//   memblock_phys_mem_size(); if crashkernel= fails or gives 0, try
//   crashkernel=X,high; a fixed @offset is allocated with 1 MiB alignment
//   at exactly that address.
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <dontpanic/crashkernel.h>

#define SZ_1M (1ULL << 20)
#define SZ_128M (128ULL << 20)

/* ---- the kernel's parser, modelled ------------------------------------ */

static int k_hexval(unsigned c)
{
	unsigned lc = c | 0x20;
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (lc >= 'a' && lc <= 'f')
		return (int)(lc - 'a' + 10);
	return -1;
}

// simple_strtoull(p, end, 0) then the K/M/G/T/P/E suffix, wrapping as
// the kernel does.
static uint64_t k_memparse(const char *p, const char **end)
{
	const char *s = p;
	unsigned base = 10;
	if (s[0] == '0') {
		base = 8;
		if ((s[1] | 0x20) == 'x' && k_hexval((unsigned char)s[2]) >= 0) {
			base = 16;
			s += 2;
		}
	}
	uint64_t v = 0;
	for (;; s++) {
		int d = k_hexval((unsigned char)*s);
		if (d < 0 || (unsigned)d >= base)
			break;
		v = v * base + (unsigned)d;
	}
	// memparse's switch falls through E, P, T, G, M, K: 10 bits each.
	static const char units[] = "KMGTPE";
	const char *u = *s ? strchr(units, *s & ~0x20) : NULL;
	unsigned shift = 0;
	if (u && (*s & ~0x20) == *u && ((unsigned char)*s | 0x20) >= 'a' &&
	    ((unsigned char)*s | 0x20) <= 'z') {
		shift = 10 * (unsigned)(u - units + 1);
		s++;
	}
	*end = s;
	return v << shift;
}

uint64_t dp_ck_match_ram(uint64_t ram)
{
	// roundup(ram, SZ_128M), wrapping like the kernel's macro.
	return (ram + SZ_128M - 1) / SZ_128M * SZ_128M;
}

struct kres {
	int rc;
	uint64_t size, base;
	int range;
	const char *why;
};

static int k_fail(struct kres *r, int rc, const char *why)
{
	r->rc = rc;
	r->why = why;
	return rc;
}

static int k_parse_mem(const char *cur, uint64_t ram, struct kres *r)
{
	uint64_t total = dp_ck_match_ram(ram);
	const char *tmp;
	int idx = 0;
	do {
		uint64_t start, end = UINT64_MAX, size;
		start = k_memparse(cur, &tmp);
		if (cur == tmp)
			return k_fail(r, -EINVAL, "crashkernel: Memory value expected");
		cur = tmp;
		if (*cur != '-')
			return k_fail(r, -EINVAL, "crashkernel: '-' expected");
		cur++;
		if (*cur != ':') {
			end = k_memparse(cur, &tmp);
			if (cur == tmp)
				return k_fail(r, -EINVAL, "crashkernel: Memory value expected");
			cur = tmp;
			if (end <= start)
				return k_fail(r, -EINVAL, "crashkernel: end <= start");
		}
		if (*cur != ':')
			return k_fail(r, -EINVAL, "crashkernel: ':' expected");
		cur++;
		size = k_memparse(cur, &tmp);
		if (cur == tmp)
			return k_fail(r, -EINVAL, "Memory value expected");
		cur = tmp;
		if (size >= total)
			return k_fail(r, -EINVAL, "crashkernel: invalid size");
		if (total >= start && total < end) {
			r->size = size;
			r->range = idx;
			break;
		}
		idx++;
	} while (*cur++ == ',');
	if (r->size > 0) {
		while (*cur && *cur != ' ' && *cur != '@')
			cur++;
		if (*cur == '@') {
			cur++;
			r->base = k_memparse(cur, &tmp);
			if (cur == tmp)
				return k_fail(r, -EINVAL, "Memory value expected after '@'");
		}
	} else {
		r->why = "crashkernel size resulted in zero bytes";
	}
	return 0;
}

static int k_parse_simple(const char *cur, struct kres *r)
{
	const char *end;
	r->size = k_memparse(cur, &end);
	if (end == cur)
		return k_fail(r, -EINVAL, "crashkernel: memory value expected");
	if (*end == '@')
		r->base = k_memparse(end + 1, &end);	// not checked, as in 6.1
	else if (*end != ' ' && *end != '\0')
		return k_fail(r, -EINVAL, "crashkernel: unrecognized char");
	return 0;
}

static int k_parse_suffix(const char *cur, const char *suffix, struct kres *r)
{
	const char *end;
	size_t n = strlen(suffix);
	r->size = k_memparse(cur, &end);
	if (end == cur)
		return k_fail(r, -EINVAL, "crashkernel: memory value expected");
	if (strncmp(end, suffix, n))
		return k_fail(r, -EINVAL, "crashkernel: unrecognized char");
	end += n;
	if (*end != ' ' && *end != '\0')
		return k_fail(r, -EINVAL, "crashkernel: unrecognized char");
	return 0;
}

static bool k_ends_with(const char *p, const char *end_p, const char *suffix)
{
	size_t n = strlen(suffix);
	return (size_t)(end_p - p) >= n && !strncmp(end_p - n, suffix, n);
}

// get_last_crashkernel(): strstr on the whole line, the last one wins.
static const char *k_last(const char *cmdline, const char *suffix)
{
	static const char name[] = "crashkernel=";
	const char *found = NULL;
	for (const char *p = strstr(cmdline, name); p;
	     p = strstr(p + 1, name)) {
		const char *end_p = strchr(p, ' ');
		if (!end_p)
			end_p = p + strlen(p);
		if (!suffix) {
			if (k_ends_with(p, end_p, ",high") ||
			    k_ends_with(p, end_p, ",low"))
				continue;
			found = p;
		} else if (k_ends_with(p, end_p, suffix)) {
			found = p;
		}
	}
	return found;
}

static int k_parse(const char *cmdline, uint64_t ram, const char *suffix,
		   struct kres *r)
{
	memset(r, 0, sizeof(*r));
	r->range = -1;
	const char *ck = k_last(cmdline, suffix);
	if (!ck)
		return k_fail(r, -ENOENT, "no crashkernel= on the command line");
	ck += strlen("crashkernel=");
	if (suffix)
		return k_parse_suffix(ck, suffix, r);
	const char *colon = strchr(ck, ':'), *space = strchr(ck, ' ');
	if (colon && (!space || colon < space))
		return k_parse_mem(ck, ram, r);
	return k_parse_simple(ck, r);
}

void dp_ck_kernel_eval(const char *cmdline, uint64_t system_ram,
		       struct dp_ck_result *ret)
{
	struct kres plain, high, low;
	memset(ret, 0, sizeof(*ret));
	ret->range = -1;
	k_parse(cmdline, system_ram, NULL, &plain);
	if (plain.rc == 0 && plain.size > 0) {
		ret->ok = true;
		ret->size = plain.size;
		ret->base = plain.base;
		ret->range = plain.range;
		return;
	}
	// reserve_crashkernel(): any failure of the plain form falls back to
	// crashkernel=X,high.
	k_parse(cmdline, system_ram, ",high", &high);
	if (high.rc == 0 && high.size > 0) {
		ret->ok = true;
		ret->high = true;
		ret->size = high.size;
		if (!k_parse(cmdline, 0, ",low", &low)) {
			ret->low_given = true;
			ret->low_size = low.size;
		}
		return;
	}
	// Nothing reserved: report the plain form's problem when there was
	// one, else the ,high one's.
	const struct kres *why = plain.rc != -ENOENT || high.rc == -ENOENT ?
		&plain : &high;
	ret->rc = why->rc;
	ret->why = why->why ? why->why : "crashkernel size resulted in zero bytes";
}

void dp_ck_eval(const struct dp_ck_spec *spec, uint64_t system_ram,
		struct dp_ck_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->range = -1;
	switch (spec->syntax) {
	case DP_CK_SIMPLE:
	case DP_CK_HIGH:
		ret->ok = spec->size > 0;
		ret->size = spec->size;
		ret->high = spec->syntax == DP_CK_HIGH;
		ret->base = spec->has_offset ? spec->offset : 0;
		if (!ret->ok)
			ret->why = "crashkernel size resulted in zero bytes";
		return;
	case DP_CK_LOW:
		ret->rc = -ENOENT;
		ret->why = "no crashkernel= on the command line";
		return;
	case DP_CK_RANGES:
		break;
	}
	uint64_t total = dp_ck_match_ram(system_ram);
	for (size_t i = 0; i < spec->nranges; i++) {
		const struct dp_ck_range *r = &spec->ranges[i];
		if (r->size >= total) {
			ret->rc = -EINVAL;
			ret->why = "crashkernel: invalid size";
			return;
		}
		if (total >= r->start && total < r->end) {
			ret->size = r->size;
			ret->range = (int)i;
			break;
		}
	}
	ret->ok = ret->size > 0;
	if (!ret->ok) {
		ret->range = -1;
		ret->why = "crashkernel size resulted in zero bytes";
	} else if (spec->has_offset) {
		ret->base = spec->offset;
	}
}

void dp_ck_format_size(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	if (!v) {
		snprintf(buf, size, "0");
		return;
	}
	for (int i = 5; i >= 0; i--) {
		unsigned shift = 10 * (unsigned)(i + 1);
		if (!(v & ((1ULL << shift) - 1))) {
			snprintf(buf, size, "%" PRIu64 "%c", v >> shift, units[i]);
			return;
		}
	}
	snprintf(buf, size, "%" PRIu64, v);
}

// SPDX-License-Identifier: MIT
// ORC tables: decoding orc_entry, building a sorted lookup table from the
// self-relative .orc_unwind_ip and .orc_unwind arrays. FORMATS.md §6.3.
#include <stdlib.h>
#include <string.h>

#include <core/reader.h>
#include <core/search.h>
#include <dontpanic/unwind.h>

/* Bound on entries per table: vmlinux has ~370k on 6.1. */
#define DP_ORC_MAX_ENTRIES (16u << 20)

void dp_orc_decode(const uint8_t raw[6], enum dp_orc_version ver,
		   struct dp_orc_entry *ret)
{
	struct dp_reader r;
	uint16_t sp, bp, bits;
	dp_reader_init(&r, raw, 6, false);
	dp_reader_u16(&r, &sp);
	dp_reader_u16(&r, &bp);
	dp_reader_u16(&r, &bits);
	ret->sp_offset = (int16_t)sp;
	ret->bp_offset = (int16_t)bp;
	ret->sp_reg = bits & 0xf;
	ret->bp_reg = (bits >> 4) & 0xf;
	if (ver == DP_ORC_V6_4) {
		ret->type = (bits >> 8) & 0x7;
		ret->signal = (bits >> 11) & 1;
		return;
	}
	// ≤ 6.3: CALL 0, REGS 1, REGS_PARTIAL 2; an undefined sp_reg with
	// the end bit is the normal end of the stack.
	unsigned int type = (bits >> 8) & 0x3;
	bool end = (bits >> (ver == DP_ORC_V6_3 ? 11 : 10)) & 1;
	if (ret->sp_reg == DP_ORC_REG_UNDEFINED)
		ret->type = end ? DP_ORC_TYPE_END_OF_STACK :
			DP_ORC_TYPE_UNDEFINED;
	else
		ret->type = type == 0 ? DP_ORC_TYPE_CALL :
			type == 1 ? DP_ORC_TYPE_REGS :
			type == 2 ? DP_ORC_TYPE_REGS_PARTIAL :
			DP_ORC_TYPE_UNDEFINED;
	// 6.1 implies "signal" for both regs types; 6.3 has a bit.
	if (ver == DP_ORC_V6_3)
		ret->signal = (bits >> 10) & 1;
	else
		ret->signal = ret->type == DP_ORC_TYPE_REGS ||
			      ret->type == DP_ORC_TYPE_REGS_PARTIAL;
}

static bool is_sorted(const uint64_t *ip, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (ip[i] < ip[i - 1])
			return false;
	return true;
}

struct pair {
	uint64_t ip;
	size_t idx;
	bool weak;	/* a weak section terminator */
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	// Weak terminators go first so real entries at the same ip win,
	// as the kernel's orc_sort_cmp() arranges.
	if (x->weak != y->weak)
		return x->weak ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

// Sort ips and entries together, stable for equal ips.
static struct dp_error *sort_table(struct dp_orc_table *t)
{
	struct pair *p = calloc(t->n, sizeof(*p));
	struct dp_orc_entry *e = calloc(t->n, sizeof(*e));
	if (!p || !e) {
		free(p);
		free(e);
		return &dp_enomem;
	}
	for (size_t i = 0; i < t->n; i++)
		p[i] = (struct pair){ t->ip[i], i,
				     t->entry[i].type == DP_ORC_TYPE_UNDEFINED };
	qsort(p, t->n, sizeof(*p), pair_cmp);
	for (size_t i = 0; i < t->n; i++) {
		e[i] = t->entry[p[i].idx];
		t->ip[i] = p[i].ip;
	}
	free(t->entry);
	t->entry = e;
	free(p);
	return NULL;
}

struct dp_error *dp_orc_table_init(struct dp_orc_table *t, uint64_t ip_base,
				   const int32_t *ip_rel,
				   const uint8_t *raw, size_t n,
				   enum dp_orc_version ver)
{
	memset(t, 0, sizeof(*t));
	if (n > DP_ORC_MAX_ENTRIES)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "ORC table of %zu entries is too big", n);
	if (n == 0)
		return NULL;
	t->ip = calloc(n, sizeof(*t->ip));
	t->entry = calloc(n, sizeof(*t->entry));
	if (!t->ip || !t->entry) {
		dp_orc_table_deinit(t);
		return &dp_enomem;
	}
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		// ip_i = &ip_rel[i] + ip_rel[i]; wraps like the kernel's.
		t->ip[i] = ip_base + 4 * (uint64_t)i + (uint64_t)(int64_t)ip_rel[i];
		dp_orc_decode(raw + 6 * i, ver, &t->entry[i]);
	}
	if (!is_sorted(t->ip, n)) {
		struct dp_error *err = sort_table(t);
		if (err) {
			dp_orc_table_deinit(t);
			return err;
		}
	}
	return NULL;
}

void dp_orc_table_deinit(struct dp_orc_table *t)
{
	free(t->ip);
	free(t->entry);
	memset(t, 0, sizeof(*t));
}

bool dp_orc_table_find(const struct dp_orc_table *t, uint64_t ip,
		       struct dp_orc_entry *ret)
{
	// Rightmost entry with entry ip <= ip: weak terminators can share an
	// ip with a real entry and the later one wins (§6.3).
	size_t lo = dp_partition_point(t->n, i, t->ip[i] <= ip);
	if (lo == 0)
		return false;
	*ret = t->entry[lo - 1];
	return true;
}

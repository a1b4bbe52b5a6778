// SPDX-License-Identifier: MIT
// kallsyms decoder: names, address encodings, address and name indexes.
// Facts: FORMATS.md §6.1 (6.1 scripts/kallsyms.c, kernel/kallsyms.c).
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/reader.h"
#include "debuginfo/kallsyms.h"

// A decoded name is at most KSYM_NAME_LEN (512 in 6.1) bytes.
#define KSYM_NAME_MAX 512
// More symbols than any kernel has (6.1 Debian: ~117k); bounds allocations.
#define KSYM_MAX_SYMS (1u << 22)

// syms[i] is the i-th symbol of the tables, which are in address order
// (check_sorted()): 16 bytes a symbol.
struct ksym {
	uint64_t addr;
	uint32_t name;		// offset into the string pool
	char type;
};

struct dp_kallsyms {
	enum dp_kallsyms_encoding encoding;
	struct ksym *syms;	// in table order = sorted by address
	size_t n;
	char *pool;		// NUL-terminated names
	size_t pool_len;
	uint32_t *hash;		// name hash: 1 + index into syms, 0 = empty
	size_t hash_size;	// power of two
	size_t first_addr;	// first symbol that is a real address
	uint64_t end;		// _end, or 0 if absent
	char *warning;		// a VMCOREINFO SYMBOL() outvoted, or NULL
};

static const char *const encoding_names[] = {
	[DP_KALLSYMS_ABSOLUTE] = "absolute",
	[DP_KALLSYMS_BASE_RELATIVE] = "base-relative",
	[DP_KALLSYMS_ABSOLUTE_PERCPU] = "absolute-percpu",
	[DP_KALLSYMS_PLACE_RELATIVE] = "place-relative",
};

void dp_kallsyms_destroy(struct dp_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->warning);
	free(ks->syms);
	free(ks->pool);
	free(ks->hash);
	free(ks);
}

// The 256 tokens, measured once: len is SIZE_MAX for a token outside the
// table or unterminated (an error only when a name uses it).
struct tokens {
	const char *tok[256];
	size_t len[256];
};

static void measure_tokens(const struct dp_kallsyms_tables *t,
			   struct tokens *tk)
{
	for (int i = 0; i < 256; i++) {
		size_t off = t->token_index[i];
		size_t avail = off < t->token_table_len ?
			       t->token_table_len - off : 0;
		tk->tok[i] = (const char *)t->token_table + off;
		tk->len[i] = avail ? strnlen(tk->tok[i], avail) : 0;
		if (tk->len[i] == avail)
			tk->len[i] = SIZE_MAX;
	}
}

// Expand one compressed name; pos advances past it. out gets type+name.
static struct dp_error *decode_name(const struct dp_kallsyms_tables *t,
				    const struct tokens *tk,
				    struct dp_reader *r, uint32_t i,
				    char *out, size_t *len_ret)
{
	size_t start = r->pos;
	uint8_t b, b2;
	size_t len = 0, olen = 0;
	if (!dp_reader_u8(r, &b))
		goto truncated;
	len = b;
	// "Big symbol" lengths (6.1, commit 73bbb94466fd3): 2-byte ULEB128.
	if (b & 0x80) {
		if (!dp_reader_u8(r, &b2))
			goto truncated;
		len = (b & 0x7f) | ((size_t)b2 << 7);
	}
	if (len == 0)
		return dp_error_create(DP_ERR_BAD_DATA,
			"kallsyms_names: symbol %" PRIu32 " at offset 0x%zx "
			"has length 0", i, start);
	const uint8_t *p = dp_reader_take(r, len);
	if (!p)
		goto truncated;
	for (size_t k = 0; k < len; k++) {
		size_t tl = tk->len[p[k]];
		if (tl == SIZE_MAX)
			return dp_error_create(DP_ERR_BAD_DATA,
				"kallsyms_token_table: token %u (offset 0x%x) "
				"is outside the table or unterminated", p[k],
				(unsigned)t->token_index[p[k]]);
		if (olen + tl > KSYM_NAME_MAX)
			return dp_error_create(DP_ERR_BAD_DATA,
				"kallsyms_names: symbol %" PRIu32 " at offset "
				"0x%zx expands to more than %d bytes", i, start,
				KSYM_NAME_MAX);
		// Tokens are a few bytes: a loop beats a memcpy call.
		for (const char *c = tk->tok[p[k]], *e = c + tl; c < e; c++)
			out[olen++] = *c;
	}
	if (olen < 2)
		return dp_error_create(DP_ERR_BAD_DATA,
			"kallsyms_names: symbol %" PRIu32 " at offset 0x%zx has "
			"no name", i, start);
	out[olen] = '\0';
	*len_ret = olen;
	return NULL;
truncated:
	return dp_error_create(DP_ERR_BAD_DATA,
		"kallsyms_names: symbol %" PRIu32 " of %" PRIu32 " at offset "
		"0x%zx runs past the end of the table (0x%zx bytes)", i,
		t->num_syms, start, t->names_len);
}

static uint64_t read_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int k = n - 1; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

static uint64_t addr_by(const struct dp_kallsyms_tables *t,
			enum dp_kallsyms_encoding e, uint32_t i)
{
	if (e == DP_KALLSYMS_ABSOLUTE)
		return read_le(t->addrs + (size_t)i * 8, 8);
	int32_t off = (int32_t)(uint32_t)read_le(t->addrs + (size_t)i * 4, 4);
	switch (e) {
	case DP_KALLSYMS_BASE_RELATIVE:
		return t->relative_base + (uint32_t)off;
	case DP_KALLSYMS_ABSOLUTE_PERCPU:
		return off >= 0 ? (uint64_t)off :
		       t->relative_base - 1 - (uint64_t)(int64_t)off;
	default:
		return t->offsets_vaddr + (uint64_t)i * 4 + (uint64_t)(int64_t)off;
	}
}

// Pick the encoding under which the anchor (_stext) decodes to the
// expected address (VMCOREINFO's, or the page tables' _text).
static struct dp_error *choose_encoding(const struct dp_kallsyms_tables *t,
					const struct dp_kallsyms *ks,
					enum dp_kallsyms_encoding *ret)
{
	static const enum dp_kallsyms_encoding rel[] = {
		DP_KALLSYMS_ABSOLUTE_PERCPU, DP_KALLSYMS_BASE_RELATIVE,
		DP_KALLSYMS_PLACE_RELATIVE,
	};
	const char *anchor = t->anchor ? t->anchor : "_stext";
	int64_t stext_i = -1;
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->pool + ks->syms[i].name, anchor)) {
			stext_i = (int64_t)i;
			break;
		}
	if (stext_i < 0)
		return dp_error_create(DP_ERR_BAD_DATA,
			"no %s symbol to check the address encoding against",
			anchor);
	if (t->absolute) {
		uint64_t a = addr_by(t, DP_KALLSYMS_ABSOLUTE, (uint32_t)stext_i);
		if (a != t->stext)
			return dp_error_create(DP_ERR_BAD_DATA,
				"kallsyms_addresses: %s is 0x%" PRIx64
				", expected 0x%" PRIx64, anchor, a, t->stext);
		*ret = DP_KALLSYMS_ABSOLUTE;
		return NULL;
	}
	uint64_t got[3];
	for (int k = 0; k < 3; k++) {
		if (rel[k] != DP_KALLSYMS_PLACE_RELATIVE &&
		    !t->have_relative_base) {
			got[k] = 0;
			continue;
		}
		got[k] = addr_by(t, rel[k], (uint32_t)stext_i);
		if (got[k] == t->stext) {
			*ret = rel[k];
			return NULL;
		}
	}
	return dp_error_create(DP_ERR_BAD_DATA,
		"kallsyms_offsets: %s decodes to 0x%" PRIx64
		" (absolute-percpu), 0x%" PRIx64 " (base-relative), 0x%" PRIx64
		" (place-relative); expected 0x%" PRIx64 " (%s)"
		": damaged tables or an unknown encoding", anchor,
		got[0], got[1], got[2], t->stext,
		t->anchor ? "page tables" : "VMCOREINFO SYMBOL(_stext)");
}

// The kernel binary-searches the tables in index order (get_symbol_pos()
// in kernel/kallsyms.c), so the generator writes them sorted by address:
// a decrease means damaged tables (or a wrong encoding).
static struct dp_error *check_sorted(const struct dp_kallsyms *ks)
{
	for (size_t i = 1; i < ks->n; i++)
		if (ks->syms[i].addr < ks->syms[i - 1].addr)
			return dp_error_create(DP_ERR_BAD_DATA,
				"symbol %zu (%s) decodes to 0x%" PRIx64
				", below symbol %zu (%s) at 0x%" PRIx64
				": the address table is damaged", i,
				ks->pool + ks->syms[i].name, ks->syms[i].addr,
				i - 1, ks->pool + ks->syms[i - 1].name,
				ks->syms[i - 1].addr);
	return NULL;
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	// FNV-1a
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	// FNV's low bits cluster for names that differ at the end
	// (foo_1, foo_2): mix the high bits down for the table index.
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static struct dp_error *build_hash(struct dp_kallsyms *ks)
{
	// Linear probing at a load factor of at most 2/3.
	size_t size = 16;
	while (size < ks->n + ks->n / 2)
		size <<= 1;
	ks->hash = calloc(size, sizeof(*ks->hash));
	if (!ks->hash)
		return &dp_enomem;
	ks->hash_size = size;
	for (size_t i = 0; i < ks->n; i++) {
		size_t h = name_hash(ks->pool + ks->syms[i].name) & (size - 1);
		while (ks->hash[h])
			h = (h + 1) & (size - 1);
		ks->hash[h] = (uint32_t)i + 1;
	}
	return NULL;
}

static struct dp_error *check_tables(const struct dp_kallsyms_tables *t)
{
	size_t need = (size_t)t->num_syms * (t->absolute ? 8 : 4);
	if (t->num_syms == 0 || t->num_syms > KSYM_MAX_SYMS)
		return dp_error_create(DP_ERR_BAD_DATA,
			"kallsyms_num_syms is %" PRIu32 " (expected 1..%u)",
			t->num_syms, KSYM_MAX_SYMS);
	if (t->addrs_len < need)
		return dp_error_create(DP_ERR_BAD_DATA,
			"kallsyms address table has 0x%zx bytes, %" PRIu32
			" symbols need 0x%zx", t->addrs_len, t->num_syms, need);
	return NULL;
}

// Decode every name into the pool and fill syms[] in table order. Each
// name is expanded in place: its nm type letter, then the name and NUL
// (the letter stays in the pool; one byte a symbol saves a copy).
static struct dp_error *decode_all(const struct dp_kallsyms_tables *t,
				   struct dp_kallsyms *ks)
{
	struct dp_reader r;
	struct tokens tk;
	size_t cap = (size_t)t->num_syms * 16 + KSYM_NAME_MAX + 1, len = 0;
	dp_reader_init(&r, t->names, t->names_len, false);
	measure_tokens(t, &tk);
	ks->syms = calloc(t->num_syms, sizeof(*ks->syms));
	ks->pool = malloc(cap);
	if (!ks->syms || !ks->pool)
		return &dp_enomem;
	for (uint32_t i = 0; i < t->num_syms; i++) {
		if (ks->pool_len + KSYM_NAME_MAX + 1 > cap) {
			cap = cap * 2;
			char *p = realloc(ks->pool, cap);
			if (!p)
				return &dp_enomem;
			ks->pool = p;
		}
		char *out = ks->pool + ks->pool_len;
		struct dp_error *err = decode_name(t, &tk, &r, i, out, &len);
		if (err)
			return err;
		ks->syms[i] = (struct ksym){
			.name = (uint32_t)(ks->pool_len + 1),
			.type = out[0],
		};
		ks->pool_len += len + 1;
	}
	ks->n = t->num_syms;
	return NULL;
}

struct dp_error *dp_kallsyms_build(const struct dp_kallsyms_tables *t,
				   struct dp_kallsyms **ret)
{
	struct dp_error *err = check_tables(t);
	if (err)
		return err;
	struct dp_kallsyms *ks = calloc(1, sizeof(*ks));
	if (!ks)
		return &dp_enomem;
	if ((err = decode_all(t, ks)) ||
	    (err = choose_encoding(t, ks, &ks->encoding)))
		goto fail;
	for (size_t i = 0; i < ks->n; i++)
		ks->syms[i].addr = addr_by(t, ks->encoding, (uint32_t)i);
	// Sorted by (addr, index) once check_sorted() passed: no qsort.
	if ((err = check_sorted(ks)))
		goto fail;
	// Per-CPU symbols are absolute ('A', small offsets) and sort first;
	// address lookups start at the first real kernel address.
	while (ks->first_addr < ks->n &&
	       (ks->syms[ks->first_addr].type == 'A' ||
		ks->syms[ks->first_addr].type == 'a'))
		ks->first_addr++;
	if ((err = build_hash(ks)))
		goto fail;
	size_t c = 0;
	struct dp_symbol s;
	if (dp_kallsyms_find_name(ks, "_end", &c, &s))
		ks->end = s.address;
	*ret = ks;
	return NULL;
fail:
	dp_kallsyms_destroy(ks);
	return err;
}

enum dp_kallsyms_encoding dp_kallsyms_encoding(const struct dp_kallsyms *ks)
{
	return ks->encoding;
}

const char *dp_kallsyms_encoding_name(enum dp_kallsyms_encoding e)
{
	return encoding_names[e];
}

size_t dp_kallsyms_count(const struct dp_kallsyms *ks)
{
	return ks->n;
}

void dp_kallsyms_get(const struct dp_kallsyms *ks, size_t i,
		     struct dp_symbol *ret)
{
	const struct ksym *k = &ks->syms[i];
	uint64_t size = 0;
	// Size: distance to the next symbol at a higher address.
	for (size_t j = i + 1; j < ks->n; j++)
		if (ks->syms[j].addr != k->addr) {
			size = ks->syms[j].addr - k->addr;
			break;
		}
	*ret = (struct dp_symbol){
		.name = ks->pool + k->name, .address = k->addr, .size = size,
		.type = k->type, .module = NULL,
	};
}

bool dp_kallsyms_find_name(const struct dp_kallsyms *ks, const char *name,
			   size_t *cursor, struct dp_symbol *ret)
{
	// *cursor counts probes already consumed (0 = start).
	size_t mask = ks->hash_size - 1;
	size_t h = (name_hash(name) + *cursor) & mask;
	for (; ks->hash[h]; h = (h + 1) & mask) {
		(*cursor)++;
		size_t i = ks->hash[h] - 1;
		if (!strcmp(ks->pool + ks->syms[i].name, name)) {
			dp_kallsyms_get(ks, i, ret);
			return true;
		}
	}
	return false;
}

bool dp_kallsyms_lookup_addr(const struct dp_kallsyms *ks, uint64_t addr,
			     struct dp_symbol *ret, uint64_t *offset_ret)
{
	size_t lo = ks->first_addr, hi = ks->n;
	if (lo == hi || addr < ks->syms[lo].addr || (ks->end && addr >= ks->end))
		return false;
	// Last symbol with syms[i].addr <= addr.
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	// The first of aliases, like the kernel's get_symbol_pos().
	while (lo > ks->first_addr && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	dp_kallsyms_get(ks, lo, ret);
	*offset_ret = addr - ret->address;
	return true;
}

const char *dp_kallsyms_warning(const struct dp_kallsyms *ks)
{
	return ks ? ks->warning : NULL;
}

void dp_kallsyms_set_warning(struct dp_kallsyms *ks, char *warning)
{
	free(ks->warning);
	ks->warning = warning;
}

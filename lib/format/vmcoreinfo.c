// SPDX-License-Identifier: MIT
// VMCOREINFO text (FORMATS §1.5) as a KEY=VALUE lookup table.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <core/parse.h>
#include <core/search.h>

#include "format.h"

// The kernel writes at most one page of text in 80-byte lines; these
// limits are generous but keep a hostile note from costing much.
#define VMCI_MAX_TEXT (1u << 20)
#define VMCI_MAX_LINES 65536
#define VMCI_MAX_LINE 4096

struct vmci_entry {
	const char *key;
	const char *val;
};

struct dp_vmci_table {
	char *buf;
	struct vmci_entry *ents;
	size_t n;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct vmci_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	// Keep text order among duplicates so lookups return the first.
	return x->key < y->key ? -1 : x->key > y->key;
}

static struct dp_error *count_lines(const char *text, size_t len, size_t *ret)
{
	size_t n = 0, linestart = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i - linestart > VMCI_MAX_LINE)
			return dp_error_create(DP_ERR_BAD_DATA,
				"VMCOREINFO: line at offset 0x%zx is %zu bytes "
				"long (limit %u)", linestart, i - linestart,
				VMCI_MAX_LINE);
		n++;
		linestart = i + 1;
	}
	if (n > VMCI_MAX_LINES)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO: %zu lines (limit %u)", n,
				       VMCI_MAX_LINES);
	*ret = n;
	return NULL;
}

struct dp_error *dp_vmci_parse(const char *text, size_t len,
			       struct dp_vmci_table **ret)
{
	*ret = NULL;
	if (len > VMCI_MAX_TEXT)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO: %zu bytes (limit %u)", len,
				       VMCI_MAX_TEXT);
	if (memchr(text, '\0', len))
		len = strnlen(text, len);	// text ends at the first NUL
	size_t nlines = 0;
	struct dp_error *err = count_lines(text, len, &nlines);
	if (err)
		return err;
	struct dp_vmci_table *t = calloc(1, sizeof(*t));
	if (!t)
		return &dp_enomem;
	t->buf = malloc(len + 1);
	t->ents = calloc(nlines ? nlines : 1, sizeof(*t->ents));
	if (!t->buf || !t->ents) {
		dp_vmci_destroy(t);
		return &dp_enomem;
	}
	memcpy(t->buf, text, len);
	t->buf[len] = '\0';
	char *save = NULL;
	for (char *line = strtok_r(t->buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;	// not KEY=VALUE: ignore, like crash
		*eq = '\0';
		size_t vl = strlen(eq + 1);
		if (vl && eq[vl] == '\r')
			eq[vl] = '\0';
		t->ents[t->n++] = (struct vmci_entry){ line, eq + 1 };
	}
	qsort(t->ents, t->n, sizeof(*t->ents), entry_cmp);
	*ret = t;
	return NULL;
}

const char *dp_vmci_get(const struct dp_vmci_table *t, const char *key)
{
	if (!t)
		return NULL;
	size_t lo = dp_partition_point(t->n, i,
				       strcmp(t->ents[i].key, key) < 0);
	if (lo < t->n && strcmp(t->ents[lo].key, key) == 0)
		return t->ents[lo].val;
	return NULL;
}

void dp_vmci_destroy(struct dp_vmci_table *t)
{
	if (!t)
		return;
	free(t->buf);
	free(t->ents);
	free(t);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool dp_vmci_parse_number(const char *key, const char *val, int64_t *ret)
{
	uint64_t u;
	// 6.13's NUMBER(VMALLOC_START) prints hex with 0x (FORMATS §1.5).
	if (val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) {
		if (!dp_parse_u64(val + 2, 16, &u))
			return false;
		*ret = (int64_t)u;
		return true;
	}
	if (starts_with(key, "SYMBOL(") || strcmp(key, "KERNELOFFSET") == 0) {
		if (!dp_parse_u64(val, 16, &u))
			return false;
		*ret = (int64_t)u;
		return true;
	}
	// Decimal: NUMBER() is signed (phys_base may be negative).
	bool neg = val[0] == '-';
	if (!dp_parse_u64(val + neg, 10, &u))
		return false;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return false;
		*ret = (int64_t)(0 - u);
	} else {
		*ret = (int64_t)u;	// SIZE/OFFSET may use all 64 bits
	}
	return true;
}

const char *dp_dump_vmcoreinfo(const struct dp_dump *dump, size_t *len)
{
	if (len)
		*len = dump->vmcoreinfo ? dump->vmcoreinfo_len : 0;
	return dump->vmcoreinfo;
}

const char *dp_dump_vmcoreinfo_get(const struct dp_dump *dump,
				   const char *key)
{
	if (!dump->vmci && dump->derived)
		return dp_vmci_get(dump->derived, key);
	return dp_vmci_get(dump->vmci, key);
}

struct dp_error *dp_dump_set_derived_vmcoreinfo(struct dp_dump *dump,
						const char *text, size_t len)
{
	if (dump->vmcoreinfo)
		return dp_error_create(DP_ERR_INVALID,
			"the dump has a VMCOREINFO note; not replacing it");
	struct dp_vmci_table *t;
	char *copy = malloc(len + 1);
	if (!copy)
		return &dp_enomem;
	memcpy(copy, text, len);
	copy[len] = '\0';
	struct dp_error *err = dp_vmci_parse(copy, len, &t);
	if (err) {
		free(copy);
		return dp_error_prefix(err, "derived VMCOREINFO");
	}
	free(dump->derived_vmci);
	dp_vmci_destroy(dump->derived);
	dump->derived_vmci = copy;
	dump->derived_vmci_len = len;
	dump->derived = t;
	return NULL;
}

const char *dp_dump_derived_vmcoreinfo(const struct dp_dump *dump,
				       size_t *len)
{
	if (len)
		*len = dump->derived_vmci ? dump->derived_vmci_len : 0;
	return dump->derived_vmci;
}

struct dp_error *dp_dump_vmcoreinfo_number(const struct dp_dump *dump,
					   const char *key, int64_t *ret)
{
	const char *val = dp_dump_vmcoreinfo_get(dump, key);
	if (!val)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "VMCOREINFO has no %s", key);
	if (!dp_vmci_parse_number(key, val, ret))
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO: %s=%s is not a number", key,
				       val);
	return NULL;
}

// SPDX-License-Identifier: MIT
// Read the kallsyms tables from kernel memory. Located through VMCOREINFO
// SYMBOL(kallsyms_*) (Linux 6.0+, commits 5fd8fea935a10 and f09bddbd86619;
// FORMATS.md §6.1); a VMCOREINFO without them (older kernels) has the
// tables found by scanning the kernel image (lib/kernel/findkernel.c),
// checked against the SYMBOL()s it does have.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/kallsyms.h"
#include "kernel/program-priv.h"

// The names stream of a 6.1 kernel is ~1.3 MiB; refuse absurd sizes.
#define NAMES_MAX (64u << 20)

struct loaded {
	struct dp_kallsyms_tables t;
	uint8_t *names, *tokens, *addrs;
};

static struct dp_error *sym(struct dp_program *prog, const char *name,
			    bool optional, bool *have, uint64_t *ret)
{
	char key[64];
	int64_t v;
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	struct dp_error *err = dp_dump_vmcoreinfo_number(prog->dump, key, &v);
	if (err && err->code == DP_ERR_NOT_FOUND && optional) {
		dp_error_destroy(err);
		*have = false;
		return NULL;
	}
	if (err)
		return dp_error_prefix(err, "VMCOREINFO %s", key);
	if (have)
		*have = true;
	*ret = (uint64_t)v;
	return NULL;
}

static struct dp_error *read_alloc(struct dp_program *prog, uint64_t addr,
				   size_t len, const char *what, uint8_t **ret)
{
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = dp_program_read(prog, addr, buf, len);
	if (err) {
		free(buf);
		return dp_error_prefix(err, "%s", what);
	}
	*ret = buf;
	return NULL;
}

// Length of the names stream: walk num_syms length prefixes, reading
// more of the table as needed (its size is not in VMCOREINFO).
static struct dp_error *read_names(struct dp_program *prog, uint64_t addr,
				   uint32_t num, struct loaded *l)
{
	size_t size = (size_t)num * 16 + 4096;
	for (;;) {
		if (size > NAMES_MAX)
			size = NAMES_MAX;
		free(l->names);
		l->names = NULL;
		struct dp_error *err = read_alloc(prog, addr, size,
						  "kallsyms_names", &l->names);
		if (err)
			return err;
		size_t pos = 0;
		uint32_t i;
		for (i = 0; i < num && pos < size; i++) {
			size_t len = l->names[pos];
			if ((len & 0x80) && pos + 1 < size)
				len = (len & 0x7f) | ((size_t)l->names[pos + 1] << 7);
			pos += 1 + ((l->names[pos] & 0x80) ? 1 : 0) + len;
		}
		if (i == num && pos <= size) {
			l->t.names = l->names;
			l->t.names_len = pos;
			return NULL;
		}
		if (size == NAMES_MAX)
			return dp_error_create(DP_ERR_BAD_DATA,
				"kallsyms_names: %" PRIu32 " symbols do not fit "
				"in %u MiB", num, NAMES_MAX >> 20);
		size *= 2;
	}
}

static struct dp_error *read_tokens(struct dp_program *prog, uint64_t idx_addr,
				    uint64_t tab_addr, struct loaded *l)
{
	uint8_t raw[512];
	struct dp_error *err = dp_program_read(prog, idx_addr, raw, sizeof(raw));
	if (err)
		return dp_error_prefix(err, "kallsyms_token_index");
	size_t max = 0;
	for (int i = 0; i < 256; i++) {
		l->t.token_index[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
		if (l->t.token_index[i] > max)
			max = l->t.token_index[i];
	}
	// The last token ends with a NUL within KSYM_NAME_LEN of its start.
	size_t len = max + 513;
	if ((err = read_alloc(prog, tab_addr, len, "kallsyms_token_table",
			      &l->tokens)))
		return err;
	l->t.token_table = l->tokens;
	l->t.token_table_len = len;
	return NULL;
}

static struct dp_error *read_addrs(struct dp_program *prog, struct loaded *l)
{
	uint64_t a, num_addr;
	uint32_t num;
	bool have_abs = false;
	uint8_t b[4];
	struct dp_error *err = sym(prog, "kallsyms_num_syms", false, NULL,
				   &num_addr);
	if (!err)
		err = dp_program_read(prog, num_addr, b, 4);
	if (err)
		return dp_error_prefix(err, "kallsyms_num_syms");
	num = (uint32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
	if (num == 0 || num > (1u << 22))
		return dp_error_create(DP_ERR_BAD_DATA,
			"kallsyms_num_syms at 0x%" PRIx64 " is %" PRIu32
			" (expected 1..%u)", num_addr, num, 1u << 22);
	l->t.num_syms = num;
	if ((err = sym(prog, "kallsyms_addresses", true, &have_abs, &a)))
		return err;
	if (have_abs) {
		l->t.absolute = true;
	} else {
		if ((err = sym(prog, "kallsyms_offsets", false, NULL, &a)))
			return err;
		l->t.offsets_vaddr = a;
		uint64_t rb;
		if ((err = sym(prog, "kallsyms_relative_base", true,
			       &l->t.have_relative_base, &rb)))
			return err;
		if (l->t.have_relative_base &&
		    (err = dp_program_read_u64(prog, rb, &l->t.relative_base)))
			return dp_error_prefix(err, "kallsyms_relative_base");
	}
	l->t.addrs_len = (size_t)num * (l->t.absolute ? 8 : 4);
	if ((err = read_alloc(prog, a, l->t.addrs_len,
			      l->t.absolute ? "kallsyms_addresses" :
					      "kallsyms_offsets", &l->addrs)))
		return err;
	l->t.addrs = l->addrs;
	return NULL;
}

/*
 * _stext alone can match a damaged table (all-zero base-relative offsets
 * decode every symbol to relative_base == _stext). The other VMCOREINFO
 * SYMBOL()s that kallsyms also lists must decode to the same addresses.
 * (Absent from kallsyms is fine: data symbols need KALLSYMS_ALL.) They
 * vote: damaged tables disagree with most of them, a damaged VMCOREINFO
 * line with one; a minority against at least two agreeing is the
 * VMCOREINFO's fault, kept as a warning, and the tables are used.
 */
static struct dp_error *cross_check(struct dp_program *prog,
				    struct dp_kallsyms *ks)
{
	static const char *const names[] = {
		"init_uts_ns", "node_online_map", "swapper_pg_dir",
		"init_top_pgt", "vmap_area_list", "prb", "printk_rb_static",
		"clear_seq", "node_data",
	};
	size_t agree = 0, disagree = 0;
	const char *bad = NULL;
	uint64_t bad_have = 0, bad_want = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t want;
		bool have;
		struct dp_symbol s;
		size_t cursor = 0;
		struct dp_error *err = sym(prog, names[i], true, &have, &want);
		if (err)
			return err;
		if (!have || !dp_kallsyms_find_name(ks, names[i], &cursor, &s))
			continue;
		if (s.address == want) {
			agree++;
			continue;
		}
		if (!disagree++) {
			bad = names[i];
			bad_have = s.address;
			bad_want = want;
		}
	}
	if (!disagree)
		return NULL;
	const char *enc = dp_kallsyms_encoding_name(dp_kallsyms_encoding(ks));
	if (agree < 2 || disagree >= agree)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s decodes to 0x%" PRIx64 " (%s), VMCOREINFO says 0x%"
			PRIx64 ", and %zu of the %zu VMCOREINFO symbols "
			"kallsyms lists disagree: the tables are damaged",
			bad, bad_have, enc, bad_want, disagree,
			agree + disagree);
	char *w = NULL;
	if (asprintf(&w, "VMCOREINFO's SYMBOL(%s)=%" PRIx64 " is damaged: "
		     "kallsyms (%s) has 0x%" PRIx64 ", as %zu other "
		     "VMCOREINFO symbols agree%s; kallsyms is used", bad,
		     bad_want, enc, bad_have, agree,
		     disagree > 1 ? " (more lines disagree)" : "") < 0)
		return &dp_enomem;
	dp_kallsyms_set_warning(ks, w);
	return NULL;
}

// The scanned tables are anchored at _text (the first page of the
// kernel-image mapping); VMCOREINFO's _stext, when present, must agree.
static struct dp_error *load_scanned(struct dp_program *prog,
				     struct dp_kallsyms **ret)
{
	uint64_t want;
	bool have;
	struct dp_symbol s;
	size_t cursor = 0;
	struct dp_error *err = dp_program_scan_kallsyms(prog, ret);
	if (!err)
		err = sym(prog, "_stext", true, &have, &want);
	if (!err && have && (!dp_kallsyms_find_name(*ret, "_stext", &cursor,
						    &s) || s.address != want))
		err = dp_error_create(DP_ERR_BAD_DATA,
			"the kallsyms tables found by scanning the kernel "
			"image do not place _stext at VMCOREINFO's 0x%" PRIx64,
			want);
	if (!err)
		err = cross_check(prog, *ret);
	if (err && *ret) {
		dp_kallsyms_destroy(*ret);
		*ret = NULL;
	}
	if (!err)
		prog->kallsyms_source = DP_KALLSYMS_SOURCE_SCAN;
	return err;
}

struct dp_error *dp_kallsyms_load(struct dp_program *prog,
				  struct dp_kallsyms **ret)
{
	struct loaded l = { 0 };
	uint64_t names, tidx, ttab;
	bool have_names;
	struct dp_error *err;
	*ret = NULL;
	if ((err = sym(prog, "kallsyms_names", true, &have_names, &names)))
		return err;
	if (!have_names)
		return load_scanned(prog, ret);
	prog->kallsyms_source = DP_KALLSYMS_SOURCE_VMCOREINFO;
	if ((err = sym(prog, "_stext", false, NULL, &l.t.stext)) ||
	    (err = sym(prog, "kallsyms_token_index", false, NULL, &tidx)) ||
	    (err = sym(prog, "kallsyms_token_table", false, NULL, &ttab)) ||
	    (err = read_addrs(prog, &l)) ||
	    (err = read_tokens(prog, tidx, ttab, &l)) ||
	    (err = read_names(prog, names, l.t.num_syms, &l)))
		goto out;
	if (!(err = dp_kallsyms_build(&l.t, ret)) &&
	    (err = cross_check(prog, *ret))) {
		dp_kallsyms_destroy(*ret);
		*ret = NULL;
	}
out:
	free(l.names);
	free(l.tokens);
	free(l.addrs);
	return err;
}

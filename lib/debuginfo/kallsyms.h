/* SPDX-License-Identifier: MIT */
/*
 * kallsyms decoded from the dump (FORMATS.md §6.1): the compressed name
 * stream, the token table and the address table, located through
 * VMCOREINFO SYMBOL(kallsyms_*). The decoder works on plain buffers so it
 * can be tested on synthetic tables; the loader reads them from kernel
 * memory through a dp_program.
 */
#ifndef DP_KALLSYMS_H
#define DP_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>
#include <dontpanic/program.h>

/* How kallsyms_offsets[] (or kallsyms_addresses[]) encode addresses. */
enum dp_kallsyms_encoding {
	DP_KALLSYMS_ABSOLUTE,		/* u64 kallsyms_addresses[] */
	DP_KALLSYMS_BASE_RELATIVE,	/* relative_base + (u32)off */
	DP_KALLSYMS_ABSOLUTE_PERCPU,	/* off >= 0 ? off : base - 1 - off */
	DP_KALLSYMS_PLACE_RELATIVE,	/* &offsets[i] + (s32)off (7.0+) */
};

/* The raw tables (little-endian), as found in the dump. */
struct dp_kallsyms_tables {
	uint32_t num_syms;
	const uint8_t *names;		/* kallsyms_names stream */
	size_t names_len;
	const uint8_t *token_table;	/* 256 NUL-terminated tokens */
	size_t token_table_len;
	uint16_t token_index[256];
	const uint8_t *addrs;		/* kallsyms_offsets or _addresses */
	size_t addrs_len;
	bool absolute;			/* addrs is u64 kallsyms_addresses */
	uint64_t offsets_vaddr;		/* address of kallsyms_offsets */
	bool have_relative_base;
	uint64_t relative_base;		/* value of kallsyms_relative_base */
	uint64_t stext;			/* VMCOREINFO SYMBOL(_stext) */
	const char *anchor;		/* symbol stext names; NULL = "_stext" */
};

/* Where dp_kallsyms_scan() found each table (kernel virtual addresses). */
struct dp_kallsyms_found {
	uint64_t offsets, relative_base, num_syms, names, markers;
	uint64_t token_table, token_index;
};

/*
 * Find the 6.1-layout kallsyms tables in img, a copy of len bytes of the
 * kernel image starting at virtual address vaddr (no VMCOREINFO).
 * out points into img; the caller sets out->stext/anchor before
 * dp_kallsyms_build(). DP_ERR_NOT_FOUND when there are none.
 */
struct dp_error *dp_kallsyms_scan(const uint8_t *img, size_t len,
				  uint64_t vaddr,
				  struct dp_kallsyms_tables *out,
				  struct dp_kallsyms_found *found);

/*
 * Find the vmlinux BTF blob in img: the largest run that starts with a
 * BTF header (magic 0xeB9F, version 1) whose sections are consistent.
 */
bool dp_btf_scan(const uint8_t *img, size_t len, size_t *off_ret,
		 size_t *size_ret);

struct dp_kallsyms;

/*
 * Decode all symbols, choose the address encoding by checking that
 * _stext decodes to tables->stext, and index them by address and name.
 * Damaged tables give DP_ERR_BAD_DATA saying what is wrong and where.
 */
struct dp_error *dp_kallsyms_build(const struct dp_kallsyms_tables *tables,
				   struct dp_kallsyms **ret);

/* Load from kernel memory (VMCOREINFO-located tables). */
struct dp_error *dp_kallsyms_load(struct dp_program *prog,
				  struct dp_kallsyms **ret);

void dp_kallsyms_destroy(struct dp_kallsyms *ks);

enum dp_kallsyms_encoding dp_kallsyms_encoding(const struct dp_kallsyms *ks);
const char *dp_kallsyms_encoding_name(enum dp_kallsyms_encoding e);
size_t dp_kallsyms_count(const struct dp_kallsyms *ks);

/* The i-th symbol in address order. */
void dp_kallsyms_get(const struct dp_kallsyms *ks, size_t i,
		     struct dp_symbol *ret);

/*
 * Symbols called name, one per call: *cursor starts at 0 and is advanced
 * by each call; returns false when there are no more.
 */
bool dp_kallsyms_find_name(const struct dp_kallsyms *ks, const char *name,
			   size_t *cursor, struct dp_symbol *ret);

/*
 * The symbol containing addr (the last symbol at or below it, the first
 * of aliases), and the offset. False when addr is outside vmlinux's
 * symbols (below the first non-absolute symbol or at/after _end).
 */
bool dp_kallsyms_lookup_addr(const struct dp_kallsyms *ks, uint64_t addr,
			     struct dp_symbol *ret, uint64_t *offset_ret);

/*
 * Why a VMCOREINFO SYMBOL() that kallsyms decodes differently was
 * overruled (the other SYMBOL()s agree with kallsyms), or NULL. The
 * setter takes ownership of a malloc'ed string.
 */
const char *dp_kallsyms_warning(const struct dp_kallsyms *ks);
void dp_kallsyms_set_warning(struct dp_kallsyms *ks, char *warning);

#endif /* DP_KALLSYMS_H */

/* SPDX-License-Identifier: MIT */
/*
 * Kernel virtual -> physical address translation (x86_64).
 *
 * This layer knows memory only through a read-physical callback: it never
 * sees a dump. The caller (lib/kernel/program.c) fills the parameters from
 * VMCOREINFO (FORMATS.md §1.7): the physical address of init_top_pgt,
 * paging depth, phys_base, and, once known, the direct-map base.
 *
 * Two fast paths avoid the page-table walk: the kernel text mapping
 * (__START_KERNEL_map .. + KERNEL_IMAGE_SIZE maps linearly to phys_base)
 * and the direct map (page_offset_base .. + 2^MAX_PHYSMEM_BITS). Everything
 * else (vmalloc, vmemmap, modules, vmapped stacks) is walked. A walk has a
 * fixed depth (4 or 5 levels), so a page table that points back into itself
 * cannot loop; an entry pointing outside the dump is DP_ERR_FAULT naming
 * the level.
 */
#ifndef DP_XLAT_H
#define DP_XLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

/* x86_64 constants (arch/x86/include/asm/page_64_types.h). */
#define DP_X86_64_START_KERNEL_MAP	0xffffffff80000000ULL
#define DP_X86_64_KERNEL_IMAGE_SIZE	0x40000000ULL	/* 1 GiB with KASLR */
#define DP_X86_64_PAGE_OFFSET_L4	0xffff888000000000ULL
#define DP_X86_64_PAGE_OFFSET_L5	0xff11000000000000ULL

/* Page-table entry bits. */
#define DP_X86_64_PTE_PRESENT	0x001ULL
#define DP_X86_64_PTE_PSE	0x080ULL
#define DP_X86_64_PTE_ADDR_MASK	0x000ffffffffff000ULL	/* bits 12-51 */

/* Read len bytes of physical memory at paddr. */
typedef struct dp_error *(*dp_xlat_read_fn)(void *arg, uint64_t paddr,
					    void *buf, size_t len);

struct dp_xlat_params {
	uint64_t pgd_paddr;	/* physical address of init_top_pgt */
	bool l5;		/* 5-level paging (NUMBER(pgtable_l5_enabled)) */
	int64_t phys_base;	/* NUMBER(phys_base) (may be negative) */
	uint64_t kernel_image_size; /* 0 = DP_X86_64_KERNEL_IMAGE_SIZE */
	uint64_t page_offset;	/* direct-map base, 0 = unknown (walk) */
	unsigned int max_physmem_bits; /* 0 = 46 (52 with 5 levels) */
	uint64_t sme_mask;	/* cleared from entries (NUMBER(sme_mask)) */
};

/* One level of a walk, for `vtop`. */
struct dp_xlat_level {
	const char *name;	/* "PGD", "P4D", "PUD", "PMD", "PTE" */
	uint64_t table;		/* physical address of the table */
	uint64_t entry_paddr;	/* physical address of the entry */
	uint64_t entry;		/* the entry's value */
};

struct dp_xlat_walk {
	uint64_t vaddr;
	unsigned int nlevels;	/* levels read (the last may be not present) */
	struct dp_xlat_level levels[5];
	bool mapped;		/* false: stopped at a not-present entry */
	uint64_t page_size;	/* 4 KiB, 2 MiB or 1 GiB when mapped */
	uint64_t page_paddr;	/* physical address of the page when mapped */
	uint64_t paddr;		/* translated address when mapped */
};

struct dp_xlat {
	struct dp_xlat_params p;
	dp_xlat_read_fn read;
	void *arg;
};

/* Initialise; params are copied. Defaults are filled in for zeros. */
void dp_xlat_init(struct dp_xlat *x, const struct dp_xlat_params *params,
		  dp_xlat_read_fn read, void *arg);

/* Set the direct-map base (page_offset_base) once it is known. */
void dp_xlat_set_page_offset(struct dp_xlat *x, uint64_t page_offset);

/* True if vaddr is canonical for the paging depth. */
bool dp_xlat_canonical(const struct dp_xlat *x, uint64_t vaddr);

/*
 * Walk the page tables for vaddr and record every level. A not-present
 * entry is not an error: ret->mapped is false. Errors: a non-canonical
 * address (DP_ERR_INVALID) or a table that cannot be read (DP_ERR_FAULT,
 * "PMD table at physical 0x... for 0x...: <why>").
 */
struct dp_error *dp_xlat_walk(const struct dp_xlat *x, uint64_t vaddr,
			      struct dp_xlat_walk *ret);

/*
 * Translate vaddr: fast paths, else a walk. Unmapped is DP_ERR_FAULT with
 * address = vaddr. *size_ret (may be NULL) is the number of bytes from
 * vaddr to the end of its page (or linear region chunk), so a reader can
 * copy that many bytes contiguously.
 */
struct dp_error *dp_xlat_vtop(const struct dp_xlat *x, uint64_t vaddr,
			      uint64_t *paddr_ret, uint64_t *size_ret);

/* Direct-map address of paddr (DP_ERR_NOT_FOUND when the base is unknown). */
struct dp_error *dp_xlat_ptov(const struct dp_xlat *x, uint64_t paddr,
			      uint64_t *ret);

#endif /* DP_XLAT_H */

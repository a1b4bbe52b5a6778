/* SPDX-License-Identifier: MIT */
/*
 * Page classification for dump levels (makedumpfile's -d bits), from the
 * kernel's struct page array using VMCOREINFO only (FORMATS.md §4).
 *
 * Memory comes through callbacks, so the classifier works on any source
 * of physical memory. Virtual addresses (mem_section roots, vmemmap) are
 * translated by walking the kernel page tables from SYMBOL(init_top_pgt)
 * (kernel-image address: pa = va - __START_KERNEL_map + NUMBER(phys_base),
 * FORMATS.md §1.7); no debuginfo, no kallsyms.
 *
 * Windows must be classified in increasing pfn order: a free block or a
 * compound page that reaches past a window carries into the next one.
 */
#ifndef DP_KERNEL_PAGECLASS_H
#define DP_KERNEL_PAGECLASS_H

#include <stdint.h>

#include <dontpanic/error.h>

/* Why a page is dropped. DP_PC_KEEP = stays in the dump. */
enum dp_page_class {
	DP_PC_KEEP = 0,
	DP_PC_ZERO,		/* bit 1: decided on the data, not here */
	DP_PC_CACHE,		/* bit 2 (and 4): page cache, not private */
	DP_PC_CACHE_PRI,	/* bit 4: page cache with PG_private */
	DP_PC_USER,		/* bit 8: anonymous or hugetlbfs */
	DP_PC_FREE,		/* bit 16: buddy free block */
	DP_PC_HWPOISON,		/* always dropped */
	DP_PC_OFFLINE,		/* always dropped (balloon...) */
	DP_PC_NR,
};

/* makedumpfile dump-level bits. */
#define DP_DL_ZERO	1
#define DP_DL_CACHE	2
#define DP_DL_CACHE_PRI	4
#define DP_DL_USER	8
#define DP_DL_FREE	16

struct dp_pageclass_cb {
	/* Read physical memory; an error for bytes not in the dump. */
	struct dp_error *(*read_phys)(void *arg, uint64_t paddr, void *buf,
				      size_t len);
	/* VMCOREINFO value of key, or NULL. */
	const char *(*vmcoreinfo)(void *arg, const char *key);
	void *arg;
};

struct dp_pageclass;

/*
 * Set up for dump_level (0-31) over pfns [0, max_pfn). Fails with
 * DP_ERR_NOT_FOUND naming the missing VMCOREINFO entry when the level
 * needs struct page data that the dump does not describe.
 */
struct dp_error *dp_pageclass_create(const struct dp_pageclass_cb *cb,
				     int dump_level, uint64_t max_pfn,
				     struct dp_pageclass **ret);
void dp_pageclass_destroy(struct dp_pageclass *pc);

/*
 * Never drop pfns in [start, end) (kernel image, printk ring...) for a
 * page-flag reason (cache, user, hwpoison, offline): the analyzer needs
 * them whatever the flags say (makedumpfile issue #21). Buddy free blocks
 * (freed init memory inside the image) are still dropped.
 */
struct dp_error *dp_pageclass_keep(struct dp_pageclass *pc, uint64_t start,
				   uint64_t end);

/* Start again from pfn 0 (second pass). */
void dp_pageclass_rewind(struct dp_pageclass *pc);

/*
 * Classify pfns [start, start + n) into cls[] (enum dp_page_class). start
 * must equal the end of the previous window (0 after create/rewind).
 * Pages without a struct page are DP_PC_KEEP.
 */
struct dp_error *dp_pageclass_window(struct dp_pageclass *pc, uint64_t start,
				     uint64_t n, uint8_t *cls);

/* Pages in guarded ranges that struct page would have dropped so far. */
uint64_t dp_pageclass_rescued(const struct dp_pageclass *pc);

/* Name of a class for reports ("free", "user"...). */
const char *dp_page_class_name(enum dp_page_class c);

#endif /* DP_KERNEL_PAGECLASS_H */

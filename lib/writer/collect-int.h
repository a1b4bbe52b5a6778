/* SPDX-License-Identifier: MIT */
/* Internal state shared by the collector passes and the writers. */
#ifndef DP_WRITER_COLLECT_INT_H
#define DP_WRITER_COLLECT_INT_H

#include <dontpanic/collect.h>

#include "kernel/pageclass.h"
#include "out.h"
#include "pool.h"
#include "source.h"

#define DP_CLS_HOLE 0xff	/* pfn not backed by the input */
#define DP_CLS_ABSENT 0xfe	/* RAM the input lacks, though this level keeps it */

struct dp_collect {
	const struct dp_collect_opts *opts;
	struct dp_collect_stats *st;
	struct dp_source *src;
	int level;			/* effective: requested | the input's */
	struct dp_pageclass *pc;	/* NULL when the level needs no struct page */
	uint64_t max_pfn;
	uint64_t window;		/* pfns per window, multiple of 8 * page_size */
	uint8_t *cls;			/* window classes */
	uint64_t *sec_dumpable;		/* dumpable pfns per 32768-pfn group */
	uint64_t nsec;
	uint64_t dumpable;		/* total dumpable pfns */
	uint64_t progress_done, progress_total;
	struct dp_source_win win;	/* the calling thread's mmap window */
	/* Pages written first (the log's), sorted, and their descriptor
	 * index in the output (UINT64_MAX: not dumpable). */
	uint64_t *early, *early_rank;
	size_t nearly;
};

/* Find the pages the log reader needs (kdump output, one file). */
void dp_collect_find_log_pages(struct dp_collect *c);

#define DP_GROUP_SHIFT 15

/* Classify [start, start + n) into c->cls (DP_CLS_HOLE for holes). */
struct dp_error *dp_collect_classify(struct dp_collect *c, uint64_t start,
				     uint64_t n);
/* Restart classification at pfn 0. */
void dp_collect_rewind(struct dp_collect *c);
void dp_collect_progress(struct dp_collect *c, uint64_t pages);
/* Add the classes in c->cls[0..n) to the page counters. */
void dp_collect_count(struct dp_collect *c, uint64_t n);

/*
 * kdump-compressed: header block, sub header and the note area copy.
 * complete = false sets DUMP_DH_COMPRESSED_INCOMPLETE (written first, and
 * cleared by the final rewrite).
 */
struct dp_error *dp_kdump_write_head(struct dp_collect *c, struct dp_out *o,
				     uint64_t spfn, uint64_t epfn, bool split,
				     bool complete);
/* kdump-compressed: the bitmaps of all parts in one pass; counts pages. */
struct dp_error *dp_kdump_write_bitmaps(struct dp_collect *c,
					struct dp_out *outs, unsigned int nout);
/* kdump-compressed: header, notes and pages of part [spfn, epfn). */
struct dp_error *dp_kdump_write_part(struct dp_collect *c, struct dp_out *o,
				     uint64_t spfn, uint64_t epfn,
				     uint64_t ndumpable, bool split);
/* ELF output (-E). */
struct dp_error *dp_elf_write(struct dp_collect *c, struct dp_out *o);

#endif /* DP_WRITER_COLLECT_INT_H */

/* SPDX-License-Identifier: MIT */
/*
 * Compression workers and the ordered hand-back to the single writer.
 * The writer fills batches of dumpable pfns in pfn order; workers read
 * the pages, detect zero pages and compress them; the writer takes the
 * batches back strictly in submission order, so the output does not
 * depend on the number of threads or on scheduling.
 */
#ifndef DP_WRITER_POOL_H
#define DP_WRITER_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

#include "format/compress/codec.h"
#include "source.h"

#define DP_BATCH_PAGES 128

struct dp_batch {
	uint64_t pfn[DP_BATCH_PAGES];
	uint64_t rank[DP_BATCH_PAGES];	/* the writer's: descriptor index */
	unsigned int n;
	/* results */
	uint32_t size[DP_BATCH_PAGES];	/* stored bytes; 0 = zero page */
	uint32_t flags[DP_BATCH_PAGES];	/* page_desc flags */
	uint8_t *data;			/* stored pages back to back */
	size_t data_len;
	struct dp_error *err;
	int state;			/* internal */
};

struct dp_pool;

/*
 * codec may be NULL (store raw). detect_zero: report all-zero pages as
 * size 0 instead of storing them.
 */
struct dp_error *dp_pool_create(struct dp_source *src,
				const struct dp_codec_ops *codec, int level,
				bool detect_zero, unsigned int nthreads,
				struct dp_pool **ret);
void dp_pool_destroy(struct dp_pool *pool);

/* The next batch to fill, or NULL when all slots are in flight. */
struct dp_batch *dp_pool_next(struct dp_pool *pool);
/* Hand the batch from dp_pool_next() to the workers. */
void dp_pool_submit(struct dp_pool *pool);
/* Whether some submitted batch has not been taken back yet. */
bool dp_pool_busy(const struct dp_pool *pool);
/* Wait for the oldest submitted batch and return it. */
struct dp_batch *dp_pool_wait(struct dp_pool *pool);
/* Give the batch from dp_pool_wait() back for reuse. */
void dp_pool_release(struct dp_pool *pool);

#endif /* DP_WRITER_POOL_H */

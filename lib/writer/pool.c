// SPDX-License-Identifier: MIT
// Compression workers with an ordered ring of batches.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE };

struct worker {
	struct dp_pool *pool;
	pthread_t thread;
	bool started;
	void *codec_state;
	uint8_t *in;		// DP_BATCH_PAGES pages read from the input
	struct dp_source_win win;	// this worker's mmap window
};

struct dp_pool {
	struct dp_source *src;
	const struct dp_codec_ops *codec;
	bool detect_zero;
	size_t page_size, slot_cap;

	pthread_mutex_t mu;
	pthread_cond_t work, done;
	bool stop;

	struct dp_batch *slots;
	unsigned int nslots;
	uint64_t submitted;	// batches handed to workers
	uint64_t taken;		// batches picked up by a worker
	uint64_t collected;	// batches given back to the writer

	struct worker *workers;
	unsigned int nworkers;
};

/* Pages may sit at any file offset of an mmap'd input (a QEMU ELF's
 * PT_LOAD offsets follow its notes, 4-byte aligned), so words are loaded
 * with memcpy, which the compiler turns into plain unaligned loads. */
static bool all_zero(const uint8_t *p, size_t len)
{
	uint64_t w[4];
	size_t i = 0;
	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(w, p + i, sizeof(w));
		if (w[0] | w[1] | w[2] | w[3])
			return false;
	}
	for (; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void store(struct worker *w, struct dp_batch *b, unsigned int i,
		  const uint8_t *page)
{
	struct dp_pool *pool = w->pool;
	size_t ps = pool->page_size;
	if (pool->detect_zero && all_zero(page, ps)) {
		b->size[i] = 0;
		b->flags[i] = 0;
		return;
	}
	size_t n = dp_codec_page(pool->codec, w->codec_state, page, ps,
				 b->data + b->data_len,
				 pool->slot_cap - b->data_len, &b->flags[i]);
	b->size[i] = (uint32_t)n;
	b->data_len += n;
}

static void process(struct worker *w, struct dp_batch *b)
{
	struct dp_pool *pool = w->pool;
	size_t ps = pool->page_size;
	b->data_len = 0;
	b->err = NULL;
	// Runs of consecutive pfns: used in place from the mmap window
	// when possible, else read with one read each. Each run is finished
	// before the next one may move the window.
	for (unsigned int i = 0; i < b->n;) {
		unsigned int j = i + 1;
		while (j < b->n && b->pfn[j] == b->pfn[j - 1] + 1)
			j++;
		const uint8_t *m;
		size_t len = (size_t)(j - i) * ps;
		dp_source_map_phys(pool->src, &w->win, b->pfn[i] * ps, len, &m);
		if (!m) {
			b->err = dp_source_read_win(pool->src, &w->win,
						    b->pfn[i] * ps, w->in, len,
						    true);
			if (b->err)
				return;
			m = w->in;
		}
		for (unsigned int k = i; k < j; k++)
			store(w, b, k, m + (size_t)(k - i) * ps);
		i = j;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dp_pool *pool = w->pool;
	pthread_mutex_lock(&pool->mu);
	for (;;) {
		while (!pool->stop && pool->taken == pool->submitted)
			pthread_cond_wait(&pool->work, &pool->mu);
		if (pool->stop)
			break;
		struct dp_batch *b = &pool->slots[pool->taken % pool->nslots];
		pool->taken++;
		pthread_mutex_unlock(&pool->mu);
		process(w, b);
		pthread_mutex_lock(&pool->mu);
		b->state = SLOT_DONE;
		pthread_cond_broadcast(&pool->done);
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

struct dp_error *dp_pool_create(struct dp_source *src,
				const struct dp_codec_ops *codec, int level,
				bool detect_zero, unsigned int nthreads,
				struct dp_pool **ret)
{
	if (nthreads < 1)
		nthreads = 1;
	struct dp_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return &dp_enomem;
	pool->src = src;
	pool->codec = codec;
	pool->detect_zero = detect_zero;
	pool->page_size = src->page_size;
	// Room for every page raw, plus one codec worst case in flight.
	pool->slot_cap = DP_BATCH_PAGES * pool->page_size + pool->page_size +
			 (codec ? codec->bound(pool->page_size) : 0);
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->done, NULL);
	pool->nslots = 2 * nthreads + 1;
	pool->slots = calloc(pool->nslots, sizeof(*pool->slots));
	pool->workers = calloc(nthreads, sizeof(*pool->workers));
	struct dp_error *err = NULL;
	if (!pool->slots || !pool->workers) {
		err = &dp_enomem;
		goto fail;
	}
	for (unsigned int i = 0; i < pool->nslots; i++)
		if (!(pool->slots[i].data = malloc(pool->slot_cap))) {
			err = &dp_enomem;
			goto fail;
		}
	for (unsigned int i = 0; i < nthreads; i++) {
		struct worker *w = &pool->workers[i];
		w->pool = pool;
		w->in = malloc(DP_BATCH_PAGES * pool->page_size);
		if (!w->in) {
			err = &dp_enomem;
			goto fail;
		}
		if (codec && (err = codec->create(level, &w->codec_state)))
			goto fail;
		int rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc) {
			err = dp_error_os(rc, "cannot start compression thread");
			goto fail;
		}
		w->started = true;
		pool->nworkers = i + 1;
	}
	*ret = pool;
	return NULL;
fail:
	pool->nworkers = nthreads;
	dp_pool_destroy(pool);
	return err;
}

void dp_pool_destroy(struct dp_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->stop = true;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->mu);
	for (unsigned int i = 0; pool->workers && i < pool->nworkers; i++) {
		struct worker *w = &pool->workers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		if (pool->codec && w->codec_state)
			pool->codec->destroy(w->codec_state);
		free(w->in);
		dp_source_win_release(&w->win);
	}
	for (unsigned int i = 0; pool->slots && i < pool->nslots; i++) {
		free(pool->slots[i].data);
		dp_error_destroy(pool->slots[i].err);
	}
	free(pool->slots);
	free(pool->workers);
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->done);
	free(pool);
}

struct dp_batch *dp_pool_next(struct dp_pool *pool)
{
	if (pool->submitted - pool->collected >= pool->nslots)
		return NULL;
	struct dp_batch *b = &pool->slots[pool->submitted % pool->nslots];
	b->n = 0;
	return b;
}

void dp_pool_submit(struct dp_pool *pool)
{
	pthread_mutex_lock(&pool->mu);
	pool->slots[pool->submitted % pool->nslots].state = SLOT_QUEUED;
	pool->submitted++;
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->mu);
}

bool dp_pool_busy(const struct dp_pool *pool)
{
	return pool->collected < pool->submitted;
}

struct dp_batch *dp_pool_wait(struct dp_pool *pool)
{
	struct dp_batch *b = &pool->slots[pool->collected % pool->nslots];
	pthread_mutex_lock(&pool->mu);
	while (b->state != SLOT_DONE)
		pthread_cond_wait(&pool->done, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
	return b;
}

void dp_pool_release(struct dp_pool *pool)
{
	struct dp_batch *b = &pool->slots[pool->collected % pool->nslots];
	dp_error_destroy(b->err);
	b->err = NULL;
	b->state = SLOT_FREE;
	pool->collected++;
}

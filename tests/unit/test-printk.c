// SPDX-License-Identifier: MIT
// Unit tests for the printk ring decoder on synthetic rings (6.1 layout,
// FORMATS.md §5.1): order, wrapped blocks, invalid states, truncation,
// garbage lpos and ids, bounded walks.
#include <dontpanic/error.h>

#include "kernel/printk-priv.h"
#include "test.h"

#define COUNT 8
#define DATA 256

static const struct dp_prb_layout layout61 = {
	.prb_size = 88, .desc_ring = 0, .text_ring = 48,
	.count_bits = 0, .descs = 8, .infos = 16, .head_id = 24,
	.tail_id = 32, .size_bits = 0, .data = 8,
	.desc_size = 24, .state_var = 0, .blk_lpos = 8, .lpos_begin = 0,
	.lpos_next = 8, .counter = 0,
	.info_size = 88, .seq = 0, .ts_nsec = 8, .text_len = 16,
	.caller_id = 20, .dev_info = 24, .subsys = 0, .subsys_len = 16,
	.device = 16, .device_len = 48, .have_dev_info = true,
};

struct ring {
	uint8_t descs[COUNT * 24];
	uint8_t infos[COUNT * 88];
	uint8_t data[DATA];
	struct dp_prb r;
};

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void ring_init(struct ring *g)
{
	memset(g, 0, sizeof(*g));
	g->r = (struct dp_prb){
		.l = layout61, .count = COUNT, .data_size = DATA,
		.descs = g->descs, .infos = g->infos, .data = g->data,
	};
}

// Descriptor id with state, its block [begin, next) and info.
static void desc(struct ring *g, uint64_t id, uint64_t state, uint64_t begin,
		 uint64_t next, uint16_t text_len, uint64_t ts, uint8_t level)
{
	uint8_t *d = g->descs + (id % COUNT) * 24;
	uint8_t *in = g->infos + (id % COUNT) * 88;
	put(d, (state << DESC_STATE_SHIFT) | id, 8);
	put(d + 8, begin, 8);
	put(d + 16, next, 8);
	put(in, id + 100, 8);
	put(in + 8, ts, 8);
	put(in + 16, text_len, 2);
	in[19] = (uint8_t)(level << 5);
}

// Text of a block at ring offset off (after the 8-byte block id).
static void text(struct ring *g, uint64_t off, const char *s)
{
	memcpy(g->data + off + 8, s, strlen(s));
}

struct seen {
	int n;
	char text[16][64];
	int level[16];
	uint64_t seq[16];
};

static struct dp_error *collect(const struct dp_printk_record *rec,
				void *arg)
{
	struct seen *s = arg;
	if (s->n < 16) {
		size_t len = rec->text_len < 63 ? rec->text_len : 63;
		memcpy(s->text[s->n], rec->text, len);
		s->text[s->n][len] = '\0';
		s->level[s->n] = rec->level;
		s->seq[s->n] = rec->seq;
	}
	s->n++;
	return NULL;
}

TEST(order_and_states)
{
	static struct ring g;
	struct seen s = { 0 };
	ring_init(&g);
	desc(&g, 3, DESC_FINALIZED, 0, 16, 5, 1000, 6);
	text(&g, 0, "first");
	desc(&g, 4, DESC_COMMITTED, 16, 40, 6, 2000, 4);
	text(&g, 16, "second");
	desc(&g, 5, 0 /* reserved */, 40, 60, 5, 3000, 6);
	desc(&g, 6, 3 /* reusable */, 60, 80, 5, 3000, 6);
	desc(&g, 7, DESC_FINALIZED, 80, 80, 0, 4000, 6);	// data-less
	desc(&g, 8 + 8, DESC_FINALIZED, 80, 100, 4, 5000, 6);	// id 16 in slot 0
	g.r.tail = 3;
	g.r.head = 8;
	CHECK_OK(dp_prb_walk(&g.r, collect, &s));
	CHECK_EQ_U64(s.n, 2);
	CHECK_STR(s.text[0], "first");
	CHECK_STR(s.text[1], "second");
	CHECK_EQ_U64(s.level[1], 4);
	CHECK_EQ_U64(s.seq[0], 103);
}

TEST(wrapped_and_truncated)
{
	static struct ring g;
	struct seen s = { 0 };
	ring_init(&g);
	// Wrapped: begin (lap 1, offset 240) > next (lap 2, offset 24): the
	// data is at offset 0 of the ring.
	desc(&g, 1, DESC_FINALIZED, DATA + 240, 2 * DATA + 24, 7, 1, 6);
	text(&g, 0, "wrapped");
	// text_len larger than its block: clamped to next - (begin + 8).
	desc(&g, 2, DESC_FINALIZED, 2 * DATA + 24, 2 * DATA + 36, 200, 2, 6);
	text(&g, 24, "abcdefghij");
	// A block smaller than its id: no text, no read outside the block.
	desc(&g, 3, DESC_FINALIZED, 2 * DATA + 36, 2 * DATA + 40, 50, 3, 6);
	// lpos values far past the ring wrap by the modulo.
	desc(&g, 4, DESC_FINALIZED, (1ULL << 60) + 48, (1ULL << 60) + 60, 4, 4,
	     6);
	text(&g, 48, "huge");
	g.r.tail = 1;
	g.r.head = 4;
	CHECK_OK(dp_prb_walk(&g.r, collect, &s));
	CHECK_EQ_U64(s.n, 4);
	CHECK_STR(s.text[0], "wrapped");
	CHECK_STR(s.text[1], "abcd");
	CHECK_STR(s.text[2], "");
	CHECK_STR(s.text[3], "huge");
}

TEST(bounded_walk)
{
	static struct ring g;
	struct seen s = { 0 };
	ring_init(&g);
	for (uint64_t id = 0; id < COUNT; id++) {
		desc(&g, id, DESC_FINALIZED, id * 16, id * 16 + 12, 4, id, 6);
		text(&g, id * 16, "xxxx");
	}
	// head is unreachable from tail within one lap (garbage ids): the
	// walk stops after COUNT descriptors instead of 2^62.
	g.r.tail = 0;
	g.r.head = 1ULL << 40;
	CHECK_OK(dp_prb_walk(&g.r, collect, &s));
	CHECK_EQ_U64(s.n, COUNT);
	// tail past head wraps through the 62-bit id space, still bounded.
	s.n = 0;
	g.r.tail = DESC_ID_MASK;
	g.r.head = 2;
	CHECK_OK(dp_prb_walk(&g.r, collect, &s));
	CHECK_EQ_U64(s.n, 3);	// ids 0, 1, 2 match; MASK does not
}

TEST(layout_checks)
{
	struct dp_prb_layout l = layout61;
	CHECK_OK(dp_prb_check_layout(&l));
	l.ts_nsec = 84;	// 8 bytes at 84 do not fit in 88
	struct dp_error *err = dp_prb_check_layout(&l);
	CHECK(err && err->code == DP_ERR_BAD_DATA &&
	      strstr(err->message, "printk_info"));
	dp_error_destroy(err);
	l = layout61;
	l.tail_id = 1000;
	err = dp_prb_check_layout(&l);
	CHECK(err && strstr(err->message, "printk_ringbuffer"));
	dp_error_destroy(err);
	l = layout61;
	l.desc_size = 1 << 20;
	l.info_size = 1 << 20;
	err = dp_prb_check_layout(&l);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	dp_error_destroy(err);
}

TEST_MAIN(T(order_and_states), T(wrapped_and_truncated), T(bounded_walk),
	  T(layout_checks))

/* SPDX-License-Identifier: MIT */
/*
 * The printk ring buffer decoder, separated from reading the dump so it
 * can be tested on synthetic rings (tests/unit/test-printk.c).
 */
#ifndef DP_PRINTK_PRIV_H
#define DP_PRINTK_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/printk.h>

#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK ((1ULL << DESC_STATE_SHIFT) - 1)
#define DESC_COMMITTED 1ULL
#define DESC_FINALIZED 2ULL

/* Layout of the structures, every value from VMCOREINFO (FORMATS.md §5). */
struct dp_prb_layout {
	uint64_t prb_size, desc_ring, text_ring;
	uint64_t count_bits, descs, infos, head_id, tail_id;
	uint64_t size_bits, data;
	uint64_t desc_size, state_var, blk_lpos, lpos_begin, lpos_next;
	uint64_t counter;
	uint64_t info_size, seq, ts_nsec, text_len, caller_id, dev_info;
	uint64_t subsys, subsys_len, device, device_len;
	bool have_dev_info;
};

/* A ring copied out of the dump. */
struct dp_prb {
	struct dp_prb_layout l;
	uint64_t count, data_size;	/* powers of two */
	uint8_t *descs, *infos, *data;	/* count * sizes, data_size bytes */
	uint64_t head, tail;		/* descriptor ids */
};

/* Check that every offset fits in its structure's size. */
struct dp_error *dp_prb_check_layout(const struct dp_prb_layout *l);

/* Visit the valid records from tail to head (at most count of them). */
struct dp_error *dp_prb_walk(const struct dp_prb *r, dp_printk_fn fn,
			     void *arg);

#endif /* DP_PRINTK_PRIV_H */

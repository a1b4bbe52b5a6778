// SPDX-License-Identifier: MIT
// Fuzz the printk ring walk (FORMATS.md §5) on garbage rings with the 6.1
// layout: descriptor states, ids, lpos values and text lengths all come
// from the input. The walk must stay inside the buffers and end.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/error.h>

#include "kernel/printk-priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static struct dp_error *count(const struct dp_printk_record *rec, void *arg)
{
	size_t *n = arg;
	// Touch every byte the record claims, so ASan sees a bad length.
	volatile uint8_t sum = 0;
	for (size_t i = 0; i < rec->text_len; i++)
		sum ^= (uint8_t)rec->text[i];
	(void)sum;
	++*n;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 18)
		return 0;
	unsigned cbits = data[0] % 6, dbits = 4 + data[1] % 8;
	uint64_t count_ = 1ULL << cbits, dsize = 1ULL << dbits;
	uint64_t head, tail;
	memcpy(&head, data + 2, 8);
	memcpy(&tail, data + 10, 8);
	data += 18;
	size -= 18;
	struct dp_prb r = {
		.l = layout61, .count = count_, .data_size = dsize,
		.head = head, .tail = tail,
	};
	r.descs = calloc(count_, 24);
	r.infos = calloc(count_, 88);
	r.data = calloc(1, dsize);
	if (r.descs && r.infos && r.data) {
		// Fill descs, infos and data from the input, in that order.
		size_t n = size < count_ * 24 ? size : count_ * 24;
		memcpy(r.descs, data, n);
		data += n, size -= n;
		n = size < count_ * 88 ? size : count_ * 88;
		memcpy(r.infos, data, n);
		data += n, size -= n;
		n = size < dsize ? size : dsize;
		memcpy(r.data, data, n);
		size_t records = 0;
		dp_error_destroy(dp_prb_walk(&r, count, &records));
		if (records > count_)
			__builtin_trap(); // at most one record per descriptor
	}
	free(r.descs);
	free(r.infos);
	free(r.data);
	return 0;
}

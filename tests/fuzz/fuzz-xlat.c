// SPDX-License-Identifier: MIT
// Fuzz the x86_64 page-table walk: physical memory is the input (page
// tables that point anywhere, including at themselves), the address and
// the paging depth come from its first bytes.
#include <stdint.h>
#include <string.h>

#include <dontpanic/error.h>

#include "xlat/xlat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct phys {
	const uint8_t *mem;
	size_t len;
};

static struct dp_error *phys_read(void *arg, uint64_t paddr, void *buf,
				  size_t len)
{
	const struct phys *p = arg;
	if (paddr > p->len || len > p->len - paddr)
		return dp_error_addr(DP_ERR_PAGE_HOLE, paddr, "not in dump");
	memcpy(buf, p->mem + paddr, len);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 24)
		return 0;
	uint64_t vaddr, pgd;
	memcpy(&vaddr, data, 8);
	memcpy(&pgd, data + 8, 8);
	struct dp_xlat_params params = {
		.pgd_paddr = pgd % (size + 4096),
		.l5 = data[16] & 1,
		.phys_base = (int64_t)(data[17] << 12),
		.page_offset = data[18] & 1 ? 0xffff888000000000ULL : 0,
	};
	struct phys p = { data, size };
	struct dp_xlat x;
	dp_xlat_init(&x, &params, phys_read, &p);
	struct dp_xlat_walk w;
	dp_error_destroy(dp_xlat_walk(&x, vaddr, &w));
	uint64_t pa, sz;
	dp_error_destroy(dp_xlat_vtop(&x, vaddr, &pa, &sz));
	dp_error_destroy(dp_xlat_vtop(&x, 0xffffffff81000000ULL + (vaddr & 0xffffff),
				      &pa, &sz));
	return 0;
}

// SPDX-License-Identifier: MIT
// x86_64 4- and 5-level page-table walk with kernel-text and direct-map
// fast paths. Facts: FORMATS.md §1.7; arch/x86/include/asm/pgtable_64_types.h.
#include <inttypes.h>

#include "xlat/xlat.h"

static const char *const names5[5] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
static const char *const names4[4] = { "PGD", "PUD", "PMD", "PTE" };

void dp_xlat_init(struct dp_xlat *x, const struct dp_xlat_params *params,
		  dp_xlat_read_fn read, void *arg)
{
	x->p = *params;
	if (!x->p.kernel_image_size)
		x->p.kernel_image_size = DP_X86_64_KERNEL_IMAGE_SIZE;
	if (!x->p.max_physmem_bits)
		x->p.max_physmem_bits = x->p.l5 ? 52 : 46;
	x->read = read;
	x->arg = arg;
}

void dp_xlat_set_page_offset(struct dp_xlat *x, uint64_t page_offset)
{
	x->p.page_offset = page_offset;
}

bool dp_xlat_canonical(const struct dp_xlat *x, uint64_t vaddr)
{
	unsigned int bits = x->p.l5 ? 57 : 48;
	int64_t sext = (int64_t)(vaddr << (64 - bits)) >> (64 - bits);
	return (uint64_t)sext == vaddr;
}

// Size of the linear range starting at the direct-map base.
static uint64_t direct_map_size(const struct dp_xlat *x)
{
	return 1ULL << x->p.max_physmem_bits;
}

struct dp_error *dp_xlat_walk(const struct dp_xlat *x, uint64_t vaddr,
			      struct dp_xlat_walk *ret)
{
	// Index shift of each level, top first: PGD (48 or 39), P4D, PUD...
	static const unsigned int shifts5[5] = { 48, 39, 30, 21, 12 };
	static const unsigned int shifts4[4] = { 39, 30, 21, 12 };
	const unsigned int *shifts = x->p.l5 ? shifts5 : shifts4;
	unsigned int nlevels = x->p.l5 ? 5 : 4;
	uint64_t mask = DP_X86_64_PTE_ADDR_MASK & ~x->p.sme_mask;
	uint64_t table = x->p.pgd_paddr;

	*ret = (struct dp_xlat_walk){ .vaddr = vaddr };
	if (!dp_xlat_canonical(x, vaddr))
		return dp_error_addr(DP_ERR_INVALID, vaddr,
				     "0x%" PRIx64 " is not a canonical address",
				     vaddr);
	// Fixed depth: at most nlevels table reads, whatever the entries say.
	for (unsigned int i = 0; i < nlevels; i++) {
		const char *name = x->p.l5 ? names5[i] : names4[i];
		uint64_t idx = (vaddr >> shifts[i]) & 0x1ff;
		uint64_t eaddr = table + idx * 8;
		uint8_t b[8];
		struct dp_error *err = x->read(x->arg, eaddr, b, 8);
		if (err) {
			err = dp_error_prefix(err,
				"%s table at physical 0x%" PRIx64
				" for 0x%" PRIx64 " is not readable",
				name, table, vaddr);
			err->code = DP_ERR_FAULT;
			err->address = vaddr;
			return err;
		}
		uint64_t e = 0;
		for (int k = 7; k >= 0; k--)
			e = (e << 8) | b[k];
		ret->levels[i] = (struct dp_xlat_level){
			.name = name, .table = table,
			.entry_paddr = eaddr, .entry = e,
		};
		ret->nlevels = i + 1;
		if (!(e & DP_X86_64_PTE_PRESENT))
			return NULL;
		unsigned int shift = shifts[i];
		bool leaf = i == nlevels - 1;
		// PSE marks a large page at the PUD (1 GiB) and PMD (2 MiB) levels.
		if (!leaf && (shift == 30 || shift == 21) &&
		    (e & DP_X86_64_PTE_PSE))
			leaf = true;
		if (leaf) {
			uint64_t psize = 1ULL << shift;
			ret->mapped = true;
			ret->page_size = psize;
			ret->page_paddr = e & mask & ~(psize - 1);
			ret->paddr = ret->page_paddr | (vaddr & (psize - 1));
			return NULL;
		}
		table = e & mask;
	}
	return NULL;	// not reached: the last level is always a leaf
}

static bool in_range(uint64_t v, uint64_t base, uint64_t size)
{
	return v >= base && v - base < size;
}

struct dp_error *dp_xlat_vtop(const struct dp_xlat *x, uint64_t vaddr,
			      uint64_t *paddr_ret, uint64_t *size_ret)
{
	uint64_t chunk = 4096 - (vaddr & 4095);
	if (in_range(vaddr, DP_X86_64_START_KERNEL_MAP,
		     x->p.kernel_image_size)) {
		*paddr_ret = vaddr - DP_X86_64_START_KERNEL_MAP +
			     (uint64_t)x->p.phys_base;
	} else if (x->p.page_offset &&
		   in_range(vaddr, x->p.page_offset, direct_map_size(x))) {
		*paddr_ret = vaddr - x->p.page_offset;
	} else {
		struct dp_xlat_walk w;
		struct dp_error *err = dp_xlat_walk(x, vaddr, &w);
		if (err)
			return err;
		if (!w.mapped)
			return dp_error_addr(DP_ERR_FAULT, vaddr,
				"0x%" PRIx64 " is not mapped (%s entry 0x%"
				PRIx64 " not present)", vaddr,
				w.levels[w.nlevels - 1].name,
				w.levels[w.nlevels - 1].entry);
		*paddr_ret = w.paddr;
		chunk = w.page_size - (vaddr & (w.page_size - 1));
	}
	if (size_ret)
		*size_ret = chunk;
	return NULL;
}

struct dp_error *dp_xlat_ptov(const struct dp_xlat *x, uint64_t paddr,
			      uint64_t *ret)
{
	if (!x->p.page_offset)
		return dp_error_create(DP_ERR_NOT_FOUND,
			"the direct-map base (page_offset_base) is unknown");
	if (paddr >= direct_map_size(x))
		return dp_error_addr(DP_ERR_INVALID, paddr,
			"physical 0x%" PRIx64 " is beyond MAX_PHYSMEM_BITS (%u)",
			paddr, x->p.max_physmem_bits);
	*ret = x->p.page_offset + paddr;
	return NULL;
}

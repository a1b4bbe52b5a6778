// SPDX-License-Identifier: MIT
// Unit tests for lib/xlat: synthetic x86_64 page tables in a byte array.
#include <dontpanic/error.h>

#include "test.h"
#include "xlat/xlat.h"

#define NPAGES 64
#define PG 4096ULL

struct mem {
	uint8_t bytes[NPAGES * PG];
	unsigned int reads;
};

static struct dp_error *mem_read(void *arg, uint64_t paddr, void *buf,
				 size_t len)
{
	struct mem *m = arg;
	m->reads++;
	if (paddr >= sizeof(m->bytes) || len > sizeof(m->bytes) - paddr)
		return dp_error_addr(DP_ERR_PAGE_HOLE, paddr,
				     "physical 0x%llx not in dump",
				     (unsigned long long)paddr);
	memcpy(buf, m->bytes + paddr, len);
	return NULL;
}

static void set_entry(struct mem *m, uint64_t table_page, unsigned int idx,
		      uint64_t val)
{
	for (int i = 0; i < 8; i++)
		m->bytes[table_page * PG + idx * 8 + i] = (uint8_t)(val >> (8 * i));
}

static unsigned int ix(uint64_t va, unsigned int shift)
{
	return (va >> shift) & 0x1ff;
}

// PGD page 1 -> PUD page 2 -> PMD page 3 -> PTE page 4.
#define VMALLOC_VA 0xffffc90000403000ULL
#define LARGE2M_VA 0xffffc90000200000ULL
#define GIB_VA 0xffffc90040000000ULL

static void setup4(struct mem *m, struct dp_xlat *x)
{
	memset(m, 0, sizeof(*m));
	set_entry(m, 1, ix(VMALLOC_VA, 39), 2 * PG | 0x63);
	set_entry(m, 2, ix(VMALLOC_VA, 30), 3 * PG | 0x63);
	set_entry(m, 3, ix(VMALLOC_VA, 21), 4 * PG | 0x63);
	set_entry(m, 4, ix(VMALLOC_VA, 12), 0x8000000000000000ULL | 10 * PG | 0x163);
	// 2 MiB page at PMD level, 1 GiB page at PUD level.
	set_entry(m, 3, ix(LARGE2M_VA, 21), 0x400000 | 0x1e1);
	set_entry(m, 2, ix(GIB_VA, 30), 0x80000000ULL | 0x1e1);
	struct dp_xlat_params p = {
		.pgd_paddr = 1 * PG, .phys_base = -0x1000000,
		.page_offset = 0xffff888000000000ULL,
	};
	dp_xlat_init(x, &p, mem_read, m);
}

TEST(walk_4k)
{
	static struct mem m;
	struct dp_xlat x;
	struct dp_xlat_walk w;
	setup4(&m, &x);
	CHECK_OK(dp_xlat_walk(&x, VMALLOC_VA + 0x123, &w));
	CHECK(w.mapped);
	CHECK_EQ_U64(w.nlevels, 4);
	CHECK_STR(w.levels[0].name, "PGD");
	CHECK_STR(w.levels[1].name, "PUD");
	CHECK_STR(w.levels[3].name, "PTE");
	CHECK_EQ_U64(w.levels[0].entry_paddr, PG + ix(VMALLOC_VA, 39) * 8);
	CHECK_EQ_U64(w.levels[3].entry, 0x8000000000000000ULL | 10 * PG | 0x163);
	CHECK_EQ_U64(w.page_size, PG);
	CHECK_EQ_U64(w.paddr, 10 * PG + 0x123);
	uint64_t pa, chunk;
	CHECK_OK(dp_xlat_vtop(&x, VMALLOC_VA + 0x123, &pa, &chunk));
	CHECK_EQ_U64(pa, 10 * PG + 0x123);
	CHECK_EQ_U64(chunk, PG - 0x123);
}

TEST(large_pages)
{
	static struct mem m;
	struct dp_xlat x;
	struct dp_xlat_walk w;
	setup4(&m, &x);
	CHECK_OK(dp_xlat_walk(&x, LARGE2M_VA + 0x12345, &w));
	CHECK(w.mapped);
	CHECK_EQ_U64(w.nlevels, 3);
	CHECK_EQ_U64(w.page_size, 2 << 20);
	CHECK_EQ_U64(w.paddr, 0x400000 + 0x12345);
	CHECK_OK(dp_xlat_walk(&x, GIB_VA + 0x3456789, &w));
	CHECK(w.mapped);
	CHECK_EQ_U64(w.nlevels, 2);
	CHECK_EQ_U64(w.page_size, 1 << 30);
	CHECK_EQ_U64(w.paddr, 0x80000000ULL + 0x3456789);
	uint64_t pa, chunk;
	CHECK_OK(dp_xlat_vtop(&x, GIB_VA + 0x3456789, &pa, &chunk));
	CHECK_EQ_U64(chunk, (1 << 30) - 0x3456789);
}

TEST(fast_paths)
{
	static struct mem m;
	struct dp_xlat x;
	uint64_t pa;
	setup4(&m, &x);
	m.reads = 0;
	// Kernel text: va - __START_KERNEL_map + phys_base (may be negative).
	CHECK_OK(dp_xlat_vtop(&x, 0xffffffff82001000ULL, &pa, NULL));
	CHECK_EQ_U64(pa, 0x2001000 - 0x1000000);
	CHECK_OK(dp_xlat_vtop(&x, 0xffff888000042000ULL, &pa, NULL));
	CHECK_EQ_U64(pa, 0x42000);
	CHECK_EQ_U64(m.reads, 0);
	CHECK_OK(dp_xlat_ptov(&x, 0x42000, &pa));
	CHECK_EQ_U64(pa, 0xffff888000042000ULL);
	dp_xlat_set_page_offset(&x, 0);
	struct dp_error *err = dp_xlat_ptov(&x, 0x42000, &pa);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
}

TEST(not_present_and_noncanonical)
{
	static struct mem m;
	struct dp_xlat x;
	struct dp_xlat_walk w;
	uint64_t pa;
	setup4(&m, &x);
	CHECK_OK(dp_xlat_walk(&x, 0xffffc90000603000ULL, &w));
	CHECK(!w.mapped);
	CHECK_EQ_U64(w.nlevels, 3);	// PMD entry empty
	struct dp_error *err = dp_xlat_vtop(&x, 0xffffc90000603000ULL, &pa, NULL);
	CHECK(err && err->code == DP_ERR_FAULT &&
	      err->address == 0xffffc90000603000ULL);
	CHECK(err && strstr(err->message, "PMD"));
	dp_error_destroy(err);
	err = dp_xlat_walk(&x, 0x0000900000000000ULL, &w);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
}

TEST(outside_dump_and_loops)
{
	static struct mem m;
	struct dp_xlat x;
	struct dp_xlat_walk w;
	setup4(&m, &x);
	// PUD entry points to a PMD table far outside the dump.
	set_entry(&m, 2, ix(VMALLOC_VA, 30), 0x7fff00000000ULL | 0x63);
	struct dp_error *err = dp_xlat_walk(&x, VMALLOC_VA, &w);
	CHECK(err && err->code == DP_ERR_FAULT);
	CHECK(err && strstr(err->message, "PMD table at physical 0x7fff00000000"));
	dp_error_destroy(err);
	// Every level points back at the PGD: the walk still ends after 4
	// reads, whatever it finds.
	setup4(&m, &x);
	for (unsigned int i = 0; i < 512; i++)
		set_entry(&m, 1, i, 1 * PG | 0x63);
	m.reads = 0;
	CHECK_OK(dp_xlat_walk(&x, VMALLOC_VA, &w));
	CHECK_EQ_U64(m.reads, 4);
	CHECK_EQ_U64(w.nlevels, 4);
}

TEST(five_level_and_sme)
{
	static struct mem m;
	struct dp_xlat x;
	struct dp_xlat_walk w;
	uint64_t va = 0xffa0000000005000ULL;	// 5-level vmalloc base
	uint64_t sme = 1ULL << 47;
	memset(&m, 0, sizeof(m));
	set_entry(&m, 1, ix(va, 48), sme | 2 * PG | 0x63);
	set_entry(&m, 2, ix(va, 39), sme | 3 * PG | 0x63);
	set_entry(&m, 3, ix(va, 30), sme | 4 * PG | 0x63);
	set_entry(&m, 4, ix(va, 21), sme | 5 * PG | 0x63);
	set_entry(&m, 5, ix(va, 12), sme | 9 * PG | 0x63);
	struct dp_xlat_params p = { .pgd_paddr = PG, .l5 = true,
				    .sme_mask = sme };
	dp_xlat_init(&x, &p, mem_read, &m);
	CHECK(dp_xlat_canonical(&x, va));
	CHECK_OK(dp_xlat_walk(&x, va + 8, &w));
	CHECK(w.mapped);
	CHECK_EQ_U64(w.nlevels, 5);
	CHECK_STR(w.levels[1].name, "P4D");
	CHECK_EQ_U64(w.paddr, 9 * PG + 8);
	CHECK_EQ_U64(x.p.max_physmem_bits, 52);
}

TEST_MAIN(T(walk_4k), T(large_pages), T(fast_paths),
	  T(not_present_and_noncanonical), T(outside_dump_and_loops),
	  T(five_level_and_sme))

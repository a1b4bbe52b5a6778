// SPDX-License-Identifier: MIT
// Page classes for dump levels from struct page (FORMATS.md §4.1-4.3):
// mem_section walk, then per pfn flags / _mapcount / mapping / private /
// compound head, with makedumpfile's first-match rule order (§4.2).
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pageclass.h"

#define START_KERNEL_MAP 0xffffffff80000000ull
#define PTE_PRESENT 0x1ull
#define PTE_PSE 0x80ull
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define SECTION_MARKED_PRESENT 0x1ull
// SECTION_MAP_LAST_BIT is 5 on 6.1 with ZONE_DEVICE (FORMATS.md §4.3);
// the encoded mem_map is at least 64-byte aligned on every kernel, so
// masking 5 low bits is safe for older layouts too.
#define SECTION_MAP_MASK (~((1ull << 5) - 1))
#define CHUNK 4096u		// pfns whose struct pages are read at once
#define MAX_KEEP 64

struct keep_range {
	uint64_t start, end;
};

struct dp_pageclass {
	struct dp_pageclass_cb cb;
	int level;
	uint64_t max_pfn;
	uint32_t page_size, page_shift;

	// translation
	uint64_t pgd_pa, sme_mask;
	int levels;
	uint64_t tlb_va, tlb_pa, tlb_size;	// last large translation

	// struct page layout
	uint32_t sz_page;
	int32_t off_flags, off_mapping, off_mapcount, off_private;
	int32_t off_head, off_order, off_dtor;
	uint64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab;
	uint64_t pg_hwpoison, head_mask;
	bool has_swapbacked, has_hwpoison, has_slab, has_head, has_offline;
	bool has_slab_type, has_hugetlb_type;
	int32_t buddy_val, offline_val, slab_val, hugetlb_val;
	int64_t hugetlb_dtor;
	uint64_t max_order;

	// sections: decoded mem_map base (virtual) per section, 0 = none
	uint32_t section_shift;		// pfn >> section_shift = section nr
	uint64_t nsections;
	uint64_t *mem_map;

	struct keep_range keep[MAX_KEEP];
	size_t nkeep;
	uint64_t rescued;

	// carried exclusion across windows
	uint64_t next_pfn;
	uint64_t carry_end;
	uint8_t carry_class;

	uint8_t *buf;			// (CHUNK + 1) struct pages
};

const char *dp_page_class_name(enum dp_page_class c)
{
	static const char *const names[DP_PC_NR] = {
		"kept", "zero", "cache", "cache_private", "user", "free",
		"hwpoison", "offline",
	};
	return c < DP_PC_NR ? names[c] : "?";
}

static struct dp_error *vnum(struct dp_pageclass *pc, const char *key,
			     bool hex, int64_t *ret)
{
	const char *v = pc->cb.vmcoreinfo(pc->cb.arg, key);
	if (!v)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "VMCOREINFO has no %s", key);
	char *end;
	errno = 0;
	*ret = hex ? (int64_t)strtoull(v, &end, 16) : strtoll(v, &end, 10);
	if (errno || end == v || (*end && *end != '\n'))
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO %s: bad number", key);
	return NULL;
}

// Optional key: *ret keeps its value when absent.
static bool vnum_opt(struct dp_pageclass *pc, const char *key, int64_t *ret)
{
	struct dp_error *err = vnum(pc, key, false, ret);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	return true;
}

static struct dp_error *read_u64(struct dp_pageclass *pc, uint64_t pa,
				 uint64_t *ret)
{
	uint8_t b[8];
	struct dp_error *err = pc->cb.read_phys(pc->cb.arg, pa, b, 8);
	if (err)
		return err;
	memcpy(ret, b, 8);	// x86_64 is little-endian, like the host
	return NULL;
}

/*
 * Kernel virtual to physical by the page tables (x86_64, 4 or 5 levels,
 * 1 GiB and 2 MiB pages). The last large mapping is remembered, since
 * vmemmap is usually mapped with 2 MiB pages.
 */
static struct dp_error *vtop(struct dp_pageclass *pc, uint64_t va,
			     uint64_t *pa, uint64_t *span)
{
	if (pc->tlb_size && va - pc->tlb_va < pc->tlb_size) {
		*pa = pc->tlb_pa + (va - pc->tlb_va);
		*span = pc->tlb_size - (va - pc->tlb_va);
		return NULL;
	}
	uint64_t table = pc->pgd_pa;
	int shift = pc->levels == 5 ? 48 : 39;
	for (int lvl = pc->levels; lvl >= 1; lvl--, shift -= 9) {
		uint64_t e;
		struct dp_error *err =
			read_u64(pc, table + ((va >> shift) & 511) * 8, &e);
		if (err)
			return dp_error_prefix(err,
					       "page table walk for 0x%" PRIx64,
					       va);
		e &= ~pc->sme_mask;
		if (!(e & PTE_PRESENT))
			return dp_error_addr(DP_ERR_FAULT, va,
					     "0x%" PRIx64 " is not mapped (level %d entry 0x%" PRIx64 ")",
					     va, lvl, e);
		uint64_t size = 1ull << shift;
		if (lvl == 1 || ((lvl == 2 || lvl == 3) && (e & PTE_PSE))) {
			uint64_t base = e & PTE_ADDR_MASK & ~(size - 1);
			pc->tlb_va = va & ~(size - 1);
			pc->tlb_pa = base;
			pc->tlb_size = size;
			*pa = base + (va & (size - 1));
			*span = size - (va & (size - 1));
			return NULL;
		}
		table = e & PTE_ADDR_MASK;
	}
	return dp_error_addr(DP_ERR_FAULT, va, "bad page table walk");
}

static struct dp_error *read_virt(struct dp_pageclass *pc, uint64_t va,
				  void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t pa = 0, span = 0;
		struct dp_error *err = vtop(pc, va, &pa, &span);
		if (err)
			return err;
		size_t n = span < len ? span : len;
		err = pc->cb.read_phys(pc->cb.arg, pa, out, n);
		if (err)
			return err;
		out += n;
		va += n;
		len -= n;
	}
	return NULL;
}

static struct dp_error *setup_vtop(struct dp_pageclass *pc)
{
	int64_t top, phys_base = 0, l5 = 0, sme = 0;
	struct dp_error *err = vnum(pc, "SYMBOL(init_top_pgt)", true, &top);
	if (err) {
		dp_error_destroy(err);
		// Older kernels export only swapper_pg_dir (same table).
		err = vnum(pc, "SYMBOL(swapper_pg_dir)", true, &top);
		if (err)
			return err;
	}
	vnum_opt(pc, "NUMBER(phys_base)", &phys_base);
	vnum_opt(pc, "NUMBER(pgtable_l5_enabled)", &l5);
	vnum_opt(pc, "NUMBER(sme_mask)", &sme);
	if ((uint64_t)top < START_KERNEL_MAP)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO init_top_pgt 0x%" PRIx64 " is not a kernel-image address",
				       (uint64_t)top);
	pc->pgd_pa = (uint64_t)top - START_KERNEL_MAP + (uint64_t)phys_base;
	pc->levels = l5 ? 5 : 4;
	pc->sme_mask = (uint64_t)sme;
	return NULL;
}

static struct dp_error *need(struct dp_pageclass *pc, const char *key,
			     int32_t *ret)
{
	int64_t v;
	struct dp_error *err = vnum(pc, key, false, &v);
	if (err)
		return err;
	*ret = 0;
	if (v < 0 || v > 4096)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO %s=%" PRId64 " out of range",
				       key, v);
	*ret = (int32_t)v;
	return NULL;
}

static struct dp_error *setup_layout(struct dp_pageclass *pc)
{
	int32_t szp = 0;
	struct dp_error *err;
	if ((err = need(pc, "SIZE(page)", &szp)) ||
	    (err = need(pc, "OFFSET(page.flags)", &pc->off_flags)) ||
	    (err = need(pc, "OFFSET(page._mapcount)", &pc->off_mapcount)) ||
	    (err = need(pc, "OFFSET(page.mapping)", &pc->off_mapping)) ||
	    (err = need(pc, "OFFSET(page.private)", &pc->off_private)))
		return err;
	pc->sz_page = (uint32_t)szp;
	if (szp < 32 || pc->off_flags + 8 > szp || pc->off_mapcount + 4 > szp ||
	    pc->off_mapping + 8 > szp || pc->off_private + 8 > szp)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO struct page layout is inconsistent (size %d)",
				       szp);
	pc->off_head = pc->off_order = pc->off_dtor = -1;
	int64_t v;
	if (vnum_opt(pc, "OFFSET(page.compound_head)", &v) && v >= 0 && v + 8 <= szp)
		pc->off_head = (int32_t)v;
	if (vnum_opt(pc, "OFFSET(page.compound_order)", &v) && v >= 0 && v < szp)
		pc->off_order = (int32_t)v;
	if (vnum_opt(pc, "OFFSET(page.compound_dtor)", &v) && v >= 0 && v < szp)
		pc->off_dtor = (int32_t)v;

	int64_t lru = -1, priv = -1, swc = -1, swb = -1, slab = -1, hwp = -1;
	int64_t head = 0, buddy = 0, offline = 0;
	if (!vnum_opt(pc, "NUMBER(PG_lru)", &lru) ||
	    !vnum_opt(pc, "NUMBER(PG_private)", &priv) ||
	    !vnum_opt(pc, "NUMBER(PG_swapcache)", &swc))
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "VMCOREINFO lacks NUMBER(PG_lru/PG_private/PG_swapcache)");
	pc->has_swapbacked = vnum_opt(pc, "NUMBER(PG_swapbacked)", &swb);
	pc->has_slab = vnum_opt(pc, "NUMBER(PG_slab)", &slab);
	pc->has_hwpoison = vnum_opt(pc, "NUMBER(PG_hwpoison)", &hwp);
	pc->has_head = vnum_opt(pc, "NUMBER(PG_head_mask)", &head);
	if (!vnum_opt(pc, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &buddy) &&
	    (pc->level & DP_DL_FREE))
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "VMCOREINFO lacks NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE): cannot find free pages (dump level 16) on this kernel");
	pc->has_offline = vnum_opt(pc, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)",
				   &offline);
	// 6.10 made slab ("mm: free up PG_slab") and 6.9 hugetlb ("mm: turn
	// folio_test_hugetlb into a PageType") page types: no PG_slab /
	// HUGETLB_PAGE_DTOR then, but these.
	int64_t slabv = 0, hugev = 0;
	pc->has_slab_type = vnum_opt(pc, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)",
				     &slabv);
	pc->has_hugetlb_type =
		vnum_opt(pc, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", &hugev);
	pc->slab_val = (int32_t)slabv;
	pc->hugetlb_val = (int32_t)hugev;
	pc->hugetlb_dtor = -1;
	vnum_opt(pc, "NUMBER(HUGETLB_PAGE_DTOR)", &pc->hugetlb_dtor);
	int64_t mo = 11;
	vnum_opt(pc, "LENGTH(zone.free_area)", &mo);
	pc->max_order = mo > 0 && mo < 64 ? (uint64_t)mo : 11;

	int64_t bits[] = { lru, priv, swc, swb, slab, hwp };
	for (size_t i = 0; i < 6; i++)
		if (bits[i] >= 64)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "VMCOREINFO page flag bit %" PRId64 " out of range",
					       bits[i]);
	pc->pg_lru = 1ull << lru;
	pc->pg_private = 1ull << priv;
	pc->pg_swapcache = 1ull << swc;
	pc->pg_swapbacked = pc->has_swapbacked ? 1ull << swb : 0;
	pc->pg_slab = pc->has_slab ? 1ull << slab : 0;
	pc->pg_hwpoison = pc->has_hwpoison ? 1ull << hwp : 0;
	pc->head_mask = (uint64_t)head;
	pc->buddy_val = (int32_t)buddy;
	pc->offline_val = (int32_t)offline;
	return NULL;
}

/*
 * Decode every section's mem_map (SPARSEMEM_EXTREME, FORMATS.md §4.3).
 * SYMBOL(mem_section) is the roots array; if that does not validate,
 * treat it as the pointer variable and dereference once.
 */
static struct dp_error *load_sections(struct dp_pageclass *pc)
{
	int64_t sym, nroots, szsec, offmap, secbits, ps;
	struct dp_error *err;
	if ((err = vnum(pc, "SYMBOL(mem_section)", true, &sym)) ||
	    (err = vnum(pc, "LENGTH(mem_section)", false, &nroots)) ||
	    (err = vnum(pc, "SIZE(mem_section)", false, &szsec)) ||
	    (err = vnum(pc, "OFFSET(mem_section.section_mem_map)", false, &offmap)) ||
	    (err = vnum(pc, "NUMBER(SECTION_SIZE_BITS)", false, &secbits)) ||
	    (err = vnum(pc, "PAGESIZE", false, &ps)))
		return dp_error_prefix(err, "finding struct pages (SPARSEMEM_EXTREME)");
	if (nroots <= 0 || nroots > (1 << 20) || szsec < 8 || szsec > 4096 ||
	    offmap < 0 || offmap + 8 > szsec || secbits < 12 || secbits > 40)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "VMCOREINFO mem_section geometry is implausible");
	pc->page_shift = (uint32_t)__builtin_ctzll((uint64_t)ps);
	pc->section_shift = (uint32_t)secbits - pc->page_shift;
	uint64_t per_root = (uint64_t)ps / (uint64_t)szsec;
	pc->nsections = (pc->max_pfn + (1ull << pc->section_shift) - 1) >>
			pc->section_shift;
	pc->mem_map = calloc(pc->nsections ? pc->nsections : 1, 8);
	uint64_t *roots = calloc((size_t)nroots, 8);
	uint8_t *rootbuf = malloc((size_t)ps);
	if (!pc->mem_map || !roots || !rootbuf) {
		err = &dp_enomem;
		goto out;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		err = read_virt(pc, (uint64_t)sym, roots, (size_t)nroots * 8);
		if (err)
			goto out;
		// A roots array holds kernel pointers or 0.
		bool ok = true;
		for (int64_t i = 0; i < nroots && ok; i++)
			ok = roots[i] == 0 || roots[i] >= 0xff00000000000000ull;
		if (ok && roots[0])
			break;
		if (attempt == 1 || !roots[0]) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "mem_section roots at 0x%" PRIx64 " do not look like pointers",
					      (uint64_t)sym);
			goto out;
		}
		sym = (int64_t)roots[0];
	}
	uint64_t loaded_root = UINT64_MAX;
	for (uint64_t s = 0; s < pc->nsections; s++) {
		uint64_t r = s / per_root;
		if (r >= (uint64_t)nroots || !roots[r])
			continue;
		if (r != loaded_root) {
			err = read_virt(pc, roots[r], rootbuf, (size_t)ps);
			if (err)
				goto out;
			loaded_root = r;
		}
		uint64_t map;
		memcpy(&map, rootbuf + (s % per_root) * (uint64_t)szsec + offmap, 8);
		if (map & SECTION_MARKED_PRESENT)
			pc->mem_map[s] = map & SECTION_MAP_MASK;
	}
out:
	free(roots);
	free(rootbuf);
	return err;
}

struct dp_error *dp_pageclass_create(const struct dp_pageclass_cb *cb,
				     int dump_level, uint64_t max_pfn,
				     struct dp_pageclass **ret)
{
	if (dump_level < 0 || dump_level > 31)
		return dp_error_create(DP_ERR_INVALID,
				       "dump level %d is not in 0-31", dump_level);
	struct dp_pageclass *pc = calloc(1, sizeof(*pc));
	if (!pc)
		return &dp_enomem;
	pc->cb = *cb;
	pc->level = dump_level;
	pc->max_pfn = max_pfn;
	struct dp_error *err = setup_vtop(pc);
	if (!err)
		err = setup_layout(pc);
	if (!err)
		err = load_sections(pc);
	if (!err && !(pc->buf = malloc((CHUNK + 1) * (size_t)pc->sz_page)))
		err = &dp_enomem;
	if (err) {
		dp_pageclass_destroy(pc);
		return err;
	}
	*ret = pc;
	return NULL;
}

void dp_pageclass_destroy(struct dp_pageclass *pc)
{
	if (!pc)
		return;
	free(pc->mem_map);
	free(pc->buf);
	free(pc);
}

struct dp_error *dp_pageclass_keep(struct dp_pageclass *pc, uint64_t start,
				   uint64_t end)
{
	if (pc->nkeep == MAX_KEEP)
		return dp_error_create(DP_ERR_INVALID, "too many kept ranges");
	pc->keep[pc->nkeep++] = (struct keep_range){ start, end };
	return NULL;
}

void dp_pageclass_rewind(struct dp_pageclass *pc)
{
	pc->next_pfn = 0;
	pc->carry_end = 0;
	pc->rescued = 0;
}

uint64_t dp_pageclass_rescued(const struct dp_pageclass *pc)
{
	return pc->rescued;
}

static bool kept(const struct dp_pageclass *pc, uint64_t pfn)
{
	for (size_t i = 0; i < pc->nkeep; i++)
		if (pfn >= pc->keep[i].start && pfn < pc->keep[i].end)
			return true;
	return false;
}

#define FIELD(p, off, type) ({ type v_; memcpy(&v_, (p) + (off), sizeof(v_)); v_; })

/*
 * Does page_type (the word of _mapcount) say the type whose
 * PAGE_*_MAPCOUNT_VALUE is val?  Two encodings (include/linux/
 * page-flags.h): since 6.12 the type is the top byte (PGTY_buddy 0xf0
 * ... PGTY_slab 0xf5, value = PGTY << 24, the low 24 bits free for the
 * type's own use); before, PAGE_TYPE_BASE 0xf0000000 with one bit
 * cleared per type (value = ~bit; pre-4.x buddy: the _mapcount -128).
 * The value's low bits tell which one the dump's kernel uses.
 */
static bool page_is(uint32_t page_type, int32_t val)
{
	uint32_t v = (uint32_t)val;
	if (!(v & 0xffffffu))
		return page_type >> 24 == v >> 24;
	uint32_t bits = 0xf0000000u | ~v;
	return (page_type & bits) == 0xf0000000u;
}

/*
 * A page with any type (slab, page table, buddy, ...) is no user or
 * file page whatever its mapping word holds: a 6.12 slab keeps list
 * counts and pointers there (struct slab).  Top-byte encoding 0xf0-0xfe
 * (0xff is "no type": _mapcount -1); bit encoding: base set, some bit
 * of the low byte-and-a-half cleared.
 */
static bool page_typed(const struct dp_pageclass *pc, uint32_t page_type)
{
	if (!(((uint32_t)pc->buddy_val) & 0xffffffu))
		return page_type >> 24 >= 0xf0 && page_type >> 24 < 0xff;
	return (page_type & 0xf0000000u) == 0xf0000000u &&
	       (page_type | 0xf0000000u) != 0xffffffffu &&
	       (page_type & 0x0fff0000u) == 0x0fff0000u;
}

/*
 * Decide one head or order-0 page (§4.2 step 3; the first matching rule
 * wins, and the rules depend on the level like makedumpfile's). Returns
 * the class and the number of pages it covers.
 */
static uint8_t decide(const struct dp_pageclass *pc, uint64_t pfn,
		      const uint8_t *page, const uint8_t *next, uint64_t *nr)
{
	uint64_t flags = FIELD(page, pc->off_flags, uint64_t);
	uint64_t mapping = FIELD(page, pc->off_mapping, uint64_t);
	uint64_t private = FIELD(page, pc->off_private, uint64_t);
	int32_t mapcount = FIELD(page, pc->off_mapcount, int32_t);
	unsigned order = 0, dtor = 0;
	if (next && pc->has_head && (flags & pc->head_mask)) {
		if (pc->off_order >= 0)
			order = next[pc->off_order];
		if (pc->off_dtor >= 0)
			dtor = next[pc->off_dtor];
		if (order >= 64 || (pfn & ((1ull << order) - 1)))
			order = 0;
	}
	uint32_t ptype = (uint32_t)mapcount;
	bool slab = (flags & pc->pg_slab) ||
		    (pc->has_slab_type && page_is(ptype, pc->slab_val));
	bool typed = slab || page_typed(pc, ptype);
	bool anon = (mapping & 1) && !typed;
	bool cache = !typed && ((flags & pc->pg_lru) ||
		     ((flags & pc->pg_swapcache) &&
		      (!pc->has_swapbacked || (flags & pc->pg_swapbacked))));
	int lvl = pc->level;
	*nr = 1ull << order;
	if ((lvl & DP_DL_FREE) && !slab && page_is(ptype, pc->buddy_val)) {
		if (private >= pc->max_order) {
			*nr = 1;
			return DP_PC_KEEP;
		}
		*nr = 1ull << private;
		return DP_PC_FREE;
	}
	if ((lvl & DP_DL_CACHE) && cache && !(flags & pc->pg_private) && !anon)
		return DP_PC_CACHE;
	if ((lvl & DP_DL_CACHE_PRI) && cache && !anon)
		return (flags & pc->pg_private) ? DP_PC_CACHE_PRI : DP_PC_CACHE;
	if ((lvl & DP_DL_USER) &&
	    (anon || (pc->hugetlb_dtor >= 0 && dtor == pc->hugetlb_dtor) ||
	     (pc->has_hugetlb_type && page_is(ptype, pc->hugetlb_val))))
		return DP_PC_USER;
	if (pc->has_hwpoison && (flags & pc->pg_hwpoison))
		return DP_PC_HWPOISON;
	if (pc->has_offline && !slab && page_is(ptype, pc->offline_val))
		return DP_PC_OFFLINE;
	*nr = 1;
	return DP_PC_KEEP;
}

// Read the struct pages of [pfn, pfn + n) (+1 for the tail after the
// last one); *have = false when the section has no mem_map.
static struct dp_error *read_pages(struct dp_pageclass *pc, uint64_t pfn,
				   uint64_t n, bool *have, bool *have_next)
{
	uint64_t sec = pfn >> pc->section_shift;
	*have = sec < pc->nsections && pc->mem_map[sec];
	*have_next = false;
	if (!*have)
		return NULL;
	uint64_t va = pc->mem_map[sec] + pfn * pc->sz_page;
	struct dp_error *err = read_virt(pc, va, pc->buf, n * pc->sz_page);
	if (err)
		return dp_error_prefix(err, "struct page of pfn 0x%" PRIx64, pfn);
	uint64_t nx = pfn + n, nsec = nx >> pc->section_shift;
	if (nx < pc->max_pfn && nsec < pc->nsections && pc->mem_map[nsec]) {
		err = read_virt(pc, pc->mem_map[nsec] + nx * pc->sz_page,
				pc->buf + n * pc->sz_page, pc->sz_page);
		if (err)
			dp_error_destroy(err);
		else
			*have_next = true;
	}
	return NULL;
}

static struct dp_error *classify_chunk(struct dp_pageclass *pc, uint64_t pfn,
				       uint64_t n, uint8_t *cls)
{
	bool have, have_next;
	uint64_t i = 0;
	// Finish a block carried over from the previous chunk first.
	while (i < n && pfn + i < pc->carry_end)
		cls[i++] = pc->carry_class;
	if (i == n)
		return NULL;
	struct dp_error *err = read_pages(pc, pfn, n, &have, &have_next);
	if (err)
		return err;
	if (!have) {
		memset(cls + i, DP_PC_KEEP, n - i);
		return NULL;
	}
	while (i < n) {
		const uint8_t *page = pc->buf + i * pc->sz_page;
		const uint8_t *next =
			i + 1 < n || have_next ? page + pc->sz_page : NULL;
		uint64_t nr = 1;
		uint8_t c = DP_PC_KEEP;
		// Tail pages go with their head (§4.2 step 2).
		if (pc->off_head < 0 ||
		    !(FIELD(page, pc->off_head, uint64_t) & 1))
			c = decide(pc, pfn + i, page, next, &nr);
		uint64_t end = pfn + i + nr;
		while (i < n && pfn + i < end)
			cls[i++] = c;
		if (end > pfn + n && c != DP_PC_KEEP) {
			pc->carry_end = end;
			pc->carry_class = c;
		}
	}
	return NULL;
}

struct dp_error *dp_pageclass_window(struct dp_pageclass *pc, uint64_t start,
				     uint64_t n, uint8_t *cls)
{
	if (start != pc->next_pfn)
		return dp_error_create(DP_ERR_INVALID,
				       "page classes asked for pfn 0x%" PRIx64 ", expected 0x%" PRIx64,
				       start, pc->next_pfn);
	uint64_t done = 0;
	while (done < n) {
		uint64_t pfn = start + done;
		uint64_t lim = (pfn | (CHUNK - 1)) + 1;	// CHUNK divides a section
		uint64_t cnt = lim - pfn < n - done ? lim - pfn : n - done;
		if (pfn >= pc->max_pfn) {
			memset(cls + done, DP_PC_KEEP, cnt);
		} else {
			if (pfn + cnt > pc->max_pfn)
				cnt = pc->max_pfn - pfn;
			struct dp_error *err =
				classify_chunk(pc, pfn, cnt, cls + done);
			if (err)
				return err;
		}
		// The guard overrides the flag-based classes only: the image
		// holds freed init memory that is really free (a buddy block
		// is recognised by its page_type, which has no such failure
		// mode), while makedumpfile #21 dropped .bss for a bogus
		// PG_lru.
		for (uint64_t k = 0; k < cnt; k++)
			if (cls[done + k] != DP_PC_KEEP &&
			    cls[done + k] != DP_PC_FREE && pc->nkeep &&
			    kept(pc, pfn + k)) {
				cls[done + k] = DP_PC_KEEP;
				pc->rescued++;
			}
		done += cnt;
	}
	pc->next_pfn = start + n;
	return NULL;
}

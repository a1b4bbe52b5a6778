// SPDX-License-Identifier: MIT
// The memory summary of `kmem -i`: global vm counters (vm_zone_stat,
// vm_node_stat, enum indices from BTF), swap, hugetlb, overcommit, and
// block-device page cache (nr_blockdev_pages()).
#include <string.h>

#include <dontpanic/types.h>

#include "kernel-internal.h"

#define DP_MAX_BDEV_INODES 1000000

static struct dp_error *enum_value(struct dp_kernel *k, const char *name,
				   int64_t *ret)
{
	struct dp_types *types;
	struct dp_error *err = dp_program_types(k->prog, &types);
	if (!err)
		err = dp_types_enum_value(types, name, ret);
	return dp_error_prefix(err, "enum value %s", name);
}

// vm_zone_stat[] / vm_node_stat[] are atomic_long_t arrays indexed by
// enum zone_stat_item / node_stat_item.
static uint64_t vm_stat(struct dp_kernel *k, const char *array,
			const char *item)
{
	int64_t idx;
	uint64_t base, v;
	struct dp_error *err = enum_value(k, item, &idx);
	if (!err && (idx < 0 || idx > 1024))
		err = dp_error_create(DP_ERR_BAD_DATA, "bad index");
	if (!err)
		err = dp_program_symbol_address(k->prog, array, &base);
	if (!err)
		err = dp_program_read_u64(k->prog, base + 8 * (uint64_t)idx, &v);
	if (err) {
		dp_error_destroy(err);
		return UINT64_MAX;
	}
	return (int64_t)v < 0 ? 0 : v;
}

static uint64_t sym_u64(struct dp_kernel *k, const char *name)
{
	uint64_t v;
	struct dp_error *err = dp_kernel_read_sym_u64(k, name, &v);
	if (err) {
		dp_error_destroy(err);
		return UINT64_MAX;
	}
	return v;
}

static int64_t sym_s32(struct dp_kernel *k, const char *name, int64_t dflt)
{
	uint64_t addr;
	int32_t v;
	struct dp_error *err = dp_program_symbol_address(k->prog, name, &addr);
	if (!err)
		err = dp_kernel_read_s32(k, addr, &v);
	if (err) {
		dp_error_destroy(err);
		return dflt;
	}
	return v;
}

// nr_blockdev_pages(): the page cache of every block device inode on the
// bdev pseudo filesystem (block/bdev.c).
static uint64_t blockdev_pages(struct dp_kernel *k)
{
	uint64_t s_inodes = dp_kernel_member_opt(k, "super_block", "s_inodes");
	uint64_t sb_list = dp_kernel_member_opt(k, "inode", "i_sb_list");
	uint64_t mapping = dp_kernel_member_opt(k, "inode", "i_mapping");
	uint64_t nrpages = dp_kernel_member_opt(k, "address_space", "nrpages");
	if (s_inodes == UINT64_MAX || sb_list == UINT64_MAX ||
	    mapping == UINT64_MAX || nrpages == UINT64_MAX)
		return UINT64_MAX;
	uint64_t sb = sym_u64(k, "blockdev_superblock"), pos, total = 0;
	if (sb == UINT64_MAX || !sb)
		return UINT64_MAX;
	uint64_t head = sb + s_inodes;
	struct dp_error *err = dp_program_read_u64(k->prog, head, &pos);
	for (size_t n = 0; !err && pos != head; n++) {
		uint64_t m, pages;
		if (!pos || n > DP_MAX_BDEV_INODES) {
			err = dp_error_create(DP_ERR_BAD_DATA, "bdev inodes");
			break;
		}
		err = dp_program_read_u64(k->prog, pos - sb_list + mapping, &m);
		if (!err && m)
			err = dp_program_read_u64(k->prog, m + nrpages, &pages);
		if (!err && m)
			total += pages;
		if (!err)
			err = dp_program_read_u64(k->prog, pos, &pos);
	}
	if (err) {
		dp_error_destroy(err);
		return UINT64_MAX;
	}
	return total;
}

// hstates[0 .. hugetlb_max_hstate): nr_huge_pages and free_huge_pages,
// in huge pages of 2^order base pages.
static void hugetlb(struct dp_kernel *k, struct dp_meminfo *m)
{
	m->total_huge = m->huge_free = 0;
	int64_t n = sym_s32(k, "hugetlb_max_hstate", 0);
	uint64_t base, size;
	uint64_t order = dp_kernel_member_opt(k, "hstate", "order");
	uint64_t nr = dp_kernel_member_opt(k, "hstate", "nr_huge_pages");
	uint64_t fr = dp_kernel_member_opt(k, "hstate", "free_huge_pages");
	struct dp_error *err = dp_program_symbol_address(k->prog, "hstates",
							 &base);
	if (!err)
		err = dp_program_type_size(k->prog, "hstate", &size);
	if (err || n <= 0 || n > 16 || order == UINT64_MAX ||
	    nr == UINT64_MAX || fr == UINT64_MAX) {
		dp_error_destroy(err);
		return;
	}
	for (int64_t i = 0; i < n; i++) {
		uint64_t h = base + (uint64_t)i * size, total, free;
		uint32_t o;
		if ((err = dp_kernel_read_u32(k, h + order, &o)) ||
		    (err = dp_program_read_u64(k->prog, h + nr, &total)) ||
		    (err = dp_program_read_u64(k->prog, h + fr, &free)) ||
		    o > 30) {
			dp_error_destroy(err);
			return;
		}
		m->total_huge += total << o;
		m->huge_free += free << o;
	}
}

// vm_commit_limit() (mm/util.c) and vm_committed_as (a percpu_counter,
// read like percpu_counter_read_positive()).
static void overcommit(struct dp_kernel *k, struct dp_meminfo *m)
{
	uint64_t kbytes = sym_u64(k, "sysctl_overcommit_kbytes");
	int64_t ratio = sym_s32(k, "sysctl_overcommit_ratio", 50);
	uint64_t swap = m->swap_total == UINT64_MAX ? 0 : m->swap_total;
	if (kbytes != UINT64_MAX && kbytes)
		m->commit_limit = kbytes / (dp_dump_page_size(
			dp_program_dump(k->prog)) / 1024) + swap;
	else if (m->total != UINT64_MAX)
		m->commit_limit = (m->total - m->total_huge) *
				  (uint64_t)ratio / 100 + swap;
	uint64_t off = dp_kernel_member_opt(k, "percpu_counter", "count");
	uint64_t addr, v;
	struct dp_error *err = dp_program_symbol_address(k->prog,
		"vm_committed_as", &addr);
	if (!err && off != UINT64_MAX)
		err = dp_program_read_u64(k->prog, addr + off, &v);
	if (!err && off != UINT64_MAX)
		m->committed = (int64_t)v < 0 ? 0 : v;
	dp_error_destroy(err);
}

struct dp_error *dp_kernel_meminfo(struct dp_kernel *k, struct dp_meminfo *m)
{
	memset(m, 0xff, sizeof(*m));	/* UINT64_MAX = unknown */
	m->total = sym_u64(k, "_totalram_pages");
	if (m->total == UINT64_MAX)
		m->total = sym_u64(k, "totalram_pages");
	if (m->total == UINT64_MAX)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "cannot read _totalram_pages");
	m->free = vm_stat(k, "vm_zone_stat", "NR_FREE_PAGES");
	m->shared = vm_stat(k, "vm_node_stat", "NR_SHMEM");
	m->buffers = blockdev_pages(k);
	uint64_t file = vm_stat(k, "vm_node_stat", "NR_FILE_PAGES");
	uint64_t swapcache = vm_stat(k, "vm_node_stat", "NR_SWAPCACHE");
	if (swapcache == UINT64_MAX)
		swapcache = 0;
	if (file != UINT64_MAX) {
		uint64_t b = m->buffers == UINT64_MAX ? 0 : m->buffers;
		m->cached = file > swapcache + b ? file - swapcache - b : 0;
	}
	// Slab counters are in bytes-named items but count pages (5.9+:
	// NR_SLAB_*_B), NR_SLAB_* before.
	uint64_t r = vm_stat(k, "vm_node_stat", "NR_SLAB_RECLAIMABLE_B");
	uint64_t u = vm_stat(k, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B");
	if (r == UINT64_MAX)
		r = vm_stat(k, "vm_node_stat", "NR_SLAB_RECLAIMABLE");
	if (u == UINT64_MAX)
		u = vm_stat(k, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE");
	if (r != UINT64_MAX && u != UINT64_MAX)
		m->slab = r + u;
	m->high_total = 0;
	hugetlb(k, m);
	m->swap_total = sym_u64(k, "total_swap_pages");
	m->swap_free = sym_u64(k, "nr_swap_pages");
	overcommit(k, m);
	return NULL;
}

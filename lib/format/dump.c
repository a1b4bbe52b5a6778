// SPDX-License-Identifier: MIT
// The dump object: probe loop over the formats, page states with precise
// "why missing" errors, a small page cache, physical reads, summary info.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/reader.h>

#include "format.h"

// Direct-mapped by pfn; enough for page-table walks and struct reads that
// revisit the same pages.
#define PAGE_CACHE_ENTRIES 128
#define MAX_PAGE_SIZE (1u << 20)

struct dp_page_cache {
	uint64_t tag[PAGE_CACHE_ENTRIES];	// pfn + 1; 0 = empty
	uint8_t *data;
};

static void reset_probe_state(struct dp_dump *dump)
{
	free(dump->vmcoreinfo);
	dp_vmci_destroy(dump->vmci);
	free(dump->derived_vmci);
	dp_vmci_destroy(dump->derived);
	free(dump->cpus);
	free(dump->notes_raw);
	dump->notes_raw = NULL;
	dump->notes_raw_len = 0;
	dump->vmcoreinfo = NULL;
	dump->vmcoreinfo_len = 0;
	dump->vmci = NULL;
	dump->derived_vmci = NULL;
	dump->derived_vmci_len = 0;
	dump->derived = NULL;
	dump->cpus = NULL;
	dump->ncpus = dump->ncpus_cap = dump->nqemu_notes = 0;
	dump->priv = NULL;
	dump->page_size = 0;
	dump->max_pfn = 0;
	dump->dump_level = -1;
}

static struct dp_error *unknown_format(struct dp_dump *dump)
{
	struct dp_file *f = &dump->files[0];
	uint8_t b[16];
	size_t n = f->size < sizeof(b) ? (size_t)f->size : sizeof(b);
	char hex[sizeof(b) * 3 + 1] = "";
	struct dp_error *err = dp_file_pread(f, b, n, 0);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 3 * i, 4, "%02x ", b[i]);
	if (n)
		hex[3 * n - 1] = '\0';
	if (n == 0)
		return dp_error_create(DP_ERR_UNSUPPORTED,
			"%s: not a crash dump (%s)", f->path, f->flat ?
			"flattened stream without data" : "empty file");
	return dp_error_create(DP_ERR_UNSUPPORTED,
		"%s: not a crash dump (unknown format; first bytes %s%s)",
		f->path, hex, f->flat ? " of the rearranged flattened stream"
		: "");
}

static struct dp_error *probe(struct dp_dump *dump)
{
	for (size_t i = 0; i < dp_nformats; i++) {
		reset_probe_state(dump);
		dump->ops = dp_formats[i];
		struct dp_error *err = dump->ops->probe(dump);
		if (!err)
			return NULL;
		if (err->code != DP_ERR_NOT_MINE)
			return err;
		dp_error_destroy(err);
		dump->ops = NULL;
	}
	return unknown_format(dump);
}

static struct dp_error *check_probe_result(struct dp_dump *dump)
{
	uint32_t ps = dump->page_size;
	if (ps < 512 || ps > MAX_PAGE_SIZE || (ps & (ps - 1)))
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: bad page size %" PRIu32,
				       dump->files[0].path, ps);
	return NULL;
}

struct dp_error *dp_dump_open(const char *const *paths, size_t npaths,
			      struct dp_dump **ret)
{
	*ret = NULL;
	if (npaths == 0)
		return dp_error_create(DP_ERR_INVALID, "no dump file given");
	struct dp_dump *dump = calloc(1, sizeof(*dump));
	if (!dump)
		return &dp_enomem;
	dump->dump_level = -1;
	dump->files = calloc(npaths, sizeof(*dump->files));
	if (!dump->files) {
		free(dump);
		return &dp_enomem;
	}
	struct dp_error *err = NULL;
	for (size_t i = 0; i < npaths && !err; i++) {
		dump->files[i].fd = -1;
		err = dp_file_open(paths[i], &dump->files[i]);
		if (!err)
			dump->nfiles = i + 1;
	}
	if (!err)
		err = probe(dump);
	if (!err)
		err = check_probe_result(dump);
	if (!err) {
		dump->cache = calloc(1, sizeof(*dump->cache));
		if (dump->cache)
			dump->cache->data = malloc((size_t)PAGE_CACHE_ENTRIES *
						   dump->page_size);
		if (!dump->cache || !dump->cache->data)
			err = &dp_enomem;
	}
	if (err) {
		dp_dump_destroy(dump);
		return err;
	}
	*ret = dump;
	return NULL;
}

void dp_dump_destroy(struct dp_dump *dump)
{
	if (!dump)
		return;
	if (dump->ops && dump->ops->cleanup)
		dump->ops->cleanup(dump);
	dump->ops = NULL;
	reset_probe_state(dump);
	for (size_t i = 0; i < dump->nfiles; i++)
		dp_file_close(&dump->files[i]);
	free(dump->files);
	if (dump->cache)
		free(dump->cache->data);
	free(dump->cache);
	free(dump);
}

uint32_t dp_dump_page_size(const struct dp_dump *dump)
{
	return dump->page_size;
}

enum dp_page_state dp_dump_page_state(struct dp_dump *dump, uint64_t pfn)
{
	return dump->ops->page_state(dump, pfn);
}

static struct dp_error *missing_page(struct dp_dump *dump, uint64_t pfn,
				     enum dp_page_state st)
{
	uint64_t pa = pfn * dump->page_size;
	switch (st) {
	case DP_PAGE_EXCLUDED:
		if (dump->dump_level >= 0)
			return dp_error_addr(DP_ERR_PAGE_EXCLUDED, pa,
				"page 0x%" PRIx64 " (paddr 0x%" PRIx64
				"): excluded (dump level %d)", pfn, pa,
				dump->dump_level);
		return dp_error_addr(DP_ERR_PAGE_EXCLUDED, pa,
			"page 0x%" PRIx64 " (paddr 0x%" PRIx64
			"): excluded (filtered by the dump level)", pfn, pa);
	case DP_PAGE_LOST:
		return dp_error_addr(DP_ERR_PAGE_LOST, pa,
			"page 0x%" PRIx64 " (paddr 0x%" PRIx64 "): lost (%s%s)",
			pfn, pa, dump->truncated ? dump->files[0].path :
			"incomplete dump", dump->truncated ? (dump->nfiles > 1 ?
			" or another part is truncated" : " is truncated") : "");
	default:
		return dp_error_addr(DP_ERR_PAGE_HOLE, pa,
			"page 0x%" PRIx64 " (paddr 0x%" PRIx64
			"): not in dump", pfn, pa);
	}
}

// Find pfn in the cache or load it there; *ret points at the cached data.
static struct dp_error *cached_page(struct dp_dump *dump, uint64_t pfn,
				    const uint8_t **ret)
{
	struct dp_page_cache *c = dump->cache;
	if (dump->trace)
		dump->trace(dump->trace_arg, pfn);
	size_t slot = (size_t)(pfn % PAGE_CACHE_ENTRIES);
	uint8_t *cdata = c->data + slot * dump->page_size;
	if (c->tag[slot] == pfn + 1) {
		*ret = cdata;
		return NULL;
	}
	c->tag[slot] = 0;
	enum dp_page_state st = dump->ops->page_state(dump, pfn);
	if (st == DP_PAGE_ZERO) {
		memset(cdata, 0, dump->page_size);
	} else if (st != DP_PAGE_PRESENT) {
		return missing_page(dump, pfn, st);
	} else {
		struct dp_error *err = dump->ops->read_page(dump, pfn, cdata);
		if (err)
			return err;
	}
	c->tag[slot] = pfn + 1;
	*ret = cdata;
	return NULL;
}

struct dp_error *dp_dump_read_page(struct dp_dump *dump, uint64_t pfn,
				   void *buf)
{
	const uint8_t *data;
	struct dp_error *err = cached_page(dump, pfn, &data);
	if (!err)
		memcpy(buf, data, dump->page_size);
	return err;
}

struct dp_error *dp_dump_read_phys(struct dp_dump *dump, uint64_t paddr,
				   void *buf, size_t len)
{
	uint32_t ps = dump->page_size;
	uint8_t *out = buf;
	uint64_t last;
	if (len && dp_add_overflow(paddr, len - 1, &last))
		return dp_error_addr(DP_ERR_FAULT, paddr,
			"physical read of 0x%zx bytes at 0x%" PRIx64
			" wraps past the end of memory", len, paddr);
	while (len) {
		uint64_t pfn = paddr / ps;
		size_t in_page = (size_t)(paddr % ps);
		size_t n = ps - in_page < len ? ps - in_page : len;
		const uint8_t *data;
		struct dp_error *err = cached_page(dump, pfn, &data);
		if (!err && dump->ops->check_range)
			err = dump->ops->check_range(dump, paddr, n);
		if (err)
			return err;
		memcpy(out, data + in_page, n);
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

static void count_pages(struct dp_dump *dump, struct dp_dump_info *info)
{
	uint64_t max = dump->max_pfn ? dump->max_pfn : info->max_pfn;
	for (uint64_t pfn = 0; pfn < max; pfn++) {
		switch (dump->ops->page_state(dump, pfn)) {
		case DP_PAGE_PRESENT:
			info->pages_present++;
			break;
		case DP_PAGE_ZERO:
			info->pages_present++;
			info->pages_zero++;
			break;
		case DP_PAGE_EXCLUDED:
			info->pages_excluded++;
			break;
		case DP_PAGE_LOST:
			info->pages_lost++;
			break;
		case DP_PAGE_HOLE:
			break;
		}
	}
}

struct dp_error *dp_dump_get_info(struct dp_dump *dump,
				  struct dp_dump_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->format = dump->ops->name;
	ret->dump_level = dump->dump_level;
	ret->page_size = dump->page_size;
	ret->max_pfn = dump->max_pfn;
	ret->nfiles = (unsigned int)dump->nfiles;
	for (size_t i = 0; i < dump->nfiles; i++)
		if (dump->files[i].flat)
			ret->flattened = true;
	int64_t t;
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, "CRASHTIME", &t);
	if (!err)
		ret->crash_time = t;
	dp_error_destroy(err);
	if (dump->ops->get_info) {
		err = dump->ops->get_info(dump, ret);
		if (err)
			return err;
	}
	// A format's get_info may count pages itself (kdump: from the
	// bitmaps and descriptors); otherwise count them here.
	if (ret->pages_present || ret->pages_excluded || ret->pages_zero ||
	    ret->pages_lost)
		return NULL;
	if (dump->ops->count_pages)
		dump->ops->count_pages(dump, ret);
	else
		count_pages(dump, ret);
	return NULL;
}

bool dp_dump_may_lose_pages(const struct dp_dump *dump)
{
	return dump->incomplete || dump->truncated;
}

const void *dp_dump_notes(const struct dp_dump *dump, size_t *len)
{
	*len = dump->notes_raw_len;
	return dump->notes_raw;
}

void dp_dump_set_trace(struct dp_dump *dump, void (*fn)(void *, uint64_t),
		       void *arg)
{
	dump->trace = fn;
	dump->trace_arg = arg;
}

size_t dp_dump_num_cpu_notes(const struct dp_dump *dump)
{
	return dump->ncpus;
}

const struct dp_cpu_note *dp_dump_cpu_note(const struct dp_dump *dump,
					   size_t i)
{
	return i < dump->ncpus ? &dump->cpus[i] : NULL;
}

// Without a format-specific walker, report runs of readable pfns.
static struct dp_error *ranges_from_states(struct dp_dump *dump,
					   dp_range_fn fn, void *arg)
{
	uint64_t run = 0, start = 0;
	for (uint64_t pfn = 0; pfn <= dump->max_pfn; pfn++) {
		enum dp_page_state st = pfn < dump->max_pfn ?
			dump->ops->page_state(dump, pfn) : DP_PAGE_HOLE;
		bool in = st == DP_PAGE_PRESENT || st == DP_PAGE_ZERO;
		if (in && !run)
			start = pfn;
		if (in) {
			run++;
			continue;
		}
		if (run) {
			struct dp_error *err = fn(start * dump->page_size,
						  run * dump->page_size, 0,
						  arg);
			if (err)
				return err;
		}
		run = 0;
	}
	return NULL;
}

struct dp_error *dp_dump_for_each_range(struct dp_dump *dump, dp_range_fn fn,
					void *arg)
{
	if (dump->ops->for_each_range)
		return dump->ops->for_each_range(dump, fn, arg);
	return ranges_from_states(dump, fn, arg);
}

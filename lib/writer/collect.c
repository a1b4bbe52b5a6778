// SPDX-License-Identifier: MIT
// The collector: input, page classes per window, the passes, and stats.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/printk.h>

#include "collect-int.h"
#include "core/vector.h"
#include "format/format.h"

#define DEFAULT_WINDOW (1ull << 18)	// pfns: 1 GiB of 4 KiB pages

static struct dp_error *cb_read(void *arg, uint64_t paddr, void *buf,
				size_t len)
{
	struct dp_collect *c = arg;
	return dp_source_read_win(c->src, &c->win, paddr, buf, len, false);
}

static const char *cb_vmci(void *arg, const char *key)
{
	struct dp_collect *c = arg;
	return dp_source_vmci(c->src, key);
}

static uint8_t counter_of(uint8_t cls)
{
	switch (cls) {
	case DP_PC_CACHE: return DP_CNT_CACHE;
	case DP_PC_CACHE_PRI: return DP_CNT_CACHE_PRI;
	case DP_PC_USER: return DP_CNT_USER;
	case DP_PC_FREE: return DP_CNT_FREE;
	case DP_PC_HWPOISON: return DP_CNT_HWPOISON;
	case DP_PC_OFFLINE: return DP_CNT_OFFLINE;
	default: return DP_CNT_ZERO;
	}
}

static bool missing_page(const struct dp_collect *c, const struct dp_error *err)
{
	return !c->src->direct && (err->code == DP_ERR_PAGE_EXCLUDED ||
				   err->code == DP_ERR_PAGE_HOLE ||
				   err->code == DP_ERR_PAGE_LOST);
}

// A filtered or cut input may lack the pages struct page data needs.
static struct dp_error *lacks_mem_map(struct dp_collect *c, struct dp_error *err)
{
	if (!missing_page(c, err))
		return err;
	return dp_error_prefix(err,
		"%s: dump level %d needs the kernel's struct page array (mem_map) and the page tables that map it, but the input dump lacks some of those pages (it was filtered or cut short); use a level the input already has (%d) or the original vmcore",
		c->src->path, c->level, c->src->input_level);
}

struct dp_error *dp_collect_classify(struct dp_collect *c, uint64_t start,
				     uint64_t n)
{
	if (c->pc) {
		struct dp_error *err = dp_pageclass_window(c->pc, start, n, c->cls);
		if (err)
			return lacks_mem_map(c, err);
	} else {
		memset(c->cls, DP_PC_KEEP, n);
	}
	for (uint64_t i = 0; i < n; i++) {
		enum dp_source_state st = dp_source_pfn_state(c->src, start + i);
		if (st == DP_SRC_HOLE)
			c->cls[i] = DP_CLS_HOLE;
		else if (st == DP_SRC_ABSENT && c->cls[i] == DP_PC_KEEP)
			c->cls[i] = DP_CLS_ABSENT;
	}
	return NULL;
}

void dp_collect_rewind(struct dp_collect *c)
{
	if (c->pc)
		dp_pageclass_rewind(c->pc);
}

void dp_collect_progress(struct dp_collect *c, uint64_t pages)
{
	c->progress_done += pages;
	if (c->opts->progress)
		c->opts->progress(c->opts->progress_arg, c->progress_done,
				  c->progress_total);
}

/*
 * The kernel image is always kept (makedumpfile issue #21 lost idt_table
 * to a misread struct page): the PT_LOAD whose p_vaddr is in the kernel
 * text mapping covers _text.._end (FORMATS.md §1.1); without one (QEMU
 * ELF, kdump input) kallsyms from the dump gives _text and _end.
 */
static struct dp_error *guard_kernel(struct dp_collect *c)
{
	uint32_t ps = c->src->page_size;
	if (!c->src->kimage_len)
		return NULL;
	return dp_pageclass_keep(c->pc, c->src->kimage_pa / ps,
				 (c->src->kimage_pa + c->src->kimage_len + ps - 1) / ps);
}

void dp_collect_count(struct dp_collect *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint8_t k = c->cls[i];
		if (k == DP_CLS_HOLE)
			continue;
		c->st->present++;
		if (k == DP_CLS_ABSENT)
			c->st->not_in_input++;
		else if (k != DP_PC_KEEP)
			c->st->excluded[counter_of(k)]++;
	}
}

static struct dp_error *setup(struct dp_collect *c,
			      const char *const *in_paths, size_t nin)
{
	const struct dp_collect_opts *o = c->opts;
	struct dp_error *err = dp_source_open(in_paths, nin, &c->src);
	if (err)
		return err;
	c->src->no_mmap = o->no_mmap;
	const char *in_path = in_paths[0];
	// Re-filtering: what the input dropped stays dropped, and its level's
	// classes explain those pages (makedumpfile does the same).
	c->level = o->dump_level;
	if (c->src->input_level > 0)
		c->level |= c->src->input_level & 31;
	c->st->dump_level = c->level;
	c->st->input_level = c->src->input_level;
	c->st->input_format = "elf";
	if (!c->src->direct) {
		struct dp_dump_info info;
		struct dp_error *e = dp_dump_get_info(c->src->dump, &info);
		c->st->input_format = e ? "dump" : info.format;
		dp_error_destroy(e);
	}
	c->max_pfn = c->src->max_pfn;
	c->st->page_size = c->src->page_size;
	c->st->max_pfn = c->max_pfn;
	// Windows are whole bitmap blocks so that slices are block aligned.
	uint64_t unit = 8ull * c->src->page_size;
	c->window = o->cyclic_pfns ? o->cyclic_pfns : DEFAULT_WINDOW;
	c->window = (c->window + unit - 1) / unit * unit;
	c->cls = malloc(c->window);
	c->nsec = (c->max_pfn >> DP_GROUP_SHIFT) + 1;
	c->sec_dumpable = calloc(c->nsec, sizeof(uint64_t));
	if (!c->cls || !c->sec_dumpable)
		return &dp_enomem;
	// Levels 0 and 1 need no struct page (zero pages are found on the
	// data); like makedumpfile they then drop nothing else either.
	if (c->level & (DP_DL_CACHE | DP_DL_CACHE_PRI | DP_DL_USER | DP_DL_FREE)) {
		struct dp_pageclass_cb cb = {
			.read_phys = cb_read, .vmcoreinfo = cb_vmci, .arg = c,
		};
		err = dp_pageclass_create(&cb, c->level, c->max_pfn, &c->pc);
		if (err && missing_page(c, err))
			return lacks_mem_map(c, err);
		if (err)
			return dp_error_prefix(err, "%s: dump level %d",
					       in_path, c->level);
		err = guard_kernel(c);
	}
	return err;
}

#define MAX_LOG_PAGES (1u << 16)	// 256 MiB of 4 KiB pages: the ring is far smaller

struct trace {
	uint64_t *v;
	size_t n, cap;
	bool failed;
};

static void trace_pfn(void *arg, uint64_t pfn)
{
	struct trace *t = arg;
	if (t->failed || (t->n && t->v[t->n - 1] == pfn))
		return;
	if (t->n + 1 > MAX_LOG_PAGES || !dp_array_reserve(t->v, t->cap, t->n + 1)) {
		t->failed = true;
		return;
	}
	t->v[t->n++] = pfn;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static struct dp_error *no_record(const struct dp_printk_record *r, void *arg)
{
	(void)r;
	(void)arg;
	return NULL;
}

/*
 * The pages `dontpanic log` reads: run the log reader once over the input
 * with a trace on every physical page it touches (the prb structures, the
 * descriptor, info and text rings, and the page tables that translate
 * them). Writing exactly these first means a dump cut short serves the
 * whole log. Best effort: without them the dump is written in pfn order.
 */
void dp_collect_find_log_pages(struct dp_collect *c)
{
	struct dp_dump *dump = c->src->dump;
	struct trace t = { 0 };
	struct dp_program *prog;
	if (!dump)
		return;
	dp_dump_set_trace(dump, trace_pfn, &t);
	struct dp_error *err = dp_program_create(dump, NULL, &prog);
	if (!err) {
		err = dp_printk_for_each(prog, no_record, NULL);
		dp_program_destroy(prog);
	}
	dp_dump_set_trace(dump, NULL, NULL);
	uint64_t *rank = t.n ? malloc(t.n * sizeof(*rank)) : NULL;
	if (err || t.failed || !rank) {
		dp_error_destroy(err);
		free(t.v);
		free(rank);
		return;
	}
	qsort(t.v, t.n, sizeof(*t.v), cmp_u64);
	size_t n = 0;
	for (size_t i = 0; i < t.n; i++)
		if (!n || t.v[n - 1] != t.v[i])
			t.v[n++] = t.v[i];
	for (size_t i = 0; i < n; i++)
		rank[i] = UINT64_MAX;
	c->early = t.v;
	c->early_rank = rank;
	c->nearly = n;
}

// Split points: parts with about the same number of dumpable pages, cut at
// 32768-pfn group boundaries (FORMATS.md §2.8).
static void split_points(struct dp_collect *c, unsigned int nout,
			 uint64_t *bounds)
{
	bounds[0] = 0;
	uint64_t acc = 0;
	unsigned int part = 1;
	for (uint64_t g = 0; g < c->nsec && part < nout; g++) {
		acc += c->sec_dumpable[g];
		if (acc * nout >= c->dumpable * part)
			bounds[part++] = (g + 1) << DP_GROUP_SHIFT;
	}
	for (; part <= nout; part++)
		bounds[part] = c->max_pfn;
	for (unsigned int i = 1; i <= nout; i++)
		if (bounds[i] > c->max_pfn)
			bounds[i] = c->max_pfn;
}

static struct dp_error *collect_kdump(struct dp_collect *c, struct dp_out *outs,
				      unsigned int nout)
{
	bool split = nout > 1;
	struct dp_error *err = NULL;
	uint64_t *bounds = calloc(nout + 1, sizeof(uint64_t));
	if (!bounds)
		return &dp_enomem;
	// The log's pages go first (one file only: a split part has its own
	// descriptor numbering and would need its own log copy).
	if (nout == 1 && !c->opts->no_log_first)
		dp_collect_find_log_pages(c);
	// Headers and notes (VMCOREINFO) first, marked incomplete.
	for (unsigned int k = 0; k < nout && !err; k++) {
		err = dp_out_begin(&outs[k]);
		if (!err)
			err = dp_kdump_write_head(c, &outs[k], 0, 0, split,
						  false);
	}
	if (!err)
		err = dp_kdump_write_bitmaps(c, outs, nout);
	if (err)
		goto out;
	c->progress_total = c->dumpable;
	split_points(c, nout, bounds);
	for (unsigned int k = 0; k < nout; k++) {
		uint64_t nd = 0;
		for (uint64_t g = bounds[k] >> DP_GROUP_SHIFT;
		     g < c->nsec && (g << DP_GROUP_SHIFT) < bounds[k + 1]; g++)
			nd += c->sec_dumpable[g];
		if (!outs[k].full)
			err = dp_kdump_write_part(c, &outs[k], bounds[k],
						  bounds[k + 1], nd, split);
		if (err)
			goto out;
		if (outs[k].full) {
			c->st->incomplete = true;
			c->st->full_errno = outs[k].full_errno;
		}
		// Final header: split range, and complete unless cut short.
		err = dp_kdump_write_head(c, &outs[k], split ? bounds[k] : 0,
					  split ? bounds[k + 1] : 0, split,
					  !outs[k].full);
		if (!err)
			err = dp_out_end(&outs[k]);
		if (err)
			goto out;
	}
out:
	free(bounds);
	return err;
}

struct dp_error *dp_collect(const char *const *in_paths, size_t nin,
			    const int *out_fds,
			    const char *const *out_names, unsigned int nout,
			    const struct dp_collect_opts *opts,
			    struct dp_collect_stats *stats)
{
	if (nout < 1)
		return dp_error_create(DP_ERR_INVALID, "no output file");
	if (opts->dump_level < 0 || opts->dump_level > 31)
		return dp_error_create(DP_ERR_INVALID,
				       "dump level %d is not in 0-31",
				       opts->dump_level);
	if (nout > 1 && opts->format != DP_COLLECT_KDUMP)
		return dp_error_create(DP_ERR_INVALID,
				       "--split writes kdump-compressed files only");
	memset(stats, 0, sizeof(*stats));
	struct dp_collect c = { .opts = opts, .st = stats };
	struct dp_out *outs = calloc(nout, sizeof(*outs));
	if (!outs)
		return &dp_enomem;
	for (unsigned int k = 0; k < nout; k++) {
		dp_out_init(&outs[k], out_fds[k], out_names[k], opts->flattened);
		outs[k].limit = opts->size_limit;
		outs[k].fail_after = opts->fail_after;
	}
	struct dp_error *err = setup(&c, in_paths, nin);
	if (!err) {
		if (opts->format == DP_COLLECT_ELF)
			err = dp_elf_write(&c, &outs[0]);
		else
			err = collect_kdump(&c, outs, nout);
	}
	stats->nfiles = nout;
	for (unsigned int k = 0; k < nout; k++)
		stats->bytes_written += opts->flattened ? outs[k].file_bytes :
							  outs[k].end;
	stats->hole = stats->max_pfn - stats->present;
	stats->excluded_total = stats->not_in_input;
	for (int i = 0; i < DP_CNT_NR; i++)
		stats->excluded_total += stats->excluded[i];
	stats->remaining = stats->present - stats->excluded_total;
	if (c.pc)
		stats->rescued = dp_pageclass_rescued(c.pc);
	if (!err && stats->incomplete)
		err = stats->full_errno ?
			dp_error_os(stats->full_errno,
				    "%s: dump incomplete, %" PRIu64 " pages lost; it is flagged incomplete and serves the pages written",
				    out_names[0], stats->pages_lost) :
			dp_error_create(DP_ERR_OS,
					"%s: size limit reached (-L %" PRIu64 "): dump incomplete, %" PRIu64 " pages lost; it is flagged incomplete and serves the pages written",
					out_names[0], opts->size_limit,
					stats->pages_lost);
	dp_pageclass_destroy(c.pc);
	dp_source_win_release(&c.win);
	dp_source_destroy(c.src);
	free(c.cls);
	free(c.sec_dumpable);
	free(c.early);
	free(c.early_rank);
	free(outs);
	return err;
}

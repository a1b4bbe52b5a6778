// SPDX-License-Identifier: MIT
// kdump-compressed writer (FORMATS.md §2): header v6, sub header + note
// area, the two bitmaps, page descriptors, shared zero page, page data.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "collect-int.h"
#include "core/cleanup.h"
#include "format/kdump-def.h"

// The structs of kdump-def.h are filled and copied out in host order: the
// collector runs on the machine whose memory it dumps (x86_64 for now).
#define HEADER_VERSION 6
#define SUB_HEADER_SIZE sizeof(struct kdump_sub_header)
#define DESC_SIZE sizeof(struct kdump_page_desc)
#define START_KERNEL_MAP 0xffffffff80000000ull

struct layout {
	uint64_t block, sub_hdr_blocks, bitmap_len;
	uint64_t bitmap1, bitmap2, desc;
};

static void layout(const struct dp_collect *c, struct layout *l)
{
	l->block = c->src->page_size;
	l->sub_hdr_blocks = (SUB_HEADER_SIZE + c->src->notes_len + l->block - 1) /
			    l->block;
	uint64_t bytes = (c->max_pfn + 7) / 8;
	l->bitmap_len = (bytes + l->block - 1) / l->block * l->block;
	l->bitmap1 = (1 + l->sub_hdr_blocks) * l->block;
	l->bitmap2 = l->bitmap1 + l->bitmap_len;
	l->desc = l->bitmap2 + l->bitmap_len;
}

// utsname from init_uts_ns (a kernel-image address, FORMATS.md §1.7);
// left empty when unreadable, as readers take OSRELEASE from VMCOREINFO.
static void read_utsname(struct dp_collect *c,
			 char uts[6][KDUMP_UTS_LEN])
{
	int64_t sym, off = 0, phys_base = 0;
	struct dp_error *err = dp_source_vmci_num(c->src, "SYMBOL(init_uts_ns)", &sym);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	dp_error_destroy(dp_source_vmci_num(c->src, "OFFSET(uts_namespace.name)", &off));
	dp_error_destroy(dp_source_vmci_num(c->src, "NUMBER(phys_base)", &phys_base));
	uint64_t va = (uint64_t)sym + (uint64_t)off;
	if (va < START_KERNEL_MAP)
		return;
	err = dp_source_read_phys(c->src, va - START_KERNEL_MAP + (uint64_t)phys_base,
				  uts, 6 * KDUMP_UTS_LEN, false);
	if (err) {
		dp_error_destroy(err);
		memset(uts, 0, 6 * KDUMP_UTS_LEN);
	}
	for (int i = 0; i < 6; i++)
		uts[i][KDUMP_UTS_LEN - 1] = 0;
}

struct dp_error *dp_kdump_write_head(struct dp_collect *c, struct dp_out *o,
				     uint64_t spfn, uint64_t epfn, bool split,
				     bool complete)
{
	struct layout l;
	layout(c, &l);
	size_t len = (1 + l.sub_hdr_blocks) * l.block;
	_cleanup_free_ uint8_t *b = calloc(1, len);
	if (!b)
		return &dp_enomem;
	const struct dp_codec_ops *codec = dp_codec_get(c->opts->compression);
	uint32_t status = codec ? codec->flag : 0;
	if (!complete)
		status |= KDUMP_STATUS_INCOMPLETE;
	int64_t crashtime = 0, phys_base = 0;
	dp_error_destroy(dp_source_vmci_num(c->src, "CRASHTIME", &crashtime));
	dp_error_destroy(dp_source_vmci_num(c->src, "NUMBER(phys_base)", &phys_base));

	struct kdump_disk_header h = {
		.header_version = HEADER_VERSION,
		.tv_sec = crashtime,
		.status = status,
		.block_size = (int32_t)l.block,
		.sub_hdr_size = (int32_t)l.sub_hdr_blocks,
		.bitmap_blocks = (uint32_t)(2 * l.bitmap_len / l.block),
		.max_mapnr = c->max_pfn > UINT32_MAX ? UINT32_MAX :
			     (uint32_t)c->max_pfn,
		.nr_cpus = (int32_t)c->src->nr_cpus,
	};
	memcpy(h.signature, KDUMP_SIGNATURE, KDUMP_SIG_LEN);
	read_utsname(c, h.utsname);
	memcpy(b, &h, sizeof(h));

	uint64_t note_off = l.block + SUB_HEADER_SIZE;
	struct kdump_sub_header s = {
		.phys_base = (uint64_t)phys_base,
		.dump_level = c->level,
		.split = split,
		.start_pfn = spfn,
		.end_pfn = epfn,
		.offset_vmcoreinfo = note_off + c->src->vmci_off,
		.size_vmcoreinfo = c->src->vmci_len,
		.offset_note = note_off,
		.size_note = c->src->notes_len,
		// no erase info
		.start_pfn_64 = spfn,
		.end_pfn_64 = epfn,
		.max_mapnr_64 = c->max_pfn,
	};
	memcpy(b + l.block, &s, sizeof(s));
	memcpy(b + l.block + SUB_HEADER_SIZE, c->src->notes, c->src->notes_len);

	return dp_out_write_meta(o, 0, b, len);
}

/*
 * Pass 1: classify every window once, write the slices of both bitmaps to
 * every output (each part of a split set carries full bitmaps, §2.8) and
 * count the pages.
 */
struct dp_error *dp_kdump_write_bitmaps(struct dp_collect *c,
					struct dp_out *outs, unsigned int nout)
{
	struct layout l;
	layout(c, &l);
	size_t slice = c->window / 8;
	_cleanup_free_ uint8_t *b1 = malloc(slice);
	_cleanup_free_ uint8_t *b2 = malloc(slice);
	struct dp_error *err;
	size_t e = 0;
	if (!b1 || !b2)
		return &dp_enomem;
	for (uint64_t start = 0; start < c->max_pfn; start += c->window) {
		uint64_t n = c->max_pfn - start < c->window ? c->max_pfn - start :
							       c->window;
		err = dp_collect_classify(c, start, n);
		if (err)
			return err;
		memset(b1, 0, slice);
		memset(b2, 0, slice);
		for (uint64_t i = 0; i < n; i++) {
			uint8_t k = c->cls[i];
			if (k == DP_CLS_HOLE)
				continue;
			b1[i / 8] |= (uint8_t)(1u << (i % 8));
			if (k == DP_PC_KEEP) {
				uint64_t pfn = start + i;
				while (e < c->nearly && c->early[e] < pfn)
					e++;
				if (e < c->nearly && c->early[e] == pfn)
					c->early_rank[e] = c->dumpable;
				b2[i / 8] |= (uint8_t)(1u << (i % 8));
				c->sec_dumpable[(start + i) >> DP_GROUP_SHIFT]++;
				c->dumpable++;
			}
		}
		dp_collect_count(c, n);
		size_t bytes = (size_t)((n + 7) / 8);
		for (unsigned int k = 0; k < nout; k++) {
			err = dp_out_write_meta(&outs[k], l.bitmap1 + start / 8, b1, bytes);
			if (!err)
				err = dp_out_write_meta(&outs[k], l.bitmap2 + start / 8,
							b2, bytes);
			if (err)
				return err;
		}
	}
	return NULL;
}

struct writer {
	struct dp_collect *c;
	struct dp_out *o;
	struct dp_pool *pool;
	uint64_t desc_base;	// descriptor table's file offset
	uint64_t submitted;	// pages handed to the workers
	uint64_t data_off;	// next page data offset
	uint64_t zero_off;	// the shared zero page
	struct kdump_page_desc *descs;	// one batch of descriptors
};

// Write one finished batch: data first, then the descriptors of the pages
// whose data landed (a descriptor never points at missing data, §2.7).
static struct dp_error *drain(struct writer *w)
{
	struct dp_batch *b = dp_pool_wait(w->pool);
	struct dp_collect_stats *st = w->c->st;
	struct dp_error *err = b->err;
	b->err = NULL;
	if (err)
		goto out;
	size_t done = 0;
	if (b->data_len && !w->o->full) {
		err = dp_out_write(w->o, w->data_off, b->data, b->data_len, &done);
		if (err)
			goto out;
	}
	memset(w->descs, 0, (size_t)b->n * DESC_SIZE);
	size_t pos = 0;
	uint32_t ps = w->c->src->page_size;
	for (unsigned int i = 0; i < b->n; i++) {
		struct kdump_page_desc *d = &w->descs[i];
		if (b->size[i] == 0) {
			d->offset = (int64_t)w->zero_off;
			d->size = ps;
			st->excluded[DP_CNT_ZERO]++;
			continue;
		}
		if (pos + b->size[i] <= done) {
			d->offset = (int64_t)(w->data_off + pos);
			d->size = b->size[i];
			d->flags = b->flags[i];
			st->pages_written++;
		} else {
			st->pages_lost++;
		}
		pos += b->size[i];
	}
	w->data_off += done;
	dp_collect_progress(w->c, b->n);
	// Descriptors sit at their page's index: one write per run of
	// consecutive indexes (the whole batch, unless log pages went first).
	for (unsigned int i = 0; i < b->n && !err;) {
		unsigned int j = i + 1;
		while (j < b->n && b->rank[j] == b->rank[j - 1] + 1)
			j++;
		err = dp_out_write_meta(w->o, w->desc_base + b->rank[i] * DESC_SIZE,
					&w->descs[i],
					(size_t)(j - i) * DESC_SIZE);
		i = j;
	}
out:
	dp_pool_release(w->pool);
	return err;
}

static struct dp_error *submit_pfn(struct writer *w, struct dp_batch **cur,
				   uint64_t pfn, uint64_t rank)
{
	struct dp_error *err;
	while (!*cur) {
		*cur = dp_pool_next(w->pool);
		if (!*cur && (err = drain(w)))
			return err;
	}
	(*cur)->pfn[(*cur)->n] = pfn;
	(*cur)->rank[(*cur)->n++] = rank;
	w->submitted++;
	if ((*cur)->n == DP_BATCH_PAGES) {
		dp_pool_submit(w->pool);
		*cur = NULL;
	}
	return NULL;
}

static struct dp_error *write_pages(struct writer *w, uint64_t spfn,
				    uint64_t epfn)
{
	struct dp_collect *c = w->c;
	struct dp_batch *cur = NULL;
	struct dp_error *err = NULL;
	// The log's pages first, so a dump cut short still has the log.
	for (size_t k = 0; k < c->nearly && !err && !w->o->full; k++)
		if (c->early_rank[k] != UINT64_MAX) {
			err = submit_pfn(w, &cur, c->early[k], c->early_rank[k]);
			c->st->log_pages++;
		}
	uint64_t rank = 0;
	size_t ei = 0;
	dp_collect_rewind(c);
	for (uint64_t start = 0; start < epfn && !w->o->full; start += c->window) {
		uint64_t n = c->max_pfn - start < c->window ? c->max_pfn - start :
							       c->window;
		err = dp_collect_classify(c, start, n);
		if (err)
			break;
		if (start + n <= spfn)
			continue;
		for (uint64_t i = 0; i < n && !err && !w->o->full; i++) {
			uint64_t pfn = start + i;
			if (pfn < spfn || pfn >= epfn || c->cls[i] != DP_PC_KEEP)
				continue;
			uint64_t r = rank++;
			while (ei < c->nearly && c->early[ei] < pfn)
				ei++;
			if (ei < c->nearly && c->early[ei] == pfn)
				continue;	// went first
			err = submit_pfn(w, &cur, pfn, r);
		}
	}
	if (cur && cur->n && !err)
		dp_pool_submit(w->pool);
	while (dp_pool_busy(w->pool)) {
		struct dp_error *e = drain(w);
		if (!err)
			err = e;
		else
			dp_error_destroy(e);
	}
	return err;
}

struct dp_error *dp_kdump_write_part(struct dp_collect *c, struct dp_out *o,
				     uint64_t spfn, uint64_t epfn,
				     uint64_t ndumpable, bool split)
{
	struct layout l;
	layout(c, &l);
	struct writer w = { .c = c, .o = o };
	w.desc_base = l.desc;
	w.zero_off = l.desc + ndumpable * DESC_SIZE;
	w.data_off = w.zero_off;
	struct dp_error *err = dp_out_reserve(o, l.desc, ndumpable * DESC_SIZE);
	if (err)
		return err;
	bool zero = c->level & DP_DL_ZERO;
	if (zero) {
		// The shared zero page comes first, so no descriptor of a
		// written page has offset 0 (FORMATS.md §10.6).
		uint8_t *zp = calloc(1, c->src->page_size);
		if (!zp)
			return &dp_enomem;
		size_t done = 0;
		err = dp_out_write(o, w.zero_off, zp, c->src->page_size, &done);
		free(zp);
		if (err)
			return err;
		w.data_off += done;
		if (done < c->src->page_size)
			zero = false;
	}
	w.descs = malloc(DP_BATCH_PAGES * DESC_SIZE);
	if (!w.descs)
		return &dp_enomem;
	err = dp_pool_create(c->src, dp_codec_get(c->opts->compression),
			     c->opts->level, zero,
			     c->opts->nthreads, &w.pool);
	if (!err)
		err = write_pages(&w, spfn, epfn);
	dp_pool_destroy(w.pool);
	free(w.descs);
	if (!err && o->full) {
		// Pages never submitted are lost too.
		c->st->pages_lost += ndumpable - w.submitted;
	}
	return err;
}

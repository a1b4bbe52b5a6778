// SPDX-License-Identifier: MIT
// ELF output (-E) in makedumpfile's layout (FORMATS.md §2.9): ELF header,
// one PT_NOTE, PT_LOADs, the note area, then the segments' data back to
// back. Each input PT_LOAD is cut where 256 or more pages in a row are
// excluded: the run ends the segment as p_memsz > p_filesz and a new
// PT_LOAD starts after it; shorter runs are written with their contents.
// e_flags bit 0 (DUMP_ELF_INCOMPLETE) is set until the dump is finished.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "collect-int.h"
#include "core/cleanup.h"
#include "core/vector.h"
#include "format/elf-def.h"

#define EHDR_SIZE sizeof(Elf64_Ehdr)
#define PHDR_SIZE sizeof(Elf64_Phdr)
#define MIN_HOLE_PAGES 256
#define COPY_CHUNK (1u << 20)
#define MAX_PHNUM 65534

struct phdr {
	uint64_t paddr, vaddr, filesz, memsz, offset;
	uint32_t flags;
};

struct elfw {
	struct dp_collect *c;
	uint8_t *keep;			// 1 bit per pfn: page data is wanted
	struct phdr *ph;
	size_t nph, cap;
};

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

// Pass 1: which pfns keep their data (classes, then zero pages on data).
static struct dp_error *build_keep(struct elfw *e)
{
	struct dp_collect *c = e->c;
	uint32_t ps = c->src->page_size;
	bool zero = c->level & DP_DL_ZERO;
	uint8_t *page = malloc(ps);
	if (!page)
		return &dp_enomem;
	struct dp_error *err = NULL;
	for (uint64_t start = 0; start < c->max_pfn && !err; start += c->window) {
		uint64_t n = c->max_pfn - start < c->window ? c->max_pfn - start :
							       c->window;
		if ((err = dp_collect_classify(c, start, n)))
			break;
		for (uint64_t i = 0; i < n; i++) {
			if (c->cls[i] != DP_PC_KEEP)
				continue;
			uint64_t pfn = start + i;
			if (zero) {
				err = dp_source_read_win(c->src, &c->win, pfn * ps, page, ps, false);
				if (err)
					break;
				if (all_zero(page, ps)) {
					c->st->excluded[DP_CNT_ZERO]++;
					continue;
				}
			}
			e->keep[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		}
		dp_collect_count(c, n);
	}
	free(page);
	return err;
}

static bool kept(const struct elfw *e, uint64_t pfn)
{
	return pfn < e->c->max_pfn && (e->keep[pfn / 8] >> (pfn % 8)) & 1;
}

static struct dp_error *add(struct elfw *e, const struct dp_source_seg *s,
			    uint64_t start, uint64_t file_end, uint64_t mem_end)
{
	if (!dp_array_reserve(e->ph, e->cap, e->nph + 1))
		return &dp_enomem;
	if (e->nph >= MAX_PHNUM)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "ELF output would need more than %d segments; use the kdump-compressed format",
				       MAX_PHNUM);
	e->ph[e->nph++] = (struct phdr){
		.paddr = start,
		.vaddr = s->vaddr ? s->vaddr + (start - s->paddr) : 0,
		.filesz = file_end > start ? file_end - start : 0,
		.memsz = mem_end - start,
		.flags = s->flags,
	};
	return NULL;
}

/*
 * Cut one input PT_LOAD at the long excluded runs. Pages the input lacks
 * (a filtered or incomplete dump being converted) have no contents to
 * write, so they end the segment whatever the run length and no PT_LOAD
 * covers them: readers report them missing instead of reading the zeros
 * the ELF rule gives to p_memsz past p_filesz.
 */
static struct dp_error *cut_segment(struct elfw *e, const struct dp_source_seg *s)
{
	uint64_t ps = e->c->src->page_size;
	uint64_t end = s->paddr + s->memsz;
	uint64_t start = s->paddr, file_end = s->paddr, run = 0;
	bool in_run = false, open = false;
	for (uint64_t a = s->paddr; a < end; a = (a / ps + 1) * ps) {
		uint64_t pfn = a / ps;
		bool keep = kept(e, pfn);
		if (!keep && dp_source_pfn_state(e->c->src, pfn) == DP_SRC_ABSENT) {
			if (open) {
				struct dp_error *err = add(e, s, start, file_end, a);
				if (err)
					return err;
			}
			open = in_run = false;
			continue;
		}
		if (!open) {
			open = true;
			start = file_end = a;
		}
		if (!keep) {
			if (!in_run) {
				in_run = true;
				run = a;
			}
			continue;
		}
		if (in_run && (a - run) / ps >= MIN_HOLE_PAGES) {
			struct dp_error *err = add(e, s, start, run, a);
			if (err)
				return err;
			start = a;
		}
		in_run = false;
		file_end = (pfn + 1) * ps < end ? (pfn + 1) * ps : end;
	}
	return open ? add(e, s, start, file_end, end) : NULL;
}

static struct dp_error *write_headers(struct elfw *e, struct dp_out *o,
				      bool complete)
{
	struct dp_collect *c = e->c;
	size_t phnum = e->nph + 1;
	size_t len = EHDR_SIZE + phnum * PHDR_SIZE;
	_cleanup_free_ uint8_t *b = calloc(1, len);
	if (!b)
		return &dp_enomem;
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_CORE,
		.e_machine = c->src->e_machine,
		.e_version = EV_CURRENT,
		.e_phoff = EHDR_SIZE,
		.e_flags = complete ? 0 : DUMP_ELF_INCOMPLETE,
		.e_ehsize = EHDR_SIZE,
		.e_phentsize = PHDR_SIZE,
		.e_phnum = (uint16_t)phnum,
	};
	memcpy(b, &eh, sizeof(eh));
	Elf64_Phdr note = {
		.p_type = PT_NOTE,
		.p_offset = len,
		.p_filesz = c->src->notes_len,
		.p_memsz = c->src->notes_len,
	};
	memcpy(b + EHDR_SIZE, &note, sizeof(note));
	for (size_t i = 0; i < e->nph; i++) {
		Elf64_Phdr load = {
			.p_type = PT_LOAD,
			.p_flags = e->ph[i].flags,
			.p_offset = e->ph[i].offset,
			.p_vaddr = e->ph[i].vaddr,
			.p_paddr = e->ph[i].paddr,
			.p_filesz = e->ph[i].filesz,
			.p_memsz = e->ph[i].memsz,
		};
		memcpy(b + EHDR_SIZE + (i + 1) * PHDR_SIZE, &load, sizeof(load));
	}
	return dp_out_write_meta(o, 0, b, len);
}

static struct dp_error *copy_data(struct elfw *e, struct dp_out *o)
{
	struct dp_collect *c = e->c;
	uint8_t *buf = malloc(COPY_CHUNK);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = NULL;
	uint64_t ps = c->src->page_size;
	for (size_t i = 0; i < e->nph && !err && !o->full; i++) {
		const struct phdr *p = &e->ph[i];
		for (uint64_t done = 0; done < p->filesz && !o->full;) {
			size_t n = p->filesz - done < COPY_CHUNK ?
					   (size_t)(p->filesz - done) : COPY_CHUNK;
			size_t w = 0;
			const uint8_t *m;
			// Written from the mmap window when it can, else copied.
			dp_source_map_phys(c->src, &c->win, p->paddr + done, n, &m);
			if (!m) {
				err = dp_source_read_win(c->src, &c->win, p->paddr + done,
							 buf, n, true);
				m = buf;
			}
			if (!err)
				err = dp_out_write(o, p->offset + done, m, n, &w);
			if (err)
				break;
			c->st->pages_written += w / ps;
			if (w < n)
				c->st->pages_lost += (p->filesz - done - w + ps - 1) / ps;
			dp_collect_progress(c, w / ps);
			done += n;
		}
	}
	free(buf);
	return err;
}

struct dp_error *dp_elf_write(struct dp_collect *c, struct dp_out *o)
{
	struct elfw e = { .c = c };
	e.keep = calloc(c->max_pfn / 8 + 1, 1);
	if (!e.keep)
		return &dp_enomem;
	struct dp_error *err = build_keep(&e);
	for (size_t i = 0; !err && i < c->src->nsegs; i++)
		err = cut_segment(&e, &c->src->segs[i]);
	if (err)
		goto out;
	uint64_t off = EHDR_SIZE + (e.nph + 1) * PHDR_SIZE + c->src->notes_len;
	for (size_t i = 0; i < e.nph; i++) {
		e.ph[i].offset = e.ph[i].filesz ? off : 0;
		off += e.ph[i].filesz;
		c->progress_total += e.ph[i].filesz / c->src->page_size;
	}
	uint64_t note_off = EHDR_SIZE + (e.nph + 1) * PHDR_SIZE;
	if ((err = dp_out_begin(o)) || (err = write_headers(&e, o, false)) ||
	    (err = dp_out_write_meta(o, note_off, c->src->notes, c->src->notes_len)) ||
	    (err = copy_data(&e, o)))
		goto out;
	if (o->full) {
		c->st->incomplete = true;
		c->st->full_errno = o->full_errno;
	}
	err = write_headers(&e, o, !o->full);
	if (!err)
		err = dp_out_end(o);
out:
	free(e.keep);
	free(e.ph);
	return err;
}

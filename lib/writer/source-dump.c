// SPDX-License-Identifier: MIT
// The collector's input through the dump readers (kdump-compressed,
// flattened, --split sets): the note area, a PT_LOAD-like layout made up
// from the first bitmap and kallsyms, and serialised reads.
#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/program.h>

#include "source.h"
#include "core/vector.h"

#define START_KERNEL_MAP 0xffffffff80000000ull

struct dp_error *dp_source_dump_read(struct dp_source *src, uint64_t paddr,
				     void *buf, size_t len)
{
	pthread_mutex_lock(&src->mu);
	struct dp_error *err = dp_dump_read_phys(src->dump, paddr, buf, len);
	pthread_mutex_unlock(&src->mu);
	return err;
}

static struct dp_error *add_seg(struct dp_source *src, size_t *cap,
				uint64_t paddr, uint64_t vaddr, uint64_t size)
{
	if (!dp_array_reserve(src->segs, *cap, src->nsegs + 1))
		return &dp_enomem;
	src->segs[src->nsegs++] = (struct dp_source_seg){
		.paddr = paddr, .vaddr = vaddr, .filesz = size, .memsz = size,
		.flags = (PF_R | PF_W | PF_X),
	};
	return NULL;
}

void dp_source_find_kimage(struct dp_source *src, struct dp_program *prog,
			   uint64_t *vaddr)
{
	uint64_t text, end, pa;
	struct dp_error *err = dp_program_symbol_address(prog, "_text", &text);
	if (!err)
		err = dp_program_symbol_address(prog, "_end", &end);
	if (!err)
		err = dp_program_vtop(prog, text, &pa);
	dp_error_destroy(err);
	if (err || text < START_KERNEL_MAP || end <= text ||
	    end - text > (1ull << 30))
		return;
	uint64_t ps = src->page_size;
	src->kimage_pa = pa;
	src->kimage_len = (end - text + ps - 1) / ps * ps;
	if (vaddr)
		*vaddr = text;
}

/*
 * The kernel image as /proc/vmcore shows it (FORMATS.md §1.1): one segment
 * _text.._end at its kernel-map address. kallsyms from the dump names both
 * ends; without them the image is left out (the RAM segments still hold
 * its pages, and readers take phys_base from VMCOREINFO).
 */
static struct dp_error *add_kernel_seg(struct dp_source *src,
				       struct dp_program *prog, size_t *cap)
{
	uint64_t text = 0;
	dp_source_find_kimage(src, prog, &text);
	if (!src->kimage_len)
		return NULL;
	return add_seg(src, cap, src->kimage_pa, text, src->kimage_len);
}

// RAM: runs of pfns the first bitmap marks (present, excluded or lost).
static struct dp_error *add_ram_segs(struct dp_source *src,
				     struct dp_program *prog, size_t *cap)
{
	uint64_t ps = src->page_size, run = 0;
	for (uint64_t pfn = 0; pfn <= src->max_pfn; pfn++) {
		bool ram = pfn < src->max_pfn &&
			   dp_dump_page_state(src->dump, pfn) != DP_PAGE_HOLE;
		if (ram) {
			run++;
			continue;
		}
		if (!run)
			continue;
		uint64_t pa = (pfn - run) * ps, va = 0;
		struct dp_error *err = dp_program_ptov(prog, pa, &va);
		if (err) {
			dp_error_destroy(err);
			va = 0;
		}
		if ((err = add_seg(src, cap, pa, va, run * ps)))
			return err;
		run = 0;
	}
	return NULL;
}

struct dp_error *dp_source_open_dump(struct dp_source *src,
				     const char *const *paths, size_t npaths)
{
	struct dp_error *err = dp_dump_open(paths, npaths, &src->dump);
	if (err)
		return err;
	size_t len;
	const void *notes = dp_dump_notes(src->dump, &len);
	if (!len)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "%s: no VMCOREINFO note (needed to filter and to describe the dump)",
				       src->path);
	if (!(src->notes = malloc(len)))
		return &dp_enomem;
	memcpy(src->notes, notes, len);
	src->notes_len = len;
	if ((err = dp_source_scan_notes(src)))
		return err;
	struct dp_dump_info info;
	if ((err = dp_dump_get_info(src->dump, &info)))
		return err;
	src->e_machine = EM_X86_64;	// the readers serve x86_64 dumps
	src->input_level = info.dump_level;
	src->max_pfn = info.max_pfn;
	src->page_size = info.page_size;
	struct dp_program *prog;
	if ((err = dp_program_create(src->dump, NULL, &prog)))
		return dp_error_prefix(err, "%s", src->path);
	size_t cap = 0;
	err = add_kernel_seg(src, prog, &cap);
	if (!err)
		err = add_ram_segs(src, prog, &cap);
	dp_program_destroy(prog);
	if (!err && src->nsegs == 0)
		err = dp_error_create(DP_ERR_BAD_DATA, "%s: no memory in the dump",
				      src->path);
	return err;
}

// SPDX-License-Identifier: MIT
// ELF vmcores: /proc/vmcore copies (FORMATS §1), makedumpfile -E output
// (§2.9: p_filesz < p_memsz marks excluded pages, e_flags bit 0 marks an
// incomplete dump) and QEMU dump-guest-memory ELF with or without paging
// (§9.2). Physical memory is a resolved map of PT_LOAD pieces.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/cleanup.h>
#include <core/reader.h>

#include "elf-def.h"
#include "format.h"

#define PHDR_SIZE sizeof(Elf64_Phdr)
#define MAX_PHNUM (1u << 20)
#define MAX_NOTES_SIZE (64u << 20)
#define MAX_PHYS_BITS 52	// x86_64 MAX_PHYSMEM_BITS with 5-level paging
#define X86_64_PAGE_SIZE 4096

// Kinds of pieces in the physical map; higher prio wins on overlap.
enum { EXT_EXCLUDED = 1, EXT_LOST = 2, EXT_PRESENT = 3 };

struct elf_load {
	uint64_t offset, paddr, vaddr, filesz, memsz;
};

struct elf_priv {
	struct dp_extent *map;	// paddr -> file offset, resolved
	size_t nmap;
	struct elf_load *loads;	// sorted by paddr
	size_t nloads;
	bool incomplete;
	const char *producer;
};

struct elf_hdr {
	uint32_t e_flags;
	uint64_t phoff, shoff;
	uint32_t phnum;
	uint16_t shnum;
};

static struct dp_error *unsupported(const char *path, const char *what)
{
	return dp_error_create(DP_ERR_UNSUPPORTED,
		"%s: unsupported ELF vmcore (%s); only ELF64 little-endian "
		"x86_64 core files are supported", path, what);
}

static struct dp_error *read_ehdr(struct dp_file *f, struct elf_hdr *h)
{
	uint8_t b[sizeof(Elf64_Ehdr)];
	Elf64_Ehdr eh;
	if (f->size < 4)
		return dp_error_create(DP_ERR_NOT_MINE, "too small");
	struct dp_error *err = dp_file_pread(f, b, 4, 0);
	if (err)
		return err;
	if (memcmp(b, ELFMAG, SELFMAG))
		return dp_error_create(DP_ERR_NOT_MINE, "not ELF");
	err = dp_file_pread(f, b, sizeof(b), 0);
	if (err)
		return dp_error_prefix(err, "ELF header");
	dp_elf_parse_ehdr(b, &eh);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return unsupported(f->path, eh.e_ident[EI_CLASS] == ELFCLASS32 ?
				   "ELF32" : "bad class");
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return unsupported(f->path, "big-endian");
	// e_ehsize is not checked: QEMU 7.2 writes a wrong one.
	h->phoff = eh.e_phoff;
	h->shoff = eh.e_shoff;
	h->e_flags = eh.e_flags;
	h->shnum = eh.e_shnum;
	if (eh.e_type != ET_CORE)
		return dp_error_create(DP_ERR_UNSUPPORTED,
			"%s: ELF file is not a core dump (e_type %u)", f->path,
			eh.e_type);
	if (eh.e_machine != EM_X86_64) {
		char what[32];
		snprintf(what, sizeof(what), "e_machine %u", eh.e_machine);
		return unsupported(f->path, what);
	}
	if (eh.e_phentsize != PHDR_SIZE)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: ELF header: e_phentsize %u, expected %zu", f->path,
			eh.e_phentsize, PHDR_SIZE);
	h->phnum = eh.e_phnum;
	if (eh.e_phnum == PN_XNUM) {
		// The real count is in section header 0's sh_info (§9.2).
		uint8_t sh[sizeof(Elf64_Shdr)];
		if (h->shnum == 0 || eh.e_shentsize != sizeof(Elf64_Shdr))
			return dp_error_create(DP_ERR_BAD_DATA,
				"%s: ELF header: e_phnum is PN_XNUM but there "
				"is no section header 0", f->path);
		err = dp_file_pread(f, sh, sizeof(sh), h->shoff);
		if (err)
			return dp_error_prefix(err, "ELF section header 0");
		h->phnum = dp_elf_shdr_info(sh);
	}
	return NULL;
}

static struct dp_error *read_phdrs(struct dp_file *f, const struct elf_hdr *h,
				   uint8_t **ret)
{
	uint64_t len, end;
	*ret = NULL;
	if (h->phnum == 0)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: ELF header: no program headers", f->path);
	if (h->phnum > MAX_PHNUM ||
	    dp_mul_overflow(h->phnum, PHDR_SIZE, &len) ||
	    dp_add_overflow(h->phoff, len, &end) || end > f->size)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: ELF header: %" PRIu32 " program headers at 0x%"
			PRIx64 " do not fit in the file (0x%" PRIx64 " bytes)",
			f->path, h->phnum, h->phoff, f->size);
	uint8_t *buf = malloc(len);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = dp_file_pread(f, buf, len, h->phoff);
	if (err) {
		free(buf);
		return dp_error_prefix(err, "ELF program headers");
	}
	*ret = buf;
	return NULL;
}

static struct dp_error *load_notes(struct dp_dump *dump, size_t idx,
				   const Elf64_Phdr *p)
{
	struct dp_file *f = &dump->files[0];
	uint64_t end;
	if (p->p_filesz > MAX_NOTES_SIZE ||
	    dp_add_overflow(p->p_offset, p->p_filesz, &end) || end > f->size)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: PT_NOTE %zu: 0x%" PRIx64 " bytes at 0x%" PRIx64
			" do not fit in the file (0x%" PRIx64 " bytes)",
			f->path, idx, p->p_filesz, p->p_offset, f->size);
	_cleanup_free_ uint8_t *buf = malloc(p->p_filesz ? p->p_filesz : 1);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = dp_file_pread(f, buf, p->p_filesz, p->p_offset);
	if (!err)
		err = dp_dump_add_notes(dump, buf, p->p_filesz, false);
	return dp_error_prefix(err, "%s: PT_NOTE %zu at 0x%" PRIx64, f->path,
			       idx, p->p_offset);
}

// Split one PT_LOAD into present / lost / excluded pieces (see file head).
static struct dp_error *add_load(struct dp_dump *dump, struct elf_priv *pv,
				 const struct elf_hdr *h, size_t idx,
				 const Elf64_Phdr *p, struct dp_extent *ext,
				 size_t *next)
{
	struct dp_file *f = &dump->files[0];
	uint64_t pend, fend;
	if (p->p_filesz > p->p_memsz ||
	    dp_add_overflow(p->p_paddr, p->p_memsz, &pend) ||
	    pend > (1ull << MAX_PHYS_BITS) ||
	    dp_add_overflow(p->p_offset, p->p_filesz, &fend))
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: PT_LOAD %zu: bad sizes (paddr 0x%" PRIx64
			" offset 0x%" PRIx64 " filesz 0x%" PRIx64 " memsz 0x%"
			PRIx64 ")", f->path, idx, p->p_paddr, p->p_offset,
			p->p_filesz, p->p_memsz);
	uint64_t avail = p->p_filesz;
	if (fend > f->size) {
		/*
		 * Not flagged incomplete: a copy cut short starts losing data
		 * inside a segment and loses every later one; a segment that
		 * starts past the end with nothing cut before it is corrupt.
		 */
		if (!(h->e_flags & DUMP_ELF_INCOMPLETE) &&
		    (p->p_offset < f->size || dump->truncated))
			dump->truncated = true;
		else if (!(h->e_flags & DUMP_ELF_INCOMPLETE))
			return dp_error_create(DP_ERR_BAD_DATA,
				"%s: truncated: PT_LOAD %zu (paddr 0x%" PRIx64
				") needs file bytes up to 0x%" PRIx64
				", file is 0x%" PRIx64 " bytes", f->path, idx,
				p->p_paddr, fend, f->size);
		avail = p->p_offset < f->size ? f->size - p->p_offset : 0;
	}
	uint64_t a = p->p_paddr, b = a + avail, c = a + p->p_filesz;
	ext[(*next)++] = (struct dp_extent){ a, b, p->p_offset, EXT_PRESENT,
					     EXT_PRESENT };
	ext[(*next)++] = (struct dp_extent){ b, c, 0, EXT_LOST, EXT_LOST };
	ext[(*next)++] = (struct dp_extent){ c, pend, 0, EXT_EXCLUDED,
					     EXT_EXCLUDED };
	pv->loads[pv->nloads++] = (struct elf_load){ p->p_offset, p->p_paddr,
		p->p_vaddr, p->p_filesz, p->p_memsz };
	return NULL;
}

static int load_cmp(const void *a, const void *b)
{
	const struct elf_load *x = a, *y = b;
	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return 0;
}

// Tell /proc/vmcore, makedumpfile -E and QEMU apart from their layouts:
// QEMU writes "QEMU" CPU notes; the kernel puts the merged PT_NOTE first,
// page-aligned right after the headers (§1.2); makedumpfile packs the notes
// right after the program headers (§2.9).
static const char *guess_producer(struct dp_dump *dump,
				  const struct elf_hdr *h,
				  const Elf64_Phdr *note0, bool filtered)
{
	if (dump->nqemu_notes)
		return "qemu";
	if (!note0)
		return NULL;
	uint64_t hdrs = h->phoff + (uint64_t)h->phnum * PHDR_SIZE;
	if (filtered || h->e_flags & DUMP_ELF_INCOMPLETE ||
	    note0->p_offset == hdrs)
		return "makedumpfile";
	if (note0->p_offset == ((hdrs + 4095) & ~4095ull))
		return "kernel";
	return NULL;
}

static struct dp_error *build_map(struct dp_dump *dump, struct elf_priv *pv,
				  const struct elf_hdr *h, const uint8_t *ph,
				  bool *filtered)
{
	struct dp_extent *ext = calloc((size_t)h->phnum * 3, sizeof(*ext));
	pv->loads = calloc(h->phnum, sizeof(*pv->loads));
	if (!ext || !pv->loads) {
		free(ext);
		return &dp_enomem;
	}
	size_t next = 0;
	uint64_t maxend = 0;
	for (size_t i = 0; i < h->phnum; i++) {
		Elf64_Phdr p;
		dp_elf_parse_phdr(ph + i * PHDR_SIZE, &p);
		if (p.p_type != PT_LOAD)
			continue;
		struct dp_error *err = add_load(dump, pv, h, i, &p, ext, &next);
		if (err) {
			free(ext);
			return err;
		}
		if (p.p_filesz < p.p_memsz)
			*filtered = true;
		if (p.p_paddr + p.p_memsz > maxend)
			maxend = p.p_paddr + p.p_memsz;
	}
	qsort(pv->loads, pv->nloads, sizeof(*pv->loads), load_cmp);
	struct dp_error *err = dp_extents_resolve(ext, next, &pv->map,
						  &pv->nmap);
	free(ext);
	dump->max_pfn = (maxend + dump->page_size - 1) / dump->page_size;
	return err;
}

static struct dp_error *set_page_size(struct dp_dump *dump)
{
	int64_t ps;
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, "PAGESIZE",
							 &ps);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		dump->page_size = X86_64_PAGE_SIZE;	// QEMU without note
		return NULL;
	}
	if (err)
		return err;
	if (ps < 512 || ps > (1 << 20) || (ps & (ps - 1)))
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: VMCOREINFO PAGESIZE=%" PRId64 " is not a page size",
			dump->files[0].path, ps);
	dump->page_size = (uint32_t)ps;
	return NULL;
}

static void elf_cleanup(struct dp_dump *dump)
{
	struct elf_priv *pv = dump->priv;
	if (!pv)
		return;
	free(pv->map);
	free(pv->loads);
	free(pv);
	dump->priv = NULL;
}

static struct dp_error *elf_probe_phdrs(struct dp_dump *dump,
					struct elf_priv *pv,
					const struct elf_hdr *h,
					const uint8_t *ph)
{
	const Elf64_Phdr *note0 = NULL;
	Elf64_Phdr first_note;
	for (size_t i = 0; i < h->phnum; i++) {
		Elf64_Phdr p;
		dp_elf_parse_phdr(ph + i * PHDR_SIZE, &p);
		if (p.p_type != PT_NOTE)
			continue;
		if (!note0) {
			first_note = p;
			note0 = &first_note;
		}
		struct dp_error *err = load_notes(dump, i, &p);
		if (err)
			return err;
	}
	struct dp_error *err = set_page_size(dump);
	if (err)
		return err;
	bool filtered = false;
	err = build_map(dump, pv, h, ph, &filtered);
	if (err)
		return err;
	if (pv->nloads == 0)
		return dp_error_create(DP_ERR_BAD_DATA,
			"%s: ELF core file has no PT_LOAD segments",
			dump->files[0].path);
	pv->incomplete = h->e_flags & DUMP_ELF_INCOMPLETE;
	dump->incomplete = pv->incomplete;
	pv->producer = guess_producer(dump, h, note0, filtered);
	return NULL;
}

static struct dp_error *elf_probe(struct dp_dump *dump)
{
	struct dp_file *f = &dump->files[0];
	struct elf_hdr h = { 0 };
	struct dp_error *err = read_ehdr(f, &h);
	if (err)
		return err;
	if (dump->nfiles > 1)
		return dp_error_create(DP_ERR_INVALID,
			"%s: an ELF vmcore is a single file (%zu given)",
			f->path, dump->nfiles);
	uint8_t *ph;
	err = read_phdrs(f, &h, &ph);
	if (err)
		return err;
	struct elf_priv *pv = calloc(1, sizeof(*pv));
	if (!pv) {
		free(ph);
		return &dp_enomem;
	}
	dump->priv = pv;
	err = elf_probe_phdrs(dump, pv, &h, ph);
	free(ph);
	if (err)
		elf_cleanup(dump);
	return err;
}

// Page state from the pieces overlapping the page: a lost piece makes the
// page lost, else any present piece makes it present (uncovered bytes of a
// partially covered page read as zero), else excluded, else a hole.
static enum dp_page_state elf_page_state(struct dp_dump *dump, uint64_t pfn)
{
	struct elf_priv *pv = dump->priv;
	if (pfn >= dump->max_pfn)
		return DP_PAGE_HOLE;
	uint64_t start = pfn * dump->page_size, end = start + dump->page_size;
	bool present = false, excluded = false;
	for (size_t i = dp_extents_lower(pv->map, pv->nmap, start);
	     i < pv->nmap && pv->map[i].start < end; i++) {
		switch (pv->map[i].kind) {
		case EXT_LOST:
			return DP_PAGE_LOST;
		case EXT_PRESENT:
			present = true;
			break;
		default:
			excluded = true;
		}
	}
	if (present)
		return DP_PAGE_PRESENT;
	return excluded ? DP_PAGE_EXCLUDED : DP_PAGE_HOLE;
}

static struct dp_error *elf_read_page(struct dp_dump *dump, uint64_t pfn,
				      void *buf)
{
	struct elf_priv *pv = dump->priv;
	uint64_t start = pfn * dump->page_size, end = start + dump->page_size;
	uint8_t *out = buf;
	memset(buf, 0, dump->page_size);
	for (size_t i = dp_extents_lower(pv->map, pv->nmap, start);
	     i < pv->nmap && pv->map[i].start < end; i++) {
		const struct dp_extent *e = &pv->map[i];
		if (e->kind != EXT_PRESENT)
			continue;
		uint64_t a = e->start > start ? e->start : start;
		uint64_t b = e->end < end ? e->end : end;
		struct dp_error *err = dp_file_pread(&dump->files[0],
						     out + (a - start), b - a,
						     e->off + (a - e->start));
		if (err)
			return dp_error_prefix(err, "page 0x%" PRIx64, pfn);
	}
	return NULL;
}

// A present page may be only partly inside the PT_LOADs (e.g. a RAM range
// ending at 0x9fc00); bytes outside read as zero in the page buffer but
// are not data, so byte reads there fail like crash's do.
static struct dp_error *elf_check_range(struct dp_dump *dump, uint64_t paddr,
					size_t len)
{
	struct elf_priv *pv = dump->priv;
	uint64_t end = paddr + len;
	size_t i = dp_extents_lower(pv->map, pv->nmap, paddr);
	for (uint64_t a = paddr; a < end; i++) {
		if (i >= pv->nmap || pv->map[i].start > a ||
		    pv->map[i].kind != EXT_PRESENT) {
			bool ex = i < pv->nmap && pv->map[i].start <= a &&
				  pv->map[i].kind == EXT_EXCLUDED;
			return dp_error_addr(ex ? DP_ERR_PAGE_EXCLUDED :
					     DP_ERR_PAGE_HOLE, a,
				"paddr 0x%" PRIx64 ": %s (page 0x%" PRIx64
				" is only partly in the dump)", a,
				ex ? "excluded" : "not in dump",
				a / dump->page_size);
		}
		a = pv->map[i].end;
	}
	return NULL;
}

static void count_state(struct dp_dump_info *info, enum dp_page_state st,
			uint64_t n)
{
	switch (st) {
	case DP_PAGE_PRESENT:
		info->pages_present += n;
		break;
	case DP_PAGE_EXCLUDED:
		info->pages_excluded += n;
		break;
	case DP_PAGE_LOST:
		info->pages_lost += n;
		break;
	default:
		break;
	}
}

static enum dp_page_state kind_state(uint32_t kind)
{
	return kind == EXT_PRESENT ? DP_PAGE_PRESENT :
	       kind == EXT_LOST ? DP_PAGE_LOST : DP_PAGE_EXCLUDED;
}

// Count per piece: whole pages inside a piece in bulk, pages straddling
// piece boundaries through elf_page_state(), each pfn once.
static void elf_count_pages(struct dp_dump *dump, struct dp_dump_info *info)
{
	struct elf_priv *pv = dump->priv;
	uint64_t ps = dump->page_size, next = 0;
	for (size_t i = 0; i < pv->nmap; i++) {
		const struct dp_extent *e = &pv->map[i];
		uint64_t p0 = e->start / ps, p1 = (e->end + ps - 1) / ps;
		uint64_t pfn = p0 > next ? p0 : next;
		while (pfn < p1) {
			if (pfn * ps >= e->start && (pfn + 1) * ps <= e->end) {
				uint64_t run_end = e->end / ps;
				count_state(info, kind_state(e->kind),
					    run_end - pfn);
				pfn = run_end;
			} else {
				count_state(info, elf_page_state(dump, pfn), 1);
				pfn++;
			}
		}
		if (p1 > next)
			next = p1;
	}
}

static struct dp_error *elf_get_info(struct dp_dump *dump,
				     struct dp_dump_info *info)
{
	struct elf_priv *pv = dump->priv;
	info->format = "elf";
	info->producer = pv->producer;
	info->incomplete = pv->incomplete;
	info->truncated = dump->truncated;
	return NULL;
}

static struct dp_error *elf_for_each_range(struct dp_dump *dump,
					   dp_range_fn fn, void *arg)
{
	struct elf_priv *pv = dump->priv;
	for (size_t i = 0; i < pv->nloads; i++) {
		const struct elf_load *l = &pv->loads[i];
		if (!l->memsz)
			continue;
		struct dp_error *err = fn(l->paddr, l->memsz, l->vaddr, arg);
		if (err)
			return err;
	}
	return NULL;
}

const struct dp_format_ops dp_format_elf = {
	.name = "elf",
	.probe = elf_probe,
	.page_state = elf_page_state,
	.read_page = elf_read_page,
	.get_info = elf_get_info,
	.for_each_range = elf_for_each_range,
	.cleanup = elf_cleanup,
	.count_pages = elf_count_pages,
	.check_range = elf_check_range,
};

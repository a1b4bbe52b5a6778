// SPDX-License-Identifier: MIT
// The collector's input: ELF64 vmcore headers, notes and bulk physical
// reads (FORMATS.md §1.1-1.5).
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/reader.h"
#include "core/search.h"
#include "format/elf-def.h"
#include "source.h"

#define PHDR_SIZE sizeof(Elf64_Phdr)
#define START_KERNEL_MAP_ 0xffffffff80000000ull
#define MAX_NOTES (64u << 20)

static struct dp_error *pread_all(const struct dp_source *src, void *buf,
				  size_t len, uint64_t off)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(src->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dp_error_os(errno, "%s: read at offset 0x%" PRIx64,
					   src->path, off);
		}
		if (n == 0)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s: truncated: need %zu bytes at offset 0x%" PRIx64,
					       src->path, len, off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return NULL;
}

// Walk the note area: count NT_PRSTATUS, find VMCOREINFO (§1.3, §1.5).
struct dp_error *dp_source_scan_notes(struct dp_source *src)
{
	struct dp_reader r;
	struct dp_elf_note n;
	enum dp_elf_note_step step;
	dp_reader_init(&r, src->notes, src->notes_len, false);
	while ((step = dp_elf_note_next(&r, &n)) == DP_ELF_NOTE_OK) {
		if (dp_elf_note_is(&n, "CORE") && n.type == NT_PRSTATUS)
			src->nr_cpus++;
		if (dp_elf_note_is(&n, "VMCOREINFO") && n.type == 0) {
			src->vmci_off = (size_t)(n.desc - src->notes);
			src->vmci_len = n.descsz;
		}
	}
	if (step == DP_ELF_NOTE_OVERRUN)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: note at offset 0x%zx overruns the note area (0x%zx bytes)",
				       src->path, n.off, src->notes_len);
	if (!src->vmci_len)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "%s: no VMCOREINFO note (needed to filter and to describe the dump)",
				       src->path);
	src->vmci = strndup((const char *)src->notes + src->vmci_off,
			    src->vmci_len);
	return src->vmci ? NULL : &dp_enomem;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct dp_source_seg *x = a, *y = b;
	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/*
 * Build disjoint pieces of physical memory. The kernel-image PT_LOAD
 * repeats memory that a RAM PT_LOAD also covers (§1.1); the first segment
 * (in paddr order) that covers a byte supplies it. With memsz set, the
 * pieces cover p_memsz instead of p_filesz (for the pages a producer such
 * as makedumpfile -E left out: RAM, but not in the file).
 */
static struct dp_error *build_pieces(struct dp_source *src, bool memsz,
				     struct dp_source_piece **ret, size_t *nret)
{
	struct dp_source_seg *s = malloc(src->nsegs * sizeof(*s) + 1);
	struct dp_source_piece *pieces = calloc(2 * src->nsegs + 1, sizeof(*pieces));
	if (!s || !pieces) {
		free(s);
		free(pieces);
		return &dp_enomem;
	}
	memcpy(s, src->segs, src->nsegs * sizeof(*s));
	qsort(s, src->nsegs, sizeof(*s), cmp_seg);
	uint64_t covered = 0;
	size_t n = 0;
	for (size_t i = 0; i < src->nsegs; i++) {
		uint64_t size = memsz ? s[i].memsz : s[i].filesz;
		uint64_t start = s[i].paddr, end;
		if (dp_add_overflow(start, size, &end) || size == 0 || end <= covered)
			continue;
		if (start < covered)
			start = covered;
		struct dp_source_piece *p = &pieces[n++];
		p->paddr = start;
		p->size = end - start;
		p->offset = s[i].offset + (start - s[i].paddr);
		covered = end;
	}
	free(s);
	*ret = pieces;
	*nret = n;
	if (!memsz && n == 0)
		return dp_error_create(DP_ERR_BAD_DATA, "%s: no PT_LOAD with data",
				       src->path);
	return NULL;
}

static struct dp_error *parse_phdrs(struct dp_source *src, const Elf64_Ehdr *eh)
{
	uint64_t phoff = eh->e_phoff;
	uint16_t phentsize = eh->e_phentsize, phnum = eh->e_phnum;
	src->e_machine = eh->e_machine;
	if (src->e_machine != EM_X86_64)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "%s: ELF machine %u: only x86_64 dumps can be collected",
				       src->path, src->e_machine);
	if (phentsize != PHDR_SIZE || phnum == 0 || phnum == PN_XNUM ||
	    phoff > src->file_size || phnum * PHDR_SIZE > src->file_size - phoff)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: bad program header table (offset 0x%" PRIx64 ", %u x %u bytes)",
				       src->path, phoff, phnum, phentsize);
	uint8_t *ph = malloc(phnum * PHDR_SIZE);
	src->segs = calloc(phnum, sizeof(*src->segs));
	if (!ph || !src->segs) {
		free(ph);
		return &dp_enomem;
	}
	struct dp_error *err = pread_all(src, ph, phnum * PHDR_SIZE, phoff);
	uint64_t note_off = 0, note_len = 0;
	for (unsigned i = 0; !err && i < phnum; i++) {
		Elf64_Phdr p;
		dp_elf_parse_phdr(ph + i * PHDR_SIZE, &p);
		struct dp_source_seg seg = {
			.offset = p.p_offset, .vaddr = p.p_vaddr,
			.paddr = p.p_paddr, .filesz = p.p_filesz,
			.memsz = p.p_memsz, .flags = p.p_flags,
		};
		uint64_t end;
		if (dp_add_overflow(seg.offset, seg.filesz, &end) ||
		    end > src->file_size)
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: program header %u: data 0x%" PRIx64 "+0x%" PRIx64 " beyond file size 0x%" PRIx64,
					      src->path, i, seg.offset, seg.filesz,
					      src->file_size);
		else if (p.p_type == PT_LOAD)
			src->segs[src->nsegs++] = seg;
		else if (p.p_type == PT_NOTE && !note_len) {
			// /proc/vmcore merges all notes into one PT_NOTE.
			note_off = seg.offset;
			note_len = seg.filesz;
		}
	}
	free(ph);
	if (err)
		return err;
	if (!note_len || note_len > MAX_NOTES)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: PT_NOTE missing or too large (0x%" PRIx64 " bytes)",
				       src->path, note_len);
	src->notes = malloc(note_len);
	if (!src->notes)
		return &dp_enomem;
	src->notes_len = note_len;
	err = pread_all(src, src->notes, note_len, note_off);
	if (!err)
		err = build_pieces(src, false, &src->pieces, &src->npieces);
	if (!err)
		err = build_pieces(src, true, &src->mem, &src->nmem);
	return err;
}

static struct dp_error *check_page_size(struct dp_source *src)
{
	int64_t ps;
	struct dp_error *err = dp_source_vmci_num(src, "PAGESIZE", &ps);
	if (err)
		return err;
	if (ps < 4096 || ps > 65536 || (ps & (ps - 1)))
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: VMCOREINFO PAGESIZE %" PRId64 " is not a page size",
				       src->path, ps);
	src->page_size = (uint32_t)ps;
	return NULL;
}

// The ELF way in: headers, notes and PT_LOADs parsed here, data read
// from the file. *not_elf tells the caller to try the readers instead.
static struct dp_error *open_elf(struct dp_source *src, bool *not_elf)
{
	struct stat st;
	uint8_t b[sizeof(Elf64_Ehdr)];
	Elf64_Ehdr eh;
	*not_elf = false;
	src->fd = open(src->path, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0 || fstat(src->fd, &st) < 0)
		return dp_error_os(errno, "%s", src->path);
	// /proc/vmcore reports its logical size in st_size.
	src->file_size = (uint64_t)st.st_size;
	if (src->file_size < sizeof(b) ||
	    pread(src->fd, b, sizeof(b), 0) != (ssize_t)sizeof(b) ||
	    memcmp(b, ELFMAG, SELFMAG) != 0) {
		*not_elf = true;
		return NULL;
	}
	dp_elf_parse_ehdr(b, &eh);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "%s: not an ELF64 little-endian vmcore",
				       src->path);
	src->direct = true;
	struct dp_error *err = parse_phdrs(src, &eh);
	if (!err)
		err = dp_source_scan_notes(src);
	if (!err)
		err = check_page_size(src);
	if (err)
		return err;
	// max_pfn: the highest PT_LOAD end, rounded up (FORMATS.md §2.2).
	struct dp_source_piece *last = &src->pieces[src->npieces - 1];
	src->max_pfn = (last->paddr + last->size + src->page_size - 1) /
		       src->page_size;
	// The readers' view as well, for the kernel's metadata (kallsyms,
	// the log's pages). Optional: the collector works without it.
	const char *p = src->path;
	struct dp_error *e = dp_dump_open(&p, 1, &src->dump);
	dp_error_destroy(e);
	if (e)
		src->dump = NULL;
	// The kernel image: its PT_LOAD (/proc/vmcore), else kallsyms (a
	// QEMU ELF has no kernel-map segment).
	for (size_t i = 0; i < src->nsegs && !src->kimage_len; i++)
		if (src->segs[i].vaddr >= START_KERNEL_MAP_ && src->segs[i].memsz) {
			src->kimage_pa = src->segs[i].paddr;
			src->kimage_len = src->segs[i].memsz;
		}
	struct dp_program *prog;
	if (!src->kimage_len && src->dump &&
	    !(e = dp_program_create(src->dump, NULL, &prog))) {
		dp_source_find_kimage(src, prog, NULL);
		dp_program_destroy(prog);
	}
	dp_error_destroy(e);
	return NULL;
}

struct dp_error *dp_source_open(const char *const *paths, size_t npaths,
				struct dp_source **ret)
{
	if (npaths < 1)
		return dp_error_create(DP_ERR_INVALID, "no input dump");
	struct dp_source *src = calloc(1, sizeof(*src));
	if (!src)
		return &dp_enomem;
	src->fd = -1;
	src->input_level = -1;
	src->path = strdup(paths[0]);
	if (!src->path) {
		free(src);
		return &dp_enomem;
	}
	if (pthread_mutex_init(&src->mu, NULL) == 0)
		src->mu_init = true;
	bool not_elf = npaths > 1;
	struct dp_error *err = not_elf ? NULL : open_elf(src, &not_elf);
	if (!err && not_elf) {
		if (src->fd >= 0)
			close(src->fd);
		src->fd = -1;
		err = dp_source_open_dump(src, paths, npaths);
		if (!err)
			err = check_page_size(src);
	}
	if (!err && !src->mu_init)
		err = dp_error_create(DP_ERR_OS, "cannot create a mutex");
	if (err) {
		dp_source_destroy(src);
		return err;
	}
	*ret = src;
	return NULL;
}

void dp_source_destroy(struct dp_source *src)
{
	if (!src)
		return;
	if (src->fd >= 0)
		close(src->fd);
	dp_dump_destroy(src->dump);
	if (src->mu_init)
		pthread_mutex_destroy(&src->mu);
	free(src->mem);
	free(src->path);
	free(src->notes);
	free(src->vmci);
	free(src->segs);
	free(src->pieces);
	free(src);
}

const char *dp_source_vmci(const struct dp_source *src, const char *key)
{
	size_t klen = strlen(key);
	const char *p = src->vmci;
	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=')
			return p + klen + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

struct dp_error *dp_source_vmci_num(const struct dp_source *src,
				    const char *key, int64_t *ret)
{
	const char *v = dp_source_vmci(src, key);
	if (!v)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "%s: VMCOREINFO has no %s", src->path,
				       key);
	bool hex = strncmp(key, "SYMBOL(", 7) == 0 ||
		   strcmp(key, "KERNELOFFSET") == 0;
	char *end;
	errno = 0;
	int64_t n = hex ? (int64_t)strtoull(v, &end, 16) :
			  (int64_t)strtoll(v, &end, 10);
	if (errno || end == v || (*end && *end != '\n'))
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: VMCOREINFO %s: bad number", src->path,
				       key);
	*ret = n;
	return NULL;
}

// Index of the last entry of p[0..n) starting at or below paddr, or -1.
static ssize_t find_in(const struct dp_source_piece *p, size_t n, uint64_t paddr)
{
	return (ssize_t)dp_partition_point(n, i, p[i].paddr <= paddr) - 1;
}

// Index of the last piece starting at or below paddr, or -1.
static ssize_t find_piece(const struct dp_source *src, uint64_t paddr)
{
	return find_in(src->pieces, src->npieces, paddr);
}

/*
 * ELF: a pfn is present when one piece holds the whole page: a page only
 * partly inside a PT_LOAD (e.g. RAM ending at 0x9fc00) is a hole, as
 * makedumpfile counts it, so no reader sees made-up bytes past the end of
 * RAM. A whole page inside p_memsz but past p_filesz is absent.
 */
enum dp_source_state dp_source_pfn_state(struct dp_source *src, uint64_t pfn)
{
	uint64_t pa = pfn * src->page_size, pe = pa + src->page_size;
	if (!src->direct) {
		pthread_mutex_lock(&src->mu);
		enum dp_page_state st = dp_dump_page_state(src->dump, pfn);
		pthread_mutex_unlock(&src->mu);
		if (st == DP_PAGE_PRESENT || st == DP_PAGE_ZERO)
			return DP_SRC_PRESENT;
		return st == DP_PAGE_HOLE ? DP_SRC_HOLE : DP_SRC_ABSENT;
	}
	ssize_t i = find_piece(src, pa);
	const struct dp_source_piece *p = i >= 0 ? &src->pieces[i] : NULL;
	if (p && p->paddr + p->size >= pe)
		return DP_SRC_PRESENT;
	bool touched = (p && p->paddr + p->size > pa) ||
		       ((size_t)(i + 1) < src->npieces && src->pieces[i + 1].paddr < pe);
	ssize_t m = find_in(src->mem, src->nmem, pa);
	if (!touched && m >= 0 && src->mem[m].paddr + src->mem[m].size >= pe)
		return DP_SRC_ABSENT;
	return DP_SRC_HOLE;
}

void dp_source_win_release(struct dp_source_win *w)
{
	if (w && w->base)
		munmap(w->base, w->len);
	if (w)
		w->base = NULL;
}

// Make [off, off + len) of the file visible in w; false: use pread.
static bool win_cover(struct dp_source *src, struct dp_source_win *w,
		      uint64_t off, size_t len)
{
	if (!w || w->failed || src->no_mmap)
		return false;
	if (w->base && off >= w->off && off + len <= w->off + w->len)
		return true;
	dp_source_win_release(w);
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = off / pg * pg;
	uint64_t end = start + DP_SOURCE_WIN;
	if (end < off + len)
		end = (off + len + pg - 1) / pg * pg;
	// Never map past the end of the file: touching it is SIGBUS.
	if (end > src->file_size)
		end = src->file_size;
	if (end < off + len)
		return false;
	void *p = mmap(NULL, end - start, PROT_READ, MAP_SHARED, src->fd,
		       (off_t)start);
	if (p == MAP_FAILED) {
		w->failed = true;
		return false;
	}
	w->base = p;
	w->off = start;
	w->len = end - start;
	w->maps++;
	return true;
}

void dp_source_map_phys(struct dp_source *src, struct dp_source_win *w,
			uint64_t paddr, size_t len, const uint8_t **ret)
{
	*ret = NULL;
	if (!src->direct)
		return;
	ssize_t i = find_piece(src, paddr);
	if (i < 0)
		return;
	const struct dp_source_piece *p = &src->pieces[i];
	if (paddr + len > p->paddr + p->size)
		return;
	uint64_t off = p->offset + (paddr - p->paddr);
	if (win_cover(src, w, off, len))
		*ret = w->base + (off - w->off);
}

struct dp_error *dp_source_read_phys(struct dp_source *src,
				     uint64_t paddr, void *buf, size_t len,
				     bool zero_fill)
{
	return dp_source_read_win(src, NULL, paddr, buf, len, zero_fill);
}

struct dp_error *dp_source_read_win(struct dp_source *src,
				    struct dp_source_win *w, uint64_t paddr,
				    void *buf, size_t len, bool zero_fill)
{
	if (!src->direct)
		return dp_source_dump_read(src, paddr, buf, len);
	uint8_t *out = buf;
	while (len) {
		ssize_t i = find_piece(src, paddr);
		const struct dp_source_piece *p = i >= 0 ? &src->pieces[i] : NULL;
		size_t n;
		if (p && paddr < p->paddr + p->size) {
			n = p->paddr + p->size - paddr < len ?
				    p->paddr + p->size - paddr : len;
			uint64_t off = p->offset + (paddr - p->paddr);
			if (win_cover(src, w, off, n)) {
				memcpy(out, w->base + (off - w->off), n);
			} else {
				struct dp_error *err = pread_all(src, out, n, off);
				if (err)
					return err;
			}
		} else {
			if (!zero_fill)
				return dp_error_addr(DP_ERR_PAGE_HOLE, paddr,
						     "physical address 0x%" PRIx64 " is not in the dump",
						     paddr);
			uint64_t next = (size_t)(i + 1) < src->npieces ?
						src->pieces[i + 1].paddr : UINT64_MAX;
			n = next - paddr < len ? next - paddr : len;
			memset(out, 0, n);
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The collector's input: an ELF vmcore (/proc/vmcore or a copy of it) read
 * in bulk. The analyzer's reader (lib/format/) is built for random access
 * with a page cache; the collector instead needs the raw note area (copied
 * verbatim into the output), the PT_LOAD file offsets, and long
 * contiguous reads, so it parses the ELF headers itself through the
 * bounds-checked reader (FORMATS.md §1).
 *
 * Threading: after dp_source_open() every function may be called from
 * several threads at once (reads use pread).
 */
#ifndef DP_WRITER_SOURCE_H
#define DP_WRITER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

/* One PT_LOAD as found in the input. */
struct dp_source_seg {
	uint64_t paddr, vaddr, filesz, memsz, offset;
	uint32_t flags;
};

/* A piece of physical memory with no overlap with other pieces. */
struct dp_source_piece {
	uint64_t paddr, size, offset;
};

struct dp_source {
	char *path;
	int fd;
	uint64_t file_size;
	uint32_t page_size;
	uint16_t e_machine;

	uint8_t *notes;			/* the whole PT_NOTE area(s) */
	size_t notes_len;
	size_t vmci_off, vmci_len;	/* VMCOREINFO text inside notes */
	char *vmci;			/* NUL-terminated copy */
	unsigned int nr_cpus;		/* NT_PRSTATUS notes */

	struct dp_source_seg *segs;	/* PT_LOADs in file order */
	size_t nsegs;
	struct dp_source_piece *pieces;	/* disjoint, sorted by paddr */
	size_t npieces;
	uint64_t max_pfn;		/* one past the highest pfn */
};

/* Open an ELF64 little-endian core file (x86_64). */
struct dp_error *dp_source_open(const char *path, struct dp_source **ret);
void dp_source_destroy(struct dp_source *src);

/* VMCOREINFO value for key ("SYMBOL(_stext)"...), or NULL. */
const char *dp_source_vmci(const struct dp_source *src, const char *key);
/* Numeric value (SYMBOL/KERNELOFFSET hex, others decimal). */
struct dp_error *dp_source_vmci_num(const struct dp_source *src,
				    const char *key, int64_t *ret);

/* Whether pfn is at least partly backed by the dump (1st bitmap). */
bool dp_source_pfn_present(const struct dp_source *src, uint64_t pfn);

/*
 * Read len bytes of physical memory. Bytes inside the PT_LOAD ranges are
 * read from the file; DP_ERR_PAGE_HOLE names the first address that no
 * PT_LOAD covers unless zero_fill is set (then gaps read as zeros).
 */
struct dp_error *dp_source_read_phys(const struct dp_source *src,
				     uint64_t paddr, void *buf, size_t len,
				     bool zero_fill);

#endif /* DP_WRITER_SOURCE_H */

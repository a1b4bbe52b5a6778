/* SPDX-License-Identifier: MIT */
/*
 * The collector's input. Two ways in:
 *  - an ELF vmcore (/proc/vmcore, a copy of it, makedumpfile -E, a QEMU
 *    dump-guest-memory ELF with VMCOREINFO) is read in bulk straight from
 *    the file: the analyzer's reader (lib/format/) is built for random
 *    access with a page cache, while the collector needs the PT_LOAD file
 *    offsets and long contiguous reads, so it parses the ELF headers
 *    itself through the bounds-checked reader (FORMATS.md §1);
 *  - any other dump the readers support (kdump-compressed, flattened,
 *    --split sets) is read through struct dp_dump, serialised by a mutex
 *    (the reader is single-threaded). Its PT_LOAD-like layout is made up
 *    from the first bitmap (RAM runs) plus the kernel image from kallsyms.
 * Either way src->dump is the readers' view of the input when it opens
 * (for the ELF path too: kallsyms, page_offset_base, the log's pages).
 *
 * Threading: after dp_source_open() every function may be called from
 * several threads at once.
 */
#ifndef DP_WRITER_SOURCE_H
#define DP_WRITER_SOURCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>
#include <dontpanic/program.h>

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

	/* ELF: where p_memsz > p_filesz (pages the producer excluded). */
	struct dp_source_piece *mem;
	size_t nmem;

	uint64_t kimage_pa, kimage_len;	/* kernel image _text.._end, 0 = unknown */

	bool direct;			/* ELF read from the file itself */
	bool no_mmap;			/* --non-mmap: pread only */
	struct dp_dump *dump;		/* readers' view (NULL if it fails, ELF) */
	int input_level;		/* dump level the input records, or -1 */
	pthread_mutex_t mu;		/* serialises use of dump */
	bool mu_init;
};

/* What the input holds for a pfn. */
enum dp_source_state {
	DP_SRC_PRESENT,		/* data readable */
	DP_SRC_ABSENT,		/* RAM, but the input lacks it (excluded, lost) */
	DP_SRC_HOLE,		/* no RAM there / not described */
};

/*
 * Open the input: an ELF64 little-endian core file (x86_64) read directly,
 * or any dump dp_dump_open() accepts (several paths: a --split set).
 */
struct dp_error *dp_source_open(const char *const *paths, size_t npaths,
				struct dp_source **ret);
void dp_source_destroy(struct dp_source *src);

/* VMCOREINFO value for key ("SYMBOL(_stext)"...), or NULL. */
const char *dp_source_vmci(const struct dp_source *src, const char *key);
/* Numeric value (SYMBOL/KERNELOFFSET hex, others decimal). */
struct dp_error *dp_source_vmci_num(const struct dp_source *src,
				    const char *key, int64_t *ret);

/*
 * A caller's mmap window on a directly read ELF input (one per thread;
 * zero-initialise). Large windows (DP_SOURCE_WIN bytes) make one mmap per
 * 4 MiB of input, as makedumpfile does on /proc/vmcore; when mmap fails
 * (a file system or an old /proc/vmcore without mmap) the window falls
 * back to pread for good.
 */
#define DP_SOURCE_WIN (4u << 20)
struct dp_source_win {
	uint8_t *base;
	uint64_t off;		/* file offset of base */
	size_t len;
	bool failed;
	uint64_t maps;		/* mmap calls, for statistics */
};
void dp_source_win_release(struct dp_source_win *w);

/*
 * Point *ret at len bytes of physical memory inside w's mapping, without
 * a copy, when the range lies in one piece of a directly read ELF input
 * and can be mapped; otherwise *ret = NULL (read with dp_source_read_win).
 */
void dp_source_map_phys(struct dp_source *src, struct dp_source_win *w,
			uint64_t paddr, size_t len, const uint8_t **ret);

/* dp_source_read_phys() through w's mapping (w may be NULL: pread). */
struct dp_error *dp_source_read_win(struct dp_source *src,
				    struct dp_source_win *w, uint64_t paddr,
				    void *buf, size_t len, bool zero_fill);

/* What the input holds for pfn. */
enum dp_source_state dp_source_pfn_state(struct dp_source *src, uint64_t pfn);

/*
 * Read len bytes of physical memory. Bytes inside the PT_LOAD ranges are
 * read from the file; DP_ERR_PAGE_HOLE names the first address that no
 * PT_LOAD covers unless zero_fill is set (then gaps read as zeros).
 */
struct dp_error *dp_source_read_phys(struct dp_source *src,
				     uint64_t paddr, void *buf, size_t len,
				     bool zero_fill);

/* source-dump.c: the non-ELF way in (internal to the source). */
struct dp_error *dp_source_open_dump(struct dp_source *src,
				     const char *const *paths, size_t npaths);
struct dp_error *dp_source_dump_read(struct dp_source *src, uint64_t paddr,
				     void *buf, size_t len);
/*
 * Find the kernel image (_text.._end) through kallsyms on src->dump:
 * fills kimage_pa/len, and *vaddr (may be NULL) with _text.
 */
void dp_source_find_kimage(struct dp_source *src, struct dp_program *prog,
			   uint64_t *vaddr);
/* Scan src->notes: CPU count, VMCOREINFO (fills vmci_off/len, vmci). */
struct dp_error *dp_source_scan_notes(struct dp_source *src);

#endif /* DP_WRITER_SOURCE_H */

/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the dump core (dump.c: probe loop, page cache,
 * VMCOREINFO table, notes) and the per-format readers. One file and one
 * const ops table per format, like libkdumpfile's format_ops
 * (src/kdumpfile/kdumpfile-priv.h) and its formats[] probe loop.
 */
#ifndef DP_FORMAT_H
#define DP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>

struct dp_flat_index;

/*
 * One input file. Reads go through dp_file_pread(), which hides whether the
 * file is plain or a makedumpfile flattened stream (read in place through
 * an index of its records, never rearranged to disk).
 */
struct dp_file {
	char *path;
	int fd;
	uint64_t size;			/* logical size (rearranged, if flat) */
	struct dp_flat_index *flat;	/* non-NULL for flattened streams */
};

/*
 * Read exactly len bytes at logical offset off. A short read is
 * DP_ERR_BAD_DATA naming the file and offset ("<path>: truncated: need N
 * bytes at offset 0x..., file is 0x... bytes").
 */
struct dp_error *dp_file_pread(struct dp_file *file, void *buf, size_t len,
			       uint64_t off);

/*
 * Open path read-only into *ret (caller-owned storage). Detects a flattened
 * stream (FORMATS §3) and indexes its records so that dp_file_pread() reads
 * the rearranged file in place. Close with dp_file_close().
 */
struct dp_error *dp_file_open(const char *path, struct dp_file *ret);

/* Release what dp_file_open() set up. Accepts a zeroed or closed file. */
void dp_file_close(struct dp_file *file);

/*
 * A piece of an address space (file offsets for the flattened index,
 * physical addresses for ELF PT_LOADs): [start, end) maps to data at off.
 * kind is the user's tag; prio decides overlaps (higher wins, used for
 * "later record wins").
 */
struct dp_extent {
	uint64_t start, end;
	uint64_t off;
	uint32_t kind;
	uint32_t prio;
};

/*
 * Turn possibly overlapping extents into a sorted, disjoint list where each
 * point belongs to the covering extent with the highest prio (ties: the
 * later one in the input). Adjacent results with the same kind and
 * contiguous off are merged. *ret is malloc'ed (free()); may be NULL if
 * *nret is 0. Empty extents are dropped.
 */
struct dp_error *dp_extents_resolve(const struct dp_extent *in, size_t n,
				    struct dp_extent **ret, size_t *nret);

/* Index of the extent containing addr in a resolved list, or -1. */
ptrdiff_t dp_extents_find(const struct dp_extent *ext, size_t n,
			  uint64_t addr);

/* Index of the first extent with end > addr (n if none). */
size_t dp_extents_lower(const struct dp_extent *ext, size_t n, uint64_t addr);

struct dp_format_ops {
	const char *name;
	/*
	 * Decide whether dump->files are this format and, if so, set up
	 * dump->priv, page_size, vmcoreinfo (via dp_dump_add_notes()) and
	 * CPU notes. Return DP_ERR_NOT_MINE (without side effects that need
	 * undoing) if the file is another format.
	 */
	struct dp_error *(*probe)(struct dp_dump *dump);
	/* State of one pfn. */
	enum dp_page_state (*page_state)(struct dp_dump *dump, uint64_t pfn);
	/* Read a present page into buf (page_size bytes). */
	struct dp_error *(*read_page)(struct dp_dump *dump, uint64_t pfn,
				      void *buf);
	/*
	 * Fill format-specific fields of info (format, compression...). The
	 * core has already set page_size, max_pfn, dump_level, nfiles,
	 * flattened and crash_time (CRASHTIME) from struct dp_dump; the
	 * format may override them. It may also fill the page counts; if it
	 * leaves all four at 0 the core counts (count_pages or a page_state
	 * scan over 0..max_pfn).
	 */
	struct dp_error *(*get_info)(struct dp_dump *dump,
				     struct dp_dump_info *info);
	/* Visit physical ranges (optional; NULL = derive from page_state). */
	struct dp_error *(*for_each_range)(struct dp_dump *dump,
					   dp_range_fn fn, void *arg);
	/* Free dump->priv. */
	void (*cleanup)(struct dp_dump *dump);
	/*
	 * Optional: add the page counts (pages_present/excluded/zero/lost)
	 * to info faster than calling page_state for every pfn. NULL = the
	 * core scans page_state over 0..max_pfn.
	 */
	void (*count_pages)(struct dp_dump *dump, struct dp_dump_info *info);
	/*
	 * Optional: for formats whose coverage is finer than a page (ELF
	 * segments may start or end inside a page), check that the bytes
	 * [paddr, paddr + len) of one present page are really in the dump,
	 * so dp_dump_read_phys() does not return the zero fill of a partly
	 * covered page as data. NULL = whole pages.
	 */
	struct dp_error *(*check_range)(struct dp_dump *dump, uint64_t paddr,
					size_t len);
};

/* The dump object. Only dump.c and the format readers see inside. */
struct dp_dump {
	const struct dp_format_ops *ops;
	struct dp_file *files;
	size_t nfiles;
	void *priv;			/* the format's state */
	uint32_t page_size;

	char *vmcoreinfo;		/* raw text, NUL-terminated copy */
	size_t vmcoreinfo_len;
	struct dp_vmci_table *vmci;	/* parsed key=value lookup */
	/* Derived from memory when there is no note (program layer). */
	char *derived_vmci;
	size_t derived_vmci_len;
	struct dp_vmci_table *derived;

	struct dp_cpu_note *cpus;
	size_t ncpus;
	size_t ncpus_cap;
	size_t nqemu_notes;		/* "QEMU" notes seen (notes.c) */

	struct dp_page_cache *cache;

	/* The note areas as read, concatenated (dp_dump_notes()). */
	uint8_t *notes_raw;
	size_t notes_raw_len;

	/*
	 * Optional: called with every pfn a read touches, before the page
	 * cache (dp_dump_set_trace()). The collector uses it to learn which
	 * pages the log reader needs, so it can write them first.
	 */
	void (*trace)(void *arg, uint64_t pfn);
	void *trace_arg;

	/*
	 * Set by the format's probe: one past the highest pfn covered (the
	 * core scans 0..max_pfn when it counts pages), and the dump level
	 * when the file records it (-1 = unknown). dp_dump_read_page() checks
	 * page_state first and builds the "excluded (dump level N)" /
	 * "not in dump" / "lost" errors itself, naming this dump level.
	 */
	uint64_t max_pfn;
	int dump_level;
	bool truncated;		/* lost pages are past a cut (not flagged) */
	bool incomplete;	/* flagged incomplete by its writer */
};

/* Set (fn != NULL) or clear the read trace of a dump. */
void dp_dump_set_trace(struct dp_dump *dump, void (*fn)(void *, uint64_t),
		       void *arg);

/* The registered formats, probed in order (probe.c). */
extern const struct dp_format_ops *const dp_formats[];
extern const size_t dp_nformats;

/* Parsed VMCOREINFO (vmcoreinfo.c). Bounded: see the limits there. */
struct dp_error *dp_vmci_parse(const char *text, size_t len,
			       struct dp_vmci_table **ret);
const char *dp_vmci_get(const struct dp_vmci_table *t, const char *key);
void dp_vmci_destroy(struct dp_vmci_table *t);

/*
 * Parse a VMCOREINFO value by its key's convention (see
 * dp_dump_vmcoreinfo_number()). Returns false when it does not parse.
 */
bool dp_vmci_parse_number(const char *key, const char *val, int64_t *ret);

/*
 * Parse an ELF note area (n_namesz/n_descsz/n_type words, 4-byte padded)
 * taken from the dump: records NT_PRSTATUS (name "CORE"), QEMU CPU notes
 * (name "QEMU") and the VMCOREINFO note into dump. Bounds-checked; a
 * malformed note is DP_ERR_BAD_DATA naming the note's offset in the area.
 */
struct dp_error *dp_dump_add_notes(struct dp_dump *dump, const void *notes,
				   size_t len, bool big_endian);

/* QEMU "QEMU" note descriptor size (QEMUCPUState, FORMATS §9.2). */
#define DP_QEMU_CPUSTATE_SIZE 432
/* x86_64 elf_prstatus size and pr_reg offset (FORMATS §1.4). */
#define DP_PRSTATUS_SIZE 336
#define DP_PRSTATUS_REG_OFF 112
#define DP_PRSTATUS_PID_OFF 32

extern const struct dp_format_ops dp_format_elf;
extern const struct dp_format_ops dp_format_kdump;

#endif /* DP_FORMAT_H */

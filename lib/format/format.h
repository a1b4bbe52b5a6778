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
	/* Fill format-specific fields of info (format, compression...). */
	struct dp_error *(*get_info)(struct dp_dump *dump,
				     struct dp_dump_info *info);
	/* Visit physical ranges (optional; NULL = derive from page_state). */
	struct dp_error *(*for_each_range)(struct dp_dump *dump,
					   dp_range_fn fn, void *arg);
	/* Free dump->priv. */
	void (*cleanup)(struct dp_dump *dump);
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

	struct dp_cpu_note *cpus;
	size_t ncpus;

	struct dp_page_cache *cache;
};

/*
 * Parse an ELF note area (n_namesz/n_descsz/n_type words, 4-byte padded)
 * taken from the dump: records NT_PRSTATUS (name "CORE"), QEMU CPU notes
 * (name "QEMU") and the VMCOREINFO note into dump. Bounds-checked; a
 * malformed note is DP_ERR_BAD_DATA naming the note's offset in the area.
 */
struct dp_error *dp_dump_add_notes(struct dp_dump *dump, const void *notes,
				   size_t len, bool big_endian);

extern const struct dp_format_ops dp_format_elf;
extern const struct dp_format_ops dp_format_kdump;

#endif /* DP_FORMAT_H */

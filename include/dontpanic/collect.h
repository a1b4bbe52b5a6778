/* SPDX-License-Identifier: MIT */
/**
 * @file collect.h
 * The collector: filter and compress a dump (/proc/vmcore, or any dump the
 * readers open) into a kdump-compressed, ELF or flattened dump, like
 * makedumpfile.
 *
 * Pipeline: page classes from struct page (a bounded window of pfns at a
 * time) -> compression workers (one per CPU) -> one ordered writer, so the
 * output is byte-identical whatever the thread count. Headers, notes
 * (VMCOREINFO) and bitmaps are written before page data; the header is
 * marked incomplete until the end, so a dump cut short (full disk, -L,
 * power loss) says so and still serves every page that landed.
 */
#ifndef DONTPANIC_COLLECT_H
#define DONTPANIC_COLLECT_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

enum dp_collect_format {
	DP_COLLECT_KDUMP,	/**< kdump-compressed (makedumpfile default) */
	DP_COLLECT_ELF,		/**< ELF, uncompressed (-E) */
};

/** Page counters, makedumpfile --message-level 31 report order. */
enum dp_collect_counter {
	DP_CNT_ZERO,		/**< "Pages filled with zero" */
	DP_CNT_CACHE,		/**< "Non-private cache pages" */
	DP_CNT_CACHE_PRI,	/**< "Private cache pages" */
	DP_CNT_USER,		/**< "User process data pages" */
	DP_CNT_FREE,		/**< "Free pages" */
	DP_CNT_HWPOISON,	/**< "Hwpoison pages" */
	DP_CNT_OFFLINE,		/**< "Offline pages" */
	DP_CNT_NR,
};

struct dp_collect_opts {
	int dump_level;			/**< 0-31 */
	enum dp_compression compression;/**< kdump only */
	int level;			/**< codec level, 0 = default (zstd: 2) */
	enum dp_collect_format format;
	bool flattened;			/**< -F: outputs are streams */
	unsigned int nthreads;		/**< compression workers, >= 1 */
	uint64_t size_limit;		/**< -L: bytes per output, 0 = none */
	uint64_t cyclic_pfns;		/**< pfns per window, 0 = default */
	uint64_t fail_after;		/**< testing: fake ENOSPC after N bytes */
	bool no_mmap;			/**< read an ELF input with pread only (--non-mmap) */
	bool no_log_first;		/**< kdump: page data in pfn order only (makedumpfile's layout) */
	/** Progress: called from the calling thread, at most per window. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

struct dp_collect_stats {
	uint32_t page_size;
	uint64_t max_pfn;		/**< "Total pages" */
	uint64_t present;		/**< pfns backed by the input */
	uint64_t hole;			/**< max_pfn - present */
	uint64_t excluded[DP_CNT_NR];
	uint64_t not_in_input;		/**< RAM the input lacked (excluded or lost there) that no class explains */
	uint64_t excluded_total;	/**< excluded[] + not_in_input */
	uint64_t remaining;		/**< present - excluded_total */
	uint64_t rescued;		/**< kept: in the kernel image though struct page said drop */
	uint64_t pages_written;		/**< page data records written */
	uint64_t bytes_written;		/**< all outputs */
	uint64_t nfiles;
	bool incomplete;		/**< stopped early (disk full / -L) */
	int full_errno;			/**< ENOSPC... or 0 for -L */
	uint64_t pages_lost;		/**< dumpable pages not written */
	uint64_t log_pages;		/**< pages written first so the log survives a cut */
	int dump_level;			/**< effective: requested | the input's level */
	int input_level;		/**< level the input dump records, or -1 */
	const char *input_format;	/**< "elf" (read directly), or the reader's name */
};

/**
 * Collect the dump at in_paths (one file: an ELF vmcore such as
 * /proc/vmcore, or any dump the readers open: kdump-compressed, flattened;
 * several files: a --split set) into the outputs (one, or several for
 * --split, in pfn order). A filtered input is re-filtered: the level used
 * is opts->dump_level | the input's recorded level, and pages the input
 * lacks stay out of the output (never written as zeros). The caller opens the outputs. An incomplete dump
 * (stats->incomplete) is returned as an error of code DP_ERR_OS with the
 * reason, after the dump was finished and flagged.
 */
struct dp_error *dp_collect(const char *const *in_paths, size_t nin,
			    const int *out_fds,
			    const char *const *out_names, unsigned int nout,
			    const struct dp_collect_opts *opts,
			    struct dp_collect_stats *stats);

/**
 * Rearrange a flattened stream (read from in_fd) into a regular file
 * (out_fd), like makedumpfile -R. Records are applied in order.
 */
struct dp_error *dp_flat_rearrange(int in_fd, int out_fd,
				   const char *out_name, uint64_t *bytes);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_COLLECT_H */

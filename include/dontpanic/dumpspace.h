/* SPDX-License-Identifier: MIT */
/**
 * @file dumpspace.h
 * Will the next dump fit? The free space where the capture kernel will
 * write (the config's path on this machine's file systems), against an
 * upper bound of the dump's size: the RAM the capture kernel sees (System
 * RAM less the crashkernel= reservation) less what the dump level drops,
 * from /proc/meminfo now (the dump is taken at crash time, when memory
 * use may differ), uncompressed. What `status` and `test` check before a crash
 * that would otherwise leave a vmcore-incomplete on a full disk.
 */
#ifndef DONTPANIC_DUMPSPACE_H
#define DONTPANIC_DUMPSPACE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/config.h>
#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_dump_space {
	char checked[PATH_MAX]; /**< the directory measured: the dump
				     directory or its nearest existing
				     parent (the capture creates it) */
	bool have_free;
	uint64_t free_bytes;	/**< statvfs f_bavail, as df shows */
	bool have_estimate;
	uint64_t ram_bytes;	/**< system RAM (dp_ck_probe) */
	const char *ram_source;	/**< where ram_bytes came from */
	uint64_t estimate_bytes; /**< at most this much page data, plus
				      the bitmaps, before compression */
	int level;		/**< the dump level the estimate is for */
};

/**
 * The dump level of a core_collector argv: the last -d N, -dN,
 * --dump-level N or --dump-level=N of makedumpfile or `dontpanic collect`
 * (0, everything, when there is none or the collector is another program).
 */
int dp_collector_dump_level(const struct dp_config_words *collector);

/**
 * Measure @p root + @p dir ("" or NULL root: this machine) and estimate a
 * dump at @p level from @p root/proc/meminfo. What cannot be read is left
 * out (have_free, have_estimate false); only a bad argument is an error.
 */
struct dp_error *dp_dump_space_probe(const char *root, const char *dir,
				     int level, struct dp_dump_space *ret);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_DUMPSPACE_H */

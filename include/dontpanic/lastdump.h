/* SPDX-License-Identifier: MIT */
/**
 * @file lastdump.h
 * The newest dump in a dump directory (`path` of the kdump configuration,
 * /var/crash by default), as the capture kernel leaves it: one directory
 * per crash holding vmcore, vmcore.flat or vmcore-incomplete (kdumpctl and
 * `dontpanic capture`), or dump.STAMP / dump-incomplete (Debian's
 * kdump-tools), with vmcore-dmesg.txt or dmesg.STAMP beside it. What
 * `status` shows after `test` and the reboot.
 */
#ifndef DONTPANIC_LASTDUMP_H
#define DONTPANIC_LASTDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_last_dump {
	bool dir_exists;	/**< the dump directory exists */
	size_t ndumps;		/**< crash directories holding a dump file */
	bool found;		/**< the newest one is below */
	char dir[1024];		/**< its directory name (inside the dump dir) */
	char file[256];		/**< its dump file's name */
	bool incomplete;	/**< vmcore-incomplete / dump-incomplete */
	bool dmesg;		/**< a dmesg file is beside it */
	uint64_t size;		/**< bytes on disk (st_size) */
	int64_t mtime;		/**< seconds since the epoch */
	/** `dontpanic capture`'s capture-log.txt memory line, if there is
	 * one: the capture kernel's MemTotal, MemAvailable after the dump
	 * and the largest child's peak RSS, in MiB. */
	bool have_capture_memory;
	long long capture_total_mib, capture_avail_mib, capture_peak_mib;
};

/**
 * Look in @p root + @p dir ("" or NULL root: this machine). Bounded: at
 * most 4096 entries of the directory are looked at. A missing directory
 * is not an error (dir_exists false); only memory exhaustion is.
 */
struct dp_error *dp_last_dump_find(const char *root, const char *dir,
				   struct dp_last_dump *ret);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_LASTDUMP_H */

/* SPDX-License-Identifier: MIT */
/*
 * Whole-file reads for the small text and data files the service reads
 * (/proc, /sys, depmod files, ld.so.conf, compressed modules): bounded,
 * reading to end of file rather than trusting st_size (which /proc and
 * /sys files report as 0 or 4096).
 */
#ifndef DP_CORE_FILE_H
#define DP_CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/error.h>

/*
 * Paths are root + path (root NULL or "": this machine), so the service's
 * --root test trees work; errors name the whole path.
 *
 * Read the file into a malloc'ed buffer with a NUL after the last byte.
 * DP_ERR_OS (errnum kept, so ENOENT can be told apart) when it cannot be
 * opened or read; DP_ERR_BAD_DATA "larger than max bytes" when it holds
 * more than max bytes.
 */
struct dp_error *dp_file_read(const char *root, const char *path, size_t max,
			      char **ret, size_t *len_ret);

/*
 * Read the start of a short file (a sysctl, a /sys attribute, a command
 * line) into buf: at most size - 1 bytes, NUL-terminated, NULs inside
 * turned into spaces (so they cannot hide the rest from string checks),
 * trailing spaces, tabs and newlines removed. false if it cannot be read
 * (or root + path is longer than PATH_MAX).
 */
bool dp_file_read_small(const char *root, const char *path, char *buf,
			size_t size);

#endif /* DP_CORE_FILE_H */

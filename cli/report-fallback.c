// SPDX-License-Identifier: MIT
// dontpanic report when the dump's kernel log is lost (a dump cut short
// before the ring buffer's pages): the kernel log a capture keeps beside
// the dump (kdumpctl and kdump-tools write vmcore-dmesg.txt, the harness
// dmesg.txt), else a report from what the dump still has, saying what is
// missing. Also reads log files for --log.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/cleanup.h"
#include "core/vector.h"
#include "report.h"

#define LOG_FILE_MAX (256u << 20)	/* a kernel log is far smaller */

struct dp_error *report_read_log(const char *path, struct dp_triage_log **ret)
{
	_cleanup_fclose_ FILE *f = fopen(path, "rb");
	if (!f)
		return dp_error_os(errno, "%s", path);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n > LOG_FILE_MAX)
			return dp_error_create(DP_ERR_BAD_DATA, "%s: larger than %u "
					       "MiB: not a kernel log", path,
					       LOG_FILE_MAX >> 20);
		if (!dp_array_reserve(buf, cap, len + n))
			return &dp_enomem;
		memcpy(buf + len, chunk, n);
		len += n;
	}
	if (ferror(f))
		return dp_error_create(DP_ERR_BAD_DATA, "%s: read error", path);
	return dp_triage_log_parse(buf ? buf : "", len, ret);
}

/* The release a log's "Linux version" banner names, or NULL. */
static bool log_release(const struct dp_triage_log *log, char *buf, size_t n)
{
	for (size_t i = 0; i < log->nrecs; i++) {
		const char *p = strstr(log->recs[i].text, "Linux version ");
		if (p && sscanf(p, "Linux version %64s", buf) == 1 && n > 64)
			return true;
	}
	return false;
}

/*
 * The log beside the dump, if one is there and is this kernel's (its
 * banner names the dump's release). *why gets what was tried when none.
 */
struct dp_triage_log *report_log_beside(const char *dump_path,
					const char *release, char **path_ret,
					char **why)
{
	static const char *const names[] = { "vmcore-dmesg.txt", "dmesg.txt" };
	const char *slash = strrchr(dump_path, '/');
	int dirlen = slash ? (int)(slash - dump_path) : 1;
	const char *dir = slash ? dump_path : ".";
	*why = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *path;
		if (asprintf(&path, "%.*s/%s", dirlen, dir, names[i]) < 0)
			return NULL;
		struct dp_triage_log *log;
		struct dp_error *err = report_read_log(path, &log);
		char rel[65];
		if (!err && release &&
		    (!log_release(log, rel, sizeof(rel)) || strcmp(rel, release))) {
			free(*why);
			if (asprintf(why, "%s is not this kernel's log (no "
				     "\"Linux version %s\" banner)", path,
				     release) < 0)
				*why = NULL;
			dp_triage_log_destroy(log);
			free(path);
			continue;
		}
		dp_error_destroy(err);
		if (!err && log->nrecs) {
			*path_ret = path;
			return log;
		}
		if (!err)
			dp_triage_log_destroy(log);
		free(path);
	}
	if (!*why && asprintf(why, "no vmcore-dmesg.txt or dmesg.txt beside "
			      "the dump") < 0)
		*why = NULL;
	return NULL;
}

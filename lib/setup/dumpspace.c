// SPDX-License-Identifier: MIT
// Free space at the dump directory against the size of the next dump
// (dumpspace.h).
//
// The estimate is an upper bound of what makedumpfile's page classes keep
// (its dump level bits: 1 zero, 2 cache, 4 cache with private data, 8 user,
// 16 free). /proc/vmcore holds all system RAM but the crash reservation;
// memory the kernel reserved at boot (its image, struct pages) is not in
// MemTotal but is in the dump and is never dropped, so the base is
// /proc/iomem's System RAM (dp_ck_probe; MemTotal without root). From it
// go the counters a live /proc/meminfo has: free pages are
// MemFree; user pages at least AnonPages; page cache without shmem
// (Cached - Shmem, swap-backed pages count as user data) plus Buffers,
// which only levels with both cache bits drop entirely (with one bit we
// cannot tell the private part, so nothing is subtracted). Zero pages are
// not counted (unknowable without reading them). The kdump bitmaps add two
// bits per page.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include <dontpanic/crashkernel.h>
#include <dontpanic/dumpspace.h>

#include "core/file.h"

#define MEMINFO_MAX (64u << 10)

// "-d" "N", "-dN", "--dump-level" "N", "--dump-level=N": the level, or -1.
static int level_of(const char *const *w, size_t i, size_t n)
{
	const char *v = NULL;
	if (!strcmp(w[i], "-d") || !strcmp(w[i], "--dump-level"))
		v = i + 1 < n ? w[i + 1] : NULL;
	else if (!strncmp(w[i], "-d", 2) && w[i][2] >= '0' && w[i][2] <= '9')
		v = w[i] + 2;
	else if (!strncmp(w[i], "--dump-level=", 13))
		v = w[i] + 13;
	if (!v)
		return -1;
	char *end;
	long l = strtol(v, &end, 10);
	return *end || end == v || l < 0 || l > 31 ? -1 : (int)l;
}

int dp_collector_dump_level(const struct dp_config_words *c)
{
	if (!c->n)
		return 0;
	const char *prog = strrchr(c->v[0], '/');
	prog = prog ? prog + 1 : c->v[0];
	if (strcmp(prog, "makedumpfile") && strcmp(prog, "dontpanic"))
		return 0;
	int level = 0;
	for (size_t i = 1; i < c->n; i++) {
		int l = level_of((const char *const *)c->v, i, c->n);
		if (l >= 0)
			level = l;
	}
	return level;
}

// A "Name:   N kB" line of meminfo, in bytes; false if absent.
static bool meminfo_kb(const char *text, const char *name, uint64_t *ret)
{
	size_t n = strlen(name);
	for (const char *l = text; *l;) {
		const char *next = strchr(l, '\n');
		if (strncmp(l, name, n) || l[n] != ':') {
			if (!next)
				break;
			l = next + 1;
			continue;
		}
		char *end;
		errno = 0;
		unsigned long long v = strtoull(l + n + 1, &end, 10);
		if (errno || end == l + n + 1 || v > UINT64_MAX / 1024)
			return false;
		*ret = v * 1024;
		return true;
	}
	return false;
}

// Counters from a damaged file can add up past 2^64: stay at the top.
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static void estimate(const char *root, int level, struct dp_dump_space *s)
{
	char *text;
	size_t len;
	struct dp_error *err = dp_file_read(root, "/proc/meminfo", MEMINFO_MAX,
					    &text, &len);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	uint64_t total, memfree = 0, cached = 0, shmem = 0, buffers = 0, anon = 0;
	struct dp_ck_machine m;
	err = dp_ck_probe(root, &m);
	if (err) {
		dp_error_destroy(err);
		m.ram = 0;
	}
	if (meminfo_kb(text, "MemTotal", &total)) {
		s->ram_bytes = total;
		s->ram_source = "/proc/meminfo MemTotal";
		if (m.ram > total) {
			s->ram_bytes = m.ram;
			s->ram_source = m.ram_source;
			total = m.ram - (m.have_crash_size &&
					 m.crash_size < m.ram ? m.crash_size : 0);
		}
		uint64_t drop = 0;
		if ((level & 16) && meminfo_kb(text, "MemFree", &memfree))
			drop = sat_add(drop, memfree);
		if ((level & 6) == 6 && meminfo_kb(text, "Cached", &cached)) {
			meminfo_kb(text, "Shmem", &shmem);
			meminfo_kb(text, "Buffers", &buffers);
			drop = sat_add(drop, sat_add(cached > shmem ?
						     cached - shmem : 0, buffers));
		}
		if ((level & 8) && meminfo_kb(text, "AnonPages", &anon))
			drop = sat_add(drop, anon);
		s->have_estimate = true;
		s->estimate_bytes = sat_add(drop < total ? total - drop : 0,
					    total / 16384);
	}
	free(text);
}

// statvfs root+dir, else its parents up to root itself.
static void measure(const char *root, const char *dir, struct dp_dump_space *s)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s", root ? root : "", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return;
	size_t keep = root ? strlen(root) : 0;
	for (;;) {
		struct statvfs v;
		if (statvfs(*path ? path : "/", &v) == 0) {
			s->have_free = true;
			s->free_bytes = (uint64_t)v.f_bavail * v.f_frsize;
			snprintf(s->checked, sizeof(s->checked), "%s",
				 path[keep] ? path + keep : "/");
			return;
		}
		char *slash = strrchr(path + keep, '/');
		if (!slash || errno != ENOENT)
			return;
		*slash = '\0';
	}
}

struct dp_error *dp_dump_space_probe(const char *root, const char *dir,
				     int level, struct dp_dump_space *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!dir || dir[0] != '/')
		return dp_error_create(DP_ERR_INVALID,
				       "dump directory \"%s\": need an absolute path",
				       dir ? dir : "");
	ret->level = level;
	estimate(root, level, ret);
	measure(root, dir, ret);
	return NULL;
}

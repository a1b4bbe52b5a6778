// SPDX-License-Identifier: MIT
// The newest dump in the dump directory (lastdump.h). File names: kdumpctl
// (dracut 99kdumpbase kdump.sh) and `dontpanic capture` write vmcore,
// vmcore.flat (-F) or vmcore-incomplete and vmcore-dmesg.txt; Debian's
// kdump-config writes dump.YYYYMMDDHHMM (dump-incomplete while copying)
// and dmesg.YYYYMMDDHHMM (ANCHORS.md §4).
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <dontpanic/lastdump.h>

#include "core/file.h"

#define MAX_ENTRIES 4096

static bool is_dump(const char *n, bool *incomplete)
{
	*incomplete = !strcmp(n, "vmcore-incomplete") ||
		      !strcmp(n, "dump-incomplete");
	return *incomplete || !strcmp(n, "vmcore") ||
	       !strcmp(n, "vmcore.flat") || !strncmp(n, "dump.", 5);
}

static bool is_dmesg(const char *n)
{
	return !strcmp(n, "vmcore-dmesg.txt") || !strncmp(n, "dmesg.", 6);
}

// capture-log.txt's "memory: T MiB in the capture kernel (MemTotal), A MiB
// available after the dump, largest child's peak RSS P MiB" (cmd-capture.c).
static void capture_memory(const char *path, struct dp_last_dump *d)
{
	char log[16384];
	if (!dp_file_read_small(path, "/capture-log.txt", log, sizeof(log)))
		return;
	const char *m = strstr(log, "memory: ");
	if (m && sscanf(m, "memory: %lld MiB in the capture kernel (MemTotal), "
			"%lld MiB available after the dump, largest child's "
			"peak RSS %lld MiB", &d->capture_total_mib,
			&d->capture_avail_mib, &d->capture_peak_mib) == 3)
		d->have_capture_memory = true;
}

// One crash directory: its newest dump file, if any.
static void scan_crash_dir(const char *path, const char *name,
			   struct dp_last_dump *d)
{
	DIR *dir = opendir(path);
	if (!dir)
		return;
	struct dirent *de;
	bool dump = false, dmesg = false, incomplete = false;
	char file[256] = "";
	struct stat best = { 0 };
	size_t n = 0;
	while ((de = readdir(dir)) && n++ < MAX_ENTRIES) {
		bool inc;
		if (is_dmesg(de->d_name))
			dmesg = true;
		if (!is_dump(de->d_name, &inc))
			continue;
		char fp[4700];
		struct stat st;
		snprintf(fp, sizeof(fp), "%s/%s", path, de->d_name);
		if (stat(fp, &st) || !S_ISREG(st.st_mode))
			continue;
		if (dump && st.st_mtime <= best.st_mtime)
			continue;
		dump = true;
		best = st;
		incomplete = inc;
		snprintf(file, sizeof(file), "%s", de->d_name);
	}
	closedir(dir);
	if (!dump)
		return;
	d->ndumps++;
	if (d->found && (int64_t)best.st_mtime <= d->mtime)
		return;
	d->found = true;
	snprintf(d->dir, sizeof(d->dir), "%s", name);
	snprintf(d->file, sizeof(d->file), "%s", file);
	d->incomplete = incomplete;
	d->dmesg = dmesg;
	d->size = (uint64_t)best.st_size;
	d->mtime = (int64_t)best.st_mtime;
	d->have_capture_memory = false;
	capture_memory(path, d);
}

struct dp_error *dp_last_dump_find(const char *root, const char *dir,
				   struct dp_last_dump *d)
{
	char top[4096];
	memset(d, 0, sizeof(*d));
	snprintf(top, sizeof(top), "%s%s", root ? root : "", dir ? dir : "");
	DIR *dp = opendir(top);
	if (!dp)
		return NULL;
	d->dir_exists = true;
	struct dirent *de;
	size_t n = 0;
	while ((de = readdir(dp)) && n++ < MAX_ENTRIES) {
		if (de->d_name[0] == '.')
			continue;
		char path[4400];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", top, de->d_name);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			scan_crash_dir(path, de->d_name, d);
	}
	closedir(dp);
	return NULL;
}

// SPDX-License-Identifier: MIT
// The fuzz targets' private file tree (fuzz-tree.h).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-tree.h"

#define SEP "@@@@"

char fuzz_root[256];

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_root(void)
{
	remove_tree(fuzz_root);
}

// A run that dies on a finding (ASan aborts, libFuzzer's -timeout kills)
// skips atexit, so each start removes the trees of processes that are gone.
// The directory is named by pid for that reason.
static void sweep_stale(const char *tmp, const char *prefix)
{
	DIR *d = opendir(tmp);
	if (!d)
		return;
	size_t plen = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, plen))
			continue;
		char *end;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (*end || pid <= 0)
			continue;
		// alive (or not ours to judge): keep; our own pid's is stale
		if (pid != getpid() && !(kill((pid_t)pid, 0) && errno == ESRCH))
			continue;
		char stale[sizeof(fuzz_root)];
		snprintf(stale, sizeof(stale), "%s/%s", tmp, e->d_name);
		remove_tree(stale);
	}
	closedir(d);
}

void fuzz_tree_init(const char *name, const char *const *dirs, size_t ndirs)
{
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
			  getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "dp-fuzz-%s-", name);
	sweep_stale(tmp, prefix);
	snprintf(fuzz_root, sizeof(fuzz_root), "%s/%s%d", tmp, prefix,
		 (int)getpid());
	if (mkdir(fuzz_root, 0700))
		__builtin_trap();
	atexit(remove_root);
	char path[512];
	for (size_t i = 0; i < ndirs; i++) {
		snprintf(path, sizeof(path), "%s%s", fuzz_root, dirs[i]);
		if (mkdir(path, 0700) && errno != EEXIST)
			__builtin_trap();
	}
}

void fuzz_tree_put(const char *rel, const struct fuzz_part *pt)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", fuzz_root, rel);
	unlink(path);
	if (!pt)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		__builtin_trap();
	for (size_t off = 0; off < pt->n;) {
		ssize_t w = write(fd, pt->p + off, pt->n - off);
		if (w <= 0)
			__builtin_trap();
		off += (size_t)w;
	}
	close(fd);
}

void fuzz_tree_put_parts(const char *const *rels, size_t nrels,
			 const struct fuzz_part *pt, size_t n)
{
	for (size_t i = 0; i < nrels; i++)
		fuzz_tree_put(rels[i], i < n ? &pt[i] : NULL);
}

size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts,
		  size_t max)
{
	size_t n = 0;
	while (n < max - 1) {
		const uint8_t *s = memmem(data, size, SEP, 4);
		if (!s)
			break;
		parts[n++] = (struct fuzz_part){ data, (size_t)(s - data) };
		size -= (size_t)(s - data) + 4;
		data = s + 4;
	}
	parts[n++] = (struct fuzz_part){ data, size };
	return n;
}

const struct fuzz_part *fuzz_line(const struct fuzz_part *pt, size_t i,
				  struct fuzz_part *out)
{
	const uint8_t *p = pt->p, *end = pt->p + pt->n;
	for (; i; i--) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p == end)
		return NULL;
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
	*out = (struct fuzz_part){ p, nl ? (size_t)(nl - p) : (size_t)(end - p) };
	return out;
}

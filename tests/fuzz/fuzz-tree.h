/* SPDX-License-Identifier: MIT */
/* A private file tree for fuzz targets whose readers take paths (a root
 * directory and files below it): each input is split into parts and the
 * parts are written as files under the tree. */
#ifndef DP_FUZZ_TREE_H
#define DP_FUZZ_TREE_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_part {
	const uint8_t *p;
	size_t n;
};

/* The tree's root: "/dev/shm/dp-fuzz-NAME-PID" (or under $TMPDIR, /tmp),
 * empty until fuzz_tree_init(). */
extern char fuzz_root[256];

/* Create the root and the directories @dirs ("/etc", ... in order) below
 * it; remove the trees left by dead runs of the same target; remove this
 * one at exit. Traps on failure. */
void fuzz_tree_init(const char *name, const char *const *dirs, size_t ndirs);

/* Write @pt to root + @rel, or remove root + @rel when @pt is NULL. */
void fuzz_tree_put(const char *rel, const struct fuzz_part *pt);

/* Write part i of @pt (@n parts) to root + @rels[i] for each of the @nrels
 * paths; a path past the last part is removed. */
void fuzz_tree_put_parts(const char *const *rels, size_t nrels,
			 const struct fuzz_part *pt, size_t n);

/* Split @data at each "@@@@" into at most @max parts; the last part takes
 * the rest. Returns the number of parts (at least 1). */
size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts,
		  size_t max);

/* Line @i (0-based, '\n'-separated) of @pt as a part, or NULL past the end. */
const struct fuzz_part *fuzz_line(const struct fuzz_part *pt, size_t i,
				  struct fuzz_part *out);

#endif

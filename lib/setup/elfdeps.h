/* SPDX-License-Identifier: MIT */
/*
 * The shared objects an ELF executable needs at run time, found the way
 * the dynamic loader finds them (glibc elf/dl-load.c, ld.so(8)) but without
 * running anything: PT_INTERP, then DT_NEEDED breadth first, each name
 * searched in the needing object's DT_RPATH (when it has no DT_RUNPATH) and
 * the executable's, its DT_RUNPATH, the directories of /etc/ld.so.conf
 * (what ld.so.cache holds) and the default directories. A name already
 * loaded (by DT_SONAME or by name) is not searched again, and a file of
 * another ELF class or machine is skipped, as the loader does.
 */
#ifndef DP_SETUP_ELFDEPS_H
#define DP_SETUP_ELFDEPS_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/error.h>

/* Bounds that make a hostile file harmless. */
#define DP_ELFDEPS_MAX_OBJECTS 1024	/* objects in one closure */
#define DP_ELFDEPS_MAX_DYN 65536	/* entries in one dynamic section */

struct dp_elfdep {
	char *path;		/* the path the loader opens (not resolved) */
	char *name;		/* the DT_NEEDED string; PT_INTERP's path */
	char *needed_by;	/* path of the first object that needs it */
	bool interp;		/* the program interpreter */
	/* found only through /etc/ld.so.conf: a loader without
	 * /etc/ld.so.cache would not find it */
	bool via_conf;
};

struct dp_elfdeps {
	struct dp_elfdep *v;	/* interpreter first, then load order */
	size_t n;
};

/*
 * Resolve the dependencies of exe. Paths are absolute paths of the
 * system under root ("" or NULL: this machine); files are read at
 * root + path and reported without root. A static executable gives an
 * empty list. A missing library is a DP_ERR_NOT_FOUND error naming it and
 * the object that needs it; a file that is not valid ELF is DP_ERR_BAD_DATA.
 */
struct dp_error *dp_elfdeps_resolve(const char *root, const char *exe,
				    struct dp_elfdeps **ret);

void dp_elfdeps_destroy(struct dp_elfdeps *deps);

#endif /* DP_SETUP_ELFDEPS_H */

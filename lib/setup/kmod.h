/* SPDX-License-Identifier: MIT */
/*
 * Kernel module names to .ko files in load order, from the depmod files
 * of /lib/modules/<kver> (modules.dep, modules.builtin, modules.alias,
 * modules.softdep; depmod(8), modules.dep(5)), without libkmod. The
 * order is modprobe's (libkmod's probe list): for a module, its
 * modules.dep dependencies from last to first, each preceded by its own
 * soft "pre:" dependencies, then the module's "pre:" soft dependencies, the
 * module, its "post:" ones. As in kmod 30, only the first softdep line of
 * a module counts. Names compare with '-' and '_' equal.
 */
#ifndef DP_SETUP_KMOD_H
#define DP_SETUP_KMOD_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/error.h>

#define DP_KMOD_MAX_FILE (64u << 20)	/* bytes in one depmod file */
#define DP_KMOD_MAX_DEPS 4096		/* dependencies of one module */

struct dp_kmod;

/* One module to load. */
struct dp_kmod_entry {
	char *name;		/* "virtio_blk" */
	char *relpath;		/* "kernel/drivers/block/virtio_blk.ko" */
	char *why;		/* "for vda", "dependency of xfs"... */
};

/* A load-ordered list, each module once; notes say what was skipped. */
struct dp_kmod_list {
	struct dp_kmod_entry *v;
	size_t n;
	char **notes;
	size_t nnotes;
};

/* Read root/lib/modules/kver/modules.* (modules.dep is required). */
struct dp_error *dp_kmod_open(const char *root, const char *kver,
			      struct dp_kmod **ret);

/* The directory read ("<root>/lib/modules/<kver>"). */
const char *dp_kmod_dir(const struct dp_kmod *k);

/* Is name (a module name, not an alias) built into the kernel? */
bool dp_kmod_is_builtin(const struct dp_kmod *k, const char *name);

/* Is there a .ko for name (a module name, not an alias)? */
bool dp_kmod_exists(const struct dp_kmod *k, const char *name);

/*
 * Append name (a module name or an alias) and what it needs to list, in
 * load order, skipping modules already there. A built-in module adds a
 * note, not an error. Unknown name: DP_ERR_NOT_FOUND; a dependency cycle
 * or a dependency without its own modules.dep line: DP_ERR_BAD_DATA.
 */
struct dp_error *dp_kmod_add(const struct dp_kmod *k, const char *name,
			     const char *why, struct dp_kmod_list *list);

/*
 * Read a .ko.xz, .ko.zst or .ko.gz module whole and decompress it
 * (bounded; it must give an ELF file). Other suffixes: DP_ERR_UNSUPPORTED.
 */
struct dp_error *dp_kmod_decompress(const char *path, void **ret,
				    size_t *len_ret);

void dp_kmod_list_free(struct dp_kmod_list *list);
void dp_kmod_destroy(struct dp_kmod *k);

#endif /* DP_SETUP_KMOD_H */
